//! What `check` reads: a target (an activity's requirements, a campaign's, or a training
//! session), a volunteer snapshot, live commitments, the
//! assignment context and local policy. Plain structs a repository fills from rows: ids as
//! `i64`, instants as `DateTime<Utc>`, the activity's zone as `Tz`, dates as `NaiveDate`, codes
//! as `String`, enums through their `text_enum!` codes.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::recruitment::Requirements;
use crate::domain::region::RegionCode;
use crate::domain::training::{CourseCategory, TrainingCertificate, local_date};
use crate::domain::volunteer::NewVolunteer;

pub use crate::domain::volunteer::VolunteerStatus;

/// Ordered: `Low < PersonalDangerPossible < Hazardous`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    PersonalDangerPossible,
    Hazardous,
}

crate::domain::text_enum!(RiskLevel {
    Low => "low",
    PersonalDangerPossible => "personal_danger_possible",
    Hazardous => "hazardous",
});

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    General,
    SpringRain,
}

crate::domain::text_enum!(Programme {
    General => "general",
    SpringRain => "spring_rain",
});

/// A skill code from the taxonomy (`performance.music`) with a level 1–3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    pub code: String,
    pub level: u8,
}

/// A professional qualification (ACT-06), e.g. `medical`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    pub code: String,
    /// First day it no longer counts; `None` = does not expire.
    pub expires_on: Option<NaiveDate>,
}

/// A personal accident insurance policy covering the volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsurancePolicy {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A weekly availability window in local wall-clock time: `[from, until)` in minutes after
/// midnight, `until` up to 1440 (midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyWindow {
    weekday: Weekday,
    from_minute: u16,
    until_minute: u16,
}

impl WeeklyWindow {
    pub const MINUTES_PER_DAY: u16 = 1440;

    /// `None` unless `from_minute < until_minute <= 1440`.
    pub fn new(weekday: Weekday, from_minute: u16, until_minute: u16) -> Option<WeeklyWindow> {
        (from_minute < until_minute && until_minute <= Self::MINUTES_PER_DAY).then_some(
            WeeklyWindow {
                weekday,
                from_minute,
                until_minute,
            },
        )
    }

    pub fn weekday(&self) -> Weekday {
        self.weekday
    }

    pub fn from_minute(&self) -> u16 {
        self.from_minute
    }

    pub fn until_minute(&self) -> u16 {
        self.until_minute
    }
}

/// An inclusive range of local dates, e.g. a blackout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

impl DateRange {
    /// `None` when `last` is before `first`.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Option<DateRange> {
        (first <= last).then_some(DateRange { first, last })
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    pub(super) fn intersects(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.first <= last && first <= self.last
    }
}

/// WGS-84 coordinates in degrees (used by matching for distance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// What eligibility and matching need to know about an activity and its site.
#[derive(Debug, Clone)]
pub struct ActivityRequirements {
    pub id: i64,
    pub programme: Programme,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The site's zone: local dates, availability and weeks are read in it.
    pub time_zone: Tz,
    /// Where the service happens (the site's region).
    pub region: RegionCode,
    pub coordinates: Option<GeoPoint>,
    /// Every listed skill is required at least at its level (ACT-07).
    pub required_skills: Vec<Skill>,
    /// ISO 639 codes the volunteer must speak.
    pub required_languages: Vec<String>,
    /// Languages spoken at the site (matching prefers volunteers who speak them).
    pub local_languages: Vec<String>,
    /// Courses every volunteer must hold a valid certificate for (ACT-05).
    pub required_course_ids: Vec<i64>,
    pub required_qualification: Option<String>,
    pub target_groups: Vec<String>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// 0 none … 3 strenuous; compared with the volunteer's fitness level (ACT-07).
    pub physical_demand: u8,
    pub risk_level: RiskLevel,
    /// The activity itself requires a written agreement (ACT-09 a, b).
    pub agreement_required: bool,
    /// Spring Rain: the province staffing the deployment (SR-01).
    pub sending_province: Option<RegionCode>,
}

