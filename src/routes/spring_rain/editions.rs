//! Editions: the ministry creates, opens and closes them and enrols pairings; staff read them;
//! a sending province dispatches its teams for the season in one plan.

use actix_web::{HttpResponse, get, post, web};

use super::EditionResponse;
use crate::auth::policy::Principal;
use crate::domain::spring_rain::EditionAction;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::routes::common::plan::PlanResponse;
use crate::service;
use crate::service::spring_rain::{CreateEditionRequest, EnrolPairingRequest, SeasonPlanRequest};
use crate::state::AppState;

/// Create an edition (the ministry), in `planning`. One edition per year.
#[utoipa::path(
    tag = "spring-rain",
    request_body = CreateEditionRequest,
    responses(
        (status = 201, body = EditionResponse),
        (status = 409, description = "`edition_year_taken`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/editions")]
pub async fn create_edition(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateEditionRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let row = service::write(&state.pool, move |c| {
        service::spring_rain::create_edition(c, &user, req)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/spring-rain/editions/{}", row.id),
        ))
        .json(EditionResponse::new(row, Vec::new())))
}

/// List editions (every staff member), by id.
#[utoipa::path(tag = "spring-rain", params(PageParams), responses((status = 200, body = Page<EditionResponse>)))]
#[get("/spring-rain/editions")]
pub async fn list_editions(
    state: web::Data<AppState>,
    user: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let rows = service::run(&state.pool, move |c| {
        service::spring_rain::list_editions(c, &user, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        |r| EditionResponse::new(r, Vec::new()),
    )))
}

/// Read an edition with the pairings taking part.
#[utoipa::path(tag = "spring-rain", params(("id" = i64, Path)), responses((status = 200, body = EditionResponse)))]
#[get("/spring-rain/editions/{id}")]
pub async fn get_edition(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (edition, pairings) = service::run(&state.pool, move |c| {
        service::spring_rain::get_edition(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EditionResponse::new(edition, pairings)))
}

async fn move_edition(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: EditionAction,
) -> ApiResult<HttpResponse> {
    let (edition, pairings) = service::write(&state.pool, move |c| {
        service::spring_rain::move_edition(c, &user, id, action)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EditionResponse::new(edition, pairings)))
}

/// Open an edition in planning (the ministry): deployments may now be added.
#[utoipa::path(
    tag = "spring-rain",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = EditionResponse),
        (status = 409, description = "`invalid_transition`: the edition is not in planning", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/editions/{id}/open")]
pub async fn open_edition(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_edition(state, user, id.into_inner(), EditionAction::Open).await
}

/// Close an open edition (the ministry): no more deployments or pairings; the report stays.
#[utoipa::path(
    tag = "spring-rain",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = EditionResponse),
        (status = 409, description = "`invalid_transition`: the edition is not open", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/editions/{id}/close")]
pub async fn close_edition(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_edition(state, user, id.into_inner(), EditionAction::Close).await
}

/// Enrol a pairing in an edition (the ministry); enrolling it again changes nothing.
#[utoipa::path(
    tag = "spring-rain",
    params(("id" = i64, Path)),
    request_body = EnrolPairingRequest,
    responses(
        (status = 200, body = EditionResponse),
        (status = 409, description = "`edition_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/editions/{id}/pairings")]
pub async fn enrol_pairing(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<EnrolPairingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let (edition, pairings) = service::write(&state.pool, move |c| {
        service::spring_rain::enrol_pairing(c, &user, id, req)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EditionResponse::new(edition, pairings)))
}

/// Season dispatch: propose one batch plan over the edition's open deployments (published,
/// places left) that the caller organises, through the dispatch plan engine. Review and
/// commit it at `/dispatch/plans/{id}`.
#[utoipa::path(
    tag = "spring-rain",
    params(("id" = i64, Path)),
    request_body = SeasonPlanRequest,
    responses(
        (status = 201, body = PlanResponse),
        (status = 409, description = "`edition_not_open`, or `no_open_deployments` in the caller's scope", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/editions/{id}/plans")]
pub async fn plan_season(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<SeasonPlanRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let policy = state.policy.ranking();
    let now = state.clock.now();
    // `run`, not `write`: the plan engine ranks first and opens its own write transaction.
    let row = service::run(&state.pool, move |c| {
        service::spring_rain::plan_season(c, &user, id, req, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/dispatch/plans/{}", row.id)))
        .json(PlanResponse::try_from(row)?))
}
