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
        let mut scored = Vec::with_capacity(pairs.len());
        for p in pairs {
            let key = PairKey {
                activity_id: p.activity_id,
                volunteer_id: p.volunteer_id,
            };
            let a = activity_index(p.activity_id)?;
            if !p.score.is_finite() {
                return Err(DispatchError::InvalidScore(key));
            }
            scored.push((a, p.volunteer_id, score_units(p.score), p.score));
        }
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
        let position = |key: &PairKey| -> Option<usize> {
            let a = activity_index(key.activity_id).ok()?;
            scored
                .binary_search_by_key(&(a, key.volunteer_id), |&(a, v, ..)| (a, v))
                .ok()
        };
        let mut closed = vec![false; scored.len()];
        let excluded: HashSet<PairKey> = exclusions.iter().copied().collect();
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

        let open: Vec<(usize, i64, i64, f64)> = scored
            .into_iter()
            .zip(closed)
            .filter(|&((_, v, ..), closed)| !closed && !locked_volunteers.contains(&v))
            .map(|(pair, _)| pair)
            .collect();
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

fn score_cost(units: i64) -> Cost {
    Cost {
        slots: 0,
        score: -units,
    }
}

const NONE: u32 = u32::MAX;

/// How the shortest path reached a node.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// From the source, taking this free volunteer.
    Take(u32),
    /// From activity node `from`, moving this volunteer.
    Move { from: u32, volunteer: u32 },
    /// From activity node `from` into the sink.
    Finish { from: u32 },
}

/// One volunteer's open pair: activity node, score units, index into `Batch::open`.
#[derive(Debug, Clone, Copy)]
struct Arc {
    node: u32,
    units: i64,
    open: u32,
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
    free_queue: Vec<Vec<(Reverse<i64>, u32)>>,
    free_next: Vec<usize>,
    /// Per volunteer `v`: its arcs are `arcs[arc_start[v]..arc_start[v + 1]]`.
    arc_start: Vec<usize>,
    arcs: Vec<Arc>,
    /// Per volunteer: the arc it is assigned through, or `NONE`; never unassigned again.
    assigned: Vec<u32>,
    /// Per node: the volunteers assigned there, with their arc.
    members: Vec<Vec<(u32, u32)>>,
    potential: Vec<Cost>,
    /// Source arcs as (reduced cost + source potential, node); lazily raised (keys only grow).
    source_heap: BinaryHeap<Reverse<(Cost, u32)>>,
    // Scratch of one search, stamped by `round` so nothing is cleared between searches.
    round: u32,
    seen: Vec<u32>,
    done: Vec<u32>,
    dist: Vec<Cost>,
    step: Vec<Step>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(Cost, u32)>>,
    from_source: Vec<u32>,
}

impl Solver {
    fn new(batch: &Batch) -> Solver {
        // Nodes: activities with room and at least one open pair.
        let mut has_pair = vec![false; batch.activities.len()];
        for &(a, ..) in &batch.open {
            has_pair[a] = true;
        }
        let mut node_of = vec![NONE; batch.activities.len()];
        let mut batch_index = Vec::new();
        for (i, &room) in batch.room.iter().enumerate() {
            if room > 0 && has_pair[i] {
                node_of[i] = batch_index.len() as u32;
                batch_index.push(i);
            }
        }
        let n = batch_index.len();
        // Volunteers get dense indices in id order, so ties break by volunteer id.
        let mut volunteer_ids: Vec<i64> = batch.open.iter().map(|&(_, v, ..)| v).collect();
        volunteer_ids.sort_unstable();
        volunteer_ids.dedup();
        let nv = volunteer_ids.len();
        let mut free_queue = vec![Vec::new(); n];
        let mut per_volunteer: Vec<(u32, Arc)> = Vec::with_capacity(batch.open.len());
        for (k, &(a, v, units, _)) in batch.open.iter().enumerate() {
            let node = node_of[a];
            if node == NONE {
                continue;
            }
            let vol = volunteer_ids.binary_search(&v).unwrap_or_default() as u32;
            free_queue[node as usize].push((Reverse(units), vol));
            per_volunteer.push((
                vol,
                Arc {
                    node,
                    units,
                    open: k as u32,
                },
            ));
        }
        for q in &mut free_queue {
            q.sort_unstable();
        }
        // Counting sort by volunteer into one flat array.
        let mut arc_start = vec![0usize; nv + 1];
        for &(vol, _) in &per_volunteer {
            arc_start[vol as usize + 1] += 1;
        }
        for v in 0..nv {
            arc_start[v + 1] += arc_start[v];
        }
        let mut fill = arc_start.clone();
        let mut arcs = vec![
            Arc {
                node: 0,
                units: 0,
                open: 0
            };
            per_volunteer.len()
        ];
        for (vol, arc) in per_volunteer {
            arcs[fill[vol as usize]] = arc;
            fill[vol as usize] += 1;
        }
        let need: Vec<u32> = batch_index.iter().map(|&i| batch.need[i]).collect();
        let extra = batch_index
            .iter()
            .map(|&i| batch.room[i] - batch.need[i])
            .collect();

        // Initial potentials: shortest distances in the empty network (a DAG).
        let mut potential = vec![ZERO; n + 2];
        let mut sink = None::<Cost>;
        let mut source_heap = BinaryHeap::with_capacity(n);
        for node in 0..n {
            let best = free_queue[node][0].0.0;
            potential[node] = score_cost(best);
            // Reduced cost of the best source arc: zero.
            source_heap.push(Reverse((ZERO, node as u32)));
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
            arc_start,
            arcs,
            assigned: vec![NONE; nv],
            members: vec![Vec::new(); n],
            potential,
            source_heap,
            round: 0,
            seen: vec![0; n + 2],
            done: vec![0; n + 2],
            dist: vec![ZERO; n + 2],
            step: vec![Step::Finish { from: 0 }; n + 2],
            settled: Vec::new(),
            heap: BinaryHeap::new(),
            from_source: Vec::new(),
        }
    }

