//! The organisation as clients see it: shared by `/organizations` and `/me`.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::auth::policy::OrgView;
use crate::db::organizations::OrganizationRow;
use crate::domain::organization::{OrgKind, OrganType};

/// An organisation. Ancestors of a caller's own organisation, and a volunteer's own
/// organisation, come back as `id`, `kind` and `name` only (PERMISSIONS.md).
#[derive(Serialize)]
pub struct OrganizationResponse {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<OrganizationDetails>,
}

#[derive(Serialize)]
pub struct OrganizationDetails {
    pub parent_id: Option<i64>,
    pub organ_type: Option<OrganType>,
    pub region_code: String,
    pub path: String,
    pub created_at: DateTime<Utc>,
}

/// The wire shape of [`OrganizationResponse`], for the OpenAPI document only: the flattened
/// optional details derive as `allOf [oneOf [details, null], …]`, which no object without the
/// details satisfies (the fuzzer caught a volunteer's name-only view failing it).
#[derive(ToSchema)]
#[allow(dead_code)]
struct OrganizationWire {
    id: i64,
    kind: OrgKind,
    name: String,
    /// The remaining fields come together, for readers who see more than the name.
    #[schema(required = false)]
    parent_id: Option<i64>,
    #[schema(required = false)]
    organ_type: Option<OrganType>,
    /// GB/T 2260 code (`000000` for the ministry, which is nationwide).
    #[schema(required = false)]
    region_code: String,
    /// Materialised path of ids from the root, e.g. `/1/15/40/`.
    #[schema(required = false)]
    path: String,
    #[schema(required = false)]
    created_at: DateTime<Utc>,
}

impl PartialSchema for OrganizationResponse {
    fn schema() -> RefOr<Schema> {
        let mut schema = OrganizationWire::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.description = Some(
                "An organisation. Ancestors of a caller's own organisation, and a volunteer's \
                 own organisation, come back as `id`, `kind` and `name` only (PERMISSIONS.md)."
                    .into(),
            );
        }
        schema
    }
}

impl ToSchema for OrganizationResponse {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("OrganizationResponse")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        <OrganizationWire as ToSchema>::schemas(schemas);
    }
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
