//! Throttles for the login path: per client IP on every `/auth/*` request (governor, keyed
//! GCRA), and per account on *failed* logins only, so a password-guessing run against one
//! account stops after a few tries whichever addresses it comes from.

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

pub struct FailedLoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl FailedLoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(account: &str) -> String {
        account.trim().to_lowercase()
    }

    /// `Err(seconds to wait)` while the account is locked after too many failures.
    pub fn check(&self, account: &str) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&Self::key(account)) {
            Some((count, since)) if *count >= self.max_failures => {
                let elapsed = since.elapsed();
                if elapsed < self.window {
                    Err((self.window - elapsed).as_secs() + 1)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = map.entry(Self::key(account)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Self::key(account));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_the_allowed_failures_and_success_resets_it() {
        let throttle = FailedLoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            throttle.record_failure("Alice");
        }
        assert!(throttle.check("alice").is_ok());
        throttle.record_failure("alice");
        assert!(throttle.check("ALICE").unwrap_err() > 0);
        assert!(throttle.check("bob").is_ok());
        throttle.record_success("alice");
        assert!(throttle.check("alice").is_ok());
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
