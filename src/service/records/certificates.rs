//! Record certificates (CRT-01…05): issued free by a recording organisation over exactly its
//! records of a volunteer, asked for by the volunteer, revoked by the issuer, verified by
//! anyone from the number. Also professional qualifications recorded on a volunteer.

use crate::domain::identity::{mask_name, restrict_id_mask};
use crate::registry::at_rest::documented_id_mask;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::Rng;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::records::{NewRecordCertificate, RecordCertificateRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::PersonalView;
use crate::service::reach::{Access, InReach, load_in_reach, organization_for};

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

/// A certificate is seen by the staff whose `ReadActivities` scope contains its issuing
/// organisation and revoked by those whose `RecordService` scope does.
impl InReach for RecordCertificateRow {
    const NAME: &'static str = "certificate";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::records::find_certificate(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadActivities)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// The certificate's status on `today` (CRT-05): `publicity` until the period ends, then
/// `final`; `objected` while an objection is undecided, whatever the date.
pub fn certificate_status(c: &RecordCertificateRow, today: NaiveDate) -> &'static str {
    match (
        c.revoked_at.is_some(),
        c.objected_at.is_some(),
        today >= c.publicity_ends_on,
    ) {
        (true, _, _) => "revoked",
        (false, true, _) => "objected",
        (false, false, true) => "final",
        (false, false, false) => "publicity",
    }
}

/// What became of a certificate request.
pub enum CertificateOutcome {
    /// A volunteer asked: the recording organisation's staff were notified.
    Requested,
    /// Staff issued it; the reader's view of the volunteer's identity comes with it.
    Issued(Box<RecordCertificateRow>, PersonalView),
}

/// Issues a record certificate (staff) or, for a volunteer, asks the recording organisation
/// for one.
pub fn issue_certificate(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    req: IssueCertificateRequest,
    cipher: &PersonalDataCipher,
    publicity_days: u32,
    now: DateTime<Utc>,
) -> ApiResult<CertificateOutcome> {
    if user.role == Role::Volunteer {
        request_certificate(conn, user, volunteer_id, req.organization_id)?;
        return Ok(CertificateOutcome::Requested);
    }
    let problems: Vec<FieldError> = [
        ("person_in_charge", &req.person_in_charge),
        ("handler", &req.handler),
        ("contact", &req.contact),
    ]
    .into_iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(field, _)| {
        FieldError::new(
            field,
            "required",
            format!("{field} is part of the certificate (CRT-03)"),
        )
        .with_rule("CRT-03")
    })
    .collect();
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    user.require(Action::RecordService)?;
    let v = load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::RecordService)?;
    let records: Vec<_> = db::records::current_of_volunteer(conn, volunteer_id)?
        .into_iter()
        .filter(|r| r.organization_id == org.id)
        .collect();
    if records.is_empty() {
        return Err(ApiError::rule(
            ErrorCode::Crt02,
            "this organisation recorded no service of this volunteer",
        ));
    }
    let total: i32 = records.iter().map(|r| r.minutes).sum();
    let titles: Vec<&str> = records.iter().map(|r| r.activity_title.as_str()).collect();
    let today = crate::clock::local_date(now);
    let number = format!(
        "SRC{}{:08}",
        today.format("%Y%m%d"),
        rand::rng().random_range(0..100_000_000u32)
    );
    let keys: Vec<i64> = records.iter().map(|r| r.record_key).collect();
    let full_name = cipher
        .decrypt(&v.name_enc)
        .unwrap_or_else(|_| v.name.clone());
    let row = db::records::insert_certificate(
        conn,
        &NewRecordCertificate {
            number,
            volunteer_id,
            organization_id: org.id,
            org_path: org.path.clone(),
            // PI-01 / CRT-04: the public masked form in clear, the full name encrypted.
            volunteer_name: mask_name(&full_name),
            volunteer_name_enc: Some(cipher.encrypt(&full_name)),
            id_type: v.id_type.clone(),
            // PI-01: the documented mask (CRT-03) only encrypted; the clear column restricted.
            id_number_masked: restrict_id_mask(&v.id_number_masked),
            id_number_masked_enc: Some(
                cipher.encrypt(
                    &documented_id_mask(cipher, v.id_number_enc.as_deref())
                        .unwrap_or_else(|| restrict_id_mask(&v.id_number_masked)),
                ),
            ),
            volunteer_number: v.volunteer_number.clone().unwrap_or_default(),
            total_minutes: total,
            record_keys: serde_json::to_string(&keys).map_err(ApiError::internal)?,
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
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "record_certificate.issue", "record_certificate")
            .entity(row.id, &org.path)
            .detail(serde_json::json!({ "volunteer_id": volunteer_id, "minutes": total })),
    )?;
    let view = PersonalView::of(user, v.id, &v.org_path);
    Ok(CertificateOutcome::Issued(Box::new(row), view))
}

