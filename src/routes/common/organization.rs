//! The organisation as clients see it: shared by `/organizations` and `/me`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::OrgView;
use crate::db::organizations::OrganizationRow;
use crate::domain::organization::{OrgKind, OrganType};

/// An organisation. Ancestors of a caller's own organisation, and a volunteer's own
/// organisation, come back as `id`, `kind` and `name` only (PERMISSIONS.md).
#[derive(Serialize, ToSchema)]
pub struct OrganizationResponse {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<OrganizationDetails>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationDetails {
    pub parent_id: Option<i64>,
    pub organ_type: Option<OrganType>,
    /// GB/T 2260 code (`000000` for the ministry, which is nationwide).
    pub region_code: String,
    /// Materialised path of ids from the root, e.g. `/1/15/40/`.
    pub path: String,
    pub created_at: DateTime<Utc>,
}

impl From<OrganizationRow> for OrganizationResponse {
    fn from(r: OrganizationRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            name: r.name,
            details: Some(OrganizationDetails {
                parent_id: r.parent_id,
                organ_type: r.organ_type,
                region_code: r.region_code,
                path: r.path,
                created_at: r.created_at.and_utc(),
            }),
        }
    }
}

impl OrganizationResponse {
    /// The organisation as a reader with `view` sees it.
    pub fn seen_as(mut self, view: OrgView) -> Self {
        if view == OrgView::NameOnly {
            self.details = None;
        }
        self
    }
}