    /// Augments along shortest paths while they improve the cost; returns the chosen open pairs.
    fn run(mut self) -> Vec<usize> {
        while self.augment_once() {}
        let mut chosen: Vec<usize> = self
            .assigned
            .iter()
            .filter(|&&arc| arc != NONE)
            .map(|&arc| self.arcs[arc as usize].open as usize)
            .collect();
        chosen.sort_unstable();
        chosen
    }

    /// The best free volunteer for `node` (score units, volunteer), skipping assigned ones.
    fn best_free(&mut self, node: usize) -> Option<(i64, u32)> {
        let queue = &self.free_queue[node];
        let mut i = self.free_next[node];
        while i < queue.len() && self.assigned[queue[i].1 as usize] != NONE {
            i += 1;
        }
        self.free_next[node] = i;
        queue.get(i).map(|&(Reverse(units), vol)| (units, vol))
    }

    /// The source arc's key: its reduced cost plus the source's potential, which does not
    /// depend on the source's potential, so keys survive searches.
    fn source_key(&self, node: usize, units: i64) -> Cost {
        score_cost(units) - self.potential[node]
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

    fn label(&mut self, to: usize, d: Cost, how: Step) {
        if self.seen[to] != self.round || d < self.dist[to] {
            self.seen[to] = self.round;
            self.dist[to] = d;
            self.step[to] = how;
            self.heap.push(Reverse((d, to as u32)));
        }
    }

    /// The next node to settle: the closer of the labelled heap and the source arcs.
    fn next_closest(&mut self) -> Option<(Cost, usize, Option<Step>)> {
        let source_potential = self.potential[self.n];
        loop {
            let labelled = loop {
                match self.heap.peek() {
                    Some(&Reverse((d, x)))
                        if self.done[x as usize] == self.round || d > self.dist[x as usize] =>
                    {
                        self.heap.pop();
                    }
                    top => break top.map(|&Reverse(t)| t),
                }
            };
            let from_source = self.source_heap.peek().map(|&Reverse(t)| t);
            match (labelled, from_source) {
                (None, None) => return None,
                (Some((d, x)), s) if s.is_none_or(|(k, y)| (d, x) <= (k + source_potential, y)) => {
                    self.heap.pop();
                    return Some((d, x as usize, None));
                }
                (_, Some((key, node))) => {
                    self.source_heap.pop();
                    let node = node as usize;
                    let Some((units, vol)) = self.best_free(node) else {
                        // No free volunteer left for it, now or later.
                        continue;
                    };
                    let current = self.source_key(node, units);
                    self.from_source.push(node as u32);
                    if current > key {
                        // Stale (keys only grow): back in at its true place.
                        self.from_source.pop();
                        self.source_heap.push(Reverse((current, node as u32)));
                        continue;
                    }
                    if self.done[node] == self.round {
                        continue;
                    }
                    return Some((key + source_potential, node, Some(Step::Take(vol))));
                }
                (Some(_), None) => unreachable!("a lone labelled node is always the closest"),
            }
        }
    }

    /// One Dijkstra on the compressed network, stopped at the sink, and, if the path improves
    /// the cost, the augmentation along it.
    fn augment_once(&mut self) -> bool {
        let (source, sink) = (self.n, self.n + 1);
        self.round += 1;
        self.heap.clear();
        self.settled.clear();
        self.from_source.clear();
        let mut d_sink = None;
        while let Some((du, u, how)) = self.next_closest() {
            if let Some(how) = how {
                if self.seen[u] == self.round && self.dist[u] <= du {
                    // Already labelled at least as close by a move; settled from there.
                    self.seen[u] = self.round;
                } else {
                    self.seen[u] = self.round;
                    self.dist[u] = du;
                    self.step[u] = how;
                }
            }
            let du = self.dist[u];
            self.done[u] = self.round;
            if u == sink {
                d_sink = Some(du);
                break;
            }
            self.settled.push(u as u32);
            let pu = self.potential[u];
            for m in 0..self.members[u].len() {
                let (vol, here) = self.members[u][m];
                let here_units = self.arcs[here as usize].units;
                let (lo, hi) = (
                    self.arc_start[vol as usize],
                    self.arc_start[vol as usize + 1],
                );
                for i in lo..hi {
                    let arc = self.arcs[i];
                    let to = arc.node as usize;
                    if to == u || self.done[to] == self.round {
                        continue;
                    }
                    // Leaving `u` gives back its score; joining `to` earns that one.
                    let cost = Cost {
                        slots: 0,
                        score: here_units - arc.units,
                    };
                    let reduced = cost + pu - self.potential[to];
                    debug_assert!(reduced >= ZERO, "negative reduced cost");
                    self.label(
                        to,
                        du + reduced,
                        Step::Move {
                            from: u as u32,
                            volunteer: vol,
                        },
                    );
                }
            }
            if let Some(cost) = self.exit_cost(u) {
                let reduced = cost + pu - self.potential[sink];
                debug_assert!(reduced >= ZERO, "negative reduced cost");
                self.label(sink, du + reduced, Step::Finish { from: u as u32 });
            }
        }
        // Source arcs taken off the heap this search go back, at their new keys.
        let restore = std::mem::take(&mut self.from_source);
        let improves = d_sink.filter(|&d| d + self.potential[sink] - self.potential[source] < ZERO);
        if let Some(d_sink) = improves {
            // Potentials shifted by -d_sink everywhere (which changes no reduced cost): settled
            // nodes move by their distance, the rest stay.
            for &x in &self.settled {
                let x = x as usize;
                self.potential[x] = self.potential[x] + self.dist[x] - d_sink;
            }
            self.potential[source] = self.potential[source] - d_sink;
            self.apply_path();
        }
        for &node in &restore {
            if let Some((units, _)) = self.best_free(node as usize) {
                let key = self.source_key(node as usize, units);
                self.source_heap.push(Reverse((key, node)));
            }
        }
        self.from_source = restore;
        improves.is_some()
    }

    fn apply_path(&mut self) {
        let mut at = self.n + 1;
        loop {
            match self.step[at] {
                Step::Finish { from } => {
                    let from = from as usize;
                    if self.filled_min[from] < self.need[from] {
                        self.filled_min[from] += 1;
                    } else {
                        self.filled_extra[from] += 1;
                    }
                    at = from;
                }
                Step::Move { from, volunteer } => {
                    let members = &mut self.members[from as usize];
                    if let Some(i) = members.iter().position(|m| m.0 == volunteer) {
                        members.swap_remove(i);
                    }
                    self.assign(volunteer, at);
                    at = from as usize;
                }
                Step::Take(volunteer) => {
                    self.assign(volunteer, at);
                    return;
                }
            }
        }
    }

    fn assign(&mut self, vol: u32, node: usize) {
        let (lo, hi) = (
            self.arc_start[vol as usize],
            self.arc_start[vol as usize + 1],
        );
        let Some(i) = (lo..hi).find(|&i| self.arcs[i].node as usize == node) else {
            unreachable!("paths only use open pairs");
        };
        self.assigned[vol as usize] = i as u32;
        self.members[node].push((vol, i as u32));
    }
}

#[cfg(test)]
mod tests;
