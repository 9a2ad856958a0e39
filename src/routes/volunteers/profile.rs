//! Editing a volunteer: `PATCH` of the plain fields (with `If-Match`), and `PUT` of the
//! profile parts (skills, languages, availability, preferred target groups). A PATCH never
//! touches status, organisation, number or derived fields (no mass assignment).

use actix_web::{HttpRequest, HttpResponse, patch, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    Availability, LanguageSkill, SkillLevel, VolunteerResponse, etag, language_claims, load_full,
    skill_claims,
};
use crate::auth::policy::{Action, Principal};
use crate::db::volunteers::VolunteerChanges;
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::identity::{Mobile, mask_name};
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::domain::volunteer::{check_languages, check_skills, parse_email, parse_name};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, if_match_version, stale};
use crate::service::reach::{Access, load_in_reach};
use crate::state::AppState;

/// Fields a PATCH may change; any other field (status, organisation…) is refused with 422.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVolunteerRequest {
    pub name: Option<String>,
    pub mobile: Option<String>,
    /// `null` removes the e-mail address.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub home_region_code: Option<String>,
    /// 1 light … 3 strenuous: the most demanding activities the volunteer can take on.
    pub fitness_level: Option<i32>,
    /// Most minutes of service a week; `null` for no cap.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub weekly_hour_cap_minutes: Option<Option<i32>>,
    /// 16–17-year-olds living on their own income count as adults (MIN-01).
    pub own_income: Option<bool>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

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
    // The name is printed on sealed certificates and `own_income` decides adulthood for
    // MIN-01: a volunteer changes them through a personal-data request, which staff check.
    if user.volunteer_id.is_some() && (body.name.is_some() || body.own_income.is_some()) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "identity_change_by_request",
            "your name and own-income status change through a correction request \
             (POST /api/v1/volunteers/{id}/personal-data-requests); you may edit your contact details",
        ));
    }
    let mut problems: Vec<Invalid> = Vec::new();
    let mut changes = VolunteerChanges::default();
    let cipher = state.cipher.clone();
    if let Some(name) = &body.name {
        match parse_name(name) {
            Ok(n) => {
                changes.name_enc = Some(cipher.encrypt(&n));
                changes.name = Some(n);
            }
            Err(e) => problems.push(e),
        }
    }
    if let Some(m) = &body.mobile {
        match Mobile::parse(m) {
            Some(m) => {
                changes.mobile_enc = Some(cipher.encrypt(m.as_str()));
                changes.mobile_masked = Some(m.masked());
            }
            None => problems.push(Invalid::new(
                "mobile",
                "invalid_format",
                "a mainland mobile number has 11 digits starting 13–19 (REG-07)",
            )),
        }
    }
    if let Some(email) = &body.email {
        changes.email_enc = Some(match email {
            Some(e) => match parse_email(e) {
                Ok(e) => Some(cipher.encrypt(&e)),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
            None => None,
        });
    }
    if let Some(code) = &body.home_region_code {
        match RegionCode::parse(code) {
            Ok(r) => changes.home_region_code = Some(r.as_str().to_string()),
            Err(e) => problems.push(Invalid::new("home_region_code", e.code(), e.message())),
        }
    }
    if let Some(level) = body.fitness_level {
        if (1..=3).contains(&level) {
            changes.fitness_level = Some(level);
        } else {
            problems.push(Invalid::new(
                "fitness_level",
                "invalid_value",
                "fitness levels are 1, 2 or 3",
            ));
        }
    }
    if let Some(cap) = body.weekly_hour_cap_minutes {
        if cap.is_some_and(|c| !(1..=7 * 24 * 60).contains(&c)) {
            problems.push(Invalid::new(
                "weekly_hour_cap_minutes",
                "invalid_value",
                "a weekly cap is 1–10080 minutes",
            ));
        }
        changes.weekly_cap_minutes = Some(cap);
    }
    changes.own_income = body.own_income;
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let response = crate::service::write(&state.pool, move |c| {
        let row =
            load_in_reach::<VolunteerRow>(c, &user, id, Access::Act(Action::EditVolunteerProfile))?;
        // Under-14s keep only a masked name in the clear (PI-01).
        if let Some(name) = &changes.name
            && crate::domain::volunteer::under_14_on(row.birth_date, crate::clock::today())
        {
            changes.name = Some(mask_name(name));
        }
        if !db::volunteers::update_if_version(c, id, version, &changes)? {
            return Err(stale("volunteer"));
        }
        let fields: Vec<&str> = [
            ("name", changes.name.is_some()),
            ("mobile", changes.mobile_enc.is_some()),
            ("email", changes.email_enc.is_some()),
            ("home_region_code", changes.home_region_code.is_some()),
            ("fitness_level", changes.fitness_level.is_some()),
            (
                "weekly_hour_cap_minutes",
                changes.weekly_cap_minutes.is_some(),
            ),
            ("own_income", changes.own_income.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, changed)| changed.then_some(f))
        .collect();
        db::audit::record(
            c,
            AuditEntry::by(&user, "volunteer.update", "volunteer")
                .entity(id, &row.org_path)
                .detail(serde_json::json!({ "fields": fields })),
        )?;
        load_full(c, &cipher, id, Some(&user))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(response.version)))
        .json(response))
}

/// Runs a profile-part replacement: scope check, write, version bump, audit, fresh view.
pub(super) async fn replace_part(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: Action,
    part: &'static str,
    write: impl FnOnce(&mut DbConn) -> Result<(), ApiError> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let cipher = state.cipher.clone();
    let response = crate::service::write(&state.pool, move |c| {
        let row = load_in_reach::<VolunteerRow>(c, &user, id, Access::Act(action))?;
        write(c)?;
        db::volunteers::touch(c, id)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "volunteer.update", "volunteer")
                .entity(id, &row.org_path)
                .detail(serde_json::json!({ "fields": [part] })),
        )?;
        load_full(c, &cipher, id, Some(&user))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(response.version)))
        .json(response))
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
    replace_part(
        state,
        user,
        id,
        Action::EditVolunteerProfile,
        "skills",
        move |c| Ok(db::volunteers::replace_skills(c, id, &rows)?),
    )
    .await
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
    replace_part(
        state,
        user,
        id,
        Action::EditVolunteerProfile,
        "languages",
        move |c| Ok(db::volunteers::replace_languages(c, id, &rows)?),
    )
    .await
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
    replace_part(
        state,
        user,
        id,
        Action::EditVolunteerProfile,
        "availability",
        move |c| {
            Ok(db::volunteers::replace_availability(
                c, id, &windows, &blackouts,
            )?)
        },
    )
    .await
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
    replace_part(
        state,
        user,
        id,
        Action::EditVolunteerProfile,
        "preferred_target_groups",
        move |c| Ok(db::volunteers::replace_target_groups(c, id, &groups)?),
    )
    .await
}
