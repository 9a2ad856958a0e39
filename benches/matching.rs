//! Matching and dispatch benchmark on seeded synthetic data (no external harness).
//!
//! Run: `cargo bench --bench matching`
//!
//! For each size it times `eligibility::check` over every (activity, volunteer) pair, `score` over
//! the eligible ones, and `matching::dispatch` on the resulting candidate pairs, then prints a
//! table and how each cost grew against the smallest instance. Data come from a fixed seed, so
//! runs are comparable; each timing is the best of three runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use springrain::domain::eligibility::{
    ActivityRequirements, AssignmentContext, CheckPoint, Commitment, EligibilityPolicy,
    InsurancePolicy, Programme, RiskLevel, Skill, VolunteerSnapshot, VolunteerStatus, WeeklyWindow,
    check,
};
use springrain::domain::matching::{
    CandidatePair, DispatchActivity, ScoringPolicy, VolunteerStats, dispatch, score,
};
use springrain::domain::region::RegionCode;
use springrain::domain::training::{CourseCategory, TrainingCertificate};

/// SplitMix64: tiny, seedable, identical on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const SKILLS: [&str; 6] = [
    "performance.music",
    "performance.dance",
    "reading.storytelling",
    "lecture.heritage",
    "digital.literacy",
    "elder_care",
];
const REGIONS: [&str; 8] = [
    "330106", "330108", "330205", "330302", "650102", "653101", "540102", "330000",
];
const GROUPS: [&str; 5] = [
    "general_public",
    "left_behind_children",
    "empty_nest_elderly",
    "rural_migrant_workers",
    "border_ethnic_communities",
];

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).expect("benchmark region codes are valid")
}

/// Saturday 13 June 2026, 00:00 in Shanghai.
fn weekend_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-13T00:00:00+08:00")
        .expect("valid timestamp")
        .with_timezone(&Utc)
}

fn activity(rng: &mut Rng, id: i64) -> ActivityRequirements {
    let spring_rain = rng.chance(10);
    let site = rng.pick(&REGIONS[..7]);
    let start =
        weekend_start() + TimeDelta::hours(rng.below(2) as i64 * 24 + 8 + rng.below(10) as i64);
    let hours = if spring_rain {
        24 * 4
    } else {
        2 + rng.below(3) as i64
    };
    let in_xinjiang = site.starts_with("65");
    ActivityRequirements {
        id,
        programme: if spring_rain {
            Programme::SpringRain
        } else {
            Programme::General
        },
        starts_at: start,
        ends_at: start + TimeDelta::hours(hours),
        time_zone: Shanghai,
        region: region(site),
        coordinates: None,
        required_skills: vec![Skill {
            code: rng.pick(&SKILLS).to_string(),
            level: 1 + rng.below(2) as u8,
        }],
        required_languages: vec!["zh".into()],
        local_languages: if in_xinjiang {
            vec!["ug".into()]
        } else {
            vec![]
        },
        required_course_ids: if rng.chance(10) { vec![1] } else { vec![] },
        required_qualification: None,
        target_groups: vec![rng.pick(&GROUPS).to_string()],
        min_age: Some(16),
        max_age: None,
        physical_demand: rng.below(3) as u8,
        risk_level: if rng.chance(15) {
            RiskLevel::PersonalDangerPossible
        } else {
            RiskLevel::Low
        },
        agreement_required: false,
        sending_province: spring_rain.then(|| region("330000")),
    }
}

