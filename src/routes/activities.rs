//! `/api/v1/sites` and `/api/v1/activities`: where service happens and the service needs,
//! with the publishing rules (ACT-01/02/05, SR-01/02) and the activity lifecycle.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::{Action, Principal, province_path};
use crate::db::activities::{ActivityFields, ActivityFilter, ActivityRow, NewSiteRow, SiteRow};
use crate::db::notifications::{Notice, Recipient};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::activity::{
    ActivityAction, ActivityCategory, ActivityDraft, ActivityStatus, LocationType, SiteKind,
    VolunteerRequirements, advisories, check_draft, check_publishable,
};
use crate::domain::eligibility::{Programme, RiskLevel};
use crate::domain::policy::SpringRainPolicy;
use crate::domain::reference;
use crate::domain::region::RegionCode;
use crate::domain::{Invalid, role::Role};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, day_of, etag, if_match_version, stale};
use crate::routes::common::pagination::{Page, PageParams};
use crate::snapshots::codes;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteResponse {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub kind: SiteKind,
    pub region_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_type: LocationType,
    pub local_languages: Vec<String>,
    pub target_groups: Vec<String>,
    pub contact: String,
}

impl From<SiteRow> for SiteResponse {
    fn from(s: SiteRow) -> Self {
        Self {
            kind: SiteKind::parse(&s.kind).unwrap_or(SiteKind::Other),
            location_type: LocationType::parse(&s.location_type).unwrap_or(LocationType::Community),
            local_languages: codes(&s.local_languages),
            target_groups: codes(&s.target_groups),
            id: s.id,
            organization_id: s.organization_id,
            name: s.name,
            region_code: s.region_code,
            address: s.address,
            latitude: s.latitude,
            longitude: s.longitude,
            contact: s.contact,
        }
    }
}

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

