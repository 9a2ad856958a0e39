//! Batch dispatch plans (DOMAIN "Matching and dispatch" 4): the optimal assignment of
//! volunteers to many activities at once (`domain::matching::dispatch`), proposed from the
//! same ranked candidates as an activity's candidates list, reviewed with locks and
//! exclusions, and committed once, atomically, as offers (ACT-03: never as confirmations).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::plans::PlanRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::eligibility::EligibilityPolicy;
use crate::domain::matching::RankingPolicy;
use crate::domain::matching::{
    ActivityFill, CandidatePair, DispatchActivity, DispatchError, PairKey, PlannedAssignment,
    RankedCandidate, dispatch,
};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::dispatch::{check_open, make_offer};
use crate::service::matching::{RankedPool, ScoredCandidate, rank_many};
use crate::service::reach::{Access, InReach, load_in_reach};

/// A national day of service or a Spring Rain season, as one batch; every candidate of every
/// activity is considered (`rank_many` loads them in bulk, `dispatch` is a min-cost flow).
const MAX_ACTIVITIES: usize = 2000;

/// Plans: visible to staff whose `ReadActivities` scope contains the creator's organisation;
/// an action reaches the plans its scope contains.
impl InReach for PlanRow {
    const NAME: &'static str = "plan";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::plans::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadActivities)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// An (activity, volunteer) pair, as locked, excluded or failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanPair {
    pub activity_id: i64,
    pub volunteer_id: i64,
}

