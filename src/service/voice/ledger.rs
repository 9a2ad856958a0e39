//! The rectification ledger (FB-03): an item per issue to fix, with the responsible
//! organisation and person, measures and a due day; `open → in_progress → resolved` (or
//! `rejected` with a reason), every step audited; the supervising organisation follows its
//! children's items and returns a resolved one that is not done; resolved items are published.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::list_scope;
use crate::auth::policy::{Action, Principal};
use crate::clock::local_date;
use crate::db::voice::{ItemFilter, ItemRow, ItemStepChanges, NewItemRow, OpinionRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::voice::{
    Actor, LedgerStatus, LedgerStep, check_text, item_overdue, ledger_after, needs_reason,
    step_allowed_for, supervises,
};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach, organization_for};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLedgerItem {
    /// The responsible organisation (department), in the caller's subtree.
    pub organization_id: i64,
    pub description: String,
    /// The opinions (issues) the item answers.
    #[serde(default)]
    pub source_opinion_ids: Vec<i64>,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerItem {
    pub id: i64,
    pub organization_id: i64,
    pub description: String,
    pub source_opinion_ids: Vec<i64>,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: NaiveDate,
    /// `open`, `in_progress`, `resolved` or `rejected`.
    pub status: String,
    /// Why it was rejected or last returned.
    pub status_reason: Option<String>,
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    /// Still open or in progress past its due day.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl LedgerItem {
    fn new(row: ItemRow, today: NaiveDate) -> Self {
        Self {
            overdue: item_overdue(row.status, row.due_on, today),
            id: row.id,
            organization_id: row.organization_id,
            description: row.description,
            source_opinion_ids: serde_json::from_str(&row.source_opinion_ids).unwrap_or_default(),
            responsible_person: row.responsible_person,
            measures: row.measures,
            due_on: row.due_on,
            status: row.status.as_str().to_string(),
            status_reason: row.status_reason,
            resolution: row.resolution,
            resolved_at: row.resolved_at.map(|t| t.and_utc()),
            published_at: row.published_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

const MAX_PERSON: usize = 100;

pub fn create_item(
    conn: &mut DbConn,
    user: &Principal,
    req: NewLedgerItem,
    now: DateTime<Utc>,
) -> ApiResult<LedgerItem> {
    let org = organization_for(
        conn,
        user,
        req.organization_id,
        Action::ManageRectifications,
    )?;
    let today = local_date(now);
    let mut problems = Vec::new();
    problems.extend(check_text("description", &req.description));
    problems.extend(check_text("measures", &req.measures));
    let person = req.responsible_person.trim();
    if person.is_empty() || person.chars().count() > MAX_PERSON {
        problems.push(Invalid::new(
            "responsible_person",
            "required",
            format!("the person responsible, 1 to {MAX_PERSON} characters"),
        ));
    }
    if req.due_on < today {
        problems.push(Invalid::new(
            "due_on",
            "in_past",
            "the due day is today or later",
        ));
    }
    let mut sources = req.source_opinion_ids.clone();
    sources.sort_unstable();
    sources.dedup();
    for (i, id) in sources.iter().enumerate() {
        let opinion = load_in_reach::<OpinionRow>(conn, user, *id, Access::Read)?;
        if !opinion.is_issue {
            problems.push(Invalid::new(
                format!("source_opinion_ids[{i}]"),
                "not_an_issue",
                "the opinion raises no issue",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let at = now.naive_utc();
    let row = db::voice::insert_item(
        conn,
        &NewItemRow {
            organization_id: org.id,
            org_path: org.path.clone(),
            description: req.description.trim().to_string(),
            source_opinion_ids: serde_json::to_string(&sources).unwrap_or_default(),
            responsible_person: person.to_string(),
            measures: req.measures.trim().to_string(),
            due_on: req.due_on,
            status: LedgerStatus::Open,
            created_by: user.user_id,
            created_at: at,
            updated_at: at,
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "rectification.open", "rectification")
            .entity(row.id, &row.org_path)
            .detail(serde_json::json!({ "source_opinion_ids": sources, "due_on": req.due_on })),
    )?;
    Ok(LedgerItem::new(row, today))
}

pub fn get_item(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<LedgerItem> {
    let row = load_in_reach::<ItemRow>(conn, user, id, Access::Read)?;
    Ok(LedgerItem::new(row, local_date(now)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// Required to reject or return.
    pub reason: Option<String>,
    /// Required to resolve: what was done.
    pub resolution: Option<String>,
}

/// FB-03: one step on an item (`start`, `resolve`, `reject`, `return`).
pub fn step_item(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    step: LedgerStep,
    req: StepRequest,
    now: DateTime<Utc>,
) -> ApiResult<LedgerItem> {
    let row = load_in_reach::<ItemRow>(conn, user, id, Access::Act(Action::ManageRectifications))?;
    let actor = if supervises(&user.org_path, &row.org_path) {
        Actor::Supervisor
    } else {
        Actor::Responsible
    };
    if !step_allowed_for(step, actor) {
        return Err(ApiError::forbidden(
            "only the supervising organisation returns a resolved item",
        )
        .with_code(ErrorCode::Fb03));
    }
    let Some(to) = ledger_after(row.status, step) else {
        return Err(ApiError::conflict(
            ErrorCode::LedgerStepNotAllowed,
            format!(
                "a {} item cannot take the step {}",
                row.status.as_str(),
                step.as_str()
            ),
        ));
    };
    let text = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (reason, resolution) = (text(req.reason), text(req.resolution));
    let mut problems = Vec::new();
    if needs_reason(step) {
        match &reason {
            None => problems
                .push(Invalid::new("reason", "required", "a reason is required").rule("FB-03")),
            Some(r) => problems.extend(check_text("reason", r)),
        }
    }
    if step == LedgerStep::Resolve {
        match &resolution {
            None => problems.push(Invalid::new(
                "resolution",
                "required",
                "what was done is required",
            )),
            Some(r) => problems.extend(check_text("resolution", r)),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let at = now.naive_utc();
    let changes = ItemStepChanges {
        status: to,
        status_reason: reason.clone(),
        resolution,
        resolved_at: (to == LedgerStatus::Resolved).then_some(at),
        updated_at: at,
    };
    if !db::voice::step_item(conn, id, row.status, &changes)? {
        return Err(ApiError::conflict(
            ErrorCode::LedgerStepNotAllowed,
            "the item moved meanwhile; read it again",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            match step {
                LedgerStep::Start => "rectification.start",
                LedgerStep::Resolve => "rectification.resolve",
                LedgerStep::Reject => "rectification.reject",
                LedgerStep::Return => "rectification.return",
            },
            "rectification",
        )
        .entity(id, &row.org_path)
        .detail(serde_json::json!({
            "from": row.status.as_str(),
            "to": to.as_str(),
            "reason": reason,
        })),
    )?;
    get_item(conn, user, id, now)
}

/// Publishes a resolved item (its text only) on the public page.
pub fn publish_item(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<LedgerItem> {
    let row = load_in_reach::<ItemRow>(conn, user, id, Access::Act(Action::ManageRectifications))?;
    if row.published_at.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::ItemPublished,
            "the item is published already",
        ));
    }
    if row.status != LedgerStatus::Resolved || !db::voice::publish_item(conn, id, now.naive_utc())?
    {
        return Err(ApiError::conflict(
            ErrorCode::ItemNotResolved,
            "only a resolved item is published",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "rectification.publish", "rectification").entity(id, &row.org_path),
    )?;
    get_item(conn, user, id, now)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// `open`, `in_progress`, `resolved` or `rejected`.
    pub status: Option<String>,
    /// Only items still open or in progress past their due day.
    #[serde(default)]
    pub overdue: bool,
}

/// The ledger of the caller's subtree: a supervisor's holds its children's items.
pub fn list_items(
    conn: &mut DbConn,
    user: &Principal,
    q: &ItemQuery,
    after_id: Option<i64>,
    limit: i64,
    now: DateTime<Utc>,
) -> ApiResult<Vec<LedgerItem>> {
    let today = local_date(now);
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(LedgerStatus::parse(s).ok_or_else(|| {
            ApiError::invalid(vec![Invalid::new(
                "status",
                "unknown_code",
                "open, in_progress, resolved or rejected",
            )])
        })?),
    };
    let rows = db::voice::list_items(
        conn,
        &ItemFilter {
            subtree: list_scope(user, Action::ReadRectifications)?,
            status,
            overdue_before: q.overdue.then_some(today),
            after_id,
            limit,
        },
    )?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerItem::new(r, today))
        .collect())
}

/// A published item as the public sees it: text only, no person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicItem {
    pub id: i64,
    pub organization_name: String,
    pub description: String,
    pub measures: String,
    pub resolution: Option<String>,
    pub due_on: NaiveDate,
    pub resolved_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

pub fn public_items(
    conn: &mut DbConn,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<PublicItem>> {
    Ok(db::voice::published_items(conn, after_id, limit)?
        .into_iter()
        .map(|(row, organization_name)| PublicItem {
            id: row.id,
            organization_name,
            description: row.description,
            measures: row.measures,
            resolution: row.resolution,
            due_on: row.due_on,
            resolved_at: row.resolved_at.map(|t| t.and_utc()),
            published_at: row.published_at.map(|t| t.and_utc()),
        })
        .collect())
}
