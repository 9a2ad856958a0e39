//! Evaluations of a volunteer's service on an assignment and complaints against a volunteer,
//! and the volunteer's record of both (HRS-04).
//!
//! Evaluations: the organiser (staff whose `RecordService` scope contains the activity) and
//! the receiving side of a Spring Rain deployment rate the service, 1–5 with a note, once per
//! evaluating organisation and assignment. They feed matching's reliability component.
//!
//! Complaints: lodged about an assignment by staff of an organisation the volunteer served
//! with (the organiser or the receiving side); investigated and upheld or dismissed, with a
//! reason, by the volunteer's registering organisation or above (`ResolveComplaints`). An
//! upheld complaint ends the STAR-04 good record; a dismissed one does not.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::check_text;
use crate::auth::policy::{Action, Principal};
use crate::db::audit::AuditEntry;
use crate::db::recognition::{
    CommendationRow, ComplaintRow, EvaluationRow, NewComplaintRow, NewEvaluationRow,
};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::assignment::AssignmentState;
use crate::domain::recognition::{ComplaintStatus, EvaluatorSide, RATINGS};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::{OfVolunteer, VolunteerPart};
use crate::service::activities::receiving::receives;
use crate::service::dispatch::attendance::TeamMember;
use crate::service::reach::{Access, load_in_reach};

impl VolunteerPart for ComplaintRow {
    const NAME: &'static str = "complaint";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::recognition::find_complaint(conn, id)?)
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}

/// The caller's part in an assignment's activity: the organiser's side, the receiving side,
/// or none (403).
fn side_of(conn: &mut DbConn, user: &Principal, member: &TeamMember) -> ApiResult<EvaluatorSide> {
    let organiser = user
        .scope_for(Action::RecordService)
        .is_some_and(|s| s.contains(&member.activity.org_path));
    if organiser {
        return Ok(EvaluatorSide::Organiser);
    }
    if receives(conn, user, &member.activity)? {
        return Ok(EvaluatorSide::Receiving);
    }
    Err(ApiError::forbidden(
        "only the organiser and the receiving side of the service may do this",
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
    /// What the rating rests on.
    #[serde(default)]
    pub note: String,
}

/// Evaluates the volunteer's service on assignment `assignment_id` (a completed one).
pub fn evaluate(
    conn: &mut DbConn,
    user: &Principal,
    assignment_id: i64,
    req: EvaluationRequest,
    now: DateTime<Utc>,
) -> ApiResult<EvaluationRow> {
    let member = load_in_reach::<TeamMember>(conn, user, assignment_id, Access::Read)?;
    let side = side_of(conn, user, &member)?;
    let mut problems = Vec::new();
    if !RATINGS.contains(&req.rating) {
        problems.push(FieldError::new(
            "rating",
            "out_of_range",
            "a rating is 1 to 5",
        ));
    }
    check_text("note", &req.note, false, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    if member.assignment.status != AssignmentState::Completed {
        return Err(ApiError::conflict(
            ErrorCode::AssignmentNotCompleted,
            "a volunteer's service is evaluated once the assignment is completed",
        ));
    }
    if db::recognition::evaluation_exists(conn, assignment_id, user.org_id)? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyEvaluated,
            "this organisation has evaluated this assignment already",
        ));
    }
    let org = db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| ApiError::internal("caller's organisation missing"))?;
    let row = db::recognition::insert_evaluation(
        conn,
        &NewEvaluationRow {
            assignment_id,
            volunteer_id: member.assignment.volunteer_id,
            activity_id: member.activity.id,
            evaluator_organization_id: org.id,
            evaluator_org_path: org.path,
            side: side.as_str().into(),
            rating: req.rating,
            note: req.note.trim().to_string(),
            created_by: user.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.evaluate", "assignment")
            .entity(assignment_id, &member.assignment.org_path)
            .detail(serde_json::json!({ "side": side.as_str(), "rating": req.rating })),
    )?;
    Ok(row)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// What happened.
    #[serde(default)]
    pub description: String,
}

