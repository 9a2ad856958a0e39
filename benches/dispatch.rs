//! Dispatch solver benchmark: `domain::matching::dispatch` against the Hungarian method
//! (`pathfinding::kuhn_munkres`) on the same dense instance in the same run, then the sparse
//! national-size instance alone (no reference solver for it here: the Hungarian method on a
//! slot-expanded 8,000 × 28,000 matrix would take hours).
//!
//! ```text
//! cargo bench --bench dispatch
//! BENCH_SPARSE_VOLUNTEERS=2000 BENCH_SPARSE_ACTIVITIES=200 BENCH_RUNS=1 \
//!     cargo bench --bench dispatch                               # a smaller sparse instance
//! ```
//!
//! Instances come from a fixed seed. Each timing is the best of `BENCH_RUNS` (default 3).
//! The run fails if the two optima differ.

use std::time::{Duration, Instant};

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use springrain::domain::matching::dispatch::score_units;
use springrain::domain::matching::{CandidatePair, DispatchActivity, Plan, dispatch};

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

    /// A score in [0, 1] with micro-unit resolution, as `score` produces.
    fn score(&mut self) -> f64 {
        self.below(1_000_001) as f64 / 1e6
    }
}

struct Instance {
    activities: Vec<DispatchActivity>,
    pairs: Vec<CandidatePair>,
    volunteers: usize,
}

/// Headcount 3–5 (the maximum), of which 1–3 are a minimum.
fn activities(rng: &mut Rng, n: usize) -> Vec<DispatchActivity> {
    (0..n)
        .map(|i| {
            let max = 3 + rng.below(3) as u32;
            DispatchActivity {
                activity_id: i as i64 + 1,
                min_headcount: 1 + rng.below(3) as u32,
                max_headcount: max,
                already_confirmed: 0,
            }
        })
        .collect()
}

fn dense(volunteers: usize, activity_count: usize) -> Instance {
    let mut rng = Rng(0xd15a_7c4e);
    let activities = activities(&mut rng, activity_count);
    let mut pairs = Vec::with_capacity(volunteers * activity_count);
    for a in 1..=activity_count as i64 {
        for v in 1..=volunteers as i64 {
            pairs.push(CandidatePair {
                activity_id: a,
                volunteer_id: v,
                score: rng.score(),
            });
        }
    }
    Instance {
        activities,
        pairs,
        volunteers,
    }
}

fn sparse(volunteers: usize, activity_count: usize, percent: u64) -> Instance {
    let mut rng = Rng(0x5a_a55e);
    let activities = activities(&mut rng, activity_count);
    let mut pairs = Vec::new();
    for a in 1..=activity_count as i64 {
        for v in 1..=volunteers as i64 {
            if rng.below(100) < percent {
                pairs.push(CandidatePair {
                    activity_id: a,
                    volunteer_id: v,
                    score: rng.score(),
                });
            }
        }
    }
    Instance {
        activities,
        pairs,
        volunteers,
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

/// (minimum places filled, total score units).
fn objective(plan: &Plan) -> (u64, i64) {
    (
        u64::from(plan.min_slots_filled),
        plan.assignments.iter().map(|p| score_units(p.score)).sum(),
    )
}

/// The slot-expanded matrix: a row per place (minimum places worth `big_m` more), a column per
/// volunteer. Every pair is eligible and there are more volunteers than places, so every row
/// is matched and no "empty" columns are needed.
fn hungarian_matrix(inst: &Instance) -> (Matrix<i64>, i64) {
    let big_m = 1 + inst.volunteers as i64 * 1_000_000;
    let mut rows = Vec::new();
    for a in &inst.activities {
        for k in 0..a.max_headcount {
            rows.push((a.activity_id, k < a.min_headcount));
        }
    }
    assert!(
        rows.len() <= inst.volunteers,
        "the dense instance has spare volunteers"
    );
    let n = inst.volunteers;
    let mut weights = vec![0i64; rows.len() * n];
    // Pairs are generated activity by activity, volunteer by volunteer.
    for (r, &(a, minimum)) in rows.iter().enumerate() {
        let offset = (a as usize - 1) * n;
        for v in 0..n {
            let units = score_units(inst.pairs[offset + v].score);
            weights[r * n + v] = units + if minimum { big_m } else { 0 };
        }
    }
    (
        Matrix::from_vec(rows.len(), n, weights).expect("rectangular"),
        big_m,
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runs = env_usize("BENCH_RUNS", 3);

    let inst = dense(2_000, 200);
    let places: u32 = inst.activities.iter().map(|a| a.max_headcount).sum();
    println!(
        "dense: {} volunteers x {} activities, every pair eligible ({} pairs, {places} places)",
        inst.volunteers,
        inst.activities.len(),
        inst.pairs.len()
    );
    let (ours, plan) = best_of(runs, || {
        dispatch(&inst.activities, &inst.pairs, &[], &[]).expect("valid batch")
    });
    let (matrix, big_m) = hungarian_matrix(&inst);
    let (reference, (total, _)) = best_of(runs, || kuhn_munkres(&matrix));
    let theirs = ((total / big_m) as u64, total % big_m);
    println!(
        "  dispatch            {:>9.1} ms  objective (min places {}, score units {})",
        ms(ours),
        objective(&plan).0,
        objective(&plan).1
    );
    println!(
        "  kuhn_munkres        {:>9.1} ms  objective (min places {}, score units {})",
        ms(reference),
        theirs.0,
        theirs.1
    );
    assert_eq!(
        objective(&plan),
        theirs,
        "dispatch and the Hungarian method disagree"
    );
    println!(
        "  same optimum; dispatch / Hungarian time = {:.2}x",
        ours.as_secs_f64() / reference.as_secs_f64()
    );
    // Machine-readable lines for scripts/bench-all.sh (reached only if the optima agree).
    println!("RESULT dispatch.dense.solver {:.4} ms", ms(ours));
    println!("RESULT dispatch.dense.hungarian {:.4} ms", ms(reference));
    println!("RESULT dispatch.dense.same_objective 1 bool");
    println!(
        "RESULT dispatch.dense.ratio {:.4} x",
        ours.as_secs_f64() / reference.as_secs_f64()
    );

    let inst = sparse(
        env_usize("BENCH_SPARSE_VOLUNTEERS", 20_000),
        env_usize("BENCH_SPARSE_ACTIVITIES", 2_000),
        2,
    );
    let places: u32 = inst.activities.iter().map(|a| a.max_headcount).sum();
    println!(
        "sparse: {} volunteers x {} activities, 2 % of pairs eligible ({} pairs, {places} places)",
        inst.volunteers,
        inst.activities.len(),
        inst.pairs.len()
    );
    let (ours, plan) = best_of(runs, || {
        dispatch(&inst.activities, &inst.pairs, &[], &[]).expect("valid batch")
    });
    println!(
        "  dispatch            {:>9.1} ms  planned {}, min places {}/{}, score units {}",
        ms(ours),
        plan.assignments.len(),
        plan.min_slots_filled,
        inst.activities.iter().map(|a| a.min_headcount).sum::<u32>(),
        objective(&plan).1
    );
    println!("RESULT dispatch.sparse.solver {:.4} ms", ms(ours));
    println!(
        "RESULT dispatch.sparse.volunteers {} count",
        inst.volunteers
    );
    println!(
        "RESULT dispatch.sparse.activities {} count",
        inst.activities.len()
    );
    println!("RESULT dispatch.sparse.pairs {} count", inst.pairs.len());
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
