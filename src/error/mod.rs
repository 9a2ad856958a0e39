//! The one error type of the HTTP layer. Every error leaves the service as an RFC 9457
//! `application/problem+json` document with a stable machine-readable `code`; database and
//! internal messages are logged, never sent.

use std::fmt;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{self, Lang, zh};

mod code;
mod constraints;
pub use code::ErrorCode;
pub use constraints::unique_constraints;

/// One failing field or rule inside a problem document.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The request field at fault (JSON name), or `null` when the rule concerns the whole request.
    pub field: Option<String>,
    /// Stable code (`required`, `invalid_checksum`, a rule id such as `MIN-03`, a violation code).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The RULES.md rule id (e.g. `REG-08`) the refusal applies, when a rule is the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let code = code.into();
        Self {
            field: Some(field.into()),
            rule: rule_id(&code),
            code,
            message: message.into(),
        }
    }

    /// The same error, naming the rule it applies.
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into());
        self
    }

    pub fn general(code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        Self {
            field: None,
            rule: rule_id(&code),
            code,
            message: message.into(),
        }
    }
}

/// A code that is itself a RULES.md rule id (`MIN-02`, `SR-05`) names the rule it applies, so
/// every refusal under a rule carries `rule` (issue 14, acceptance 4).
fn rule_id(code: &str) -> Option<String> {
    let (area, number) = code.split_once('-')?;
    let is_rule = (2..=5).contains(&area.len())
        && area.bytes().all(|b| b.is_ascii_uppercase())
        && number.len() == 2
        && number.bytes().all(|b| b.is_ascii_digit());
    is_rule.then(|| code.to_string())
}

impl From<crate::domain::Invalid> for FieldError {
    fn from(i: crate::domain::Invalid) -> Self {
        let rule = i.rule.map(str::to_string);
        let base = FieldError::new(i.field, i.code, i.message);
        FieldError {
            rule: rule.or(base.rule.clone()),
            ..base
        }
    }
}

