//! Creating and editing activities: a request merged over the current fields is checked
//! against the rules an activity must meet to exist (ACT-02, ACT-11/12, SR-01/02) and, once
//! published, to stay publishable (ACT-01, ACT-05).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::activities::{ActivityFields, ActivityRow, SiteRow};
use crate::db::spring_rain::{DeploymentRow, EditionRow, PairingRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::activity::{
    ActivityCategory, ActivityDraft, ActivityStatus, VolunteerRequirements, check_draft,
    check_publishable,
};
use crate::domain::eligibility::{Programme, RiskLevel};
use crate::domain::organization::OrgKind;
use crate::domain::policy::{Policy, SpringRainPolicy};
use crate::domain::region::RegionCode;
use crate::domain::spring_rain::{ActionType, PairingRoute, check_joins_edition};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots::codes;

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
    /// Spring Rain: the edition the deployment belongs to; it must be open when the deployment
    /// joins it, and a deployment in an edition names a pairing taking part in it.
    pub edition_id: Option<i64>,
    /// Spring Rain (SR-03): the pairing; its sending province and receiving region must be the
    /// deployment's. A pairing accepted with the border override carries it to its deployments.
    pub pairing_id: Option<i64>,
    /// Spring Rain (SR-02, from 2023): what the deployment is for.
    pub action_type: Option<ActionType>,
}

/// The Spring Rain objects a request names, loaded before merging.
struct Links {
    edition_id: Option<i64>,
    pairing: Option<PairingRow>,
    action_type: Option<ActionType>,
}

impl Links {
    /// The details to store for the activity; `None` for one that has none.
    fn row(&self, activity_id: i64) -> Option<DeploymentRow> {
        let row = DeploymentRow {
            activity_id,
            edition_id: self.edition_id,
            pairing_id: self.pairing.as_ref().map(|p| p.id),
            action_type: self.action_type,
        };
        let empty =
            row.edition_id.is_none() && row.pairing_id.is_none() && row.action_type.is_none();
        (!empty).then_some(row)
    }

    fn route(&self) -> Option<PairingRoute> {
        let p = self.pairing.as_ref()?;
        Some(PairingRoute {
            sending_province: RegionCode::parse(&p.sending_province).ok()?,
            receiving_region: RegionCode::parse(&p.receiving_region).ok()?,
            intra_border_override: p.intra_border_override,
        })
    }
}

/// Loads the edition and pairing the activity will name (the request's, else the current
/// ones); when either changes, an edition must take the deployment (open, pairing enrolled).
fn links(
    conn: &mut DbConn,
    user: &Principal,
    req: &ActivityRequest,
    current: Option<&DeploymentRow>,
) -> ApiResult<Links> {
    let edition_id = req.edition_id.or(current.and_then(|d| d.edition_id));
    let pairing_id = req.pairing_id.or(current.and_then(|d| d.pairing_id));
    let pairing = match pairing_id {
        Some(id) => Some(load_in_reach::<PairingRow>(conn, user, id, Access::Read)?),
        None => None,
    };
    if let Some(id) = edition_id {
        let edition = load_in_reach::<EditionRow>(conn, user, id, Access::Read)?;
        let changed =
            current.is_none_or(|d| d.edition_id != edition_id || d.pairing_id != pairing_id);
        if changed {
            let takes_part = match pairing_id {
                Some(p) => db::spring_rain::takes_part(conn, id, p)?,
                // A missing pairing is SR-03's to name (check_draft).
                None => true,
            };
            let problems = check_joins_edition(edition.status, takes_part);
            if !problems.is_empty() {
                return Err(ApiError::invalid(problems));
            }
        }
    }
    Ok(Links {
        edition_id,
        pairing,
        action_type: req.action_type.or(current.and_then(|d| d.action_type)),
    })
}

/// Deployments are organised by the sending side: an organiser inside a province sends from
/// that province (national organisations may organise for any).
fn check_sending_side(conn: &mut DbConn, site: &SiteRow, fields: &ActivityFields) -> ApiResult<()> {
    let Some(sending) = &fields.sending_province else {
        return Ok(());
    };
    let organiser = db::organizations::find(conn, site.organization_id)?
        .ok_or_else(|| ApiError::internal("site organisation missing"))?;
    if matches!(organiser.kind, OrgKind::Ministry | OrgKind::NationalUnit) {
        return Ok(());
    }
    let same = match (
        RegionCode::parse(&organiser.region_code),
        RegionCode::parse(sending),
    ) {
        (Ok(o), Ok(s)) => o.province_prefix() == s.province_prefix(),
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(ApiError::invalid(vec![Invalid::new(
            "sending_province",
            "not_sending_side",
            "a deployment is organised by its sending province",
        )]))
    }
}

/// REG-08: a sending province sent as a 6-digit code is a listed region, not only a code under
/// a known province (`339999` is refused; a 2-digit code names the province itself).
fn check_sending_listed(conn: &mut DbConn, req: &ActivityRequest) -> ApiResult<()> {
    match req.sending_province.as_deref().map(RegionCode::parse) {
        Some(Ok(code)) => {
            crate::registry::require_listed_region(conn, "sending_province", code.as_str())
        }
        _ => Ok(()),
    }
}

