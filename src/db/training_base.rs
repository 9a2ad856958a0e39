//! The reverse flow (SR-05): training-base events and the border-region staff nominated to
//! them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{training_base_events, training_base_trainees};
use super::{DbConn, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct EventRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub host_organization_id: i64,
    pub host_org_path: String,
    pub host_province: String,
    pub invited_provinces: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_base_events)]
pub struct NewEventRow {
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub host_organization_id: i64,
    pub host_org_path: String,
    pub host_province: String,
    pub invited_provinces: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct TraineeRow {
    pub id: i64,
    pub event_id: i64,
    pub nominating_organization_id: i64,
    pub nominating_org_path: String,
    pub name_enc: String,
    pub mobile_enc: String,
    pub mobile_masked: String,
    pub mobile_index: String,
    pub work_unit: String,
    pub post: String,
    pub region_code: String,
    pub trainee_province: String,
    pub attended: Option<bool>,
    pub attendance_recorded_at: Option<NaiveDateTime>,
    pub certificate_no: Option<String>,
    pub certificate_issued_on: Option<NaiveDate>,
    pub nominated_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_base_trainees)]
pub struct NewTraineeRow {
    pub event_id: i64,
    pub nominating_organization_id: i64,
    pub nominating_org_path: String,
    pub name_enc: String,
    pub mobile_enc: String,
    pub mobile_masked: String,
    pub mobile_index: String,
    pub work_unit: String,
    pub post: String,
    pub region_code: String,
    pub trainee_province: String,
    pub nominated_by: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert_event(conn: &mut DbConn, row: &NewEventRow) -> QueryResult<EventRow> {
    let id: i64 = diesel::insert_into(training_base_events::table)
        .values(row)
        .returning(training_base_events::id)
        .get_result(conn)?;
    training_base_events::table.find(id).first(conn)
}

pub fn find_event(conn: &mut DbConn, id: i64) -> QueryResult<Option<EventRow>> {
    training_base_events::table.find(id).first(conn).optional()
}

/// Events hosted in `host_subtree` (`None`: everywhere), by id, one page (`limit + 1` rows
/// so the caller can tell whether another page follows).
pub fn list_events(
    conn: &mut DbConn,
    host_subtree: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let mut q = training_base_events::table.into_boxed();
    if let Some(path) = host_subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            training_base_events::host_org_path
                .ge(lo)
                .and(training_base_events::host_org_path.lt(hi)),
        );
    }
    if let Some(after) = after_id {
        q = q.filter(training_base_events::id.gt(after));
    }
    q.order(training_base_events::id)
        .limit(limit + 1)
        .load(conn)
}

pub fn insert_trainee(conn: &mut DbConn, row: &NewTraineeRow) -> QueryResult<TraineeRow> {
    let id: i64 = diesel::insert_into(training_base_trainees::table)
        .values(row)
        .returning(training_base_trainees::id)
        .get_result(conn)?;
    training_base_trainees::table.find(id).first(conn)
}

pub fn find_trainee(conn: &mut DbConn, id: i64) -> QueryResult<Option<TraineeRow>> {
    training_base_trainees::table
        .find(id)
        .first(conn)
        .optional()
}

pub fn count_trainees(conn: &mut DbConn, event_id: i64) -> QueryResult<i64> {
    training_base_trainees::table
        .filter(training_base_trainees::event_id.eq(event_id))
        .count()
        .get_result(conn)
}

/// The trainees of an event, by id; only those nominated within `nominator_subtree` when
/// given.
pub fn trainees_of(
    conn: &mut DbConn,
    event_id: i64,
    nominator_subtree: Option<&str>,
) -> QueryResult<Vec<TraineeRow>> {
    let mut q = training_base_trainees::table
        .filter(training_base_trainees::event_id.eq(event_id))
        .into_boxed();
    if let Some(path) = nominator_subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            training_base_trainees::nominating_org_path
                .ge(lo)
                .and(training_base_trainees::nominating_org_path.lt(hi)),
        );
    }
    q.order(training_base_trainees::id).load(conn)
}

/// Whether any trainee of the event was nominated within `nominator_subtree`.
pub fn has_nominees_from(
    conn: &mut DbConn,
    event_id: i64,
    nominator_subtree: &str,
) -> QueryResult<bool> {
    Ok(!trainees_of(conn, event_id, Some(nominator_subtree))?.is_empty())
}

/// Records whether the trainee attended; not once a certificate is issued (the certificate
/// rests on the attendance). Returns whether a row changed.
pub fn record_attendance(
    conn: &mut DbConn,
    id: i64,
    attended: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        training_base_trainees::table
            .find(id)
            .filter(training_base_trainees::certificate_no.is_null()),
    )
    .set((
        training_base_trainees::attended.eq(Some(attended)),
        training_base_trainees::attendance_recorded_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Issues the certificate to an attended trainee without one. Returns whether a row changed.
pub fn issue_certificate(
    conn: &mut DbConn,
    id: i64,
    number: &str,
    on: NaiveDate,
) -> QueryResult<bool> {
    let n = diesel::update(
        training_base_trainees::table
            .find(id)
            .filter(training_base_trainees::certificate_no.is_null())
            .filter(training_base_trainees::attended.eq(Some(true))),
    )
    .set((
        training_base_trainees::certificate_no.eq(Some(number)),
        training_base_trainees::certificate_issued_on.eq(Some(on)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The trainee holding a certificate number, for its verification.
pub fn find_by_certificate_no(conn: &mut DbConn, number: &str) -> QueryResult<Option<TraineeRow>> {
    training_base_trainees::table
        .filter(training_base_trainees::certificate_no.eq(number))
        .first(conn)
        .optional()
}

/// Reverse-flow trainees recorded as present, counted per (hosting province, trainees'
/// province) — the pairing of an edition report — over events starting in `from..=to`.
pub fn attended_by_province_pair(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, String, i64)>> {
    training_base_trainees::table
        .inner_join(training_base_events::table)
        .filter(training_base_events::starts_on.between(from, to))
        .filter(training_base_trainees::attended.eq(Some(true)))
        .group_by((
            training_base_events::host_province,
            training_base_trainees::trainee_province,
        ))
        .select((
            training_base_events::host_province,
            training_base_trainees::trainee_province,
            diesel::dsl::count_star(),
        ))
        .order_by((
            training_base_events::host_province,
            training_base_trainees::trainee_province,
        ))
        .load(conn)
}
