//! The public pages (no login): the activity column and the honour list. Nothing personal
//! leaves here: activities carry no people, and a commended volunteer appears by a masked
//! name unless they consented to publication (PI-07), without the citation (which staff
//! write freely and may name them).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::recognition::{CommendationFilter, PublicActivityFilter, PublicActivityRow};
use crate::db::{self, DbConn};
use crate::domain::recognition::{TargetType, mask_name};
use crate::error::{ApiError, ApiResult};
use crate::snapshots::codes;

/// A published activity as the public sees it.
#[derive(Debug)]
pub struct PublicActivity {
    pub row: PublicActivityRow,
    pub target_groups: Vec<String>,
    pub organiser: String,
    pub site: String,
}

/// One page (`limit + 1` rows) of published activities, with organiser and site names
/// (three queries, whatever the page size).
pub fn activities(
    conn: &mut DbConn,
    filter: &PublicActivityFilter,
) -> ApiResult<Vec<PublicActivity>> {
    let rows = db::recognition::public_activities(conn, filter)?;
    let org_ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let site_ids: Vec<i64> = rows.iter().map(|r| r.site_id).collect();
    let orgs = db::recognition::organization_names(conn, &org_ids)?;
    let sites = db::recognition::site_names(conn, &site_ids)?;
    Ok(rows
        .into_iter()
        .map(|row| PublicActivity {
            target_groups: codes(&row.target_groups),
            organiser: orgs.get(&row.organization_id).cloned().unwrap_or_default(),
            site: sites.get(&row.site_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

/// An approved commendation as the public sees it.
#[derive(Debug)]
pub struct PublicHonour {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub year: i32,
    pub target_type: String,
    /// The volunteer's name (masked without consent), or the team's, site's, activity's or
    /// organisation's name.
    pub name: String,
    /// `None` for a volunteer who did not consent to publication.
    pub citation: Option<String>,
    pub nominated_by: String,
    pub conferred_by: String,
    pub approved_at: Option<DateTime<Utc>>,
}

/// Which honours a public list shows.
#[derive(Debug, Clone, Default)]
pub struct HonourFilter {
    pub kind: Option<String>,
    pub level: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

fn ids_of(rows: &[crate::db::recognition::CommendationRow], t: &[TargetType]) -> Vec<i64> {
    rows.iter()
        .filter(|r| t.iter().any(|t| t.as_str() == r.target_type))
        .map(|r| r.target_id)
        .collect()
}

/// One page (`limit + 1` rows) of approved commendations (a fixed number of queries).
pub fn honours(conn: &mut DbConn, f: &HonourFilter) -> ApiResult<Vec<PublicHonour>> {
    let rows = db::recognition::list_commendations(
        conn,
        &CommendationFilter {
            status: Some("approved".into()),
            kind: f.kind.clone(),
            level: f.level.clone(),
            after_id: f.after_id,
            limit: f.limit,
            ..CommendationFilter::default()
        },
    )?;
    let volunteers =
        db::recognition::volunteer_names(conn, &ids_of(&rows, &[TargetType::Volunteer]))?;
    let activities = db::recognition::activity_titles(
        conn,
        &ids_of(&rows, &[TargetType::Team, TargetType::Activity]),
    )?;
    let sites = db::recognition::site_names(conn, &ids_of(&rows, &[TargetType::Site]))?;
    let mut org_ids = ids_of(&rows, &[TargetType::Organization]);
    org_ids.extend(rows.iter().map(|r| r.nominating_organization_id));
    org_ids.extend(rows.iter().filter_map(|r| r.deciding_organization_id));
    let orgs = db::recognition::organization_names(conn, &org_ids)?;
    let name_in = |m: &HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_default();
    rows.into_iter()
        .map(|r| {
            let target = TargetType::parse(&r.target_type)
                .ok_or_else(|| ApiError::internal("stored commendation has an unknown target"))?;
            let (name, citation) = match target {
                TargetType::Volunteer => match volunteers.get(&r.target_id) {
                    Some((name, true)) => (name.clone(), Some(r.citation.clone())),
                    Some((name, false)) => (mask_name(name), None),
                    None => ("*".to_string(), None),
                },
                TargetType::Team | TargetType::Activity => {
                    (name_in(&activities, r.target_id), Some(r.citation.clone()))
                }
                TargetType::Site => (name_in(&sites, r.target_id), Some(r.citation.clone())),
                TargetType::Organization => (name_in(&orgs, r.target_id), Some(r.citation.clone())),
            };
            Ok(PublicHonour {
                id: r.id,
                name,
                citation,
                nominated_by: name_in(&orgs, r.nominating_organization_id),
                conferred_by: r
                    .deciding_organization_id
                    .map(|id| name_in(&orgs, id))
                    .unwrap_or_default(),
                approved_at: r.decided_at.map(|t| t.and_utc()),
                kind: r.kind,
                level: r.level,
                year: r.year,
                target_type: r.target_type,
            })
        })
        .collect()
}

/// Checks the public activity filters: a region prefix of 2, 4 or 6 digits; dates in order.
pub fn check_activity_filter(
    region: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<()> {
    let mut problems = Vec::new();
    if let Some(r) = region
        && (![2, 4, 6].contains(&r.len()) || !r.bytes().all(|b| b.is_ascii_digit()))
    {
        problems.push(crate::error::FieldError::new(
            "region",
            "invalid_region",
            "a region code or prefix: 2, 4 or 6 digits",
        ));
    }
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        problems.push(crate::error::FieldError::new(
            "to",
            "before_from",
            "`to` must not precede `from`",
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}
