//! Batch dispatch plans over HTTP: propose, read, commit (`service::plans`).

use actix_web::{HttpResponse, get, post, web};

use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::plan::PlanResponse;
use crate::service;
use crate::service::plans::CreatePlanRequest;
use crate::state::AppState;

/// Propose a batch dispatch plan: for each activity the volunteers to offer it to, chosen
/// optimally across the batch — minimum headcounts filled first, then the highest total
/// score, each volunteer at most once, locks in and exclusions out. Nothing is offered until
/// the plan is committed.
#[utoipa::path(
    operation_id = "create_dispatch_plan",
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
    let policy = state.policy.ranking();
    let now = state.clock.now();
    // `run`, not `write`: the use case ranks first and opens its own write transaction.
    let row = service::run(&state.pool, move |c| {
        service::plans::create_plan(c, &user, req, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/dispatch/plans/{}", row.id)))
        .json(PlanResponse::try_from(row)?))
}

/// Read a dispatch plan, proposed or committed (with the offers it made).
#[utoipa::path(operation_id = "get_dispatch_plan", tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = PlanResponse)))]
#[get("/dispatch/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let row = service::run(&state.pool, move |c| {
        service::plans::get_plan(c, &user, id, now)
    })
    .await?;
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
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::plans::commit_plan(c, &user, id, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PlanResponse::try_from(row)?))
}
