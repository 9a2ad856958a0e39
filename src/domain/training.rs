//! Training certificates and the local calendar they are judged by. A certificate is issued
//! when a volunteer passes a course session, expires per the course's validity, and can be
//! revoked. "Expired certificates stop counting the day they expire" (DOMAIN.md), and that day
//! is a day in the activity's time zone, not in UTC: an activity at 23:59 Beijing time on
//! 28 February still sees a certificate expiring on 1 March.
//!
//! The calendar helpers (`local_date`, `start_of_local_day`) live here because certificate
//! validity is where the day boundary first matters; eligibility and service records reuse them.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CourseCategory {
    /// Includes the Lei Feng spirit and volunteer law.
    Orientation,
    Skill,
    Safety,
    ChildSafeguarding,
    ElderCare,
    /// Border and ethnic-culture orientation (Spring Rain).
    BorderOrientation,
}

impl CourseCategory {
    pub const ALL: [CourseCategory; 6] = [
        CourseCategory::Orientation,
        CourseCategory::Skill,
        CourseCategory::Safety,
        CourseCategory::ChildSafeguarding,
        CourseCategory::ElderCare,
        CourseCategory::BorderOrientation,
    ];
}

crate::domain::text_enum!(CourseCategory {
    Orientation => "orientation",
    Skill => "skill",
    Safety => "safety",
    ChildSafeguarding => "child_safeguarding",
    ElderCare => "elder_care",
    BorderOrientation => "border_orientation",
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingCertificate {
    pub course_id: i64,
    pub course_category: CourseCategory,
    pub issued_on: NaiveDate,
    /// First day on which the certificate no longer counts; `None` = never expires.
    pub expires_on: Option<NaiveDate>,
    pub revoked: bool,
}

impl TrainingCertificate {
    /// True when the certificate counts on `day`: issued by then, not revoked, and `day` is
    /// before the expiry day. A certificate issued later did not exist on `day`.
    pub fn counts_on(&self, day: NaiveDate) -> bool {
        !self.revoked && self.issued_on <= day && self.expires_on.is_none_or(|end| day < end)
    }
}

/// The certificates that count on `on`.
pub fn valid_certificates(
    certificates: &[TrainingCertificate],
    on: NaiveDate,
) -> impl Iterator<Item = &TrainingCertificate> {
    certificates.iter().filter(move |c| c.counts_on(on))
}

/// The expiry day of a certificate issued on `issued_on` for a course valid `validity_months`
/// (`None` = never expires). Month ends clamp: 31 August + 6 months expires on 28/29 February.
pub fn expiry_date(issued_on: NaiveDate, validity_months: Option<u32>) -> Option<NaiveDate> {
    // checked_add_months only fails past year 262143; such a certificate never expires in practice.
    validity_months.and_then(|m| issued_on.checked_add_months(Months::new(m)))
}

/// The calendar day of `instant` in the zone `tz`.
pub fn local_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// The instant at which `day` begins in `tz`. Where a DST gap swallows midnight, the day begins
/// at the first wall-clock time that exists.
pub fn start_of_local_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    // Gaps are at most a few hours; step through them a quarter-hour at a time.
    for quarter in 0..=16 {
        let wall = midnight + TimeDelta::minutes(15 * quarter);
        if let Some(t) = tz.from_local_datetime(&wall).earliest() {
            return t.with_timezone(&Utc);
        }
    }
    // No real zone has a 4-hour gap; fall back to reading midnight as UTC.
    midnight.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn instant(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn cert(issued: &str, expires: Option<&str>, revoked: bool) -> TrainingCertificate {
        TrainingCertificate {
            course_id: 7,
            course_category: CourseCategory::ChildSafeguarding,
            issued_on: date(issued),
            expires_on: expires.map(date),
            revoked,
        }
    }

    #[test]
    fn every_category_round_trips_through_its_code() {
        for c in CourseCategory::ALL {
            assert_eq!(CourseCategory::parse(c.as_str()), Some(c));
        }
        assert_eq!(CourseCategory::parse("first_aid"), None);
    }

    #[test]
    fn a_certificate_stops_counting_on_its_expiry_day_in_shanghai_time() {
        let c = cert("2025-03-01", Some("2026-03-01"), false);
        // 15:59Z is 23:59 on 28 February in Shanghai: still valid.
        let last_minute = local_date(instant("2026-02-28T15:59:00Z"), Shanghai);
        assert_eq!(last_minute, date("2026-02-28"));
        assert!(c.counts_on(last_minute));
        // 16:00Z is 00:00 on 1 March in Shanghai: the expiry day, no longer valid.
        let midnight = local_date(instant("2026-02-28T16:00:00Z"), Shanghai);
        assert_eq!(midnight, date("2026-03-01"));
        assert!(!c.counts_on(midnight));
    }

    #[test]
    fn counting_follows_issue_expiry_and_revocation() {
        let cases = [
            // (certificate, day, counts)
            (cert("2025-01-10", None, false), "2040-01-01", true),
            (cert("2025-01-10", None, true), "2025-06-01", false),
            (
                cert("2025-01-10", Some("2026-01-10"), false),
                "2026-01-09",
                true,
            ),
            (
                cert("2025-01-10", Some("2026-01-10"), false),
                "2026-01-10",
                false,
            ),
            (
                cert("2025-01-10", Some("2026-01-10"), true),
                "2025-06-01",
                false,
            ),
            (cert("2025-01-10", None, false), "2025-01-10", true),
            (cert("2025-01-10", None, false), "2025-01-09", false),
        ];
        for (c, day, counts) in cases {
            assert_eq!(c.counts_on(date(day)), counts, "{c:?} on {day}");
        }
    }

    #[test]
    fn valid_certificates_filters_to_the_ones_that_count() {
        let certs = vec![
            cert("2025-01-10", Some("2026-01-10"), false),
            cert("2025-01-10", None, true),
            cert("2025-05-01", None, false),
        ];
        let on = date("2026-02-01");
        let valid: Vec<_> = valid_certificates(&certs, on).collect();
        assert_eq!(valid, vec![&certs[2]]);
    }

    #[test]
    fn expiry_adds_calendar_months_and_clamps_month_ends() {
        assert_eq!(
            expiry_date(date("2025-03-01"), Some(12)),
            Some(date("2026-03-01"))
        );
        assert_eq!(
            expiry_date(date("2025-08-31"), Some(6)),
            Some(date("2026-02-28"))
        );
        assert_eq!(
            expiry_date(date("2023-08-31"), Some(6)),
            Some(date("2024-02-29"))
        );
        assert_eq!(expiry_date(date("2025-03-01"), None), None);
    }

    #[test]
    fn a_local_day_starts_at_local_midnight() {
        assert_eq!(
            start_of_local_day(date("2026-03-01"), Shanghai),
            instant("2026-02-28T16:00:00Z")
        );
        // Havana skips 00:00–01:00 when DST begins (8 March 2026): the day starts at 01:00.
        assert_eq!(
            start_of_local_day(date("2026-03-08"), chrono_tz::America::Havana),
            instant("2026-03-08T05:00:00Z")
        );
    }
}
