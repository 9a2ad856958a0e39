//! Matching over HTTP: "may this volunteer serve here, and if not why not" and the ranked
//! candidates of an activity (`service::matching`).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::domain::eligibility::Violation;
use crate::error::ApiResult;
use crate::service;
use crate::service::matching::ScoredCandidate as CandidateResponse;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationResponse {
    /// Stable code, e.g. `training_expired`.
    pub code: String,
    /// The rule behind it (RULES.md id, or `DOMAIN`).
    pub rule: String,
    pub detail: String,
}

impl From<&Violation> for ViolationResponse {
    fn from(v: &Violation) -> Self {
        ViolationResponse {
            code: v.code.as_str().to_string(),
            rule: v.rule.to_string(),
            detail: v.detail.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityResponse {
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub eligible: bool,
    pub violations: Vec<ViolationResponse>,
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
    let now = state.clock.now();
    let violations = service::run(&state.pool, move |c| {
        service::matching::explain_eligibility(c, &user, activity_id, volunteer_id, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EligibilityResponse {
        activity_id,
        volunteer_id,
        eligible: violations.is_empty(),
        violations: violations.iter().map(ViolationResponse::from).collect(),
    }))
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

#[derive(Debug, Serialize, ToSchema)]
pub struct NearMissResponse {
    pub volunteer_id: i64,
    pub name: String,
    pub violations: Vec<ViolationResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatesResponse {
    pub activity_id: i64,
    /// Volunteers considered: every one in reach who passes the database's hard filters
    /// (active, the required skills and languages, available on the start date); no cap.
    pub considered: usize,
    /// Best first.
    pub eligible: Vec<CandidateResponse>,
    /// Only with `include_ineligible=true`; fewest violations first.
    pub near_misses: Vec<NearMissResponse>,
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
    let policy = state.policy.ranking();
    let now = state.clock.now();
    let pool = service::run(&state.pool, move |c| {
        service::matching::list_candidates(
            c,
            &user,
            activity_id,
            include_ineligible,
            limit,
            &policy,
            now,
        )
    })
    .await?;
    let near_misses = match include_ineligible {
        true => pool
            .ranking
            .near_misses
            .iter()
            .take(limit)
            .map(|m| NearMissResponse {
                volunteer_id: m.volunteer_id,
                name: pool.name(m.volunteer_id),
                violations: m.violations.iter().map(ViolationResponse::from).collect(),
            })
            .collect(),
        false => Vec::new(),
    };
    Ok(HttpResponse::Ok().json(CandidatesResponse {
        activity_id,
        considered: pool.considered,
        eligible: pool
            .ranking
            .eligible
            .iter()
            .take(limit)
            .map(|r| pool.candidate(r))
            .collect(),
        near_misses,
    }))
}
