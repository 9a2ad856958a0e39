//! A deployment team: its members (the confirmed assignments), its one leader, and the
//! receiving side's written evaluations. The roster is what the receiving side may know of the
//! members — name, skills, languages and the masked mobile, nothing more (HRS-06); it is read
//! from stored masked values and decrypts nothing.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::attendance::staff_only;
use crate::auth::policy::{Action, Principal};
use crate::db::activities::ActivityRow;
use crate::db::attendance::{NewTeamEvaluation, TeamEvaluationRow};
use crate::db::audit::AuditEntry;
use crate::db::{self, DbConn};
use crate::domain::activity::ActivityStatus;
use crate::domain::volunteer::Proficiency;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::activities::receiving::receives;
use crate::service::reach::{Access, load_in_reach};

/// One member as the roster shows them.
pub struct RosterMember {
    pub assignment_id: i64,
    pub status: String,
    pub team_leader: bool,
    pub name: String,
    pub mobile_masked: String,
    pub skills: Vec<(String, i32)>,
    pub languages: Vec<(String, Proficiency)>,
}

/// The team of activity `activity_id`, for staff who see it (the organiser, the receiving
/// side). Reading names across organisations is audited.
pub fn roster(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
) -> ApiResult<Vec<RosterMember>> {
    let activity = load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Read)?;
    staff_only(user)?;
    let members = db::attendance::members(conn, activity.id)?;
    let leader = db::attendance::leader_of(conn, activity.id)?;
    let ids: Vec<i64> = members.iter().map(|(_, v, _)| *v).collect();
    let (mut skills, mut languages) = db::volunteers::skills_and_languages(conn, &ids)?;
    let mut roster = Vec::with_capacity(members.len());
    for (assignment_id, volunteer_id, status) in members {
        let v = db::volunteers::find(conn, volunteer_id)?
            .ok_or_else(|| ApiError::internal("volunteer missing"))?;
        roster.push(RosterMember {
            assignment_id,
            status,
            team_leader: leader == Some(assignment_id),
            name: v.name,
            mobile_masked: v.mobile_masked,
            skills: skills.remove(&volunteer_id).unwrap_or_default(),
            languages: languages.remove(&volunteer_id).unwrap_or_default(),
        });
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.roster_read", "activity")
            .entity(activity.id, &activity.org_path)
            .detail(serde_json::json!({ "members": roster.len() })),
    )?;
    Ok(roster)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamLeaderRequest {
    /// A confirmed assignment of this activity.
    pub assignment_id: i64,
}

/// Appoints the team's leader (the organiser; one per team, replacing an earlier one).
pub fn set_team_leader(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    req: TeamLeaderRequest,
    now: DateTime<Utc>,
) -> ApiResult<Vec<RosterMember>> {
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::Dispatch))?;
    let member = db::attendance::members(conn, activity.id)?
        .iter()
        .any(|(id, _, _)| *id == req.assignment_id);
    if !member {
        return Err(ApiError::conflict(
            ErrorCode::NotTeamMember,
            "the team leader is one of the team's confirmed members",
        ));
    }
    db::attendance::set_leader(
        conn,
        activity.id,
        req.assignment_id,
        user.user_id,
        now.naive_utc(),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.team_leader", "activity")
            .entity(activity.id, &activity.org_path)
            .detail(serde_json::json!({ "assignment_id": req.assignment_id })),
    )?;
    roster(conn, user, activity.id)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamEvaluationRequest {
    /// The written evaluation.
    pub text: String,
    /// Optional, 1 (poor) to 5 (excellent).
    pub rating: Option<i32>,
}

/// Longest evaluation accepted, in characters.
const MAX_EVALUATION_CHARS: usize = 4000;

/// The receiving side's written evaluation of a team that has started its deployment.
pub fn evaluate_team(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    req: TeamEvaluationRequest,
    now: DateTime<Utc>,
) -> ApiResult<TeamEvaluationRow> {
    let activity = load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Read)?;
    if !receives(conn, user, &activity)? {
        return Err(ApiError::forbidden(
            "the team is evaluated by the receiving side of a Spring Rain deployment",
        ));
    }
    let text = req.text.trim().to_string();
    let mut problems = Vec::new();
    if text.is_empty() {
        problems.push(FieldError::new("text", "required", "write the evaluation"));
    } else if text.chars().count() > MAX_EVALUATION_CHARS {
        problems.push(FieldError::new(
            "text",
            "too_long",
            format!("at most {MAX_EVALUATION_CHARS} characters"),
        ));
    }
    if req.rating.is_some_and(|r| !(1..=5).contains(&r)) {
        problems.push(FieldError::new(
            "rating",
            "out_of_range",
            "a rating is 1 to 5",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    if !matches!(
        activity.status,
        ActivityStatus::InProgress | ActivityStatus::Completed
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "a team is evaluated once its deployment has started",
        ));
    }
    let row = db::attendance::insert_evaluation(
        conn,
        &NewTeamEvaluation {
            activity_id: activity.id,
            author_user_id: user.user_id,
            organization_id: user.org_id,
            body: text,
            rating: req.rating,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "activity.team_evaluation", "activity")
            .entity(activity.id, &activity.org_path),
    )?;
    Ok(row)
}

/// The evaluations of a team, for staff who see the activity.
pub fn team_evaluations(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
) -> ApiResult<Vec<TeamEvaluationRow>> {
    let activity = load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Read)?;
    staff_only(user)?;
    Ok(db::attendance::evaluations_of(conn, activity.id)?)
}
