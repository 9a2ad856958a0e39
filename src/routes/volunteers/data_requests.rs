//! MIN-08 / PI-06: the volunteer (or staff, for a guardian) asks for correction or deletion
//! of personal data; the registering bureau actions it or records an exemption. Actioning a
//! deletion erases the personal fields but keeps the record and its service totals.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::volunteers::PersonalDataRequestRow;
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, audit::AuditEntry};
use crate::domain::identity::mask_name;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract;
use crate::service::reach::{Access, load_in_reach};
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
    if req.details.trim().is_empty() || req.details.chars().count() > 2000 {
        return Err(ApiError::validation(vec![FieldError::new(
            "details",
            "required",
            "describe the request in 1–2000 characters",
        )]));
    }
    let kind = match req.kind {
        DataRequestKind::Correction => "correction",
        DataRequestKind::Deletion => "deletion",
    };
    let row = crate::service::write(&state.pool, move |c| {
        let volunteer = load_in_reach::<VolunteerRow>(
            c,
            &user,
            id,
            Access::Act(Action::RequestPersonalDataChange),
        )?;
        let row =
            db::volunteers::insert_data_request(c, id, kind, req.details.trim(), user.user_id)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "personal_data_request.create", "volunteer")
                .entity(id, &volunteer.org_path)
                .detail(serde_json::json!({ "request_id": row.id, "kind": kind })),
        )?;
        Ok(row)
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
        load_in_reach::<VolunteerRow>(c, &user, id, Access::Read)?;
        Ok(db::volunteers::data_requests_of(c, id)?)
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
    if note.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            "required",
            "say what was done or why it is exempted",
        )]));
    }
    let cipher = state.cipher.clone();
    let row = crate::service::write(&state.pool, move |c| {
        let request = db::volunteers::find_data_request(c, request_id)?
            .ok_or_else(|| ApiError::not_found("request"))?;
        // Out of reach reads as "no such request", never as the volunteer's 404.
        let volunteer = load_in_reach::<VolunteerRow>(
            c,
            &user,
            request.volunteer_id,
            Access::Act(Action::ResolvePersonalDataRequest),
        )
        .map_err(|e| e.hidden_as("request"))?;
        if !db::volunteers::resolve_data_request(c, request_id, outcome, note.trim(), user.user_id)?
        {
            return Err(ApiError::conflict(
                "already_resolved",
                "this request is no longer pending",
            ));
        }
        if outcome == "actioned" && request.kind == "deletion" {
            let real_name = cipher
                .decrypt(&volunteer.name_enc)
                .unwrap_or_else(|_| volunteer.name.clone());
            let masked = mask_name(&real_name);
            db::volunteers::anonymise(c, volunteer.id, &masked, &cipher.encrypt(&masked))?;
        }
        db::audit::record(
            c,
            AuditEntry::by(
                &user,
                &format!("personal_data_request.{outcome}"),
                "volunteer",
            )
            .entity(volunteer.id, &volunteer.org_path)
            .detail(serde_json::json!({ "request_id": request_id, "kind": request.kind })),
        )?;
        db::volunteers::find_data_request(c, request_id)?
            .ok_or_else(|| ApiError::not_found("request"))
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
