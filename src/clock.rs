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
