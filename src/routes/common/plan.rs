//! The dispatch plan as answered: by the plan routes and by a Spring Rain season's dispatch.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::plans::PlanRow;
use crate::error::ApiError;
use crate::service;
use crate::service::plans::PlanBody;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    /// `proposed` or `committed`.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub plan: PlanBody,
}

impl TryFrom<PlanRow> for PlanResponse {
    type Error = ApiError;

    fn try_from(row: PlanRow) -> Result<Self, ApiError> {
        Ok(Self {
            plan: service::plans::body_of(&row)?,
            id: row.id,
            status: row.status,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
            committed_at: row.committed_at.map(|t| t.and_utc()),
        })
    }
}
