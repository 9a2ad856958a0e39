//! The organisation tree.

use crate::domain::organization::{OrgKind, OrganType};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organizations;
use super::{DbConn, now, subtree_bounds};
use crate::domain::organization::NewOrg;

#[derive(Debug, Clone, Queryable)]
pub struct OrganizationRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub organ_type: Option<OrganType>,
    pub name: String,
    pub region_code: String,
    pub path: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default)]
pub struct OrgFilter {
    /// Restrict to this subtree (materialised path); `None` = everything.
    pub subtree: Option<String>,
    pub kind: Option<String>,
    pub region_code: Option<String>,
    pub parent_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OrganizationRow>> {
    organizations::table.find(id).first(conn).optional()
}

/// Keyset page ordered by id; returns up to `limit + 1` rows so the caller knows if more exist.
pub fn list(conn: &mut DbConn, filter: &OrgFilter) -> QueryResult<Vec<OrganizationRow>> {
    let mut query = organizations::table.into_boxed();
    if let Some(path) = &filter.subtree {
        let (lo, hi) = subtree_bounds(path);
        query = query.filter(organizations::path.ge(lo).and(organizations::path.lt(hi)));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(organizations::kind.eq(kind.clone()));
    }
    if let Some(region) = &filter.region_code {
        query = query.filter(organizations::region_code.eq(region.clone()));
    }
    if let Some(parent) = filter.parent_id {
        query = query.filter(organizations::parent_id.eq(parent));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(organizations::id.gt(after));
    }
    query
        .order(organizations::id)
        .limit(filter.limit + 1)
        .load(conn)
}

/// Inserts a child under `parent` and gives it its materialised path (`parent.path + id/`).
/// Run inside a write transaction.
pub fn insert_child(
    conn: &mut DbConn,
    parent: &OrganizationRow,
    org: &NewOrg,
) -> QueryResult<OrganizationRow> {
    let at = now();
    // The id is only known after the insert; a unique placeholder path holds its place.
    let placeholder = format!("{}#{}", parent.path, uuid::Uuid::new_v4());
    let id: i64 = diesel::insert_into(organizations::table)
        .values((
            organizations::parent_id.eq(parent.id),
            organizations::kind.eq(org.kind.as_str()),
            organizations::organ_type.eq(org.organ_type.map(|t| t.as_str())),
            organizations::name.eq(org.name.trim()),
            organizations::region_code.eq(org.region.as_str()),
            organizations::path.eq(&placeholder),
            organizations::created_at.eq(at),
            organizations::updated_at.eq(at),
        ))
        .returning(organizations::id)
        .get_result(conn)?;
    diesel::update(organizations::table.find(id))
        .set(organizations::path.eq(format!("{}{id}/", parent.path)))
        .execute(conn)?;
    organizations::table.find(id).first(conn)
}

/// The ministry, root of the tree (created by the first migration).
pub fn find_root(conn: &mut DbConn) -> QueryResult<OrganizationRow> {
    organizations::table
        .filter(organizations::parent_id.is_null())
        .first(conn)
}
