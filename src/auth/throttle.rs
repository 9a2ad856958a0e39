//! Throttles for the login path: per client IP on every `/auth/*` request (governor, keyed
//! GCRA), and on *failed* logins per (account, client IP) with back-off plus a high ceiling
//! per account, so a guessing run slows down without handing outsiders a way to lock the
//! owner out.
//!
//! The failed-login limits live in the database, so every instance behind a load balancer
//! enforces the same ones. The per-address request limiters stay in each process's memory on
//! purpose: they only shave floods (N instances allow N times the rate, still bounded), are
//! checked on every `/auth` and `/public` request where a database round trip would cost the
//! most, and the account throttle below is what actually bounds password guessing.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use chrono::NaiveDateTime;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::db::login_throttles::{ACCOUNT_WIDE, Tally};
use crate::db::{self, DbConn, DbPool};
use crate::error::{ApiError, ApiResult};

pub struct IpRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl IpRateLimiter {
    pub fn per_minute(requests: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(requests.max(1)).expect("at least one"));
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds to wait)` when this address has used its quota.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs() + 1)
    }
}

/// The same GCRA limit keyed by a text (a public feedback token): a flood on one activity's
/// link slows that link only.
pub struct KeyRateLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl KeyRateLimiter {
    pub fn per_minute(requests: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(requests.max(1)).expect("at least one"));
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds to wait)` when this key has used its quota.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs() + 1)
    }
}

/// Failed-login limits, shared through the database by every instance.
///
/// * Per (account, client address): `free_failures` failures, then one attempt at a time
///   after an exponentially growing pause (`BACKOFF_BASE` × 2^k, at most the window). An
///   outsider guessing from one address slows down only themself, not the owner elsewhere.
/// * Per account, across all addresses: a much higher ceiling, which bounds a distributed
///   guessing run without letting one address lock the owner out.
///
/// An attempt is *reserved* before the password is verified, in the same write transaction
/// as the check (under the account row's lock), so a concurrent burst — on one instance or
/// spread over several — cannot slip more guesses past the limit than it allows.
pub struct FailedLoginThrottle {
    limits: Limits,
}

#[derive(Clone, Copy)]
struct Limits {
    free_failures: u32,
    account_ceiling: u32,
    window: chrono::Duration,
}

/// The pause after the first failure past the free ones; it doubles with each further one.
const BACKOFF_BASE: chrono::Duration = chrono::Duration::seconds(30);
/// An attempt not settled after this long belongs to an instance that died mid-login (a live
/// one settles within seconds: the pool and hashing queues time out well before). Until then
/// it holds its place, so a crash can hold one address back for at most this long.
const ATTEMPT_LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// One admitted login attempt; report its outcome with `failed` or `succeeded`. Dropped
/// without an outcome (an error on the way, or the request cancelled), it only frees its place.
pub struct LoginAttempt {
    pool: DbPool,
    id: i64,
    account: String,
    client: String,
    settled: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failed,
    Succeeded,
    Abandoned,
}

impl LoginAttempt {
    pub async fn failed(self) -> ApiResult<()> {
        self.settle(Outcome::Failed).await
    }

    pub async fn succeeded(self) -> ApiResult<()> {
        self.settle(Outcome::Succeeded).await
    }

    async fn settle(mut self, outcome: Outcome) -> ApiResult<()> {
        // Marked first: once the write is under way it finishes even if this future is
        // dropped (it runs on the blocking pool), so `Drop` must not release it a second time.
        self.settled = true;
        let (id, account, client) = (self.id, self.account.clone(), self.client.clone());
        db::write(&self.pool, move |c| {
            settle(c, id, &account, &client, outcome)
        })
        .await
    }
}

impl Drop for LoginAttempt {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        // Outside a runtime (never in a request) the lease frees the place instead.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (pool, id, account, client) = (
                self.pool.clone(),
                self.id,
                std::mem::take(&mut self.account),
                std::mem::take(&mut self.client),
            );
            runtime.spawn_blocking(move || {
                let released = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                    db::write_transaction(&mut c, |c| {
                        settle(c, id, &account, &client, Outcome::Abandoned)
                    })
                    .map_err(|e: ApiError| e.to_string())
                });
                if let Err(e) = released {
                    tracing::warn!(error = %e, "an abandoned login attempt waits for its lease");
                }
            });
        }
    }
}

/// A tally's failures older than the window are forgotten (unless an attempt is in flight).
fn expired(tally: &Tally, now: NaiveDateTime, window: chrono::Duration) -> bool {
    tally.in_flight == 0 && now - tally.window_start >= window
}

fn fresh(now: NaiveDateTime) -> Tally {
    Tally {
        failures: 0,
        in_flight: 0,
        window_start: now,
        last_failure: now,
    }
}

fn attempts(tally: &Tally) -> u32 {
    tally.failures + tally.in_flight
}

/// Whole seconds to wait for `d`, rounded up (a Retry-After of at least 1).
fn seconds(d: chrono::Duration) -> u64 {
    u64::try_from(d.num_seconds()).unwrap_or(0) + 1
}

