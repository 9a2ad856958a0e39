//! Evaluations of and complaints about volunteers, commendations (STAR-03), the consent to
//! publish one's name (PI-07), and the public lists: approved commendations and published
//! activities.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    activities, commendations, honour_publication_consents, organizations, sites,
    volunteer_complaints, volunteer_evaluations, volunteers,
};
use super::{DbConn, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct EvaluationRow {
    pub id: i64,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub evaluator_organization_id: i64,
    pub evaluator_org_path: String,
    pub side: String,
    pub rating: i32,
    pub note: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = volunteer_evaluations)]
pub struct NewEvaluationRow {
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub evaluator_organization_id: i64,
    pub evaluator_org_path: String,
    pub side: String,
    pub rating: i32,
    pub note: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// `(evaluations, Σ(rating − 1))` per volunteer of `ids` (absent: none). Matching reads it in
/// bulk, one query per chunk of ids.
pub fn evaluation_totals(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, (u32, u32)>> {
    let rows: Vec<(i64, i32)> = volunteer_evaluations::table
        .filter(volunteer_evaluations::volunteer_id.eq_any(ids))
        .select((
            volunteer_evaluations::volunteer_id,
            volunteer_evaluations::rating,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, (u32, u32)> = HashMap::new();
    for (id, rating) in rows {
        let e = out.entry(id).or_default();
        e.0 += 1;
        e.1 += u32::try_from(rating - 1).unwrap_or(0);
    }
    Ok(out)
}

pub fn evaluation_exists(
    conn: &mut DbConn,
    assignment_id: i64,
    organization_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        volunteer_evaluations::table
            .filter(volunteer_evaluations::assignment_id.eq(assignment_id))
            .filter(volunteer_evaluations::evaluator_organization_id.eq(organization_id)),
    ))
    .get_result(conn)
}

pub fn insert_evaluation(conn: &mut DbConn, row: &NewEvaluationRow) -> QueryResult<EvaluationRow> {
    let id: i64 = diesel::insert_into(volunteer_evaluations::table)
        .values(row)
        .returning(volunteer_evaluations::id)
        .get_result(conn)?;
    volunteer_evaluations::table.find(id).first(conn)
}

pub fn evaluations_of(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Vec<EvaluationRow>> {
    volunteer_evaluations::table
        .filter(volunteer_evaluations::volunteer_id.eq(volunteer_id))
        .order(volunteer_evaluations::id)
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct ComplaintRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub org_path: String,
    pub assignment_id: i64,
    pub activity_id: i64,
    pub lodging_organization_id: i64,
    pub lodging_org_path: String,
    pub description: String,
    pub status: String,
    pub outcome_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub lodged_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = volunteer_complaints)]
pub struct NewComplaintRow {
    pub volunteer_id: i64,
    pub org_path: String,
    pub assignment_id: i64,
    pub activity_id: i64,
    pub lodging_organization_id: i64,
    pub lodging_org_path: String,
    pub description: String,
    pub lodged_by: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert_complaint(conn: &mut DbConn, row: &NewComplaintRow) -> QueryResult<ComplaintRow> {
    let id: i64 = diesel::insert_into(volunteer_complaints::table)
        .values(row)
        .returning(volunteer_complaints::id)
        .get_result(conn)?;
    volunteer_complaints::table.find(id).first(conn)
}

pub fn find_complaint(conn: &mut DbConn, id: i64) -> QueryResult<Option<ComplaintRow>> {
    volunteer_complaints::table.find(id).first(conn).optional()
}

pub fn complaints_of(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Vec<ComplaintRow>> {
    volunteer_complaints::table
        .filter(volunteer_complaints::volunteer_id.eq(volunteer_id))
        .order(volunteer_complaints::id)
        .load(conn)
}

/// Records the outcome of a complaint under investigation; `false` when it was decided already.
pub fn decide_complaint(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    reason: &str,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        volunteer_complaints::table
            .find(id)
            .filter(volunteer_complaints::status.eq("investigating")),
    )
    .set((
        volunteer_complaints::status.eq(status),
        volunteer_complaints::outcome_reason.eq(reason),
        volunteer_complaints::decided_by.eq(by),
        volunteer_complaints::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Upheld complaints against a volunteer (STAR-04).
pub fn upheld_count(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<i64> {
    volunteer_complaints::table
        .filter(volunteer_complaints::volunteer_id.eq(volunteer_id))
        .filter(volunteer_complaints::status.eq("upheld"))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct CommendationRow {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub target_type: String,
    pub target_id: i64,
    pub citation: String,
    pub year: i32,
    pub nominating_organization_id: i64,
    pub nominating_org_path: String,
    pub status: String,
    pub decision_note: Option<String>,
    pub deciding_organization_id: Option<i64>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub nominated_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = commendations)]
pub struct NewCommendationRow {
    pub kind: String,
    pub level: String,
    pub target_type: String,
    pub target_id: i64,
    pub citation: String,
    pub year: i32,
    pub nominating_organization_id: i64,
    pub nominating_org_path: String,
    pub nominated_by: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert_commendation(
    conn: &mut DbConn,
    row: &NewCommendationRow,
) -> QueryResult<CommendationRow> {
    let id: i64 = diesel::insert_into(commendations::table)
        .values(row)
        .returning(commendations::id)
        .get_result(conn)?;
    commendations::table.find(id).first(conn)
}

pub fn find_commendation(conn: &mut DbConn, id: i64) -> QueryResult<Option<CommendationRow>> {
    commendations::table.find(id).first(conn).optional()
}

/// Which commendations a list shows.
#[derive(Debug, Clone, Default)]
pub struct CommendationFilter {
    /// Nominated in this subtree; `None`: everywhere.
    pub subtree: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// One page (`limit + 1` rows) of commendations, by id.
pub fn list_commendations(
    conn: &mut DbConn,
    f: &CommendationFilter,
) -> QueryResult<Vec<CommendationRow>> {
    let mut q = commendations::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            commendations::nominating_org_path
                .ge(lo)
                .and(commendations::nominating_org_path.lt(hi)),
        );
    }
    if let Some(s) = &f.status {
        q = q.filter(commendations::status.eq(s.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(commendations::kind.eq(k.clone()));
    }
    if let Some(l) = &f.level {
        q = q.filter(commendations::level.eq(l.clone()));
    }
    if let Some(after) = f.after_id {
        q = q.filter(commendations::id.gt(after));
    }
    q.order(commendations::id).limit(f.limit + 1).load(conn)
}

/// Approves or returns a nominated commendation; `false` when it was decided already.
pub fn decide_commendation(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    note: &str,
    organization_id: i64,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        commendations::table
            .find(id)
            .filter(commendations::status.eq("nominated")),
    )
    .set((
        commendations::status.eq(status),
        commendations::decision_note.eq(note),
        commendations::deciding_organization_id.eq(organization_id),
        commendations::decided_by.eq(by),
        commendations::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The commendations naming a volunteer.
pub fn commendations_of_volunteer(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<CommendationRow>> {
    commendations::table
        .filter(commendations::target_type.eq("volunteer"))
        .filter(commendations::target_id.eq(volunteer_id))
        .order(commendations::id)
        .load(conn)
}

/// PI-07: records (or, with `consent = false`, withdraws) a volunteer's consent to show their
/// full name on public honour lists.
pub fn set_publication_consent(
    conn: &mut DbConn,
    volunteer_id: i64,
    consent: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(honour_publication_consents::table.find(volunteer_id)).execute(conn)?;
    if consent {
        diesel::insert_into(honour_publication_consents::table)
            .values((
                honour_publication_consents::volunteer_id.eq(volunteer_id),
                honour_publication_consents::consented_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// When the volunteer consented to publication, if they did.
pub fn publication_consent(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Option<NaiveDateTime>> {
    honour_publication_consents::table
        .find(volunteer_id)
        .select(honour_publication_consents::consented_at)
        .first(conn)
        .optional()
}

/// Names of the volunteers `ids`, with whether each consented to publication.
pub fn volunteer_names(
    conn: &mut DbConn,
    ids: &[i64],
) -> QueryResult<HashMap<i64, (String, bool)>> {
    let names: Vec<(i64, String)> = volunteers::table
        .filter(volunteers::id.eq_any(ids))
        .select((volunteers::id, volunteers::name))
        .load(conn)?;
    let consented: HashSet<i64> = honour_publication_consents::table
        .filter(honour_publication_consents::volunteer_id.eq_any(ids))
        .select(honour_publication_consents::volunteer_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok(names
        .into_iter()
        .map(|(id, name)| (id, (name, consented.contains(&id))))
        .collect())
}

/// `id → label` of the rows of `$table` among `$ids`, in one query.
macro_rules! labels_by_id {
    ($conn:expr, $table:ident, $label:ident, $ids:expr) => {
        $table::table
            .filter($table::id.eq_any($ids))
            .select(($table::id, $table::$label))
            .load::<(i64, String)>($conn)
            .map(|rows| rows.into_iter().collect::<HashMap<i64, String>>())
    };
}

pub fn activity_titles(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    labels_by_id!(conn, activities, title, ids)
}

pub fn site_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    labels_by_id!(conn, sites, name, ids)
}

pub fn organization_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    labels_by_id!(conn, organizations, name, ids)
}

/// What the public activity column shows of an activity: no people, only the service.
#[derive(Debug, Clone, Queryable)]
pub struct PublicActivityRow {
    pub id: i64,
    pub organization_id: i64,
    pub site_id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub form: String,
    pub programme: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub region_code: String,
    pub headcount_max: i32,
    pub target_groups: String,
    pub status: String,
}

#[derive(Debug, Clone, Default)]
pub struct PublicActivityFilter {
    /// A region code prefix (a province `53`, a prefecture `5301`, a county `530102`).
    pub region_prefix: Option<String>,
    /// Activities serving this target group.
    pub target_group: Option<String>,
    pub form: Option<String>,
    /// Activities still running on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Activities starting before the end of this day (UTC).
    pub to: Option<NaiveDate>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// One page (`limit + 1` rows) of published or running activities, by id.
pub fn public_activities(
    conn: &mut DbConn,
    f: &PublicActivityFilter,
) -> QueryResult<Vec<PublicActivityRow>> {
    let mut q = activities::table
        .filter(activities::status.eq_any(["published", "in_progress"]))
        .into_boxed();
    if let Some(prefix) = &f.region_prefix {
        q = q.filter(activities::region_code.like(format!("{prefix}%")));
    }
    if let Some(group) = &f.target_group {
        // Stored as a `;`-separated list of codes; codes contain no `;` or wildcards.
        q = q.filter(
            activities::target_groups
                .eq(group.clone())
                .or(activities::target_groups.like(format!("{group};%")))
                .or(activities::target_groups.like(format!("%;{group}")))
                .or(activities::target_groups.like(format!("%;{group};%"))),
        );
    }
    if let Some(form) = &f.form {
        q = q.filter(activities::form.eq(form.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(activities::ends_at.ge(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(activities::starts_at.lt(to.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(after) = f.after_id {
        q = q.filter(activities::id.gt(after));
    }
    q.select((
        activities::id,
        activities::organization_id,
        activities::site_id,
        activities::title,
        activities::description,
        activities::category,
        activities::form,
        activities::programme,
        activities::starts_at,
        activities::ends_at,
        activities::time_zone,
        activities::region_code,
        activities::headcount_max,
        activities::target_groups,
        activities::status,
    ))
    .order(activities::id)
    .limit(f.limit + 1)
    .load(conn)
}
