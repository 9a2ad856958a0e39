//! Eligibility: may this volunteer serve on this activity, apply to this campaign, enrol in this
//! session? One pure function, `check`, returns every rule the pair breaks (empty = eligible).
//! The same function ranks candidates and guards every write (offer, confirm, check-in,
//! application, enrolment) inside the transaction, so a stale client can never break a rule. Inputs are plain structs a repository fills from rows: ids as `i64`, instants
//! as `DateTime<Utc>`, the activity's zone as `Tz`, dates as `NaiveDate`, codes as `String`.
//!
//! Calendar rules are judged in the activity's time zone: age and certificate validity on the
//! local start date (MIN-01), availability in local wall-clock time, the weekly cap in the local
//! ISO week of the start.

mod inputs;

pub use inputs::{
    ActivityRequirements, AssignmentContext, CampaignRequirements, CheckPoint, Commitment,
    DateRange, EligibilityPolicy, GeoPoint, InsurancePolicy, Programme, Qualification, RiskLevel,
    SessionRequirements, Skill, Target, VolunteerSnapshot, VolunteerStatus, WeeklyWindow,
};

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Timelike, Weekday};

use super::training::{CourseCategory, TrainingCertificate, local_date, start_of_local_day};

pub use crate::domain::identity::age_on;
pub use crate::domain::volunteer::ADULT_AGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViolationCode {
    StatusNotActive,
    SkillMissing,
    SkillLevelTooLow,
    LanguageMissing,
    TrainingMissing,
    TrainingExpired,
    QualificationMissing,
    Unavailable,
    Overlap,
    WeeklyCapExceeded,
    TooYoung,
    TooOld,
    GuardianConsentMissing,
    GuardianAccompanimentRequired,
    MinorNotAllowed,
    FitnessInsufficient,
    InsuranceMissing,
    AgreementMissing,
    BackgroundCheckMissing,
    NotInSendingProvince,
}

impl ViolationCode {
    pub const ALL: [ViolationCode; 20] = {
        use ViolationCode::*;
        [
            StatusNotActive,
            SkillMissing,
            SkillLevelTooLow,
            LanguageMissing,
            TrainingMissing,
            TrainingExpired,
            QualificationMissing,
            Unavailable,
            Overlap,
            WeeklyCapExceeded,
            TooYoung,
            TooOld,
            GuardianConsentMissing,
            GuardianAccompanimentRequired,
            MinorNotAllowed,
            FitnessInsufficient,
            InsuranceMissing,
            AgreementMissing,
            BackgroundCheckMissing,
            NotInSendingProvince,
        ]
    };
}

crate::domain::text_enum!(ViolationCode {
    StatusNotActive => "status_not_active",
    SkillMissing => "skill_missing",
    SkillLevelTooLow => "skill_level_too_low",
    LanguageMissing => "language_missing",
    TrainingMissing => "training_missing",
    TrainingExpired => "training_expired",
    QualificationMissing => "qualification_missing",
    Unavailable => "unavailable",
    Overlap => "overlap",
    WeeklyCapExceeded => "weekly_cap_exceeded",
    TooYoung => "too_young",
    TooOld => "too_old",
    GuardianConsentMissing => "guardian_consent_missing",
    GuardianAccompanimentRequired => "guardian_accompaniment_required",
    MinorNotAllowed => "minor_not_allowed",
    FitnessInsufficient => "fitness_insufficient",
    InsuranceMissing => "insurance_missing",
    AgreementMissing => "agreement_missing",
    BackgroundCheckMissing => "background_check_missing",
    NotInSendingProvince => "not_in_sending_province",
});

/// One broken rule. `rule` is the RULES.md id, or `DOMAIN` for requirements that come from the
/// model in DOMAIN.md (status, languages, availability, overlap, weekly cap) rather than a
/// numbered rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: ViolationCode,
    pub rule: &'static str,
    pub detail: String,
}

