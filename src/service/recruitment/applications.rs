//! Applications: by a registered volunteer (or a coordinator on its behalf); listing,
//! accepting, rejecting and withdrawing them (a new person's is `newcomers`). Whether the
//! applicant may apply is `eligibility::check` at `CheckPoint::Apply`.

use chrono::{DateTime, NaiveDate, Utc};

use super::Application;
use crate::auth::policy::{Action, Principal};
use crate::db::notifications::{Notice, Recipient};
use crate::db::recruitment::{ApplicationFilter, ApplicationRow, PlaceOutcome, RecruitmentRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::eligibility::{
    self, AssignmentContext, CampaignRequirements, CheckPoint, EligibilityPolicy, Violation,
    ViolationCode, VolunteerSnapshot,
};
use crate::domain::recruitment::{ApplicationStatus, Requirements};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry;
use crate::service::reach::{Access, load_in_reach};
use crate::snapshots;

fn requirements_of(r: &RecruitmentRow) -> Requirements {
    serde_json::from_str(&r.requirements).unwrap_or_default()
}

/// The applicant against the campaign, on `today`: `status_not_active` for a suspended or
/// withdrawn volunteer, otherwise `requirements_not_met` listing every unmet requirement in
/// `errors[]` (under `age`, `skills` or `languages`).
pub(super) fn check_applicant(
    campaign: &RecruitmentRow,
    applicant: &VolunteerSnapshot,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> ApiResult<()> {
    let target = CampaignRequirements::of(&requirements_of(campaign), today);
    let ctx = AssignmentContext::at(CheckPoint::Apply, now);
    let violations = eligibility::check(&target, applicant, &[], &ctx, policy);
    if violations
        .iter()
        .any(|v| v.code == ViolationCode::StatusNotActive)
    {
        return Err(ApiError::rule(
            ErrorCode::StatusNotActive,
            "suspended or withdrawn volunteers cannot apply",
        ));
    }
    if violations.is_empty() {
        return Ok(());
    }
    let errors = violations.iter().map(unmet_requirement).collect();
    Err(ApiError::validation(errors).with_code(ErrorCode::RequirementsNotMet))
}

fn unmet_requirement(v: &Violation) -> FieldError {
    let field = match v.code {
        ViolationCode::TooYoung | ViolationCode::TooOld => "age",
        ViolationCode::LanguageMissing => "languages",
        _ => "skills",
    };
    FieldError::new(field, v.code.as_str(), format!("{}: {}", v.rule, v.detail)).with_rule(v.rule)
}

/// Takes a place in the campaign (write-first, so the quota holds under concurrency).
pub(super) fn take_place(
    conn: &mut DbConn,
    recruitment_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    match db::recruitment::take_place(conn, recruitment_id, now.naive_utc())? {
        PlaceOutcome::Taken => Ok(()),
        PlaceOutcome::Full => Err(quota_full()),
        PlaceOutcome::NotOpen => Err(ApiError::conflict(
            ErrorCode::RecruitmentClosed,
            "this campaign is not open for applications",
        )),
    }
}

pub(super) fn quota_full() -> ApiError {
    ApiError::conflict(
        ErrorCode::QuotaFull,
        "every place in this campaign is taken",
    )
}

pub(super) fn insert_application(
    conn: &mut DbConn,
    recruitment_id: i64,
    volunteer_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<ApplicationRow> {
    Ok(db::recruitment::insert_application(
        conn,
        recruitment_id,
        volunteer_id,
        now.naive_utc(),
    )?)
}

/// A signed-in caller applies: a volunteer for itself, a coordinator for a volunteer it may
/// enrol (`volunteer_id`). A place is taken at once.
pub fn apply_as_volunteer(
    conn: &mut DbConn,
    user: &Principal,
    recruitment_id: i64,
    volunteer_id: Option<i64>,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<ApplicationRow> {
    let campaign = load_in_reach::<RecruitmentRow>(conn, user, recruitment_id, Access::Read)?;
    let volunteer_id = volunteer_id.or(user.volunteer_id).ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "volunteer_id",
            "required",
            "whom is this application for?",
        )])
    })?;
    load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::EnrolVolunteers),
    )?;
    let applicant = snapshots::volunteer_snapshot(conn, volunteer_id)?;
    check_applicant(
        &campaign,
        &applicant,
        policy,
        now,
        crate::clock::local_date(now),
    )?;
    take_place(conn, recruitment_id, now)?;
    let application = insert_application(conn, recruitment_id, volunteer_id, now)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "application.submit", "application")
            .entity(application.id, &campaign.org_path)
            .detail(
                serde_json::json!({ "recruitment_id": recruitment_id, "volunteer_id": volunteer_id }),
            ),
    )?;
    Ok(application)
}

