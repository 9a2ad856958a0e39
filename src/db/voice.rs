//! The people's voice (issue 10): feedback links, opinions and their written answers, and the
//! rectification ledger.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{feedback_links, opinions, organizations, rectification_items};
use super::{DbConn, subtree_bounds};
use crate::domain::voice::{Channel, LedgerStatus};

#[derive(Debug, Clone, Queryable)]
pub struct FeedbackLinkRow {
    pub activity_id: i64,
    pub token: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct OpinionRow {
    pub id: i64,
    pub activity_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub channel: Channel,
    pub rating: Option<i32>,
    pub body: Option<String>,
    pub target_group: Option<String>,
    pub heard_counts: Option<String>,
    pub heard_on: NaiveDate,
    pub contact_enc: Option<String>,
    pub receipt_code: Option<String>,
    pub is_issue: bool,
    pub answer_due_on: Option<NaiveDate>,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<i64>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = opinions, treat_none_as_default_value = false)]
pub struct NewOpinionRow {
    pub activity_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub channel: Channel,
    pub rating: Option<i32>,
    pub body: Option<String>,
    pub target_group: Option<String>,
    pub heard_counts: Option<String>,
    pub heard_on: NaiveDate,
    pub contact_enc: Option<String>,
    pub receipt_code: Option<String>,
    pub is_issue: bool,
    pub answer_due_on: Option<NaiveDate>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct ItemRow {
    pub id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub description: String,
    pub source_opinion_ids: String,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: NaiveDate,
    pub status: LedgerStatus,
    pub status_reason: Option<String>,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rectification_items, treat_none_as_default_value = false)]
