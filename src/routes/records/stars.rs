//! Stars: a volunteer's verified hours and star levels, applications and their decision
//! (STAR-01/02/04).

use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ResolutionRequest, hours_reached};
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service::records::stars::{self, Stars};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct StarAwardResponse {
    pub id: i64,
    pub level: i32,
    /// `pending`, `granted` or `rejected`.
    pub status: String,
    /// Issued on grant; never changes.
    pub award_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarsResponse {
    pub volunteer_id: i64,
    /// Sum of current service-record minutes.
    pub verified_minutes: i64,
    /// `verified_minutes` ÷ 60, to one decimal.
    pub verified_hours: String,
    /// STAR-01: the level the minutes reach.
    pub eligible: u8,
    /// STAR-02: the level granted after review.
    pub awarded: u8,
    /// The one level that may be applied for now, if any.
    pub next_awardable: Option<u8>,
    /// Corrections pushed the eligible level below the awarded one.
    pub needs_review: bool,
    /// STAR-04: a good record (an awarded star, an active registration, no upheld complaint
    /// beyond what the policy tolerates), which makes the volunteer eligible for preferential
    /// cultural benefits.
    pub good_record: bool,
    /// Complaints upheld against the volunteer (STAR-04).
    pub upheld_complaints: i64,
    pub awards: Vec<StarAwardResponse>,
}

impl From<Stars> for StarsResponse {
    fn from(s: Stars) -> Self {
        Self {
            volunteer_id: s.volunteer_id,
            verified_minutes: s.verified_minutes,
            verified_hours: hours_reached(s.verified_minutes),
            eligible: s.standing.eligible.get(),
            awarded: s.standing.awarded.get(),
            next_awardable: s.standing.next_awardable.map(|l| l.get()),
            needs_review: s.standing.needs_review,
            good_record: s.good_record,
            upheld_complaints: s.upheld_complaints,
            awards: s
                .awards
                .into_iter()
                .map(|a| StarAwardResponse {
                    id: a.id,
                    level: a.level,
                    status: a.status,
                    award_number: a.award_number,
                })
                .collect(),
        }
    }
}

/// A volunteer's verified hours and stars.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 200, body = StarsResponse)))]
#[get("/volunteers/{id}/stars")]
pub async fn get_stars(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let good = state.policy.good_record();
    let stars = crate::service::run(&state.pool, move |c| stars::stars(c, &user, id, good)).await?;
    Ok(HttpResponse::Ok().json(StarsResponse::from(stars)))
}

/// Apply for the next star level (the volunteer; STAR-02: one level at a time, only when
/// the hours reach it).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), responses((status = 201, body = StarsResponse), (status = 422, description = "`star_not_eligible` or `star_not_next_level`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/star-applications")]
pub async fn apply_for_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let good = state.policy.good_record();
    let now = state.clock.now();
    let stars = crate::service::write(&state.pool, move |c| {
        stars::apply_for_star(c, &user, id, good, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(StarsResponse::from(stars)))
}

async fn decide_star(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    grant: bool,
    body: Option<extract::Json<ResolutionRequest>>,
) -> ApiResult<HttpResponse> {
    let note = body.map(|b| b.into_inner().note).unwrap_or_default();
    let good = state.policy.good_record();
    let now = state.clock.now();
    let stars = crate::service::write(&state.pool, move |c| {
        stars::decide_star(c, &user, id, grant, &note, good, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(StarsResponse::from(stars)))
}

/// Grant a star application (the registering bureau, after review).
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = StarsResponse)))]
#[post("/star-applications/{id}/grant")]
pub async fn grant_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<ResolutionRequest>>,
) -> ApiResult<HttpResponse> {
    decide_star(state, user, id.into_inner(), true, body).await
}

/// Reject a star application.
#[utoipa::path(tag = "records", params(("id" = i64, Path)), request_body = ResolutionRequest, responses((status = 200, body = StarsResponse)))]
#[post("/star-applications/{id}/reject")]
pub async fn reject_star(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<ResolutionRequest>>,
) -> ApiResult<HttpResponse> {
    decide_star(state, user, id.into_inner(), false, body).await
}
