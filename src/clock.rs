//! The service's notion of "today": dates (ages, certificate expiry, policy validity) are
//! calendar dates in China Standard Time, whatever the server's own time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub const SERVICE_TZ: Tz = chrono_tz::Asia::Shanghai;

pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    crate::domain::training::local_date(instant, SERVICE_TZ)
}

/// "Now" as the service sees it. Production reads the system clock; a test can pin it (or move
/// it) through the application state instead of editing rows, so time-dependent rules are
/// tested through the API as a client would meet them.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    pinned: std::sync::Arc<std::sync::RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// The current instant, truncated to microseconds so both databases store it unchanged.
    pub fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        let pinned = *self.pinned.read().unwrap_or_else(|e| e.into_inner());
        pinned.unwrap_or_else(Utc::now).trunc_subsecs(6)
    }

    /// Today's date in China Standard Time.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now())
    }

    /// Pins the clock at `instant` (tests).
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.pinned.write().unwrap_or_else(|e| e.into_inner()) = Some(instant);
    }

    /// Moves a pinned clock (or the real time, which then becomes pinned) by `by` (tests).
    pub fn advance(&self, by: chrono::Duration) {
        let next = self.now() + by;
        self.set(next);
    }
}
