//! `POST /volunteers/{id}/{approve,suspend,reinstate,withdraw}`: the lifecycle, each step with
//! an optional reason (required to suspend) and an audit event.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{VolunteerResponse, etag, load_full, status_of};
use crate::auth::policy::{Action, Principal};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, audit::AuditEntry};
use crate::domain::volunteer::{StatusAction, VolunteerStatus};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry;
use crate::routes::common::extract;
use crate::service::reach::{Access, load_in_reach};
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
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if action == StatusAction::Suspend && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a suspension needs a reason",
        )]));
    }
    let permission = match action {
        StatusAction::Withdraw => Action::WithdrawVolunteer,
        _ => Action::ChangeVolunteerStatus,
    };
    let cipher = state.cipher.clone();
    let response = crate::service::write(&state.pool, move |c| {
        let row = load_in_reach::<VolunteerRow>(c, &user, id, Access::Act(permission))?;
        let from = status_of(&row);
        let to = from.after(action).ok_or_else(|| {
            let done = match action {
                StatusAction::Approve => "approved",
                StatusAction::Suspend => "suspended",
                StatusAction::Reinstate => "reinstated",
                StatusAction::Withdraw => "withdrawn",
            };
            ApiError::conflict(
                "invalid_transition",
                format!("a {} volunteer cannot be {done}", from.as_str()),
            )
        })?;
        match to {
            // The volunteer number is issued on the first activation.
            VolunteerStatus::Active => {
                registry::activate(c, &row, reason.as_deref())?;
            }
            _ => {
                db::volunteers::set_status(c, id, to.as_str(), reason.as_deref(), None)?;
            }
        }
        db::audit::record(
            c,
            AuditEntry::by(
                &user,
                &format!("volunteer.{}", action.as_str()),
                "volunteer",
            )
            .entity(id, &row.org_path)
            .detail(
                serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason }),
            ),
        )?;
        load_full(c, &cipher, id, Some(&user))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(response.version)))
        .json(response))
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