fn volunteer(rng: &mut Rng, id: i64) -> (VolunteerSnapshot, Vec<Commitment>, VolunteerStats) {
    let start = weekend_start();
    let mut skills: Vec<Skill> = (0..3)
        .map(|_| Skill {
            code: rng.pick(&SKILLS).to_string(),
            level: 1 + rng.below(3) as u8,
        })
        .collect();
    skills.dedup_by(|a, b| a.code == b.code);
    let mut languages = vec!["zh".to_string()];
    if rng.chance(20) {
        languages.push("ug".into());
    }
    let mut certificates = Vec::new();
    for (course_id, course_category) in [
        (1, CourseCategory::Orientation),
        (2, CourseCategory::ChildSafeguarding),
        (3, CourseCategory::ElderCare),
    ] {
        if !rng.chance(60) {
            continue;
        }
        let month = |rng: &mut Rng| 1 + rng.below(12) as u32;
        certificates.push(TrainingCertificate {
            course_id,
            course_category,
            issued_on: NaiveDate::from_ymd_opt(2025, month(rng), 1).expect("valid date"),
            expires_on: if rng.chance(50) {
                NaiveDate::from_ymd_opt(2026, month(rng), 1)
            } else {
                None
            },
            revoked: rng.chance(3),
        });
    }
    let availability = if rng.chance(50) {
        vec![]
    } else {
        [Weekday::Sat, Weekday::Sun]
            .into_iter()
            .map(|d| WeeklyWindow::new(d, 7 * 60, 22 * 60).expect("valid window"))
            .collect()
    };
    let commitments = (0..rng.below(3))
        .map(|k| {
            let from = start + TimeDelta::hours(rng.below(48) as i64);
            Commitment {
                activity_id: 1_000_000 + k as i64,
                starts_at: from,
                ends_at: from + TimeDelta::hours(2),
            }
        })
        .collect();
    let snapshot = VolunteerSnapshot {
        id,
        status: if rng.chance(95) {
            VolunteerStatus::Active
        } else {
            VolunteerStatus::Suspended
        },
        birth_date: NaiveDate::from_ymd_opt(
            1960 + rng.below(52) as i32,
            1 + rng.below(12) as u32,
            1,
        )
        .expect("valid date"),
        own_income: rng.chance(5),
        home_region: region(rng.pick(&REGIONS)),
        coordinates: None,
        skills,
        languages,
        certificates,
        qualifications: vec![],
        fitness_level: rng.below(4) as u8,
        availability,
        blackouts: vec![],
        weekly_cap_minutes: rng.chance(30).then_some(600),
        guardian_activity_consent: rng.chance(50),
        insurance: if rng.chance(60) {
            vec![InsurancePolicy {
                starts_at: start - TimeDelta::days(30),
                ends_at: start + TimeDelta::days(180),
            }]
        } else {
            vec![]
        },
        background_check_passed_on: rng.chance(70).then(|| {
            NaiveDate::from_ymd_opt(2026, 1 + rng.below(5) as u32, 1).expect("valid date")
        }),
        preferred_target_groups: vec![rng.pick(&GROUPS).to_string()],
    };
    let stats = VolunteerStats {
        recent_verified_minutes: rng.below(3_000) as u32,
        completed: rng.below(30) as u32,
        no_shows: rng.below(3) as u32,
        ..VolunteerStats::default()
    };
    (snapshot, commitments, stats)
}

fn best_of_three<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = None::<Duration>;
    let mut out = None;
    for _ in 0..3 {
        let t = Instant::now();
        let r = f();
        let elapsed = t.elapsed();
        best = Some(best.map_or(elapsed, |b| b.min(elapsed)));
        out = Some(r);
    }
    (best.unwrap_or_default(), out.expect("ran three times"))
}

struct Row {
    volunteers: usize,
    activities: usize,
    check_time: Duration,
    eligible: usize,
    score_time: Duration,
    dispatch_time: Duration,
    planned: usize,
    min_filled: u32,
    min_wanted: u32,
}

