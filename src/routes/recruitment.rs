//! `/api/v1/recruitments` and `/api/v1/applications`: campaigns with a quota and an
//! application window; applications by registered volunteers or by new people.

use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::password::Lane;
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::notifications::{Notice, Recipient};
use crate::db::recruitment::{
    ApplicationFilter, ApplicationRow, NewRecruitmentRow, PlaceOutcome, RecruitmentFilter,
    RecruitmentRow,
};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::recruitment::{
    ApplicationStatus, RecruitmentStatus, Requirements, unmet_requirements,
};
use crate::domain::role::Role;
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::middleware::rate_limit::check_anonymous;
use crate::registry;
use crate::registry::anonymous::parse_anonymous;
use crate::registry::anonymous::{AnonymousOutcome, AnonymousRegistration, Channel};
use crate::registry::reach::status_of;
use crate::routes::common::extract;
use crate::routes::common::extract::{bounded_dates, day_of};
use crate::routes::common::pagination::{Page, PageParams};
use crate::routes::common::registration::{RegisterVolunteerRequest, RegistrationReceived};
use crate::service::reach::{Access, load_in_reach};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationCounts {
    pub submitted: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecruitmentResponse {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub description: String,
    pub requirements: Requirements,
    pub quota: i32,
    /// Places held by submitted and accepted applications.
    pub places_taken: i32,
    pub places_left: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub status: RecruitmentStatus,
    pub applications: ApplicationCounts,
    pub created_at: DateTime<Utc>,
}

fn recruitment_response(r: RecruitmentRow, counts: &[(i64, String, i64)]) -> RecruitmentResponse {
    let count = |s: &str| {
        counts
            .iter()
            .find(|(id, status, _)| *id == r.id && status == s)
            .map(|(_, _, n)| *n)
            .unwrap_or(0)
    };
    RecruitmentResponse {
        applications: ApplicationCounts {
            submitted: count("submitted"),
            accepted: count("accepted"),
            rejected: count("rejected"),
            withdrawn: count("withdrawn"),
        },
        requirements: serde_json::from_str(&r.requirements).unwrap_or_default(),
        status: RecruitmentStatus::parse(&r.status).unwrap_or(RecruitmentStatus::Draft),
        places_left: r.quota - r.places_taken,
        id: r.id,
        organization_id: r.organization_id,
        title: r.title,
        description: r.description,
        quota: r.quota,
        places_taken: r.places_taken,
        opens_at: r.opens_at.and_utc(),
        closes_at: r.closes_at.and_utc(),
        created_at: r.created_at.and_utc(),
    }
}

fn load_response(conn: &mut DbConn, id: i64) -> Result<RecruitmentResponse, ApiError> {
    let row = db::recruitment::find(conn, id)?.ok_or_else(|| ApiError::not_found("recruitment"))?;
    let counts = db::recruitment::application_counts(conn, &[id])?;
    Ok(recruitment_response(row, &counts))
}

/// Whose campaigns a caller oversees: managers their management scope, auditors their
/// subtree (read-only). Others (volunteers) only see open campaigns.
fn oversight(user: &Principal) -> Option<Scope> {
    user.scope_for(Action::ManageRecruitments)
        .or_else(|| (user.role == Role::Auditor).then(|| Scope::Subtree(user.org_path.clone())))
}

/// Campaigns a caller may read: those overseen, those of the organisations above (which
/// recruit into the caller's area), and every open one.
fn readable(user: &Principal, r: &RecruitmentRow) -> bool {
    r.status == "open"
        || user.ancestor_paths().contains(&r.org_path)
        || oversight(user).is_some_and(|s| s.contains(&r.org_path))
}

/// The campaign, if the caller may manage it (404 if invisible, 403 if only readable).
fn managed(conn: &mut DbConn, user: &Principal, id: i64) -> Result<RecruitmentRow, ApiError> {
    let r = db::recruitment::find(conn, id)?
        .filter(|r| readable(user, r))
        .ok_or_else(|| ApiError::not_found("recruitment"))?;
    if !user
        .scope_for(Action::ManageRecruitments)
        .is_some_and(|s| s.contains(&r.org_path))
    {
        return Err(ApiError::forbidden("you may not manage this campaign"));
    }
    Ok(r)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateRecruitmentRequest {
    /// Owning organisation (default: the caller's).
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub requirements: Requirements,
    pub quota: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Open at once (default: start as a draft).
    #[serde(default)]
    pub open: bool,
}

/// Create a recruitment campaign.
#[utoipa::path(tag = "recruitment", request_body = CreateRecruitmentRequest, responses((status = 201, body = RecruitmentResponse)))]
#[post("/recruitments")]
pub async fn create_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<CreateRecruitmentRequest>,
) -> ApiResult<HttpResponse> {
    let scope = user.require(Action::ManageRecruitments)?;
    let req = body.into_inner();
    bounded_dates([
        ("opens_at", day_of(Some(req.opens_at))),
        ("closes_at", day_of(Some(req.closes_at))),
    ])?;
    let mut problems: Vec<FieldError> = req
        .requirements
        .check()
        .into_iter()
        .map(FieldError::from)
        .collect();
    if req.title.trim().is_empty() || req.title.chars().count() > 200 {
        problems.push(FieldError::new(
            "title",
            "required",
            "a title has 1–200 characters",
        ));
    }
    if req.quota < 1 {
        problems.push(FieldError::new(
            "quota",
            "invalid_value",
            "the quota is at least 1",
        ));
    }
    if req.closes_at <= req.opens_at {
        problems.push(FieldError::new(
            "closes_at",
            "invalid_range",
            "a campaign closes after it opens",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let response = crate::service::write(&state.pool, move |c| {
        let org = db::organizations::find(c, org_id)?
            .filter(|o| scope.contains(&o.path))
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let at = db::now();
        let status = if req.open {
            RecruitmentStatus::Open
        } else {
            RecruitmentStatus::Draft
        };
        let row = db::recruitment::insert(
            c,
            &NewRecruitmentRow {
                organization_id: org.id,
                org_path: org.path.clone(),
                title: req.title.trim().to_string(),
                description: req.description,
                requirements: serde_json::to_string(&req.requirements)
                    .map_err(ApiError::internal)?,
                quota: req.quota,
                opens_at: req.opens_at.naive_utc(),
                closes_at: req.closes_at.naive_utc(),
                status: status.as_str().to_string(),
                created_by: Some(user.user_id),
                created_at: at,
                updated_at: at,
            },
        )?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "recruitment.create", "recruitment")
                .entity(row.id, &row.org_path),
        )?;
        load_response(c, row.id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/recruitments/{}", response.id)))
        .json(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecruitmentFilters {
    pub status: Option<RecruitmentStatus>,
    pub organization_id: Option<i64>,
}

/// List campaigns: your subtree's and those above you (staff), or the open ones (volunteers).
#[utoipa::path(tag = "recruitment", params(RecruitmentFilters, PageParams), responses((status = 200, body = Page<RecruitmentResponse>)))]
#[get("/recruitments")]
pub async fn list_recruitments(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<RecruitmentFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let scope = oversight(&user);
    let filter = RecruitmentFilter {
        subtree: scope
            .as_ref()
            .and_then(|s| s.org_path_prefix())
            .map(String::from),
        ancestors: user.ancestor_paths(),
        open_only: scope.is_none(),
        status: filters.status.map(|s| s.as_str().to_string()),
        organization_id: filters.organization_id,
        after_id: window.after_id,
        limit: window.limit,
    };
    let page = crate::service::run(&state.pool, move |c| {
        let rows = db::recruitment::list(c, &filter)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let counts = db::recruitment::application_counts(c, &ids)?;
        Ok(Page::from_rows(
            rows,
            window,
            |r| r.id,
            |r| recruitment_response(r, &counts),
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Read one campaign.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse)))]
#[get("/recruitments/{id}")]
pub async fn get_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let response = crate::service::run(&state.pool, move |c| {
        db::recruitment::find(c, id)?
            .filter(|r| readable(&user, r))
            .ok_or_else(|| ApiError::not_found("recruitment"))?;
        load_response(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

async fn move_campaign(
    state: web::Data<AppState>,
    user: Principal,
    id: i64,
    to: RecruitmentStatus,
) -> ApiResult<HttpResponse> {
    let response = crate::service::write(&state.pool, move |c| {
        let r = managed(c, &user, id)?;
        let from = RecruitmentStatus::parse(&r.status).unwrap_or(RecruitmentStatus::Draft);
        if !from.can_become(to) {
            return Err(ApiError::conflict(
                "invalid_transition",
                format!("a {} campaign cannot become {}", from.as_str(), to.as_str()),
            ));
        }
        db::recruitment::set_status(c, id, to.as_str())?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "recruitment.status", "recruitment")
                .entity(id, &r.org_path)
                .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
        )?;
        load_response(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Open a draft campaign for applications (within its window).
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse), (status = 409, description = "Not a draft", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/recruitments/{id}/open")]
pub async fn open_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_campaign(state, user, id.into_inner(), RecruitmentStatus::Open).await
}

/// Close a campaign: no further applications.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = RecruitmentResponse), (status = 409, description = "Already closed", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/recruitments/{id}/close")]
pub async fn close_recruitment(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    move_campaign(state, user, id.into_inner(), RecruitmentStatus::Closed).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    pub id: i64,
    pub recruitment_id: i64,
    pub volunteer_id: i64,
    pub status: ApplicationStatus,
    /// The reason given on rejection (shown to the applicant).
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<ApplicationRow> for ApplicationResponse {
    fn from(a: ApplicationRow) -> Self {
        Self {
            status: ApplicationStatus::parse(&a.status).unwrap_or(ApplicationStatus::Submitted),
            id: a.id,
            recruitment_id: a.recruitment_id,
            volunteer_id: a.volunteer_id,
            reason: a.reason,
            created_at: a.created_at.and_utc(),
            decided_at: a.decided_at.map(|t| t.and_utc()),
        }
    }
}

/// Apply: a signed-in volunteer (no body needed), a coordinator for a volunteer in their
/// subtree (`volunteer_id`), or a new person (`registration` + `username` + `password`, no
/// token), who becomes a pending volunteer.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApplyRequest {
    pub volunteer_id: Option<i64>,
    pub registration: Option<RegisterVolunteerRequest>,
    pub username: Option<String>,
    pub password: Option<String>,
}

fn take_place(conn: &mut DbConn, recruitment_id: i64) -> Result<(), ApiError> {
    match db::recruitment::take_place(conn, recruitment_id, db::now())? {
        PlaceOutcome::Taken => Ok(()),
        PlaceOutcome::Full => Err(ApiError::conflict(
            "quota_full",
            "every place in this campaign is taken",
        )),
        PlaceOutcome::NotOpen => Err(ApiError::conflict(
            "recruitment_closed",
            "this campaign is not open for applications",
        )),
    }
}

fn insert_application(
    conn: &mut DbConn,
    recruitment_id: i64,
    volunteer_id: i64,
) -> Result<ApplicationRow, ApiError> {
    db::recruitment::insert_application(conn, recruitment_id, volunteer_id).map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::conflict(
            "already_applied",
            "this volunteer has applied to this campaign already",
        ),
        other => other.into(),
    })
}

/// Apply to a campaign. A place is taken at once (submitted and accepted applications hold
/// places); a full campaign answers 409 `quota_full`, a closed one 409 `recruitment_closed`.
#[utoipa::path(
    tag = "recruitment",
    params(("id" = i64, Path)),
    request_body = ApplyRequest,
    responses(
        (status = 201, body = ApplicationResponse),
        (status = 202, description = "Without a token: the uniform answer of anonymous registration", body = RegistrationReceived),
        (status = 409, description = "`quota_full`, `recruitment_closed` or `already_applied`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Without a token: too many from this address", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many registrations waiting; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recruitments/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    req: HttpRequest,
    body: extract::Json<ApplyRequest>,
) -> ApiResult<HttpResponse> {
    let recruitment_id = id.into_inner();
    let body = body.into_inner();
    let authenticated = req.headers().contains_key("authorization");
    let row = if authenticated {
        let user = Principal::extract(&req).await?;
        crate::service::write(&state.pool, move |c| {
            let r = db::recruitment::find(c, recruitment_id)?
                .filter(|r| readable(&user, r))
                .ok_or_else(|| ApiError::not_found("recruitment"))?;
            let volunteer_id = body
                .volunteer_id
                .or(user.volunteer_id)
                .ok_or_else(|| ApiError::validation(vec![FieldError::new("volunteer_id", "required", "whom is this application for?")]))?;
            let volunteer = load_in_reach::<VolunteerRow>(c, &user, volunteer_id, Access::Act(Action::EnrolVolunteers))?;
            if matches!(status_of(&volunteer), VolunteerStatus::Suspended | VolunteerStatus::Withdrawn) {
                return Err(ApiError::rule("status_not_active", "suspended or withdrawn volunteers cannot apply"));
            }
            let requirements: Requirements = serde_json::from_str(&r.requirements).unwrap_or_default();
            let parts = db::volunteers::parts(c, volunteer_id)?;
            let unmet = unmet_requirements(
                &requirements,
                crate::domain::identity::age_on(volunteer.birth_date, crate::clock::today()),
                &parts.skills,
                &parts.languages.iter().map(|(code, _)| code.clone()).collect::<Vec<_>>(),
            );
            if !unmet.is_empty() {
                return Err(ApiError::invalid(unmet).with_code("requirements_not_met"));
            }
            take_place(c, recruitment_id)?;
            let application = insert_application(c, recruitment_id, volunteer_id)?;
            db::audit::record(
                c,
                AuditEntry::by(&user, "application.submit", "application")
                    .entity(application.id, &r.org_path)
                    .detail(serde_json::json!({ "recruitment_id": recruitment_id, "volunteer_id": volunteer_id })),
            )?;
            Ok(application)
        })
        .await?
    } else {
        // Anonymous applications create accounts: the same per-address limit as `/auth`.
        check_anonymous(&req, &state).await?;
        apply_as_new_person(
            &state,
            recruitment_id,
            body,
            crate::middleware::request_id::RequestId::of(&req),
        )
        .await?;
        return Ok(RegistrationReceived::response());
    };
    Ok(HttpResponse::Created().json(ApplicationResponse::from(row)))
}

/// An application without a token, from a person who registers with it. The answer is the
/// uniform `202` of anonymous registration (see `registry::anonymous`); what the caller may
/// learn is only what anyone can see: whether the campaign is open, has places, and what it
/// requires.
async fn apply_as_new_person(
    state: &web::Data<AppState>,
    recruitment_id: i64,
    body: ApplyRequest,
    request_id: String,
) -> Result<(), ApiError> {
    let (Some(registration), Some(username), Some(password)) =
        (body.registration, body.username, body.password)
    else {
        return Err(ApiError::unauthorized(
            "sign in, or send `registration`, `username` and `password` to apply as a new volunteer",
        ));
    };
    let input = parse_anonymous(&registration.to_input(), &username, password, Vec::new())?;
    // The cheap, public checks first: an unknown, closed, full or unsuitable campaign is
    // refused before any argon2 work.
    let age = input.new.age_on(crate::clock::today());
    let skills: Vec<(String, i32)> = input
        .new
        .skills
        .iter()
        .map(|s| (s.code.clone(), i32::from(s.level)))
        .collect();
    let languages: Vec<String> = input.new.languages.iter().map(|l| l.code.clone()).collect();
    crate::service::run(&state.pool, move |c| {
        let r = open_campaign(c, recruitment_id)?;
        let requirements: Requirements = serde_json::from_str(&r.requirements).unwrap_or_default();
        let unmet = unmet_requirements(&requirements, age, &skills, &languages);
        if !unmet.is_empty() {
            return Err(ApiError::invalid(unmet).with_code("requirements_not_met"));
        }
        if r.places_taken >= r.quota {
            return Err(ApiError::conflict(
                "quota_full",
                "every place in this campaign is taken",
            ));
        }
        Ok(())
    })
    .await?;
    let hash = state
        .passwords
        .hash(Lane::Enrolment, input.password)
        .await?;
    let cipher = state.cipher.clone();
    let stored = crate::service::write(&state.pool, move |c| {
        let r = open_campaign(c, recruitment_id)?;
        let org = db::organizations::find(c, r.organization_id)?
            .ok_or_else(|| ApiError::internal("campaign organisation missing"))?;
        let outcome = registry::anonymous::register(
            c,
            &cipher,
            &AnonymousRegistration {
                new: &input.new,
                username: &input.username,
                password_hash: &hash,
                org: &org,
                channel: Channel::Application { recruitment_id },
                request_id: &request_id,
            },
        )?;
        let AnonymousOutcome::Registered { volunteer_id } = outcome else {
            return Ok(());
        };
        // A race for the last place rolls the registration back with it.
        take_place(c, recruitment_id)?;
        let application = insert_application(c, recruitment_id, volunteer_id)?;
        db::audit::record(
            c,
            db::audit::AuditEntry {
                actor: None,
                request_id: &request_id,
                action: "application.submit_new",
                entity_type: "application",
                entity_id: Some(application.id.to_string()),
                org_path: Some(&r.org_path),
                detail: Some(serde_json::json!({ "recruitment_id": recruitment_id, "volunteer_id": volunteer_id })),
            },
        )?;
        Ok(())
    })
    .await;
    match stored {
        Err(e) if registry::anonymous::is_duplicate_race(&e) => Ok(()),
        other => other,
    }
}

/// An open campaign, or 404 (a draft or closed one is not there for applicants).
fn open_campaign(c: &mut DbConn, recruitment_id: i64) -> Result<RecruitmentRow, ApiError> {
    db::recruitment::find(c, recruitment_id)?
        .filter(|r| r.status == "open")
        .ok_or_else(|| ApiError::not_found("recruitment"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilters {
    pub recruitment_id: Option<i64>,
    pub status: Option<ApplicationStatus>,
}

/// Applications: a volunteer's own, or those to campaigns the caller manages.
#[utoipa::path(tag = "recruitment", params(ApplicationFilters, PageParams), responses((status = 200, body = Page<ApplicationResponse>)))]
#[get("/applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    user: Principal,
    filters: web::Query<ApplicationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let window = page.window()?;
    let mut filter = ApplicationFilter {
        recruitment_id: filters.recruitment_id,
        status: filters.status.map(|s| s.as_str().to_string()),
        after_id: window.after_id,
        limit: window.limit,
        ..Default::default()
    };
    match (
        user.volunteer_id,
        user.scope_for(Action::ManageRecruitments),
    ) {
        (Some(own), _) => filter.volunteer_id = Some(own),
        (None, Some(scope)) => filter.subtree = scope.org_path_prefix().map(String::from),
        (None, None) => {
            return Err(ApiError::forbidden(
                "your role does not handle applications",
            ));
        }
    }
    let rows = crate::service::run(&state.pool, move |c| {
        Ok(db::recruitment::list_applications(c, &filter)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        window,
        |a| a.id,
        ApplicationResponse::from,
    )))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Required to reject; shown to the applicant.
    pub reason: Option<String>,
}

/// Loads an application and its campaign, checking the caller may decide on it.
fn decidable(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
) -> Result<(ApplicationRow, RecruitmentRow), ApiError> {
    let application = db::recruitment::find_application(conn, id)?
        .ok_or_else(|| ApiError::not_found("application"))?;
    let campaign =
        managed(conn, user, application.recruitment_id).map_err(|e| e.hidden_as("application"))?;
    Ok((application, campaign))
}

fn notify_applicant(
    conn: &mut DbConn,
    a: &ApplicationRow,
    r: &RecruitmentRow,
    accepted: bool,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let (kind, title, body) = if accepted {
        (
            "application_accepted",
            format!("报名已录用：{}", r.title),
            "Your application was accepted.".to_string(),
        )
    } else {
        (
            "application_rejected",
            format!("报名未录用：{}", r.title),
            format!(
                "Your application was not accepted: {}",
                reason.unwrap_or("")
            ),
        )
    };
    db::notifications::push(
        conn,
        Notice {
            recipient: Recipient::Volunteer(a.volunteer_id),
            kind,
            title,
            body,
            entity: Some(("application", a.id.to_string())),
            dedupe_key: None,
        },
    )?;
    Ok(())
}

/// Accept an application. A pending applicant becomes an active volunteer with a number.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = ApplicationResponse), (status = 409, description = "Not submitted", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/accept")]
pub async fn accept_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::write(&state.pool, move |c| {
        let (application, campaign) = decidable(c, &user, id)?;
        if !db::recruitment::decide_application(c, id, "submitted", "accepted", None, user.user_id)?
        {
            return Err(ApiError::conflict(
                "invalid_transition",
                "only a submitted application can be accepted",
            ));
        }
        let volunteer = db::volunteers::find(c, application.volunteer_id)?
            .ok_or_else(|| ApiError::not_found("volunteer"))?;
        if status_of(&volunteer) == VolunteerStatus::Pending {
            // Activation is the registering bureau's decision: a campaign elsewhere accepts
            // the application but only asks that bureau to approve the volunteer.
            let may_activate = user
                .scope_for(Action::ChangeVolunteerStatus)
                .is_some_and(|s| s.covers_volunteer(volunteer.id, &volunteer.org_path));
            if may_activate {
                registry::activate(c, &volunteer, Some("accepted by recruitment"))?;
            } else {
                registry::ask_bureau_to_approve(
                    c,
                    &user,
                    &volunteer,
                    campaign.id,
                    &campaign.title,
                )?;
            }
        }
        notify_applicant(c, &application, &campaign, true, None)?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "application.accept", "application")
                .entity(id, &campaign.org_path),
        )?;
        db::recruitment::find_application(c, id)?.ok_or_else(|| ApiError::not_found("application"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

/// Reject an application, with a reason the applicant sees. The place is freed.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), request_body = DecisionRequest, responses((status = 200, body = ApplicationResponse), (status = 409, description = "Not submitted", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/reject")]
pub async fn reject_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
    body: extract::Json<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body
        .into_inner()
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let Some(reason) = reason else {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the applicant why",
        )]));
    };
    let row = crate::service::write(&state.pool, move |c| {
        let (application, campaign) = decidable(c, &user, id)?;
        if !db::recruitment::decide_application(
            c,
            id,
            "submitted",
            "rejected",
            Some(&reason),
            user.user_id,
        )? {
            return Err(ApiError::conflict(
                "invalid_transition",
                "only a submitted application can be rejected",
            ));
        }
        db::recruitment::release_place(c, campaign.id)?;
        notify_applicant(c, &application, &campaign, false, Some(&reason))?;
        db::audit::record(
            c,
            AuditEntry::by(&user, "application.reject", "application")
                .entity(id, &campaign.org_path),
        )?;
        db::recruitment::find_application(c, id)?.ok_or_else(|| ApiError::not_found("application"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

/// Withdraw your own application (the volunteer). The place is freed.
#[utoipa::path(tag = "recruitment", params(("id" = i64, Path)), responses((status = 200, body = ApplicationResponse), (status = 409, description = "Already decided", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw_application(
    state: web::Data<AppState>,
    user: Principal,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = crate::service::write(&state.pool, move |c| {
        let application = db::recruitment::find_application(c, id)?
            .filter(|a| user.volunteer_id == Some(a.volunteer_id))
            .ok_or_else(|| ApiError::not_found("application"))?;
        let from =
            ApplicationStatus::parse(&application.status).unwrap_or(ApplicationStatus::Submitted);
        if !from.holds_place()
            || !db::recruitment::decide_application(
                c,
                id,
                from.as_str(),
                "withdrawn",
                None,
                user.user_id,
            )?
        {
            return Err(ApiError::conflict(
                "invalid_transition",
                "this application can no longer be withdrawn",
            ));
        }
        db::recruitment::release_place(c, application.recruitment_id)?;
        let path = db::recruitment::find(c, application.recruitment_id)?
            .map(|r| r.org_path)
            .unwrap_or_default();
        db::audit::record(
            c,
            AuditEntry::by(&user, "application.withdraw", "application").entity(id, &path),
        )?;
        db::recruitment::find_application(c, id)?.ok_or_else(|| ApiError::not_found("application"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}
