//! A volunteer registered by staff (`active` at once, with a one-time activation code), and
//! the volunteer's own login created from that code.

use chrono::{DateTime, Utc};

use super::edit::{VolunteerView, view_of};
use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::users::{NewUser, UserRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::account::Username;
use crate::domain::role::Role;
use crate::domain::volunteer::{RegistrationInput, VolunteerStatus, parse_registration};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::organization_for;

/// Registers a volunteer in an organisation of the caller's reach (default: its own). The
/// record is `active` at once; `activation` is the digest and expiry of its one-time code.
pub fn register_by_staff(
    conn: &mut DbConn,
    user: &Principal,
    input: &RegistrationInput,
    organization_id: Option<i64>,
    activation: &super::ActivationSecret,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<VolunteerView> {
    user.require(Action::RegisterVolunteer)?;
    let today = crate::clock::local_date(now);
    let new = parse_registration(input, today).map_err(ApiError::invalid)?;
    let org_id = organization_id.unwrap_or(user.org_id);
    let org = organization_for(conn, user, org_id, Action::RegisterVolunteer)?;
    let secret = (activation.digest.clone(), activation.expires_at);
    let id = super::insert_one(
        conn,
        cipher,
        &new,
        &org,
        VolunteerStatus::Active,
        Some(secret),
        Some(user.user_id),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "volunteer.register", "volunteer")
            .entity(id, &org.path)
            .detail(serde_json::json!({ "status": "active", "minor": new.age_on(today) < 18 })),
    )?;
    view_of(conn, id, user)
}

/// The volunteer whose unexpired activation code this is (`parse_activation_code`), or 401.
pub fn live_activation(
    conn: &mut DbConn,
    parsed: Option<&(i64, String)>,
    now: DateTime<Utc>,
) -> ApiResult<VolunteerRow> {
    let invalid = || ApiError::unauthorized("the activation code is unknown, used or expired");
    let (volunteer_id, digest) = parsed.ok_or_else(invalid)?;
    let volunteer = db::volunteers::find(conn, *volunteer_id)?.ok_or_else(invalid)?;
    let matches = volunteer.activation_code_hash.as_deref() == Some(digest.as_str());
    if !matches
        || volunteer
            .activation_expires_at
            .is_none_or(|t| t < now.naive_utc())
    {
        return Err(invalid());
    }
    Ok(volunteer)
}

/// Creates the volunteer's login from a live activation code (checked again here: it may
/// have been used meanwhile) and uses the code up.
pub fn create_volunteer_login(
    conn: &mut DbConn,
    parsed: Option<&(i64, String)>,
    username: &Username,
    password_hash: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<UserRow> {
    let volunteer = live_activation(conn, parsed, now)?;
    if db::users::find_by_username(conn, username.as_str())?.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::UsernameTaken,
            "this username is already in use",
        ));
    }
    db::volunteers::clear_activation(conn, volunteer.id)?;
    let user = db::users::insert(
        conn,
        &NewUser {
            username: username.as_str(),
            password_hash: Some(password_hash),
            role: Role::Volunteer.as_str(),
            organization_id: volunteer.organization_id,
            org_path: &volunteer.org_path,
            volunteer_id: Some(volunteer.id),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "volunteer.activate",
            entity_type: "volunteer",
            entity_id: Some(volunteer.id.to_string()),
            org_path: Some(&volunteer.org_path),
            detail: None,
        },
    )?;
    Ok(user)
}
