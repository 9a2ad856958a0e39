//! Optimality is tested three ways: against brute force on small random instances (every
//! volunteer tries every choice), against an independent, deliberately plain min-cost-flow
//! (Bellman–Ford on the full network, big-M slot bonus) on medium ones, and against the
//! Hungarian method (`pathfinding::kuhn_munkres`) on slot-expanded instances of several
//! hundred slots.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::*;

fn act(id: i64, min: u32, max: u32, confirmed: u32) -> DispatchActivity {
    DispatchActivity {
        activity_id: id,
        min_headcount: min,
        max_headcount: max,
        already_confirmed: confirmed,
    }
}

fn pair(activity_id: i64, volunteer_id: i64, score: f64) -> CandidatePair {
    CandidatePair {
        activity_id,
        volunteer_id,
        score,
    }
}

fn key(activity_id: i64, volunteer_id: i64) -> PairKey {
    PairKey {
        activity_id,
        volunteer_id,
    }
}

fn chosen(plan: &Plan) -> Vec<(i64, i64)> {
    plan.assignments
        .iter()
        .map(|p| (p.activity_id, p.volunteer_id))
        .collect()
}

/// (minimum slots filled, total score units): the lexicographic objective.
fn objective(activities: &[DispatchActivity], plan: &[(i64, i64, i64)]) -> (u32, i64) {
    let slots = activities
        .iter()
        .map(|a| {
            let planned = plan.iter().filter(|p| p.0 == a.activity_id).count() as u32;
            planned.min(a.min_headcount.saturating_sub(a.already_confirmed))
        })
        .sum();
    (slots, plan.iter().map(|p| p.2).sum())
}

fn plan_objective(activities: &[DispatchActivity], plan: &Plan) -> (u32, i64) {
    let triples: Vec<_> = plan
        .assignments
        .iter()
        .map(|p| (p.activity_id, p.volunteer_id, score_units(p.score)))
        .collect();
    objective(activities, &triples)
}

/// Every constraint, checked from the outside.
fn assert_feasible(
    activities: &[DispatchActivity],
    pairs: &[CandidatePair],
    locks: &[PairKey],
    exclusions: &[PairKey],
    plan: &Plan,
) {
    let mut volunteers = HashSet::new();
    for p in &plan.assignments {
        assert!(volunteers.insert(p.volunteer_id), "volunteer twice: {p:?}");
        let k = key(p.activity_id, p.volunteer_id);
        assert!(
            pairs
                .iter()
                .any(|c| key(c.activity_id, c.volunteer_id) == k)
        );
        assert!(!exclusions.contains(&k), "excluded pair planned: {k:?}");
    }
    for a in activities {
        let planned = plan
            .assignments
            .iter()
            .filter(|p| p.activity_id == a.activity_id)
            .count() as u32;
        assert!(planned + a.already_confirmed <= a.max_headcount.max(a.already_confirmed));
    }
    for l in locks {
        assert!(
            plan.assignments
                .iter()
                .any(|p| key(p.activity_id, p.volunteer_id) == *l && p.locked)
        );
    }
}

/// The best objective over all plans, or `None` when no plan honours the locks.
fn brute_force(
    activities: &[DispatchActivity],
    pairs: &[CandidatePair],
    locks: &[PairKey],
    exclusions: &[PairKey],
) -> Option<(u32, i64)> {
    let mut volunteers: Vec<i64> = pairs.iter().map(|p| p.volunteer_id).collect();
    volunteers.extend(locks.iter().map(|l| l.volunteer_id));
    volunteers.sort_unstable();
    volunteers.dedup();
    // Each volunteer's options: nothing, or one open pair.
    let options: Vec<Vec<Option<(i64, i64)>>> = volunteers
        .iter()
        .map(|&v| {
            let mut o = vec![None];
            o.extend(
                pairs
                    .iter()
                    .filter(|p| p.volunteer_id == v && !exclusions.contains(&key(p.activity_id, v)))
                    .map(|p| Some((p.activity_id, score_units(p.score)))),
            );
            o
        })
        .collect();
    let mut best = None;
    let mut pick = vec![0usize; volunteers.len()];
    loop {
        let plan: Vec<(i64, i64, i64)> = pick
            .iter()
            .enumerate()
            .filter_map(|(i, &k)| options[i][k].map(|(a, s)| (a, volunteers[i], s)))
            .collect();
        let fits = activities.iter().all(|a| {
            let n = plan.iter().filter(|p| p.0 == a.activity_id).count() as u32;
            n <= a.max_headcount.saturating_sub(a.already_confirmed)
        });
        let locked = locks.iter().all(|l| {
            plan.iter()
                .any(|p| (p.0, p.1) == (l.activity_id, l.volunteer_id))
        });
        if fits && locked {
            let o = objective(activities, &plan);
            best = Some(best.map_or(o, |b: (u32, i64)| b.max(o)));
        }
        // Next combination (odometer).
        let mut i = 0;
        loop {
            if i == pick.len() {
                return best;
            }
            pick[i] += 1;
            if pick[i] < options[i].len() {
                break;
            }
            pick[i] = 0;
            i += 1;
        }
    }
}

