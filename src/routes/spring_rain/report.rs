//! The edition report, as JSON or (with `Accept: text/csv`) as a spreadsheet: UTF-8 with a
//! BOM, Chinese headers and names.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::policy::Principal;
use crate::domain::spring_rain::ActionType;
use crate::error::ApiResult;
use crate::routes::common::csv_out;
use crate::service;
use crate::service::spring_rain::{EditionReport, PairingFigures};
use crate::state::AppState;

/// The three SR-02 forms, as the programme names them.
const FORMS: [(&str, &str); 3] = [
    ("performance", "大舞台"),
    ("lecture", "大讲堂"),
    ("exhibition", "大展台"),
];

/// One CSV column: its header and how a row fills it. A new report figure is one more entry.
type Column<'a> = (String, Box<dyn Fn(&PairingFigures) -> String + 'a>);

fn columns(report: &EditionReport) -> Vec<Column<'_>> {
    let mut cols: Vec<Column<'_>> = vec![
        (
            "派出省份".into(),
            Box::new(|r| r.sending_province_name.clone()),
        ),
        (
            "派出省份代码".into(),
            Box::new(|r| r.sending_province.clone()),
        ),
        (
            "受援地区".into(),
            Box::new(|r| r.receiving_region_name.clone()),
        ),
        (
            "受援地区代码".into(),
            Box::new(|r| r.receiving_region.clone()),
        ),
        ("项目数".into(), Box::new(|r| r.deployments.to_string())),
        ("团队数".into(), Box::new(|r| r.teams.to_string())),
        ("志愿者人数".into(), Box::new(|r| r.volunteers.to_string())),
        (
            "核验服务时长（小时）".into(),
            Box::new(|r| format!("{:.1}", r.verified_hours)),
        ),
    ];
    for (code, name) in FORMS {
        cols.push((
            name.to_string(),
            Box::new(move |r| count(&r.deployments_by_form, code)),
        ));
    }
    for action in ActionType::ALL {
        cols.push((
            format!("行动类型·{}", action.name_zh()),
            Box::new(move |r| count(&r.deployments_by_action_type, action.as_str())),
        ));
    }
    cols.push((
        "行动类型·未注明".into(),
        Box::new(|r| {
            count(
                &r.deployments_by_action_type,
                service::spring_rain::NO_ACTION_TYPE,
            )
        }),
    ));
    cols.push((
        "请进来培训学员数".into(),
        Box::new(|r| r.reverse_flow_trainees.to_string()),
    ));
    for group in &report.target_groups {
        let code = group.code.as_str();
        cols.push((
            format!("服务人数·{}", group.name_zh),
            Box::new(move |r| count(&r.people_reached, code)),
        ));
    }
    cols
}

fn count(map: &std::collections::BTreeMap<String, i64>, key: &str) -> String {
    map.get(key).copied().unwrap_or(0).to_string()
}

fn to_csv(report: &EditionReport) -> ApiResult<Bytes> {
    let cols = columns(report);
    let mut out = csv_out::writer();
    csv_out::write_row(&mut out, cols.iter().map(|(h, _)| h.as_str()))?;
    for row in &report.pairings {
        csv_out::write_row(&mut out, cols.iter().map(|(_, cell)| cell(row)))?;
    }
    csv_out::finish(out)
}

/// The edition report: per pairing — teams (deployments with a confirmed member), volunteers,
/// verified hours, deployments by form and action type, people reached per target group.
/// The ministry sees every pairing; a province's staff the pairings it sends or receives.
/// `Accept: text/csv` answers a spreadsheet (UTF-8 with a BOM, Chinese headers).
#[utoipa::path(
    tag = "spring-rain",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = EditionReport, description = "JSON; or `text/csv` (UTF-8 with a BOM) when asked"),
    )
)]
#[get("/spring-rain/editions/{id}/report")]
pub async fn edition_report(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let report = service::run(&state.pool, move |c| {
        service::spring_rain::edition_report(c, &user, id)
    })
    .await?;
    if !csv_out::wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let body = to_csv(&report)?;
    Ok(csv_out::attachment(
        &body,
        &format!("spring-rain-{}-report", report.year),
    ))
}
