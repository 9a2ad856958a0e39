//! `GET /api/v1/reference/...`: the fixed code lists clients build their forms from.
//! Public: a registration form needs them before anyone has logged in.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::reference;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct RegionResponse {
    /// GB/T 2260 province-level code (`660000` = XPCC, not in GB/T 2260).
    code: String,
    name: String,
    name_zh: String,
    /// `province`, `municipality`, `autonomous_region`, `sar` or `corps`.
    kind: String,
    land_border: bool,
    /// In the Spring Rain receiving set in force (SR-01: the policy file's
    /// `spring_rain.receiving_provinces`, by default the border and ethnic regions).
    spring_rain_receiving: bool,
    non_gb2260: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SkillResponse {
    code: String,
    family: String,
    name: String,
    name_zh: String,
}

#[derive(Serialize, ToSchema)]
pub struct LanguageResponse {
    /// ISO 639 code.
    code: String,
    name: String,
    name_zh: String,
    /// A minority language of China.
    minority: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TargetGroupResponse {
    code: String,
    name: String,
    name_zh: String,
    /// One of the notice's four focus groups.
    focus_group: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityFormResponse {
    code: String,
    name: String,
    name_zh: String,
    /// Allowed for Spring Rain deployments (stage, lecture hall, exhibition stand).
    spring_rain: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CourseCategoryResponse {
    code: String,
    name: String,
    name_zh: String,
}

fn ok<T: Serialize>(items: Vec<T>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .json(items)
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<RegionResponse>)))]
#[get("/regions")]
pub async fn list_regions(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::regions(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| RegionResponse {
            // The stored flag is the default set; the policy in force decides.
            spring_rain_receiving: state
                .policy
                .spring_rain
                .receives(r.code.get(..2).unwrap_or_default()),
            code: r.code,
            name: r.name,
            name_zh: r.name_zh,
            kind: r.kind,
            land_border: r.land_border,
            non_gb2260: r.non_gb2260,
        })
        .collect()))
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<SkillResponse>)))]
#[get("/skills")]
pub async fn list_skills(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::skills(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| SkillResponse {
            code: r.code,
            family: r.family,
            name: r.name,
            name_zh: r.name_zh,
        })
        .collect()))
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<LanguageResponse>)))]
#[get("/languages")]
pub async fn list_languages(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::languages(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| LanguageResponse {
            code: r.code,
            name: r.name,
            name_zh: r.name_zh,
            minority: r.flag,
        })
        .collect()))
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<TargetGroupResponse>)))]
#[get("/target-groups")]
pub async fn list_target_groups(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::target_groups(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| TargetGroupResponse {
            code: r.code,
            name: r.name,
            name_zh: r.name_zh,
            focus_group: r.flag,
        })
        .collect()))
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<ActivityFormResponse>)))]
#[get("/activity-forms")]
pub async fn list_activity_forms(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::activity_forms(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| ActivityFormResponse {
            code: r.code,
            name: r.name,
            name_zh: r.name_zh,
            spring_rain: r.flag,
        })
        .collect()))
}

#[utoipa::path(tag = "reference", security(()), responses((status = 200, body = Vec<CourseCategoryResponse>)))]
#[get("/course-categories")]
pub async fn list_course_categories(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let rows = crate::service::run(&state.pool, |c| Ok(reference::course_categories(c)?)).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| CourseCategoryResponse {
            code: r.code,
            name: r.name,
            name_zh: r.name_zh,
        })
        .collect()))
}
