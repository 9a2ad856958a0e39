//! Spring Rain: the next summer's edition, open, with the 2010 pilot pairings (reference
//! data) enrolled, and each sending province's deployments to its paired border region,
//! published with an action type (SR-02) and the pairing they serve (SR-03).

use chrono::{Datelike, Duration, NaiveDate};

use super::orgs::Tree;
use super::{DemoResult, DemoSummary, Seeder, principal, write};
use crate::db::DbConn;
use crate::domain::activity::{
    ActivityAction, ActivityCategory, LocationType, SiteKind, VolunteerRequirements,
};
use crate::domain::eligibility::{Programme, RiskLevel};
use crate::domain::spring_rain::{ActionType, EditionAction};
use crate::service::activities::{
    ActivityRequest, CreateSiteRequest, create_activity, create_site,
};
use crate::service::dispatch::move_activity;
use crate::service::spring_rain::{
    CreateEditionRequest, EnrolPairingRequest, create_edition, enrol_pairing, list_pairings,
    move_edition,
};

/// Where each receiving region's deployments go: a township cultural station.
fn border_township(receiving: &str) -> (&'static str, &'static str, &'static str) {
    match &receiving[..2] {
        "65" => ("653101", "喀什市浩罕乡文化站", "ug"),
        _ => ("540202", "桑珠孜区江当乡文化站", "bo"),
    }
}

const DEPLOYMENTS: [(&str, &str, ActionType, &str); 3] = [
    (
        "performance",
        "大舞台",
        ActionType::CulturalBenefit,
        "歌舞、戏曲与民族器乐专场演出",
    ),
    (
        "lecture",
        "大讲堂",
        ActionType::PublicCulture,
        "基层文化干部与文艺骨干培训讲座",
    ),
    (
        "exhibition",
        "大展台",
        ActionType::Heritage,
        "非遗与美术作品巡展，志愿者现场讲解",
    ),
];

pub fn run(
    s: &mut Seeder,
    conn: &mut DbConn,
    tree: &Tree,
    summary: &mut DemoSummary,
) -> DemoResult<()> {
    let ministry = principal(&tree.ministry);
    let year = s.today().year() + 1;
    let req = CreateEditionRequest {
        year,
        title: format!("{year}年“春雨工程”全国文化志愿者边疆行"),
        theme: "文化润疆、文化兴边：送文化、种文化".into(),
        plans_due_on: NaiveDate::from_ymd_opt(year, 3, 31).unwrap_or_default(),
    };
    let edition = write(conn, |c| create_edition(c, &ministry, req))?;
    write(conn, |c| {
        move_edition(c, &ministry, edition.id, EditionAction::Open)
    })?;
    let pairings = write(conn, |c| list_pairings(c, &ministry, None, None, 100))?;
    for pairing in &pairings {
        let req = EnrolPairingRequest {
            pairing_id: pairing.id,
        };
        write(conn, |c| enrol_pairing(c, &ministry, edition.id, req))?;
    }
    for province in tree.provinces.iter().filter(|p| p.sending) {
        let Some(pairing) = pairings
            .iter()
            .find(|p| p.sending_province == province.code)
        else {
            continue;
        };
        let admin = principal(&province.admin);
        let organ = &province.organs[0];
        let (region, name, language) = border_township(&pairing.receiving_region);
        let site = CreateSiteRequest {
            organization_id: Some(organ.org.id),
            name: name.to_string(),
            kind: SiteKind::BorderTownship,
            region_code: region.to_string(),
            address: name.to_string(),
            latitude: None,
            longitude: None,
            location_type: LocationType::Rural,
            local_languages: vec![language.to_string(), "zh".to_string()],
            target_groups: vec!["border_ethnic_communities".to_string()],
            contact: "乡文化站站长".into(),
        };
        let site = write(conn, |c| create_site(c, &admin, site, s.now))?;
        for (i, (form, stage, action_type, description)) in DEPLOYMENTS.into_iter().enumerate() {
            let starts = NaiveDate::from_ymd_opt(year, 7, 1 + 6 * i as u32)
                .and_then(|d| d.and_hms_opt(2, 0, 0))
                .unwrap_or_default()
                .and_utc();
            let req = ActivityRequest {
                site_id: Some(site.id),
                title: format!("春雨工程·{}文化志愿者边疆行{stage}", province.name).into(),
                description: Some(description.to_string()),
                category: Some(ActivityCategory::GrassrootsCulture),
                form: Some(form.to_string()),
                programme: Some(Programme::SpringRain),
                sending_province: Some(province.code.to_string()),
                starts_at: Some(starts),
                ends_at: Some(starts + Duration::days(4) + Duration::hours(8)),
                headcount_min: Some(8),
                headcount_max: Some(20),
                target_groups: Some(vec!["border_ethnic_communities".to_string()]),
                requirements: Some(VolunteerRequirements {
                    languages: vec![language.to_string()],
                    summary: Some("能适应高原或长途旅行，服从团队安排".into()),
                    ..VolunteerRequirements::default()
                }),
                physical_demand: Some(1),
                risk_level: Some(RiskLevel::Low),
                risk_disclosure: Some("长途旅行与高原气候，出发前须体检并购买意外保险".into()),
                agreement_required: Some(true),
                recipient_fee_cents: Some(0),
                edition_id: Some(edition.id),
                pairing_id: Some(pairing.id),
                action_type: Some(action_type),
                ..ActivityRequest::default()
            };
            let (activity, _) = write(conn, |c| create_activity(c, &admin, req, s.policy))?;
            write(conn, |c| {
                move_activity(
                    c,
                    &admin,
                    activity.id,
                    ActivityAction::Publish,
                    None,
                    s.policy,
                    s.now,
                )
            })?;
            summary.activities += 1;
            summary.deployments += 1;
        }
    }
    Ok(())
}
