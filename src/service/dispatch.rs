//! Dispatch: assignments from offer to verification.

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::assignments::AssignmentRow;
use crate::db::{self, DbConn};
use crate::error::ApiResult;
use crate::service::reach::InReach;

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
        match user.scope_for(Action::ReadActivities) {
            Some(scope) => self.reached_by(conn, user, &scope),
            None => Ok(false),
        }
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(match scope {
            Scope::OwnVolunteer(own) => *own == self.volunteer_id,
            other => other.contains(&self.org_path),
        })
    }
}