/// A volunteer asks a recording organisation for a certificate: its staff are notified.
fn request_certificate(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    organization_id: Option<i64>,
) -> ApiResult<()> {
    let Some(org_id) = organization_id else {
        return Err(ApiError::validation(vec![FieldError::new(
            "organization_id",
            "required",
            "which organisation recorded the hours?",
        )]));
    };
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::RequestRecords),
    )?;
    let recorded = db::records::current_of_volunteer(conn, volunteer_id)?
        .iter()
        .any(|r| r.organization_id == org_id);
    if !recorded {
        return Err(ApiError::rule(
            ErrorCode::Crt02,
            "this organisation recorded none of your service",
        ));
    }
    let staff = db::users::list(
        conn,
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
            conn,
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
        conn,
        AuditEntry::by(user, "record_certificate.request", "volunteer")
            .entity(volunteer_id, &v.org_path),
    )?;
    Ok(())
}

/// A volunteer's record certificates, with the reader's view of the identity on them.
pub fn certificates_of(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    today: NaiveDate,
) -> ApiResult<(Vec<RecordCertificateRow>, PersonalView)> {
    let v = load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    crate::registry::minor_reads::audit(conn, user, [&v], "record_certificates", today)?;
    let view = PersonalView::of(user, v.id, &v.org_path);
    Ok((db::records::certificates_of(conn, volunteer_id)?, view))
}

/// Revokes a record certificate (its issuing organisation).
pub fn revoke_certificate(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<(RecordCertificateRow, PersonalView)> {
    let reason = crate::service::revocation_reason(reason)?;
    let cert =
        load_in_reach::<RecordCertificateRow>(conn, user, id, Access::Act(Action::RecordService))?;
    if !db::records::revoke_certificate(conn, id, reason, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyRevoked,
            "this certificate is revoked already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "record_certificate.revoke", "record_certificate")
            .entity(id, &cert.org_path),
    )?;
    let row = db::records::find_certificate(conn, id)?
        .ok_or_else(|| ApiError::not_found("certificate"))?;
    let view = match db::volunteers::find(conn, row.volunteer_id)? {
        Some(v) => PersonalView::of(user, v.id, &v.org_path),
        None => PersonalView::Restricted,
    };
    Ok((row, view))
}

/// A certificate by its public number (CRT-04); anything not shaped like a number is
/// simply not found.
pub fn certificate_by_number(conn: &mut DbConn, number: &str) -> ApiResult<RecordCertificateRow> {
    let not_found = || ApiError::not_found("certificate");
    if number.len() > 40 || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    db::records::find_certificate_by_number(conn, number)?.ok_or_else(not_found)
}

/// Records a professional qualification of a volunteer (ACT-06).
pub fn add_qualification(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    req: QualificationRequest,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let code = req.code.trim().to_lowercase();
    if code.is_empty() || req.issuer.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            "required",
            "a qualification has a code and an issuer",
        )]));
    }
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::RecordSafeguards),
    )?;
    db::records::insert_qualification(
        conn,
        volunteer_id,
        &code,
        req.issuer.trim(),
        req.expires_on,
        user.user_id,
        now.naive_utc(),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.qualification", "volunteer")
            .entity(volunteer_id, &v.org_path),
    )?;
    Ok(())
}
