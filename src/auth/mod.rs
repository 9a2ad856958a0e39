//! Authentication and authorisation: tokens, passwords, throttles, and the scope policy.
//! The authenticated caller reaches handlers as a `Principal` argument (an extractor): the
//! access token is verified, then the account and session are looked up — in this instance's
//! cache (`principals`), which forgets them as soon as a session is revoked or an account
//! disabled here, and within a quarter of a second when that happens through another instance.

pub mod jwt;
pub mod password;
pub mod policy;
pub mod principals;
pub mod throttle;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::db;
use crate::db::users::UserRow;
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
            let user = caller(&state, user_id, claims.sid).await?.ok_or_else(|| {
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

/// The live session's account: from the cache when it is current, otherwise from the
/// database (reading the shared revocation counter first when its reading is due).
async fn caller(
    state: &AppState,
    user_id: i64,
    session_id: String,
) -> Result<Option<UserRow>, ApiError> {
    use principals::Lookup;
    let cache = &state.principals;
    let now = std::time::Instant::now();
    let epoch_due = cache.epoch_due(now);
    if !epoch_due && let Lookup::Hit(user) = cache.get(&session_id, user_id, now) {
        return Ok(Some(user));
    }
    let stamp = cache.stamp();
    let key = session_id.clone();
    let (epoch, user) = crate::service::run(&state.pool, move |conn| {
        let epoch = match epoch_due {
            true => Some(db::auth::revocation_epoch(conn)?),
            false => None,
        };
        Ok((epoch, db::auth::active_principal(conn, user_id, &key)?))
    })
    .await?;
    let stamp = match epoch {
        Some(epoch) => {
            cache.set_epoch(epoch, now);
            (stamp.0, epoch)
        }
        None => stamp,
    };
    if let Some(user) = &user {
        cache.put(session_id, user.clone(), stamp, now);
    }
    Ok(user)
}
