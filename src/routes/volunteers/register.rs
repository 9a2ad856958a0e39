//! Registering one volunteer: by staff (`POST /volunteers` → `active`, with an activation code
//! for the volunteer's own login) or by the volunteer (`POST /auth/register` → `pending`).

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{RegisterVolunteerRequest, VolunteerResponse, load_full};
use crate::auth::password::{self, Lane};
use crate::auth::policy::{Action, Principal};
use crate::db::{self, audit::AuditEntry};
use crate::domain::account::Username;
use crate::domain::role::Role;
use crate::domain::volunteer::{VolunteerStatus, parse_registration};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::middleware::request_id::RequestId;
use crate::registry;
use crate::registry::anonymous::{AnonymousRegistration, Channel, parse_anonymous};
use crate::routes::common::extract;
use crate::routes::common::registration::RegistrationReceived;
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
    let scope = user.require(Action::RegisterVolunteer)?;
    let reader = user.clone();
    let req = body.into_inner();
    let new =
        parse_registration(&req.to_input(), crate::clock::today()).map_err(ApiError::invalid)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let activation = registry::ActivationSecret::new(db::now());
    let secret = (activation.digest.clone(), activation.expires_at);
    let state2 = state.clone();
    let id = crate::service::write(&state.pool, move |c| {
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let id = registry::insert_one(
            c,
            &state2.cipher,
            &new,
            &org,
            VolunteerStatus::Active,
            Some(secret),
            Some(user.user_id),
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "volunteer.register", "volunteer")
                .entity(id, &org.path)
                .detail(serde_json::json!({ "status": "active", "minor": new.age_on(crate::clock::today()) < 18 })),
        )?;
        Ok(id)
    })
    .await?;
    let cipher = state.cipher.clone();
    let volunteer = crate::service::run(&state.pool, move |c| {
        load_full(c, &cipher, id, Some(&reader))
    })
    .await?;
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

/// The volunteer whose unexpired activation code this is, or 401.
fn live_activation(
    c: &mut db::DbConn,
    parsed: Option<&(i64, String)>,
) -> Result<db::volunteers::VolunteerRow, ApiError> {
    let invalid = || ApiError::unauthorized("the activation code is unknown, used or expired");
    let (volunteer_id, digest) = parsed.ok_or_else(invalid)?;
    let volunteer = db::volunteers::find(c, *volunteer_id)?.ok_or_else(invalid)?;
    let matches = volunteer.activation_code_hash.as_deref() == Some(digest.as_str());
    if !matches
        || volunteer
            .activation_expires_at
            .is_none_or(|t| t < db::now())
    {
        return Err(invalid());
    }
    Ok(volunteer)
}

/// Create a volunteer's login with a one-time activation code.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = ActivateRequest,
    responses(
        (status = 201, body = crate::routes::common::user::UserResponse),
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
    crate::service::run(&state.pool, move |c| {
        live_activation(c, lookup.as_ref()).map(drop)
    })
    .await?;
    let hash = state.passwords.hash(Lane::Enrolment, req.password).await?;
    let rid = request_id.0;
    let user = crate::service::write(&state.pool, move |c| {
        // Checked again in the transaction: the code may have been used meanwhile.
        let volunteer = live_activation(c, parsed.as_ref())?;
        if db::users::find_by_username(c, username.as_str())?.is_some() {
            return Err(ApiError::conflict(
                "username_taken",
                "this username is already in use",
            ));
        }
        db::volunteers::clear_activation(c, volunteer.id)?;
        let user = db::users::insert(
            c,
            &db::users::NewUser {
                username: username.as_str(),
                password_hash: Some(&hash),
                role: Role::Volunteer.as_str(),
                organization_id: volunteer.organization_id,
                org_path: &volunteer.org_path,
                volunteer_id: Some(volunteer.id),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry {
                actor: None,
                request_id: &rid,
                action: "volunteer.activate",
                entity_type: "volunteer",
                entity_id: Some(volunteer.id.to_string()),
                org_path: Some(&volunteer.org_path),
                detail: None,
            },
        )?;
        Ok(user)
    })
    .await?;
    Ok(HttpResponse::Created().json(crate::routes::common::user::UserResponse::from(user)))
}
