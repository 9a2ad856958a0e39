//! MIN-08 / PI-06: the volunteer (or staff, for a guardian) asks for correction or deletion
//! of personal data; the registering bureau actions it or records an exemption. Actioning a
//! deletion erases the personal fields but keeps the record and its service totals.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::db::volunteers::PersonalDataRequestRow;
use crate::error::ApiResult;
use crate::registry::data_requests;
use crate::routes::common::extract;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DataRequestKind {
    Correction,
    Deletion,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateDataRequest {
    pub kind: DataRequestKind,
    /// What is wrong or why deletion is asked for (no ID numbers here, please).
    #[serde(default)]
    pub details: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveDataRequest {
    /// What was done, or why the request is exempted.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataRequestResponse {
    pub id: i64,
    pub volunteer_id: i64,
    pub kind: String,
    pub details: String,
    /// `pending`, `actioned` or `exempted`.
    pub status: String,
    pub resolution: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<PersonalDataRequestRow> for DataRequestResponse {
    fn from(r: PersonalDataRequestRow) -> Self {
        Self {
            id: r.id,
            volunteer_id: r.volunteer_id,
            kind: r.kind,
            details: r.details,
            status: r.status,
            resolution: r.resolution,
            created_at: r.created_at.and_utc(),
            resolved_at: r.resolved_at.map(|t| t.and_utc()),
        }
    }
}

/// File a correction or deletion request about a volunteer's personal data.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = CreateDataRequest, responses((status = 201, body = DataRequestResponse)))]
#[post("/volunteers/{id}/personal-data-requests")]
pub async fn create_data_request(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<CreateDataRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let kind = match req.kind {
        DataRequestKind::Correction => "correction",
        DataRequestKind::Deletion => "deletion",
    };
    let row = crate::service::write(&state.pool, move |c| {
        data_requests::file_request(c, &user, id, kind, &req.details)
    })
    .await?;
    Ok(HttpResponse::Created().json(DataRequestResponse::from(row)))
}

/// The personal-data requests filed about a volunteer.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), responses((status = 200, body = Vec<DataRequestResponse>)))]
#[get("/volunteers/{id}/personal-data-requests")]
pub async fn list_data_requests(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = crate::service::run(&state.pool, move |c| {
        data_requests::requests_of(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(DataRequestResponse::from)
            .collect::<Vec<_>>(),
    ))
}

async fn resolve(
    state: web::Data<AppState>,
    user: Principal,
    request_id: i64,
    outcome: &'static str,
    note: String,
) -> ApiResult<HttpResponse> {
    let cipher = state.cipher.clone();
    let row = crate::service::write(&state.pool, move |c| {
        data_requests::resolve_request(c, &user, request_id, outcome, &note, &cipher)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DataRequestResponse::from(row)))
}

/// Action a request. For a deletion this erases the volunteer's personal data (name masked,
/// ID number, contact details and guardian data removed); certificates stay verifiable.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = ResolveDataRequest, responses((status = 200, body = DataRequestResponse), (status = 409, description = "Already resolved", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/personal-data-requests/{id}/action")]
pub async fn action_data_request(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResolveDataRequest>,
) -> ApiResult<HttpResponse> {
    resolve(
        state,
        user,
        id.into_inner(),
        "actioned",
        body.into_inner().note,
    )
    .await
}

/// Record an exemption (e.g. retention needed for issued certificates), with the reason.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = ResolveDataRequest, responses((status = 200, body = DataRequestResponse), (status = 409, description = "Already resolved", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/personal-data-requests/{id}/exempt")]
pub async fn exempt_data_request(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResolveDataRequest>,
) -> ApiResult<HttpResponse> {
    resolve(
        state,
        user,
        id.into_inner(),
        "exempted",
        body.into_inner().note,
    )
    .await
}
