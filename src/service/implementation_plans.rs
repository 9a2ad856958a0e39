//! PLAN-01, provincial implementation plans. The ministry opens a campaign (a due date, a
//! period, stages); each province-level bureau (the XPCC included) keeps one plan per campaign
//! with its targets, submits it (late after the due date), and the ministry approves it or
//! returns it with comments. A plan's progress sets every target against the figure the data
//! gives for the campaign's period and the province's subtree.
//!
//! Reach: the ministry sees every plan; a province's bureau admins keep its plan, its
//! coordinators read it, auditors read their subtree's; everyone else gets 404.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope, province_path};
use crate::clock::local_date;
use crate::db::implementation_plans::{
    self as store, ActivityTarget, CampaignRow, NewCampaignRow, NewPlanRow, PlanRow, PlanTargets,
    Window,
};
use crate::db::notifications::{Notice, Recipient};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::implementation_plan::{self as rules, PlanAction, PlanStatus, Stage};
use crate::domain::organization::OrgKind;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, InReach, load_in_reach, organization_for};

const MAX_TEXT: usize = 200;
const MAX_LONG_TEXT: usize = 5000;
const MAX_TARGET: i32 = 10_000_000;
const TARGET_GROUP: &str = "target_group";
const FORM: &str = "form";

impl InReach for CampaignRow {
    const NAME: &'static str = "plan campaign";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(store::find_campaign(conn, id)?)
    }

    /// Campaigns are national: every staff member reads them.
    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(user.scope_for(Action::ReadPlanCampaigns).is_some())
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(*scope == Scope::All)
    }
}

