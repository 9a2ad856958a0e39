//! Enrolments: enrol, list a session's, record a result.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::EnrollmentResponse;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service;
use crate::service::training::enrolments;
use crate::state::AppState;

pub use crate::service::training::enrolments::ResultRequest;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EnrollRequest {
    /// The volunteer to enrol (coordinators); a volunteer enrols themself with no body.
    pub volunteer_id: Option<i64>,
}

/// Enrol a volunteer in a session. Capacity is never exceeded and a volunteer is never in
/// two overlapping sessions, also under concurrent requests.
#[utoipa::path(
    tag = "training",
    params(("id" = i64, Path)),
    request_body = EnrollRequest,
    responses(
        (status = 201, body = EnrollmentResponse),
        (status = 409, description = "`session_full`, `overlap`, `already_enrolled` or `session_started`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/enrollments")]
pub async fn enroll(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<EnrollRequest>>,
) -> ApiResult<HttpResponse> {
    let session_id = id.into_inner();
    let volunteer_id = body.and_then(|b| b.into_inner().volunteer_id);
    let (policy, now) = (state.policy.eligibility(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        enrolments::enrol(c, &user, session_id, volunteer_id, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(EnrollmentResponse::from(row)))
}

/// The enrolments of a session (its organiser).
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<EnrollmentResponse>)))]
#[get("/sessions/{id}/enrollments")]
pub async fn list_enrollments(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let session_id = id.into_inner();
    let rows = service::run(&state.pool, move |c| {
        enrolments::list_enrolments(c, &user, session_id)
    })
    .await?;
    let out: Vec<EnrollmentResponse> = rows.into_iter().map(EnrollmentResponse::from).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Record an enrolment's result (the organiser, after the session ended). A pass issues a
/// training certificate and grants the course's skill.
#[utoipa::path(
    tag = "training",
    params(("id" = i64, Path)),
    request_body = ResultRequest,
    responses(
        (status = 200, body = EnrollmentResponse),
        (status = 409, description = "Result already recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/enrollments/{id}/result")]
pub async fn record_result(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResultRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        enrolments::record_result(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EnrollmentResponse::from(row)))
}