impl VolunteerSnapshot {
    /// A person who applies while registering: a pending volunteer with only what the
    /// registration declares (no certificates, availability or safeguards yet).
    pub fn newcomer(new: &NewVolunteer) -> Self {
        VolunteerSnapshot {
            id: 0,
            status: VolunteerStatus::Pending,
            birth_date: new.birth_date,
            own_income: false,
            home_region: new.home_region.clone(),
            coordinates: None,
            skills: new
                .skills
                .iter()
                .map(|s| Skill {
                    code: s.code.clone(),
                    level: s.level,
                })
                .collect(),
            languages: new.languages.iter().map(|l| l.code.clone()).collect(),
            certificates: Vec::new(),
            qualifications: Vec::new(),
            fitness_level: 0,
            availability: Vec::new(),
            blackouts: Vec::new(),
            weekly_cap_minutes: None,
            guardian_activity_consent: false,
            insurance: Vec::new(),
            background_check_passed_on: None,
            preferred_target_groups: Vec::new(),
        }
    }

    /// The volunteer's level in skill `code`, if they have it.
    pub fn skill_level(&self, code: &str) -> Option<u8> {
        self.skills
            .iter()
            .filter(|s| s.code == code)
            .map(|s| s.level)
            .max()
    }
}

impl ActivityRequirements {
    pub fn duration_minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }

    /// The local calendar day the activity starts on.
    pub fn local_start_date(&self) -> NaiveDate {
        local_date(self.starts_at, self.time_zone)
    }

    /// The last local calendar day the activity touches (an end at midnight touches only the
    /// day before).
    pub fn local_end_date(&self) -> NaiveDate {
        let last_instant = (self.ends_at - TimeDelta::nanoseconds(1)).max(self.starts_at);
        local_date(last_instant, self.time_zone)
    }
}

/// What eligibility and matching need to know about a volunteer.
#[derive(Debug, Clone)]
pub struct VolunteerSnapshot {
    pub id: i64,
    pub status: VolunteerStatus,
    pub birth_date: NaiveDate,
    /// Declared living mainly on own income (MIN-01: 16–17 may count as adults).
    pub own_income: bool,
    pub home_region: RegionCode,
    pub coordinates: Option<GeoPoint>,
    pub skills: Vec<Skill>,
    pub languages: Vec<String>,
    pub certificates: Vec<TrainingCertificate>,
    pub qualifications: Vec<Qualification>,
    /// 0 … 3, same scale as `physical_demand`.
    pub fitness_level: u8,
    /// Empty = no windows declared = available at any time.
    pub availability: Vec<WeeklyWindow>,
    pub blackouts: Vec<DateRange>,
    pub weekly_cap_minutes: Option<u32>,
    /// A guardian consent with activity scope exists (MIN-03, MIN-04).
    pub guardian_activity_consent: bool,
    pub insurance: Vec<InsurancePolicy>,
    pub background_check_passed_on: Option<NaiveDate>,
    pub preferred_target_groups: Vec<String>,
}

/// Another live assignment of the volunteer (offered, confirmed or checked in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    pub activity_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Which write the check guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckPoint {
    /// Ranking candidates and making offers.
    Offer,
    Confirm,
    CheckIn,
    /// Applying to a recruitment campaign (the target is a `CampaignRequirements`).
    Apply,
    /// Enrolling in a training session (the target is a `SessionRequirements`).
    Enrol,
}

/// What a write is judged against: an activity (offer, confirm, check-in), a recruitment
/// campaign (apply) or a training session (enrol). Each target has its own set of rules.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Activity(&'a ActivityRequirements),
    Campaign(&'a CampaignRequirements),
    Session(&'a SessionRequirements),
}

impl<'a> From<&'a ActivityRequirements> for Target<'a> {
    fn from(a: &'a ActivityRequirements) -> Self {
        Target::Activity(a)
    }
}

impl<'a> From<&'a CampaignRequirements> for Target<'a> {
    fn from(c: &'a CampaignRequirements) -> Self {
        Target::Campaign(c)
    }
}

impl<'a> From<&'a SessionRequirements> for Target<'a> {
    fn from(s: &'a SessionRequirements) -> Self {
        Target::Session(s)
    }
}

/// What a recruitment campaign asks of an applicant, judged on the day of the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRequirements {
    /// Every listed skill is required at least at its level.
    pub skills: Vec<Skill>,
    /// ISO 639 codes the applicant must speak.
    pub languages: Vec<String>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// The local date ages are counted on.
    pub applied_on: NaiveDate,
}