/// Register a service site.
#[utoipa::path(tag = "activities", request_body = CreateSiteRequest, responses((status = 201, body = SiteResponse)))]
#[post("/sites")]
pub async fn create_site(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateSiteRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ManageActivities)?;
    let req = body.into_inner();
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
    let (Some(region), true) = (region, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let row = crate::service::write(&state.pool, move |c| {
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let row = db::activities::insert_site(
            c,
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
                created_at: db::now(),
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "site.create", "site").entity(row.id, &row.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/sites/{}", row.id)))
        .json(SiteResponse::from(row)))
}

/// Sites in the caller's subtree.
#[utoipa::path(tag = "activities", params(PageParams), responses((status = 200, body = Page<SiteResponse>)))]
#[get("/sites")]
pub async fn list_sites(
    state: web::Data<AppState>,
    user: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ReadActivities)?;
    let window = page.window()?;
    let subtree = scope.org_path_prefix().map(String::from);
    let rows = crate::service::run(&state.pool, move |c| {
        Ok(db::activities::list_sites(
            c,
            subtree.as_deref(),
            window.after_id,
            window.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, window, |r| r.id, SiteResponse::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub id: i64,
    pub organization_id: i64,
    pub site_id: i64,
    pub title: String,
    pub description: String,
    pub category: ActivityCategory,
    pub form: String,
    pub programme: Programme,
    /// Spring Rain: the province staffing the deployment.
    pub sending_province: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub region_code: String,
    pub headcount_min: i32,
    pub headcount_max: i32,
    pub confirmed: i32,
    /// At least the minimum headcount has confirmed.
    pub staffed: bool,
    pub target_groups: Vec<String>,
    pub requirements: VolunteerRequirements,
    pub requires_special_skills: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub physical_demand: i32,
    pub risk_level: RiskLevel,
    pub risk_disclosure: String,
    pub agreement_required: bool,
    /// Always 0 (ACT-02).
    pub recipient_fee_cents: i32,
    pub status: ActivityStatus,
    pub cancel_reason: Option<String>,
    /// Points worth a second look that never block (e.g. SR-04, a long Spring Rain deployment).
    pub warnings: Vec<ActivityWarning>,
    /// Send as `If-Match` when patching.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityWarning {
    pub field: String,
    /// The rule id, e.g. `SR-04`.
    pub code: String,
    pub message: String,
}

impl ActivityResponse {
    /// The warnings follow the policy in force, so they are computed on every read.
    fn new(a: ActivityRow, spring_rain: &SpringRainPolicy) -> Self {
        let warnings = advisories(
            a.programme == Programme::SpringRain.as_str(),
            a.starts_at.and_utc(),
            a.ends_at.and_utc(),
            spring_rain,
        )
        .into_iter()
        .map(|w| ActivityWarning {
            field: w.field.to_string(),
            code: w.rule.to_string(),
            message: w.message,
        })
        .collect();
        Self {
            warnings,
            category: ActivityCategory::parse(&a.category).unwrap_or(ActivityCategory::Other),
            programme: Programme::parse(&a.programme).unwrap_or(Programme::General),
            staffed: a.confirmed_count >= a.headcount_min,
            target_groups: codes(&a.target_groups),
            requirements: serde_json::from_str(&a.requirements).unwrap_or_default(),
            risk_level: RiskLevel::parse(&a.risk_level).unwrap_or(RiskLevel::Low),
            status: ActivityStatus::parse(&a.status).unwrap_or(ActivityStatus::Draft),
            id: a.id,
            organization_id: a.organization_id,
            site_id: a.site_id,
            title: a.title,
            description: a.description,
            form: a.form,
            sending_province: a.sending_province,
            starts_at: a.starts_at.and_utc(),
            ends_at: a.ends_at.and_utc(),
            time_zone: a.time_zone,
            region_code: a.region_code,
            headcount_min: a.headcount_min,
            headcount_max: a.headcount_max,
            confirmed: a.confirmed_count,
            requires_special_skills: a.requires_special_skills,
            min_age: a.min_age,
            max_age: a.max_age,
            physical_demand: a.physical_demand,
            risk_disclosure: a.risk_disclosure,
            agreement_required: a.agreement_required,
            recipient_fee_cents: a.recipient_fee_cents,
            cancel_reason: a.cancel_reason,
            version: a.version,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}

impl ActivityRequest {
    /// Every date inside the accepted calendar (`domain::calendar`).
    fn check_dates(&self) -> Result<(), ApiError> {
        bounded_dates([
            ("starts_at", day_of(self.starts_at)),
            ("ends_at", day_of(self.ends_at)),
        ])
    }
}

/// The activity fields a client sends; on PATCH every field is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRequest {
    pub site_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<ActivityCategory>,
    /// A code from `/api/v1/reference/activity-forms`.
    pub form: Option<String>,
    pub programme: Option<Programme>,
    /// Spring Rain: the sending province (e.g. `330000`).
    pub sending_province: Option<String>,
    /// SR-01: allow a border province to send (e.g. Kunming → Mohan).
    pub intra_border_override: Option<bool>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// IANA zone (default: Asia/Shanghai).
    pub time_zone: Option<String>,
    pub headcount_min: Option<i32>,
    pub headcount_max: Option<i32>,
    pub target_groups: Option<Vec<String>>,
    pub requirements: Option<VolunteerRequirements>,
    /// ACT-05: requires ≥ 1 course in `requirements.course_ids` to publish.
    pub requires_special_skills: Option<bool>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    /// 0 none … 3 strenuous (compared with volunteers' fitness level).
    pub physical_demand: Option<i32>,
    pub risk_level: Option<RiskLevel>,
    pub risk_disclosure: Option<String>,
    pub agreement_required: Option<bool>,
    /// Must be 0 (ACT-02); present so that a charging client is refused explicitly.
    pub recipient_fee_cents: Option<i64>,
}

/// Merges a request over the current fields (or defaults for a new activity) and checks the
/// result; returns the fields and the domain draft they make.
fn merge(
    req: ActivityRequest,
    current: Option<&ActivityRow>,
    site: &SiteRow,
    spring_rain: &SpringRainPolicy,
) -> Result<(ActivityFields, ActivityDraft), ApiError> {
    let cur_req: VolunteerRequirements = current
        .map(|a| serde_json::from_str(&a.requirements).unwrap_or_default())
        .unwrap_or_default();
    let mut problems: Vec<Invalid> = Vec::new();
    let need = |field: &str, problems: &mut Vec<Invalid>| {
        problems.push(Invalid::new(
            field,
            "required",
            format!("{field} is required"),
        ))
    };
    let starts_at = req.starts_at.or(current.map(|a| a.starts_at.and_utc()));
    let ends_at = req.ends_at.or(current.map(|a| a.ends_at.and_utc()));
    let category = req
        .category
        .or(current.and_then(|a| ActivityCategory::parse(&a.category)));
    if starts_at.is_none() {
        need("starts_at", &mut problems);
    }
    if ends_at.is_none() {
        need("ends_at", &mut problems);
    }
    if category.is_none() {
        need("category", &mut problems);
    }
    let time_zone = req
        .time_zone
        .or(current.map(|a| a.time_zone.clone()))
        .unwrap_or_else(|| "Asia/Shanghai".into());
    if time_zone.parse::<Tz>().is_err() {
        problems.push(Invalid::new(
            "time_zone",
            "unknown_time_zone",
            "an IANA zone such as Asia/Shanghai",
        ));
    }
    let programme = req
        .programme
        .or(current.and_then(|a| Programme::parse(&a.programme)))
        .unwrap_or(Programme::General);
    let sending = match req
        .sending_province
        .or(current.and_then(|a| a.sending_province.clone()))
    {
        Some(code) if programme == Programme::SpringRain => match RegionCode::parse(&code) {
            Ok(r) => Some(r.province()),
            Err(e) => {
                problems.push(Invalid::new("sending_province", e.code(), e.message()));
                None
            }
        },
        _ => None,
    };
    let site_region =
        RegionCode::parse(&site.region_code).map_err(|_| ApiError::internal("site region"))?;
    let (Some(starts_at), Some(ends_at), Some(category), true) =
        (starts_at, ends_at, category, problems.is_empty())
    else {
        return Err(ApiError::invalid(problems));
    };
    let fields = ActivityFields {
        site_id: site.id,
        title: req
            .title
            .or(current.map(|a| a.title.clone()))
            .unwrap_or_default()
            .trim()
            .to_string(),
        description: req
            .description
            .or(current.map(|a| a.description.clone()))
            .unwrap_or_default(),
        category: category.as_str().to_string(),
        form: req
            .form
            .or(current.map(|a| a.form.clone()))
            .unwrap_or_else(|| "other".into()),
        programme: programme.as_str().to_string(),
        sending_province: sending.as_ref().map(|r| r.as_str().to_string()),
        starts_at: starts_at.naive_utc(),
        ends_at: ends_at.naive_utc(),
        time_zone,
        region_code: site_region.as_str().to_string(),
        headcount_min: req
            .headcount_min
            .or(current.map(|a| a.headcount_min))
            .unwrap_or(1),
        headcount_max: req
            .headcount_max
            .or(current.map(|a| a.headcount_max))
            .unwrap_or(1),
        target_groups: req
            .target_groups
            .clone()
            .map(|g| g.join(";"))
            .or(current.map(|a| a.target_groups.clone()))
            .unwrap_or_default(),
        requirements: serde_json::to_string(&req.requirements.clone().unwrap_or(cur_req))
            .map_err(ApiError::internal)?,
        requires_special_skills: req
            .requires_special_skills
            .or(current.map(|a| a.requires_special_skills))
            .unwrap_or(false),
        min_age: req.min_age.or(current.and_then(|a| a.min_age)),
        max_age: req.max_age.or(current.and_then(|a| a.max_age)),
        physical_demand: req
            .physical_demand
            .or(current.map(|a| a.physical_demand))
            .unwrap_or(0),
        risk_level: req
            .risk_level
            .map(|r| r.as_str().to_string())
            .or(current.map(|a| a.risk_level.clone()))
            .unwrap_or_else(|| "low".into()),
        risk_disclosure: req
            .risk_disclosure
            .or(current.map(|a| a.risk_disclosure.clone()))
            .unwrap_or_default(),
        agreement_required: req
            .agreement_required
            .or(current.map(|a| a.agreement_required))
            .unwrap_or(false),
    };
    let draft = draft_of(
        &fields,
        site_region,
        req.intra_border_override.unwrap_or(false),
        req.recipient_fee_cents.unwrap_or(0),
    );
    let problems = check_draft(&draft, spring_rain);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    Ok((fields, draft))
}

fn draft_of(
    f: &ActivityFields,
    site_region: RegionCode,
    intra_border_override: bool,
    fee: i64,
) -> ActivityDraft {
    ActivityDraft {
        title: f.title.clone(),
        description: f.description.clone(),
        form: f.form.clone(),
        programme_spring_rain: f.programme == "spring_rain",
        sending_province: f
            .sending_province
            .as_deref()
            .and_then(|p| RegionCode::parse(p).ok()),
        intra_border_override,
        site_region,
        starts_at: f.starts_at.and_utc(),
        ends_at: f.ends_at.and_utc(),
        headcount_min: f.headcount_min,
        headcount_max: f.headcount_max,
        target_groups: codes(&f.target_groups),
        requirements: serde_json::from_str(&f.requirements).unwrap_or_default(),
        requires_special_skills: f.requires_special_skills,
        min_age: f.min_age,
        max_age: f.max_age,
        physical_demand: f.physical_demand,
        risk_disclosure: f.risk_disclosure.clone(),
        recipient_fee_cents: fee,
    }
}

fn fields_of(a: &ActivityRow) -> ActivityFields {
    ActivityFields {
        site_id: a.site_id,
        title: a.title.clone(),
        description: a.description.clone(),
        category: a.category.clone(),
        form: a.form.clone(),
        programme: a.programme.clone(),
        sending_province: a.sending_province.clone(),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        time_zone: a.time_zone.clone(),
        region_code: a.region_code.clone(),
        headcount_min: a.headcount_min,
        headcount_max: a.headcount_max,
        target_groups: a.target_groups.clone(),
        requirements: a.requirements.clone(),
        requires_special_skills: a.requires_special_skills,
        min_age: a.min_age,
        max_age: a.max_age,
        physical_demand: a.physical_demand,
        risk_level: a.risk_level.clone(),
        risk_disclosure: a.risk_disclosure.clone(),
        agreement_required: a.agreement_required,
    }
}

/// Every required course must exist and be usable by the organiser.
fn check_courses(conn: &mut DbConn, fields: &ActivityFields) -> Result<(), ApiError> {
    let req: VolunteerRequirements = serde_json::from_str(&fields.requirements).unwrap_or_default();
    for (i, id) in req.course_ids.iter().enumerate() {
        if db::training::find_course(conn, *id)?.is_none() {
            return Err(ApiError::validation(vec![FieldError::new(
                format!("requirements.course_ids[{i}]"),
                "unknown_course",
                format!("no course {id}"),
            )]));
        }
    }
    Ok(())
}

/// Whether the caller may read this activity: staff within reach (their subtree and the
/// organisations above them), volunteers the published ones of their province and those they
/// are assigned to.
pub fn can_read(conn: &mut DbConn, user: &Principal, a: &ActivityRow) -> Result<bool, ApiError> {
    if user.role == Role::Volunteer {
        let own = match user.volunteer_id {
            Some(v) => db::assignments::activity_ids_of_volunteer(conn, v)?.contains(&a.id),
            None => false,
        };
        let open =
            a.status == "published" && a.org_path.starts_with(&province_path(&user.org_path));
        return Ok(own || open);
    }
    // Staff also see the activities of the organisations above them, which recruit into
    // their area; auditors supervise their subtree only.
    let ancestors = user.role != Role::Auditor && user.ancestor_paths().contains(&a.org_path);
    Ok(user
        .scope_for(Action::ReadActivities)
        .is_some_and(|s| s.contains(&a.org_path))
        || ancestors)
}

/// Loads an activity the caller can read (404 otherwise) and may `act` on (403 otherwise).
pub fn load_activity(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    act: Option<Action>,
) -> Result<ActivityRow, ApiError> {
    let a = db::activities::find(conn, id)?.ok_or_else(|| ApiError::not_found("activity"))?;
    if !can_read(conn, user, &a)? {
        return Err(ApiError::not_found("activity"));
    }
    if let Some(act) = act
        && !user.scope_for(act).is_some_and(|s| s.contains(&a.org_path))
    {
        return Err(ApiError::forbidden("you may not do this on this activity"));
    }
    Ok(a)
}

/// Create an activity (as a draft) at one of the caller's sites.
#[utoipa::path(tag = "activities", request_body = ActivityRequest, responses((status = 201, body = ActivityResponse)))]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ManageActivities)?;
    let req = body.into_inner();
    req.check_dates()?;
    let site_id = req.site_id.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new("site_id", "required", "which site?")])
    })?;
    let policy = state.policy.clone();
    let row = crate::service::write(&state.pool, move |c| {
        let site = db::activities::find_site(c, site_id)?
            .filter(|s| scope.contains(&s.org_path))
            .ok_or_else(|| ApiError::not_found("site"))?;
        let (fields, _) = merge(req, None, &site, &policy.spring_rain)?;
        check_courses(c, &fields)?;
        let row = db::activities::insert(c, site.organization_id, &site.org_path, &fields)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "activity.create", "activity").entity(row.id, &row.org_path),
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/activities/{}", row.id)))
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::new(row, &state.policy.spring_rain)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilters {
    pub status: Option<ActivityStatus>,
    pub programme: Option<Programme>,
    /// Only activities starting at or after this instant.
    pub starts_after: Option<DateTime<Utc>>,
}

/// List activities: staff see their subtree; volunteers the published ones of their province.
#[utoipa::path(tag = "activities", params(ActivityFilters, PageParams), responses((status = 200, body = Page<ActivityResponse>)))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<ActivityFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let f = filters.into_inner();
    bounded_dates([("starts_after", day_of(f.starts_after))])?;
    let (subtree, status) = if user.role == Role::Volunteer {
        (
            Some(province_path(&user.org_path)),
            Some("published".to_string()),
        )
    } else {
        let scope = user.require(Action::ReadActivities)?;
        (
            scope.org_path_prefix().map(String::from),
            f.status.map(|s| s.as_str().to_string()),
        )
    };
    let filter = ActivityFilter {
        subtree,
        or_ids: Vec::new(),
        status,
        programme: f.programme.map(|p| p.as_str().to_string()),
        starts_after: f.starts_after.map(|t| t.naive_utc()),
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows =
        crate::service::run(&state.pool, move |c| Ok(db::activities::list(c, &filter)?)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        |r| ActivityResponse::new(r, &state.policy.spring_rain),
    )))
}

/// Read one activity.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse, headers(("ETag" = String)))))]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::run(&state.pool, move |c| load_activity(c, &user, id, None)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::new(row, &state.policy.spring_rain)))
}

