//! Matching: how well an eligible volunteer fits an activity (`score`), the ranked candidates
//! for one activity with the near-misses and their reasons (`rank_candidates`), and optimal
//! batch dispatch over many activities at once (`dispatch`).
//!
//! A score is a weighted mean of six components, each in [0, 1], so totals compare across
//! activities (batch dispatch adds them up):
//!
//! | component | 1.0 means | default weight |
//! |---|---|---|
//! | skill_fit | meets every required skill two levels above the requirement (just meeting it: 0.7); no requirement: 1.0 | 0.30 |
//! | language_match | speaks every required and local language of the site; none listed: 1.0. A Spring Rain deployment to a region with minority languages in the policy's table (`spring_rain.region_languages`) counts "speaks one of the region's languages" as one more wanted language | 0.10, **0.35** in border/ethnic regions or at minority-language sites |
//! | distance | lives at the site (1 / (1 + km / 10)); without coordinates: same county 0.5, prefecture 0.25, province 0.1; not used for Spring Rain, where distance is the point | 0.20 |
//! | fairness | no verified minutes recently (1 / (1 + minutes / 600)) | 0.15 |
//! | reliability | no no-shows and top evaluations: (completed + 2) / (completed + no-shows + 2) × (Σ(rating − 1) + 8) / (4 × evaluations + 8), so newcomers start at 1.0 | 0.15 |
//! | preference | prefers one of the activity's target groups; no preference stated: 0.5 | 0.10 |

pub mod dispatch;

pub use dispatch::{
    ActivityFill, CandidatePair, DispatchActivity, DispatchError, PairKey, Plan, PlannedAssignment,
    dispatch,
};

use super::eligibility::{
    ActivityRequirements, AssignmentContext, Commitment, EligibilityPolicy, GeoPoint, Programme,
    Violation, VolunteerSnapshot, check,
};
use super::recognition::evaluation_share;
use super::region::{RegionCode, SPRING_RAIN_RECEIVING_PREFIXES};

use std::collections::BTreeMap;

/// ISO 639 codes of the minority languages in the reference list (DOMAIN.md).
pub const MINORITY_LANGUAGES: [&str; 9] = ["ug", "bo", "mn", "kk", "ko", "za", "ii", "tdd", "ky"];

/// What the volunteer's history says, computed by the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolunteerStats {
    /// Verified minutes in the recent period the deployment chooses (e.g. 90 days).
    pub recent_verified_minutes: u32,
    pub completed: u32,
    pub no_shows: u32,
    /// Evaluations of the volunteer's service (organiser and receiving side), and the sum of
    /// their `rating − 1` (0–4 each).
    pub evaluations: u32,
    pub evaluation_points: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreComponents {
    pub skill_fit: f64,
    pub language_match: f64,
    pub distance: f64,
    pub fairness: f64,
    pub reliability: f64,
    pub preference: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Weighted mean of the components, in [0, 1].
    pub total: f64,
    pub components: ScoreComponents,
}

/// Component weights; only their ratios matter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub skill_fit: f64,
    pub language_match: f64,
    pub distance: f64,
    pub fairness: f64,
    pub reliability: f64,
    pub preference: f64,
}

/// What ranking candidates needs from the configuration: the hard rules, then the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingPolicy {
    pub eligibility: crate::domain::eligibility::EligibilityPolicy,
    pub scoring: ScoringPolicy,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoringPolicy {
    pub weights: Weights,
    /// Replaces `weights.language_match` in border/ethnic regions and at minority-language sites.
    pub ethnic_region_language_weight: f64,
    /// Distance at which the distance component halves.
    pub distance_half_km: f64,
    /// Recent verified minutes at which the fairness component halves.
    pub fairness_half_minutes: f64,
    /// Province prefix → minority languages spoken there: on a Spring Rain deployment to that
    /// province, speaking one of them is one more wanted language (data from the policy
    /// file, `spring_rain.region_languages`).
    pub region_languages: BTreeMap<String, Vec<String>>,
}

