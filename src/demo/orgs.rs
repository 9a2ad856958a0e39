//! The demo's organisation tree: bureaus and service organs in four sending provinces
//! (Zhejiang, Beijing, Fujian, Chongqing) and two receiving regions (Xinjiang, Tibet), one
//! service site per organ, and the staff accounts whose logins are printed.

use super::names::Tradition;
use super::people::Home;
use super::{DemoLogin, DemoResult, DemoSummary, Seeder, principal, write};
use crate::auth::password;
use crate::db::activities::SiteRow;
use crate::db::organizations::{OrgFilter, OrganizationRow};
use crate::db::users::UserRow;
use crate::db::{self, DbConn};
use crate::domain::account::Username;
use crate::domain::activity::{LocationType, SiteKind};
use crate::domain::organization::{OrgKind, OrganType};
use crate::domain::role::Role;
use crate::service::activities::{CreateSiteRequest, create_site};
use crate::service::organizations::{CreateOrganizationRequest, create_organization};
use crate::service::users::{NewAccount, check_new_account, create_account};

/// One organ (or municipal bureau) that registers volunteers and organises activities.
struct OrganSpec {
    name: &'static str,
    kind: OrgKind,
    organ_type: Option<OrganType>,
    region: &'static str,
    /// Index of the parent in the province's list; `None` = the provincial bureau.
    parent: Option<usize>,
    /// Share of the province's volunteers registered here (0 = none).
    share: u32,
    site: Option<(&'static str, SiteKind, LocationType, &'static str)>,
}

