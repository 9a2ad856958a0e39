//! Training certificates: a volunteer's list with each one's status, and revocation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Certificate;
use crate::auth::policy::{Action, Principal};
use crate::db::training::{CertificateRow, CourseRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::training::{CourseCategory, TrainingCertificate};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Valid,
    Expired,
    Revoked,
}

/// Whether a certificate counts on `today`, or why not.
fn certificate_status(
    cert: &CertificateRow,
    category: CourseCategory,
    today: NaiveDate,
) -> CertificateStatus {
    let domain = TrainingCertificate {
        course_id: cert.course_id,
        course_category: category,
        issued_on: cert.issued_on,
        expires_on: cert.expires_on,
        revoked: cert.revoked_at.is_some(),
    };
    match (domain.revoked, domain.counts_on(today)) {
        (true, _) => CertificateStatus::Revoked,
        (false, true) => CertificateStatus::Valid,
        (false, false) => CertificateStatus::Expired,
    }
}

/// A certificate with its course and its status on the day asked about.
#[derive(Debug)]
pub struct CertificateOn {
    pub certificate: CertificateRow,
    pub course: CourseRow,
    pub status: CertificateStatus,
}

/// A volunteer's training certificates, oldest first, with their status on `today`.
pub fn list_certificates(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    today: NaiveDate,
) -> ApiResult<Vec<CertificateOn>> {
    load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    Ok(db::training::certificates_of(conn, volunteer_id)?
        .into_iter()
        .map(|(certificate, course)| {
            let category = course.category;
            CertificateOn {
                status: certificate_status(&certificate, category, today),
                certificate,
                course,
            }
        })
        .collect())
}

/// Revokes a certificate (its session's organiser), with a reason.
pub fn revoke_certificate(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let reason = crate::service::revocation_reason(reason)?;
    let cert =
        load_in_reach::<Certificate>(conn, user, id, Access::Act(Action::RecordTrainingResults))?;
    if !db::training::revoke_certificate(conn, id, reason, user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyRevoked,
            "this certificate is revoked already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "training_certificate.revoke", "training_certificate")
            .entity(id, &cert.session.org_path),
    )?;
    Ok(())
}
