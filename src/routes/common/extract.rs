//! Request extractors and the error handlers that turn actix's own plain-text errors (bad
//! JSON, wrong content type, oversized body, bad query or path) into problem documents.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

pub use super::dates::{bounded_dates, day_of};
pub use super::versions::{etag, if_match_version, stale};
use crate::error::{ApiError, ErrorCode, FieldError};
pub use crate::middleware::body::{JSON_BODY_LIMIT, declared_length, read_limited};

/// The body limit of `Json` / `ValidatedJson` in a scope (app data; `JSON_BODY_LIMIT` where
/// none is set), for scopes stricter than the default.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON request body. Unlike `web::Json`, a value of the wrong type names its field path:
/// `422 validation_failed` with `errors[0].field = "languages[0].proficiency"` and code
/// `invalid_type` (`required` for a missing field, `unknown_field` for one the type does not
/// accept, `invalid_value` for an unknown enum variant); only unparsable JSON is
/// `400 malformed_json`. Bodies are bounded by the scope's `JsonLimit` (413).
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req.mime_type().ok().flatten().is_some_and(|m| {
            m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON)
        });
        let declared = declared_length(req.headers());
        let limit = req.app_data::<JsonLimit>().map_or(JSON_BODY_LIMIT, |l| l.0);
        let payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "send the body as application/json",
                )
                .into());
            }
            let too_large = || "the request body is too large".to_string();
            if declared.is_some_and(|len| len > limit as u64) {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    too_large(),
                )
                .into());
            }
            let bytes = read_limited(payload, limit, too_large).await?;
            parse_json(&bytes).map(Json).map_err(Into::into)
        })
    }
}

/// Deserializes a JSON body, keeping the path of the value that does not fit `T`. The syntax
/// is checked first (400 `malformed_json`), so every later error is about a value (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    super::fees::refuse_fees(&value)?;
    let err = match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(parsed) => return Ok(parsed),
        Err(err) => err,
    };
    let path = err.path().to_string();
    let pointer = json_pointer(err.path());
    let mut message = err.into_inner().to_string();
    // serde_json says "expected string or map" for an enum given a number; the variants are
    // what the client needs: ask again with a string in its place.
    if message.ends_with("expected string or map")
        && let Some(pointer) = pointer
    {
        let mut probe = value.clone();
        if let Some(slot) = probe.pointer_mut(&pointer) {
            *slot = serde_json::Value::String(String::new());
            if let Err(again) = serde_path_to_error::deserialize::<_, T>(&probe) {
                let text = again.inner().to_string();
                if again.path().to_string() == path
                    && text.starts_with("unknown variant")
                    && let Some(at) = text.find("expected ")
                {
                    let head = message.trim_end_matches("expected string or map");
                    message = format!("{head}{}", &text[at..]);
                }
            }
        }
    }
    let (field, code, message) = type_error(&path, &message);
    let rule = super::fees::ruled_value(std::any::type_name::<T>(), &field, code);
    let error = FieldError::new(field, code, message);
    Err(ApiError::validation(vec![match rule {
        Some(rule) => error.with_rule(rule),
        None => error,
    }]))
}

/// The JSON pointer (RFC 6901) of a serde path, when it has one.
fn json_pointer(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            _ => return None,
        }
    }
    Some(pointer)
}

/// The field, code and English message for one serde data error at `path`.
fn type_error(path: &str, message: &str) -> (String, &'static str, String) {
    let within = |name: &str| match path {
        "." | "" => name.to_string(),
        p if p == name || p.ends_with(&format!(".{name}")) => p.to_string(),
        p => format!("{p}.{name}"),
    };
    let quoted = |rest: &str| rest.split('`').next().unwrap_or_default().to_string();
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = within(&quoted(rest));
        let message = format!("{field} is required");
        return (field, "required", message);
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = within(&quoted(rest));
        let message = format!("{field} is not accepted here: {message}");
        return (field, "unknown_field", message);
    }
    let field = match path {
        "." | "" => String::new(),
        p => p.to_string(),
    };
    if message.starts_with("unknown variant") || message.starts_with("invalid value") {
        let message = format!("{field}: {message}");
        return (field, "invalid_value", message);
    }
    // chrono's parse errors do not say what was expected.
    let chrono = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
        "bad or unsupported format string",
    ];
    let message = if chrono.contains(&message) {
        format!(
            "{field}: {message}; expected a date (YYYY-MM-DD) or an RFC 3339 date-time \
             (2026-05-01T09:00:00+08:00)"
        )
    } else {
        format!("{field}: {message}")
    };
    (field, "invalid_type", message)
}

