//! `/api/v1/recruitments` and `/api/v1/applications`: campaigns with a quota and an
//! application window (`campaigns`); applications by registered volunteers or by new people
//! (`applications`). The use cases are `service::recruitment`; this folder holds the HTTP
//! shapes.

pub mod applications;
pub mod campaigns;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::recruitment::{ApplicationRow, RecruitmentRow};
use crate::domain::recruitment::{ApplicationStatus, RecruitmentStatus, Requirements};
use crate::service::recruitment::campaigns::Campaign;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationCounts {
    pub submitted: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecruitmentResponse {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub description: String,
    pub requirements: Requirements,
    pub quota: i32,
    /// Places held by submitted and accepted applications.
    pub places_taken: i32,
    pub places_left: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub status: RecruitmentStatus,
    pub applications: ApplicationCounts,
    pub created_at: DateTime<Utc>,
}

impl RecruitmentResponse {
    /// The campaign `r` with its counts picked out of `counts` (which may cover many).
    fn of(r: RecruitmentRow, counts: &[(i64, String, i64)]) -> Self {
        let count = |s: &str| {
            counts
                .iter()
                .find(|(id, status, _)| *id == r.id && status == s)
                .map(|(_, _, n)| *n)
                .unwrap_or(0)
        };
        RecruitmentResponse {
            applications: ApplicationCounts {
                submitted: count("submitted"),
                accepted: count("accepted"),
                rejected: count("rejected"),
                withdrawn: count("withdrawn"),
            },
            requirements: serde_json::from_str(&r.requirements).unwrap_or_default(),
            status: r.status,
            places_left: r.quota - r.places_taken,
            id: r.id,
            organization_id: r.organization_id,
            title: r.title,
            description: r.description,
            quota: r.quota,
            places_taken: r.places_taken,
            opens_at: r.opens_at.and_utc(),
            closes_at: r.closes_at.and_utc(),
            created_at: r.created_at.and_utc(),
        }
    }
}

impl From<Campaign> for RecruitmentResponse {
    fn from(c: Campaign) -> Self {
        RecruitmentResponse::of(c.row, &c.counts)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    pub id: i64,
    pub recruitment_id: i64,
    pub volunteer_id: i64,
    pub status: ApplicationStatus,
    /// The reason given on rejection (shown to the applicant).
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<ApplicationRow> for ApplicationResponse {
    fn from(a: ApplicationRow) -> Self {
        Self {
            status: a.status,
            id: a.id,
            recruitment_id: a.recruitment_id,
            volunteer_id: a.volunteer_id,
            reason: a.reason,
            created_at: a.created_at.and_utc(),
            decided_at: a.decided_at.map(|t| t.and_utc()),
        }
    }
}
