//! Served minutes for a service record (HRS-01, HRS-02): check-in to check-out minus declared
//! breaks, in whole minutes, travel never counted.
//!
//! A claim whose times fall outside the scheduled window is rejected, not clamped: a corrected
//! record states attested times, and silently cutting them would record something nobody
//! attested. If the activity really ran late, the schedule is corrected first (an audited
//! change) and the record then fits. Check-in and check-out at the site are different: they
//! record presence, and presence outside the schedule is not service, so verification claims
//! only the scheduled part (`ServiceClaim::scheduled_presence`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::assignment::Schedule;
use super::training::local_date;

/// HRS-02: no more than 24 h of service on one calendar day.
pub const MAX_MINUTES_PER_DAY: u32 = 24 * 60;

/// What the organiser verifies for a completed assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceClaim {
    pub checked_in_at: DateTime<Utc>,
    pub checked_out_at: DateTime<Utc>,
    pub break_minutes: u32,
    /// Travel to and from the site, kept for the itinerary. Never counted (HRS-01).
    pub travel_minutes: u32,
}

impl ServiceClaim {
    /// The claim verification makes from check-in and check-out: the part of the presence
    /// inside the schedule (HRS-02). An early arrival or a late departure is not service.
    pub fn scheduled_presence(
        checked_in_at: DateTime<Utc>,
        checked_out_at: DateTime<Utc>,
        break_minutes: u32,
        schedule: &Schedule,
    ) -> Self {
        Self {
            checked_in_at: checked_in_at.max(schedule.starts_at),
            checked_out_at: checked_out_at.min(schedule.ends_at),
            break_minutes,
            travel_minutes: 0,
        }
    }
}

/// One of the volunteer's existing service records (current versions only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedService {
    pub record_id: i64,
    pub checked_in_at: DateTime<Utc>,
    pub checked_out_at: DateTime<Utc>,
    pub minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    /// Check-out before check-in, or breaks longer than the time present.
    NegativeDuration,
    /// Nothing left after breaks: there is no service to record.
    NoServiceTime,
    /// Check-in before the scheduled start or check-out after the scheduled end.
    OutsideSchedule,
    /// The claim overlaps another record of the same volunteer.
    OverlapsRecord { record_id: i64 },
    /// The volunteer's records on this local day would exceed 24 h.
    DailyLimitExceeded { day: NaiveDate, minutes: u32 },
}

impl RecordError {
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::NegativeDuration => "negative_duration",
            RecordError::NoServiceTime => "no_service_time",
            RecordError::OutsideSchedule => "outside_schedule",
            RecordError::OverlapsRecord { .. } => "overlapping_record",
            RecordError::DailyLimitExceeded { .. } => "daily_limit_exceeded",
        }
    }

    pub fn rule(&self) -> &'static str {
        "HRS-02"
    }
}