/// Edit an activity (`If-Match` required). Published activities stay publishable.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path), ("If-Match" = String, Header)),
    request_body = ActivityRequest,
    responses((status = 200, body = ActivityResponse), (status = 412, description = "Stale version", body = crate::error::Problem, content_type = "application/problem+json"))
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let version = if_match_version(&req)?;
    let body = body.into_inner();
    body.check_dates()?;
    let policy = state.policy.clone();
    let row = crate::service::write(&state.pool, move |c| {
        let current = load_activity(c, &user, id, Some(Action::ManageActivities))?;
        let status = ActivityStatus::parse(&current.status).unwrap_or(ActivityStatus::Draft);
        if matches!(
            status,
            ActivityStatus::Completed | ActivityStatus::Cancelled
        ) {
            return Err(ApiError::conflict(
                "activity_closed",
                "a completed or cancelled activity is not edited",
            ));
        }
        let site_id = body.site_id.unwrap_or(current.site_id);
        let site = db::activities::find_site(c, site_id)?
            .filter(|s| {
                user.scope_for(Action::ManageActivities)
                    .is_some_and(|sc| sc.contains(&s.org_path))
            })
            .ok_or_else(|| ApiError::not_found("site"))?;
        let (fields, draft) = merge(body, Some(&current), &site, &policy.spring_rain)?;
        if fields.headcount_max < current.confirmed_count {
            return Err(ApiError::conflict(
                "headcount_below_confirmed",
                "more volunteers have confirmed than that",
            ));
        }
        if status != ActivityStatus::Draft {
            let problems = check_publishable(&draft, &policy.spring_rain);
            if !problems.is_empty() {
                return Err(ApiError::invalid(problems));
            }
        }
        check_courses(c, &fields)?;
        if !db::activities::update_if_version(c, id, version, &fields)? {
            return Err(stale("activity"));
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "activity.update", "activity").entity(id, &current.org_path),
        )?;
        db::activities::find(c, id)?.ok_or_else(|| ApiError::not_found("activity"))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::new(row, &state.policy.spring_rain)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LifecycleRequest {
    /// Required to cancel; volunteers are told.
    pub reason: Option<String>,
}

async fn move_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: ActivityAction,
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if action == ActivityAction::Cancel && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the volunteers why",
        )]));
    }
    let policy = state.policy.clone();
    let row = crate::service::write(&state.pool, move |c| {
        let a = load_activity(c, &user, id, Some(Action::ManageActivities))?;
        let from = ActivityStatus::parse(&a.status).unwrap_or(ActivityStatus::Draft);
        let to = from.after(action).ok_or_else(|| {
            ApiError::conflict(
                "invalid_transition",
                format!("a {} activity cannot {}", from.as_str(), action.as_str()),
            )
        })?;
        match action {
            ActivityAction::Publish => {
                let site = db::activities::find_site(c, a.site_id)?
                    .ok_or_else(|| ApiError::internal("site missing"))?;
                let region = RegionCode::parse(&site.region_code)
                    .map_err(|_| ApiError::internal("site region"))?;
                // The border-province exception (SR-01) was judged, and accepted, when the
                // deployment was stored; it is not stored itself, so it is not re-judged here.
                let problems = check_publishable(
                    &draft_of(
                        &fields_of(&a),
                        region,
                        true,
                        i64::from(a.recipient_fee_cents),
                    ),
                    &policy.spring_rain,
                );
                if !problems.is_empty() {
                    return Err(ApiError::invalid(problems).with_code("not_publishable"));
                }
            }
            ActivityAction::Start => {
                crate::routes::assignments::check_start(c, &policy.eligibility(), &a)?
            }
            ActivityAction::Cancel => crate::routes::assignments::cancel_all(
                c,
                &user,
                &a,
                reason.as_deref().unwrap_or(""),
            )?,
            ActivityAction::Complete => {}
        }
        if !db::activities::set_status(c, id, from.as_str(), to.as_str(), reason.as_deref())? {
            return Err(ApiError::conflict(
                "concurrent_update",
                "the activity changed meanwhile; retry",
            ));
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, &format!("activity.{}", action.as_str()), "activity")
                .entity(id, &a.org_path)
                .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
        )?;
        db::activities::find(c, id)?.ok_or_else(|| ApiError::not_found("activity"))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(ActivityResponse::new(row, &state.policy.spring_rain)))
}

