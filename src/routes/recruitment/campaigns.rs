//! Campaigns: create, list, read, open, close.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::RecruitmentResponse;
use crate::auth::policy::Principal;
use crate::domain::recruitment::RecruitmentStatus;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::recruitment::campaigns::{self, CampaignQuery};
use crate::state::AppState;

pub use crate::service::recruitment::campaigns::CreateRecruitmentRequest;

/// Create a recruitment campaign.
#[utoipa::path(tag = "recruitment", request_body = CreateRecruitmentRequest, responses((status = 201, body = RecruitmentResponse)))]
#[post("/recruitments")]
pub async fn create_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateRecruitmentRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let campaign = service::write(&state.pool, move |c| {
        campaigns::create_campaign(c, &user, req, now)
    })
    .await?;
    let response = RecruitmentResponse::from(campaign);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/recruitments/{}", response.id)))
        .json(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecruitmentFilters {
    pub status: Option<RecruitmentStatus>,
    pub organization_id: Option<i64>,
}

/// List campaigns: your subtree's and those above you (staff), or the open ones (volunteers).
#[utoipa::path(tag = "recruitment", params(RecruitmentFilters, PageParams), responses((status = 200, body = Page<RecruitmentResponse>)))]
#[get("/recruitments")]
pub async fn list_recruitments(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<RecruitmentFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let query = CampaignQuery {
        status: filters.status,
        organization_id: filters.organization_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let (rows, counts) = service::run(&state.pool, move |c| {
        campaigns::list_campaigns(c, &user, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        |r| RecruitmentResponse::of(r, &counts),
    )))
}

/// Read one campaign.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse)))]
#[get("/recruitments/{id}")]
pub async fn get_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let campaign =
        service::run(&state.pool, move |c| campaigns::get_campaign(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(RecruitmentResponse::from(campaign)))
}

async fn move_campaign(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    to: RecruitmentStatus,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let campaign = service::write(&state.pool, move |c| {
        campaigns::move_campaign(c, &user, id, to, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecruitmentResponse::from(campaign)))
}

/// Open a draft campaign for applications (within its window).
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse), (status = 409, description = "Not a draft", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/recruitments/{id}/open")]
pub async fn open_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_campaign(state, user, id.into_inner(), RecruitmentStatus::Open).await
}

/// Close a campaign: no further applications.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse), (status = 409, description = "Already closed", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/recruitments/{id}/close")]
pub async fn close_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_campaign(state, user, id.into_inner(), RecruitmentStatus::Closed).await
}
