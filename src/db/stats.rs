//! Statistics: every figure is one grouped SQL aggregate (COUNT / SUM / GROUP BY); no row of a
//! fact table is ever loaded. Raw SQL (the same text on SQLite and PostgreSQL) because the
//! groupings — an organisation's ancestor, a month — are expressions diesel's DSL cannot
//! group by through `MultiConnection`.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamp};

use super::schema::organizations;
use super::{DbConn, MultiBackend, subtree_bounds};
use crate::domain::stats::{Dimension, Period};

/// What the figures cover: an organisation subtree (`None`: the whole country) and a period.
#[derive(Debug, Clone)]
pub struct StatsFilter {
    pub subtree: Option<String>,
    pub period: Period,
}

enum Bind {
    Text(String),
    Date(NaiveDate),
    Instant(NaiveDateTime),
}

/// A statement under construction: text and its parameters, numbered in the order they are
/// written (SQLite numbers `$n` by first appearance).
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

/// Activities carry Beijing time (the service's default zone, and the official time in
/// Xinjiang and Tibet too): a period's days start at 00:00 there, 16:00 UTC the day before.
const CHINA_OFFSET_HOURS: i64 = 8;

impl Sql {
    fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            binds: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn param(&mut self, bind: Bind) -> &mut Self {
        self.binds.push(bind);
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// ` AND col` inside the filter's subtree.
    fn in_scope(&mut self, col: &str, f: &StatsFilter) -> &mut Self {
        if let Some(root) = &f.subtree {
            let (lo, hi) = subtree_bounds(root);
            self.push(&format!(" AND {col} >= "))
                .param(Bind::Text(lo))
                .push(&format!(" AND {col} < "))
                .param(Bind::Text(hi));
        }
        self
    }

    /// ` AND col` (a DATE) inside the period.
    fn on_days(&mut self, col: &str, p: &Period) -> &mut Self {
        if let Some(from) = p.from {
            self.push(&format!(" AND {col} >= "))
                .param(Bind::Date(from));
        }
        if let Some(to) = p.to {
            self.push(&format!(" AND {col} <= ")).param(Bind::Date(to));
        }
        self
    }

    /// ` AND col` (a UTC TIMESTAMP) on one of the period's Beijing days.
    fn at_times(&mut self, col: &str, p: &Period) -> &mut Self {
        let midnight =
            |d: NaiveDate| d.and_time(NaiveTime::MIN) - Duration::hours(CHINA_OFFSET_HOURS);
        if let Some(from) = p.from {
            self.push(&format!(" AND {col} >= "))
                .param(Bind::Instant(midnight(from)));
        }
        if let Some(next) = p.to.and_then(|t| t.succ_opt()) {
            self.push(&format!(" AND {col} < "))
                .param(Bind::Instant(midnight(next)));
        }
        self
    }

    fn load<T: QueryableByName<MultiBackend> + 'static>(
        self,
        conn: &mut DbConn,
    ) -> QueryResult<Vec<T>> {
        let mut query = diesel::sql_query(self.text).into_boxed::<MultiBackend>();
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Date(v) => query.bind::<Date, _>(v),
                Bind::Instant(v) => query.bind::<Timestamp, _>(v),
            };
        }
        query.load(conn)
    }
}

/// Where a figure comes from; each names its organisation-path column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// `service_records r` (current versions) with their `activities a`
    Records,
    /// `activities a`
    Activities,
    /// `activity_people_reached p` with their `activities a`
    Reached,
    /// `volunteers v`
    Volunteers,
}

impl Source {
    fn org_path(self) -> &'static str {
        match self {
            Source::Records => "r.org_path",
            Source::Activities | Source::Reached => "a.org_path",
            Source::Volunteers => "v.org_path",
        }
    }
}

/// The depth of organisation `g` in the tree: `/1/15/` has three slashes, depth 2.
const G_DEPTH: &str = "(length(g.path) - length(replace(g.path, '/', '')) - 1)";

