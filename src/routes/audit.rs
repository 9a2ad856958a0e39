//! `GET /api/v1/audit-events`: the audit log, for admins and auditors within their subtree.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::audit::{AuditFilter, AuditRow};
use crate::error::ApiResult;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::users;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AuditEventResponse {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    /// What happened, e.g. `user.create`, `volunteer.reveal_id_number`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    /// Redacted facts about the change (never personal data).
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

impl From<AuditRow> for AuditEventResponse {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            actor_user_id: r.actor_user_id,
            actor_role: r.actor_role,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            request_id: r.request_id,
            detail: r.detail.and_then(|d| serde_json::from_str(&d).ok()),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilters {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
}

/// List audit events about objects in the caller's subtree, oldest first.
#[utoipa::path(
    tag = "audit",
    params(AuditFilters, PageParams),
    responses((status = 200, body = Page<AuditEventResponse>))
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<AuditFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let f = filters.into_inner();
    let filter = AuditFilter {
        subtree: None,
        entity_type: f.entity_type,
        entity_id: f.entity_id,
        action: f.action,
        actor_user_id: f.actor_user_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows =
        crate::service::run(&state.pool, move |c| users::audit_events(c, &user, filter)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        AuditEventResponse::from,
    )))
}
