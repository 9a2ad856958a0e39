//! Service records: verification of an assignment's hours, the current records and their
//! versions, and corrections (HRS-03/04/05).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ResolutionRequest, ServiceRecordResponse, record_list};
use crate::auth::policy::Principal;
use crate::db::records::CorrectionRow;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, day_of};
use crate::service::records::corrections::CorrectionRequest;
use crate::service::records::{self as records, corrections};
use crate::state::AppState;

/// A volunteer's current service records (the latest version of each).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = Vec<ServiceRecordResponse>)))]
#[get("/volunteers/{id}/service-records")]
pub async fn list_service_records(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let today = state.clock.today();
    let rows = crate::service::run(&state.pool, move |c| {
        records::current_records(c, &user, id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(record_list(rows)))
}

/// Every version of one record, oldest first (the audit trail of corrections).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = Vec<ServiceRecordResponse>)))]
#[get("/service-records/{id}/versions")]
pub async fn record_versions(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let key = id.into_inner();
    let rows = crate::service::run(&state.pool, move |c| {
        records::record_versions(c, &user, key)
    })
    .await?;
    Ok(HttpResponse::Ok().json(record_list(rows)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionResponse {
    pub id: i64,
    pub record_id: i64,
    pub volunteer_id: i64,
    pub proposed_started_at: Option<DateTime<Utc>>,
    pub proposed_ended_at: Option<DateTime<Utc>>,
    pub proposed_break_minutes: Option<i32>,
    pub reason: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub resolution: Option<String>,
}

impl From<CorrectionRow> for CorrectionResponse {
    fn from(c: CorrectionRow) -> Self {
        Self {
            id: c.id,
            record_id: c.record_key,
            volunteer_id: c.volunteer_id,
            proposed_started_at: c.proposed_started_at.map(|t| t.and_utc()),
            proposed_ended_at: c.proposed_ended_at.map(|t| t.and_utc()),
            proposed_break_minutes: c.proposed_break_minutes,
            reason: c.reason,
            status: c.status,
            resolution: c.resolution,
        }
    }
}

/// Ask for a correction of one of your own records (HRS-05). The organisation that recorded
/// it accepts (a new version replaces it, the old one stays) or rejects with a reason.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = CorrectionRequest, responses((status = 201, body = CorrectionResponse)))]
#[post("/service-records/{id}/corrections")]
pub async fn request_correction(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let key = id.into_inner();
    let req = body.into_inner();
    bounded_dates([
        ("started_at", day_of(req.started_at)),
        ("ended_at", day_of(req.ended_at)),
    ])?;
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        corrections::request_correction(c, &user, key, req, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(CorrectionResponse::from(row)))
}

/// Accept a correction: the record gets a new version with the corrected times, checked by
/// the same minute rules; earlier versions stay.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = ServiceRecordResponse)))]
#[post("/record-corrections/{id}/accept")]
pub async fn accept_correction(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResolutionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let note = body.into_inner().note;
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        corrections::accept_correction(c, &user, id, &note, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ServiceRecordResponse::from(row)))
}

/// Reject a correction, with the reason.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = CorrectionResponse)))]
#[post("/record-corrections/{id}/reject")]
pub async fn reject_correction(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResolutionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let note = body.into_inner().note;
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        corrections::reject_correction(c, &user, id, &note, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CorrectionResponse::from(row)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// What the volunteer did (HRS-04).
    #[serde(default)]
    pub content: String,
}

/// Verify a completed assignment's hours into a service record (the organising
/// organisation only, HRS-03). Presence before the scheduled start or after its end is not
/// service (HRS-02); breaks are deducted; travel never counts (HRS-01).
#[utoipa::path(
    tag = "records",
    params(("id" = i64, Path)),
    request_body = VerifyRequest,
    responses((status = 201, body = ServiceRecordResponse), (status = 422, description = "A minute rule is broken (`HRS-02` codes)", body = crate::error::Problem, content_type = "application/problem+json"))
)]
#[post("/assignments/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<VerifyRequest>>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let content = body.map(|b| b.into_inner().content).unwrap_or_default();
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        records::verify_assignment(c, &user, id, content, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ServiceRecordResponse::from(row)))
}

/// Verify a multi-day assignment once its activity is completed: one service record per day
/// of attendance (a rest day has none), each that day's presence inside the schedule minus
/// breaks, travel never counted (HRS-01), at most 1,440 minutes (HRS-02). The organising
/// organisation only (HRS-03): the receiving side does not reach the assignment (404).
#[utoipa::path(
    tag = "records",
    params(("id" = i64, Path)),
    request_body = VerifyRequest,
    responses(
        (status = 201, body = Vec<ServiceRecordResponse>),
        (status = 409, description = "`not_multi_day`, `not_completed`, `no_attendance` or `already_verified`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A minute rule is broken (`HRS-02` codes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assignments/{id}/verify-attendance")]
pub async fn verify_attendance(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<VerifyRequest>>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let content = body.map(|b| b.into_inner().content).unwrap_or_default();
    let now = state.clock.now();
    let rows = crate::service::write(&state.pool, move |c| {
        records::daily::verify_days(c, &user, id, content, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(record_list(rows)))
}
