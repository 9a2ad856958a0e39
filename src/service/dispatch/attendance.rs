//! Daily attendance of multi-day activities: a team member is checked in and out per local
//! service day, by the organiser or (for a Spring Rain deployment) by the receiving side on
//! arrival. A rest day has no attendance. Verification (`service::records::daily`) turns the
//! days into one service record each; single-day activities keep their one check-in.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::assignments::AssignmentRow;
use crate::db::attendance::{AttendanceDayRow, MEMBER, NewAttendanceDay};
use crate::db::audit::AuditEntry;
use crate::db::{self, DbConn};
use crate::domain::activity::ActivityStatus;
use crate::domain::assignment::Schedule;
use crate::domain::attendance::{DayPresence, check_day, is_multi_day};
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::activities::receiving::receives;
use crate::service::reach::{Access, InReach, load_in_reach};

/// A team member: an assignment with its activity. The organiser's staff and the volunteer
/// see it as they see the assignment, the receiving side as it sees the deployment. Attendance
/// is taken by staff with `CheckInOut` in the organiser's subtree or on the receiving side;
/// never by the volunteer (presence is attested by someone else).
pub struct TeamMember {
    pub assignment: AssignmentRow,
    pub activity: ActivityRow,
}

impl InReach for TeamMember {
    const NAME: &'static str = "assignment";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(assignment) = db::assignments::find(conn, id)? else {
            return Ok(None);
        };
        let activity = db::activities::find(conn, assignment.activity_id)?
            .ok_or_else(|| ApiError::internal("activity missing"))?;
        Ok(Some(Self {
            assignment,
            activity,
        }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(self.assignment.visible_to(conn, user)? || receives(conn, user, &self.activity)?)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(match scope {
            Scope::OwnVolunteer(_) => false,
            other => other.contains(&self.assignment.org_path),
        })
    }

    fn reached_under(
        &self,
        conn: &mut DbConn,
        user: &Principal,
        action: Action,
    ) -> ApiResult<bool> {
        let Some(scope) = user.scope_for(action) else {
            return Ok(false);
        };
        Ok(self.reached_by(conn, user, &scope)?
            || (action == Action::CheckInOut && receives(conn, user, &self.activity)?))
    }
}

/// The schedule and time zone an activity's days are counted in.
pub fn days_of(activity: &ActivityRow) -> ApiResult<(Schedule, Tz)> {
    let tz: Tz = activity.time_zone.parse().map_err(|_| {
        ApiError::internal(format!(
            "activity {} has time zone {:?}",
            activity.id, activity.time_zone
        ))
    })?;
    let schedule = Schedule {
        starts_at: activity.starts_at.and_utc(),
        ends_at: activity.ends_at.and_utc(),
    };
    Ok((schedule, tz))
}

/// The 409 for a single-day activity, which keeps its one check-in and check-out.
pub fn single_day() -> ApiError {
    ApiError::conflict(
        ErrorCode::NotMultiDay,
        "this activity lies on one local day: check in and out once",
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    /// Arrival on the day (after any travel).
    pub checked_in_at: DateTime<Utc>,
    /// Departure on the same local day; absent while the member is still there.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Declared breaks, in minutes (never counted as service).
    #[serde(default)]
    pub break_minutes: i32,
    /// Travel to and from the site that day, in minutes: kept, never counted (HRS-01).
    #[serde(default)]
    pub travel_minutes: i32,
}

/// Records (or replaces) a member's attendance on `date`, a service day of a started
/// multi-day activity, at `now`.
pub fn record_attendance(
    conn: &mut DbConn,
    user: &Principal,
    assignment_id: i64,
    date: NaiveDate,
    req: AttendanceRequest,
    now: DateTime<Utc>,
) -> ApiResult<AttendanceDayRow> {
    let TeamMember {
        assignment,
        activity,
    } = load_in_reach::<TeamMember>(conn, user, assignment_id, Access::Act(Action::CheckInOut))?;
    let (schedule, tz) = days_of(&activity)?;
    if !is_multi_day(&schedule, tz) {
        return Err(single_day());
    }
    let presence = DayPresence {
        checked_in_at: req.checked_in_at,
        checked_out_at: req.checked_out_at,
        break_minutes: req.break_minutes,
        travel_minutes: req.travel_minutes,
    };
    let problems = check_day(&schedule, tz, date, &presence, now);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    if !matches!(
        activity.status,
        ActivityStatus::InProgress | ActivityStatus::Completed
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "attendance is taken once the activity has started",
        ));
    }
    if !MEMBER.contains(&assignment.status.as_str()) {
        return Err(ApiError::conflict(
            ErrorCode::NotTeamMember,
            "only a confirmed member of the team is checked in",
        ));
    }
    if assignment.verified_at.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyVerified,
            "this assignment's hours are verified already",
        ));
    }
    let row = db::attendance::upsert_day(
        conn,
        &NewAttendanceDay {
            assignment_id,
            service_date: date,
            checked_in_at: req.checked_in_at.naive_utc(),
            checked_out_at: req.checked_out_at.map(|t| t.naive_utc()),
            break_minutes: req.break_minutes,
            travel_minutes: req.travel_minutes,
            recorded_by: user.user_id,
            recorded_by_org: user.org_id,
            recorded_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "assignment.attendance", "assignment")
            .entity(assignment_id, &assignment.org_path)
            .detail(serde_json::json!({
                "date": date.to_string(),
                "checked_out": req.checked_out_at.is_some(),
            })),
    )?;
    Ok(row)
}

/// Every recorded day of the activity's team, for staff who see the activity (the organiser
/// and the receiving side).
pub fn activity_attendance(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
) -> ApiResult<Vec<AttendanceDayRow>> {
    let activity = load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Read)?;
    staff_only(user)?;
    let ids: Vec<i64> = db::attendance::members(conn, activity.id)?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    Ok(db::attendance::days_of(conn, &ids)?)
}

/// The team's views (roster, attendance, evaluations) are for staff: a volunteer reads its
/// own assignment, not its teammates'.
pub fn staff_only(user: &Principal) -> ApiResult<()> {
    match user.role {
        Role::Volunteer => Err(ApiError::forbidden(
            "the team's views are for the organiser and the receiving side",
        )),
        _ => Ok(()),
    }
}
