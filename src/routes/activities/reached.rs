//! People an activity reached, per target group (ACT-11).

use actix_web::{HttpResponse, get, put, web};

use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::service;
use crate::service::activities::PeopleReached;
use crate::state::AppState;

/// Record the people an activity reached per target group, once it has started (replaces the
/// previous counts). The organiser only.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path)),
    request_body = PeopleReached,
    responses(
        (status = 200, body = PeopleReached),
        (status = 409, description = "`activity_not_open`: the activity has not started", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/activities/{id}/people-reached")]
pub async fn put_people_reached(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<PeopleReached>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let counts = service::write(&state.pool, move |c| {
        service::activities::record_people_reached(c, &user, id, req)
    })
    .await?;
    Ok(HttpResponse::Ok().json(counts))
}

/// The people an activity reached per target group.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = PeopleReached)))]
#[get("/activities/{id}/people-reached")]
pub async fn get_people_reached(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let counts = service::run(&state.pool, move |c| {
        service::activities::people_reached(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(counts))
}
