//! An activity's feedback link and QR code (the organiser's staff), and the public feedback
//! page behind it: give an opinion without an account, read the answers (FB-01, FB-02).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::error::{ApiError, ApiResult};
use crate::middleware::rate_limit::check_feedback;
use crate::middleware::request_id::RequestId;
use crate::routes::common::extract;
use crate::service;
use crate::service::voice::{
    FeedbackLink, FeedbackPage, FeedbackReceipt, PublicFeedback, ReceiptView,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackLinkResponse {
    #[serde(flatten)]
    pub link: FeedbackLink,
    /// The full public URL (what the QR code holds).
    pub url: String,
}

/// The public URL of `path` as this server is reached.
fn public_url(req: &HttpRequest, path: &str) -> String {
    let info = req.connection_info();
    format!("{}://{}{path}", info.scheme(), info.host())
}

async fn link_of(state: &web::Data<AppState>, user: Principal, id: i64) -> ApiResult<FeedbackLink> {
    let now = state.clock.now();
    service::write(&state.pool, move |c| {
        service::voice::feedback_link(c, &user, id, now)
    })
    .await
}

/// The activity's feedback link (made on first request): its token and public URL, for the
/// organiser's staff to print. Only a published activity has one.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), responses((status = 200, body = FeedbackLinkResponse), (status = 409, description = "`activity_not_open`: a draft or cancelled activity", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/activities/{id}/feedback-link")]
pub async fn get_feedback_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let link = link_of(&state, user, id.into_inner()).await?;
    let url = public_url(&req, &link.path);
    Ok(HttpResponse::Ok().json(FeedbackLinkResponse { link, url }))
}

/// The feedback link as a QR code (SVG) a site prints.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), responses((status = 200, description = "The QR code of the public feedback URL", content_type = "image/svg+xml", body = String)))]
#[get("/activities/{id}/feedback-qr")]
pub async fn get_feedback_qr(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let link = link_of(&state, user, id.into_inner()).await?;
    let url = public_url(&req, &link.path);
    let code = QrCode::new(url.as_bytes()).map_err(ApiError::internal)?;
    let image = code.render::<svg::Color>().min_dimensions(256, 256).build();
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(image))
}

/// Give an opinion on an activity through its feedback link, without an account (FB-01):
/// from the activity's start until the configured days after its end. Rate-limited per client
/// and per link. Keep the receipt code to read the answer.
#[utoipa::path(tag = "voice", security(()), params(("token" = String, Path)), request_body = PublicFeedback, responses(
    (status = 201, body = FeedbackReceipt),
    (status = 409, description = "`feedback_not_open` / `feedback_closed` (FB-01), or `activity_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many opinions from this client or on this link; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/feedback/{token}")]
pub async fn submit_feedback(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    request_id: RequestId,
    body: extract::Json<PublicFeedback>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    check_feedback(&req, &state, &token).await?;
    let (cmd, now, policy, cipher) = (
        body.into_inner(),
        state.clock.now(),
        state.policy.clone(),
        state.cipher.clone(),
    );
    let receipt = service::write(&state.pool, move |c| {
        service::voice::submit_feedback(
            c,
            &cipher,
            &policy.feedback,
            &token,
            cmd,
            &request_id.0,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// The public feedback page: the activity, whether it takes opinions now, and the written
/// answers to issues whose authors left no contact.
#[utoipa::path(tag = "voice", security(()), params(("token" = String, Path)), responses((status = 200, body = FeedbackPage)))]
#[get("/feedback/{token}")]
pub async fn get_feedback_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (token, now, policy) = (token.into_inner(), state.clock.now(), state.policy.clone());
    let page = service::run(&state.pool, move |c| {
        service::voice::feedback_page(c, &policy.feedback, &token, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One's own opinion and its written answer, by the receipt code given on submission.
#[utoipa::path(tag = "voice", security(()), params(("code" = String, Path)), responses((status = 200, body = ReceiptView)))]
#[get("/feedback/receipts/{code}")]
pub async fn get_feedback_receipt(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = code.into_inner();
    let view = service::run(&state.pool, move |c| service::voice::receipt(c, &code)).await?;
    Ok(HttpResponse::Ok().json(view))
}
