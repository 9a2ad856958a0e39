//! `/api/v1/users`: staff accounts, created and disabled within the caller's subtree.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::password::{self, Lane};
use crate::auth::policy::{Action, Principal};
use crate::db::{self, audit::AuditEntry, users::NewUser, users::UserFilter, users::UserRow};
use crate::domain::account::Username;
use crate::domain::organization::OrgKind;
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub organization_id: i64,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for UserResponse {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            username: r.username,
            role: Role::parse(&r.role).unwrap_or(Role::Volunteer),
            organization_id: r.organization_id,
            disabled: r.disabled,
            created_at: r.created_at.and_utc(),
            disabled_at: r.disabled_at.map(|t| t.and_utc()),
        }
    }
}

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
    let scope = user.require(Action::ReadUsers)?;
    let window = page.window()?;
    let filter = UserFilter {
        subtree: scope.org_path_prefix().map(String::from),
        role: filters.role.map(|r| r.as_str().to_string()),
        organization_id: filters.organization_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = crate::service::run(&state.pool, move |c| Ok(db::users::list(c, &filter)?)).await?;
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
    let visible = user.scope_for(Action::ReadUsers);
    let row = crate::service::run(&state.pool, move |c| Ok(db::users::find(c, id)?))
        .await?
        .filter(|u| {
            u.id == user.user_id || visible.as_ref().is_some_and(|s| s.contains(&u.org_path))
        })
        .ok_or_else(|| ApiError::not_found("user"))?;
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
    let scope = match req.role {
        Role::MinistryAdmin => user.require(Action::CreateMinistryAdmin)?,
        Role::Volunteer => {
            user.require(Action::CreateStaffUser)?;
            return Err(ApiError::validation(vec![FieldError::new(
                "role",
                "role_not_allowed",
                "volunteer accounts are created by volunteer registration",
            )]));
        }
        _ => user.require(Action::CreateStaffUser)?,
    };
    let username = Username::parse(&req.username).map_err(|m| {
        ApiError::validation(vec![FieldError::new("username", "invalid_format", m)])
    })?;
    let problems = password::check_policy(&req.password, username.as_str());
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let org_id = req.organization_id;
    let org = crate::service::run(&state.pool, move |c| {
        Ok(db::organizations::find(c, org_id)?)
    })
    .await?
    .filter(|o| scope.contains(&o.path))
    .ok_or_else(|| ApiError::not_found("organization"))?;
    if req.role == Role::MinistryAdmin && org.kind != OrgKind::Ministry.as_str() {
        return Err(ApiError::validation(vec![FieldError::new(
            "organization_id",
            "role_not_allowed_here",
            "ministry admins belong to the ministry",
        )]));
    }
    // Staff act with a token: they share the login lane, out of reach of anonymous floods.
    let hash = state.passwords.hash(Lane::Login, req.password).await?;
    let role = req.role;
    let row = crate::service::write(&state.pool, move |c| {
        if db::users::find_by_username(c, username.as_str())?.is_some() {
            return Err(ApiError::conflict(
                "username_taken",
                "this username is already in use",
            ));
        }
        let row = db::users::insert(
            c,
            &NewUser {
                username: username.as_str(),
                password_hash: Some(&hash),
                role: role.as_str(),
                organization_id: org.id,
                org_path: &org.path,
                volunteer_id: None,
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "user.create", "user")
                .entity(row.id, &row.org_path)
                .detail(serde_json::json!({ "role": role.as_str(), "organization_id": org.id })),
        )?;
        Ok(row)
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
    let visible = user.scope_for(Action::ReadUsers);
    let may_disable = user.scope_for(Action::DisableUser);
    let row = crate::service::write(&state.pool, move |c| {
        let target = db::users::find(c, id)?
            .filter(|u| visible.as_ref().is_some_and(|s| s.contains(&u.org_path)))
            .ok_or_else(|| ApiError::not_found("user"))?;
        if !may_disable.is_some_and(|s| s.contains(&target.org_path)) {
            return Err(ApiError::forbidden("your role may not disable accounts"));
        }
        if target.id == user.user_id {
            return Err(ApiError::rule(
                "cannot_disable_self",
                "you cannot disable your own account",
            ));
        }
        let row = db::users::disable(c, target.id)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "user.disable", "user").entity(row.id, &row.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(row)))
}
