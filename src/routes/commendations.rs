//! `/api/v1/commendations` (STAR-03): nominations and their approval or return. Rules and
//! reach live in `service::recognition::commendations`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::recognition::{CommendationFilter, CommendationRow};
use crate::domain::recognition::{CommendationKind, CommendationLevel};
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::recognition::commendations::{
    self, CommendationDecisionRequest, NominationRequest,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CommendationResponse {
    pub id: i64,
    /// `model_volunteer`, `model_collective`, `lei_feng_post` or `excellent_project`.
    pub kind: String,
    /// `national`, `provincial` or `municipal`.
    pub level: String,
    /// `volunteer`, `team`, `organization`, `site` or `activity`.
    pub target_type: String,
    pub target_id: i64,
    pub citation: String,
    pub year: i32,
    pub nominating_organization_id: i64,
    /// `nominated`, `approved` or `returned`.
    pub status: String,
    pub decision_note: Option<String>,
    pub deciding_organization_id: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<CommendationRow> for CommendationResponse {
    fn from(c: CommendationRow) -> Self {
        Self {
            id: c.id,
            kind: c.kind,
            level: c.level,
            target_type: c.target_type,
            target_id: c.target_id,
            citation: c.citation,
            year: c.year,
            nominating_organization_id: c.nominating_organization_id,
            status: c.status,
            decision_note: c.decision_note,
            deciding_organization_id: c.deciding_organization_id,
            decided_at: c.decided_at.map(|t| t.and_utc()),
            created_at: c.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommendationStatus {
    Nominated,
    Approved,
    Returned,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommendationFilters {
    pub status: Option<CommendationStatus>,
    pub kind: Option<CommendationKind>,
    pub level: Option<CommendationLevel>,
}

/// Nominate a volunteer, team, organisation, site or activity for a commendation (STAR-03:
/// at the nominating organisation's level or below).
#[utoipa::path(tag = "recognition", request_body = NominationRequest, responses((status = 201, body = CommendationResponse), (status = 422, description = "`STAR-03`: above the nominator's level; `target_not_for_kind`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/commendations")]
pub async fn nominate(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<NominationRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        commendations::nominate(c, &user, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/commendations/{}", row.id)))
        .json(CommendationResponse::from(row)))
}

/// Commendations nominated in your subtree.
#[utoipa::path(tag = "recognition", params(CommendationFilters, PageParams), responses((status = 200, body = Page<CommendationResponse>)))]
#[get("/commendations")]
pub async fn list_commendations(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<CommendationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let filter = CommendationFilter {
        status: filters.status.map(|s| {
            match s {
                CommendationStatus::Nominated => "nominated",
                CommendationStatus::Approved => "approved",
                CommendationStatus::Returned => "returned",
            }
            .to_string()
        }),
        kind: filters.kind.map(|k| k.as_str().to_string()),
        level: filters.level.map(|l| l.as_str().to_string()),
        after_id: window.after_id,
        limit: window.limit,
        subtree: None,
    };
    let rows = service::run(&state.pool, move |c| commendations::list(c, &user, filter)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        CommendationResponse::from,
    )))
}

/// A commendation.
#[utoipa::path(tag = "recognition", params(("id" = i64, Path)), responses((status = 200, body = CommendationResponse)))]
#[get("/commendations/{id}")]
pub async fn get_commendation(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| commendations::get(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(CommendationResponse::from(row)))
}

async fn decide(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    approve: bool,
    body: Option<extract::Json<CommendationDecisionRequest>>,
) -> ApiResult<HttpResponse> {
    let req = body.map(|b| b.into_inner()).unwrap_or_default();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        commendations::decide(c, &user, id, approve, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CommendationResponse::from(row)))
}

/// Approve a nomination (STAR-03: an organisation at the commendation's level or above).
#[utoipa::path(tag = "recognition", params(("id" = i64, Path)), request_body = CommendationDecisionRequest, responses((status = 200, body = CommendationResponse), (status = 422, description = "`STAR-03`: the approver is below the commendation's level", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/commendations/{id}/approve")]
pub async fn approve_commendation(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<CommendationDecisionRequest>>,
) -> ApiResult<HttpResponse> {
    decide(state, user, id.into_inner(), true, body).await
}

/// Return a nomination with a note (STAR-03: an organisation at its level or above).
#[utoipa::path(tag = "recognition", params(("id" = i64, Path)), request_body = CommendationDecisionRequest, responses((status = 200, body = CommendationResponse)))]
#[post("/commendations/{id}/return")]
pub async fn return_commendation(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<CommendationDecisionRequest>>,
) -> ApiResult<HttpResponse> {
    decide(state, user, id.into_inner(), false, body).await
}

/// The same as `return` (the name API.md lists).
#[utoipa::path(tag = "recognition", params(("id" = i64, Path)), request_body = CommendationDecisionRequest, responses((status = 200, body = CommendationResponse)))]
#[post("/commendations/{id}/reject")]
pub async fn reject_commendation(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<CommendationDecisionRequest>>,
) -> ApiResult<HttpResponse> {
    decide(state, user, id.into_inner(), false, body).await
}
