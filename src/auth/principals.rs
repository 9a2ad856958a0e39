//! Who an access token belongs to, remembered between requests. Looking the session and the
//! account up on every request cost a database round trip (and a hop to the blocking pool)
//! before any work began; most requests come from a few live sessions, so the answer is kept
//! per session and thrown away when access may have been taken away:
//! - at once when this process revoked a session or disabled an account
//!   (`db::auth::local_revocations` moved on);
//! - within `EPOCH_CHECK` when another instance did (the shared counter in `auth_epoch`
//!   moved on; a request reads it when the last reading is older than that);
//! - after `MAX_AGE` in any case, so nothing cached outlives a minute.
//!
//! Only live sessions of enabled accounts are cached: a refusal is always looked up again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use crate::db::users::UserRow;

/// How stale the shared revocation counter may be: the longest a session revoked through
/// another instance keeps working here.
pub const EPOCH_CHECK: Duration = Duration::from_millis(250);
/// The longest an entry is trusted without looking the session up again.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Sessions remembered at most; past it the cache starts again (a burst of distinct
/// tokens costs lookups, never memory).
const CAPACITY: usize = 20_000;

#[derive(Clone)]
struct Entry {
    user: UserRow,
    user_id: i64,
    local: u64,
    epoch: i64,
    loaded: Instant,
}

pub struct PrincipalCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// The shared counter as last read, and when (`None`: never read yet).
    epoch: AtomicI64,
    epoch_read: Mutex<Option<Instant>>,
}

impl Default for PrincipalCache {
    fn default() -> Self {
        PrincipalCache {
            entries: Mutex::new(HashMap::new()),
            epoch: AtomicI64::new(i64::MIN),
            epoch_read: Mutex::new(None),
        }
    }
}

/// What a request needs before it may use the cache.
pub enum Lookup {
    /// The cached account for this session (still current as far as this instance knows).
    Hit(UserRow),
    /// Not cached, or possibly stale: look the session up (and cache the answer).
    Miss,
}

impl PrincipalCache {
    /// Whether the shared counter must be read again before trusting any entry.
    pub fn epoch_due(&self, now: Instant) -> bool {
        match *self.epoch_read.lock().expect("epoch lock") {
            Some(at) => now.duration_since(at) >= EPOCH_CHECK,
            None => true,
        }
    }

    /// The shared counter just read from the database.
    pub fn set_epoch(&self, epoch: i64, now: Instant) {
        self.epoch.store(epoch, Ordering::Release);
        *self.epoch_read.lock().expect("epoch lock") = Some(now);
    }

    /// The counter values an entry loaded now is valid under; taken *before* the lookup so a
    /// revocation racing with it makes the entry stale rather than hiding behind it.
    pub fn stamp(&self) -> (u64, i64) {
        (
            crate::db::auth::local_revocations(),
            self.epoch.load(Ordering::Acquire),
        )
    }

    pub fn get(&self, session_id: &str, user_id: i64, now: Instant) -> Lookup {
        let (local, epoch) = self.stamp();
        let entries = self.entries.lock().expect("principal cache lock");
        match entries.get(session_id) {
            Some(e)
                if e.user_id == user_id
                    && e.local == local
                    && e.epoch == epoch
                    && now.duration_since(e.loaded) < MAX_AGE =>
            {
                Lookup::Hit(e.user.clone())
            }
            _ => Lookup::Miss,
        }
    }

    pub fn put(&self, session_id: String, user: UserRow, stamp: (u64, i64), now: Instant) {
        let mut entries = self.entries.lock().expect("principal cache lock");
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            session_id,
            Entry {
                user_id: user.id,
                user,
                local: stamp.0,
                epoch: stamp.1,
                loaded: now,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::Role;

    fn user(id: i64) -> UserRow {
        UserRow {
            id,
            username: format!("u{id}"),
            password_hash: None,
            role: Role::Coordinator,
            organization_id: 1,
            org_path: "/1/".into(),
            disabled: false,
            created_at: chrono::NaiveDateTime::default(),
            disabled_at: None,
            volunteer_id: None,
        }
    }

    #[test]
    fn an_entry_serves_its_own_session_and_user_until_the_shared_counter_moves() {
        let cache = PrincipalCache::default();
        let t0 = Instant::now();
        cache.set_epoch(5, t0);
        cache.put("s1".into(), user(7), cache.stamp(), t0);
        assert!(matches!(cache.get("s1", 7, t0), Lookup::Hit(u) if u.id == 7));
        // Another user's token naming this session id is not served from it.
        assert!(matches!(cache.get("s1", 8, t0), Lookup::Miss));
        assert!(matches!(cache.get("s2", 7, t0), Lookup::Miss));
        // Another instance revoked something.
        cache.set_epoch(6, t0);
        assert!(matches!(cache.get("s1", 7, t0), Lookup::Miss));
    }

    #[test]
    fn entries_expire_and_the_counter_is_read_again_after_its_interval() {
        let cache = PrincipalCache::default();
        let t0 = Instant::now();
        assert!(cache.epoch_due(t0));
        cache.set_epoch(0, t0);
        assert!(!cache.epoch_due(t0 + Duration::from_millis(100)));
        assert!(cache.epoch_due(t0 + EPOCH_CHECK));
        cache.put("s".into(), user(1), cache.stamp(), t0);
        assert!(matches!(cache.get("s", 1, t0 + MAX_AGE), Lookup::Miss));
    }
}
