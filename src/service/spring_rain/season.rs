//! Season dispatch: one batch plan over every open deployment of an edition the caller
//! organises, through the plan engine (`service::plans`) — the same ranking, optimisation,
//! review and atomic commit as any batch plan.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::plans::PlanRow;
use crate::db::spring_rain::EditionRow;
use crate::db::{self, DbConn};
use crate::domain::matching::RankingPolicy;
use crate::domain::spring_rain::EditionStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::plans::{CreatePlanRequest, PlanPair, create_plan};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeasonPlanRequest {
    /// Pairs the plan must contain (each must be an eligible candidate).
    #[serde(default)]
    pub locks: Vec<PlanPair>,
    /// Pairs the plan must not contain.
    #[serde(default)]
    pub exclusions: Vec<PlanPair>,
}

/// Proposes a plan over the edition's open deployments in the caller's matching scope: a
/// sending province's bureau or coordinator plans its own teams. "Open" is published with
/// places left — a team at its minimum still takes members up to its maximum. Like any plan
/// it ranks outside the write transaction (call with a plain connection).
pub fn plan_season(
    conn: &mut DbConn,
    user: &Principal,
    edition_id: i64,
    req: SeasonPlanRequest,
    policy: &RankingPolicy,
    now: DateTime<Utc>,
) -> ApiResult<PlanRow> {
    let edition = load_in_reach::<EditionRow>(conn, user, edition_id, Access::Read)?;
    let scope = user.require(Action::Match)?;
    if edition.status != EditionStatus::Open {
        return Err(ApiError::conflict(
            ErrorCode::EditionNotOpen,
            "only an open edition is dispatched",
        ));
    }
    let activity_ids =
        db::spring_rain::open_deployments(conn, edition_id, scope.org_path_prefix())?;
    if activity_ids.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::NoOpenDeployments,
            "the edition has no open deployments of yours to plan",
        ));
    }
    create_plan(
        conn,
        user,
        CreatePlanRequest {
            activity_ids,
            locks: req.locks,
            exclusions: req.exclusions,
        },
        policy,
        now,
    )
}
