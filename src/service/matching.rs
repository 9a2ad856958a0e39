//! Matching: "may this volunteer serve here, and if not why not" and the ranked candidates of
//! an activity, both from the one eligibility function and the scoring of `domain::matching`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::rc::Rc;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::candidates::CandidateRow;
use crate::db::volunteers::{VolunteerFilter, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::eligibility::{
    ActivityRequirements, AssignmentContext, CheckPoint, Commitment, EligibilityPolicy, Violation,
    VolunteerSnapshot,
};
use crate::domain::matching::{
    Candidate, RankedCandidate, Ranking, RankingPolicy, VolunteerStats, rank_candidates,
};
use crate::error::{ApiError, ApiResult};
use crate::registry::reach::narrow_to_scope;
use crate::service::dispatch::{Agreement, violations_for};
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;

// The parts of a candidate's score (stored in plans, so its shape is kept).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ScoreComponentsResponse)]
pub struct ScoreParts {
    pub skill_fit: f64,
    pub language_match: f64,
    pub distance: f64,
    pub fairness: f64,
    pub reliability: f64,
    pub preference: f64,
}

// An eligible volunteer with its score, as the candidates list and plans show it. Plain
// comments: a doc comment would change the published schema.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = CandidateResponse)]
pub struct ScoredCandidate {
    pub volunteer_id: i64,
    pub name: String,
    /// Weighted score in [0, 1].
    pub score: f64,
    pub components: ScoreParts,
}

/// The volunteers ranked for one activity, with their names.
pub struct RankedPool {
    /// Volunteers considered (scored or checked).
    pub considered: usize,
    pub ranking: Ranking,
    names: HashMap<i64, String>,
}

impl RankedPool {
    pub fn name(&self, volunteer_id: i64) -> String {
        self.names.get(&volunteer_id).cloned().unwrap_or_default()
    }

    pub fn candidate(&self, r: &RankedCandidate) -> ScoredCandidate {
        let c = r.score.components;
        ScoredCandidate {
            volunteer_id: r.volunteer_id,
            name: self.name(r.volunteer_id),
            score: r.score.total,
            components: ScoreParts {
                skill_fit: c.skill_fit,
                language_match: c.language_match,
                distance: c.distance,
                fairness: c.fairness,
                reliability: c.reliability,
                preference: c.preference,
            },
        }
    }
}

/// Every rule that stands between a volunteer and an offer of the activity now (empty: the
/// volunteer may be offered it).
pub fn explain_eligibility(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    volunteer_id: i64,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Violation>> {
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::Match))?;
    load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    violations_for(
        conn,
        policy,
        &activity,
        volunteer_id,
        CheckPoint::Offer,
        false,
        Agreement::default(),
        now,
    )
}

/// The candidates of activity `activity_id` among the volunteers the caller reaches; the
/// first `shown` eligible ones (and near misses) are read, so minors among them are audited.
pub fn list_candidates(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    include_ineligible: bool,
    shown: usize,
    policy: &RankingPolicy,
    now: DateTime<Utc>,
) -> ApiResult<RankedPool> {
    let reach = user.require(Action::ReadVolunteers)?;
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::Match))?;
    let pool = rank_for(conn, policy, &reach, &activity, include_ineligible, now)?;
    let eligible = pool.ranking.eligible.iter().take(shown);
    let near = pool.ranking.near_misses.iter().take(shown);
    let ids: Vec<i64> = eligible
        .map(|r| r.volunteer_id)
        .chain(near.map(|m| m.volunteer_id))
        .collect();
    audit_minors_shown(conn, user, &ids, "candidates", now)?;
    Ok(pool)
}

/// PI-04: candidate lists and plans name volunteers; each minor among `ids` is a read of a
/// minor's data, audited as list pages are.
pub fn audit_minors_shown(
    conn: &mut DbConn,
    user: &Principal,
    ids: &[i64],
    what: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows = db::volunteers::find_many(conn, ids)?;
    let today = crate::clock::local_date(now);
    crate::registry::minor_reads::audit(conn, user, &rows, what, today)
}

/// Checks the volunteers in `reach` against `activity` as an offer would be checked at `now`,
/// and ranks the eligible ones. Without `include_ineligible` the database pre-filters (see
/// `pool_filter`); every volunteer who passes is considered.
pub fn rank_for(
    c: &mut DbConn,
    policy: &RankingPolicy,
    reach: &Scope,
    activity: &ActivityRow,
    include_ineligible: bool,
    now: DateTime<Utc>,
) -> ApiResult<RankedPool> {
    let mut pools = rank_many(
        c,
        policy,
        reach,
        std::slice::from_ref(activity),
        include_ineligible,
        now,
    )?;
    pools
        .pop()
        .ok_or_else(|| ApiError::internal("one activity, one pool"))
}

