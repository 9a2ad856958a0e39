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

/// Consumes the refresh token with `digest` and stores `new_digest` in its place. Run inside
/// a write transaction: the conditional update is the compare-and-set that makes two
/// concurrent refreshes with one token yield one winner.
pub fn rotate(
    conn: &mut DbConn,
    digest: &str,
    new_digest: &str,
    ttl: Duration,
) -> QueryResult<Rotation> {
    let at = now();
    let consumed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(digest))
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::expires_at.gt(at)),
    )
    .set(refresh_tokens::rotated_at.eq(at))
    .execute(conn)?;

    let row: Option<(String, Option<NaiveDateTime>)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest))
        .select((refresh_tokens::session_id, refresh_tokens::rotated_at))
        .first(conn)
        .optional()?;
    let Some((session_id, rotated_at)) = row else {
        return Ok(Rotation::Invalid);
    };
    if consumed == 0 {
        // Present but not consumable: consumed earlier means replay (theft), else expired.
        if rotated_at.is_some() {
            revoke_session(conn, &session_id, "refresh_token_reuse")?;
            return Ok(Rotation::ReuseDetected);
        }
        return Ok(Rotation::Invalid);
    }
    let live: Option<(Option<NaiveDateTime>, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(&session_id))
        .select((sessions::revoked_at, users::all_columns))
        .first(conn)
        .optional()?;
    match live {
        Some((None, user)) if !user.disabled => {
            insert_refresh(conn, &session_id, new_digest, at, ttl)?;
            Ok(Rotation::Rotated { user, session_id })
        }
        _ => Ok(Rotation::Invalid),
    }
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str, reason: &str) -> QueryResult<usize> {
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
