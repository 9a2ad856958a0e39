//! Matching: "may this volunteer serve here, and if not why not" and the ranked candidates of
//! an activity, both from the one eligibility function and the scoring of `domain::matching`.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::activities::load_activity;
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::ActivityRow;
use crate::db::volunteers::VolunteerFilter;
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::activity::VolunteerRequirements;
use crate::domain::eligibility::{AssignmentContext, CheckPoint, EligibilityPolicy};
use crate::domain::matching::{
    Candidate, RankedCandidate, Ranking, ScoringPolicy, rank_candidates,
};
use crate::error::{ApiError, ApiResult};
use crate::registry::reach::within_reach;
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationResponse {
    /// Stable code, e.g. `training_expired`.
    pub code: String,
    /// The rule behind it (RULES.md id, or `DOMAIN`).
    pub rule: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityResponse {
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub eligible: bool,
    pub violations: Vec<ViolationResponse>,
}

fn violation_dto(v: &crate::domain::eligibility::Violation) -> ViolationResponse {
    ViolationResponse {
        code: v.code.as_str().to_string(),
        rule: v.rule.to_string(),
        detail: v.detail.clone(),
    }
}

/// Whether a volunteer may be offered this activity now, and every rule that stands in the
/// way (as checked at offer time).
#[utoipa::path(tag = "matching", params(("id" = i64, Path), ("volunteer_id" = i64, Path)), responses((status = 200, body = EligibilityResponse)))]
#[get("/activities/{id}/eligibility/{volunteer_id}")]
pub async fn eligibility(
    state: web::Data<AppState>,
    user: Principal,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (activity_id, volunteer_id) = path.into_inner();
    let policy = state.policy.eligibility();
    let response = crate::service::run(&state.pool, move |c| {
        let activity = load_activity(c, &user, activity_id, Some(Action::Match))?;
        load_in_reach::<VolunteerRow>(c, &user, volunteer_id, Access::Read)?;
        let violations = super::assignments::violations_for(
            c,
            &policy,
            &activity,
            volunteer_id,
            CheckPoint::Offer,
            false,
            false,
        )?;
        Ok(EligibilityResponse {
            activity_id,
            volunteer_id,
            eligible: violations.is_empty(),
            violations: violations.iter().map(violation_dto).collect(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateParams {
    /// Also list near-misses with their violations ("why not X").
    #[serde(default)]
    pub include_ineligible: bool,
    /// How many eligible candidates to return (default 50, max 200).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreComponentsResponse {
    pub skill_fit: f64,
    pub language_match: f64,
    pub distance: f64,
    pub fairness: f64,
    pub reliability: f64,
    pub preference: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateResponse {
    pub volunteer_id: i64,
    pub name: String,
    /// Weighted score in [0, 1].
    pub score: f64,
    pub components: ScoreComponentsResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NearMissResponse {
    pub volunteer_id: i64,
    pub name: String,
    pub violations: Vec<ViolationResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatesResponse {
    pub activity_id: i64,
    /// Volunteers considered (active, in reach, with the required skills and languages).
    pub considered: usize,
    /// Best first.
    pub eligible: Vec<CandidateResponse>,
    /// Only with `include_ineligible=true`; fewest violations first.
    pub near_misses: Vec<NearMissResponse>,
}

/// How many volunteers are scored for one activity; the database pre-filters by reach,
/// status, required skills and languages first.
const CONSIDERED: i64 = 1000;

/// The volunteers `candidates` ranks for one activity, with their names.
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

    pub fn candidate(&self, r: &RankedCandidate) -> CandidateResponse {
        let c = r.score.components;
        CandidateResponse {
            volunteer_id: r.volunteer_id,
            name: self.name(r.volunteer_id),
            score: r.score.total,
            components: ScoreComponentsResponse {
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

/// Checks the volunteers in `reach` against `activity` as an offer would be checked now, and
/// ranks the eligible ones. Without `include_ineligible` the database pre-filters to active
/// volunteers with the required skills and languages; at most `CONSIDERED` are loaded.
pub fn rank_for(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    reach: &Scope,
    activity: &ActivityRow,
    include_ineligible: bool,
) -> Result<RankedPool, ApiError> {
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
        ..Default::default()
    };
    within_reach(&mut filter, reach);
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
        checked_at: chrono::Utc::now(),
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

/// Ranked eligible volunteers for an activity, with their score components.
#[utoipa::path(tag = "matching", params(("id" = i64, Path), CandidateParams), responses((status = 200, body = CandidatesResponse)))]
#[get("/activities/{id}/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    params: web::Query<CandidateParams>,
) -> ApiResult<HttpResponse> {
    let activity_id = id.into_inner();
    let limit = params.limit.unwrap_or(50).clamp(1, 200) as usize;
    let include_ineligible = params.include_ineligible;
    let reach = user.require(Action::ReadVolunteers)?;
    let policy = state.policy.eligibility();
    let response = crate::service::run(&state.pool, move |c| {
        let activity = load_activity(c, &user, activity_id, Some(Action::Match))?;
        let pool = rank_for(c, &policy, &reach, &activity, include_ineligible)?;
        Ok(CandidatesResponse {
            activity_id,
            considered: pool.considered,
            eligible: pool
                .ranking
                .eligible
                .iter()
                .take(limit)
                .map(|r| pool.candidate(r))
                .collect(),
            near_misses: if include_ineligible {
                pool.ranking
                    .near_misses
                    .iter()
                    .take(limit)
                    .map(|m| NearMissResponse {
                        volunteer_id: m.volunteer_id,
                        name: pool.name(m.volunteer_id),
                        violations: m.violations.iter().map(violation_dto).collect(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}
