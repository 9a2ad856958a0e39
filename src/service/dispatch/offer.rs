//! Offers (ACT-03: an offer, never a confirmation) and the lists of assignments.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ineligible, notify, violations_for};
use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::assignments::{AssignmentFilter, AssignmentRow, NewOffer};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::activity::ActivityStatus;
use crate::domain::eligibility::{CheckPoint, EligibilityPolicy};
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferRequest {
    pub volunteer_id: i64,
    /// The guardian who accompanies a minor (MIN-03, MIN-06, MIN-07).
    pub accompanying_guardian: Option<String>,
}

/// Offers (single or planned) are made for published or running activities only.
pub fn check_open(activity: &ActivityRow) -> ApiResult<()> {
    let open = [ActivityStatus::Published, ActivityStatus::InProgress].contains(&activity.status);
    if open {
        Ok(())
    } else {
        Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "offers are made for published activities",
        ))
    }
}

/// Offers activity `activity_id` to a volunteer (the single-offer use case).
pub fn offer_assignment(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    req: OfferRequest,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<AssignmentRow> {
    let guardian = req
        .accompanying_guardian
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty());
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::Dispatch))?;
    make_offer(
        conn,
        policy,
        user,
        &activity,
        req.volunteer_id,
        guardian.as_deref(),
        now,
    )
}

/// Offers `activity` (loaded with `Action::Dispatch`) to a volunteer, inside the caller's
/// write transaction: the one offer path for single offers and committed batch plans. The
/// rules are judged after locking the volunteer, then the volunteer is told and it is audited.
pub fn make_offer(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    user: &Principal,
    activity: &ActivityRow,
    volunteer_id: i64,
    guardian: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<AssignmentRow> {
    check_open(activity)?;
    load_in_reach::<VolunteerRow>(c, user, volunteer_id, Access::Read)?;
    // PI-02: a withdrawal, or a new matching notice not yet consented to, stops processing
    // for the purpose; pools leave such volunteers out, and so does a direct offer.
    if !db::volunteers::in_candidate_pool(c, volunteer_id)? {
        return Err(ApiError::rule(
            ErrorCode::Pi02,
            "PI-02: the volunteer withdrew consent to processing, or has not consented to the \
             notice in force, and cannot be offered service",
        ));
    }
    // Lock the volunteer first: concurrent offers for overlapping activities queue here.
    db::training::lock_volunteer(c, volunteer_id)?;
    let violations = violations_for(
        c,
        policy,
        activity,
        volunteer_id,
        CheckPoint::Offer,
        guardian.is_some(),
        super::Agreement::default(),
        now,
    )?;
    if !violations.is_empty() {
        return Err(ineligible(&violations));
    }
    let row = db::assignments::insert_offer(
        c,
        &NewOffer {
            activity_id: activity.id,
            volunteer_id,
            org_path: &activity.org_path,
            starts_at: activity.starts_at,
            ends_at: activity.ends_at,
            accompanying_guardian: guardian,
            offered_by: user.user_id,
        },
    )?;
    notify(
        c,
        volunteer_id,
        "offer",
        format!("服务邀请：{}", activity.title),
        format!(
            "You are invited to {}; confirm or decline before it starts.",
            activity.title
        ),
        row.id,
    )?;
    db::audit::record(
        c,
        AuditEntry::by(user, "assignment.offer", "assignment")
            .entity(row.id, &activity.org_path)
            .detail(
                serde_json::json!({ "activity_id": activity.id, "volunteer_id": volunteer_id }),
            ),
    )?;
    Ok(row)
}

/// What a list of assignments is narrowed to.
#[derive(Debug, Default)]
pub struct AssignmentQuery {
    pub activity_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    pub status: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// Assignments: a volunteer's own, or those on activities in the caller's subtree.
pub fn list_assignments(
    conn: &mut DbConn,
    user: &Principal,
    query: AssignmentQuery,
) -> ApiResult<Vec<AssignmentRow>> {
    let mut filter = AssignmentFilter {
        activity_id: query.activity_id,
        volunteer_id: query.volunteer_id,
        status: query.status,
        after_id: query.after_id,
        limit: query.limit,
        ..Default::default()
    };
    if user.role == Role::Volunteer {
        filter.volunteer_id = Some(
            user.volunteer_id
                .ok_or_else(|| ApiError::forbidden("no volunteer record"))?,
        );
    } else {
        filter.subtree = user
            .require(Action::ReadActivities)?
            .org_path_prefix()
            .map(String::from);
    }
    Ok(db::assignments::list(conn, &filter)?)
}
