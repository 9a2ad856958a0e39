use proptest::prelude::*;

use super::*;
use crate::domain::eligibility::tests::{Fixture, base, region, skill};
use crate::domain::eligibility::{CheckPoint, VolunteerStatus};

fn components(f: &Fixture, stats: VolunteerStats) -> ScoreComponents {
    score(&f.activity, &f.volunteer, &stats, &ScoringPolicy::default()).components
}

fn total(f: &Fixture) -> f64 {
    score(
        &f.activity,
        &f.volunteer,
        &VolunteerStats::default(),
        &ScoringPolicy::default(),
    )
    .total
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_base_pair_scores_as_documented() {
    // Skill met exactly (0.7), speaks the language (1), same county without coordinates (0.5),
    // no recent hours (1), no history (1), no stated preference (0.5).
    let f = base();
    let c = components(&f, VolunteerStats::default());
    assert_eq!(
        c,
        ScoreComponents {
            skill_fit: 0.7,
            language_match: 1.0,
            distance: 0.5,
            fairness: 1.0,
            reliability: 1.0,
            preference: 0.5,
        }
    );
    let expected = 0.30 * 0.7 + 0.10 + 0.20 * 0.5 + 0.15 + 0.15 + 0.10 * 0.5;
    assert!(close(total(&f), expected));
}

#[test]
fn skill_fit_rewards_levels_above_the_requirement() {
    type Skills = &'static [(&'static str, u8)];
    // (required, held, fit)
    let cases: [(Skills, Skills, f64); 6] = [
        (
            &[("performance.music", 2)],
            &[("performance.music", 2)],
            0.7,
        ),
        (
            &[("performance.music", 2)],
            &[("performance.music", 3)],
            0.85,
        ),
        (
            &[("performance.music", 1)],
            &[("performance.music", 3)],
            1.0,
        ),
        (
            &[("performance.music", 2)],
            &[("performance.dance", 3)],
            0.0,
        ),
        (&[], &[], 1.0),
        (
            &[("performance.music", 1), ("first_aid", 1)],
            &[("performance.music", 3)],
            0.5,
        ),
    ];
    for (required, has, expected) in cases {
        let mut f = base();
        f.activity.required_skills = required.iter().map(|(c, l)| skill(c, *l)).collect();
        f.volunteer.skills = has.iter().map(|(c, l)| skill(c, *l)).collect();
        let got = components(&f, VolunteerStats::default()).skill_fit;
        assert!(close(got, expected), "{required:?} / {has:?}: {got}");
    }
}

#[test]
fn border_ethnic_regions_and_minority_language_sites_are_recognised() {
    let mut f = base();
    assert!(!is_ethnic_context(&f.activity));
    f.activity.local_languages = vec!["en".into()];
    assert!(!is_ethnic_context(&f.activity));
    f.activity.local_languages = vec!["bo".into()];
    assert!(is_ethnic_context(&f.activity));
    let mut g = base();
    g.activity.region = region("653101"); // Kashgar
    assert!(is_ethnic_context(&g.activity));
    g.activity.region = region("640100"); // Yinchuan: receiving set, no land border
    assert!(is_ethnic_context(&g.activity));
}

#[test]
fn language_weighs_heavily_in_border_and_ethnic_regions() {
    // A: a stronger musician who speaks only Mandarin. B: a weaker one who also speaks Uyghur.
    let pair_at = |site: &str, local: &str| {
        let mut a = base();
        a.activity.region = region(site);
        a.volunteer.home_region = region(site);
        a.activity.required_skills = vec![skill("performance.music", 1)];
        a.activity.local_languages = vec![local.into()];
        a.volunteer.skills = vec![skill("performance.music", 3)];
        let mut b = base();
        b.activity = a.activity.clone();
        b.volunteer.home_region = region(site);
        b.volunteer.skills = vec![skill("performance.music", 1)];
        b.volunteer.languages = vec!["zh".into(), local.into()];
        (total(&a), total(&b))
    };
    let (a, b) = pair_at("653101", "ug");
    assert!(
        b > a,
        "in Kashgar the Uyghur speaker ranks first: {a} vs {b}"
    );
    let (a, b) = pair_at("330106", "en");
    assert!(a > b, "in Hangzhou skill decides: {a} vs {b}");
}

