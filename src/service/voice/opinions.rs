//! Opinions as staff see them: those heard on home visits, interviews and symposiums, those
//! given through the feedback link, and the written answer every issue needs (FB-02).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::list_scope;
use crate::auth::policy::{Action, Principal};
use crate::clock::local_date;
use crate::crypto::PersonalDataCipher;
use crate::db::activities::ActivityRow;
use crate::db::voice::{NewOpinionRow, OpinionFilter, OpinionRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::activity::ActivityStatus;
use crate::domain::policy::FeedbackPolicy;
use crate::domain::voice::{
    Channel, answer_due_on, answer_overdue, check_heard_counts, check_text, raises_issue,
};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, InReach, load_in_reach};

/// Opinions gathered by staff for an activity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffOpinion {
    pub activity_id: i64,
    /// `home_visit`, `interview` or `symposium`.
    pub channel: String,
    /// The day the opinions were heard (not in the future).
    pub heard_on: NaiveDate,
    /// What was heard.
    pub summary: String,
    /// People heard per target group code. (People *reached* by the activity are recorded at
    /// `PUT /api/v1/activities/{id}/people-reached`.)
    #[serde(default)]
    pub heard: BTreeMap<String, i32>,
    /// An overall rating 1–5, if one was given.
    pub rating: Option<i32>,
    /// The opinion raises an issue that needs a written answer (FB-02); a rating of 2 or less
    /// always does.
    #[serde(default)]
    pub is_issue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Opinion {
    pub id: i64,
    pub activity_id: i64,
    /// The responsible organisation (the organiser).
    pub organization_id: i64,
    /// `public`, `home_visit`, `interview` or `symposium`.
    pub channel: String,
    pub rating: Option<i32>,
    /// The person's comment, or the staff's summary.
    pub text: Option<String>,
    pub target_group: Option<String>,
    pub heard: BTreeMap<String, i32>,
    pub heard_on: NaiveDate,
    /// The person left a contact for the reply (read it on the single opinion).
    pub contact_left: bool,
    /// The contact, decrypted: only on `GET /opinions/{id}` for the organiser's staff
    /// (audited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub is_issue: bool,
    pub answer_due_on: Option<NaiveDate>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// An issue without an answer past its due day.
    pub overdue: bool,
}

impl Opinion {
    fn new(row: OpinionRow, today: NaiveDate) -> Self {
        Self {
            overdue: answer_overdue(row.answer_due_on, row.answer.is_some(), today),
            id: row.id,
            activity_id: row.activity_id,
            organization_id: row.organization_id,
            channel: row.channel.as_str().to_string(),
            rating: row.rating,
            text: row.body,
            target_group: row.target_group,
            heard: row
                .heard_counts
                .as_deref()
                .and_then(|h| serde_json::from_str(h).ok())
                .unwrap_or_default(),
            heard_on: row.heard_on,
            contact_left: row.contact_enc.is_some(),
            contact: None,
            is_issue: row.is_issue,
            answer_due_on: row.answer_due_on,
            answer: row.answer,
            answered_at: row.answered_at.map(|t| t.and_utc()),
        }
    }
}

