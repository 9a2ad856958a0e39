//! Service records (versioned, never deleted), correction requests, star awards and record
//! certificates.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sum;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    certificate_objections, qualifications, record_certificates, record_corrections,
    service_records, star_awards,
};

#[derive(Debug, Clone, Queryable)]
pub struct ServiceRecordRow {
    pub id: i64,
    pub record_key: i64,
    pub version: i32,
    pub is_current: bool,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub activity_title: String,
    pub region_code: String,
    pub service_date: NaiveDate,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub break_minutes: i32,
    pub minutes: i32,
    pub content: String,
    pub recorder_user_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
    pub change_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_records, treat_none_as_default_value = false)]
pub struct NewServiceRecord {
    pub record_key: i64,
    pub version: i32,
    pub is_current: bool,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub activity_title: String,
    pub region_code: String,
    pub service_date: NaiveDate,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub break_minutes: i32,
    pub minutes: i32,
    pub content: String,
    pub recorder_user_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
    pub change_reason: Option<String>,
}

/// Inserts the first version of a record; its key is its own id.
pub fn insert_first(conn: &mut DbConn, mut row: NewServiceRecord) -> QueryResult<ServiceRecordRow> {
    // The key is only known after the insert: a negative placeholder holds its place.
    row.record_key = -row.assignment_id;
    let id: i64 = diesel::insert_into(service_records::table)
        .values(&row)
        .returning(service_records::id)
        .get_result(conn)?;
    diesel::update(service_records::table.find(id))
        .set(service_records::record_key.eq(id))
        .execute(conn)?;
    service_records::table.find(id).first(conn)
}

/// Adds a new version of a record, which becomes the current one (HRS-05).
pub fn insert_version(
    conn: &mut DbConn,
    previous: &ServiceRecordRow,
    row: NewServiceRecord,
) -> QueryResult<ServiceRecordRow> {
    diesel::update(service_records::table.find(previous.id))
        .set(service_records::is_current.eq(false))
        .execute(conn)?;
    let id: i64 = diesel::insert_into(service_records::table)
        .values(&row)
        .returning(service_records::id)
        .get_result(conn)?;
    service_records::table.find(id).first(conn)
}

pub fn current_of_volunteer(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::volunteer_id.eq(volunteer_id))
        .filter(service_records::is_current.eq(true))
        .order(service_records::started_at)
        .load(conn)
}

pub fn versions_of(conn: &mut DbConn, record_key: i64) -> QueryResult<Vec<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::record_key.eq(record_key))
        .order(service_records::version)
        .load(conn)
}

pub fn find_current(conn: &mut DbConn, record_key: i64) -> QueryResult<Option<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::record_key.eq(record_key))
        .filter(service_records::is_current.eq(true))
        .first(conn)
        .optional()
}

/// Verified minutes of the volunteer (current versions), all time or since `since`.
pub fn total_minutes(
    conn: &mut DbConn,
    volunteer_id: i64,
    since: Option<NaiveDateTime>,
) -> QueryResult<i64> {
    let mut q = service_records::table
        .filter(service_records::volunteer_id.eq(volunteer_id))
        .filter(service_records::is_current.eq(true))
        .select(sum(service_records::minutes))
        .into_boxed();
    if let Some(t) = since {
        q = q.filter(service_records::started_at.ge(t));
    }
    let total: Option<i64> = q.first(conn)?;
    Ok(total.unwrap_or(0))
}

#[derive(Debug, Clone, Queryable)]
pub struct CorrectionRow {
    pub id: i64,
    pub record_key: i64,
    pub volunteer_id: i64,
    pub requested_by: Option<i64>,
    pub proposed_started_at: Option<NaiveDateTime>,
    pub proposed_ended_at: Option<NaiveDateTime>,
    pub proposed_break_minutes: Option<i32>,
    pub reason: String,
    pub status: String,
    pub resolution: Option<String>,
    pub resolved_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

pub struct NewCorrection {
    pub record_key: i64,
    pub volunteer_id: i64,
    pub requested_by: i64,
    pub proposed_started_at: Option<NaiveDateTime>,
    pub proposed_ended_at: Option<NaiveDateTime>,
    pub proposed_break_minutes: Option<i32>,
    pub reason: String,
}

pub fn insert_correction(
    conn: &mut DbConn,
    c: &NewCorrection,
    at: NaiveDateTime,
) -> QueryResult<CorrectionRow> {
    let id: i64 = diesel::insert_into(record_corrections::table)
        .values((
            record_corrections::record_key.eq(c.record_key),
            record_corrections::volunteer_id.eq(c.volunteer_id),
            record_corrections::requested_by.eq(c.requested_by),
            record_corrections::proposed_started_at.eq(c.proposed_started_at),
            record_corrections::proposed_ended_at.eq(c.proposed_ended_at),
            record_corrections::proposed_break_minutes.eq(c.proposed_break_minutes),
            record_corrections::reason.eq(&c.reason),
            record_corrections::status.eq("pending"),
            record_corrections::created_at.eq(at),
        ))
        .returning(record_corrections::id)
        .get_result(conn)?;
    record_corrections::table.find(id).first(conn)
}

pub fn find_correction(conn: &mut DbConn, id: i64) -> QueryResult<Option<CorrectionRow>> {
    record_corrections::table.find(id).first(conn).optional()
}

pub fn resolve_correction(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    resolution: &str,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        record_corrections::table
            .filter(record_corrections::id.eq(id))
            .filter(record_corrections::status.eq("pending")),
    )
    .set((
        record_corrections::status.eq(status),
        record_corrections::resolution.eq(resolution),
        record_corrections::resolved_by.eq(by),
        record_corrections::resolved_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, Queryable)]
pub struct StarAwardRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub level: i32,
    pub status: String,
    pub award_number: Option<String>,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub decision_note: Option<String>,
}

