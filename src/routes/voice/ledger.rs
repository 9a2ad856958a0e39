//! The rectification ledger (FB-03): items, their steps (`start`, `resolve`, `reject`,
//! `return`), publication, and the public page of published items.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::policy::Principal;
use crate::domain::voice::LedgerStep;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::voice::{ItemQuery, LedgerItem, NewLedgerItem, PublicItem, StepRequest};
use crate::state::AppState;

/// Open a ledger item for issues to fix: the responsible organisation (in the caller's
/// subtree) and person, measures and a due day.
#[utoipa::path(tag = "voice", request_body = NewLedgerItem, responses((status = 201, body = LedgerItem)))]
#[post("/rectifications")]
pub async fn create_rectification(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<NewLedgerItem>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let item = service::write(&state.pool, move |c| {
        service::voice::create_item(c, &user, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/rectifications/{}", item.id)))
        .json(item))
}

/// The ledger of the caller's subtree: a supervising organisation sees its children's items;
/// `overdue=true`: open or in progress past the due day.
#[utoipa::path(tag = "voice", params(ItemQuery, PageParams), responses((status = 200, body = Page<LedgerItem>)))]
#[get("/rectifications")]
pub async fn list_rectifications(
    state: web::Data<AppState>,
    user: Principal,
    query: web::Query<ItemQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let (q, now) = (query.into_inner(), state.clock.now());
    let rows = service::run(&state.pool, move |c| {
        service::voice::list_items(c, &user, &q, window.after_id, window.limit, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |i| i.id, |i| i)))
}

/// One ledger item (another province's is not found).
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), responses((status = 200, body = LedgerItem)))]
#[get("/rectifications/{id}")]
pub async fn get_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let item = service::run(&state.pool, move |c| {
        service::voice::get_item(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(item))
}

async fn step(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    step: LedgerStep,
    req: StepRequest,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let item = service::write(&state.pool, move |c| {
        service::voice::step_item(c, &user, id, step, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// `open → in_progress`.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), request_body = StepRequest, responses((status = 200, body = LedgerItem), (status = 409, description = "`ledger_step_not_allowed`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/rectifications/{id}/start")]
pub async fn start_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<StepRequest>,
) -> ApiResult<HttpResponse> {
    step(
        state,
        user,
        id.into_inner(),
        LedgerStep::Start,
        body.into_inner(),
    )
    .await
}

/// `in_progress → resolved`, with the `resolution` (what was done).
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), request_body = StepRequest, responses((status = 200, body = LedgerItem), (status = 409, description = "`ledger_step_not_allowed`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/rectifications/{id}/resolve")]
pub async fn resolve_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<StepRequest>,
) -> ApiResult<HttpResponse> {
    step(
        state,
        user,
        id.into_inner(),
        LedgerStep::Resolve,
        body.into_inner(),
    )
    .await
}

/// `open | in_progress → rejected`, with a `reason`.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), request_body = StepRequest, responses((status = 200, body = LedgerItem), (status = 409, description = "`ledger_step_not_allowed`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/rectifications/{id}/reject")]
pub async fn reject_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<StepRequest>,
) -> ApiResult<HttpResponse> {
    step(
        state,
        user,
        id.into_inner(),
        LedgerStep::Reject,
        body.into_inner(),
    )
    .await
}

/// The supervising (parent) organisation sends a resolved item back: `resolved →
/// in_progress`, with a `reason` (FB-03).
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), request_body = StepRequest, responses((status = 200, body = LedgerItem), (status = 403, description = "`FB-03`: not the supervising organisation", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/rectifications/{id}/return")]
pub async fn return_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<StepRequest>,
) -> ApiResult<HttpResponse> {
    step(
        state,
        user,
        id.into_inner(),
        LedgerStep::Return,
        body.into_inner(),
    )
    .await
}

/// Publish a resolved item (text only) on the public rectifications page.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), responses((status = 200, body = LedgerItem), (status = 409, description = "`item_not_resolved` or `item_published`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/rectifications/{id}/publish")]
pub async fn publish_rectification(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let item = service::write(&state.pool, move |c| {
        service::voice::publish_item(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Published rectifications and their measures. No sign-in; no personal data.
#[utoipa::path(tag = "voice", security(()), params(PageParams), responses((status = 200, body = Page<PublicItem>)))]
#[get("/rectifications")]
pub async fn public_rectifications(
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let rows = service::run(&state.pool, move |c| {
        service::voice::public_items(c, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |i| i.id, |i| i)))
}