/// The problem document (RFC 9457) every error response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:springrain:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code clients switch on.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    detail: String,
    errors: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    /// Values the detail carries (e.g. `what` for not_found, `allow` for 405, which is also
    /// the `Allow` header), for rendering it in another language.
    params: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<ErrorCode>, detail: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
            params: Vec::new(),
        }
    }

    /// A value the detail carries, named as in the catalogue's `{placeholders}`.
    pub fn with_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params.push((name, value.into()));
        self
    }

    /// The same problem under a more specific code (e.g. `requirements_not_met`).
    pub fn with_code(mut self, code: impl Into<ErrorCode>) -> Self {
        self.code = code.into();
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// 400: the request could not be read (bad JSON, bad query string, bad path segment).
    pub fn bad_request(code: impl Into<ErrorCode>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, detail)
    }

    /// 404 for objects that do not exist *or* are outside the caller's scope.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("{what} not found"),
        )
        .with_param("what", what)
    }

    /// A 404 from a scope check on a parent object, restated for the object the caller asked
    /// for (so its existence is not leaked through the parent's name); other errors unchanged.
    pub fn hidden_as(self, what: &str) -> Self {
        match self.status {
            StatusCode::NOT_FOUND => Self::not_found(what),
            _ => self,
        }
    }

    pub fn conflict(code: impl Into<ErrorCode>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 422 with per-field errors.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => one.message.clone(),
            _ => format!("{} fields are invalid", errors.len()),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ValidationFailed,
            detail,
        )
        .with_errors(errors)
    }

    /// 422 listing every rule the input breaks.
    pub fn invalid(problems: Vec<crate::domain::Invalid>) -> Self {
        Self::validation(problems.into_iter().map(FieldError::from).collect())
    }

    /// 422 for a well-formed request that breaks a rule; `code` names the rule.
    pub fn rule(code: impl Into<ErrorCode>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "too many requests; retry later",
        );
        e.retry_after_secs = Some(retry_after_secs.max(1));
        e
    }

    /// Tells the client when to try again (`Retry-After`).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    pub fn method_not_allowed(allow: String) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            format!("this resource allows {allow}"),
        )
        .with_param("allow", allow)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            detail,
        );
        e.retry_after_secs = Some(1);
        e
    }

    /// 500 with an opaque body; the cause goes to the log only.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            "an internal error occurred; it has been logged",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }

    pub fn error_code(&self) -> ErrorCode {
        self.code
    }

    /// The problem document in English.
    pub fn problem(&self) -> Problem {
        self.problem_in(Lang::En)
    }

    /// The problem document in `lang`; only `title`, `detail` and `errors[].message` change.
    pub fn problem_in(&self, lang: Lang) -> Problem {
        match lang {
            Lang::En => self.english_problem(),
            Lang::Zh => self.chinese_problem(),
        }
    }

    fn chinese_problem(&self) -> Problem {
        let errors: Vec<FieldError> = self
            .errors
            .iter()
            .map(|e| FieldError {
                message: zh::entry_message(&e.code)
                    .map(|m| i18n::fill(m, &[("field", e.field.as_deref().unwrap_or("该项"))]))
                    .unwrap_or_else(|| e.message.clone()),
                ..e.clone()
            })
            .collect();
        let detail = match (self.code.as_str(), errors.as_slice()) {
            ("validation_failed", [one]) => one.message.clone(),
            ("validation_failed", many) if !many.is_empty() => {
                format!("有 {} 处数据未通过校验", many.len())
            }
            (code, _) => match zh::detail(code) {
                Some(text) => {
                    let params: Vec<(&str, &str)> = self
                        .params
                        .iter()
                        .map(|(name, value)| {
                            let value = match *name {
                                "what" => zh::object(value).unwrap_or(value),
                                _ => value,
                            };
                            (*name, value)
                        })
                        .collect();
                    i18n::fill(text, &params)
                }
                None => format!("{}（{}）", zh::generic(self.status), self.detail),
            },
        };
        Problem {
            title: zh::title(self.status).to_string(),
            detail,
            errors,
            ..self.english_problem()
        }
    }

    fn english_problem(&self) -> Problem {
        Problem {
            kind: format!("urn:springrain:problem:{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
            errors: self.errors.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.response_in(Lang::En)
    }
}

impl ApiError {
    /// The error as a response that keeps the error attached, so `middleware::localize` can
    /// render it again in the client's language. Use this, not `error_response()`, where a
    /// middleware answers by itself.
    pub fn into_response(self) -> HttpResponse {
        HttpResponse::from_error(self)
    }

    /// The response with the problem document in `lang`.
    pub fn response_in(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(secs) = self.retry_after_secs {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Some((_, allow)) = self.params.iter().find(|(name, _)| *name == "allow") {
            res.insert_header((header::ALLOW, allow.clone()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.body(serde_json::to_string(&self.problem_in(lang)).unwrap_or_default())
    }
}

/// The one mapping from database errors to HTTP.
impl From<DieselError> for ApiError {
    fn from(err: DieselError) -> Self {
        match &err {
            DieselError::NotFound => ApiError::not_found("resource"),
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => {
                    match constraints::unique_violation(info.constraint_name(), info.message()) {
                        Some((code, detail)) => ApiError::conflict(code, detail),
                        None => ApiError::conflict(
                            ErrorCode::Conflict,
                            "a resource with the same unique value already exists",
                        ),
                    }
                }
                DatabaseErrorKind::ForeignKeyViolation => ApiError::rule(
                    ErrorCode::ReferenceInvalid,
                    "a referenced resource does not exist",
                ),
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
                    tracing::warn!(error = %info.message(), "constraint rejected a write");
                    ApiError::rule(
                        ErrorCode::ConstraintViolated,
                        "the data breaks a storage constraint",
                    )
                }
                DatabaseErrorKind::SerializationFailure => ApiError::conflict(
                    ErrorCode::ConcurrentUpdate,
                    "a concurrent update won; retry",
                ),
                // The database went away under a request (a restart, a failover, a killed
                // backend): an outage, as when no connection can be had, not a bug. As with
                // any timeout, a connection lost during COMMIT may still have stored the write.
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    tracing::warn!(error = %info.message(), "the database connection was lost");
                    ApiError::unavailable("the database connection was lost; retry")
                }
                _ if info.message().contains("database is locked") => {
                    tracing::warn!("sqlite busy timeout exceeded");
                    ApiError::unavailable("the database is busy; retry")
                }
                _ => ApiError::internal(with_causes(&err)),
            },
            // A corrupt stored value (`db::stored::UnknownValue`) is a cause of diesel's
            // deserialisation error: log the whole chain so the column and value are named.
            _ => ApiError::internal(with_causes(&err)),
        }
    }
}

/// An error and its causes, for the log.
pub fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %err, "no database connection available");
        ApiError::unavailable("no database connection is available; retry shortly")
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(err)
    }
}

impl From<crate::db::Unavailable> for ApiError {
    fn from(err: crate::db::Unavailable) -> Self {
        match err {
            crate::db::Unavailable::NoConnection(e) => ApiError::from(e),
            other => ApiError::internal(other),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_database_connection_is_an_outage_not_an_internal_error() {
        for kind in [
            DatabaseErrorKind::ClosedConnection,
            DatabaseErrorKind::UnableToSendCommand,
        ] {
            let lost = DieselError::DatabaseError(
                kind,
                Box::new("terminating connection due to administrator command".to_string()),
            );
            let e = ApiError::from(lost);
            assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(e.retry_after_secs, Some(1));
        }
        let other = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("syntax error".to_string()),
        );
        assert_eq!(
            ApiError::from(other).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
