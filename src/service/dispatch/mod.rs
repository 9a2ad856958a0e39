//! Dispatch: assignments from offer to check-out (ACT-03: never a forced confirmation;
//! ACT-04 withdrawal), agreements (ACT-09/10), and the activity transitions that move the
//! assignments along (start with ACT-08, complete, cancel). Eligibility is re-checked inside
//! the write transaction at offer, confirm and check-in; the headcount is a write-first
//! counter; a volunteer row lock serialises overlap checks. Verification lives with records.

mod activity;
pub mod attendance;
mod offer;
mod steps;
pub mod team;

pub use activity::move_activity;
pub use offer::{
    AssignmentQuery, OfferRequest, check_open, list_assignments, make_offer, offer_assignment,
};
pub use steps::{
    AssignmentActionRequest, get_assignment, request_agreement, sign_agreement, take_step,
};

use chrono::{DateTime, Utc};

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::assignments::AssignmentRow;
use crate::db::notifications::{Notice, Recipient};
use crate::db::{self, DbConn};
use crate::domain::assignment::{Actor, TransitionError};
use crate::domain::eligibility::{
    self, AssignmentContext, CheckPoint, EligibilityPolicy, Violation,
};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, InReach, load_in_reach};
use crate::snapshots;

/// Assignments: the volunteer sees its own; staff those of activities their
/// `ReadActivities` scope contains. A volunteer's own-records scope reaches its own
/// assignments, a staff scope those of the activities it contains.
impl InReach for AssignmentRow {
    const NAME: &'static str = "assignment";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::assignments::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        if user.volunteer_id == Some(self.volunteer_id) {
            return Ok(true);
        }
        self.reached_under(conn, user, Action::ReadActivities)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(match scope {
            Scope::OwnVolunteer(own) => *own == self.volunteer_id,
            other => other.contains(&self.org_path),
        })
    }
}

/// Loads assignment `id` for a step taken under `action`, with the caller's part in it. A
/// volunteer account sees only its own assignments and its part is the volunteer's, whose
/// steps the state machine judges (ACT-03); staff are the organiser and need `action`'s scope.
pub fn load_as_party(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    action: Action,
) -> ApiResult<(AssignmentRow, Actor)> {
    let access = match user.volunteer_id {
        Some(_) => Access::Read,
        None => Access::Act(action),
    };
    let a = load_in_reach::<AssignmentRow>(conn, user, id, access)?;
    let who = if user.volunteer_id == Some(a.volunteer_id) {
        Actor::Volunteer
    } else {
        Actor::Organiser
    };
    Ok((a, who))
}

/// Tells a volunteer about an event of one of its assignments.
pub fn notify(
    conn: &mut DbConn,
    volunteer_id: i64,
    kind: &str,
    title: String,
    body: String,
    assignment_id: i64,
) -> ApiResult<()> {
    db::notifications::push(
        conn,
        Notice {
            recipient: Recipient::Volunteer(volunteer_id),
            kind,
            title,
            body,
            entity: Some(("assignment", assignment_id.to_string())),
            dedupe_key: None,
        },
    )?;
    Ok(())
}

/// The 422 answer for broken eligibility rules: `code` is the first violation's code, and
/// `errors[]` lists every violation (`code`, and the rule id in the message).
pub fn ineligible(violations: &[Violation]) -> ApiError {
    let errors = violations
        .iter()
        .map(|v| FieldError {
            field: None,
            code: v.code.as_str().to_string(),
            message: format!("{}: {}", v.rule, v.detail),
            rule: Some(v.rule.to_string()),
        })
        .collect();
    let first = violations
        .first()
        .map_or(ErrorCode::RequirementsNotMet, |v| {
            ErrorCode::Violation(v.code)
        });
    ApiError::rule(first, "the volunteer is not eligible for this activity").with_errors(errors)
}

/// Where an assignment's written agreement stands (ACT-09).
#[derive(Debug, Clone, Copy, Default)]
pub struct Agreement {
    /// A party asked for one (case b).
    pub requested: bool,
    /// Both sides signed it.
    pub signed: bool,
}

/// Runs the eligibility engine on the stored data at `now` (call after locking the
/// volunteer's row when a write depends on it).
#[allow(clippy::too_many_arguments)]
pub fn violations_for(
    conn: &mut DbConn,
    policy: &EligibilityPolicy,
    activity: &ActivityRow,
    volunteer_id: i64,
    checkpoint: CheckPoint,
    accompanying_guardian: bool,
    agreement: Agreement,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Violation>> {
    let site = db::activities::find_site(conn, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    let requirements = snapshots::activity_requirements(activity, &site)?;
    let volunteer = snapshots::volunteer_snapshot(conn, volunteer_id)?;
    let commitments = snapshots::commitments(conn, volunteer_id, activity.id)?;
    let ctx = AssignmentContext {
        checkpoint,
        accompanying_guardian,
        agreement_signed: agreement.signed,
        agreement_requested: agreement.requested,
        checked_at: now,
    };
    Ok(eligibility::check(
        &requirements,
        &volunteer,
        &commitments,
        &ctx,
        policy,
    ))
}

/// A refused step of the state machine, explained for people.
fn transition_error(e: TransitionError) -> ApiError {
    let detail = match (&e, e.rule()) {
        (_, Some(rule)) => format!("{rule}: this action is not yours to take"),
        (TransitionError::NotAllowed { from, action }, None) => format!(
            "an assignment that is {} cannot {}",
            from.as_str(),
            action.as_str().replace('_', " ")
        ),
        (TransitionError::WrongActor { action, .. }, None) => format!(
            "{} is the other side's action on this assignment",
            action.as_str().replace('_', " ")
        ),
        (TransitionError::TooEarly { opens_at }, None) => {
            format!(
                "too early: this becomes possible at {}",
                opens_at.to_rfc3339()
            )
        }
        (TransitionError::TooLate { closed_at }, None) => {
            format!(
                "too late: this was possible until {}",
                closed_at.to_rfc3339()
            )
        }
    };
    match e {
        TransitionError::WrongActor { .. } => {
            ApiError::forbidden(detail).with_code(ErrorCode::of(e.code()))
        }
        _ => ApiError::conflict(ErrorCode::of(e.code()), detail),
    }
}
