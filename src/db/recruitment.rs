//! Recruitment campaigns and applications.

use crate::domain::recruitment::{ApplicationStatus, RecruitmentStatus};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{applications, recruitments};
use super::{DbConn, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct RecruitmentRow {
    pub id: i64,
    pub organization_id: i64,
    pub org_path: String,
    pub title: String,
    pub description: String,
    pub requirements: String,
    pub quota: i32,
    pub places_taken: i32,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub status: RecruitmentStatus,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = recruitments)]
pub struct NewRecruitmentRow {
    pub organization_id: i64,
    pub org_path: String,
    pub title: String,
    pub description: String,
    pub requirements: String,
    pub quota: i32,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct ApplicationRow {
    pub id: i64,
    pub recruitment_id: i64,
    pub volunteer_id: i64,
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
}

pub fn insert(conn: &mut DbConn, row: &NewRecruitmentRow) -> QueryResult<RecruitmentRow> {
    let id: i64 = diesel::insert_into(recruitments::table)
        .values(row)
        .returning(recruitments::id)
        .get_result(conn)?;
    recruitments::table.find(id).first(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<RecruitmentRow>> {
    recruitments::table.find(id).first(conn).optional()
}

#[derive(Debug, Default)]
pub struct RecruitmentFilter {
    /// Subtree the caller manages; with `ancestors`, also campaigns of those organisations.
    pub subtree: Option<String>,
    pub ancestors: Vec<String>,
    /// Only open campaigns anywhere (what volunteers see).
    pub open_only: bool,
    pub status: Option<String>,
    pub organization_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConn, f: &RecruitmentFilter) -> QueryResult<Vec<RecruitmentRow>> {
    let mut q = recruitments::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            recruitments::org_path
                .ge(lo)
                .and(recruitments::org_path.lt(hi))
                .or(recruitments::org_path.eq_any(f.ancestors.clone())),
        );
    }
    if f.open_only {
        q = q.filter(recruitments::status.eq("open"));
    }
    if let Some(status) = &f.status {
        q = q.filter(recruitments::status.eq(status.clone()));
    }
    if let Some(org) = f.organization_id {
        q = q.filter(recruitments::organization_id.eq(org));
    }
    if let Some(after) = f.after_id {
        q = q.filter(recruitments::id.gt(after));
    }
    q.order(recruitments::id).limit(f.limit + 1).load(conn)
}

pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(recruitments::table.find(id))
        .set((
            recruitments::status.eq(status),
            recruitments::updated_at.eq(at),
        ))
        .execute(conn)
}

pub enum PlaceOutcome {
    Taken,
    NotOpen,
    Full,
}

/// Takes one place in an open campaign. Write-first: the conditional UPDATE is the
/// compare-and-set, so concurrent applications can never take more than the quota.
pub fn take_place(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<PlaceOutcome> {
    let taken = diesel::update(
        recruitments::table
            .filter(recruitments::id.eq(id))
            .filter(recruitments::status.eq("open"))
            .filter(recruitments::opens_at.le(at))
            .filter(recruitments::closes_at.gt(at))
            .filter(recruitments::places_taken.lt(recruitments::quota)),
    )
    .set(recruitments::places_taken.eq(recruitments::places_taken + 1))
    .execute(conn)?;
    if taken == 1 {
        return Ok(PlaceOutcome::Taken);
    }
    let row: RecruitmentRow = recruitments::table.find(id).first(conn)?;
    let open = row.status == RecruitmentStatus::Open && row.opens_at <= at && row.closes_at > at;
    Ok(if open {
        PlaceOutcome::Full
    } else {
        PlaceOutcome::NotOpen
    })
}

/// Gives a place back (rejection, withdrawal).
pub fn release_place(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(
        recruitments::table
            .filter(recruitments::id.eq(id))
            .filter(recruitments::places_taken.gt(0)),
    )
    .set(recruitments::places_taken.eq(recruitments::places_taken - 1))
    .execute(conn)
}

pub fn insert_application(
    conn: &mut DbConn,
    recruitment_id: i64,
    volunteer_id: i64,
    at: NaiveDateTime,
) -> QueryResult<ApplicationRow> {
    let id: i64 = diesel::insert_into(applications::table)
        .values((
            applications::recruitment_id.eq(recruitment_id),
            applications::volunteer_id.eq(volunteer_id),
            applications::status.eq("submitted"),
            applications::created_at.eq(at),
        ))
        .returning(applications::id)
        .get_result(conn)?;
    applications::table.find(id).first(conn)
}

pub fn find_application(conn: &mut DbConn, id: i64) -> QueryResult<Option<ApplicationRow>> {
    applications::table.find(id).first(conn).optional()
}

/// Moves an application from `from` to `to`; `false` if it was no longer in `from`.
pub fn decide_application(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    reason: Option<&str>,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::status.eq(from)),
    )
    .set((
        applications::status.eq(to),
        applications::reason.eq(reason),
        applications::decided_at.eq(at),
        applications::decided_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Default)]
pub struct ApplicationFilter {
    pub recruitment_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    /// Only applications to campaigns in this subtree.
    pub subtree: Option<String>,
    pub status: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list_applications(
    conn: &mut DbConn,
    f: &ApplicationFilter,
) -> QueryResult<Vec<ApplicationRow>> {
    let mut q = applications::table
        .inner_join(recruitments::table)
        .select(applications::all_columns)
        .into_boxed();
    if let Some(id) = f.recruitment_id {
        q = q.filter(applications::recruitment_id.eq(id));
    }
    if let Some(id) = f.volunteer_id {
        q = q.filter(applications::volunteer_id.eq(id));
    }
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            recruitments::org_path
                .ge(lo)
                .and(recruitments::org_path.lt(hi)),
        );
    }
    if let Some(status) = &f.status {
        q = q.filter(applications::status.eq(status.clone()));
    }
    if let Some(after) = f.after_id {
        q = q.filter(applications::id.gt(after));
    }
    q.order(applications::id).limit(f.limit + 1).load(conn)
}

/// Applications per status for each campaign in `ids`.
pub fn application_counts(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String, i64)>> {
    applications::table
        .filter(applications::recruitment_id.eq_any(ids))
        .group_by((applications::recruitment_id, applications::status))
        .select((
            applications::recruitment_id,
            applications::status,
            count_star(),
        ))
        .load(conn)
}
