//! HRS-06: a volunteer's consent to be matched by coordinators anywhere in their province.
//! Without it, coordinators outside the registering organisation's subtree see the volunteer
//! only while they hold a live application, enrolment or assignment there.

use actix_web::{HttpResponse, delete, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::VolunteerResponse;
use super::profile::replace_part;
use crate::auth::policy::Principal;
use crate::error::ApiResult;
use crate::registry::profile::ProfilePart;
use crate::routes::common::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct MatchingConsentRequest {
    /// Version of the notice that explains province-wide matching, as for the privacy
    /// consent (PI-02).
    #[validate(length(min = 1, max = 32))]
    pub notice_version: String,
}

/// Record the volunteer's consent to province-wide matching (the volunteer, or staff in
/// scope recording a consent given on paper). A new notice version replaces the old consent.
#[utoipa::path(
    tag = "volunteers",
    params(("id" = i64, Path)),
    request_body = MatchingConsentRequest,
    responses((status = 200, body = VolunteerResponse))
)]
#[put("/volunteers/{id}/matching-consent")]
pub async fn give_matching_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: ValidatedJson<MatchingConsentRequest>,
) -> ApiResult<HttpResponse> {
    let version = body.0.notice_version.trim().to_string();
    replace_part(
        state,
        user,
        id.into_inner(),
        ProfilePart::MatchingConsent(version),
    )
    .await
}

/// Withdraw the consent to province-wide matching: coordinators elsewhere in the province
/// stop seeing the volunteer at once, except where a live relation remains.
#[utoipa::path(
    tag = "volunteers",
    params(("id" = i64, Path)),
    responses((status = 200, body = VolunteerResponse))
)]
#[delete("/volunteers/{id}/matching-consent")]
pub async fn withdraw_matching_consent(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let part = ProfilePart::MatchingConsentWithdrawn;
    replace_part(state, user, id.into_inner(), part).await
}
