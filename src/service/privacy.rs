//! PI-02: privacy notices and consent. The ministry publishes versioned notices; a notice
//! for a new purpose that asks for fresh consent stops that processing for every volunteer
//! until they consent to it (for `matching`: they leave candidate pools). A volunteer, or
//! staff recording a guardian's or a paper decision, may withdraw consent: the volunteer
//! leaves every pool (consent to province-wide matching ends too) and only what issued
//! certificates need is kept processing; the withdrawal is audited. Consent history is kept
//! as events, never overwritten.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::audit::AuditEntry;
use crate::db::privacy::{ConsentEventRow, NewNotice, NoticeRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, load_in_reach};

/// The purposes a notice may declare: `registration` (the register, records and
/// certificates) and `matching` (being put forward to organisers).
pub const PURPOSES: [&str; 2] = ["registration", "matching"];

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoticeCommand {
    /// Unique, e.g. `2026-12`.
    pub version: String,
    /// `registration` or `matching`.
    pub purpose: String,
    /// A new purpose or a wider use: every volunteer must consent again before further
    /// processing for this purpose. `false` for a rewording.
    pub fresh_consent_required: bool,
    /// What changed, in the words shown to volunteers.
    pub summary: String,
}

/// Who decided: the volunteer, or their guardian (a minor's).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    Volunteer,
    Guardian,
}

impl DecidedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Volunteer => "volunteer",
            DecidedBy::Guardian => "guardian",
        }
    }
}

/// A volunteer's consent as it stands, with its history.
pub struct ConsentState {
    pub withdrawn_at: Option<chrono::NaiveDateTime>,
    /// Published notices asking for fresh consent that the volunteer has not given.
    pub pending: Vec<NoticeRow>,
    pub history: Vec<ConsentEventRow>,
}

fn required(field: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, "required", message)])
}

pub fn create_notice(
    conn: &mut DbConn,
    user: &Principal,
    cmd: NoticeCommand,
    now: DateTime<Utc>,
) -> ApiResult<NoticeRow> {
    user.require(Action::ManagePrivacyNotices)?;
    let version = cmd.version.trim();
    let mut problems = Vec::new();
    if version.is_empty() || version.chars().count() > 32 {
        problems.push(FieldError::new(
            "version",
            "invalid_value",
            "1 to 32 characters",
        ));
    }
    if !PURPOSES.contains(&cmd.purpose.as_str()) {
        problems.push(FieldError::new(
            "purpose",
            "invalid_value",
            "registration or matching",
        ));
    }
    if cmd.summary.trim().is_empty() {
        problems.push(FieldError::new(
            "summary",
            "required",
            "what the notice changes",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    if db::privacy::notice_by_version(conn, version)?.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::NoticeVersionTaken,
            "a privacy notice with this version exists already",
        ));
    }
    let row = db::privacy::insert_notice(
        conn,
        NewNotice {
            version,
            purpose: &cmd.purpose,
            fresh_consent_required: cmd.fresh_consent_required,
            summary: cmd.summary.trim(),
            created_by: user.user_id,
            at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "privacy_notice.create", "privacy_notice")
            .entity(row.id, &user.org_path)
            .detail(serde_json::json!({ "version": row.version, "purpose": row.purpose })),
    )?;
    Ok(row)
}

pub fn publish_notice(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<NoticeRow> {
    user.require(Action::ManagePrivacyNotices)?;
    db::privacy::find_notice(conn, id)?.ok_or_else(|| ApiError::not_found("privacy notice"))?;
    if !db::privacy::publish(conn, id, user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyPublished,
            "this notice is published already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "privacy_notice.publish", "privacy_notice").entity(id, &user.org_path),
    )?;
    db::privacy::find_notice(conn, id)?.ok_or_else(|| ApiError::not_found("privacy notice"))
}

/// Published notices for everyone signed in; drafts too for those who manage them.
pub fn list_notices(conn: &mut DbConn, user: &Principal) -> ApiResult<Vec<NoticeRow>> {
    let drafts = user.scope_for(Action::ManagePrivacyNotices).is_some();
    Ok(db::privacy::notices(conn, !drafts)?)
}

pub fn consent_state(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
) -> ApiResult<ConsentState> {
    load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    state_of(conn, volunteer_id)
}

fn state_of(conn: &mut DbConn, volunteer_id: i64) -> ApiResult<ConsentState> {
    let history = db::privacy::history(conn, volunteer_id)?;
    let mut pending = Vec::new();
    for purpose in PURPOSES {
        if let Some(ids) = db::privacy::consent_notices_for(conn, purpose)? {
            let given = history
                .iter()
                .any(|e| e.notice_id.is_some_and(|n| ids.contains(&n)));
            if !given && let Some(notice) = db::privacy::find_notice(conn, ids[0])? {
                pending.push(notice);
            }
        }
    }
    Ok(ConsentState {
        withdrawn_at: db::privacy::withdrawn_at(conn, volunteer_id)?,
        pending,
        history,
    })
}

/// Records consent to a published notice; a consent after a withdrawal ends it.
pub fn give_consent(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    notice_version: &str,
    by: DecidedBy,
    now: DateTime<Utc>,
) -> ApiResult<ConsentState> {
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::EditVolunteerProfile),
    )?;
    let version = notice_version.trim();
    if version.is_empty() {
        return Err(required("notice_version", "which notice is consented to?"));
    }
    let notice = db::privacy::notice_by_version(conn, version)?
        .filter(|n| n.published_at.is_some())
        .ok_or_else(|| {
            ApiError::rule(
                ErrorCode::NoticeNotPublished,
                "no published privacy notice has this version (PI-02)",
            )
        })?;
    let at = now.naive_utc();
    db::privacy::record_event(conn, v.id, Some(notice.id), by.as_str(), user.user_id, at)?;
    db::privacy::clear_withdrawn(conn, v.id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.privacy_consent_given", "volunteer")
            .entity(v.id, &v.org_path)
            .detail(serde_json::json!({ "notice": notice.version, "by": by.as_str() })),
    )?;
    state_of(conn, v.id)
}

/// Withdraws the volunteer's consent: they leave every candidate pool, their consent to
/// province-wide matching ends, and the withdrawal is audited. Records and issued
/// certificates stay (PI-02: the retention needed for issued certificates).
pub fn withdraw_consent(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    by: DecidedBy,
    now: DateTime<Utc>,
) -> ApiResult<ConsentState> {
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::EditVolunteerProfile),
    )?;
    let at = now.naive_utc();
    db::privacy::record_event(conn, v.id, None, by.as_str(), user.user_id, at)?;
    db::privacy::set_withdrawn(conn, v.id, at)?;
    db::consents::withdraw(conn, v.id, user.user_id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.privacy_consent_withdrawn", "volunteer")
            .entity(v.id, &v.org_path)
            .detail(serde_json::json!({ "by": by.as_str(), "rule": "PI-02" })),
    )?;
    state_of(conn, v.id)
}
