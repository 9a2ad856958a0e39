//! Commendations (STAR-03): model volunteers, model collectives (a team or an organisation),
//! Lei Feng model posts (a site or a standing activity) and excellent projects (an activity),
//! at national, provincial or municipal level. An organisation nominates a target in its
//! subtree at its own level or below; an organisation at the commendation's level or above
//! approves or returns the nomination. Every step is audited.

use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::check_text;
use crate::auth::policy::{Action, Principal, Scope};
use crate::db::activities::{ActivityRow, SiteRow};
use crate::db::audit::AuditEntry;
use crate::db::organizations::OrganizationRow;
use crate::db::recognition::{CommendationFilter, CommendationRow, NewCommendationRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::recognition::{
    CommendationError, CommendationKind, CommendationLevel, TargetType, check_decision,
    check_nomination,
};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, InReach, load_in_reach};

/// Seen by staff whose `ReadCommendations` scope contains the nominating organisation (its
/// own subtree and every organisation above it); decided under `DecideCommendations`.
impl InReach for CommendationRow {
    const NAME: &'static str = "commendation";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::recognition::find_commendation(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadCommendations)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.nominating_org_path))
    }
}

fn refusal(e: CommendationError) -> ApiError {
    let code = match e {
        CommendationError::TargetNotForKind => ErrorCode::TargetNotForKind,
        _ => ErrorCode::Star03,
    };
    ApiError::rule(code, e.message()).with_errors(vec![
        FieldError::new(e.field(), e.code(), e.message()).with_rule("STAR-03"),
    ])
}

fn caller_org(conn: &mut DbConn, user: &Principal) -> ApiResult<OrganizationRow> {
    db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| ApiError::internal("caller's organisation missing"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationRequest {
    pub kind: CommendationKind,
    pub level: CommendationLevel,
    /// What `target_id` names: a volunteer (model volunteer), a team or an organisation (model
    /// collective), a site or an activity (Lei Feng post), an activity (excellent project).
    pub target_type: TargetType,
    pub target_id: i64,
    /// Why the target deserves it.
    #[serde(default)]
    pub citation: String,
    /// The year commended (default: this year).
    pub year: Option<i32>,
}

/// The target, loaded through the guard: the nominator must reach it.
fn check_target(conn: &mut DbConn, user: &Principal, target: TargetType, id: i64) -> ApiResult<()> {
    let act = Access::Act(Action::NominateCommendations);
    match target {
        TargetType::Volunteer => {
            load_in_reach::<VolunteerRow>(conn, user, id, act)?;
        }
        TargetType::Team | TargetType::Activity => {
            load_in_reach::<ActivityRow>(conn, user, id, act)?;
        }
        TargetType::Site => {
            load_in_reach::<SiteRow>(conn, user, id, act)?;
        }
        TargetType::Organization => {
            load_in_reach::<OrganizationRow>(conn, user, id, act)?;
        }
    }
    Ok(())
}

/// Nominates a target for a commendation (STAR-03: at the nominator's level or below).
pub fn nominate(
    conn: &mut DbConn,
    user: &Principal,
    req: NominationRequest,
    now: DateTime<Utc>,
) -> ApiResult<CommendationRow> {
    user.require(Action::NominateCommendations)?;
    let mut problems = Vec::new();
    check_text("citation", &req.citation, true, &mut problems);
    let year = req.year.unwrap_or(now.year());
    if !(2000..=now.year()).contains(&year) {
        problems.push(FieldError::new(
            "year",
            "out_of_range",
            "a year from 2000 to this year",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let org = caller_org(conn, user)?;
    check_nomination(org.kind, req.kind, req.target_type, req.level).map_err(refusal)?;
    check_target(conn, user, req.target_type, req.target_id)?;
    let row = db::recognition::insert_commendation(
        conn,
        &NewCommendationRow {
            kind: req.kind.as_str().into(),
            level: req.level.as_str().into(),
            target_type: req.target_type.as_str().into(),
            target_id: req.target_id,
            citation: req.citation.trim().to_string(),
            year,
            nominating_organization_id: org.id,
            nominating_org_path: org.path.clone(),
            nominated_by: user.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "commendation.nominate", "commendation")
            .entity(row.id, &org.path)
            .detail(serde_json::json!({
                "kind": row.kind, "level": row.level,
                "target_type": row.target_type, "target_id": row.target_id,
            })),
    )?;
    Ok(row)
}

pub fn get(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<CommendationRow> {
    load_in_reach::<CommendationRow>(conn, user, id, Access::Read)
}

/// Commendations nominated in the caller's reach, one page.
pub fn list(
    conn: &mut DbConn,
    user: &Principal,
    mut filter: CommendationFilter,
) -> ApiResult<Vec<CommendationRow>> {
    let scope = user.require(Action::ReadCommendations)?;
    filter.subtree = scope.org_path_prefix().map(String::from);
    Ok(db::recognition::list_commendations(conn, &filter)?)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommendationDecisionRequest {
    #[serde(default)]
    pub note: String,
}

/// Approves (`approve = true`) or returns a nomination (STAR-03: an organisation at the
/// commendation's level or above); a return needs a note.
pub fn decide(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    approve: bool,
    req: CommendationDecisionRequest,
    now: DateTime<Utc>,
) -> ApiResult<CommendationRow> {
    let c =
        load_in_reach::<CommendationRow>(conn, user, id, Access::Act(Action::DecideCommendations))?;
    let mut problems = Vec::new();
    check_text("note", &req.note, !approve, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let level = CommendationLevel::parse(&c.level)
        .ok_or_else(|| ApiError::internal("stored commendation has an unknown level"))?;
    let org = caller_org(conn, user)?;
    check_decision(org.kind, level).map_err(refusal)?;
    let status = if approve { "approved" } else { "returned" };
    let decided = db::recognition::decide_commendation(
        conn,
        c.id,
        status,
        req.note.trim(),
        org.id,
        user.user_id,
        now.naive_utc(),
    )?;
    if !decided {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyDecided,
            "this nomination is decided already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, &format!("commendation.{status}"), "commendation")
            .entity(c.id, &c.nominating_org_path),
    )?;
    db::recognition::find_commendation(conn, c.id)?
        .ok_or_else(|| ApiError::internal("commendation vanished"))
}