impl Limits {
    /// The pause before attempt number `free + extra + 1`.
    fn backoff(&self, extra: u32) -> chrono::Duration {
        BACKOFF_BASE
            .checked_mul(1i32 << extra.min(16))
            .map_or(self.window, |d| d.min(self.window))
    }

    /// `Err(seconds to wait)` when the tallies (refreshed) allow no further attempt now.
    fn admit(&self, account: &Tally, client: &Tally, now: NaiveDateTime) -> Result<(), u64> {
        if attempts(account) >= self.account_ceiling {
            let elapsed = now - account.window_start;
            return Err(seconds(self.window - elapsed));
        }
        if attempts(client) >= self.free_failures {
            // Past the free failures: one attempt at a time, each after a longer pause.
            if client.in_flight > 0 {
                return Err(1);
            }
            let pause = self.backoff(client.failures - self.free_failures);
            let waited = now - client.last_failure;
            if waited < pause {
                return Err(seconds(pause - waited));
            }
        }
        Ok(())
    }
}

/// Checks the tallies of `account` and `account` from `client` and, if they allow it, records
/// an attempt in flight: `Ok(Ok(id))`, or `Ok(Err(seconds to wait))`. Runs in a write
/// transaction; the account row's lock makes check-and-reserve atomic across instances.
fn reserve(
    conn: &mut DbConn,
    limits: Limits,
    account: &str,
    client: &str,
    now: NaiveDateTime,
) -> ApiResult<Result<i64, u64>> {
    use crate::db::login_throttles as store;
    store::lock_account(conn, account, now)?;
    store::forget_abandoned(conn, account, now - ATTEMPT_LEASE)?;
    let mut per_account = store::tally(conn, account, ACCOUNT_WIDE)?.unwrap_or(fresh(now));
    if expired(&per_account, now, limits.window) {
        store::restart_window(conn, account, ACCOUNT_WIDE, now)?;
        per_account = fresh(now);
    }
    let (per_client, restart_client) = match store::tally(conn, account, client)? {
        Some(t) if !expired(&t, now, limits.window) => (t, false),
        _ => (fresh(now), true),
    };
    if let Err(wait) = limits.admit(&per_account, &per_client, now) {
        return Ok(Err(wait));
    }
    if restart_client {
        store::restart_window(conn, account, client, now)?;
    }
    Ok(Ok(store::start_attempt(conn, account, client, now)?))
}

/// Settles attempt `id`: the account row first (its lock orders this after any reservation
/// in progress), then the client's tally.
fn settle(
    conn: &mut DbConn,
    id: i64,
    account: &str,
    client: &str,
    outcome: Outcome,
) -> ApiResult<()> {
    use crate::db::login_throttles as store;
    let now = db::now();
    let failed = outcome == Outcome::Failed;
    store::settle_account(conn, account, failed, now)?;
    store::end_attempt(conn, id)?;
    match outcome {
        // The owner from this address got in: their earlier typos no longer count here.
        // The account-wide tally stays: it bounds guessing from everywhere else.
        Outcome::Succeeded => store::forget_client(conn, account, client)?,
        Outcome::Failed => store::count_failure(conn, account, client, now)?,
        Outcome::Abandoned => 0,
    };
    Ok(())
}

impl FailedLoginThrottle {
    pub fn new(free_failures: u32, account_ceiling: u32, window: Duration) -> Self {
        Self {
            limits: Limits {
                free_failures: free_failures.max(1),
                account_ceiling: account_ceiling.max(1),
                window: chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX),
            },
        }
    }

    fn key(account: &str) -> String {
        account.trim().to_lowercase()
    }

    /// Admits one attempt for `account` from `client`: `Ok(Ok(attempt))`, or
    /// `Ok(Err(seconds to wait))`; `Err` only when the database cannot be reached.
    pub async fn reserve(
        &self,
        pool: &DbPool,
        account: &str,
        client: IpAddr,
    ) -> ApiResult<Result<LoginAttempt, u64>> {
        let (account, client) = (Self::key(account), client.to_string());
        let limits = self.limits;
        let (a, c) = (account.clone(), client.clone());
        let reserved =
            db::write(pool, move |conn| reserve(conn, limits, &a, &c, db::now())).await?;
        Ok(reserved.map(|id| LoginAttempt {
            pool: pool.clone(),
            id,
            account,
            client,
            settled: false,
        }))
    }
}

