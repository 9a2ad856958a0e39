//! The edition report: per pairing taking part, the teams sent, their volunteers, verified
//! hours, deployments by form (SR-02) and action type, and people reached per target group
//! (ACT-11). Every figure is grouped in SQL. The ministry sees every pairing; a province's
//! staff the pairings it sends or receives.
//!
//! A new column is one field on `PairingFigures` filled from one more grouped query (and one
//! more CSV column where the route lists them).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::{ProvinceView, province_view};
use crate::auth::policy::Principal;
use crate::db::spring_rain::{EditionRow, Figure};
use crate::db::{self, DbConn};
use crate::domain::activity::SPRING_RAIN_FORMS;
use crate::domain::spring_rain::{ActionType, EditionStatus};
use crate::error::ApiResult;
use crate::service::reach::{Access, load_in_reach};

/// The key of deployments that name no action type.
pub const NO_ACTION_TYPE: &str = "unspecified";

#[derive(Debug, Serialize, ToSchema)]
pub struct EditionReport {
    pub edition_id: i64,
    pub year: i32,
    pub title: String,
    pub status: EditionStatus,
    /// The target groups people reached are counted in, in column order (code, Chinese name).
    pub target_groups: Vec<CodeName>,
    /// One row per pairing taking part that the caller may see, by pairing id.
    pub pairings: Vec<PairingFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name_zh: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PairingFigures {
    pub pairing_id: i64,
    pub sending_province: String,
    pub sending_province_name: String,
    pub receiving_region: String,
    pub receiving_region_name: String,
    /// Deployments of the edition under this pairing (cancelled ones left out).
    pub deployments: i64,
    /// Deployments with at least one confirmed member.
    pub teams: i64,
    /// Distinct volunteers confirmed on them.
    pub volunteers: i64,
    /// Sum of the current service records' minutes (HRS-01).
    pub verified_minutes: i64,
    /// `verified_minutes` ÷ 60, to one decimal.
    pub verified_hours: f64,
    /// Every Spring Rain form, 0 included.
    pub deployments_by_form: BTreeMap<String, i64>,
    /// Every action type, 0 included, and `unspecified`.
    pub deployments_by_action_type: BTreeMap<String, i64>,
    /// Every target group, 0 included.
    pub people_reached: BTreeMap<String, i64>,
    /// The reverse flow (SR-05, 请进来): staff of the receiving province who attended a
    /// training-base event hosted by the sending province that starts in the edition's year.
    pub reverse_flow_trainees: i64,
}

/// `figures` by pairing, then key; keys missing from `keys` are kept too.
fn by_pairing(figures: Vec<Figure>) -> HashMap<i64, BTreeMap<String, i64>> {
    let mut out: HashMap<i64, BTreeMap<String, i64>> = HashMap::new();
    for f in figures {
        let key = f.key.unwrap_or_else(|| NO_ACTION_TYPE.to_string());
        *out.entry(f.pairing_id).or_default().entry(key).or_default() += f.n;
    }
    out
}

fn filled(keys: &[String], found: Option<&BTreeMap<String, i64>>) -> BTreeMap<String, i64> {
    let mut all: BTreeMap<String, i64> = keys.iter().map(|k| (k.clone(), 0)).collect();
    if let Some(found) = found {
        for (k, n) in found {
            *all.entry(k.clone()).or_default() += n;
        }
    }
    all
}

/// The two-digit province of a region code (pairings hold full codes, events prefixes).
fn province(code: &str) -> String {
    code.chars().take(2).collect()
}

/// Attended reverse-flow trainees by (hosting province, trainees' province) for `year`.
fn reverse_flow_trainees(
    conn: &mut DbConn,
    year: i32,
) -> ApiResult<HashMap<(String, String), i64>> {
    let (Some(from), Some(to)) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(HashMap::new());
    };
    Ok(
        db::training_base::attended_by_province_pair(conn, from, to)?
            .into_iter()
            .map(|(host, trainees, n)| ((host, trainees), n))
            .collect(),
    )
}

pub fn edition_report(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<EditionReport> {
    let edition = load_in_reach::<EditionRow>(conn, user, id, Access::Read)?;
    let pairings = match province_view(conn, user)? {
        ProvinceView::National => db::spring_rain::edition_pairings(conn, id, None)?,
        ProvinceView::Province(p) => db::spring_rain::edition_pairings(conn, id, Some(&p))?,
        ProvinceView::Nothing => Vec::new(),
    };
    let forms = by_pairing(db::spring_rain::deployments_by_form(conn, id)?);
    let actions = by_pairing(db::spring_rain::deployments_by_action_type(conn, id)?);
    let people = by_pairing(db::spring_rain::people_reached(conn, id)?);
    let minutes: HashMap<i64, i64> = db::spring_rain::verified_minutes(conn, id)?
        .into_iter()
        .map(|f| (f.pairing_id, f.n))
        .collect();
    let teams: HashMap<i64, (i64, i64)> = db::spring_rain::teams(conn, id)?
        .into_iter()
        .map(|t| (t.pairing_id, (t.teams, t.volunteers)))
        .collect();
    let trainees = reverse_flow_trainees(conn, edition.year)?;
    let groups: Vec<CodeName> = db::reference::target_groups(conn)?
        .into_iter()
        .map(|g| CodeName {
            code: g.code,
            name_zh: g.name_zh,
        })
        .collect();
    let group_codes: Vec<String> = groups.iter().map(|g| g.code.clone()).collect();
    let form_codes: Vec<String> = SPRING_RAIN_FORMS.iter().map(|f| f.to_string()).collect();
    let action_codes: Vec<String> = ActionType::ALL
        .iter()
        .map(|a| a.as_str().to_string())
        .chain([NO_ACTION_TYPE.to_string()])
        .collect();
    let codes: Vec<String> = pairings
        .iter()
        .flat_map(|p| [p.sending_province.clone(), p.receiving_region.clone()])
        .collect();
    let names: HashMap<String, String> = db::spring_rain::region_names(conn, &codes)?
        .into_iter()
        .collect();
    let name = |code: &str| names.get(code).cloned().unwrap_or_default();
    let rows = pairings
        .into_iter()
        .map(|p| {
            let by_form = filled(&form_codes, forms.get(&p.id));
            let (teams, volunteers) = teams.get(&p.id).copied().unwrap_or((0, 0));
            let verified_minutes = minutes.get(&p.id).copied().unwrap_or(0);
            let reverse_flow_trainees = trainees
                .get(&(province(&p.sending_province), province(&p.receiving_region)))
                .copied()
                .unwrap_or(0);
            PairingFigures {
                pairing_id: p.id,
                sending_province_name: name(&p.sending_province),
                receiving_region_name: name(&p.receiving_region),
                sending_province: p.sending_province,
                receiving_region: p.receiving_region,
                deployments: by_form.values().sum(),
                teams,
                volunteers,
                verified_minutes,
                verified_hours: (verified_minutes as f64 / 6.0).round() / 10.0,
                deployments_by_form: by_form,
                deployments_by_action_type: filled(&action_codes, actions.get(&p.id)),
                people_reached: filled(&group_codes, people.get(&p.id)),
                reverse_flow_trainees,
            }
        })
        .collect();
    Ok(EditionReport {
        edition_id: edition.id,
        year: edition.year,
        title: edition.title,
        status: edition.status,
        target_groups: groups,
        pairings: rows,
    })
}
