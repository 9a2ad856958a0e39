//! Optimal batch dispatch: choose offers for many activities at once (a Spring Rain season, a
//! weekend of community events) from eligible (activity, volunteer, score) pairs.
//!
//! Objective, lexicographic: first fill as many minimum-headcount slots as possible, then
//! maximise the total score. Constraints: each volunteer at most once per batch (which also
//! keeps a volunteer off two overlapping activities of the batch), no activity above its
//! maximum, locked pairs in, excluded pairs out.
//!
//! Method: min-cost flow, solved exactly. Every free place of an activity is one unit of
//! supply that goes either to an eligible volunteer (cost: minus the pair's score) or to
//! "empty" (cost 0 for a place above the minimum, a big-M constant for a minimum place,
//! chosen larger than any plan's total score can make up, so the lexicographic objective is
//! one integer cost). Scores enter as integer micro-units so sums are exact.
//!
//! Successive shortest paths with potentials, one search per place from its own activity,
//! round by round over the activities (as the Hungarian method goes row by row). A search is
//! a binary-heap Dijkstra over activities only: "take the best free volunteer" and "leave a
//! place empty" end a path, "take an assigned volunteer from activity y" continues it at y.
//! It stops as soon as the end of the path is known, which in most searches is at the first
//! activity, so a search touches a handful of activities, not the whole batch.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::ops::{Add, Sub};

/// An activity in the batch with its headcount bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatchActivity {
    pub activity_id: i64,
    pub min_headcount: u32,
    pub max_headcount: u32,
    /// Volunteers already confirmed (they count towards both bounds).
    pub already_confirmed: u32,
}

