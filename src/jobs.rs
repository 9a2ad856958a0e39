//! Periodic work: reminders that must go out whether or not anyone calls the API, and
//! clean-up of expired idempotency keys, ended sessions and expired login throttles, and the
//! erasure of deregistered volunteers' contact data (PI-06). Each job is idempotent (dedupe
//! keys), so running it twice, or on two instances, sends nothing twice.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::PersonalDataCipher;

use crate::db::notifications::{Notice, Recipient};
use crate::db::{self, DbConn, DbPool};

/// Days of warning before a training certificate expires.
pub const CERTIFICATE_WARNING_DAYS: u64 = 30;

/// Queues "certificate expires in 30 days" notices for certificates expiring between `today`
/// and `today + 30 days`; returns how many were new.
pub fn notify_expiring_certificates(
    conn: &mut DbConn,
    today: NaiveDate,
) -> diesel::QueryResult<usize> {
    let until = today + Days::new(CERTIFICATE_WARNING_DAYS);
    let mut queued = 0;
    for (cert, course) in db::training::expiring_between(conn, today, until)? {
        let expires = cert.expires_on.unwrap_or(until);
        let new = db::notifications::push(
            conn,
            Notice {
                recipient: Recipient::Volunteer(cert.volunteer_id),
                kind: "certificate_expiring",
                title: format!("培训证书即将到期：{}", course.title),
                body: format!(
                    "Your certificate for {} stops counting on {expires}; enrol in a new session.",
                    course.title
                ),
                entity: Some(("training_certificate", cert.id.to_string())),
                dedupe_key: Some(format!("certificate_expiring:{}", cert.id)),
            },
        )?;
        queued += usize::from(new);
    }
    Ok(queued)
}

/// Deletes sessions that ended more than `retention` ago (revoked, or past their maximum age),
/// with their refresh tokens; returns how many sessions went.
pub fn purge_sessions(
    conn: &mut DbConn,
    retention: Duration,
    session_max_age: Duration,
) -> diesel::QueryResult<usize> {
    let days = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    let cutoff = db::now()
        .checked_sub_signed(days(retention))
        .unwrap_or(NaiveDateTime::MIN);
    db::auth::purge_ended_sessions(conn, cutoff, days(session_max_age))
}

/// PI-06: erases the contact and guardian data of volunteers deregistered `retention_days`
/// or more before `now`, each in its own transaction (audited); returns how many.
pub fn erase_deregistered(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    retention_days: u32,
    now: NaiveDateTime,
) -> Result<usize, crate::error::ApiError> {
    use diesel::Connection;
    let cutoff = now - chrono::Duration::days(i64::from(retention_days));
    let due = db::privacy::due_for_erasure(conn, cutoff)?;
    for &id in &due {
        conn.transaction(|c| crate::registry::retention::erase_deregistered(c, cipher, id, now))?;
    }
    Ok(due.len())
}

/// Runs the jobs every hour on the server's runtime (off the async workers).
pub fn spawn(pool: DbPool, settings: Arc<Settings>, clock: Clock) {
    let cipher = PersonalDataCipher::new(&settings.data_key);
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let pool = pool.clone();
            let settings = settings.clone();
            let (cipher, clock) = (cipher.clone(), clock.clone());
            let result = actix_web::web::block(move || {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                let purged = db::idempotency::purge_older_than(
                    &mut conn,
                    db::now() - db::idempotency::KEEP_RESULTS,
                )
                .map_err(|e| e.to_string())?;
                if purged > 0 {
                    tracing::info!(purged, "expired idempotency keys");
                }
                let sessions = purge_sessions(
                    &mut conn,
                    settings.session_retention,
                    settings.session_max_age,
                )
                .map_err(|e| e.to_string())?;
                if sessions > 0 {
                    tracing::info!(sessions, "ended sessions deleted");
                }
                let throttles =
                    crate::auth::throttle::purge(&mut conn, settings.login_failure_window)
                        .map_err(|e| e.to_string())?;
                if throttles > 0 {
                    tracing::info!(throttles, "expired login throttle rows deleted");
                }
                let erased = erase_deregistered(
                    &mut conn,
                    &cipher,
                    settings.policy.personal_data.deregistered_retention_days,
                    clock.now().naive_utc(),
                )
                .map_err(|e| e.to_string())?;
                if erased > 0 {
                    tracing::info!(erased, "deregistered volunteers' contact data erased");
                }
                notify_expiring_certificates(&mut conn, crate::clock::today())
                    .map_err(|e| e.to_string())
            })
            .await;
            match result {
                Ok(Ok(n)) if n > 0 => tracing::info!(queued = n, "certificate expiry reminders"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "certificate reminder job failed"),
                Err(e) => tracing::warn!(error = %e, "certificate reminder job did not run"),
            }
        }
    });
}
