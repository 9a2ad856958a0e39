//! People reached (ACT-11): once an activity has run, its organiser records how many people it
//! reached in each target group; reports (the Spring Rain edition report) add them up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::activity::ActivityStatus;
use crate::domain::spring_rain::check_people_reached;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeopleReached {
    /// People reached per target group code (`/api/v1/reference/target-groups`); the whole
    /// set is replaced.
    pub counts: BTreeMap<String, i32>,
}

/// Replaces the people activity `id` reached. Only an activity under way or completed has
/// reached anyone.
pub fn record_people_reached(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    req: PeopleReached,
) -> ApiResult<PeopleReached> {
    let activity =
        load_in_reach::<ActivityRow>(conn, user, id, Access::Act(Action::ManageActivities))?;
    if !matches!(
        activity.status,
        ActivityStatus::InProgress | ActivityStatus::Completed
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "people reached are recorded once the activity has started",
        ));
    }
    let problems = check_people_reached(&req.counts);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let counts: Vec<(String, i32)> = req.counts.into_iter().collect();
    db::activities::replace_people_reached(conn, id, &counts, user.user_id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.people_reached", "activity")
            .entity(id, &activity.org_path)
            .detail(serde_json::json!({ "counts": counts })),
    )?;
    people_reached(conn, user, id)
}

pub fn people_reached(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<PeopleReached> {
    load_in_reach::<ActivityRow>(conn, user, id, Access::Read)?;
    Ok(PeopleReached {
        counts: db::activities::people_reached(conn, id)?
            .into_iter()
            .collect(),
    })
}