/// An eligible pair and its score (see `score`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidatePair {
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairKey {
    pub activity_id: i64,
    pub volunteer_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedAssignment {
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub score: f64,
    /// Put in the plan by a coordinator's lock.
    pub locked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityFill {
    pub activity_id: i64,
    /// New offers in the plan for this activity.
    pub planned: u32,
    /// Minimum slots still empty after the plan.
    pub min_shortfall: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Sorted by activity id, then volunteer id.
    pub assignments: Vec<PlannedAssignment>,
    /// One per activity, sorted by activity id.
    pub activities: Vec<ActivityFill>,
    /// Minimum slots the plan fills (the first objective).
    pub min_slots_filled: u32,
    /// Sum of the planned pairs' scores (the second objective).
    pub total_score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchError {
    DuplicateActivity {
        activity_id: i64,
    },
    /// `min_headcount > max_headcount`.
    InvalidHeadcount {
        activity_id: i64,
    },
    /// A pair or lock names an activity that is not in the batch.
    UnknownActivity {
        activity_id: i64,
    },
    DuplicatePair(PairKey),
    /// NaN or infinite score.
    InvalidScore(PairKey),
    /// A locked pair is not among the eligible candidates.
    LockNotACandidate(PairKey),
    /// A pair is both locked and excluded.
    LockExcluded(PairKey),
    /// One volunteer is locked to two activities.
    VolunteerLockedTwice {
        volunteer_id: i64,
    },
    /// More locks than free places on an activity.
    LocksExceedCapacity {
        activity_id: i64,
    },
}

impl DispatchError {
    pub fn code(&self) -> &'static str {
        match self {
            DispatchError::DuplicateActivity { .. } => "duplicate_activity",
            DispatchError::InvalidHeadcount { .. } => "invalid_headcount",
            DispatchError::UnknownActivity { .. } => "unknown_activity",
            DispatchError::DuplicatePair(_) => "duplicate_pair",
            DispatchError::InvalidScore(_) => "invalid_score",
            DispatchError::LockNotACandidate(_) => "lock_not_eligible",
            DispatchError::LockExcluded(_) => "lock_excluded",
            DispatchError::VolunteerLockedTwice { .. } => "volunteer_locked_twice",
            DispatchError::LocksExceedCapacity { .. } => "locks_exceed_capacity",
        }
    }
}

/// Scores are compared in whole micro-units, so equal plans tie exactly.
pub fn score_units(score: f64) -> i64 {
    (score * 1_000_000.0).round() as i64
}

/// The optimal plan for the batch; deterministic for a given set of inputs, whatever their order.
pub fn dispatch(
    activities: &[DispatchActivity],
    pairs: &[CandidatePair],
    locks: &[PairKey],
    exclusions: &[PairKey],
) -> Result<Plan, DispatchError> {
    let batch = Batch::new(activities, pairs, locks, exclusions)?;
    let chosen = solve(&batch);
    Ok(batch.plan(&chosen))
}

/// Validated input: activities sorted by id, pairs by (activity, volunteer), locks applied.
struct Batch {
    activities: Vec<DispatchActivity>,
    /// Remaining minimum slots and free places per activity, after confirmed and locked ones.
    need: Vec<u32>,
    room: Vec<u32>,
    locked: Vec<PlannedAssignment>,
    /// Pairs open to the solver: (activity index, volunteer id, score units, score).
    open: Vec<(usize, i64, i64, f64)>,
}

impl Batch {
    fn new(
        activities: &[DispatchActivity],
        pairs: &[CandidatePair],
        locks: &[PairKey],
        exclusions: &[PairKey],
    ) -> Result<Batch, DispatchError> {
        let mut activities = activities.to_vec();
        activities.sort_by_key(|a| a.activity_id);
        let (mut need, mut room) = (Vec::new(), Vec::new());
        for (i, a) in activities.iter().enumerate() {
            if i > 0 && activities[i - 1].activity_id == a.activity_id {
                return Err(DispatchError::DuplicateActivity {
                    activity_id: a.activity_id,
                });
            }
            if a.min_headcount > a.max_headcount {
                return Err(DispatchError::InvalidHeadcount {
                    activity_id: a.activity_id,
                });
            }
            let free = a.max_headcount.saturating_sub(a.already_confirmed);
            room.push(free);
            need.push(
                a.min_headcount
                    .saturating_sub(a.already_confirmed)
                    .min(free),
            );
        }
        // Sorted ids: a binary search is cheaper than hashing hundreds of thousands of pairs.
        let activity_index = |id: i64| {
            activities
                .binary_search_by_key(&id, |a| a.activity_id)
                .map_err(|_| DispatchError::UnknownActivity { activity_id: id })
        };

        // (activity index, volunteer id, score units, score), sorted; duplicates side by side.
        let mut scored: Vec<(usize, i64, i64, f64)> = Vec::with_capacity(pairs.len());
        // Pairs usually come activity by activity: look each activity up once per run.
        let mut last = None;
        // Already sorted without repeats (the usual case): no sort, no duplicate scan.
        let mut in_order = true;
        for p in pairs {
            let key = PairKey {
                activity_id: p.activity_id,
                volunteer_id: p.volunteer_id,
            };
            let a = match last {
                Some((id, a)) if id == p.activity_id => a,
                _ => activity_index(p.activity_id)?,
            };
            last = Some((p.activity_id, a));
            if !p.score.is_finite() {
                return Err(DispatchError::InvalidScore(key));
            }
            in_order &= scored
                .last()
                .is_none_or(|&(b, v, ..)| (b, v) < (a, p.volunteer_id));
            scored.push((a, p.volunteer_id, score_units(p.score), p.score));
        }
        if !in_order {
            scored.sort_unstable_by_key(|&(a, v, ..)| (a, v));
            if let Some(w) = scored
                .windows(2)
                .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            {
                return Err(DispatchError::DuplicatePair(PairKey {
                    activity_id: activities[w[0].0].activity_id,
                    volunteer_id: w[0].1,
                }));
            }
        }
        let position = |key: &PairKey| -> Option<usize> {
            let a = activity_index(key.activity_id).ok()?;
            scored
                .binary_search_by_key(&(a, key.volunteer_id), |&(a, v, ..)| (a, v))
                .ok()
        };
        let excluded: HashSet<PairKey> = exclusions.iter().copied().collect();
        let mut closed = if excluded.is_empty() {
            Vec::new()
        } else {
            vec![false; scored.len()]
        };
        for key in &excluded {
            if let Some(k) = position(key) {
                closed[k] = true;
            }
        }

        let mut lock_keys = locks.to_vec();
        lock_keys.sort_unstable();
        lock_keys.dedup();
        let mut locked = Vec::with_capacity(lock_keys.len());
        let mut locked_volunteers = HashSet::with_capacity(lock_keys.len());
        for key in lock_keys {
            let i = activity_index(key.activity_id)?;
            if excluded.contains(&key) {
                return Err(DispatchError::LockExcluded(key));
            }
            let score = position(&key)
                .map(|k| scored[k].3)
                .ok_or(DispatchError::LockNotACandidate(key))?;
            if !locked_volunteers.insert(key.volunteer_id) {
                return Err(DispatchError::VolunteerLockedTwice {
                    volunteer_id: key.volunteer_id,
                });
            }
            if room[i] == 0 {
                return Err(DispatchError::LocksExceedCapacity {
                    activity_id: key.activity_id,
                });
            }
            room[i] -= 1;
            need[i] = need[i].saturating_sub(1);
            locked.push(PlannedAssignment {
                activity_id: key.activity_id,
                volunteer_id: key.volunteer_id,
                score,
                locked: true,
            });
        }

        let mut open = scored;
        if !closed.is_empty() || !locked.is_empty() {
            let mut k = 0;
            open.retain(|&(_, v, ..)| {
                let keep = !closed.get(k).is_some_and(|&c| c) && !locked_volunteers.contains(&v);
                k += 1;
                keep
            });
        }
        Ok(Batch {
            activities,
            need,
            room,
            locked,
            open,
        })
    }

    /// The plan from the solver's choice (indices into `open`) plus the locks.
    fn plan(&self, chosen: &[usize]) -> Plan {
        let mut assignments = self.locked.clone();
        assignments.extend(chosen.iter().map(|&k| {
            let (a, volunteer_id, _, score) = self.open[k];
            PlannedAssignment {
                activity_id: self.activities[a].activity_id,
                volunteer_id,
                score,
                locked: false,
            }
        }));
        assignments.sort_by_key(|p| (p.activity_id, p.volunteer_id));

        let mut fills = Vec::with_capacity(self.activities.len());
        let mut min_slots_filled = 0;
        // Both lists are sorted by activity id: one pass counts each activity's share.
        let mut next = 0;
        for a in &self.activities {
            let start = next;
            while next < assignments.len() && assignments[next].activity_id == a.activity_id {
                next += 1;
            }
            let planned = (next - start) as u32;
            let need = a.min_headcount.saturating_sub(a.already_confirmed);
            let filled = planned.min(need);
            min_slots_filled += filled;
            fills.push(ActivityFill {
                activity_id: a.activity_id,
                planned,
                min_shortfall: need - filled,
            });
        }
        Plan {
            total_score: assignments.iter().map(|p| p.score).sum(),
            assignments,
            activities: fills,
            min_slots_filled,
        }
    }
}

/// Integer costs of the flow: `i64` when every cost the solver can meet fits with room to
/// spare (always, for scores in [0, 1]), `i128` otherwise, so extreme scores cannot overflow.
trait Num: Copy + Ord + Add<Output = Self> + Sub<Output = Self> + From<i64> {}

impl Num for i64 {}
impl Num for i128 {}

/// The chosen open pairs (indices into `Batch::open`).
fn solve(batch: &Batch) -> Vec<usize> {
    let (lo, hi) = batch
        .open
        .iter()
        .fold((0i128, 0i128), |(lo, hi), &(_, _, u, _)| {
            (lo.min(i128::from(u)), hi.max(i128::from(u)))
        });
    let span = hi - lo;
    let places: i128 = batch.room.iter().map(|&r| i128::from(r)).sum();
    // An empty minimum place costs more than any plan's whole score can make up.
    let big_m = places * span + 1;
    // Potentials only fall, from at most the best score to no less than −big_m (an activity
    // a search can reach can still leave a place empty, at a non-negative reduced cost), and
    // a distance is at most one empty minimum place: every sum formed is a few big-Ms.
    let bound = 8 * (big_m + span);
    match i64::try_from(bound) {
        Ok(_) => Solver::<i64>::new(batch, big_m as i64).run(),
        Err(_) => Solver::<i128>::new(batch, big_m).run(),
    }
}

const NONE: u32 = u32::MAX;

/// Each open pair's volunteer as a dense index in id order (so ties break by volunteer id),
/// and how many volunteers there are. Database ids are mostly compact: then a table over
/// the id range, otherwise a sort and binary searches.
fn volunteer_indices(open: &[(usize, i64, i64, f64)]) -> (Vec<u32>, usize) {
    let Some((lo, hi)) = open
        .iter()
        .map(|p| p.1)
        .fold(None, |r: Option<(i64, i64)>, v| {
            Some(r.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })
    else {
        return (Vec::new(), 0);
    };
    let range = (i128::from(hi) - i128::from(lo)) as u128;
    if range <= 4 * open.len() as u128 + 1024 {
        let mut table = vec![NONE; range as usize + 1];
        for p in open {
            table[(p.1 - lo) as usize] = 0;
        }
        let mut count = 0u32;
        for slot in table.iter_mut().filter(|slot| **slot != NONE) {
            *slot = count;
            count += 1;
        }
        let index = open.iter().map(|p| table[(p.1 - lo) as usize]).collect();
        return (index, count as usize);
    }
    let mut ids: Vec<i64> = open.iter().map(|p| p.1).collect();
    ids.sort_unstable();
    ids.dedup();
    let index = open
        .iter()
        .map(|p| ids.binary_search(&p.1).unwrap_or_default() as u32)
        .collect();
    (index, ids.len())
}

/// Whether `a` comes before `b` in an activity's heap: higher score, then lower volunteer.
fn ahead(a: &Arc, b: &Arc) -> bool {
    (a.units, Reverse(a.to)) > (b.units, Reverse(b.to))
}

fn sift_down(heap: &mut [Arc], mut i: usize) {
    loop {
        let left = 2 * i + 1;
        if left >= heap.len() {
            return;
        }
        let right = left + 1;
        let child = if right < heap.len() && ahead(&heap[right], &heap[left]) {
            right
        } else {
            left
        };
        if !ahead(&heap[child], &heap[i]) {
            return;
        }
        heap.swap(i, child);
        i = child;
    }
}

/// A pair seen from one side: the other end, the pair's index in `Batch::open`, its score units.
#[derive(Debug, Clone, Copy)]
struct Arc {
    to: u32,
    open: u32,
    units: i64,
}

/// How a search reached an activity: from activity `from`, which takes the volunteer of `arc`
/// (`to`) away from it.
#[derive(Debug, Clone, Copy)]
struct Step {
    from: u32,
    arc: Arc,
}

/// Where a search's path ends: the activity takes a free volunteer, or leaves a place empty.
#[derive(Debug, Clone, Copy)]
enum End {
    Free { at: u32, arc: Arc },
    Empty { at: u32 },
}

/// Min-cost flow with a fixed supply: every free place of every activity sends one unit, to a
/// volunteer (cost −score) or to "empty" (cost 0 for a place above the minimum, big-M for a
/// minimum place, the cheaper used first). Solved by successive shortest paths, one search
/// per place from its own activity (as the Hungarian method goes row by row), each a
/// binary-heap Dijkstra on reduced costs that stops as soon as the end of the path is known.
///
/// Only activities carry potentials. Free volunteers and the sink keep potential 0 for good:
/// a search never settles a free volunteer closer than the path's end, so the update leaves
/// them alone. Then an activity's cheapest free volunteer is simply its best-scoring one
/// (the top of a heap of its pairs), and an assigned volunteer's potential cancels out of
/// "activity x takes v from activity y", so volunteers need no labels. A volunteer once
/// assigned stays assigned (it can only move).
struct Solver<C> {
    big_m: C,
    room: Vec<u32>,
    extra: Vec<u32>,
    /// Places sent so far, and how many of them went to "empty".
    sent: Vec<u32>,
    empty: Vec<u32>,
    /// Per activity `a`: its pairs, `by_score[by_score_start[a]..by_score_start[a + 1]]`, of
    /// which the first `free_len[a]` are a max-heap (best score, then lowest volunteer id)
    /// that assigned volunteers leave for good.
    by_score_start: Vec<usize>,
    by_score: Vec<Arc>,
    free_len: Vec<usize>,
    /// Per volunteer: the activity it is assigned to (`NONE` if free) and through which pair.
    at: Vec<u32>,
    at_arc: Vec<Arc>,
    potential: Vec<C>,
    // Scratch of one search, stamped by `round` so nothing is cleared between searches.
    round: u32,
    seen: Vec<u32>,
    done: Vec<u32>,
    dist: Vec<C>,
    step: Vec<Step>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
}

impl<C: Num> Solver<C> {
    fn new(batch: &Batch, big_m: C) -> Solver<C> {
        let n = batch.activities.len();
        let (volunteer_of, nv) = volunteer_indices(&batch.open);

        // `open` is sorted by activity: each activity's pairs are one run.
        let mut by_score_start = vec![0usize; n + 1];
        let mut by_score = Vec::with_capacity(batch.open.len());
        for (k, &(a, _, units, _)) in batch.open.iter().enumerate() {
            let vol = volunteer_of[k];
            by_score_start[a + 1] += 1;
            by_score.push(Arc {
                to: vol,
                open: k as u32,
                units,
            });
        }
        for a in 0..n {
            by_score_start[a + 1] += by_score_start[a];
        }
        let mut potential = Vec::with_capacity(n);
        for a in 0..n {
            let run = &mut by_score[by_score_start[a]..by_score_start[a + 1]];
            // A heap, not a sort: most activities only ever look at their first few.
            for i in (0..run.len() / 2).rev() {
                sift_down(run, i);
            }
            // Reduced costs start non-negative: taking any volunteer costs −score ≥ −potential,
            // leaving a place empty costs ≥ 0.
            potential.push(C::from(run.first().map_or(0, |arc| arc.units.max(0))));
        }

        Solver {
            big_m,
            room: batch.room.clone(),
            extra: batch
                .room
                .iter()
                .zip(&batch.need)
                .map(|(r, n)| r - n)
                .collect(),
            sent: vec![0; n],
            empty: vec![0; n],
            free_len: (0..n)
                .map(|a| by_score_start[a + 1] - by_score_start[a])
                .collect(),
            by_score_start,
            by_score,
            at: vec![NONE; nv],
            at_arc: vec![
                Arc {
                    to: 0,
                    open: 0,
                    units: 0
                };
                nv
            ],
            potential,
            round: 0,
            seen: vec![0; n],
            done: vec![0; n],
            dist: vec![C::from(0); n],
            step: vec![
                Step {
                    from: NONE,
                    arc: Arc {
                        to: 0,
                        open: 0,
                        units: 0
                    }
                };
                n
            ],
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Sends every place, round by round (each activity's first place, then each one's
    /// second…), so early searches find their best volunteer still free; returns the chosen
    /// open pairs.
    fn run(mut self) -> Vec<usize> {
        let most = self.room.iter().copied().max().unwrap_or(0);
        for _ in 0..most {
            for a in 0..self.room.len() {
                if self.sent[a] < self.room[a] {
                    self.search(a);
                    self.sent[a] += 1;
                }
            }
        }
        let mut chosen: Vec<usize> = self
            .at
            .iter()
            .zip(&self.at_arc)
            .filter(|(at, _)| **at != NONE)
            .map(|(_, arc)| arc.open as usize)
            .collect();
        chosen.sort_unstable();
        chosen
    }

    /// The best-scoring free volunteer of activity `a`, dropping assigned ones for good.
    fn best_free(&mut self, a: usize) -> Option<Arc> {
        let start = self.by_score_start[a];
        let mut len = self.free_len[a];
        while len > 0 && self.at[self.by_score[start].to as usize] != NONE {
            len -= 1;
            let heap = &mut self.by_score[start..start + len + 1];
            heap.swap(0, len);
            sift_down(&mut heap[..len], 0);
        }
        self.free_len[a] = len;
        (len > 0).then(|| self.by_score[start])
    }

    /// The cost of leaving one more place of `a` empty: places above the minimum first.
    fn empty_cost(&self, a: usize) -> Option<C> {
        if self.empty[a] < self.extra[a] {
            Some(C::from(0))
        } else if self.empty[a] < self.room[a] {
            Some(self.big_m)
        } else {
            None
        }
    }

    /// One shortest path from activity `source` to an end, then the potentials' update and
    /// the augmentation along it.
    fn search(&mut self, source: usize) {
        self.round += 1;
        let round = self.round;
        self.heap.clear();
        self.settled.clear();
        self.seen[source] = round;
        self.dist[source] = C::from(0);
        let mut best: Option<(C, End)> = None;
        let mut next = Some((C::from(0), source));
        while let Some((dx, x)) = next {
            if best.is_some_and(|(d, _)| d <= dx) {
                break;
            }
            self.done[x] = round;
            self.settled.push(x as u32);
            let px = self.potential[x];
            let at = x as u32;
            if let Some(arc) = self.best_free(x) {
                let d = dx + px - C::from(arc.units);
                debug_assert!(d >= dx, "negative reduced cost");
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, End::Free { at, arc }));
                }
            }
            if let Some(cost) = self.empty_cost(x) {
                let d = dx + px + cost;
                debug_assert!(d >= dx, "negative reduced cost");
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, End::Empty { at }));
                }
            }
            // Moves: x takes an assigned volunteer v from y, at reduced cost
            // (π_x − score(x, v)) + (score(y, v) − π_y), where the second term is never negative
            // (the sink → v → y residual path). So only volunteers scoring more at x than
            // the path's current end can help, and those are exactly the assigned ones the
            // heap has dropped, lying behind it in rising score order (any assigned one still
            // inside scores no more than the heap's free top): walk them from the top down.
            let Some((best_d, _)) = best else {
                unreachable!("an activity on a path can always leave a place empty");
            };
            let (start, end) = (self.by_score_start[x], self.by_score_start[x + 1]);
            for i in (start + self.free_len[x]..end).rev() {
                let arc = self.by_score[i];
                let bound = dx + px - C::from(arc.units);
                if bound >= best_d {
                    break;
                }
                let y = self.at[arc.to as usize];
                if y == at || self.done[y as usize] == round {
                    continue;
                }
                let y = y as usize;
                let d = bound + C::from(self.at_arc[arc.to as usize].units) - self.potential[y];
                debug_assert!(d >= bound, "negative reduced cost");
                if self.seen[y] != round || d < self.dist[y] {
                    self.seen[y] = round;
                    self.dist[y] = d;
                    self.step[y] = Step { from: at, arc };
                    self.heap.push(Reverse((d, y as u32)));
                }
            }
            next = loop {
                match self.heap.pop() {
                    Some(Reverse((d, y))) => {
                        let y = y as usize;
                        if self.done[y] != round && d == self.dist[y] {
                            break Some((d, y));
                        }
                    }
                    None => break None,
                }
            };
        }
        let Some((d_end, end)) = best else {
            unreachable!("an activity with a place left to send can always leave it empty");
        };
        // Settled activities move by their distance (all within d_end); the rest, free
        // volunteers and the sink stay, which keeps every reduced cost non-negative.
        for &x in &self.settled {
            let x = x as usize;
            self.potential[x] = self.potential[x] + self.dist[x] - d_end;
        }
        let mut at = match end {
            End::Free { at, arc } => {
                self.at[arc.to as usize] = at;
                self.at_arc[arc.to as usize] = arc;
                at
            }
            End::Empty { at } => {
                self.empty[at as usize] += 1;
                at
            }
        } as usize;
        while at != source {
            let Step { from, arc } = self.step[at];
            // The volunteer leaves `at` for `from`.
            self.at[arc.to as usize] = from;
            self.at_arc[arc.to as usize] = arc;
            at = from as usize;
        }
    }
}

#[cfg(test)]
mod tests;
