//! HRS-07 record exchange: the export of the subtree's current service records for the
//! national volunteer-service system (streamed page by page, audited as every export is,
//! PI-04), and the per-record sync status an exchange job reports back.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::DbConn;
use crate::db::audit::{self, AuditEntry};
use crate::db::record_exchange::{self as rows, ExportFilter, ExportRow};
use crate::domain::stats::{Period, SyncStatus};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};

/// Most records one sync update may name.
pub const MAX_SYNC_IDS: usize = 1000;

/// Starts an export: the filter narrowed to the caller's reach, and the export on record
/// before the first byte leaves (a download cut short is on record too).
pub fn start_export(
    conn: &mut DbConn,
    user: &Principal,
    period: Period,
    format: &str,
    page: i64,
) -> ApiResult<ExportFilter> {
    let scope = user.require(Action::ExportServiceRecords)?;
    audit::record(
        conn,
        AuditEntry::by(user, "service_record.export", "service_record")
            .entity("export", &user.org_path)
            .detail(serde_json::json!({
                "from": period.from, "to": period.to, "format": format, "streamed": true,
            })),
    )?;
    Ok(ExportFilter {
        subtree: scope.org_path_prefix().map(String::from),
        period,
        after_id: 0,
        limit: page,
    })
}

/// One page of the export: `filter` comes from `start_export`.
pub fn export_page(conn: &mut DbConn, filter: &ExportFilter) -> ApiResult<Vec<ExportRow>> {
    Ok(rows::export_page(conn, filter)?)
}

/// A status change to make on some records.
#[derive(Debug, Clone)]
pub struct SyncCommand {
    pub record_ids: Vec<i64>,
    pub status: String,
}

/// What changed on one record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncChange {
    pub id: i64,
    pub from: String,
    pub to: String,
}

fn parse(cmd: &SyncCommand) -> ApiResult<SyncStatus> {
    let mut errors = Vec::new();
    let status = SyncStatus::parse(&cmd.status);
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "invalid_value",
            "status is one of pending, sent, acknowledged, failed",
        ));
    }
    if cmd.record_ids.is_empty() || cmd.record_ids.len() > MAX_SYNC_IDS {
        errors.push(FieldError::new(
            "record_ids",
            "length",
            format!("name between 1 and {MAX_SYNC_IDS} records"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, id) in cmd.record_ids.iter().enumerate() {
        if !seen.insert(*id) {
            errors.push(FieldError::new(
                format!("record_ids[{i}]"),
                "duplicate",
                "the record is named twice",
            ));
        }
    }
    match (status, errors.is_empty()) {
        (Some(status), true) => Ok(status),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Sets the sync status of every named record, or of none: a record outside the caller's
/// reach (or unknown) is 404, a step the status may not take 409 (HRS-07). Every change is
/// audited.
pub fn set_sync_status(
    conn: &mut DbConn,
    user: &Principal,
    cmd: SyncCommand,
    now: DateTime<Utc>,
) -> ApiResult<Vec<SyncChange>> {
    let scope = user.require(Action::SetRecordSyncStatus)?;
    let to = parse(&cmd)?;
    let found: std::collections::HashMap<i64, rows::SyncTarget> =
        rows::sync_targets(conn, &cmd.record_ids)?
            .into_iter()
            .filter(|t| scope.contains(&t.org_path))
            .map(|t| (t.id, t))
            .collect();
    let unseen: Vec<FieldError> = cmd
        .record_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains_key(id))
        .map(|(i, id)| {
            FieldError::new(
                format!("record_ids[{i}]"),
                "not_found",
                format!("service record {id} not found"),
            )
        })
        .collect();
    if !unseen.is_empty() {
        return Err(ApiError::not_found("service record").with_errors(unseen));
    }
    let mut steps = Vec::new();
    let mut refused = Vec::new();
    for (i, id) in cmd.record_ids.iter().enumerate() {
        let target = &found[id];
        let stored = target.status.as_deref().unwrap_or("pending");
        let from = SyncStatus::parse(stored).ok_or_else(|| {
            ApiError::internal(format!("service_record_sync.status holds {stored:?}"))
        })?;
        match from.may_become(to) {
            true => steps.push((target, from)),
            false => refused.push(
                FieldError::new(
                    format!("record_ids[{i}]"),
                    ErrorCode::InvalidTransition.as_str(),
                    format!(
                        "record {id} is {}; it cannot become {}",
                        from.as_str(),
                        to.as_str()
                    ),
                )
                .with_rule("HRS-07"),
            ),
        }
    }
    if !refused.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "HRS-07: a sync status moves pending → sent → acknowledged | failed (a failure may be sent again)",
        )
        .with_errors(refused));
    }
    let at = now.naive_utc();
    let mut changes = Vec::new();
    for (target, from) in steps {
        if !rows::set_sync_status(conn, target.id, from, to, user.user_id, at)? {
            return Err(ApiError::conflict(
                ErrorCode::ConcurrentUpdate,
                format!("record {}'s sync status changed meanwhile", target.id),
            ));
        }
        audit::record(
            conn,
            AuditEntry::by(user, "service_record.sync_status", "service_record")
                .entity(target.id, &target.org_path)
                .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
        )?;
        changes.push(SyncChange {
            id: target.id,
            from: from.as_str().into(),
            to: to.as_str().into(),
        });
    }
    Ok(changes)
}
