//! `/api/v1/spring-rain`: editions, pairings, the season's dispatch and the edition report.
//! Deployments are activities (`programme: spring_rain`), under `/activities`. This file holds
//! the response DTOs the others share.

pub mod editions;
pub mod pairings;
pub mod report;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::spring_rain::{EditionRow, PairingRow};
use crate::domain::spring_rain::EditionStatus;

#[derive(Debug, Serialize, ToSchema)]
pub struct PairingResponse {
    pub id: i64,
    pub sending_province: String,
    pub receiving_region: String,
    pub start_year: i32,
    pub counterpart_aid: bool,
    /// SR-01: a land-border province sends under this pairing, for `override_reason`.
    pub intra_border_override: bool,
    pub override_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<PairingRow> for PairingResponse {
    fn from(p: PairingRow) -> Self {
        Self {
            id: p.id,
            sending_province: p.sending_province,
            receiving_region: p.receiving_region,
            start_year: p.start_year,
            counterpart_aid: p.counterpart_aid,
            intra_border_override: p.intra_border_override,
            override_reason: p.override_reason,
            created_at: p.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EditionResponse {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub theme: String,
    /// Provinces hand in their deployment plans by this day.
    pub plans_due_on: NaiveDate,
    /// `planning → open → closed`.
    pub status: EditionStatus,
    /// The pairings taking part (on a single edition; empty in lists).
    pub pairings: Vec<PairingResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EditionResponse {
    pub fn new(e: EditionRow, pairings: Vec<PairingRow>) -> Self {
        Self {
            id: e.id,
            year: e.year,
            title: e.title,
            theme: e.theme,
            plans_due_on: e.plans_due_on,
            status: e.status,
            pairings: pairings.into_iter().map(PairingResponse::from).collect(),
            created_at: e.created_at.and_utc(),
            updated_at: e.updated_at.and_utc(),
        }
    }
}
