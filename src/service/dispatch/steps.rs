//! The steps of an assignment after the offer: the volunteer's answer (ACT-03), withdrawal
//! (ACT-04), cancellation, check-in and -out, no-shows; and the written agreement (ACT-09/10).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ineligible, load_as_party, notify, transition_error, violations_for};
use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::assignments::{AssignmentRow, Signatory, Signing, TransitionStamp};
use crate::db::notifications::{Notice, Recipient};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::agreement::{AgreementTerms, check_terms};
use crate::domain::assignment::{ActionWindows, Actor, AssignmentAction, AssignmentState, attempt};
use crate::domain::eligibility::{CheckPoint, EligibilityPolicy};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach};
use crate::service::records::window_of;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AssignmentActionRequest {
    /// For `cancel` (required) and `withdraw` (optional).
    pub reason: Option<String>,
    /// For `check-out`, and `withdraw` after check-in: declared breaks, in minutes (never
    /// counted as service).
    pub break_minutes: Option<i32>,
}

/// One assignment, for its volunteer or staff who read the activity.
pub fn get_assignment(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<AssignmentRow> {
    load_in_reach::<AssignmentRow>(conn, user, id, Access::Read)
}

/// Checks the request of a step (once the caller is known to reach the assignment).
fn check_request(action: AssignmentAction, req: &AssignmentActionRequest) -> ApiResult<()> {
    if action == AssignmentAction::Cancel
        && req.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the volunteer why",
        )]));
    }
    if req.break_minutes.is_some_and(|b| b < 0) {
        return Err(ApiError::validation(vec![FieldError::new(
            "break_minutes",
            "invalid_value",
            "breaks are 0 or more minutes",
        )]));
    }
    Ok(())
}

/// Checks eligibility again at `checkpoint` (confirm, check-in) on the stored data.
fn recheck(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    activity: &ActivityRow,
    a: &AssignmentRow,
    checkpoint: CheckPoint,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let agreement = super::Agreement {
        requested: a.agreement_requested_at.is_some(),
        signed: db::assignments::has_agreement(c, a.id)?,
    };
    let violations = violations_for(
        c,
        policy,
        activity,
        a.volunteer_id,
        checkpoint,
        a.accompanying_guardian.is_some(),
        agreement,
        now,
    )?;
    match violations.is_empty() {
        true => Ok(()),
        false => Err(ineligible(&violations)),
    }
}

/// One step of the state machine at `now`, with its side effects (headcount, notices,
/// audit), inside the caller's write transaction.
pub fn take_step(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    action: AssignmentAction,
    req: AssignmentActionRequest,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<AssignmentRow> {
    let permission = match action {
        AssignmentAction::CheckIn | AssignmentAction::CheckOut => Action::CheckInOut,
        _ => Action::Dispatch,
    };
    // Who may act comes first: a caller without reach learns nothing from the body's checks.
    let (a, who) = load_as_party(c, user, id, permission)?;
    check_request(action, &req)?;
    let from = a.status;
    let to = attempt(
        from,
        action,
        who,
        now,
        &window_of(&a),
        &ActionWindows::default(),
    )
    .map_err(transition_error)?;
    let activity = db::activities::find(c, a.activity_id)?
        .ok_or_else(|| ApiError::internal("activity missing"))?;
    let at = now.naive_utc();
    let mut stamp = TransitionStamp::default();
    match action {
        AssignmentAction::Confirm => {
            // Write first: the place, then the volunteer's lock, then the rules.
            if !db::activities::take_place(c, activity.id)? {
                return Err(ApiError::conflict(
                    ErrorCode::HeadcountFull,
                    "every place on this activity is taken",
                ));
            }
            db::training::lock_volunteer(c, a.volunteer_id)?;
            recheck(c, policy, &activity, &a, CheckPoint::Confirm, now)?;
            stamp.responded_at = Some(at);
        }
        AssignmentAction::Decline => stamp.responded_at = Some(at),
        AssignmentAction::Withdraw => {
            db::activities::release_place(c, activity.id)?;
            stamp.withdrawn_at = Some(at);
            stamp.cancel_reason = req.reason.clone();
            // ACT-04: withdrawing never takes away hours served. A volunteer who arrived
            // leaves now: the departure is recorded, so the time served can be verified.
            if from == AssignmentState::CheckedIn {
                stamp.checked_out_at = Some(at);
                stamp.break_minutes = Some(req.break_minutes.unwrap_or(0));
            }
        }
        AssignmentAction::Cancel => {
            if from == AssignmentState::Confirmed {
                db::activities::release_place(c, activity.id)?;
            }
            stamp.cancelled_at = Some(at);
            stamp.cancel_reason = req.reason.clone();
        }
        AssignmentAction::CheckIn => {
            recheck(c, policy, &activity, &a, CheckPoint::CheckIn, now)?;
            stamp.checked_in_at = Some(at);
        }
        AssignmentAction::CheckOut => {
            stamp.checked_out_at = Some(at);
            stamp.break_minutes = Some(req.break_minutes.unwrap_or(0));
        }
        AssignmentAction::MarkNoShow => {}
    }
    if !db::assignments::transition(c, id, from.as_str(), to.as_str(), &stamp)? {
        return Err(ApiError::conflict(
            ErrorCode::ConcurrentUpdate,
            "the assignment changed meanwhile; read it again",
        ));
    }
    match action {
        // ACT-04: the organiser hears about a withdrawal.
        AssignmentAction::Withdraw => {
            if let Some(organiser) = a.offered_by {
                db::notifications::push(
                    c,
                    Notice {
                        recipient: Recipient::User(organiser),
                        kind: "assignment_withdrawn",
                        title: format!("志愿者退出：{}", activity.title),
                        body: format!("A volunteer withdrew from {}.", activity.title),
                        entity: Some(("assignment", id.to_string())),
                        dedupe_key: None,
                    },
                )?;
            }
        }
        AssignmentAction::Cancel => notify(
            c,
            a.volunteer_id,
            "assignment_cancelled",
            format!("服务取消：{}", activity.title),
            format!(
                "Your assignment to {} was cancelled: {}",
                activity.title,
                req.reason.clone().unwrap_or_default()
            ),
            id,
        )?,
        _ => {}
    }
    db::audit::record(
        c,
        AuditEntry::by(
            user,
            &format!("assignment.{}", action.as_str()),
            "assignment",
        )
        .entity(id, &a.org_path)
        .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )?;
    db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))
}

