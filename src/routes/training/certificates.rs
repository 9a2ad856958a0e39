//! Training certificates: a volunteer's list, revocation.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CourseResponse;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service;
use crate::service::training::certificates::{self, CertificateOn, CertificateStatus};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingCertificateResponse {
    pub id: i64,
    pub course: CourseResponse,
    pub session_id: i64,
    pub issued_on: NaiveDate,
    /// First day it no longer counts; `null` = never expires.
    pub expires_on: Option<NaiveDate>,
    /// As of today (China Standard Time).
    pub status: CertificateStatus,
    pub revoked_reason: Option<String>,
}

impl From<CertificateOn> for TrainingCertificateResponse {
    fn from(c: CertificateOn) -> Self {
        let cert = c.certificate;
        Self {
            status: c.status,
            id: cert.id,
            session_id: cert.session_id,
            issued_on: cert.issued_on,
            expires_on: cert.expires_on,
            revoked_reason: cert.revoked_reason,
            course: c.course.into(),
        }
    }
}

/// A volunteer's training certificates with their status today.
#[utoipa::path(operation_id = "list_training_certificates", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<TrainingCertificateResponse>)))]
#[get("/volunteers/{id}/training-certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, today) = (id.into_inner(), state.clock.today());
    let rows = service::run(&state.pool, move |c| {
        certificates::list_certificates(c, &user, id, today)
    })
    .await?;
    let out: Vec<TrainingCertificateResponse> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    #[serde(default)]
    pub reason: String,
}

/// Revoke a training certificate (its session's organiser), with a reason.
#[utoipa::path(operation_id = "revoke_training_certificate", tag = "training", params(("id" = i64, Path)), request_body = RevokeRequest, responses((status = 204, description = "Revoked"), (status = 409, description = "Already revoked", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/training-certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    let (id, reason, now) = (id.into_inner(), body.into_inner().reason, state.clock.now());
    service::write(&state.pool, move |c| {
        certificates::revoke_certificate(c, &user, id, &reason, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