pub fn star_awards_of(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Vec<StarAwardRow>> {
    star_awards::table
        .filter(star_awards::volunteer_id.eq(volunteer_id))
        .order(star_awards::id)
        .load(conn)
}

pub fn insert_star_application(
    conn: &mut DbConn,
    volunteer_id: i64,
    level: i32,
    at: NaiveDateTime,
) -> QueryResult<StarAwardRow> {
    let id: i64 = diesel::insert_into(star_awards::table)
        .values((
            star_awards::volunteer_id.eq(volunteer_id),
            star_awards::level.eq(level),
            star_awards::status.eq("pending"),
            star_awards::requested_at.eq(at),
        ))
        .returning(star_awards::id)
        .get_result(conn)?;
    star_awards::table.find(id).first(conn)
}

pub fn find_star_award(conn: &mut DbConn, id: i64) -> QueryResult<Option<StarAwardRow>> {
    star_awards::table.find(id).first(conn).optional()
}

pub fn decide_star_award(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    number: Option<&str>,
    note: Option<&str>,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        star_awards::table
            .filter(star_awards::id.eq(id))
            .filter(star_awards::status.eq("pending")),
    )
    .set((
        star_awards::status.eq(status),
        star_awards::award_number.eq(number),
        star_awards::decision_note.eq(note),
        star_awards::decided_at.eq(at),
        star_awards::decided_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, Queryable)]
pub struct RecordCertificateRow {
    pub id: i64,
    pub number: String,
    pub volunteer_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub volunteer_name: String,
    pub id_type: String,
    /// The restricted mask (first 6 and last character); see `id_number_masked_enc`.
    pub id_number_masked: String,
    pub volunteer_number: String,
    pub total_minutes: i32,
    pub record_keys: String,
    pub content_summary: String,
    pub issuer_name: String,
    pub person_in_charge: String,
    pub handler: String,
    pub contact: String,
    pub seal_ref: String,
    pub issued_on: NaiveDate,
    pub publicity_ends_on: NaiveDate,
    pub issued_by: Option<i64>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    pub created_at: NaiveDateTime,
    /// The full name (PI-01); `volunteer_name` is the masked form public verification shows.
    pub volunteer_name_enc: Option<String>,
    /// CRT-05: held by an undecided objection since then.
    pub objected_at: Option<NaiveDateTime>,
    /// The documented mask (CRT-03), encrypted: in clear beside the birth date it would be the
    /// whole number (PI-01).
    pub id_number_masked_enc: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = record_certificates, treat_none_as_default_value = false)]
pub struct NewRecordCertificate {
    pub number: String,
    pub volunteer_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub volunteer_name: String,
    pub id_type: String,
    pub id_number_masked: String,
    pub volunteer_number: String,
    pub total_minutes: i32,
    pub record_keys: String,
    pub content_summary: String,
    pub issuer_name: String,
    pub person_in_charge: String,
    pub handler: String,
    pub contact: String,
    pub seal_ref: String,
    pub issued_on: NaiveDate,
    pub publicity_ends_on: NaiveDate,
    pub issued_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub volunteer_name_enc: Option<String>,
    pub id_number_masked_enc: Option<String>,
}

/// PI-06: a deregistered volunteer's certificates keep only the masked name (already the
/// plain column); the full one is replaced by the masked one, encrypted.
pub fn minimise_certificate_names(
    conn: &mut DbConn,
    volunteer_id: i64,
    masked_enc: &str,
) -> QueryResult<usize> {
    diesel::update(
        record_certificates::table.filter(record_certificates::volunteer_id.eq(volunteer_id)),
    )
    .set(record_certificates::volunteer_name_enc.eq(masked_enc))
    .execute(conn)
}

