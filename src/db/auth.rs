//! Login sessions and their rotating refresh tokens. A session is one refresh-token family:
//! every refresh consumes the presented token and issues the next; presenting a consumed token
//! again means it was stolen, and the whole family is revoked.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{refresh_tokens, sessions, users};
use super::users::UserRow;
use super::{DbConn, now};

pub fn create_session(
    conn: &mut DbConn,
    user_id: i64,
    refresh_digest: &str,
    refresh_ttl: Duration,
) -> QueryResult<String> {
    let at = now();
    let session_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(at),
        ))
        .execute(conn)?;
    insert_refresh(conn, &session_id, refresh_digest, at, refresh_ttl)?;
    Ok(session_id)
}

fn insert_refresh(
    conn: &mut DbConn,
    session_id: &str,
    digest: &str,
    at: NaiveDateTime,
    ttl: Duration,
) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(digest),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::issued_at.eq(at),
            refresh_tokens::expires_at.eq(at + ttl),
        ))
        .execute(conn)
}

pub enum Rotation {
    /// The token was live: it is consumed and `new_digest` now belongs to the session.
    Rotated { user: UserRow, session_id: String },
    /// Unknown, expired, revoked session or disabled user.
    Invalid,
    /// A consumed token came back: the session has been revoked.
    ReuseDetected,
}

/// How long tokens and sessions live.
#[derive(Debug, Clone, Copy)]
pub struct RefreshPolicy {
    pub ttl: Duration,
    /// A session ends this long after its login, however often it is refreshed.
    pub session_max_age: Duration,
    /// How long the token just replaced may come back (a retry after a lost response).
    pub grace: Duration,
}

/// Consumes the refresh token with `digest` and stores `new_digest` in its place. Run inside
/// a write transaction: the conditional update is the compare-and-set that makes two
/// concurrent refreshes with one token yield one winner.
pub fn rotate(
    conn: &mut DbConn,
    digest: &str,
    new_digest: &str,
    policy: RefreshPolicy,
) -> QueryResult<Rotation> {
    let at = now();
    let consumed = consume(conn, digest, at)?;
    let row: Option<(String, Option<NaiveDateTime>)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest))
        .select((refresh_tokens::session_id, refresh_tokens::rotated_at))
        .first(conn)
        .optional()?;
    let Some((session_id, rotated_at)) = row else {
        return Ok(Rotation::Invalid);
    };
    if consumed == 0 {
        // Present but not consumable: consumed earlier means a retry or a replay, else expired.
        let Some(rotated_at) = rotated_at else {
            return Ok(Rotation::Invalid);
        };
        if !retry_within_grace(conn, &session_id, rotated_at, at, policy.grace)? {
            revoke_session(conn, &session_id, "refresh_token_reuse")?;
            return Ok(Rotation::ReuseDetected);
        }
    }
    let live: Option<(NaiveDateTime, Option<NaiveDateTime>, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(&session_id))
        .select((
            sessions::created_at,
            sessions::revoked_at,
            users::all_columns,
        ))
        .first(conn)
        .optional()?;
    match live {
        Some((created_at, None, user))
            if !user.disabled && at < created_at + policy.session_max_age =>
        {
            insert_refresh(conn, &session_id, new_digest, at, policy.ttl)?;
            Ok(Rotation::Rotated { user, session_id })
        }
        _ => Ok(Rotation::Invalid),
    }
}

/// Marks a live token used; 1 when this call consumed it.
fn consume(conn: &mut DbConn, digest: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(digest))
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::expires_at.gt(at)),
    )
    .set(refresh_tokens::rotated_at.eq(at))
    .execute(conn)
}

/// A used token may come back once its successor is lost: within `grace` of its rotation,
/// and only while that successor (issued at the same instant) is still unused — so it is the
/// immediately previous token of the session. The successor is consumed in its place, which
/// means a second retry of the same token finds it used and counts as reuse.
fn retry_within_grace(
    conn: &mut DbConn,
    session_id: &str,
    rotated_at: NaiveDateTime,
    at: NaiveDateTime,
    grace: Duration,
) -> QueryResult<bool> {
    if at - rotated_at > grace {
        return Ok(false);
    }
    let successor: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::session_id.eq(session_id))
        .filter(refresh_tokens::issued_at.eq(rotated_at))
        .filter(refresh_tokens::rotated_at.is_null())
        .select(refresh_tokens::token_hash)
        .first(conn)
        .optional()?;
    match successor {
        Some(next) => Ok(consume(conn, &next, at)? == 1),
        None => Ok(false),
    }
}

/// Deletes sessions (and their tokens) that ended before `cutoff`: revoked then, or started
/// more than the maximum session age before it.
pub fn purge_ended_sessions(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    session_max_age: Duration,
) -> QueryResult<usize> {
    let ended = sessions::table
        .filter(
            sessions::revoked_at
                .lt(cutoff)
                .or(sessions::created_at.lt(cutoff - session_max_age)),
        )
        .select(sessions::id);
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::session_id.eq_any(ended)))
        .execute(conn)?;
    diesel::delete(
        sessions::table.filter(
            sessions::revoked_at
                .lt(cutoff)
                .or(sessions::created_at.lt(cutoff - session_max_age)),
        ),
    )
    .execute(conn)
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str, reason: &str) -> QueryResult<usize> {
    note_revocation(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Session id of a refresh token (for logout with a refresh token).
pub fn session_of_refresh(conn: &mut DbConn, digest: &str) -> QueryResult<Option<String>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest))
        .select(refresh_tokens::session_id)
        .first(conn)
        .optional()
}

/// The account behind an access token, if the account is enabled and the session is live.
pub fn active_principal(
    conn: &mut DbConn,
    user_id: i64,
    session_id: &str,
) -> QueryResult<Option<UserRow>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(users::disabled.eq(false))
        .select(users::all_columns)
        .first(conn)
        .optional()
}

/// Raised (in this process at once, in the database for every other instance) by anything
/// that ends a session or an account's access, so cached callers are looked up again.
static LOCAL_REVOCATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many revocations this process has made: a cached caller loaded before the latest one
/// may be stale.
pub fn local_revocations() -> u64 {
    LOCAL_REVOCATIONS.load(std::sync::atomic::Ordering::Acquire)
}

/// Records that access was taken away: the shared counter (for the other instances, inside
/// the caller's transaction) and the process-wide one (for this instance, immediately).
pub fn note_revocation(conn: &mut DbConn) -> QueryResult<()> {
    use super::schema::auth_epoch;
    LOCAL_REVOCATIONS.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    diesel::update(auth_epoch::table.find(1))
        .set(auth_epoch::epoch.eq(auth_epoch::epoch + 1))
        .execute(conn)?;
    Ok(())
}

/// The shared revocation counter.
pub fn revocation_epoch(conn: &mut DbConn) -> QueryResult<i64> {
    use super::schema::auth_epoch;
    auth_epoch::table
        .find(1)
        .select(auth_epoch::epoch)
        .first(conn)
}
