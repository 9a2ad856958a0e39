//! Staff accounts: listed, read, created and disabled within the caller's subtree; and the
//! audit log of that subtree, which the same admins and auditors read.

use crate::auth::password;
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::audit::{AuditEntry, AuditFilter, AuditRow};
use crate::db::organizations::OrganizationRow;
use crate::db::users::{NewUser, UserFilter, UserRow};
use crate::db::{self, DbConn};
use crate::domain::account::Username;
use crate::domain::organization::OrgKind;
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, InReach, load_in_reach, organization_for};

/// Accounts: everyone sees their own; staff those their `ReadUsers` scope contains. An action
/// reaches the accounts of the organisations its scope contains.
impl InReach for UserRow {
    const NAME: &'static str = "user";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::users::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        if self.id == user.user_id {
            return Ok(true);
        }
        self.reached_under(conn, user, Action::ReadUsers)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// The caller's own organisation.
pub fn own_organization(conn: &mut DbConn, user: &Principal) -> ApiResult<OrganizationRow> {
    db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| ApiError::internal("a user's organisation is missing"))
}

/// A page of the accounts in the caller's subtree matching `filter`.
pub fn list_users(
    conn: &mut DbConn,
    user: &Principal,
    filter: UserFilter,
) -> ApiResult<Vec<UserRow>> {
    let scope = user.require(Action::ReadUsers)?;
    let filter = UserFilter {
        subtree: scope.org_path_prefix().map(String::from),
        ..filter
    };
    Ok(db::users::list(conn, &filter)?)
}

pub fn read_user(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<UserRow> {
    load_in_reach::<UserRow>(conn, user, id, Access::Read)
}

/// A staff account to create, with its password still in the clear.
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub organization_id: i64,
}

/// A new account whose username, password and place passed every check: only the password
/// hash is missing (computed off the database connection).
pub struct CheckedAccount {
    pub username: Username,
    pub role: Role,
    pub org: OrganizationRow,
}

/// Checks a new staff account: the caller may create this role, in this organisation, and
/// the username and password are acceptable.
pub fn check_new_account(
    conn: &mut DbConn,
    user: &Principal,
    new: &NewAccount,
) -> ApiResult<CheckedAccount> {
    let action = match new.role {
        Role::MinistryAdmin => Action::CreateMinistryAdmin,
        Role::Volunteer => {
            user.require(Action::CreateStaffUser)?;
            return Err(ApiError::validation(vec![FieldError::new(
                "role",
                "role_not_allowed",
                "volunteer accounts are created by volunteer registration",
            )]));
        }
        _ => Action::CreateStaffUser,
    };
    user.require(action)?;
    let username = Username::parse(&new.username).map_err(|m| {
        ApiError::validation(vec![FieldError::new("username", "invalid_format", m)])
    })?;
    let problems = password::check_policy(&new.password, username.as_str());
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let org = organization_for(conn, user, new.organization_id, action)?;
    if new.role == Role::MinistryAdmin && org.kind != OrgKind::Ministry {
        return Err(ApiError::validation(vec![FieldError::new(
            "organization_id",
            "role_not_allowed_here",
            "ministry admins belong to the ministry",
        )]));
    }
    Ok(CheckedAccount {
        username,
        role: new.role,
        org,
    })
}

/// Stores a checked account with its password hash.
pub fn create_account(
    conn: &mut DbConn,
    user: &Principal,
    account: CheckedAccount,
    password_hash: &str,
) -> ApiResult<UserRow> {
    let CheckedAccount {
        username,
        role,
        org,
    } = account;
    if db::users::find_by_username(conn, username.as_str())?.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::UsernameTaken,
            "this username is already in use",
        ));
    }
    let row = db::users::insert(
        conn,
        &NewUser {
            username: username.as_str(),
            password_hash: Some(password_hash),
            role: role.as_str(),
            organization_id: org.id,
            org_path: &org.path,
            volunteer_id: None,
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "user.create", "user")
            .entity(row.id, &row.org_path)
            .detail(serde_json::json!({ "role": role.as_str(), "organization_id": org.id })),
    )?;
    Ok(row)
}

/// Disables an account in the caller's subtree; its sessions end at once.
pub fn disable_user(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<UserRow> {
    let target = load_in_reach::<UserRow>(conn, user, id, Access::Act(Action::DisableUser))?;
    if target.id == user.user_id {
        return Err(ApiError::rule(
            ErrorCode::CannotDisableSelf,
            "you cannot disable your own account",
        ));
    }
    let row = db::users::disable(conn, target.id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "user.disable", "user").entity(row.id, &row.org_path),
    )?;
    Ok(row)
}

/// A page of the audit events about objects in the caller's subtree matching `filter`
/// (admins and auditors).
pub fn audit_events(
    conn: &mut DbConn,
    user: &Principal,
    filter: AuditFilter,
) -> ApiResult<Vec<AuditRow>> {
    let scope = user.require(Action::ReadAuditEvents)?;
    let filter = AuditFilter {
        subtree: scope.org_path_prefix().map(String::from),
        ..filter
    };
    Ok(db::audit::list(conn, &filter)?)
}
