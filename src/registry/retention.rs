//! PI-06: a deregistered volunteer's contact details and guardian data are erased after the
//! configured period. The record stays, minimised like a deletion request leaves it (masked
//! name, masked ID, no contact), with its service records; certificates keep their number,
//! hours and masked name, so they still verify.

use chrono::NaiveDateTime;

use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::{self, DbConn};
use crate::domain::identity::mask_name;
use crate::error::{ApiError, ApiResult};

/// Erases one deregistered volunteer's contact and guardian data (inside a transaction) and
/// audits it as the retention job's doing.
pub fn erase_deregistered(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    volunteer_id: i64,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let volunteer = db::volunteers::find(conn, volunteer_id)?
        .ok_or_else(|| ApiError::not_found("volunteer"))?;
    let real_name = cipher
        .decrypt(&volunteer.name_enc)
        .unwrap_or_else(|_| volunteer.name.clone());
    let masked = mask_name(&real_name);
    db::volunteers::anonymise(conn, volunteer_id, &masked, &cipher.encrypt(&masked))?;
    db::records::minimise_certificate_names(conn, volunteer_id, &cipher.encrypt(&masked))?;
    db::privacy::mark_erased(conn, volunteer_id, now)?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id: "job:deregistered-retention",
            action: "volunteer.contact_erased",
            entity_type: "volunteer",
            entity_id: Some(volunteer_id.to_string()),
            org_path: Some(&volunteer.org_path),
            detail: Some(serde_json::json!({ "rule": "PI-06" })),
        },
    )?;
    Ok(())
}