/// Plain successive shortest paths with Bellman–Ford on the full network; the slot bonus is a
/// big-M constant. Returns the optimal objective (no locks or exclusions).
fn reference_objective(activities: &[DispatchActivity], pairs: &[CandidatePair]) -> (u32, i64) {
    let big_m: i64 = 1 + pairs
        .iter()
        .map(|p| score_units(p.score).abs())
        .sum::<i64>();
    let mut volunteers: Vec<i64> = pairs.iter().map(|p| p.volunteer_id).collect();
    volunteers.sort_unstable();
    volunteers.dedup();
    let (na, nv) = (activities.len(), volunteers.len());
    let (s, t) = (0, 1 + nv + na);
    // Edges as (to, capacity, cost), each followed by its reverse.
    let mut edges: Vec<(usize, i64, i64)> = Vec::new();
    let mut from: Vec<usize> = Vec::new();
    let mut add = |u: usize, v: usize, cap: i64, cost: i64| {
        edges.push((v, cap, cost));
        from.push(u);
        edges.push((u, 0, -cost));
        from.push(v);
    };
    for i in 0..nv {
        add(s, 1 + i, 1, 0);
    }
    for p in pairs {
        let v = volunteers.binary_search(&p.volunteer_id).unwrap();
        let a = activities
            .iter()
            .position(|a| a.activity_id == p.activity_id)
            .unwrap();
        add(1 + v, 1 + nv + a, 1, -score_units(p.score));
    }
    for (i, a) in activities.iter().enumerate() {
        let room = i64::from(a.max_headcount.saturating_sub(a.already_confirmed));
        let need = i64::from(a.min_headcount.saturating_sub(a.already_confirmed)).min(room);
        add(1 + nv + i, t, need, -big_m);
        add(1 + nv + i, t, room - need, 0);
    }
    let mut total = 0i64;
    loop {
        let mut dist = vec![i64::MAX; t + 1];
        let mut via = vec![usize::MAX; t + 1];
        dist[s] = 0;
        for _ in 0..=t {
            let mut changed = false;
            for (e, &(to, cap, cost)) in edges.iter().enumerate() {
                let u = from[e];
                if cap > 0 && dist[u] != i64::MAX && dist[u] + cost < dist[to] {
                    dist[to] = dist[u] + cost;
                    via[to] = e;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if dist[t] == i64::MAX || dist[t] >= 0 {
            break;
        }
        total += dist[t];
        let mut x = t;
        while x != s {
            let e = via[x];
            edges[e].1 -= 1;
            edges[e ^ 1].1 += 1;
            x = from[e];
        }
    }
    let gain = -total;
    ((gain / big_m) as u32, gain % big_m)
}

#[derive(Debug, Clone)]
struct Instance {
    activities: Vec<DispatchActivity>,
    pairs: Vec<CandidatePair>,
    locks: Vec<PairKey>,
    exclusions: Vec<PairKey>,
}

/// Up to 3 activities and 6 volunteers; scores in hundredths from -0.30 to 1.00, so ties and
/// negative scores (worth taking only to fill a minimum) both occur.
fn small_instance() -> impl Strategy<Value = Instance> {
    (1usize..=3, 1usize..=6).prop_flat_map(|(na, nv)| {
        (
            prop::collection::vec((0u32..=3, 0u32..=2, 0u32..=2), na),
            prop::collection::vec(prop::option::weighted(0.65, -30i64..=100), na * nv),
            prop::collection::vec((0..na, 0..nv), 0..=2),
            prop::collection::vec((0..na, 0..nv), 0..=2),
        )
            .prop_map(move |(bounds, scores, locks, exclusions)| {
                let activity_id = |a: usize| 10 * (a as i64 + 1);
                // Volunteer ids out of index order, to exercise the tie-breaking.
                let volunteer_id = |v: usize| 100 + ((v * 7) % 11) as i64;
                Instance {
                    activities: bounds
                        .iter()
                        .enumerate()
                        .map(|(a, &(min, spread, confirmed))| {
                            act(activity_id(a), min, min + spread, confirmed)
                        })
                        .collect(),
                    pairs: scores
                        .iter()
                        .enumerate()
                        .filter_map(|(k, s)| {
                            s.map(|s| {
                                pair(activity_id(k / nv), volunteer_id(k % nv), s as f64 / 100.0)
                            })
                        })
                        .collect(),
                    locks: locks
                        .iter()
                        .map(|&(a, v)| key(activity_id(a), volunteer_id(v)))
                        .collect(),
                    exclusions: exclusions
                        .iter()
                        .map(|&(a, v)| key(activity_id(a), volunteer_id(v)))
                        .collect(),
                }
            })
    })
}

fn fixed_seed(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x5eed_2026),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(fixed_seed(1500))]

    #[test]
    fn plans_are_optimal_against_brute_force(inst in small_instance()) {
        let result = dispatch(&inst.activities, &inst.pairs, &inst.locks, &inst.exclusions);
        let best = brute_force(&inst.activities, &inst.pairs, &inst.locks, &inst.exclusions);
        match (result, best) {
            (Ok(plan), Some(best)) => {
                assert_feasible(&inst.activities, &inst.pairs, &inst.locks, &inst.exclusions, &plan);
                prop_assert_eq!(plan_objective(&inst.activities, &plan), best);
                prop_assert_eq!(plan.min_slots_filled, best.0);
            }
            (Err(_), None) => {}
            (result, best) => prop_assert!(false, "dispatch {:?} but brute force {:?}", result, best),
        }
    }
}

proptest! {
    #![proptest_config(fixed_seed(60))]

    #[test]
    fn plans_match_a_plain_min_cost_flow_on_medium_instances(
        bounds in prop::collection::vec((0u32..=4, 0u32..=4, 0u32..=1), 8),
        scores in prop::collection::vec(prop::option::weighted(0.3, 0i64..=1000), 8 * 40),
    ) {
        let activities: Vec<_> = bounds
            .iter()
            .enumerate()
            .map(|(a, &(min, spread, confirmed))| act(a as i64 + 1, min, min + spread, confirmed))
            .collect();
        let pairs: Vec<_> = scores
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.map(|s| pair((k / 40) as i64 + 1, (k % 40) as i64 + 1, s as f64 / 1000.0)))
            .collect();
        let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
        assert_feasible(&activities, &pairs, &[], &[], &plan);
        prop_assert_eq!(plan_objective(&activities, &plan), reference_objective(&activities, &pairs));
    }

    #[test]
    fn the_plan_does_not_depend_on_input_order(inst in small_instance(), rotate in 0usize..7) {
        let forward = dispatch(&inst.activities, &inst.pairs, &[], &inst.exclusions);
        let mut activities = inst.activities.clone();
        let mut pairs = inst.pairs.clone();
        activities.reverse();
        pairs.reverse();
        let k = rotate % pairs.len().max(1);
        pairs.rotate_left(k);
        prop_assert_eq!(forward, dispatch(&activities, &pairs, &[], &inst.exclusions));
    }
}

