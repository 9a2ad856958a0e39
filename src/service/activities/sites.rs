//! Service sites: registered by an organisation, listed within the caller's subtree.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::activities::{NewSiteRow, SiteRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::activity::{LocationType, SiteKind};
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::reach::organization_for;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSiteRequest {
    /// Owning organisation (default: the caller's).
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub name: String,
    pub kind: SiteKind,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_type: LocationType,
    #[serde(default)]
    pub local_languages: Vec<String>,
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// Who to call on site (an organisational contact, not personal data).
    #[serde(default)]
    pub contact: String,
}

/// The problems of a site request, field by field, or its region.
fn check_site(req: &CreateSiteRequest) -> ApiResult<RegionCode> {
    let mut problems = Vec::new();
    if req.name.trim().is_empty() {
        problems.push(FieldError::new("name", "required", "a site has a name"));
    }
    let region = RegionCode::parse(&req.region_code)
        .map_err(|e| problems.push(FieldError::new("region_code", e.code(), e.message())))
        .ok();
    if req.latitude.is_some_and(|l| !(-90.0..=90.0).contains(&l))
        || req
            .longitude
            .is_some_and(|l| !(-180.0..=180.0).contains(&l))
    {
        problems.push(FieldError::new(
            "latitude",
            "invalid_value",
            "WGS-84 degrees",
        ));
    }
    for (i, l) in req.local_languages.iter().enumerate() {
        if !reference::is_language(l) {
            problems.push(FieldError::new(
                format!("local_languages[{i}]"),
                "unknown_language",
                "a known language",
            ));
        }
    }
    for (i, g) in req.target_groups.iter().enumerate() {
        if !reference::is_target_group(g) {
            problems.push(FieldError::new(
                format!("target_groups[{i}]"),
                "unknown_target_group",
                "a known target group",
            ));
        }
    }
    match (region, problems.is_empty()) {
        (Some(region), true) => Ok(region),
        _ => Err(ApiError::validation(problems)),
    }
}

/// Registers a service site of the caller's organisation, or of one in its reach.
pub fn create_site(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateSiteRequest,
    now: DateTime<Utc>,
) -> ApiResult<SiteRow> {
    user.require(Action::ManageActivities)?;
    let region = check_site(&req)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::ManageActivities)?;
    crate::registry::require_listed_region(conn, "region_code", region.as_str())?;
    let row = db::activities::insert_site(
        conn,
        &NewSiteRow {
            organization_id: org.id,
            org_path: org.path.clone(),
            name: req.name.trim().to_string(),
            kind: req.kind.as_str().to_string(),
            region_code: region.as_str().to_string(),
            address: req.address.trim().to_string(),
            latitude: req.latitude,
            longitude: req.longitude,
            location_type: req.location_type.as_str().to_string(),
            local_languages: req.local_languages.join(";"),
            target_groups: req.target_groups.join(";"),
            contact: req.contact.trim().to_string(),
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "site.create", "site").entity(row.id, &row.org_path),
    )?;
    Ok(row)
}

/// Sites in the caller's subtree, by id after `after_id`.
pub fn list_sites(
    conn: &mut DbConn,
    user: &Principal,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<SiteRow>> {
    let scope = user.require(Action::ReadActivities)?;
    Ok(db::activities::list_sites(
        conn,
        scope.org_path_prefix(),
        after_id,
        limit,
    )?)
}
