//! The `Apply` and `Enrol` check points: a campaign's requirements on the day of application,
//! and a session's rules at enrolment. Each row starts from the shared eligible volunteer.

use super::tests::{at, base, date, skill};
use super::*;

fn campaign() -> CampaignRequirements {
    CampaignRequirements {
        skills: vec![skill("performance.music", 2)],
        languages: vec!["zh".into()],
        min_age: Some(18),
        max_age: Some(60),
        applied_on: date("2026-06-01"),
    }
}

fn applying(c: &CampaignRequirements, volunteer: &VolunteerSnapshot) -> Vec<&'static str> {
    let ctx = AssignmentContext::at(CheckPoint::Apply, at("2026-06-01T02:00:00Z"));
    check(c, volunteer, &[], &ctx, &EligibilityPolicy::default())
        .iter()
        .map(|v| v.code.as_str())
        .collect()
}

#[test]
fn applicants_meet_the_campaign_s_age_skills_and_languages() {
    let volunteer = base().volunteer;
    assert!(applying(&campaign(), &volunteer).is_empty());

    let mut young = campaign();
    young.min_age = Some(40);
    assert_eq!(applying(&young, &volunteer), ["too_young"]);

    let mut old = campaign();
    old.max_age = Some(30);
    old.skills = vec![skill("performance.music", 3)];
    old.languages.push("ug".into());
    assert_eq!(
        applying(&old, &volunteer),
        ["too_old", "skill_level_too_low", "language_missing"]
    );

    let mut dance = campaign();
    dance.skills = vec![skill("performance.dance", 1)];
    assert_eq!(applying(&dance, &volunteer), ["skill_missing"]);
}

#[test]
fn ages_are_counted_on_the_day_of_application() {
    // Born 20 May 1990: 35 until the day before the 36th birthday.
    let volunteer = base().volunteer;
    let mut c = campaign();
    c.max_age = Some(35);
    c.applied_on = date("2026-05-19");
    assert!(applying(&c, &volunteer).is_empty());
    c.applied_on = date("2026-05-20");
    assert_eq!(applying(&c, &volunteer), ["too_old"]);
}

#[test]
fn pending_volunteers_may_apply_but_suspended_and_withdrawn_ones_may_not() {
    let mut volunteer = base().volunteer;
    for (status, expected) in [
        (VolunteerStatus::Active, &[][..]),
        (VolunteerStatus::Pending, &[][..]),
        (VolunteerStatus::Suspended, &["status_not_active"][..]),
        (VolunteerStatus::Withdrawn, &["status_not_active"][..]),
    ] {
        volunteer.status = status;
        assert_eq!(applying(&campaign(), &volunteer), expected, "{status:?}");
    }
}

#[test]
fn campaign_requirements_come_from_the_stored_requirements() {
    let stored = crate::domain::recruitment::Requirements {
        skills: vec![crate::domain::recruitment::RequiredSkill {
            code: "performance.music".into(),
            level: 2,
        }],
        languages: vec!["zh".into()],
        min_age: Some(18),
        max_age: Some(60),
        target_groups: vec!["general_public".into()],
    };
    assert_eq!(
        CampaignRequirements::of(&stored, date("2026-06-01")),
        campaign()
    );
}

fn session() -> SessionRequirements {
    SessionRequirements {
        id: 7,
        starts_at: at("2026-06-13T01:00:00Z"),
        ends_at: at("2026-06-13T05:00:00Z"),
    }
}

fn enrolment(id: i64, from: &str, until: &str) -> Commitment {
    Commitment {
        activity_id: id,
        starts_at: at(from),
        ends_at: at(until),
    }
}

fn enrolling(volunteer: &VolunteerSnapshot, enrolments: &[Commitment]) -> Vec<&'static str> {
    let ctx = AssignmentContext::at(CheckPoint::Enrol, at("2026-06-01T00:00:00Z"));
    check(
        &session(),
        volunteer,
        enrolments,
        &ctx,
        &EligibilityPolicy::default(),
    )
    .iter()
    .map(|v| v.code.as_str())
    .collect()
}

#[test]
fn only_active_volunteers_enrol() {
    let mut volunteer = base().volunteer;
    assert!(enrolling(&volunteer, &[]).is_empty());
    for status in [
        VolunteerStatus::Pending,
        VolunteerStatus::Suspended,
        VolunteerStatus::Withdrawn,
    ] {
        volunteer.status = status;
        assert_eq!(enrolling(&volunteer, &[]), ["status_not_active"]);
    }
}

#[test]
fn sessions_may_touch_but_not_overlap() {
    let volunteer = base().volunteer;
    let before = enrolment(1, "2026-06-12T21:00:00Z", "2026-06-13T01:00:00Z");
    let after = enrolment(2, "2026-06-13T05:00:00Z", "2026-06-13T07:00:00Z");
    assert!(enrolling(&volunteer, &[before, after]).is_empty());
    let clash = enrolment(3, "2026-06-13T04:00:00Z", "2026-06-13T08:00:00Z");
    assert_eq!(enrolling(&volunteer, &[before, clash]), ["overlap"]);
    // The session itself (a repeated check) is no clash.
    let itself = enrolment(7, "2026-06-13T01:00:00Z", "2026-06-13T05:00:00Z");
    assert!(enrolling(&volunteer, &[itself]).is_empty());
}

#[test]
fn newcomers_are_pending_with_what_they_declared() {
    use crate::domain::identity::{IdDocument, IdType, Mobile, Sex};
    use crate::domain::volunteer::{LanguageClaim, NewVolunteer, Proficiency, SkillClaim};
    let new = NewVolunteer {
        name: "新来的".into(),
        id: IdDocument {
            id_type: IdType::Passport,
            number: "E12345678".into(),
            birth_date: None,
            sex: None,
        },
        birth_date: date("2000-05-05"),
        sex: Sex::Female,
        mobile: Mobile::parse("13800138000").unwrap(),
        home_region: super::tests::region("330106"),
        email: None,
        skills: vec![SkillClaim {
            code: "performance.music".into(),
            level: 2,
        }],
        languages: vec![LanguageClaim {
            code: "zh".into(),
            proficiency: Proficiency::Native,
        }],
        privacy_consent_version: "1".into(),
        minors_policy_version: None,
        guardian_consent: None,
    };
    let newcomer = VolunteerSnapshot::newcomer(&new);
    assert_eq!(newcomer.status, VolunteerStatus::Pending);
    assert!(applying(&campaign(), &newcomer).is_empty());
    assert_eq!(enrolling(&newcomer, &[]), ["status_not_active"]);
}
