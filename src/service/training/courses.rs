//! Courses and their sessions: create, list, read.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::training::{CourseRow, NewCourseRow, NewSessionRow, SessionRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::calendar::check_dates;
use crate::domain::recruitment::RequiredSkill;
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::domain::training::CourseCategory;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach, organization_for};

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCourseRequest {
    /// Unique code, e.g. `ZJ-STORY-01`.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category: CourseCategory,
    pub minutes: i32,
    pub validity_months: Option<i32>,
    /// Owning organisation (default: the caller's).
    pub organization_id: Option<i64>,
    pub grants_skill: Option<RequiredSkill>,
}

fn check_course(req: &CreateCourseRequest, code: &str) -> ApiResult<()> {
    let mut problems = Vec::new();
    if code.is_empty() || code.len() > 40 {
        problems.push(FieldError::new(
            "code",
            "required",
            "a course code has 1–40 characters",
        ));
    }
    if req.title.trim().is_empty() {
        problems.push(FieldError::new("title", "required", "a title is required"));
    }
    if !(1..=100_000).contains(&req.minutes) {
        problems.push(FieldError::new(
            "minutes",
            "invalid_value",
            "a course lasts 1–100000 minutes",
        ));
    }
    if req.validity_months.is_some_and(|m| !(1..=240).contains(&m)) {
        problems.push(FieldError::new(
            "validity_months",
            "invalid_value",
            "validity is 1–240 months, or null for none",
        ));
    }
    if let Some(skill) = &req.grants_skill
        && (!reference::is_skill(&skill.code) || !reference::SKILL_LEVELS.contains(&skill.level))
    {
        problems.push(FieldError::new(
            "grants_skill",
            "unknown_skill",
            "a known skill with level 1–3",
        ));
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::validation(problems)),
    }
}

/// A new course of the caller's organisation (or one below); codes are unique, upper-case.
pub fn create_course(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateCourseRequest,
    now: DateTime<Utc>,
) -> ApiResult<CourseRow> {
    user.require(Action::ManageTraining)?;
    let code = req.code.trim().to_uppercase();
    check_course(&req, &code)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::ManageTraining)?;
    if db::training::find_course_by_code(conn, &code)?.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::CourseCodeTaken,
            "a course with this code exists",
        ));
    }
    let row = db::training::insert_course(
        conn,
        &NewCourseRow {
            code,
            title: req.title.trim().to_string(),
            description: req.description,
            category: req.category.as_str().to_string(),
            minutes: req.minutes,
            validity_months: req.validity_months,
            organization_id: org.id,
            org_path: org.path.clone(),
            grants_skill_code: req.grants_skill.as_ref().map(|s| s.code.clone()),
            grants_skill_level: req.grants_skill.as_ref().map(|s| i32::from(s.level)),
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "course.create", "course").entity(row.id, &row.org_path),
    )?;
    Ok(row)
}

/// Courses usable by the caller, by id, one page.
pub fn list_courses(
    conn: &mut DbConn,
    user: &Principal,
    category: Option<CourseCategory>,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<CourseRow>> {
    let reach = super::usable_by(user);
    let category = category.map(|c| c.as_str());
    Ok(db::training::list_courses(
        conn, &reach, category, after_id, limit,
    )?)
}

pub fn get_course(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<CourseRow> {
    load_in_reach::<CourseRow>(conn, user, id, Access::Read)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSessionRequest {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Default `Asia/Shanghai`.
    pub time_zone: Option<String>,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub place: String,
    pub capacity: i32,
    #[serde(default)]
    pub trainer: String,
    /// Organising organisation (default: the caller's).
    pub organization_id: Option<i64>,
}

/// The session's zone and region when the request is valid; every problem otherwise.
fn check_session(req: &CreateSessionRequest) -> ApiResult<(String, RegionCode)> {
    let out_of_calendar = check_dates([
        ("starts_at", Some(req.starts_at.date_naive())),
        ("ends_at", Some(req.ends_at.date_naive())),
    ]);
    if !out_of_calendar.is_empty() {
        return Err(ApiError::invalid(out_of_calendar));
    }
    let mut problems = Vec::new();
    if req.ends_at <= req.starts_at {
        problems.push(FieldError::new(
            "ends_at",
            "invalid_range",
            "a session ends after it starts",
        ));
    }
    let zone = req
        .time_zone
        .clone()
        .unwrap_or_else(|| "Asia/Shanghai".into());
    if zone.parse::<Tz>().is_err() {
        problems.push(FieldError::new(
            "time_zone",
            "unknown_time_zone",
            "an IANA zone such as Asia/Shanghai",
        ));
    }
    let region = RegionCode::parse(&req.region_code)
        .map_err(|e| problems.push(FieldError::new("region_code", e.code(), e.message())))
        .ok();
    if req.place.trim().is_empty() {
        problems.push(FieldError::new(
            "place",
            "required",
            "where does the session take place?",
        ));
    }
    if req.trainer.trim().is_empty() {
        problems.push(FieldError::new("trainer", "required", "who trains?"));
    }
    if !(1..=10_000).contains(&req.capacity) {
        problems.push(FieldError::new(
            "capacity",
            "invalid_value",
            "capacity is 1–10000",
        ));
    }
    match (region, problems.is_empty()) {
        (Some(region), true) => Ok((zone, region)),
        _ => Err(ApiError::validation(problems)),
    }
}

/// A new session of a course the caller can use, organised by its organisation (or one below).
pub fn create_session(
    conn: &mut DbConn,
    user: &Principal,
    course_id: i64,
    req: CreateSessionRequest,
    now: DateTime<Utc>,
) -> ApiResult<SessionRow> {
    user.require(Action::ManageTraining)?;
    let (zone, region) = check_session(&req)?;
    crate::registry::require_listed_region(conn, "region_code", region.as_str())?;
    load_in_reach::<CourseRow>(conn, user, course_id, Access::Read)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::ManageTraining)?;
    let row = db::training::insert_session(
        conn,
        &NewSessionRow {
            course_id,
            organization_id: org.id,
            org_path: org.path.clone(),
            starts_at: req.starts_at.naive_utc(),
            ends_at: req.ends_at.naive_utc(),
            time_zone: zone,
            region_code: region.as_str().to_string(),
            place: req.place.trim().to_string(),
            capacity: req.capacity,
            trainer: req.trainer.trim().to_string(),
            created_by: Some(user.user_id),
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "session.create", "session").entity(row.id, &row.org_path),
    )?;
    Ok(row)
}

/// The sessions of a course the caller can use, soonest first.
pub fn list_sessions(
    conn: &mut DbConn,
    user: &Principal,
    course_id: i64,
) -> ApiResult<Vec<SessionRow>> {
    load_in_reach::<CourseRow>(conn, user, course_id, Access::Read)?;
    Ok(db::training::sessions_of_course(
        conn,
        course_id,
        &super::usable_by(user),
    )?)
}

pub fn get_session(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<SessionRow> {
    load_in_reach::<SessionRow>(conn, user, id, Access::Read)
}
