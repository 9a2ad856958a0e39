//! Creating and editing activities.

use actix_web::{HttpRequest, HttpResponse, patch, post, web};

use super::ActivityResponse;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::extract::{etag, if_match_version, stale};
use crate::service;
use crate::service::activities::ActivityRequest;
use crate::state::AppState;

/// Create an activity (as a draft) at one of the caller's sites.
#[utoipa::path(tag = "activities", request_body = ActivityRequest, responses((status = 201, body = ActivityResponse)))]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let policy = state.policy.clone();
    let (row, details) = service::write(&state.pool, move |c| {
        service::activities::create_activity(c, &user, req, &policy)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/activities/{}", row.id)))
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::with_details(
            row,
            details,
            &state.policy.spring_rain,
        )))
}

/// Edit an activity (`If-Match` required). Published activities stay publishable.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path), ("If-Match" = String, Header)),
    request_body = ActivityRequest,
    responses((status = 200, body = ActivityResponse), (status = 412, description = "Stale version", body = crate::error::Problem, content_type = "application/problem+json"))
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let version = if_match_version(&req)?;
    let body = body.into_inner();
    let policy = state.policy.clone();
    let (row, details) = service::write(&state.pool, move |c| {
        service::activities::update_activity(c, &user, id, version, body, &policy)
    })
    .await?
    .ok_or_else(|| stale("activity"))?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::with_details(
            row,
            details,
            &state.policy.spring_rain,
        )))
}
