//! Optimal batch dispatch: choose offers for many activities at once (a Spring Rain season, a
//! weekend of community events) from eligible (activity, volunteer, score) pairs.
//!
//! Objective, lexicographic: first fill as many minimum-headcount slots as possible, then
//! maximise the total score. Constraints: each volunteer at most once per batch (which also
//! keeps a volunteer off two overlapping activities of the batch), no activity above its
//! maximum, locked pairs in, excluded pairs out.
//!
//! Method: min-cost flow, solved exactly by successive shortest paths with potentials.
//! Network: source → volunteer (capacity 1) → activity (score) → sink through two parallel
//! edges, one per unfilled minimum slot (worth one "slot") and one per further free place.
//! Costs are pairs (slots, score) compared lexicographically — an ordered group, so Dijkstra
//! with potentials stays exact and no big-M constant is needed. Scores enter as integer
//! micro-units so sums are exact. Augmenting stops at the first path that does not improve
//! the cost; path costs never decrease, so that flow is optimal over all flow sizes.
//!
//! Volunteers (many) are not graph nodes during the search: a shortest path runs source →
//! activity → activity → … → sink, where "enter activity a" takes a's best free volunteer and
//! "a → b" moves a volunteer assigned to a over to b. The best such move per (a, b) is kept in
//! a lazy heap, so one search costs O(activities²) instead of O(pairs), and a volunteer, once
//! assigned, stays assigned (paths never start by un-assigning anyone).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
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
    let chosen = Solver::new(&batch).run();
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
        let mut index = HashMap::with_capacity(activities.len());
        let (mut need, mut room) = (Vec::new(), Vec::new());
        for (i, a) in activities.iter().enumerate() {
            if index.insert(a.activity_id, i).is_some() {
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
        let activity_index = |id: i64| {
            index
                .get(&id)
                .copied()
                .ok_or(DispatchError::UnknownActivity { activity_id: id })
        };

        let mut scores: HashMap<PairKey, f64> = HashMap::with_capacity(pairs.len());
        for p in pairs {
            let key = PairKey {
                activity_id: p.activity_id,
                volunteer_id: p.volunteer_id,
            };
            activity_index(p.activity_id)?;
            if !p.score.is_finite() {
                return Err(DispatchError::InvalidScore(key));
            }
            if scores.insert(key, p.score).is_some() {
                return Err(DispatchError::DuplicatePair(key));
            }
        }
        let excluded: HashSet<PairKey> = exclusions.iter().copied().collect();

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
            let score = *scores
                .get(&key)
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

        let mut open: Vec<(usize, i64, i64, f64)> = scores
            .into_iter()
            .filter(|(key, _)| {
                !excluded.contains(key) && !locked_volunteers.contains(&key.volunteer_id)
            })
            .map(|(key, score)| {
                (
                    index[&key.activity_id],
                    key.volunteer_id,
                    score_units(score),
                    score,
                )
            })
            .collect();
        open.sort_unstable_by_key(|&(a, v, _, _)| (a, v));
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
        for a in &self.activities {
            let planned = assignments
                .iter()
                .filter(|p| p.activity_id == a.activity_id)
                .count() as u32;
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

/// A lexicographic cost: fewer (i.e. more negative) slot units first, then score units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Cost {
    slots: i64,
    score: i64,
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost {
            slots: self.slots + o.slots,
            score: self.score + o.score,
        }
    }
}

impl Sub for Cost {
    type Output = Cost;
    fn sub(self, o: Cost) -> Cost {
        Cost {
            slots: self.slots - o.slots,
            score: self.score - o.score,
        }
    }
}

const ZERO: Cost = Cost { slots: 0, score: 0 };
const MIN_SLOT: Cost = Cost {
    slots: -1,
    score: 0,
};

/// How the shortest path reached a node.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// From the source, taking this free volunteer.
    Take(usize),
    /// From activity node `from`, moving this volunteer.
    Move { from: usize, volunteer: usize },
    /// From activity node `from` into the sink.
    Finish { from: usize },
}

