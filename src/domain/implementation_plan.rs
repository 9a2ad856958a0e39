//! PLAN-01, provincial implementation plans: a campaign's stages, a plan's life from draft to
//! approval, and when a submission is late. Pure rules; `service::implementation_plans` applies
//! them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;

/// One stage of a campaign (e.g. learning, identifying problems, rectification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

const MAX_STAGE_NAME: usize = 100;
const MAX_STAGES: usize = 20;

/// The campaign's period and due date, and its stages in order: each named, ending on or after
/// its start, inside the period and after the one before it (no overlap).
pub fn check_campaign(
    period_from: NaiveDate,
    period_to: NaiveDate,
    due_date: NaiveDate,
    stages: &[Stage],
) -> Vec<Invalid> {
    let mut out = Vec::new();
    if period_to < period_from {
        out.push(Invalid::new(
            "period_to",
            "invalid_range",
            "the period ends on or after its first day",
        ));
    }
    if due_date > period_to {
        out.push(Invalid::new(
            "due_date",
            "out_of_range",
            "plans are due before the period ends",
        ));
    }
    if stages.is_empty() {
        out.push(Invalid::new("stages", "required", "at least one stage"));
    }
    if stages.len() > MAX_STAGES {
        out.push(Invalid::new("stages", "too_long", "at most 20 stages"));
    }
    let mut previous_end: Option<NaiveDate> = None;
    for (i, s) in stages.iter().enumerate() {
        let field = |f: &str| format!("stages[{i}].{f}");
        let name = s.name.trim().chars().count();
        if name == 0 {
            out.push(Invalid::new(
                field("name"),
                "required",
                "a stage has a name",
            ));
        } else if name > MAX_STAGE_NAME {
            out.push(Invalid::new(
                field("name"),
                "too_long",
                "at most 100 characters",
            ));
        }
        if s.ends_on < s.starts_on {
            out.push(Invalid::new(
                field("ends_on"),
                "invalid_range",
                "a stage ends on or after its first day",
            ));
        }
        if s.starts_on < period_from || s.ends_on > period_to {
            out.push(Invalid::new(
                field("starts_on"),
                "outside_period",
                "a stage lies inside the campaign's period",
            ));
        }
        if previous_end.is_some_and(|end| s.starts_on <= end) {
            out.push(Invalid::new(
                field("starts_on"),
                "overlaps_previous",
                "stages follow one another without overlapping",
            ));
        }
        previous_end = Some(previous_end.map_or(s.ends_on, |e| e.max(s.ends_on)));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Submitted,
    Approved,
    Returned,
}

crate::domain::text_enum!(PlanStatus {
    Draft => "draft",
    Submitted => "submitted",
    Approved => "approved",
    Returned => "returned",
});

/// What may happen to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// The bureau changes its targets.
    Edit,
    Submit,
    Approve,
    /// Back to the bureau with comments; it edits and resubmits.
    Return,
}

impl PlanStatus {
    /// The status after `action`, or `None` when the action is not allowed now. A submitted
    /// or approved plan is not edited; only a submitted one is decided.
    pub fn after(self, action: PlanAction) -> Option<PlanStatus> {
        use PlanAction::*;
        use PlanStatus::*;
        match (self, action) {
            (Draft | Returned, Edit) => Some(self),
            (Draft | Returned, Submit) => Some(Submitted),
            (Submitted, Approve) => Some(Approved),
            (Submitted, Return) => Some(Returned),
            _ => None,
        }
    }

    /// Whether the province has reported (the plan is with the ministry or accepted): what
    /// the list of missing provinces leaves out. A returned plan awaits the province again.
    pub fn counts_as_submitted(self) -> bool {
        matches!(self, PlanStatus::Submitted | PlanStatus::Approved)
    }
}

/// PLAN-01: a plan first submitted after the due date (China time) is late. The first
/// submission decides; resubmitting a returned plan does not change it, since the province
/// did report (or failed to) by then.
pub fn is_late(due_date: NaiveDate, first_submitted_on: NaiveDate) -> bool {
    first_submitted_on > due_date
}

