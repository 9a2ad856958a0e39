//! Sites and activities: the rules an activity must meet to exist (ACT-02, ACT-11/12, SR-01/02)
//! and to be published (ACT-01, ACT-05), and the activity lifecycle
//! (`draft → published → in_progress → completed`, or `cancelled`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;
use super::policy::SpringRainPolicy;
use super::reference;
use super::region::RegionCode;
use super::spring_rain::{ActionType, PairingRoute, check_pairing_agrees, check_route};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    Draft,
    Published,
    InProgress,
    Completed,
    Cancelled,
}

crate::domain::text_enum!(ActivityStatus {
    Draft => "draft",
    Published => "published",
    InProgress => "in_progress",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityAction {
    Publish,
    Start,
    Complete,
    Cancel,
}

crate::domain::text_enum!(ActivityAction {
    Publish => "publish",
    Start => "start",
    Complete => "complete",
    Cancel => "cancel",
});

impl ActivityStatus {
    pub fn after(self, action: ActivityAction) -> Option<ActivityStatus> {
        use ActivityAction::*;
        use ActivityStatus::*;
        match (self, action) {
            (Draft, Publish) => Some(Published),
            (Published, Start) => Some(InProgress),
            (InProgress, Complete) => Some(Completed),
            (Draft | Published | InProgress, Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// Whether offers may be made and accepted.
    pub fn staffing(self) -> bool {
        matches!(self, ActivityStatus::Published | ActivityStatus::InProgress)
    }
}

/// The six scope categories of the 2016 measures (ACT-12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityCategory {
    /// Public cultural facility services.
    FacilityService,
    /// Grassroots performance, training, exhibition or reading.
    GrassrootsCulture,
    /// Services for special groups.
    SpecialGroups,
    /// Facility management and mass cultural activities.
    MassActivities,
    /// Intangible heritage protection and cultural market supervision.
    HeritageAndMarket,
    Other,
}

crate::domain::text_enum!(ActivityCategory {
    FacilityService => "facility_service",
    GrassrootsCulture => "grassroots_culture",
    SpecialGroups => "special_groups",
    MassActivities => "mass_activities",
    HeritageAndMarket => "heritage_and_market",
    Other => "other",
});

/// Where service happens (ACT-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationType {
    Rural,
    Grassroots,
    Street,
    Community,
    PublicCulturalFacility,
}

crate::domain::text_enum!(LocationType {
    Rural => "rural",
    Grassroots => "grassroots",
    Street => "street",
    Community => "community",
    PublicCulturalFacility => "public_cultural_facility",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Community,
    Village,
    School,
    ElderlyHome,
    BorderTownship,
    LibraryBranch,
    CulturalStation,
    CulturalCentre,
    Other,
}

crate::domain::text_enum!(SiteKind {
    Community => "community",
    Village => "village",
    School => "school",
    ElderlyHome => "elderly_home",
    BorderTownship => "border_township",
    LibraryBranch => "library_branch",
    CulturalStation => "cultural_station",
    CulturalCentre => "cultural_centre",
    Other => "other",
});

/// Forms a Spring Rain deployment may take (SR-02): stage, lecture hall, exhibition stand.
pub const SPRING_RAIN_FORMS: [&str; 3] = ["performance", "lecture", "exhibition"];
pub const ACTIVITY_FORMS: [&str; 9] = [
    "performance",
    "lecture",
    "exhibition",
    "reading",
    "training",
    "film_screening",
    "heritage",
    "digital_service",
    "other",
];

/// What volunteers must bring, beyond age and fitness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VolunteerRequirements {
    pub skills: Vec<super::recruitment::RequiredSkill>,
    pub languages: Vec<String>,
    /// Courses every volunteer must hold a valid certificate of (ACT-05).
    pub course_ids: Vec<i64>,
    /// A professional qualification, e.g. `medical` (ACT-06).
    pub qualification: Option<String>,
    /// What is asked of volunteers in words (e.g. "能参加两次排练"), for activities whose
    /// requirements are not skills, languages, courses or a qualification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl VolunteerRequirements {
    /// Whether the activity says what it asks of volunteers (ACT-01).
    pub fn is_stated(&self) -> bool {
        !self.skills.is_empty()
            || !self.languages.is_empty()
            || !self.course_ids.is_empty()
            || self
                .qualification
                .as_deref()
                .is_some_and(|q| !q.trim().is_empty())
            || self
                .summary
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty())
    }
}

/// An activity as proposed (creation or edit), with the site's region.
#[derive(Debug, Clone)]
pub struct ActivityDraft {
    pub title: String,
    pub description: String,
    pub form: String,
    pub programme_spring_rain: bool,
    pub sending_province: Option<RegionCode>,
    /// Allow a sending province with a land border (SR-01: e.g. Kunming → Mohan).
    pub intra_border_override: bool,
    pub site_region: RegionCode,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub headcount_min: i32,
    pub headcount_max: i32,
    pub target_groups: Vec<String>,
    pub requirements: VolunteerRequirements,
    pub requires_special_skills: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub physical_demand: i32,
    pub risk_disclosure: String,
    pub recipient_fee_cents: i64,
    /// SR-02: what the deployment is for (Spring Rain only).
    pub action_type: Option<ActionType>,
    /// SR-03: the pairing the deployment names, if any (Spring Rain only).
    pub pairing: Option<PairingRoute>,
    /// The deployment belongs to an edition (which then requires a pairing).
    pub in_edition: bool,
}

fn invalid(field: &str, code: &str, message: &str) -> Invalid {
    Invalid::new(field, code, message)
}

/// Rules every stored activity meets, draft or not; `spring_rain` is the deployment's policy.
pub fn check_draft(d: &ActivityDraft, spring_rain: &SpringRainPolicy) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if d.title.trim().is_empty() || d.title.chars().count() > 200 {
        problems.push(invalid("title", "required", "a title has 1–200 characters"));
    }
    // ACT-02: service is free for the people served.
    if d.recipient_fee_cents != 0 {
        problems.push(
            invalid(
                "recipient_fee_cents",
                "ACT-02",
                "volunteer services charge the people served nothing",
            )
            .rule("ACT-02"),
        );
    }
    if !ACTIVITY_FORMS.contains(&d.form.as_str()) {
        problems.push(invalid(
            "form",
            "unknown_form",
            "a form from /api/v1/reference/activity-forms",
        ));
    }
    if d.ends_at <= d.starts_at {
        problems.push(invalid(
            "ends_at",
            "invalid_range",
            "an activity ends after it starts",
        ));
    }
    if d.headcount_max < 1 || d.headcount_min < 0 || d.headcount_min > d.headcount_max {
        problems.push(invalid(
            "headcount_max",
            "invalid_range",
            "0 ≤ headcount_min ≤ headcount_max, and headcount_max ≥ 1",
        ));
    }
    if let (Some(min), Some(max)) = (d.min_age, d.max_age)
        && min > max
    {
        problems.push(invalid(
            "max_age",
            "invalid_range",
            "max_age is below min_age",
        ));
    }
    if !(0..=3).contains(&d.physical_demand) {
        problems.push(invalid(
            "physical_demand",
            "invalid_value",
            "physical demand is 0–3",
        ));
    }
    for (i, g) in d.target_groups.iter().enumerate() {
        if !reference::is_target_group(g) {
            problems.push(invalid(
                &format!("target_groups[{i}]"),
                "unknown_target_group",
                "a known target group",
            ));
        }
    }
    for (i, s) in d.requirements.skills.iter().enumerate() {
        if !reference::is_skill(&s.code) || !reference::SKILL_LEVELS.contains(&s.level) {
            problems.push(invalid(
                &format!("requirements.skills[{i}]"),
                "unknown_skill",
                "a known skill with level 1–3",
            ));
        }
    }
    for (i, l) in d.requirements.languages.iter().enumerate() {
        if !reference::is_language(l) {
            problems.push(invalid(
                &format!("requirements.languages[{i}]"),
                "unknown_language",
                "a known language",
            ));
        }
    }
    problems.extend(check_spring_rain(d, spring_rain));
    problems
}

/// SR-01, SR-02 and SR-03: a deployment goes from a sending province to a border or ethnic
/// region, in one of the three Spring Rain forms; one in an edition names its pairing and
/// agrees with it. Other activities carry none of this.
fn check_spring_rain(d: &ActivityDraft, policy: &SpringRainPolicy) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if !d.programme_spring_rain {
        for (set, field) in [
            (d.action_type.is_some(), "action_type"),
            (d.pairing.is_some(), "pairing_id"),
            (d.in_edition, "edition_id"),
        ] {
            if set {
                problems.push(invalid(
                    field,
                    "spring_rain_only",
                    "only Spring Rain deployments (programme spring_rain) carry this",
                ));
            }
        }
        return problems;
    }
    // A pairing was accepted with its border exception (and reason) on record (SR-01).
    let border_sender_allowed =
        d.intra_border_override || d.pairing.as_ref().is_some_and(|p| p.intra_border_override);
    match &d.sending_province {
        None => problems.push(invalid(
            "sending_province",
            "SR-01",
            "a Spring Rain deployment names its sending province",
        )),
        Some(sending) => problems.extend(check_route(
            sending,
            &d.site_region,
            border_sender_allowed,
            policy,
            "site_id",
        )),
    }
    if d.sending_province.is_none() && !policy.receives(d.site_region.province_prefix()) {
        problems.push(invalid(
            "site_id",
            "SR-01",
            "Spring Rain deployments serve the border and ethnic regions",
        ));
    }
    if !SPRING_RAIN_FORMS.contains(&d.form.as_str()) {
        problems.push(invalid(
            "form",
            "SR-02",
            "Spring Rain forms are performance (大舞台), lecture (大讲堂) or exhibition (大展台)",
        ));
    }
    match &d.pairing {
        Some(pairing) => problems.extend(check_pairing_agrees(
            pairing,
            d.sending_province.as_ref(),
            &d.site_region,
        )),
        None if d.in_edition => problems.push(invalid(
            "pairing_id",
            "SR-03",
            "a deployment in an edition names its pairing",
        )),
        None => {}
    }
    problems
}

