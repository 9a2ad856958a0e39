//! Identity disputes: an anonymous registration that carried an ID number already registered,
//! kept for the bureau of the existing registration to decide (issue 13).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::identity_disputes;
use super::{DbConn, now, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct DisputeRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub channel: String,
    pub recruitment_id: Option<i64>,
    pub claimant_name_enc: String,
    pub claimant_name_masked: String,
    pub claimant_mobile_enc: Option<String>,
    pub claimant_mobile_masked: String,
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub struct NewDispute<'a> {
    pub volunteer_id: i64,
    pub organization_id: i64,
    pub org_path: &'a str,
    pub channel: &'a str,
    pub recruitment_id: Option<i64>,
    pub claimant_name_enc: String,
    pub claimant_name_masked: String,
    pub claimant_mobile_enc: String,
    pub claimant_mobile_masked: String,
}

pub fn insert(conn: &mut DbConn, d: &NewDispute) -> QueryResult<i64> {
    diesel::insert_into(identity_disputes::table)
        .values((
            identity_disputes::volunteer_id.eq(d.volunteer_id),
            identity_disputes::organization_id.eq(d.organization_id),
            identity_disputes::org_path.eq(d.org_path),
            identity_disputes::channel.eq(d.channel),
            identity_disputes::recruitment_id.eq(d.recruitment_id),
            identity_disputes::claimant_name_enc.eq(&d.claimant_name_enc),
            identity_disputes::claimant_name_masked.eq(&d.claimant_name_masked),
            identity_disputes::claimant_mobile_enc.eq(Some(&d.claimant_mobile_enc)),
            identity_disputes::claimant_mobile_masked.eq(&d.claimant_mobile_masked),
            identity_disputes::status.eq("open"),
            identity_disputes::created_at.eq(now()),
        ))
        .returning(identity_disputes::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<DisputeRow>> {
    identity_disputes::table.find(id).first(conn).optional()
}

/// Disputes about registrations in the subtree under `root` (all when `None`), by id.
pub fn list(
    conn: &mut DbConn,
    root: Option<&str>,
    status: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DisputeRow>> {
    let mut q = identity_disputes::table.into_boxed();
    if let Some(path) = root {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            identity_disputes::org_path
                .ge(lo)
                .and(identity_disputes::org_path.lt(hi)),
        );
    }
    if let Some(s) = status {
        q = q.filter(identity_disputes::status.eq(s.to_string()));
    }
    if let Some(after) = after_id {
        q = q.filter(identity_disputes::id.gt(after));
    }
    q.order(identity_disputes::id).limit(limit + 1).load(conn)
}

/// Records the decision on an open dispute; `false` when it was decided already (the
/// conditional update is the compare-and-set against a concurrent decision).
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    reason: &str,
    decided_by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        identity_disputes::table
            .filter(identity_disputes::id.eq(id))
            .filter(identity_disputes::status.eq("open")),
    )
    .set((
        identity_disputes::status.eq(status),
        identity_disputes::decision_reason.eq(reason),
        identity_disputes::decided_by.eq(decided_by),
        identity_disputes::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