impl Default for ScoringPolicy {
    fn default() -> Self {
        ScoringPolicy {
            weights: Weights {
                skill_fit: 0.30,
                language_match: 0.10,
                distance: 0.20,
                fairness: 0.15,
                reliability: 0.15,
                preference: 0.10,
            },
            ethnic_region_language_weight: 0.35,
            distance_half_km: 10.0,
            fairness_half_minutes: 600.0,
            region_languages: default_region_languages(),
        }
    }
}

/// The documented default of `spring_rain.region_languages`.
pub fn default_region_languages() -> BTreeMap<String, Vec<String>> {
    [
        ("15", &["mn"][..]),
        ("22", &["ko"]),
        ("45", &["za"]),
        ("53", &["ii", "tdd"]),
        ("54", &["bo"]),
        ("65", &["ug", "kk"]),
    ]
    .into_iter()
    .map(|(p, ls)| (p.to_string(), ls.iter().map(|l| l.to_string()).collect()))
    .collect()
}

/// How well `volunteer` fits `activity`. Meant for eligible pairs; an ineligible one still gets a
/// score (a missing skill scores 0 on that skill), which the near-miss list can show.
pub fn score(
    activity: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    stats: &VolunteerStats,
    policy: &ScoringPolicy,
) -> Score {
    let c = ScoreComponents {
        skill_fit: skill_fit(activity, volunteer),
        language_match: language_match(activity, volunteer, policy),
        distance: distance(activity, volunteer, policy),
        fairness: 1.0
            / (1.0 + f64::from(stats.recent_verified_minutes) / policy.fairness_half_minutes),
        reliability: (f64::from(stats.completed) + 2.0)
            / (f64::from(stats.completed) + f64::from(stats.no_shows) + 2.0)
            * evaluation_share(stats.evaluations, stats.evaluation_points),
        preference: preference(activity, volunteer),
    };
    let mut w = policy.weights;
    if is_ethnic_context(activity) {
        w.language_match = policy.ethnic_region_language_weight;
    }
    if activity.programme == Programme::SpringRain {
        w.distance = 0.0;
    }
    let weighted = [
        (w.skill_fit, c.skill_fit),
        (w.language_match, c.language_match),
        (w.distance, c.distance),
        (w.fairness, c.fairness),
        (w.reliability, c.reliability),
        (w.preference, c.preference),
    ];
    let weight_sum: f64 = weighted.iter().map(|(w, _)| w).sum();
    let total = if weight_sum > 0.0 {
        weighted.iter().map(|(w, c)| w * c).sum::<f64>() / weight_sum
    } else {
        0.0
    };
    Score {
        total,
        components: c,
    }
}

/// Border/ethnic regions (the Spring Rain receiving set) and sites where a minority language is
/// spoken or required: there, speaking the language is much of the service. A fact of
/// geography for scoring, so the default set, not the configurable SR-01 policy.
pub fn is_ethnic_context(activity: &ActivityRequirements) -> bool {
    SPRING_RAIN_RECEIVING_PREFIXES.contains(&activity.region.province_prefix())
        || activity
            .local_languages
            .iter()
            .chain(&activity.required_languages)
            .any(|l| MINORITY_LANGUAGES.contains(&l.as_str()))
}

fn skill_fit(activity: &ActivityRequirements, volunteer: &VolunteerSnapshot) -> f64 {
    if activity.required_skills.is_empty() {
        return 1.0;
    }
    let per_skill =
        activity
            .required_skills
            .iter()
            .map(|need| match volunteer.skill_level(&need.code) {
                Some(l) if l >= need.level => (0.7 + 0.15 * f64::from(l - need.level)).min(1.0),
                _ => 0.0,
            });
    per_skill.sum::<f64>() / activity.required_skills.len() as f64
}

fn language_match(
    activity: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    policy: &ScoringPolicy,
) -> f64 {
    let mut wanted: Vec<&String> = activity
        .required_languages
        .iter()
        .chain(&activity.local_languages)
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let speaks = |l: &String| volunteer.languages.contains(l);
    let mut spoken = wanted.iter().filter(|l| speaks(l)).count();
    let mut count = wanted.len();
    // Spring Rain goes to the people of the region: any of its languages counts, whether or
    // not the site lists it, so two otherwise equal volunteers are told apart by it.
    if let Some(regional) = spring_rain_region_languages(activity, policy) {
        count += 1;
        spoken += usize::from(regional.iter().any(speaks));
    }
    if count == 0 {
        return 1.0;
    }
    spoken as f64 / count as f64
}

