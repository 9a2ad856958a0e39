//! The reverse flow (SR-05, "请进来"): training-base events, nominations, attendance and
//! certificates. Rules and reach live in `service::training_base`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::db::training_base::EventRow;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service;
use crate::service::training_base::{self as base, CertificateCheck, TraineeView};
use crate::state::AppState;

pub use crate::service::training_base::{CreateEventRequest, NominateRequest};

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingBaseEventResponse {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub host_organization_id: i64,
    /// 2-digit code of the hosting (inland) province.
    pub host_province: String,
    /// The receiving provinces whose bureaus may nominate.
    pub invited_provinces: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<EventRow> for TrainingBaseEventResponse {
    fn from(e: EventRow) -> Self {
        Self {
            id: e.id,
            invited_provinces: crate::snapshots::codes(&e.invited_provinces),
            title: e.title,
            description: e.description,
            place: e.place,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            capacity: e.capacity,
            host_organization_id: e.host_organization_id,
            host_province: e.host_province,
            created_at: e.created_at.and_utc(),
        }
    }
}

/// Create a training-base event (an inland host; SR-05).
#[utoipa::path(tag = "training", request_body = CreateEventRequest, responses((status = 201, body = TrainingBaseEventResponse), (status = 422, description = "Invalid, or the host lies in a receiving province (SR-05)", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/training-base/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateEventRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now, policy) = (body.into_inner(), state.clock.now(), state.policy.clone());
    let row = service::write(&state.pool, move |c| {
        base::create_event(c, &user, req, &policy.spring_rain, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/training-base/events/{}", row.id),
        ))
        .json(TrainingBaseEventResponse::from(row)))
}

/// A training-base event (its host, and the bureaus of the invited provinces).
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = TrainingBaseEventResponse)))]
#[get("/training-base/events/{id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| base::get_event(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(TrainingBaseEventResponse::from(row)))
}

/// Nominate a border region's grassroots cultural staff member (the bureau of an invited
/// province, before the event starts).
#[utoipa::path(operation_id = "nominate_trainee", tag = "training", params(("id" = i64, Path)), request_body = NominateRequest, responses((status = 201, body = TraineeView), (status = 409, description = "Full, started, or nominated already", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/training-base/events/{id}/trainees")]
pub async fn nominate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<NominateRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now, cipher) = (
        id.into_inner(),
        body.into_inner(),
        state.clock.now(),
        state.cipher.clone(),
    );
    let out = service::write(&state.pool, move |c| {
        base::nominate(c, &user, id, req, &cipher, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The event's trainees: all for the host, its own nominees for a bureau. Names are read
/// audited; mobiles are masked.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<TraineeView>)))]
#[get("/training-base/events/{id}/trainees")]
pub async fn list_trainees(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, cipher) = (id.into_inner(), state.cipher.clone());
    let out = service::write(&state.pool, move |c| {
        base::list_trainees(c, &user, id, &cipher)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    pub attended: bool,
}

/// Record whether a trainee attended (the host, from the event's first day).
#[utoipa::path(operation_id = "record_trainee_attendance", tag = "training", params(("id" = i64, Path)), request_body = AttendanceRequest, responses((status = 200, body = TraineeView)))]
#[post("/training-base/trainees/{id}/attendance")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<AttendanceRequest>,
) -> ApiResult<HttpResponse> {
    let (id, attended, now, cipher) = (
        id.into_inner(),
        body.into_inner().attended,
        state.clock.now(),
        state.cipher.clone(),
    );
    let out = service::write(&state.pool, move |c| {
        base::record_attendance(c, &user, id, attended, &cipher, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Issue an attended trainee's certificate (the host, from the event's last day).
#[utoipa::path(operation_id = "issue_training_base_certificate", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = TraineeView), (status = 409, description = "Not attended, or issued already", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/training-base/trainees/{id}/certificate")]
pub async fn issue_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now, cipher) = (id.into_inner(), state.clock.now(), state.cipher.clone());
    let out = service::write(&state.pool, move |c| {
        base::issue_certificate(c, &user, id, &cipher, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Verify a training-base certificate by its number. No sign-in; masked name only.
#[utoipa::path(operation_id = "verify_training_base_certificate", tag = "training", security(()), params(("number" = String, Path)), responses((status = 200, body = CertificateCheck)))]
#[get("/training-base-certificates/{number}")]
pub async fn verify_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (number, cipher) = (number.into_inner(), state.cipher.clone());
    let out = service::run(&state.pool, move |c| {
        base::verify_certificate(c, &number, &cipher)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
