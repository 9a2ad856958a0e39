//! CRT-05 objections: lodged by anyone from a certificate's public page (no sign-in,
//! rate-limited with the rest of `/public`), read and decided by the issuing organisation.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::certificates::RecordCertificateResponse;
use crate::auth::policy::Principal;
use crate::db::records::ObjectionRow;
use crate::error::ApiResult;
use crate::middleware::request_id::RequestId;
use crate::routes::common::extract;
use crate::service::records::objections::{
    self, DecideObjectionRequest, ObjectionRequest, ObjectionView,
};
use crate::state::AppState;

/// What the objector learns: the objection is on record and the certificate held.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionLodgedResponse {
    pub id: i64,
    /// `pending` until the issuer decides.
    pub status: String,
    pub lodged_at: DateTime<Utc>,
}

impl From<ObjectionRow> for ObjectionLodgedResponse {
    fn from(r: ObjectionRow) -> Self {
        Self {
            id: r.id,
            status: r.status,
            lodged_at: r.lodged_at.and_utc(),
        }
    }
}

/// An objection as the issuing organisation reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionResponse {
    pub id: i64,
    pub certificate_id: i64,
    pub reason: String,
    /// `pending`, `upheld` or `dismissed`.
    pub status: String,
    pub lodged_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

impl From<ObjectionView> for ObjectionResponse {
    fn from(v: ObjectionView) -> Self {
        let r = v.row;
        Self {
            id: r.id,
            certificate_id: r.certificate_id,
            reason: v.reason,
            status: r.status,
            lodged_at: r.lodged_at.and_utc(),
            decided_at: r.decided_at.map(|t| t.and_utc()),
            decision_note: r.decision_note,
        }
    }
}

/// Object to a record certificate in its publicity period (CRT-05). No sign-in. The
/// certificate is held (`objected`) until its issuer decides.
#[utoipa::path(tag = "records", security(()), params(("number" = String, Path)), request_body = ObjectionRequest, responses((status = 201, body = ObjectionLodgedResponse), (status = 409, description = "`already_revoked`, or `publicity_over`: the certificate is final", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/certificates/{number}/objections")]
pub async fn lodge_objection(
    state: web::Data<AppState>,
    request_id: RequestId,
    number: web::Path<String>,
    body: extract::Json<ObjectionRequest>,
) -> ApiResult<HttpResponse> {
    let number = number.into_inner();
    let reason = body.into_inner().reason;
    let cipher = state.cipher.clone();
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        objections::lodge_objection(c, &number, &reason, &request_id.0, &cipher, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ObjectionLodgedResponse::from(row)))
}

/// The objections to a record certificate (its issuing organisation).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = Vec<ObjectionResponse>)))]
#[get("/record-certificates/{id}/objections")]
pub async fn list_objections(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let cipher = state.cipher.clone();
    let rows = crate::service::run(&state.pool, move |c| {
        objections::objections_of(c, &user, id, &cipher)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(ObjectionResponse::from)
            .collect::<Vec<_>>(),
    ))
}

/// Decide an objection (the issuing organisation, CRT-05): `uphold` revokes the certificate,
/// `dismiss` lets its publicity status resume once no objection is pending.
#[utoipa::path(tag = "records", params(("id" = i64, Path), ("objection_id" = i64, Path)), request_body = DecideObjectionRequest, responses((status = 200, body = RecordCertificateResponse), (status = 409, description = "`objection_decided` already", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/record-certificates/{id}/objections/{objection_id}/decision")]
pub async fn decide_objection(
    state: web::Data<AppState>,
    user: Principal,
    path: web::Path<(i64, i64)>,
    body: extract::Json<DecideObjectionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, objection_id) = path.into_inner();
    let req = body.into_inner();
    let now = state.clock.now();
    let (row, view) = crate::service::write(&state.pool, move |c| {
        objections::decide_objection(c, &user, id, objection_id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecordCertificateResponse::new(
        row,
        view,
        state.clock.today(),
        &state.cipher,
    )))
}
