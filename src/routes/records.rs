//! Records and recognition: service records and their corrections (HRS-04/05), stars
//! (STAR-01/02), record certificates (CRT-01…05) with public verification, qualifications.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::assignments::AssignmentRow;
use crate::db::records::{
    CorrectionRow, NewCorrection, NewRecordCertificate, RecordCertificateRow,
};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::identity::mask_name;
use crate::domain::role::Role;
use crate::domain::service_record::ServiceClaim;
use crate::domain::stars::{GoodRecordPolicy, StarLevel, award, good_record, standing};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry::reach::PersonalView;
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, day_of};
use crate::service::reach::{Access, load_in_reach};
use crate::service::records::{Recording, record_service, window_of};
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
    let rows = crate::service::run(&state.pool, move |c| {
        load_in_reach::<VolunteerRow>(c, &user, id, Access::Read)?;
        Ok(db::records::current_of_volunteer(c, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(ServiceRecordResponse::from)
            .collect::<Vec<_>>(),
    ))
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
        let versions = db::records::versions_of(c, key)?;
        let first = versions
            .first()
            .ok_or_else(|| ApiError::not_found("service record"))?;
        load_in_reach::<VolunteerRow>(c, &user, first.volunteer_id, Access::Read)
            .map_err(|_| ApiError::not_found("service record"))?;
        Ok(versions)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(ServiceRecordResponse::from)
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CorrectionRequest {
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub break_minutes: Option<i32>,
    /// What is wrong.
    #[serde(default)]
    pub reason: String,
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
    if req.reason.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "say what is wrong",
        )]));
    }
    let row = crate::service::write(&state.pool, move |c| {
        let record = db::records::find_current(c, key)?
            .ok_or_else(|| ApiError::not_found("service record"))?;
        load_in_reach::<VolunteerRow>(
            c,
            &user,
            record.volunteer_id,
            Access::Act(Action::RequestRecords),
        )
        .map_err(|e| e.hidden_as("service record"))?;
        let row = db::records::insert_correction(
            c,
            &NewCorrection {
                record_key: key,
                volunteer_id: record.volunteer_id,
                requested_by: user.user_id,
                proposed_started_at: req.started_at.map(|t| t.naive_utc()),
                proposed_ended_at: req.ended_at.map(|t| t.naive_utc()),
                proposed_break_minutes: req.break_minutes,
                reason: req.reason.trim().to_string(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(
                &user,
                "service_record.correction_requested",
                "service_record",
            )
            .entity(key, &record.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created().json(CorrectionResponse::from(row)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ResolutionRequest {
    /// Why it was rejected, or what was changed.
    #[serde(default)]
    pub note: String,
}

fn correction_for_recorder(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
) -> Result<(CorrectionRow, db::records::ServiceRecordRow), ApiError> {
    let correction =
        db::records::find_correction(conn, id)?.ok_or_else(|| ApiError::not_found("correction"))?;
    let record = db::records::find_current(conn, correction.record_key)?
        .ok_or_else(|| ApiError::not_found("correction"))?;
    user.authorize(Action::ReadActivities, Action::RecordService, |s| {
        s.contains(&record.org_path)
    })
    .map_err(|e| e.hidden_as("correction"))?;
    Ok((correction, record))
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
    let row = crate::service::write(&state.pool, move |c| {
        let (correction, record) = correction_for_recorder(c, &user, id)?;
        if !db::records::resolve_correction(c, id, "accepted", note.trim(), user.user_id)? {
            return Err(ApiError::conflict("already_resolved", "this correction is no longer pending"));
        }
        let assignment = db::assignments::find(c, record.assignment_id)?.ok_or_else(|| ApiError::internal("assignment missing"))?;
        let activity = db::activities::find(c, record.activity_id)?.ok_or_else(|| ApiError::internal("activity missing"))?;
        let claim = ServiceClaim {
            checked_in_at: correction.proposed_started_at.unwrap_or(record.started_at).and_utc(),
            checked_out_at: correction.proposed_ended_at.unwrap_or(record.ended_at).and_utc(),
            break_minutes: correction.proposed_break_minutes.unwrap_or(record.break_minutes).max(0) as u32,
            travel_minutes: 0,
        };
        let reason = format!("correction {id}: {}", correction.reason);
        let new = record_service(c, &user, &assignment, &activity, claim, Recording::Correction { previous: &record, reason })?;
        let minutes = new.minutes;
        db::audit::record(
            c,
            AuditEntry::by(&user, "service_record.corrected", "service_record")
                .entity(record.record_key, &record.org_path)
                .detail(serde_json::json!({ "correction_id": id, "from_minutes": record.minutes, "to_minutes": minutes, "version": new.version })),
        )?;
        Ok(new)
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
    if note.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note", "required", "say why",
        )]));
    }
    let row = crate::service::write(&state.pool, move |c| {
        let (_, record) = correction_for_recorder(c, &user, id)?;
        if !db::records::resolve_correction(c, id, "rejected", note.trim(), user.user_id)? {
            return Err(ApiError::conflict(
                "already_resolved",
                "this correction is no longer pending",
            ));
        }
        db::audit::record(
            c,
            AuditEntry::by(
                &user,
                "service_record.correction_rejected",
                "service_record",
            )
            .entity(record.record_key, &record.org_path),
        )?;
        db::records::find_correction(c, id)?.ok_or_else(|| ApiError::not_found("correction"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(CorrectionResponse::from(row)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarAwardResponse {
    pub id: i64,
    pub level: i32,
    /// `pending`, `granted` or `rejected`.
    pub status: String,
    /// Issued on grant; never changes.
    pub award_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarsResponse {
    pub volunteer_id: i64,
    /// Sum of current service-record minutes.
    pub verified_minutes: i64,
    /// `verified_minutes` ÷ 60, to one decimal.
    pub verified_hours: String,
    /// STAR-01: the level the minutes reach.
    pub eligible: u8,
    /// STAR-02: the level granted after review.
    pub awarded: u8,
    /// The one level that may be applied for now, if any.
    pub next_awardable: Option<u8>,
    /// Corrections pushed the eligible level below the awarded one.
    pub needs_review: bool,
    /// STAR-04: a good record (an awarded star, an active registration), which makes the
    /// volunteer eligible for preferential cultural benefits.
    pub good_record: bool,
    pub awards: Vec<StarAwardResponse>,
}

fn hours(minutes: i64) -> String {
    format!("{}.{}", minutes / 60, (minutes % 60) * 10 / 60)
}

fn stars_of(
    conn: &mut DbConn,
    volunteer: &crate::db::volunteers::VolunteerRow,
    good: GoodRecordPolicy,
) -> Result<StarsResponse, ApiError> {
    let volunteer_id = volunteer.id;
    let minutes = db::records::total_minutes(conn, volunteer_id, None)?;
    let awards = db::records::star_awards_of(conn, volunteer_id)?;
    let awarded = awards
        .iter()
        .filter(|a| a.status == "granted")
        .map(|a| a.level)
        .max()
        .unwrap_or(0);
    let s = standing(
        minutes.max(0) as u64,
        StarLevel::new(awarded as u8).unwrap_or(StarLevel::NONE),
    );
    let active = volunteer.status == VolunteerStatus::Active.as_str();
    Ok(StarsResponse {
        volunteer_id,
        verified_minutes: minutes,
        verified_hours: hours(minutes),
        eligible: s.eligible.get(),
        awarded: s.awarded.get(),
        next_awardable: s.next_awardable.map(|l| l.get()),
        needs_review: s.needs_review,
        good_record: good_record(good, s.awarded, active),
        awards: awards
            .into_iter()
            .map(|a| StarAwardResponse {
                id: a.id,
                level: a.level,
                status: a.status,
                award_number: a.award_number,
            })
            .collect(),
    })
}

/// A volunteer's verified hours and stars.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = StarsResponse)))]
#[get("/volunteers/{id}/stars")]
pub async fn get_stars(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let good = state.policy.good_record();
    let response = crate::service::run(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(c, &user, id, Access::Read)?;
        stars_of(c, &v, good)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Apply for the next star level (the volunteer; STAR-02: one level at a time, only when
/// the hours reach it).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 201, body = StarsResponse), (status = 422, description = "`star_not_eligible` or `star_not_next_level`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/star-applications")]
pub async fn apply_for_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let good = state.policy.good_record();
    let response = crate::service::write(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(c, &user, id, Access::Act(Action::RequestRecords))?;
        let current = stars_of(c, &v, good)?;
        let awarded = StarLevel::new(current.awarded).unwrap_or(StarLevel::NONE);
        let requested = awarded
            .next()
            .ok_or_else(|| ApiError::conflict("star_maximum", "5 stars is the highest level"))?;
        award(awarded, requested, current.verified_minutes.max(0) as u64).map_err(|e| {
            ApiError::rule(
                e.code(),
                format!("{}: not eligible for {}★", e.rule(), requested.get()),
            )
        })?;
        db::records::insert_star_application(c, id, i32::from(requested.get())).map_err(
            |e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::conflict(
                    "star_application_pending",
                    "this level is applied for already",
                ),
                other => other.into(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "star.apply", "volunteer").entity(id, &v.org_path),
        )?;
        stars_of(c, &v, good)
    })
    .await?;
    Ok(HttpResponse::Created().json(response))
}

async fn decide_star(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    grant: bool,
    note: String,
) -> ApiResult<HttpResponse> {
    let good = state.policy.good_record();
    let response = crate::service::write(&state.pool, move |c| {
        let application = db::records::find_star_award(c, id)?
            .ok_or_else(|| ApiError::not_found("star application"))?;
        // Out of reach reads as "no such application", never as the volunteer's 404.
        let v = load_in_reach::<VolunteerRow>(
            c,
            &user,
            application.volunteer_id,
            Access::Act(Action::AwardStars),
        )
        .map_err(|e| e.hidden_as("star application"))?;
        let number = grant.then(|| format!("STAR{}{:06}", application.level, application.id));
        if grant {
            let current = stars_of(c, &v, good)?;
            let awarded = StarLevel::new(current.awarded).unwrap_or(StarLevel::NONE);
            let requested = StarLevel::new(application.level as u8).unwrap_or(StarLevel::MAX);
            award(awarded, requested, current.verified_minutes.max(0) as u64)
                .map_err(|e| ApiError::rule(e.code(), e.rule()))?;
        }
        let status = if grant { "granted" } else { "rejected" };
        if !db::records::decide_star_award(
            c,
            id,
            status,
            number.as_deref(),
            Some(note.trim()),
            user.user_id,
        )? {
            return Err(ApiError::conflict(
                "already_decided",
                "this application is decided already",
            ));
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, &format!("star.{status}"), "volunteer").entity(v.id, &v.org_path),
        )?;
        stars_of(c, &v, good)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Grant a star application (the registering bureau, after review).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = StarsResponse)))]
#[post("/star-applications/{id}/grant")]
pub async fn grant_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<ResolutionRequest>>,
) -> ApiResult<HttpResponse> {
    decide_star(
        state,
        user,
        id.into_inner(),
        true,
        body.map(|b| b.into_inner().note).unwrap_or_default(),
    )
    .await
}

/// Reject a star application.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = StarsResponse)))]
#[post("/star-applications/{id}/reject")]
pub async fn reject_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<ResolutionRequest>>,
) -> ApiResult<HttpResponse> {
    decide_star(
        state,
        user,
        id.into_inner(),
        false,
        body.map(|b| b.into_inner().note).unwrap_or_default(),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueCertificateRequest {
    /// The recording organisation (default: the caller's); only its records are covered.
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub person_in_charge: String,
    #[serde(default)]
    pub handler: String,
    #[serde(default)]
    pub contact: String,
    /// Reference of the (e-)seal applied.
    #[serde(default)]
    pub seal_ref: String,
}

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
    /// `publicity` (first 7 days), `final`, or `revoked` (CRT-05).
    pub status: String,
}

impl RecordCertificateResponse {
    /// The certificate carries the documented mask (CRT-03) for the volunteer and those who
    /// may reveal the number; other readers get the restricted one (PI-01).
    fn seen_as(mut self, view: PersonalView) -> Self {
        self.id_number_masked = view.id_mask(&self.id_number_masked);
        self
    }
}

fn certificate_status(c: &RecordCertificateRow, today: NaiveDate) -> &'static str {
    match (c.revoked_at.is_some(), today >= c.publicity_ends_on) {
        (true, _) => "revoked",
        (false, true) => "final",
        (false, false) => "publicity",
    }
}

impl From<RecordCertificateRow> for RecordCertificateResponse {
    fn from(c: RecordCertificateRow) -> Self {
        Self {
            status: certificate_status(&c, crate::clock::today()).to_string(),
            total_hours: hours(i64::from(c.total_minutes)),
            record_ids: serde_json::from_str(&c.record_keys).unwrap_or_default(),
            id: c.id,
            number: c.number,
            volunteer_id: c.volunteer_id,
            volunteer_name: c.volunteer_name,
            id_type: c.id_type,
            id_number_masked: c.id_number_masked,
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
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = IssueCertificateRequest, responses((status = 201, body = RecordCertificateResponse), (status = 422, description = "`CRT-02`: no records of this organisation", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/record-certificates")]
pub async fn issue_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<IssueCertificateRequest>,
) -> ApiResult<HttpResponse> {
    let volunteer_id = id.into_inner();
    let req = body.into_inner();
    if user.role == Role::Volunteer {
        return request_certificate(state, user, volunteer_id, req.organization_id).await;
    }
    let mut problems = Vec::new();
    for (field, value) in [
        ("person_in_charge", &req.person_in_charge),
        ("handler", &req.handler),
        ("contact", &req.contact),
    ] {
        if value.trim().is_empty() {
            problems.push(FieldError::new(
                field,
                "required",
                format!("{field} is part of the certificate (CRT-03)"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let scope = user.require(Action::RecordService)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let cipher = state.cipher.clone();
    let publicity_days = state.policy.records.publicity_days;
    let row = crate::service::write(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(c, &user, volunteer_id, Access::Read)?;
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let records: Vec<_> = db::records::current_of_volunteer(c, volunteer_id)?
            .into_iter()
            .filter(|r| r.organization_id == org.id)
            .collect();
        if records.is_empty() {
            return Err(ApiError::rule(
                "CRT-02",
                "this organisation recorded no service of this volunteer",
            ));
        }
        let total: i32 = records.iter().map(|r| r.minutes).sum();
        let titles: Vec<&str> = records.iter().map(|r| r.activity_title.as_str()).collect();
        let today = crate::clock::today();
        let number = format!(
            "SRC{}{:08}",
            today.format("%Y%m%d"),
            rand::rng().random_range(0..100_000_000u32)
        );
        let name = cipher
            .decrypt(&v.name_enc)
            .unwrap_or_else(|_| v.name.clone());
        let row = db::records::insert_certificate(
            c,
            &NewRecordCertificate {
                number,
                volunteer_id,
                organization_id: org.id,
                org_path: org.path.clone(),
                volunteer_name: name,
                id_type: v.id_type.clone(),
                id_number_masked: v.id_number_masked.clone(),
                volunteer_number: v.volunteer_number.clone().unwrap_or_default(),
                total_minutes: total,
                record_keys: serde_json::to_string(
                    &records.iter().map(|r| r.record_key).collect::<Vec<_>>(),
                )
                .map_err(ApiError::internal)?,
                content_summary: format!("{} 次服务：{}", records.len(), titles.join("、")),
                issuer_name: org.name.clone(),
                person_in_charge: req.person_in_charge.trim().to_string(),
                handler: req.handler.trim().to_string(),
                contact: req.contact.trim().to_string(),
                seal_ref: if req.seal_ref.trim().is_empty() {
                    format!("e-seal:{}", org.id)
                } else {
                    req.seal_ref.trim().to_string()
                },
                issued_on: today,
                // CRT-05: the configured publicity period (default 7 days).
                publicity_ends_on: today + Days::new(u64::from(publicity_days)),
                issued_by: Some(user.user_id),
                created_at: db::now(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "record_certificate.issue", "record_certificate")
                .entity(row.id, &org.path)
                .detail(serde_json::json!({ "volunteer_id": volunteer_id, "minutes": total })),
        )?;
        Ok((row, PersonalView::of(&user, v.id, &v.org_path)))
    })
    .await?;
    let (row, view) = row;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/public/certificates/{}", row.number),
        ))
        .json(RecordCertificateResponse::from(row).seen_as(view)))
}

/// A volunteer asks a recording organisation for a certificate: its staff are notified.
async fn request_certificate(
    state: web::Data<AppState>,
    user: Principal,
    volunteer_id: i64,
    organization_id: Option<i64>,
) -> ApiResult<HttpResponse> {
    let Some(org_id) = organization_id else {
        return Err(ApiError::validation(vec![FieldError::new(
            "organization_id",
            "required",
            "which organisation recorded the hours?",
        )]));
    };
    crate::service::write(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(
            c,
            &user,
            volunteer_id,
            Access::Act(Action::RequestRecords),
        )?;
        let recorded = db::records::current_of_volunteer(c, volunteer_id)?
            .iter()
            .any(|r| r.organization_id == org_id);
        if !recorded {
            return Err(ApiError::rule(
                "CRT-02",
                "this organisation recorded none of your service",
            ));
        }
        let staff = db::users::list(
            c,
            &db::users::UserFilter {
                organization_id: Some(org_id),
                limit: 200,
                ..Default::default()
            },
        )?;
        for u in staff
            .iter()
            .filter(|u| matches!(u.role.as_str(), "bureau_admin" | "coordinator") && !u.disabled)
        {
            db::notifications::push(
                c,
                db::notifications::Notice {
                    recipient: db::notifications::Recipient::User(u.id),
                    kind: "record_certificate_requested",
                    title: "志愿服务记录证明申请".into(),
                    body: format!(
                        "Volunteer {} asks for a record certificate.",
                        v.volunteer_number.clone().unwrap_or_default()
                    ),
                    entity: Some(("volunteer", volunteer_id.to_string())),
                    dedupe_key: None,
                },
            )?;
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "record_certificate.request", "volunteer")
                .entity(volunteer_id, &v.org_path),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// A volunteer's record certificates.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = Vec<RecordCertificateResponse>)))]
#[get("/volunteers/{id}/record-certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (rows, view) = crate::service::run(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(c, &user, id, Access::Read)?;
        let view = PersonalView::of(&user, v.id, &v.org_path);
        Ok((db::records::certificates_of(c, id)?, view))
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|row| RecordCertificateResponse::from(row).seen_as(view))
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeCertificateRequest {
    #[serde(default)]
    pub reason: String,
}

/// Revoke a record certificate (its issuing organisation).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = RevokeCertificateRequest, responses((status = 200, body = RecordCertificateResponse)))]
#[post("/record-certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<RevokeCertificateRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "why is it revoked?",
        )]));
    }
    let row = crate::service::write(&state.pool, move |c| {
        let cert = db::records::find_certificate(c, id)?
            .ok_or_else(|| ApiError::not_found("certificate"))?;
        user.authorize(Action::ReadActivities, Action::RecordService, |s| {
            s.contains(&cert.org_path)
        })
        .map_err(|e| e.hidden_as("certificate"))?;
        if !db::records::revoke_certificate(c, id, &reason)? {
            return Err(ApiError::conflict(
                "already_revoked",
                "this certificate is revoked already",
            ));
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "record_certificate.revoke", "record_certificate")
                .entity(id, &cert.org_path),
        )?;
        let row = db::records::find_certificate(c, id)?
            .ok_or_else(|| ApiError::not_found("certificate"))?;
        let view = match db::volunteers::find(c, row.volunteer_id)? {
            Some(v) => PersonalView::of(&user, v.id, &v.org_path),
            None => PersonalView::Restricted,
        };
        Ok(RecordCertificateResponse::from(row).seen_as(view))
    })
    .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// What anyone may learn about a certificate from its number (CRT-04): validity and minimal
/// fields, never an ID number or phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCertificateResponse {
    pub number: String,
    /// `publicity`, `final` or `revoked`.
    pub status: String,
    pub valid: bool,
    /// Surname only.
    pub volunteer_name: String,
    pub volunteer_number: String,
    pub total_hours: String,
    pub issuer_name: String,
    pub issued_on: NaiveDate,
}

/// Verify a record certificate by its number. No sign-in; minimal fields only.
#[utoipa::path(tag = "records", security(()), params(("number" = String, Path)), responses((status = 200, body = PublicCertificateResponse)))]
#[get("/certificates/{number}")]
pub async fn verify_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let number = number.into_inner();
    if number.len() > 40 || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::not_found("certificate"));
    }
    let row = crate::service::run(&state.pool, move |c| {
        db::records::find_certificate_by_number(c, &number)?
            .ok_or_else(|| ApiError::not_found("certificate"))
    })
    .await?;
    let status = certificate_status(&row, crate::clock::today());
    Ok(HttpResponse::Ok().json(PublicCertificateResponse {
        valid: status != "revoked",
        status: status.to_string(),
        volunteer_name: mask_name(&row.volunteer_name),
        volunteer_number: row.volunteer_number,
        total_hours: hours(i64::from(row.total_minutes)),
        issuer_name: row.issuer_name,
        issued_on: row.issued_on,
        number: row.number,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QualificationRequest {
    /// e.g. `medical`, `first_aid_instructor`.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub issuer: String,
    /// First day it no longer counts; omit if it does not expire.
    pub expires_on: Option<NaiveDate>,
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
    let code = req.code.trim().to_lowercase();
    if code.is_empty() || req.issuer.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            "required",
            "a qualification has a code and an issuer",
        )]));
    }
    crate::service::write(&state.pool, move |c| {
        let v = load_in_reach::<VolunteerRow>(c, &user, id, Access::Act(Action::RecordSafeguards))?;
        db::records::insert_qualification(
            c,
            id,
            &code,
            req.issuer.trim(),
            req.expires_on,
            user.user_id,
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "volunteer.qualification", "volunteer").entity(id, &v.org_path),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// What the volunteer did (HRS-04).
    #[serde(default)]
    pub content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRecordResponse {
    /// Stable id of the record across corrections.
    pub record_id: i64,
    pub version: i32,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub organization_id: i64,
    pub region_code: String,
    pub service_date: chrono::NaiveDate,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub break_minutes: i32,
    /// Served minutes: presence minus breaks, travel never counted (HRS-01).
    pub minutes: i32,
    pub content: String,
    pub recorder_user_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    pub change_reason: Option<String>,
}

impl From<crate::db::records::ServiceRecordRow> for ServiceRecordResponse {
    fn from(r: crate::db::records::ServiceRecordRow) -> Self {
        Self {
            record_id: r.record_key,
            version: r.version,
            assignment_id: r.assignment_id,
            volunteer_id: r.volunteer_id,
            activity_id: r.activity_id,
            activity_title: r.activity_title,
            organization_id: r.organization_id,
            region_code: r.region_code,
            service_date: r.service_date,
            started_at: r.started_at.and_utc(),
            ended_at: r.ended_at.and_utc(),
            break_minutes: r.break_minutes,
            minutes: r.minutes,
            content: r.content,
            recorder_user_id: r.recorder_user_id,
            recorded_at: r.recorded_at.and_utc(),
            change_reason: r.change_reason,
        }
    }
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
    let row = crate::service::write(&state.pool, move |c| {
        let a: AssignmentRow = load_in_reach(c, &user, id, Access::Read)?;
        if user.volunteer_id == Some(a.volunteer_id) {
            return Err(
                ApiError::forbidden("HRS-03: a volunteer cannot verify their own hours")
                    .with_code("HRS-03"),
            );
        }
        let a: AssignmentRow = load_in_reach(c, &user, id, Access::Act(Action::RecordService))?;
        let (Some(checked_in), Some(checked_out)) = (a.checked_in_at, a.checked_out_at) else {
            return Err(ApiError::conflict(
                "not_completed",
                "only a checked-out assignment can be verified",
            ));
        };
        if !db::assignments::mark_verified(c, id, user.user_id)? {
            return Err(ApiError::conflict(
                "already_verified",
                "this assignment's hours are verified already",
            ));
        }
        let activity = db::activities::find(c, a.activity_id)?
            .ok_or_else(|| ApiError::internal("activity missing"))?;
        let claim = ServiceClaim::scheduled_presence(
            checked_in.and_utc(),
            checked_out.and_utc(),
            a.break_minutes as u32,
            &window_of(&a),
        );
        let record = record_service(c, &user, &a, &activity, claim, Recording::First { content })?;
        let minutes = record.minutes;
        db::audit::record(
            c,
            AuditEntry::by(&user, "service_record.create", "service_record")
                .entity(record.record_key, &activity.org_path)
                .detail(serde_json::json!({ "assignment_id": id, "minutes": minutes })),
        )?;
        Ok(record)
    })
    .await?;
    Ok(HttpResponse::Created().json(ServiceRecordResponse::from(row)))
}
