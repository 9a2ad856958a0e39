//! Identity disputes (issue 13): an anonymous registration gave an ID number registered
//! already; the bureau of the existing registration decides who holds it.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::audit::AuditEntry;
use crate::db::identity_disputes::DisputeRow;
use crate::db::{self, DbConn};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, InReach, load_in_reach};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The claimant is the rightful holder: the existing registration is suspended and its ID
    /// number released, so the bureau can register the claimant.
    Upheld,
    /// The existing registration stands.
    Rejected,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct DisputeDecisionRequest {
    pub outcome: DisputeOutcome,
    /// Why; kept with the decision and, when upheld, as the suspension reason.
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
}

/// A dispute is the business of the bureau admins whose subtree holds the registration.
impl InReach for DisputeRow {
    const NAME: &'static str = "identity dispute";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::identity_disputes::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ResolveIdentityDisputes)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// A page of the disputes about registrations in the caller's subtree.
pub fn list_disputes(
    conn: &mut DbConn,
    user: &Principal,
    status: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<DisputeRow>> {
    let scope = user.require(Action::ResolveIdentityDisputes)?;
    Ok(db::identity_disputes::list(
        conn,
        scope.org_path_prefix(),
        status,
        after_id,
        limit,
    )?)
}

/// Decides an open dispute. Upheld, the registration was not its holder's: it is suspended
/// with the decision's reason (records stay, as for any suspension) and its ID number is
/// released.
pub fn decide_dispute(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    req: DisputeDecisionRequest,
    now: DateTime<Utc>,
) -> ApiResult<DisputeRow> {
    // A role that never decides disputes is told so (403), not that this one is missing.
    user.require(Action::ResolveIdentityDisputes)?;
    let dispute =
        load_in_reach::<DisputeRow>(conn, user, id, Access::Act(Action::ResolveIdentityDisputes))?;
    let DisputeDecisionRequest { outcome, reason } = req;
    let status = match outcome {
        DisputeOutcome::Upheld => "upheld",
        DisputeOutcome::Rejected => "rejected",
    };
    if !db::identity_disputes::decide(conn, id, status, &reason, user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyDecided,
            "this identity dispute has been decided already",
        ));
    }
    if outcome == DisputeOutcome::Upheld {
        db::volunteers::set_status(
            conn,
            dispute.volunteer_id,
            VolunteerStatus::Suspended.as_str(),
            Some(&format!("identity dispute upheld: {reason}")),
            None,
        )?;
        db::volunteers::release_id_number(conn, dispute.volunteer_id)?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "identity_dispute.decide", "identity_dispute")
            .entity(id, &dispute.org_path)
            .detail(serde_json::json!({
                "outcome": status,
                "volunteer_id": dispute.volunteer_id,
                "reason": reason,
            })),
    )?;
    db::identity_disputes::find(conn, id)?
        .ok_or_else(|| ApiError::internal("decided dispute vanished"))
}
