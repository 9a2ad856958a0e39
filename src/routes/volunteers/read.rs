//! Searching and reading volunteers, with audited reveal of unmasked personal data.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Reveal, VolunteerResponse, VolunteerSummary, etag, full, summary};
use crate::auth::policy::Principal;
use crate::db::volunteers::VolunteerFilter;
use crate::domain::calendar::check_date;
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::{edit, search};
use crate::routes::common::pagination::{Page, PageParams};
use crate::state::AppState;

/// Search filters. `skill` and `language` may repeat; every one given must match.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolunteerFilters {
    pub status: Option<VolunteerStatus>,
    /// Skill code, optionally with a minimum level: `performance.music` or `performance.music:2`.
    pub skill: Option<Vec<String>>,
    /// Minimum level for `skill` values that do not give one (default 1).
    pub min_level: Option<u8>,
    pub language: Option<Vec<String>>,
    /// A province (`330000`) or prefecture (`330100`) matches everything inside it.
    pub home_region_code: Option<String>,
    /// Registering organisation; includes its subtree.
    pub organization_id: Option<i64>,
    /// Name prefix.
    pub q: Option<String>,
    /// Has a weekly window on that weekday (or states none) and no blackout that day.
    pub available_on: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn bad(field: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, "invalid_value", message)])
}

impl VolunteerFilters {
    /// Parses the raw query string (repeated keys allowed).
    pub fn from_query(query: &str) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("invalid query string: {e}"),
            )
        })?;
        let mut f = VolunteerFilters::default();
        for (key, value) in pairs {
            match key.as_str() {
                "status" => {
                    f.status = Some(
                        VolunteerStatus::parse(&value)
                            .ok_or_else(|| bad("status", "unknown status"))?,
                    )
                }
                "skill" => f.skill.get_or_insert_with(Vec::new).push(value),
                "language" => f.language.get_or_insert_with(Vec::new).push(value),
                "min_level" => {
                    f.min_level = Some(value.parse().map_err(|_| bad("min_level", "1, 2 or 3"))?)
                }
                "home_region_code" => f.home_region_code = Some(value),
                "organization_id" => {
                    f.organization_id =
                        Some(value.parse().map_err(|_| bad("organization_id", "an id"))?)
                }
                "q" => f.q = Some(value),
                "available_on" => {
                    f.available_on = Some(
                        value
                            .parse()
                            .ok()
                            .and_then(|d| check_date("available_on", d).ok())
                            .ok_or_else(|| bad("available_on", "a date YYYY-MM-DD"))?,
                    )
                }
                "limit" => f.limit = Some(value.parse().map_err(|_| bad("limit", "a number"))?),
                "cursor" => f.cursor = Some(value),
                _ => {}
            }
        }
        Ok(f)
    }

    /// Turns the filters into a query for the database (without scope and organisation).
    pub fn to_db_filter(&self) -> Result<VolunteerFilter, ApiError> {
        let default_level = i32::from(self.min_level.unwrap_or(1));
        let mut skills = Vec::new();
        for raw in self.skill.iter().flatten() {
            let (code, level) = match raw.split_once(':') {
                Some((code, level)) => (
                    code,
                    level
                        .parse()
                        .map_err(|_| bad("skill", "level must be 1–3"))?,
                ),
                None => (raw.as_str(), default_level),
            };
            if !reference::is_skill(code) {
                return Err(ApiError::validation(vec![FieldError::new(
                    "skill",
                    "unknown_skill",
                    format!("unknown skill {code:?}"),
                )]));
            }
            skills.push((code.to_string(), level));
        }
        let mut languages = Vec::new();
        for code in self.language.iter().flatten() {
            if !reference::is_language(code) {
                return Err(ApiError::validation(vec![FieldError::new(
                    "language",
                    "unknown_language",
                    format!("unknown language {code:?}"),
                )]));
            }
            languages.push(code.clone());
        }
        let region_range = match &self.home_region_code {
            Some(code) => Some(
                RegionCode::parse(code)
                    .map_err(|e| {
                        ApiError::validation(vec![FieldError::new(
                            "home_region_code",
                            e.code(),
                            e.message(),
                        )])
                    })?
                    .descendant_range(),
            ),
            None => None,
        };
        Ok(VolunteerFilter {
            status: self.status.map(|s| s.as_str().to_string()),
            skills,
            languages,
            region_range,
            name_prefix: self.q.clone().filter(|q| !q.trim().is_empty()),
            available_on: self
                .available_on
                .map(|d| (d, d.weekday().number_from_monday() as i32)),
            ..VolunteerFilter::default()
        })
    }

    pub fn page(&self) -> PageParams {
        PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }
}

/// Search volunteers in the caller's reach (masked personal data).
#[utoipa::path(
    tag = "volunteers",
    params(VolunteerFilters),
    responses((status = 200, body = Page<VolunteerSummary>))
)]
#[get("/volunteers")]
pub async fn list_volunteers(
    state: web::Data<AppState>,
    user: Principal,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let filters = VolunteerFilters::from_query(req.query_string())?;
    let window = filters.page().window()?;
    let filter = VolunteerFilter {
        after_id: window.after_id,
        limit: window.limit,
        ..filters.to_db_filter()?
    };
    let org_id = filters.organization_id;
    let today = state.clock.today();
    let found = crate::service::run(&state.pool, move |c| {
        search::search_volunteers(c, &user, filter, org_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        found,
        window,
        |f| f.row.id,
        |f| summary(f.row, f.skills, f.languages, today),
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealParams {
    /// `id_number`, `mobile` or `id_number,mobile`: unmasked values, for bureau admins in
    /// scope and the volunteer; every reveal is audited.
    pub reveal: Option<String>,
}

/// Read one volunteer.
#[utoipa::path(
    tag = "volunteers",
    params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = VolunteerResponse, headers(("ETag" = String, description = "Record version, for If-Match"))))
)]
#[get("/volunteers/{id}")]
pub async fn get_volunteer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    params: web::Query<RevealParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut reveal = Reveal::default();
    for field in params
        .reveal
        .iter()
        .flat_map(|r| r.split(','))
        .map(str::trim)
    {
        match field {
            "id_number" => reveal.id_number = true,
            "mobile" => reveal.mobile = true,
            "" => {}
            other => {
                return Err(bad(
                    "reveal",
                    &format!("cannot reveal {other:?}; use id_number or mobile"),
                ));
            }
        }
    }
    let today = state.clock.today();
    let v = crate::service::run(&state.pool, move |c| {
        edit::read_volunteer(c, &user, id, reveal, today)
    })
    .await?;
    let response = full(&state.cipher, v.row, v.parts, reveal, v.view, today);
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(response.version)))
        .json(response))
}