/// The database's share of the hard rules: reach, and unless `include_ineligible`, active
/// status, the required skills and languages, and availability on the local start date (no
/// blackout that day; a window that weekday or none at all). Each is a necessary condition
/// of `eligibility::check`, so nobody eligible is filtered out.
fn pool_filter(
    reach: &Scope,
    requirements: &ActivityRequirements,
    include_ineligible: bool,
) -> VolunteerFilter {
    let mut filter = if include_ineligible {
        VolunteerFilter::default()
    } else {
        let start = requirements.local_start_date();
        VolunteerFilter {
            status: Some("active".to_string()),
            skills: requirements
                .required_skills
                .iter()
                .map(|s| (s.code.clone(), i32::from(s.level)))
                .collect(),
            languages: requirements.required_languages.clone(),
            available_on: Some((start, start.weekday().number_from_monday() as i32)),
            ..Default::default()
        }
    };
    // PI-02: withdrawn or missing consent leaves every pool, the diagnostic listing included.
    filter.candidate_pool = true;
    narrow_to_scope(&mut filter, reach);
    filter
}

/// `rank_for` over many activities at once: one pool query per activity, then every member's
/// snapshot, commitments and history for the whole batch in a fixed number of queries (per
/// 10,000 volunteers), shared by the activities.
pub fn rank_many(
    c: &mut DbConn,
    policy: &RankingPolicy,
    reach: &Scope,
    activities: &[ActivityRow],
    include_ineligible: bool,
    now: DateTime<Utc>,
) -> ApiResult<Vec<RankedPool>> {
    let mut wanted = Vec::with_capacity(activities.len());
    let mut rows: HashMap<i64, CandidateRow> = HashMap::new();
    // A season's activities share sites and requirements (same skill, same day): each
    // distinct site is read once and each distinct filter runs once.
    let mut sites = HashMap::new();
    let mut pools_by_filter: HashMap<VolunteerFilter, Rc<[i64]>> = HashMap::new();
    for activity in activities {
        let site = match sites.entry(activity.site_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(
                db::activities::find_site(c, activity.site_id)?
                    .ok_or_else(|| ApiError::internal("site missing"))?,
            ),
        };
        let requirements = snapshots::activity_requirements(activity, site)?;
        let filter = pool_filter(reach, &requirements, include_ineligible);
        let members = match pools_by_filter.entry(filter) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => {
                let members: Rc<[i64]> = db::candidates::pool(c, slot.key())?
                    .into_iter()
                    .map(|r| {
                        let id = r.id;
                        rows.entry(id).or_insert(r);
                        id
                    })
                    .collect();
                slot.insert(members).clone()
            }
        };
        wanted.push((requirements, members));
    }
    let mut ids: Vec<i64> = rows.keys().copied().collect();
    ids.sort_unstable();
    let profiles = db::candidates::profiles(c, &ids, snapshots::recent_since())?;
    let empty = db::candidates::Profile::default();
    let mut snapshots_by_id: HashMap<i64, VolunteerSnapshot> = HashMap::with_capacity(ids.len());
    for (id, row) in &rows {
        let profile = profiles.get(id).unwrap_or(&empty);
        snapshots_by_id.insert(*id, snapshots::candidate_snapshot(row, profile)?);
    }
    let ctx = AssignmentContext {
        checkpoint: CheckPoint::Offer,
        accompanying_guardian: false,
        agreement_signed: false,
        agreement_requested: false,
        checked_at: now,
    };
    let mut pools = Vec::with_capacity(wanted.len());
    for (requirements, members) in &wanted {
        let loaded: Vec<(&VolunteerSnapshot, Vec<Commitment>, VolunteerStats)> = members
            .iter()
            .map(|id| {
                let profile = profiles.get(id).unwrap_or(&empty);
                (
                    &snapshots_by_id[id],
                    snapshots::candidate_commitments(profile, requirements.id),
                    snapshots::candidate_stats(profile),
                )
            })
            .collect();
        let pool: Vec<Candidate> = loaded
            .iter()
            .map(|(volunteer, commitments, stats)| Candidate {
                volunteer,
                commitments,
                stats: *stats,
            })
            .collect();
        let ranking = rank_candidates(
            requirements,
            &pool,
            &ctx,
            &policy.eligibility,
            &policy.scoring,
        );
        let names = ranking
            .eligible
            .iter()
            .map(|r| r.volunteer_id)
            .chain(ranking.near_misses.iter().map(|m| m.volunteer_id))
            .map(|id| (id, rows[&id].name.clone()))
            .collect();
        pools.push(RankedPool {
            considered: pool.len(),
            ranking,
            names,
        });
    }
    Ok(pools)
}
