//! Spring Rain as a programme: editions (`planning → open → closed`), pairings (SR-03) and
//! the route rule every pairing and deployment obeys (SR-01), the 2023 action types (SR-02),
//! and what a deployment must agree with to join an edition.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Invalid;
use super::policy::SpringRainPolicy;
use super::reference;
use super::region::RegionCode;

/// The earliest year: the programme's pilot pairings date from 2010.
pub const FIRST_YEAR: i32 = 2010;
pub const LAST_YEAR: i32 = 2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditionStatus {
    /// Announced; provinces prepare their deployment plans.
    Planning,
    /// Deployments may be added and dispatched.
    Open,
    /// Over: nothing is added any more; the report stays.
    Closed,
}

crate::domain::text_enum!(EditionStatus {
    Planning => "planning",
    Open => "open",
    Closed => "closed",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditionAction {
    Open,
    Close,
}

crate::domain::text_enum!(EditionAction {
    Open => "open",
    Close => "close",
});

impl EditionStatus {
    /// The status after `action`, or `None` when the step is not allowed from here.
    pub fn after(self, action: EditionAction) -> Option<EditionStatus> {
        match (self, action) {
            (EditionStatus::Planning, EditionAction::Open) => Some(EditionStatus::Open),
            (EditionStatus::Open, EditionAction::Close) => Some(EditionStatus::Closed),
            _ => None,
        }
    }

    /// Pairings may join until the edition is over.
    pub fn takes_pairings(self) -> bool {
        self != EditionStatus::Closed
    }
}

/// SR-02 (from 2023): what a deployment is for, besides its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionType {
    /// 文化惠民
    CulturalBenefit,
    /// 艺术创作
    ArtCreation,
    /// 公共文化
    PublicCulture,
    /// 非遗保护
    Heritage,
    /// 文化产业
    Industry,
}

crate::domain::text_enum!(ActionType {
    CulturalBenefit => "cultural_benefit",
    ArtCreation => "art_creation",
    PublicCulture => "public_culture",
    Heritage => "heritage",
    Industry => "industry",
});

impl ActionType {
    pub const ALL: [ActionType; 5] = [
        ActionType::CulturalBenefit,
        ActionType::ArtCreation,
        ActionType::PublicCulture,
        ActionType::Heritage,
        ActionType::Industry,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            ActionType::CulturalBenefit => "文化惠民",
            ActionType::ArtCreation => "艺术创作",
            ActionType::PublicCulture => "公共文化",
            ActionType::Heritage => "非遗保护",
            ActionType::Industry => "文化产业",
        }
    }
}

/// An edition as proposed.
#[derive(Debug, Clone)]
pub struct EditionDraft {
    pub year: i32,
    pub title: String,
    pub theme: String,
    pub plans_due_on: NaiveDate,
}

pub fn check_edition(d: &EditionDraft) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year) {
        problems.push(Invalid::new(
            "year",
            "out_of_range",
            format!("an edition's year is {FIRST_YEAR}–{LAST_YEAR}"),
        ));
    }
    if d.title.trim().is_empty() || d.title.chars().count() > 200 {
        problems.push(Invalid::new(
            "title",
            "required",
            "a title has 1–200 characters",
        ));
    }
    if d.theme.chars().count() > 500 {
        problems.push(Invalid::new(
            "theme",
            "too_long",
            "a theme has at most 500 characters",
        ));
    }
    problems
}

/// SR-01, the route every pairing and deployment obeys: into the configured receiving set,
/// between two provinces, and from an inland province unless a border sender is explicitly
/// allowed. `receiving_field` names the input that chose the receiving side.
pub fn check_route(
    sending: &RegionCode,
    receiving: &RegionCode,
    border_sender_allowed: bool,
    policy: &SpringRainPolicy,
    receiving_field: &str,
) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if !policy.receives(receiving.province_prefix()) {
        problems.push(Invalid::new(
            receiving_field,
            "SR-01",
            "Spring Rain deployments serve the border and ethnic regions",
        ));
    }
    if sending.province_prefix() == receiving.province_prefix() {
        problems.push(Invalid::new(
            "sending_province",
            "SR-01",
            "the sending province differs from the receiving one",
        ));
    }
    if sending.has_land_border() && !border_sender_allowed {
        problems.push(Invalid::new(
            "sending_province",
            "SR-01",
            "border provinces do not send teams unless intra_border_override is set",
        ));
    }
    problems
}