#[test]
fn spring_rain_weighs_the_receiving_regions_languages_from_the_policy() {
    // Two volunteers equal in everything but languages, sent to Kashgar; the site lists none.
    let mut plain = base();
    plain.activity.programme = Programme::SpringRain;
    plain.activity.region = region("653101");
    plain.activity.local_languages.clear();
    plain.activity.required_languages.clear();
    plain.volunteer.languages = vec!["zh".into()];
    let mut kazakh = base();
    kazakh.activity = plain.activity.clone();
    kazakh.volunteer.languages = vec!["zh".into(), "kk".into()];
    assert!(close(
        components(&plain, VolunteerStats::default()).language_match,
        0.0
    ));
    assert!(close(
        components(&kazakh, VolunteerStats::default()).language_match,
        1.0
    ));
    // The language weight (0.35 of 1.05 in all, distance unused) separates them.
    assert!(close(total(&kazakh) - total(&plain), 0.35 / 1.05));
    // A site language still counts beside the region's: Uyghur listed, Kazakh spoken.
    kazakh.activity.local_languages = vec!["ug".into()];
    assert!(close(
        components(&kazakh, VolunteerStats::default()).language_match,
        0.5
    ));

    // The table is data: without an entry for Xinjiang, the two tie.
    let mut policy = ScoringPolicy::default();
    policy.region_languages.remove("65");
    let with = |f: &Fixture| {
        score(
            &f.activity,
            &f.volunteer,
            &VolunteerStats::default(),
            &policy,
        )
    };
    kazakh.activity.local_languages.clear();
    assert!(close(with(&kazakh).total, with(&plain).total));
    // Nor does the bonus apply outside Spring Rain.
    kazakh.activity.programme = Programme::General;
    plain.activity.programme = Programme::General;
    assert!(close(total(&kazakh), total(&plain)));
}

#[test]
fn distance_uses_coordinates_or_falls_back_on_region_codes() {
    let beijing = GeoPoint {
        lat: 39.9042,
        lon: 116.4074,
    };
    let shanghai = GeoPoint {
        lat: 31.2304,
        lon: 121.4737,
    };
    let km = haversine_km(beijing, shanghai);
    assert!((1060.0..1075.0).contains(&km), "{km}");
    assert!(close(haversine_km(beijing, beijing), 0.0));

    let mut f = base();
    f.activity.coordinates = Some(GeoPoint {
        lat: 30.0,
        lon: 120.0,
    });
    // About 10 km north: the component halves.
    f.volunteer.coordinates = Some(GeoPoint {
        lat: 30.0 + 10.0 / 111.195,
        lon: 120.0,
    });
    let d = components(&f, VolunteerStats::default()).distance;
    assert!((d - 0.5).abs() < 1e-3, "{d}");

    let xihu = region("330106");
    let cases = [
        ("330106", 0.5),  // same county
        ("330108", 0.25), // same prefecture
        ("330100", 0.25), // the prefecture itself
        ("330200", 0.1),  // another prefecture
        ("330000", 0.1),  // only the province known
        ("650100", 0.0),  // another province
    ];
    for (other, expected) in cases {
        assert!(
            close(region_proximity(&xihu, &region(other)), expected),
            "{other}"
        );
    }
    assert!(close(
        region_proximity(&region("659001"), &region("660000")),
        0.1
    ));
}

#[test]
fn spring_rain_ignores_distance() {
    let mut near = base();
    near.activity.programme = Programme::SpringRain;
    near.activity.region = region("650100");
    near.volunteer.home_region = region("650100");
    let mut far = base();
    far.activity = near.activity.clone();
    far.volunteer.home_region = region("330106");
    assert!(components(&near, VolunteerStats::default()).distance > 0.0);
    assert!(close(total(&near), total(&far)));
}

