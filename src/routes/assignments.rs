//! Dispatch: offers (ACT-03: never a forced confirmation), the volunteer's answer, withdrawal
//! (ACT-04), cancellation, check-in and -out, no-shows, agreements (ACT-09/10) and the
//! verification that turns a completed assignment into a service record (HRS-01…03).
//! Eligibility is re-checked inside the write transaction at offer, confirm and check-in; the
//! headcount is a write-first counter; a volunteer row lock serialises overlap checks.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::activities::{load_activity, notify};
use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::assignments::{
    AssignmentFilter, AssignmentRow, NewOffer, Signatory, Signing, TransitionStamp,
};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::agreement::{AgreementTerms, check_terms};
use crate::domain::assignment::{ActionWindows, Actor, AssignmentAction, AssignmentState, attempt};
use crate::domain::eligibility::{
    self, AssignmentContext, CheckPoint, EligibilityPolicy, Violation,
};
use crate::domain::role::Role;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::routes::common::extract;
use crate::routes::common::pagination::{Page, PageParams};
use crate::service::reach::{Access, load_in_reach};
use crate::service::records::window_of;
use crate::snapshots;
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
}

impl From<AssignmentRow> for AssignmentResponse {
    fn from(a: AssignmentRow) -> Self {
        let t = |v: Option<chrono::NaiveDateTime>| v.map(|t| t.and_utc());
        Self {
            id: a.id,
            activity_id: a.activity_id,
            volunteer_id: a.volunteer_id,
            status: a.status,
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
        }
    }
}

/// The 422 answer for broken eligibility rules: `code` is the first violation's code, and
/// `errors[]` lists every violation (`code`, and the rule id in the message).
pub fn ineligible(violations: &[Violation]) -> ApiError {
    let errors = violations
        .iter()
        .map(|v| FieldError {
            field: None,
            code: v.code.as_str().to_string(),
            message: format!("{}: {}", v.rule, v.detail),
        })
        .collect();
    let first = violations
        .first()
        .map(|v| v.code.as_str())
        .unwrap_or("not_eligible");
    ApiError::rule(first, "the volunteer is not eligible for this activity").with_errors(errors)
}

/// Runs the eligibility engine on the stored data (call after locking the volunteer's row).
pub fn violations_for(
    conn: &mut DbConn,
    policy: &EligibilityPolicy,
    activity: &ActivityRow,
    volunteer_id: i64,
    checkpoint: CheckPoint,
    accompanying_guardian: bool,
    agreement_signed: bool,
) -> Result<Vec<Violation>, ApiError> {
    let site = db::activities::find_site(conn, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    let requirements = snapshots::activity_requirements(activity, &site)?;
    let volunteer = snapshots::volunteer_snapshot(conn, volunteer_id)?;
    let commitments = snapshots::commitments(conn, volunteer_id, activity.id)?;
    let ctx = AssignmentContext {
        checkpoint,
        accompanying_guardian,
        agreement_signed,
        checked_at: Utc::now(),
    };
    Ok(eligibility::check(
        &requirements,
        &volunteer,
        &commitments,
        &ctx,
        policy,
    ))
}

/// The caller's part in an assignment: the volunteer, or the organiser (staff with `act` over
/// the activity). Anyone else does not see it.
fn actor(user: &Principal, a: &AssignmentRow, act: Action) -> Result<Actor, ApiError> {
    if user.volunteer_id == Some(a.volunteer_id) {
        return Ok(Actor::Volunteer);
    }
    match user.scope_for(Action::ReadActivities) {
        Some(s) if s.contains(&a.org_path) => {
            if user.scope_for(act).is_some_and(|s| s.contains(&a.org_path)) {
                Ok(Actor::Organiser)
            } else {
                Err(ApiError::forbidden(
                    "your role may not do this on this assignment",
                ))
            }
        }
        _ => Err(ApiError::not_found("assignment")),
    }
}

fn transition_error(e: crate::domain::assignment::TransitionError) -> ApiError {
    let detail = match e.rule() {
        Some(rule) => format!("{rule}: this action is not yours to take"),
        None => format!("{e:?}"),
    };
    match e {
        crate::domain::assignment::TransitionError::WrongActor { .. } => {
            ApiError::forbidden(detail).with_code(e.code())
        }
        _ => ApiError::conflict(e.code(), detail),
    }
}

/// Offers (single or planned) are made for published or running activities only.
pub fn check_open(activity: &ActivityRow) -> Result<(), ApiError> {
    if matches!(activity.status.as_str(), "published" | "in_progress") {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "activity_not_open",
            "offers are made for published activities",
        ))
    }
}

