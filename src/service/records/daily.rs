//! Verification of a multi-day assignment: one service record per day of attendance, each
//! measured by the same minute rules as any record (HRS-01, HRS-02) against that day's share of
//! the schedule, so no record passes 1,440 minutes. Only the organising side verifies (HRS-03):
//! the assignment is loaded through the organiser's guard, which the receiving side does not
//! pass (it sees the deployment, not the assignment), so it gets 404.

use chrono::{DateTime, Utc};

use super::{Recording, record_service};
use crate::auth::policy::{Action, Principal};
use crate::db::audit::AuditEntry;
use crate::db::records::ServiceRecordRow;
use crate::db::{self, DbConn};
use crate::domain::assignment::Actor;
use crate::domain::attendance::{day_claim, is_multi_day};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::dispatch::attendance::{days_of, single_day};
use crate::service::dispatch::load_as_party;

/// Verifies every recorded day of a multi-day assignment into its own service record, once
/// the activity is completed and each day is checked out. A rest day has no record. The
/// assignment is then completed: its days stand in for the one check-in and check-out.
pub fn verify_days(
    conn: &mut DbConn,
    user: &Principal,
    assignment_id: i64,
    content: String,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ServiceRecordRow>> {
    let (a, who) = load_as_party(conn, user, assignment_id, Action::RecordService)?;
    if who == Actor::Volunteer {
        return Err(
            ApiError::forbidden("HRS-03: a volunteer cannot verify their own hours")
                .with_code(ErrorCode::Hrs03),
        );
    }
    let activity = db::activities::find(conn, a.activity_id)?
        .ok_or_else(|| ApiError::internal("activity missing"))?;
    let (schedule, tz) = days_of(&activity)?;
    if !is_multi_day(&schedule, tz) {
        return Err(single_day());
    }
    if activity.status != crate::domain::activity::ActivityStatus::Completed {
        return Err(ApiError::conflict(
            ErrorCode::NotCompleted,
            "a multi-day assignment is verified once the activity is completed",
        ));
    }
    let days = db::attendance::days_of(conn, &[a.id])?;
    if days.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::NoAttendance,
            "no day of attendance is recorded for this assignment",
        ));
    }
    if let Some(open) = days.iter().find(|d| d.checked_out_at.is_none()) {
        return Err(ApiError::conflict(
            ErrorCode::NotCompleted,
            format!("{} has a check-in without a check-out", open.service_date),
        ));
    }
    if !db::attendance::mark_days_verified(conn, a.id, user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyVerified,
            "this assignment's hours are verified already",
        ));
    }
    let mut records = Vec::with_capacity(days.len());
    for day in days {
        let checked_out = day.checked_out_at.unwrap_or(day.checked_in_at);
        let claim = day_claim(
            &schedule,
            tz,
            day.service_date,
            day.checked_in_at.and_utc(),
            checked_out.and_utc(),
            day.break_minutes.max(0) as u32,
            day.travel_minutes.max(0) as u32,
        );
        let recording = Recording::First {
            content: content.clone(),
        };
        let record = record_service(conn, user, &a, &activity, claim, recording, now)?;
        db::audit::record(
            conn,
            AuditEntry::by(user, "service_record.create", "service_record")
                .entity(record.record_key, &activity.org_path)
                .detail(serde_json::json!({
                    "assignment_id": a.id,
                    "service_date": day.service_date.to_string(),
                    "minutes": record.minutes,
                })),
        )?;
        records.push(record);
    }
    Ok(records)
}
