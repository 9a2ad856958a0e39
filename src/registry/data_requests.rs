//! MIN-08 / PI-06: requests to correct or delete a volunteer's personal data, filed by the
//! volunteer (or staff, for a guardian) and actioned or exempted by the registering bureau.
//! Actioning a deletion erases the personal fields but keeps the record and its totals.

use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::volunteers::{PersonalDataRequestRow, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::identity::mask_name;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::OfVolunteer;
use crate::service::reach::{Access, load_in_reach};

/// Files a correction (`kind` = `correction`) or deletion request about a volunteer.
pub fn file_request(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    kind: &'static str,
    details: &str,
) -> ApiResult<PersonalDataRequestRow> {
    if details.trim().is_empty() || details.chars().count() > 2000 {
        return Err(ApiError::validation(vec![FieldError::new(
            "details",
            "required",
            "describe the request in 1–2000 characters",
        )]));
    }
    let volunteer = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::RequestPersonalDataChange),
    )?;
    let row = db::volunteers::insert_data_request(
        conn,
        volunteer_id,
        kind,
        details.trim(),
        user.user_id,
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "personal_data_request.create", "volunteer")
            .entity(volunteer_id, &volunteer.org_path)
            .detail(serde_json::json!({ "request_id": row.id, "kind": kind })),
    )?;
    Ok(row)
}

/// The personal-data requests filed about a volunteer.
pub fn requests_of(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
) -> ApiResult<Vec<PersonalDataRequestRow>> {
    load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    Ok(db::volunteers::data_requests_of(conn, volunteer_id)?)
}

/// Closes a pending request as `actioned` or `exempted`, with what was done or why not.
pub fn resolve_request(
    conn: &mut DbConn,
    user: &Principal,
    request_id: i64,
    outcome: &'static str,
    note: &str,
    cipher: &PersonalDataCipher,
) -> ApiResult<PersonalDataRequestRow> {
    let note = note.trim();
    if note.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            "required",
            "say what was done or why it is exempted",
        )]));
    }
    let OfVolunteer {
        item: request,
        volunteer,
    } = load_in_reach::<OfVolunteer<PersonalDataRequestRow>>(
        conn,
        user,
        request_id,
        Access::Act(Action::ResolvePersonalDataRequest),
    )?;
    if !db::volunteers::resolve_data_request(conn, request_id, outcome, note, user.user_id)? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyResolved,
            "this request is no longer pending",
        ));
    }
    if outcome == "actioned" && request.kind == "deletion" {
        let real_name = cipher
            .decrypt(&volunteer.name_enc)
            .unwrap_or_else(|_| volunteer.name.clone());
        let masked = mask_name(&real_name);
        db::volunteers::anonymise(conn, volunteer.id, &masked, &cipher.encrypt(&masked))?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            &format!("personal_data_request.{outcome}"),
            "volunteer",
        )
        .entity(volunteer.id, &volunteer.org_path)
        .detail(serde_json::json!({ "request_id": request_id, "kind": request.kind })),
    )?;
    db::volunteers::find_data_request(conn, request_id)?
        .ok_or_else(|| ApiError::not_found("request"))
}
