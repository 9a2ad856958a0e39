//! Campaigns: create, list, read, open and close.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::recruitment::{NewRecruitmentRow, RecruitmentFilter, RecruitmentRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::calendar::check_dates;
use crate::domain::recruitment::{RecruitmentStatus, Requirements};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach, organization_for};

/// Applications per status, per campaign: `(recruitment_id, status, count)`.
pub type ApplicationCounts = Vec<(i64, String, i64)>;

/// A campaign with the counts of its applications, as every campaign answer shows it.
#[derive(Debug)]
pub struct Campaign {
    pub row: RecruitmentRow,
    pub counts: ApplicationCounts,
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

fn check_campaign(req: &CreateRecruitmentRequest) -> ApiResult<()> {
    let out_of_calendar = check_dates([
        ("opens_at", Some(req.opens_at.date_naive())),
        ("closes_at", Some(req.closes_at.date_naive())),
    ]);
    if !out_of_calendar.is_empty() {
        return Err(ApiError::invalid(out_of_calendar));
    }
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
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::validation(problems)),
    }
}

/// A new campaign of the caller's organisation (or one below), open at once or as a draft.
pub fn create_campaign(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateRecruitmentRequest,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    user.require(Action::ManageRecruitments)?;
    check_campaign(&req)?;
    let org_id = req.organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::ManageRecruitments)?;
    let status = if req.open {
        RecruitmentStatus::Open
    } else {
        RecruitmentStatus::Draft
    };
    let at = now.naive_utc();
    let row = db::recruitment::insert(
        conn,
        &NewRecruitmentRow {
            organization_id: org.id,
            org_path: org.path.clone(),
            title: req.title.trim().to_string(),
            description: req.description,
            requirements: serde_json::to_string(&req.requirements).map_err(ApiError::internal)?,
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
        conn,
        AuditEntry::by(user, "recruitment.create", "recruitment").entity(row.id, &row.org_path),
    )?;
    with_counts(conn, row)
}

fn with_counts(conn: &mut DbConn, row: RecruitmentRow) -> ApiResult<Campaign> {
    let counts = db::recruitment::application_counts(conn, &[row.id])?;
    Ok(Campaign { row, counts })
}

/// What a campaign list asks for.
#[derive(Debug, Default)]
pub struct CampaignQuery {
    pub status: Option<RecruitmentStatus>,
    pub organization_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// Campaigns the caller sees: those it oversees and those above it (staff), or the open ones
/// (everyone else); with their application counts.
pub fn list_campaigns(
    conn: &mut DbConn,
    user: &Principal,
    query: CampaignQuery,
) -> ApiResult<(Vec<RecruitmentRow>, ApplicationCounts)> {
    let scope = super::overseen_by(user);
    let filter = RecruitmentFilter {
        subtree: scope
            .as_ref()
            .and_then(|s| s.org_path_prefix())
            .map(String::from),
        ancestors: user.ancestor_paths(),
        open_only: scope.is_none(),
        status: query.status.map(|s| s.as_str().to_string()),
        organization_id: query.organization_id,
        after_id: query.after_id,
        limit: query.limit,
    };
    let rows = db::recruitment::list(conn, &filter)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = db::recruitment::application_counts(conn, &ids)?;
    Ok((rows, counts))
}

pub fn get_campaign(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<Campaign> {
    let row = load_in_reach::<RecruitmentRow>(conn, user, id, Access::Read)?;
    with_counts(conn, row)
}

/// Opens or closes a campaign the caller manages (`draft → open → closed`).
pub fn move_campaign(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    to: RecruitmentStatus,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    let r =
        load_in_reach::<RecruitmentRow>(conn, user, id, Access::Act(Action::ManageRecruitments))?;
    let from = r.status;
    if !from.can_become(to) {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!("a {} campaign cannot become {}", from.as_str(), to.as_str()),
        ));
    }
    db::recruitment::set_status(conn, id, to.as_str(), now.naive_utc())?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "recruitment.status", "recruitment")
            .entity(id, &r.org_path)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )?;
    let row = db::recruitment::find(conn, id)?.ok_or_else(|| ApiError::not_found("recruitment"))?;
    with_counts(conn, row)
}
