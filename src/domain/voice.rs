//! The people's voice (issue 10): opinions of the people served, the written answer every
//! issue needs, and the rectification ledger. Pure rules: the feedback window (FB-01), what
//! counts as an issue and when its answer is due (FB-02), the ledger's states and who may
//! move an item between them (FB-03).

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::Invalid;
use super::reference;

/// How an opinion reached the organiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Through the activity's feedback link (QR code), without an account.
    Public,
    HomeVisit,
    Interview,
    Symposium,
}

crate::domain::text_enum!(Channel {
    Public => "public",
    HomeVisit => "home_visit",
    Interview => "interview",
    Symposium => "symposium",
});

impl Channel {
    /// The channels staff record opinions through.
    pub const STAFF: [Channel; 3] = [Channel::HomeVisit, Channel::Interview, Channel::Symposium];
}

/// Longest comment, summary, answer or ledger text, in characters.
pub const MAX_TEXT: usize = 2000;
/// Longest contact a person may leave for a reply.
pub const MAX_CONTACT: usize = 100;

/// FB-01: public feedback on an activity is taken from its start until `days_after_end` days
/// after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    NotYetOpen,
    Open,
    Closed,
}

pub fn feedback_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    days_after_end: u32,
    now: DateTime<Utc>,
) -> Window {
    let closes = ends_at + chrono::Duration::days(i64::from(days_after_end));
    if now < starts_at {
        Window::NotYetOpen
    } else if now > closes {
        Window::Closed
    } else {
        Window::Open
    }
}

/// FB-02: an opinion raises an issue when its rating is 2 or less, or staff mark it as one.
pub fn raises_issue(rating: Option<i32>, marked: bool) -> bool {
    marked || rating.is_some_and(|r| r <= 2)
}

/// FB-02: the day by which an issue received on `received` needs its written answer.
pub fn answer_due_on(received: NaiveDate, days: u32) -> NaiveDate {
    received
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// An unanswered issue whose due day has passed.
pub fn answer_overdue(due: Option<NaiveDate>, answered: bool, today: NaiveDate) -> bool {
    !answered && due.is_some_and(|d| d < today)
}

/// A ledger item's due day has passed while it is still being worked on.
pub fn item_overdue(status: LedgerStatus, due: NaiveDate, today: NaiveDate) -> bool {
    matches!(status, LedgerStatus::Open | LedgerStatus::InProgress) && due < today
}

/// The public's input on a feedback link.
pub fn check_feedback(
    rating: i32,
    comment: Option<&str>,
    target_group: Option<&str>,
    contact: Option<&str>,
) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if !(1..=5).contains(&rating) {
        problems.push(Invalid::new("rating", "out_of_range", "rating is 1 to 5"));
    }
    if comment.is_some_and(|c| c.chars().count() > MAX_TEXT) {
        problems.push(too_long("comment", MAX_TEXT));
    }
    if let Some(g) = target_group
        && !reference::is_target_group(g)
    {
        problems.push(Invalid::new(
            "target_group",
            "unknown_code",
            "not a target group code (GET /api/v1/reference/target-groups)",
        ));
    }
    if contact.is_some_and(|c| c.chars().count() > MAX_CONTACT) {
        problems.push(too_long("contact", MAX_CONTACT));
    }
    problems
}

/// Text a person must give (a summary, an answer, a description): present and bounded.
pub fn check_text(field: &str, text: &str) -> Option<Invalid> {
    if text.trim().is_empty() {
        Some(Invalid::new(
            field,
            "required",
            format!("{field} is required"),
        ))
    } else if text.chars().count() > MAX_TEXT {
        Some(too_long(field, MAX_TEXT))
    } else {
        None
    }
}

fn too_long(field: &str, max: usize) -> Invalid {
    Invalid::new(field, "too_long", format!("at most {max} characters"))
}

/// Staff's count of the people heard per target group.
pub fn check_heard_counts<'a>(counts: impl Iterator<Item = (&'a String, &'a i32)>) -> Vec<Invalid> {
    let mut problems = Vec::new();
    for (group, n) in counts {
        if !reference::is_target_group(group) {
            problems.push(Invalid::new(
                format!("heard.{group}"),
                "unknown_code",
                "not a target group code",
            ));
        } else if !(0..=1_000_000).contains(n) {
            problems.push(Invalid::new(
                format!("heard.{group}"),
                "out_of_range",
                "a count is 0 to 1,000,000",
            ));
        }
    }
    problems
}

/// A rectification ledger item's state (FB-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerStatus {
    Open,
    InProgress,
    Resolved,
    Rejected,
}

crate::domain::text_enum!(LedgerStatus {
    Open => "open",
    InProgress => "in_progress",
    Resolved => "resolved",
    Rejected => "rejected",
});

