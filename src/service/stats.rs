//! Statistics of the caller's subtree: the overview and breakdowns (issue 11). Every figure is
//! a grouped aggregate computed by the database (`db::stats`); this module scopes, labels and
//! arranges them. A caller never sees figures of organisations outside its subtree.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::stats::{self as sql, StatsFilter};
use crate::db::{DbConn, reference};
use crate::domain::stats::{Dimension, Period, age_band_cuts, hours};
use crate::error::ApiResult;

/// The caller's statistics scope for a period: its subtree (`None` for the ministry).
fn filter(user: &Principal, period: Period) -> ApiResult<StatsFilter> {
    let scope = user.require(Action::ReadStatistics)?;
    Ok(StatsFilter {
        subtree: scope.org_path_prefix().map(String::from),
        period,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerFigures {
    /// Registered volunteers of the subtree, any status (a snapshot, not bound to the period).
    pub total: i64,
    /// Per status: `pending`, `active`, `suspended`, `withdrawn`.
    pub by_status: BTreeMap<String, i64>,
    /// Per sex (`male`, `female`; `unknown` when the ID type carries none).
    pub by_sex: BTreeMap<String, i64>,
    /// Per age band today (`0-13`, `14-17`, `18-29`, … `70+`).
    pub by_age_band: BTreeMap<String, i64>,
    /// Holding a training certificate issued in the period (not revoked).
    pub trained: i64,
    /// Holding a certificate valid at the end of the period (or today): neither revoked nor
    /// expired.
    pub certified: i64,
    /// With at least one verified service record dated in the period, by an organiser in
    /// the subtree.
    pub active_in_period: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceFigures {
    /// Current versions of verified service records dated in the period.
    pub records: i64,
    pub verified_minutes: i64,
    /// `verified_minutes` ÷ 60, to one decimal.
    pub verified_hours: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityFigures {
    /// Activities starting in the period, neither draft nor cancelled.
    pub held: i64,
    /// Spring Rain deployments among them (teams sent).
    pub spring_rain_teams: i64,
    /// Per form.
    pub by_form: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetGroupFigure {
    pub target_group: String,
    pub name_zh: String,
    /// People reached, as reported per activity.
    pub people: i64,
    /// Activities that reported reaching this group.
    pub activities: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub volunteers: VolunteerFigures,
    pub service: ServiceFigures,
    /// Star levels granted (STAR-02), per level `1`…`5`: a volunteer at 3★ counts once in
    /// each of `1`, `2` and `3`.
    pub stars: BTreeMap<String, i64>,
    pub activities: ActivityFigures,
    pub people_reached: Vec<TargetGroupFigure>,
    /// All people reached, over every target group.
    pub people_reached_total: i64,
    pub opinions: OpinionFigures,
    /// Rectification ledger items opened in the period, per status (FB-03).
    pub rectifications_by_status: BTreeMap<String, i64>,
}

/// Opinions of the people served, heard in the period (FB-01, FB-02).
#[derive(Debug, Serialize, ToSchema)]
pub struct OpinionFigures {
    pub opinions: i64,
    /// Opinions raising an issue (a rating of 2 or less, or marked by staff).
    pub issues: i64,
    /// Issues with their written answer.
    pub answered: i64,
    /// Issues without an answer after their due day.
    pub overdue: i64,
}

fn keyed(rows: Vec<sql::Keyed>) -> BTreeMap<String, i64> {
    rows.into_iter()
        .map(|k| (k.key.unwrap_or_else(|| "unknown".into()), k.n))
        .collect()
}

fn target_group_names(conn: &mut DbConn) -> ApiResult<HashMap<String, String>> {
    Ok(reference::target_groups(conn)?
        .into_iter()
        .map(|g| (g.code, g.name_zh))
        .collect())
}

/// The overview of the caller's subtree.
pub fn overview(
    conn: &mut DbConn,
    user: &Principal,
    period: Period,
    today: NaiveDate,
) -> ApiResult<Overview> {
    let f = filter(user, period)?;
    let by_status = keyed(sql::volunteers_by_status(conn, &f)?);
    let by_sex = keyed(sql::volunteers_by_sex(conn, &f)?);
    let by_age_band = keyed(sql::volunteers_by_age_band(
        conn,
        &f,
        &age_band_cuts(today),
    )?);
    let day = period.to.map_or(today, |to| to.min(today));
    let (trained, certified) = sql::trained_and_certified(conn, &f, day)?;
    let records = sql::records(conn, &f, None)?;
    let (n_records, minutes, active) = records
        .first()
        .map_or((0, 0, 0), |r| (r.records, r.minutes, r.volunteers));
    let stars = sql::stars(conn, &f)?
        .into_iter()
        .map(|l| (l.level.to_string(), l.n))
        .collect();
    let activities = sql::activities(conn, &f, Some(Dimension::Form))?;
    let names = target_group_names(conn)?;
    let reached = sql::people_reached_by_group(conn, &f)?;
    let people_reached: Vec<TargetGroupFigure> = reached
        .into_iter()
        .map(|r| {
            let code = r.key.unwrap_or_default();
            TargetGroupFigure {
                name_zh: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                target_group: code,
                people: r.people,
                activities: r.activities,
            }
        })
        .collect();
    let voice = sql::opinions(conn, &f, today)?;
    Ok(Overview {
        from: period.from,
        to: period.to,
        volunteers: VolunteerFigures {
            total: by_status.values().sum(),
            by_status,
            by_sex,
            by_age_band,
            trained,
            certified,
            active_in_period: active,
        },
        service: ServiceFigures {
            records: n_records,
            verified_minutes: minutes,
            verified_hours: hours(minutes),
        },
        stars,
        activities: ActivityFigures {
            held: activities.iter().map(|a| a.activities).sum(),
            spring_rain_teams: activities.iter().map(|a| a.spring_rain).sum(),
            by_form: activities
                .into_iter()
                .map(|a| (a.key.unwrap_or_default(), a.activities))
                .collect(),
        },
        people_reached_total: people_reached.iter().map(|g| g.people).sum(),
        people_reached,
        opinions: OpinionFigures {
            opinions: voice.opinions,
            issues: voice.issues,
            answered: voice.answered,
            overdue: voice.overdue,
        },
        rectifications_by_status: keyed(sql::ledger_by_status(conn, &f)?),
    })
}

/// One group of a breakdown. A figure the dimension cannot split (volunteers by form) is
/// `null`.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct BreakdownRow {
    /// The group: an organisation's path, a code, or `YYYY-MM`.
    pub key: String,
    /// The organisation's or code's name (Chinese), or the key itself.
    pub label: String,
    /// Registered volunteers (organisation dimensions only).
    pub volunteers: Option<i64>,
    /// Volunteers with a verified record in the period.
    pub active_volunteers: Option<i64>,
    pub service_records: Option<i64>,
    pub verified_minutes: Option<i64>,
    pub verified_hours: Option<f64>,
    /// Activities held; by target group: activities that reported reaching the group.
    pub activities: Option<i64>,
    pub spring_rain_teams: Option<i64>,
    pub people_reached: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Breakdown {
    /// The dimension: `province`, `prefecture`, `organization`, `target_group`, `form`,
    /// `programme` or `month`.
    pub by: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Ordered by key.
    pub rows: Vec<BreakdownRow>,
}

/// The figures of the caller's subtree grouped by `dim`.
pub fn breakdown(
    conn: &mut DbConn,
    user: &Principal,
    dim: Dimension,
    period: Period,
) -> ApiResult<Breakdown> {
    let f = filter(user, period)?;
    let mut rows: BTreeMap<String, BreakdownRow> = BTreeMap::new();
    for r in sql::records(conn, &f, Some(dim))? {
        let row = row_of(&mut rows, r.key);
        row.active_volunteers = Some(r.volunteers);
        row.service_records = Some(r.records);
        row.verified_minutes = Some(r.minutes);
        row.verified_hours = Some(hours(r.minutes));
    }
    if dim != Dimension::TargetGroup {
        for a in sql::activities(conn, &f, Some(dim))? {
            let row = row_of(&mut rows, a.key);
            row.activities = Some(a.activities);
            row.spring_rain_teams = Some(a.spring_rain);
        }
    }
    for p in sql::people_reached(conn, &f, Some(dim))? {
        let row = row_of(&mut rows, p.key);
        row.people_reached = p.people;
        if dim == Dimension::TargetGroup {
            row.activities = Some(p.activities);
        }
    }
    for v in sql::volunteers(conn, &f, Some(dim))? {
        row_of(&mut rows, v.key).volunteers = Some(v.n);
    }
    // Zero rather than "not applicable" where the dimension does split the figure but the
    // group has none of it.
    for r in rows.values_mut() {
        if dim.is_organisational() {
            r.volunteers.get_or_insert(0);
        }
        if dim != Dimension::TargetGroup {
            r.active_volunteers.get_or_insert(0);
            r.service_records.get_or_insert(0);
            r.verified_minutes.get_or_insert(0);
            r.verified_hours.get_or_insert(0.0);
            r.spring_rain_teams.get_or_insert(0);
        }
        r.activities.get_or_insert(0);
    }
    label(conn, dim, &mut rows)?;
    Ok(Breakdown {
        by: dim.as_str().to_string(),
        from: period.from,
        to: period.to,
        rows: rows.into_values().collect(),
    })
}

fn row_of(rows: &mut BTreeMap<String, BreakdownRow>, key: Option<String>) -> &mut BreakdownRow {
    let key = key.unwrap_or_else(|| "unknown".into());
    rows.entry(key.clone()).or_insert_with(|| BreakdownRow {
        label: key.clone(),
        key,
        ..Default::default()
    })
}

/// Names the groups: organisations by name, target groups and forms by their Chinese name.
fn label(
    conn: &mut DbConn,
    dim: Dimension,
    rows: &mut BTreeMap<String, BreakdownRow>,
) -> ApiResult<()> {
    let names: HashMap<String, String> = match dim {
        Dimension::Province | Dimension::Prefecture | Dimension::Organization => {
            sql::organisation_names(conn, rows.keys().cloned().collect())?
                .into_iter()
                .collect()
        }
        Dimension::TargetGroup => target_group_names(conn)?,
        Dimension::Form => reference::activity_forms(conn)?
            .into_iter()
            .map(|f| (f.code, f.name_zh))
            .collect(),
        Dimension::Programme | Dimension::Month => HashMap::new(),
    };
    for (key, row) in rows.iter_mut() {
        if let Some(name) = names.get(key) {
            row.label = name.clone();
        }
    }
    Ok(())
}
