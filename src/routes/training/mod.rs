//! `/api/v1/courses`, `/sessions`, `/enrollments`, training certificates: training before
//! specialised service (ACT-05). Courses and sessions (`courses`), enrolments and results
//! (`enrolments`), certificates (`certificates`); the use cases are `service::training`, this
//! folder holds the HTTP shapes.

pub mod certificates;
pub mod courses;
pub mod enrolments;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::training::{CourseRow, EnrollmentRow, SessionRow};
use crate::domain::recruitment::RequiredSkill;
use crate::domain::training::CourseCategory;

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseResponse {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub category: CourseCategory,
    /// Length of the course in minutes.
    pub minutes: i32,
    /// How long a pass counts; `null` = never expires.
    pub validity_months: Option<i32>,
    pub organization_id: i64,
    /// A skill a pass grants, with its level.
    pub grants_skill: Option<RequiredSkill>,
}

impl From<CourseRow> for CourseResponse {
    fn from(c: CourseRow) -> Self {
        Self {
            category: c.category,
            grants_skill: c.grants_skill_code.map(|code| RequiredSkill {
                code,
                level: c.grants_skill_level.unwrap_or(1) as u8,
            }),
            id: c.id,
            code: c.code,
            title: c.title,
            description: c.description,
            minutes: c.minutes,
            validity_months: c.validity_months,
            organization_id: c.organization_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: i64,
    pub course_id: i64,
    pub organization_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// IANA zone of the place, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    pub region_code: String,
    pub place: String,
    pub capacity: i32,
    pub enrolled: i32,
    pub seats_left: i32,
    pub trainer: String,
}

impl From<SessionRow> for SessionResponse {
    fn from(s: SessionRow) -> Self {
        Self {
            seats_left: s.capacity - s.enrolled_count,
            id: s.id,
            course_id: s.course_id,
            organization_id: s.organization_id,
            starts_at: s.starts_at.and_utc(),
            ends_at: s.ends_at.and_utc(),
            time_zone: s.time_zone,
            region_code: s.region_code,
            place: s.place,
            capacity: s.capacity,
            enrolled: s.enrolled_count,
            trainer: s.trainer,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentResponse {
    pub id: i64,
    pub session_id: i64,
    pub volunteer_id: i64,
    /// `enrolled`, `passed`, `failed` or `no_show`.
    pub status: String,
    pub score: Option<i32>,
    pub enrolled_at: DateTime<Utc>,
    pub result_recorded_at: Option<DateTime<Utc>>,
}

impl From<EnrollmentRow> for EnrollmentResponse {
    fn from(e: EnrollmentRow) -> Self {
        Self {
            id: e.id,
            session_id: e.session_id,
            volunteer_id: e.volunteer_id,
            status: e.status,
            score: e.score,
            enrolled_at: e.enrolled_at.and_utc(),
            result_recorded_at: e.result_recorded_at.map(|t| t.and_utc()),
        }
    }
}
