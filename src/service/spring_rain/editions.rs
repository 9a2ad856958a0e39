//! Editions: the ministry announces a year's edition (`planning`), opens it for deployments
//! and closes it; it enrols the pairings taking part. Every staff member reads them.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::spring_rain::{EditionRow, NewEditionRow, PairingRow};
use crate::db::{self, DbConn, audit::AuditEntry, now};
use crate::domain::calendar::check_dates;
use crate::domain::spring_rain::{EditionAction, EditionDraft, EditionStatus, check_edition};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::reach::{Access, load_in_reach};

/// Where editions sit in the audit log (they belong to the programme, not to one
/// organisation's subtree).
const NATIONAL: &str = "/1/";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEditionRequest {
    /// 2010–2100, one edition per year.
    pub year: i32,
    pub title: String,
    #[serde(default)]
    pub theme: String,
    /// The day provinces hand in their deployment plans (PLAN-01).
    pub plans_due_on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolPairingRequest {
    pub pairing_id: i64,
}

pub fn create_edition(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateEditionRequest,
) -> ApiResult<EditionRow> {
    user.require(Action::ManageSpringRain)?;
    let draft = EditionDraft {
        year: req.year,
        title: req.title.trim().to_string(),
        theme: req.theme.trim().to_string(),
        plans_due_on: req.plans_due_on,
    };
    let mut problems = check_edition(&draft);
    problems.extend(check_dates([("plans_due_on", Some(draft.plans_due_on))]));
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let at = now();
    let row = db::spring_rain::insert_edition(
        conn,
        &NewEditionRow {
            year: draft.year,
            title: draft.title,
            theme: draft.theme,
            plans_due_on: draft.plans_due_on,
            status: EditionStatus::Planning,
            created_by: Some(user.user_id),
            created_at: at,
            updated_at: at,
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "spring_rain_edition.create", "spring_rain_edition")
            .entity(row.id, NATIONAL),
    )?;
    Ok(row)
}

pub fn list_editions(
    conn: &mut DbConn,
    user: &Principal,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<EditionRow>> {
    user.require(Action::ReadSpringRain)?;
    Ok(db::spring_rain::list_editions(conn, after_id, limit)?)
}

/// An edition with the pairings taking part in it.
pub fn get_edition(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
) -> ApiResult<(EditionRow, Vec<PairingRow>)> {
    let edition = load_in_reach::<EditionRow>(conn, user, id, Access::Read)?;
    let pairings = db::spring_rain::edition_pairings(conn, id, None)?;
    Ok((edition, pairings))
}

/// Opens or closes an edition; any other step (reopening, closing before opening) is refused.
pub fn move_edition(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    action: EditionAction,
) -> ApiResult<(EditionRow, Vec<PairingRow>)> {
    let edition =
        load_in_reach::<EditionRow>(conn, user, id, Access::Act(Action::ManageSpringRain))?;
    let refused = || {
        ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!(
                "an edition that is {} cannot {}",
                edition.status.as_str(),
                action.as_str()
            ),
        )
    };
    let to = edition.status.after(action).ok_or_else(refused)?;
    // Write first: of two concurrent moves, the second finds the status changed.
    if !db::spring_rain::set_edition_status(conn, id, edition.status, to)? {
        return Err(refused());
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, "spring_rain_edition.status", "spring_rain_edition")
            .entity(id, NATIONAL)
            .detail(serde_json::json!({ "from": edition.status.as_str(), "to": to.as_str() })),
    )?;
    get_edition(conn, user, id)
}

/// Enrols a pairing in an edition (until the edition closes); enrolling it again changes
/// nothing.
pub fn enrol_pairing(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    req: EnrolPairingRequest,
) -> ApiResult<(EditionRow, Vec<PairingRow>)> {
    let edition =
        load_in_reach::<EditionRow>(conn, user, id, Access::Act(Action::ManageSpringRain))?;
    let pairing = load_in_reach::<PairingRow>(conn, user, req.pairing_id, Access::Read)?;
    if !edition.status.takes_pairings() {
        return Err(ApiError::conflict(
            ErrorCode::EditionClosed,
            "a closed edition takes no more pairings",
        ));
    }
    if !db::spring_rain::takes_part(conn, id, pairing.id)? {
        db::spring_rain::add_to_edition(conn, id, pairing.id, user.user_id)?;
        db::audit::record(
            conn,
            AuditEntry::by(
                user,
                "spring_rain_edition.enrol_pairing",
                "spring_rain_edition",
            )
            .entity(id, NATIONAL)
            .detail(serde_json::json!({ "pairing_id": pairing.id })),
        )?;
    }
    get_edition(conn, user, id)
}