/// The minutes to record for `claim` on an activity scheduled as `schedule` in zone `tz`,
/// given the volunteer's other records. A record's minutes count on the local date of its
/// check-in, read in this activity's zone; so a multi-day deployment is recorded day by day.
pub fn served_minutes(
    claim: &ServiceClaim,
    schedule: &Schedule,
    tz: Tz,
    others: &[RecordedService],
) -> Result<u32, RecordError> {
    // HRS-01: presence in whole minutes (a started minute is not counted) minus breaks;
    // `travel_minutes` is deliberately not read.
    let presence = (claim.checked_out_at - claim.checked_in_at).num_minutes();
    let served = presence - i64::from(claim.break_minutes);
    if claim.checked_out_at < claim.checked_in_at || served < 0 {
        return Err(RecordError::NegativeDuration);
    }
    if served == 0 {
        return Err(RecordError::NoServiceTime);
    }
    // HRS-02: inside the scheduled window, no overlap, at most 24 h a day.
    if claim.checked_in_at < schedule.starts_at || claim.checked_out_at > schedule.ends_at {
        return Err(RecordError::OutsideSchedule);
    }
    if let Some(other) = others
        .iter()
        .find(|r| r.checked_in_at < claim.checked_out_at && claim.checked_in_at < r.checked_out_at)
    {
        return Err(RecordError::OverlapsRecord {
            record_id: other.record_id,
        });
    }
    let served = u32::try_from(served).unwrap_or(u32::MAX);
    let day = local_date(claim.checked_in_at, tz);
    let same_day: u32 = others
        .iter()
        .filter(|r| local_date(r.checked_in_at, tz) == day)
        .map(|r| r.minutes)
        .sum();
    let minutes = same_day.saturating_add(served);
    if minutes > MAX_MINUTES_PER_DAY {
        return Err(RecordError::DailyLimitExceeded { day, minutes });
    }
    Ok(served)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn claim(from: &str, until: &str, breaks: u32) -> ServiceClaim {
        ServiceClaim {
            checked_in_at: t(from),
            checked_out_at: t(until),
            break_minutes: breaks,
            travel_minutes: 0,
        }
    }

    fn record(id: i64, from: &str, until: &str, minutes: u32) -> RecordedService {
        RecordedService {
            record_id: id,
            checked_in_at: t(from),
            checked_out_at: t(until),
            minutes,
        }
    }

    // The organiser's day in Shanghai time, bus rides included: 07:00–13:30.
    fn village_day() -> Schedule {
        Schedule {
            starts_at: t("2026-06-13T07:00:00+08:00"),
            ends_at: t("2026-06-13T13:30:00+08:00"),
        }
    }

    #[test]
    fn travel_is_never_counted_hrs_01() {
        let mut c = claim("2026-06-13T09:00:00+08:00", "2026-06-13T11:30:00+08:00", 0);
        c.travel_minutes = 240; // a two-hour bus ride each way
        assert_eq!(served_minutes(&c, &village_day(), Shanghai, &[]), Ok(150));
    }

    #[test]
    fn minutes_follow_presence_breaks_and_the_schedule() {
        let s = village_day();
        let cases: [(&str, ServiceClaim, Result<u32, RecordError>); 8] = [
            (
                "breaks are deducted",
                claim("2026-06-13T09:00:00+08:00", "2026-06-13T11:30:00+08:00", 20),
                Ok(130),
            ),
            (
                "a started minute is not counted",
                claim("2026-06-13T09:00:00+08:00", "2026-06-13T09:10:59+08:00", 0),
                Ok(10),
            ),
            (
                "check-out before check-in",
                claim("2026-06-13T11:00:00+08:00", "2026-06-13T10:59:00+08:00", 0),
                Err(RecordError::NegativeDuration),
            ),
            (
                "breaks one minute longer than presence",
                claim("2026-06-13T09:00:00+08:00", "2026-06-13T10:00:00+08:00", 61),
                Err(RecordError::NegativeDuration),
            ),
            (
                "breaks as long as presence",
                claim("2026-06-13T09:00:00+08:00", "2026-06-13T10:00:00+08:00", 60),
                Err(RecordError::NoServiceTime),
            ),
            (
                "exactly the scheduled window",
                claim("2026-06-13T07:00:00+08:00", "2026-06-13T13:30:00+08:00", 0),
                Ok(390),
            ),
            (
                "check-in a minute before the start",
                claim("2026-06-13T06:59:00+08:00", "2026-06-13T12:00:00+08:00", 0),
                Err(RecordError::OutsideSchedule),
            ),
            (
                "check-out a minute after the end",
                claim("2026-06-13T09:00:00+08:00", "2026-06-13T13:31:00+08:00", 0),
                Err(RecordError::OutsideSchedule),
            ),
        ];
        for (name, c, expected) in cases {
            assert_eq!(served_minutes(&c, &s, Shanghai, &[]), expected, "{name}");
        }
    }

    #[test]
    fn records_of_one_volunteer_may_touch_but_not_overlap() {
        let s = village_day();
        let c = claim("2026-06-13T09:00:00+08:00", "2026-06-13T11:00:00+08:00", 0);
        let before = record(
            1,
            "2026-06-13T07:00:00+08:00",
            "2026-06-13T09:00:00+08:00",
            120,
        );
        assert_eq!(served_minutes(&c, &s, Shanghai, &[before]), Ok(120));
        let clash = record(
            2,
            "2026-06-13T10:59:00+08:00",
            "2026-06-13T12:00:00+08:00",
            61,
        );
        assert_eq!(
            served_minutes(&c, &s, Shanghai, &[before, clash]),
            Err(RecordError::OverlapsRecord { record_id: 2 })
        );
    }

    #[test]
    fn a_local_day_holds_at_most_24_hours() {
        // A deployment day that ran 00:00–24:00 in Shanghai (an overnight performance tour).
        let s = Schedule {
            starts_at: t("2026-06-13T00:00:00+08:00"),
            ends_at: t("2026-06-15T00:00:00+08:00"),
        };
        let earlier = record(
            1,
            "2026-06-13T00:00:00+08:00",
            "2026-06-13T12:00:00+08:00",
            720,
        );
        let exactly = claim("2026-06-13T12:00:00+08:00", "2026-06-14T00:00:00+08:00", 0);
        assert_eq!(served_minutes(&exactly, &s, Shanghai, &[earlier]), Ok(720));
        // Checked in at 12:00 on the 13th, out at 00:01 on the 14th: 721 min count on the 13th.
        let over = claim("2026-06-13T12:00:00+08:00", "2026-06-14T00:01:00+08:00", 0);
        assert_eq!(
            served_minutes(&over, &s, Shanghai, &[earlier]),
            Err(RecordError::DailyLimitExceeded {
                day: NaiveDate::from_ymd_opt(2026, 6, 13).unwrap(),
                minutes: 1441
            })
        );
        // Days are local: 00:00–12:01 on the 14th in Shanghai is still the 13th in UTC, where
        // it would join a 12-hour record of the 13th and break the limit.
        let daytime = record(
            3,
            "2026-06-13T09:00:00+08:00",
            "2026-06-13T21:00:00+08:00",
            720,
        );
        let next_day = claim("2026-06-14T00:00:00+08:00", "2026-06-14T12:01:00+08:00", 0);
        assert_eq!(served_minutes(&next_day, &s, Shanghai, &[daytime]), Ok(721));
        // A single record longer than a day is refused: multi-day service is recorded daily.
        let whole = claim("2026-06-13T00:00:00+08:00", "2026-06-14T00:01:00+08:00", 0);
        assert!(matches!(
            served_minutes(&whole, &s, Shanghai, &[]),
            Err(RecordError::DailyLimitExceeded { minutes: 1441, .. })
        ));
    }

    #[test]
    fn errors_name_their_codes_and_rule() {
        assert_eq!(RecordError::NegativeDuration.code(), "negative_duration");
        assert_eq!(
            RecordError::OverlapsRecord { record_id: 3 }.code(),
            "overlapping_record"
        );
        assert_eq!(RecordError::OutsideSchedule.rule(), "HRS-02");
    }

    #[test]
    fn verification_counts_only_the_scheduled_part_of_presence() {
        let schedule = Schedule {
            starts_at: t("2030-05-01T01:00:00Z"),
            ends_at: t("2030-05-01T05:00:00Z"),
        };
        let claim = ServiceClaim::scheduled_presence(
            t("2030-05-01T00:30:00Z"),
            t("2030-05-01T05:45:00Z"),
            15,
            &schedule,
        );
        assert_eq!(
            (claim.checked_in_at, claim.checked_out_at),
            (schedule.starts_at, schedule.ends_at)
        );
        assert_eq!(served_minutes(&claim, &schedule, Shanghai, &[]), Ok(225));
        let inside = ServiceClaim::scheduled_presence(
            t("2030-05-01T02:00:00Z"),
            t("2030-05-01T03:00:00Z"),
            0,
            &schedule,
        );
        assert_eq!(inside.checked_in_at, t("2030-05-01T02:00:00Z"));
        assert_eq!(inside.checked_out_at, t("2030-05-01T03:00:00Z"));
    }
}
