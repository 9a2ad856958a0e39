//! `/api/v1/courses`, `/sessions`, `/enrollments`, training certificates: training before
//! specialised service (ACT-05), with capacity and overlap guarded under concurrency.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::{Action, Principal};
use crate::db::notifications::{Notice, Recipient};
use crate::db::training::{
    CertificateRow, CourseRow, EnrollmentRow, NewCourseRow, NewSessionRow, Reach, SessionRow,
};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::domain::training::{CourseCategory, TrainingCertificate, expiry_date};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry::reach::status_of;
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, day_of};
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::reach::{Access, load_in_reach};
use crate::state::AppState;

/// Where the caller may find courses and sessions: their subtree and everything above it.
fn reach(user: &Principal) -> Reach {
    match user.scope_for(Action::ManageTraining) {
        Some(scope) if scope.org_path_prefix().is_none() => Reach::default(),
        _ => Reach {
            subtree: Some(user.org_path.clone()),
            ancestors: user.ancestor_paths(),
        },
    }
}

fn within_reach(user: &Principal, path: &str) -> bool {
    let r = reach(user);
    match &r.subtree {
        None => true,
        Some(root) => path.starts_with(root.as_str()) || r.ancestors.iter().any(|a| a == path),
    }
}

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
    pub grants_skill: Option<crate::domain::recruitment::RequiredSkill>,
}

