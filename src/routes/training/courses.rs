//! Courses and their sessions: create, list, read.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{CourseResponse, SessionResponse};
use crate::auth::policy::Principal;
use crate::domain::training::CourseCategory;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::training::courses;
use crate::state::AppState;

pub use crate::service::training::courses::{CreateCourseRequest, CreateSessionRequest};

/// Create a course.
#[utoipa::path(tag = "training", request_body = CreateCourseRequest, responses((status = 201, body = CourseResponse), (status = 409, description = "Code taken", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let (req, now) = (body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        courses::create_course(c, &user, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/courses/{}", row.id)))
        .json(CourseResponse::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseFilters {
    pub category: Option<CourseCategory>,
}

/// Courses usable by the caller: its subtree's and those of the organisations above it
/// (national courses are usable everywhere).
#[utoipa::path(tag = "training", params(CourseFilters, PageParams), responses((status = 200, body = Page<CourseResponse>)))]
#[get("/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<CourseFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (window, category) = (page.window()?, filters.category);
    let rows = service::run(&state.pool, move |c| {
        courses::list_courses(c, &user, category, window.after_id, window.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        CourseResponse::from,
    )))
}

/// Read one course.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = CourseResponse)))]
#[get("/courses/{id}")]
pub async fn get_course(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| courses::get_course(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(CourseResponse::from(row)))
}

/// Schedule a session of a course.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), request_body = CreateSessionRequest, responses((status = 201, body = SessionResponse)))]
#[post("/courses/{id}/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<CreateSessionRequest>,
) -> ApiResult<HttpResponse> {
    let (course_id, req, now) = (id.into_inner(), body.into_inner(), state.clock.now());
    let row = service::write(&state.pool, move |c| {
        courses::create_session(c, &user, course_id, req, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/sessions/{}", row.id)))
        .json(SessionResponse::from(row)))
}

/// Sessions of a course within the caller's reach, soonest first.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Vec<SessionResponse>)))]
#[get("/courses/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let course_id = id.into_inner();
    let rows = service::run(&state.pool, move |c| {
        courses::list_sessions(c, &user, course_id)
    })
    .await?;
    let out: Vec<SessionResponse> = rows.into_iter().map(SessionResponse::from).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Read one session.
#[utoipa::path(tag = "training", params(("id" = i64, Path)), responses((status = 200, body = SessionResponse)))]
#[get("/sessions/{id}")]
pub async fn get_session(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| courses::get_session(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(SessionResponse::from(row)))
}
