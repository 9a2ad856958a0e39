//! Volunteer registration (REG-01…10, MIN-02…04, PI-02/03) and the volunteer lifecycle
//! (`pending → active ⇄ suspended`, `withdrawn`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;
use super::identity::{IdDocument, IdType, Mobile, Sex, age_on};
use super::reference;
use super::region::RegionCode;

/// Under this age a guardian must consent before any personal data is kept (MIN-02, PI-03).
pub const GUARDIAN_CONSENT_REQUIRED_UNDER: u32 = 14;
/// Civil Code Art 17: 18 and over is an adult.
pub const ADULT_AGE: u32 = 18;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    Pending,
    Active,
    Suspended,
    Withdrawn,
}

crate::domain::text_enum!(VolunteerStatus {
    Pending => "pending",
    Active => "active",
    Suspended => "suspended",
    Withdrawn => "withdrawn",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Approve,
    Suspend,
    Reinstate,
    Withdraw,
}

crate::domain::text_enum!(StatusAction {
    Approve => "approve",
    Suspend => "suspend",
    Reinstate => "reinstate",
    Withdraw => "withdraw",
});

impl VolunteerStatus {
    /// The status after `action`, or `None` when the action does not apply now.
    pub fn after(self, action: StatusAction) -> Option<VolunteerStatus> {
        use StatusAction::*;
        use VolunteerStatus::*;
        match (self, action) {
            (Pending, Approve) => Some(Active),
            (Active, Suspend) => Some(Suspended),
            (Suspended, Reinstate) => Some(Active),
            (Pending | Active | Suspended, Withdraw) => Some(Withdrawn),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Proficiency {
    Basic,
    Working,
    Fluent,
    Native,
}

crate::domain::text_enum!(Proficiency {
    Basic => "basic",
    Working => "working",
    Fluent => "fluent",
    Native => "native",
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillClaim {
    pub code: String,
    pub level: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageClaim {
    pub code: String,
    pub proficiency: Proficiency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    Written,
    Electronic,
    InPerson,
}

crate::domain::text_enum!(ConsentMethod {
    Written => "written",
    Electronic => "electronic",
    InPerson => "in_person",
});

/// A guardian consent as submitted (MIN-04).
#[derive(Debug, Clone)]
pub struct GuardianConsentInput {
    pub guardian_name: String,
    pub relationship: String,
    pub guardian_id_type: IdType,
    pub guardian_id_number: String,
    /// Needed only when the guardian's ID type carries no birth date.
    pub guardian_birth_date: Option<NaiveDate>,
    pub guardian_mobile: String,
    pub covers_registration: bool,
    pub covers_activities: bool,
    pub method: ConsentMethod,
}

/// A checked guardian consent.
#[derive(Debug, Clone)]
pub struct GuardianConsent {
    pub guardian_name: String,
    pub relationship: String,
    pub guardian_id: IdDocument,
    pub guardian_mobile: Mobile,
    pub covers_registration: bool,
    pub covers_activities: bool,
    pub method: ConsentMethod,
}

/// Registration data as received, before any check.
#[derive(Debug, Clone)]
pub struct RegistrationInput {
    pub name: String,
    /// Required (REG-01): no ID type is assumed.
    pub id_type: Option<IdType>,
    pub id_number: String,
    pub mobile: String,
    pub home_region_code: String,
    pub email: Option<String>,
    /// Required for non-resident ID types; must agree with a resident ID when given.
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub skills: Vec<SkillClaim>,
    pub languages: Vec<LanguageClaim>,
    pub attest_true: bool,
    pub privacy_consent_version: String,
    pub minors_policy_version: Option<String>,
    pub guardian_consent: Option<GuardianConsentInput>,
}

/// A registration that passed every rule that needs no database.
#[derive(Debug, Clone)]
pub struct NewVolunteer {
    pub name: String,
    pub id: IdDocument,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub mobile: Mobile,
    pub home_region: RegionCode,
    pub email: Option<String>,
    pub skills: Vec<SkillClaim>,
    pub languages: Vec<LanguageClaim>,
    pub privacy_consent_version: String,
    pub minors_policy_version: Option<String>,
    pub guardian_consent: Option<GuardianConsent>,
}

impl NewVolunteer {
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        age_on(self.birth_date, day)
    }

    /// Under-14s: every personal field is kept encrypted, the name included (PI-01).
    pub fn is_under_14_on(&self, day: NaiveDate) -> bool {
        under_14_on(self.birth_date, day)
    }
}

/// Whether someone born on `birth_date` is under 14 on `day`: their name is kept masked
/// (PI-01), their data needs a guardian's consent (MIN-02) and reads of it are audited (PI-04).
pub fn under_14_on(birth_date: NaiveDate, day: NaiveDate) -> bool {
    crate::domain::identity::age_on(birth_date, day) < GUARDIAN_CONSENT_REQUIRED_UNDER
}

pub fn parse_name(input: &str) -> Result<String, Invalid> {
    let name = input.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(Invalid::new("name", "required", "name is required (REG-01)").rule("REG-01"));
    }
    if len > 50 || name.chars().any(char::is_control) {
        return Err(Invalid::new(
            "name",
            "invalid_format",
            "a name has 1–50 printable characters",
        ));
    }
    // No real name starts like a spreadsheet formula; such a name is an injection attempt
    // against whoever opens an export (the CSV writer neutralises it as well).
    if name.starts_with(['=', '+', '-', '@']) {
        return Err(Invalid::new(
            "name",
            "invalid_format",
            "a name cannot start with =, +, - or @",
        ));
    }
    Ok(name.to_string())
}

pub fn parse_email(input: &str) -> Result<String, Invalid> {
    let email = input.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(Invalid::new(
            "email",
            "invalid_format",
            "not an e-mail address",
        ))
    }
}

/// Checks skill claims: known codes, levels 1–3, no duplicates.
pub fn check_skills(skills: &[SkillClaim], field: &str) -> Vec<Invalid> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, s) in skills.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if !reference::is_skill(&s.code) {
            problems.push(Invalid::new(
                format!("{at}.code"),
                "unknown_skill",
                format!("unknown skill code {:?}", s.code),
            ));
        }
        if !reference::SKILL_LEVELS.contains(&s.level) {
            problems.push(Invalid::new(
                format!("{at}.level"),
                "invalid_level",
                "skill levels are 1, 2 or 3",
            ));
        }
        if !seen.insert(&s.code) {
            problems.push(Invalid::new(
                format!("{at}.code"),
                "duplicate",
                "each skill may appear once",
            ));
        }
    }
    problems
}

pub fn check_languages(languages: &[LanguageClaim], field: &str) -> Vec<Invalid> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, l) in languages.iter().enumerate() {
        let at = format!("{field}[{i}].code");
        if !reference::is_language(&l.code) {
            problems.push(Invalid::new(
                at.clone(),
                "unknown_language",
                format!("unknown language code {:?}", l.code),
            ));
        }
        if !seen.insert(&l.code) {
            problems.push(Invalid::new(
                at,
                "duplicate",
                "each language may appear once",
            ));
        }
    }
    problems
}

