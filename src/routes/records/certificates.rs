//! Record certificates (CRT-01…05): issue (or, for a volunteer, ask for), list, revoke and
//! the public verification by number; and qualifications recorded on a volunteer (ACT-06).

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::hours;
use crate::auth::policy::Principal;
use crate::db::records::RecordCertificateRow;
use crate::domain::identity::mask_name;
use crate::error::ApiResult;
use crate::registry::reach::PersonalView;
use crate::routes::common::extract;
use crate::routes::common::extract::bounded_dates;
use crate::service::records::certificates::{
    self, CertificateOutcome, IssueCertificateRequest, QualificationRequest, certificate_status,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordCertificateResponse {
    pub id: i64,
    pub number: String,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub id_type: String,
    /// First 6 and last 4 visible (CRT-03).
    pub id_number_masked: String,
    pub volunteer_number: String,
    /// Exact sum of the covered records' minutes.
    pub total_minutes: i32,
    /// `total_minutes` ÷ 60, one decimal (CRT-03).
    pub total_hours: String,
    pub record_ids: Vec<i64>,
    pub content_summary: String,
    pub issuer_name: String,
    pub person_in_charge: String,
    pub handler: String,
    pub contact: String,
    pub seal_ref: String,
    pub issued_on: NaiveDate,
    pub publicity_ends_on: NaiveDate,
    /// `publicity` (first 7 days), `objected` (held by an undecided objection), `final`, or
    /// `revoked` (CRT-05).
    pub status: String,
}

impl RecordCertificateResponse {
    /// The certificate as `view` sees it on `today`. It carries the documented mask (CRT-03)
    /// for the volunteer and those who may reveal the number; other readers get the
    /// restricted one (PI-01).
    pub(super) fn new(
        c: RecordCertificateRow,
        view: PersonalView,
        today: NaiveDate,
        cipher: &crate::crypto::PersonalDataCipher,
    ) -> Self {
        // The full name is stored encrypted; the plain column holds the public masked form.
        let volunteer_name = crate::registry::at_rest::certificate_name(
            cipher,
            &c.volunteer_name,
            c.volunteer_name_enc.as_deref(),
        );
        Self {
            status: certificate_status(&c, today).to_string(),
            total_hours: hours(i64::from(c.total_minutes)),
            record_ids: serde_json::from_str(&c.record_keys).unwrap_or_default(),
            id: c.id,
            number: c.number,
            volunteer_id: c.volunteer_id,
            volunteer_name,
            id_type: c.id_type,
            // The documented mask it was issued with (CRT-03) is an encrypted snapshot.
            id_number_masked: view.id_mask_from(&c.id_number_masked, || {
                c.id_number_masked_enc
                    .as_deref()
                    .and_then(|e| cipher.decrypt(e).ok())
            }),
            volunteer_number: c.volunteer_number,
            total_minutes: c.total_minutes,
            content_summary: c.content_summary,
            issuer_name: c.issuer_name,
            person_in_charge: c.person_in_charge,
            handler: c.handler,
            contact: c.contact,
            seal_ref: c.seal_ref,
            issued_on: c.issued_on,
            publicity_ends_on: c.publicity_ends_on,
        }
    }
}

/// Issue a record certificate (free, CRT-01) covering exactly the records of the issuing
/// organisation (CRT-02), which must have recorded at least one.
#[utoipa::path(operation_id = "issue_record_certificate", tag = "records", params(("id" = i64, Path)), request_body = IssueCertificateRequest, responses((status = 201, body = RecordCertificateResponse), (status = 202, description = "Asked by the volunteer: the organisation is notified and issues it"), (status = 422, description = "`CRT-02`: no records of this organisation", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/record-certificates")]
pub async fn issue_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<IssueCertificateRequest>,
) -> ApiResult<HttpResponse> {
    let volunteer_id = id.into_inner();
    let req = body.into_inner();
    let cipher = state.cipher.clone();
    let publicity_days = state.policy.records.publicity_days;
    let now = state.clock.now();
    let outcome = crate::service::write(&state.pool, move |c| {
        certificates::issue_certificate(c, &user, volunteer_id, req, &cipher, publicity_days, now)
    })
    .await?;
    Ok(match outcome {
        CertificateOutcome::Requested => HttpResponse::Accepted().finish(),
        CertificateOutcome::Issued(row, view) => HttpResponse::Created()
            .insert_header((
                "Location",
                format!("/api/v1/public/certificates/{}", row.number),
            ))
            .json(RecordCertificateResponse::new(
                *row,
                view,
                state.clock.today(),
                &state.cipher,
            )),
    })
}

/// A volunteer's record certificates.
#[utoipa::path(operation_id = "list_record_certificates", tag = "records", params(("id" = i64, Path)), responses((status = 200, body = Vec<RecordCertificateResponse>)))]
#[get("/volunteers/{id}/record-certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let today = state.clock.today();
    let (rows, view) = crate::service::run(&state.pool, move |c| {
        certificates::certificates_of(c, &user, id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|row| RecordCertificateResponse::new(row, view, today, &state.cipher))
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeCertificateRequest {
    #[serde(default)]
    pub reason: String,
}

/// Revoke a record certificate (its issuing organisation).
#[utoipa::path(operation_id = "revoke_record_certificate", tag = "records", params(("id" = i64, Path)), request_body = RevokeCertificateRequest, responses((status = 200, body = RecordCertificateResponse)))]
#[post("/record-certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<RevokeCertificateRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let (row, view) = crate::service::write(&state.pool, move |c| {
        certificates::revoke_certificate(c, &user, id, &reason, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecordCertificateResponse::new(
        row,
        view,
        state.clock.today(),
        &state.cipher,
    )))
}

/// What anyone may learn about a certificate from its number (CRT-04): validity and minimal
/// fields, never an ID number or phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCertificateResponse {
    pub number: String,
    /// `publicity`, `objected` (held by an undecided objection, CRT-05), `final` or `revoked`.
    pub status: String,
    /// False when revoked or held by an objection.
    pub valid: bool,
    /// Surname only.
    pub volunteer_name: String,
    pub volunteer_number: String,
    pub total_hours: String,
    pub issuer_name: String,
    pub issued_on: NaiveDate,
}

/// Verify a record certificate by its number. No sign-in; minimal fields only.
#[utoipa::path(operation_id = "verify_record_certificate", tag = "records", security(()), params(("number" = String, Path)), responses((status = 200, body = PublicCertificateResponse)))]
#[get("/certificates/{number}")]
pub async fn verify_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let number = number.into_inner();
    let row = crate::service::run(&state.pool, move |c| {
        certificates::certificate_by_number(c, &number)
    })
    .await?;
    let status = certificate_status(&row, state.clock.today());
    Ok(HttpResponse::Ok().json(PublicCertificateResponse {
        valid: !matches!(status, "revoked" | "objected"),
        status: status.to_string(),
        volunteer_name: mask_name(&row.volunteer_name),
        volunteer_number: row.volunteer_number,
        total_hours: hours(i64::from(row.total_minutes)),
        issuer_name: row.issuer_name,
        issued_on: row.issued_on,
        number: row.number,
    }))
}

/// Record a professional qualification of a volunteer (ACT-06).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = QualificationRequest, responses((status = 204, description = "Recorded")))]
#[post("/volunteers/{id}/qualifications")]
pub async fn add_qualification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<QualificationRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    bounded_dates([("expires_on", req.expires_on)])?;
    let now = state.clock.now();
    crate::service::write(&state.pool, move |c| {
        certificates::add_qualification(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