impl From<CourseRow> for CourseResponse {
    fn from(c: CourseRow) -> Self {
        Self {
            category: CourseCategory::parse(&c.category).unwrap_or(CourseCategory::Skill),
            grants_skill: c.grants_skill_code.map(|code| {
                crate::domain::recruitment::RequiredSkill {
                    code,
                    level: c.grants_skill_level.unwrap_or(1) as u8,
                }
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
    pub grants_skill: Option<crate::domain::recruitment::RequiredSkill>,
}

/// Create a course.
#[utoipa::path(tag = "training", request_body = CreateCourseRequest, responses((status = 201, body = CourseResponse), (status = 409, description = "Code taken", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ManageTraining)?;
    let req = body.into_inner();
    let mut problems = Vec::new();
    let code = req.code.trim().to_uppercase();
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
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let row = crate::service::write(&state.pool, move |c| {
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        if db::training::find_course_by_code(c, &code)?.is_some() {
            return Err(ApiError::conflict(
                "course_code_taken",
                "a course with this code exists",
            ));
        }
        let row = db::training::insert_course(
            c,
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
                created_at: db::now(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "course.create", "course").entity(row.id, &row.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/courses/{}", row.id)))
        .json(CourseResponse::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseFilters {
    pub category: Option<CourseCategory>,
}

/// Courses usable by the caller: its subtree's and those of the organisations above it
/// (national courses are usable everywhere).
#[utoipa::path(tag = "training", params(CourseFilters, PageParams), responses((status = 200, body = Page<CourseResponse>)))]
#[get("/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<CourseFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let reach = reach(&user);
    let category = filters.category.map(|c| c.as_str());
    let rows = crate::service::run(&state.pool, move |c| {
        Ok(db::training::list_courses(
            c,
            &reach,
            category,
            window.after_id,
            window.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        CourseResponse::from,
    )))
}

fn visible_course(conn: &mut DbConn, user: &Principal, id: i64) -> Result<CourseRow, ApiError> {
    db::training::find_course(conn, id)?
        .filter(|c| within_reach(user, &c.org_path))
        .ok_or_else(|| ApiError::not_found("course"))
}

/// Read one course.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = CourseResponse)))]
#[get("/courses/{id}")]
pub async fn get_course(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::run(&state.pool, move |c| visible_course(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(CourseResponse::from(row)))
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

/// Schedule a session of a course.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), request_body = CreateSessionRequest, responses((status = 201, body = SessionResponse)))]
#[post("/courses/{id}/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<CreateSessionRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ManageTraining)?;
    let course_id = id.into_inner();
    let req = body.into_inner();
    bounded_dates([
        ("starts_at", day_of(Some(req.starts_at))),
        ("ends_at", day_of(Some(req.ends_at))),
    ])?;
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
    let (Some(region), true) = (region, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let row = crate::service::write(&state.pool, move |c| {
        visible_course(c, &user, course_id)?;
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let row = db::training::insert_session(
            c,
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
                created_at: db::now(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "session.create", "session").entity(row.id, &row.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/sessions/{}", row.id)))
        .json(SessionResponse::from(row)))
}

/// Sessions of a course within the caller's reach, soonest first.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<SessionResponse>)))]
#[get("/courses/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let course_id = id.into_inner();
    let rows = crate::service::run(&state.pool, move |c| {
        visible_course(c, &user, course_id)?;
        Ok(db::training::sessions_of_course(
            c,
            course_id,
            &reach(&user),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(SessionResponse::from)
            .collect::<Vec<_>>(),
    ))
}

fn visible_session(conn: &mut DbConn, user: &Principal, id: i64) -> Result<SessionRow, ApiError> {
    db::training::find_session(conn, id)?
        .filter(|s| within_reach(user, &s.org_path))
        .ok_or_else(|| ApiError::not_found("session"))
}

/// Read one session.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = SessionResponse)))]
#[get("/sessions/{id}")]
pub async fn get_session(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::run(&state.pool, move |c| visible_session(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(SessionResponse::from(row)))
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

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EnrollRequest {
    /// The volunteer to enrol (coordinators); a volunteer enrols themself with no body.
    pub volunteer_id: Option<i64>,
}

/// Enrol a volunteer in a session. Capacity is never exceeded and a volunteer is never in
/// two overlapping sessions, also under concurrent requests.
#[utoipa::path(
    tag = "training",
    params(("id" = i64, Path)),
    request_body = EnrollRequest,
    responses(
        (status = 201, body = EnrollmentResponse),
        (status = 409, description = "`session_full`, `overlap`, `already_enrolled` or `session_started`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/enrollments")]
pub async fn enroll(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<EnrollRequest>>,
) -> ApiResult<HttpResponse> {
    let session_id = id.into_inner();
    let volunteer_id = body
        .and_then(|b| b.into_inner().volunteer_id)
        .or(user.volunteer_id);
    let Some(volunteer_id) = volunteer_id else {
        return Err(ApiError::validation(vec![FieldError::new(
            "volunteer_id",
            "required",
            "whom to enrol?",
        )]));
    };
    let row = crate::service::write(&state.pool, move |c| {
        let session = visible_session(c, &user, session_id)?;
        let volunteer = load_in_reach::<VolunteerRow>(
            c,
            &user,
            volunteer_id,
            Access::Act(Action::EnrolVolunteers),
        )?;
        if status_of(&volunteer) != VolunteerStatus::Active {
            return Err(ApiError::rule(
                "status_not_active",
                "only active volunteers can be enrolled",
            ));
        }
        if session.starts_at <= db::now() {
            return Err(ApiError::conflict(
                "session_started",
                "this session has already started",
            ));
        }
        // Write first: the seat, then the volunteer's row lock, then the overlap check.
        if !db::training::take_seat(c, session_id)? {
            return Err(ApiError::conflict(
                "session_full",
                "every seat in this session is taken",
            ));
        }
        db::training::lock_volunteer(c, volunteer_id)?;
        if db::training::is_enrolled(c, session_id, volunteer_id)? {
            return Err(ApiError::conflict(
                "already_enrolled",
                "the volunteer is enrolled in this session already",
            ));
        }
        if db::training::overlapping_enrollments(
            c,
            volunteer_id,
            session.starts_at,
            session.ends_at,
        )? > 0
        {
            return Err(ApiError::conflict(
                "overlap",
                "the volunteer is enrolled in an overlapping session",
            ));
        }
        let enrollment = db::training::insert_enrollment(c, session_id, volunteer_id, user.user_id)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::conflict(
                    "already_enrolled",
                    "the volunteer is enrolled in this session already",
                ),
                other => other.into(),
            })?;
        db::notifications::push(
            c,
            Notice {
                recipient: Recipient::Volunteer(volunteer_id),
                kind: "enrolled",
                title: "培训报名成功".into(),
                body: format!(
                    "You are enrolled in a training session at {} starting {}.",
                    session.place,
                    session.starts_at.and_utc().to_rfc3339()
                ),
                entity: Some(("enrollment", enrollment.id.to_string())),
                dedupe_key: None,
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "enrollment.create", "enrollment")
                .entity(enrollment.id, &volunteer.org_path)
                .detail(
                    serde_json::json!({ "session_id": session_id, "volunteer_id": volunteer_id }),
                ),
        )?;
        Ok(enrollment)
    })
    .await?;
    Ok(HttpResponse::Created().json(EnrollmentResponse::from(row)))
}

/// The enrolments of a session (its organiser).
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<EnrollmentResponse>)))]
#[get("/sessions/{id}/enrollments")]
pub async fn list_enrollments(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let session_id = id.into_inner();
    let rows = crate::service::run(&state.pool, move |c| {
        let session = visible_session(c, &user, session_id)?;
        if !user
            .scope_for(Action::RecordTrainingResults)
            .is_some_and(|s| s.contains(&session.org_path))
        {
            return Err(ApiError::forbidden(
                "only the organiser lists a session's enrolments",
            ));
        }
        Ok(db::training::enrollments_of_session(c, session_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(EnrollmentResponse::from)
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResultRequest {
    pub attended: bool,
    pub passed: bool,
    /// 0–100.
    pub score: Option<i32>,
}

/// Record an enrolment's result (the organiser, after the session ended). A pass issues a
/// training certificate and grants the course's skill.
#[utoipa::path(
    tag = "training",
    params(("id" = i64, Path)),
    request_body = ResultRequest,
    responses(
        (status = 200, body = EnrollmentResponse),
        (status = 409, description = "Result already recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/enrollments/{id}/result")]
pub async fn record_result(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<ResultRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    if req.score.is_some_and(|s| !(0..=100).contains(&s)) {
        return Err(ApiError::validation(vec![FieldError::new(
            "score",
            "invalid_value",
            "a score is 0–100",
        )]));
    }
    if req.passed && !req.attended {
        return Err(ApiError::validation(vec![FieldError::new(
            "passed",
            "invalid_value",
            "nobody passes without attending",
        )]));
    }
    let row = crate::service::write(&state.pool, move |c| {
        let enrollment = db::training::find_enrollment(c, id)?
            .ok_or_else(|| ApiError::not_found("enrollment"))?;
        let session = db::training::find_session(c, enrollment.session_id)?
            .ok_or_else(|| ApiError::not_found("enrollment"))?;
        // The volunteer must be visible too: another province's volunteer stays a 404.
        load_in_reach::<VolunteerRow>(c, &user, enrollment.volunteer_id, Access::Read)
            .map_err(|_| ApiError::not_found("enrollment"))?;
        user.authorize(Action::ManageTraining, Action::RecordTrainingResults, |s| {
            s.contains(&session.org_path)
        })
        .map_err(|e| e.hidden_as("enrollment"))?;
        if session.ends_at > db::now() {
            return Err(ApiError::rule(
                "session_not_ended",
                "results are recorded after the session ends",
            ));
        }
        let status = match (req.attended, req.passed) {
            (false, _) => "no_show",
            (true, true) => "passed",
            (true, false) => "failed",
        };
        if !db::training::record_result(c, id, status, req.score, user.user_id)? {
            return Err(ApiError::conflict(
                "result_recorded",
                "this enrolment already has a result",
            ));
        }
        if req.passed {
            let course = db::training::find_course(c, session.course_id)?
                .ok_or_else(|| ApiError::internal("course missing"))?;
            let tz: Tz = session
                .time_zone
                .parse()
                .unwrap_or(crate::clock::SERVICE_TZ);
            let issued_on = crate::domain::training::local_date(chrono::Utc::now(), tz);
            let expires_on = expiry_date(issued_on, course.validity_months.map(|m| m as u32));
            let certificate =
                db::training::insert_certificate(c, &enrollment, course.id, issued_on, expires_on)?;
            if let (Some(code), Some(level)) =
                (&course.grants_skill_code, course.grants_skill_level)
            {
                db::training::grant_skill(c, enrollment.volunteer_id, code, level)?;
            }
            db::notifications::push(
                c,
                Notice {
                    recipient: Recipient::Volunteer(enrollment.volunteer_id),
                    kind: "certificate_issued",
                    title: format!("培训合格：{}", course.title),
                    body: match expires_on {
                        Some(d) => {
                            format!("Your certificate for {} is valid until {d}.", course.title)
                        }
                        None => format!("Your certificate for {} does not expire.", course.title),
                    },
                    entity: Some(("training_certificate", certificate.id.to_string())),
                    dedupe_key: None,
                },
            )?;
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "enrollment.result", "enrollment")
                .entity(id, &session.org_path)
                .detail(serde_json::json!({ "status": status })),
        )?;
        db::training::find_enrollment(c, id)?.ok_or_else(|| ApiError::not_found("enrollment"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(EnrollmentResponse::from(row)))
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Valid,
    Expired,
    Revoked,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingCertificateResponse {
    pub id: i64,
    pub course: CourseResponse,
    pub session_id: i64,
    pub issued_on: NaiveDate,
    /// First day it no longer counts; `null` = never expires.
    pub expires_on: Option<NaiveDate>,
    /// As of today (China Standard Time).
    pub status: CertificateStatus,
    pub revoked_reason: Option<String>,
}

pub fn certificate_status(
    cert: &CertificateRow,
    category: CourseCategory,
    today: NaiveDate,
) -> CertificateStatus {
    let domain = TrainingCertificate {
        course_id: cert.course_id,
        course_category: category,
        issued_on: cert.issued_on,
        expires_on: cert.expires_on,
        revoked: cert.revoked_at.is_some(),
    };
    match (domain.revoked, domain.counts_on(today)) {
        (true, _) => CertificateStatus::Revoked,
        (false, true) => CertificateStatus::Valid,
        (false, false) => CertificateStatus::Expired,
    }
}

/// A volunteer's training certificates with their status today.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<TrainingCertificateResponse>)))]
#[get("/volunteers/{id}/training-certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = crate::service::run(&state.pool, move |c| {
        load_in_reach::<VolunteerRow>(c, &user, id, Access::Read)?;
        Ok(db::training::certificates_of(c, id)?)
    })
    .await?;
    let today = crate::clock::today();
    let out: Vec<TrainingCertificateResponse> = rows
        .into_iter()
        .map(|(cert, course)| {
            let category = CourseCategory::parse(&course.category).unwrap_or(CourseCategory::Skill);
            TrainingCertificateResponse {
                status: certificate_status(&cert, category, today),
                id: cert.id,
                session_id: cert.session_id,
                issued_on: cert.issued_on,
                expires_on: cert.expires_on,
                revoked_reason: cert.revoked_reason,
                course: course.into(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    #[serde(default)]
    pub reason: String,
}

/// Revoke a training certificate (its session's organiser), with a reason.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), request_body = RevokeRequest, responses((status = 204, description = "Revoked"), (status = 409, description = "Already revoked", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/training-certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "why is it revoked?",
        )]));
    }
    crate::service::write(&state.pool, move |c| {
        let cert = db::training::find_certificate(c, id)?
            .ok_or_else(|| ApiError::not_found("certificate"))?;
        let session = db::training::find_session(c, cert.session_id)?
            .ok_or_else(|| ApiError::not_found("certificate"))?;
        load_in_reach::<VolunteerRow>(c, &user, cert.volunteer_id, Access::Read)
            .map_err(|_| ApiError::not_found("certificate"))?;
        user.authorize(Action::ManageTraining, Action::RecordTrainingResults, |s| {
            s.contains(&session.org_path)
        })
        .map_err(|e| e.hidden_as("certificate"))?;
        if !db::training::revoke_certificate(c, id, &reason, user.user_id)? {
            return Err(ApiError::conflict(
                "already_revoked",
                "this certificate is revoked already",
            ));
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "training_certificate.revoke", "training_certificate")
                .entity(id, &session.org_path),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
