//! `/api/v1/users`: staff accounts, created and disabled within the caller's subtree.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::password::Lane;
use crate::auth::policy::Principal;
use crate::db::users::UserFilter;
use crate::domain::role::Role;
use crate::error::ApiResult;
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::pagination::{Page, PageParams};
use crate::routes::common::user::UserResponse;
use crate::service::users::{self, NewAccount};
use crate::state::AppState;

#[derive(Deserialize, Validate, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    /// At least 10 characters, not a common password, not containing the username.
    pub password: String,
    /// `bureau_admin`, `coordinator` or `auditor`; `ministry_admin` only by a ministry admin.
    pub role: Role,
    pub organization_id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilters {
    pub role: Option<Role>,
    pub organization_id: Option<i64>,
}

/// List accounts in the caller's subtree.
#[utoipa::path(
    tag = "users",
    params(UserFilters, PageParams),
    responses((status = 200, body = Page<UserResponse>))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<UserFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let filter = UserFilter {
        subtree: None,
        role: filters.role.map(|r| r.as_str().to_string()),
        organization_id: filters.organization_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows =
        crate::service::run(&state.pool, move |c| users::list_users(c, &user, filter)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |r| r.id, UserResponse::from)))
}

/// Read one account in the caller's subtree.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path)),
    responses((status = 200, body = UserResponse))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::run(&state.pool, move |c| users::read_user(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(row)))
}

/// Create a staff account in an organisation of the caller's subtree.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 409, description = "Username taken", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    user: Principal,
    body: ValidatedJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let new = NewAccount {
        username: req.username,
        password: req.password,
        role: req.role,
        organization_id: req.organization_id,
    };
    let caller = user.clone();
    let (account, password) = crate::service::run(&state.pool, move |c| {
        Ok((users::check_new_account(c, &caller, &new)?, new.password))
    })
    .await?;
    // Staff act with a token: they share the login lane, out of reach of anonymous floods.
    let hash = state.passwords.hash(Lane::Login, password).await?;
    let row = crate::service::write(&state.pool, move |c| {
        users::create_account(c, &user, account, &hash)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", row.id)))
        .json(UserResponse::from(row)))
}

/// Disable an account in the caller's subtree. Its sessions end at once.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path)),
    responses((status = 200, body = UserResponse))
)]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row =
        crate::service::write(&state.pool, move |c| users::disable_user(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(row)))
}
