//! The one object-level guard. Every use case that names an object by id loads it through
//! `load_in_reach`: an object the caller may not see answers 404 (whether or not it exists,
//! so ids outside one's reach leak nothing); one it sees but may not act on answers 403.
//!
//! Each aggregate says, by implementing `InReach`, how it is found, who sees it and which
//! scopes reach it; the decision itself is taken here and nowhere else.

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::organizations::OrganizationRow;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult};

/// What the caller wants with the object: to read it, or to perform an action on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Act(Action),
}

/// An object found by id whose visibility follows the organisation tree.
pub trait InReach: Sized {
    /// Its name in a 404 ("activity not found").
    const NAME: &'static str;

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>>;

    /// Whether the caller sees the object at all.
    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool>;

    /// Whether `scope` (the caller's scope for some action) reaches the object. Most objects
    /// belong to one organisation and are reached by scopes that contain it.
    fn reached_by(&self, conn: &mut DbConn, user: &Principal, scope: &Scope) -> ApiResult<bool>;

    /// Whether the caller's scope for `action` reaches the object: the usual visibility rule
    /// (with the aggregate's read action), and the check for acting on it.
    fn reached_under(
        &self,
        conn: &mut DbConn,
        user: &Principal,
        action: Action,
    ) -> ApiResult<bool> {
        match user.scope_for(action) {
            Some(scope) => self.reached_by(conn, user, &scope),
            None => Ok(false),
        }
    }
}

/// Loads object `id` if the caller sees it (404 otherwise) and, for `Access::Act`, may perform
/// the action on it (403 otherwise).
pub fn load_in_reach<T: InReach>(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    access: Access,
) -> ApiResult<T> {
    let hidden = || ApiError::not_found(T::NAME);
    let object = T::find(conn, id)?.ok_or_else(hidden)?;
    if !object.visible_to(conn, user)? {
        return Err(hidden());
    }
    if let Access::Act(action) = access
        && !object.reached_under(conn, user, action)?
    {
        return Err(ApiError::forbidden(format!(
            "the {} role may not do this to this {}",
            user.role.as_str(),
            T::NAME
        )));
    }
    Ok(object)
}

/// Organisations: a caller sees its subtree (the read scope); an action reaches the
/// organisations its scope contains. Reading an ancestor's name is `organization_view`'s
/// business, not an object in reach.
impl InReach for OrganizationRow {
    const NAME: &'static str = "organization";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::organizations::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadOrganizations)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.path))
    }
}

/// The organisation `id` when the caller may perform `action` there (creating a site, a
/// campaign, a course, a volunteer in it): 404 when it is out of the caller's reach.
pub fn organization_for(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    action: Action,
) -> ApiResult<OrganizationRow> {
    load_in_reach::<OrganizationRow>(conn, user, id, Access::Act(action))
}
