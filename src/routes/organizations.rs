//! `/api/v1/organizations`: the organisation tree, read and grown within the caller's scope.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::policy::Principal;
use crate::db::organizations::OrgFilter;
use crate::domain::organization::OrgKind;
use crate::error::ApiResult;
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::organization::OrganizationResponse;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::organizations::{self, CreateOrganizationRequest};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationFilters {
    pub kind: Option<OrgKind>,
    pub region_code: Option<String>,
    pub parent_id: Option<i64>,
}

/// List the organisations in the caller's subtree.
#[utoipa::path(
    tag = "organizations",
    params(OrganizationFilters, PageParams),
    responses((status = 200, body = Page<OrganizationResponse>))
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<OrganizationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let filters = filters.into_inner();
    let filter = OrgFilter {
        subtree: None,
        kind: filters.kind.map(|k| k.as_str().to_string()),
        region_code: filters.region_code,
        parent_id: filters.parent_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = crate::service::run(&state.pool, move |c| {
        organizations::list_organizations(c, &user, filter)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        OrganizationResponse::from,
    )))
}

/// Read one organisation: anything in the caller's subtree, and the caller's ancestors.
#[utoipa::path(
    tag = "organizations",
    params(("id" = i64, Path)),
    responses((status = 200, body = OrganizationResponse))
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (row, view) = crate::service::run(&state.pool, move |c| {
        organizations::read_organization(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrganizationResponse::from(row).seen_as(view)))
}

/// Create an organisation below one in the caller's subtree.
#[utoipa::path(
    tag = "organizations",
    request_body = CreateOrganizationRequest,
    responses((status = 201, body = OrganizationResponse))
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    user: Principal,
    body: ValidatedJson<CreateOrganizationRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let row = crate::service::write(&state.pool, move |c| {
        organizations::create_organization(c, &user, req)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", row.id)))
        .json(OrganizationResponse::from(row)))
}
