//! Records and recognition: service records and their corrections (HRS-04/05), stars
//! (STAR-01/02), record certificates (CRT-01…05) with public verification, qualifications.
//! One file per group of actions; this file holds what they share.

pub mod certificates;
pub mod exchange;
pub mod objections;
pub mod service_records;
pub mod stars;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::records::ServiceRecordRow;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ResolutionRequest {
    /// Why it was rejected, or what was changed.
    #[serde(default)]
    pub note: String,
}

/// Minutes as hours rounded (half up) to one decimal (CRT-03): 125 minutes is "2.1", not a
/// truncated "2.0". Counted in tenths of an hour (6 minutes) so no float rounding creeps in.
fn hours(minutes: i64) -> String {
    let tenths = (minutes.max(0) * 10 + 30) / 60;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Minutes as hours truncated to one decimal, for progress towards a threshold: 5,999
/// minutes must not read "100.0" while the 100-hour star is not yet reached (STAR-01).
fn hours_reached(minutes: i64) -> String {
    format!("{}.{}", minutes / 60, (minutes % 60) * 10 / 60)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRecordResponse {
    /// Stable id of the record across corrections.
    pub record_id: i64,
    pub version: i32,
    pub assignment_id: i64,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub organization_id: i64,
    pub region_code: String,
    pub service_date: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub break_minutes: i32,
    /// Served minutes: presence minus breaks, travel never counted (HRS-01).
    pub minutes: i32,
    pub content: String,
    pub recorder_user_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    pub change_reason: Option<String>,
}

impl From<ServiceRecordRow> for ServiceRecordResponse {
    fn from(r: ServiceRecordRow) -> Self {
        Self {
            record_id: r.record_key,
            version: r.version,
            assignment_id: r.assignment_id,
            volunteer_id: r.volunteer_id,
            activity_id: r.activity_id,
            activity_title: r.activity_title,
            organization_id: r.organization_id,
            region_code: r.region_code,
            service_date: r.service_date,
            started_at: r.started_at.and_utc(),
            ended_at: r.ended_at.and_utc(),
            break_minutes: r.break_minutes,
            minutes: r.minutes,
            content: r.content,
            recorder_user_id: r.recorder_user_id,
            recorded_at: r.recorded_at.and_utc(),
            change_reason: r.change_reason,
        }
    }
}

fn record_list(rows: Vec<ServiceRecordRow>) -> Vec<ServiceRecordResponse> {
    rows.into_iter().map(ServiceRecordResponse::from).collect()
}
