//! Registering volunteers, shared by staff registration, self-registration, bulk import and
//! recruitment applications: a checked `NewVolunteer` becomes encrypted rows.

pub mod accounts;
pub mod anonymous;
pub mod at_rest;
pub mod data_requests;
pub mod edit;
pub mod import;
pub mod import_file;
pub mod minor_reads;
pub mod profile;
pub mod reach;
pub mod retention;
pub mod search;

use chrono::NaiveDateTime;

use crate::crypto::PersonalDataCipher;
use crate::db::organizations::OrganizationRow;
use crate::db::volunteers::{
    LanguageRow, NewGuardianConsentRow, NewVolunteerRow, SkillRow, VolunteerRow,
};
use crate::db::{self, DbConn};
use crate::domain::identity::{IdDocument, mask_name, restrict_id_mask};
use crate::domain::volunteer::{GuardianConsent, NewVolunteer, VolunteerStatus, volunteer_number};
use crate::error::{ApiError, ErrorCode};

/// Activation codes stay valid this long.
pub const ACTIVATION_DAYS: i64 = 30;

/// A one-time activation secret: the code handed out is `{volunteer_id}.{secret}`, and only
/// the secret's digest is stored. Looking the record up by id needs no index on the digest,
/// which keeps bulk imports fast.
#[derive(Clone)]
pub struct ActivationSecret {
    pub secret: String,
    pub digest: String,
    pub expires_at: NaiveDateTime,
}

impl ActivationSecret {
    pub fn new(now: NaiveDateTime) -> Self {
        let secret = crate::auth::tokens::new_secret()[..16].to_string();
        Self {
            digest: crate::auth::tokens::digest(&secret),
            secret,
            expires_at: now + chrono::Duration::days(ACTIVATION_DAYS),
        }
    }

    pub fn code_for(&self, volunteer_id: i64) -> String {
        format!("{volunteer_id}.{}", self.secret)
    }
}

/// Fresh activation codes for these volunteers, replacing their pending ones (the old codes
/// stop working). A volunteer whose code was already used gets none.
pub fn reissue_activations(
    conn: &mut DbConn,
    volunteer_ids: &[i64],
    now: NaiveDateTime,
) -> diesel::QueryResult<std::collections::HashMap<i64, String>> {
    let mut codes = std::collections::HashMap::new();
    for &id in volunteer_ids {
        let fresh = ActivationSecret::new(now);
        if db::volunteers::replace_activation(conn, id, &fresh.digest, fresh.expires_at)? > 0 {
            codes.insert(id, fresh.code_for(id));
        }
    }
    Ok(codes)
}

/// Splits a code into the volunteer id and the digest of its secret.
pub fn parse_activation_code(code: &str) -> Option<(i64, String)> {
    let (id, secret) = code.trim().split_once('.')?;
    Some((id.parse().ok()?, crate::auth::tokens::digest(secret)))
}

/// The blind index that keeps `(id_type, id_number)` unique (REG-06).
pub fn id_hash(cipher: &PersonalDataCipher, id: &IdDocument) -> String {
    cipher.blind_index(&format!("id:{}", id.id_type.as_str()), &id.number)
}

/// The province part of volunteer numbers issued by an organisation (`00` for the ministry).
pub fn number_province(org: &OrganizationRow) -> &str {
    match &org.region_code[..2] {
        "00" => "00",
        prefix => prefix,
    }
}

/// The next volunteer number of the organisation's province (issued on first activation).
pub fn issue_number(conn: &mut DbConn, org: &OrganizationRow) -> Result<String, ApiError> {
    let province = number_province(org);
    let seq = db::volunteers::reserve_numbers(conn, province, 1)?;
    Ok(volunteer_number(province, seq))
}