/// What an application list asks for.
#[derive(Debug, Default)]
pub struct ApplicationQuery {
    pub recruitment_id: Option<i64>,
    pub status: Option<ApplicationStatus>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// A volunteer's own applications, or those to the campaigns the caller manages.
pub fn list_applications(
    conn: &mut DbConn,
    user: &Principal,
    query: ApplicationQuery,
) -> ApiResult<Vec<ApplicationRow>> {
    let mut filter = ApplicationFilter {
        recruitment_id: query.recruitment_id,
        status: query.status.map(|s| s.as_str().to_string()),
        after_id: query.after_id,
        limit: query.limit,
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
    Ok(db::recruitment::list_applications(conn, &filter)?)
}

fn reload(conn: &mut DbConn, id: i64) -> ApiResult<ApplicationRow> {
    db::recruitment::find_application(conn, id)?.ok_or_else(|| ApiError::not_found("application"))
}

fn notify_applicant(
    conn: &mut DbConn,
    a: &Application,
    accepted: bool,
    reason: Option<&str>,
) -> ApiResult<()> {
    let (kind, title, body) = if accepted {
        (
            "application_accepted",
            format!("报名已录用：{}", a.campaign.title),
            "Your application was accepted.".to_string(),
        )
    } else {
        (
            "application_rejected",
            format!("报名未录用：{}", a.campaign.title),
            format!(
                "Your application was not accepted: {}",
                reason.unwrap_or("")
            ),
        )
    };
    db::notifications::push(
        conn,
        Notice {
            recipient: Recipient::Volunteer(a.row.volunteer_id),
            kind,
            title,
            body,
            entity: Some(("application", a.row.id.to_string())),
            dedupe_key: None,
        },
    )?;
    Ok(())
}

/// Accepts a submitted application. A pending applicant becomes an active volunteer when the
/// caller may activate it; otherwise its registering bureau is asked to approve it.
pub fn accept_application(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<ApplicationRow> {
    let a = load_in_reach::<Application>(conn, user, id, Access::Act(Action::ManageRecruitments))?;
    let at = now.naive_utc();
    if !db::recruitment::decide_application(
        conn,
        id,
        "submitted",
        "accepted",
        None,
        user.user_id,
        at,
    )? {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "only a submitted application can be accepted",
        ));
    }
    let volunteer = db::volunteers::find(conn, a.row.volunteer_id)?
        .ok_or_else(|| ApiError::not_found("volunteer"))?;
    if volunteer.status == VolunteerStatus::Pending {
        // Activation is the registering bureau's decision: a campaign elsewhere accepts the
        // application but only asks that bureau to approve the volunteer.
        let may_activate = user
            .scope_for(Action::ChangeVolunteerStatus)
            .is_some_and(|s| s.covers_volunteer(volunteer.id, &volunteer.org_path));
        if may_activate {
            registry::activate(conn, &volunteer, Some("accepted by recruitment"))?;
        } else {
            registry::ask_bureau_to_approve(
                conn,
                user,
                &volunteer,
                a.campaign.id,
                &a.campaign.title,
            )?;
        }
    }
    notify_applicant(conn, &a, true, None)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "application.accept", "application").entity(id, &a.campaign.org_path),
    )?;
    reload(conn, id)
}

/// Rejects a submitted application with a reason the applicant sees; the place is freed.
pub fn reject_application(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> ApiResult<ApplicationRow> {
    // Reach first: a caller outside it gets 404 whatever the body says.
    let a = load_in_reach::<Application>(conn, user, id, Access::Act(Action::ManageRecruitments))?;
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let Some(reason) = reason else {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "tell the applicant why",
        )]));
    };
    let decided = db::recruitment::decide_application(
        conn,
        id,
        "submitted",
        "rejected",
        Some(&reason),
        user.user_id,
        now.naive_utc(),
    )?;
    if !decided {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "only a submitted application can be rejected",
        ));
    }
    db::recruitment::release_place(conn, a.campaign.id)?;
    notify_applicant(conn, &a, false, Some(&reason))?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "application.reject", "application").entity(id, &a.campaign.org_path),
    )?;
    reload(conn, id)
}

/// The applicant withdraws its own live application; the place is freed.
pub fn withdraw_application(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<ApplicationRow> {
    let a = load_in_reach::<Application>(conn, user, id, Access::Read)?;
    if user.volunteer_id != Some(a.row.volunteer_id) {
        return Err(ApiError::forbidden(
            "only the applicant withdraws an application",
        ));
    }
    let from = a.row.status;
    let withdrawn = from.holds_place()
        && db::recruitment::decide_application(
            conn,
            id,
            from.as_str(),
            "withdrawn",
            None,
            user.user_id,
            now.naive_utc(),
        )?;
    if !withdrawn {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "this application can no longer be withdrawn",
        ));
    }
    db::recruitment::release_place(conn, a.row.recruitment_id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "application.withdraw", "application")
            .entity(id, &a.campaign.org_path),
    )?;
    reload(conn, id)
}
