//! Searching volunteers in the caller's reach, for a page of results or a CSV export.

use super::reach::narrow_to_scope;
use crate::auth::policy::{Action, Principal};
use crate::db::audit::AuditEntry;
use crate::db::volunteers::{VolunteerFilter, VolunteerListing};
use crate::db::{self, DbConn};
use crate::error::ApiResult;

/// A volunteer found, with its skills and languages.
pub struct Found {
    pub row: VolunteerListing,
    pub skills: Vec<(String, i32)>,
    pub languages: Vec<(String, crate::domain::volunteer::Proficiency)>,
}

/// One keyset page of volunteers matching `filter` (already narrowed to a reach).
pub fn search(conn: &mut DbConn, filter: &VolunteerFilter) -> ApiResult<Vec<Found>> {
    let rows = db::volunteers::search(conn, filter)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let (mut skills, mut languages) = db::volunteers::skills_and_languages(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| Found {
            skills: skills.remove(&row.id).unwrap_or_default(),
            languages: languages.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// The subtree path a search by registering organisation filters on; an unknown
/// organisation simply matches nothing.
fn organization_path(conn: &mut DbConn, organization_id: i64) -> ApiResult<String> {
    Ok(db::organizations::find(conn, organization_id)?
        .map(|o| o.path)
        .unwrap_or_else(|| "/none/".into()))
}

/// Narrows `filter` to the caller's reach for `action` (searching or exporting) and, when
/// given, to a registering organisation's subtree.
fn scoped(
    conn: &mut DbConn,
    user: &Principal,
    action: Action,
    mut filter: VolunteerFilter,
    organization_id: Option<i64>,
) -> ApiResult<VolunteerFilter> {
    let scope = user.require(action)?;
    narrow_to_scope(&mut filter, &scope);
    if let Some(org_id) = organization_id {
        filter.organization_path = Some(organization_path(conn, org_id)?);
    }
    Ok(filter)
}

/// One page of the volunteers in the caller's reach matching `filter`.
pub fn search_volunteers(
    conn: &mut DbConn,
    user: &Principal,
    filter: VolunteerFilter,
    organization_id: Option<i64>,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<Found>> {
    let filter = scoped(conn, user, Action::ReadVolunteers, filter, organization_id)?;
    let found = search(conn, &filter)?;
    // PI-04: a page that shows minors is a read of their data.
    let shown = found.iter().take(filter.limit.max(0) as usize);
    super::minor_reads::audit(conn, user, shown.map(|f| &f.row), "list", today)?;
    Ok(found)
}

/// Starts an export: the filter narrowed to the caller's export reach, and the export on
/// record before the first byte leaves (a download cut short is on record too).
pub fn start_export(
    conn: &mut DbConn,
    user: &Principal,
    filter: VolunteerFilter,
    organization_id: Option<i64>,
    query: &str,
) -> ApiResult<VolunteerFilter> {
    let filter = scoped(
        conn,
        user,
        Action::ExportVolunteers,
        filter,
        organization_id,
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.export", "volunteer")
            .entity("export", &user.org_path)
            .detail(serde_json::json!({ "query": query, "streamed": true })),
    )?;
    Ok(filter)
}
