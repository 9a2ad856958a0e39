//! Courses, training sessions, enrolments and training certificates.

use crate::domain::training::CourseCategory;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    courses, enrollments, training_certificates, training_sessions, volunteer_skills, volunteers,
};
use super::{DbConn, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct CourseRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub category: CourseCategory,
    pub minutes: i32,
    pub validity_months: Option<i32>,
    pub organization_id: i64,
    pub org_path: String,
    pub grants_skill_code: Option<String>,
    pub grants_skill_level: Option<i32>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = courses)]
pub struct NewCourseRow {
    pub code: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub minutes: i32,
    pub validity_months: Option<i32>,
    pub organization_id: i64,
    pub org_path: String,
    pub grants_skill_code: Option<String>,
    pub grants_skill_level: Option<i32>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct SessionRow {
    pub id: i64,
    pub course_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub region_code: String,
    pub place: String,
    pub capacity: i32,
    pub enrolled_count: i32,
    pub trainer: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_sessions)]
pub struct NewSessionRow {
    pub course_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub region_code: String,
    pub place: String,
    pub capacity: i32,
    pub trainer: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct EnrollmentRow {
    pub id: i64,
    pub session_id: i64,
    pub volunteer_id: i64,
    pub status: String,
    pub score: Option<i32>,
    pub enrolled_at: NaiveDateTime,
    pub enrolled_by: Option<i64>,
    pub result_recorded_at: Option<NaiveDateTime>,
    pub recorded_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable)]
pub struct CertificateRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub course_id: i64,
    pub session_id: i64,
    pub enrollment_id: i64,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    pub revoked_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Where a caller may look for courses and sessions: its subtree and the organisations above
/// it (a provincial session or a national course is usable below).
#[derive(Debug, Default, Clone)]
pub struct Reach {
    /// `None` = everywhere.
    pub subtree: Option<String>,
    pub ancestors: Vec<String>,
}

pub fn insert_course(conn: &mut DbConn, row: &NewCourseRow) -> QueryResult<CourseRow> {
    let id: i64 = diesel::insert_into(courses::table)
        .values(row)
        .returning(courses::id)
        .get_result(conn)?;
    courses::table.find(id).first(conn)
}

pub fn find_course(conn: &mut DbConn, id: i64) -> QueryResult<Option<CourseRow>> {
    courses::table.find(id).first(conn).optional()
}

pub fn find_course_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<CourseRow>> {
    courses::table
        .filter(courses::code.eq(code))
        .first(conn)
        .optional()
}

pub fn list_courses(
    conn: &mut DbConn,
    reach: &Reach,
    category: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<CourseRow>> {
    let mut q = courses::table.into_boxed();
    if let Some(path) = &reach.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            courses::org_path
                .ge(lo)
                .and(courses::org_path.lt(hi))
                .or(courses::org_path.eq_any(reach.ancestors.clone())),
        );
    }
    if let Some(c) = category {
        q = q.filter(courses::category.eq(c.to_string()));
    }
    if let Some(after) = after_id {
        q = q.filter(courses::id.gt(after));
    }
    q.order(courses::id).limit(limit + 1).load(conn)
}

pub fn insert_session(conn: &mut DbConn, row: &NewSessionRow) -> QueryResult<SessionRow> {
    let id: i64 = diesel::insert_into(training_sessions::table)
        .values(row)
        .returning(training_sessions::id)
        .get_result(conn)?;
    training_sessions::table.find(id).first(conn)
}

pub fn find_session(conn: &mut DbConn, id: i64) -> QueryResult<Option<SessionRow>> {
    training_sessions::table.find(id).first(conn).optional()
}

pub fn sessions_of_course(
    conn: &mut DbConn,
    course_id: i64,
    reach: &Reach,
) -> QueryResult<Vec<SessionRow>> {
    let mut q = training_sessions::table
        .filter(training_sessions::course_id.eq(course_id))
        .into_boxed();
    if let Some(path) = &reach.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            training_sessions::org_path
                .ge(lo)
                .and(training_sessions::org_path.lt(hi))
                .or(training_sessions::org_path.eq_any(reach.ancestors.clone())),
        );
    }
    q.order(training_sessions::starts_at).load(conn)
}

/// Takes a seat, write-first: never more enrolments than the capacity, even concurrently.
pub fn take_seat(conn: &mut DbConn, session_id: i64) -> QueryResult<bool> {
    let taken = diesel::update(
        training_sessions::table
            .filter(training_sessions::id.eq(session_id))
            .filter(training_sessions::enrolled_count.lt(training_sessions::capacity)),
    )
    .set(training_sessions::enrolled_count.eq(training_sessions::enrolled_count + 1))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Locks the volunteer's row for the rest of the transaction (a no-op write): the portable
/// stand-in for `SELECT … FOR UPDATE`, serialising per-volunteer checks such as overlaps.
pub fn lock_volunteer(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(volunteer_id))
        .set(volunteers::version.eq(volunteers::version))
        .execute(conn)
}

pub fn is_enrolled(conn: &mut DbConn, session_id: i64, volunteer_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        enrollments::table
            .filter(enrollments::session_id.eq(session_id))
            .filter(enrollments::volunteer_id.eq(volunteer_id)),
    ))
    .get_result(conn)
}

