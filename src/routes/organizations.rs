//! `/api/v1/organizations`: the organisation tree, read and grown within the caller's scope.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::policy::{Action, OrgView, Principal};
use crate::db::{
    self, audit::AuditEntry, organizations::OrgFilter, organizations::OrganizationRow,
};
use crate::domain::organization::{NewOrg, OrgKind, OrganType, ParentOrg, check_new_child};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract::ValidatedJson;
use crate::routes::common::pagination::{Page, PageParams};
use crate::state::AppState;

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
            kind: OrgKind::parse(&r.kind).unwrap_or(OrgKind::CulturalOrgan),
            name: r.name,
            details: Some(OrganizationDetails {
                parent_id: r.parent_id,
                organ_type: r.organ_type.as_deref().and_then(OrganType::parse),
                region_code: r.region_code,
                path: r.path,
                created_at: r.created_at.and_utc(),
            }),
        }
    }
}

impl OrganizationResponse {
    fn seen_as(mut self, view: OrgView) -> Self {
        if view == OrgView::NameOnly {
            self.details = None;
        }
        self
    }
}

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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationFilters {
    pub kind: Option<OrgKind>,
    pub region_code: Option<String>,
    pub parent_id: Option<i64>,
}

/// List the organisations in the caller's subtree.
#[utoipa::path(
    tag = "organizations",
    params(OrganizationFilters, PageParams),
    responses((status = 200, body = Page<OrganizationResponse>))
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<OrganizationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ReadOrganizations)?;
    let window = page.window()?;
    let filters = filters.into_inner();
    let filter = OrgFilter {
        subtree: scope.org_path_prefix().map(String::from),
        kind: filters.kind.map(|k| k.as_str().to_string()),
        region_code: filters.region_code,
        parent_id: filters.parent_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = crate::service::run(&state.pool, move |c| {
        Ok(db::organizations::list(c, &filter)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        OrganizationResponse::from,
    )))
}

/// Read one organisation: anything in the caller's subtree, and the caller's ancestors.
#[utoipa::path(
    tag = "organizations",
    params(("id" = i64, Path)),
    responses((status = 200, body = OrganizationResponse))
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::run(&state.pool, move |c| Ok(db::organizations::find(c, id)?))
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let view = user
        .organization_view(&row.path)
        .ok_or_else(|| ApiError::not_found("organization"))?;
    Ok(HttpResponse::Ok().json(OrganizationResponse::from(row).seen_as(view)))
}

/// Create an organisation below one in the caller's subtree.
#[utoipa::path(
    tag = "organizations",
    request_body = CreateOrganizationRequest,
    responses((status = 201, body = OrganizationResponse))
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    user: Principal,
    body: ValidatedJson<CreateOrganizationRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::CreateOrganization)?;
    let req = body.0;
    let region = RegionCode::parse(&req.region_code).map_err(|e| {
        ApiError::validation(vec![FieldError::new("region_code", e.code(), e.message())])
    })?;
    let new = NewOrg {
        kind: req.kind,
        organ_type: req.organ_type,
        name: req.name,
        region,
    };
    let row = crate::service::write(&state.pool, move |c| {
        let parent = db::organizations::find(c, req.parent_id)?
            .filter(|p| scope.contains(&p.path))
            .ok_or_else(|| ApiError::not_found("parent organization"))?;
        let parent_org = ParentOrg {
            kind: OrgKind::parse(&parent.kind)
                .ok_or_else(|| ApiError::internal("unknown organisation kind in storage"))?,
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
        let org = db::organizations::insert_child(c, &parent, &new)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "organization.create", "organization")
                .entity(org.id, &org.path)
                .detail(serde_json::json!({ "kind": org.kind, "parent_id": parent.id })),
        )?;
        Ok(org)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", row.id)))
        .json(OrganizationResponse::from(row)))
}
