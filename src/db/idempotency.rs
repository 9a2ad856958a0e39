//! Idempotency keys: claim a key before the request runs, then keep its result (or release
//! the key when the request did not succeed, so that the client may retry).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::schema::idempotency_keys as keys;
use super::{DbConn, now};

#[derive(Debug, Clone, Queryable)]
pub struct KeyRow {
    pub user_id: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body_enc: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A finished response, as kept for replays.
pub struct StoredResponse<'a> {
    pub status_code: i32,
    pub content_type: Option<&'a str>,
    pub location: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub body_enc: &'a str,
}

/// How long a finished result is replayed.
pub const KEEP_RESULTS: chrono::Duration = chrono::Duration::hours(24);
/// A claim without a result after this long belongs to a request that died with its server.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(5);

/// Claims `(user_id, key)` for a request with this hash. `None`: claimed, run the request.
/// `Some(row)`: the key was taken already (finished or still in progress). The primary key
/// decides between concurrent claims.
pub fn claim(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    request_hash: &str,
) -> QueryResult<Option<KeyRow>> {
    let at = now();
    // An expired result or an abandoned claim frees the key.
    diesel::delete(
        keys::table.find((user_id, key)).filter(
            keys::created_at.lt(at - KEEP_RESULTS).or(keys::status_code
                .is_null()
                .and(keys::created_at.lt(at - ABANDONED_AFTER))),
        ),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::user_id.eq(user_id),
            keys::idempotency_key.eq(key),
            keys::request_hash.eq(request_hash),
            keys::created_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(None),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            keys::table.find((user_id, key)).first(conn).optional()
        }
        Err(e) => Err(e),
    }
}

/// Keeps the response of a claimed key.
pub fn complete(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    response: &StoredResponse,
) -> QueryResult<usize> {
    diesel::update(keys::table.find((user_id, key)))
        .set((
            keys::status_code.eq(response.status_code),
            keys::content_type.eq(response.content_type),
            keys::location.eq(response.location),
            keys::etag.eq(response.etag),
            keys::body_enc.eq(response.body_enc),
        ))
        .execute(conn)
}

/// Gives a claimed key back (the request failed; a retry should run again).
pub fn release(conn: &mut DbConn, user_id: i64, key: &str) -> QueryResult<usize> {
    diesel::delete(
        keys::table
            .find((user_id, key))
            .filter(keys::status_code.is_null()),
    )
    .execute(conn)
}

/// Deletes keys older than `before` (finished or abandoned); returns how many.
pub fn purge_older_than(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::created_at.lt(before))).execute(conn)
}
