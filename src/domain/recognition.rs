//! Recognition of volunteers' service: evaluations of a volunteer's service on an assignment,
//! complaints and their outcome (STAR-04, HRS-04), commendations (STAR-03) and how a name is
//! shown on a public honour list (PI-07).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::organization::OrgKind;

/// An evaluation's rating: 1 (poor) to 5 (excellent).
pub const RATINGS: std::ops::RangeInclusive<i32> = 1..=5;

/// Who evaluates a volunteer's service on an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluatorSide {
    /// The organising organisation (or a bureau above it).
    Organiser,
    /// The receiving side of a Spring Rain deployment.
    Receiving,
}

crate::domain::text_enum!(EvaluatorSide {
    Organiser => "organiser",
    Receiving => "receiving",
});

/// A complaint against a volunteer: under investigation, then upheld or dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Investigating,
    Upheld,
    Dismissed,
}

crate::domain::text_enum!(ComplaintStatus {
    Investigating => "investigating",
    Upheld => "upheld",
    Dismissed => "dismissed",
});

/// STAR-03: what is commended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommendationKind {
    /// A model volunteer (an individual).
    ModelVolunteer,
    /// A model collective: a team (an activity's or deployment's team) or an organisation.
    ModelCollective,
    /// A Lei Feng model post (雷锋岗): a post or station — a site or a standing activity.
    LeiFengPost,
    /// An excellent project: an activity.
    ExcellentProject,
}

crate::domain::text_enum!(CommendationKind {
    ModelVolunteer => "model_volunteer",
    ModelCollective => "model_collective",
    LeiFengPost => "lei_feng_post",
    ExcellentProject => "excellent_project",
});

/// What a commendation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    Volunteer,
    /// The team of an activity (a Spring Rain deployment's team, say): `target_id` is the
    /// activity.
    Team,
    Organization,
    Site,
    Activity,
}

crate::domain::text_enum!(TargetType {
    Volunteer => "volunteer",
    Team => "team",
    Organization => "organization",
    Site => "site",
    Activity => "activity",
});

impl CommendationKind {
    /// The targets this kind of commendation can name.
    pub fn targets(self) -> &'static [TargetType] {
        use TargetType::*;
        match self {
            CommendationKind::ModelVolunteer => &[Volunteer],
            CommendationKind::ModelCollective => &[Team, Organization],
            CommendationKind::LeiFengPost => &[Site, Activity],
            CommendationKind::ExcellentProject => &[Activity],
        }
    }
}

/// The level of a commendation, lowest first (so `Ord` compares rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommendationLevel {
    Municipal,
    Provincial,
    National,
}

crate::domain::text_enum!(CommendationLevel {
    Municipal => "municipal",
    Provincial => "provincial",
    National => "national",
});

/// The highest level an organisation of `kind` may nominate for: the ministry nationally; a
/// provincial bureau or a national unit provincially; every organisation below (municipal and
/// county bureaus, organs, teams) municipally, the lowest level commended.
pub fn nominating_level(kind: OrgKind) -> CommendationLevel {
    match kind {
        OrgKind::Ministry => CommendationLevel::National,
        OrgKind::ProvincialBureau | OrgKind::NationalUnit => CommendationLevel::Provincial,
        _ => CommendationLevel::Municipal,
    }
}

/// The highest level an organisation of `kind` may approve: the ministry nationally, a
/// provincial bureau provincially, a municipal bureau municipally; no other organisation
/// confers commendations.
pub fn approving_level(kind: OrgKind) -> Option<CommendationLevel> {
    match kind {
        OrgKind::Ministry => Some(CommendationLevel::National),
        OrgKind::ProvincialBureau => Some(CommendationLevel::Provincial),
        OrgKind::MunicipalBureau => Some(CommendationLevel::Municipal),
        _ => None,
    }
}

/// Why STAR-03 refuses a nomination or a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommendationError {
    /// The target does not fit the kind (a model volunteer names a volunteer, …).
    TargetNotForKind,
    /// The nomination is for a level above the nominating organisation's.
    AboveNominatorLevel { highest: CommendationLevel },
    /// The deciding organisation is below the commendation's level.
    BelowCommendationLevel { highest: Option<CommendationLevel> },
}

impl CommendationError {
    pub fn code(self) -> &'static str {
        match self {
            CommendationError::TargetNotForKind => "target_not_for_kind",
            CommendationError::AboveNominatorLevel { .. } => "nomination_above_level",
            CommendationError::BelowCommendationLevel { .. } => "approval_below_level",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            CommendationError::TargetNotForKind => "target_type",
            CommendationError::AboveNominatorLevel { .. } => "level",
            CommendationError::BelowCommendationLevel { .. } => "level",
        }
    }

    pub fn message(self) -> String {
        match self {
            CommendationError::TargetNotForKind => {
                "this kind of commendation cannot name that target".into()
            }
            CommendationError::AboveNominatorLevel { highest } => format!(
                "STAR-03: this organisation nominates at {} level or below",
                highest.as_str()
            ),
            CommendationError::BelowCommendationLevel { highest: Some(h) } => format!(
                "STAR-03: a {} organisation cannot decide a commendation above its level",
                h.as_str()
            ),
            CommendationError::BelowCommendationLevel { highest: None } => {
                "STAR-03: only the ministry and provincial and municipal bureaus confer commendations"
                    .into()
            }
        }
    }
}

