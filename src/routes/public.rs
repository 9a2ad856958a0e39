//! The public pages (no login, rate-limited per address): the activity column and the honour
//! list. Nothing personal is shown; a commended volunteer's name is masked unless they
//! consented (PI-07). The rules live in `service::recognition::public`.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::recognition::PublicActivityFilter;
use crate::domain::recognition::{CommendationKind, CommendationLevel};
use crate::error::ApiResult;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::recognition::public::{
    self, HonourFilter, PublicActivity, PublicHonour, check_activity_filter,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicActivityResponse {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub form: String,
    /// `general` or `spring_rain`.
    pub programme: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub region_code: String,
    pub target_groups: Vec<String>,
    pub headcount_max: i32,
    /// `published` or `in_progress`.
    pub status: String,
    /// The organising organisation's name.
    pub organiser: String,
    /// The site's name.
    pub site: String,
}

impl From<PublicActivity> for PublicActivityResponse {
    fn from(a: PublicActivity) -> Self {
        let r = a.row;
        Self {
            id: r.id,
            title: r.title,
            description: r.description,
            category: r.category,
            form: r.form,
            programme: r.programme,
            starts_at: r.starts_at.and_utc(),
            ends_at: r.ends_at.and_utc(),
            time_zone: r.time_zone,
            region_code: r.region_code,
            target_groups: a.target_groups,
            headcount_max: r.headcount_max,
            status: r.status,
            organiser: a.organiser,
            site: a.site,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicActivityFilters {
    /// A region code or prefix: a province (`53`), a prefecture (`5301`) or a county.
    pub region: Option<String>,
    /// A target group code, e.g. `left_behind_children`.
    pub target_group: Option<String>,
    /// An activity form code, e.g. `performance`.
    pub form: Option<String>,
    /// Activities still running on or after this day.
    pub from: Option<NaiveDate>,
    /// Activities starting on or before this day.
    pub to: Option<NaiveDate>,
}

/// The activity column: published and running activities by region, target group, form and
/// date. No login; no personal data.
#[utoipa::path(tag = "public", params(PublicActivityFilters, PageParams), responses((status = 200, body = Page<PublicActivityResponse>), (status = 429, description = "Rate-limited per address", body = crate::error::Problem, content_type = "application/problem+json")), security(()))]
#[get("/activities")]
pub async fn public_activities(
    state: web::Data<AppState>,
    filters: web::Query<PublicActivityFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let f = filters.into_inner();
    check_activity_filter(f.region.as_deref(), f.from, f.to)?;
    let filter = PublicActivityFilter {
        region_prefix: f.region,
        target_group: f.target_group,
        form: f.form,
        from: f.from,
        to: f.to,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = service::run(&state.pool, move |c| public::activities(c, &filter)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |a| a.row.id,
        PublicActivityResponse::from,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicHonourResponse {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub year: i32,
    /// `volunteer`, `team`, `organization`, `site` or `activity`.
    pub target_type: String,
    /// A volunteer's name masked (张*) unless they consented to publication (PI-07); otherwise
    /// the team's, organisation's, site's or activity's name.
    pub name: String,
    /// Absent for a volunteer who did not consent to publication.
    pub citation: Option<String>,
    pub nominated_by: String,
    pub conferred_by: String,
    pub approved_at: Option<DateTime<Utc>>,
}

impl From<PublicHonour> for PublicHonourResponse {
    fn from(h: PublicHonour) -> Self {
        Self {
            id: h.id,
            kind: h.kind,
            level: h.level,
            year: h.year,
            target_type: h.target_type,
            name: h.name,
            citation: h.citation,
            nominated_by: h.nominated_by,
            conferred_by: h.conferred_by,
            approved_at: h.approved_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HonourFilters {
    pub kind: Option<CommendationKind>,
    pub level: Option<CommendationLevel>,
}

/// The honour list: approved commendations (STAR-03). No login; volunteers' names masked
/// unless they consented (PI-07).
#[utoipa::path(tag = "public", params(HonourFilters, PageParams), responses((status = 200, body = Page<PublicHonourResponse>), (status = 429, description = "Rate-limited per address", body = crate::error::Problem, content_type = "application/problem+json")), security(()))]
#[get("/honours")]
pub async fn public_honours(
    state: web::Data<AppState>,
    filters: web::Query<HonourFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let filter = HonourFilter {
        kind: filters.kind.map(|k| k.as_str().to_string()),
        level: filters.level.map(|l| l.as_str().to_string()),
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = service::run(&state.pool, move |c| public::honours(c, &filter)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |h| h.id,
        PublicHonourResponse::from,
    )))
}
