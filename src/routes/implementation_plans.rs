//! PLAN-01: campaigns (the ministry opens them), the provinces' implementation plans with
//! their progress, and who has not submitted. Rules and reach live in
//! `service::implementation_plans`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract::{self, etag, if_match_version, stale};
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::implementation_plans::{self as plans, CampaignView, MissingView, PlanView};
use crate::state::AppState;

pub use crate::service::implementation_plans::{
    CreateCampaignRequest, CreatePlanRequest, UpdatePlanRequest,
};

/// Open a campaign (the ministry): year, title, due date, period and stages.
#[utoipa::path(tag = "plans", request_body = CreateCampaignRequest, responses((status = 201, body = CampaignView), (status = 409, description = "`campaign_taken`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateCampaignRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let out = service::write(&state.pool, move |c| {
        plans::create_campaign(c, &user, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/campaigns/{}", out.id)))
        .json(out))
}

/// List campaigns (every staff member), by id.
#[utoipa::path(tag = "plans", params(PageParams), responses((status = 200, body = Page<CampaignView>)))]
#[get("/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    user: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let rows = service::run(&state.pool, move |c| {
        plans::list_campaigns(c, &user, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |r| r.id, |r| r)))
}

/// A campaign with its stages.
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), responses((status = 200, body = CampaignView)))]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let out = service::run(&state.pool, move |c| plans::get_campaign(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The province-level bureaus (the XPCC included) in the caller's reach that have not
/// submitted a plan for the campaign (none, a draft, or returned) — PLAN-01.
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), responses((status = 200, body = MissingView)))]
#[get("/campaigns/{id}/missing")]
pub async fn missing_plans(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let out = service::run(&state.pool, move |c| plans::missing(c, &user, id, now)).await?;
    Ok(HttpResponse::Ok().json(out))
}

fn plan_response(status: actix_web::http::StatusCode, plan: PlanView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(plan.version)))
        .json(plan)
}

/// Draft the province's plan for a campaign (its bureau admins); one per campaign.
#[utoipa::path(operation_id = "create_implementation_plan", tag = "plans", request_body = CreatePlanRequest, responses((status = 201, body = PlanView), (status = 409, description = "`plan_exists`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/implementation-plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreatePlanRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let out = service::write(&state.pool, move |c| plans::create_plan(c, &user, req, now)).await?;
    let location = format!("/api/v1/implementation-plans/{}", out.id);
    let mut res = plan_response(actix_web::http::StatusCode::CREATED, out);
    res.headers_mut().insert(
        actix_web::http::header::LOCATION,
        actix_web::http::header::HeaderValue::from_str(&location)
            .map_err(crate::error::ApiError::internal)?,
    );
    Ok(res)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    pub campaign_id: Option<i64>,
}

/// The plans in the caller's reach (without progress), by id.
#[utoipa::path(tag = "plans", params(PageParams, PlanFilter), responses((status = 200, body = Page<PlanView>)))]
#[get("/implementation-plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    user: Principal,
    page: web::Query<PageParams>,
    filter: web::Query<PlanFilter>,
) -> ApiResult<HttpResponse> {
    let (window, campaign) = (page.window()?, filter.campaign_id);
    let rows = service::run(&state.pool, move |c| {
        plans::list_plans(c, &user, campaign, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |r| r.id, |r| r)))
}

/// A plan with its progress: every target against the figure the data gives for the
/// campaign's period in the province.
#[utoipa::path(operation_id = "get_implementation_plan", tag = "plans", params(("id" = i64, Path)), responses((status = 200, body = PlanView)))]
#[get("/implementation-plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let out = service::run(&state.pool, move |c| plans::get_plan(c, &user, id)).await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}

/// Change a draft or returned plan (its bureau admins), with `If-Match`.
#[utoipa::path(tag = "plans", params(("id" = i64, Path), ("If-Match" = String, Header, description = "ETag of the version you read")), request_body = UpdatePlanRequest, responses((status = 200, body = PlanView), (status = 412, description = "Changed since read", body = crate::error::Problem, content_type = "application/problem+json")))]
#[patch("/implementation-plans/{id}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<UpdatePlanRequest>,
) -> ApiResult<HttpResponse> {
    let version = if_match_version(&req)?;
    let (id, body, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let out = service::write(&state.pool, move |c| {
        plans::update_plan(c, &user, id, version, body, now)
    })
    .await?
    .ok_or_else(|| stale("implementation plan"))?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}

/// Submit the plan to the ministry (its bureau admins); after the due date it is `late`.
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), responses((status = 200, body = PlanView), (status = 409, description = "Not a draft or returned plan", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/implementation-plans/{id}/submit")]
pub async fn submit_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let out = service::write(&state.pool, move |c| plans::submit_plan(c, &user, id, now)).await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Required when returning a plan.
    pub comment: Option<String>,
}

/// Approve a submitted plan (the ministry); the province's bureau is notified.
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), request_body = DecisionRequest, responses((status = 200, body = PlanView)))]
#[post("/implementation-plans/{id}/approve")]
pub async fn approve_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, comment, now) = (
        id.into_inner(),
        body.into_inner().comment,
        state.clock.now(),
    );
    let out = service::write(&state.pool, move |c| {
        plans::decide_plan(c, &user, id, true, comment, now)
    })
    .await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}

/// Return a submitted plan with comments (the ministry); the bureau edits and resubmits.
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), request_body = DecisionRequest, responses((status = 200, body = PlanView)))]
#[post("/implementation-plans/{id}/return")]
pub async fn return_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, comment, now) = (
        id.into_inner(),
        body.into_inner().comment,
        state.clock.now(),
    );
    let out = service::write(&state.pool, move |c| {
        plans::decide_plan(c, &user, id, false, comment, now)
    })
    .await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryRequest {
    #[serde(default)]
    pub summary_evaluation: String,
}

/// Write the summary evaluation (the bureau, after the period, on an approved plan).
#[utoipa::path(tag = "plans", params(("id" = i64, Path)), request_body = SummaryRequest, responses((status = 200, body = PlanView)))]
#[post("/implementation-plans/{id}/summary")]
pub async fn write_summary(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<SummaryRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text, now) = (
        id.into_inner(),
        body.into_inner().summary_evaluation,
        state.clock.now(),
    );
    let out = service::write(&state.pool, move |c| {
        plans::write_summary(c, &user, id, text, now)
    })
    .await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, out))
}
