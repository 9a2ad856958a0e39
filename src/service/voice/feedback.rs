//! The public side: an activity's feedback link (token and QR code), opinions given through it
//! without an account (FB-01), and what a person learns back — never a volunteer's data, never
//! the contact they left.

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::auth::tokens::new_secret;
use crate::clock::local_date;
use crate::crypto::PersonalDataCipher;
use crate::db::activities::ActivityRow;
use crate::db::voice::{NewOpinionRow, OpinionRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::Invalid;
use crate::domain::activity::ActivityStatus;
use crate::domain::policy::FeedbackPolicy;
use crate::domain::voice::{
    Channel, Window, answer_due_on, check_feedback, feedback_window, raises_issue,
};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackLink {
    pub activity_id: i64,
    /// The unguessable token of the activity's public feedback page.
    pub token: String,
    /// Path of the public page (`POST` an opinion, `GET` the answers).
    pub path: String,
}

/// The activity's feedback link, made on first request. Only a published (or running, or
/// completed) activity has one; the organiser's staff read it.
pub fn feedback_link(
    conn: &mut DbConn,
    user: &Principal,
    activity_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<FeedbackLink> {
    let activity =
        load_in_reach::<ActivityRow>(conn, user, activity_id, Access::Act(Action::HandleOpinions))?;
    if matches!(
        activity.status,
        ActivityStatus::Draft | ActivityStatus::Cancelled
    ) {
        return Err(ApiError::conflict(
            ErrorCode::ActivityNotOpen,
            "only a published activity has a feedback link",
        ));
    }
    let link = match db::voice::find_link(conn, activity_id)? {
        Some(link) => link,
        None => {
            let link = db::voice::insert_link(conn, activity_id, &new_secret(), now.naive_utc())?;
            db::audit::record(
                conn,
                AuditEntry::by(user, "feedback_link.create", "activity")
                    .entity(activity_id, &activity.org_path),
            )?;
            link
        }
    };
    Ok(FeedbackLink {
        activity_id,
        path: format!("/api/v1/public/feedback/{}", link.token),
        token: link.token,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicFeedback {
    /// 1 (poor) to 5 (excellent); 2 or less raises an issue that gets a written answer.
    pub rating: i32,
    pub comment: Option<String>,
    /// The person's target group (`/api/v1/reference/target-groups`), if they say.
    pub target_group: Option<String>,
    /// How to reach the person with the answer (stored encrypted). Without one, the answer is
    /// shown on the feedback page and under the receipt code.
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReceipt {
    /// Look the answer up at `GET /api/v1/public/feedback/receipts/{code}`.
    pub receipt_code: String,
    pub is_issue: bool,
    /// The day the written answer is due by (issues only, FB-02).
    pub answer_due_on: Option<NaiveDate>,
}

fn receipt_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The activity behind a token, or 404 (an unknown token and a wrong one look the same).
fn activity_of(conn: &mut DbConn, token: &str) -> ApiResult<ActivityRow> {
    let hidden = || ApiError::not_found("feedback link");
    let link = db::voice::find_link_by_token(conn, token)?.ok_or_else(hidden)?;
    db::activities::find(conn, link.activity_id)?.ok_or_else(hidden)
}

/// FB-01 refusal: 409 with the code, and the rule named in `errors[]`.
fn window_refusal(code: ErrorCode, detail: String) -> ApiError {
    let field = Invalid::new("token", code.as_str(), detail.clone()).rule("FB-01");
    ApiError::conflict(code, detail).with_errors(vec![field.into()])
}

/// FB-01: an opinion from the public through the activity's link.
pub fn submit_feedback(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    policy: &FeedbackPolicy,
    token: &str,
    req: PublicFeedback,
    request_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<FeedbackReceipt> {
    let activity = activity_of(conn, token)?;
    if activity.status == ActivityStatus::Cancelled {
        return Err(ApiError::conflict(
            ErrorCode::ActivityClosed,
            "the activity was cancelled",
        ));
    }
    let window = feedback_window(
        activity.starts_at.and_utc(),
        activity.ends_at.and_utc(),
        policy.window_days_after_end,
        now,
    );
    match window {
        Window::NotYetOpen => {
            return Err(window_refusal(
                ErrorCode::FeedbackNotOpen,
                "feedback opens when the activity starts".into(),
            ));
        }
        Window::Closed => {
            return Err(window_refusal(
                ErrorCode::FeedbackClosed,
                format!(
                    "feedback closed {} days after the activity ended",
                    policy.window_days_after_end
                ),
            ));
        }
        Window::Open => {}
    }
    let text = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (comment, group, contact) = (text(req.comment), text(req.target_group), text(req.contact));
    let problems = check_feedback(
        req.rating,
        comment.as_deref(),
        group.as_deref(),
        contact.as_deref(),
    );
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let received = local_date(now);
    let is_issue = raises_issue(Some(req.rating), false);
    let due = is_issue.then(|| answer_due_on(received, policy.answer_due_days));
    let row = db::voice::insert_opinion(
        conn,
        &NewOpinionRow {
            activity_id: activity.id,
            organization_id: activity.organization_id,
            org_path: activity.org_path.clone(),
            channel: Channel::Public,
            rating: Some(req.rating),
            body: comment,
            target_group: group,
            heard_counts: None,
            heard_on: received,
            contact_enc: contact.map(|c| cipher.encrypt(&c)),
            receipt_code: Some(receipt_code()),
            is_issue,
            answer_due_on: due,
            recorded_by: None,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "opinion.public",
            entity_type: "opinion",
            entity_id: Some(row.id.to_string()),
            org_path: Some(&activity.org_path),
            detail: Some(serde_json::json!({
                "activity_id": activity.id,
                "rating": req.rating,
                "is_issue": is_issue,
            })),
        },
    )?;
    Ok(FeedbackReceipt {
        receipt_code: row.receipt_code.unwrap_or_default(),
        is_issue,
        answer_due_on: due,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicAnswer {
    pub received_on: NaiveDate,
    pub answer: String,
    pub answered_at: DateTime<Utc>,
}

/// What the public page shows: the activity, whether it takes opinions now, and the written
/// answers to issues whose authors left no contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub activity_title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub open: bool,
    pub closes_at: DateTime<Utc>,
    pub answers: Vec<PublicAnswer>,
}

pub fn feedback_page(
    conn: &mut DbConn,
    policy: &FeedbackPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> ApiResult<FeedbackPage> {
    let activity = activity_of(conn, token)?;
    let (starts, ends) = (activity.starts_at.and_utc(), activity.ends_at.and_utc());
    let open = activity.status != ActivityStatus::Cancelled
        && feedback_window(starts, ends, policy.window_days_after_end, now) == Window::Open;
    let answers = db::voice::public_answers(conn, activity.id)?
        .into_iter()
        .map(|(received_on, answer, at)| PublicAnswer {
            received_on,
            answer,
            answered_at: at.and_utc(),
        })
        .collect();
    Ok(FeedbackPage {
        activity_title: activity.title,
        starts_at: starts,
        ends_at: ends,
        open,
        closes_at: ends + chrono::Duration::days(i64::from(policy.window_days_after_end)),
        answers,
    })
}

/// One opinion as its author sees it under the receipt code: never the contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    pub received_on: NaiveDate,
    pub rating: Option<i32>,
    pub is_issue: bool,
    pub answer_due_on: Option<NaiveDate>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

pub fn receipt(conn: &mut DbConn, code: &str) -> ApiResult<ReceiptView> {
    let row: OpinionRow = db::voice::find_opinion_by_receipt(conn, code)?
        .ok_or_else(|| ApiError::not_found("opinion"))?;
    Ok(ReceiptView {
        received_on: row.heard_on,
        rating: row.rating,
        is_issue: row.is_issue,
        answer_due_on: row.answer_due_on,
        answer: row.answer,
        answered_at: row.answered_at.map(|t| t.and_utc()),
    })
}