/// ACT-09 (b): the volunteer or the organiser asks for a written agreement for an offered
/// assignment; from then on confirming it needs one signed by both (while the policy keeps
/// case b on). Asking again changes nothing; the other side is told.
pub fn request_agreement(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<AssignmentRow> {
    let (a, who) = load_as_party(c, user, id, Action::Dispatch)?;
    if a.status != AssignmentState::Offered {
        return Err(ApiError::conflict(
            ErrorCode::TransitionNotAllowed,
            format!(
                "ACT-09: a written agreement is asked for before confirmation; this assignment is {}",
                a.status.as_str()
            ),
        ));
    }
    if db::assignments::request_agreement(c, id, now.naive_utc())? == 1 {
        if who == Actor::Organiser {
            notify(
                c,
                a.volunteer_id,
                "agreement_requested",
                "服务协议签署请求".into(),
                "The organiser asks for a written agreement before you confirm.".into(),
                id,
            )?;
        }
        db::audit::record(
            c,
            AuditEntry::by(user, "assignment.agreement_request", "assignment")
                .entity(id, &a.org_path)
                .detail(serde_json::json!({ "by": match who {
                    Actor::Volunteer => "volunteer",
                    Actor::Organiser => "organiser",
                } })),
        )?;
    }
    db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))
}

/// Signs the written agreement of assignment `id` (ACT-09) for the caller's side, with all six
/// elements of Art 18 (ACT-10). The first to sign records the terms, the other signs the same
/// terms; only then is the agreement in force.
pub fn sign_agreement(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    terms: AgreementTerms,
) -> ApiResult<()> {
    // Reach first, then the terms: a caller outside it gets 404 whatever it sends.
    let (a, who) = load_as_party(c, user, id, Action::Dispatch)?;
    let problems = check_terms(&terms);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems).with_code(ErrorCode::Act10));
    }
    let side = match who {
        Actor::Volunteer => Signatory::Volunteer,
        Actor::Organiser => Signatory::Organiser,
    };
    let signing = db::assignments::sign_agreement(c, id, &terms, side, user.user_id)?;
    match signing {
        Signing::AlreadySigned => {
            return Err(ApiError::conflict(
                ErrorCode::AgreementSigned,
                "your side has signed this agreement already",
            ));
        }
        Signing::TermsDiffer => {
            return Err(ApiError::conflict(
                ErrorCode::AgreementTermsDiffer,
                "the other side signed different terms; sign the same terms",
            ));
        }
        Signing::Proposed | Signing::Countersigned => {}
    }
    db::audit::record(
        c,
        AuditEntry::by(user, "assignment.agreement", "assignment")
            .entity(id, &a.org_path)
            .detail(serde_json::json!({
                "in_force": signing == Signing::Countersigned,
            })),
    )?;
    Ok(())
}