/// The sessions (id, start, end) of the volunteer's live enrolments that touch or overlap
/// `[starts, ends]`: the candidates eligibility judges for overlap.
pub fn live_enrolments_near(
    conn: &mut DbConn,
    volunteer_id: i64,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) -> QueryResult<Vec<(i64, NaiveDateTime, NaiveDateTime)>> {
    enrollments::table
        .inner_join(training_sessions::table)
        .filter(enrollments::volunteer_id.eq(volunteer_id))
        .filter(enrollments::status.eq("enrolled"))
        .filter(training_sessions::starts_at.le(ends))
        .filter(training_sessions::ends_at.ge(starts))
        .select((
            training_sessions::id,
            training_sessions::starts_at,
            training_sessions::ends_at,
        ))
        .load(conn)
}

pub fn insert_enrollment(
    conn: &mut DbConn,
    session_id: i64,
    volunteer_id: i64,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<EnrollmentRow> {
    let id: i64 = diesel::insert_into(enrollments::table)
        .values((
            enrollments::session_id.eq(session_id),
            enrollments::volunteer_id.eq(volunteer_id),
            enrollments::status.eq("enrolled"),
            enrollments::enrolled_at.eq(at),
            enrollments::enrolled_by.eq(by),
        ))
        .returning(enrollments::id)
        .get_result(conn)?;
    enrollments::table.find(id).first(conn)
}

pub fn find_enrollment(conn: &mut DbConn, id: i64) -> QueryResult<Option<EnrollmentRow>> {
    enrollments::table.find(id).first(conn).optional()
}

pub fn enrollments_of_session(
    conn: &mut DbConn,
    session_id: i64,
) -> QueryResult<Vec<EnrollmentRow>> {
    enrollments::table
        .filter(enrollments::session_id.eq(session_id))
        .order(enrollments::id)
        .load(conn)
}

/// Records the result of a still-`enrolled` enrolment; `false` if it already has one.
pub fn record_result(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    score: Option<i32>,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        enrollments::table
            .filter(enrollments::id.eq(id))
            .filter(enrollments::status.eq("enrolled")),
    )
    .set((
        enrollments::status.eq(status),
        enrollments::score.eq(score),
        enrollments::result_recorded_at.eq(at),
        enrollments::recorded_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn insert_certificate(
    conn: &mut DbConn,
    enrollment: &EnrollmentRow,
    course_id: i64,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    at: NaiveDateTime,
) -> QueryResult<CertificateRow> {
    let id: i64 = diesel::insert_into(training_certificates::table)
        .values((
            training_certificates::volunteer_id.eq(enrollment.volunteer_id),
            training_certificates::course_id.eq(course_id),
            training_certificates::session_id.eq(enrollment.session_id),
            training_certificates::enrollment_id.eq(enrollment.id),
            training_certificates::issued_on.eq(issued_on),
            training_certificates::expires_on.eq(expires_on),
            training_certificates::created_at.eq(at),
        ))
        .returning(training_certificates::id)
        .get_result(conn)?;
    training_certificates::table.find(id).first(conn)
}

/// A volunteer's certificates with their courses, oldest first.
pub fn certificates_of(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<(CertificateRow, CourseRow)>> {
    training_certificates::table
        .inner_join(courses::table)
        .filter(training_certificates::volunteer_id.eq(volunteer_id))
        .order(training_certificates::id)
        .load(conn)
}

pub fn find_certificate(conn: &mut DbConn, id: i64) -> QueryResult<Option<CertificateRow>> {
    training_certificates::table.find(id).first(conn).optional()
}

pub fn revoke_certificate(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        training_certificates::table
            .filter(training_certificates::id.eq(id))
            .filter(training_certificates::revoked_at.is_null()),
    )
    .set((
        training_certificates::revoked_at.eq(at),
        training_certificates::revoked_reason.eq(reason),
        training_certificates::revoked_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Certificates (not revoked) expiring in `[from, to]`, with their courses.
pub fn expiring_between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(CertificateRow, CourseRow)>> {
    training_certificates::table
        .inner_join(courses::table)
        .filter(training_certificates::revoked_at.is_null())
        .filter(training_certificates::expires_on.ge(from))
        .filter(training_certificates::expires_on.le(to))
        .load(conn)
}

/// Grants a skill at `level`, keeping a higher level the volunteer already has.
pub fn grant_skill(
    conn: &mut DbConn,
    volunteer_id: i64,
    code: &str,
    level: i32,
) -> QueryResult<()> {
    let current: Option<i32> = volunteer_skills::table
        .filter(volunteer_skills::volunteer_id.eq(volunteer_id))
        .filter(volunteer_skills::skill_code.eq(code))
        .select(volunteer_skills::level)
        .first(conn)
        .optional()?;
    match current {
        Some(have) if have >= level => {}
        Some(_) => {
            diesel::update(
                volunteer_skills::table
                    .filter(volunteer_skills::volunteer_id.eq(volunteer_id))
                    .filter(volunteer_skills::skill_code.eq(code)),
            )
            .set(volunteer_skills::level.eq(level))
            .execute(conn)?;
        }
        None => {
            diesel::insert_into(volunteer_skills::table)
                .values((
                    volunteer_skills::volunteer_id.eq(volunteer_id),
                    volunteer_skills::skill_code.eq(code),
                    volunteer_skills::level.eq(level),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
