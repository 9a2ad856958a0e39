//! PLAN-01: campaigns with their stages, provincial implementation plans with their targets,
//! and the actual figures a plan's progress compares them with (aggregated here, in SQL).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};

use super::schema::{
    implementation_plan_activity_targets as targets, implementation_plans as plans, organizations,
    plan_campaign_stages as stages, plan_campaigns as campaigns,
};
use super::{DbConn, subtree_bounds};
use crate::domain::implementation_plan::PlanStatus;

#[derive(Debug, Clone, Queryable)]
pub struct CampaignRow {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub due_date: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = campaigns)]
pub struct NewCampaignRow {
    pub year: i32,
    pub title: String,
    pub due_date: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct StageRow {
    pub id: i64,
    pub campaign_id: i64,
    pub position: i32,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = stages)]
pub struct NewStageRow {
    pub campaign_id: i64,
    pub position: i32,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Queryable)]
pub struct PlanRow {
    pub id: i64,
    pub campaign_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub province: String,
    pub status: PlanStatus,
    pub measures: String,
    pub target_volunteers_registered: i32,
    pub target_volunteers_trained: i32,
    pub target_teams_sent: i32,
    pub target_teams_received: i32,
    pub target_verified_hours: i32,
    pub late: bool,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub review_comment: Option<String>,
    pub summary_evaluation: Option<String>,
    pub summary_written_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// The targets a bureau sets (new plan or edit).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = plans)]
pub struct PlanTargets {
    pub measures: String,
    pub target_volunteers_registered: i32,
    pub target_volunteers_trained: i32,
    pub target_teams_sent: i32,
    pub target_teams_received: i32,
    pub target_verified_hours: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlanRow {
    pub campaign_id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub province: String,
    pub status: &'static str,
    pub measures: String,
    pub target_volunteers_registered: i32,
    pub target_volunteers_trained: i32,
    pub target_teams_sent: i32,
    pub target_teams_received: i32,
    pub target_verified_hours: i32,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An activity target: `dimension` is `target_group` or `form`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ActivityTarget {
    pub dimension: String,
    pub code: String,
    pub target: i32,
}

pub fn insert_campaign(
    conn: &mut DbConn,
    row: &NewCampaignRow,
    stage_rows: &[(String, NaiveDate, NaiveDate)],
) -> QueryResult<CampaignRow> {
    let id: i64 = diesel::insert_into(campaigns::table)
        .values(row)
        .returning(campaigns::id)
        .get_result(conn)?;
    for (i, (name, from, to)) in stage_rows.iter().enumerate() {
        diesel::insert_into(stages::table)
            .values(&NewStageRow {
                campaign_id: id,
                position: i as i32 + 1,
                name: name.clone(),
                starts_on: *from,
                ends_on: *to,
            })
            .execute(conn)?;
    }
    campaigns::table.find(id).first(conn)
}

pub fn find_campaign(conn: &mut DbConn, id: i64) -> QueryResult<Option<CampaignRow>> {
    campaigns::table.find(id).first(conn).optional()
}

pub fn stages_of(conn: &mut DbConn, campaign_id: i64) -> QueryResult<Vec<StageRow>> {
    stages::table
        .filter(stages::campaign_id.eq(campaign_id))
        .order(stages::position)
        .load(conn)
}

/// Campaigns by id, one page (`limit + 1` rows).
pub fn list_campaigns(
    conn: &mut DbConn,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<CampaignRow>> {
    let mut q = campaigns::table.into_boxed();
    if let Some(after) = after_id {
        q = q.filter(campaigns::id.gt(after));
    }
    q.order(campaigns::id).limit(limit + 1).load(conn)
}

pub fn insert_plan(
    conn: &mut DbConn,
    row: &NewPlanRow,
    activity_targets: &[ActivityTarget],
) -> QueryResult<PlanRow> {
    let id: i64 = diesel::insert_into(plans::table)
        .values(row)
        .returning(plans::id)
        .get_result(conn)?;
    replace_targets(conn, id, activity_targets)?;
    plans::table.find(id).first(conn)
}

fn replace_targets(conn: &mut DbConn, plan_id: i64, rows: &[ActivityTarget]) -> QueryResult<()> {
    diesel::delete(targets::table.filter(targets::plan_id.eq(plan_id))).execute(conn)?;
    for t in rows {
        diesel::insert_into(targets::table)
            .values((
                targets::plan_id.eq(plan_id),
                targets::dimension.eq(&t.dimension),
                targets::code.eq(&t.code),
                targets::target.eq(t.target),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_plan(conn: &mut DbConn, id: i64) -> QueryResult<Option<PlanRow>> {
    plans::table.find(id).first(conn).optional()
}

pub fn activity_targets(conn: &mut DbConn, plan_id: i64) -> QueryResult<Vec<ActivityTarget>> {
    targets::table
        .filter(targets::plan_id.eq(plan_id))
        .order((targets::dimension.desc(), targets::code))
        .select((targets::dimension, targets::code, targets::target))
        .load(conn)
}

/// Plans whose organisation lies in `subtree` (`None`: all), optionally of one campaign, by
/// id, one page (`limit + 1` rows).
pub fn list_plans(
    conn: &mut DbConn,
    subtree: Option<&str>,
    campaign_id: Option<i64>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<PlanRow>> {
    let mut q = plans::table.into_boxed();
    if let Some(path) = subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(plans::org_path.ge(lo).and(plans::org_path.lt(hi)));
    }
    if let Some(c) = campaign_id {
        q = q.filter(plans::campaign_id.eq(c));
    }
    if let Some(after) = after_id {
        q = q.filter(plans::id.gt(after));
    }
    q.order(plans::id).limit(limit + 1).load(conn)
}

/// Changes the targets of plan `id` at `version` in `editable` status; `false` when it
/// changed meanwhile.
pub fn update_targets(
    conn: &mut DbConn,
    id: i64,
    version: i32,
    editable: PlanStatus,
    fields: &PlanTargets,
    activity_targets: &[ActivityTarget],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .find(id)
            .filter(plans::version.eq(version))
            .filter(plans::status.eq(editable.as_str())),
    )
    .set((
        fields,
        plans::updated_at.eq(now),
        plans::version.eq(version + 1),
    ))
    .execute(conn)?;
    if n == 1 {
        replace_targets(conn, id, activity_targets)?;
    }
    Ok(n == 1)
}

/// Submits plan `id` from status `from`, with the first submission's instant and lateness
/// (the first submission decides both). `false` when the plan changed meanwhile.
pub fn submit(
    conn: &mut DbConn,
    id: i64,
    from: PlanStatus,
    (first_submitted_at, late): (NaiveDateTime, bool),
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .find(id)
            .filter(plans::status.eq(from.as_str())),
    )
    .set((
        plans::status.eq(PlanStatus::Submitted.as_str()),
        plans::late.eq(late),
        plans::first_submitted_at.eq(first_submitted_at),
        plans::submitted_at.eq(now),
        plans::submitted_by.eq(by),
        plans::updated_at.eq(now),
        plans::version.eq(plans::version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The ministry's decision on a submitted plan; `false` when it is no longer submitted.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    to: PlanStatus,
    comment: Option<&str>,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .find(id)
            .filter(plans::status.eq(PlanStatus::Submitted.as_str())),
    )
    .set((
        plans::status.eq(to.as_str()),
        plans::review_comment.eq(comment),
        plans::decided_at.eq(now),
        plans::decided_by.eq(by),
        plans::updated_at.eq(now),
        plans::version.eq(plans::version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn write_summary(
    conn: &mut DbConn,
    id: i64,
    text: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(plans::table.find(id))
        .set((
            plans::summary_evaluation.eq(text),
            plans::summary_written_at.eq(now),
            plans::updated_at.eq(now),
            plans::version.eq(plans::version + 1),
        ))
        .execute(conn)
}

/// A province-level bureau (the XPCC included) and its plan's status for a campaign, if any.
#[derive(Debug, Clone, Queryable)]
pub struct ProvinceStatus {
    pub organization_id: i64,
    pub name: String,
    pub region_code: String,
    pub org_path: String,
    pub plan_id: Option<i64>,
    pub status: Option<String>,
}

/// Every province-level bureau with its plan for `campaign_id` (or none), by organisation id.
pub fn provinces_with_plans(
    conn: &mut DbConn,
    campaign_id: i64,
) -> QueryResult<Vec<ProvinceStatus>> {
    organizations::table
        .left_join(
            plans::table.on(plans::organization_id
                .eq(organizations::id)
                .and(plans::campaign_id.eq(campaign_id))),
        )
        .filter(organizations::kind.eq("provincial_bureau"))
        .order(organizations::id)
        .select((
            organizations::id,
            organizations::name,
            organizations::region_code,
            organizations::path,
            plans::id.nullable(),
            plans::status.nullable(),
        ))
        .load(conn)
}

#[derive(Debug, QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A figure per code (target group or form).
#[derive(Debug, Clone, QueryableByName)]
pub struct CodeCount {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Where and when a plan's actual figures are counted: the province's subtree (its
/// organisation path and 2-digit code) over the campaign's period, as UTC instants
/// `[from, until)` for timestamps and inclusive dates for day-valued columns.
#[derive(Debug, Clone)]
pub struct Window {
    pub org_path: String,
    pub province: String,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// Activities that took or take place: neither drafts nor cancelled.
const HELD: &str = "a.status IN ('published', 'in_progress', 'completed')";

/// `sql` counts with `$1`/`$2` the subtree's path bounds and `$3`/`$4` the period: as UTC
/// instants `[from, until)` or, with `days`, as inclusive dates.
fn count(conn: &mut DbConn, sql: &str, w: &Window, days: bool) -> QueryResult<i64> {
    let (lo, hi) = subtree_bounds(&w.org_path);
    let q = diesel::sql_query(sql)
        .bind::<Text, _>(lo)
        .bind::<Text, _>(hi);
    let row: Count = match days {
        true => q
            .bind::<Date, _>(w.first_day)
            .bind::<Date, _>(w.last_day)
            .get_result(conn)?,
        false => q
            .bind::<Timestamp, _>(w.from)
            .bind::<Timestamp, _>(w.until)
            .get_result(conn)?,
    };
    Ok(row.n)
}

/// Volunteers registered in the province during the period.
pub fn volunteers_registered(conn: &mut DbConn, w: &Window) -> QueryResult<i64> {
    count(
        conn,
        "SELECT COUNT(*) AS n FROM volunteers v \
         WHERE v.org_path >= $1 AND v.org_path < $2 AND v.created_at >= $3 AND v.created_at < $4",
        w,
        false,
    )
}

/// Volunteers of the province certified by a training (not revoked) during the period.
pub fn volunteers_trained(conn: &mut DbConn, w: &Window) -> QueryResult<i64> {
    count(
        conn,
        "SELECT COUNT(DISTINCT c.volunteer_id) AS n FROM training_certificates c \
         JOIN volunteers v ON v.id = c.volunteer_id \
         WHERE v.org_path >= $1 AND v.org_path < $2 AND c.issued_on >= $3 AND c.issued_on <= $4 \
         AND c.revoked_at IS NULL",
        w,
        true,
    )
}

/// Spring Rain teams the province's organisations sent out during the period.
pub fn teams_sent(conn: &mut DbConn, w: &Window) -> QueryResult<i64> {
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM activities a \
             WHERE a.org_path >= $1 AND a.org_path < $2 AND a.starts_at >= $3 AND a.starts_at < $4 \
             AND a.programme = 'spring_rain' AND {HELD}"
        ),
        w,
        false,
    )
}

/// Spring Rain teams serving at places in the province during the period.
pub fn teams_received(conn: &mut DbConn, w: &Window) -> QueryResult<i64> {
    let row: Count = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM activities a \
         WHERE a.region_code LIKE $1 AND a.starts_at >= $2 AND a.starts_at < $3 \
         AND a.programme = 'spring_rain' AND {HELD}"
    ))
    .bind::<Text, _>(format!("{}%", w.province))
    .bind::<Timestamp, _>(w.from)
    .bind::<Timestamp, _>(w.until)
    .get_result(conn)?;
    Ok(row.n)
}

/// Verified minutes (current record versions) of service organised in the province, served
/// during the period.
pub fn verified_minutes(conn: &mut DbConn, w: &Window) -> QueryResult<i64> {
    count(
        conn,
        "SELECT CAST(COALESCE(SUM(r.minutes), 0) AS BIGINT) AS n FROM service_records r \
         WHERE r.org_path >= $1 AND r.org_path < $2 AND r.service_date >= $3 \
         AND r.service_date <= $4 AND r.is_current = TRUE",
        w,
        true,
    )
}

/// Activities held in the province during the period, per target group.
pub fn activities_by_target_group(conn: &mut DbConn, w: &Window) -> QueryResult<Vec<CodeCount>> {
    let (lo, hi) = subtree_bounds(&w.org_path);
    diesel::sql_query(format!(
        "SELECT t.code AS code, COUNT(a.id) AS n FROM target_groups t \
         JOIN activities a ON (';' || a.target_groups || ';') LIKE ('%;' || t.code || ';%') \
         WHERE a.org_path >= $1 AND a.org_path < $2 AND a.starts_at >= $3 AND a.starts_at < $4 \
         AND {HELD} GROUP BY t.code"
    ))
    .bind::<Text, _>(lo)
    .bind::<Text, _>(hi)
    .bind::<Timestamp, _>(w.from)
    .bind::<Timestamp, _>(w.until)
    .load(conn)
}

/// Activities held in the province during the period, per form.
pub fn activities_by_form(conn: &mut DbConn, w: &Window) -> QueryResult<Vec<CodeCount>> {
    let (lo, hi) = subtree_bounds(&w.org_path);
    diesel::sql_query(format!(
        "SELECT a.form AS code, COUNT(*) AS n FROM activities a \
         WHERE a.org_path >= $1 AND a.org_path < $2 AND a.starts_at >= $3 AND a.starts_at < $4 \
         AND {HELD} GROUP BY a.form"
    ))
    .bind::<Text, _>(lo)
    .bind::<Text, _>(hi)
    .bind::<Timestamp, _>(w.from)
    .bind::<Timestamp, _>(w.until)
    .load(conn)
}
