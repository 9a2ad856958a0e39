//! Batch dispatch plans (DOMAIN "Matching and dispatch" 4): the optimal assignment of
//! volunteers to many activities at once (`domain::matching::dispatch`), proposed from the
//! same ranked candidates as `GET /activities/{id}/candidates`, reviewed with locks and
//! exclusions, and committed once, atomically, as offers (ACT-03: never as confirmations).

use std::collections::HashSet;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::activities::load_activity;
use super::assignments::{check_open, make_offer};
use super::matching::{CandidateResponse, RankedPool, rank_for};
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::plans::PlanRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::eligibility::EligibilityPolicy;
use crate::domain::matching::{CandidatePair, DispatchActivity, DispatchError, PairKey, dispatch};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract;
use crate::state::AppState;

/// Every activity of a batch is ranked against up to 1000 volunteers; this keeps one request
/// within seconds.
const MAX_ACTIVITIES: usize = 50;

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
    /// The activities to staff together: published or in progress, at most 50.
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
    pub candidate: CandidateResponse,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    /// `proposed` or `committed`.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub plan: PlanBody,
}

impl TryFrom<PlanRow> for PlanResponse {
    type Error = ApiError;

    fn try_from(row: PlanRow) -> Result<Self, ApiError> {
        Ok(Self {
            plan: serde_json::from_str(&row.plan).map_err(ApiError::internal)?,
            id: row.id,
            status: row.status,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
            committed_at: row.committed_at.map(|t| t.and_utc()),
        })
    }
}