/// MIN-04: the guardian is identified, reachable, an adult, and not the volunteer.
pub fn parse_guardian_consent(
    input: &GuardianConsentInput,
    volunteer_id: &IdDocument,
    today: NaiveDate,
    field: &str,
) -> Result<GuardianConsent, Vec<Invalid>> {
    let mut problems = Vec::new();
    let at = |f: &str| format!("{field}.{f}");
    problems.extend(crate::domain::calendar::check_dates([(
        at("guardian_birth_date").as_str(),
        input.guardian_birth_date,
    )]));
    let name = parse_name(&input.guardian_name)
        .map_err(|e| {
            problems.push(Invalid {
                field: at("guardian_name"),
                ..e
            })
        })
        .ok();
    if input.relationship.trim().is_empty() {
        problems.push(Invalid::new(
            at("relationship"),
            "required",
            "the guardian's relationship is required",
        ));
    }
    let id = match IdDocument::parse(input.guardian_id_type, &input.guardian_id_number, today) {
        Ok(id) => Some(id),
        Err(e) => {
            problems.push(Invalid::new(
                at("guardian_id_number"),
                e.code(),
                e.message(),
            ));
            None
        }
    };
    if let Some(id) = &id {
        if id.id_type == volunteer_id.id_type && id.number == volunteer_id.number {
            problems.push(Invalid::new(
                at("guardian_id_number"),
                "guardian_is_volunteer",
                "a volunteer cannot be their own guardian",
            ));
        }
        match id.birth_date.or(input.guardian_birth_date) {
            Some(birth) if age_on(birth, today) >= ADULT_AGE => {}
            Some(_) => problems.push(Invalid::new(
                at("guardian_id_number"),
                "guardian_not_adult",
                "the guardian must be an adult",
            )),
            None => problems.push(Invalid::new(
                at("guardian_birth_date"),
                "required",
                "the guardian's birth date is required for this ID type",
            )),
        }
    }
    let mobile = Mobile::parse(&input.guardian_mobile);
    if mobile.is_none() {
        problems.push(Invalid::new(
            at("guardian_mobile"),
            "invalid_format",
            "a mainland mobile number has 11 digits starting 13–19",
        ));
    }
    if !input.covers_registration && !input.covers_activities {
        problems.push(Invalid::new(
            at("scope"),
            "required",
            "the consent must cover registration, activities or both",
        ));
    }
    match (name, id, mobile) {
        (Some(guardian_name), Some(guardian_id), Some(guardian_mobile)) if problems.is_empty() => {
            Ok(GuardianConsent {
                guardian_name,
                relationship: input.relationship.trim().to_string(),
                guardian_id,
                guardian_mobile,
                covers_registration: input.covers_registration,
                covers_activities: input.covers_activities,
                method: input.method,
            })
        }
        _ => Err(problems),
    }
}

