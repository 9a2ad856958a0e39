//! `Idempotency-Key` on POSTs (API.md "Writes"). A mobile client whose connection drops after
//! it sent a registration, an offer or a confirmation cannot know whether the write happened;
//! it retries with the same key and gets the first result back instead of a second write.
//!
//! - Keys are per account (authenticated requests under `/api/v1`, except `/api/v1/auth/*`
//!   whose token answers must never be replayed). Without a valid token the header is ignored
//!   and the handler answers as usual.
//! - The key is claimed before the handler runs: a concurrent retry gets 409
//!   `idempotency_in_progress`; the same key with a different request gets 422
//!   `idempotency_key_reused`.
//! - Only successful (2xx) results are kept, for 24 hours, with the body encrypted. A failed
//!   request releases its key: nothing was written, so running it again is safe.
//! - The body is read here (to hash it) only up to the route's own limit, and the large CSV
//!   import limit only for a caller whose role may import: otherwise any account could make
//!   the server buffer 64 MiB per request before the handler refuses it.
//! - One-time activation codes are not kept: the stored result holds a marker instead, and a
//!   replay issues a fresh code (the first one stops working), so the secret never sits in
//!   the store for a day and a retrying client still gets a code that works.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::auth::policy::{Action, Principal};
use crate::auth::tokens::to_hex;
use crate::db::{self, idempotency::StoredResponse};
use crate::error::{ApiError, ErrorCode};
use crate::middleware::body::{JSON_BODY_LIMIT, declared_length, read_limited};
use crate::registry;
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";
/// Set on a response that repeats a kept result.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";
const MAX_KEY_LEN: usize = 255;
/// The one route whose body may be larger than a JSON document: the CSV import.
const IMPORT_PATH: &str = "/api/v1/volunteers/import";
/// The JSON field holding a one-time activation code (registration and import answers).
const ACTIVATION_FIELD: &str = "activation_code";
/// What a kept result holds instead of an activation code: the volunteer to issue one for.
const REISSUE_MARKER: &str = "reissue_for_volunteer";

pub async fn replay_or_record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let applies = req.method() == Method::POST
        && req.path().starts_with("/api/v1/")
        && !req.path().starts_with("/api/v1/auth/");
    let header_value = req.headers().get(HEADER).cloned();
    let (true, Some(header_value)) = (applies, header_value) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match parse_key(&header_value) {
        Ok(key) => key,
        Err(e) => return Ok(req.into_response(e.into_response())),
    };
    let Ok(principal) = Principal::extract(req.request()).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // The handler's own `Principal` argument reuses this one instead of reading it again.
    req.extensions_mut().insert(principal.clone());
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };

    let limit = match body_limit(req.path(), &principal) {
        Ok(limit) => limit,
        Err(e) => return Ok(req.into_response(e.into_response())),
    };
    // A declared length over the limit is refused before a byte of the body is read.
    if declared_length(req.headers()).is_some_and(|len| len > limit as u64) {
        let e = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            too_large(limit),
        );
        return Ok(req.into_response(e.into_response()));
    }
    let body = match read_limited(req.take_payload(), limit, || too_large(limit)).await {
        Ok(body) => body,
        Err(e) => return Ok(req.into_response(e.into_response())),
    };
    let hash = request_hash(&req, &body);
    req.set_payload(Payload::from(body));

    let user_id = principal.user_id;
    let claim_key = key.clone();
    let claimed = crate::service::run(&state.pool, move |c| {
        Ok(db::idempotency::claim(c, user_id, &claim_key, &hash)?.map(|row| (row, hash)))
    })
    .await;
    match claimed {
        Ok(None) => {}
        Ok(Some((row, hash))) => {
            let response = if row.request_hash != hash {
                ApiError::rule(
                    ErrorCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used for a different request",
                )
                .into_response()
            } else {
                match (row.status_code, &row.body_enc) {
                    (Some(status), Some(body_enc)) => {
                        replay(&state, status, &row_headers(&row), body_enc).await
                    }
                    _ => ApiError::conflict(
                        ErrorCode::IdempotencyInProgress,
                        "a request with this Idempotency-Key is still in progress",
                    )
                    .with_retry_after(1)
                    .into_response(),
                }
            };
            return Ok(req.into_response(response));
        }
        Err(e) => return Ok(req.into_response(e.into_response())),
    }

    let release = || {
        let (pool, key) = (state.pool.clone(), key.clone());
        async move {
            let released = crate::service::run(&pool, move |c| {
                Ok(db::idempotency::release(c, user_id, &key)?)
            })
            .await;
            if let Err(e) = released {
                tracing::warn!(error = %e.code(), "could not release an idempotency key");
            }
        }
    };
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            release().await;
            return Err(e);
        }
    };
    if !res.status().is_success() {
        release().await;
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        release().await;
        return Ok(ServiceResponse::new(
            http_req,
            ApiError::internal("response body unreadable").into_response(),
        ));
    };
    if !keep(&state, user_id, key.clone(), &head, &bytes).await {
        release().await;
    }
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The most this caller may send to this path: the route's own limit. The CSV import's large
/// limit is granted only to a role that may import; anyone else is refused (403) before the
/// body is read, as the handler would refuse them anyway.
fn body_limit(path: &str, principal: &Principal) -> Result<usize, ApiError> {
    if path != IMPORT_PATH {
        return Ok(JSON_BODY_LIMIT);
    }
    principal.require(Action::RegisterVolunteer)?;
    Ok(crate::registry::import::MAX_BYTES)
}

fn too_large(limit: usize) -> String {
    format!("the request body is larger than this route accepts ({limit} bytes)")
}

