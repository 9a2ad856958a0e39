//! A new person's application: the person registers as a pending volunteer with it
//! (`registry::anonymous`). The public checks run before the password is hashed; the
//! registration and the application are written together after.

use chrono::{DateTime, Utc};

use super::applications::{check_applicant, insert_application, quota_full, take_place};
use crate::crypto::PersonalDataCipher;
use crate::db::recruitment::RecruitmentRow;
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::eligibility::{EligibilityPolicy, VolunteerSnapshot};
use crate::domain::volunteer::NewVolunteer;
use crate::error::{ApiError, ApiResult};
use crate::registry;
use crate::registry::anonymous::{
    AnonymousInput, AnonymousOutcome, AnonymousRegistration, Channel,
};

/// An open campaign, or 404: a draft or closed one is not there for people without an account.
fn open_campaign(conn: &mut DbConn, recruitment_id: i64) -> ApiResult<RecruitmentRow> {
    match db::recruitment::find(conn, recruitment_id)? {
        Some(r) if r.status == crate::domain::recruitment::RecruitmentStatus::Open => Ok(r),
        _ => Err(ApiError::not_found("recruitment")),
    }
}

/// The cheap, public checks on a new person's application, made before any password hashing:
/// an unknown, closed, full or unsuitable campaign is refused. They tell only what anyone can
/// see: whether the campaign is open, has places, and what it requires.
pub fn check_newcomer(
    conn: &mut DbConn,
    recruitment_id: i64,
    new: &NewVolunteer,
    policy: &EligibilityPolicy,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let campaign = open_campaign(conn, recruitment_id)?;
    let applicant = VolunteerSnapshot::newcomer(new);
    check_applicant(
        &campaign,
        &applicant,
        policy,
        now,
        crate::clock::local_date(now),
    )?;
    if campaign.places_taken >= campaign.quota {
        return Err(quota_full());
    }
    Ok(())
}

/// A new person's application, once its password is hashed: the person is registered as a
/// pending volunteer (`registry::anonymous`) and applies in the same transaction, so a race for
/// the last place rolls the registration back with it. A duplicate (disputed) registration
/// files no application; the caller answers the same either way.
pub fn apply_as_new_person(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    recruitment_id: i64,
    input: &AnonymousInput,
    password_hash: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let campaign = open_campaign(conn, recruitment_id)?;
    let org = db::organizations::find(conn, campaign.organization_id)?
        .ok_or_else(|| ApiError::internal("campaign organisation missing"))?;
    let outcome = registry::anonymous::register(
        conn,
        cipher,
        &AnonymousRegistration {
            new: &input.new,
            username: &input.username,
            password_hash,
            org: &org,
            channel: Channel::Application { recruitment_id },
            request_id,
        },
    )?;
    let AnonymousOutcome::Registered { volunteer_id } = outcome else {
        return Ok(());
    };
    take_place(conn, recruitment_id, now)?;
    let application = insert_application(conn, recruitment_id, volunteer_id, now)?;
    db::audit::record(
        conn,
        AuditEntry {
            actor: None,
            request_id,
            action: "application.submit_new",
            entity_type: "application",
            entity_id: Some(application.id.to_string()),
            org_path: Some(&campaign.org_path),
            detail: Some(
                serde_json::json!({ "recruitment_id": recruitment_id, "volunteer_id": volunteer_id }),
            ),
        },
    )?;
    Ok(())
}