#[test]
fn fairness_reliability_and_preference_follow_their_formulas() {
    let f = base();
    let stats = |recent, completed, no_shows| VolunteerStats {
        recent_verified_minutes: recent,
        completed,
        no_shows,
        ..VolunteerStats::default()
    };
    assert!(close(components(&f, stats(600, 0, 0)).fairness, 0.5));
    assert!(components(&f, stats(60, 0, 0)).fairness > components(&f, stats(120, 0, 0)).fairness);
    assert!(close(
        components(&f, stats(0, 8, 2)).reliability,
        10.0 / 12.0
    ));
    assert!(close(components(&f, stats(0, 0, 3)).reliability, 0.4));
    // Evaluations scale it: two of the lowest rating halve a clean history's 1.0.
    let evaluated = VolunteerStats {
        evaluations: 2,
        evaluation_points: 0,
        ..stats(0, 0, 0)
    };
    assert!(close(components(&f, evaluated).reliability, 0.5));

    let mut g = base();
    g.volunteer.preferred_target_groups = vec!["general_public".into()];
    assert!(close(components(&g, stats(0, 0, 0)).preference, 1.0));
    g.volunteer.preferred_target_groups = vec!["empty_nest_elderly".into()];
    assert!(close(components(&g, stats(0, 0, 0)).preference, 0.0));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(7),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_component_and_the_total_stay_in_the_unit_interval(
        recent in any::<u32>(),
        completed in any::<u32>(),
        no_shows in any::<u32>(),
        level in 0u8..=3,
        required in 1u8..=3,
        spring_rain in any::<bool>(),
        lat in -60.0f64..60.0,
        lon in 70.0f64..140.0,
    ) {
        let mut f = base();
        f.volunteer.skills = vec![skill("performance.music", level)];
        f.activity.required_skills = vec![skill("performance.music", required)];
        f.activity.coordinates = Some(GeoPoint { lat: 30.0, lon: 120.0 });
        f.volunteer.coordinates = Some(GeoPoint { lat, lon });
        if spring_rain {
            f.activity.programme = Programme::SpringRain;
        }
        let s = score(&f.activity, &f.volunteer, &VolunteerStats { recent_verified_minutes: recent, completed, no_shows, ..VolunteerStats::default() }, &ScoringPolicy::default());
        let c = s.components;
        for x in [s.total, c.skill_fit, c.language_match, c.distance, c.fairness, c.reliability, c.preference] {
            prop_assert!((0.0..=1.0).contains(&x), "{:?}", s);
        }
    }
}

#[test]
fn candidates_rank_by_score_then_id_with_near_misses_explained() {
    let f = base();
    let mut strong = f.volunteer.clone();
    strong.id = 30;
    strong.skills = vec![skill("performance.music", 3)];
    let mut tie_high_id = f.volunteer.clone();
    tie_high_id.id = 20;
    let mut tie_low_id = f.volunteer.clone();
    tie_low_id.id = 10;
    let mut suspended = f.volunteer.clone();
    suspended.id = 5;
    suspended.status = VolunteerStatus::Suspended;
    let mut far_off = f.volunteer.clone();
    far_off.id = 4;
    far_off.status = VolunteerStatus::Pending;
    far_off.languages.clear();
    let busy = [crate::domain::eligibility::Commitment {
        activity_id: 9,
        starts_at: f.activity.starts_at,
        ends_at: f.activity.ends_at,
    }];
    let mut booked = f.volunteer.clone();
    booked.id = 3;

    let people = [
        &far_off,
        &tie_high_id,
        &suspended,
        &strong,
        &tie_low_id,
        &booked,
    ];
    let candidates: Vec<Candidate<'_>> = people
        .iter()
        .map(|v| Candidate {
            volunteer: v,
            commitments: if v.id == 3 { &busy[..] } else { &[] },
            stats: VolunteerStats::default(),
        })
        .collect();
    let mut ctx = f.ctx;
    ctx.checkpoint = CheckPoint::Offer;
    let ranking = rank_candidates(
        &f.activity,
        &candidates,
        &ctx,
        &f.policy,
        &ScoringPolicy::default(),
    );
    let ids: Vec<i64> = ranking.eligible.iter().map(|c| c.volunteer_id).collect();
    assert_eq!(ids, vec![30, 10, 20]);
    let misses: Vec<(i64, Vec<&str>)> = ranking
        .near_misses
        .iter()
        .map(|m| {
            (
                m.volunteer_id,
                m.violations.iter().map(|v| v.code.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        misses,
        vec![
            (3, vec!["overlap"]),
            (5, vec!["status_not_active"]),
            (4, vec!["status_not_active", "language_missing"]),
        ]
    );
}
