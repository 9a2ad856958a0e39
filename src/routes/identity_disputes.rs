//! `/api/v1/identity-disputes`: anonymous registrations that gave an ID number registered
//! already (issue 13), for the bureau of the existing registration to decide. This is also
//! how a person contests a number someone else registered ("squatted").

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::identity_disputes::DisputeRow;
use crate::error::ApiResult;
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::identity_disputes::{self, DisputeDecisionRequest};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Upheld,
    Rejected,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityDisputeResponse {
    pub id: i64,
    /// The registration that holds the ID number.
    pub volunteer_id: i64,
    pub organization_id: i64,
    /// `self_registration` or `application`.
    pub channel: String,
    pub recruitment_id: Option<i64>,
    /// The claimant's name and mobile, masked; the bureau contacts the claimant to decide.
    pub claimant_name: String,
    pub claimant_mobile: String,
    /// `open`, `upheld` or `rejected`.
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<DisputeRow> for IdentityDisputeResponse {
    fn from(d: DisputeRow) -> Self {
        Self {
            id: d.id,
            volunteer_id: d.volunteer_id,
            organization_id: d.organization_id,
            channel: d.channel,
            recruitment_id: d.recruitment_id,
            claimant_name: d.claimant_name_masked,
            claimant_mobile: d.claimant_mobile_masked,
            status: d.status,
            decision_reason: d.decision_reason,
            decided_at: d.decided_at.map(|t| t.and_utc()),
            created_at: d.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeFilters {
    pub status: Option<DisputeStatus>,
}

/// Identity disputes about registrations in your subtree (bureau admins).
#[utoipa::path(
    tag = "volunteers",
    params(DisputeFilters, PageParams),
    responses((status = 200, body = Page<IdentityDisputeResponse>))
)]
#[get("/identity-disputes")]
pub async fn list_identity_disputes(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<DisputeFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let status = filters.status.map(status_str);
    let rows = crate::service::run(&state.pool, move |c| {
        identity_disputes::list_disputes(c, &user, status, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |d| d.id,
        IdentityDisputeResponse::from,
    )))
}

fn status_str(s: DisputeStatus) -> &'static str {
    match s {
        DisputeStatus::Open => "open",
        DisputeStatus::Upheld => "upheld",
        DisputeStatus::Rejected => "rejected",
    }
}

/// Decide an open identity dispute (bureau admins of the registration's subtree).
#[utoipa::path(
    tag = "volunteers",
    params(("id" = i64, Path)),
    request_body = DisputeDecisionRequest,
    responses(
        (status = 200, body = IdentityDisputeResponse),
        (status = 404, description = "No such dispute in your subtree", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_decided`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/identity-disputes/{id}/decision")]
pub async fn decide_identity_dispute(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: ValidatedJson<DisputeDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.0;
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        identity_disputes::decide_dispute(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(IdentityDisputeResponse::from(row)))
}
