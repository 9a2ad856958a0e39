//! Accounts (staff and volunteers).

use crate::domain::role::Role;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sessions, users};
use super::{DbConn, now, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub organization_id: i64,
    pub org_path: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    pub volunteer_id: Option<i64>,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub organization_id: i64,
    pub org_path: &'a str,
    pub volunteer_id: Option<i64>,
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub subtree: Option<String>,
    pub role: Option<String>,
    pub organization_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<UserRow>> {
    users::table.find(id).first(conn).optional()
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, user: &NewUser) -> QueryResult<UserRow> {
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::username.eq(user.username),
            users::password_hash.eq(user.password_hash),
            users::role.eq(user.role),
            users::organization_id.eq(user.organization_id),
            users::org_path.eq(user.org_path),
            users::volunteer_id.eq(user.volunteer_id),
            users::disabled.eq(false),
            users::created_at.eq(now()),
        ))
        .returning(users::id)
        .get_result(conn)?;
    users::table.find(id).first(conn)
}

pub fn list(conn: &mut DbConn, filter: &UserFilter) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table.into_boxed();
    if let Some(path) = &filter.subtree {
        let (lo, hi) = subtree_bounds(path);
        query = query.filter(users::org_path.ge(lo).and(users::org_path.lt(hi)));
    }
    if let Some(role) = &filter.role {
        query = query.filter(users::role.eq(role.clone()));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(users::organization_id.eq(org));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id).limit(filter.limit + 1).load(conn)
}

/// An account from an anonymous registration waits for the bureau's confirmation: disabled,
/// with no `disabled_at` (which marks a staff decision). Until then it answers a login like an
/// unknown user, so registering tells the caller nothing about which usernames exist.
pub fn hold_until_confirmed(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::disabled.eq(true))
        .execute(conn)
}

/// Opens the held account of a volunteer the bureau has just confirmed (activated).
pub fn release_held_for_volunteer(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<usize> {
    diesel::update(
        users::table
            .filter(users::volunteer_id.eq(volunteer_id))
            .filter(users::disabled.eq(true))
            .filter(users::disabled_at.is_null()),
    )
    .set(users::disabled.eq(false))
    .execute(conn)
}

/// Disables the account and revokes all of its sessions, so its tokens stop working at once.
pub fn disable(conn: &mut DbConn, id: i64) -> QueryResult<UserRow> {
    let at = now();
    super::auth::note_revocation(conn)?;
    diesel::update(users::table.find(id))
        .set((users::disabled.eq(true), users::disabled_at.eq(at)))
        .execute(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(at),
        sessions::revoked_reason.eq("user_disabled"),
    ))
    .execute(conn)?;
    users::table.find(id).first(conn)
}

pub fn set_password(conn: &mut DbConn, id: i64, password_hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)
}

/// Enabled bureau admins whose subtree holds the organisation at `org_path` (that
/// organisation's own and its ancestors'): who decides about a volunteer registered there.
pub fn bureau_admins_over(conn: &mut DbConn, org_path: &str) -> QueryResult<Vec<i64>> {
    let segments: Vec<&str> = org_path.split('/').filter(|s| !s.is_empty()).collect();
    let paths: Vec<String> = (1..=segments.len())
        .map(|n| format!("/{}/", segments[..n].join("/")))
        .collect();
    users::table
        .filter(users::role.eq("bureau_admin"))
        .filter(users::disabled.eq(false))
        .filter(users::org_path.eq_any(paths))
        .select(users::id)
        .order(users::id)
        .load(conn)
}