/// Successive shortest paths on the compressed network. Activity nodes are `0..n`, then the
/// source `n` and the sink `n + 1`.
struct Solver {
    n: usize,
    need: Vec<u32>,
    extra: Vec<u32>,
    filled_min: Vec<u32>,
    filled_extra: Vec<u32>,
    /// Per node: open pairs as (score units desc, volunteer), and how far they are used up.
    free_queue: Vec<Vec<(Reverse<i64>, usize, usize)>>,
    free_next: Vec<usize>,
    /// Per volunteer: (node, score units, open pair index).
    volunteer_pairs: Vec<Vec<(usize, i64, usize)>>,
    /// Per volunteer: (node, open pair index) once assigned; never unassigned again.
    assigned: Vec<Option<(usize, usize)>>,
    /// Per volunteer: how often it was (re)assigned; stamps move-heap entries.
    moves: Vec<u32>,
    /// Per (from, to): cheapest moves as (cost, volunteer, move counter when pushed).
    move_heaps: Vec<BinaryHeap<Reverse<(Cost, usize, u32)>>>,
    potential: Vec<Cost>,
}

impl Solver {
    fn new(batch: &Batch) -> Solver {
        // Nodes: activities with room and at least one open pair.
        let mut has_pair = vec![false; batch.activities.len()];
        for &(a, ..) in &batch.open {
            has_pair[a] = true;
        }
        let mut node_of = vec![None; batch.activities.len()];
        let mut batch_index = Vec::new();
        for (i, &room) in batch.room.iter().enumerate() {
            if room > 0 && has_pair[i] {
                node_of[i] = Some(batch_index.len());
                batch_index.push(i);
            }
        }
        let n = batch_index.len();
        // Volunteers get dense indices in id order, so ties break by volunteer id.
        let mut volunteer_ids: Vec<i64> = batch.open.iter().map(|&(_, v, ..)| v).collect();
        volunteer_ids.sort_unstable();
        volunteer_ids.dedup();
        let mut free_queue = vec![Vec::new(); n];
        let mut volunteer_pairs = vec![Vec::new(); volunteer_ids.len()];
        for (k, &(a, v, units, _)) in batch.open.iter().enumerate() {
            let Some(node) = node_of[a] else { continue };
            let vol = volunteer_ids.binary_search(&v).unwrap_or_default();
            free_queue[node].push((Reverse(units), vol, k));
            volunteer_pairs[vol].push((node, units, k));
        }
        for q in &mut free_queue {
            q.sort_unstable();
        }
        let need: Vec<u32> = batch_index.iter().map(|&i| batch.need[i]).collect();
        let extra = batch_index
            .iter()
            .map(|&i| batch.room[i] - batch.need[i])
            .collect();

        // Initial potentials: shortest distances in the empty network (a DAG).
        let mut potential = vec![ZERO; n + 2];
        let mut sink = None::<Cost>;
        for node in 0..n {
            let best = free_queue[node][0].0.0;
            potential[node] = Cost {
                slots: 0,
                score: -best,
            };
            let exit = if need[node] > 0 { MIN_SLOT } else { ZERO };
            let d = potential[node] + exit;
            sink = Some(sink.map_or(d, |s| s.min(d)));
        }
        potential[n + 1] = sink.unwrap_or(ZERO);

        Solver {
            n,
            need,
            extra,
            filled_min: vec![0; n],
            filled_extra: vec![0; n],
            free_queue,
            free_next: vec![0; n],
            assigned: vec![None; volunteer_pairs.len()],
            moves: vec![0; volunteer_pairs.len()],
            volunteer_pairs,
            move_heaps: vec![BinaryHeap::new(); n * n],
            potential,
        }
    }

    /// Augments along shortest paths while they improve the cost; returns the chosen open pairs.
    fn run(mut self) -> Vec<usize> {
        while self.augment_once() {}
        let mut chosen: Vec<usize> = self.assigned.iter().flatten().map(|&(_, k)| k).collect();
        chosen.sort_unstable();
        chosen
    }

    /// The best free volunteer for `node` (score units, volunteer), skipping assigned ones.
    fn best_free(&mut self, node: usize) -> Option<(i64, usize)> {
        let queue = &self.free_queue[node];
        let mut i = self.free_next[node];
        while i < queue.len() && self.assigned[queue[i].1].is_some() {
            i += 1;
        }
        self.free_next[node] = i;
        queue.get(i).map(|&(Reverse(units), vol, _)| (units, vol))
    }

    /// The cheapest move from `from` to `to`: (cost, volunteer), dropping stale heap entries.
    fn best_move(&mut self, from: usize, to: usize) -> Option<(Cost, usize)> {
        let heap = &mut self.move_heaps[from * self.n + to];
        while let Some(&Reverse((cost, vol, stamp))) = heap.peek() {
            // Current iff the volunteer has not moved since (then it is still at `from`).
            if self.moves[vol] == stamp {
                return Some((cost, vol));
            }
            heap.pop();
        }
        None
    }

