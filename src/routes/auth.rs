//! `/api/v1/auth/*`: login, refresh (rotation with reuse detection) and logout. The whole
//! scope is rate-limited per client IP; failed logins are also limited per (account, client
//! IP) with back-off, under a higher per-account ceiling (`auth::throttle`, kept in the
//! database so that every instance enforces the same limits).

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::password::Lane;
use crate::auth::tokens;
use crate::db::auth::{RefreshPolicy, Rotation};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::middleware::rate_limit::{client_ip, refusal_pause};
use crate::middleware::request_id::RequestId;
use crate::routes::common::extract::ValidatedJson;
use crate::service::sessions;
use crate::state::AppState;

#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    pub refresh_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Opaque; single use: every refresh returns a new one.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

fn refresh_ttl(state: &AppState) -> chrono::Duration {
    chrono::Duration::days(state.settings.refresh_token_ttl_days)
}

fn refresh_policy(state: &AppState) -> RefreshPolicy {
    let duration =
        |d: std::time::Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    RefreshPolicy {
        ttl: refresh_ttl(state),
        session_max_age: duration(state.settings.session_max_age),
        grace: duration(state.settings.refresh_grace),
    }
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        "the username or password is wrong",
    )
}

/// Log in with username and password.
///
/// Unknown users, wrong passwords and disabled accounts get the same answer, in the same time.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong credentials", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many logins waiting; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    body: ValidatedJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { username, password } = body.0;
    let username = username.trim().to_lowercase();
    let reserved = state
        .login_failures
        .reserve(&state.pool, &username, client_ip(&req))
        .await?;
    let attempt = match reserved {
        Ok(attempt) => attempt,
        Err(retry_after) => {
            refusal_pause().await;
            return Err(ApiError::too_many_requests(retry_after));
        }
    };

    let lookup = username.clone();
    let user =
        crate::service::run(&state.pool, move |c| sessions::account_named(c, &lookup)).await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.clone());
    let verified = state.passwords.verify(Lane::Login, password, hash).await?;

    let Some(user) = user.filter(|_| verified) else {
        attempt.failed().await?;
        let rid = request_id.0.clone();
        crate::service::run(&state.pool, move |c| sessions::record_failed_login(c, &rid)).await?;
        return Err(invalid_credentials());
    };
    attempt.succeeded().await?;

    let refresh_token = tokens::new_secret();
    let digest = tokens::digest(&refresh_token);
    let ttl = refresh_ttl(&state);
    let account = user.clone();
    let rid = request_id.0;
    let session_id = crate::service::write(&state.pool, move |c| {
        sessions::open_session(c, &account, &digest, ttl, &rid)
    })
    .await?;
    let access = state.jwt.issue(
        user.id,
        user.role.as_str(),
        user.organization_id,
        &session_id,
    );
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: access.token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: access.expires_in,
    }))
}

/// Exchange a refresh token for a new token pair.
///
/// The presented refresh token is consumed. Presenting a consumed token again revokes the
/// whole session (every token descended from the same login) — except a retry of the token
/// replaced last, within a short grace window (default 30 s) and before its successor is used:
/// that gets a fresh pair, for a client whose response was lost. A session ends at its
/// maximum age (default 30 days after the login) however often it is refreshed.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let digest = tokens::digest(&body.0.refresh_token);
    let next = tokens::new_secret();
    let next_digest = tokens::digest(&next);
    let policy = refresh_policy(&state);
    let outcome = crate::service::write(&state.pool, move |c| {
        sessions::rotate_refresh_token(c, &digest, &next_digest, policy)
    })
    .await?;
    match outcome {
        Rotation::Rotated { user, session_id } => {
            let access = state.jwt.issue(
                user.id,
                user.role.as_str(),
                user.organization_id,
                &session_id,
            );
            Ok(HttpResponse::Ok().json(TokenResponse {
                access_token: access.token,
                refresh_token: next,
                token_type: "Bearer".into(),
                expires_in: access.expires_in,
            }))
        }
        Rotation::ReuseDetected => Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            ErrorCode::RefreshTokenReused,
            "this refresh token was already used; the session has been revoked",
        )),
        Rotation::Invalid => Err(ApiError::unauthorized(
            "the refresh token is invalid, expired or revoked",
        )),
    }
}

/// End the session a refresh token belongs to; its access tokens stop working at once.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses((status = 204, description = "Session revoked (also when it was already over)"))
)]
#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let digest = tokens::digest(&body.0.refresh_token);
    crate::service::write(&state.pool, move |c| sessions::end_session(c, &digest)).await?;
    Ok(HttpResponse::NoContent().finish())
}
