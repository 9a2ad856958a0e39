//! Throttles for the login path: per client IP on every `/auth/*` request (governor, keyed
//! GCRA), and on *failed* logins per (account, client IP) with back-off plus a high ceiling
//! per account, so a guessing run slows down without handing outsiders a way to lock the
//! owner out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

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

/// Failed-login limits. Kept in process memory for now (a later issue moves them into the
/// database so that several instances share them); a restart forgets them.
///
/// * Per (account, client address): `free_failures` failures, then one attempt at a time
///   after an exponentially growing pause (`BACKOFF_BASE` × 2^k, at most the window). An
///   outsider guessing from one address slows down only themself, not the owner elsewhere.
/// * Per account, across all addresses: a much higher ceiling, which bounds a distributed
///   guessing run without letting one address lock the owner out.
///
/// An attempt is *reserved* before the password is verified, under the same lock as the
/// check, so a concurrent burst cannot slip more guesses past the limit than it allows.
pub struct FailedLoginThrottle {
    free_failures: u32,
    account_ceiling: u32,
    window: Duration,
    state: Mutex<Counters>,
}

/// The pause after the first failure past the free ones; it doubles with each further one.
const BACKOFF_BASE: Duration = Duration::from_secs(30);
/// Entries are pruned once the maps grow past this (memory bound under a spray of names).
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
struct Counters {
    clients: HashMap<(String, IpAddr), Tally>,
    accounts: HashMap<String, Tally>,
}

#[derive(Clone, Copy)]
struct Tally {
    failures: u32,
    in_flight: u32,
    since: Instant,
    last_failure: Instant,
}

impl Tally {
    fn new(now: Instant) -> Self {
        Self {
            failures: 0,
            in_flight: 0,
            since: now,
            last_failure: now,
        }
    }

    /// Failures older than the window are forgotten (unless an attempt is still running).
    fn refresh(&mut self, now: Instant, window: Duration) {
        if self.in_flight == 0 && now.duration_since(self.since) >= window {
            *self = Tally::new(now);
        }
    }

    fn attempts(&self) -> u32 {
        self.failures + self.in_flight
    }
}

/// One admitted login attempt; report its outcome with `failed` or `succeeded`. Dropped
/// without an outcome (an error on the way), it only frees its place.
pub struct LoginAttempt<'a> {
    throttle: &'a FailedLoginThrottle,
    account: String,
    client: IpAddr,
    settled: bool,
}

impl LoginAttempt<'_> {
    pub fn failed(mut self) {
        self.settled = true;
        self.throttle
            .settle(&self.account, self.client, Outcome::Failed);
    }

    pub fn succeeded(mut self) {
        self.settled = true;
        self.throttle
            .settle(&self.account, self.client, Outcome::Succeeded);
    }
}

impl Drop for LoginAttempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle
                .settle(&self.account, self.client, Outcome::Abandoned);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failed,
    Succeeded,
    Abandoned,
}

impl FailedLoginThrottle {
    pub fn new(free_failures: u32, account_ceiling: u32, window: Duration) -> Self {
        Self {
            free_failures: free_failures.max(1),
            account_ceiling: account_ceiling.max(1),
            window,
            state: Mutex::new(Counters::default()),
        }
    }

