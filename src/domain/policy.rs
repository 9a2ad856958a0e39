//! Local policy: the rules RULES.md tags SHOULD or [M] are defaults a deployment may change
//! (issue 16, item 4). This module holds the values, their documented defaults and their
//! validation; reading the file is `config`'s job. Every field names its rule id.
//!
//! In the TOML file (`docs/policy.example.toml`) a key that is left out keeps its default, and
//! a list or table that is given replaces the default list or table as a whole.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::eligibility::EligibilityPolicy;
use super::matching::{RankingPolicy, ScoringPolicy, default_region_languages};
use super::reference;
use super::region::{PROVINCE_PREFIXES, SPRING_RAIN_RECEIVING_PREFIXES};
use super::stars::{GoodRecordPolicy, StarLevel};
use super::training::CourseCategory;
use super::volunteer::ADULT_AGE;

/// Every configurable policy value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub minors: MinorsPolicy,
    pub agreements: AgreementPolicy,
    pub safeguarding: SafeguardingPolicy,
    pub spring_rain: SpringRainPolicy,
    pub records: RecordsPolicy,
    pub personal_data: PersonalDataPolicy,
    pub feedback: FeedbackPolicy,
}

/// Issue 10: the public's feedback window and the written answer's deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackPolicy {
    /// FB-01: days after an activity's end its feedback link still takes opinions (default 14).
    pub window_days_after_end: u32,
    /// FB-02: days an issue raised by the public may wait for its written answer (default 15).
    pub answer_due_days: u32,
}

impl Default for FeedbackPolicy {
    fn default() -> Self {
        Self {
            window_days_after_end: 14,
            answer_due_days: 15,
        }
    }
}

/// PI-06: how long a deregistered volunteer's contact and guardian data are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonalDataPolicy {
    /// PI-06: days after deregistration until the periodic job erases contact details and
    /// guardian data (default 30; 0 = at the job's next run).
    pub deregistered_retention_days: u32,
}

impl Default for PersonalDataPolicy {
    fn default() -> Self {
        Self {
            deregistered_retention_days: 30,
        }
    }
}

/// Ages for minors. TOML has no null, so `0` switches an age limit off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MinorsPolicy {
    /// MIN-06: below this age a volunteer is never assigned (default 6; 0 = no limit).
    pub minimum_age: u32,
    /// MIN-06: below this age only with an accompanying guardian (default 10; 0 = off).
    pub accompanied_below_age: u32,
    /// MIN-01: from this age a minor living on own income counts as adult (default 16;
    /// 18 = never, as everyone is adult from 18).
    pub own_income_adult_from: u32,
    /// MIN-07: minors on a multi-day Spring Rain deployment need an accompanying guardian
    /// (default true).
    pub spring_rain_accompanied: bool,
}

impl Default for MinorsPolicy {
    fn default() -> Self {
        Self {
            minimum_age: 6,
            accompanied_below_age: 10,
            own_income_adult_from: 16,
            spring_rain_accompanied: true,
        }
    }
}

/// ACT-09 (b)–(e) are [M] defaults until 文化办法 Art 17(1)–(3) are checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementPolicy {
    /// ACT-09 (b): once either party asks for a written agreement, confirmation needs one
    /// (default true).
    pub either_party_request: bool,
    /// ACT-09 (c): Spring Rain and cross-province assignments need a written agreement
    /// (default true).
    pub cross_province: bool,
    /// ACT-09 (d): personal-danger or hazardous activities need one (default true).
    pub personal_danger: bool,
    /// ACT-09 (e): minors need one (default true).
    pub minors: bool,
}

