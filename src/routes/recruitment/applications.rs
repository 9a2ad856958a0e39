//! Applications: apply (signed in, or as a new person), list, accept, reject, withdraw.

use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::ApplicationResponse;
use crate::auth::password::Lane;
use crate::auth::policy::Principal;
use crate::domain::recruitment::ApplicationStatus;
use crate::error::{ApiError, ApiResult};
use crate::middleware::rate_limit::check_anonymous;
use crate::middleware::request_id::RequestId;
use crate::registry::anonymous::{is_duplicate_race, parse_anonymous};
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::routes::common::registration::{RegisterVolunteerRequest, RegistrationReceived};
use crate::service;
use crate::service::recruitment::applications::{self, ApplicationQuery};
use crate::service::recruitment::newcomers;
use crate::state::AppState;

/// Apply: a signed-in volunteer (no body needed), a coordinator for a volunteer in their
/// subtree (`volunteer_id`), or a new person (`registration` + `username` + `password`, no
/// token), who becomes a pending volunteer.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApplyRequest {
    pub volunteer_id: Option<i64>,
    pub registration: Option<RegisterVolunteerRequest>,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Apply to a campaign. A place is taken at once (submitted and accepted applications hold
/// places); a full campaign answers 409 `quota_full`, a closed one 409 `recruitment_closed`.
#[utoipa::path(
    tag = "recruitment",
    params(("id" = i64, Path)),
    request_body = ApplyRequest,
    responses(
        (status = 201, body = ApplicationResponse),
        (status = 202, description = "Without a token: the uniform answer of anonymous registration", body = RegistrationReceived),
        (status = 409, description = "`quota_full`, `recruitment_closed` or `already_applied`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Without a token: too many from this address", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many registrations waiting; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recruitments/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<ApplyRequest>,
) -> ApiResult<HttpResponse> {
    let recruitment_id = id.into_inner();
    let body = body.into_inner();
    if !req.headers().contains_key("authorization") {
        // Anonymous applications create accounts: the same per-address limit as `/auth`.
        check_anonymous(&req, &state).await?;
        apply_as_new_person(&state, recruitment_id, body, RequestId::of(&req)).await?;
        return Ok(RegistrationReceived::response());
    }
    let user = Principal::extract(&req).await?;
    let (policy, now) = (state.policy.eligibility(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        applications::apply_as_volunteer(c, &user, recruitment_id, body.volunteer_id, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ApplicationResponse::from(row)))
}

/// An application without a token, from a person who registers with it. The answer is the
/// uniform `202` of anonymous registration (see `registry::anonymous`); the public checks run
/// before the password is hashed, the registration and the application after, together.
async fn apply_as_new_person(
    state: &web::Data<AppState>,
    recruitment_id: i64,
    body: ApplyRequest,
    request_id: String,
) -> Result<(), ApiError> {
    let (Some(registration), Some(username), Some(password)) =
        (body.registration, body.username, body.password)
    else {
        return Err(ApiError::unauthorized(
            "sign in, or send `registration`, `username` and `password` to apply as a new volunteer",
        ));
    };
    let input = parse_anonymous(&registration.to_input(), &username, password, Vec::new())?;
    let (policy, now) = (state.policy.eligibility(), state.clock.now());
    let mut input = service::run(&state.pool, move |c| {
        newcomers::check_newcomer(c, recruitment_id, &input.new, &policy, now).map(|()| input)
    })
    .await?;
    let hash = state
        .passwords
        .hash(Lane::Enrolment, std::mem::take(&mut input.password))
        .await?;
    let cipher = state.cipher.clone();
    let stored = service::write(&state.pool, move |c| {
        newcomers::apply_as_new_person(c, &cipher, recruitment_id, &input, &hash, &request_id, now)
    })
    .await;
    match stored {
        Err(e) if is_duplicate_race(&e) => Ok(()),
        other => other,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilters {
    pub recruitment_id: Option<i64>,
    pub status: Option<ApplicationStatus>,
}

/// Applications: a volunteer's own, or those to campaigns the caller manages.
#[utoipa::path(tag = "recruitment", params(ApplicationFilters, PageParams), responses((status = 200, body = Page<ApplicationResponse>)))]
#[get("/applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<ApplicationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let query = ApplicationQuery {
        recruitment_id: filters.recruitment_id,
        status: filters.status,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = service::run(&state.pool, move |c| {
        applications::list_applications(c, &user, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |a| a.id,
        ApplicationResponse::from,
    )))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Required to reject; shown to the applicant.
    pub reason: Option<String>,
}

/// Accept an application. A pending applicant becomes an active volunteer with a number.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = ApplicationResponse), (status = 409, description = "Not submitted", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/accept")]
pub async fn accept_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        applications::accept_application(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

/// Reject an application, with a reason the applicant sees. The place is freed.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), request_body = DecisionRequest, responses((status = 200, body = ApplicationResponse), (status = 409, description = "Not submitted", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/reject")]
pub async fn reject_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, reason, now) = (id.into_inner(), body.into_inner().reason, state.clock.now());
    let row = service::write(&state.pool, move |c| {
        applications::reject_application(c, &user, id, reason, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

/// Withdraw your own application (the volunteer). The place is freed.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = ApplicationResponse), (status = 409, description = "Already decided", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        applications::withdraw_application(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}
