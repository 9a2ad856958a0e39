//! Matching: "may this volunteer serve here, and if not why not" and the ranked candidates of
//! an activity, both from the one eligibility function and the scoring of `domain::matching`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::volunteers::{VolunteerFilter, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::activity::VolunteerRequirements;
use crate::domain::eligibility::{AssignmentContext, CheckPoint, EligibilityPolicy, Violation};
use crate::domain::matching::{
    Candidate, RankedCandidate, Ranking, ScoringPolicy, rank_candidates,
};
use crate::error::{ApiError, ApiResult};
use crate::registry::reach::narrow_to_scope;
use crate::service::dispatch::violations_for;
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;

/// How many volunteers are scored for one activity; the database pre-filters by reach,
/// status, required skills and languages first.
const CONSIDERED: i64 = 1000;

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
        false,
        now,
    )
}

/// The candidates of activity `activity_id` among the volunteers the caller reaches.
pub fn list_candidates(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    include_ineligible: bool,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<RankedPool> {
    let reach = user.require(Action::ReadVolunteers)?;
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::Match))?;
    rank_for(conn, policy, &reach, &activity, include_ineligible, now)
}

/// Checks the volunteers in `reach` against `activity` as an offer would be checked at `now`,
/// and ranks the eligible ones. Without `include_ineligible` the database pre-filters to
/// active volunteers with the required skills and languages; at most `CONSIDERED` are loaded.
pub fn rank_for(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    reach: &Scope,
    activity: &ActivityRow,
    include_ineligible: bool,
    now: DateTime<Utc>,
) -> ApiResult<RankedPool> {
    let site = db::activities::find_site(c, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    let requirements = snapshots::activity_requirements(activity, &site)?;
    let wanted: VolunteerRequirements =
        serde_json::from_str(&activity.requirements).unwrap_or_default();
    let mut filter = VolunteerFilter {
        status: (!include_ineligible).then(|| "active".to_string()),
        skills: if include_ineligible {
            Vec::new()
        } else {
            wanted
                .skills
                .iter()
                .map(|s| (s.code.clone(), i32::from(s.level)))
                .collect()
        },
        languages: if include_ineligible {
            Vec::new()
        } else {
            wanted.languages.clone()
        },
        limit: CONSIDERED - 1,
        candidate_pool: true, // PI-02: withdrawn or missing consent leaves every pool
        ..Default::default()
    };
    narrow_to_scope(&mut filter, reach);
    let rows = db::volunteers::search(c, &filter)?;
    let names: HashMap<i64, String> = rows.iter().map(|r| (r.id, r.name.clone())).collect();
    let mut loaded = Vec::with_capacity(rows.len());
    for r in &rows {
        loaded.push((
            snapshots::volunteer_snapshot(c, r.id)?,
            snapshots::commitments(c, r.id, activity.id)?,
            snapshots::stats(c, r.id)?,
        ));
    }
    let pool: Vec<Candidate> = loaded
        .iter()
        .map(|(volunteer, commitments, stats)| Candidate {
            volunteer,
            commitments,
            stats: *stats,
        })
        .collect();
    let ctx = AssignmentContext {
        checkpoint: CheckPoint::Offer,
        accompanying_guardian: false,
        agreement_signed: false,
        checked_at: now,
    };
    let ranking = rank_candidates(
        &requirements,
        &pool,
        &ctx,
        policy,
        &ScoringPolicy::default(),
    );
    Ok(RankedPool {
        considered: pool.len(),
        ranking,
        names,
    })
}