/// Every rule `volunteer` breaks for `target`; empty = eligible. `commitments` are the
/// volunteer's live assignments (for a session: live enrolments); one for this very activity
/// or session is ignored, so the check can be repeated at confirmation and check-in. An
/// activity is judged at `Offer`, `Confirm` or `CheckIn`, a campaign at `Apply`, a session at
/// `Enrol`.
pub fn check<'a>(
    target: impl Into<Target<'a>>,
    volunteer: &VolunteerSnapshot,
    commitments: &[Commitment],
    ctx: &AssignmentContext,
    policy: &EligibilityPolicy,
) -> Vec<Violation> {
    let target = target.into();
    debug_assert!(
        matches!(
            (target, ctx.checkpoint),
            (
                Target::Activity(_),
                CheckPoint::Offer | CheckPoint::Confirm | CheckPoint::CheckIn
            ) | (Target::Campaign(_), CheckPoint::Apply)
                | (Target::Session(_), CheckPoint::Enrol)
        ),
        "check point {:?} does not judge this target",
        ctx.checkpoint
    );
    match target {
        Target::Activity(activity) => check_activity(activity, volunteer, commitments, ctx, policy),
        Target::Campaign(campaign) => check_application(campaign, volunteer),
        Target::Session(session) => check_enrolment(session, volunteer, commitments),
    }
}

// The recruitment rules: suspended and withdrawn volunteers do not apply (a pending one may: an
// accepted application activates it), and the campaign's age bounds, skills and languages hold
// on the day of the application.
fn check_application(c: &CampaignRequirements, volunteer: &VolunteerSnapshot) -> Vec<Violation> {
    let mut v = Vec::new();
    if matches!(
        volunteer.status,
        VolunteerStatus::Suspended | VolunteerStatus::Withdrawn
    ) {
        let detail = format!("volunteer status is {}", volunteer.status.as_str());
        push(&mut v, ViolationCode::StatusNotActive, "DOMAIN", detail);
    }
    let age = age_on(volunteer.birth_date, c.applied_on);
    let bounds = AgeBounds {
        min: c.min_age,
        max: c.max_age,
        on: "the day of application",
    };
    check_age_bounds(&bounds, age, false, &mut v);
    check_skills(&c.skills, volunteer, "DOMAIN", &mut v);
    check_languages(&c.languages, volunteer, &mut v);
    v
}

// The training rules: only active volunteers enrol, and never in two overlapping sessions
// (touching ends are fine: sessions need no travel buffer).
fn check_enrolment(
    s: &SessionRequirements,
    volunteer: &VolunteerSnapshot,
    enrolments: &[Commitment],
) -> Vec<Violation> {
    let mut v = Vec::new();
    check_status(volunteer, &mut v);
    let clashes: Vec<String> = enrolments
        .iter()
        .filter(|c| c.activity_id != s.id && c.starts_at < s.ends_at && c.ends_at > s.starts_at)
        .map(|c| c.activity_id.to_string())
        .collect();
    if !clashes.is_empty() {
        let detail = format!(
            "overlaps the enrolment(s) in session {}",
            clashes.join(", ")
        );
        push(&mut v, ViolationCode::Overlap, "DOMAIN", detail);
    }
    v
}

fn check_activity(
    activity: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    commitments: &[Commitment],
    ctx: &AssignmentContext,
    policy: &EligibilityPolicy,
) -> Vec<Violation> {
    let day = activity.local_start_date();
    let age = age_on(volunteer.birth_date, day);
    let minor = is_minor(age, volunteer.own_income, policy);
    let others: Vec<&Commitment> = commitments
        .iter()
        .filter(|c| c.activity_id != activity.id)
        .collect();

    let mut v = Vec::new();
    check_status(volunteer, &mut v);
    check_skills(&activity.required_skills, volunteer, "ACT-07", &mut v);
    check_languages(&activity.required_languages, volunteer, &mut v);
    check_training(activity, volunteer, day, policy, &mut v);
    check_qualification(activity, volunteer, day, &mut v);
    check_availability(activity, volunteer, &mut v);
    check_overlap(activity, &others, policy, &mut v);
    check_weekly_cap(activity, volunteer, &others, &mut v);
    let bounds = AgeBounds {
        min: activity.min_age,
        max: activity.max_age,
        on: "the start date",
    };
    check_age_bounds(&bounds, age, minor, &mut v);
    check_minor_rules(activity, volunteer, ctx, policy, age, minor, &mut v);
    check_fitness(activity, volunteer, &mut v);
    check_insurance(activity, volunteer, &mut v);
    check_agreement(activity, volunteer, ctx, policy, minor, &mut v);
    check_background(activity, volunteer, ctx, policy, minor, &mut v);
    check_sending_province(activity, volunteer, &mut v);
    v
}

