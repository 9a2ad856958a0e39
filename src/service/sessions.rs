//! Sign-in sessions: opening one at login (audited, as is every failed attempt), rotating
//! its refresh token, ending it at logout. Passwords and tokens are checked and minted by
//! the caller; this is what is stored.

use chrono::Duration;

use crate::db::audit::AuditEntry;
use crate::db::auth::{RefreshPolicy, Rotation};
use crate::db::users::UserRow;
use crate::db::{self, DbConn};
use crate::error::ApiResult;

/// The account a login names, if any (disabled ones too: the caller answers them alike).
pub fn account_named(conn: &mut DbConn, username: &str) -> ApiResult<Option<UserRow>> {
    Ok(db::users::find_by_username(conn, username)?)
}

/// Puts a failed login on record (no actor: nobody is signed in).
pub fn record_failed_login(conn: &mut DbConn, request_id: &str) -> ApiResult<()> {
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "auth.login_failed",
            entity_type: "user",
            entity_id: None,
            org_path: None,
            detail: None,
        },
    )?;
    Ok(())
}

/// Opens a session for `user` with its first refresh token; returns the session id.
pub fn open_session(
    conn: &mut DbConn,
    user: &UserRow,
    refresh_digest: &str,
    refresh_ttl: Duration,
    request_id: &str,
) -> ApiResult<String> {
    let session_id = db::auth::create_session(conn, user.id, refresh_digest, refresh_ttl)?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "auth.login",
            entity_type: "user",
            entity_id: Some(user.id.to_string()),
            org_path: Some(&user.org_path),
            detail: None,
        },
    )?;
    Ok(session_id)
}

/// Exchanges a refresh token for its successor (reuse revokes the session).
pub fn rotate_refresh_token(
    conn: &mut DbConn,
    digest: &str,
    next_digest: &str,
    policy: RefreshPolicy,
) -> ApiResult<Rotation> {
    Ok(db::auth::rotate(conn, digest, next_digest, policy)?)
}

/// Ends the session a refresh token belongs to, if it is still known.
pub fn end_session(conn: &mut DbConn, digest: &str) -> ApiResult<()> {
    if let Some(session_id) = db::auth::session_of_refresh(conn, digest)? {
        db::auth::revoke_session(conn, &session_id, "logout")?;
    }
    Ok(())
}
