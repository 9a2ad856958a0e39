//! The organisation tree: read within the caller's scope (and its ancestors' names), grown
//! below organisations the caller may create in.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::policy::{Action, OrgView, Principal};
use crate::db::audit::AuditEntry;
use crate::db::organizations::{OrgFilter, OrganizationRow};
use crate::db::{self, DbConn};
use crate::domain::organization::{NewOrg, OrgKind, OrganType, ParentOrg, check_new_child};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::reach::{Access, load_in_reach, organization_for};

#[derive(Deserialize, Validate, ToSchema)]
pub struct CreateOrganizationRequest {
    pub kind: OrgKind,
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    pub parent_id: i64,
    /// 6-digit GB/T 2260 code inside the parent's region.
    pub region_code: String,
    /// Required for `cultural_organ`.
    pub organ_type: Option<OrganType>,
}

/// A page of the organisations in the caller's subtree matching `filter`.
pub fn list_organizations(
    conn: &mut DbConn,
    user: &Principal,
    filter: OrgFilter,
) -> ApiResult<Vec<OrganizationRow>> {
    let scope = user.require(Action::ReadOrganizations)?;
    let filter = OrgFilter {
        subtree: scope.org_path_prefix().map(String::from),
        ..filter
    };
    Ok(db::organizations::list(conn, &filter)?)
}

/// One organisation and how much of it the caller sees: in full when it is in reach; only
/// its name when it is one of the caller's ancestors, or a volunteer's own organisation
/// (`Principal::organization_view`).
pub fn read_organization(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
) -> ApiResult<(OrganizationRow, OrgView)> {
    match load_in_reach::<OrganizationRow>(conn, user, id, Access::Read) {
        Ok(row) => {
            let view = user.organization_view(&row.path).unwrap_or(OrgView::Full);
            Ok((row, view))
        }
        Err(hidden) => {
            let name_only = db::organizations::find(conn, id)?
                .filter(|row| user.organization_view(&row.path) == Some(OrgView::NameOnly));
            name_only.map(|row| (row, OrgView::NameOnly)).ok_or(hidden)
        }
    }
}

/// Creates an organisation below one the caller may create in.
pub fn create_organization(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateOrganizationRequest,
) -> ApiResult<OrganizationRow> {
    user.require(Action::CreateOrganization)?;
    let region = RegionCode::parse(&req.region_code).map_err(|e| {
        ApiError::validation(vec![FieldError::new("region_code", e.code(), e.message())])
    })?;
    crate::registry::require_listed_region(conn, "region_code", region.as_str())?;
    let new = NewOrg {
        kind: req.kind,
        organ_type: req.organ_type,
        name: req.name,
        region,
    };
    let parent = organization_for(conn, user, req.parent_id, Action::CreateOrganization)
        .map_err(|e| e.hidden_as("parent organization"))?;
    let parent_org = ParentOrg {
        kind: parent.kind,
        region: RegionCode::parse(&parent.region_code).ok(),
    };
    let violations = check_new_child(&parent_org, &new);
    if !violations.is_empty() {
        return Err(ApiError::validation(
            violations
                .iter()
                .map(|v| FieldError::new(v.field(), v.code(), v.message()))
                .collect(),
        ));
    }
    let org = db::organizations::insert_child(conn, &parent, &new)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "organization.create", "organization")
            .entity(org.id, &org.path)
            .detail(serde_json::json!({ "kind": org.kind, "parent_id": parent.id })),
    )?;
    Ok(org)
}