/// A pairing as proposed (SR-03).
#[derive(Debug, Clone)]
pub struct PairingDraft {
    pub sending_province: RegionCode,
    pub receiving_region: RegionCode,
    pub start_year: i32,
    pub intra_border_override: bool,
    pub override_reason: Option<String>,
}

/// SR-03 with SR-01: a pairing sends from a province (not a city) to a receiving region; a
/// border sender needs the override and a stated reason, so the exception is on record.
pub fn check_pairing(d: &PairingDraft, policy: &SpringRainPolicy) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if !d.sending_province.is_province_level() {
        problems.push(Invalid::new(
            "sending_province",
            "SR-03",
            "a pairing is sent by a province (a code ending in 0000)",
        ));
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.start_year) {
        problems.push(Invalid::new(
            "start_year",
            "out_of_range",
            format!("a pairing starts in {FIRST_YEAR}–{LAST_YEAR}"),
        ));
    }
    let reason_given = d
        .override_reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    if d.intra_border_override && !reason_given {
        problems.push(Invalid::new(
            "override_reason",
            "SR-01",
            "a border province sends only with the override and a stated reason",
        ));
    }
    problems.extend(check_route(
        &d.sending_province,
        &d.receiving_region,
        d.intra_border_override && reason_given,
        policy,
        "receiving_region",
    ));
    problems
}

/// The pairing a deployment names, as far as the route is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingRoute {
    pub sending_province: RegionCode,
    pub receiving_region: RegionCode,
    /// The pairing was accepted with the border override (and its reason).
    pub intra_border_override: bool,
}

/// SR-03: a deployment agrees with its pairing — sent by the pairing's province to a site in
/// the pairing's receiving region.
pub fn check_pairing_agrees(
    pairing: &PairingRoute,
    sending: Option<&RegionCode>,
    site_region: &RegionCode,
) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if sending.is_some_and(|s| s.province() != pairing.sending_province.province()) {
        problems.push(Invalid::new(
            "pairing_id",
            "SR-03",
            "the pairing's sending province is not the deployment's",
        ));
    }
    if !pairing.receiving_region.contains(site_region) {
        problems.push(Invalid::new(
            "pairing_id",
            "SR-03",
            "the site lies outside the pairing's receiving region",
        ));
    }
    problems
}

/// What a deployment needs to join an edition: the edition is open, and its pairing takes
/// part in it. Checked when the edition is first named (creation, or a move to another
/// edition), not on later edits, so closing an edition freezes rather than breaks its
/// deployments.
pub fn check_joins_edition(status: EditionStatus, pairing_takes_part: bool) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if status != EditionStatus::Open {
        problems.push(Invalid::new(
            "edition_id",
            "edition_not_open",
            "deployments are added while the edition is open",
        ));
    }
    if !pairing_takes_part {
        problems.push(Invalid::new(
            "pairing_id",
            "pairing_not_in_edition",
            "the pairing does not take part in this edition",
        ));
    }
    problems
}

/// The most people one activity may report for one target group (a typo guard, not a rule).
pub const MAX_PEOPLE_PER_GROUP: i32 = 1_000_000;

