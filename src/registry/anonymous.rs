//! Registration by an anonymous caller (`POST /auth/register`, or an application without a
//! token). The caller must not learn whether a username or an ID number is registered
//! already, so every outcome answers the same (`AnonymousOutcome` stays on the server):
//! a fresh registration is stored with its login held until the bureau confirms it; a taken
//! username stores nothing; a taken ID number becomes an identity dispute for the bureau of
//! the existing registration, which is how a squatted number is contested.

use crate::auth::password;
use crate::crypto::PersonalDataCipher;
use crate::db::notifications::{Notice, Recipient};
use crate::db::organizations::OrganizationRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::account::Username;
use crate::domain::identity::mask_name;
use crate::domain::role::Role;
use crate::domain::volunteer::{NewVolunteer, VolunteerStatus};
use crate::domain::volunteer::{RegistrationInput, parse_registration};
use crate::error::{ApiError, ErrorCode, FieldError};

/// Where the registration came from; stored on a dispute.
#[derive(Debug, Clone, Copy)]
pub enum Channel {
    SelfRegistration,
    Application { recruitment_id: i64 },
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::SelfRegistration => "self_registration",
            Channel::Application { .. } => "application",
        }
    }

    fn recruitment_id(self) -> Option<i64> {
        match self {
            Channel::SelfRegistration => None,
            Channel::Application { recruitment_id } => Some(recruitment_id),
        }
    }
}

pub struct AnonymousRegistration<'a> {
    pub new: &'a NewVolunteer,
    pub username: &'a Username,
    pub password_hash: &'a str,
    pub org: &'a OrganizationRow,
    pub channel: Channel,
    pub request_id: &'a str,
}

/// What happened; for the server only, never told to the caller.
#[derive(Debug)]
pub enum AnonymousOutcome {
    Registered { volunteer_id: i64 },
    UsernameTaken,
    Disputed { dispute_id: i64 },
}

/// Stores an anonymous registration (inside a write transaction).
pub fn register(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    reg: &AnonymousRegistration,
) -> Result<AnonymousOutcome, ApiError> {
    if let Some((volunteer_id, org_id, org_path)) =
        db::volunteers::find_by_hash(conn, &super::id_hash(cipher, &reg.new.id))?
    {
        let dispute_id = open_dispute(conn, cipher, reg, volunteer_id, org_id, &org_path)?;
        return Ok(AnonymousOutcome::Disputed { dispute_id });
    }
    if db::users::find_by_username(conn, reg.username.as_str())?.is_some() {
        audit_anonymous(
            conn,
            reg,
            "volunteer.register_ignored",
            None,
            "username_taken",
        )?;
        return Ok(AnonymousOutcome::UsernameTaken);
    }
    let volunteer_id = super::insert_one(
        conn,
        cipher,
        reg.new,
        reg.org,
        VolunteerStatus::Pending,
        None,
        None,
    )?;
    let user = db::users::insert(
        conn,
        &db::users::NewUser {
            username: reg.username.as_str(),
            password_hash: Some(reg.password_hash),
            role: Role::Volunteer.as_str(),
            organization_id: reg.org.id,
            org_path: &reg.org.path,
            volunteer_id: Some(volunteer_id),
        },
    )?;
    db::users::hold_until_confirmed(conn, user.id)?;
    audit_anonymous(
        conn,
        reg,
        "volunteer.self_register",
        Some(volunteer_id),
        "pending",
    )?;
    Ok(AnonymousOutcome::Registered { volunteer_id })
}

fn open_dispute(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    reg: &AnonymousRegistration,
    volunteer_id: i64,
    org_id: i64,
    org_path: &str,
) -> Result<i64, ApiError> {
    let dispute_id = db::identity_disputes::insert(
        conn,
        &db::identity_disputes::NewDispute {
            volunteer_id,
            organization_id: org_id,
            org_path,
            channel: reg.channel.as_str(),
            recruitment_id: reg.channel.recruitment_id(),
            claimant_name_enc: cipher.encrypt(&reg.new.name),
            claimant_name_masked: mask_name(&reg.new.name),
            claimant_mobile_enc: cipher.encrypt(reg.new.mobile.as_str()),
            claimant_mobile_masked: reg.new.mobile.masked(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id: reg.request_id,
            action: "identity_dispute.open",
            entity_type: "identity_dispute",
            entity_id: Some(dispute_id.to_string()),
            org_path: Some(org_path),
            detail: Some(serde_json::json!({
                "volunteer_id": volunteer_id,
                "channel": reg.channel.as_str(),
            })),
        },
    )?;
    for admin in db::users::bureau_admins_over(conn, org_path)? {
        db::notifications::push(
            conn,
            Notice {
                recipient: Recipient::User(admin),
                kind: "identity_dispute",
                title: "身份证号争议：有人以已登记的证件号申请注册".into(),
                body: format!(
                    "A registration gave the ID number of volunteer {volunteer_id}; decide identity dispute {dispute_id}."
                ),
                entity: Some(("identity_dispute", dispute_id.to_string())),
                dedupe_key: Some(format!("identity_dispute:{dispute_id}:{admin}")),
            },
        )?;
    }
    Ok(dispute_id)
}

fn audit_anonymous(
    conn: &mut DbConn,
    reg: &AnonymousRegistration,
    action: &str,
    volunteer_id: Option<i64>,
    outcome: &str,
) -> Result<(), ApiError> {
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id: reg.request_id,
            action,
            entity_type: "volunteer",
            entity_id: volunteer_id.map(|id| id.to_string()),
            org_path: Some(&reg.org.path),
            detail: Some(serde_json::json!({
                "outcome": outcome,
                "channel": reg.channel.as_str(),
            })),
        },
    )?;
    Ok(())
}

/// A unique-key race (two registrations with one username or ID number at once) ends like
/// the sequential case, in the uniform answer.
pub fn is_duplicate_race(e: &ApiError) -> bool {
    matches!(
        e.error_code(),
        ErrorCode::Conflict | ErrorCode::DuplicateIdNumber | ErrorCode::UsernameTaken
    )
}

/// The parts of an anonymous registration every caller must send correctly (422 otherwise).
pub struct AnonymousInput {
    pub new: NewVolunteer,
    pub username: Username,
    pub password: String,
}

/// Checks an anonymous registration's fields and password policy (no database, no hashing).
pub fn parse_anonymous(
    registration: &RegistrationInput,
    username: &str,
    password: String,
    mut problems: Vec<FieldError>,
) -> Result<AnonymousInput, ApiError> {
    let new = parse_registration(registration, crate::clock::today())
        .map_err(|e| problems.extend(e.into_iter().map(FieldError::from)))
        .ok();
    let username = Username::parse(username)
        .map_err(|m| problems.push(FieldError::new("username", "invalid_format", m)))
        .ok();
    if let Some(u) = &username {
        problems.extend(password::check_policy(&password, u.as_str()));
    }
    match (new, username, problems.is_empty()) {
        (Some(new), Some(username), true) => Ok(AnonymousInput {
            new,
            username,
            password,
        }),
        _ => Err(ApiError::validation(problems)),
    }
}
