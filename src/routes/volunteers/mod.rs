//! `/api/v1/volunteers`: the registry. One file per group of actions; this file holds the
//! DTOs they share. The use cases live in `crate::registry`.

pub mod consents;
pub mod data_requests;
pub mod export;
pub mod import;
pub mod lifecycle;
pub mod profile;
pub mod read;
pub mod register;
pub mod safeguards;

use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::crypto::PersonalDataCipher;
use crate::db::volunteers::{VolunteerListing, VolunteerParts, VolunteerRow};
use crate::domain::identity::{age_band, age_on, restrict_id_mask};
use crate::domain::volunteer::{Proficiency, VolunteerStatus};
pub use crate::registry::edit::Reveal;
use crate::registry::edit::VolunteerView;
use crate::state::AppState;

pub use crate::routes::common::registration::{
    GuardianConsentRequest, LanguageSkill, RegisterVolunteerRequest, SkillLevel, language_claims,
    skill_claims,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WeeklyWindow {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Local time `HH:MM`.
    pub start: String,
    /// Local time `HH:MM` (`24:00` = midnight at the end of the day).
    pub end: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Availability {
    pub weekly: Vec<WeeklyWindow>,
    /// Days the volunteer is unavailable (inclusive).
    pub blackouts: Vec<DateRange>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GuardianConsentResponse {
    pub id: i64,
    pub relationship: String,
    pub guardian_id_type: String,
    pub guardian_id_number_masked: String,
    pub guardian_mobile_masked: String,
    pub covers_registration: bool,
    pub covers_activities: bool,
    pub method: String,
    pub consented_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsurancePolicyResponse {
    pub id: i64,
    pub insurer: String,
    /// Masked (`**********1234`) except for the volunteer and a bureau admin in scope.
    pub policy_number: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

/// A volunteer as staff (in scope) and the volunteer see it. ID number and mobile are masked
/// unless revealed (`?reveal=`), which is permission-checked and audited.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerResponse {
    pub id: i64,
    /// Issued on activation; never reused.
    pub volunteer_number: Option<String>,
    pub status: VolunteerStatus,
    pub status_reason: Option<String>,
    pub name: String,
    pub id_type: String,
    /// `110105********002X` for readers who may reveal the number (the volunteer, a bureau
    /// admin in scope); `110105***********X` for everyone else.
    pub id_number_masked: String,
    /// Present only when revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// e.g. `138****8000`.
    pub mobile_masked: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Only for readers who may reveal the ID number: its hidden digits are the birth date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    pub sex: String,
    /// Only for readers who may reveal the ID number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    /// `0-13`, `14-17`, `18-29`, `30-39` … `70+`: what other readers see of the age.
    pub age_band: String,
    /// Awarded star level (0–5).
    pub stars: u8,
    pub home_region_code: String,
    pub organization_id: i64,
    pub fitness_level: i32,
    pub weekly_hour_cap_minutes: Option<i32>,
    pub own_income: bool,
    pub background_check_passed_on: Option<NaiveDate>,
    pub skills: Vec<SkillLevel>,
    pub languages: Vec<LanguageSkill>,
    pub availability: Availability,
    pub preferred_target_groups: Vec<String>,
    pub guardian_consents: Vec<GuardianConsentResponse>,
    pub insurance_policies: Vec<InsurancePolicyResponse>,
    pub attested_at: DateTime<Utc>,
    /// Who recorded the attestation (REG-09): `volunteer`, `staff` or `bureau_import` (the
    /// row's own attestation on a paper form, recorded by the importing bureau).
    pub attestation_source: Option<String>,
    pub privacy_consent_version: String,
    pub minors_policy_version: Option<String>,
    /// HRS-06: consent to be matched by coordinators anywhere in the province; `null` when
    /// none is in force.
    pub matching_consent: Option<MatchingConsentResponse>,
    /// Personal data erased on request (MIN-08 / PI-06); the record and its totals remain.
    pub anonymised: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send as `If-Match` when patching.
    pub version: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchingConsentResponse {
    /// `province`.
    pub scope: String,
    pub notice_version: String,
    pub consented_at: DateTime<Utc>,
}

/// The compact form used in lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerSummary {
    pub id: i64,
    pub volunteer_number: Option<String>,
    pub status: VolunteerStatus,
    pub name: String,
    /// The restricted mask (`110105***********X`) for every reader: lists never carry
    /// what the documented mask and an age together would give away.
    pub id_number_masked: String,
    /// Absent for an under-14 (PI-01: lists never decrypt it).
    pub sex: Option<String>,
    /// `0-13`, `14-17`, `18-29` … `70+`.
    pub age_band: String,
    pub home_region_code: String,
    pub organization_id: i64,
    pub skills: Vec<SkillLevel>,
    pub languages: Vec<LanguageSkill>,
}

fn skills_dto(skills: Vec<(String, i32)>) -> Vec<SkillLevel> {
    skills
        .into_iter()
        .map(|(code, level)| SkillLevel {
            code,
            level: level as u8,
        })
        .collect()
}

fn languages_dto(languages: Vec<(String, Proficiency)>) -> Vec<LanguageSkill> {
    languages
        .into_iter()
        .map(|(code, proficiency)| LanguageSkill { code, proficiency })
        .collect()
}

pub fn summary(
    row: VolunteerListing,
    skills: Vec<(String, i32)>,
    languages: Vec<(String, Proficiency)>,
    today: NaiveDate,
) -> VolunteerSummary {
    VolunteerSummary {
        status: row.status,
        age_band: age_band(age_on(row.birth_date, today)).to_string(),
        id: row.id,
        volunteer_number: row.volunteer_number,
        name: row.name,
        id_number_masked: restrict_id_mask(&row.id_number_masked),
        sex: row.sex,
        home_region_code: row.home_region_code,
        organization_id: row.organization_id,
        skills: skills_dto(skills),
        languages: languages_dto(languages),
    }
}

fn minutes_to_hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn full(
    cipher: &PersonalDataCipher,
    row: VolunteerRow,
    parts: VolunteerParts,
    reveal: Reveal,
    view: PersonalView,
    today: NaiveDate,
) -> VolunteerResponse {
    let may_reveal = view == PersonalView::MayReveal;
    let exact = crate::registry::at_rest::exact_fields(cipher, &row, parts.protected.as_ref());
    let age = age_on(exact.birth_date, today);
    let decrypt = |v: &Option<String>| v.as_deref().and_then(|c| cipher.decrypt(c).ok());
    // The clear `name` column is masked for under-14s; staff in scope see the real name.
    let name = cipher
        .decrypt(&row.name_enc)
        .unwrap_or_else(|_| row.name.clone());
    VolunteerResponse {
        status: row.status,
        age: may_reveal.then_some(age),
        age_band: age_band(age).to_string(),
        id_number: if reveal.id_number {
            decrypt(&row.id_number_enc)
        } else {
            None
        },
        mobile: if reveal.mobile {
            decrypt(&row.mobile_enc)
        } else {
            None
        },
        stars: u8::try_from(parts.stars).unwrap_or_default(),
        skills: skills_dto(parts.skills),
        languages: languages_dto(parts.languages),
        availability: Availability {
            weekly: parts
                .availability
                .iter()
                .map(|w| WeeklyWindow {
                    weekday: w.weekday as u8,
                    start: minutes_to_hhmm(w.start_minute),
                    end: minutes_to_hhmm(w.end_minute),
                })
                .collect(),
            blackouts: parts
                .blackouts
                .iter()
                .map(|b| DateRange {
                    from: b.starts_on,
                    to: b.ends_on,
                })
                .collect(),
        },
        preferred_target_groups: parts.target_groups,
        matching_consent: parts.matching_consent.map(|m| MatchingConsentResponse {
            scope: m.scope,
            notice_version: m.notice_version,
            consented_at: m.consented_at.and_utc(),
        }),
        guardian_consents: parts
            .consents
            .into_iter()
            .map(|c| GuardianConsentResponse {
                id: c.id,
                relationship: crate::registry::at_rest::relationship(cipher, &c),
                guardian_id_type: c.guardian_id_type,
                guardian_id_number_masked: view.id_mask(&c.guardian_id_masked),
                guardian_mobile_masked: c.guardian_mobile_masked,
                covers_registration: c.covers_registration,
                covers_activities: c.covers_activities,
                method: c.method,
                consented_at: c.consented_at.and_utc(),
            })
            .collect(),
        insurance_policies: parts
            .policies
            .into_iter()
            .map(|p| InsurancePolicyResponse {
                id: p.id,
                insurer: p.insurer,
                // The holder's and the registering bureau's business (PI-01).
                policy_number: match may_reveal {
                    true => p.policy_number,
                    false => crate::domain::identity::mask_policy_number(&p.policy_number),
                },
                valid_from: p.valid_from,
                valid_to: p.valid_to,
            })
            .collect(),
        id: row.id,
        volunteer_number: row.volunteer_number,
        status_reason: row.status_reason,
        name,
        id_type: row.id_type,
        id_number_masked: view.id_mask_from(&row.id_number_masked, || {
            crate::registry::at_rest::documented_id_mask(cipher, row.id_number_enc.as_deref())
        }),
        mobile_masked: row.mobile_masked,
        birth_date: may_reveal.then_some(exact.birth_date),
        sex: exact.sex.unwrap_or_default(),
        home_region_code: exact.home_region_code,
        organization_id: row.organization_id,
        fitness_level: row.fitness_level,
        weekly_hour_cap_minutes: row.weekly_cap_minutes,
        own_income: row.own_income,
        background_check_passed_on: row.background_check_passed_on,
        attested_at: row.attested_at.and_utc(),
        attestation_source: parts.attestation.map(|a| a.source),
        privacy_consent_version: row.privacy_consent_version,
        minors_policy_version: row.minors_policy_version,
        anonymised: row.anonymised_at.is_some(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    }
}

/// A volunteer after a change, as the caller now sees it (nothing revealed).
pub fn response_of(state: &AppState, v: VolunteerView) -> VolunteerResponse {
    let today = state.clock.today();
    full(
        &state.cipher,
        v.row,
        v.parts,
        Reveal::default(),
        v.view,
        today,
    )
}

/// The same, as the answer to the change, with its ETag.
pub fn changed(state: &AppState, v: VolunteerView) -> HttpResponse {
    let response = response_of(state, v);
    HttpResponse::Ok()
        .insert_header(("ETag", etag(response.version)))
        .json(response)
}

use crate::registry::reach::PersonalView;
pub use crate::routes::common::extract::etag;