/// The extra join and the key expression that group `source` by `dim`; `None` when the
/// dimension means nothing for the source (volunteers have no form).
fn grouping(dim: Option<Dimension>, source: Source) -> Option<(String, String)> {
    let Some(dim) = dim else {
        return Some((String::new(), "CAST(NULL AS TEXT)".into()));
    };
    let col = source.org_path();
    let on_activity = |key: &str| match source {
        Source::Volunteers => None,
        _ => Some((String::new(), key.to_string())),
    };
    match dim {
        Dimension::Organization => Some((
            format!(" JOIN organizations g ON g.path = {col}"),
            "g.path".into(),
        )),
        Dimension::Province | Dimension::Prefecture => {
            let depth = dim.org_depth().unwrap_or(2);
            // An organisation at the depth takes its whole subtree; one above it (the
            // ministry, for provinces) only what it owns itself.
            Some((
                format!(
                    " JOIN organizations g ON (({G_DEPTH} = {depth} AND {col} >= g.path \
                     AND {col} < substr(g.path, 1, length(g.path) - 1) || '0') \
                     OR ({G_DEPTH} < {depth} AND {col} = g.path))"
                ),
                "g.path".into(),
            ))
        }
        Dimension::TargetGroup => match source {
            Source::Reached => Some((String::new(), "p.target_group_code".into())),
            _ => None,
        },
        Dimension::Form => on_activity("a.form"),
        Dimension::Programme => on_activity("a.programme"),
        Dimension::Month => match source {
            Source::Records => Some((
                String::new(),
                "substr(CAST(r.service_date AS TEXT), 1, 7)".into(),
            )),
            Source::Volunteers => None,
            _ => Some((
                String::new(),
                "substr(CAST(a.starts_at AS TEXT), 1, 7)".into(),
            )),
        },
    }
}

fn group_by(dim: Option<Dimension>, key: &str) -> String {
    match dim {
        Some(_) => format!(" GROUP BY {key}"),
        None => String::new(),
    }
}

