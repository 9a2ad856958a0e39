//! Service records: the one place where served minutes are measured and a record version is
//! written, for a first verification and for an accepted correction alike. Corrections,
//! stars and record certificates are the use cases built on them, one file each.

pub mod certificates;
pub mod corrections;
pub mod daily;
pub mod objections;
pub mod stars;

use chrono::{DateTime, Utc};

use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::assignments::AssignmentRow;
use crate::db::audit::AuditEntry;
use crate::db::records::{NewServiceRecord, ServiceRecordRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::assignment::{Actor, Schedule};
use crate::domain::service_record::{RecordError, RecordedService, ServiceClaim, served_minutes};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::registry::reach::{OfVolunteer, VolunteerPart};
use crate::service::dispatch::load_as_party;
use crate::service::reach::{Access, load_in_reach};

/// A record is found by its stable key (its current version) and reached as its volunteer is.
impl VolunteerPart for ServiceRecordRow {
    const NAME: &'static str = "service record";

    fn find(conn: &mut DbConn, record_key: i64) -> ApiResult<Option<Self>> {
        Ok(db::records::find_current(conn, record_key)?)
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}

/// A volunteer's current service records (the latest version of each).
pub fn current_records(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<ServiceRecordRow>> {
    let v = load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    crate::registry::minor_reads::audit(conn, user, [&v], "service_records", today)?;
    Ok(db::records::current_of_volunteer(conn, volunteer_id)?)
}

/// Every version of one record, oldest first (the audit trail of corrections).
pub fn record_versions(
    conn: &mut DbConn,
    user: &Principal,
    record_key: i64,
) -> ApiResult<Vec<ServiceRecordRow>> {
    load_in_reach::<OfVolunteer<ServiceRecordRow>>(conn, user, record_key, Access::Read)?;
    Ok(db::records::versions_of(conn, record_key)?)
}

/// Verifies a completed assignment's hours into its first service record (HRS-03: the
/// organising organisation, never the volunteer themself).
pub fn verify_assignment(
    conn: &mut DbConn,
    user: &Principal,
    assignment_id: i64,
    content: String,
    now: DateTime<Utc>,
) -> ApiResult<ServiceRecordRow> {
    // A volunteer sees its own assignment but may not verify it; staff must reach it for
    // `RecordService`.
    let (a, who) = load_as_party(conn, user, assignment_id, Action::RecordService)?;
    if who == Actor::Volunteer {
        return Err(
            ApiError::forbidden("HRS-03: a volunteer cannot verify their own hours")
                .with_code(ErrorCode::Hrs03),
        );
    }
    let (Some(checked_in), Some(checked_out)) = (a.checked_in_at, a.checked_out_at) else {
        return Err(ApiError::conflict(
            ErrorCode::NotCompleted,
            "only a checked-out assignment can be verified",
        ));
    };
    if !db::assignments::mark_verified(conn, assignment_id, user.user_id)? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyVerified,
            "this assignment's hours are verified already",
        ));
    }
    let activity = db::activities::find(conn, a.activity_id)?
        .ok_or_else(|| ApiError::internal("activity missing"))?;
    let claim = ServiceClaim::scheduled_presence(
        checked_in.and_utc(),
        checked_out.and_utc(),
        a.break_minutes as u32,
        &window_of(&a),
    );
    let recording = Recording::First { content };
    let record = record_service(conn, user, &a, &activity, claim, recording, now)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "service_record.create", "service_record")
            .entity(record.record_key, &activity.org_path)
            .detail(
                serde_json::json!({ "assignment_id": assignment_id, "minutes": record.minutes }),
            ),
    )?;
    Ok(record)
}

/// The window every record is measured against (HRS-02): the assignment's scheduled shift,
/// which lies inside its activity's period. Verification and corrections use the same one, so
/// the same presence always yields the same minutes.
pub fn window_of(assignment: &AssignmentRow) -> Schedule {
    Schedule {
        starts_at: assignment.starts_at.and_utc(),
        ends_at: assignment.ends_at.and_utc(),
    }
}

/// What is being recorded: the first record of an assignment, or a new version of one.
pub enum Recording<'a> {
    First {
        content: String,
    },
    Correction {
        previous: &'a ServiceRecordRow,
        reason: String,
    },
}

