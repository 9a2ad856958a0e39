//! Batch dispatch plans: the proposed plan as JSON text, and its one-way commit.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::dispatch_plans;
use super::{DbConn, now};

#[derive(Debug, Clone, Queryable)]
pub struct PlanRow {
    pub id: i64,
    pub created_by: i64,
    pub org_path: String,
    pub status: String,
    pub plan: String,
    pub created_at: NaiveDateTime,
    pub committed_at: Option<NaiveDateTime>,
}

/// Stores a proposed plan for the user at `org_path`.
pub fn insert(
    conn: &mut DbConn,
    created_by: i64,
    org_path: &str,
    plan: &str,
) -> QueryResult<PlanRow> {
    let id: i64 = diesel::insert_into(dispatch_plans::table)
        .values((
            dispatch_plans::created_by.eq(created_by),
            dispatch_plans::org_path.eq(org_path),
            dispatch_plans::status.eq("proposed"),
            dispatch_plans::plan.eq(plan),
            dispatch_plans::created_at.eq(now()),
        ))
        .returning(dispatch_plans::id)
        .get_result(conn)?;
    dispatch_plans::table.find(id).first(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<PlanRow>> {
    dispatch_plans::table.find(id).first(conn).optional()
}

/// Marks a proposed plan committed (compare-and-set, so a plan commits once even under
/// concurrent requests); `false` if it was committed already.
pub fn mark_committed(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        dispatch_plans::table
            .filter(dispatch_plans::id.eq(id))
            .filter(dispatch_plans::status.eq("proposed")),
    )
    .set((
        dispatch_plans::status.eq("committed"),
        dispatch_plans::committed_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Replaces the stored plan (after a commit, with the offers it made).
pub fn set_plan(conn: &mut DbConn, id: i64, plan: &str) -> QueryResult<usize> {
    diesel::update(dispatch_plans::table.find(id))
        .set(dispatch_plans::plan.eq(plan))
        .execute(conn)
}
