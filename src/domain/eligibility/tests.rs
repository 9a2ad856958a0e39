//! One row per rule and per side of every boundary. Each row starts from an eligible pair
//! (Saturday 13 June 2026, 09:00–12:00 in Hangzhou, an adult local volunteer) and changes only
//! what the row is about, then names every violation code it expects, so a row also proves
//! that no other rule fires. The fixture is shared with the matching tests.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Asia::Shanghai;

use super::*;
use crate::domain::region::RegionCode;
use crate::domain::training::TrainingCertificate;

pub(crate) struct Fixture {
    pub activity: ActivityRequirements,
    pub volunteer: VolunteerSnapshot,
    pub commitments: Vec<Commitment>,
    pub ctx: AssignmentContext,
    pub policy: EligibilityPolicy,
}

pub(crate) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(crate) fn region(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

pub(crate) fn skill(code: &str, level: u8) -> Skill {
    Skill {
        code: code.into(),
        level,
    }
}

fn cert(course_id: i64, category: CourseCategory, expires: Option<&str>) -> TrainingCertificate {
    TrainingCertificate {
        course_id,
        course_category: category,
        issued_on: date("2025-01-01"),
        expires_on: expires.map(date),
        revoked: false,
    }
}

fn window(weekday: Weekday, from: &str, until: &str) -> WeeklyWindow {
    let minutes = |s: &str| -> u16 {
        let (h, m) = s.split_once(':').unwrap();
        h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
    };
    WeeklyWindow::new(weekday, minutes(from), minutes(until)).unwrap()
}

fn commitment(id: i64, from: &str, until: &str) -> Commitment {
    Commitment {
        activity_id: id,
        starts_at: at(from),
        ends_at: at(until),
    }
}

fn insurance(from: &str, until: &str) -> InsurancePolicy {
    InsurancePolicy {
        starts_at: at(from),
        ends_at: at(until),
    }
}

pub(crate) fn base() -> Fixture {
    Fixture {
        activity: ActivityRequirements {
            id: 100,
            programme: Programme::General,
            // 09:00–12:00 in Shanghai.
            starts_at: at("2026-06-13T01:00:00Z"),
            ends_at: at("2026-06-13T04:00:00Z"),
            time_zone: Shanghai,
            region: region("330106"),
            coordinates: None,
            required_skills: vec![skill("performance.music", 2)],
            required_languages: vec!["zh".into()],
            local_languages: vec![],
            required_course_ids: vec![],
            required_qualification: None,
            target_groups: vec!["general_public".into()],
            min_age: None,
            max_age: None,
            physical_demand: 1,
            risk_level: RiskLevel::Low,
            agreement_required: false,
            sending_province: None,
        },
        volunteer: VolunteerSnapshot {
            id: 1,
            status: VolunteerStatus::Active,
            birth_date: date("1990-05-20"),
            own_income: false,
            home_region: region("330106"),
            coordinates: None,
            skills: vec![
                skill("performance.music", 2),
                skill("reading.storytelling", 3),
            ],
            languages: vec!["zh".into()],
            certificates: vec![],
            qualifications: vec![],
            fitness_level: 2,
            availability: vec![],
            blackouts: vec![],
            weekly_cap_minutes: None,
            guardian_activity_consent: false,
            insurance: vec![],
            background_check_passed_on: Some(date("2026-01-10")),
            preferred_target_groups: vec![],
        },
        commitments: vec![],
        ctx: AssignmentContext {
            checkpoint: CheckPoint::Confirm,
            accompanying_guardian: false,
            agreement_signed: true,
            agreement_requested: false,
            checked_at: at("2026-06-01T00:00:00Z"),
        },
        policy: EligibilityPolicy::default(),
    }
}

fn codes(f: &Fixture) -> Vec<&'static str> {
    check(&f.activity, &f.volunteer, &f.commitments, &f.ctx, &f.policy)
        .iter()
        .map(|v| v.code.as_str())
        .collect()
}

