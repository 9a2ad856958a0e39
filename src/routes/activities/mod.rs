//! `/api/v1/sites` and `/api/v1/activities`: where service happens and the service needs.
//! One file per group of actions; this file holds the response DTOs they share. The rules
//! live in `service::activities` and, for the lifecycle, `service::dispatch`.

pub mod lifecycle;
pub mod reached;
pub mod read;
pub mod sites;
pub mod write;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::activities::{ActivityRow, SiteRow};
use crate::db::spring_rain::DeploymentRow;
use crate::domain::activity::{
    ActivityCategory, ActivityStatus, LocationType, SiteKind, VolunteerRequirements, advisories,
};
use crate::domain::eligibility::{Programme, RiskLevel};
use crate::domain::policy::SpringRainPolicy;
use crate::domain::spring_rain::ActionType;
use crate::snapshots::codes;

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
            kind: s.kind,
            location_type: s.location_type,
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
    /// Spring Rain: the edition the deployment belongs to (given on create, read, edit and
    /// lists; lifecycle answers leave the Spring Rain details out).
    pub edition_id: Option<i64>,
    /// Spring Rain (SR-03): the pairing the deployment is sent under.
    pub pairing_id: Option<i64>,
    /// Spring Rain (SR-02, from 2023): what the deployment is for.
    pub action_type: Option<ActionType>,
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

impl ActivityResponse {
    /// The response with the deployment's Spring Rain details.
    pub fn with_details(a: ActivityRow, d: Option<DeploymentRow>, sr: &SpringRainPolicy) -> Self {
        let mut r = Self::new(a, sr);
        if let Some(d) = d {
            r.edition_id = d.edition_id;
            r.pairing_id = d.pairing_id;
            r.action_type = d.action_type;
        }
        r
    }
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
    pub fn new(a: ActivityRow, spring_rain: &SpringRainPolicy) -> Self {
        let warnings = advisories(
            a.programme == Programme::SpringRain,
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
            category: a.category,
            programme: a.programme,
            staffed: a.confirmed_count >= a.headcount_min,
            target_groups: codes(&a.target_groups),
            requirements: serde_json::from_str(&a.requirements).unwrap_or_default(),
            risk_level: a.risk_level,
            status: a.status,
            id: a.id,
            organization_id: a.organization_id,
            site_id: a.site_id,
            title: a.title,
            description: a.description,
            form: a.form,
            sending_province: a.sending_province,
            edition_id: None,
            pairing_id: None,
            action_type: None,
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
