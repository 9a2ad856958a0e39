//! Changing a volunteer's profile: the PATCH of plain fields (with the version read), and
//! replacing one profile part (skills, languages, availability, target groups, matching
//! consent, safeguards). A PATCH never touches status, organisation, number or derived fields
//! (no mass assignment).

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::edit::{VolunteerView, view_of};
use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::volunteers::{VolunteerChanges, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::Invalid;
use crate::domain::identity::{Mobile, mask_name};
use crate::domain::region::RegionCode;
use crate::domain::volunteer::{parse_email, parse_name, under_14_on};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

/// Fields a PATCH may change; any other field (status, organisation…) is refused with 422.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVolunteerRequest {
    pub name: Option<String>,
    pub mobile: Option<String>,
    /// `null` removes the e-mail address.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub home_region_code: Option<String>,
    /// 1 light … 3 strenuous: the most demanding activities the volunteer can take on.
    pub fitness_level: Option<i32>,
    /// Most minutes of service a week; `null` for no cap.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub weekly_hour_cap_minutes: Option<Option<i32>>,
    /// 16–17-year-olds living on their own income count as adults (MIN-01).
    pub own_income: Option<bool>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// The stored changes a PATCH asks for, every problem reported together.
fn changes_of(
    body: &UpdateVolunteerRequest,
    cipher: &PersonalDataCipher,
) -> Result<VolunteerChanges, Vec<Invalid>> {
    let mut problems: Vec<Invalid> = Vec::new();
    let mut changes = VolunteerChanges::default();
    if let Some(name) = &body.name {
        match parse_name(name) {
            Ok(n) => {
                changes.name_enc = Some(cipher.encrypt(&n));
                changes.name = Some(n);
            }
            Err(e) => problems.push(e),
        }
    }
    if let Some(m) = &body.mobile {
        match Mobile::parse(m) {
            Some(m) => {
                changes.mobile_enc = Some(cipher.encrypt(m.as_str()));
                changes.mobile_masked = Some(m.masked());
            }
            None => problems.push(Invalid::new(
                "mobile",
                "invalid_format",
                "a mainland mobile number has 11 digits starting 13–19 (REG-07)",
            )),
        }
    }
    if let Some(email) = &body.email {
        changes.email_enc = Some(match email {
            Some(e) => match parse_email(e) {
                Ok(e) => Some(cipher.encrypt(&e)),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
            None => None,
        });
    }
    if let Some(code) = &body.home_region_code {
        match RegionCode::parse(code) {
            Ok(r) => changes.home_region_code = Some(r.as_str().to_string()),
            Err(e) => problems.push(Invalid::new("home_region_code", e.code(), e.message())),
        }
    }
    if let Some(level) = body.fitness_level {
        if (1..=3).contains(&level) {
            changes.fitness_level = Some(level);
        } else {
            problems.push(Invalid::new(
                "fitness_level",
                "invalid_value",
                "fitness levels are 1, 2 or 3",
            ));
        }
    }
    if let Some(cap) = body.weekly_hour_cap_minutes {
        if cap.is_some_and(|c| !(1..=7 * 24 * 60).contains(&c)) {
            problems.push(Invalid::new(
                "weekly_hour_cap_minutes",
                "invalid_value",
                "a weekly cap is 1–10080 minutes",
            ));
        }
        changes.weekly_cap_minutes = Some(cap);
    }
    changes.own_income = body.own_income;
    match problems.is_empty() {
        true => Ok(changes),
        false => Err(problems),
    }
}

/// Updates a volunteer's plain fields if the record is still at `version`; nothing is
/// written when it is not.
pub fn update_volunteer(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    version: i32,
    body: UpdateVolunteerRequest,
    cipher: &PersonalDataCipher,
    today: NaiveDate,
) -> ApiResult<Result<VolunteerView, StaleVersion>> {
    // The name is printed on sealed certificates and `own_income` decides adulthood for
    // MIN-01: a volunteer changes them through a personal-data request, which staff check.
    if user.volunteer_id.is_some() && (body.name.is_some() || body.own_income.is_some()) {
        return Err(ApiError::forbidden(
            "your name and own-income status change through a correction request \
             (POST /api/v1/volunteers/{id}/personal-data-requests); you may edit your contact details",
        )
        .with_code(ErrorCode::IdentityChangeByRequest));
    }
    let mut changes = changes_of(&body, cipher).map_err(ApiError::invalid)?;
    let row =
        load_in_reach::<VolunteerRow>(conn, user, id, Access::Act(Action::EditVolunteerProfile))?;
    if let Some(code) = &changes.home_region_code {
        super::require_listed_region(conn, "home_region_code", code)?;
    }
    // Under-14s keep only a masked name in the clear (PI-01).
    if let Some(name) = &changes.name
        && under_14_on(row.birth_date, today)
    {
        changes.name = Some(mask_name(name));
    }
    if !db::volunteers::update_if_version(conn, id, version, &changes)? {
        return Ok(Err(StaleVersion));
    }
    let fields: Vec<&str> = [
        ("name", changes.name.is_some()),
        ("mobile", changes.mobile_enc.is_some()),
        ("email", changes.email_enc.is_some()),
        ("home_region_code", changes.home_region_code.is_some()),
        ("fitness_level", changes.fitness_level.is_some()),
        (
            "weekly_hour_cap_minutes",
            changes.weekly_cap_minutes.is_some(),
        ),
        ("own_income", changes.own_income.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, changed)| changed.then_some(f))
    .collect();
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.update", "volunteer")
            .entity(id, &row.org_path)
            .detail(serde_json::json!({ "fields": fields })),
    )?;
    view_of(conn, id, user).map(Ok)
}

/// One profile part, replaced whole.
pub enum ProfilePart {
    Skills(Vec<(String, i32)>),
    Languages(Vec<(String, String)>),
    Availability {
        /// (weekday, start minute, end minute)
        weekly: Vec<(i32, i32, i32)>,
        blackouts: Vec<(NaiveDate, NaiveDate)>,
    },
    TargetGroups(Vec<String>),
    /// HRS-06, with the notice version consented to.
    MatchingConsent(String),
    MatchingConsentWithdrawn,
    InsurancePolicy {
        insurer: String,
        policy_number: String,
        valid: (NaiveDate, NaiveDate),
    },
    BackgroundCheck(Option<NaiveDate>),
}

impl ProfilePart {
    /// Who may replace it, and its name in the audit trail.
    fn action_and_name(&self) -> (Action, &'static str) {
        use ProfilePart::*;
        match self {
            Skills(_) => (Action::EditVolunteerProfile, "skills"),
            Languages(_) => (Action::EditVolunteerProfile, "languages"),
            Availability { .. } => (Action::EditVolunteerProfile, "availability"),
            TargetGroups(_) => (Action::EditVolunteerProfile, "preferred_target_groups"),
            MatchingConsent(_) => (Action::EditVolunteerProfile, "matching_consent"),
            MatchingConsentWithdrawn => {
                (Action::EditVolunteerProfile, "matching_consent_withdrawn")
            }
            InsurancePolicy { .. } => (Action::RecordSafeguards, "insurance_policies"),
            BackgroundCheck(_) => (Action::RecordSafeguards, "background_check"),
        }
    }
}

/// Replaces one profile part of a volunteer the caller may edit it on.
pub fn replace_part(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    part: ProfilePart,
) -> ApiResult<VolunteerView> {
    let (action, name) = part.action_and_name();
    let row = load_in_reach::<VolunteerRow>(conn, user, id, Access::Act(action))?;
    let by = user.user_id;
    match part {
        ProfilePart::Skills(rows) => db::volunteers::replace_skills(conn, id, &rows)?,
        ProfilePart::Languages(rows) => db::volunteers::replace_languages(conn, id, &rows)?,
        ProfilePart::Availability { weekly, blackouts } => {
            db::volunteers::replace_availability(conn, id, &weekly, &blackouts)?
        }
        ProfilePart::TargetGroups(groups) => {
            db::volunteers::replace_target_groups(conn, id, &groups)?
        }
        ProfilePart::MatchingConsent(version) => db::consents::give(conn, id, &version, by)?,
        ProfilePart::MatchingConsentWithdrawn => {
            db::consents::withdraw(conn, id, by)?;
        }
        ProfilePart::InsurancePolicy {
            insurer,
            policy_number,
            valid,
        } => {
            db::volunteers::insert_policy(conn, id, &insurer, &policy_number, valid, by)?;
        }
        ProfilePart::BackgroundCheck(passed_on) => {
            db::volunteers::set_background_check(conn, id, passed_on)?;
        }
    }
    updated(conn, user, &row, name)
}

/// After a part of `row` changed: the version moves on, the change is audited, and the
/// volunteer comes back as the caller now sees it.
pub(super) fn updated(
    conn: &mut DbConn,
    user: &Principal,
    row: &VolunteerRow,
    part: &str,
) -> ApiResult<VolunteerView> {
    db::volunteers::touch(conn, row.id)?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.update", "volunteer")
            .entity(row.id, &row.org_path)
            .detail(serde_json::json!({ "fields": [part] })),
    )?;
    view_of(conn, row.id, user)
}

/// The record changed since the caller read it (the version in `If-Match` is old).
#[derive(Debug)]
pub struct StaleVersion;