/// Activates a volunteer (approval, an accepted application), issuing a number on the first
/// activation; returns the number.
pub fn activate(
    conn: &mut DbConn,
    volunteer: &VolunteerRow,
    reason: Option<&str>,
) -> Result<String, ApiError> {
    let number = match &volunteer.volunteer_number {
        Some(n) => n.clone(),
        None => {
            let org = db::organizations::find(conn, volunteer.organization_id)?
                .ok_or_else(|| ApiError::internal("registering organisation missing"))?;
            issue_number(conn, &org)?
        }
    };
    db::volunteers::set_status(
        conn,
        volunteer.id,
        VolunteerStatus::Active.as_str(),
        reason,
        Some(&number),
    )?;
    // A login from an anonymous registration opens with the confirmation.
    db::users::release_held_for_volunteer(conn, volunteer.id)?;
    Ok(number)
}

pub fn duplicate_id() -> ApiError {
    ApiError::conflict(
        ErrorCode::DuplicateIdNumber,
        "a volunteer with this ID number is already registered (REG-06)",
    )
}

/// The stored form of a registration. Under-14s keep only a masked name and coarse birth
/// date and region in the clear (PI-01; the exact values go to `at_rest::protected_row`).
pub fn new_row(
    cipher: &PersonalDataCipher,
    v: &NewVolunteer,
    org: &OrganizationRow,
    status: VolunteerStatus,
    number: Option<String>,
    activation: Option<(String, NaiveDateTime)>,
    at: NaiveDateTime,
) -> NewVolunteerRow {
    let today = crate::clock::local_date(at.and_utc());
    let child = v.is_under_14_on(today);
    let display_name = if child {
        mask_name(&v.name)
    } else {
        v.name.clone()
    };
    let (activation_code_hash, activation_expires_at) = activation.unzip();
    NewVolunteerRow {
        volunteer_number: number,
        status: status.as_str().to_string(),
        organization_id: org.id,
        org_path: org.path.clone(),
        name: display_name,
        name_enc: cipher.encrypt(&v.name),
        id_type: v.id.id_type.as_str().to_string(),
        id_number_enc: Some(cipher.encrypt(&v.id.number)),
        // PI-01: the restricted mask; the documented one comes from `id_number_enc`.
        id_number_masked: restrict_id_mask(&v.id.number),
        id_hash: Some(id_hash(cipher, &v.id)),
        birth_date: match child {
            true => at_rest::coarse_birth_date(v.birth_date),
            false => v.birth_date,
        },
        sex: (!child).then(|| v.sex.as_str().to_string()),
        mobile_enc: Some(cipher.encrypt(v.mobile.as_str())),
        mobile_masked: v.mobile.masked(),
        email_enc: v.email.as_deref().map(|e| cipher.encrypt(e)),
        home_region_code: match child {
            true => at_rest::coarse_region(v.home_region.as_str()),
            false => v.home_region.as_str().to_string(),
        },
        attested_at: at,
        privacy_consent_version: v.privacy_consent_version.clone(),
        minors_policy_version: v.minors_policy_version.clone(),
        activation_code_hash,
        activation_expires_at,
        created_at: at,
        updated_at: at,
    }
}

pub fn skill_rows(volunteer_id: i64, v: &NewVolunteer) -> Vec<SkillRow> {
    v.skills
        .iter()
        .map(|s| SkillRow {
            volunteer_id,
            skill_code: s.code.clone(),
            level: i32::from(s.level),
        })
        .collect()
}

pub fn language_rows(volunteer_id: i64, v: &NewVolunteer) -> Vec<LanguageRow> {
    v.languages
        .iter()
        .map(|l| LanguageRow {
            volunteer_id,
            language_code: l.code.clone(),
            proficiency: l.proficiency.as_str().to_string(),
        })
        .collect()
}

pub fn consent_row(
    cipher: &PersonalDataCipher,
    volunteer_id: i64,
    c: &GuardianConsent,
    recorded_by: Option<i64>,
    at: NaiveDateTime,
) -> NewGuardianConsentRow {
    NewGuardianConsentRow {
        volunteer_id,
        guardian_name_enc: Some(cipher.encrypt(&c.guardian_name)),
        relationship: None,
        relationship_enc: Some(cipher.encrypt(&c.relationship)),
        guardian_id_type: c.guardian_id.id_type.as_str().to_string(),
        guardian_id_enc: Some(cipher.encrypt(&c.guardian_id.number)),
        guardian_id_masked: c.guardian_id.masked(),
        guardian_mobile_enc: Some(cipher.encrypt(c.guardian_mobile.as_str())),
        guardian_mobile_masked: c.guardian_mobile.masked(),
        covers_registration: c.covers_registration,
        covers_activities: c.covers_activities,
        method: c.method.as_str().to_string(),
        consented_at: at,
        recorded_by,
    }
}

