//! The volunteer-registration request, shared by staff registration, self-registration and
//! applying to a campaign as a new person.

use actix_web::HttpResponse;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::identity::{IdType, Sex};
use crate::domain::volunteer::{
    ConsentMethod, GuardianConsentInput, LanguageClaim, Proficiency, RegistrationInput, SkillClaim,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkillLevel {
    /// Skill code from `/api/v1/reference/skills`.
    pub code: String,
    /// 1 basic, 2 competent, 3 expert.
    pub level: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LanguageSkill {
    /// Language code from `/api/v1/reference/languages`.
    pub code: String,
    pub proficiency: Proficiency,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    Registration,
    Activities,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct GuardianConsentRequest {
    #[serde(default)]
    pub guardian_name: String,
    /// e.g. `father`, `mother`, `grandparent`, `legal_guardian`.
    #[serde(default)]
    pub relationship: String,
    #[serde(default = "resident_id")]
    pub guardian_id_type: IdType,
    #[serde(default)]
    pub guardian_id_number: String,
    /// Only for ID types that carry no birth date.
    pub guardian_birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub guardian_mobile: String,
    /// What the guardian consents to.
    #[serde(default)]
    pub scope: Vec<ConsentScope>,
    pub method: ConsentMethod,
}

fn resident_id() -> IdType {
    IdType::ResidentId
}

impl GuardianConsentRequest {
    pub fn to_input(&self) -> GuardianConsentInput {
        GuardianConsentInput {
            guardian_name: self.guardian_name.clone(),
            relationship: self.relationship.clone(),
            guardian_id_type: self.guardian_id_type,
            guardian_id_number: self.guardian_id_number.clone(),
            guardian_birth_date: self.guardian_birth_date,
            guardian_mobile: self.guardian_mobile.clone(),
            covers_registration: self.scope.contains(&ConsentScope::Registration),
            covers_activities: self.scope.contains(&ConsentScope::Activities),
            method: self.method,
        }
    }
}

/// A real-name registration (REG-01…10). Missing fields are reported together, by name.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RegisterVolunteerRequest {
    #[serde(default)]
    pub name: String,
    /// Required (REG-01); `resident_id` is not assumed.
    pub id_type: Option<IdType>,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub mobile: String,
    /// 6-digit GB/T 2260 code of the volunteer's home.
    #[serde(default)]
    pub home_region_code: String,
    /// Registering organisation; staff default to their own.
    pub organization_id: Option<i64>,
    pub email: Option<String>,
    /// Only for ID types other than `resident_id`, or to double-check it.
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    #[serde(default)]
    pub skills: Vec<SkillLevel>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    /// The volunteer confirms the data are true, accurate and complete (REG-09).
    #[serde(default)]
    pub attest_true: bool,
    /// Version of the privacy notice consented to (PI-02).
    #[serde(default)]
    pub privacy_consent_version: String,
    /// Required for under-14s (PI-03).
    pub minors_policy_version: Option<String>,
    /// Required for under-14s (MIN-02).
    pub guardian_consent: Option<GuardianConsentRequest>,
}

impl RegisterVolunteerRequest {
    pub fn to_input(&self) -> RegistrationInput {
        RegistrationInput {
            name: self.name.clone(),
            id_type: self.id_type,
            id_number: self.id_number.clone(),
            mobile: self.mobile.clone(),
            home_region_code: self.home_region_code.clone(),
            email: self.email.clone(),
            birth_date: self.birth_date,
            sex: self.sex,
            skills: skill_claims(&self.skills),
            languages: language_claims(&self.languages),
            attest_true: self.attest_true,
            privacy_consent_version: self.privacy_consent_version.clone(),
            minors_policy_version: self.minors_policy_version.clone(),
            guardian_consent: self.guardian_consent.as_ref().map(|g| g.to_input()),
        }
    }
}

pub fn skill_claims(skills: &[SkillLevel]) -> Vec<SkillClaim> {
    skills
        .iter()
        .map(|s| SkillClaim {
            code: s.code.clone(),
            level: s.level,
        })
        .collect()
}

pub fn language_claims(languages: &[LanguageSkill]) -> Vec<LanguageClaim> {
    languages
        .iter()
        .map(|l| LanguageClaim {
            code: l.code.clone(),
            proficiency: l.proficiency,
        })
        .collect()
}

/// The one answer to an anonymous registration or application, whatever became of it: a
/// taken username or ID number must look exactly like a fresh registration.
#[derive(Serialize, ToSchema)]
pub struct RegistrationReceived {
    /// Always `received`.
    pub status: String,
    pub detail: String,
}

impl RegistrationReceived {
    pub fn response() -> HttpResponse {
        HttpResponse::Accepted().json(RegistrationReceived {
            status: "received".into(),
            detail: "registration received; the registering bureau will confirm it, and the \
                     login works once it has"
                .into(),
        })
    }
}