/// Offers `activity` (loaded with `Action::Dispatch`) to a volunteer, inside the caller's
/// write transaction: the one offer path for single offers and committed batch plans. The
/// rules are judged after locking the volunteer, then the volunteer is told and it is audited.
pub fn make_offer(
    c: &mut DbConn,
    policy: &EligibilityPolicy,
    user: &Principal,
    activity: &ActivityRow,
    volunteer_id: i64,
    guardian: Option<&str>,
) -> Result<AssignmentRow, ApiError> {
    check_open(activity)?;
    load_in_reach::<VolunteerRow>(c, user, volunteer_id, Access::Read)?;
    // Lock the volunteer first: concurrent offers for overlapping activities queue here.
    db::training::lock_volunteer(c, volunteer_id)?;
    let violations = violations_for(
        c,
        policy,
        activity,
        volunteer_id,
        CheckPoint::Offer,
        guardian.is_some(),
        false,
    )?;
    if !violations.is_empty() {
        return Err(ineligible(&violations));
    }
    let row = db::assignments::insert_offer(
        c,
        &NewOffer {
            activity_id: activity.id,
            volunteer_id,
            org_path: &activity.org_path,
            starts_at: activity.starts_at,
            ends_at: activity.ends_at,
            accompanying_guardian: guardian,
            offered_by: user.user_id,
        },
    )
    .map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::conflict(
            "already_assigned",
            "the volunteer already has a live assignment on this activity",
        ),
        other => other.into(),
    })?;
    notify(
        c,
        volunteer_id,
        "offer",
        format!("服务邀请：{}", activity.title),
        format!(
            "You are invited to {}; confirm or decline before it starts.",
            activity.title
        ),
        row.id,
    )?;
    db::audit::record(
        c,
        AuditEntry::by(user, "assignment.offer", "assignment")
            .entity(row.id, &activity.org_path)
            .detail(
                serde_json::json!({ "activity_id": activity.id, "volunteer_id": volunteer_id }),
            ),
    )?;
    Ok(row)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferRequest {
    pub volunteer_id: i64,
    /// The guardian who accompanies a minor (MIN-03, MIN-06, MIN-07).
    pub accompanying_guardian: Option<String>,
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
    let guardian = req
        .accompanying_guardian
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty());
    let policy = state.policy.eligibility();
    let row = crate::service::write(&state.pool, move |c| {
        let activity = load_activity(c, &user, activity_id, Some(Action::Dispatch))?;
        make_offer(
            c,
            &policy,
            &user,
            &activity,
            req.volunteer_id,
            guardian.as_deref(),
        )
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
    let mut filter = AssignmentFilter {
        activity_id: f.activity_id,
        volunteer_id: f.volunteer_id,
        status: f.status,
        after_id: window.after_id,
        limit: window.limit,
        ..Default::default()
    };
    if user.role == Role::Volunteer {
        filter.volunteer_id = Some(
            user.volunteer_id
                .ok_or_else(|| ApiError::forbidden("no volunteer record"))?,
        );
    } else {
        filter.subtree = user
            .require(Action::ReadActivities)?
            .org_path_prefix()
            .map(String::from);
    }
    let rows =
        crate::service::run(&state.pool, move |c| Ok(db::assignments::list(c, &filter)?)).await?;
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
    let row = crate::service::run(&state.pool, move |c| {
        let a = db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))?;
        actor(&user, &a, Action::ReadActivities)?;
        Ok(a)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(row)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AssignmentActionRequest {
    /// For `cancel` (required) and `withdraw` (optional).
    pub reason: Option<String>,
    /// For `check-out`: declared breaks, in minutes (never counted as service).
    pub break_minutes: Option<i32>,
}

/// One step of the state machine, with its side effects, inside one transaction.
async fn step(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    action: AssignmentAction,
    body: AssignmentActionRequest,
) -> ApiResult<HttpResponse> {
    let permission = match action {
        AssignmentAction::CheckIn | AssignmentAction::CheckOut => Action::CheckInOut,
        _ => Action::Dispatch,
    };
    if action == AssignmentAction::Cancel
        && body.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the volunteer why",
        )]));
    }
    if body.break_minutes.is_some_and(|b| b < 0) {
        return Err(ApiError::validation(vec![FieldError::new(
            "break_minutes",
            "invalid_value",
            "breaks are 0 or more minutes",
        )]));
    }
    let policy = state.policy.eligibility();
    let row = crate::service::write(&state.pool, move |c| {
        let a = db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))?;
        let who = actor(&user, &a, permission)?;
        let from = AssignmentState::parse(&a.status)
            .ok_or_else(|| ApiError::internal("unknown assignment status"))?;
        let now = Utc::now();
        let to = attempt(
            from,
            action,
            who,
            now,
            &window_of(&a),
            &ActionWindows::default(),
        )
        .map_err(transition_error)?;
        let activity = db::activities::find(c, a.activity_id)?
            .ok_or_else(|| ApiError::internal("activity missing"))?;
        let at = now.naive_utc();
        let mut stamp = TransitionStamp::default();
        match action {
            AssignmentAction::Confirm => {
                // Write first: the place, then the volunteer's lock, then the rules.
                if !db::activities::take_place(c, activity.id)? {
                    return Err(ApiError::conflict(
                        "headcount_full",
                        "every place on this activity is taken",
                    ));
                }
                db::training::lock_volunteer(c, a.volunteer_id)?;
                let agreement = db::assignments::has_agreement(c, a.id)?;
                let violations = violations_for(
                    c,
                    &policy,
                    &activity,
                    a.volunteer_id,
                    CheckPoint::Confirm,
                    a.accompanying_guardian.is_some(),
                    agreement,
                )?;
                if !violations.is_empty() {
                    return Err(ineligible(&violations));
                }
                stamp.responded_at = Some(at);
            }
            AssignmentAction::Decline => stamp.responded_at = Some(at),
            AssignmentAction::Withdraw => {
                db::activities::release_place(c, activity.id)?;
                stamp.withdrawn_at = Some(at);
                stamp.cancel_reason = body.reason.clone();
            }
            AssignmentAction::Cancel => {
                if from == AssignmentState::Confirmed {
                    db::activities::release_place(c, activity.id)?;
                }
                stamp.cancelled_at = Some(at);
                stamp.cancel_reason = body.reason.clone();
            }
            AssignmentAction::CheckIn => {
                let agreement = db::assignments::has_agreement(c, a.id)?;
                let violations = violations_for(
                    c,
                    &policy,
                    &activity,
                    a.volunteer_id,
                    CheckPoint::CheckIn,
                    a.accompanying_guardian.is_some(),
                    agreement,
                )?;
                if !violations.is_empty() {
                    return Err(ineligible(&violations));
                }
                stamp.checked_in_at = Some(at);
            }
            AssignmentAction::CheckOut => {
                stamp.checked_out_at = Some(at);
                stamp.break_minutes = Some(body.break_minutes.unwrap_or(0));
            }
            AssignmentAction::MarkNoShow => {}
        }
        if !db::assignments::transition(c, id, from.as_str(), to.as_str(), &stamp)? {
            return Err(ApiError::conflict(
                "concurrent_update",
                "the assignment changed meanwhile; read it again",
            ));
        }
        match action {
            // ACT-04: the organiser hears about a withdrawal.
            AssignmentAction::Withdraw => {
                if let Some(organiser) = a.offered_by {
                    db::notifications::push(
                        c,
                        db::notifications::Notice {
                            recipient: db::notifications::Recipient::User(organiser),
                            kind: "assignment_withdrawn",
                            title: format!("志愿者退出：{}", activity.title),
                            body: format!("A volunteer withdrew from {}.", activity.title),
                            entity: Some(("assignment", id.to_string())),
                            dedupe_key: None,
                        },
                    )?;
                }
            }
            AssignmentAction::Cancel => notify(
                c,
                a.volunteer_id,
                "assignment_cancelled",
                format!("服务取消：{}", activity.title),
                format!(
                    "Your assignment to {} was cancelled: {}",
                    activity.title,
                    body.reason.clone().unwrap_or_default()
                ),
                id,
            )?,
            _ => {}
        }
        db::audit::record(
            c,
            AuditEntry::by(
                &user,
                &format!("assignment.{}", action.as_str()),
                "assignment",
            )
            .entity(id, &a.org_path)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
        )?;
        db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))
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
    let problems = check_terms(&terms);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems).with_code("ACT-10"));
    }
    crate::service::write(&state.pool, move |c| {
        let a = db::assignments::find(c, id)?.ok_or_else(|| ApiError::not_found("assignment"))?;
        let side = match actor(&user, &a, Action::Dispatch)? {
            Actor::Volunteer => Signatory::Volunteer,
            Actor::Organiser => Signatory::Organiser,
        };
        let signing = db::assignments::sign_agreement(c, id, &terms, side, user.user_id)?;
        match signing {
            Signing::AlreadySigned => {
                return Err(ApiError::conflict(
                    "agreement_signed",
                    "your side has signed this agreement already",
                ));
            }
            Signing::TermsDiffer => {
                return Err(ApiError::conflict(
                    "agreement_terms_differ",
                    "the other side signed different terms; sign the same terms",
                ));
            }
            Signing::Proposed | Signing::Countersigned => {}
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "assignment.agreement", "assignment")
                .entity(id, &a.org_path)
                .detail(serde_json::json!({
                    "in_force": signing == Signing::Countersigned,
                })),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// ACT-08 at start: a risky activity (or a Spring Rain deployment) starts only when every
/// confirmed volunteer is insured for the whole period.
pub fn check_start(
    conn: &mut DbConn,
    policy: &EligibilityPolicy,
    activity: &ActivityRow,
) -> Result<(), ApiError> {
    let site = db::activities::find_site(conn, activity.site_id)?
        .ok_or_else(|| ApiError::internal("site missing"))?;
    if eligibility::insurance_rule(&snapshots::activity_requirements(activity, &site)?).is_none() {
        return Ok(());
    }
    let mut uninsured = Vec::new();
    for a in db::assignments::live_on_activity(conn, activity.id)?
        .into_iter()
        .filter(|a| a.status == "confirmed")
    {
        let violations = violations_for(
            conn,
            policy,
            activity,
            a.volunteer_id,
            CheckPoint::Confirm,
            a.accompanying_guardian.is_some(),
            true,
        )?;
        if violations
            .iter()
            .any(|v| v.code == eligibility::ViolationCode::InsuranceMissing)
        {
            uninsured.push(FieldError::new(
                format!("volunteer:{}", a.volunteer_id),
                "insurance_missing",
                "ACT-08: not insured for the whole activity",
            ));
        }
    }
    if uninsured.is_empty() {
        Ok(())
    } else {
        Err(ApiError::rule(
            "insurance_missing",
            "ACT-08: every confirmed volunteer must be insured for the whole activity",
        )
        .with_errors(uninsured))
    }
}

/// Cancelling an activity cancels its live assignments and tells the volunteers.
pub fn cancel_all(
    conn: &mut DbConn,
    user: &Principal,
    activity: &ActivityRow,
    reason: &str,
) -> Result<(), ApiError> {
    for a in db::assignments::live_on_activity(conn, activity.id)? {
        let stamp = TransitionStamp {
            cancelled_at: Some(db::now()),
            cancel_reason: Some(reason.to_string()),
            ..Default::default()
        };
        if db::assignments::transition(conn, a.id, &a.status, "cancelled", &stamp)? {
            if a.status != "offered" {
                db::activities::release_place(conn, activity.id)?;
            }
            notify(
                conn,
                a.volunteer_id,
                "assignment_cancelled",
                format!("活动取消：{}", activity.title),
                format!("{} was cancelled: {reason}", activity.title),
                a.id,
            )?;
            db::audit::record(
                conn,
                AuditEntry::by(user, "assignment.cancel", "assignment").entity(a.id, &a.org_path),
            )?;
        }
    }
    Ok(())
}
