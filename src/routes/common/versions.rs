//! Optimistic concurrency over HTTP: record versions as ETags, `If-Match` on updates, and the
//! 412 when the record changed in between.

use actix_web::HttpRequest;

use crate::error::{ApiError, ErrorCode};

/// The `ETag` of a record version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version a conditional update expects, from `If-Match` (428 when it is missing).
pub fn if_match_version(req: &HttpRequest) -> Result<i32, ApiError> {
    let value = req.headers().get("If-Match").ok_or_else(|| {
        ApiError::new(
            actix_web::http::StatusCode::PRECONDITION_REQUIRED,
            ErrorCode::IfMatchRequired,
            "send the ETag you read as If-Match",
        )
    })?;
    value
        .to_str()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map_err(|_| {
            ApiError::bad_request(
                ErrorCode::InvalidIfMatch,
                "If-Match must be an ETag from this API",
            )
        })
}

/// 412: someone changed the resource since the caller read it.
pub fn stale(what: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PRECONDITION_FAILED,
        ErrorCode::StaleVersion,
        format!("the {what} changed since you read it; read it again"),
    )
    .with_param("what", what)
}
