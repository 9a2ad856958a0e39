//! Spring Rain as a programme: editions and the pairings taking part (the ministry's), pairings
//! (SR-03), the season's batch dispatch over an edition's open deployments, and the edition
//! report. Deployments themselves are activities (`service::activities`).

mod editions;
mod pairings;
mod report;
mod season;

pub use editions::{
    CreateEditionRequest, EnrolPairingRequest, create_edition, enrol_pairing, get_edition,
    list_editions, move_edition,
};
pub use pairings::{CreatePairingRequest, create_pairing, get_pairing, list_pairings};
pub use report::{EditionReport, NO_ACTION_TYPE, PairingFigures, edition_report};
pub use season::{SeasonPlanRequest, plan_season};

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::spring_rain::{EditionRow, PairingRow};
use crate::db::{self, DbConn};
use crate::domain::organization::OrgKind;
use crate::domain::region::RegionCode;
use crate::domain::role::Role;
use crate::error::ApiResult;
use crate::service::reach::InReach;

/// Editions are national programme data: every staff member sees them (PERMISSIONS.md), the
/// ministry acts on them.
impl InReach for EditionRow {
    const NAME: &'static str = "edition";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::spring_rain::find_edition(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadSpringRain)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(*scope == Scope::All)
    }
}

/// Pairings, likewise.
impl InReach for PairingRow {
    const NAME: &'static str = "pairing";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::spring_rain::find_pairing(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadSpringRain)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(*scope == Scope::All)
    }
}

/// Whose pairings a caller's report rows cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvinceView {
    /// The ministry: every pairing.
    National,
    /// A province's staff: the pairings it sends or receives (2-digit prefix).
    Province(String),
    /// Staff of a national unit: no province of its own, so no pairing rows.
    Nothing,
}

/// The province a caller's organisation belongs to, for the report's rows.
pub fn province_view(conn: &mut DbConn, user: &Principal) -> ApiResult<ProvinceView> {
    if user.role == Role::MinistryAdmin {
        return Ok(ProvinceView::National);
    }
    let org = db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| crate::error::ApiError::internal("caller organisation missing"))?;
    match org.kind {
        OrgKind::Ministry => return Ok(ProvinceView::National),
        OrgKind::NationalUnit => return Ok(ProvinceView::Nothing),
        _ => {}
    }
    Ok(match RegionCode::parse(&org.region_code) {
        Ok(r) => ProvinceView::Province(r.province_prefix().to_string()),
        Err(_) => ProvinceView::Nothing,
    })
}