fn push(v: &mut Vec<Violation>, code: ViolationCode, rule: &'static str, detail: String) {
    v.push(Violation { code, rule, detail });
}

// MIN-01: 18 and over, or 16–17 living on own income, counts as adult.
fn is_minor(age: u32, own_income: bool, policy: &EligibilityPolicy) -> bool {
    let own_income_adult = own_income && policy.own_income_adult_from.is_some_and(|a| age >= a);
    age < ADULT_AGE && !own_income_adult
}

fn check_status(volunteer: &VolunteerSnapshot, v: &mut Vec<Violation>) {
    if volunteer.status != VolunteerStatus::Active {
        let detail = format!("volunteer status is {}", volunteer.status.as_str());
        push(v, ViolationCode::StatusNotActive, "DOMAIN", detail);
    }
}

// ACT-07: required_skills ⊆ volunteer.skills, at the required level (a campaign's skills the
// same way, under its own requirement).
fn check_skills(
    required: &[Skill],
    volunteer: &VolunteerSnapshot,
    rule: &'static str,
    v: &mut Vec<Violation>,
) {
    for need in required {
        match volunteer.skill_level(&need.code) {
            None => push(
                v,
                ViolationCode::SkillMissing,
                rule,
                format!("skill {} is required", need.code),
            ),
            Some(level) if level < need.level => push(
                v,
                ViolationCode::SkillLevelTooLow,
                rule,
                format!(
                    "skill {} needs level {}, has {level}",
                    need.code, need.level
                ),
            ),
            Some(_) => {}
        }
    }
}

fn check_languages(required: &[String], volunteer: &VolunteerSnapshot, v: &mut Vec<Violation>) {
    for lang in required {
        if !volunteer.languages.contains(lang) {
            let detail = format!("language {lang} is required");
            push(v, ViolationCode::LanguageMissing, "DOMAIN", detail);
        }
    }
}

// ACT-05: a valid certificate for every required course, and for every course category the
// activity's target groups require. Judged on the local start date.
fn check_training(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    day: NaiveDate,
    policy: &EligibilityPolicy,
    v: &mut Vec<Violation>,
) {
    let certs = &volunteer.certificates;
    let mut course_ids = a.required_course_ids.clone();
    course_ids.sort_unstable();
    course_ids.dedup();
    for id in course_ids {
        let what = format!("course {id}");
        training_requirement(certs, |c| c.course_id == id, &what, day, v);
    }
    let mut categories: Vec<CourseCategory> = policy
        .course_categories_by_target_group
        .iter()
        .filter(|(group, _)| a.target_groups.contains(group))
        .map(|(_, category)| *category)
        .collect();
    categories.sort_unstable();
    categories.dedup();
    for category in categories {
        let what = format!("a {} course", category.as_str());
        training_requirement(certs, |c| c.course_category == category, &what, day, v);
    }
}

fn training_requirement(
    certs: &[TrainingCertificate],
    matches: impl Fn(&TrainingCertificate) -> bool,
    what: &str,
    day: NaiveDate,
    v: &mut Vec<Violation>,
) {
    let mut any = false;
    for c in certs.iter().filter(|c| matches(c)) {
        if c.counts_on(day) {
            return;
        }
        any = true;
    }
    if any {
        let detail = format!("the certificate for {what} is expired or revoked on {day}");
        push(v, ViolationCode::TrainingExpired, "ACT-05", detail);
    } else {
        let detail = format!("a certificate for {what} is required");
        push(v, ViolationCode::TrainingMissing, "ACT-05", detail);
    }
}