/// Publish a draft (ACT-01: content, schedule, location, requirements and a risk disclosure;
/// ACT-02: no fee; ACT-05: special skills name their training).
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse), (status = 422, description = "`not_publishable`, with each missing item", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/activities/{id}/publish")]
pub async fn publish_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Publish, None).await
}

/// Start a published activity (ACT-08: every confirmed volunteer insured when risky).
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/start")]
pub async fn start_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Start, None).await
}

/// Complete an activity in progress.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/complete")]
pub async fn complete_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_activity(state, user, id.into_inner(), ActivityAction::Complete, None).await
}

/// Cancel an activity: live assignments are cancelled and their volunteers notified.
#[utoipa::path(tag = "activities", params(("id" = i64, Path)), request_body = LifecycleRequest, responses((status = 200, body = ActivityResponse)))]
#[post("/activities/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: Option<extract::Json<LifecycleRequest>>,
) -> ApiResult<HttpResponse> {
    move_activity(
        state,
        user,
        id.into_inner(),
        ActivityAction::Cancel,
        body.and_then(|b| b.into_inner().reason),
    )
    .await
}

/// Notifies a volunteer about an assignment event.
pub fn notify(
    conn: &mut DbConn,
    volunteer_id: i64,
    kind: &str,
    title: String,
    body: String,
    assignment_id: i64,
) -> Result<(), ApiError> {
    db::notifications::push(
        conn,
        Notice {
            recipient: Recipient::Volunteer(volunteer_id),
            kind,
            title,
            body,
            entity: Some(("assignment", assignment_id.to_string())),
            dedupe_key: None,
        },
    )?;
    Ok(())
}