/// The optimum by the Hungarian method on the slot-expanded matrix: one row per free place
/// (minimum places first, worth `big_m` more), one column per volunteer plus one "leave the
/// place empty" column per row, ineligible pairs far below any plan. Scores must be >= 0, so
/// the total splits into (slots, score) by division.
fn hungarian_objective(activities: &[DispatchActivity], pairs: &[CandidatePair]) -> (u32, i64) {
    use pathfinding::kuhn_munkres::kuhn_munkres;
    use pathfinding::matrix::Matrix;

    let mut volunteers: Vec<i64> = pairs.iter().map(|p| p.volunteer_id).collect();
    volunteers.sort_unstable();
    volunteers.dedup();
    let big_m: i64 = 1 + pairs.iter().map(|p| score_units(p.score)).sum::<i64>();
    // Rows: (activity id, is a minimum place).
    let rows: Vec<(i64, bool)> = activities
        .iter()
        .flat_map(|a| {
            let room = a.max_headcount.saturating_sub(a.already_confirmed);
            let need = a
                .min_headcount
                .saturating_sub(a.already_confirmed)
                .min(room);
            (0..room).map(move |k| (a.activity_id, k < need))
        })
        .collect();
    let columns = volunteers.len() + rows.len();
    let forbidden = -big_m * (rows.len() as i64 + 1);
    let mut weights = vec![forbidden; rows.len() * columns];
    for (r, _) in rows.iter().enumerate() {
        // Each row's own empty column.
        weights[r * columns + volunteers.len() + r] = 0;
    }
    for p in pairs {
        assert!(p.score >= 0.0, "the split needs scores >= 0");
        let c = volunteers.binary_search(&p.volunteer_id).unwrap();
        for (r, &(a, minimum)) in rows.iter().enumerate() {
            if a == p.activity_id {
                weights[r * columns + c] = score_units(p.score) + if minimum { big_m } else { 0 };
            }
        }
    }
    if rows.is_empty() {
        return (0, 0);
    }
    let matrix = Matrix::from_vec(rows.len(), columns, weights).unwrap();
    let (total, _) = kuhn_munkres(&matrix);
    ((total / big_m) as u32, total % big_m)
}

