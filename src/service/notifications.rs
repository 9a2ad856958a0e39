//! The caller's notification outbox.

use crate::auth::policy::{Principal, Scope};
use crate::db::notifications::NotificationRow;
use crate::db::{self, DbConn};
use crate::error::ApiResult;
use crate::service::reach::{Access, InReach, load_in_reach};

/// A notification is its recipient's alone: addressed to the account, or to the volunteer
/// the account belongs to. Nobody else sees it, whatever their scope.
impl InReach for NotificationRow {
    const NAME: &'static str = "notification";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::notifications::find(conn, id)?)
    }

    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(self.recipient_user_id == Some(user.user_id)
            || (self.recipient_volunteer_id.is_some()
                && self.recipient_volunteer_id == user.volunteer_id))
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, _: &Scope) -> ApiResult<bool> {
        // Only read, never acted on under a scope.
        Ok(false)
    }
}

/// A page of the caller's notifications, oldest first.
pub fn my_notifications(
    conn: &mut DbConn,
    user: &Principal,
    unread_only: bool,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<NotificationRow>> {
    Ok(db::notifications::list_for(
        conn,
        user.user_id,
        user.volunteer_id,
        unread_only,
        after_id,
        limit,
    )?)
}

/// Marks one of the caller's notifications read.
pub fn mark_read(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<()> {
    load_in_reach::<NotificationRow>(conn, user, id, Access::Read)?;
    db::notifications::mark_read(conn, id)?;
    Ok(())
}