    fn exit_cost(&self, node: usize) -> Option<Cost> {
        if self.filled_min[node] < self.need[node] {
            Some(MIN_SLOT)
        } else if self.filled_extra[node] < self.extra[node] {
            Some(ZERO)
        } else {
            None
        }
    }

    /// One Dijkstra on the compressed network and, if the path improves the cost, the
    /// augmentation along it.
    fn augment_once(&mut self) -> bool {
        let (n, source, sink) = (self.n, self.n, self.n + 1);
        let mut dist: Vec<Option<Cost>> = vec![None; n + 2];
        let mut step: Vec<Option<Step>> = vec![None; n + 2];
        let mut done = vec![false; n + 2];
        dist[source] = Some(ZERO);
        // Dense Dijkstra: the activity count is small.
        while let Some(u) = closest_open(&dist, &done) {
            done[u] = true;
            if u == sink {
                break;
            }
            let du = dist[u].unwrap_or_default();
            let mut relax = |to: usize, cost: Cost, how: Step, pot: &[Cost]| {
                let reduced = cost + pot[u] - pot[to];
                debug_assert!(reduced >= ZERO, "negative reduced cost");
                let d = du + reduced;
                if dist[to].is_none_or(|old| d < old) {
                    dist[to] = Some(d);
                    step[to] = Some(how);
                }
            };
            if u == source {
                for to in 0..n {
                    if let Some((units, vol)) = self.best_free(to) {
                        let cost = Cost {
                            slots: 0,
                            score: -units,
                        };
                        relax(to, cost, Step::Take(vol), &self.potential);
                    }
                }
                continue;
            }
            for to in (0..n).filter(|&to| to != u && !done[to]) {
                if let Some((cost, vol)) = self.best_move(u, to) {
                    relax(
                        to,
                        cost,
                        Step::Move {
                            from: u,
                            volunteer: vol,
                        },
                        &self.potential,
                    );
                }
            }
            if let Some(cost) = self.exit_cost(u) {
                relax(sink, cost, Step::Finish { from: u }, &self.potential);
            }
        }
        let Some(d_sink) = dist[sink] else {
            return false;
        };
        // The path's true cost; stop at the first one that does not improve.
        if d_sink - self.potential[source] + self.potential[sink] >= ZERO {
            return false;
        }
        for (x, d) in dist.iter().enumerate() {
            self.potential[x] = self.potential[x] + d.unwrap_or(d_sink).min(d_sink);
        }
        self.apply_path(&step);
        true
    }

    fn apply_path(&mut self, step: &[Option<Step>]) {
        let sink = self.n + 1;
        let mut at = sink;
        loop {
            match step[at] {
                Some(Step::Finish { from }) => {
                    if self.filled_min[from] < self.need[from] {
                        self.filled_min[from] += 1;
                    } else {
                        self.filled_extra[from] += 1;
                    }
                    at = from;
                }
                Some(Step::Move { from, volunteer }) => {
                    self.assign(volunteer, at);
                    at = from;
                }
                Some(Step::Take(volunteer)) => {
                    self.assign(volunteer, at);
                    return;
                }
                None => unreachable!("a shortest path leads back to the source"),
            }
        }
    }

    fn assign(&mut self, vol: usize, node: usize) {
        let pairs = &self.volunteer_pairs[vol];
        let Some(&(_, here_units, k)) = pairs.iter().find(|p| p.0 == node) else {
            unreachable!("paths only use open pairs");
        };
        self.assigned[vol] = Some((node, k));
        self.moves[vol] += 1;
        let stamp = self.moves[vol];
        for &(to, units, _) in pairs {
            if to != node {
                // Leaving `node` gives back its score; joining `to` earns that one.
                let cost = Cost {
                    slots: 0,
                    score: here_units - units,
                };
                self.move_heaps[node * self.n + to].push(Reverse((cost, vol, stamp)));
            }
        }
    }
}

/// The unfinished node with the smallest distance; ties go to the lowest node.
fn closest_open(dist: &[Option<Cost>], done: &[bool]) -> Option<usize> {
    (0..dist.len())
        .filter(|&x| !done[x] && dist[x].is_some())
        .min_by_key(|&x| dist[x])
}

#[cfg(test)]
mod tests;