proptest! {
    #![proptest_config(fixed_seed(6))]

    #[test]
    fn plans_match_the_hungarian_method_on_several_hundred_slots(
        bounds in prop::collection::vec((0u32..=6, 0u32..=5, 0u32..=1), 60),
        scores in prop::collection::vec(prop::option::weighted(0.15, 0i64..=1_000_000), 60 * 200),
    ) {
        let activities: Vec<_> = bounds
            .iter()
            .enumerate()
            .map(|(a, &(min, spread, confirmed))| act(a as i64 + 1, min, min + spread, confirmed))
            .collect();
        let pairs: Vec<_> = scores
            .iter()
            .enumerate()
            .filter_map(|(k, s)| {
                s.map(|s| pair((k / 200) as i64 + 1, (k % 200) as i64 + 1, s as f64 / 1_000_000.0))
            })
            .collect();
        let slots: u32 = activities.iter().map(|a| a.max_headcount - a.already_confirmed.min(a.max_headcount)).sum();
        prop_assert!(slots >= 250, "the instance is medium-sized: {} slots", slots);
        let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
        assert_feasible(&activities, &pairs, &[], &[], &plan);
        prop_assert_eq!(plan_objective(&activities, &plan), hungarian_objective(&activities, &pairs));
    }
}

#[test]
fn minimum_headcounts_are_filled_before_scores_count() {
    // Both volunteers fit the concert better, but the lecture cannot run without two people.
    let activities = [act(1, 2, 2, 0), act(2, 0, 5, 0)];
    let pairs = [
        pair(1, 10, 0.2),
        pair(1, 11, 0.1),
        pair(2, 10, 0.9),
        pair(2, 11, 0.9),
    ];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 10), (1, 11)]);
    assert_eq!(plan.min_slots_filled, 2);
    assert_eq!(plan.activities[0].min_shortfall, 0);
    assert!((plan.total_score - 0.3).abs() < 1e-9);
}

#[test]
fn without_minimums_the_total_score_decides() {
    let activities = [act(1, 0, 1, 0), act(2, 0, 1, 0)];
    // Greedy would give volunteer 10 the 0.9 at activity 1 and leave 11 with 0.1; the optimum
    // is 0.8 + 0.8.
    let pairs = [
        pair(1, 10, 0.9),
        pair(2, 10, 0.8),
        pair(1, 11, 0.8),
        pair(2, 11, 0.1),
    ];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 11), (2, 10)]);
    assert!((plan.total_score - 1.6).abs() < 1e-9);
}

#[test]
fn confirmed_volunteers_count_towards_both_bounds() {
    let activities = [act(1, 3, 4, 3)];
    let pairs = [pair(1, 10, 0.5), pair(1, 11, 0.6), pair(1, 12, 0.7)];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 12)]);
    assert_eq!(plan.min_slots_filled, 0);
    let full = dispatch(&[act(1, 1, 2, 2)], &pairs, &[], &[]).unwrap();
    assert!(full.assignments.is_empty());
}

#[test]
fn a_shortfall_is_reported_when_minimums_cannot_be_met() {
    let plan = dispatch(&[act(1, 3, 5, 0)], &[pair(1, 10, 0.5)], &[], &[]).unwrap();
    assert_eq!(
        plan.activities,
        vec![ActivityFill {
            activity_id: 1,
            planned: 1,
            min_shortfall: 2
        }]
    );
}

#[test]
fn negative_scores_are_taken_only_to_fill_a_minimum() {
    let activities = [act(1, 1, 3, 0)];
    let pairs = [pair(1, 10, -0.2), pair(1, 11, -0.1)];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 11)]);
}

#[test]
fn overlapping_activities_never_share_a_volunteer() {
    // Two Saturday-morning activities both want volunteer 10; each volunteer goes once.
    let activities = [act(1, 1, 1, 0), act(2, 1, 1, 0)];
    let pairs = [pair(1, 10, 0.9), pair(2, 10, 0.9), pair(2, 11, 0.2)];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 10), (2, 11)]);
}