pub fn insert_certificate(
    conn: &mut DbConn,
    row: &NewRecordCertificate,
) -> QueryResult<RecordCertificateRow> {
    let id: i64 = diesel::insert_into(record_certificates::table)
        .values(row)
        .returning(record_certificates::id)
        .get_result(conn)?;
    record_certificates::table.find(id).first(conn)
}

pub fn find_certificate_by_number(
    conn: &mut DbConn,
    number: &str,
) -> QueryResult<Option<RecordCertificateRow>> {
    record_certificates::table
        .filter(record_certificates::number.eq(number))
        .first(conn)
        .optional()
}

pub fn find_certificate(conn: &mut DbConn, id: i64) -> QueryResult<Option<RecordCertificateRow>> {
    record_certificates::table.find(id).first(conn).optional()
}

pub fn certificates_of(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<RecordCertificateRow>> {
    record_certificates::table
        .filter(record_certificates::volunteer_id.eq(volunteer_id))
        .order(record_certificates::id)
        .load(conn)
}

/// An objection to a certificate in its publicity period (CRT-05).
#[derive(Debug, Clone, Queryable)]
pub struct ObjectionRow {
    pub id: i64,
    pub certificate_id: i64,
    pub reason_enc: String,
    /// `pending`, `upheld` or `dismissed`.
    pub status: String,
    pub lodged_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
}

/// Records an objection and holds the certificate (CRT-05).
pub fn insert_objection(
    conn: &mut DbConn,
    certificate_id: i64,
    reason_enc: &str,
    at: NaiveDateTime,
) -> QueryResult<ObjectionRow> {
    let id: i64 = diesel::insert_into(certificate_objections::table)
        .values((
            certificate_objections::certificate_id.eq(certificate_id),
            certificate_objections::reason_enc.eq(reason_enc),
            certificate_objections::status.eq("pending"),
            certificate_objections::lodged_at.eq(at),
        ))
        .returning(certificate_objections::id)
        .get_result(conn)?;
    diesel::update(
        record_certificates::table
            .find(certificate_id)
            .filter(record_certificates::objected_at.is_null()),
    )
    .set(record_certificates::objected_at.eq(at))
    .execute(conn)?;
    certificate_objections::table.find(id).first(conn)
}

pub fn objections_of(conn: &mut DbConn, certificate_id: i64) -> QueryResult<Vec<ObjectionRow>> {
    certificate_objections::table
        .filter(certificate_objections::certificate_id.eq(certificate_id))
        .order(certificate_objections::id)
        .load(conn)
}

pub fn find_objection(
    conn: &mut DbConn,
    certificate_id: i64,
    id: i64,
) -> QueryResult<Option<ObjectionRow>> {
    certificate_objections::table
        .find(id)
        .filter(certificate_objections::certificate_id.eq(certificate_id))
        .first(conn)
        .optional()
}

/// Decides a pending objection (`upheld` or `dismissed`); false when it was decided already.
/// The certificate stays held while another objection is pending.
pub fn decide_objection(
    conn: &mut DbConn,
    objection: &ObjectionRow,
    status: &str,
    by: i64,
    note: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        certificate_objections::table
            .find(objection.id)
            .filter(certificate_objections::status.eq("pending")),
    )
    .set((
        certificate_objections::status.eq(status),
        certificate_objections::decided_by.eq(by),
        certificate_objections::decided_at.eq(at),
        certificate_objections::decision_note.eq(note),
    ))
    .execute(conn)?;
    let pending: i64 = certificate_objections::table
        .filter(certificate_objections::certificate_id.eq(objection.certificate_id))
        .filter(certificate_objections::status.eq("pending"))
        .count()
        .get_result(conn)?;
    if pending == 0 {
        diesel::update(record_certificates::table.find(objection.certificate_id))
            .set(record_certificates::objected_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

pub fn revoke_certificate(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        record_certificates::table
            .filter(record_certificates::id.eq(id))
            .filter(record_certificates::revoked_at.is_null()),
    )
    .set((
        record_certificates::revoked_at.eq(at),
        record_certificates::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, Queryable)]
pub struct QualificationRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub code: String,
    pub issuer: String,
    pub expires_on: Option<NaiveDate>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn qualifications_of(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<QualificationRow>> {
    qualifications::table
        .filter(qualifications::volunteer_id.eq(volunteer_id))
        .order(qualifications::id)
        .load(conn)
}

pub fn insert_qualification(
    conn: &mut DbConn,
    volunteer_id: i64,
    code: &str,
    issuer: &str,
    expires_on: Option<NaiveDate>,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(qualifications::table)
        .values((
            qualifications::volunteer_id.eq(volunteer_id),
            qualifications::code.eq(code),
            qualifications::issuer.eq(issuer),
            qualifications::expires_on.eq(expires_on),
            qualifications::recorded_by.eq(by),
            qualifications::created_at.eq(at),
        ))
        .execute(conn)
}
