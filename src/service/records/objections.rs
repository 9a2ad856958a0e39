//! CRT-05: anyone shown a certificate's public page may object while it is in its publicity
//! period, without signing in. An undecided objection holds the certificate (`objected`, never
//! `final`) until the issuing organisation decides: upheld revokes it, dismissed lets the
//! publicity status resume.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::certificates::{certificate_by_number, certificate_status};
use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::notifications::{Notice, Recipient};
use crate::db::records::{ObjectionRow, RecordCertificateRow};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::PersonalView;
use crate::service::reach::{Access, load_in_reach};

/// Longest objection text accepted, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ObjectionRequest {
    /// What is wrong with the certificate (1–2000 characters).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionDecision {
    /// The objection is right: the certificate is revoked.
    Uphold,
    /// The objection is unfounded: the certificate's publicity status resumes.
    Dismiss,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecideObjectionRequest {
    pub decision: ObjectionDecision,
    /// Why; required when upholding (it becomes the revocation reason).
    #[serde(default)]
    pub note: String,
}

/// An objection with its text decrypted, for the issuer.
pub struct ObjectionView {
    pub row: ObjectionRow,
    pub reason: String,
}

/// Lodges an objection to certificate `number` from the public page (no sign-in).
pub fn lodge_objection(
    conn: &mut DbConn,
    number: &str,
    reason: &str,
    request_id: &str,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<ObjectionRow> {
    let reason = reason.trim();
    let length = reason.chars().count();
    if length == 0 || length > MAX_REASON_CHARS {
        return Err(ApiError::validation(vec![
            FieldError::new(
                "reason",
                if length == 0 {
                    "required"
                } else {
                    "too_long"
                },
                format!("say what is wrong with the certificate in 1–{MAX_REASON_CHARS} characters (CRT-05)"),
            )
            .with_rule("CRT-05"),
        ]));
    }
    let cert = certificate_by_number(conn, number)?;
    match certificate_status(&cert, crate::clock::local_date(now)) {
        "revoked" => {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyRevoked,
                "this certificate is revoked already",
            ));
        }
        "final" => {
            return Err(ApiError::conflict(
                ErrorCode::PublicityOver,
                "CRT-05: the publicity period of this certificate is over",
            ));
        }
        _ => {}
    }
    let row =
        db::records::insert_objection(conn, cert.id, &cipher.encrypt(reason), now.naive_utc())?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "record_certificate.objection",
            entity_type: "record_certificate",
            entity_id: Some(cert.id.to_string()),
            org_path: Some(&cert.org_path),
            detail: Some(serde_json::json!({ "objection_id": row.id })),
        },
    )?;
    // The staff member who issued it hears of the hold at once; the list is the record.
    if let Some(issuer) = cert.issued_by {
        db::notifications::push(
            conn,
            Notice {
                recipient: Recipient::User(issuer),
                kind: "certificate_objection",
                title: format!("证明公示期收到异议：{}", cert.number),
                body: format!(
                    "An objection holds certificate {} until your organisation decides (CRT-05).",
                    cert.number
                ),
                entity: Some(("record_certificate", cert.id.to_string())),
                dedupe_key: None,
            },
        )?;
    }
    Ok(row)
}

/// The objections to certificate `id`, for its issuing organisation.
pub fn objections_of(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    cipher: &PersonalDataCipher,
) -> ApiResult<Vec<ObjectionView>> {
    let cert =
        load_in_reach::<RecordCertificateRow>(conn, user, id, Access::Act(Action::RecordService))?;
    Ok(db::records::objections_of(conn, cert.id)?
        .into_iter()
        .map(|row| ObjectionView {
            reason: cipher.decrypt(&row.reason_enc).unwrap_or_default(),
            row,
        })
        .collect())
}

/// The issuing organisation decides objection `objection_id` to certificate `id`.
pub fn decide_objection(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    objection_id: i64,
    req: DecideObjectionRequest,
    now: DateTime<Utc>,
) -> ApiResult<(RecordCertificateRow, PersonalView)> {
    let note = req.note.trim();
    if req.decision == ObjectionDecision::Uphold && note.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            "required",
            "say why the objection is upheld: it is the revocation reason",
        )]));
    }
    let cert =
        load_in_reach::<RecordCertificateRow>(conn, user, id, Access::Act(Action::RecordService))?;
    let objection = db::records::find_objection(conn, cert.id, objection_id)?
        .ok_or_else(|| ApiError::not_found("objection"))?;
    let (status, decision) = match req.decision {
        ObjectionDecision::Uphold => ("upheld", "uphold"),
        ObjectionDecision::Dismiss => ("dismissed", "dismiss"),
    };
    let at = now.naive_utc();
    let note = (!note.is_empty()).then_some(note);
    if !db::records::decide_objection(conn, &objection, status, user.user_id, note, at)? {
        return Err(ApiError::conflict(
            ErrorCode::ObjectionDecided,
            "this objection is decided already",
        ));
    }
    if req.decision == ObjectionDecision::Uphold {
        let reason = format!("CRT-05 objection upheld: {}", note.unwrap_or_default());
        db::records::revoke_certificate(conn, cert.id, &reason, at)?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            "record_certificate.objection_decide",
            "record_certificate",
        )
        .entity(cert.id, &cert.org_path)
        .detail(serde_json::json!({ "objection_id": objection.id, "decision": decision })),
    )?;
    let row = db::records::find_certificate(conn, cert.id)?
        .ok_or_else(|| ApiError::not_found("certificate"))?;
    let view = match db::volunteers::find(conn, row.volunteer_id)? {
        Some(v) => PersonalView::of(user, v.id, &v.org_path),
        None => PersonalView::Restricted,
    };
    Ok((row, view))
}