fn headcount(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn planning_error(e: DispatchError) -> ApiError {
    ApiError::rule(e.code(), format!("the batch cannot be planned: {e:?}"))
}

/// Ranks every activity's candidates and asks the dispatch engine for the optimal plan.
fn propose(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    user: &Principal,
    reach: &Scope,
    req: &CreatePlanRequest,
) -> Result<PlanBody, ApiError> {
    let mut loaded: Vec<(ActivityRow, RankedPool)> = Vec::with_capacity(req.activity_ids.len());
    let mut batch = Vec::with_capacity(req.activity_ids.len());
    let mut pairs = Vec::new();
    for &id in &req.activity_ids {
        let activity = load_activity(c, user, id, Some(Action::Match))?;
        check_open(&activity)?;
        let pool = rank_for(c, policy, reach, &activity, false)?;
        // Someone already offered or confirmed here is not planned here again.
        let holding: HashSet<i64> = db::assignments::live_on_activity(c, id)?
            .iter()
            .map(|a| a.volunteer_id)
            .collect();
        pairs.extend(
            pool.ranking
                .eligible
                .iter()
                .filter(|r| !holding.contains(&r.volunteer_id))
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
        loaded.push((activity, pool));
    }
    let keys = |pairs: &[PlanPair]| pairs.iter().map(|&p| p.into()).collect::<Vec<PairKey>>();
    let plan = dispatch(&batch, &pairs, &keys(&req.locks), &keys(&req.exclusions))
        .map_err(planning_error)?;

    let activities: Vec<PlannedActivity> = loaded
        .iter()
        .map(|(a, pool)| {
            let fill = plan.activities.iter().find(|f| f.activity_id == a.id);
            let volunteers = plan
                .assignments
                .iter()
                .filter(|p| p.activity_id == a.id)
                .filter_map(|p| {
                    let ranked = pool
                        .ranking
                        .eligible
                        .iter()
                        .find(|r| r.volunteer_id == p.volunteer_id)?;
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

/// Propose a batch dispatch plan: for each activity the volunteers to offer it to, chosen
/// optimally across the batch — minimum headcounts filled first, then the highest total
/// score, each volunteer at most once, locks in and exclusions out. Nothing is offered until
/// the plan is committed.
#[utoipa::path(
    tag = "dispatch",
    request_body = CreatePlanRequest,
    responses(
        (status = 201, body = PlanResponse),
        (status = 409, description = "An activity is not published or in progress (`activity_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The locks cannot be honoured: the engine's code (`lock_not_eligible`, `lock_excluded`, `volunteer_locked_twice`, `locks_exceed_capacity`, `unknown_activity`, `duplicate_activity`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dispatch/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreatePlanRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    if req.activity_ids.is_empty() || req.activity_ids.len() > MAX_ACTIVITIES {
        return Err(ApiError::validation(vec![FieldError::new(
            "activity_ids",
            "invalid_length",
            format!("a plan covers 1 to {MAX_ACTIVITIES} activities"),
        )]));
    }
    user.require(Action::Match)?;
    let reach = user.require(Action::ReadVolunteers)?;
    let policy = state.policy.eligibility();
    let row = crate::service::run(&state.pool, move |c| {
        // Rank outside the write transaction: it reads much and must not hold SQLite's lock.
        let plan = propose(c, &policy, &user, &reach, &req)?;
        let json = serde_json::to_string(&plan).map_err(ApiError::internal)?;
        db::write_transaction(c, |c| {
            let row = db::plans::insert(c, user.user_id, &user.org_path, &json)?;
            db::audit::record(
                c,
                AuditEntry::by(&user, "dispatch_plan.create", "dispatch_plan")
                    .entity(row.id, &row.org_path)
                    .detail(serde_json::json!({
                        "activity_ids": req.activity_ids,
                        "planned": plan.totals.planned,
                    })),
            )?;
            Ok(row)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/dispatch/plans/{}", row.id)))
        .json(PlanResponse::try_from(row)?))
}

/// Loads a plan visible to the caller (its creator's organisation is in the caller's reach,
/// else 404) on which the caller may `act` (else 403).
fn load_plan(c: &mut DbConn, user: &Principal, id: i64, act: Action) -> Result<PlanRow, ApiError> {
    let row = db::plans::find(c, id)?.ok_or_else(|| ApiError::not_found("plan"))?;
    user.authorize(Action::ReadActivities, act, |s| s.contains(&row.org_path))
        .map_err(|e| e.hidden_as("plan"))?;
    Ok(row)
}

/// Read a dispatch plan, proposed or committed (with the offers it made).
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = PlanResponse)))]
#[get("/dispatch/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    // Plans name candidates: matching staff only, not auditors (PERMISSIONS.md).
    let row =
        crate::service::run(&state.pool, move |c| load_plan(c, &user, id, Action::Match)).await?;
    Ok(HttpResponse::Ok().json(PlanResponse::try_from(row)?))
}

/// Commit a plan: every planned pair becomes an offer (ACT-03), in one transaction. Each
/// pair is checked again as a single offer would be; if any is no longer possible nothing is
/// offered and the answer lists the failing pairs. A plan commits once.
#[utoipa::path(
    tag = "dispatch",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = PlanResponse),
        (status = 409, description = "`plan_committed` already, or `plan_stale`: `errors[]` lists each failing pair (`field` `activity:{id}/volunteer:{id}`, `code` the reason)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dispatch/plans/{id}/commit")]
pub async fn commit_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let policy = state.policy.eligibility();
    let row = crate::service::write(&state.pool, move |c| {
        let row = load_plan(c, &user, id, Action::Dispatch)?;
        // Write first: a concurrent commit of the same plan waits here, then finds it taken.
        if !db::plans::mark_committed(c, id)? {
            return Err(ApiError::conflict(
                "plan_committed",
                "this plan is committed already",
            ));
        }
        let mut plan: PlanBody = serde_json::from_str(&row.plan).map_err(ApiError::internal)?;
        let mut activities = Vec::with_capacity(plan.activities.len());
        for a in &plan.activities {
            activities.push(load_activity(
                c,
                &user,
                a.activity_id,
                Some(Action::Dispatch),
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
                .transaction(|c| make_offer(c, &policy, &user, &activities[a], volunteer_id, None))
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
                "plan_stale",
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
            AuditEntry::by(&user, "dispatch_plan.commit", "dispatch_plan")
                .entity(id, &row.org_path)
                .detail(serde_json::json!({ "offers": plan.totals.planned })),
        )?;
        db::plans::find(c, id)?.ok_or_else(|| ApiError::not_found("plan"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(PlanResponse::try_from(row)?))
}