fn measure(volunteers: usize, activities: usize) -> Row {
    let mut rng = Rng(0x5350_5249_4e47 ^ ((volunteers as u64) << 16) ^ activities as u64);
    let acts: Vec<_> = (0..activities)
        .map(|i| activity(&mut rng, i as i64 + 1))
        .collect();
    let vols: Vec<_> = (0..volunteers)
        .map(|i| volunteer(&mut rng, i as i64 + 1))
        .collect();
    let ctx = AssignmentContext {
        checkpoint: CheckPoint::Offer,
        accompanying_guardian: false,
        agreement_signed: false,
        agreement_requested: false,
        checked_at: weekend_start() - TimeDelta::days(7),
    };
    let policy = EligibilityPolicy::default();
    let scoring = ScoringPolicy::default();

    let (check_time, eligible_pairs) = best_of_three(|| {
        let mut eligible = Vec::new();
        for a in &acts {
            for (v, commitments, _) in &vols {
                if black_box(check(a, v, commitments, &ctx, &policy)).is_empty() {
                    eligible.push((a, v));
                }
            }
        }
        eligible
    });
    let stats_of = |id: i64| vols[id as usize - 1].2;
    let (score_time, pairs) = best_of_three(|| {
        eligible_pairs
            .iter()
            .map(|(a, v)| CandidatePair {
                activity_id: a.id,
                volunteer_id: v.id,
                score: black_box(score(a, v, &stats_of(v.id), &scoring)).total,
            })
            .collect::<Vec<_>>()
    });
    let batch: Vec<DispatchActivity> = acts
        .iter()
        .map(|a| {
            let min = 2 + rng.below(4) as u32;
            DispatchActivity {
                activity_id: a.id,
                min_headcount: min,
                max_headcount: min + rng.below(8) as u32,
                already_confirmed: rng.below(2) as u32,
            }
        })
        .collect();
    let (dispatch_time, plan) =
        best_of_three(|| dispatch(&batch, &pairs, &[], &[]).expect("benchmark input is valid"));
    let min_wanted = batch
        .iter()
        .map(|a| a.min_headcount.saturating_sub(a.already_confirmed))
        .sum();
    Row {
        volunteers,
        activities,
        check_time,
        eligible: pairs.len(),
        score_time,
        dispatch_time,
        planned: plan.assignments.len(),
        min_filled: plan.min_slots_filled,
        min_wanted,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let sizes = [(1_000, 50), (10_000, 50), (1_000, 200), (10_000, 200)];
    let rows: Vec<Row> = sizes.iter().map(|&(v, a)| measure(v, a)).collect();

    println!(
        "{:>10} {:>10} {:>10} {:>11} {:>9} {:>9} {:>10} {:>12} {:>8} {:>11}",
        "volunteers",
        "activities",
        "pairs",
        "check ms",
        "ns/check",
        "eligible",
        "score ms",
        "dispatch ms",
        "planned",
        "min filled"
    );
    for r in &rows {
        let pairs = r.volunteers * r.activities;
        println!(
            "{:>10} {:>10} {:>10} {:>11.1} {:>9.0} {:>9} {:>10.1} {:>12.1} {:>8} {:>11}",
            r.volunteers,
            r.activities,
            pairs,
            ms(r.check_time),
            r.check_time.as_secs_f64() * 1e9 / pairs as f64,
            r.eligible,
            ms(r.score_time),
            ms(r.dispatch_time),
            r.planned,
            format!("{}/{}", r.min_filled, r.min_wanted),
        );
    }
    let base = &rows[0];
    println!(
        "\ngrowth against {} x {}:",
        base.volunteers, base.activities
    );
    println!(
        "{:>10} {:>10} {:>12} {:>12} {:>15} {:>15}",
        "volunteers", "activities", "pairs x", "check x", "eligible x", "dispatch x"
    );
    for r in &rows[1..] {
        println!(
            "{:>10} {:>10} {:>12.1} {:>12.1} {:>15.1} {:>15.1}",
            r.volunteers,
            r.activities,
            (r.volunteers * r.activities) as f64 / (base.volunteers * base.activities) as f64,
            r.check_time.as_secs_f64() / base.check_time.as_secs_f64(),
            r.eligible as f64 / base.eligible as f64,
            r.dispatch_time.as_secs_f64() / base.dispatch_time.as_secs_f64(),
        );
    }
}
