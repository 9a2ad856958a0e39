//! Safeguards recorded on a volunteer: guardian consents (MIN-03/04), personal accident
//! insurance (ACT-08), background checks (MIN-09).

use actix_web::{HttpResponse, post, put, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::profile::replace_part;
use super::{GuardianConsentRequest, VolunteerResponse, changed};
use crate::auth::policy::Principal;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry::edit;
use crate::registry::profile::ProfilePart;
use crate::routes::common::extract;
use crate::routes::common::extract::bounded_dates;
use crate::state::AppState;

/// Record a guardian's consent (staff in scope, or the volunteer for their own guardian).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = GuardianConsentRequest, responses((status = 200, body = VolunteerResponse)))]
#[post("/volunteers/{id}/guardian-consents")]
pub async fn add_guardian_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<GuardianConsentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.into_inner().to_input();
    let cipher = state.cipher.clone();
    let now = state.clock.now();
    let v = crate::service::write(&state.pool, move |c| {
        edit::add_guardian_consent(c, &user, id, input, &cipher, now)
    })
    .await?;
    Ok(changed(&state, v))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InsurancePolicyRequest {
    #[serde(default)]
    pub insurer: String,
    #[serde(default)]
    pub policy_number: String,
    /// First day covered.
    pub valid_from: NaiveDate,
    /// Last day covered (inclusive).
    pub valid_to: NaiveDate,
}

/// Record a personal accident insurance policy covering the volunteer (ACT-08).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = InsurancePolicyRequest, responses((status = 200, body = VolunteerResponse)))]
#[post("/volunteers/{id}/insurance-policies")]
pub async fn add_insurance_policy(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<InsurancePolicyRequest>,
) -> ApiResult<HttpResponse> {
    let p = body.into_inner();
    bounded_dates([
        ("valid_from", Some(p.valid_from)),
        ("valid_to", Some(p.valid_to)),
    ])?;
    let mut problems = Vec::new();
    if p.insurer.trim().is_empty() {
        problems.push(FieldError::new(
            "insurer",
            "required",
            "the insurer is required",
        ));
    }
    if p.policy_number.trim().is_empty() {
        problems.push(FieldError::new(
            "policy_number",
            "required",
            "the policy number is required",
        ));
    }
    if p.valid_to < p.valid_from {
        problems.push(FieldError::new(
            "valid_to",
            "invalid_range",
            "valid_to must not be before valid_from",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let part = ProfilePart::InsurancePolicy {
        insurer: p.insurer.trim().to_string(),
        policy_number: p.policy_number.trim().to_string(),
        valid: (p.valid_from, p.valid_to),
    };
    replace_part(state, user, id.into_inner(), part).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BackgroundCheckRequest {
    /// Date the check was passed; `null` clears it.
    pub passed_on: Option<NaiveDate>,
}

/// Record the date of the volunteer's last passed background check (MIN-09).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path)), request_body = BackgroundCheckRequest, responses((status = 200, body = VolunteerResponse)))]
#[put("/volunteers/{id}/background-check")]
pub async fn put_background_check(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<BackgroundCheckRequest>,
) -> ApiResult<HttpResponse> {
    let passed_on = body.into_inner().passed_on;
    bounded_dates([("passed_on", passed_on)])?;
    if passed_on.is_some_and(|d| d > state.clock.today()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "passed_on",
            "in_future",
            "a background check cannot be in the future",
        )]));
    }
    let part = ProfilePart::BackgroundCheck(passed_on);
    replace_part(state, user, id.into_inner(), part).await
}