/// Stores one registration (inside a write transaction): duplicate check, record, number if
/// active, skills, languages, guardian consent. Returns the new id.
pub fn insert_one(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    v: &NewVolunteer,
    org: &OrganizationRow,
    status: VolunteerStatus,
    activation: Option<(String, NaiveDateTime)>,
    recorded_by: Option<i64>,
) -> Result<i64, ApiError> {
    require_listed_region(conn, "home_region_code", v.home_region.as_str())?;
    if db::volunteers::exists_with_hash(conn, &id_hash(cipher, &v.id))? {
        return Err(duplicate_id());
    }
    let number = match status {
        VolunteerStatus::Active => Some(issue_number(conn, org)?),
        _ => None,
    };
    let at = db::now();
    let row = new_row(cipher, v, org, status, number, activation, at);
    let id = db::volunteers::insert(conn, &row)?;
    if v.is_under_14_on(crate::clock::local_date(at.and_utc())) {
        db::privacy::insert_protected(conn, &[at_rest::protected_row(cipher, id, v)])?;
    }
    db::volunteers::insert_skill_rows(conn, &skill_rows(id, v))?;
    db::volunteers::insert_language_rows(conn, &language_rows(id, v))?;
    if let Some(consent) = &v.guardian_consent {
        db::volunteers::insert_consent(conn, &consent_row(cipher, id, consent, recorded_by, at))?;
    }
    // REG-09: whose hand the attestation came through.
    let source = match recorded_by {
        Some(_) => "staff",
        None => "volunteer",
    };
    db::volunteers::insert_attestations(
        conn,
        &[db::volunteers::AttestationRow {
            volunteer_id: id,
            source: source.into(),
            recorded_by,
        }],
    )?;
    Ok(id)
}

/// REG-08: a region code must be on the GB/T 2260 list at its own level (a well-formed code
/// under a known province is not enough: `339999` is no region).
pub fn require_listed_region(conn: &mut DbConn, field: &str, code: &str) -> Result<(), ApiError> {
    match db::reference::region_listed(conn, code)? {
        true => Ok(()),
        false => Err(ApiError::validation(vec![unlisted_region(field, code)])),
    }
}

pub fn unlisted_region(field: &str, code: &str) -> crate::error::FieldError {
    crate::error::FieldError::new(
        field,
        "unknown_region",
        format!("{code} is not a region code in the GB/T 2260 list (REG-08)"),
    )
    .with_rule("REG-08")
}

/// An accepted application for a pending volunteer whom the caller may not activate: the
/// bureau admins over the registering organisation are asked to approve, and the request is
/// audited in their subtree.
pub fn ask_bureau_to_approve(
    c: &mut DbConn,
    user: &crate::auth::policy::Principal,
    volunteer: &VolunteerRow,
    recruitment_id: i64,
    campaign_title: &str,
) -> Result<(), ApiError> {
    use crate::db::notifications::{Notice, Recipient};
    for admin in db::users::bureau_admins_over(c, &volunteer.org_path)? {
        db::notifications::push(
            c,
            Notice {
                recipient: Recipient::User(admin),
                kind: "volunteer_approval_requested",
                title: "志愿者待审核：报名已被录用".into(),
                body: format!(
                    "A pending volunteer you registered was accepted by the campaign {campaign_title:?}; approve them to activate."
                ),
                entity: Some(("volunteer", volunteer.id.to_string())),
                dedupe_key: Some(format!(
                    "approval:{}:{recruitment_id}:{admin}",
                    volunteer.id
                )),
            },
        )?;
    }
    db::audit::record(
        c,
        db::audit::AuditEntry::by(user, "volunteer.approval_requested", "volunteer")
            .entity(volunteer.id, &volunteer.org_path)
            .detail(serde_json::json!({ "recruitment_id": recruitment_id })),
    )?;
    Ok(())
}
