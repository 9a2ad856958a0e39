//! Deployment teams over HTTP: daily attendance of multi-day activities, the team roster
//! (masked), the team leader and the receiving side's evaluations. The rules live in
//! `service::dispatch::{attendance, team}`; verifying the days is a record matter
//! (`routes::records`).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::Principal;
use crate::db::attendance::{AttendanceDayRow, TeamEvaluationRow};
use crate::error::ApiResult;
use crate::routes::common::dates::{bounded_dates, day_of};
use crate::routes::common::extract;
use crate::service;
use crate::service::dispatch::attendance::{self, AttendanceRequest};
use crate::service::dispatch::team::{
    self, RosterMember, TeamEvaluationRequest, TeamLeaderRequest,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceDayResponse {
    pub assignment_id: i64,
    /// The local service day (in the activity's time zone).
    pub service_date: NaiveDate,
    pub checked_in_at: DateTime<Utc>,
    /// Absent while the member is still there.
    pub checked_out_at: Option<DateTime<Utc>>,
    pub break_minutes: i32,
    /// Travel that day: kept, never counted (HRS-01).
    pub travel_minutes: i32,
    /// The organisation whose staff recorded the day (the organiser or the receiving side).
    pub recorded_by_organization_id: i64,
    pub recorded_at: DateTime<Utc>,
}

impl From<AttendanceDayRow> for AttendanceDayResponse {
    fn from(d: AttendanceDayRow) -> Self {
        Self {
            assignment_id: d.assignment_id,
            service_date: d.service_date,
            checked_in_at: d.checked_in_at.and_utc(),
            checked_out_at: d.checked_out_at.map(|t| t.and_utc()),
            break_minutes: d.break_minutes,
            travel_minutes: d.travel_minutes,
            recorded_by_organization_id: d.recorded_by_org,
            recorded_at: d.recorded_at.and_utc(),
        }
    }
}

/// Record a team member's attendance on one service day of a started multi-day activity
/// (replacing what was recorded for that day). The organiser's staff or, for a Spring Rain
/// deployment, the receiving province's coordinators and bureau admins record it; a rest day
/// simply has none. A single-day activity answers 409 `not_multi_day`.
#[utoipa::path(
    tag = "dispatch",
    params(("id" = i64, Path), ("date" = NaiveDate, Path, description = "The local service day")),
    request_body = AttendanceRequest,
    responses(
        (status = 200, body = AttendanceDayResponse),
        (status = 409, description = "`not_multi_day`, `activity_not_open`, `not_team_member` or `already_verified`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/assignments/{id}/attendance/{date}")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    user: Principal,
    path: web::Path<(i64, NaiveDate)>,
    body: extract::Json<AttendanceRequest>,
) -> ApiResult<HttpResponse> {
    let (id, date) = path.into_inner();
    let req = body.into_inner();
    bounded_dates([
        ("date", Some(date)),
        ("checked_in_at", day_of(Some(req.checked_in_at))),
        ("checked_out_at", day_of(req.checked_out_at)),
    ])?;
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        attendance::record_attendance(c, &user, id, date, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AttendanceDayResponse::from(row)))
}

/// Every recorded day of the activity's team, by member and day.
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = Vec<AttendanceDayResponse>)))]
#[get("/activities/{id}/attendance")]
pub async fn activity_attendance(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = service::run(&state.pool, move |c| {
        attendance::activity_attendance(c, &user, id)
    })
    .await?;
    let body: Vec<AttendanceDayResponse> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RosterSkill {
    pub code: String,
    pub level: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RosterLanguage {
    pub code: String,
    /// `basic`, `working`, `fluent` or `native`.
    pub proficiency: String,
}

/// A team member as the roster shows them: no ID number, birth date or full contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct RosterMemberResponse {
    pub assignment_id: i64,
    /// `confirmed`, `checked_in` or `completed`.
    pub status: String,
    pub team_leader: bool,
    pub name: String,
    /// e.g. `138****8000`.
    pub mobile_masked: String,
    pub skills: Vec<RosterSkill>,
    pub languages: Vec<RosterLanguage>,
}

impl From<RosterMember> for RosterMemberResponse {
    fn from(m: RosterMember) -> Self {
        Self {
            assignment_id: m.assignment_id,
            status: m.status,
            team_leader: m.team_leader,
            name: m.name,
            mobile_masked: m.mobile_masked,
            skills: m
                .skills
                .into_iter()
                .map(|(code, level)| RosterSkill { code, level })
                .collect(),
            languages: m
                .languages
                .into_iter()
                .map(|(code, p)| RosterLanguage {
                    code,
                    proficiency: p.as_str().to_string(),
                })
                .collect(),
        }
    }
}

fn roster_body(rows: Vec<RosterMember>) -> Vec<RosterMemberResponse> {
    rows.into_iter().map(Into::into).collect()
}

/// The team: its confirmed members with name, skills, languages and masked mobile, and which
/// one leads it. For the organiser and the receiving side of a Spring Rain deployment.
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = Vec<RosterMemberResponse>)))]
#[get("/activities/{id}/roster")]
pub async fn roster(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = service::write(&state.pool, move |c| team::roster(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(roster_body(rows)))
}

/// Appoint the team leader, one of the team's confirmed members (the organiser; replaces an
/// earlier leader). Answers the roster.
#[utoipa::path(
    tag = "dispatch",
    params(("id" = i64, Path)),
    request_body = TeamLeaderRequest,
    responses(
        (status = 200, body = Vec<RosterMemberResponse>),
        (status = 409, description = "`not_team_member`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/activities/{id}/team-leader")]
pub async fn set_team_leader(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<TeamLeaderRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let now = state.clock.now();
    let rows = service::write(&state.pool, move |c| {
        team::set_team_leader(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(roster_body(rows)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamEvaluationResponse {
    pub id: i64,
    pub activity_id: i64,
    /// The receiving organisation that wrote it.
    pub organization_id: i64,
    pub text: String,
    pub rating: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<TeamEvaluationRow> for TeamEvaluationResponse {
    fn from(e: TeamEvaluationRow) -> Self {
        Self {
            id: e.id,
            activity_id: e.activity_id,
            organization_id: e.organization_id,
            text: e.body,
            rating: e.rating,
            created_at: e.created_at.and_utc(),
        }
    }
}

/// The receiving side's written evaluation of a deployed team (text, optional rating 1–5).
#[utoipa::path(
    tag = "dispatch",
    params(("id" = i64, Path)),
    request_body = TeamEvaluationRequest,
    responses(
        (status = 201, body = TeamEvaluationResponse),
        (status = 409, description = "`activity_not_open`: the deployment has not started", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/team-evaluations")]
pub async fn evaluate_team(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<TeamEvaluationRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        team::evaluate_team(c, &user, id, req, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(TeamEvaluationResponse::from(row)))
}

/// The evaluations of a team.
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = Vec<TeamEvaluationResponse>)))]
#[get("/activities/{id}/team-evaluations")]
pub async fn team_evaluations(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = service::run(&state.pool, move |c| team::team_evaluations(c, &user, id)).await?;
    let body: Vec<TeamEvaluationResponse> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}