/// Lodges a complaint about the volunteer of assignment `assignment_id` (staff of the
/// organiser or of the receiving side, once the volunteer has served or was due to).
pub fn lodge_complaint(
    conn: &mut DbConn,
    user: &Principal,
    assignment_id: i64,
    req: ComplaintRequest,
    now: DateTime<Utc>,
) -> ApiResult<ComplaintRow> {
    let member = load_in_reach::<TeamMember>(conn, user, assignment_id, Access::Read)?;
    side_of(conn, user, &member)?;
    let mut problems = Vec::new();
    check_text("description", &req.description, true, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let served = matches!(
        member.assignment.status,
        AssignmentState::Confirmed
            | AssignmentState::CheckedIn
            | AssignmentState::Completed
            | AssignmentState::NoShow
    );
    if !served {
        return Err(ApiError::conflict(
            ErrorCode::AssignmentNotCompleted,
            "a complaint concerns a volunteer who confirmed the assignment",
        ));
    }
    let volunteer = db::volunteers::find(conn, member.assignment.volunteer_id)?
        .ok_or_else(|| ApiError::internal("volunteer missing"))?;
    let org = db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| ApiError::internal("caller's organisation missing"))?;
    let row = db::recognition::insert_complaint(
        conn,
        &NewComplaintRow {
            volunteer_id: volunteer.id,
            org_path: volunteer.org_path.clone(),
            assignment_id,
            activity_id: member.activity.id,
            lodging_organization_id: org.id,
            lodging_org_path: org.path,
            description: req.description.trim().to_string(),
            lodged_by: user.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "complaint.lodge", "volunteer")
            .entity(volunteer.id, &volunteer.org_path)
            .detail(serde_json::json!({ "complaint_id": row.id, "assignment_id": assignment_id })),
    )?;
    Ok(row)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintDecisionRequest {
    /// The findings the outcome rests on.
    #[serde(default)]
    pub reason: String,
}

/// Upholds or dismisses a complaint under investigation (the registering organisation or
/// above), with a reason; audited.
pub fn decide_complaint(
    conn: &mut DbConn,
    user: &Principal,
    complaint_id: i64,
    outcome: ComplaintStatus,
    req: ComplaintDecisionRequest,
    now: DateTime<Utc>,
) -> ApiResult<ComplaintRow> {
    let OfVolunteer {
        item: complaint,
        volunteer,
    } = load_in_reach::<OfVolunteer<ComplaintRow>>(
        conn,
        user,
        complaint_id,
        Access::Act(Action::ResolveComplaints),
    )?;
    let mut problems = Vec::new();
    check_text("reason", &req.reason, true, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let decided = db::recognition::decide_complaint(
        conn,
        complaint.id,
        outcome.as_str(),
        req.reason.trim(),
        user.user_id,
        now.naive_utc(),
    )?;
    if !decided {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyDecided,
            "this complaint is decided already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            &format!("complaint.{}", outcome.as_str()),
            "volunteer",
        )
        .entity(volunteer.id, &volunteer.org_path)
        .detail(serde_json::json!({ "complaint_id": complaint.id })),
    )?;
    db::recognition::find_complaint(conn, complaint.id)?
        .ok_or_else(|| ApiError::internal("complaint vanished"))
}

/// What a volunteer's record holds beyond hours (HRS-04): evaluations, complaints with their
/// outcome, and commendations naming the volunteer.
#[derive(Debug)]
pub struct Conduct {
    pub volunteer_id: i64,
    pub evaluations: Vec<EvaluationRow>,
    pub complaints: Vec<ComplaintRow>,
    pub commendations: Vec<CommendationRow>,
    /// PI-07: the volunteer consented to their full name on public honour lists.
    pub publication_consented_at: Option<DateTime<Utc>>,
}

/// The volunteer's own record, or a volunteer's for staff who read them.
pub fn conduct(conn: &mut DbConn, user: &Principal, volunteer_id: i64) -> ApiResult<Conduct> {
    let v = load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    conduct_of(conn, &v)
}

fn conduct_of(conn: &mut DbConn, v: &VolunteerRow) -> ApiResult<Conduct> {
    Ok(Conduct {
        volunteer_id: v.id,
        evaluations: db::recognition::evaluations_of(conn, v.id)?,
        complaints: db::recognition::complaints_of(conn, v.id)?,
        commendations: db::recognition::commendations_of_volunteer(conn, v.id)?,
        publication_consented_at: db::recognition::publication_consent(conn, v.id)?
            .map(|t| t.and_utc()),
    })
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationConsentRequest {
    /// `true`: show my full name on public honour lists; `false`: mask it (the default).
    pub consent: bool,
}

/// PI-07: the volunteer gives or withdraws consent to their full name on public honour lists
/// (their own record only).
pub fn set_publication_consent(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    req: PublicationConsentRequest,
    now: DateTime<Utc>,
) -> ApiResult<Conduct> {
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::ConsentToPublication),
    )?;
    db::recognition::set_publication_consent(conn, v.id, req.consent, now.naive_utc())?;
    let action = if req.consent {
        "honours.publication_consent"
    } else {
        "honours.publication_withdrawn"
    };
    db::audit::record(
        conn,
        AuditEntry::by(user, action, "volunteer").entity(v.id, &v.org_path),
    )?;
    conduct_of(conn, &v)
}
