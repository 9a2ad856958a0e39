//! Enrolments: enrol a volunteer in a session, list a session's enrolments, record a result
//! (a pass issues a training certificate). Whether the volunteer may enrol is
//! `eligibility::check` at `CheckPoint::Enrol`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use utoipa::ToSchema;

use super::Enrolment;
use crate::auth::policy::{Action, Principal};
use crate::db::notifications::{Notice, Recipient};
use crate::db::training::{EnrollmentRow, SessionRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::eligibility::{
    self, AssignmentContext, CheckPoint, Commitment, EligibilityPolicy, SessionRequirements,
    ViolationCode,
};
use crate::domain::training::{expiry_date, local_date};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;

fn already_enrolled() -> ApiError {
    ApiError::conflict(
        ErrorCode::AlreadyEnrolled,
        "the volunteer is enrolled in this session already",
    )
}

/// The volunteer against the session, after its row is locked: `status_not_active` (422) for
/// a volunteer who is not active, `overlap` (409) for a clash with another live enrolment.
fn check_trainee(
    conn: &mut DbConn,
    session: &SessionRow,
    volunteer_id: i64,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let target = SessionRequirements {
        id: session.id,
        starts_at: session.starts_at.and_utc(),
        ends_at: session.ends_at.and_utc(),
    };
    let trainee = snapshots::volunteer_snapshot(conn, volunteer_id)?;
    let enrolments: Vec<Commitment> =
        db::training::live_enrolments_near(conn, volunteer_id, session.starts_at, session.ends_at)?
            .into_iter()
            .map(|(id, starts_at, ends_at)| Commitment {
                activity_id: id,
                starts_at: starts_at.and_utc(),
                ends_at: ends_at.and_utc(),
            })
            .collect();
    let ctx = AssignmentContext::at(CheckPoint::Enrol, now);
    let violations = eligibility::check(&target, &trainee, &enrolments, &ctx, policy);
    match violations.first().map(|v| v.code) {
        None => Ok(()),
        Some(ViolationCode::StatusNotActive) => Err(ApiError::rule(
            ErrorCode::StatusNotActive,
            "only active volunteers can be enrolled",
        )),
        Some(_) => Err(ApiError::conflict(
            ErrorCode::Violation(crate::domain::eligibility::ViolationCode::Overlap),
            "the volunteer is enrolled in an overlapping session",
        )),
    }
}

/// Enrols a volunteer (the caller itself, or one a coordinator may enrol) in a session that has
/// not started. Capacity is never exceeded and a volunteer is never in two overlapping
/// sessions, also under concurrent requests: the seat is taken first, then the volunteer's row
/// is locked, then the rules are judged.
pub fn enrol(
    conn: &mut DbConn,
    user: &Principal,
    session_id: i64,
    volunteer_id: Option<i64>,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<EnrollmentRow> {
    let Some(volunteer_id) = volunteer_id.or(user.volunteer_id) else {
        return Err(ApiError::validation(vec![FieldError::new(
            "volunteer_id",
            "required",
            "whom to enrol?",
        )]));
    };
    let session = load_in_reach::<SessionRow>(conn, user, session_id, Access::Read)?;
    let volunteer = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::EnrolVolunteers),
    )?;
    let at = now.naive_utc();
    if session.starts_at <= at {
        return Err(ApiError::conflict(
            ErrorCode::SessionStarted,
            "this session has already started",
        ));
    }
    if !db::training::take_seat(conn, session_id)? {
        return Err(ApiError::conflict(
            ErrorCode::SessionFull,
            "every seat in this session is taken",
        ));
    }
    db::training::lock_volunteer(conn, volunteer_id)?;
    if db::training::is_enrolled(conn, session_id, volunteer_id)? {
        return Err(already_enrolled());
    }
    check_trainee(conn, &session, volunteer_id, policy, now)?;
    let enrollment =
        db::training::insert_enrollment(conn, session_id, volunteer_id, user.user_id, at)?;
    db::notifications::push(
        conn,
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
        conn,
        AuditEntry::by(user, "enrollment.create", "enrollment")
            .entity(enrollment.id, &volunteer.org_path)
            .detail(serde_json::json!({ "session_id": session_id, "volunteer_id": volunteer_id })),
    )?;
    Ok(enrollment)
}

/// The enrolments of a session, for its organiser.
pub fn list_enrolments(
    conn: &mut DbConn,
    user: &Principal,
    session_id: i64,
) -> ApiResult<Vec<EnrollmentRow>> {
    load_in_reach::<SessionRow>(
        conn,
        user,
        session_id,
        Access::Act(Action::RecordTrainingResults),
    )?;
    Ok(db::training::enrollments_of_session(conn, session_id)?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResultRequest {
    pub attended: bool,
    pub passed: bool,
    /// 0–100.
    pub score: Option<i32>,
}

fn check_result(req: &ResultRequest) -> ApiResult<()> {
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
    Ok(())
}

/// Records an enrolment's result once its session has ended (the organiser). A pass issues a
/// training certificate, dated in the session's zone, and grants the course's skill.
pub fn record_result(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    req: ResultRequest,
    now: DateTime<Utc>,
) -> ApiResult<EnrollmentRow> {
    check_result(&req)?;
    let e = load_in_reach::<Enrolment>(conn, user, id, Access::Act(Action::RecordTrainingResults))?;
    let at = now.naive_utc();
    if e.session.ends_at > at {
        return Err(ApiError::rule(
            ErrorCode::SessionNotEnded,
            "results are recorded after the session ends",
        ));
    }
    let status = match (req.attended, req.passed) {
        (false, _) => "no_show",
        (true, true) => "passed",
        (true, false) => "failed",
    };
    if !db::training::record_result(conn, id, status, req.score, user.user_id, at)? {
        return Err(ApiError::conflict(
            ErrorCode::ResultRecorded,
            "this enrolment already has a result",
        ));
    }
    if req.passed {
        issue_certificate(conn, &e, now)?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "enrollment.result", "enrollment")
            .entity(id, &e.session.org_path)
            .detail(serde_json::json!({ "status": status })),
    )?;
    db::training::find_enrollment(conn, id)?.ok_or_else(|| ApiError::not_found("enrollment"))
}

fn issue_certificate(conn: &mut DbConn, e: &Enrolment, now: DateTime<Utc>) -> ApiResult<()> {
    let course = db::training::find_course(conn, e.session.course_id)?
        .ok_or_else(|| ApiError::internal("course missing"))?;
    let tz: Tz = e
        .session
        .time_zone
        .parse()
        .unwrap_or(crate::clock::SERVICE_TZ);
    let issued_on = local_date(now, tz);
    let expires_on = expiry_date(issued_on, course.validity_months.map(|m| m as u32));
    let certificate = db::training::insert_certificate(
        conn,
        &e.row,
        course.id,
        issued_on,
        expires_on,
        now.naive_utc(),
    )?;
    if let (Some(code), Some(level)) = (&course.grants_skill_code, course.grants_skill_level) {
        db::training::grant_skill(conn, e.row.volunteer_id, code, level)?;
    }
    db::notifications::push(
        conn,
        Notice {
            recipient: Recipient::Volunteer(e.row.volunteer_id),
            kind: "certificate_issued",
            title: format!("培训合格：{}", course.title),
            body: match expires_on {
                Some(d) => format!("Your certificate for {} is valid until {d}.", course.title),
                None => format!("Your certificate for {} does not expire.", course.title),
            },
            entity: Some(("training_certificate", certificate.id.to_string())),
            dedupe_key: None,
        },
    )?;
    Ok(())
}