/// A step on a ledger item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerStep {
    Start,
    Resolve,
    Reject,
    /// The supervising organisation sends a resolved item back.
    Return,
}

crate::domain::text_enum!(LedgerStep {
    Start => "start",
    Resolve => "resolve",
    Reject => "reject",
    Return => "return",
});

/// Who takes a step: the responsible organisation's own staff, or a supervisor (an
/// organisation above it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Responsible,
    Supervisor,
}

/// FB-03: the state after `step`, or `None` when the step is not allowed from `from`.
/// A reject or a return needs a reason (checked by the caller, `needs_reason`).
pub fn ledger_after(from: LedgerStatus, step: LedgerStep) -> Option<LedgerStatus> {
    use LedgerStatus::*;
    use LedgerStep::*;
    match (from, step) {
        (Open, Start) => Some(InProgress),
        (InProgress, Resolve) => Some(Resolved),
        (Open | InProgress, Reject) => Some(Rejected),
        (Resolved, Return) => Some(InProgress),
        _ => None,
    }
}

/// FB-03: only a supervisor returns a resolved item; the other steps are the responsible
/// organisation's (a supervisor reaches them too, as its subtree holds the item).
pub fn step_allowed_for(step: LedgerStep, actor: Actor) -> bool {
    step != LedgerStep::Return || actor == Actor::Supervisor
}

pub fn needs_reason(step: LedgerStep) -> bool {
    matches!(step, LedgerStep::Reject | LedgerStep::Return)
}

/// Whether the organisation at `caller_path` supervises the one at `item_path`: it lies
/// strictly above it in the tree.
pub fn supervises(caller_path: &str, item_path: &str) -> bool {
    item_path.len() > caller_path.len() && item_path.starts_with(caller_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn feedback_opens_at_the_start_and_closes_days_after_the_end() {
        let (s, e) = (at("2030-01-01T02:00:00Z"), at("2030-01-01T06:00:00Z"));
        let w = |now| feedback_window(s, e, 14, at(now));
        assert_eq!(w("2030-01-01T01:59:59Z"), Window::NotYetOpen);
        assert_eq!(w("2030-01-01T02:00:00Z"), Window::Open);
        assert_eq!(w("2030-01-15T06:00:00Z"), Window::Open);
        assert_eq!(w("2030-01-15T06:00:01Z"), Window::Closed);
    }

    #[test]
    fn low_ratings_and_marked_opinions_are_issues() {
        assert!(raises_issue(Some(1), false) && raises_issue(Some(2), false));
        assert!(!raises_issue(Some(3), false) && !raises_issue(None, false));
        assert!(raises_issue(Some(5), true) && raises_issue(None, true));
    }

    #[test]
    fn an_answer_is_overdue_only_after_its_due_day_and_while_missing() {
        let received = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let due = answer_due_on(received, 15);
        assert_eq!(due, NaiveDate::from_ymd_opt(2030, 1, 16).unwrap());
        assert!(!answer_overdue(Some(due), false, due));
        assert!(answer_overdue(Some(due), false, due.succ_opt().unwrap()));
        assert!(!answer_overdue(Some(due), true, due.succ_opt().unwrap()));
        assert!(!answer_overdue(None, false, due.succ_opt().unwrap()));
    }

    #[test]
    fn the_ledger_moves_open_in_progress_resolved_and_back_only_by_a_supervisor() {
        use LedgerStatus::*;
        use LedgerStep::*;
        assert_eq!(ledger_after(Open, Start), Some(InProgress));
        assert_eq!(ledger_after(InProgress, Resolve), Some(Resolved));
        assert_eq!(ledger_after(Open, Reject), Some(Rejected));
        assert_eq!(ledger_after(Resolved, Return), Some(InProgress));
        assert_eq!(ledger_after(Open, Resolve), None);
        assert_eq!(ledger_after(Rejected, Start), None);
        assert_eq!(ledger_after(Resolved, Reject), None);
        assert!(!step_allowed_for(Return, Actor::Responsible));
        assert!(step_allowed_for(Return, Actor::Supervisor));
        assert!(needs_reason(Reject) && needs_reason(Return) && !needs_reason(Resolve));
    }

    #[test]
    fn a_supervisor_is_strictly_above() {
        assert!(supervises("/1/15/", "/1/15/40/"));
        assert!(supervises("/1/", "/1/15/40/"));
        assert!(!supervises("/1/15/40/", "/1/15/40/"));
        assert!(!supervises("/1/16/", "/1/15/40/"));
    }

    #[test]
    fn feedback_input_is_bounded_and_coded() {
        assert!(check_feedback(5, Some("好"), Some("elderly"), Some("138")).is_empty());
        let codes: Vec<String> = check_feedback(0, None, Some("martians"), None)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(codes, ["rating", "target_group"]);
    }
}
