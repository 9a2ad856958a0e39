//! Pairings (SR-03): the ministry creates them; staff read them.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::PairingResponse;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::spring_rain::CreatePairingRequest;
use crate::state::AppState;

/// Create a pairing (the ministry). SR-01 refusals name the rule: a receiving region outside
/// the configured set, a sender equal to the receiver, a land-border sender without
/// `intra_border_override` and an `override_reason`.
#[utoipa::path(
    tag = "spring-rain",
    request_body = CreatePairingRequest,
    responses(
        (status = 201, body = PairingResponse),
        (status = 409, description = "`pairing_exists`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spring-rain/pairings")]
pub async fn create_pairing(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreatePairingRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let policy = state.policy.spring_rain.clone();
    let row = service::write(&state.pool, move |c| {
        service::spring_rain::create_pairing(c, &user, req, &policy)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/spring-rain/pairings/{}", row.id),
        ))
        .json(PairingResponse::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PairingFilters {
    /// Only pairings this province sends or receives (`330000` or `33`).
    pub province: Option<String>,
}

/// List pairings (every staff member), by id.
#[utoipa::path(tag = "spring-rain", params(PairingFilters, PageParams), responses((status = 200, body = Page<PairingResponse>)))]
#[get("/spring-rain/pairings")]
pub async fn list_pairings(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<PairingFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let province = filters.into_inner().province;
    let rows = service::run(&state.pool, move |c| {
        service::spring_rain::list_pairings(c, &user, province, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        PairingResponse::from,
    )))
}

/// Read one pairing.
#[utoipa::path(tag = "spring-rain", params(("id" = i64, Path)), responses((status = 200, body = PairingResponse)))]
#[get("/spring-rain/pairings/{id}")]
pub async fn get_pairing(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| {
        service::spring_rain::get_pairing(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PairingResponse::from(row)))
}
