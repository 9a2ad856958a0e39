//! The account as clients see it: shared by `/users` and volunteer activation.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::users::UserRow;
use crate::domain::role::Role;

#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub organization_id: i64,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for UserResponse {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            username: r.username,
            role: r.role,
            organization_id: r.organization_id,
            disabled: r.disabled,
            created_at: r.created_at.and_utc(),
            disabled_at: r.disabled_at.map(|t| t.and_utc()),
        }
    }
}