struct ProvinceSpec {
    code: &'static str,
    name: &'static str,
    username: &'static str,
    sending: bool,
    /// Share of all volunteers registered in the province.
    share: u32,
    minority: Option<(Tradition, &'static str, f64)>,
    organs: &'static [OrganSpec],
}

const fn organ(
    name: &'static str,
    organ_type: OrganType,
    region: &'static str,
    parent: Option<usize>,
    share: u32,
    site: (&'static str, SiteKind, LocationType, &'static str),
) -> OrganSpec {
    OrganSpec {
        name,
        kind: OrgKind::CulturalOrgan,
        organ_type: Some(organ_type),
        region,
        parent,
        share,
        site: Some(site),
    }
}

const fn bureau(name: &'static str, region: &'static str) -> OrganSpec {
    OrganSpec {
        name,
        kind: OrgKind::MunicipalBureau,
        organ_type: None,
        region,
        parent: None,
        share: 0,
        site: None,
    }
}

use LocationType as L;
use OrganType as O;
use SiteKind as K;

const PROVINCES: &[ProvinceSpec] = &[
    ProvinceSpec {
        code: "330000",
        name: "浙江省",
        username: "zhejiang.admin",
        sending: true,
        share: 30,
        minority: None,
        organs: &[
            bureau("杭州市文化广电旅游局", "330100"),
            organ(
                "杭州市文化馆",
                O::CulturalCentre,
                "330102",
                Some(0),
                4,
                (
                    "上城区湖滨街道社区文化家园",
                    K::Community,
                    L::Community,
                    "zh",
                ),
            ),
            organ(
                "杭州图书馆",
                O::Library,
                "330106",
                Some(0),
                3,
                (
                    "杭州图书馆西湖分馆",
                    K::LibraryBranch,
                    L::PublicCulturalFacility,
                    "zh",
                ),
            ),
            organ(
                "浙江省博物馆",
                O::Museum,
                "330106",
                None,
                2,
                (
                    "浙江省博物馆孤山馆区",
                    K::Other,
                    L::PublicCulturalFacility,
                    "zh",
                ),
            ),
            bureau("宁波市文化广电旅游局", "330200"),
            organ(
                "宁波美术馆",
                O::ArtGallery,
                "330203",
                Some(4),
                2,
                (
                    "海曙区鼓楼街道养老服务中心",
                    K::ElderlyHome,
                    L::Street,
                    "zh",
                ),
            ),
        ],
    },
    ProvinceSpec {
        code: "110000",
        name: "北京市",
        username: "beijing.admin",
        sending: true,
        share: 15,
        minority: None,
        organs: &[
            organ(
                "首都图书馆",
                O::Library,
                "110105",
                None,
                3,
                (
                    "首都图书馆朝阳社区分馆",
                    K::LibraryBranch,
                    L::Community,
                    "zh",
                ),
            ),
            organ(
                "东城区第一文化馆",
                O::CulturalCentre,
                "110101",
                None,
                2,
                (
                    "东城区交道口街道文化站",
                    K::CulturalStation,
                    L::Street,
                    "zh",
                ),
            ),
        ],
    },
    ProvinceSpec {
        code: "350000",
        name: "福建省",
        username: "fujian.admin",
        sending: true,
        share: 15,
        minority: None,
        organs: &[
            organ(
                "福建省美术馆",
                O::ArtGallery,
                "350102",
                None,
                2,
                (
                    "鼓楼区温泉街道社区文化中心",
                    K::Community,
                    L::Community,
                    "zh",
                ),
            ),
            organ(
                "厦门市文化馆",
                O::CulturalCentre,
                "350203",
                None,
                3,
                ("思明区某小学", K::School, L::Grassroots, "zh"),
            ),
        ],
    },
    ProvinceSpec {
        code: "500000",
        name: "重庆市",
        username: "chongqing.admin",
        sending: true,
        share: 15,
        minority: None,
        organs: &[
            organ(
                "重庆图书馆",
                O::Library,
                "500106",
                None,
                3,
                ("沙坪坝区农民工服务站", K::Community, L::Grassroots, "zh"),
            ),
            organ(
                "重庆市群众艺术馆",
                O::CulturalCentre,
                "500103",
                None,
                2,
                (
                    "渝中区解放碑街道文化站",
                    K::CulturalStation,
                    L::Street,
                    "zh",
                ),
            ),
        ],
    },
    ProvinceSpec {
        code: "650000",
        name: "新疆维吾尔自治区",
        username: "xinjiang.admin",
        sending: false,
        share: 15,
        minority: Some((Tradition::Uyghur, "ug", 0.6)),
        organs: &[
            organ(
                "新疆维吾尔自治区博物馆",
                O::Museum,
                "650102",
                None,
                2,
                ("天山区某社区文化室", K::Community, L::Community, "ug"),
            ),
            organ(
                "喀什地区群众艺术馆",
                O::CulturalCentre,
                "653101",
                None,
                2,
                ("喀什市某乡文化站", K::BorderTownship, L::Rural, "ug"),
            ),
            organ(
                "阿克苏地区图书馆",
                O::Library,
                "652901",
                None,
                1,
                ("阿克苏市某村农家书屋", K::Village, L::Rural, "ug"),
            ),
        ],
    },
    ProvinceSpec {
        code: "540000",
        name: "西藏自治区",
        username: "tibet.admin",
        sending: false,
        share: 10,
        minority: Some((Tradition::Tibetan, "bo", 0.7)),
        organs: &[
            organ(
                "西藏自治区图书馆",
                O::Library,
                "540102",
                None,
                2,
                ("城关区某社区文化活动室", K::Community, L::Community, "bo"),
            ),
            organ(
                "日喀则市群众艺术馆",
                O::CulturalCentre,
                "540202",
                None,
                1,
                ("桑珠孜区某乡文化站", K::BorderTownship, L::Rural, "bo"),
            ),
        ],
    },
];

/// An organ that registers volunteers and runs activities at its site.
pub struct Organ {
    pub org: OrganizationRow,
    pub home: Home,
    /// Share of its province's volunteers.
    pub share: u32,
    pub site: SiteRow,
    /// The staff account that organises its activities.
    pub organiser: UserRow,
}

pub struct Province {
    pub code: &'static str,
    pub name: &'static str,
    pub sending: bool,
    pub share: u32,
    pub bureau: OrganizationRow,
    pub admin: UserRow,
    pub organs: Vec<Organ>,
    /// Every organisation created in the province, bureaus included.
    pub orgs: Vec<OrganizationRow>,
}

pub struct Tree {
    pub ministry: UserRow,
    pub provinces: Vec<Province>,
    pub logins: Vec<DemoLogin>,
}

fn province_bureau(conn: &mut DbConn, code: &str) -> DemoResult<OrganizationRow> {
    let found = db::organizations::list(
        conn,
        &OrgFilter {
            kind: Some(OrgKind::ProvincialBureau.as_str().to_string()),
            region_code: Some(code.to_string()),
            limit: 1,
            ..OrgFilter::default()
        },
    )?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("the reference data has no provincial bureau {code}").into())
}

/// A staff account with a fresh password (created by `by`, as through `POST /users`).
fn staff(
    conn: &mut DbConn,
    by: &UserRow,
    username: &str,
    role: Role,
    organization_id: i64,
) -> DemoResult<(UserRow, String)> {
    let password = crate::cli::generated_password();
    let new = NewAccount {
        username: username.to_string(),
        password: password.clone(),
        role,
        organization_id,
    };
    let by = principal(by);
    let checked = write(conn, |c| check_new_account(c, &by, &new))?;
    let hash = password::hash_blocking(&password)?;
    let user = write(conn, |c| create_account(c, &by, checked, &hash))?;
    Ok((user, password))
}