/// Records opinions heard by staff (the organiser's) for an activity that has been published.
pub fn record_opinion(
    conn: &mut DbConn,
    user: &Principal,
    policy: &FeedbackPolicy,
    req: StaffOpinion,
    now: DateTime<Utc>,
) -> ApiResult<Opinion> {
    let activity = load_in_reach::<ActivityRow>(
        conn,
        user,
        req.activity_id,
        Access::Act(Action::HandleOpinions),
    )?;
    if matches!(
        activity.status,
        ActivityStatus::Draft | ActivityStatus::Cancelled
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "opinions are recorded for a published activity",
        ));
    }
    let today = local_date(now);
    let mut problems = Vec::new();
    let channel = Channel::parse(&req.channel).filter(|c| Channel::STAFF.contains(c));
    if channel.is_none() {
        problems.push(Invalid::new(
            "channel",
            "unknown_code",
            "home_visit, interview or symposium",
        ));
    }
    if req.heard_on > today {
        problems.push(Invalid::new(
            "heard_on",
            "in_future",
            "opinions are recorded once heard",
        ));
    }
    problems.extend(check_text("summary", &req.summary));
    problems.extend(check_heard_counts(req.heard.iter()));
    if req.rating.is_some_and(|r| !(1..=5).contains(&r)) {
        problems.push(Invalid::new("rating", "out_of_range", "rating is 1 to 5"));
    }
    let (Some(channel), true) = (channel, problems.is_empty()) else {
        return Err(ApiError::invalid(problems));
    };
    let is_issue = raises_issue(req.rating, req.is_issue);
    let row = db::voice::insert_opinion(
        conn,
        &NewOpinionRow {
            activity_id: activity.id,
            organization_id: activity.organization_id,
            org_path: activity.org_path.clone(),
            channel,
            rating: req.rating,
            body: Some(req.summary.trim().to_string()),
            target_group: None,
            heard_counts: Some(serde_json::to_string(&req.heard).unwrap_or_default()),
            heard_on: req.heard_on,
            contact_enc: None,
            receipt_code: None,
            is_issue,
            answer_due_on: is_issue.then(|| answer_due_on(req.heard_on, policy.answer_due_days)),
            recorded_by: Some(user.user_id),
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "opinion.record", "opinion")
            .entity(row.id, &row.org_path)
            .detail(serde_json::json!({
                "activity_id": activity.id,
                "channel": channel.as_str(),
                "is_issue": is_issue,
            })),
    )?;
    Ok(Opinion::new(row, today))
}

/// One opinion. The organiser's staff, who answer it, also get the contact left for the
/// reply; that read is audited.
pub fn get_opinion(
    conn: &mut DbConn,
    user: &Principal,
    cipher: &PersonalDataCipher,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<Opinion> {
    let row = load_in_reach::<OpinionRow>(conn, user, id, Access::Read)?;
    let answers = row.reached_under(conn, user, Action::HandleOpinions)?;
    let contact = match (&row.contact_enc, answers) {
        (Some(enc), true) => Some(
            cipher
                .decrypt(enc)
                .map_err(|_| ApiError::internal("an opinion's contact does not decrypt"))?,
        ),
        _ => None,
    };
    if contact.is_some() {
        db::audit::record(
            conn,
            AuditEntry::by(user, "opinion.reveal_contact", "opinion").entity(row.id, &row.org_path),
        )?;
    }
    let mut opinion = Opinion::new(row, local_date(now));
    opinion.contact = contact;
    Ok(opinion)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpinionQuery {
    pub activity_id: Option<i64>,
    /// Only opinions that raise an issue.
    #[serde(default)]
    pub issues: bool,
    /// Only issues without an answer past their due day (FB-02).
    #[serde(default)]
    pub overdue: bool,
}

/// Opinions of the caller's subtree: a supervisor's list holds its children's.
pub fn list_opinions(
    conn: &mut DbConn,
    user: &Principal,
    q: &OpinionQuery,
    after_id: Option<i64>,
    limit: i64,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Opinion>> {
    let today = local_date(now);
    let rows = db::voice::list_opinions(
        conn,
        &OpinionFilter {
            subtree: list_scope(user, Action::ReadOpinions)?,
            activity_id: q.activity_id,
            issues_only: q.issues,
            overdue_before: q.overdue.then_some(today),
            after_id,
            limit,
        },
    )?;
    Ok(rows.into_iter().map(|r| Opinion::new(r, today)).collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// The written answer to the person's issue.
    pub answer: String,
}

/// FB-02: the responsible organisation's written answer to an issue, once.
pub fn answer_opinion(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    req: AnswerRequest,
    now: DateTime<Utc>,
) -> ApiResult<Opinion> {
    let row = load_in_reach::<OpinionRow>(conn, user, id, Access::Act(Action::HandleOpinions))?;
    if !row.is_issue {
        return Err(ApiError::conflict(
            ErrorCode::NotAnIssue,
            "the opinion raises no issue",
        ));
    }
    if let Some(problem) = check_text("answer", &req.answer) {
        return Err(ApiError::invalid(vec![problem]));
    }
    if !db::voice::answer_opinion(conn, id, req.answer.trim(), user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyAnswered,
            "the issue is answered already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "opinion.answer", "opinion").entity(id, &row.org_path),
    )?;
    let row = db::voice::find_opinion(conn, id)?.ok_or_else(|| ApiError::not_found("opinion"))?;
    Ok(Opinion::new(row, local_date(now)))
}
