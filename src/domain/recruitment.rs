//! Recruitment campaigns (`draft → open → closed`) and applications
//! (`submitted → accepted | rejected | withdrawn`). Whether an applicant meets a campaign's
//! requirements is `eligibility::check` at `CheckPoint::Apply`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;
use super::reference;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecruitmentStatus {
    Draft,
    Open,
    Closed,
}

crate::domain::text_enum!(RecruitmentStatus {
    Draft => "draft",
    Open => "open",
    Closed => "closed",
});

impl RecruitmentStatus {
    /// Campaigns open once and close once; a closed campaign stays closed.
    pub fn can_become(self, next: RecruitmentStatus) -> bool {
        matches!(
            (self, next),
            (RecruitmentStatus::Draft, RecruitmentStatus::Open)
                | (RecruitmentStatus::Open, RecruitmentStatus::Closed)
                | (RecruitmentStatus::Draft, RecruitmentStatus::Closed)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Submitted,
    Accepted,
    Rejected,
    Withdrawn,
}

crate::domain::text_enum!(ApplicationStatus {
    Submitted => "submitted",
    Accepted => "accepted",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
});

impl ApplicationStatus {
    /// Whether the application holds one of the campaign's places.
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Submitted | ApplicationStatus::Accepted
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RequiredSkill {
    pub code: String,
    /// Minimum level, 1–3.
    pub level: u8,
}

/// What a campaign asks of applicants. Age bounds, skills and languages are checked when
/// someone applies; target groups describe who will be served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Requirements {
    pub skills: Vec<RequiredSkill>,
    pub languages: Vec<String>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub target_groups: Vec<String>,
}

impl Requirements {
    /// Known codes and sensible bounds.
    pub fn check(&self) -> Vec<Invalid> {
        let mut problems = Vec::new();
        for (i, s) in self.skills.iter().enumerate() {
            if !reference::is_skill(&s.code) || !reference::SKILL_LEVELS.contains(&s.level) {
                problems.push(Invalid::new(
                    format!("requirements.skills[{i}]"),
                    "unknown_skill",
                    "a known skill code with level 1–3",
                ));
            }
        }
        for (i, l) in self.languages.iter().enumerate() {
            if !reference::is_language(l) {
                problems.push(Invalid::new(
                    format!("requirements.languages[{i}]"),
                    "unknown_language",
                    "a known language code",
                ));
            }
        }
        for (i, g) in self.target_groups.iter().enumerate() {
            if !reference::is_target_group(g) {
                problems.push(Invalid::new(
                    format!("requirements.target_groups[{i}]"),
                    "unknown_target_group",
                    "a known target group",
                ));
            }
        }
        if let (Some(min), Some(max)) = (self.min_age, self.max_age)
            && min > max
        {
            problems.push(Invalid::new(
                "requirements.max_age",
                "invalid_range",
                "max_age is below min_age",
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaigns_open_and_close_once() {
        use RecruitmentStatus::*;
        assert!(Draft.can_become(Open) && Open.can_become(Closed) && Draft.can_become(Closed));
        assert!(!Closed.can_become(Open) && !Open.can_become(Draft) && !Open.can_become(Open));
    }

    #[test]
    fn requirements_have_known_codes_and_ordered_ages() {
        let inverted = Requirements {
            min_age: Some(30),
            max_age: Some(20),
            ..Default::default()
        };
        assert_eq!(inverted.check().len(), 1);
    }

    #[test]
    fn only_live_applications_hold_places() {
        use ApplicationStatus::*;
        assert!(Submitted.holds_place() && Accepted.holds_place());
        assert!(!Rejected.holds_place() && !Withdrawn.holds_place());
    }
}
