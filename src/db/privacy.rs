//! Personal-information tables of issue 14: under-14s' encrypted fields (PI-01), privacy
//! notices and the consent history (PI-02), deregistrations awaiting erasure (PI-06).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    deregistrations, privacy_consents, privacy_notices, privacy_withdrawals,
    volunteer_protected_fields,
};

/// The exact birth date, sex and home region of an under-14, each encrypted.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = volunteer_protected_fields)]
pub struct ProtectedFieldsRow {
    pub volunteer_id: i64,
    pub birth_date_enc: String,
    pub sex_enc: String,
    pub home_region_enc: String,
}

pub fn insert_protected(conn: &mut DbConn, rows: &[ProtectedFieldsRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut n = 0;
    for row in rows {
        n += diesel::insert_into(volunteer_protected_fields::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(n)
}

pub fn protected_of(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Option<ProtectedFieldsRow>> {
    volunteer_protected_fields::table
        .find(volunteer_id)
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable)]
pub struct NoticeRow {
    pub id: i64,
    pub version: String,
    pub purpose: String,
    pub fresh_consent_required: bool,
    pub summary: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub published_by: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
}

pub struct NewNotice<'a> {
    pub version: &'a str,
    pub purpose: &'a str,
    pub fresh_consent_required: bool,
    pub summary: &'a str,
    pub created_by: i64,
    pub at: NaiveDateTime,
}

pub fn insert_notice(conn: &mut DbConn, n: NewNotice) -> QueryResult<NoticeRow> {
    let id: i64 = diesel::insert_into(privacy_notices::table)
        .values((
            privacy_notices::version.eq(n.version),
            privacy_notices::purpose.eq(n.purpose),
            privacy_notices::fresh_consent_required.eq(n.fresh_consent_required),
            privacy_notices::summary.eq(n.summary),
            privacy_notices::created_by.eq(n.created_by),
            privacy_notices::created_at.eq(n.at),
        ))
        .returning(privacy_notices::id)
        .get_result(conn)?;
    privacy_notices::table.find(id).first(conn)
}

pub fn find_notice(conn: &mut DbConn, id: i64) -> QueryResult<Option<NoticeRow>> {
    privacy_notices::table.find(id).first(conn).optional()
}

pub fn notice_by_version(conn: &mut DbConn, version: &str) -> QueryResult<Option<NoticeRow>> {
    privacy_notices::table
        .filter(privacy_notices::version.eq(version))
        .first(conn)
        .optional()
}

/// Every notice (`published_only`: those in force or superseded, never drafts), oldest first.
pub fn notices(conn: &mut DbConn, published_only: bool) -> QueryResult<Vec<NoticeRow>> {
    let mut q = privacy_notices::table.into_boxed();
    if published_only {
        q = q.filter(privacy_notices::published_at.is_not_null());
    }
    q.order(privacy_notices::id).load(conn)
}

/// Publishes a draft; `false` when it was published already.
pub fn publish(conn: &mut DbConn, id: i64, by: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        privacy_notices::table
            .find(id)
            .filter(privacy_notices::published_at.is_null()),
    )
    .set((
        privacy_notices::published_by.eq(by),
        privacy_notices::published_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The notices a consent to which lets a volunteer be processed for `purpose`: the latest
/// published one that asked for fresh consent and those published after it (rewordings that
/// did not). `None`: no notice of that purpose asked for fresh consent, so the consent given
/// at registration covers it.
pub fn consent_notices_for(conn: &mut DbConn, purpose: &str) -> QueryResult<Option<Vec<i64>>> {
    let published: Vec<(i64, bool)> = privacy_notices::table
        .filter(privacy_notices::purpose.eq(purpose))
        .filter(privacy_notices::published_at.is_not_null())
        .order((privacy_notices::published_at, privacy_notices::id))
        .select((privacy_notices::id, privacy_notices::fresh_consent_required))
        .load(conn)?;
    let Some(from) = published.iter().rposition(|(_, fresh)| *fresh) else {
        return Ok(None);
    };
    Ok(Some(published[from..].iter().map(|(id, _)| *id).collect()))
}

#[derive(Debug, Clone, Queryable)]
pub struct ConsentEventRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub event: String,
    pub notice_id: Option<i64>,
    pub given_by: String,
    pub recorded_by: i64,
    pub occurred_at: NaiveDateTime,
}

/// One entry of the consent history: `notice_id` for a consent, `None` for a withdrawal.
pub fn record_event(
    conn: &mut DbConn,
    volunteer_id: i64,
    notice_id: Option<i64>,
    given_by: &str,
    recorded_by: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let event = if notice_id.is_some() {
        "given"
    } else {
        "withdrawn"
    };
    diesel::insert_into(privacy_consents::table)
        .values((
            privacy_consents::volunteer_id.eq(volunteer_id),
            privacy_consents::event.eq(event),
            privacy_consents::notice_id.eq(notice_id),
            privacy_consents::given_by.eq(given_by),
            privacy_consents::recorded_by.eq(recorded_by),
            privacy_consents::occurred_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn history(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Vec<ConsentEventRow>> {
    privacy_consents::table
        .filter(privacy_consents::volunteer_id.eq(volunteer_id))
        .order(privacy_consents::id)
        .load(conn)
}

/// Marks the volunteer's consent withdrawn (idempotent).
pub fn set_withdrawn(conn: &mut DbConn, volunteer_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    if withdrawn_at(conn, volunteer_id)?.is_none() {
        diesel::insert_into(privacy_withdrawals::table)
            .values((
                privacy_withdrawals::volunteer_id.eq(volunteer_id),
                privacy_withdrawals::withdrawn_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A fresh consent ends a withdrawal.
pub fn clear_withdrawn(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<usize> {
    diesel::delete(privacy_withdrawals::table.find(volunteer_id)).execute(conn)
}

pub fn withdrawn_at(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    privacy_withdrawals::table
        .find(volunteer_id)
        .select(privacy_withdrawals::withdrawn_at)
        .first(conn)
        .optional()
}

/// Records a deregistration (the first one counts; a repeated call changes nothing).
pub fn record_deregistration(
    conn: &mut DbConn,
    volunteer_id: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let known: Option<i64> = deregistrations::table
        .find(volunteer_id)
        .select(deregistrations::volunteer_id)
        .first(conn)
        .optional()?;
    if known.is_none() {
        diesel::insert_into(deregistrations::table)
            .values((
                deregistrations::volunteer_id.eq(volunteer_id),
                deregistrations::deregistered_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Volunteers deregistered at or before `cutoff` whose contact data is not erased yet.
pub fn due_for_erasure(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<Vec<i64>> {
    deregistrations::table
        .filter(deregistrations::erased_at.is_null())
        .filter(deregistrations::deregistered_at.le(cutoff))
        .select(deregistrations::volunteer_id)
        .order(deregistrations::volunteer_id)
        .load(conn)
}

pub fn mark_erased(conn: &mut DbConn, volunteer_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(deregistrations::table.find(volunteer_id))
        .set(deregistrations::erased_at.eq(at))
        .execute(conn)
}