/// Something worth a second look that never blocks a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    pub field: &'static str,
    pub rule: &'static str,
    pub message: String,
}

/// The warnings an activity carries (shown with it, never refused for).
pub fn advisories(
    spring_rain: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    policy: &SpringRainPolicy,
) -> Vec<Advisory> {
    let mut found = Vec::new();
    // SR-04: a deployment usually lasts 5 to 8 days; one longer than the configured threshold
    // (default 15 days) is flagged for a second look. A warning, not a legal limit.
    let usual_max = policy.usual_max_days;
    if spring_rain && ends_at - starts_at > chrono::Duration::days(i64::from(usual_max)) {
        found.push(Advisory {
            field: "ends_at",
            rule: "SR-04",
            message: format!(
                "Spring Rain deployments usually last 5 to 8 days; this one is longer than \
                 {usual_max} days"
            ),
        });
    }
    found
}

/// ACT-01 and ACT-05: what publishing additionally needs.
pub fn check_publishable(d: &ActivityDraft, spring_rain: &SpringRainPolicy) -> Vec<Invalid> {
    let mut problems = check_draft(d, spring_rain);
    // ACT-01: content, schedule, location, requirements and a risk disclosure. The schedule
    // and the location (the site's region) are part of every draft; the rest is checked here.
    let act01 = |field: &str, message: &str| invalid(field, "ACT-01", message).rule("ACT-01");
    if d.description.trim().is_empty() {
        problems.push(act01(
            "description",
            "describe the content before publishing",
        ));
    }
    if !d.requirements.is_stated() {
        problems.push(act01(
            "requirements",
            "state what is asked of volunteers (skills, languages, courses, a qualification or a summary) before publishing",
        ));
    }
    if d.risk_disclosure.trim().is_empty() {
        problems.push(act01(
            "risk_disclosure",
            "a published activity discloses its risks",
        ));
    }
    if d.requires_special_skills && d.requirements.course_ids.is_empty() {
        problems.push(invalid(
            "requirements.course_ids",
            "ACT-05",
            "an activity requiring special skills names the training",
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sr() -> SpringRainPolicy {
        SpringRainPolicy::default()
    }

    fn draft() -> ActivityDraft {
        ActivityDraft {
            title: "送戏下乡".into(),
            description: "为留守儿童演出".into(),
            form: "performance".into(),
            programme_spring_rain: false,
            sending_province: None,
            intra_border_override: false,
            site_region: RegionCode::parse("330106").unwrap(),
            starts_at: "2030-05-01T01:00:00Z".parse().unwrap(),
            ends_at: "2030-05-01T05:00:00Z".parse().unwrap(),
            headcount_min: 2,
            headcount_max: 5,
            target_groups: vec!["left_behind_children".into()],
            requirements: VolunteerRequirements {
                summary: Some("能参加一次排练".into()),
                ..VolunteerRequirements::default()
            },
            requires_special_skills: false,
            min_age: None,
            max_age: None,
            physical_demand: 1,
            risk_disclosure: "户外演出，注意防暑".into(),
            recipient_fee_cents: 0,
            action_type: None,
            pairing: None,
            in_edition: false,
        }
    }

    fn codes(problems: Vec<Invalid>) -> Vec<(String, String)> {
        problems.into_iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn a_complete_activity_publishes() {
        assert!(check_publishable(&draft(), &sr()).is_empty());
    }

    #[test]
    fn act01_risk_disclosure_and_content_are_needed_to_publish() {
        let mut d = draft();
        d.risk_disclosure = " ".into();
        d.description = "".into();
        assert!(
            check_draft(&d, &sr()).is_empty(),
            "a draft may still lack them"
        );
        let c = codes(check_publishable(&d, &sr()));
        assert!(c.contains(&("risk_disclosure".into(), "ACT-01".into())));
        assert!(c.contains(&("description".into(), "ACT-01".into())));
    }

    #[test]
    fn act02_no_fee_for_the_people_served() {
        let mut d = draft();
        d.recipient_fee_cents = 500;
        assert_eq!(
            codes(check_draft(&d, &sr())),
            [("recipient_fee_cents".into(), "ACT-02".into())]
        );
    }

    #[test]
    fn act05_special_skills_name_their_training() {
        let mut d = draft();
        d.requires_special_skills = true;
        assert_eq!(
            codes(check_publishable(&d, &sr())),
            [("requirements.course_ids".into(), "ACT-05".into())]
        );
        d.requirements.course_ids = vec![3];
        assert!(check_publishable(&d, &sr()).is_empty());
    }

    #[test]
    fn sr01_and_sr02_shape_spring_rain_deployments() {
        let mut d = draft();
        d.programme_spring_rain = true;
        d.site_region = RegionCode::parse("650102").unwrap();
        d.sending_province = Some(RegionCode::parse("330000").unwrap());
        assert!(check_draft(&d, &sr()).is_empty(), "Zhejiang → Xinjiang");
        d.sending_province = Some(RegionCode::parse("650000").unwrap());
        assert!(!check_draft(&d, &sr()).is_empty(), "same province");
        d.sending_province = Some(RegionCode::parse("530000").unwrap());
        assert_eq!(
            codes(check_draft(&d, &sr())),
            [("sending_province".into(), "SR-01".into())],
            "Yunnan has a land border"
        );
        d.intra_border_override = true;
        assert!(check_draft(&d, &sr()).is_empty());
        d.site_region = RegionCode::parse("330106").unwrap();
        assert_eq!(
            codes(check_draft(&d, &sr())),
            [("site_id".into(), "SR-01".into())],
            "Zhejiang is not a receiving region"
        );
        d.site_region = RegionCode::parse("630100").unwrap();
        d.form = "reading".into();
        assert_eq!(
            codes(check_draft(&d, &sr())),
            [("form".into(), "SR-02".into())]
        );
    }

    #[test]
    fn the_lifecycle_moves_forward_or_cancels() {
        use ActivityAction::*;
        use ActivityStatus::*;
        assert_eq!(Draft.after(Publish), Some(Published));
        assert_eq!(Published.after(Start), Some(InProgress));
        assert_eq!(InProgress.after(Complete), Some(Completed));
        assert_eq!(Published.after(Cancel), Some(Cancelled));
        assert_eq!(Completed.after(Cancel), None);
        assert_eq!(Draft.after(Start), None);
        assert!(Published.staffing() && !Draft.staffing() && !Cancelled.staffing());
    }

    #[test]
    fn long_spring_rain_deployments_are_flagged_from_the_first_minute_past_15_days() {
        let start: DateTime<Utc> = "2030-07-01T02:00:00Z".parse().unwrap();
        let days_15 = start + chrono::Duration::days(15);
        assert!(advisories(true, start, days_15, &sr()).is_empty());
        let flagged = advisories(true, start, days_15 + chrono::Duration::minutes(1), &sr());
        assert_eq!(
            flagged
                .iter()
                .map(|a| (a.field, a.rule))
                .collect::<Vec<_>>(),
            [("ends_at", "SR-04")]
        );
        let general = advisories(false, start, days_15 + chrono::Duration::days(30), &sr());
        assert!(general.is_empty(), "only Spring Rain deployments");
    }

    #[test]
    fn sr01_and_sr04_follow_the_configured_policy() {
        let mut d = draft();
        d.programme_spring_rain = true;
        d.site_region = RegionCode::parse("630100").unwrap();
        d.sending_province = Some(RegionCode::parse("330000").unwrap());
        let only_tibet = SpringRainPolicy {
            receiving_provinces: vec!["54".into()],
            ..sr()
        };
        assert!(check_draft(&d, &sr()).is_empty(), "Qinghai by default");
        assert_eq!(
            codes(check_draft(&d, &only_tibet)),
            [("site_id".into(), "SR-01".into())]
        );
        let start: DateTime<Utc> = "2030-07-01T02:00:00Z".parse().unwrap();
        let four_days = start + chrono::Duration::days(4);
        let three = SpringRainPolicy {
            usual_max_days: 3,
            ..sr()
        };
        assert!(advisories(true, start, four_days, &sr()).is_empty());
        let flagged = advisories(true, start, four_days, &three);
        assert_eq!(flagged.len(), 1);
        assert!(flagged[0].message.contains("longer than 3 days"));
    }
}
