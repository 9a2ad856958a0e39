//! The activity lifecycle: publish, start, complete, cancel.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::ActivityResponse;
use crate::auth::policy::Principal;
use crate::domain::activity::ActivityAction;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::extract::etag;
use crate::service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LifecycleRequest {
    /// Required to cancel; volunteers are told.
    pub reason: Option<String>,
}

async fn move_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: ActivityAction,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let policy = state.policy.clone();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::dispatch::move_activity(c, &user, id, action, reason, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::new(row, &state.policy.spring_rain)))
}

/// Publish a draft (ACT-01: content, schedule, location, requirements and a risk disclosure;
/// ACT-02: no fee; ACT-05: special skills name their training).
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse), (status = 422, description = "`not_publishable`, with each missing item", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/activities/{id}/publish")]
pub async fn publish_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Publish, None).await
}

/// Start a published activity (ACT-08: every confirmed volunteer insured when risky).
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/start")]
pub async fn start_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Start, None).await
}

/// Complete an activity in progress.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/complete")]
pub async fn complete_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Complete, None).await
}

/// Cancel an activity: live assignments are cancelled and their volunteers notified.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), request_body = LifecycleRequest, responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<LifecycleRequest>>,
) -> ApiResult<HttpResponse> {
    move_activity(
        state,
        user,
        id.into_inner(),
        ActivityAction::Cancel,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}