/// ACT-11: people reached are counted per known target group, each count 0–1,000,000.
pub fn check_people_reached(counts: &BTreeMap<String, i32>) -> Vec<Invalid> {
    let mut problems = Vec::new();
    for (group, people) in counts {
        if !reference::is_target_group(group) {
            problems.push(Invalid::new(
                format!("counts.{group}"),
                "unknown_target_group",
                "a known target group",
            ));
        }
        if !(0..=MAX_PEOPLE_PER_GROUP).contains(people) {
            problems.push(Invalid::new(
                format!("counts.{group}"),
                "out_of_range",
                format!("0–{MAX_PEOPLE_PER_GROUP} people"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> RegionCode {
        RegionCode::parse(code).unwrap()
    }

    fn pairing(sending: &str, receiving: &str) -> PairingDraft {
        PairingDraft {
            sending_province: region(sending),
            receiving_region: region(receiving),
            start_year: 2026,
            intra_border_override: false,
            override_reason: None,
        }
    }

    fn codes(problems: Vec<Invalid>) -> Vec<(String, String)> {
        problems.into_iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn editions_open_then_close_and_never_go_back() {
        use EditionAction::{Close, Open};
        use EditionStatus::{Closed, Planning};
        assert_eq!(Planning.after(Open), Some(EditionStatus::Open));
        assert_eq!(EditionStatus::Open.after(Close), Some(Closed));
        assert_eq!(Planning.after(Close), None);
        assert_eq!(Closed.after(Open), None);
        assert_eq!(EditionStatus::Open.after(Open), None);
    }

    #[test]
    fn sr01_a_pairing_goes_from_inland_to_a_receiving_region() {
        let sr = SpringRainPolicy::default();
        assert!(check_pairing(&pairing("330000", "650000"), &sr).is_empty());
        assert!(
            check_pairing(&pairing("330000", "653100"), &sr).is_empty(),
            "a prefecture"
        );
        assert_eq!(
            codes(check_pairing(&pairing("330000", "440000"), &sr)),
            [("receiving_region".into(), "SR-01".into())]
        );
        assert_eq!(
            codes(check_pairing(&pairing("650000", "653100"), &sr)),
            [
                ("sending_province".into(), "SR-01".into()),
                ("sending_province".into(), "SR-01".into())
            ]
        );
        assert_eq!(
            codes(check_pairing(&pairing("330100", "650000"), &sr)),
            [("sending_province".into(), "SR-03".into())]
        );
    }

    #[test]
    fn sr01_a_border_sender_needs_the_override_and_a_reason() {
        let sr = SpringRainPolicy::default();
        let mut yunnan = pairing("530000", "540000");
        assert_eq!(
            codes(check_pairing(&yunnan, &sr)),
            [("sending_province".into(), "SR-01".into())]
        );
        yunnan.intra_border_override = true;
        assert_eq!(
            codes(check_pairing(&yunnan, &sr)),
            [
                ("override_reason".into(), "SR-01".into()),
                ("sending_province".into(), "SR-01".into())
            ]
        );
        yunnan.override_reason = Some("  ".into());
        assert_eq!(check_pairing(&yunnan, &sr).len(), 2, "a blank reason");
        yunnan.override_reason = Some("滇藏毗邻，民族文化相通".into());
        assert!(check_pairing(&yunnan, &sr).is_empty());
    }

    #[test]
    fn sr03_a_deployment_agrees_with_its_pairing() {
        let route = PairingRoute {
            sending_province: region("330000"),
            receiving_region: region("650000"),
            intra_border_override: false,
        };
        assert!(
            check_pairing_agrees(&route, Some(&region("330000")), &region("653101")).is_empty()
        );
        assert_eq!(
            codes(check_pairing_agrees(
                &route,
                Some(&region("110000")),
                &region("540102")
            )),
            [
                ("pairing_id".into(), "SR-03".into()),
                ("pairing_id".into(), "SR-03".into())
            ]
        );
    }

    #[test]
    fn only_an_open_edition_takes_deployments_of_its_pairings() {
        assert!(check_joins_edition(EditionStatus::Open, true).is_empty());
        assert_eq!(
            codes(check_joins_edition(EditionStatus::Planning, false)),
            [
                ("edition_id".into(), "edition_not_open".into()),
                ("pairing_id".into(), "pairing_not_in_edition".into())
            ]
        );
    }

    #[test]
    fn people_reached_are_counted_per_known_group() {
        let ok = BTreeMap::from([("border_ethnic_communities".to_string(), 120)]);
        assert!(check_people_reached(&ok).is_empty());
        let bad = BTreeMap::from([("aliens".to_string(), 1), ("elderly".to_string(), -1)]);
        assert_eq!(
            codes(check_people_reached(&bad)),
            [
                ("counts.aliens".into(), "unknown_target_group".into()),
                ("counts.elderly".into(), "out_of_range".into())
            ]
        );
    }
}