fn login(role: &'static str, user: &UserRow, password: String, sees: &'static str) -> DemoLogin {
    DemoLogin {
        role,
        username: user.username.clone(),
        password,
        sees,
    }
}

/// The ministry admin of the demo, the tree, the sites and the staff accounts.
pub fn build(s: &mut Seeder, conn: &mut DbConn, summary: &mut DemoSummary) -> DemoResult<Tree> {
    let name = Username::parse("ministry.demo").map_err(String::from)?;
    if db::users::find_by_username(conn, name.as_str())?.is_some() {
        return Err("an account named ministry.demo exists already"
            .to_string()
            .into());
    }
    let ministry_password = crate::cli::generated_password();
    crate::cli::insert_ministry_admin(conn, &name, &ministry_password)?;
    let ministry = db::users::find_by_username(conn, name.as_str())?
        .ok_or_else(|| "the demo ministry admin was not stored".to_string())?;
    let mut logins = vec![login(
        "ministry_admin",
        &ministry,
        ministry_password,
        "the whole country: every province's volunteers, activities, records and Spring Rain",
    )];
    let as_ministry = principal(&ministry);
    let mut provinces = Vec::new();
    for spec in PROVINCES {
        let bureau = province_bureau(conn, spec.code)?;
        let (admin, password) =
            staff(conn, &ministry, spec.username, Role::BureauAdmin, bureau.id)?;
        if spec.code == "330000" {
            logins.push(login(
                "bureau_admin",
                &admin,
                password,
                "Zhejiang: its volunteers, activities, records, star applications",
            ));
        }
        let mut created: Vec<OrganizationRow> = Vec::new();
        let mut organs = Vec::new();
        for o in spec.organs {
            let parent_id = o.parent.map_or(bureau.id, |i| created[i].id);
            let req = CreateOrganizationRequest {
                kind: o.kind,
                name: o.name.to_string(),
                parent_id,
                region_code: o.region.to_string(),
                organ_type: o.organ_type,
            };
            let org = write(conn, |c| create_organization(c, &as_ministry, req))?;
            summary.organizations += 1;
            created.push(org.clone());
            let Some((site_name, kind, location_type, language)) = o.site else {
                continue;
            };
            let organiser = admin.clone();
            let req = CreateSiteRequest {
                organization_id: Some(org.id),
                name: site_name.to_string(),
                kind,
                region_code: o.region.to_string(),
                address: format!("{}{}", spec.name, site_name),
                latitude: None,
                longitude: None,
                location_type,
                local_languages: vec![language.to_string()],
                target_groups: vec!["general_public".to_string(), "elderly".to_string()],
                contact: format!("{}志愿服务办公室", o.name),
            };
            let by = principal(&organiser);
            let site = write(conn, |c| create_site(c, &by, req, s.now))?;
            organs.push(Organ {
                home: Home {
                    county: o.region,
                    minority: spec.minority,
                },
                share: o.share,
                site,
                organiser,
                org,
            });
        }
        provinces.push(Province {
            code: spec.code,
            name: spec.name,
            sending: spec.sending,
            share: spec.share,
            bureau,
            admin,
            organs,
            orgs: created,
        });
    }
    // Zhejiang's coordinator (Hangzhou bureau) runs the Hangzhou organs' activities; its
    // auditor reads the province.
    let zhejiang = &mut provinces[0];
    let hangzhou = zhejiang_org(zhejiang, "杭州市文化广电旅游局")?;
    let (coordinator, password) = staff(
        conn,
        &zhejiang.admin,
        "hangzhou.coordinator",
        Role::Coordinator,
        hangzhou.id,
    )?;
    for organ in zhejiang
        .organs
        .iter_mut()
        .filter(|o| o.org.path.starts_with(&hangzhou.path))
    {
        organ.organiser = coordinator.clone();
    }
    logins.push(login(
        "coordinator",
        &coordinator,
        password,
        "Hangzhou: its organs' volunteers, activities, assignments and records",
    ));
    let (auditor, password) = staff(
        conn,
        &zhejiang.admin,
        "zhejiang.auditor",
        Role::Auditor,
        zhejiang.bureau.id,
    )?;
    logins.push(login(
        "auditor",
        &auditor,
        password,
        "Zhejiang, read-only: volunteers, activities, records and the audit trail",
    ));
    Ok(Tree {
        ministry,
        provinces,
        logins,
    })
}

fn zhejiang_org(p: &Province, name: &str) -> DemoResult<OrganizationRow> {
    p.orgs
        .iter()
        .find(|o| o.name == name)
        .cloned()
        .ok_or_else(|| format!("{name} missing").into())
}