fn parse_key(value: &header::HeaderValue) -> Result<String, ApiError> {
    let key = value.to_str().unwrap_or_default().trim();
    let printable = key.bytes().all(|b| b.is_ascii_graphic());
    if key.is_empty() || key.len() > MAX_KEY_LEN || !printable {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidIdempotencyKey,
            format!("{HEADER} must be 1 to {MAX_KEY_LEN} printable ASCII characters"),
        ));
    }
    Ok(key.to_string())
}

/// What makes two requests "the same": method, path with query, content type and body.
fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    let mut hasher = Sha256::new();
    for part in [
        req.method().as_str().as_bytes(),
        target.as_bytes(),
        content_type,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.update(body);
    to_hex(&hasher.finalize())
}

/// The headers a replay repeats: content type, location, entity tag.
fn row_headers(row: &db::idempotency::KeyRow) -> Vec<(header::HeaderName, String)> {
    [
        (header::CONTENT_TYPE, &row.content_type),
        (header::LOCATION, &row.location),
        (header::ETAG, &row.etag),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
    .collect()
}

async fn replay(
    state: &AppState,
    status: i32,
    headers: &[(header::HeaderName, String)],
    body_enc: &str,
) -> HttpResponse {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok());
    let (Some(status), Ok(body)) = (status, state.cipher.decrypt(body_enc)) else {
        return ApiError::internal("a kept idempotent result is unreadable").into_response();
    };
    let body = match reissue_codes(state, body).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let mut response = HttpResponse::build(status);
    for (name, value) in headers {
        response.insert_header((name.clone(), value.as_str()));
    }
    response.insert_header((REPLAYED_HEADER, "true"));
    response.body(body)
}

/// Keeps a successful result; `false` if it cannot be kept (the key should be released).
/// If the database fails here the write still stands; the claim then expires as abandoned,
/// and the failure is logged.
async fn keep(
    state: &AppState,
    user_id: i64,
    key: String,
    head: &HttpResponse<()>,
    body: &[u8],
) -> bool {
    let text = |name: header::HeaderName| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = text(header::CONTENT_TYPE);
    let location = text(header::LOCATION);
    let etag = text(header::ETAG);
    let status_code = i32::from(head.status().as_u16());
    let Ok(body) = std::str::from_utf8(body) else {
        tracing::warn!("a non-UTF-8 response is not kept for idempotent replay");
        return false;
    };
    let body_enc = state.cipher.encrypt(&without_codes(body));
    let kept = crate::service::run(&state.pool, move |c| {
        Ok(db::idempotency::complete(
            c,
            user_id,
            &key,
            &StoredResponse {
                status_code,
                content_type: content_type.as_deref(),
                location: location.as_deref(),
                etag: etag.as_deref(),
                body_enc: &body_enc,
            },
        )?)
    })
    .await;
    if let Err(e) = &kept {
        tracing::warn!(error = %e.code(), "could not keep an idempotent result");
    }
    true
}

/// The body to keep: every activation code replaced by a marker naming its volunteer (the
/// code's own prefix), so the store never holds the secret. Non-JSON bodies are kept as sent.
fn without_codes(body: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.to_string();
    };
    let mut found = false;
    visit_codes(&mut value, &mut |code| {
        found = true;
        let volunteer = code
            .as_str()
            .and_then(registry::parse_activation_code)
            .map(|(id, _)| id);
        *code = serde_json::json!({ REISSUE_MARKER: volunteer });
    });
    match found {
        true => value.to_string(),
        false => body.to_string(),
    }
}

/// Calls `f` on the value of every `activation_code` field, at any depth.
fn visit_codes(value: &mut serde_json::Value, f: &mut dyn FnMut(&mut serde_json::Value)) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, inner) in map.iter_mut() {
                match name == ACTIVATION_FIELD {
                    true => f(inner),
                    false => visit_codes(inner, f),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| visit_codes(v, f)),
        _ => {}
    }
}

/// The volunteer a kept marker stands for.
fn marked_volunteer(code: &serde_json::Value) -> Option<i64> {
    code.get(REISSUE_MARKER)?.as_i64()
}

/// A replayed body with a fresh activation code wherever the first answer had one. The old
/// code stops working; a volunteer who already activated gets `null` (nothing to activate).
async fn reissue_codes(state: &AppState, body: String) -> Result<String, ApiError> {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&body) else {
        return Ok(body);
    };
    let mut volunteers = Vec::new();
    visit_codes(&mut value, &mut |code| {
        volunteers.extend(marked_volunteer(code))
    });
    if volunteers.is_empty() {
        return Ok(body);
    }
    let codes = crate::service::write(&state.pool, move |c| {
        Ok(registry::reissue_activations(c, &volunteers, db::now())?)
    })
    .await?;
    visit_codes(&mut value, &mut |code| {
        let fresh = marked_volunteer(code).and_then(|id| codes.get(&id).cloned());
        *code = fresh.map_or(serde_json::Value::Null, serde_json::Value::String);
    });
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bodies_hold_markers_not_codes() {
        let body = r#"{"id":7,"activation_code":"7.secretsecret","activations":[{"line":2,"activation_code":"9.other"}]}"#;
        let kept = without_codes(body);
        assert!(
            !kept.contains("secret") && !kept.contains("other"),
            "{kept}"
        );
        let mut value: serde_json::Value = serde_json::from_str(&kept).unwrap();
        let mut ids = Vec::new();
        visit_codes(&mut value, &mut |code| ids.extend(marked_volunteer(code)));
        assert_eq!(ids, vec![7, 9]);
    }

    #[test]
    fn bodies_without_codes_are_kept_as_sent() {
        for body in [r#"{"b":1, "a":2}"#, "not json", "[]"] {
            assert_eq!(without_codes(body), body);
        }
    }
}