/// A count per key (`None`: the total, or no value).
#[derive(Debug, Clone, QueryableByName)]
pub struct Keyed {
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct RecordFigures {
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub records: i64,
    #[diesel(sql_type = BigInt)]
    pub minutes: i64,
    /// Distinct volunteers with a verified record: active in the period.
    #[diesel(sql_type = BigInt)]
    pub volunteers: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ActivityFigures {
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub activities: i64,
    /// Spring Rain deployments (activities of the programme).
    #[diesel(sql_type = BigInt)]
    pub spring_rain: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ReachedFigures {
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub people: i64,
    #[diesel(sql_type = BigInt)]
    pub activities: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LevelCount {
    #[diesel(sql_type = Integer)]
    pub level: i32,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Verified service: current record versions dated in the period, by the organiser's path.
pub fn records(
    conn: &mut DbConn,
    f: &StatsFilter,
    dim: Option<Dimension>,
) -> QueryResult<Vec<RecordFigures>> {
    let Some((join, key)) = grouping(dim, Source::Records) else {
        return Ok(Vec::new());
    };
    let activity_join = match dim {
        Some(Dimension::Form | Dimension::Programme) => {
            " JOIN activities a ON a.id = r.activity_id"
        }
        _ => "",
    };
    let mut sql = Sql::new(format!(
        "SELECT {key} AS key, COUNT(*) AS records, \
         CAST(COALESCE(SUM(r.minutes), 0) AS BIGINT) AS minutes, \
         COUNT(DISTINCT r.volunteer_id) AS volunteers \
         FROM service_records r{activity_join}{join} WHERE r.is_current = TRUE"
    ));
    sql.in_scope("r.org_path", f)
        .on_days("r.service_date", &f.period);
    sql.push(&group_by(dim, &key));
    sql.load(conn)
}

/// Activities held (neither draft nor cancelled) starting in the period, and how many of them
/// are Spring Rain deployments.
pub fn activities(
    conn: &mut DbConn,
    f: &StatsFilter,
    dim: Option<Dimension>,
) -> QueryResult<Vec<ActivityFigures>> {
    let Some((join, key)) = grouping(dim, Source::Activities) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new(format!(
        "SELECT {key} AS key, COUNT(*) AS activities, \
         CAST(COALESCE(SUM(CASE WHEN a.programme = 'spring_rain' THEN 1 ELSE 0 END), 0) AS BIGINT) AS spring_rain \
         FROM activities a{join} WHERE a.status NOT IN ('draft', 'cancelled')"
    ));
    sql.in_scope("a.org_path", f)
        .at_times("a.starts_at", &f.period);
    sql.push(&group_by(dim, &key));
    sql.load(conn)
}

/// People reached (reported per activity and target group) by activities starting in the
/// period, and how many activities reported some.
pub fn people_reached(
    conn: &mut DbConn,
    f: &StatsFilter,
    dim: Option<Dimension>,
) -> QueryResult<Vec<ReachedFigures>> {
    let Some((join, key)) = grouping(dim, Source::Reached) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new(format!(
        "SELECT {key} AS key, CAST(COALESCE(SUM(p.people), 0) AS BIGINT) AS people, \
         COUNT(DISTINCT p.activity_id) AS activities \
         FROM activity_people_reached p JOIN activities a ON a.id = p.activity_id{join} \
         WHERE a.status <> 'cancelled'"
    ));
    sql.in_scope("a.org_path", f)
        .at_times("a.starts_at", &f.period);
    sql.push(&group_by(dim, &key));
    sql.load(conn)
}

/// People reached per target group (the overview's table).
pub fn people_reached_by_group(
    conn: &mut DbConn,
    f: &StatsFilter,
) -> QueryResult<Vec<ReachedFigures>> {
    people_reached(conn, f, Some(Dimension::TargetGroup))
}

/// Registered volunteers (any status) per group of an organisational dimension, or in total.
pub fn volunteers(
    conn: &mut DbConn,
    f: &StatsFilter,
    dim: Option<Dimension>,
) -> QueryResult<Vec<Keyed>> {
    let Some((join, key)) = grouping(dim, Source::Volunteers) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new(format!(
        "SELECT {key} AS key, COUNT(*) AS n FROM volunteers v{join} WHERE 1 = 1"
    ));
    sql.in_scope("v.org_path", f);
    sql.push(&group_by(dim, &key));
    sql.load(conn)
}

/// Volunteers of the subtree per value of `expr` (a column of `v`, or an expression).
fn volunteers_by(conn: &mut DbConn, f: &StatsFilter, expr: &str) -> QueryResult<Vec<Keyed>> {
    let mut sql = Sql::new(format!(
        "SELECT {expr} AS key, COUNT(*) AS n FROM volunteers v WHERE 1 = 1"
    ));
    sql.in_scope("v.org_path", f);
    sql.push(&format!(" GROUP BY {expr}"));
    sql.load(conn)
}

pub fn volunteers_by_status(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<Vec<Keyed>> {
    volunteers_by(conn, f, "v.status")
}

pub fn volunteers_by_sex(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<Vec<Keyed>> {
    volunteers_by(conn, f, "v.sex")
}

/// Volunteers not withdrawn per age band; `cuts` as `domain::stats::age_band_cuts`.
pub fn volunteers_by_age_band(
    conn: &mut DbConn,
    f: &StatsFilter,
    cuts: &[(&'static str, Option<NaiveDate>)],
) -> QueryResult<Vec<Keyed>> {
    // The cut-offs are dates the service computed, written as literals so that the CASE is
    // one expression to group by (a bound parameter would differ between SELECT and GROUP BY).
    let mut case = String::from("CASE");
    for (band, cut) in cuts {
        match cut {
            Some(cut) => case.push_str(&format!(
                " WHEN v.birth_date > '{}' THEN '{band}'",
                cut.format("%Y-%m-%d")
            )),
            None => case.push_str(&format!(" ELSE '{band}'")),
        }
    }
    case.push_str(" END");
    volunteers_by(conn, f, &case)
}

/// Volunteers of the subtree holding a training certificate issued in the period (trained),
/// and those whose certificate is valid on `day` (certified): neither revoked nor expired.
pub fn trained_and_certified(
    conn: &mut DbConn,
    f: &StatsFilter,
    day: NaiveDate,
) -> QueryResult<(i64, i64)> {
    let count = |conn: &mut DbConn, valid_on: Option<NaiveDate>| -> QueryResult<i64> {
        let mut sql = Sql::new(
            "SELECT CAST(NULL AS TEXT) AS key, COUNT(DISTINCT c.volunteer_id) AS n \
             FROM training_certificates c JOIN volunteers v ON v.id = c.volunteer_id \
             WHERE c.revoked_at IS NULL",
        );
        sql.in_scope("v.org_path", f);
        match valid_on {
            Some(day) => {
                sql.push(" AND c.issued_on <= ")
                    .param(Bind::Date(day))
                    .push(" AND (c.expires_on IS NULL OR c.expires_on >= ")
                    .param(Bind::Date(day))
                    .push(")");
            }
            None => {
                sql.on_days("c.issued_on", &f.period);
            }
        }
        Ok(sql.load::<Keyed>(conn)?.first().map_or(0, |k| k.n))
    };
    Ok((count(conn, None)?, count(conn, Some(day))?))
}

/// Star levels granted (STAR-02) to volunteers of the subtree, per level.
pub fn stars(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<Vec<LevelCount>> {
    let mut sql = Sql::new(
        "SELECT s.level AS level, COUNT(*) AS n FROM star_awards s \
         JOIN volunteers v ON v.id = s.volunteer_id WHERE s.status = 'granted'",
    );
    sql.in_scope("v.org_path", f);
    sql.push(" GROUP BY s.level");
    sql.load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct OpinionFigures {
    #[diesel(sql_type = BigInt)]
    pub opinions: i64,
    #[diesel(sql_type = BigInt)]
    pub issues: i64,
    #[diesel(sql_type = BigInt)]
    pub answered: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
}

/// Opinions heard in the period (FB-01/02): all, those raising an issue, issues answered,
/// and issues still unanswered after their due day as of `today`.
pub fn opinions(
    conn: &mut DbConn,
    f: &StatsFilter,
    today: NaiveDate,
) -> QueryResult<OpinionFigures> {
    let count = |cond: &str| {
        format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let mut sql = Sql::new(format!(
        "SELECT COUNT(*) AS opinions, {} AS issues, {} AS answered, ",
        count("o.is_issue"),
        count("o.is_issue AND o.answered_at IS NOT NULL"),
    ));
    // Overdue as `domain::voice::answer_overdue`: unanswered after the due day.
    sql.push(
        "CAST(COALESCE(SUM(CASE WHEN o.is_issue AND o.answered_at IS NULL AND o.answer_due_on < ",
    )
    .param(Bind::Date(today))
    .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue FROM opinions o WHERE 1 = 1");
    sql.in_scope("o.org_path", f)
        .on_days("o.heard_on", &f.period);
    Ok(sql.load(conn)?.pop().unwrap_or(OpinionFigures {
        opinions: 0,
        issues: 0,
        answered: 0,
        overdue: 0,
    }))
}

/// Rectification ledger items opened in the period, per status (FB-03).
pub fn ledger_by_status(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<Vec<Keyed>> {
    let mut sql =
        Sql::new("SELECT i.status AS key, COUNT(*) AS n FROM rectification_items i WHERE 1 = 1");
    sql.in_scope("i.org_path", f)
        .at_times("i.created_at", &f.period);
    sql.push(" GROUP BY i.status");
    sql.load(conn)
}

/// Names of the organisations at `paths`.
pub fn organisation_names(
    conn: &mut DbConn,
    paths: Vec<String>,
) -> QueryResult<Vec<(String, String)>> {
    organizations::table
        .filter(organizations::path.eq_any(paths))
        .select((organizations::path, organizations::name))
        .load(conn)
}
