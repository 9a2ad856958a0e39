//! The receiving side of a Spring Rain deployment (DOMAIN.md, PERMISSIONS.md): the coordinators
//! and bureau admins of the province the deployment's site lies in. They see the deployment,
//! its roster (masked) and its attendance, record attendance and evaluate the team; nothing
//! else of the sending side's data, and never its volunteers' records.

use crate::auth::policy::Principal;
use crate::db::activities::ActivityRow;
use crate::db::{self, DbConn};
use crate::domain::activity::ActivityStatus;
use crate::domain::eligibility::Programme;
use crate::domain::role::Role;
use crate::error::ApiResult;

/// The two-digit province of the caller's organisation, for the roles a receiving side has.
pub fn receiving_province(conn: &mut DbConn, user: &Principal) -> ApiResult<Option<String>> {
    if !matches!(user.role, Role::Coordinator | Role::BureauAdmin) {
        return Ok(None);
    }
    Ok(db::organizations::find(conn, user.org_id)?
        .and_then(|org| org.region_code.get(..2).map(String::from)))
}

/// Whether the caller is on the receiving side of `activity`: a Spring Rain deployment beyond
/// its draft whose site lies in the caller's province.
pub fn receives(conn: &mut DbConn, user: &Principal, activity: &ActivityRow) -> ApiResult<bool> {
    if activity.programme != Programme::SpringRain || activity.status == ActivityStatus::Draft {
        return Ok(false);
    }
    Ok(receiving_province(conn, user)?
        .is_some_and(|p| activity.region_code.get(..2) == Some(p.as_str())))
}

/// Ids of the deployments sent to the caller's province (none for other callers).
pub fn received_ids(conn: &mut DbConn, user: &Principal) -> ApiResult<Vec<i64>> {
    Ok(match receiving_province(conn, user)? {
        Some(p) => db::attendance::deployments_received_in(conn, &p)?,
        None => Vec::new(),
    })
}