/// Parses a registration; returns every problem found, each naming its field and rule.
pub fn parse_registration(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<NewVolunteer, Vec<Invalid>> {
    let mut problems = crate::domain::calendar::check_dates([("birth_date", input.birth_date)]);
    let name = parse_name(&input.name).map_err(|e| problems.push(e)).ok();
    if input.id_type.is_none() {
        problems.push(
            Invalid::new("id_type", "required", "the ID type is required (REG-01)").rule("REG-01"),
        );
    }
    let id = if input.id_number.trim().is_empty() {
        problems.push(
            Invalid::new(
                "id_number",
                "required",
                "the ID number is required (REG-01)",
            )
            .rule("REG-01"),
        );
        None
    } else {
        match input
            .id_type
            .map(|t| IdDocument::parse(t, &input.id_number, today))
        {
            Some(Ok(id)) => Some(id),
            Some(Err(e)) => {
                problems.push(Invalid::new("id_number", e.code(), e.message()));
                None
            }
            None => None,
        }
    };
    let mobile = match Mobile::parse(&input.mobile) {
        Some(m) => Some(m),
        None if input.mobile.trim().is_empty() => {
            problems.push(
                Invalid::new("mobile", "required", "a mobile number is required (REG-01)")
                    .rule("REG-01"),
            );
            None
        }
        None => {
            problems.push(Invalid::new(
                "mobile",
                "invalid_format",
                "a mainland mobile number has 11 digits starting 13–19 (REG-07)",
            ));
            None
        }
    };
    let region = match input.home_region_code.trim() {
        "" => {
            problems.push(
                Invalid::new(
                    "home_region_code",
                    "required",
                    "the home region code is required (REG-01)",
                )
                .rule("REG-01"),
            );
            None
        }
        code => RegionCode::parse(code)
            .map_err(|e| {
                problems
                    .push(Invalid::new("home_region_code", e.code(), e.message()).rule("REG-08"))
            })
            .ok(),
    };
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => parse_email(e).map_err(|e| problems.push(e)).ok(),
        None => None,
    };
    if !input.attest_true {
        problems.push(
            Invalid::new(
                "attest_true",
                "attestation_required",
                "the volunteer must confirm the information is true, accurate and complete (REG-09)",
            )
            .rule("REG-09"),
        );
    }
    if input.privacy_consent_version.trim().is_empty() {
        problems.push(Invalid::new(
            "privacy_consent_version",
            "required",
            "consent to a privacy notice version is required (PI-02)",
        ));
    }
    // REG-10: a cultural volunteer brings at least one cultural or artistic skill.
    if input.skills.is_empty() {
        problems.push(Invalid::new(
            "skills",
            "required",
            "at least one skill is required (REG-10)",
        ));
    }
    problems.extend(check_skills(&input.skills, "skills"));
    problems.extend(check_languages(&input.languages, "languages"));

    // REG-05: birth date and sex come from a resident ID and must not contradict it.
    let (birth_date, sex) = match &id {
        Some(doc) => {
            if let (Some(derived), Some(given)) = (doc.birth_date, input.birth_date)
                && derived != given
            {
                problems.push(Invalid::new(
                    "birth_date",
                    "contradicts_id",
                    "the birth date contradicts the ID number (REG-05)",
                ));
            }
            if let (Some(derived), Some(given)) = (doc.sex, input.sex)
                && derived != given
            {
                problems.push(Invalid::new(
                    "sex",
                    "contradicts_id",
                    "the sex contradicts the ID number (REG-05)",
                ));
            }
            let birth = doc.birth_date.or(input.birth_date);
            let sex = doc.sex.or(input.sex);
            if birth.is_none() {
                problems.push(Invalid::new(
                    "birth_date",
                    "required",
                    "birth_date is required for this ID type",
                ));
            }
            if sex.is_none() {
                problems.push(Invalid::new(
                    "sex",
                    "required",
                    "sex is required for this ID type",
                ));
            }
            (birth, sex)
        }
        None => (None, None),
    };

    let mut guardian = None;
    if let (Some(doc), Some(birth)) = (&id, birth_date) {
        let age = age_on(birth, today);
        if let Some(consent) = &input.guardian_consent {
            match parse_guardian_consent(consent, doc, today, "guardian_consent") {
                Ok(c) => guardian = Some(c),
                Err(errors) => problems.extend(errors),
            }
        }
        if age < GUARDIAN_CONSENT_REQUIRED_UNDER {
            // MIN-02: nothing about an under-14 is kept without a guardian's consent.
            let covers = input
                .guardian_consent
                .as_ref()
                .is_some_and(|c| c.covers_registration);
            if !covers {
                problems.push(Invalid::new("guardian_consent", "MIN-02", "a volunteer under 14 can be registered only with a guardian's consent covering registration"));
            }
            // PI-03: the dedicated minors' processing rules must be accepted too.
            if input
                .minors_policy_version
                .as_deref()
                .is_none_or(|v| v.trim().is_empty())
            {
                problems.push(Invalid::new(
                    "minors_policy_version",
                    "PI-03",
                    "under-14 registrations record the minors' processing rules version",
                ));
            }
        }
    }

    match (name, id, mobile, region, birth_date, sex) {
        (Some(name), Some(id), Some(mobile), Some(home_region), Some(birth_date), Some(sex))
            if problems.is_empty() =>
        {
            Ok(NewVolunteer {
                name,
                id,
                birth_date,
                sex,
                mobile,
                home_region,
                email,
                skills: input.skills.clone(),
                languages: input.languages.clone(),
                privacy_consent_version: input.privacy_consent_version.trim().to_string(),
                minors_policy_version: input
                    .minors_policy_version
                    .as_ref()
                    .map(|v| v.trim().to_string()),
                guardian_consent: guardian,
            })
        }
        _ => Err(problems),
    }
}