/// Deletes what no longer counts (attempts past their lease, tallies past a `window` with
/// nothing in flight); returns how many rows went. Run periodically, from any instance.
pub fn purge(conn: &mut DbConn, window: Duration) -> diesel::QueryResult<usize> {
    let now = db::now();
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let window_before = now.checked_sub_signed(window).unwrap_or(NaiveDateTime::MIN);
    crate::db::login_throttles::purge(conn, now - ATTEMPT_LEASE, window_before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// A pool on a fresh, migrated SQLite file (the directory must outlive the pool).
    fn pool() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        db::migrate(&url).unwrap();
        let pool = db::build_pool(&url, 4, Duration::from_secs(5)).unwrap();
        (dir, pool)
    }

    async fn admitted(
        throttle: &FailedLoginThrottle,
        pool: &DbPool,
        account: &str,
        client: &str,
    ) -> LoginAttempt {
        throttle
            .reserve(pool, account, ip(client))
            .await
            .unwrap()
            .unwrap_or_else(|wait| panic!("{account} from {client} refused for {wait} s"))
    }

    async fn refused(
        throttle: &FailedLoginThrottle,
        pool: &DbPool,
        account: &str,
        client: &str,
    ) -> u64 {
        match throttle.reserve(pool, account, ip(client)).await.unwrap() {
            Ok(_) => panic!("{account} from {client} admitted"),
            Err(wait) => wait,
        }
    }

    #[actix_web::test]
    async fn a_client_is_held_back_after_its_free_failures_and_success_resets_it() {
        let (_dir, pool) = pool();
        let throttle = FailedLoginThrottle::new(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            let attempt = admitted(&throttle, &pool, "Alice", "10.0.0.1").await;
            attempt.failed().await.unwrap();
        }
        // The first pause past the free failures is the back-off base.
        let wait = refused(&throttle, &pool, "ALICE", "10.0.0.1").await;
        assert!((29..=31).contains(&wait), "{wait}");
        // Another address, and another account, are not affected.
        let owner = admitted(&throttle, &pool, "alice", "10.0.0.2").await;
        owner.succeeded().await.unwrap();
        let other = admitted(&throttle, &pool, "bob", "10.0.0.1").await;
        other.failed().await.unwrap();
    }

    #[actix_web::test]
    async fn reservations_count_before_the_outcome_is_known() {
        let (_dir, pool) = pool();
        let throttle = FailedLoginThrottle::new(2, 100, Duration::from_secs(60));
        let first = admitted(&throttle, &pool, "alice", "10.0.0.1").await;
        let second = admitted(&throttle, &pool, "alice", "10.0.0.1").await;
        assert_eq!(refused(&throttle, &pool, "alice", "10.0.0.1").await, 1);
        // Dropped unsettled: its place comes back in the background.
        drop(first);
        second.succeeded().await.unwrap();
        for _ in 0..50 {
            if throttle
                .reserve(&pool, "alice", ip("10.0.0.1"))
                .await
                .unwrap()
                .is_ok()
            {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the dropped attempt never freed its place");
    }

    #[actix_web::test]
    async fn the_account_ceiling_holds_across_addresses() {
        let (_dir, pool) = pool();
        let throttle = FailedLoginThrottle::new(5, 6, Duration::from_secs(60));
        for n in 0..6 {
            let attempt = admitted(&throttle, &pool, "alice", &format!("10.0.0.{n}")).await;
            attempt.failed().await.unwrap();
        }
        let wait = refused(&throttle, &pool, "alice", "10.0.1.1").await;
        assert!((59..=61).contains(&wait), "the rest of the window: {wait}");
    }

    #[actix_web::test]
    async fn expired_windows_and_abandoned_attempts_are_forgotten_and_purged() {
        let (_dir, pool) = pool();
        let throttle = FailedLoginThrottle::new(1, 100, Duration::from_secs(60));
        let attempt = admitted(&throttle, &pool, "alice", "10.0.0.1").await;
        attempt.failed().await.unwrap();
        refused(&throttle, &pool, "alice", "10.0.0.1").await;
        // An instance died holding an attempt; and the window of the failure above ran out.
        let mut conn = pool.get().unwrap();
        let past = db::now() - chrono::Duration::minutes(10);
        crate::db::login_throttles::start_attempt(&mut conn, "bob", "10.0.0.9", past).unwrap();
        {
            use crate::db::schema::login_throttles as t;
            use diesel::prelude::*;
            diesel::update(t::table)
                .set((t::window_start.eq(past), t::last_failure.eq(past)))
                .execute(&mut conn)
                .unwrap();
        }
        drop(conn);
        let again = admitted(&throttle, &pool, "alice", "10.0.0.1").await;
        again.succeeded().await.unwrap();
        let bob = admitted(&throttle, &pool, "bob", "10.0.0.9").await;
        bob.succeeded().await.unwrap();
        let mut conn = pool.get().unwrap();
        {
            use crate::db::schema::login_throttles as t;
            use diesel::prelude::*;
            diesel::update(t::table)
                .set(t::window_start.eq(past))
                .execute(&mut conn)
                .unwrap();
        }
        crate::db::login_throttles::start_attempt(&mut conn, "carol", "10.0.0.7", past).unwrap();
        // alice's and bob's account rows, and carol's attempt.
        assert_eq!(purge(&mut conn, Duration::from_secs(60)).unwrap(), 3);
        assert_eq!(purge(&mut conn, Duration::from_secs(60)).unwrap(), 0);
    }

    #[test]
    fn the_ip_limiter_refuses_past_the_quota() {
        let limiter = IpRateLimiter::per_minute(2);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).unwrap_err() >= 1);
        assert!(limiter.check("10.0.0.1".parse().unwrap()).is_ok());
    }
}
