//! PI-02: privacy notices (`/privacy-notices`, the ministry drafts and publishes) and each
//! volunteer's consent history (`/volunteers/{id}/privacy-consents`).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::db::privacy::NoticeRow;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service::privacy::{self, ConsentState, DecidedBy, NoticeCommand};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeResponse {
    pub id: i64,
    pub version: String,
    /// `registration` or `matching`.
    pub purpose: String,
    /// Every volunteer must consent again before further processing for this purpose.
    pub fresh_consent_required: bool,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    /// `null` while a draft.
    pub published_at: Option<DateTime<Utc>>,
}

impl From<NoticeRow> for NoticeResponse {
    fn from(n: NoticeRow) -> Self {
        Self {
            id: n.id,
            version: n.version,
            purpose: n.purpose,
            fresh_consent_required: n.fresh_consent_required,
            summary: n.summary,
            created_at: n.created_at.and_utc(),
            published_at: n.published_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentEventResponse {
    /// `given` or `withdrawn`.
    pub event: String,
    /// The notice consented to (`given` only).
    pub notice_id: Option<i64>,
    /// `volunteer` or `guardian`.
    pub given_by: String,
    pub recorded_by: i64,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentStateResponse {
    /// Set while consent is withdrawn: the volunteer is in no candidate pool.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Published notices asking for fresh consent the volunteer has not given yet; until they
    /// do, no processing for that purpose (for `matching`: no candidate pool).
    pub pending_notices: Vec<NoticeResponse>,
    /// Every consent and withdrawal, oldest first.
    pub history: Vec<ConsentEventResponse>,
}

impl From<ConsentState> for ConsentStateResponse {
    fn from(s: ConsentState) -> Self {
        Self {
            withdrawn_at: s.withdrawn_at.map(|t| t.and_utc()),
            pending_notices: s.pending.into_iter().map(Into::into).collect(),
            history: s
                .history
                .into_iter()
                .map(|e| ConsentEventResponse {
                    event: e.event,
                    notice_id: e.notice_id,
                    given_by: e.given_by,
                    recorded_by: e.recorded_by,
                    occurred_at: e.occurred_at.and_utc(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GiveConsentRequest {
    pub notice_version: String,
    /// `volunteer` (default) or `guardian` (a minor's guardian, recorded by staff).
    #[serde(default = "volunteer")]
    pub given_by: DecidedBy,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct WithdrawConsentRequest {
    /// `volunteer` (default) or `guardian`.
    pub given_by: Option<DecidedBy>,
}

fn volunteer() -> DecidedBy {
    DecidedBy::Volunteer
}

/// Privacy notices: published ones for everyone signed in, drafts too for the ministry.
#[utoipa::path(tag = "privacy", responses((status = 200, body = Vec<NoticeResponse>)))]
#[get("/privacy-notices")]
pub async fn list_notices(state: web::Data<AppState>, user: Principal) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, move |c| privacy::list_notices(c, &user)).await?;
    let body: Vec<NoticeResponse> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Draft a privacy notice (ministry admins).
#[utoipa::path(tag = "privacy", request_body = NoticeCommand, responses((status = 201, body = NoticeResponse), (status = 409, description = "Version taken", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/privacy-notices")]
pub async fn create_notice(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<NoticeCommand>,
) -> ApiResult<HttpResponse> {
    let cmd = body.into_inner();
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        privacy::create_notice(c, &user, cmd, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(NoticeResponse::from(row)))
}

/// Publish a drafted notice (ministry admins). One asking for fresh consent takes every
/// volunteer who has not consented to it out of that purpose's processing.
#[utoipa::path(tag = "privacy", params(("id" = i64, Path)), responses((status = 200, body = NoticeResponse), (status = 409, description = "Published already", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/privacy-notices/{id}/publish")]
pub async fn publish_notice(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let row = crate::service::write(&state.pool, move |c| {
        privacy::publish_notice(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(NoticeResponse::from(row)))
}

/// A volunteer's consent state and history.
#[utoipa::path(tag = "privacy", params(("id" = i64, Path)), responses((status = 200, body = ConsentStateResponse)))]
#[get("/volunteers/{id}/privacy-consents")]
pub async fn consent_state(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let s = crate::service::run(&state.pool, move |c| privacy::consent_state(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(ConsentStateResponse::from(s)))
}

/// Consent to a published notice (the volunteer, or staff in scope recording it).
#[utoipa::path(tag = "privacy", params(("id" = i64, Path)), request_body = GiveConsentRequest, responses((status = 200, body = ConsentStateResponse), (status = 422, description = "No such published notice", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/volunteers/{id}/privacy-consents")]
pub async fn give_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<GiveConsentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let now = state.clock.now();
    let s = crate::service::write(&state.pool, move |c| {
        privacy::give_consent(c, &user, id, &req.notice_version, req.given_by, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConsentStateResponse::from(s)))
}

/// Withdraw consent (the volunteer, or staff for a guardian): the volunteer leaves every
/// candidate pool; records and issued certificates stay. Audited.
#[utoipa::path(tag = "privacy", params(("id" = i64, Path)), request_body(content = WithdrawConsentRequest, description = "Optional"), responses((status = 200, body = ConsentStateResponse)))]
#[post("/volunteers/{id}/privacy-consents/withdraw")]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<WithdrawConsentRequest>>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let by = body
        .and_then(|b| b.into_inner().given_by)
        .unwrap_or(DecidedBy::Volunteer);
    let now = state.clock.now();
    let s = crate::service::write(&state.pool, move |c| {
        privacy::withdraw_consent(c, &user, id, by, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConsentStateResponse::from(s)))
}