/// JSON body that is also validated (`validator`); failures are 422 with per-field errors.
pub struct ValidatedJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = Json::<T>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            value
                .validate()
                .map_err(|e| ApiError::validation(field_errors(&e)))?;
            Ok(ValidatedJson(value))
        })
    }
}

/// Flattens validator's nested error tree into `field.sub[2].x` paths.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("{path} is invalid ({})", e.code));
                    out.push(FieldError::new(path.clone(), e.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// serde reports a missing field as "missing field `name` at line …"; keep the name.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "the request body is too large",
            )
        }
        JsonPayloadError::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            let field = missing_field(&message);
            let code = if field.is_some() {
                "required"
            } else {
                "invalid_value"
            };
            ApiError::validation(vec![FieldError {
                field,
                code: code.into(),
                message,
                rule: None,
            }])
        }
        JsonPayloadError::Deserialize(e) => ApiError::bad_request(
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        ),
        other => ApiError::bad_request(ErrorCode::MalformedBody, other.to_string()),
    };
    api.into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        ErrorCode::InvalidQuery,
        format!("invalid query string: {err}"),
    )
    .into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        ErrorCode::InvalidPath,
        format!("invalid path parameter: {err}"),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_missing_field_names_the_field() {
        assert_eq!(
            missing_field("missing field `name` at line 1 column 2").as_deref(),
            Some("name")
        );
        assert_eq!(missing_field("invalid type: integer"), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        quota: u32,
        languages: Vec<Lang>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Lang {
        code: String,
        proficiency: Level,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Level {
        Native,
        Fluent,
    }

    fn first_error(body: &str) -> (String, String, String) {
        let Err(err) = parse_json::<Body>(body.as_bytes()) else {
            panic!("{body} was accepted");
        };
        let p = err.problem();
        let e = p.errors.first().unwrap_or_else(|| panic!("{body}: {p:?}"));
        (p.code, e.field.clone().unwrap_or_default(), e.code.clone())
    }

    #[test]
    fn a_type_error_names_its_field_path() {
        let bad = r#"{"quota":1,"languages":[{"code":"en","proficiency":3}]}"#;
        let (code, field, kind) = first_error(bad);
        assert_eq!(code, "validation_failed");
        assert_eq!(field, "languages[0].proficiency");
        assert_eq!(kind, "invalid_type");
        let err = parse_json::<Body>(bad.as_bytes()).map(|_| ()).unwrap_err();
        let message = &err.problem().errors[0].message;
        assert!(
            message.contains("expected `native` or `fluent`"),
            "{message}"
        );
        let (_, field, kind) = first_error(r#"{"quota":"three","languages":[]}"#);
        assert_eq!((field.as_str(), kind.as_str()), ("quota", "invalid_type"));
        let (_, field, kind) = first_error(r#"{"quota":1,"languages":[{"code":"en"}]}"#);
        assert_eq!(
            (field.as_str(), kind.as_str()),
            ("languages[0].proficiency", "required")
        );
        let (_, field, kind) = first_error(r#"{"quota":1,"languages":[],"x":1}"#);
        assert_eq!((field.as_str(), kind.as_str()), ("x", "unknown_field"));
        let bad = r#"{"quota":1,"languages":[{"code":"en","proficiency":"expert"}]}"#;
        let (_, field, kind) = first_error(bad);
        assert_eq!(
            (field.as_str(), kind.as_str()),
            ("languages[0].proficiency", "invalid_value")
        );
    }

    #[test]
    fn only_unparsable_json_is_400() {
        for body in [r#"{"quota": "#, "{} x", "nope"] {
            let err = parse_json::<Body>(body.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "malformed_json", "{body}");
        }
    }
}
