//! Opinions as staff handle them: recorded from home visits, interviews and symposiums, listed
//! (with the `overdue` filter for unanswered issues past due), read, and answered (FB-02).

use actix_web::{HttpResponse, get, post, web};

use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::voice::{AnswerRequest, Opinion, OpinionQuery, StaffOpinion};
use crate::state::AppState;

/// Record opinions heard on a home visit, an interview or a symposium for an activity (the
/// organiser's staff). A rating of 2 or less, or `is_issue`, makes it an issue that needs a
/// written answer by the configured day (FB-02).
#[utoipa::path(tag = "voice", request_body = StaffOpinion, responses((status = 201, body = Opinion)))]
#[post("/opinions")]
pub async fn record_opinion(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<StaffOpinion>,
) -> ApiResult<HttpResponse> {
    let (req, now, policy) = (body.into_inner(), state.clock.now(), state.policy.clone());
    let opinion = service::write(&state.pool, move |c| {
        service::voice::record_opinion(c, &user, &policy.feedback, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/opinions/{}", opinion.id)))
        .json(opinion))
}

/// Opinions in the caller's subtree (a supervising organisation sees its children's);
/// `overdue=true`: issues without a written answer past their due day.
#[utoipa::path(tag = "voice", params(OpinionQuery, PageParams), responses((status = 200, body = Page<Opinion>)))]
#[get("/opinions")]
pub async fn list_opinions(
    state: web::Data<AppState>,
    user: Principal,
    query: web::Query<OpinionQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let (q, now) = (query.into_inner(), state.clock.now());
    let rows = service::run(&state.pool, move |c| {
        service::voice::list_opinions(c, &user, &q, window.after_id, window.limit, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |o| o.id, |o| o)))
}

/// One opinion; the organiser's staff also get the contact left for the reply (audited).
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), responses((status = 200, body = Opinion)))]
#[get("/opinions/{id}")]
pub async fn get_opinion(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, now, cipher) = (id.into_inner(), state.clock.now(), state.cipher.clone());
    let opinion = service::run(&state.pool, move |c| {
        service::voice::get_opinion(c, &user, &cipher, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(opinion))
}

/// The responsible organisation's written answer to an issue (FB-02), once. A person who left
/// no contact reads it on the feedback page and under their receipt code.
#[utoipa::path(tag = "voice", params(("id" = i64, Path)), request_body = AnswerRequest, responses(
    (status = 200, body = Opinion),
    (status = 409, description = "`not_an_issue` or `already_answered`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/opinions/{id}/answer")]
pub async fn answer_opinion(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let opinion = service::write(&state.pool, move |c| {
        service::voice::answer_opinion(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(opinion))
}
