//! Daily attendance of multi-day activities (a Spring Rain deployment lasts days): the
//! activity's service days are the local calendar days it touches in its own time zone; a
//! member is checked in and out once per day, and each day becomes its own service record, so
//! the 24-hour cap of HRS-02 holds per day and travel days show as late check-ins (HRS-01).

use std::ops::RangeInclusive;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Invalid;
use super::assignment::Schedule;
use super::service_record::ServiceClaim;
use super::training::{local_date, start_of_local_day};

/// The local days the schedule touches (an end at midnight touches only the day before).
pub fn service_days(schedule: &Schedule, tz: Tz) -> RangeInclusive<NaiveDate> {
    let last = (schedule.ends_at - chrono::TimeDelta::nanoseconds(1)).max(schedule.starts_at);
    local_date(schedule.starts_at, tz)..=local_date(last, tz)
}

/// Whether attendance is taken per day: the activity spans more than one local day. A
/// single-day activity keeps its one check-in and check-out.
pub fn is_multi_day(schedule: &Schedule, tz: Tz) -> bool {
    let days = service_days(schedule, tz);
    days.end() > days.start()
}

/// The part of the schedule that lies on local day `day`.
pub fn day_window(schedule: &Schedule, tz: Tz, day: NaiveDate) -> Schedule {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    Schedule {
        starts_at: schedule.starts_at.max(start_of_local_day(day, tz)),
        ends_at: schedule.ends_at.min(start_of_local_day(next, tz)),
    }
}

/// One member's presence on one day, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPresence {
    pub checked_in_at: DateTime<Utc>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub break_minutes: i32,
    pub travel_minutes: i32,
}

/// What is wrong with recording `presence` on `day` at `now`: the day must be a service day,
/// the check-in on that day, the check-out after it and no later than the day's end, nothing
/// in the future, breaks and travel not negative.
pub fn check_day(
    schedule: &Schedule,
    tz: Tz,
    day: NaiveDate,
    presence: &DayPresence,
    now: DateTime<Utc>,
) -> Vec<Invalid> {
    let mut problems = Vec::new();
    let days = service_days(schedule, tz);
    if !days.contains(&day) {
        problems.push(Invalid::new(
            "date",
            "not_a_service_day",
            format!(
                "the activity's service days are {} to {}",
                days.start(),
                days.end()
            ),
        ));
        return problems;
    }
    if local_date(presence.checked_in_at, tz) != day {
        problems.push(Invalid::new(
            "checked_in_at",
            "not_on_service_day",
            format!("the check-in must lie on {day} ({tz})"),
        ));
    }
    let day_end = start_of_local_day(day.checked_add_days(Days::new(1)).unwrap_or(day), tz);
    if let Some(out) = presence.checked_out_at {
        if out <= presence.checked_in_at {
            problems.push(Invalid::new(
                "checked_out_at",
                "before_check_in",
                "the check-out must follow the check-in",
            ));
        } else if out > day_end {
            problems.push(Invalid::new(
                "checked_out_at",
                "not_on_service_day",
                format!("the check-out must lie on {day} ({tz}); the next day is checked in anew"),
            ));
        }
        if out > now {
            problems.push(Invalid::new(
                "checked_out_at",
                "in_future",
                "attendance is recorded once it happened",
            ));
        }
    }
    if presence.checked_in_at > now {
        problems.push(Invalid::new(
            "checked_in_at",
            "in_future",
            "attendance is recorded once it happened",
        ));
    }
    for (field, value) in [
        ("break_minutes", presence.break_minutes),
        ("travel_minutes", presence.travel_minutes),
    ] {
        if !(0..=24 * 60).contains(&value) {
            problems.push(Invalid::new(
                field,
                "invalid_value",
                format!("{field} is 0 to 1440 minutes"),
            ));
        }
    }
    problems
}

