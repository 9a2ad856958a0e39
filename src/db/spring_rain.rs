//! Spring Rain editions, pairings, the pairings taking part in an edition, and the edition
//! report's aggregates (grouped in SQL, one query per figure).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::schema::{
    activities, spring_rain_deployments, spring_rain_edition_pairings, spring_rain_editions,
    spring_rain_pairings,
};
use super::{DbConn, now};
use crate::domain::spring_rain::{ActionType, EditionStatus};

#[derive(Debug, Clone, Queryable)]
pub struct EditionRow {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub theme: String,
    pub plans_due_on: NaiveDate,
    pub status: EditionStatus,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = spring_rain_editions, treat_none_as_default_value = false)]
pub struct NewEditionRow {
    pub year: i32,
    pub title: String,
    pub theme: String,
    pub plans_due_on: NaiveDate,
    pub status: EditionStatus,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct PairingRow {
    pub id: i64,
    pub sending_province: String,
    pub receiving_region: String,
    pub start_year: i32,
    pub counterpart_aid: bool,
    pub intra_border_override: bool,
    pub override_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = spring_rain_pairings, treat_none_as_default_value = false)]
pub struct NewPairingRow {
    pub sending_province: String,
    pub receiving_region: String,
    pub start_year: i32,
    pub counterpart_aid: bool,
    pub intra_border_override: bool,
    pub override_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert_edition(conn: &mut DbConn, row: &NewEditionRow) -> QueryResult<EditionRow> {
    let id: i64 = diesel::insert_into(spring_rain_editions::table)
        .values(row)
        .returning(spring_rain_editions::id)
        .get_result(conn)?;
    spring_rain_editions::table.find(id).first(conn)
}

pub fn find_edition(conn: &mut DbConn, id: i64) -> QueryResult<Option<EditionRow>> {
    spring_rain_editions::table.find(id).first(conn).optional()
}

pub fn list_editions(
    conn: &mut DbConn,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<EditionRow>> {
    let mut q = spring_rain_editions::table.into_boxed();
    if let Some(after) = after_id {
        q = q.filter(spring_rain_editions::id.gt(after));
    }
    q.order(spring_rain_editions::id)
        .limit(limit + 1)
        .load(conn)
}

/// Moves the edition from `from` to `to`; `false` when it was no longer in `from`.
pub fn set_edition_status(
    conn: &mut DbConn,
    id: i64,
    from: EditionStatus,
    to: EditionStatus,
) -> QueryResult<bool> {
    let changed = diesel::update(
        spring_rain_editions::table
            .filter(spring_rain_editions::id.eq(id))
            .filter(spring_rain_editions::status.eq(from)),
    )
    .set((
        spring_rain_editions::status.eq(to),
        spring_rain_editions::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn insert_pairing(conn: &mut DbConn, row: &NewPairingRow) -> QueryResult<PairingRow> {
    let id: i64 = diesel::insert_into(spring_rain_pairings::table)
        .values(row)
        .returning(spring_rain_pairings::id)
        .get_result(conn)?;
    spring_rain_pairings::table.find(id).first(conn)
}

pub fn find_pairing(conn: &mut DbConn, id: i64) -> QueryResult<Option<PairingRow>> {
    spring_rain_pairings::table.find(id).first(conn).optional()
}

/// Pairings sent or received by the province with this 2-digit prefix (all when `None`).
pub fn list_pairings(
    conn: &mut DbConn,
    province: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<PairingRow>> {
    let mut q = spring_rain_pairings::table.into_boxed();
    if let Some(p) = province {
        let like = format!("{p}%");
        q = q.filter(
            spring_rain_pairings::sending_province
                .like(like.clone())
                .or(spring_rain_pairings::receiving_region.like(like)),
        );
    }
    if let Some(after) = after_id {
        q = q.filter(spring_rain_pairings::id.gt(after));
    }
    q.order(spring_rain_pairings::id)
        .limit(limit + 1)
        .load(conn)
}

/// The pairings taking part in an edition, by id; narrowed to one province's when given.
pub fn edition_pairings(
    conn: &mut DbConn,
    edition_id: i64,
    province: Option<&str>,
) -> QueryResult<Vec<PairingRow>> {
    let mut q = spring_rain_edition_pairings::table
        .inner_join(spring_rain_pairings::table)
        .filter(spring_rain_edition_pairings::edition_id.eq(edition_id))
        .select(spring_rain_pairings::all_columns)
        .into_boxed();
    if let Some(p) = province {
        let like = format!("{p}%");
        q = q.filter(
            spring_rain_pairings::sending_province
                .like(like.clone())
                .or(spring_rain_pairings::receiving_region.like(like)),
        );
    }
    q.order(spring_rain_pairings::id).load(conn)
}

pub fn takes_part(conn: &mut DbConn, edition_id: i64, pairing_id: i64) -> QueryResult<bool> {
    let n: i64 = spring_rain_edition_pairings::table
        .filter(spring_rain_edition_pairings::edition_id.eq(edition_id))
        .filter(spring_rain_edition_pairings::pairing_id.eq(pairing_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn add_to_edition(
    conn: &mut DbConn,
    edition_id: i64,
    pairing_id: i64,
    by: i64,
) -> QueryResult<()> {
    diesel::insert_into(spring_rain_edition_pairings::table)
        .values((
            spring_rain_edition_pairings::edition_id.eq(edition_id),
            spring_rain_edition_pairings::pairing_id.eq(pairing_id),
            spring_rain_edition_pairings::added_by.eq(Some(by)),
            spring_rain_edition_pairings::added_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One grouped figure: per pairing, per key (a form, an action type, a target group), or
/// with an empty key for per-pairing totals.
#[derive(Debug, Clone, QueryableByName)]
pub struct Figure {
    #[diesel(sql_type = BigInt)]
    pub pairing_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Per pairing: teams and volunteers.
#[derive(Debug, Clone, QueryableByName)]
pub struct TeamFigure {
    #[diesel(sql_type = BigInt)]
    pub pairing_id: i64,
    #[diesel(sql_type = BigInt)]
    pub teams: i64,
    #[diesel(sql_type = BigInt)]
    pub volunteers: i64,
}

/// The deployments of an edition that count — those naming a pairing and not cancelled — as
/// `a` (the activity) and `d` (its details), with `join` joined in before the filter.
fn deployments(join: &str) -> String {
    format!(
        "activities a JOIN spring_rain_deployments d ON d.activity_id = a.id {join} \
         WHERE d.edition_id = $1 AND d.pairing_id IS NOT NULL AND a.status <> 'cancelled'"
    )
}

fn figures(conn: &mut DbConn, sql: String, edition_id: i64) -> QueryResult<Vec<Figure>> {
    diesel::sql_query(sql)
        .bind::<BigInt, _>(edition_id)
        .load(conn)
}

/// Deployments per pairing and form.
pub fn deployments_by_form(conn: &mut DbConn, edition_id: i64) -> QueryResult<Vec<Figure>> {
    let from = deployments("");
    figures(
        conn,
        format!(
            "SELECT d.pairing_id AS pairing_id, a.form AS key, COUNT(*) AS n \
             FROM {from} GROUP BY d.pairing_id, a.form"
        ),
        edition_id,
    )
}

/// Deployments per pairing and action type (`NULL` key: none given).
pub fn deployments_by_action_type(conn: &mut DbConn, edition_id: i64) -> QueryResult<Vec<Figure>> {
    let from = deployments("");
    figures(
        conn,
        format!(
            "SELECT d.pairing_id AS pairing_id, d.action_type AS key, COUNT(*) AS n \
             FROM {from} GROUP BY d.pairing_id, d.action_type"
        ),
        edition_id,
    )
}

/// Teams (deployments with at least one confirmed member) and distinct volunteers per
/// pairing. A member counts from confirmation on (confirmed, checked in, completed).
pub fn teams(conn: &mut DbConn, edition_id: i64) -> QueryResult<Vec<TeamFigure>> {
    let from = deployments("JOIN assignments s ON s.activity_id = a.id");
    diesel::sql_query(format!(
        "SELECT d.pairing_id AS pairing_id, COUNT(DISTINCT s.activity_id) AS teams, \
         COUNT(DISTINCT s.volunteer_id) AS volunteers \
         FROM {from} AND s.status IN ('confirmed', 'checked_in', 'completed') \
         GROUP BY d.pairing_id"
    ))
    .bind::<BigInt, _>(edition_id)
    .load(conn)
}

/// Verified minutes per pairing: the current version of every service record.
pub fn verified_minutes(conn: &mut DbConn, edition_id: i64) -> QueryResult<Vec<Figure>> {
    let from = deployments("JOIN service_records r ON r.activity_id = a.id");
    figures(
        conn,
        format!(
            "SELECT d.pairing_id AS pairing_id, CAST(NULL AS TEXT) AS key, SUM(r.minutes) AS n \
             FROM {from} AND r.is_current = TRUE GROUP BY d.pairing_id"
        ),
        edition_id,
    )
}

/// People reached per pairing and target group.
pub fn people_reached(conn: &mut DbConn, edition_id: i64) -> QueryResult<Vec<Figure>> {
    let from = deployments("JOIN activity_people_reached p ON p.activity_id = a.id");
    figures(
        conn,
        format!(
            "SELECT d.pairing_id AS pairing_id, p.target_group_code AS key, SUM(p.people) AS n \
             FROM {from} GROUP BY d.pairing_id, p.target_group_code"
        ),
        edition_id,
    )
}

/// The edition's deployments still taking members (published, places left), in the subtree
/// `subtree` when given, by id.
pub fn open_deployments(
    conn: &mut DbConn,
    edition_id: i64,
    subtree: Option<&str>,
) -> QueryResult<Vec<i64>> {
    let mut q = spring_rain_deployments::table
        .inner_join(activities::table)
        .filter(spring_rain_deployments::edition_id.eq(edition_id))
        .filter(activities::status.eq("published"))
        .filter(activities::confirmed_count.lt(activities::headcount_max))
        .select(activities::id)
        .into_boxed();
    if let Some(path) = subtree {
        let (lo, hi) = super::subtree_bounds(path);
        q = q.filter(activities::org_path.ge(lo).and(activities::org_path.lt(hi)));
    }
    q.order(activities::id).load(conn)
}

/// A Spring Rain activity's edition, pairing and action type.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = spring_rain_deployments, treat_none_as_default_value = false)]
pub struct DeploymentRow {
    pub activity_id: i64,
    pub edition_id: Option<i64>,
    pub pairing_id: Option<i64>,
    pub action_type: Option<ActionType>,
}

pub fn find_deployment(conn: &mut DbConn, activity_id: i64) -> QueryResult<Option<DeploymentRow>> {
    spring_rain_deployments::table
        .find(activity_id)
        .first(conn)
        .optional()
}

/// The details of these activities (those that have any).
pub fn deployments_of(conn: &mut DbConn, activity_ids: &[i64]) -> QueryResult<Vec<DeploymentRow>> {
    spring_rain_deployments::table
        .filter(spring_rain_deployments::activity_id.eq_any(activity_ids))
        .load(conn)
}

/// Stores a deployment's details, replacing the previous ones.
pub fn save_deployment(conn: &mut DbConn, row: &DeploymentRow) -> QueryResult<()> {
    diesel::delete(spring_rain_deployments::table.find(row.activity_id)).execute(conn)?;
    diesel::insert_into(spring_rain_deployments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Chinese names of these region codes.
pub fn region_names(conn: &mut DbConn, codes: &[String]) -> QueryResult<Vec<(String, String)>> {
    use super::schema::regions;
    regions::table
        .filter(regions::code.eq_any(codes))
        .select((regions::code, regions::name_zh))
        .load(conn)
}
