//! The organisation tree: ministry → provincial bureaus and national units → municipal /
//! county bureaus → cultural organs → volunteer teams. Which kind may sit under which, and
//! where a child's region may lie, are decided here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::region::RegionCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Ministry,
    ProvincialBureau,
    MunicipalBureau,
    CountyBureau,
    NationalUnit,
    CulturalOrgan,
    VolunteerTeam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganType {
    Library,
    ArtGallery,
    CulturalCentre,
    CulturalStation,
    Museum,
    MemorialHall,
    SharingCentre,
}

crate::domain::text_enum!(OrgKind {
    Ministry => "ministry",
    ProvincialBureau => "provincial_bureau",
    MunicipalBureau => "municipal_bureau",
    CountyBureau => "county_bureau",
    NationalUnit => "national_unit",
    CulturalOrgan => "cultural_organ",
    VolunteerTeam => "volunteer_team",
});

crate::domain::text_enum!(OrganType {
    Library => "library",
    ArtGallery => "art_gallery",
    CulturalCentre => "cultural_centre",
    CulturalStation => "cultural_station",
    Museum => "museum",
    MemorialHall => "memorial_hall",
    SharingCentre => "sharing_centre",
});

/// What the tree needs to know about an existing parent.
#[derive(Debug, Clone)]
pub struct ParentOrg {
    pub kind: OrgKind,
    /// `None` only for the ministry (nationwide).
    pub region: Option<RegionCode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    pub kind: OrgKind,
    pub organ_type: Option<OrganType>,
    pub name: String,
    pub region: RegionCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRuleViolation {
    /// `kind` may not be created under the parent's kind.
    KindNotAllowedHere,
    /// Cultural organs need an organ type; other kinds (except national units) have none.
    OrganTypeMismatch,
    /// The child's region lies outside the parent's region.
    RegionOutsideParent,
    NameEmpty,
}

impl OrgRuleViolation {
    pub fn field(&self) -> &'static str {
        match self {
            Self::KindNotAllowedHere => "kind",
            Self::OrganTypeMismatch => "organ_type",
            Self::RegionOutsideParent => "region_code",
            Self::NameEmpty => "name",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::KindNotAllowedHere => "kind_not_allowed_under_parent",
            Self::OrganTypeMismatch => "organ_type_mismatch",
            Self::RegionOutsideParent => "region_outside_parent",
            Self::NameEmpty => "required",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Self::KindNotAllowedHere => {
                "this kind of organisation cannot be created under that parent"
            }
            Self::OrganTypeMismatch => {
                "cultural organs need an organ_type; bureaus and teams must not have one"
            }
            Self::RegionOutsideParent => {
                "the region must lie inside the parent organisation's region"
            }
            Self::NameEmpty => "name must not be empty",
        }
    }
}

impl OrgKind {
    /// Kinds that may be created directly under `self`. Provincial bureaus and national units
    /// exist from the first migration, but the ministry may add more (e.g. a new national unit).
    pub fn allowed_children(self) -> &'static [OrgKind] {
        use OrgKind::*;
        match self {
            Ministry => &[ProvincialBureau, NationalUnit],
            ProvincialBureau => &[MunicipalBureau, CountyBureau, CulturalOrgan, VolunteerTeam],
            MunicipalBureau => &[CountyBureau, CulturalOrgan, VolunteerTeam],
            CountyBureau | NationalUnit | CulturalOrgan => &[CulturalOrgan, VolunteerTeam],
            VolunteerTeam => &[],
        }
    }

    pub fn is_bureau(self) -> bool {
        matches!(
            self,
            OrgKind::ProvincialBureau | OrgKind::MunicipalBureau | OrgKind::CountyBureau
        )
    }
}

/// Checks a new child organisation against the tree rules; returns every violation.
pub fn check_new_child(parent: &ParentOrg, child: &NewOrg) -> Vec<OrgRuleViolation> {
    let mut violations = Vec::new();
    if child.name.trim().is_empty() {
        violations.push(OrgRuleViolation::NameEmpty);
    }
    if !parent.kind.allowed_children().contains(&child.kind) {
        violations.push(OrgRuleViolation::KindNotAllowedHere);
    }
    let organ_type_ok = match child.kind {
        OrgKind::CulturalOrgan => child.organ_type.is_some(),
        OrgKind::NationalUnit => true,
        _ => child.organ_type.is_none(),
    };
    if !organ_type_ok {
        violations.push(OrgRuleViolation::OrganTypeMismatch);
    }
    if let Some(parent_region) = &parent.region
        && !parent_region.contains(&child.region)
    {
        violations.push(OrgRuleViolation::RegionOutsideParent);
    }
    violations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn zhejiang() -> ParentOrg {
        ParentOrg {
            kind: OrgKind::ProvincialBureau,
            region: Some(region("330000")),
        }
    }

    fn child(kind: OrgKind, organ_type: Option<OrganType>, r: &str) -> NewOrg {
        NewOrg {
            kind,
            organ_type,
            name: "杭州市文化广电旅游局".into(),
            region: region(r),
        }
    }

    #[test]
    fn a_municipal_bureau_fits_under_its_province() {
        assert!(
            check_new_child(
                &zhejiang(),
                &child(OrgKind::MunicipalBureau, None, "330100")
            )
            .is_empty()
        );
    }

    #[test]
    fn a_child_outside_the_parent_region_is_refused() {
        assert_eq!(
            check_new_child(
                &zhejiang(),
                &child(OrgKind::MunicipalBureau, None, "650100")
            ),
            vec![OrgRuleViolation::RegionOutsideParent]
        );
    }

    #[test]
    fn kinds_follow_the_tree() {
        assert_eq!(
            check_new_child(
                &zhejiang(),
                &child(OrgKind::ProvincialBureau, None, "330000")
            ),
            vec![OrgRuleViolation::KindNotAllowedHere]
        );
        let team = ParentOrg {
            kind: OrgKind::VolunteerTeam,
            region: Some(region("330106")),
        };
        assert_eq!(
            check_new_child(&team, &child(OrgKind::VolunteerTeam, None, "330106")),
            vec![OrgRuleViolation::KindNotAllowedHere]
        );
    }

    #[test]
    fn organs_need_a_type_and_bureaus_must_not_have_one() {
        assert_eq!(
            check_new_child(&zhejiang(), &child(OrgKind::CulturalOrgan, None, "330100")),
            vec![OrgRuleViolation::OrganTypeMismatch]
        );
        assert_eq!(
            check_new_child(
                &zhejiang(),
                &child(OrgKind::MunicipalBureau, Some(OrganType::Library), "330100")
            ),
            vec![OrgRuleViolation::OrganTypeMismatch]
        );
        assert!(
            check_new_child(
                &zhejiang(),
                &child(OrgKind::CulturalOrgan, Some(OrganType::Library), "330100")
            )
            .is_empty()
        );
    }

    #[test]
    fn the_ministry_accepts_any_region() {
        let ministry = ParentOrg {
            kind: OrgKind::Ministry,
            region: None,
        };
        assert!(
            check_new_child(&ministry, &child(OrgKind::NationalUnit, None, "110000")).is_empty()
        );
    }
}