type Row = (&'static str, fn(&mut Fixture), &'static [&'static str]);

fn run(rows: &[Row]) {
    for (name, change, expected) in rows {
        let mut f = base();
        change(&mut f);
        assert_eq!(codes(&f), *expected, "row: {name}");
    }
}

// A minor on the start date: born 13 June 2009, 17 on 13 June 2026.
fn seventeen(f: &mut Fixture) {
    f.volunteer.birth_date = date("2009-06-13");
}

fn spring_rain(f: &mut Fixture) {
    // Zhejiang → Xinjiang, five days, insured; the volunteer is from Hangzhou.
    f.activity.programme = Programme::SpringRain;
    f.activity.region = region("650100");
    f.activity.sending_province = Some(region("330000"));
    f.activity.starts_at = at("2026-06-13T01:00:00Z");
    f.activity.ends_at = at("2026-06-17T10:00:00Z");
    f.volunteer.insurance = vec![insurance("2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z")];
}

#[test]
fn the_base_pair_is_eligible() {
    assert_eq!(codes(&base()), Vec::<&str>::new());
}

#[test]
fn status_must_be_active() {
    run(&[
        (
            "pending",
            |f| f.volunteer.status = VolunteerStatus::Pending,
            &["status_not_active"],
        ),
        (
            "suspended",
            |f| f.volunteer.status = VolunteerStatus::Suspended,
            &["status_not_active"],
        ),
        (
            "withdrawn",
            |f| f.volunteer.status = VolunteerStatus::Withdrawn,
            &["status_not_active"],
        ),
    ]);
}

#[test]
fn skills_and_languages_follow_act_07() {
    run(&[
        (
            "skill absent",
            |f| {
                f.volunteer.skills.remove(0);
            },
            &["skill_missing"],
        ),
        (
            "level one short",
            |f| f.volunteer.skills[0].level = 1,
            &["skill_level_too_low"],
        ),
        ("level above", |f| f.volunteer.skills[0].level = 3, &[]),
        (
            "two requirements, both missing",
            |f| {
                f.activity.required_skills.push(skill("first_aid", 1));
                f.volunteer.skills.clear();
            },
            &["skill_missing", "skill_missing"],
        ),
        (
            "language absent",
            |f| f.activity.required_languages.push("ug".into()),
            &["language_missing"],
        ),
        (
            "language present",
            |f| {
                f.activity.required_languages.push("ug".into());
                f.volunteer.languages.push("ug".into());
            },
            &[],
        ),
    ]);
}

#[test]
fn required_courses_need_a_certificate_valid_on_the_local_start_date() {
    use CourseCategory::ElderCare;
    run(&[
        (
            "no certificate",
            |f| f.activity.required_course_ids = vec![7],
            &["training_missing"],
        ),
        (
            "certificate for another course",
            |f| {
                f.activity.required_course_ids = vec![7];
                f.volunteer.certificates = vec![cert(8, CourseCategory::Skill, None)];
            },
            &["training_missing"],
        ),
        (
            "expires the day after the start",
            |f| {
                f.activity.required_course_ids = vec![7];
                f.volunteer.certificates = vec![cert(7, CourseCategory::Skill, Some("2026-06-14"))];
            },
            &[],
        ),
        (
            "expires on the start day",
            |f| {
                f.activity.required_course_ids = vec![7];
                f.volunteer.certificates = vec![cert(7, CourseCategory::Skill, Some("2026-06-13"))];
            },
            &["training_expired"],
        ),
        (
            "revoked",
            |f| {
                f.activity.required_course_ids = vec![7];
                let mut c = cert(7, CourseCategory::Skill, None);
                c.revoked = true;
                f.volunteer.certificates = vec![c];
            },
            &["training_expired"],
        ),
        (
            "one expired, one valid",
            |f| {
                f.activity.required_course_ids = vec![7];
                f.volunteer.certificates = vec![
                    cert(7, CourseCategory::Skill, Some("2025-06-01")),
                    cert(7, CourseCategory::Skill, None),
                ];
            },
            &[],
        ),
        (
            // 00:30 Shanghai on 14 June is still 13 June in UTC: the local date decides.
            "expiry at local midnight, UTC date still before",
            |f| {
                f.activity.starts_at = at("2026-06-13T16:30:00Z");
                f.activity.ends_at = at("2026-06-13T18:00:00Z");
                f.activity.required_course_ids = vec![7];
                f.volunteer.certificates = vec![cert(7, CourseCategory::Skill, Some("2026-06-14"))];
            },
            &["training_expired"],
        ),
        (
            "elderly target group needs elder care",
            |f| f.activity.target_groups = vec!["empty_nest_elderly".into()],
            &["training_missing"],
        ),
        (
            "elderly target group with an elder care certificate",
            |f| {
                f.activity.target_groups = vec!["empty_nest_elderly".into()];
                f.volunteer.certificates = vec![cert(3, ElderCare, None)];
            },
            &[],
        ),
        (
            "two groups needing the same category ask once",
            |f| {
                f.activity.target_groups = vec!["minors".into(), "left_behind_children".into()];
            },
            &["training_missing"],
        ),
        (
            "policy without category requirements",
            |f| {
                f.activity.target_groups = vec!["empty_nest_elderly".into()];
                f.policy.course_categories_by_target_group.clear();
            },
            &[],
        ),
    ]);
}

#[test]
fn qualifications_must_match_and_be_unexpired_act_06() {
    run(&[
        (
            "none",
            |f| f.activity.required_qualification = Some("medical".into()),
            &["qualification_missing"],
        ),
        (
            "expires on the start day",
            |f| {
                f.activity.required_qualification = Some("medical".into());
                f.volunteer.qualifications = vec![Qualification {
                    code: "medical".into(),
                    expires_on: Some(date("2026-06-13")),
                }];
            },
            &["qualification_missing"],
        ),
        (
            "expires the day after",
            |f| {
                f.activity.required_qualification = Some("medical".into());
                f.volunteer.qualifications = vec![Qualification {
                    code: "medical".into(),
                    expires_on: Some(date("2026-06-14")),
                }];
            },
            &[],
        ),
    ]);
}

#[test]
fn availability_is_read_in_local_wall_clock_time() {
    run(&[
        (
            "no windows declared",
            |f| f.volunteer.availability.clear(),
            &[],
        ),
        (
            "window exactly the activity",
            |f| f.volunteer.availability = vec![window(Weekday::Sat, "09:00", "12:00")],
            &[],
        ),
        (
            "window one minute short",
            |f| f.volunteer.availability = vec![window(Weekday::Sat, "09:00", "11:59")],
            &["unavailable"],
        ),
        (
            "window starts one minute late",
            |f| f.volunteer.availability = vec![window(Weekday::Sat, "09:01", "12:00")],
            &["unavailable"],
        ),
        (
            "two windows that touch",
            |f| {
                f.volunteer.availability = vec![
                    window(Weekday::Sat, "10:30", "12:00"),
                    window(Weekday::Sat, "08:00", "10:30"),
                ]
            },
            &[],
        ),
        (
            "two windows with a gap",
            |f| {
                f.volunteer.availability = vec![
                    window(Weekday::Sat, "08:00", "10:00"),
                    window(Weekday::Sat, "10:30", "12:00"),
                ]
            },
            &["unavailable"],
        ),
        (
            "right hours, wrong day",
            |f| f.volunteer.availability = vec![window(Weekday::Sun, "09:00", "12:00")],
            &["unavailable"],
        ),
        (
            "UTC times would fit, local times do not",
            |f| f.volunteer.availability = vec![window(Weekday::Sat, "01:00", "04:00")],
            &["unavailable"],
        ),
        (
            "overnight activity over two days' windows",
            |f| {
                f.activity.starts_at = at("2026-06-13T12:00:00Z"); // Sat 20:00
                f.activity.ends_at = at("2026-06-13T18:00:00Z"); // Sun 02:00
                f.volunteer.availability = vec![
                    window(Weekday::Sat, "18:00", "24:00"),
                    window(Weekday::Sun, "00:00", "02:00"),
                ];
            },
            &[],
        ),
        (
            "overnight activity, the second day not covered",
            |f| {
                f.activity.starts_at = at("2026-06-13T12:00:00Z");
                f.activity.ends_at = at("2026-06-13T18:00:00Z");
                f.volunteer.availability = vec![window(Weekday::Sat, "18:00", "24:00")];
            },
            &["unavailable"],
        ),
        (
            "blackout covering the day",
            |f| {
                f.volunteer.blackouts =
                    vec![DateRange::new(date("2026-06-10"), date("2026-06-13")).unwrap()]
            },
            &["unavailable"],
        ),
        (
            "blackout ending the day before",
            |f| {
                f.volunteer.blackouts =
                    vec![DateRange::new(date("2026-06-01"), date("2026-06-12")).unwrap()]
            },
            &[],
        ),
        (
            "blackout starting the day after",
            |f| {
                f.volunteer.blackouts =
                    vec![DateRange::new(date("2026-06-14"), date("2026-06-20")).unwrap()]
            },
            &[],
        ),
        (
            "activity ending at local midnight does not touch the next day",
            |f| {
                f.activity.starts_at = at("2026-06-13T12:00:00Z"); // 20:00
                f.activity.ends_at = at("2026-06-13T16:00:00Z"); // 24:00
                f.volunteer.blackouts =
                    vec![DateRange::new(date("2026-06-14"), date("2026-06-14")).unwrap()];
            },
            &[],
        ),
    ]);
}

#[test]
fn windows_and_ranges_parse_only_when_well_formed() {
    assert!(WeeklyWindow::new(Weekday::Mon, 600, 600).is_none());
    assert!(WeeklyWindow::new(Weekday::Mon, 600, 1441).is_none());
    assert!(WeeklyWindow::new(Weekday::Mon, 0, 1440).is_some());
    assert!(DateRange::new(date("2026-01-02"), date("2026-01-01")).is_none());
    assert!(DateRange::new(date("2026-01-02"), date("2026-01-02")).is_some());
}

#[test]
fn live_commitments_may_not_come_within_the_travel_buffer() {
    run(&[
        (
            "ends exactly two hours before",
            |f| {
                f.commitments = vec![commitment(
                    7,
                    "2026-06-12T20:00:00Z",
                    "2026-06-12T23:00:00Z",
                )]
            },
            &[],
        ),
        (
            "ends one minute inside the buffer",
            |f| {
                f.commitments = vec![commitment(
                    7,
                    "2026-06-12T20:00:00Z",
                    "2026-06-12T23:01:00Z",
                )]
            },
            &["overlap"],
        ),
        (
            "starts exactly two hours after",
            |f| {
                f.commitments = vec![commitment(
                    7,
                    "2026-06-13T06:00:00Z",
                    "2026-06-13T08:00:00Z",
                )]
            },
            &[],
        ),
        (
            "starts one minute inside the buffer",
            |f| {
                f.commitments = vec![commitment(
                    7,
                    "2026-06-13T05:59:00Z",
                    "2026-06-13T08:00:00Z",
                )]
            },
            &["overlap"],
        ),
        (
            "the same activity's own assignment is ignored",
            |f| {
                f.commitments = vec![commitment(
                    100,
                    "2026-06-13T01:00:00Z",
                    "2026-06-13T04:00:00Z",
                )]
            },
            &[],
        ),
        (
            "a zero buffer allows back-to-back",
            |f| {
                f.policy.travel_buffer = TimeDelta::zero();
                f.commitments = vec![commitment(
                    7,
                    "2026-06-12T23:00:00Z",
                    "2026-06-13T01:00:00Z",
                )];
            },
            &[],
        ),
    ]);
}

#[test]
fn the_weekly_cap_counts_the_local_iso_week_of_the_start() {
    run(&[
        // 180 min this activity + 120 min on Monday 8 June = 300.
        (
            "exactly at the cap",
            |f| {
                f.volunteer.weekly_cap_minutes = Some(300);
                f.commitments = vec![commitment(
                    7,
                    "2026-06-08T01:00:00Z",
                    "2026-06-08T03:00:00Z",
                )];
            },
            &[],
        ),
        (
            "one minute over",
            |f| {
                f.volunteer.weekly_cap_minutes = Some(299);
                f.commitments = vec![commitment(
                    7,
                    "2026-06-08T01:00:00Z",
                    "2026-06-08T03:00:00Z",
                )];
            },
            &["weekly_cap_exceeded"],
        ),
        (
            "this activity alone over the cap",
            |f| f.volunteer.weekly_cap_minutes = Some(179),
            &["weekly_cap_exceeded"],
        ),
        (
            // Sunday 7 June 23:00–Monday 01:00 Shanghai: only the hour after midnight counts.
            "a commitment across the week start counts only its part inside",
            |f| {
                f.volunteer.weekly_cap_minutes = Some(240);
                f.commitments = vec![commitment(
                    7,
                    "2026-06-07T15:00:00Z",
                    "2026-06-07T17:00:00Z",
                )];
            },
            &[],
        ),
        (
            // 07:30–08:00 on Monday 8 June in Shanghai is still Sunday in UTC: it counts.
            "the week is local, not UTC",
            |f| {
                f.volunteer.weekly_cap_minutes = Some(200);
                f.commitments = vec![commitment(
                    7,
                    "2026-06-07T23:30:00Z",
                    "2026-06-08T00:00:00Z",
                )];
            },
            &["weekly_cap_exceeded"],
        ),
        (
            "no cap",
            |f| {
                f.commitments = vec![commitment(
                    7,
                    "2026-06-08T01:00:00Z",
                    "2026-06-08T23:00:00Z",
                )]
            },
            &[],
        ),
    ]);
}

#[test]
fn age_is_taken_on_the_local_start_date_min_01() {
    run(&[
        (
            "18 on the start day",
            |f| {
                f.activity.min_age = Some(18);
                f.volunteer.birth_date = date("2008-06-13");
            },
            &[],
        ),
        (
            "18 the day after: a minor, too young",
            |f| {
                f.activity.min_age = Some(18);
                f.volunteer.birth_date = date("2008-06-14");
            },
            &["too_young", "guardian_consent_missing"],
        ),
        (
            // 00:30 on 14 June in Shanghai is still 13 June in UTC.
            "birthday reached in local time only",
            |f| {
                f.activity.starts_at = at("2026-06-13T16:30:00Z");
                f.activity.ends_at = at("2026-06-13T18:00:00Z");
                f.activity.min_age = Some(18);
                f.volunteer.birth_date = date("2008-06-14");
            },
            &[],
        ),
        (
            "60 on the start day, max 60",
            |f| {
                f.activity.max_age = Some(60);
                f.volunteer.birth_date = date("1966-06-14");
            },
            &[],
        ),
        (
            "turns 61 on the start day, max 60",
            |f| {
                f.activity.max_age = Some(60);
                f.volunteer.birth_date = date("1965-06-13");
            },
            &["too_old"],
        ),
    ]);
}

#[test]
fn age_counts_completed_years() {
    assert_eq!(age_on(date("2008-06-13"), date("2026-06-13")), 18);
    assert_eq!(age_on(date("2008-06-14"), date("2026-06-13")), 17);
    assert_eq!(age_on(date("2008-02-29"), date("2026-02-28")), 17);
    assert_eq!(age_on(date("2008-02-29"), date("2026-03-01")), 18);
    assert_eq!(age_on(date("2026-06-14"), date("2026-06-13")), 0);
}

#[test]
fn minors_need_a_guardian_consent_or_company_min_03() {
    run(&[
        ("17, no consent", seventeen, &["guardian_consent_missing"]),
        (
            "17, no consent, agreement unsigned",
            |f| {
                seventeen(f);
                f.ctx.agreement_signed = false;
            },
            &["guardian_consent_missing", "agreement_missing"],
        ),
        (
            "17 with activity consent",
            |f| {
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
            },
            &[],
        ),
        (
            "17 with an accompanying guardian",
            |f| {
                seventeen(f);
                f.ctx.accompanying_guardian = true;
            },
            &[],
        ),
        (
            "17 on own income counts as adult",
            |f| {
                seventeen(f);
                f.volunteer.own_income = true;
                f.ctx.agreement_signed = false;
            },
            &[],
        ),
        (
            "15 on own income is still a minor",
            |f| {
                f.volunteer.birth_date = date("2011-06-13");
                f.volunteer.own_income = true;
            },
            &["guardian_consent_missing"],
        ),
        (
            "own-income adulthood switched off",
            |f| {
                seventeen(f);
                f.volunteer.own_income = true;
                f.policy.own_income_adult_from = None;
            },
            &["guardian_consent_missing"],
        ),
    ]);
}

#[test]
fn young_children_need_company_and_the_youngest_never_serve_min_06() {
    run(&[
        (
            "9 with consent, alone",
            |f| {
                f.volunteer.birth_date = date("2016-06-14");
                f.volunteer.guardian_activity_consent = true;
            },
            &["guardian_accompaniment_required"],
        ),
        (
            "9, accompanied",
            |f| {
                f.volunteer.birth_date = date("2016-06-14");
                f.ctx.accompanying_guardian = true;
            },
            &[],
        ),
        (
            "10 on the start day with consent, alone",
            |f| {
                f.volunteer.birth_date = date("2016-06-13");
                f.volunteer.guardian_activity_consent = true;
            },
            &[],
        ),
        (
            "5, accompanied",
            |f| {
                f.volunteer.birth_date = date("2020-06-14");
                f.ctx.accompanying_guardian = true;
            },
            &["minor_not_allowed"],
        ),
        (
            "6 on the start day, accompanied",
            |f| {
                f.volunteer.birth_date = date("2020-06-13");
                f.ctx.accompanying_guardian = true;
            },
            &[],
        ),
        (
            "local policy off",
            |f| {
                f.volunteer.birth_date = date("2020-06-14");
                f.volunteer.guardian_activity_consent = true;
                f.policy.minimum_age = None;
                f.policy.accompanied_below_age = None;
            },
            &[],
        ),
    ]);
}

#[test]
fn minors_stay_off_hazardous_activities_min_05() {
    run(&[
        (
            "17, hazardous",
            |f| {
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
                f.activity.risk_level = RiskLevel::Hazardous;
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T04:00:00Z")];
            },
            &["minor_not_allowed"],
        ),
        (
            "18, hazardous",
            |f| {
                f.volunteer.birth_date = date("2008-06-13");
                f.activity.risk_level = RiskLevel::Hazardous;
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T04:00:00Z")];
            },
            &[],
        ),
        (
            "17, minimum age 18",
            |f| {
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
                f.activity.min_age = Some(18);
            },
            &["too_young"],
        ),
    ]);
}

#[test]
fn minors_on_multi_day_spring_rain_need_company_min_07() {
    run(&[
        (
            "17 with consent, alone",
            |f| {
                spring_rain(f);
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
            },
            &["guardian_accompaniment_required"],
        ),
        (
            "17, accompanied",
            |f| {
                spring_rain(f);
                seventeen(f);
                f.ctx.accompanying_guardian = true;
            },
            &[],
        ),
        (
            "17 with consent, one-day deployment",
            |f| {
                spring_rain(f);
                f.activity.ends_at = at("2026-06-13T10:00:00Z");
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
            },
            &[],
        ),
        (
            "policy off",
            |f| {
                spring_rain(f);
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
                f.policy.spring_rain_minors_accompanied = false;
            },
            &[],
        ),
    ]);
}

#[test]
fn physical_demand_may_not_exceed_fitness_act_07() {
    run(&[
        ("equal", |f| f.activity.physical_demand = 2, &[]),
        (
            "one above",
            |f| f.activity.physical_demand = 3,
            &["fitness_insufficient"],
        ),
    ]);
}

#[test]
fn risky_activities_and_spring_rain_need_insurance_for_the_whole_period() {
    fn risky(f: &mut Fixture) {
        f.activity.risk_level = RiskLevel::PersonalDangerPossible;
    }
    run(&[
        ("low risk, no policy", |_| {}, &[]),
        ("personal danger, no policy", risky, &["insurance_missing"]),
        (
            "covers exactly",
            |f| {
                risky(f);
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T04:00:00Z")];
            },
            &[],
        ),
        (
            "ends one minute short",
            |f| {
                risky(f);
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T03:59:00Z")];
            },
            &["insurance_missing"],
        ),
        (
            "starts one minute late",
            |f| {
                risky(f);
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:01:00Z", "2026-06-13T04:00:00Z")];
            },
            &["insurance_missing"],
        ),
        (
            "two policies that only together cover the period do not count",
            |f| {
                risky(f);
                f.volunteer.insurance = vec![
                    insurance("2026-06-13T01:00:00Z", "2026-06-13T02:00:00Z"),
                    insurance("2026-06-13T02:00:00Z", "2026-06-13T04:00:00Z"),
                ];
            },
            &["insurance_missing"],
        ),
        (
            "Spring Rain without a policy",
            |f| {
                spring_rain(f);
                f.volunteer.insurance.clear();
            },
            &["insurance_missing"],
        ),
    ]);
}

#[test]
fn written_agreements_are_required_before_confirmation_act_09() {
    fn unsigned(f: &mut Fixture) {
        f.ctx.agreement_signed = false;
    }
    run(&[
        ("ordinary activity, unsigned", unsigned, &[]),
        (
            "activity requires one, unsigned",
            |f| {
                unsigned(f);
                f.activity.agreement_required = true;
            },
            &["agreement_missing"],
        ),
        (
            "activity requires one, at offer time",
            |f| {
                unsigned(f);
                f.activity.agreement_required = true;
                f.ctx.checkpoint = CheckPoint::Offer;
            },
            &[],
        ),
        (
            "activity requires one, at check-in",
            |f| {
                unsigned(f);
                f.activity.agreement_required = true;
                f.ctx.checkpoint = CheckPoint::CheckIn;
            },
            &["agreement_missing"],
        ),
        (
            "Spring Rain, unsigned",
            |f| {
                spring_rain(f);
                unsigned(f);
            },
            &["agreement_missing"],
        ),
        (
            "cross-province volunteer, unsigned",
            |f| {
                unsigned(f);
                f.volunteer.home_region = region("110105");
            },
            &["agreement_missing"],
        ),
        (
            "a party asked for one, unsigned",
            |f| {
                unsigned(f);
                f.ctx.agreement_requested = true;
            },
            &["agreement_missing"],
        ),
        (
            "a party asked for one, policy off",
            |f| {
                unsigned(f);
                f.ctx.agreement_requested = true;
                f.policy.agreement_on_request = false;
            },
            &[],
        ),
        (
            "cross-province, policy off",
            |f| {
                unsigned(f);
                f.volunteer.home_region = region("110105");
                f.policy.agreement_for_cross_province = false;
            },
            &[],
        ),
        (
            "personal danger, insured, unsigned",
            |f| {
                unsigned(f);
                f.activity.risk_level = RiskLevel::PersonalDangerPossible;
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T04:00:00Z")];
            },
            &["agreement_missing"],
        ),
        (
            "personal danger, policy off",
            |f| {
                unsigned(f);
                f.activity.risk_level = RiskLevel::PersonalDangerPossible;
                f.volunteer.insurance =
                    vec![insurance("2026-06-13T01:00:00Z", "2026-06-13T04:00:00Z")];
                f.policy.agreement_for_personal_danger = false;
            },
            &[],
        ),
        (
            "minor with consent, unsigned",
            |f| {
                unsigned(f);
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
            },
            &["agreement_missing"],
        ),
        (
            "minor with consent, policy off",
            |f| {
                unsigned(f);
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
                f.policy.agreement_for_minors = false;
            },
            &[],
        ),
    ]);
}

#[test]
fn adults_serving_left_behind_children_need_a_recent_background_check_min_09() {
    fn left_behind(f: &mut Fixture) {
        f.activity.target_groups = vec!["left_behind_children".into()];
        f.volunteer.certificates = vec![cert(5, CourseCategory::ChildSafeguarding, None)];
    }
    run(&[
        ("check five months old", left_behind, &[]),
        (
            "none recorded",
            |f| {
                left_behind(f);
                f.volunteer.background_check_passed_on = None;
            },
            &["background_check_missing"],
        ),
        (
            "passed 12 months minus a day before the start",
            |f| {
                left_behind(f);
                f.volunteer.background_check_passed_on = Some(date("2025-06-14"));
            },
            &[],
        ),
        (
            "passed exactly 12 months before the start",
            |f| {
                left_behind(f);
                f.volunteer.background_check_passed_on = Some(date("2025-06-13"));
            },
            &["background_check_missing"],
        ),
        (
            "dated after the moment of the check",
            |f| {
                left_behind(f);
                f.volunteer.background_check_passed_on = Some(date("2026-06-02"));
            },
            &["background_check_missing"],
        ),
        (
            "a minor volunteer needs none",
            |f| {
                left_behind(f);
                seventeen(f);
                f.volunteer.guardian_activity_consent = true;
                f.volunteer.background_check_passed_on = None;
            },
            &[],
        ),
        (
            "other target groups need none",
            |f| f.volunteer.background_check_passed_on = None,
            &[],
        ),
    ]);
}

#[test]
fn spring_rain_is_staffed_from_the_sending_province_sr_01() {
    run(&[
        ("from the sending province", spring_rain, &[]),
        (
            "from another province",
            |f| {
                spring_rain(f);
                f.volunteer.home_region = region("350102");
            },
            &["not_in_sending_province"],
        ),
        (
            "no sending province recorded",
            |f| {
                spring_rain(f);
                f.activity.sending_province = None;
            },
            &["not_in_sending_province"],
        ),
    ]);
}

#[test]
fn violations_carry_their_rule_ids() {
    let mut f = base();
    seventeen(&mut f);
    f.ctx.agreement_signed = false;
    f.activity.risk_level = RiskLevel::Hazardous;
    let v = check(&f.activity, &f.volunteer, &f.commitments, &f.ctx, &f.policy);
    let rules: Vec<_> = v.iter().map(|x| (x.code.as_str(), x.rule)).collect();
    assert_eq!(
        rules,
        vec![
            ("minor_not_allowed", "MIN-05"),
            ("guardian_consent_missing", "MIN-03"),
            ("insurance_missing", "ACT-08"),
            ("agreement_missing", "ACT-09"),
        ]
    );
    assert!(v.iter().all(|x| !x.detail.is_empty()));
}

#[test]
fn every_code_and_enum_round_trips() {
    for c in ViolationCode::ALL {
        assert_eq!(ViolationCode::parse(c.as_str()), Some(c));
    }
    for s in ["pending", "active", "suspended", "withdrawn"] {
        assert_eq!(VolunteerStatus::parse(s).unwrap().as_str(), s);
    }
    for s in ["low", "personal_danger_possible", "hazardous"] {
        assert_eq!(RiskLevel::parse(s).unwrap().as_str(), s);
    }
    for s in ["general", "spring_rain"] {
        assert_eq!(Programme::parse(s).unwrap().as_str(), s);
    }
}
