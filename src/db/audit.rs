//! The append-only audit log: every write, and every read of unmasked personal data. Entries
//! are written in the same transaction as the change they describe, so neither exists
//! without the other. `detail` must never hold personal data (callers pass redacted facts).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{DbConn, now, subtree_bounds};
use crate::auth::policy::Principal;

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub org_path: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// One event to record. `org_path` is the path of the organisation that owns the entity, so
/// that supervisors of that subtree can read the event.
pub struct AuditEntry<'a> {
    pub actor: Option<&'a Principal>,
    pub request_id: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub org_path: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

impl<'a> AuditEntry<'a> {
    /// An event caused by an authenticated caller.
    pub fn by(actor: &'a Principal, action: &'a str, entity_type: &'a str) -> Self {
        Self {
            actor: Some(actor),
            request_id: &actor.request_id,
            action,
            entity_type,
            entity_id: None,
            org_path: None,
            detail: None,
        }
    }

    pub fn entity(mut self, id: impl ToString, org_path: &'a str) -> Self {
        self.entity_id = Some(id.to_string());
        self.org_path = Some(org_path);
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// The sum of `detail.rows` over one account's events of `action` since `since`: how much
/// of a budget (for example rows checked by dry-run imports) it has used.
pub fn rows_since(
    conn: &mut DbConn,
    actor_user_id: i64,
    action: &str,
    since: NaiveDateTime,
) -> QueryResult<u64> {
    let details: Vec<Option<String>> = audit_events::table
        .filter(audit_events::actor_user_id.eq(actor_user_id))
        .filter(audit_events::action.eq(action))
        .filter(audit_events::occurred_at.ge(since))
        .select(audit_events::detail)
        .load(conn)?;
    Ok(details
        .iter()
        .flatten()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|d| d["rows"].as_u64())
        .sum())
}

pub fn record(conn: &mut DbConn, entry: AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(now()),
            audit_events::actor_user_id.eq(entry.actor.map(|a| a.user_id)),
            audit_events::actor_role.eq(entry.actor.map(|a| a.role.as_str())),
            audit_events::action.eq(entry.action),
            audit_events::entity_type.eq(entry.entity_type),
            audit_events::entity_id.eq(entry.entity_id),
            audit_events::org_path.eq(entry.org_path),
            audit_events::request_id.eq(entry.request_id),
            audit_events::detail.eq(entry.detail.map(|d| d.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub subtree: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConn, filter: &AuditFilter) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(path) = &filter.subtree {
        let (lo, hi) = subtree_bounds(path);
        query = query.filter(
            audit_events::org_path
                .ge(lo)
                .and(audit_events::org_path.lt(hi)),
        );
    }
    if let Some(v) = &filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(v.clone()));
    }
    if let Some(v) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(v.clone()));
    }
    if let Some(v) = &filter.action {
        query = query.filter(audit_events::action.eq(v.clone()));
    }
    if let Some(v) = filter.actor_user_id {
        query = query.filter(audit_events::actor_user_id.eq(v));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(audit_events::id.gt(after));
    }
    query
        .order(audit_events::id)
        .limit(filter.limit + 1)
        .load(conn)
}
