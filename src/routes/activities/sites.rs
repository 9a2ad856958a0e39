//! `/api/v1/sites`: registering and listing service sites.

use actix_web::{HttpResponse, get, post, web};

use super::SiteResponse;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::activities::CreateSiteRequest;
use crate::state::AppState;

/// Register a service site.
#[utoipa::path(tag = "activities", request_body = CreateSiteRequest, responses((status = 201, body = SiteResponse)))]
#[post("/sites")]
pub async fn create_site(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateSiteRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::activities::create_site(c, &user, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/sites/{}", row.id)))
        .json(SiteResponse::from(row)))
}

/// Sites in the caller's subtree.
#[utoipa::path(tag = "activities", params(PageParams), responses((status = 200, body = Page<SiteResponse>)))]
#[get("/sites")]
pub async fn list_sites(
    state: web::Data<AppState>,
    user: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let rows = service::run(&state.pool, move |c| {
        service::activities::list_sites(c, &user, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |r| r.id, SiteResponse::from)))
}
