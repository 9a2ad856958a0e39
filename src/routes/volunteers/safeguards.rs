//! Safeguards recorded on a volunteer: guardian consents (MIN-03/04), personal accident
//! insurance (ACT-08), background checks (MIN-09).

use actix_web::{HttpResponse, post, put, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::profile::replace_part;
use super::{GuardianConsentRequest, VolunteerResponse};
use crate::auth::policy::{Action, Principal};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self};
use crate::domain::identity::IdDocument;
use crate::domain::volunteer::parse_guardian_consent;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry;
use crate::routes::common::extract;
use crate::routes::common::extract::bounded_dates;
use crate::service::reach::{Access, load_in_reach};
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
    let recorded_by = user.user_id;
    // The guardian must differ from the volunteer: that needs the stored ID number.
    let volunteer_id = {
        let user = user.clone();
        let cipher = cipher.clone();
        crate::service::run(&state.pool, move |c| {
            let row = load_in_reach::<VolunteerRow>(
                c,
                &user,
                id,
                Access::Act(Action::RecordGuardianConsent),
            )?;
            let number = row
                .id_number_enc
                .as_deref()
                .and_then(|e| cipher.decrypt(e).ok())
                .unwrap_or_default();
            let id_type = crate::domain::identity::IdType::parse(&row.id_type)
                .ok_or_else(|| ApiError::internal("unknown ID type in storage"))?;
            Ok(IdDocument {
                id_type,
                number,
                birth_date: Some(row.birth_date),
                sex: None,
            })
        })
        .await?
    };
    let consent = parse_guardian_consent(&input, &volunteer_id, crate::clock::today(), "")
        .map_err(|problems| {
            ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field.trim_start_matches('.'), p.code, p.message))
                    .collect(),
            )
        })?;
    replace_part(
        state,
        user,
        id,
        Action::RecordGuardianConsent,
        "guardian_consents",
        move |c| {
            let row = registry::consent_row(&cipher, id, &consent, Some(recorded_by), db::now());
            db::volunteers::insert_consent(c, &row)?;
            Ok(())
        },
    )
    .await
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
    let id = id.into_inner();
    let recorded_by = user.user_id;
    replace_part(
        state,
        user,
        id,
        Action::RecordSafeguards,
        "insurance_policies",
        move |c| {
            db::volunteers::insert_policy(
                c,
                id,
                p.insurer.trim(),
                p.policy_number.trim(),
                (p.valid_from, p.valid_to),
                recorded_by,
            )?;
            Ok(())
        },
    )
    .await
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
    if passed_on.is_some_and(|d| d > crate::clock::today()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "passed_on",
            "in_future",
            "a background check cannot be in the future",
        )]));
    }
    let id = id.into_inner();
    replace_part(
        state,
        user,
        id,
        Action::RecordSafeguards,
        "background_check",
        move |c| {
            db::volunteers::set_background_check(c, id, passed_on)?;
            Ok(())
        },
    )
    .await
}