// ACT-06: a matching qualification that has not expired on the start date.
fn check_qualification(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    day: NaiveDate,
    v: &mut Vec<Violation>,
) {
    let Some(code) = &a.required_qualification else {
        return;
    };
    let valid = volunteer
        .qualifications
        .iter()
        .any(|q| &q.code == code && q.expires_on.is_none_or(|end| day < end));
    if !valid {
        let detail = format!("an unexpired {code} qualification is required");
        push(v, ViolationCode::QualificationMissing, "ACT-06", detail);
    }
}

fn check_availability(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    v: &mut Vec<Violation>,
) {
    let (first, last) = (a.local_start_date(), a.local_end_date());
    if let Some(b) = volunteer
        .blackouts
        .iter()
        .find(|b| b.intersects(first, last))
    {
        let detail = format!("blackout from {} to {}", b.first(), b.last());
        push(v, ViolationCode::Unavailable, "DOMAIN", detail);
    }
    if !volunteer.availability.is_empty() && !windows_cover(a, &volunteer.availability) {
        let detail = "the activity lies outside the volunteer's weekly availability".to_string();
        push(v, ViolationCode::Unavailable, "DOMAIN", detail);
    }
}

/// True when every local-time part of the activity lies inside the union of the windows of its
/// weekday. A multi-day activity is cut at local midnights; each piece is checked on its own day.
fn windows_cover(a: &ActivityRequirements, windows: &[WeeklyWindow]) -> bool {
    let start = a.starts_at.with_timezone(&a.time_zone).naive_local();
    let end = a.ends_at.with_timezone(&a.time_zone).naive_local();
    let mut day = start.date();
    while day <= end.date() {
        let from = if day == start.date() {
            second_of_day(start)
        } else {
            0
        };
        let until = if day == end.date() {
            second_of_day(end)
        } else {
            86_400
        };
        if from < until && !day_covered(windows, day.weekday(), from, until) {
            return false;
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    true
}

fn second_of_day(t: NaiveDateTime) -> u32 {
    t.time().num_seconds_from_midnight()
}

fn day_covered(windows: &[WeeklyWindow], weekday: Weekday, from: u32, until: u32) -> bool {
    let mut today: Vec<(u32, u32)> = windows
        .iter()
        .filter(|w| w.weekday() == weekday)
        .map(|w| {
            (
                u32::from(w.from_minute()) * 60,
                u32::from(w.until_minute()) * 60,
            )
        })
        .collect();
    today.sort_unstable();
    let mut covered_until = from;
    for (w_from, w_until) in today {
        if w_from > covered_until {
            break;
        }
        covered_until = covered_until.max(w_until);
        if covered_until >= until {
            return true;
        }
    }
    false
}

// DOMAIN (Assignment): no two live assignments overlap, the activity widened by the travel
// buffer on each side. Touching the widened edge is not an overlap.
fn check_overlap(
    a: &ActivityRequirements,
    others: &[&Commitment],
    policy: &EligibilityPolicy,
    v: &mut Vec<Violation>,
) {
    let from = a.starts_at - policy.travel_buffer;
    let until = a.ends_at + policy.travel_buffer;
    let clashes: Vec<String> = others
        .iter()
        .filter(|c| c.starts_at < until && c.ends_at > from)
        .map(|c| c.activity_id.to_string())
        .collect();
    if !clashes.is_empty() {
        let detail = format!(
            "overlaps live assignment(s) on activity {} (travel buffer {} min)",
            clashes.join(", "),
            policy.travel_buffer.num_minutes()
        );
        push(v, ViolationCode::Overlap, "DOMAIN", detail);
    }
}

// DOMAIN: minutes committed in the local ISO week of the start (only the part of each
// commitment inside that week) plus this activity's duration must not exceed the cap.
fn check_weekly_cap(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    others: &[&Commitment],
    v: &mut Vec<Violation>,
) {
    let Some(cap) = volunteer.weekly_cap_minutes else {
        return;
    };
    let day = a.local_start_date();
    let back = Days::new(u64::from(day.weekday().num_days_from_monday()));
    // Checked: only a week at the very ends of chrono's calendar has no Monday or next
    // Monday, and client dates never get there (`calendar`); such a week is not capped.
    let Some((monday, next_monday)) = day
        .checked_sub_days(back)
        .and_then(|m| Some((m, m.checked_add_days(Days::new(7))?)))
    else {
        return;
    };
    let week_from = start_of_local_day(monday, a.time_zone);
    let week_until = start_of_local_day(next_monday, a.time_zone);
    let committed: i64 = others
        .iter()
        .map(|c| {
            let from = c.starts_at.max(week_from);
            let until = c.ends_at.min(week_until);
            (until - from).num_minutes().max(0)
        })
        .sum();
    let total = committed + a.duration_minutes();
    if total > i64::from(cap) {
        let detail = format!(
            "{committed} min already committed in the week of {monday} plus {} min exceeds the cap of {cap} min",
            a.duration_minutes()
        );
        push(v, ViolationCode::WeeklyCapExceeded, "DOMAIN", detail);
    }
}

/// Age bounds and the day they are judged on, as the detail names it.
struct AgeBounds {
    min: Option<u32>,
    max: Option<u32>,
    on: &'static str,
}

// ACT-07 (and MIN-05 for minors): min_age ≤ age ≤ max_age on the local start date (a campaign:
// on the day of application).
fn check_age_bounds(b: &AgeBounds, age: u32, minor: bool, v: &mut Vec<Violation>) {
    if let Some(min) = b.min
        && age < min
    {
        let rule = if minor { "MIN-05" } else { "ACT-07" };
        // The exact age is left out: it would help rebuild a masked ID number.
        let detail = format!("below the minimum age of {min} on {}", b.on);
        push(v, ViolationCode::TooYoung, rule, detail);
    }
    if let Some(max) = b.max
        && age > max
    {
        let detail = format!("above the maximum age of {max} on {}", b.on);
        push(v, ViolationCode::TooOld, "ACT-07", detail);
    }
}

fn check_minor_rules(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    ctx: &AssignmentContext,
    policy: &EligibilityPolicy,
    age: u32,
    minor: bool,
    v: &mut Vec<Violation>,
) {
    if !minor {
        return;
    }
    // MIN-06: under the minimum age, never; MIN-05: no minor on a hazardous activity.
    if let Some(min) = policy.minimum_age.filter(|&m| age < m) {
        let detail = format!("volunteers under {min} cannot be assigned");
        push(v, ViolationCode::MinorNotAllowed, "MIN-06", detail);
    } else if a.risk_level == RiskLevel::Hazardous {
        let detail = "minors cannot be assigned to hazardous activities".to_string();
        push(v, ViolationCode::MinorNotAllowed, "MIN-05", detail);
    }
    // MIN-03: a guardian's activity consent, or the guardian comes along.
    if !volunteer.guardian_activity_consent && !ctx.accompanying_guardian {
        let detail = "a minor needs an activity guardian consent or an accompanying guardian";
        push(
            v,
            ViolationCode::GuardianConsentMissing,
            "MIN-03",
            detail.to_string(),
        );
    }
    if !ctx.accompanying_guardian {
        // MIN-06 first: it names the stricter reason when both apply.
        if let Some(below) = policy.accompanied_below_age.filter(|&b| age < b) {
            let detail = format!("volunteers under {below} need an accompanying guardian");
            push(
                v,
                ViolationCode::GuardianAccompanimentRequired,
                "MIN-06",
                detail,
            );
        } else if policy.spring_rain_minors_accompanied
            && a.programme == Programme::SpringRain
            && a.local_end_date() > a.local_start_date()
        {
            let detail =
                "a minor on a multi-day Spring Rain deployment needs an accompanying guardian";
            push(
                v,
                ViolationCode::GuardianAccompanimentRequired,
                "MIN-07",
                detail.to_string(),
            );
        }
    }
}

// ACT-07: physical_demand ≤ fitness_level.
fn check_fitness(a: &ActivityRequirements, volunteer: &VolunteerSnapshot, v: &mut Vec<Violation>) {
    if a.physical_demand > volunteer.fitness_level {
        let detail = format!(
            "physical demand {} exceeds fitness level {}",
            a.physical_demand, volunteer.fitness_level
        );
        push(v, ViolationCode::FitnessInsufficient, "ACT-07", detail);
    }
}

// ACT-08 / SR-06: a personal accident policy covering the whole activity period.
/// The rule that makes an activity require insurance for its whole period, if any: ACT-08
/// for a risky activity, SR-06 for a Spring Rain deployment.
pub fn insurance_rule(a: &ActivityRequirements) -> Option<&'static str> {
    if a.risk_level >= RiskLevel::PersonalDangerPossible {
        Some("ACT-08")
    } else if a.programme == Programme::SpringRain {
        Some("SR-06")
    } else {
        None
    }
}

fn check_insurance(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    v: &mut Vec<Violation>,
) {
    let Some(rule) = insurance_rule(a) else {
        return;
    };
    let covered = volunteer
        .insurance
        .iter()
        .any(|p| p.starts_at <= a.starts_at && p.ends_at >= a.ends_at);
    if !covered {
        let detail = "no accident insurance covers the whole activity period".to_string();
        push(v, ViolationCode::InsuranceMissing, rule, detail);
    }
}

// ACT-09 / SR-06: a written agreement before confirmation. Not checked at offer time: the
// agreement is signed for an offered assignment, as part of confirming it.
fn check_agreement(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    ctx: &AssignmentContext,
    policy: &EligibilityPolicy,
    minor: bool,
    v: &mut Vec<Violation>,
) {
    if ctx.checkpoint == CheckPoint::Offer || ctx.agreement_signed {
        return;
    }
    let cross_province = volunteer.home_region.province_prefix() != a.region.province_prefix();
    let reason = if a.agreement_required {
        Some(("ACT-09", "the activity requires a written agreement"))
    } else if policy.agreement_on_request && ctx.agreement_requested {
        Some(("ACT-09", "a party asked for a written agreement"))
    } else if policy.agreement_for_cross_province && a.programme == Programme::SpringRain {
        Some((
            "SR-06",
            "Spring Rain deployments require a written agreement",
        ))
    } else if policy.agreement_for_cross_province && cross_province {
        Some((
            "ACT-09",
            "cross-province service requires a written agreement",
        ))
    } else if policy.agreement_for_personal_danger
        && a.risk_level >= RiskLevel::PersonalDangerPossible
    {
        Some((
            "ACT-09",
            "activities with personal-danger risk require a written agreement",
        ))
    } else if policy.agreement_for_minors && minor {
        Some(("ACT-09", "minors require a written agreement"))
    } else {
        None
    };
    if let Some((rule, detail)) = reason {
        push(v, ViolationCode::AgreementMissing, rule, detail.to_string());
    }
}

// MIN-09: adults serving the listed target groups need a background check that was passed by
// now and is still within its validity on the start date.
fn check_background(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    ctx: &AssignmentContext,
    policy: &EligibilityPolicy,
    minor: bool,
    v: &mut Vec<Violation>,
) {
    let applies = policy
        .background_check_target_groups
        .iter()
        .any(|g| a.target_groups.contains(g));
    if minor || !applies {
        return;
    }
    let today = local_date(ctx.checked_at, a.time_zone);
    let start = a.local_start_date();
    let months = Months::new(policy.background_check_validity_months);
    let valid = volunteer.background_check_passed_on.is_some_and(|passed| {
        passed <= today
            && passed
                .checked_add_months(months)
                .is_none_or(|end| start < end)
    });
    if !valid {
        let detail = format!(
            "a background check passed within {} months before the start is required",
            policy.background_check_validity_months
        );
        push(v, ViolationCode::BackgroundCheckMissing, "MIN-09", detail);
    }
}

// SR-01: Spring Rain deployments are staffed from their sending province.
fn check_sending_province(
    a: &ActivityRequirements,
    volunteer: &VolunteerSnapshot,
    v: &mut Vec<Violation>,
) {
    if a.programme != Programme::SpringRain {
        return;
    }
    let home = volunteer.home_region.province();
    let detail = match &a.sending_province {
        Some(p) if p.province_prefix() == home.province_prefix() => return,
        Some(p) => format!(
            "home province {home} is not the sending province {}",
            p.province()
        ),
        None => "the deployment has no sending province".to_string(),
    };
    push(v, ViolationCode::NotInSendingProvince, "SR-01", detail);
}

#[cfg(test)]
mod enrolment_and_application_tests;
#[cfg(test)]
pub(crate) mod tests;
