//! Editing a volunteer: `PATCH` of the plain fields (with `If-Match`), and `PUT` of the
//! profile parts (skills, languages, availability, preferred target groups).

use actix_web::{HttpRequest, HttpResponse, patch, put, web};

use super::{
    Availability, LanguageSkill, SkillLevel, VolunteerResponse, changed, language_claims,
    skill_claims,
};
use crate::auth::policy::Principal;
use crate::domain::Invalid;
use crate::domain::reference;
use crate::domain::volunteer::{check_languages, check_skills};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry::profile::{self, ProfilePart, UpdateVolunteerRequest};
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, if_match_version, stale};
use crate::state::AppState;

/// Update a volunteer's plain fields (bureau admins and coordinators in scope, or the volunteer).
#[utoipa::path(
    tag = "volunteers",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "ETag of the version you read")),
    request_body = UpdateVolunteerRequest,
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 412, description = "Stale version", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/volunteers/{id}")]
pub async fn update_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<UpdateVolunteerRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let version = if_match_version(&req)?;
    let body = body.into_inner();
    let cipher = state.cipher.clone();
    let today = state.clock.today();
    let updated = crate::service::write(&state.pool, move |c| {
        profile::update_volunteer(c, &user, id, version, body, &cipher, today)
    })
    .await?;
    let v = updated.map_err(|_stale| stale("volunteer"))?;
    Ok(changed(&state, v))
}

/// Replaces one profile part (scope check, write, version bump, audit) and answers with the
/// volunteer as the caller now sees it.
pub(super) async fn replace_part(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    part: ProfilePart,
) -> ApiResult<HttpResponse> {
    let v = crate::service::write(&state.pool, move |c| {
        profile::replace_part(c, &user, id, part)
    })
    .await?;
    Ok(changed(&state, v))
}

/// Replace the volunteer's skills (codes from the reference list, levels 1–3).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = Vec<SkillLevel>, responses((status = 200, body = VolunteerResponse)))]
#[put("/volunteers/{id}/skills")]
pub async fn put_skills(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<Vec<SkillLevel>>,
) -> ApiResult<HttpResponse> {
    let claims = skill_claims(&body);
    let mut problems = check_skills(&claims, "skills");
    if claims.is_empty() {
        problems.push(Invalid::new(
            "skills",
            "required",
            "at least one skill is required (REG-10)",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let id = id.into_inner();
    let rows: Vec<(String, i32)> = claims
        .into_iter()
        .map(|s| (s.code, i32::from(s.level)))
        .collect();
    replace_part(state, user, id, ProfilePart::Skills(rows)).await
}

/// Replace the volunteer's languages.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = Vec<LanguageSkill>, responses((status = 200, body = VolunteerResponse)))]
#[put("/volunteers/{id}/languages")]
pub async fn put_languages(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<Vec<LanguageSkill>>,
) -> ApiResult<HttpResponse> {
    let claims = language_claims(&body);
    let problems = check_languages(&claims, "languages");
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let id = id.into_inner();
    let rows: Vec<(String, String)> = claims
        .into_iter()
        .map(|l| (l.code, l.proficiency.as_str().to_string()))
        .collect();
    replace_part(state, user, id, ProfilePart::Languages(rows)).await
}

fn parse_hhmm(s: &str) -> Option<i32> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

/// Replace weekly availability windows and blackout dates.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = Availability, responses((status = 200, body = VolunteerResponse)))]
#[put("/volunteers/{id}/availability")]
pub async fn put_availability(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<Availability>,
) -> ApiResult<HttpResponse> {
    let fields: Vec<(String, String)> = (0..body.blackouts.len())
        .map(|i| (format!("blackouts[{i}].from"), format!("blackouts[{i}].to")))
        .collect();
    bounded_dates(
        body.blackouts
            .iter()
            .zip(&fields)
            .flat_map(|(b, (from, to))| [(from.as_str(), Some(b.from)), (to.as_str(), Some(b.to))]),
    )?;
    let mut problems = Vec::new();
    let mut windows = Vec::new();
    for (i, w) in body.weekly.iter().enumerate() {
        match (parse_hhmm(&w.start), parse_hhmm(&w.end)) {
            (Some(start), Some(end)) if (1..=7).contains(&w.weekday) && end > start => {
                windows.push((i32::from(w.weekday), start, end))
            }
            _ => problems.push(FieldError::new(
                format!("weekly[{i}]"),
                "invalid_window",
                "a window has weekday 1–7 and start < end as HH:MM",
            )),
        }
    }
    let mut blackouts = Vec::new();
    for (i, b) in body.blackouts.iter().enumerate() {
        if b.to < b.from {
            problems.push(FieldError::new(
                format!("blackouts[{i}]"),
                "invalid_range",
                "to must not be before from",
            ));
        }
        blackouts.push((b.from, b.to));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    let part = ProfilePart::Availability {
        weekly: windows,
        blackouts,
    };
    replace_part(state, user, id, part).await
}

/// Replace the target groups the volunteer prefers to serve.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = Vec<String>, responses((status = 200, body = VolunteerResponse)))]
#[put("/volunteers/{id}/target-groups")]
pub async fn put_target_groups(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<Vec<String>>,
) -> ApiResult<HttpResponse> {
    let mut groups = body.into_inner();
    groups.sort();
    groups.dedup();
    let problems: Vec<FieldError> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !reference::is_target_group(g))
        .map(|(i, g)| {
            FieldError::new(
                format!("[{i}]"),
                "unknown_target_group",
                format!("unknown target group {g:?}"),
            )
        })
        .collect();
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    replace_part(state, user, id, ProfilePart::TargetGroups(groups)).await
}