/// The minority languages of a Spring Rain deployment's receiving province, when the policy
/// lists any.
pub fn spring_rain_region_languages<'p>(
    activity: &ActivityRequirements,
    policy: &'p ScoringPolicy,
) -> Option<&'p [String]> {
    if activity.programme != Programme::SpringRain {
        return None;
    }
    policy
        .region_languages
        .get(activity.region.province_prefix())
        .filter(|ls| !ls.is_empty())
        .map(Vec::as_slice)
}

fn distance(
    activity: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    policy: &ScoringPolicy,
) -> f64 {
    match (activity.coordinates, volunteer.coordinates) {
        (Some(site), Some(home)) => {
            1.0 / (1.0 + haversine_km(site, home) / policy.distance_half_km)
        }
        _ => region_proximity(&activity.region, &volunteer.home_region),
    }
}

/// Great-circle distance on a spherical Earth (mean radius), in km.
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Distance fallback from region codes alone: same county 0.5 > same prefecture 0.25 > same
/// province 0.1 > elsewhere 0. Modest values, because a county can be 100 km across.
pub fn region_proximity(a: &RegionCode, b: &RegionCode) -> f64 {
    if a.province_prefix() != b.province_prefix() {
        return 0.0;
    }
    let (a, b) = (a.as_str(), b.as_str());
    let prefecture_known = !a.ends_with("0000") && !b.ends_with("0000");
    if a == b && !a.ends_with("00") {
        0.5
    } else if prefecture_known && a[..4] == b[..4] {
        0.25
    } else {
        0.1
    }
}

fn preference(activity: &ActivityRequirements, volunteer: &VolunteerSnapshot) -> f64 {
    if volunteer.preferred_target_groups.is_empty() {
        0.5
    } else if volunteer
        .preferred_target_groups
        .iter()
        .any(|g| activity.target_groups.contains(g))
    {
        1.0
    } else {
        0.0
    }
}

/// One volunteer to consider for an activity.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub volunteer: &'a VolunteerSnapshot,
    /// The volunteer's live assignments.
    pub commitments: &'a [Commitment],
    pub stats: VolunteerStats,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    pub volunteer_id: i64,
    pub score: Score,
}

/// An ineligible volunteer and why ("why not X").
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    pub volunteer_id: i64,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Best score first; equal scores by volunteer id.
    pub eligible: Vec<RankedCandidate>,
    /// Fewest violations first, then by volunteer id.
    pub near_misses: Vec<NearMiss>,
}

/// Candidates for `activity`: eligibility by `check` (usually at `CheckPoint::Offer`), eligible
/// ones scored and ranked.
pub fn rank_candidates(
    activity: &ActivityRequirements,
    candidates: &[Candidate<'_>],
    ctx: &AssignmentContext,
    eligibility: &EligibilityPolicy,
    scoring: &ScoringPolicy,
) -> Ranking {
    let mut eligible = Vec::new();
    let mut near_misses = Vec::new();
    for c in candidates {
        let violations = check(activity, c.volunteer, c.commitments, ctx, eligibility);
        let volunteer_id = c.volunteer.id;
        if violations.is_empty() {
            let score = score(activity, c.volunteer, &c.stats, scoring);
            eligible.push(RankedCandidate {
                volunteer_id,
                score,
            });
        } else {
            near_misses.push(NearMiss {
                volunteer_id,
                violations,
            });
        }
    }
    eligible.sort_by(|a, b| {
        b.score
            .total
            .total_cmp(&a.score.total)
            .then(a.volunteer_id.cmp(&b.volunteer_id))
    });
    near_misses.sort_by_key(|m| (m.violations.len(), m.volunteer_id));
    Ranking {
        eligible,
        near_misses,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod season_tests;
