//! Authentication and authorisation: tokens, passwords, throttles, and the scope policy.
//! The authenticated caller reaches handlers as a `Principal` argument (an extractor): the
//! access token is verified, then the account and session are re-read so that disabling a
//! user or revoking a session takes effect on the very next request.

pub mod jwt;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::db;
use crate::error::ApiError;
use crate::middleware::request_id::RequestId;
use crate::state::AppState;
use policy::Principal;

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Principal, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Already loaded for this request (the idempotency middleware needs it first).
        if let Some(principal) = req.extensions().get::<Principal>().cloned() {
            return Box::pin(async move { Ok(principal) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let request_id = RequestId::of(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token =
                token.ok_or_else(|| ApiError::unauthorized("a bearer token is required"))?;
            let invalid = || ApiError::unauthorized("the access token is invalid or expired");
            let claims = state.jwt.verify(&token).ok_or_else(invalid)?;
            let user_id: i64 = claims.sub.parse().map_err(|_| invalid())?;
            let session_id = claims.sid;
            let user = crate::service::run(&state.pool, move |conn| {
                Ok(db::auth::active_principal(conn, user_id, &session_id)?)
            })
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("the session has ended or the account is disabled")
            })?;
            let role = user.role;
            Ok(Principal {
                user_id: user.id,
                username: user.username,
                role,
                org_id: user.organization_id,
                org_path: user.org_path,
                volunteer_id: user.volunteer_id,
                request_id,
            })
        })
    }
}