#[test]
fn equal_scores_break_ties_by_the_lowest_volunteer_id() {
    let activities = [act(1, 0, 1, 0)];
    let pairs = [pair(1, 12, 0.5), pair(1, 10, 0.5), pair(1, 11, 0.5)];
    let plan = dispatch(&activities, &pairs, &[], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 10)]);
}

#[test]
fn locks_are_honoured_even_against_the_score() {
    let activities = [act(1, 0, 1, 0), act(2, 0, 1, 0)];
    let pairs = [pair(1, 10, 0.9), pair(2, 10, 0.1), pair(1, 11, 0.2)];
    let plan = dispatch(&activities, &pairs, &[key(2, 10)], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 11), (2, 10)]);
    assert!(plan.assignments[1].locked && !plan.assignments[0].locked);
}

#[test]
fn a_lock_fills_a_minimum_slot() {
    let activities = [act(1, 1, 2, 0)];
    let pairs = [pair(1, 10, 0.1), pair(1, 11, 0.9)];
    let plan = dispatch(&activities, &pairs, &[key(1, 10)], &[]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 10), (1, 11)]);
    assert_eq!(plan.min_slots_filled, 1);
}

#[test]
fn exclusions_keep_pairs_out() {
    let activities = [act(1, 1, 1, 0)];
    let pairs = [pair(1, 10, 0.9), pair(1, 11, 0.2)];
    let plan = dispatch(&activities, &pairs, &[], &[key(1, 10)]).unwrap();
    assert_eq!(chosen(&plan), vec![(1, 11)]);
}

#[test]
fn infeasible_locks_and_bad_input_are_errors() {
    let activities = [act(1, 0, 1, 0), act(2, 0, 1, 0)];
    let pairs = [pair(1, 10, 0.5), pair(1, 11, 0.5), pair(2, 10, 0.5)];
    let cases: [(&[PairKey], &[PairKey], DispatchError); 5] = [
        (
            &[key(2, 11)],
            &[],
            DispatchError::LockNotACandidate(key(2, 11)),
        ),
        (
            &[key(1, 10)],
            &[key(1, 10)],
            DispatchError::LockExcluded(key(1, 10)),
        ),
        (
            &[key(1, 10), key(2, 10)],
            &[],
            DispatchError::VolunteerLockedTwice { volunteer_id: 10 },
        ),
        (
            &[key(1, 10), key(1, 11)],
            &[],
            DispatchError::LocksExceedCapacity { activity_id: 1 },
        ),
        (
            &[key(3, 10)],
            &[],
            DispatchError::UnknownActivity { activity_id: 3 },
        ),
    ];
    for (locks, exclusions, expected) in cases {
        assert_eq!(
            dispatch(&activities, &pairs, locks, exclusions),
            Err(expected)
        );
    }
    // The same lock twice is one lock.
    assert!(dispatch(&activities, &pairs, &[key(1, 10), key(1, 10)], &[]).is_ok());

    let bad_input = [
        (
            vec![act(1, 0, 1, 0), act(1, 0, 2, 0)],
            vec![],
            DispatchError::DuplicateActivity { activity_id: 1 },
        ),
        (
            vec![act(1, 3, 2, 0)],
            vec![],
            DispatchError::InvalidHeadcount { activity_id: 1 },
        ),
        (
            vec![act(1, 0, 2, 0)],
            vec![pair(1, 10, 0.5), pair(1, 10, 0.6)],
            DispatchError::DuplicatePair(key(1, 10)),
        ),
        (
            vec![act(1, 0, 2, 0)],
            vec![pair(1, 10, f64::NAN)],
            DispatchError::InvalidScore(key(1, 10)),
        ),
        (
            vec![act(1, 0, 2, 0)],
            vec![pair(2, 10, 0.5)],
            DispatchError::UnknownActivity { activity_id: 2 },
        ),
    ];
    for (activities, pairs, expected) in bad_input {
        assert_eq!(dispatch(&activities, &pairs, &[], &[]), Err(expected));
        assert!(!expected.code().is_empty());
    }
}

#[test]
fn an_empty_batch_is_an_empty_plan() {
    let plan = dispatch(&[], &[], &[], &[]).unwrap();
    assert!(plan.assignments.is_empty() && plan.activities.is_empty());
    let idle = dispatch(&[act(1, 2, 3, 0)], &[], &[], &[]).unwrap();
    assert_eq!(idle.activities[0].min_shortfall, 2);
}
