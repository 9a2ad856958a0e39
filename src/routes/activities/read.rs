//! Reading activities: the list within reach and one by id.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ActivityResponse;
use crate::auth::policy::Principal;
use crate::domain::activity::ActivityStatus;
use crate::domain::eligibility::Programme;
use crate::error::ApiResult;
use crate::routes::common::extract::{bounded_dates, day_of, etag};
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::activities::ActivityQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilters {
    pub status: Option<ActivityStatus>,
    pub programme: Option<Programme>,
    /// Only activities starting at or after this instant.
    pub starts_after: Option<DateTime<Utc>>,
}

/// List activities: staff see their subtree; volunteers the published ones of their province.
#[utoipa::path(tag = "activities", params(ActivityFilters, PageParams), responses((status = 200, body = Page<ActivityResponse>)))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<ActivityFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let f = filters.into_inner();
    bounded_dates([("starts_after", day_of(f.starts_after))])?;
    let query = ActivityQuery {
        status: f.status,
        programme: f.programme,
        starts_after: f.starts_after,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = service::run(&state.pool, move |c| {
        service::activities::list_activities(c, &user, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |(a, _)| a.id,
        |(a, d)| ActivityResponse::with_details(a, d, &state.policy.spring_rain),
    )))
}

/// Read one activity.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse, headers(("ETag" = String)))))]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (row, details) = service::run(&state.pool, move |c| {
        service::activities::get_activity(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::with_details(
            row,
            details,
            &state.policy.spring_rain,
        )))
}
