//! Use cases, one module per aggregate. A use case takes a connection, the caller and a
//! command; it loads what the caller may reach, asks `domain` for the decision, writes through
//! `db`, audits and notifies. It knows no HTTP: routes extract, call one use case and shape
//! the response.

use crate::db::{self, DbConn, DbPool};
use crate::error::ApiResult;

pub mod activities;
pub mod dispatch;
pub mod identity_disputes;
pub mod implementation_plans;
pub mod matching;
pub mod notifications;
pub mod organizations;
pub mod plans;
pub mod privacy;
pub mod reach;
pub mod recognition;
pub mod record_exchange;
pub mod records;
pub mod recruitment;
pub mod sessions;
pub mod spring_rain;
pub mod stats;
pub mod training;
pub mod training_base;
pub mod users;
pub mod voice;

/// Runs a use case off the async workers with a pooled connection (reads, or writes that
/// manage their own transactions).
pub async fn run<T, F>(pool: &DbPool, f: F) -> ApiResult<T>
where
    F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    db::run(pool, f).await
}

/// Runs a use case in one write transaction off the async workers.
pub async fn write<T, F>(pool: &DbPool, f: F) -> ApiResult<T>
where
    F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    db::write(pool, f).await
}

/// A certificate (training or service record) is revoked only with a stated reason.
pub fn revocation_reason(reason: &str) -> ApiResult<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(crate::error::ApiError::validation(vec![
            crate::error::FieldError::new("reason", "required", "why is it revoked?"),
        ]));
    }
    Ok(reason)
}
