//! Sites and activities: where service happens and the service needs, with the publishing
//! rules (ACT-01/02/05, SR-01/02). The lifecycle after publishing (start, complete, cancel)
//! belongs to dispatch, which moves the assignments along with it.

mod edit;
mod reached;
pub mod receiving;
mod sites;

pub use edit::{ActivityRequest, check_publishable_row, create_activity, update_activity};
pub use reached::{PeopleReached, people_reached, record_people_reached};
pub use sites::{CreateSiteRequest, create_site, list_sites};

use chrono::{DateTime, Utc};

use crate::auth::policy::{Action, Principal, Scope, province_path};
use crate::db::activities::{ActivityFilter, ActivityRow, SiteRow};
use crate::db::spring_rain::DeploymentRow;
use crate::db::{self, DbConn};
use crate::domain::activity::ActivityStatus;
use crate::domain::eligibility::Programme;
use crate::domain::role::Role;
use crate::error::ApiResult;
use crate::service::reach::{Access, InReach, load_in_reach};

/// Activities: volunteers see the published ones of their province and those they are
/// assigned to; staff their `ReadActivities` subtree, and also the activities of the
/// organisations above them, which recruit into their area (auditors supervise their subtree
/// only); and the receiving side sees the Spring Rain deployments sent to its province. An
/// action reaches the activities its scope contains (the receiving side acts on none).
impl InReach for ActivityRow {
    const NAME: &'static str = "activity";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::activities::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        if user.role == Role::Volunteer {
            let own = match user.volunteer_id {
                Some(v) => db::assignments::activity_ids_of_volunteer(conn, v)?.contains(&self.id),
                None => false,
            };
            let open = self.status == ActivityStatus::Published
                && self.org_path.starts_with(&province_path(&user.org_path));
            return Ok(own || open);
        }
        let ancestor = user.role != Role::Auditor && user.ancestor_paths().contains(&self.org_path);
        Ok(ancestor
            || self.reached_under(conn, user, Action::ReadActivities)?
            || receiving::receives(conn, user, self)?)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// Sites: staff see those of their `ReadActivities` subtree; an action reaches the sites its
/// scope contains.
impl InReach for SiteRow {
    const NAME: &'static str = "site";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::activities::find_site(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadActivities)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// What a list of activities is narrowed to.
#[derive(Debug, Default)]
pub struct ActivityQuery {
    pub status: Option<ActivityStatus>,
    pub programme: Option<Programme>,
    /// Only activities starting at or after this instant.
    pub starts_after: Option<DateTime<Utc>>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// An activity with its Spring Rain details (edition, pairing, action type), if it has any.
pub type ActivityView = (ActivityRow, Option<DeploymentRow>);

/// Activities the caller may list: staff their subtree (any status) and the deployments sent
/// to their province; volunteers the published ones of their province.
pub fn list_activities(
    conn: &mut DbConn,
    user: &Principal,
    query: ActivityQuery,
) -> ApiResult<Vec<ActivityView>> {
    let (subtree, status) = if user.role == Role::Volunteer {
        (
            Some(province_path(&user.org_path)),
            Some(ActivityStatus::Published.as_str().to_string()),
        )
    } else {
        let scope = user.require(Action::ReadActivities)?;
        (
            scope.org_path_prefix().map(String::from),
            query.status.map(|s| s.as_str().to_string()),
        )
    };
    let or_ids = receiving::received_ids(conn, user)?;
    let filter = ActivityFilter {
        subtree,
        or_ids,
        status,
        programme: query.programme.map(|p| p.as_str().to_string()),
        starts_after: query.starts_after.map(|t| t.naive_utc()),
        after_id: query.after_id,
        limit: query.limit,
    };
    let rows = db::activities::list(conn, &filter)?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut details = db::spring_rain::deployments_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let d = details
                .iter()
                .position(|d| d.activity_id == a.id)
                .map(|i| details.swap_remove(i));
            (a, d)
        })
        .collect())
}

/// One activity the caller may read.
pub fn get_activity(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<ActivityView> {
    let activity = load_in_reach::<ActivityRow>(conn, user, id, Access::Read)?;
    let details = db::spring_rain::find_deployment(conn, id)?;
    Ok((activity, details))
}
