//! Evaluations of and complaints about volunteers, and the volunteer's record of both with
//! the commendations naming them (HRS-04). Rules and reach live in
//! `service::recognition::conduct`.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::db::recognition::{CommendationRow, ComplaintRow, EvaluationRow};
use crate::domain::recognition::ComplaintStatus;
use crate::error::{ApiError, ApiResult};
use crate::routes::common::extract;
use crate::service;
use crate::service::recognition::conduct::{
    self, ComplaintDecisionRequest, ComplaintRequest, Conduct, EvaluationRequest,
    PublicationConsentRequest,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub evaluator_organization_id: i64,
    /// `organiser` or `receiving` (the receiving side of a Spring Rain deployment).
    pub side: String,
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<EvaluationRow> for EvaluationResponse {
    fn from(e: EvaluationRow) -> Self {
        Self {
            id: e.id,
            assignment_id: e.assignment_id,
            volunteer_id: e.volunteer_id,
            activity_id: e.activity_id,
            evaluator_organization_id: e.evaluator_organization_id,
            side: e.side,
            rating: e.rating,
            note: e.note,
            created_at: e.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintResponse {
    pub id: i64,
    pub volunteer_id: i64,
    pub assignment_id: i64,
    pub activity_id: i64,
    /// The organisation whose staff lodged it.
    pub lodging_organization_id: i64,
    pub description: String,
    /// `investigating`, `upheld` or `dismissed`.
    pub status: String,
    /// The findings the outcome rests on.
    pub outcome_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ComplaintRow> for ComplaintResponse {
    fn from(c: ComplaintRow) -> Self {
        Self {
            id: c.id,
            volunteer_id: c.volunteer_id,
            assignment_id: c.assignment_id,
            activity_id: c.activity_id,
            lodging_organization_id: c.lodging_organization_id,
            description: c.description,
            status: c.status,
            outcome_reason: c.outcome_reason,
            decided_at: c.decided_at.map(|t| t.and_utc()),
            created_at: c.created_at.and_utc(),
        }
    }
}

/// A commendation as the volunteer's record shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordCommendation {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub year: i32,
    /// `nominated`, `approved` or `returned`.
    pub status: String,
    pub citation: String,
    pub nominating_organization_id: i64,
    pub deciding_organization_id: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<CommendationRow> for RecordCommendation {
    fn from(c: CommendationRow) -> Self {
        Self {
            id: c.id,
            kind: c.kind,
            level: c.level,
            year: c.year,
            status: c.status,
            citation: c.citation,
            nominating_organization_id: c.nominating_organization_id,
            deciding_organization_id: c.deciding_organization_id,
            decided_at: c.decided_at.map(|t| t.and_utc()),
        }
    }
}

/// HRS-04: what a volunteer's record holds beyond hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConductResponse {
    pub volunteer_id: i64,
    pub evaluations: Vec<EvaluationResponse>,
    /// Every complaint, with its outcome.
    pub complaints: Vec<ComplaintResponse>,
    pub commendations: Vec<RecordCommendation>,
    /// PI-07: when the volunteer consented to their full name on public honour lists
    /// (`null`: the name is masked there).
    pub publication_consented_at: Option<DateTime<Utc>>,
}

impl From<Conduct> for ConductResponse {
    fn from(c: Conduct) -> Self {
        Self {
            volunteer_id: c.volunteer_id,
            evaluations: c.evaluations.into_iter().map(Into::into).collect(),
            complaints: c.complaints.into_iter().map(Into::into).collect(),
            commendations: c.commendations.into_iter().map(Into::into).collect(),
            publication_consented_at: c.publication_consented_at,
        }
    }
}

/// Evaluate a volunteer's service on a completed assignment (the organiser, or the receiving
/// side of a Spring Rain deployment; once per evaluating organisation).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = EvaluationRequest, responses((status = 201, body = EvaluationResponse), (status = 409, description = "`assignment_not_completed` or `already_evaluated`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/evaluations")]
pub async fn evaluate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<EvaluationRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        conduct::evaluate(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(EvaluationResponse::from(row)))
}

/// Lodge a complaint about the volunteer of an assignment (staff of the organiser or of the
/// receiving side).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ComplaintRequest, responses((status = 201, body = ComplaintResponse)))]
#[post("/assignments/{id}/complaints")]
pub async fn lodge_complaint(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ComplaintRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        conduct::lodge_complaint(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ComplaintResponse::from(row)))
}

async fn decide_complaint(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    outcome: ComplaintStatus,
    req: ComplaintDecisionRequest,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        conduct::decide_complaint(c, &user, id, outcome, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ComplaintResponse::from(row)))
}

/// Uphold a complaint after investigation (the volunteer's registering organisation or above;
/// ends the STAR-04 good record).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ComplaintDecisionRequest, responses((status = 200, body = ComplaintResponse), (status = 409, description = "`already_decided`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/complaints/{id}/uphold")]
pub async fn uphold_complaint(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ComplaintDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req) = (id.into_inner(), body.into_inner());
    decide_complaint(state, user, id, ComplaintStatus::Upheld, req).await
}

/// Dismiss a complaint after investigation, with a reason (the volunteer's registering
/// organisation or above).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ComplaintDecisionRequest, responses((status = 200, body = ComplaintResponse), (status = 409, description = "`already_decided`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/complaints/{id}/dismiss")]
pub async fn dismiss_complaint(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ComplaintDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req) = (id.into_inner(), body.into_inner());
    decide_complaint(state, user, id, ComplaintStatus::Dismissed, req).await
}

/// A volunteer's evaluations, complaints (with outcome) and commendations (HRS-04): the
/// volunteer's own, or for staff who read the volunteer.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = ConductResponse)))]
#[get("/volunteers/{id}/conduct")]
pub async fn get_conduct(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let out = service::run(&state.pool, move |c| conduct::conduct(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(ConductResponse::from(out)))
}

/// The caller's own evaluations, complaints and commendations (volunteer accounts).
#[utoipa::path(tag = "records", responses((status = 200, body = ConductResponse)))]
#[get("/me/conduct")]
pub async fn my_conduct(state: web::Data<AppState>, user: Principal) -> ApiResult<HttpResponse> {
    let id = user
        .volunteer_id
        .ok_or_else(|| ApiError::forbidden("only a volunteer account has a record of its own"))?;
    let out = service::run(&state.pool, move |c| conduct::conduct(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(ConductResponse::from(out)))
}

/// PI-07: give or withdraw consent to one's full name on public honour lists (the volunteer).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = PublicationConsentRequest, responses((status = 200, body = ConductResponse)))]
#[put("/volunteers/{id}/honour-publication")]
pub async fn put_publication_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<PublicationConsentRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let out = service::write(&state.pool, move |c| {
        conduct::set_publication_consent(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConductResponse::from(out)))
}