    fn key(account: &str) -> String {
        account.trim().to_lowercase()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits one attempt for `account` from `client`, or `Err(seconds to wait)`.
    pub fn reserve(&self, account: &str, client: IpAddr) -> Result<LoginAttempt<'_>, u64> {
        let account = Self::key(account);
        let now = Instant::now();
        let mut counters = self.lock();
        if counters.clients.len() > MAX_ENTRIES || counters.accounts.len() > MAX_ENTRIES {
            let window = self.window;
            counters
                .clients
                .retain(|_, t| t.in_flight > 0 || now.duration_since(t.since) < window);
            counters
                .accounts
                .retain(|_, t| t.in_flight > 0 || now.duration_since(t.since) < window);
        }
        let mut per_account = *counters.accounts.get(&account).unwrap_or(&Tally::new(now));
        per_account.refresh(now, self.window);
        if per_account.attempts() >= self.account_ceiling {
            return Err(self.remaining(per_account.since, now));
        }
        let key = (account.clone(), client);
        let mut per_client = *counters.clients.get(&key).unwrap_or(&Tally::new(now));
        per_client.refresh(now, self.window);
        if per_client.attempts() >= self.free_failures {
            // Past the free failures: one attempt at a time, each after a longer pause.
            if per_client.in_flight > 0 {
                return Err(1);
            }
            let pause = self.backoff(per_client.failures - self.free_failures);
            let waited = now.duration_since(per_client.last_failure);
            if waited < pause {
                return Err((pause - waited).as_secs() + 1);
            }
        }
        per_account.in_flight += 1;
        per_client.in_flight += 1;
        counters.accounts.insert(account.clone(), per_account);
        counters.clients.insert(key, per_client);
        Ok(LoginAttempt {
            throttle: self,
            account,
            client,
            settled: false,
        })
    }

    /// The pause before attempt number `free + extra + 1`.
    fn backoff(&self, extra: u32) -> Duration {
        BACKOFF_BASE
            .checked_mul(1u32 << extra.min(16))
            .map_or(self.window, |d| d.min(self.window))
    }

    fn remaining(&self, since: Instant, now: Instant) -> u64 {
        self.window
            .saturating_sub(now.duration_since(since))
            .as_secs()
            + 1
    }

    fn settle(&self, account: &str, client: IpAddr, outcome: Outcome) {
        let now = Instant::now();
        let mut counters = self.lock();
        let key = (account.to_string(), client);
        if let Some(t) = counters.accounts.get_mut(account) {
            t.in_flight = t.in_flight.saturating_sub(1);
            if outcome == Outcome::Failed {
                t.failures += 1;
                t.last_failure = now;
            }
        }
        match outcome {
            // The owner from this address got in: their earlier typos no longer count here.
            // The account-wide tally stays: it bounds guessing from everywhere else.
            Outcome::Succeeded => {
                counters.clients.remove(&key);
            }
            Outcome::Failed | Outcome::Abandoned => {
                if let Some(t) = counters.clients.get_mut(&key) {
                    t.in_flight = t.in_flight.saturating_sub(1);
                    if outcome == Outcome::Failed {
                        t.failures += 1;
                        t.last_failure = now;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_client_is_held_back_after_its_free_failures_and_success_resets_it() {
        let throttle = FailedLoginThrottle::new(3, 100, Duration::from_secs(60));
        let a = ip("10.0.0.1");
        for _ in 0..3 {
            throttle.reserve("Alice", a).unwrap().failed();
        }
        assert!(throttle.reserve("ALICE", a).err().unwrap() > 0);
        // Another address, and another account, are not affected.
        throttle
            .reserve("alice", ip("10.0.0.2"))
            .unwrap()
            .succeeded();
        throttle.reserve("bob", a).unwrap().failed();
    }

    #[test]
    fn reservations_count_before_the_outcome_is_known() {
        let throttle = FailedLoginThrottle::new(2, 100, Duration::from_secs(60));
        let a = ip("10.0.0.1");
        let first = throttle.reserve("alice", a).unwrap();
        let second = throttle.reserve("alice", a).unwrap();
        assert!(throttle.reserve("alice", a).is_err());
        drop(first);
        second.succeeded();
        assert!(throttle.reserve("alice", a).is_ok());
    }

    #[test]
    fn the_account_ceiling_holds_across_addresses() {
        let throttle = FailedLoginThrottle::new(5, 6, Duration::from_secs(60));
        for n in 0..6 {
            throttle
                .reserve("alice", ip(&format!("10.0.0.{n}")))
                .unwrap()
                .failed();
        }
        assert!(throttle.reserve("alice", ip("10.0.1.1")).is_err());
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
