//! Dispatch over HTTP: offers (ACT-03: never a forced confirmation), the volunteer's answer,
//! withdrawal (ACT-04), cancellation, check-in and -out, no-shows and agreements (ACT-09/10).
//! The state machine and its rules live in `service::dispatch`; verification is a record
//! matter (`routes::records`).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::assignments::AssignmentRow;
use crate::domain::agreement::AgreementTerms;
use crate::domain::assignment::AssignmentAction;
use crate::error::ApiResult;
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service;
use crate::service::dispatch::{AssignmentActionRequest, AssignmentQuery, OfferRequest};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentResponse {
    pub id: i64,
    pub activity_id: i64,
    pub volunteer_id: i64,
    /// `offered`, `confirmed`, `declined`, `withdrawn`, `cancelled`, `checked_in`, `completed`, `no_show`.
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Name of the guardian accompanying a minor, if any.
    pub accompanying_guardian: Option<String>,
    pub offered_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub break_minutes: i32,
    pub verified_at: Option<DateTime<Utc>>,
    /// When a party asked for a written agreement (ACT-09 b): confirmation then needs one.
    pub agreement_requested_at: Option<DateTime<Utc>>,
}

impl From<AssignmentRow> for AssignmentResponse {
    fn from(a: AssignmentRow) -> Self {
        let t = |v: Option<chrono::NaiveDateTime>| v.map(|t| t.and_utc());
        Self {
            id: a.id,
            activity_id: a.activity_id,
            volunteer_id: a.volunteer_id,
            status: a.status.as_str().to_string(),
            starts_at: a.starts_at.and_utc(),
            ends_at: a.ends_at.and_utc(),
            accompanying_guardian: a.accompanying_guardian,
            offered_at: a.offered_at.and_utc(),
            responded_at: t(a.responded_at),
            withdrawn_at: t(a.withdrawn_at),
            cancelled_at: t(a.cancelled_at),
            cancel_reason: a.cancel_reason,
            checked_in_at: t(a.checked_in_at),
            checked_out_at: t(a.checked_out_at),
            break_minutes: a.break_minutes,
            verified_at: t(a.verified_at),
            agreement_requested_at: t(a.agreement_requested_at),
        }
    }
}

/// Offer an activity to a volunteer. The result is always an offer (ACT-03); only the
/// volunteer confirms. Refused with 422 and the violation codes when ineligible, including
/// `overlap` with another live assignment (2-hour travel buffer).
#[utoipa::path(
    tag = "dispatch",
    params(("id" = i64, Path)),
    request_body = OfferRequest,
    responses(
        (status = 201, body = AssignmentResponse),
        (status = 409, description = "`activity_not_open` or `already_assigned`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ineligible: `code` is the first violation, `errors[]` lists all", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/assignments")]
pub async fn offer(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<OfferRequest>,
) -> ApiResult<HttpResponse> {
    let activity_id = id.into_inner();
    let req = body.into_inner();
    let policy = state.policy.eligibility();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::dispatch::offer_assignment(c, &user, activity_id, req, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/assignments/{}", row.id)))
        .json(AssignmentResponse::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentFilters {
    pub activity_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    pub status: Option<String>,
}

/// Assignments: a volunteer's own, or those on activities in the caller's subtree.
#[utoipa::path(tag = "dispatch", params(AssignmentFilters, PageParams), responses((status = 200, body = Page<AssignmentResponse>)))]
#[get("/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<AssignmentFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let f = filters.into_inner();
    let query = AssignmentQuery {
        activity_id: f.activity_id,
        volunteer_id: f.volunteer_id,
        status: f.status,
        after_id: window.after_id,
        limit: window.limit,
    };
    let rows = service::run(&state.pool, move |c| {
        service::dispatch::list_assignments(c, &user, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |r| r.id,
        AssignmentResponse::from,
    )))
}

/// Read one assignment.
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = AssignmentResponse)))]
#[get("/assignments/{id}")]
pub async fn get_assignment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = service::run(&state.pool, move |c| {
        service::dispatch::get_assignment(c, &user, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(row)))
}

/// One step of the state machine, with its side effects, inside one transaction.
async fn step(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: AssignmentAction,
    body: AssignmentActionRequest,
) -> ApiResult<HttpResponse> {
    let policy = state.policy.eligibility();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::dispatch::take_step(c, &user, id, action, body, &policy, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(row)))
}

macro_rules! assignment_step {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "dispatch",
            params(("id" = i64, Path)),
            request_body(content = AssignmentActionRequest, description = "Optional"),
            responses(
                (status = 200, body = AssignmentResponse),
                (status = 409, description = "Not possible in this state or at this time", body = crate::error::Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            user: Principal,
            id: web::Path<i64>,
            body: Option<extract::Json<AssignmentActionRequest>>,
        ) -> ApiResult<HttpResponse> {
            step(state, user, id.into_inner(), $action, body.map(|b| b.into_inner()).unwrap_or_default()).await
        }
    };
}

assignment_step!(
    confirm,
    "/assignments/{id}/confirm",
    AssignmentAction::Confirm,
    "Confirm an offer (the volunteer only, ACT-03). Eligibility is checked again; the headcount maximum is never exceeded (409 `headcount_full`)."
);
assignment_step!(
    decline,
    "/assignments/{id}/decline",
    AssignmentAction::Decline,
    "Decline an offer (the volunteer)."
);
assignment_step!(
    withdraw,
    "/assignments/{id}/withdraw",
    AssignmentAction::Withdraw,
    "Withdraw from a confirmed assignment (the volunteer, ACT-04); the organiser is notified."
);
assignment_step!(
    cancel,
    "/assignments/{id}/cancel",
    AssignmentAction::Cancel,
    "Cancel an offer or confirmed assignment (the organiser; `reason` required); the volunteer is notified."
);
assignment_step!(
    check_in,
    "/assignments/{id}/check-in",
    AssignmentAction::CheckIn,
    "Check in (the volunteer or the organiser), from an hour before the start until the end. Eligibility is checked again."
);
assignment_step!(
    check_out,
    "/assignments/{id}/check-out",
    AssignmentAction::CheckOut,
    "Check out, with declared `break_minutes`."
);
assignment_step!(
    no_show,
    "/assignments/{id}/no-show",
    AssignmentAction::MarkNoShow,
    "Mark a confirmed or checked-in volunteer as a no-show (the organiser)."
);

/// Sign the written agreement for an assignment (ACT-09), with all six elements of Art 18
/// (ACT-10). It binds both sides: the first to sign records the terms, the other signs the
/// same terms; only then is the agreement in force (`agreement_missing` until then).
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), request_body = AgreementTerms, responses((status = 204, description = "Signed (by this side; in force once both have)"), (status = 409, description = "`agreement_signed` by this side already, or `agreement_terms_differ` from the terms the other side signed", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/agreement")]
pub async fn sign_agreement(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<AgreementTerms>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let terms = body.into_inner();
    service::write(&state.pool, move |c| {
        service::dispatch::sign_agreement(c, &user, id, terms)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a written agreement for an offered assignment (ACT-09 b), as its volunteer or its
/// organiser. From then on confirming needs the agreement signed by both sides
/// (`agreement_missing` until then), unless the policy switches case (b) off.
#[utoipa::path(tag = "dispatch", params(("id" = i64, Path)), responses((status = 200, body = AssignmentResponse), (status = 409, description = "`transition_not_allowed`: the assignment is no longer an offer", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/agreement-request")]
pub async fn request_agreement(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let row = service::write(&state.pool, move |c| {
        service::dispatch::request_agreement(c, &user, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(row)))
}