/// The public volunteer number: `SR` + the registering province + an 8-digit per-province
/// sequence value (never reused).
pub fn volunteer_number(province_prefix: &str, sequence: i64) -> String {
    format!("SR{province_prefix}{sequence:08}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    /// A valid resident ID for someone born on `birth` (YYYYMMDD), sequence `seq`.
    pub fn resident_id(birth: &str, seq: u32) -> String {
        let first17 = format!("330106{birth}{seq:03}");
        format!(
            "{first17}{}",
            crate::domain::identity::check_character(first17.as_bytes())
        )
    }

    fn input() -> RegistrationInput {
        RegistrationInput {
            name: "王小明".into(),
            id_type: Some(IdType::ResidentId),
            id_number: resident_id("19900101", 123),
            mobile: "138 0013 8000".into(),
            home_region_code: "330106".into(),
            email: None,
            birth_date: None,
            sex: None,
            skills: vec![SkillClaim {
                code: "performance.music".into(),
                level: 2,
            }],
            languages: vec![LanguageClaim {
                code: "zh".into(),
                proficiency: Proficiency::Native,
            }],
            attest_true: true,
            privacy_consent_version: "2026-01".into(),
            minors_policy_version: None,
            guardian_consent: None,
        }
    }

    fn codes(result: Result<NewVolunteer, Vec<Invalid>>) -> Vec<(String, String)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    fn guardian(id: &str) -> GuardianConsentInput {
        GuardianConsentInput {
            guardian_name: "王大明".into(),
            relationship: "father".into(),
            guardian_id_type: IdType::ResidentId,
            guardian_id_number: id.into(),
            guardian_birth_date: None,
            guardian_mobile: "13900139000".into(),
            covers_registration: true,
            covers_activities: true,
            method: ConsentMethod::Written,
        }
    }

    #[test]
    fn a_complete_adult_registration_parses() {
        let v = parse_registration(&input(), today()).unwrap();
        assert_eq!(v.mobile.as_str(), "13800138000");
        assert_eq!(v.sex, Sex::Male, "sequence 123: 17th digit 3 is odd");
        assert_eq!(v.age_on(today()), 36);
    }

    #[test]
    fn names_shaped_like_spreadsheet_formulas_are_refused() {
        for name in [
            "=HYPERLINK(\"http://x\",\"a\")",
            "-2+3",
            "+86",
            "@SUM(A1)",
            " =1",
        ] {
            let e = parse_name(name).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code.as_str()),
                ("name", "invalid_format")
            );
        }
        assert_eq!(parse_name("欧阳-娜娜").unwrap(), "欧阳-娜娜");
    }

    #[test]
    fn reg01_missing_fields_are_named() {
        let mut i = input();
        i.name = " ".into();
        i.id_number = "".into();
        i.mobile = "".into();
        i.home_region_code = "".into();
        let c = codes(parse_registration(&i, today()));
        for field in ["name", "id_number", "mobile", "home_region_code"] {
            assert!(c.iter().any(|(f, _)| f == field), "{field} in {c:?}");
        }
    }

    #[test]
    fn reg05_contradicting_birth_date_or_sex_is_refused() {
        let mut i = input();
        i.birth_date = NaiveDate::from_ymd_opt(1990, 1, 2);
        i.sex = Some(Sex::Female);
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&("birth_date".into(), "contradicts_id".into())));
        assert!(c.contains(&("sex".into(), "contradicts_id".into())));
    }

    #[test]
    fn reg09_attestation_and_reg10_a_skill_are_required() {
        let mut i = input();
        i.attest_true = false;
        i.skills.clear();
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&("attest_true".into(), "attestation_required".into())));
        assert!(c.contains(&("skills".into(), "required".into())));
    }

    #[test]
    fn unknown_codes_and_bad_levels_are_named() {
        let mut i = input();
        i.skills = vec![SkillClaim {
            code: "juggling".into(),
            level: 4,
        }];
        i.languages = vec![LanguageClaim {
            code: "xx".into(),
            proficiency: Proficiency::Basic,
        }];
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&("skills[0].code".into(), "unknown_skill".into())));
        assert!(c.contains(&("skills[0].level".into(), "invalid_level".into())));
        assert!(c.contains(&("languages[0].code".into(), "unknown_language".into())));
    }

    #[test]
    fn min02_under_14_needs_a_guardian_consent_and_the_minors_policy() {
        let mut i = input();
        i.id_number = resident_id("20150601", 124);
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&("guardian_consent".into(), "MIN-02".into())));
        assert!(c.contains(&("minors_policy_version".into(), "PI-03".into())));
        i.guardian_consent = Some(guardian(&resident_id("19850301", 111)));
        i.minors_policy_version = Some("minors-2026".into());
        let v = parse_registration(&i, today()).unwrap();
        assert!(v.is_under_14_on(today()));
        // 14 exactly on the day: no consent needed.
        let mut teen = input();
        teen.id_number = resident_id("20121124", 124);
        assert!(parse_registration(&teen, today()).is_ok());
    }

    #[test]
    fn min04_the_guardian_is_an_adult_and_not_the_volunteer() {
        let mut i = input();
        i.id_number = resident_id("20150601", 124);
        i.minors_policy_version = Some("minors-2026".into());
        i.guardian_consent = Some(guardian(&resident_id("20150601", 124)));
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&(
            "guardian_consent.guardian_id_number".into(),
            "guardian_is_volunteer".into()
        )));
        i.guardian_consent = Some(guardian(&resident_id("20100101", 222)));
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&(
            "guardian_consent.guardian_id_number".into(),
            "guardian_not_adult".into()
        )));
        let mut bad = guardian(&resident_id("19850301", 111));
        bad.guardian_mobile = "123".into();
        bad.covers_registration = false;
        bad.covers_activities = false;
        i.guardian_consent = Some(bad);
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&(
            "guardian_consent.guardian_mobile".into(),
            "invalid_format".into()
        )));
        assert!(c.contains(&("guardian_consent.scope".into(), "required".into())));
    }

    #[test]
    fn other_id_types_need_birth_date_and_sex() {
        let mut i = input();
        i.id_type = Some(IdType::Passport);
        i.id_number = "E12345678".into();
        let c = codes(parse_registration(&i, today()));
        assert!(c.contains(&("birth_date".into(), "required".into())));
        i.birth_date = NaiveDate::from_ymd_opt(1991, 5, 5);
        i.sex = Some(Sex::Female);
        assert!(parse_registration(&i, today()).is_ok());
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use StatusAction::*;
        use VolunteerStatus::*;
        assert_eq!(Pending.after(Approve), Some(Active));
        assert_eq!(Active.after(Suspend), Some(Suspended));
        assert_eq!(Suspended.after(Reinstate), Some(Active));
        assert_eq!(Active.after(Withdraw), Some(Withdrawn));
        assert_eq!(Active.after(Approve), None);
        assert_eq!(Pending.after(Suspend), None);
        assert_eq!(Withdrawn.after(Reinstate), None);
        assert_eq!(Withdrawn.after(Withdraw), None);
    }

    #[test]
    fn volunteer_numbers_carry_the_province() {
        assert_eq!(volunteer_number("33", 42), "SR3300000042");
    }
}
