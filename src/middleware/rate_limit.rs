//! Per-client-IP limit on the `/api/v1/auth` scope (429 + Retry-After). The peer address is
//! used, not X-Forwarded-For, which any client could forge.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use std::net::{IpAddr, Ipv4Addr};

use actix_web::{Error, HttpRequest, web};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn limit_auth(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let verdict = match (req.app_data::<web::Data<AppState>>(), req.peer_addr()) {
        (Some(state), Some(peer)) => state.auth_rate.check(peer.ip()),
        _ => Ok(()),
    };
    match verdict {
        Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
        Err(retry_after) => {
            refusal_pause().await;
            let response = ApiError::too_many_requests(retry_after).into_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// The address failed logins are counted against: the TCP peer (see the module note).
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |peer| peer.ip())
}

/// The same per-address limit for a handler outside the `/auth` scope that lets anonymous
/// callers start expensive work (an application that creates an account).
pub async fn check_anonymous(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    match state.auth_rate.check(client_ip(req)) {
        Ok(()) => Ok(()),
        Err(retry_after) => {
            refusal_pause().await;
            Err(ApiError::too_many_requests(retry_after))
        }
    }
}

/// Public feedback (FB-01): per client address first, so a flood from one client is refused
/// without using up the activity's quota, then per token, which bounds a distributed flood on
/// one link while other clients and other links go on.
pub async fn check_feedback(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
) -> Result<(), ApiError> {
    let verdict = state
        .feedback_rate
        .check(client_ip(req))
        .and_then(|()| state.feedback_token_rate.check(token));
    match verdict {
        Ok(()) => Ok(()),
        Err(retry_after) => {
            refusal_pause().await;
            Err(ApiError::too_many_requests(retry_after))
        }
    }
}

/// A refusal is answered after a pause: a flood tool that ignores Retry-After and retries at
/// once then sends a few requests a second per connection instead of thousands, and the
/// pause costs a timer, not CPU (measured with `scripts/login-flood.sh`).
pub async fn refusal_pause() {
    actix_web::rt::time::sleep(REFUSAL_PAUSE).await;
}

const REFUSAL_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);
