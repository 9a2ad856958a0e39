//! Deployment teams: daily attendance of multi-day activities, team leaders, the receiving
//! side's evaluations, and the lookups the receiving side's reach needs.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{activities, assignments, attendance_days, team_evaluations, team_leaders};

/// Assignment statuses that make a volunteer a member of the team.
pub const MEMBER: [&str; 3] = ["confirmed", "checked_in", "completed"];

#[derive(Debug, Clone, Queryable)]
pub struct AttendanceDayRow {
    pub id: i64,
    pub assignment_id: i64,
    pub service_date: NaiveDate,
    pub checked_in_at: NaiveDateTime,
    pub checked_out_at: Option<NaiveDateTime>,
    pub break_minutes: i32,
    pub travel_minutes: i32,
    pub recorded_by: i64,
    pub recorded_by_org: i64,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = attendance_days, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct NewAttendanceDay {
    pub assignment_id: i64,
    pub service_date: NaiveDate,
    pub checked_in_at: NaiveDateTime,
    pub checked_out_at: Option<NaiveDateTime>,
    pub break_minutes: i32,
    pub travel_minutes: i32,
    pub recorded_by: i64,
    pub recorded_by_org: i64,
    pub recorded_at: NaiveDateTime,
}

/// Writes the attendance of one member on one day, replacing what was recorded before (the
/// check-out is usually added to the morning's check-in). Runs inside the caller's
/// transaction; the unique key settles a race between two recorders.
pub fn upsert_day(conn: &mut DbConn, row: &NewAttendanceDay) -> QueryResult<AttendanceDayRow> {
    let existing = attendance_days::table
        .filter(attendance_days::assignment_id.eq(row.assignment_id))
        .filter(attendance_days::service_date.eq(row.service_date))
        .select(attendance_days::id)
        .first::<i64>(conn)
        .optional()?;
    let id = match existing {
        Some(id) => {
            diesel::update(attendance_days::table.find(id))
                .set(row)
                .execute(conn)?;
            id
        }
        None => diesel::insert_into(attendance_days::table)
            .values(row)
            .returning(attendance_days::id)
            .get_result(conn)?,
    };
    attendance_days::table.find(id).first(conn)
}

/// The recorded days of these assignments, by assignment and date.
pub fn days_of(conn: &mut DbConn, assignment_ids: &[i64]) -> QueryResult<Vec<AttendanceDayRow>> {
    attendance_days::table
        .filter(attendance_days::assignment_id.eq_any(assignment_ids))
        .order((
            attendance_days::assignment_id,
            attendance_days::service_date,
        ))
        .load(conn)
}

/// The team of an activity: its confirmed (or checked-in, completed) assignments, by id.
pub fn members(conn: &mut DbConn, activity_id: i64) -> QueryResult<Vec<(i64, i64, String)>> {
    assignments::table
        .filter(assignments::activity_id.eq(activity_id))
        .filter(assignments::status.eq_any(MEMBER))
        .order(assignments::id)
        .select((
            assignments::id,
            assignments::volunteer_id,
            assignments::status,
        ))
        .load(conn)
}

/// The assignment leading the team of `activity_id`, if one is appointed.
pub fn leader_of(conn: &mut DbConn, activity_id: i64) -> QueryResult<Option<i64>> {
    team_leaders::table
        .find(activity_id)
        .select(team_leaders::assignment_id)
        .first(conn)
        .optional()
}

/// Appoints `assignment_id` to lead the team, replacing any earlier leader (one per team).
pub fn set_leader(
    conn: &mut DbConn,
    activity_id: i64,
    assignment_id: i64,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(team_leaders::table.find(activity_id)).execute(conn)?;
    diesel::insert_into(team_leaders::table)
        .values((
            team_leaders::activity_id.eq(activity_id),
            team_leaders::assignment_id.eq(assignment_id),
            team_leaders::appointed_by.eq(by),
            team_leaders::appointed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct TeamEvaluationRow {
    pub id: i64,
    pub activity_id: i64,
    pub author_user_id: i64,
    pub organization_id: i64,
    pub body: String,
    pub rating: Option<i32>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = team_evaluations, treat_none_as_default_value = false)]
pub struct NewTeamEvaluation {
    pub activity_id: i64,
    pub author_user_id: i64,
    pub organization_id: i64,
    pub body: String,
    pub rating: Option<i32>,
    pub created_at: NaiveDateTime,
}

pub fn insert_evaluation(
    conn: &mut DbConn,
    row: &NewTeamEvaluation,
) -> QueryResult<TeamEvaluationRow> {
    let id: i64 = diesel::insert_into(team_evaluations::table)
        .values(row)
        .returning(team_evaluations::id)
        .get_result(conn)?;
    team_evaluations::table.find(id).first(conn)
}

pub fn evaluations_of(conn: &mut DbConn, activity_id: i64) -> QueryResult<Vec<TeamEvaluationRow>> {
    team_evaluations::table
        .filter(team_evaluations::activity_id.eq(activity_id))
        .order(team_evaluations::id)
        .load(conn)
}

/// Ids of the Spring Rain deployments (beyond drafts) whose site lies in the province with
/// this two-digit prefix: what its receiving side sees.
pub fn deployments_received_in(conn: &mut DbConn, province_prefix: &str) -> QueryResult<Vec<i64>> {
    activities::table
        .filter(activities::programme.eq("spring_rain"))
        .filter(activities::region_code.like(format!("{province_prefix}%")))
        .filter(activities::status.ne("draft"))
        .select(activities::id)
        .load(conn)
}

/// Marks a team member's assignment completed and verified at `at` once its days are
/// verified; `false` if it was verified already (or is no longer a member).
pub fn mark_days_verified(
    conn: &mut DbConn,
    id: i64,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        assignments::table
            .filter(assignments::id.eq(id))
            .filter(assignments::status.eq_any(MEMBER))
            .filter(assignments::verified_at.is_null()),
    )
    .set((
        assignments::status.eq("completed"),
        assignments::verified_at.eq(at),
        assignments::verified_by.eq(by),
        assignments::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
