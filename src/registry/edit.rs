//! Reading and changing one volunteer: the audited read (PI-04), the PATCH of plain fields,
//! replacing a profile part, and lifecycle steps. Each returns the volunteer as the caller
//! now sees it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::volunteers::{VolunteerParts, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::volunteer::{StatusAction, VolunteerStatus};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::reach::PersonalView;
use crate::service::reach::{Access, load_in_reach};

/// A volunteer with its profile parts and how much of its identity the reader sees.
pub struct VolunteerView {
    pub row: VolunteerRow,
    pub parts: VolunteerParts,
    pub view: PersonalView,
}

/// Which unmasked values to include (authorised and audited by `read_volunteer`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Reveal {
    pub id_number: bool,
    pub mobile: bool,
}

/// Volunteer `id` as `reader` sees it, after a change the reader just made.
pub fn view_of(conn: &mut DbConn, id: i64, reader: &Principal) -> ApiResult<VolunteerView> {
    let row = db::volunteers::find(conn, id)?.ok_or_else(|| ApiError::not_found("volunteer"))?;
    let parts = db::volunteers::parts(conn, id)?;
    let view = PersonalView::of(reader, row.id, &row.org_path);
    Ok(VolunteerView { row, parts, view })
}

/// Reads one volunteer. Unmasked values need `RevealPersonalData`; they, and reads of an
/// under-14's data by anyone but the volunteer, leave an audit trace (PI-04).
pub fn read_volunteer(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    reveal: Reveal,
    today: NaiveDate,
) -> ApiResult<VolunteerView> {
    let action = if reveal.id_number || reveal.mobile {
        Action::RevealPersonalData
    } else {
        Action::ReadVolunteers
    };
    let row = load_in_reach::<VolunteerRow>(conn, user, id, Access::Act(action))?;
    if action == Action::RevealPersonalData {
        let fields: Vec<&str> = [("id_number", reveal.id_number), ("mobile", reveal.mobile)]
            .into_iter()
            .filter_map(|(f, on)| on.then_some(f))
            .collect();
        let what = if fields.is_empty() {
            "volunteer.read_minor"
        } else {
            "volunteer.reveal"
        };
        db::audit::record(
            conn,
            AuditEntry::by(user, what, "volunteer")
                .entity(row.id, &row.org_path)
                .detail(serde_json::json!({ "fields": fields })),
        )?;
    }
    // PI-04: a minor's record (14–17 as well as under 14) read by anyone but the minor.
    super::minor_reads::audit(conn, user, [&row], "record", today)?;
    let parts = db::volunteers::parts(conn, id)?;
    let view = PersonalView::of(user, row.id, &row.org_path);
    Ok(VolunteerView { row, parts, view })
}

/// Moves a volunteer through its lifecycle (approve, suspend, reinstate, withdraw). A
/// suspension needs a reason; the first activation issues the volunteer number.
pub fn change_status(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    action: StatusAction,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> ApiResult<VolunteerView> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if action == StatusAction::Suspend && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a suspension needs a reason",
        )]));
    }
    let permission = match action {
        StatusAction::Withdraw => Action::WithdrawVolunteer,
        _ => Action::ChangeVolunteerStatus,
    };
    let row = load_in_reach::<VolunteerRow>(conn, user, id, Access::Act(permission))?;
    let from = row.status;
    let to = from.after(action).ok_or_else(|| {
        let done = match action {
            StatusAction::Approve => "approved",
            StatusAction::Suspend => "suspended",
            StatusAction::Reinstate => "reinstated",
            StatusAction::Withdraw => "withdrawn",
        };
        ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!("a {} volunteer cannot be {done}", from.as_str()),
        )
    })?;
    match to {
        // The volunteer number is issued on the first activation.
        VolunteerStatus::Active => {
            super::activate(conn, &row, reason.as_deref())?;
        }
        _ => {
            db::volunteers::set_status(conn, id, to.as_str(), reason.as_deref(), None).map(drop)?
        }
    }
    // PI-06: the retention period of contact and guardian data starts now.
    if to == VolunteerStatus::Withdrawn {
        db::privacy::record_deregistration(conn, id, now.naive_utc())?;
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, &format!("volunteer.{}", action.as_str()), "volunteer")
            .entity(id, &row.org_path)
            .detail(
                serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason }),
            ),
    )?;
    view_of(conn, id, user)
}

/// Records a guardian's consent: the guardian must differ from the volunteer, which needs the
/// stored ID number.
pub fn add_guardian_consent(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    input: crate::domain::volunteer::GuardianConsentInput,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<VolunteerView> {
    let row =
        load_in_reach::<VolunteerRow>(conn, user, id, Access::Act(Action::RecordGuardianConsent))?;
    let number = row
        .id_number_enc
        .as_deref()
        .and_then(|e| cipher.decrypt(e).ok())
        .unwrap_or_default();
    let id_type = crate::domain::identity::IdType::parse(&row.id_type)
        .ok_or_else(|| ApiError::internal("unknown ID type in storage"))?;
    let volunteer_id = crate::domain::identity::IdDocument {
        id_type,
        number,
        // An under-14's plain birth date is coarse (PI-01); the guardian check needs the real one.
        birth_date: Some(
            super::at_rest::exact_fields(
                cipher,
                &row,
                db::privacy::protected_of(conn, id)?.as_ref(),
            )
            .birth_date,
        ),
        sex: None,
    };
    let today = crate::clock::local_date(now);
    let consent =
        crate::domain::volunteer::parse_guardian_consent(&input, &volunteer_id, today, "")
            .map_err(|problems| {
                ApiError::validation(
                    problems
                        .into_iter()
                        .map(|p| {
                            FieldError::new(p.field.trim_start_matches('.'), p.code, p.message)
                        })
                        .collect(),
                )
            })?;
    let by = Some(user.user_id);
    db::volunteers::insert_consent(
        conn,
        &super::consent_row(cipher, id, &consent, by, now.naive_utc()),
    )?;
    super::profile::updated(conn, user, &row, "guardian_consents")
}