/// The claim verification makes for one checked-out day: the part of the presence inside
/// that day's share of the schedule (HRS-02), breaks deducted, travel kept but never counted
/// (HRS-01).
pub fn day_claim(
    schedule: &Schedule,
    tz: Tz,
    day: NaiveDate,
    checked_in_at: DateTime<Utc>,
    checked_out_at: DateTime<Utc>,
    break_minutes: u32,
    travel_minutes: u32,
) -> ServiceClaim {
    let window = day_window(schedule, tz, day);
    ServiceClaim {
        travel_minutes,
        ..ServiceClaim::scheduled_presence(checked_in_at, checked_out_at, break_minutes, &window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::service_record::served_minutes;
    use chrono_tz::Asia::{Shanghai, Urumqi};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Ten days in Kashgar, Beijing time: from the 1st at 08:00 to the 10th at 20:00.
    fn deployment() -> Schedule {
        Schedule {
            starts_at: t("2030-07-01T08:00:00+08:00"),
            ends_at: t("2030-07-10T20:00:00+08:00"),
        }
    }

    #[test]
    fn service_days_are_local_and_an_end_at_midnight_stays_on_the_day_before() {
        let days = service_days(&deployment(), Shanghai);
        assert_eq!(
            (*days.start(), *days.end()),
            (d("2030-07-01"), d("2030-07-10"))
        );
        assert_eq!((*days.end() - *days.start()).num_days() + 1, 10);
        let to_midnight = Schedule {
            starts_at: t("2030-07-01T20:00:00+08:00"),
            ends_at: t("2030-07-02T00:00:00+08:00"),
        };
        assert!(!is_multi_day(&to_midnight, Shanghai));
        // 20:00 to 01:00 Beijing time crosses midnight there, not in Urumqi (two hours behind).
        let late = Schedule {
            starts_at: t("2030-07-01T20:00:00+08:00"),
            ends_at: t("2030-07-02T01:00:00+08:00"),
        };
        assert!(is_multi_day(&late, Shanghai));
        assert!(!is_multi_day(&late, Urumqi));
    }

    #[test]
    fn a_day_window_is_the_schedule_cut_to_the_day() {
        let s = deployment();
        let first = day_window(&s, Shanghai, d("2030-07-01"));
        assert_eq!(first.starts_at, s.starts_at);
        assert_eq!(first.ends_at, t("2030-07-02T00:00:00+08:00"));
        let middle = day_window(&s, Shanghai, d("2030-07-05"));
        assert_eq!(
            (middle.starts_at, middle.ends_at),
            (
                t("2030-07-05T00:00:00+08:00"),
                t("2030-07-06T00:00:00+08:00")
            )
        );
        let last = day_window(&s, Shanghai, d("2030-07-10"));
        assert_eq!(last.ends_at, s.ends_at);
    }

    #[test]
    fn a_day_claim_counts_presence_minus_breaks_and_never_travel() {
        let s = deployment();
        // Arrival day: the bus arrives at 14:00 after six hours on the road.
        let claim = day_claim(
            &s,
            Shanghai,
            d("2030-07-01"),
            t("2030-07-01T14:00:00+08:00"),
            t("2030-07-01T18:30:00+08:00"),
            30,
            360,
        );
        assert_eq!(claim.travel_minutes, 360);
        assert_eq!(served_minutes(&claim, &s, Shanghai, &[]), Ok(240));
        // Presence before the schedule's start is not service.
        let early = day_claim(
            &s,
            Shanghai,
            d("2030-07-01"),
            t("2030-07-01T07:00:00+08:00"),
            t("2030-07-01T09:00:00+08:00"),
            0,
            0,
        );
        assert_eq!(served_minutes(&early, &s, Shanghai, &[]), Ok(60));
        // A whole day is at most 1,440 minutes.
        let whole = day_claim(
            &s,
            Shanghai,
            d("2030-07-05"),
            t("2030-07-05T00:00:00+08:00"),
            t("2030-07-06T00:00:00+08:00"),
            0,
            0,
        );
        assert_eq!(served_minutes(&whole, &s, Shanghai, &[]), Ok(1440));
    }

    #[test]
    fn a_recorded_day_is_checked_against_the_days_and_the_clock() {
        let s = deployment();
        let now = t("2030-07-20T00:00:00Z");
        let presence = |from: &str, until: Option<&str>| DayPresence {
            checked_in_at: t(from),
            checked_out_at: until.map(t),
            break_minutes: 0,
            travel_minutes: 0,
        };
        let codes = |day: &str, p: DayPresence, now: DateTime<Utc>| -> Vec<(String, String)> {
            check_day(&s, Shanghai, d(day), &p, now)
                .into_iter()
                .map(|i| (i.field, i.code))
                .collect()
        };
        let ok = presence(
            "2030-07-03T09:00:00+08:00",
            Some("2030-07-03T17:00:00+08:00"),
        );
        assert!(codes("2030-07-03", ok, now).is_empty());
        let open = presence("2030-07-03T09:00:00+08:00", None);
        assert!(codes("2030-07-03", open, now).is_empty());
        let to_midnight = presence(
            "2030-07-03T09:00:00+08:00",
            Some("2030-07-04T00:00:00+08:00"),
        );
        assert!(codes("2030-07-03", to_midnight, now).is_empty());
        let past_midnight = presence(
            "2030-07-03T09:00:00+08:00",
            Some("2030-07-04T00:01:00+08:00"),
        );
        assert_eq!(
            codes("2030-07-03", past_midnight, now),
            [("checked_out_at".into(), "not_on_service_day".into())]
        );
        assert_eq!(
            codes("2030-07-11", ok, now),
            [("date".into(), "not_a_service_day".into())]
        );
        assert_eq!(
            codes("2030-07-04", ok, now),
            [("checked_in_at".into(), "not_on_service_day".into())]
        );
        let backwards = presence(
            "2030-07-03T09:00:00+08:00",
            Some("2030-07-03T09:00:00+08:00"),
        );
        assert_eq!(
            codes("2030-07-03", backwards, now),
            [("checked_out_at".into(), "before_check_in".into())]
        );
        let before = t("2030-07-03T12:00:00+08:00");
        assert_eq!(
            codes("2030-07-03", ok, before),
            [("checked_out_at".into(), "in_future".into())]
        );
        let mut negative = ok;
        negative.break_minutes = -1;
        assert_eq!(
            codes("2030-07-03", negative, now),
            [("break_minutes".into(), "invalid_value".into())]
        );
    }
}
