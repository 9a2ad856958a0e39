//! Searching volunteers: the database side of the search and the CSV export (the caller's
//! reach is applied by `reach::within_reach` before).

use crate::db::volunteers::{VolunteerFilter, VolunteerRow};
use crate::db::{self, DbConn};
use crate::error::ApiResult;

/// A volunteer found, with its skills and languages.
pub struct Found {
    pub row: VolunteerRow,
    pub skills: Vec<(String, i32)>,
    pub languages: Vec<(String, String)>,
}

/// One keyset page of volunteers matching `filter`.
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
pub fn organization_path(conn: &mut DbConn, organization_id: i64) -> ApiResult<String> {
    Ok(db::organizations::find(conn, organization_id)?
        .map(|o| o.path)
        .unwrap_or_else(|| "/none/".into()))
}