pub struct NewItemRow {
    pub organization_id: i64,
    pub org_path: String,
    pub description: String,
    pub source_opinion_ids: String,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: NaiveDate,
    pub status: LedgerStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A ledger step's write: the new status and what comes with it.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = rectification_items, treat_none_as_default_value = true)]
pub struct ItemStepChanges {
    pub status: LedgerStatus,
    pub status_reason: Option<String>,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn find_link(conn: &mut DbConn, activity_id: i64) -> QueryResult<Option<FeedbackLinkRow>> {
    feedback_links::table
        .find(activity_id)
        .first(conn)
        .optional()
}

pub fn find_link_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<FeedbackLinkRow>> {
    feedback_links::table
        .filter(feedback_links::token.eq(token))
        .first(conn)
        .optional()
}

pub fn insert_link(
    conn: &mut DbConn,
    activity_id: i64,
    token: &str,
    at: NaiveDateTime,
) -> QueryResult<FeedbackLinkRow> {
    diesel::insert_into(feedback_links::table)
        .values((
            feedback_links::activity_id.eq(activity_id),
            feedback_links::token.eq(token),
            feedback_links::created_at.eq(at),
        ))
        .execute(conn)?;
    feedback_links::table.find(activity_id).first(conn)
}

pub fn insert_opinion(conn: &mut DbConn, row: &NewOpinionRow) -> QueryResult<OpinionRow> {
    let id: i64 = diesel::insert_into(opinions::table)
        .values(row)
        .returning(opinions::id)
        .get_result(conn)?;
    opinions::table.find(id).first(conn)
}

pub fn find_opinion(conn: &mut DbConn, id: i64) -> QueryResult<Option<OpinionRow>> {
    opinions::table.find(id).first(conn).optional()
}

pub fn find_opinion_by_receipt(conn: &mut DbConn, code: &str) -> QueryResult<Option<OpinionRow>> {
    opinions::table
        .filter(opinions::receipt_code.eq(code))
        .first(conn)
        .optional()
}

/// Records the written answer, once: `false` when another answer got there first.
pub fn answer_opinion(
    conn: &mut DbConn,
    id: i64,
    answer: &str,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let rows = diesel::update(
        opinions::table
            .filter(opinions::id.eq(id))
            .filter(opinions::answer.is_null()),
    )
    .set((
        opinions::answer.eq(answer),
        opinions::answered_by.eq(by),
        opinions::answered_at.eq(at),
    ))
    .execute(conn)?;
    Ok(rows == 1)
}

#[derive(Debug, Default)]
pub struct OpinionFilter {
    pub subtree: Option<String>,
    pub activity_id: Option<i64>,
    pub issues_only: bool,
    /// Unanswered issues due before this day.
    pub overdue_before: Option<NaiveDate>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list_opinions(conn: &mut DbConn, f: &OpinionFilter) -> QueryResult<Vec<OpinionRow>> {
    let mut q = opinions::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(opinions::org_path.ge(lo).and(opinions::org_path.lt(hi)));
    }
    if let Some(a) = f.activity_id {
        q = q.filter(opinions::activity_id.eq(a));
    }
    if f.issues_only {
        q = q.filter(opinions::is_issue.eq(true));
    }
    if let Some(day) = f.overdue_before {
        q = q
            .filter(opinions::is_issue.eq(true))
            .filter(opinions::answer.is_null())
            .filter(opinions::answer_due_on.lt(day));
    }
    if let Some(after) = f.after_id {
        q = q.filter(opinions::id.gt(after));
    }
    q.order(opinions::id).limit(f.limit + 1).load(conn)
}

/// The written answers to issues received through an activity's link from people who left no
/// contact (they learn the answer here), oldest first.
pub fn public_answers(
    conn: &mut DbConn,
    activity_id: i64,
) -> QueryResult<Vec<(NaiveDate, String, NaiveDateTime)>> {
    let rows: Vec<(NaiveDate, Option<String>, Option<NaiveDateTime>)> = opinions::table
        .filter(opinions::activity_id.eq(activity_id))
        .filter(opinions::channel.eq(Channel::Public))
        .filter(opinions::contact_enc.is_null())
        .filter(opinions::answer.is_not_null())
        .order(opinions::id)
        .select((opinions::heard_on, opinions::answer, opinions::answered_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(on, answer, at)| Some((on, answer?, at?)))
        .collect())
}

pub fn insert_item(conn: &mut DbConn, row: &NewItemRow) -> QueryResult<ItemRow> {
    let id: i64 = diesel::insert_into(rectification_items::table)
        .values(row)
        .returning(rectification_items::id)
        .get_result(conn)?;
    rectification_items::table.find(id).first(conn)
}

pub fn find_item(conn: &mut DbConn, id: i64) -> QueryResult<Option<ItemRow>> {
    rectification_items::table.find(id).first(conn).optional()
}

/// Moves an item from `from` (compare-and-set): `false` when it moved meanwhile.
pub fn step_item(
    conn: &mut DbConn,
    id: i64,
    from: LedgerStatus,
    changes: &ItemStepChanges,
) -> QueryResult<bool> {
    let rows = diesel::update(
        rectification_items::table
            .filter(rectification_items::id.eq(id))
            .filter(rectification_items::status.eq(from)),
    )
    .set(changes)
    .execute(conn)?;
    Ok(rows == 1)
}

/// Publishes a resolved item once: `false` when it is not resolved or published already.
pub fn publish_item(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let rows = diesel::update(
        rectification_items::table
            .filter(rectification_items::id.eq(id))
            .filter(rectification_items::status.eq(LedgerStatus::Resolved))
            .filter(rectification_items::published_at.is_null()),
    )
    .set((
        rectification_items::published_at.eq(at),
        rectification_items::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(rows == 1)
}

#[derive(Debug, Default)]
pub struct ItemFilter {
    pub subtree: Option<String>,
    pub status: Option<LedgerStatus>,
    /// Open or in progress, due before this day.
    pub overdue_before: Option<NaiveDate>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list_items(conn: &mut DbConn, f: &ItemFilter) -> QueryResult<Vec<ItemRow>> {
    let mut q = rectification_items::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            rectification_items::org_path
                .ge(lo)
                .and(rectification_items::org_path.lt(hi)),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(rectification_items::status.eq(s));
    }
    if let Some(day) = f.overdue_before {
        q = q
            .filter(
                rectification_items::status
                    .eq(LedgerStatus::Open)
                    .or(rectification_items::status.eq(LedgerStatus::InProgress)),
            )
            .filter(rectification_items::due_on.lt(day));
    }
    if let Some(after) = f.after_id {
        q = q.filter(rectification_items::id.gt(after));
    }
    q.order(rectification_items::id)
        .limit(f.limit + 1)
        .load(conn)
}

/// Published items with the responsible organisation's name, for the public page.
pub fn published_items(
    conn: &mut DbConn,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(ItemRow, String)>> {
    let mut q = rectification_items::table
        .inner_join(
            organizations::table.on(organizations::id.eq(rectification_items::organization_id)),
        )
        .filter(rectification_items::published_at.is_not_null())
        .select((rectification_items::all_columns, organizations::name))
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(rectification_items::id.gt(after));
    }
    q.order(rectification_items::id).limit(limit + 1).load(conn)
}
