//! `GET /api/v1/policy`: the configurable rule values in force (issue 16), so staff can see
//! which local policy a refusal or warning came from. Loaded from `SPRINGRAIN_POLICY_FILE`.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::domain::policy::PolicyEntry;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct PolicyResponse {
    /// Every configurable value, in the order of `docs/policy.example.toml`.
    pub items: Vec<PolicyValueResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyValueResponse {
    /// The key as written in the policy file, e.g. `spring_rain.usual_max_days`.
    pub key: String,
    /// The RULES.md rule it configures, e.g. `SR-04`.
    pub rule: String,
    /// The value in force.
    pub value: serde_json::Value,
    /// The documented default.
    pub default: serde_json::Value,
    /// The policy file changed this value.
    pub overridden: bool,
}

impl From<PolicyEntry> for PolicyValueResponse {
    fn from(e: PolicyEntry) -> Self {
        Self {
            key: e.key.to_string(),
            rule: e.rule.to_string(),
            overridden: e.value != e.default,
            value: e.value,
            default: e.default,
        }
    }
}

/// The policy in force (any staff role; volunteers 403).
#[utoipa::path(tag = "policy", responses((status = 200, body = PolicyResponse)))]
#[get("/policy")]
pub async fn get_policy(state: web::Data<AppState>, user: Principal) -> ApiResult<HttpResponse> {
    user.require(Action::ReadPolicy)?;
    Ok(HttpResponse::Ok().json(PolicyResponse {
        items: state.policy.entries().into_iter().map(Into::into).collect(),
    }))
}
