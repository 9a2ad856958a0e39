//! Sites and activities.

use crate::domain::activity::{ActivityCategory, ActivityStatus, LocationType, SiteKind};
use crate::domain::eligibility::{Programme, RiskLevel};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{activities, activity_people_reached, sites};
use super::{DbConn, now, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct SiteRow {
    pub id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub name: String,
    pub kind: SiteKind,
    pub region_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_type: LocationType,
    /// `;`-separated codes.
    pub local_languages: String,
    pub target_groups: String,
    pub contact: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sites, treat_none_as_default_value = false)]
pub struct NewSiteRow {
    pub organization_id: i64,
    pub org_path: String,
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_type: String,
    pub local_languages: String,
    pub target_groups: String,
    pub contact: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct ActivityRow {
    pub id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub site_id: i64,
    pub title: String,
    pub description: String,
    pub category: ActivityCategory,
    pub form: String,
    pub programme: Programme,
    pub sending_province: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub region_code: String,
    pub headcount_min: i32,
    pub headcount_max: i32,
    pub confirmed_count: i32,
    pub target_groups: String,
    /// JSON of `domain::activity::VolunteerRequirements`.
    pub requirements: String,
    pub requires_special_skills: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub physical_demand: i32,
    pub risk_level: RiskLevel,
    pub risk_disclosure: String,
    pub agreement_required: bool,
    pub recipient_fee_cents: i32,
    pub status: ActivityStatus,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The writable fields of an activity (creation and edits alike).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = activities, treat_none_as_default_value = false)]
pub struct ActivityFields {
    pub site_id: i64,
    pub title: String,
    pub description: String,
    pub category: ActivityCategory,
    pub form: String,
    pub programme: Programme,
    pub sending_province: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub region_code: String,
    pub headcount_min: i32,
    pub headcount_max: i32,
    pub target_groups: String,
    pub requirements: String,
    pub requires_special_skills: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub physical_demand: i32,
    pub risk_level: RiskLevel,
    pub risk_disclosure: String,
    pub agreement_required: bool,
}

pub fn insert_site(conn: &mut DbConn, row: &NewSiteRow) -> QueryResult<SiteRow> {
    let id: i64 = diesel::insert_into(sites::table)
        .values(row)
        .returning(sites::id)
        .get_result(conn)?;
    sites::table.find(id).first(conn)
}

pub fn find_site(conn: &mut DbConn, id: i64) -> QueryResult<Option<SiteRow>> {
    sites::table.find(id).first(conn).optional()
}

pub fn list_sites(
    conn: &mut DbConn,
    subtree: Option<&str>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<SiteRow>> {
    let mut q = sites::table.into_boxed();
    if let Some(path) = subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(sites::org_path.ge(lo).and(sites::org_path.lt(hi)));
    }
    if let Some(after) = after_id {
        q = q.filter(sites::id.gt(after));
    }
    q.order(sites::id).limit(limit + 1).load(conn)
}

pub fn insert(
    conn: &mut DbConn,
    organization_id: i64,
    org_path: &str,
    fields: &ActivityFields,
) -> QueryResult<ActivityRow> {
    let at = now();
    let id: i64 = diesel::insert_into(activities::table)
        .values((
            fields,
            activities::organization_id.eq(organization_id),
            activities::org_path.eq(org_path),
            activities::status.eq("draft"),
            activities::created_at.eq(at),
            activities::updated_at.eq(at),
        ))
        .returning(activities::id)
        .get_result(conn)?;
    activities::table.find(id).first(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ActivityRow>> {
    activities::table.find(id).first(conn).optional()
}

/// Replaces the writable fields if the activity is still at `version`.
pub fn update_if_version(
    conn: &mut DbConn,
    id: i64,
    version: i32,
    fields: &ActivityFields,
) -> QueryResult<bool> {
    let changed = diesel::update(
        activities::table
            .filter(activities::id.eq(id))
            .filter(activities::version.eq(version)),
    )
    .set((
        fields,
        activities::version.eq(activities::version + 1),
        activities::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Moves the activity from `from` to `to`; `false` when it was no longer in `from`.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    reason: Option<&str>,
) -> QueryResult<bool> {
    let changed = diesel::update(
        activities::table
            .filter(activities::id.eq(id))
            .filter(activities::status.eq(from)),
    )
    .set((
        activities::status.eq(to),
        activities::cancel_reason.eq(reason),
        activities::version.eq(activities::version + 1),
        activities::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Takes one confirmed place. Write-first: never more confirmations than `headcount_max`,
/// however many volunteers confirm at once.
pub fn take_place(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let taken = diesel::update(
        activities::table
            .filter(activities::id.eq(id))
            .filter(activities::confirmed_count.lt(activities::headcount_max)),
    )
    .set(activities::confirmed_count.eq(activities::confirmed_count + 1))
    .execute(conn)?;
    Ok(taken == 1)
}

pub fn release_place(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(
        activities::table
            .filter(activities::id.eq(id))
            .filter(activities::confirmed_count.gt(0)),
    )
    .set(activities::confirmed_count.eq(activities::confirmed_count - 1))
    .execute(conn)
}

#[derive(Debug, Default)]
pub struct ActivityFilter {
    pub subtree: Option<String>,
    /// Also these exact organisations' (ancestors) and these activity ids (own assignments).
    pub or_ids: Vec<i64>,
    pub status: Option<String>,
    pub programme: Option<String>,
    pub starts_after: Option<NaiveDateTime>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConn, f: &ActivityFilter) -> QueryResult<Vec<ActivityRow>> {
    let mut q = activities::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            activities::org_path
                .ge(lo)
                .and(activities::org_path.lt(hi))
                .or(activities::id.eq_any(f.or_ids.clone())),
        );
    }
    if let Some(s) = &f.status {
        q = q.filter(activities::status.eq(s.clone()));
    }
    if let Some(p) = &f.programme {
        q = q.filter(activities::programme.eq(p.clone()));
    }
    if let Some(t) = f.starts_after {
        q = q.filter(activities::starts_at.ge(t));
    }
    if let Some(after) = f.after_id {
        q = q.filter(activities::id.gt(after));
    }
    q.order(activities::id).limit(f.limit + 1).load(conn)
}

/// ACT-11: replaces the people an activity reached, per target group.
pub fn replace_people_reached(
    conn: &mut DbConn,
    activity_id: i64,
    counts: &[(String, i32)],
    by: i64,
) -> QueryResult<()> {
    diesel::delete(
        activity_people_reached::table.filter(activity_people_reached::activity_id.eq(activity_id)),
    )
    .execute(conn)?;
    let at = now();
    for (group, people) in counts {
        diesel::insert_into(activity_people_reached::table)
            .values((
                activity_people_reached::activity_id.eq(activity_id),
                activity_people_reached::target_group_code.eq(group),
                activity_people_reached::people.eq(people),
                activity_people_reached::recorded_by.eq(Some(by)),
                activity_people_reached::recorded_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The people an activity reached, by target group code.
pub fn people_reached(conn: &mut DbConn, activity_id: i64) -> QueryResult<Vec<(String, i32)>> {
    activity_people_reached::table
        .filter(activity_people_reached::activity_id.eq(activity_id))
        .select((
            activity_people_reached::target_group_code,
            activity_people_reached::people,
        ))
        .order(activity_people_reached::target_group_code)
        .load(conn)
}