/// Merges a request over the current fields (or defaults for a new activity) and checks the
/// result; returns the fields and the domain draft they make.
fn merge(
    req: ActivityRequest,
    current: Option<&ActivityRow>,
    site: &SiteRow,
    spring_rain: &SpringRainPolicy,
    links: &Links,
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
    let category = req.category.or(current.map(|a| a.category));
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
        .or(current.map(|a| a.programme))
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
        category,
        form: req
            .form
            .or(current.map(|a| a.form.clone()))
            .unwrap_or_else(|| "other".into()),
        programme,
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
            .or(current.map(|a| a.risk_level))
            .unwrap_or(RiskLevel::Low),
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
        links,
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
    links: &Links,
) -> ActivityDraft {
    ActivityDraft {
        title: f.title.clone(),
        description: f.description.clone(),
        form: f.form.clone(),
        programme_spring_rain: f.programme == Programme::SpringRain,
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
        action_type: links.action_type,
        pairing: links.route(),
        in_edition: links.edition_id.is_some(),
    }
}

fn fields_of(a: &ActivityRow) -> ActivityFields {
    ActivityFields {
        site_id: a.site_id,
        title: a.title.clone(),
        description: a.description.clone(),
        category: a.category,
        form: a.form.clone(),
        programme: a.programme,
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
        risk_level: a.risk_level,
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

/// Every date inside the accepted calendar (`domain::calendar`).
fn check_dates(req: &ActivityRequest) -> ApiResult<()> {
    let day = |t: Option<DateTime<Utc>>| t.map(|t| t.date_naive());
    let problems = crate::domain::calendar::check_dates([
        ("starts_at", day(req.starts_at)),
        ("ends_at", day(req.ends_at)),
    ]);
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::invalid(problems)),
    }
}

/// Creates an activity, as a draft, at one of the caller's sites.
pub fn create_activity(
    conn: &mut DbConn,
    user: &Principal,
    req: ActivityRequest,
    policy: &Policy,
) -> ApiResult<(ActivityRow, Option<DeploymentRow>)> {
    user.require(Action::ManageActivities)?;
    check_dates(&req)?;
    let site_id = req.site_id.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new("site_id", "required", "which site?")])
    })?;
    let site =
        load_in_reach::<SiteRow>(conn, user, site_id, Access::Act(Action::ManageActivities))?;
    let links = links(conn, user, &req, None)?;
    check_sending_listed(conn, &req)?;
    let (fields, _) = merge(req, None, &site, &policy.spring_rain, &links)?;
    check_sending_side(conn, &site, &fields)?;
    check_courses(conn, &fields)?;
    let row = db::activities::insert(conn, site.organization_id, &site.org_path, &fields)?;
    let deployment = links.row(row.id);
    if let Some(d) = &deployment {
        db::spring_rain::save_deployment(conn, d)?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.create", "activity").entity(row.id, &row.org_path),
    )?;
    Ok((row, deployment))
}

/// Edits activity `id` if it is still at `version`; `None` when someone changed it since
/// (nothing is written then). Published activities stay publishable; closed ones are not
/// edited.
pub fn update_activity(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    version: i32,
    req: ActivityRequest,
    policy: &Policy,
) -> ApiResult<Option<(ActivityRow, Option<DeploymentRow>)>> {
    check_dates(&req)?;
    let current =
        load_in_reach::<ActivityRow>(conn, user, id, Access::Act(Action::ManageActivities))?;
    let status = current.status;
    if matches!(
        status,
        ActivityStatus::Completed | ActivityStatus::Cancelled
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityClosed,
            "a completed or cancelled activity is not edited",
        ));
    }
    let site_id = req.site_id.unwrap_or(current.site_id);
    let site =
        load_in_reach::<SiteRow>(conn, user, site_id, Access::Act(Action::ManageActivities))?;
    let stored = db::spring_rain::find_deployment(conn, id)?;
    let links = links(conn, user, &req, stored.as_ref())?;
    check_sending_listed(conn, &req)?;
    let (fields, draft) = merge(req, Some(&current), &site, &policy.spring_rain, &links)?;
    check_sending_side(conn, &site, &fields)?;
    if fields.headcount_max < current.confirmed_count {
        return Err(ApiError::conflict(
            ErrorCode::HeadcountBelowConfirmed,
            "more volunteers have confirmed than that",
        ));
    }
    if status != ActivityStatus::Draft {
        let problems = check_publishable(&draft, &policy.spring_rain);
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
    }
    check_courses(conn, &fields)?;
    if !db::activities::update_if_version(conn, id, version, &fields)? {
        return Ok(None);
    }
    let deployment = links.row(id);
    if deployment != stored
        && let Some(d) = &deployment
    {
        db::spring_rain::save_deployment(conn, d)?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.update", "activity").entity(id, &current.org_path),
    )?;
    let row = db::activities::find(conn, id)?.ok_or_else(|| ApiError::not_found("activity"))?;
    Ok(Some((row, deployment)))
}

/// ACT-01/02/05 at publication, judged on the stored activity.
pub fn check_publishable_row(
    conn: &mut DbConn,
    activity: &ActivityRow,
    policy: &SpringRainPolicy,
) -> ApiResult<()> {
    let site = db::activities::find_site(conn, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    let region =
        RegionCode::parse(&site.region_code).map_err(|_| ApiError::internal("site region"))?;
    // The border-province exception (SR-01) was judged, and accepted, when the deployment was
    // stored; it is not stored itself, so it is not re-judged here.
    let stored = db::spring_rain::find_deployment(conn, activity.id)?;
    let pairing = match stored.as_ref().and_then(|d| d.pairing_id) {
        Some(id) => db::spring_rain::find_pairing(conn, id)?,
        None => None,
    };
    let links = Links {
        edition_id: stored.as_ref().and_then(|d| d.edition_id),
        pairing,
        action_type: stored.as_ref().and_then(|d| d.action_type),
    };
    let draft = draft_of(
        &fields_of(activity),
        region,
        true,
        i64::from(activity.recipient_fee_cents),
        &links,
    );
    let problems = check_publishable(&draft, policy);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(problems).with_code(ErrorCode::NotPublishable))
    }
}
