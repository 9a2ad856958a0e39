//! Statistics of the caller's subtree: `GET /stats/overview` and `GET /stats/breakdown`, as
//! JSON or (with `Accept: text/csv`) as a spreadsheet: UTF-8 with a BOM, Chinese headers.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::policy::Principal;
use crate::domain::stats::{Dimension, Period};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::{csv_out, dates};
use crate::service;
use crate::service::stats::{Breakdown, BreakdownRow, Overview};
use crate::state::AppState;

/// The period the figures cover: days, both included (Beijing time for activities).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PeriodParams {
    fn period(&self) -> ApiResult<Period> {
        dates::bounded_dates([("from", self.from), ("to", self.to)])?;
        Period::parse(self.from, self.to).map_err(|e| ApiError::invalid(vec![e]))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// `province`, `prefecture`, `organization`, `target_group`, `form`, `programme` or `month`.
    pub by: String,
}

fn csv_response(rows: Vec<Vec<String>>, name: &str) -> ApiResult<HttpResponse> {
    let mut out = csv_out::writer();
    for row in rows {
        csv_out::write_row(&mut out, row)?;
    }
    Ok(csv_out::attachment(&csv_out::finish(out)?, name))
}

/// The overview as one figure per line: 指标, 分组, 数值.
fn overview_rows(o: &Overview) -> Vec<Vec<String>> {
    let mut rows = vec![vec!["指标".into(), "分组".into(), "数值".into()]];
    let mut add = |metric: &str, group: &str, value: String| {
        rows.push(vec![metric.into(), group.into(), value]);
    };
    let v = &o.volunteers;
    add("注册志愿者", "", v.total.to_string());
    for (k, n) in &v.by_status {
        add("志愿者·状态", k, n.to_string());
    }
    for (k, n) in &v.by_sex {
        add("志愿者·性别", k, n.to_string());
    }
    for (k, n) in &v.by_age_band {
        add("志愿者·年龄段", k, n.to_string());
    }
    add("参加培训", "", v.trained.to_string());
    add("持有效培训证书", "", v.certified.to_string());
    add("期间内服务志愿者", "", v.active_in_period.to_string());
    add("服务记录数", "", o.service.records.to_string());
    add(
        "核验服务时长（分钟）",
        "",
        o.service.verified_minutes.to_string(),
    );
    add(
        "核验服务时长（小时）",
        "",
        format!("{:.1}", o.service.verified_hours),
    );
    for (k, n) in &o.stars {
        add("星级", k, n.to_string());
    }
    add("开展活动", "", o.activities.held.to_string());
    for (k, n) in &o.activities.by_form {
        add("活动·形式", k, n.to_string());
    }
    add(
        "春雨工程团队",
        "",
        o.activities.spring_rain_teams.to_string(),
    );
    for g in &o.people_reached {
        add("服务人数", &g.name_zh, g.people.to_string());
    }
    add("服务人数合计", "", o.people_reached_total.to_string());
    add("群众意见", "", o.opinions.opinions.to_string());
    add("群众意见·反映问题", "", o.opinions.issues.to_string());
    add("群众意见·已书面答复", "", o.opinions.answered.to_string());
    add("群众意见·逾期未答复", "", o.opinions.overdue.to_string());
    for (k, n) in &o.rectifications_by_status {
        add("整改台账·状态", k, n.to_string());
    }
    rows
}

fn cell<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn breakdown_rows(b: &Breakdown) -> Vec<Vec<String>> {
    let header = [
        "分组",
        "名称",
        "注册志愿者",
        "服务志愿者",
        "服务记录数",
        "核验服务时长（分钟）",
        "核验服务时长（小时）",
        "活动数",
        "春雨工程团队",
        "服务人数",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect()];
    for r in &b.rows {
        let BreakdownRow {
            key,
            label,
            volunteers,
            active_volunteers,
            service_records,
            verified_minutes,
            verified_hours,
            activities,
            spring_rain_teams,
            people_reached,
        } = r;
        rows.push(vec![
            key.clone(),
            label.clone(),
            cell(*volunteers),
            cell(*active_volunteers),
            cell(*service_records),
            cell(*verified_minutes),
            cell(verified_hours.map(|h| format!("{h:.1}"))),
            cell(*activities),
            cell(*spring_rain_teams),
            people_reached.to_string(),
        ]);
    }
    rows
}

/// The figures of the caller's subtree: volunteers by status, sex and age band, trained and
/// certified, active in the period; verified records and hours; stars granted; activities
/// held, Spring Rain teams, people reached per target group. The ministry sees the country,
/// everyone else their own subtree only. `Accept: text/csv` answers a spreadsheet.
#[utoipa::path(
    tag = "statistics",
    params(PeriodParams),
    responses((status = 200, body = Overview, description = "JSON; or `text/csv` (UTF-8 with a BOM) when asked"))
)]
#[get("/stats/overview")]
pub async fn stats_overview(
    state: web::Data<AppState>,
    user: Principal,
    params: web::Query<PeriodParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let period = params.period()?;
    let today = state.clock.today();
    let overview = service::run(&state.pool, move |c| {
        service::stats::overview(c, &user, period, today)
    })
    .await?;
    match csv_out::wants_csv(&req) {
        true => csv_response(overview_rows(&overview), "stats-overview"),
        false => Ok(HttpResponse::Ok().json(overview)),
    }
}

/// The same figures grouped `by` an organisation level, a target group, a form, a programme
/// or a month — within the caller's subtree only.
#[utoipa::path(
    tag = "statistics",
    params(BreakdownParams, PeriodParams),
    responses((status = 200, body = Breakdown, description = "JSON; or `text/csv` (UTF-8 with a BOM) when asked"))
)]
#[get("/stats/breakdown")]
pub async fn stats_breakdown(
    state: web::Data<AppState>,
    user: Principal,
    by: web::Query<BreakdownParams>,
    params: web::Query<PeriodParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let period = params.period()?;
    let dim = Dimension::parse(&by.by).ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "by",
            "invalid_value",
            "by is one of province, prefecture, organization, target_group, form, programme, month",
        )])
    })?;
    let breakdown = service::run(&state.pool, move |c| {
        service::stats::breakdown(c, &user, dim, period)
    })
    .await?;
    match csv_out::wants_csv(&req) {
        true => csv_response(
            breakdown_rows(&breakdown),
            &format!("stats-by-{}", dim.as_str()),
        ),
        false => Ok(HttpResponse::Ok().json(breakdown)),
    }
}