impl CampaignRequirements {
    /// A campaign's stored requirements, for an application made on `applied_on`.
    pub fn of(requirements: &Requirements, applied_on: NaiveDate) -> Self {
        CampaignRequirements {
            skills: requirements
                .skills
                .iter()
                .map(|s| Skill {
                    code: s.code.clone(),
                    level: s.level,
                })
                .collect(),
            languages: requirements.languages.clone(),
            min_age: requirements.min_age,
            max_age: requirements.max_age,
            applied_on,
        }
    }
}

/// A training session a volunteer enrols in. The volunteer's `Commitment`s at `Enrol` are
/// their live enrolments, with the session id in `activity_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRequirements {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Facts about this particular assignment rather than the volunteer or the activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignmentContext {
    pub checkpoint: CheckPoint,
    /// The assignment records a guardian who accompanies the minor (MIN-03, MIN-06, MIN-07).
    pub accompanying_guardian: bool,
    /// A written agreement for this assignment is signed (ACT-09).
    pub agreement_signed: bool,
    /// A party asked for a written agreement for this assignment (ACT-09 b).
    pub agreement_requested: bool,
    /// When the check runs.
    pub checked_at: DateTime<Utc>,
}

impl AssignmentContext {
    /// A check at `checkpoint` with no guardian and no agreement: what applications and
    /// enrolments, which carry neither, are judged with.
    pub fn at(checkpoint: CheckPoint, checked_at: DateTime<Utc>) -> Self {
        AssignmentContext {
            checkpoint,
            accompanying_guardian: false,
            agreement_signed: false,
            agreement_requested: false,
            checked_at,
        }
    }
}

/// Local policy: the [M]/SHOULD rules of RULES.md as configurable defaults. The deployment's
/// values come from `domain::policy::Policy::eligibility`; `Default` is the documented default.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibilityPolicy {
    /// Two live commitments must be this far apart (each side of the activity).
    pub travel_buffer: TimeDelta,
    /// MIN-01: from this age a minor who lives on own income counts as adult (`None` = never).
    pub own_income_adult_from: Option<u32>,
    /// MIN-06: below this age, never assigned.
    pub minimum_age: Option<u32>,
    /// MIN-06: below this age, only with an accompanying guardian.
    pub accompanied_below_age: Option<u32>,
    /// MIN-07: minors on a multi-day Spring Rain deployment need an accompanying guardian.
    pub spring_rain_minors_accompanied: bool,
    /// ACT-09 b: an assignment a party asked a written agreement for needs one.
    pub agreement_on_request: bool,
    /// ACT-09 c: Spring Rain and cross-province assignments need a written agreement.
    pub agreement_for_cross_province: bool,
    /// ACT-09 d: personal-danger (or hazardous) activities need a written agreement.
    pub agreement_for_personal_danger: bool,
    /// ACT-09 e: minors need a written agreement.
    pub agreement_for_minors: bool,
    /// MIN-09: activities serving these target groups need adults with a background check.
    pub background_check_target_groups: Vec<String>,
    /// MIN-09: how long a background check stays valid.
    pub background_check_validity_months: u32,
    /// Course categories that serving a target group requires (target group, category).
    pub course_categories_by_target_group: Vec<(String, CourseCategory)>,
}

impl Default for EligibilityPolicy {
    fn default() -> Self {
        EligibilityPolicy {
            travel_buffer: TimeDelta::hours(2),
            own_income_adult_from: Some(16),
            minimum_age: Some(6),
            accompanied_below_age: Some(10),
            spring_rain_minors_accompanied: true,
            agreement_on_request: true,
            agreement_for_cross_province: true,
            agreement_for_personal_danger: true,
            agreement_for_minors: true,
            background_check_target_groups: vec!["left_behind_children".into()],
            background_check_validity_months: 12,
            // In target-group order, as `Policy::eligibility` lists them.
            course_categories_by_target_group: vec![
                ("empty_nest_elderly".into(), CourseCategory::ElderCare),
                (
                    "left_behind_children".into(),
                    CourseCategory::ChildSafeguarding,
                ),
                ("minors".into(), CourseCategory::ChildSafeguarding),
            ],
        }
    }
}
