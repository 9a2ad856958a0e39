//! HRS-06 consents to province-wide matching: open, withdraw, read the one in force.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::matching_consents;
use super::{DbConn, now};

/// The only scope so far: every coordinator of the volunteer's province may match them.
pub const PROVINCE: &str = "province";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = matching_consents)]
pub struct MatchingConsentRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub scope: String,
    pub notice_version: String,
    pub consented_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<i64>,
}

/// The consent in force, if any.
pub fn current(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Option<MatchingConsentRow>> {
    matching_consents::table
        .filter(matching_consents::volunteer_id.eq(volunteer_id))
        .filter(matching_consents::scope.eq(PROVINCE))
        .filter(matching_consents::withdrawn_at.is_null())
        .select(MatchingConsentRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces the consent in force (a new notice version closes the old row first).
pub fn give(
    conn: &mut DbConn,
    volunteer_id: i64,
    notice_version: &str,
    recorded_by: i64,
) -> QueryResult<()> {
    withdraw(conn, volunteer_id, recorded_by)?;
    diesel::insert_into(matching_consents::table)
        .values((
            matching_consents::volunteer_id.eq(volunteer_id),
            matching_consents::scope.eq(PROVINCE),
            matching_consents::notice_version.eq(notice_version),
            matching_consents::consented_at.eq(now()),
            matching_consents::recorded_by.eq(Some(recorded_by)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes the consent in force; `false` when there was none.
pub fn withdraw(conn: &mut DbConn, volunteer_id: i64, by: i64) -> QueryResult<bool> {
    let closed = diesel::update(
        matching_consents::table
            .filter(matching_consents::volunteer_id.eq(volunteer_id))
            .filter(matching_consents::scope.eq(PROVINCE))
            .filter(matching_consents::withdrawn_at.is_null()),
    )
    .set((
        matching_consents::withdrawn_at.eq(Some(now())),
        matching_consents::withdrawn_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(closed > 0)
}