impl From<PlanPair> for PairKey {
    fn from(p: PlanPair) -> Self {
        PairKey {
            activity_id: p.activity_id,
            volunteer_id: p.volunteer_id,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePlanRequest {
    /// The activities to staff together: published or in progress, at most 2000.
    pub activity_ids: Vec<i64>,
    /// Pairs the plan must contain (each must be an eligible candidate).
    #[serde(default)]
    pub locks: Vec<PlanPair>,
    /// Pairs the plan must not contain.
    #[serde(default)]
    pub exclusions: Vec<PlanPair>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlannedVolunteer {
    /// The volunteer, with the score and components the candidates list shows.
    #[serde(flatten)]
    pub candidate: ScoredCandidate,
    /// Put in the plan by a lock.
    pub locked: bool,
    /// The offer made when the plan was committed.
    pub assignment_id: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlannedActivity {
    pub activity_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub headcount_min: i32,
    pub headcount_max: i32,
    /// Volunteers confirmed when the plan was made; they count towards both bounds.
    pub confirmed: i32,
    /// Volunteers the plan offers this activity to.
    pub planned: u32,
    /// Minimum places still empty even if every planned volunteer confirms.
    pub min_shortfall: u32,
    /// By volunteer id.
    pub volunteers: Vec<PlannedVolunteer>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanTotals {
    pub activities: usize,
    pub planned: usize,
    /// Minimum-headcount places the plan fills (what it maximises first).
    pub min_slots_filled: u32,
    pub min_shortfall: u32,
    /// Sum of the planned volunteers' scores (what it maximises next).
    pub total_score: f64,
}

/// The plan as stored (JSON text) and shown.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanBody {
    /// In the order of the request.
    pub activities: Vec<PlannedActivity>,
    pub totals: PlanTotals,
    pub locks: Vec<PlanPair>,
    pub exclusions: Vec<PlanPair>,
}

fn headcount(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// A batch the engine cannot plan, explained for people.
fn planning_error(e: DispatchError) -> ApiError {
    let why = match &e {
        DispatchError::DuplicateActivity { activity_id } => {
            format!("activity {activity_id} is listed twice")
        }
        DispatchError::InvalidHeadcount { activity_id } => {
            format!("activity {activity_id} needs more volunteers than it takes")
        }
        DispatchError::UnknownActivity { activity_id } => {
            format!("activity {activity_id} is not in the batch")
        }
        DispatchError::DuplicatePair(p) => format!(
            "volunteer {} is paired with activity {} twice",
            p.volunteer_id, p.activity_id
        ),
        DispatchError::InvalidScore(p) => format!(
            "volunteer {} has no usable score for activity {}",
            p.volunteer_id, p.activity_id
        ),
        DispatchError::LockNotACandidate(p) => format!(
            "volunteer {} is locked to activity {} but is not an eligible candidate there",
            p.volunteer_id, p.activity_id
        ),
        DispatchError::LockExcluded(p) => format!(
            "volunteer {} is both locked to and excluded from activity {}",
            p.volunteer_id, p.activity_id
        ),
        DispatchError::VolunteerLockedTwice { volunteer_id } => {
            format!("volunteer {volunteer_id} is locked to two activities")
        }
        DispatchError::LocksExceedCapacity { activity_id } => {
            format!("activity {activity_id} has more locks than free places")
        }
    };
    ApiError::rule(
        ErrorCode::of(e.code()),
        format!("the batch cannot be planned: {why}"),
    )
}

/// Ranks every activity's candidates and asks the dispatch engine for the optimal plan.
fn propose(
    c: &mut DbConn,
    policy: &RankingPolicy,
    user: &Principal,
    reach: &Scope,
    req: &CreatePlanRequest,
    now: DateTime<Utc>,
) -> ApiResult<PlanBody> {
    let mut activities = Vec::with_capacity(req.activity_ids.len());
    for &id in &req.activity_ids {
        let activity = load_in_reach::<ActivityRow>(c, user, id, Access::Act(Action::Match))?;
        check_open(&activity)?;
        activities.push(activity);
    }
    let pools = rank_many(c, policy, reach, &activities, false, now)?;
    // Someone already offered or confirmed on an activity is not planned there again.
    let mut holding: HashSet<(i64, i64)> = HashSet::new();
    for ids in req.activity_ids.chunks(1_000) {
        holding.extend(db::assignments::live_pairs_on(c, ids)?);
    }
    let mut loaded: Vec<(ActivityRow, RankedPool)> = Vec::with_capacity(activities.len());
    let mut batch = Vec::with_capacity(activities.len());
    let mut pairs = Vec::new();
    for (activity, mut pool) in activities.into_iter().zip(pools) {
        let id = activity.id;
        pairs.extend(
            pool.ranking
                .eligible
                .iter()
                .filter(|r| !holding.contains(&(id, r.volunteer_id)))
                .map(|r| CandidatePair {
                    activity_id: id,
                    volunteer_id: r.volunteer_id,
                    score: r.score.total,
                }),
        );
        batch.push(DispatchActivity {
            activity_id: id,
            min_headcount: headcount(activity.headcount_min),
            max_headcount: headcount(activity.headcount_max),
            already_confirmed: headcount(activity.confirmed_count),
        });
        // Only the eligible are shown in a plan; near misses of thousands of activities
        // would only hold memory.
        pool.ranking.near_misses = Vec::new();
        loaded.push((activity, pool));
    }
    let keys = |pairs: &[PlanPair]| pairs.iter().map(|&p| p.into()).collect::<Vec<PairKey>>();
    let plan = dispatch(&batch, &pairs, &keys(&req.locks), &keys(&req.exclusions))
        .map_err(planning_error)?;

    // The plan's lists are sorted by activity id: index them once instead of scanning.
    let fills: HashMap<i64, &ActivityFill> =
        plan.activities.iter().map(|f| (f.activity_id, f)).collect();
    let mut planned_at: HashMap<i64, Vec<&PlannedAssignment>> = HashMap::new();
    for p in &plan.assignments {
        planned_at.entry(p.activity_id).or_default().push(p);
    }
    let activities: Vec<PlannedActivity> = loaded
        .iter()
        .map(|(a, pool)| {
            let fill = fills.get(&a.id);
            let ranked: HashMap<i64, &RankedCandidate> = pool
                .ranking
                .eligible
                .iter()
                .map(|r| (r.volunteer_id, r))
                .collect();
            let volunteers = planned_at
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    let ranked = ranked.get(&p.volunteer_id)?;
                    Some(PlannedVolunteer {
                        candidate: pool.candidate(ranked),
                        locked: p.locked,
                        assignment_id: None,
                    })
                })
                .collect();
            PlannedActivity {
                activity_id: a.id,
                title: a.title.clone(),
                starts_at: a.starts_at.and_utc(),
                ends_at: a.ends_at.and_utc(),
                headcount_min: a.headcount_min,
                headcount_max: a.headcount_max,
                confirmed: a.confirmed_count,
                planned: fill.map_or(0, |f| f.planned),
                min_shortfall: fill.map_or(0, |f| f.min_shortfall),
                volunteers,
            }
        })
        .collect();
    Ok(PlanBody {
        totals: PlanTotals {
            activities: activities.len(),
            planned: plan.assignments.len(),
            min_slots_filled: plan.min_slots_filled,
            min_shortfall: plan.activities.iter().map(|f| f.min_shortfall).sum(),
            total_score: plan.total_score,
        },
        activities,
        locks: req.locks.clone(),
        exclusions: req.exclusions.clone(),
    })
}

/// Proposes and stores a plan for the activities of `req`. Ranking runs outside the write
/// transaction (call it with a plain connection): it reads much and must not hold SQLite's
/// write lock; only storing the plan is one write transaction.
pub fn create_plan(
    c: &mut DbConn,
    user: &Principal,
    req: CreatePlanRequest,
    policy: &RankingPolicy,
    now: DateTime<Utc>,
) -> ApiResult<PlanRow> {
    if req.activity_ids.is_empty() || req.activity_ids.len() > MAX_ACTIVITIES {
        return Err(ApiError::validation(vec![FieldError::new(
            "activity_ids",
            "invalid_length",
            format!("a plan covers 1 to {MAX_ACTIVITIES} activities"),
        )]));
    }
    user.require(Action::Match)?;
    let reach = user.require(Action::ReadVolunteers)?;
    let plan = propose(c, policy, user, &reach, &req, now)?;
    let json = serde_json::to_string(&plan).map_err(ApiError::internal)?;
    db::write_transaction(c, |c| {
        let row = db::plans::insert(c, user.user_id, &user.org_path, &json)?;
        audit_minors_planned(c, user, &plan, now)?;
        db::audit::record(
            c,
            AuditEntry::by(user, "dispatch_plan.create", "dispatch_plan")
                .entity(row.id, &row.org_path)
                .detail(serde_json::json!({
                    "activity_ids": req.activity_ids,
                    "planned": plan.totals.planned,
                })),
        )?;
        Ok(row)
    })
}

/// A plan, proposed or committed. Plans name candidates: matching staff only, not auditors
/// (PERMISSIONS.md).
pub fn get_plan(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<PlanRow> {
    let row = load_in_reach::<PlanRow>(c, user, id, Access::Act(Action::Match))?;
    audit_minors_planned(c, user, &body_of(&row)?, now)?;
    Ok(row)
}

/// PI-04: a plan names its volunteers; minors among them are audited as read.
fn audit_minors_planned(
    c: &mut DbConn,
    user: &Principal,
    plan: &PlanBody,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let ids: Vec<i64> = plan
        .activities
        .iter()
        .flat_map(|a| a.volunteers.iter().map(|v| v.candidate.volunteer_id))
        .collect();
    crate::service::matching::audit_minors_shown(c, user, &ids, "plan", now)
}

/// The stored plan of a row.
pub fn body_of(row: &PlanRow) -> ApiResult<PlanBody> {
    serde_json::from_str(&row.plan)
        .map_err(|e| ApiError::internal(format!("dispatch plan {} is unreadable: {e}", row.id)))
}

/// Commits plan `id`: every planned pair becomes an offer (ACT-03), in the caller's write
/// transaction. Each pair is checked again as a single offer would be; if any is no longer
/// possible nothing is offered and the error lists the failing pairs. A plan commits once.
pub fn commit_plan(
    c: &mut DbConn,
    user: &Principal,
    id: i64,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<PlanRow> {
    let row = load_in_reach::<PlanRow>(c, user, id, Access::Act(Action::Dispatch))?;
    // Write first: a concurrent commit of the same plan waits here, then finds it taken.
    if !db::plans::mark_committed(c, id)? {
        return Err(ApiError::conflict(
            ErrorCode::PlanCommitted,
            "this plan is committed already",
        ));
    }
    let mut plan = body_of(&row)?;
    let mut activities = Vec::with_capacity(plan.activities.len());
    for a in &plan.activities {
        activities.push(load_in_reach::<ActivityRow>(
            c,
            user,
            a.activity_id,
            Access::Act(Action::Dispatch),
        )?);
    }
    // Volunteer rows are locked in id order, so commits sharing volunteers cannot deadlock.
    let mut order: Vec<(usize, usize)> = plan
        .activities
        .iter()
        .enumerate()
        .flat_map(|(a, pa)| (0..pa.volunteers.len()).map(move |v| (a, v)))
        .collect();
    order.sort_by_key(|&(a, v)| plan.activities[a].volunteers[v].candidate.volunteer_id);
    let mut stale = Vec::new();
    for (a, v) in order {
        let planned = &mut plan.activities[a].volunteers[v];
        let volunteer_id = planned.candidate.volunteer_id;
        // One savepoint per offer: PostgreSQL aborts a transaction on a failed statement,
        // and every failing pair should be reported, not just the first.
        match c
            .transaction(|c| make_offer(c, policy, user, &activities[a], volunteer_id, None, now))
        {
            Ok(offer) => planned.assignment_id = Some(offer.id),
            Err(e) if e.status().is_client_error() => {
                // The first broken rule says more than the general detail.
                let problem = e.problem();
                let why = problem
                    .errors
                    .first()
                    .map_or(problem.detail, |v| v.message.clone());
                stale.push(FieldError::new(
                    format!("activity:{}/volunteer:{volunteer_id}", activities[a].id),
                    problem.code,
                    why,
                ));
            }
            Err(e) => return Err(e),
        }
    }
    if !stale.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::PlanStale,
            format!(
                "{} planned offer(s) are no longer possible; nothing was offered",
                stale.len()
            ),
        )
        .with_errors(stale));
    }
    let json = serde_json::to_string(&plan).map_err(ApiError::internal)?;
    db::plans::set_plan(c, id, &json)?;
    db::audit::record(
        c,
        AuditEntry::by(user, "dispatch_plan.commit", "dispatch_plan")
            .entity(id, &row.org_path)
            .detail(serde_json::json!({ "offers": plan.totals.planned })),
    )?;
    db::plans::find(c, id)?.ok_or_else(|| ApiError::not_found("plan"))
}