/// The summary evaluation is written once the campaign's period is over, on an approved plan.
pub fn may_write_summary(status: PlanStatus, period_to: NaiveDate, today: NaiveDate) -> bool {
    status == PlanStatus::Approved && today > period_to
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn stage(name: &str, from: &str, to: &str) -> Stage {
        Stage {
            name: name.into(),
            starts_on: d(from),
            ends_on: d(to),
        }
    }

    fn codes(problems: &[Invalid]) -> Vec<(String, String)> {
        problems
            .iter()
            .map(|p| (p.field.clone(), p.code.clone()))
            .collect()
    }

    #[test]
    fn three_consecutive_stages_inside_the_period_are_fine() {
        let stages = [
            stage("学习动员", "2012-03-01", "2012-04-30"),
            stage("查找问题", "2012-05-01", "2012-08-31"),
            stage("整改提高", "2012-09-01", "2012-12-31"),
        ];
        assert!(
            check_campaign(d("2012-03-01"), d("2012-12-31"), d("2012-03-31"), &stages).is_empty()
        );
    }

    #[test]
    fn stages_must_not_overlap_leave_the_period_or_run_backwards() {
        let stages = [
            stage("学习动员", "2012-03-01", "2012-05-10"),
            stage("查找问题", "2012-05-10", "2012-04-01"),
            stage("整改提高", "2012-09-01", "2013-01-31"),
            stage(" ", "2012-10-01", "2012-10-02"),
        ];
        let got = codes(&check_campaign(
            d("2012-03-01"),
            d("2012-12-31"),
            d("2012-03-31"),
            &stages,
        ));
        assert_eq!(
            got,
            [
                ("stages[1].ends_on".into(), "invalid_range".into()),
                ("stages[1].starts_on".into(), "overlaps_previous".into()),
                ("stages[2].starts_on".into(), "outside_period".into()),
                ("stages[3].name".into(), "required".into()),
                ("stages[3].starts_on".into(), "overlaps_previous".into()),
            ]
        );
    }

    #[test]
    fn a_period_runs_forwards_with_a_due_date_inside_and_a_stage_at_least() {
        let got = codes(&check_campaign(
            d("2012-12-31"),
            d("2012-03-01"),
            d("2013-01-01"),
            &[],
        ));
        assert_eq!(
            got,
            [
                ("period_to".into(), "invalid_range".into()),
                ("due_date".into(), "out_of_range".into()),
                ("stages".into(), "required".into()),
            ]
        );
    }

    #[test]
    fn the_state_machine_allows_edit_and_submit_until_the_ministry_decides() {
        use PlanAction::*;
        use PlanStatus::*;
        assert_eq!(Draft.after(Edit), Some(Draft));
        assert_eq!(Draft.after(Submit), Some(Submitted));
        assert_eq!(Draft.after(Approve), None);
        assert_eq!(Submitted.after(Edit), None);
        assert_eq!(Submitted.after(Submit), None);
        assert_eq!(Submitted.after(Approve), Some(Approved));
        assert_eq!(Submitted.after(Return), Some(Returned));
        assert_eq!(Returned.after(Edit), Some(Returned));
        assert_eq!(Returned.after(Submit), Some(Submitted));
        assert_eq!(Returned.after(Approve), None);
        for a in [Edit, Submit, Approve, Return] {
            assert_eq!(Approved.after(a), None, "{a:?}");
        }
        assert!(Submitted.counts_as_submitted() && Approved.counts_as_submitted());
        assert!(!Draft.counts_as_submitted() && !Returned.counts_as_submitted());
    }

    #[test]
    fn a_plan_is_late_only_after_the_due_day() {
        assert!(!is_late(d("2012-03-31"), d("2012-03-30")));
        assert!(!is_late(d("2012-03-31"), d("2012-03-31")));
        assert!(is_late(d("2012-03-31"), d("2012-04-01")));
    }

    #[test]
    fn the_summary_waits_for_the_end_of_the_period_and_an_approved_plan() {
        let end = d("2012-12-31");
        assert!(!may_write_summary(
            PlanStatus::Approved,
            end,
            d("2012-12-31")
        ));
        assert!(may_write_summary(
            PlanStatus::Approved,
            end,
            d("2013-01-01")
        ));
        assert!(!may_write_summary(
            PlanStatus::Submitted,
            end,
            d("2013-01-01")
        ));
    }
}
