//! Failed-login tallies and the attempts in flight, stored so that every instance of the
//! service shares them (`auth::throttle` decides; this module only stores). Every change to
//! an account's rows starts by writing its account-wide row (`lock_account`, or the failure
//! count in `settle_account`): on PostgreSQL that takes the row lock, on SQLite the write
//! transaction (BEGIN IMMEDIATE) already holds the database lock, so concurrent logins for one
//! account queue instead of reading the same tally.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use super::DbConn;
use super::schema::{login_attempts as attempts, login_throttles as tallies};

/// The `client` of an account's tally across all addresses.
pub const ACCOUNT_WIDE: &str = "";

/// One tally and the attempts of it still in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub failures: u32,
    pub in_flight: u32,
    pub window_start: NaiveDateTime,
    pub last_failure: NaiveDateTime,
}

/// Creates the account-wide row if it is new and locks it until the transaction ends.
pub fn lock_account(conn: &mut DbConn, account: &str, now: NaiveDateTime) -> QueryResult<()> {
    // The no-op DO UPDATE is what takes the lock on an existing row (DO NOTHING would not).
    diesel::sql_query(
        "INSERT INTO login_throttles (account, client, failures, window_start, last_failure) \
         VALUES ($1, '', 0, $2, $3) \
         ON CONFLICT (account, client) DO UPDATE SET account = excluded.account",
    )
    .bind::<Text, _>(account)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    Ok(())
}

/// Forgets the attempts of `account` that started before `before`: their instance died
/// before settling them (a live one settles within seconds).
pub fn forget_abandoned(
    conn: &mut DbConn,
    account: &str,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        attempts::table
            .filter(attempts::account.eq(account))
            .filter(attempts::started_at.lt(before)),
    )
    .execute(conn)
}

/// The tally of (`account`, `client`) — `ACCOUNT_WIDE` for the account's — if it exists.
pub fn tally(conn: &mut DbConn, account: &str, client: &str) -> QueryResult<Option<Tally>> {
    let row: Option<(i32, NaiveDateTime, NaiveDateTime)> = tallies::table
        .find((account, client))
        .select((
            tallies::failures,
            tallies::window_start,
            tallies::last_failure,
        ))
        .first(conn)
        .optional()?;
    let Some((failures, window_start, last_failure)) = row else {
        return Ok(None);
    };
    let in_flight = attempts::table
        .filter(attempts::account.eq(account))
        .into_boxed();
    let in_flight = if client == ACCOUNT_WIDE {
        in_flight
    } else {
        in_flight.filter(attempts::client.eq(client))
    };
    let in_flight: i64 = in_flight.count().get_result(conn)?;
    Ok(Some(Tally {
        failures: u32::try_from(failures).unwrap_or(0),
        in_flight: u32::try_from(in_flight).unwrap_or(u32::MAX),
        window_start,
        last_failure,
    }))
}

/// Starts a new window for (`account`, `client`) with no failures, creating the row if needed.
pub fn restart_window(
    conn: &mut DbConn,
    account: &str,
    client: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO login_throttles (account, client, failures, window_start, last_failure) \
         VALUES ($1, $2, 0, $3, $4) \
         ON CONFLICT (account, client) DO UPDATE SET failures = 0, \
         window_start = excluded.window_start, last_failure = excluded.last_failure",
    )
    .bind::<Text, _>(account)
    .bind::<Text, _>(client)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    Ok(())
}

/// Records an admitted attempt; returns its id.
pub fn start_attempt(
    conn: &mut DbConn,
    account: &str,
    client: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(attempts::table)
        .values((
            attempts::account.eq(account),
            attempts::client.eq(client),
            attempts::started_at.eq(now),
        ))
        .returning(attempts::id)
        .get_result(conn)
}

/// First step of settling an attempt: locks the account-wide row and, for a failure, counts
/// it there.
pub fn settle_account(
    conn: &mut DbConn,
    account: &str,
    failed: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let row = tallies::table.find((account, ACCOUNT_WIDE));
    if failed {
        diesel::update(row)
            .set((
                tallies::failures.eq(tallies::failures + 1),
                tallies::last_failure.eq(now),
            ))
            .execute(conn)
    } else {
        diesel::update(row)
            .set(tallies::failures.eq(tallies::failures))
            .execute(conn)
    }
}

/// Removes a settled attempt from the ones in flight.
pub fn end_attempt(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(attempts::table.find(id)).execute(conn)
}

/// Counts a failure in the tally of (`account`, `client`), if it still has one.
pub fn count_failure(
    conn: &mut DbConn,
    account: &str,
    client: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(tallies::table.find((account, client)))
        .set((
            tallies::failures.eq(tallies::failures + 1),
            tallies::last_failure.eq(now),
        ))
        .execute(conn)
}

/// Drops the tally of (`account`, `client`) (never the account-wide one).
pub fn forget_client(conn: &mut DbConn, account: &str, client: &str) -> QueryResult<usize> {
    debug_assert_ne!(client, ACCOUNT_WIDE);
    diesel::delete(tallies::table.find((account, client))).execute(conn)
}

/// Deletes attempts started before `abandoned_before` and tallies whose window began before
/// `window_before` and that have no attempt in flight (a reset would forget them anyway);
/// returns how many rows went.
pub fn purge(
    conn: &mut DbConn,
    abandoned_before: NaiveDateTime,
    window_before: NaiveDateTime,
) -> QueryResult<usize> {
    let stale_attempts =
        diesel::delete(attempts::table.filter(attempts::started_at.lt(abandoned_before)))
            .execute(conn)?;
    let stale_tallies = diesel::sql_query(
        "DELETE FROM login_throttles WHERE window_start < $1 AND NOT EXISTS \
         (SELECT 1 FROM login_attempts a WHERE a.account = login_throttles.account)",
    )
    .bind::<Timestamp, _>(window_before)
    .execute(conn)?;
    Ok(stale_attempts + stale_tallies)
}
