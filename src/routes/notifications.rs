//! `GET /api/v1/me/notifications`: the caller's outbox, and marking items read.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::notifications::NotificationRow;
use crate::error::ApiResult;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::notifications;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    /// e.g. `application_accepted`, `enrolled`, `certificate_expiring`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationResponse {
    fn from(n: NotificationRow) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            entity_type: n.entity_type,
            entity_id: n.entity_id,
            created_at: n.created_at.and_utc(),
            read_at: n.read_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilters {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// Your notifications, oldest first.
#[utoipa::path(tag = "notifications", params(NotificationFilters, PageParams), responses((status = 200, body = Page<NotificationResponse>)))]
#[get("/me/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<NotificationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let unread = filters.unread;
    let rows = crate::service::run(&state.pool, move |c| {
        notifications::my_notifications(c, &user, unread, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |n| n.id,
        NotificationResponse::from,
    )))
}

/// Mark one of your notifications read.
#[utoipa::path(tag = "notifications", params(("id" = i64, Path)), responses((status = 204, description = "Marked read")))]
#[post("/me/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    crate::service::run(&state.pool, move |c| notifications::mark_read(c, &user, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
