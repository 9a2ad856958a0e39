//! Pairings (SR-03): a sending province and a receiving region, from a start year, outliving
//! editions. The ministry creates them, refused with SR-01's rule id where the route breaks
//! it; a province's staff list the pairings it sends or receives, the ministry all.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal};
use crate::db::spring_rain::{NewPairingRow, PairingRow};
use crate::db::{self, DbConn, audit::AuditEntry, now};
use crate::domain::Invalid;
use crate::domain::policy::SpringRainPolicy;
use crate::domain::region::RegionCode;
use crate::domain::spring_rain::{PairingDraft, check_pairing};
use crate::error::{ApiError, ApiResult};
use crate::service::reach::{Access, load_in_reach};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePairingRequest {
    /// The inland province sending teams, e.g. `330000` (Zhejiang).
    pub sending_province: String,
    /// The border or ethnic region receiving them: a province (`650000`) or a prefecture
    /// within one (`653100`).
    pub receiving_region: String,
    pub start_year: i32,
    /// The pairing follows a counterpart-aid (对口支援) relationship.
    #[serde(default)]
    pub counterpart_aid: bool,
    /// SR-01: let a land-border province send (e.g. Yunnan); needs `override_reason`.
    #[serde(default)]
    pub intra_border_override: bool,
    pub override_reason: Option<String>,
}

fn region(field: &str, code: &str, problems: &mut Vec<Invalid>) -> Option<RegionCode> {
    match RegionCode::parse(code) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(Invalid::new(field, e.code(), e.message()));
            None
        }
    }
}

pub fn create_pairing(
    conn: &mut DbConn,
    user: &Principal,
    req: CreatePairingRequest,
    policy: &SpringRainPolicy,
) -> ApiResult<PairingRow> {
    user.require(Action::ManageSpringRain)?;
    let mut problems = Vec::new();
    let sending = region("sending_province", &req.sending_province, &mut problems);
    let receiving = region("receiving_region", &req.receiving_region, &mut problems);
    let (Some(sending), Some(receiving)) = (sending, receiving) else {
        return Err(ApiError::invalid(problems));
    };
    // REG-08: both are listed regions, not only codes under a known province.
    let mut unlisted = Vec::new();
    for (field, code) in [
        ("sending_province", &sending),
        ("receiving_region", &receiving),
    ] {
        if !db::reference::region_listed(conn, code.as_str())? {
            unlisted.push(crate::registry::unlisted_region(field, code.as_str()));
        }
    }
    if !unlisted.is_empty() {
        return Err(ApiError::validation(unlisted));
    }
    let reason = req
        .override_reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let draft = PairingDraft {
        sending_province: sending,
        receiving_region: receiving,
        start_year: req.start_year,
        intra_border_override: req.intra_border_override,
        override_reason: reason,
    };
    let problems = check_pairing(&draft, policy);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let row = db::spring_rain::insert_pairing(
        conn,
        &NewPairingRow {
            sending_province: draft.sending_province.as_str().to_string(),
            receiving_region: draft.receiving_region.as_str().to_string(),
            start_year: draft.start_year,
            counterpart_aid: req.counterpart_aid,
            intra_border_override: draft.intra_border_override,
            // The reason is kept only with the override it explains.
            override_reason: draft
                .override_reason
                .filter(|_| draft.intra_border_override),
            created_by: Some(user.user_id),
            created_at: now(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "spring_rain_pairing.create", "spring_rain_pairing")
            .entity(row.id, "/1/"),
    )?;
    Ok(row)
}

pub fn get_pairing(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<PairingRow> {
    load_in_reach::<PairingRow>(conn, user, id, Access::Read)
}

/// Pairings are national programme data: staff list them all, or those of one province
/// (`province`: a 2-digit prefix or a province code, sending or receiving).
pub fn list_pairings(
    conn: &mut DbConn,
    user: &Principal,
    province: Option<String>,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<PairingRow>> {
    user.require(Action::ReadSpringRain)?;
    let prefix = match province.as_deref().map(RegionCode::parse) {
        None => None,
        Some(Ok(r)) => Some(r.province_prefix().to_string()),
        Some(Err(e)) => {
            return Err(ApiError::invalid(vec![Invalid::new(
                "province",
                e.code(),
                e.message(),
            )]));
        }
    };
    Ok(db::spring_rain::list_pairings(
        conn,
        prefix.as_deref(),
        after_id,
        limit,
    )?)
}
