//! Corrections of service records (HRS-05): the volunteer asks, the recording organisation
//! accepts (a new record version, measured by `record_service`) or rejects with a reason.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{Recording, record_service};
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::audit::AuditEntry;
use crate::db::records::{CorrectionRow, NewCorrection, ServiceRecordRow};
use crate::db::{self, DbConn};
use crate::domain::service_record::ServiceClaim;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::OfVolunteer;
use crate::service::reach::{Access, InReach, load_in_reach};

#[derive(Debug, Deserialize, ToSchema)]
pub struct CorrectionRequest {
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub break_minutes: Option<i32>,
    /// What is wrong.
    #[serde(default)]
    pub reason: String,
}

/// A correction with the current version of the record it is about. The recording
/// organisation's staff see it (`ReadActivities`) and resolve it (`RecordService`).
pub struct Correction {
    pub row: CorrectionRow,
    pub record: ServiceRecordRow,
}

impl InReach for Correction {
    const NAME: &'static str = "correction";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = db::records::find_correction(conn, id)? else {
            return Ok(None);
        };
        Ok(db::records::find_current(conn, row.record_key)?.map(|record| Self { row, record }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadActivities)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.record.org_path))
    }
}

/// Files a correction of one of the caller's own records.
pub fn request_correction(
    conn: &mut DbConn,
    user: &Principal,
    record_key: i64,
    req: CorrectionRequest,
    now: DateTime<Utc>,
) -> ApiResult<CorrectionRow> {
    if req.reason.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "say what is wrong",
        )]));
    }
    let OfVolunteer { item: record, .. } = load_in_reach::<OfVolunteer<ServiceRecordRow>>(
        conn,
        user,
        record_key,
        Access::Act(Action::RequestRecords),
    )?;
    let row = db::records::insert_correction(
        conn,
        &NewCorrection {
            record_key,
            volunteer_id: record.volunteer_id,
            requested_by: user.user_id,
            proposed_started_at: req.started_at.map(|t| t.naive_utc()),
            proposed_ended_at: req.ended_at.map(|t| t.naive_utc()),
            proposed_break_minutes: req.break_minutes,
            reason: req.reason.trim().to_string(),
        },
        now.naive_utc(),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            "service_record.correction_requested",
            "service_record",
        )
        .entity(record_key, &record.org_path),
    )?;
    Ok(row)
}

/// Marks a pending correction resolved, or answers 409 when it no longer is.
fn resolve(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    status: &str,
    note: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if !db::records::resolve_correction(conn, id, status, note, user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyResolved,
            "this correction is no longer pending",
        ));
    }
    Ok(())
}

/// Accepts a correction: the record gets a new version with the corrected times, measured by
/// the same minute rules and window as a verification; earlier versions stay.
pub fn accept_correction(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> ApiResult<ServiceRecordRow> {
    let Correction { row, record } =
        load_in_reach::<Correction>(conn, user, id, Access::Act(Action::RecordService))?;
    resolve(conn, user, id, "accepted", note.trim(), now)?;
    let assignment = db::assignments::find(conn, record.assignment_id)?
        .ok_or_else(|| ApiError::internal("assignment missing"))?;
    let activity = db::activities::find(conn, record.activity_id)?
        .ok_or_else(|| ApiError::internal("activity missing"))?;
    let claim = ServiceClaim {
        checked_in_at: row
            .proposed_started_at
            .unwrap_or(record.started_at)
            .and_utc(),
        checked_out_at: row.proposed_ended_at.unwrap_or(record.ended_at).and_utc(),
        break_minutes: row
            .proposed_break_minutes
            .unwrap_or(record.break_minutes)
            .max(0) as u32,
        travel_minutes: 0,
    };
    let recording = Recording::Correction {
        previous: &record,
        reason: format!("correction {id}: {}", row.reason),
    };
    let new = record_service(conn, user, &assignment, &activity, claim, recording, now)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "service_record.corrected", "service_record")
            .entity(record.record_key, &record.org_path)
            .detail(serde_json::json!({
                "correction_id": id,
                "from_minutes": record.minutes,
                "to_minutes": new.minutes,
                "version": new.version,
            })),
    )?;
    Ok(new)
}

/// Rejects a correction, with the reason.
pub fn reject_correction(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> ApiResult<CorrectionRow> {
    if note.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note", "required", "say why",
        )]));
    }
    let Correction { record, .. } =
        load_in_reach::<Correction>(conn, user, id, Access::Act(Action::RecordService))?;
    resolve(conn, user, id, "rejected", note.trim(), now)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "service_record.correction_rejected", "service_record")
            .entity(record.record_key, &record.org_path),
    )?;
    db::records::find_correction(conn, id)?.ok_or_else(|| ApiError::not_found("correction"))
}
