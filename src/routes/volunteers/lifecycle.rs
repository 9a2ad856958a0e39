//! `POST /volunteers/{id}/{approve,suspend,reinstate,withdraw}`: the lifecycle, each step with
//! an optional reason (required to suspend) and an audit event.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{VolunteerResponse, changed};
use crate::auth::policy::Principal;
use crate::domain::volunteer::StatusAction;
use crate::error::ApiResult;
use crate::registry::edit;
use crate::routes::common::extract;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct StatusChangeRequest {
    /// Why; required to suspend, shown to the volunteer.
    pub reason: Option<String>,
}

async fn change_status(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: StatusAction,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let v = crate::service::write(&state.pool, move |c| {
        edit::change_status(c, &user, id, action, reason, now)
    })
    .await?;
    Ok(changed(&state, v))
}

/// Approve a pending (self-registered) volunteer; issues the volunteer number.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body(content = StatusChangeRequest, description = "Optional reason"), responses((status = 200, body = VolunteerResponse), (status = 409, description = "Not pending", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/approve")]
pub async fn approve_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<StatusChangeRequest>>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user,
        id.into_inner(),
        StatusAction::Approve,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}

/// Suspend an active volunteer (reason required).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = StatusChangeRequest, responses((status = 200, body = VolunteerResponse), (status = 409, description = "Not active", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/suspend")]
pub async fn suspend_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<StatusChangeRequest>>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user,
        id.into_inner(),
        StatusAction::Suspend,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}

/// Reinstate a suspended volunteer.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body(content = StatusChangeRequest, description = "Optional reason"), responses((status = 200, body = VolunteerResponse), (status = 409, description = "Not suspended", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/reinstate")]
pub async fn reinstate_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<StatusChangeRequest>>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user,
        id.into_inner(),
        StatusAction::Reinstate,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}

/// Withdraw a volunteer (staff in scope, or the volunteer). The number is never reused.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body(content = StatusChangeRequest, description = "Optional reason"), responses((status = 200, body = VolunteerResponse), (status = 409, description = "Already withdrawn", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/withdraw")]
pub async fn withdraw_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<StatusChangeRequest>>,
) -> ApiResult<HttpResponse> {
    change_status(
        state,
        user,
        id.into_inner(),
        StatusAction::Withdraw,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}
