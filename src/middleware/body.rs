//! Reading request bodies within a limit, shared by the JSON extractor and the idempotency
//! middleware (which reads a POST body before the handler does).

use actix_web::web;

use crate::error::{ApiError, ErrorCode};

/// Default JSON body limit (bulk CSV import has its own, `registry::import::MAX_BYTES`).
/// The idempotency middleware bounds its read of a POST body by the same number.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// Reads a whole body as it arrives, refusing it (413) as soon as it passes `limit` bytes.
pub async fn read_limited<S>(
    mut payload: S,
    limit: usize,
    too_large: impl FnOnce() -> String,
) -> Result<web::Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(ErrorCode::MalformedBody, e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                too_large(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The `Content-Length` a client announced, if any (a chunked body has none and is bounded
/// while it is read).
pub fn declared_length(headers: &actix_web::http::header::HeaderMap) -> Option<u64> {
    headers
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}