impl InReach for PlanRow {
    const NAME: &'static str = "implementation plan";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(store::find_plan(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadImplementationPlans)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

// ---------------------------------------------------------------- campaigns

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    #[serde(default)]
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCampaignRequest {
    pub year: i32,
    #[serde(default)]
    pub title: String,
    /// Plans submitted after this day (China time) are flagged `late` (PLAN-01).
    pub due_date: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// In order; inside the period, not overlapping.
    pub stages: Vec<StageInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub due_date: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub stages: Vec<StageInput>,
    pub created_at: DateTime<Utc>,
}

fn campaign_view(conn: &mut DbConn, row: CampaignRow) -> ApiResult<CampaignView> {
    let stages = store::stages_of(conn, row.id)?
        .into_iter()
        .map(|s| StageInput {
            name: s.name,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
        })
        .collect();
    Ok(CampaignView {
        id: row.id,
        year: row.year,
        title: row.title,
        due_date: row.due_date,
        period_from: row.period_from,
        period_to: row.period_to,
        stages,
        created_at: row.created_at.and_utc(),
    })
}

fn text_problem(field: &str, value: &str, max: usize, out: &mut Vec<Invalid>) {
    let n = value.trim().chars().count();
    if n == 0 {
        out.push(Invalid::new(field, "required", "required"));
    } else if n > max {
        out.push(Invalid::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
}

/// The ministry opens a campaign.
pub fn create_campaign(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateCampaignRequest,
    now: DateTime<Utc>,
) -> ApiResult<CampaignView> {
    user.require(Action::ManagePlanCampaigns)?;
    let stages: Vec<Stage> = req
        .stages
        .iter()
        .map(|s| Stage {
            name: s.name.trim().to_string(),
            starts_on: s.starts_on,
            ends_on: s.ends_on,
        })
        .collect();
    let mut problems = rules::check_campaign(req.period_from, req.period_to, req.due_date, &stages);
    text_problem("title", &req.title, MAX_TEXT, &mut problems);
    if !(2000..=2100).contains(&req.year) {
        problems.push(Invalid::new("year", "out_of_range", "2000–2100"));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let row = store::insert_campaign(
        conn,
        &NewCampaignRow {
            year: req.year,
            title: req.title.trim().to_string(),
            due_date: req.due_date,
            period_from: req.period_from,
            period_to: req.period_to,
            created_by: user.user_id,
            created_at: now.naive_utc(),
        },
        &stages
            .into_iter()
            .map(|s| (s.name, s.starts_on, s.ends_on))
            .collect::<Vec<_>>(),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "plan_campaign.create", "plan_campaign")
            .entity(row.id, "/1/")
            .detail(serde_json::json!({ "year": row.year, "due_date": row.due_date })),
    )?;
    campaign_view(conn, row)
}

pub fn get_campaign(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<CampaignView> {
    let row = load_in_reach::<CampaignRow>(conn, user, id, Access::Read)?;
    campaign_view(conn, row)
}

/// Campaigns by id, one page (`limit + 1` items).
pub fn list_campaigns(
    conn: &mut DbConn,
    user: &Principal,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<CampaignView>> {
    user.require(Action::ReadPlanCampaigns)?;
    store::list_campaigns(conn, after_id, limit)?
        .into_iter()
        .map(|r| campaign_view(conn, r))
        .collect()
}

// ---------------------------------------------------------------- plans

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeTarget {
    pub code: String,
    pub target: i32,
}

/// What a plan aims at over the campaign's period.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub volunteers_registered: i32,
    pub volunteers_trained: i32,
    /// Activities per target group (codes of `/reference/target-groups`).
    #[serde(default)]
    pub activities_by_target_group: Vec<CodeTarget>,
    /// Activities per form (codes of `/reference/activity-forms`).
    #[serde(default)]
    pub activities_by_form: Vec<CodeTarget>,
    /// Spring Rain teams the province sends out.
    pub spring_rain_teams_sent: i32,
    /// Spring Rain teams serving in the province.
    pub spring_rain_teams_received: i32,
    pub verified_hours: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlanRequest {
    pub campaign_id: i64,
    /// The province-level bureau (default: the caller's province's).
    pub organization_id: Option<i64>,
    /// The measures the province takes (free text).
    #[serde(default)]
    pub measures: String,
    pub targets: Targets,
}

/// A change of a draft or returned plan; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlanRequest {
    pub measures: Option<String>,
    /// Replaces all targets.
    pub targets: Option<Targets>,
}

/// One target against the actual figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressItem {
    /// `volunteers_registered`, `volunteers_trained`, `activities_by_target_group`,
    /// `activities_by_form`, `spring_rain_teams_sent`, `spring_rain_teams_received`,
    /// `verified_hours`.
    pub measure: &'static str,
    /// The target group or form, for the per-code measures.
    pub code: Option<String>,
    pub target: i64,
    pub actual: i64,
}

/// Every target against the data for the campaign's period in the province's subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub items: Vec<ProgressItem>,
    /// The verified service time behind `verified_hours` (whole hours, rounded down).
    pub verified_minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub campaign_id: i64,
    pub organization_id: i64,
    /// 2-digit province code (`66`: the XPCC).
    pub province: String,
    pub status: PlanStatus,
    /// PLAN-01: first submitted after the campaign's due date.
    pub late: bool,
    pub measures: String,
    pub targets: Targets,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The ministry's comments on approval or return.
    pub review_comment: Option<String>,
    /// The bureau's evaluation at the end of the period.
    pub summary_evaluation: Option<String>,
    pub summary_written_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// On a single plan only (lists leave it out).
    pub progress: Option<Progress>,
}

fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

fn plan_view(conn: &mut DbConn, row: PlanRow, progress: Option<Progress>) -> ApiResult<PlanView> {
    let targets = store::activity_targets(conn, row.id)?;
    let of = |dimension: &str| {
        targets
            .iter()
            .filter(|t| t.dimension == dimension)
            .map(|t| CodeTarget {
                code: t.code.clone(),
                target: t.target,
            })
            .collect()
    };
    Ok(PlanView {
        id: row.id,
        campaign_id: row.campaign_id,
        organization_id: row.organization_id,
        province: row.province,
        status: row.status,
        late: row.late,
        measures: row.measures,
        targets: Targets {
            volunteers_registered: row.target_volunteers_registered,
            volunteers_trained: row.target_volunteers_trained,
            activities_by_target_group: of(TARGET_GROUP),
            activities_by_form: of(FORM),
            spring_rain_teams_sent: row.target_teams_sent,
            spring_rain_teams_received: row.target_teams_received,
            verified_hours: row.target_verified_hours,
        },
        first_submitted_at: utc(row.first_submitted_at),
        submitted_at: utc(row.submitted_at),
        decided_at: utc(row.decided_at),
        review_comment: row.review_comment,
        summary_evaluation: row.summary_evaluation,
        summary_written_at: utc(row.summary_written_at),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
        progress,
    })
}

/// Checks the measures and targets; returns the stored form.
fn checked(
    conn: &mut DbConn,
    measures: &str,
    t: &Targets,
) -> ApiResult<(PlanTargets, Vec<ActivityTarget>)> {
    let mut problems = Vec::new();
    if measures.chars().count() > MAX_LONG_TEXT {
        problems.push(Invalid::new(
            "measures",
            "too_long",
            "at most 5000 characters",
        ));
    }
    for (field, value) in [
        ("targets.volunteers_registered", t.volunteers_registered),
        ("targets.volunteers_trained", t.volunteers_trained),
        ("targets.spring_rain_teams_sent", t.spring_rain_teams_sent),
        (
            "targets.spring_rain_teams_received",
            t.spring_rain_teams_received,
        ),
        ("targets.verified_hours", t.verified_hours),
    ] {
        if !(0..=MAX_TARGET).contains(&value) {
            problems.push(Invalid::new(field, "out_of_range", "0–10,000,000"));
        }
    }
    let known_groups: HashSet<String> = db::reference::target_groups(conn)?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let known_forms: HashSet<String> = db::reference::activity_forms(conn)?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let mut rows = Vec::new();
    for (list, dimension, known, unknown) in [
        (
            &t.activities_by_target_group,
            TARGET_GROUP,
            &known_groups,
            "unknown_target_group",
        ),
        (&t.activities_by_form, FORM, &known_forms, "unknown_form"),
    ] {
        let mut seen = HashSet::new();
        for (i, ct) in list.iter().enumerate() {
            let field = format!("targets.activities_by_{dimension}[{i}]");
            if !known.contains(&ct.code) {
                problems.push(Invalid::new(
                    format!("{field}.code"),
                    unknown,
                    "unknown code",
                ));
            } else if !seen.insert(ct.code.clone()) {
                problems.push(Invalid::new(
                    format!("{field}.code"),
                    "duplicate",
                    "listed twice",
                ));
            }
            if !(0..=MAX_TARGET).contains(&ct.target) {
                problems.push(Invalid::new(
                    format!("{field}.target"),
                    "out_of_range",
                    "0–10,000,000",
                ));
            }
            rows.push(ActivityTarget {
                dimension: dimension.to_string(),
                code: ct.code.clone(),
                target: ct.target,
            });
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    Ok((
        PlanTargets {
            measures: measures.trim().to_string(),
            target_volunteers_registered: t.volunteers_registered,
            target_volunteers_trained: t.volunteers_trained,
            target_teams_sent: t.spring_rain_teams_sent,
            target_teams_received: t.spring_rain_teams_received,
            target_verified_hours: t.verified_hours,
        },
        rows,
    ))
}

/// The id of the province-level organisation the caller belongs to (`/1/15/40/` → 15).
fn own_province_org(user: &Principal) -> i64 {
    province_path(&user.org_path)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(user.org_id)
}

/// A province's bureau drafts its plan for a campaign; one per campaign (409 `plan_exists`).
pub fn create_plan(
    conn: &mut DbConn,
    user: &Principal,
    req: CreatePlanRequest,
    now: DateTime<Utc>,
) -> ApiResult<PlanView> {
    user.require(Action::EditImplementationPlans)?;
    let campaign = load_in_reach::<CampaignRow>(conn, user, req.campaign_id, Access::Read)?;
    let org = organization_for(
        conn,
        user,
        req.organization_id
            .unwrap_or_else(|| own_province_org(user)),
        Action::EditImplementationPlans,
    )?;
    if org.kind != OrgKind::ProvincialBureau {
        return Err(ApiError::invalid(vec![
            Invalid::new(
                "organization_id",
                "not_a_province",
                "plans are kept by province-level bureaus (the XPCC included)",
            )
            .rule("PLAN-01"),
        ]));
    }
    let province = RegionCode::parse(&org.region_code)
        .map(|r| r.province_prefix().to_string())
        .map_err(|_| ApiError::internal("stored organisation has an invalid region"))?;
    let (fields, activity_targets) = checked(conn, &req.measures, &req.targets)?;
    let row = store::insert_plan(
        conn,
        &NewPlanRow {
            campaign_id: campaign.id,
            organization_id: org.id,
            org_path: org.path.clone(),
            province,
            status: PlanStatus::Draft.as_str(),
            measures: fields.measures,
            target_volunteers_registered: fields.target_volunteers_registered,
            target_volunteers_trained: fields.target_volunteers_trained,
            target_teams_sent: fields.target_teams_sent,
            target_teams_received: fields.target_teams_received,
            target_verified_hours: fields.target_verified_hours,
            created_by: user.user_id,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        },
        &activity_targets,
    )?;
    audit(
        conn,
        user,
        &row,
        "create",
        serde_json::json!({ "campaign_id": campaign.id }),
    )?;
    plan_view(conn, row, None)
}

fn audit(
    conn: &mut DbConn,
    user: &Principal,
    plan: &PlanRow,
    action: &str,
    detail: serde_json::Value,
) -> ApiResult<()> {
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            &format!("implementation_plan.{action}"),
            "implementation_plan",
        )
        .entity(plan.id, &plan.org_path)
        .detail(detail),
    )?;
    Ok(())
}

fn not_now(status: PlanStatus, what: &str) -> ApiError {
    ApiError::conflict(
        ErrorCode::InvalidTransition,
        format!("a {} plan cannot be {what}", status.as_str()),
    )
}

fn reload(conn: &mut DbConn, id: i64) -> ApiResult<PlanRow> {
    store::find_plan(conn, id)?.ok_or_else(|| ApiError::internal("plan vanished"))
}

/// The bureau changes a draft or returned plan at `version`; `None` when it changed since.
pub fn update_plan(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    version: i32,
    req: UpdatePlanRequest,
    now: DateTime<Utc>,
) -> ApiResult<Option<PlanView>> {
    let plan =
        load_in_reach::<PlanRow>(conn, user, id, Access::Act(Action::EditImplementationPlans))?;
    if plan.status.after(PlanAction::Edit).is_none() {
        return Err(not_now(plan.status, "edited"));
    }
    let current = plan_view(conn, plan.clone(), None)?;
    let measures = req.measures.unwrap_or(current.measures);
    let targets = req.targets.unwrap_or(current.targets);
    let (fields, activity_targets) = checked(conn, &measures, &targets)?;
    if !store::update_targets(
        conn,
        id,
        version,
        plan.status,
        &fields,
        &activity_targets,
        now.naive_utc(),
    )? {
        return Ok(None);
    }
    audit(
        conn,
        user,
        &plan,
        "update",
        serde_json::json!({ "version": version + 1 }),
    )?;
    let row = reload(conn, id)?;
    plan_view(conn, row, None).map(Some)
}

/// The bureau submits its draft (or returned) plan; PLAN-01: after the due date it is late.
pub fn submit_plan(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<PlanView> {
    let plan =
        load_in_reach::<PlanRow>(conn, user, id, Access::Act(Action::EditImplementationPlans))?;
    if plan.status.after(PlanAction::Submit).is_none() {
        return Err(not_now(plan.status, "submitted"));
    }
    let campaign = store::find_campaign(conn, plan.campaign_id)?
        .ok_or_else(|| ApiError::internal("campaign vanished"))?;
    let first = plan.first_submitted_at.unwrap_or(now.naive_utc());
    let late = rules::is_late(campaign.due_date, local_date(first.and_utc()));
    if !store::submit(
        conn,
        id,
        plan.status,
        (first, late),
        user.user_id,
        now.naive_utc(),
    )? {
        return Err(ApiError::conflict(
            ErrorCode::ConcurrentUpdate,
            "the plan changed meanwhile; retry",
        ));
    }
    audit(
        conn,
        user,
        &plan,
        "submit",
        serde_json::json!({ "late": late }),
    )?;
    let row = reload(conn, id)?;
    plan_view(conn, row, None)
}

/// The ministry's decision on a submitted plan; the province's bureau admins (and whoever
/// submitted it) are notified.
pub fn decide_plan(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    approve: bool,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> ApiResult<PlanView> {
    let plan = load_in_reach::<PlanRow>(
        conn,
        user,
        id,
        Access::Act(Action::DecideImplementationPlans),
    )?;
    let comment = comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let mut problems = Vec::new();
    match &comment {
        None if !approve => problems.push(Invalid::new(
            "comment",
            "required",
            "a returned plan carries the ministry's comments",
        )),
        Some(c) if c.chars().count() > MAX_LONG_TEXT => problems.push(Invalid::new(
            "comment",
            "too_long",
            "at most 5000 characters",
        )),
        _ => {}
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let (action, verb, act) = match approve {
        true => (PlanAction::Approve, "approved", "approve"),
        false => (PlanAction::Return, "returned", "return"),
    };
    let Some(to) = plan.status.after(action) else {
        return Err(not_now(plan.status, verb));
    };
    if !store::decide(
        conn,
        id,
        to,
        comment.as_deref(),
        user.user_id,
        now.naive_utc(),
    )? {
        return Err(not_now(plan.status, verb));
    }
    let mut recipients = db::users::bureau_admins_over(conn, &plan.org_path)?;
    if let Some(by) = plan.submitted_by
        && !recipients.contains(&by)
    {
        recipients.push(by);
    }
    let title = match approve {
        true => "实施方案已通过",
        false => "实施方案被退回修改",
    };
    for r in recipients {
        db::notifications::push(
            conn,
            Notice {
                recipient: Recipient::User(r),
                kind: if approve {
                    "implementation_plan_approved"
                } else {
                    "implementation_plan_returned"
                },
                title: title.into(),
                body: comment.clone().unwrap_or_default(),
                entity: Some(("implementation_plan", id.to_string())),
                dedupe_key: None,
            },
        )?;
    }
    audit(
        conn,
        user,
        &plan,
        act,
        serde_json::json!({ "status": to.as_str(), "comment": comment }),
    )?;
    let row = reload(conn, id)?;
    plan_view(conn, row, None)
}

/// The bureau's evaluation once the period is over, on an approved plan.
pub fn write_summary(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    text: String,
    now: DateTime<Utc>,
) -> ApiResult<PlanView> {
    let plan =
        load_in_reach::<PlanRow>(conn, user, id, Access::Act(Action::EditImplementationPlans))?;
    let mut problems = Vec::new();
    text_problem("summary_evaluation", &text, MAX_LONG_TEXT, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let campaign = store::find_campaign(conn, plan.campaign_id)?
        .ok_or_else(|| ApiError::internal("campaign vanished"))?;
    let today = local_date(now);
    if !rules::may_write_summary(plan.status, campaign.period_to, today) {
        return Err(match today > campaign.period_to {
            true => not_now(plan.status, "evaluated"),
            false => ApiError::conflict(
                ErrorCode::TooEarly,
                "the summary evaluation is written after the campaign's period",
            ),
        });
    }
    store::write_summary(conn, id, text.trim(), now.naive_utc())?;
    audit(conn, user, &plan, "summary", serde_json::json!({}))?;
    let row = reload(conn, id)?;
    plan_view(conn, row, None)
}

/// Midnight China time at the start of `day`, as a UTC instant.
fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) - Duration::hours(8)
}

fn progress(conn: &mut DbConn, plan: &PlanRow, campaign: &CampaignRow) -> ApiResult<Progress> {
    let w = Window {
        org_path: plan.org_path.clone(),
        province: plan.province.clone(),
        from: day_start(campaign.period_from),
        until: day_start(campaign.period_to + Duration::days(1)),
        first_day: campaign.period_from,
        last_day: campaign.period_to,
    };
    let item = |measure, target: i32, actual| ProgressItem {
        measure,
        code: None,
        target: i64::from(target),
        actual,
    };
    let minutes = store::verified_minutes(conn, &w)?;
    let mut items = vec![
        item(
            "volunteers_registered",
            plan.target_volunteers_registered,
            store::volunteers_registered(conn, &w)?,
        ),
        item(
            "volunteers_trained",
            plan.target_volunteers_trained,
            store::volunteers_trained(conn, &w)?,
        ),
    ];
    let targets = store::activity_targets(conn, plan.id)?;
    for (dimension, measure, actual) in [
        (
            TARGET_GROUP,
            "activities_by_target_group",
            store::activities_by_target_group(conn, &w)?,
        ),
        (
            FORM,
            "activities_by_form",
            store::activities_by_form(conn, &w)?,
        ),
    ] {
        let actual: HashMap<String, i64> = actual.into_iter().map(|c| (c.code, c.n)).collect();
        for t in targets.iter().filter(|t| t.dimension == dimension) {
            items.push(ProgressItem {
                measure,
                code: Some(t.code.clone()),
                target: i64::from(t.target),
                actual: actual.get(&t.code).copied().unwrap_or(0),
            });
        }
    }
    items.push(item(
        "spring_rain_teams_sent",
        plan.target_teams_sent,
        store::teams_sent(conn, &w)?,
    ));
    items.push(item(
        "spring_rain_teams_received",
        plan.target_teams_received,
        store::teams_received(conn, &w)?,
    ));
    items.push(item(
        "verified_hours",
        plan.target_verified_hours,
        minutes / 60,
    ));
    Ok(Progress {
        period_from: campaign.period_from,
        period_to: campaign.period_to,
        items,
        verified_minutes: minutes,
    })
}

/// A plan with its progress.
pub fn get_plan(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<PlanView> {
    let plan = load_in_reach::<PlanRow>(conn, user, id, Access::Read)?;
    let campaign = store::find_campaign(conn, plan.campaign_id)?
        .ok_or_else(|| ApiError::internal("campaign vanished"))?;
    let progress = progress(conn, &plan, &campaign)?;
    plan_view(conn, plan, Some(progress))
}

/// The plans in the caller's reach, optionally of one campaign, by id (`limit + 1` items).
pub fn list_plans(
    conn: &mut DbConn,
    user: &Principal,
    campaign_id: Option<i64>,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<PlanView>> {
    let scope = user.require(Action::ReadImplementationPlans)?;
    store::list_plans(conn, scope.org_path_prefix(), campaign_id, after_id, limit)?
        .into_iter()
        .map(|r| plan_view(conn, r, None))
        .collect()
}

/// A province that has not submitted its plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingProvince {
    pub organization_id: i64,
    pub name: String,
    pub region_code: String,
    /// Its plan, if it has one (a draft, or returned by the ministry).
    pub plan_id: Option<i64>,
    pub plan_status: Option<PlanStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissingView {
    pub campaign_id: i64,
    pub due_date: NaiveDate,
    /// Whether the due date has passed (China time).
    pub overdue: bool,
    pub provinces: Vec<MissingProvince>,
}

/// PLAN-01: the province-level bureaus in the caller's reach whose plan is not submitted (none,
/// a draft, or returned).
pub fn missing(
    conn: &mut DbConn,
    user: &Principal,
    campaign_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<MissingView> {
    let scope = user.require(Action::ReadImplementationPlans)?;
    let campaign = load_in_reach::<CampaignRow>(conn, user, campaign_id, Access::Read)?;
    let provinces = store::provinces_with_plans(conn, campaign.id)?
        .into_iter()
        .filter(|p| scope.contains(&p.org_path))
        .map(|p| MissingProvince {
            organization_id: p.organization_id,
            name: p.name,
            region_code: p.region_code,
            plan_id: p.plan_id,
            plan_status: p.status.as_deref().and_then(PlanStatus::parse),
        })
        .filter(|p| !p.plan_status.is_some_and(PlanStatus::counts_as_submitted))
        .collect();
    Ok(MissingView {
        campaign_id: campaign.id,
        due_date: campaign.due_date,
        overdue: local_date(now) > campaign.due_date,
        provinces,
    })
}
