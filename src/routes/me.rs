//! `GET /api/v1/me`: who the caller is.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::domain::role::Role;
use crate::error::ApiResult;
use crate::routes::common::organization::OrganizationResponse;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub organization: OrganizationResponse,
}

/// The authenticated caller and their organisation.
#[utoipa::path(tag = "auth", responses((status = 200, body = MeResponse)))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, user: Principal) -> ApiResult<HttpResponse> {
    let caller = user.clone();
    let org = crate::service::run(&state.pool, move |c| {
        crate::service::users::own_organization(c, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        user_id: user.user_id,
        username: user.username,
        role: user.role,
        organization: org.into(),
    }))
}