impl Default for AgreementPolicy {
    fn default() -> Self {
        Self {
            either_party_request: true,
            cross_province: true,
            personal_danger: true,
            minors: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SafeguardingPolicy {
    /// MIN-09: activities serving these target groups need adults with a background check
    /// (default `["left_behind_children"]`).
    pub background_check_target_groups: Vec<String>,
    /// MIN-09: months a background check stays valid (default 12).
    pub background_check_validity_months: u32,
    /// ACT-05: course categories a volunteer must hold to serve a target group (default:
    /// child safeguarding for left-behind children and minors, elder care for empty-nest
    /// elderly).
    pub required_training: BTreeMap<String, Vec<CourseCategory>>,
}

impl Default for SafeguardingPolicy {
    fn default() -> Self {
        Self {
            background_check_target_groups: vec!["left_behind_children".into()],
            background_check_validity_months: 12,
            required_training: BTreeMap::from([
                (
                    "left_behind_children".into(),
                    vec![CourseCategory::ChildSafeguarding],
                ),
                ("minors".into(), vec![CourseCategory::ChildSafeguarding]),
                ("empty_nest_elderly".into(), vec![CourseCategory::ElderCare]),
            ]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpringRainPolicy {
    /// SR-01: 2-digit province codes a deployment may go to (default: the land-border
    /// provinces and the XPCC, plus Qinghai and Ningxia).
    pub receiving_provinces: Vec<String>,
    /// SR-04: a deployment longer than this many days carries a warning; it is never refused
    /// (default 15).
    pub usual_max_days: u32,
    /// SR-01 receiving regions' minority languages (province code → ISO 639 codes): season
    /// dispatch weighs a volunteer speaking one of them heavily (default: 65 ug, kk; 54 bo;
    /// 15 mn; 45 za; 53 ii, tdd; 22 ko).
    pub region_languages: BTreeMap<String, Vec<String>>,
}

impl Default for SpringRainPolicy {
    fn default() -> Self {
        Self {
            receiving_provinces: SPRING_RAIN_RECEIVING_PREFIXES.map(String::from).to_vec(),
            usual_max_days: 15,
            region_languages: default_region_languages(),
        }
    }
}

impl SpringRainPolicy {
    pub fn receives(&self, province_prefix: &str) -> bool {
        self.receiving_provinces
            .iter()
            .any(|p| p == province_prefix)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordsPolicy {
    /// CRT-05: days a record certificate stays in its internal publicity period (default 7).
    pub publicity_days: u32,
    /// STAR-04: the awarded star level a "good record" needs (default 1).
    pub good_record_min_stars: u8,
    /// STAR-04: upheld complaints a "good record" tolerates (default 0).
    pub good_record_max_upheld_complaints: u32,
}

impl Default for RecordsPolicy {
    fn default() -> Self {
        Self {
            publicity_days: 7,
            good_record_min_stars: 1,
            good_record_max_upheld_complaints: 0,
        }
    }
}

/// One value that fails validation: the dotted key as written in the file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub key: &'static str,
    pub problem: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.problem)
    }
}

/// Each key with the rule it configures, in file order; `entries` and the tests use it.
pub const RULE_IDS: [(&str, &str); 20] = [
    ("minors.minimum_age", "MIN-06"),
    ("minors.accompanied_below_age", "MIN-06"),
    ("minors.own_income_adult_from", "MIN-01"),
    ("minors.spring_rain_accompanied", "MIN-07"),
    ("agreements.either_party_request", "ACT-09"),
    ("agreements.cross_province", "ACT-09"),
    ("agreements.personal_danger", "ACT-09"),
    ("agreements.minors", "ACT-09"),
    ("safeguarding.background_check_target_groups", "MIN-09"),
    ("safeguarding.background_check_validity_months", "MIN-09"),
    ("safeguarding.required_training", "ACT-05"),
    ("spring_rain.receiving_provinces", "SR-01"),
    ("spring_rain.usual_max_days", "SR-04"),
    ("spring_rain.region_languages", "SR-01"),
    ("records.publicity_days", "CRT-05"),
    ("records.good_record_min_stars", "STAR-04"),
    ("records.good_record_max_upheld_complaints", "STAR-04"),
    ("personal_data.deregistered_retention_days", "PI-06"),
    ("feedback.window_days_after_end", "FB-01"),
    ("feedback.answer_due_days", "FB-02"),
];

/// A value in force, next to its default, for `GET /api/v1/policy`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyEntry {
    pub key: &'static str,
    pub rule: &'static str,
    pub value: Value,
    pub default: Value,
}

fn at(doc: &Value, key: &str) -> Value {
    key.split('.').fold(doc, |v, part| &v[part]).clone()
}

impl Policy {
    /// Every problem at once, so one edit of the file can fix them all.
    pub fn validate(&self) -> Result<(), Vec<PolicyError>> {
        let mut errors = Vec::new();
        let mut fail = |key, problem: String| errors.push(PolicyError { key, problem });
        let (m, s, sr, r) = (
            &self.minors,
            &self.safeguarding,
            &self.spring_rain,
            &self.records,
        );
        let ranges = [
            ("minors.minimum_age", m.minimum_age, 0..=ADULT_AGE),
            (
                "minors.accompanied_below_age",
                m.accompanied_below_age,
                0..=ADULT_AGE,
            ),
            // Civil Code Art 18: 16 is the lowest age at which own income makes an adult.
            (
                "minors.own_income_adult_from",
                m.own_income_adult_from,
                16..=ADULT_AGE,
            ),
            (
                "safeguarding.background_check_validity_months",
                s.background_check_validity_months,
                1..=120,
            ),
            ("spring_rain.usual_max_days", sr.usual_max_days, 1..=366),
            ("records.publicity_days", r.publicity_days, 1..=90),
            (
                "personal_data.deregistered_retention_days",
                self.personal_data.deregistered_retention_days,
                0..=3650,
            ),
            (
                "feedback.window_days_after_end",
                self.feedback.window_days_after_end,
                0..=365,
            ),
            (
                "feedback.answer_due_days",
                self.feedback.answer_due_days,
                1..=365,
            ),
            (
                "records.good_record_min_stars",
                u32::from(r.good_record_min_stars),
                1..=u32::from(StarLevel::MAX.get()),
            ),
            (
                "records.good_record_max_upheld_complaints",
                r.good_record_max_upheld_complaints,
                0..=100,
            ),
        ];
        for (key, value, range) in ranges {
            if !range.contains(&value) {
                fail(
                    key,
                    format!("{value} is not {}–{}", range.start(), range.end()),
                );
            }
        }
        check_target_groups(
            "safeguarding.background_check_target_groups",
            s.background_check_target_groups.iter(),
            &mut fail,
        );
        check_target_groups(
            "safeguarding.required_training",
            s.required_training.keys(),
            &mut fail,
        );
        let key = "spring_rain.receiving_provinces";
        if sr.receiving_provinces.is_empty() {
            fail(key, "must name at least one province".into());
        }
        for (i, p) in sr.receiving_provinces.iter().enumerate() {
            if !PROVINCE_PREFIXES.contains(&p.as_str()) {
                fail(
                    key,
                    format!("{p:?} is not a 2-digit province code (GB/T 2260, or 66 for the XPCC)"),
                );
            } else if sr.receiving_provinces[..i].contains(p) {
                fail(key, format!("{p:?} is listed twice"));
            }
        }
        check_region_languages(sr, &mut fail);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The eligibility checks' view of the policy.
    pub fn eligibility(&self) -> EligibilityPolicy {
        let m = &self.minors;
        let a = &self.agreements;
        let s = &self.safeguarding;
        EligibilityPolicy {
            own_income_adult_from: (m.own_income_adult_from < ADULT_AGE)
                .then_some(m.own_income_adult_from),
            minimum_age: (m.minimum_age > 0).then_some(m.minimum_age),
            accompanied_below_age: (m.accompanied_below_age > 0).then_some(m.accompanied_below_age),
            spring_rain_minors_accompanied: m.spring_rain_accompanied,
            agreement_on_request: a.either_party_request,
            agreement_for_cross_province: a.cross_province,
            agreement_for_personal_danger: a.personal_danger,
            agreement_for_minors: a.minors,
            background_check_target_groups: s.background_check_target_groups.clone(),
            background_check_validity_months: s.background_check_validity_months,
            course_categories_by_target_group: s
                .required_training
                .iter()
                .flat_map(|(group, categories)| categories.iter().map(|c| (group.clone(), *c)))
                .collect(),
            ..EligibilityPolicy::default()
        }
    }

    /// The matching score's view of the policy.
    /// Eligibility and scoring together, for ranking candidates and planning.
    pub fn ranking(&self) -> RankingPolicy {
        RankingPolicy {
            eligibility: self.eligibility(),
            scoring: self.scoring(),
        }
    }

    pub fn scoring(&self) -> ScoringPolicy {
        ScoringPolicy {
            region_languages: self.spring_rain.region_languages.clone(),
            ..ScoringPolicy::default()
        }
    }

    pub fn good_record(&self) -> GoodRecordPolicy {
        GoodRecordPolicy {
            min_awarded_stars: self.records.good_record_min_stars,
            max_upheld_complaints: self.records.good_record_max_upheld_complaints,
        }
    }

    /// Each value in force with its rule id and default.
    pub fn entries(&self) -> Vec<PolicyEntry> {
        // Serialising both sides keeps this list in step with the struct: a key missing from
        // `RULE_IDS` fails `every_key_has_a_rule_id`.
        let now = serde_json::to_value(self).unwrap_or_default();
        let default = serde_json::to_value(Policy::default()).unwrap_or_default();
        RULE_IDS
            .iter()
            .map(|&(key, rule)| PolicyEntry {
                key,
                rule,
                value: at(&now, key),
                default: at(&default, key),
            })
            .collect()
    }
}

fn check_target_groups<'a>(
    key: &'static str,
    groups: impl Iterator<Item = &'a String>,
    fail: &mut impl FnMut(&'static str, String),
) {
    for g in groups {
        if !reference::is_target_group(g) {
            fail(key, format!("{g:?} is not a target group (ACT-11)"));
        }
    }
}

/// Keys are province codes, values known, non-repeated language codes: a typo would
/// otherwise silently switch the bonus off. A province outside the receiving set is allowed,
/// so narrowing that set needs no second edit here (no deployment goes there anyway).
fn check_region_languages(sr: &SpringRainPolicy, fail: &mut impl FnMut(&'static str, String)) {
    let key = "spring_rain.region_languages";
    for (province, languages) in &sr.region_languages {
        if !PROVINCE_PREFIXES.contains(&province.as_str()) {
            fail(
                key,
                format!(
                    "{province:?} is not a 2-digit province code (GB/T 2260, or 66 for the XPCC)"
                ),
            );
        }
        if languages.is_empty() {
            fail(key, format!("{province:?} names no language"));
        }
        for (i, l) in languages.iter().enumerate() {
            if !reference::is_language(l) {
                fail(
                    key,
                    format!("{l:?} ({province}) is not in the reference list of languages"),
                );
            } else if languages[..i].contains(l) {
                fail(key, format!("{l:?} is listed twice for {province:?}"));
            }
        }
    }
}

#[cfg(test)]
mod tests;
