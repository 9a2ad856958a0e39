//! Registering one volunteer: by staff (`POST /volunteers` → `active`, with an activation code
//! for the volunteer's own login) or by the volunteer (`POST /auth/register` → `pending`).

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{RegisterVolunteerRequest, VolunteerResponse, response_of};
use crate::auth::password::{self, Lane};
use crate::auth::policy::Principal;
use crate::db;
use crate::domain::account::Username;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::middleware::request_id::RequestId;
use crate::registry;
use crate::registry::accounts;
use crate::registry::anonymous::{AnonymousRegistration, Channel, parse_anonymous};
use crate::routes::common::extract;
use crate::routes::common::registration::RegistrationReceived;
use crate::routes::common::user::UserResponse;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct RegisteredVolunteerResponse {
    #[serde(flatten)]
    pub volunteer: VolunteerResponse,
    /// One-time code the volunteer uses at `POST /api/v1/auth/activate` to create a login.
    /// Shown once. A replay under the same `Idempotency-Key` carries a fresh code (the
    /// earlier one stops working), or `null` once the volunteer has activated.
    pub activation_code: Option<String>,
}

/// Register a volunteer (staff). The record is `active` at once, with a volunteer number.
#[utoipa::path(
    tag = "volunteers",
    request_body = RegisterVolunteerRequest,
    responses(
        (status = 201, body = RegisteredVolunteerResponse),
        (status = 409, description = "ID number already registered (`duplicate_id_number`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteers")]
pub async fn register_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<RegisterVolunteerRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let input = req.to_input();
    let now = state.clock.now();
    let activation = registry::ActivationSecret::new(now.naive_utc());
    let (secret, cipher) = (activation.clone(), state.cipher.clone());
    let v = crate::service::write(&state.pool, move |c| {
        accounts::register_by_staff(c, &user, &input, req.organization_id, &secret, &cipher, now)
    })
    .await?;
    let id = v.row.id;
    let volunteer = response_of(&state, v);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/volunteers/{id}")))
        .insert_header(("ETag", super::etag(volunteer.version)))
        .json(RegisteredVolunteerResponse {
            volunteer,
            activation_code: Some(activation.code_for(id)),
        }))
}

#[derive(Deserialize, ToSchema)]
pub struct SelfRegisterRequest {
    #[serde(flatten)]
    pub registration: RegisterVolunteerRequest,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// Register yourself as a volunteer. The record is `pending` and its login is held until the
/// registering organisation confirms (approves) it.
///
/// Always `202` with the same body for valid input: whether the username or the ID number was
/// registered already is not told (a registration with a registered ID number goes to that
/// registration's bureau as an identity dispute).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = SelfRegisterRequest,
    responses(
        (status = 202, body = RegistrationReceived),
        (status = 422, description = "Invalid fields or password", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many registrations waiting; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/register")]
pub async fn self_register(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: extract::Json<SelfRegisterRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let mut problems = Vec::new();
    let org_id = req.registration.organization_id;
    if org_id.is_none() {
        problems.push(FieldError::new(
            "organization_id",
            "required",
            "choose the organisation you register with",
        ));
    }
    let input = parse_anonymous(
        &req.registration.to_input(),
        &req.username,
        req.password,
        problems,
    )?;
    let org_id = org_id.unwrap_or_default();
    // Cheap, public checks before the expensive hash.
    let org = crate::service::run(&state.pool, move |c| {
        db::organizations::find(c, org_id)?.ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "organization_id",
                "not_found",
                "no such organisation",
            )])
        })
    })
    .await?;
    // Hashed whatever the outcome, so a taken username or ID number costs the same time.
    let hash = state
        .passwords
        .hash(Lane::Enrolment, input.password)
        .await?;
    let cipher = state.cipher.clone();
    let rid = request_id.0;
    let stored = crate::service::write(&state.pool, move |c| {
        registry::anonymous::register(
            c,
            &cipher,
            &AnonymousRegistration {
                new: &input.new,
                username: &input.username,
                password_hash: &hash,
                org: &org,
                channel: Channel::SelfRegistration,
                request_id: &rid,
            },
        )
    })
    .await;
    match stored {
        Ok(_) => Ok(RegistrationReceived::response()),
        Err(e) if registry::anonymous::is_duplicate_race(&e) => {
            Ok(RegistrationReceived::response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ActivateRequest {
    /// The one-time code from registration or import.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// Create a volunteer's login with a one-time activation code.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = ActivateRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 401, description = "Unknown, used or expired code", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activate")]
pub async fn activate(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: extract::Json<ActivateRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let username = Username::parse(&req.username).map_err(|m| {
        ApiError::validation(vec![FieldError::new("username", "invalid_format", m)])
    })?;
    let problems = password::check_policy(&req.password, username.as_str());
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let parsed = registry::parse_activation_code(&req.code);
    // The code first (a cheap read): an unknown code costs no argon2 computation.
    let lookup = parsed.clone();
    let now = state.clock.now();
    crate::service::run(&state.pool, move |c| {
        accounts::live_activation(c, lookup.as_ref(), now).map(drop)
    })
    .await?;
    let hash = state.passwords.hash(Lane::Enrolment, req.password).await?;
    let rid = request_id.0;
    let user = crate::service::write(&state.pool, move |c| {
        accounts::create_volunteer_login(c, parsed.as_ref(), &username, &hash, &rid, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(UserResponse::from(user)))
}
