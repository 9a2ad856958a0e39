//! The activity lifecycle (`draft → published → in_progress → completed`, or `cancelled`):
//! publishing is judged by the activity rules; starting checks insurance (ACT-08); cancelling
//! cancels the live assignments and tells their volunteers.

use chrono::{DateTime, Utc};

use super::{notify, violations_for};
use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::assignments::TransitionStamp;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::activity::ActivityAction;
use crate::domain::assignment::AssignmentState;
use crate::domain::eligibility::{self, CheckPoint, EligibilityPolicy, ViolationCode};
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::activities::check_publishable_row;
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;

/// Moves activity `id` by `action` at `now`; `reason` is required to cancel (volunteers are
/// told).
pub fn move_activity(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    action: ActivityAction,
    reason: Option<String>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> ApiResult<ActivityRow> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if action == ActivityAction::Cancel && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the volunteers why",
        )]));
    }
    let a = load_in_reach::<ActivityRow>(c, user, id, Access::Act(Action::ManageActivities))?;
    let from = a.status;
    let to = from.after(action).ok_or_else(|| {
        ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!("a {} activity cannot {}", from.as_str(), action.as_str()),
        )
    })?;
    match action {
        ActivityAction::Publish => check_publishable_row(c, &a, &policy.spring_rain)?,
        ActivityAction::Start => check_start(c, &policy.eligibility(), &a, now)?,
        ActivityAction::Cancel => cancel_all(c, user, &a, reason.as_deref().unwrap_or(""), now)?,
        ActivityAction::Complete => {}
    }
    if !db::activities::set_status(c, id, from.as_str(), to.as_str(), reason.as_deref())? {
        return Err(ApiError::conflict(
            ErrorCode::ConcurrentUpdate,
            "the activity changed meanwhile; retry",
        ));
    }
    db::audit::record(
        c,
        AuditEntry::by(user, &format!("activity.{}", action.as_str()), "activity")
            .entity(id, &a.org_path)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )?;
    db::activities::find(c, id)?.ok_or_else(|| ApiError::not_found("activity"))
}

/// ACT-08 at start: a risky activity (or a Spring Rain deployment) starts only when every
/// confirmed volunteer is insured for the whole period.
fn check_start(
    conn: &mut DbConn,
    policy: &EligibilityPolicy,
    activity: &ActivityRow,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let site = db::activities::find_site(conn, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    if eligibility::insurance_rule(&snapshots::activity_requirements(activity, &site)?).is_none() {
        return Ok(());
    }
    let mut uninsured = Vec::new();
    for a in db::assignments::live_on_activity(conn, activity.id)?
        .into_iter()
        .filter(|a| a.status == AssignmentState::Confirmed)
    {
        let violations = violations_for(
            conn,
            policy,
            activity,
            a.volunteer_id,
            CheckPoint::Confirm,
            a.accompanying_guardian.is_some(),
            super::Agreement {
                requested: false,
                signed: true,
            },
            now,
        )?;
        if violations
            .iter()
            .any(|v| v.code == ViolationCode::InsuranceMissing)
        {
            uninsured.push(
                FieldError::new(
                    format!("volunteer:{}", a.volunteer_id),
                    "insurance_missing",
                    "ACT-08: not insured for the whole activity",
                )
                .with_rule("ACT-08"),
            );
        }
    }
    if uninsured.is_empty() {
        Ok(())
    } else {
        Err(ApiError::rule(
            ErrorCode::InsuranceMissing,
            "ACT-08: every confirmed volunteer must be insured for the whole activity",
        )
        .with_errors(uninsured))
    }
}

/// Cancelling an activity cancels its live assignments and tells the volunteers.
fn cancel_all(
    conn: &mut DbConn,
    user: &Principal,
    activity: &ActivityRow,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for a in db::assignments::live_on_activity(conn, activity.id)? {
        let stamp = TransitionStamp {
            cancelled_at: Some(now.naive_utc()),
            cancel_reason: Some(reason.to_string()),
            ..Default::default()
        };
        if db::assignments::transition(conn, a.id, a.status.as_str(), "cancelled", &stamp)? {
            if a.status != AssignmentState::Offered {
                db::activities::release_place(conn, activity.id)?;
            }
            notify(
                conn,
                a.volunteer_id,
                "assignment_cancelled",
                format!("活动取消：{}", activity.title),
                format!("{} was cancelled: {reason}", activity.title),
                a.id,
            )?;
            db::audit::record(
                conn,
                AuditEntry::by(user, "assignment.cancel", "assignment").entity(a.id, &a.org_path),
            )?;
        }
    }
    Ok(())
}
