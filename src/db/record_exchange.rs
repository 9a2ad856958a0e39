//! HRS-07 record exchange: the export of current service records in keyset pages, and each
//! record's sync status (a row in `service_record_sync`; none means `pending`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};

use super::schema::{service_record_sync, service_records};
use super::{DbConn, MultiBackend, subtree_bounds};
use crate::domain::stats::{Period, SyncStatus};

/// One record as the national volunteer-service system takes it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ExportRow {
    /// The version's own id: what the sync status is set on.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// The record across its versions.
    #[diesel(sql_type = BigInt)]
    pub record_key: i64,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub volunteer_number: Option<String>,
    #[diesel(sql_type = Text)]
    pub id_type: String,
    #[diesel(sql_type = Text)]
    pub id_number_masked: String,
    #[diesel(sql_type = BigInt)]
    pub activity_id: i64,
    #[diesel(sql_type = Text)]
    pub activity_title: String,
    #[diesel(sql_type = BigInt)]
    pub organization_id: i64,
    #[diesel(sql_type = Text)]
    pub organiser: String,
    #[diesel(sql_type = Text)]
    pub region_code: String,
    #[diesel(sql_type = Date)]
    pub service_date: NaiveDate,
    #[diesel(sql_type = Integer)]
    pub minutes: i32,
    /// The account that verified (or, for a corrected version, amended) the record.
    #[diesel(sql_type = Nullable<Text>)]
    pub verifier: Option<String>,
    #[diesel(sql_type = Text)]
    pub sync_status: String,
}

/// Which records an export covers, and where the next page starts.
#[derive(Debug, Clone)]
pub struct ExportFilter {
    pub subtree: Option<String>,
    pub period: Period,
    pub after_id: i64,
    pub limit: i64,
}

/// One page of current records in id order, after `after_id`. Only this page is in memory.
pub fn export_page(conn: &mut DbConn, f: &ExportFilter) -> QueryResult<Vec<ExportRow>> {
    let mut sql = String::from(
        "SELECT r.id AS id, r.record_key AS record_key, r.version AS version, \
         v.volunteer_number AS volunteer_number, v.id_type AS id_type, \
         v.id_number_masked AS id_number_masked, r.activity_id AS activity_id, \
         r.activity_title AS activity_title, r.organization_id AS organization_id, \
         o.name AS organiser, r.region_code AS region_code, r.service_date AS service_date, \
         r.minutes AS minutes, u.username AS verifier, \
         COALESCE(s.status, 'pending') AS sync_status \
         FROM service_records r \
         JOIN volunteers v ON v.id = r.volunteer_id \
         JOIN organizations o ON o.id = r.organization_id \
         LEFT JOIN users u ON u.id = r.recorder_user_id \
         LEFT JOIN service_record_sync s ON s.record_id = r.id \
         WHERE r.is_current = TRUE AND r.id > $1",
    );
    let mut n = 1;
    let mut next = |sql: &mut String, clause: &str| {
        n += 1;
        sql.push_str(&format!(" AND {clause} ${n}"));
    };
    let bounds = f.subtree.as_deref().map(subtree_bounds);
    if bounds.is_some() {
        next(&mut sql, "r.org_path >=");
        next(&mut sql, "r.org_path <");
    }
    if f.period.from.is_some() {
        next(&mut sql, "r.service_date >=");
    }
    if f.period.to.is_some() {
        next(&mut sql, "r.service_date <=");
    }
    sql.push_str(&format!(
        " ORDER BY r.id LIMIT {}",
        f.limit.clamp(1, 10_000)
    ));
    let mut query = diesel::sql_query(sql)
        .into_boxed::<MultiBackend>()
        .bind::<BigInt, _>(f.after_id);
    if let Some((lo, hi)) = bounds {
        query = query.bind::<Text, _>(lo).bind::<Text, _>(hi);
    }
    if let Some(from) = f.period.from {
        query = query.bind::<Date, _>(from);
    }
    if let Some(to) = f.period.to {
        query = query.bind::<Date, _>(to);
    }
    query.load(conn)
}

/// A record named in a sync update, with what the scope check and the transition need.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    pub id: i64,
    pub org_path: String,
    pub is_current: bool,
    /// `None`: never touched, so `pending`.
    pub status: Option<String>,
}

/// The records among `ids` that exist, with their sync status.
pub fn sync_targets(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<SyncTarget>> {
    let rows: Vec<(i64, String, bool, Option<String>)> = service_records::table
        .left_join(
            service_record_sync::table.on(service_record_sync::record_id.eq(service_records::id)),
        )
        .filter(service_records::id.eq_any(ids))
        .select((
            service_records::id,
            service_records::org_path,
            service_records::is_current,
            service_record_sync::status.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, org_path, is_current, status)| SyncTarget {
            id,
            org_path,
            is_current,
            status,
        })
        .collect())
}

/// Moves record `id` from `from` to `to`; false when someone else moved it first.
pub fn set_sync_status(
    conn: &mut DbConn,
    id: i64,
    from: SyncStatus,
    to: SyncStatus,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    if from == SyncStatus::Pending {
        let exists = service_record_sync::table
            .find(id)
            .select(service_record_sync::record_id)
            .first::<i64>(conn)
            .optional()?
            .is_some();
        if exists {
            return Ok(false);
        }
        diesel::insert_into(service_record_sync::table)
            .values((
                service_record_sync::record_id.eq(id),
                service_record_sync::status.eq(to.as_str()),
                service_record_sync::updated_at.eq(at),
                service_record_sync::updated_by.eq(by),
            ))
            .execute(conn)?;
        return Ok(true);
    }
    let n = diesel::update(
        service_record_sync::table
            .filter(service_record_sync::record_id.eq(id))
            .filter(service_record_sync::status.eq(from.as_str())),
    )
    .set((
        service_record_sync::status.eq(to.as_str()),
        service_record_sync::updated_at.eq(at),
        service_record_sync::updated_by.eq(by),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
