//! `/api/v1/identity-disputes`: anonymous registrations that gave an ID number registered
//! already (issue 13), for the bureau of the existing registration to decide. This is also
//! how a person contests a number someone else registered ("squatted").

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::policy::{Action, Principal};
use crate::db::{self, audit::AuditEntry, identity_disputes::DisputeRow};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult};
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::pagination::{Page, PageParams};
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
    let scope = user.require(Action::ResolveIdentityDisputes)?;
    let window = page.window()?;
    let status = filters.status.map(status_str);
    let rows = crate::service::run(&state.pool, move |c| {
        Ok(db::identity_disputes::list(
            c,
            scope.org_path_prefix(),
            status,
            window.after_id,
            window.limit,
        )?)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The claimant is the rightful holder: the existing registration is suspended and its ID
    /// number released, so the bureau can register the claimant.
    Upheld,
    /// The existing registration stands.
    Rejected,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct DisputeDecisionRequest {
    pub outcome: DisputeOutcome,
    /// Why; kept with the decision and, when upheld, as the suspension reason.
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
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
    let scope = user.require(Action::ResolveIdentityDisputes)?;
    let id = id.into_inner();
    let DisputeDecisionRequest { outcome, reason } = body.0;
    let row = crate::service::write(&state.pool, move |c| {
        let dispute = db::identity_disputes::find(c, id)?
            .filter(|d| scope.contains(&d.org_path))
            .ok_or_else(|| ApiError::not_found("identity dispute"))?;
        let status = match outcome {
            DisputeOutcome::Upheld => "upheld",
            DisputeOutcome::Rejected => "rejected",
        };
        if !db::identity_disputes::decide(c, id, status, &reason, user.user_id)? {
            return Err(ApiError::conflict(
                "already_decided",
                "this identity dispute has been decided already",
            ));
        }
        if outcome == DisputeOutcome::Upheld {
            suspend_registration(c, dispute.volunteer_id, &reason)?;
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "identity_dispute.decide", "identity_dispute")
                .entity(id, &dispute.org_path)
                .detail(serde_json::json!({
                    "outcome": status,
                    "volunteer_id": dispute.volunteer_id,
                    "reason": reason,
                })),
        )?;
        db::identity_disputes::find(c, id)?
            .ok_or_else(|| ApiError::internal("decided dispute vanished"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(IdentityDisputeResponse::from(row)))
}

/// An upheld dispute: the registration was not its holder's. It is suspended with the
/// decision's reason (records stay, as for any suspension) and its ID number is released.
fn suspend_registration(c: &mut db::DbConn, volunteer_id: i64, reason: &str) -> ApiResult<()> {
    let suspended = VolunteerStatus::Suspended.as_str();
    db::volunteers::set_status(
        c,
        volunteer_id,
        suspended,
        Some(&format!("identity dispute upheld: {reason}")),
        None,
    )?;
    db::volunteers::release_id_number(c, volunteer_id)?;
    Ok(())
}
