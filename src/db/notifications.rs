//! The notification outbox: one row per thing a person must know about.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notifications;
use super::{DbConn, now};

#[derive(Debug, Clone, Queryable)]
pub struct NotificationRow {
    pub id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_volunteer_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub dedupe_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// Who receives it: a volunteer (whether or not they have a login yet) or a staff account.
#[derive(Debug, Clone, Copy)]
pub enum Recipient {
    Volunteer(i64),
    User(i64),
}

pub struct Notice<'a> {
    pub recipient: Recipient,
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub entity: Option<(&'a str, String)>,
    /// Same key twice = one notification (periodic reminders).
    pub dedupe_key: Option<String>,
}

/// Queues a notification; returns `false` when one with the same dedupe key exists already.
pub fn push(conn: &mut DbConn, n: Notice) -> QueryResult<bool> {
    if let Some(key) = &n.dedupe_key {
        let exists: bool = diesel::select(diesel::dsl::exists(
            notifications::table.filter(notifications::dedupe_key.eq(key)),
        ))
        .get_result(conn)?;
        if exists {
            return Ok(false);
        }
    }
    let (user, volunteer) = match n.recipient {
        Recipient::User(id) => (Some(id), None),
        Recipient::Volunteer(id) => (None, Some(id)),
    };
    let (entity_type, entity_id) = n.entity.unzip();
    diesel::insert_into(notifications::table)
        .values((
            notifications::recipient_user_id.eq(user),
            notifications::recipient_volunteer_id.eq(volunteer),
            notifications::kind.eq(n.kind),
            notifications::title.eq(n.title),
            notifications::body.eq(n.body),
            notifications::entity_type.eq(entity_type),
            notifications::entity_id.eq(entity_id),
            notifications::dedupe_key.eq(n.dedupe_key),
            notifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// A person's notifications: addressed to the account or to its volunteer record.
pub fn list_for(
    conn: &mut DbConn,
    user_id: i64,
    volunteer_id: Option<i64>,
    unread_only: bool,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    let mut q = notifications::table.into_boxed();
    q = match volunteer_id {
        Some(v) => q.filter(
            notifications::recipient_user_id
                .eq(user_id)
                .or(notifications::recipient_volunteer_id.eq(v)),
        ),
        None => q.filter(notifications::recipient_user_id.eq(user_id)),
    };
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    if let Some(after) = after_id {
        q = q.filter(notifications::id.gt(after));
    }
    q.order(notifications::id).limit(limit + 1).load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<NotificationRow>> {
    notifications::table.find(id).first(conn).optional()
}

pub fn mark_read(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now()))
    .execute(conn)
}