/// STAR-03: a nomination of `target` for a `kind` commendation at `level` by an organisation
/// of `nominator`.
pub fn check_nomination(
    nominator: OrgKind,
    kind: CommendationKind,
    target: TargetType,
    level: CommendationLevel,
) -> Result<(), CommendationError> {
    if !kind.targets().contains(&target) {
        return Err(CommendationError::TargetNotForKind);
    }
    let highest = nominating_level(nominator);
    if level > highest {
        return Err(CommendationError::AboveNominatorLevel { highest });
    }
    Ok(())
}

/// STAR-03: approving or returning a commendation at `level` is for an organisation at that
/// level or above.
pub fn check_decision(decider: OrgKind, level: CommendationLevel) -> Result<(), CommendationError> {
    let highest = approving_level(decider);
    if highest.is_some_and(|h| h >= level) {
        Ok(())
    } else {
        Err(CommendationError::BelowCommendationLevel { highest })
    }
}

/// PI-07: a name on a public list without the person's consent keeps its first character
/// (the surname, for most Chinese names) and hides every other one: 张三 → 张*.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let hidden = chars.count().max(1);
            format!("{first}{}", "*".repeat(hidden))
        }
        None => "*".into(),
    }
}

/// The reliability an evaluation history adds to matching: the mean of the ratings mapped to
/// [0, 1] (1 → 0, 5 → 1), started from two virtual top ratings so that one poor evaluation of
/// a newcomer weighs less than a history of them. No evaluations: 1.0.
pub fn evaluation_share(evaluations: u32, rating_points: u32) -> f64 {
    // Each rating contributes `rating − 1` points out of 4.
    (f64::from(rating_points) + 8.0) / (4.0 * f64::from(evaluations) + 8.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_names_its_own_targets() {
        use CommendationKind::*;
        use TargetType::*;
        assert!(
            check_nomination(
                OrgKind::Ministry,
                ModelVolunteer,
                Volunteer,
                CommendationLevel::National
            )
            .is_ok()
        );
        assert_eq!(
            check_nomination(
                OrgKind::Ministry,
                ModelVolunteer,
                Team,
                CommendationLevel::National
            ),
            Err(CommendationError::TargetNotForKind)
        );
        assert!(ModelCollective.targets().contains(&Organization));
        assert!(LeiFengPost.targets().contains(&Site));
        assert_eq!(ExcellentProject.targets(), &[Activity]);
    }

    #[test]
    fn a_nomination_above_the_nominators_level_is_refused() {
        use CommendationLevel::*;
        let nominate = |org, level| {
            check_nomination(
                org,
                CommendationKind::ModelVolunteer,
                TargetType::Volunteer,
                level,
            )
        };
        assert!(nominate(OrgKind::CulturalOrgan, Municipal).is_ok());
        assert_eq!(
            nominate(OrgKind::CulturalOrgan, Provincial),
            Err(CommendationError::AboveNominatorLevel { highest: Municipal })
        );
        assert!(nominate(OrgKind::MunicipalBureau, Municipal).is_ok());
        assert!(nominate(OrgKind::MunicipalBureau, National).is_err());
        assert!(nominate(OrgKind::ProvincialBureau, Provincial).is_ok());
        assert!(nominate(OrgKind::ProvincialBureau, National).is_err());
        assert!(nominate(OrgKind::Ministry, National).is_ok());
    }

    #[test]
    fn a_decision_by_a_lower_level_is_refused() {
        use CommendationLevel::*;
        assert!(check_decision(OrgKind::Ministry, National).is_ok());
        assert!(check_decision(OrgKind::ProvincialBureau, Municipal).is_ok());
        assert!(check_decision(OrgKind::ProvincialBureau, Provincial).is_ok());
        assert_eq!(
            check_decision(OrgKind::ProvincialBureau, National),
            Err(CommendationError::BelowCommendationLevel {
                highest: Some(Provincial)
            })
        );
        assert!(check_decision(OrgKind::MunicipalBureau, Provincial).is_err());
        assert_eq!(
            check_decision(OrgKind::CountyBureau, Municipal),
            Err(CommendationError::BelowCommendationLevel { highest: None })
        );
    }

    #[test]
    fn names_keep_their_first_character_only() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "*");
    }

    #[test]
    fn evaluations_pull_reliability_from_one_towards_the_mean_rating() {
        assert_eq!(evaluation_share(0, 0), 1.0);
        // Two top ratings keep it at 1; two lowest halve it (8 / 16).
        assert_eq!(evaluation_share(2, 8), 1.0);
        assert_eq!(evaluation_share(2, 0), 0.5);
        assert!(evaluation_share(20, 0) < 0.1);
    }
}