/// Measures `claim` with the minute rules (HRS-01, HRS-02) against the assignment's window and
/// the volunteer's other current records, and writes it: version 1 of a new record, or the
/// next version of a corrected one (HRS-05: earlier versions stay).
pub fn record_service(
    conn: &mut DbConn,
    recorder: &Principal,
    assignment: &AssignmentRow,
    activity: &ActivityRow,
    claim: ServiceClaim,
    recording: Recording<'_>,
    now: DateTime<Utc>,
) -> ApiResult<ServiceRecordRow> {
    let tz: chrono_tz::Tz = activity.time_zone.parse().map_err(|_| {
        ApiError::internal(format!(
            "activity {} has time zone {:?}",
            activity.id, activity.time_zone
        ))
    })?;
    let except = match &recording {
        Recording::First { .. } => None,
        Recording::Correction { previous, .. } => Some(previous.record_key),
    };
    let others = recorded_services(conn, assignment.volunteer_id, except)?;
    let minutes = served_minutes(&claim, &window_of(assignment), tz, &others).map_err(refusal)?;
    let row = NewServiceRecord {
        record_key: 0,
        version: 1,
        is_current: true,
        assignment_id: assignment.id,
        volunteer_id: assignment.volunteer_id,
        activity_id: activity.id,
        organization_id: activity.organization_id,
        org_path: activity.org_path.clone(),
        activity_title: activity.title.clone(),
        region_code: activity.region_code.clone(),
        service_date: crate::domain::training::local_date(claim.checked_in_at, tz),
        started_at: claim.checked_in_at.naive_utc(),
        ended_at: claim.checked_out_at.naive_utc(),
        break_minutes: claim.break_minutes as i32,
        minutes: minutes as i32,
        content: String::new(),
        recorder_user_id: Some(recorder.user_id),
        recorded_at: now.naive_utc(),
        change_reason: None,
    };
    let written = match recording {
        Recording::First { content } => db::records::insert_first(
            conn,
            NewServiceRecord {
                content: if content.trim().is_empty() {
                    activity.title.clone()
                } else {
                    content.trim().to_string()
                },
                ..row
            },
        )?,
        Recording::Correction { previous, reason } => db::records::insert_version(
            conn,
            previous,
            NewServiceRecord {
                record_key: previous.record_key,
                version: previous.version + 1,
                // A record keeps the title and organisation it was first written under.
                organization_id: previous.organization_id,
                org_path: previous.org_path.clone(),
                activity_title: previous.activity_title.clone(),
                region_code: previous.region_code.clone(),
                content: previous.content.clone(),
                change_reason: Some(reason),
                ..row
            },
        )?,
    };
    Ok(written)
}

/// The volunteer's current records as the minute rules see them, except `except_key`.
pub fn recorded_services(
    conn: &mut DbConn,
    volunteer_id: i64,
    except_key: Option<i64>,
) -> ApiResult<Vec<RecordedService>> {
    Ok(db::records::current_of_volunteer(conn, volunteer_id)?
        .into_iter()
        .filter(|r| Some(r.record_key) != except_key)
        .map(|r| RecordedService {
            record_id: r.record_key,
            checked_in_at: r.started_at.and_utc(),
            checked_out_at: r.ended_at.and_utc(),
            minutes: r.minutes as u32,
        })
        .collect())
}

/// A broken minute rule as the 422 the client sees, explained for people.
fn refusal(e: RecordError) -> ApiError {
    let detail = match e {
        RecordError::NegativeDuration => {
            "HRS-02: check-out is before check-in, or the breaks are longer than the time present"
                .to_string()
        }
        RecordError::NoServiceTime => {
            "HRS-01: no service time is left after the breaks".to_string()
        }
        RecordError::OutsideSchedule => {
            "HRS-02: the times lie outside the assignment's scheduled shift".to_string()
        }
        RecordError::OverlapsRecord { record_id } => {
            format!("HRS-02: the times overlap the volunteer's service record {record_id}")
        }
        RecordError::DailyLimitExceeded { day, minutes } => format!(
            "HRS-02: the volunteer would have {minutes} minutes of service on {day}; at most 1440 a day"
        ),
    };
    ApiError::rule(ErrorCode::of(e.code()), detail)
}
