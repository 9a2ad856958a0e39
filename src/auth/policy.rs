//! Who may do what, and where: the one scope check (PERMISSIONS.md). A caller's reach is an
//! organisation subtree, identified by its materialised path; an object is in reach when its
//! owning organisation's path starts with the subtree's path. Outside reach an object is
//! invisible (404); inside reach but with a role that may not act, the answer is 403.

use crate::domain::role::Role;
use crate::error::ApiError;

/// The authenticated caller, as loaded from the database for this request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub org_id: i64,
    /// Materialised path of the caller's organisation, e.g. `/1/15/40/`.
    pub org_path: String,
    /// The caller's own volunteer record (volunteer accounts only).
    pub volunteer_id: Option<i64>,
    pub request_id: String,
}

/// The part of the organisation tree an action may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Subtree(String),
    /// Only this volunteer's own records.
    OwnVolunteer(i64),
    /// HRS-06, coordinators reading volunteers: their own subtree, and in the rest of their
    /// province only the volunteers open to them — who consented to province-wide matching,
    /// or hold a live application, enrolment or assignment in the subtree. Openness is a
    /// database fact: the volunteer loader and the search check it.
    SubtreeAndOpen {
        subtree: String,
        province: String,
    },
}

/// What a caller sees of an organisation it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgView {
    Full,
    NameOnly,
}

/// A path prefix no organisation has (paths are digits between slashes): what an
/// own-records scope matches among organisations.
pub const NO_ORGANISATION: &str = "/-/";

impl Scope {
    /// Whether an object owned by the organisation at `path` is in reach.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Subtree(root) | Scope::SubtreeAndOpen { subtree: root, .. } => {
                path.starts_with(root.as_str())
            }
            Scope::OwnVolunteer(_) => false,
        }
    }

    /// Whether the volunteer `id`, registered at the organisation at `org_path`, is in reach.
    pub fn covers_volunteer(&self, id: i64, org_path: &str) -> bool {
        match self {
            Scope::OwnVolunteer(own) => *own == id,
            other => other.contains(org_path),
        }
    }

    /// The organisation-path prefix a list query filters on; `None` only for everything.
    /// An own-records scope gets a prefix no organisation has (its one volunteer is found
    /// by id), and a coordinator's volunteer reach its province (narrowed by `open_to`).
    pub fn org_path_prefix(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Subtree(root) => Some(root),
            Scope::SubtreeAndOpen { province, .. } => Some(province),
            Scope::OwnVolunteer(_) => Some(NO_ORGANISATION),
        }
    }

    /// For `SubtreeAndOpen`: the subtree volunteers elsewhere must be open to.
    pub fn open_to(&self) -> Option<&str> {
        match self {
            Scope::SubtreeAndOpen { subtree, .. } => Some(subtree),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadOrganizations,
    CreateOrganization,
    ReadUsers,
    CreateStaffUser,
    CreateMinistryAdmin,
    DisableUser,
    ReadAuditEvents,
    RegisterVolunteer,
    ReadVolunteers,
    /// Unmasked ID number or mobile; always audited.
    RevealPersonalData,
    /// approve, suspend, reinstate
    ChangeVolunteerStatus,
    WithdrawVolunteer,
    /// skills, languages, availability, preferences
    EditVolunteerProfile,
    /// insurance policies, background checks
    RecordSafeguards,
    RecordGuardianConsent,
    ExportVolunteers,
    /// MIN-08 correction / deletion requests: file one
    RequestPersonalDataChange,
    /// ... and action or exempt it
    ResolvePersonalDataRequest,
    /// list and decide identity disputes (a registered ID number claimed anew); the bureau of
    /// the registration decides, as it holds the personal data
    ResolveIdentityDisputes,
    /// campaigns: create, open, close; decide applications
    ManageRecruitments,
    /// courses and sessions
    ManageTraining,
    /// results of enrolments, certificate revocation (the organiser)
    RecordTrainingResults,
    /// SR-05: nominate a border region's grassroots cultural staff to a training-base event
    /// (the bureau of an invited province)
    NominateTrainees,
    /// apply to campaigns and enrol in sessions on a volunteer's behalf (or one's own)
    EnrolVolunteers,
    /// sites and activities: create, edit, publish, start, complete, cancel
    ManageActivities,
    /// activities, assignments and service records (staff and auditors)
    ReadActivities,
    /// candidates, eligibility, batch plans
    Match,
    /// make and cancel offers
    Dispatch,
    /// check volunteers in and out
    CheckInOut,
    /// verify hours into service records; issue and revoke record certificates; resolve
    /// corrections (the organiser, HRS-03 / CRT-02)
    RecordService,
    /// ask for a record certificate or a correction, apply for a star (one's own)
    RequestRecords,
    /// grant star levels (STAR-02)
    AwardStars,
    /// the configurable rule values in force (`GET /policy`); the same for every organisation
    ReadPolicy,
    /// Spring Rain editions and pairings, and edition reports (rows narrowed to the caller's
    /// province unless national)
    ReadSpringRain,
    /// create editions and pairings, open and close editions, enrol pairings (the ministry)
    ManageSpringRain,
    /// PI-02: draft and publish privacy notices (the ministry)
    ManagePrivacyNotices,
    /// the people's voice, staff side: an activity's feedback link, opinions heard on home
    /// visits, interviews and symposiums, written answers to issues (the organiser)
    HandleOpinions,
    /// opinions and their answers, and the overdue list (staff and auditors)
    ReadOpinions,
    /// rectification ledger items: open, move, publish (a supervisor also returns)
    ManageRectifications,
    /// rectification ledgers (a supervisor reads its children's through its subtree)
    ReadRectifications,
    /// uphold or dismiss complaints against volunteers (their registering organisation or
    /// above)
    ResolveComplaints,
    /// PI-07: consent to one's full name on public honour lists (one's own)
    ConsentToPublication,
    /// STAR-03: read commendations nominated in the subtree
    ReadCommendations,
    /// STAR-03: nominate for a commendation (targets in the subtree)
    NominateCommendations,
    /// STAR-03: approve or return nominations (at the decider's level or below)
    DecideCommendations,
    /// PLAN-01: open implementation-plan campaigns (the ministry)
    ManagePlanCampaigns,
    /// PLAN-01: read campaigns (every staff member)
    ReadPlanCampaigns,
    /// PLAN-01: read implementation plans and who has not submitted
    ReadImplementationPlans,
    /// PLAN-01: draft, edit and submit the province's plan, write its summary (the bureau)
    EditImplementationPlans,
    /// PLAN-01: approve or return submitted plans (the ministry)
    DecideImplementationPlans,
    /// the overview and breakdowns of the subtree's figures
    ReadStatistics,
    /// HRS-07: export service records for the national exchange (audited, PI-04)
    ExportServiceRecords,
    /// HRS-07: record how the exchange went (sent, acknowledged, failed)
    SetRecordSyncStatus,
}

/// The top-level subtree of a path: the provincial bureau (or national unit) the
/// organisation belongs to. `/1/15/40/` → `/1/15/`; the ministry's own path stays `/1/`.
pub fn province_path(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [root, top, ..] => format!("/{root}/{top}/"),
        _ => path.to_string(),
    }
}

impl Principal {
    fn own_subtree(&self) -> Scope {
        Scope::Subtree(self.org_path.clone())
    }

    fn own(&self) -> Option<Scope> {
        self.volunteer_id.map(Scope::OwnVolunteer)
    }

    /// The scope in which this caller may perform `action`, or `None` if the role may not
    /// perform it anywhere. This is PERMISSIONS.md as code; change both together.
    pub fn scope_for(&self, action: Action) -> Option<Scope> {
        use Action::*;
        use Role::*;
        let all = || Some(Scope::All);
        let subtree = || Some(self.own_subtree());
        let province = || Some(Scope::Subtree(province_path(&self.org_path)));
        match (action, self.role) {
            (ReadOrganizations, MinistryAdmin) => all(),
            (ReadOrganizations, BureauAdmin | Coordinator | Auditor) => subtree(),
            (CreateOrganization | CreateStaffUser | DisableUser, MinistryAdmin) => all(),
            (CreateOrganization | CreateStaffUser | DisableUser, BureauAdmin) => subtree(),
            (CreateMinistryAdmin, MinistryAdmin) => all(),
            (ReadUsers | ReadAuditEvents, MinistryAdmin) => all(),
            (ReadUsers | ReadAuditEvents, BureauAdmin | Auditor) => subtree(),

            (RegisterVolunteer, MinistryAdmin) => all(),
            (RegisterVolunteer, BureauAdmin | Coordinator) => subtree(),
            (ReadVolunteers, MinistryAdmin) => all(),
            (ReadVolunteers, BureauAdmin | Auditor) => subtree(),
            // HRS-06: matching looks across the province, but only at volunteers open to it.
            (ReadVolunteers, Coordinator) => Some(Scope::SubtreeAndOpen {
                subtree: self.org_path.clone(),
                province: province_path(&self.org_path),
            }),
            (ReadVolunteers, Volunteer) => self.own(),
            // The ministry asks the registering bureau; it never reads ID numbers itself.
            (RevealPersonalData, BureauAdmin) => subtree(),
            (RevealPersonalData, Volunteer) => self.own(),
            (ChangeVolunteerStatus, MinistryAdmin) => all(),
            (ChangeVolunteerStatus, BureauAdmin) => subtree(),
            (WithdrawVolunteer, MinistryAdmin) => all(),
            (WithdrawVolunteer, BureauAdmin) => subtree(),
            (WithdrawVolunteer, Volunteer) => self.own(),
            (EditVolunteerProfile | RecordGuardianConsent, BureauAdmin | Coordinator) => subtree(),
            (EditVolunteerProfile | RecordGuardianConsent, Volunteer) => self.own(),
            (RecordSafeguards, BureauAdmin | Coordinator) => subtree(),
            (ExportVolunteers, MinistryAdmin) => all(),
            (ExportVolunteers, BureauAdmin | Auditor) => subtree(),
            (RequestPersonalDataChange, BureauAdmin | Coordinator) => subtree(),
            (RequestPersonalDataChange, Volunteer) => self.own(),
            (ResolvePersonalDataRequest, MinistryAdmin) => all(),
            (ResolvePersonalDataRequest, BureauAdmin) => subtree(),
            (ResolveIdentityDisputes, BureauAdmin) => subtree(),
            (ManageRecruitments | ManageTraining | RecordTrainingResults, MinistryAdmin) => all(),
            (
                ManageRecruitments | ManageTraining | RecordTrainingResults,
                BureauAdmin | Coordinator,
            ) => subtree(),
            (NominateTrainees, BureauAdmin) => subtree(),
            (EnrolVolunteers, Coordinator) => subtree(),
            (EnrolVolunteers, Volunteer) => self.own(),
            (ManageActivities | ReadActivities | Match, MinistryAdmin) => all(),
            (ManageActivities | Match, BureauAdmin | Coordinator) => subtree(),
            (ReadActivities, BureauAdmin | Coordinator | Auditor) => subtree(),
            (Dispatch | CheckInOut | RecordService, BureauAdmin | Coordinator) => subtree(),
            (CheckInOut | RequestRecords, Volunteer) => self.own(),
            (AwardStars, MinistryAdmin) => all(),
            (AwardStars, BureauAdmin) => subtree(),
            // The policy is deployment-wide, so there is no subtree to narrow it to.
            (ReadPolicy, MinistryAdmin | BureauAdmin | Coordinator | Auditor) => all(),
            // Editions and pairings are national programme data every staff member reads; the
            // edition report narrows its rows to the caller's province itself.
            (ReadSpringRain, MinistryAdmin | BureauAdmin | Coordinator | Auditor) => all(),
            (ManageSpringRain, MinistryAdmin) => all(),
            (ManagePrivacyNotices, MinistryAdmin) => all(),
            (HandleOpinions, BureauAdmin | Coordinator) => subtree(),
            (ReadOpinions | ManageRectifications | ReadRectifications, MinistryAdmin) => all(),
            (ReadOpinions | ReadRectifications, BureauAdmin | Coordinator | Auditor) => subtree(),
            (ManageRectifications, BureauAdmin | Coordinator) => subtree(),
            (ResolveComplaints | DecideCommendations, MinistryAdmin) => all(),
            (ResolveComplaints, BureauAdmin | Coordinator) => subtree(),
            (DecideCommendations, BureauAdmin) => subtree(),
            (ConsentToPublication, Volunteer) => self.own(),
            (ReadCommendations | NominateCommendations, MinistryAdmin) => all(),
            (ReadCommendations, BureauAdmin | Coordinator | Auditor) => subtree(),
            (NominateCommendations, BureauAdmin | Coordinator) => subtree(),
            // PLAN-01: a plan belongs to the province; its bureau admins (at any level of the
            // province) keep it, its coordinators read it, auditors read their subtree's.
            (ManagePlanCampaigns | DecideImplementationPlans, MinistryAdmin) => all(),
            (ReadPlanCampaigns, MinistryAdmin | BureauAdmin | Coordinator | Auditor) => all(),
            (ReadImplementationPlans, MinistryAdmin) => all(),
            (ReadImplementationPlans | EditImplementationPlans, BureauAdmin) => province(),
            (ReadImplementationPlans, Coordinator) => province(),
            (ReadImplementationPlans, Auditor) => subtree(),
            (ReadStatistics, MinistryAdmin) => all(),
            (ReadStatistics, BureauAdmin | Coordinator | Auditor) => subtree(),
            // The exchange is a bureau's (or the ministry's) data duty, like exporting volunteers.
            (ExportServiceRecords | SetRecordSyncStatus, MinistryAdmin) => all(),
            (ExportServiceRecords | SetRecordSyncStatus, BureauAdmin) => subtree(),
            _ => None,
        }
    }

    /// The paths of the organisations above the caller's own (root first), e.g. `/1/15/40/` →
    /// `["/1/", "/1/15/"]`: their courses, sessions and campaigns are usable below them.
    pub fn ancestor_paths(&self) -> Vec<String> {
        let segments: Vec<&str> = self.org_path.split('/').filter(|s| !s.is_empty()).collect();
        (1..segments.len())
            .map(|n| format!("/{}/", segments[..n].join("/")))
            .collect()
    }

    /// Like `scope_for`, but a refusal becomes the 403 answer.
    pub fn require(&self, action: Action) -> Result<Scope, ApiError> {
        self.scope_for(action).ok_or_else(|| {
            ApiError::forbidden(format!(
                "the {} role may not perform this action",
                self.role.as_str()
            ))
        })
    }

    /// How much of the organisation at `path` this caller may read by id: its subtree in
    /// full; the names of its ancestors (bureau admins and coordinators — auditors supervise
    /// their subtree only); a volunteer its own organisation's name. `None`: invisible.
    pub fn organization_view(&self, path: &str) -> Option<OrgView> {
        let in_subtree = path.starts_with(&self.org_path);
        let ancestor = !in_subtree && self.org_path.starts_with(path);
        match self.role {
            Role::MinistryAdmin => Some(OrgView::Full),
            Role::BureauAdmin | Role::Coordinator if in_subtree => Some(OrgView::Full),
            Role::BureauAdmin | Role::Coordinator if ancestor => Some(OrgView::NameOnly),
            Role::Auditor if in_subtree => Some(OrgView::Full),
            Role::Volunteer if path == self.org_path => Some(OrgView::NameOnly),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, path: &str) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            org_id: 1,
            org_path: path.into(),
            volunteer_id: (role == Role::Volunteer).then_some(99),
            request_id: "r".into(),
        }
    }

    #[test]
    fn province_path_is_the_top_level_subtree() {
        assert_eq!(province_path("/1/15/40/77/"), "/1/15/");
        assert_eq!(province_path("/1/15/"), "/1/15/");
        assert_eq!(province_path("/1/"), "/1/");
    }

    #[test]
    fn ancestors_are_listed_root_first() {
        assert_eq!(
            principal(Role::Coordinator, "/1/15/40/").ancestor_paths(),
            ["/1/", "/1/15/"]
        );
        assert!(
            principal(Role::MinistryAdmin, "/1/")
                .ancestor_paths()
                .is_empty()
        );
    }

    #[test]
    fn only_everything_is_unbounded_and_an_own_record_scope_matches_no_organisation() {
        assert_eq!(Scope::All.org_path_prefix(), None);
        assert_eq!(
            Scope::Subtree("/1/15/".into()).org_path_prefix(),
            Some("/1/15/")
        );
        let own = Scope::OwnVolunteer(7);
        assert_eq!(own.org_path_prefix(), Some(NO_ORGANISATION));
        assert!(!own.contains("/1/") && !"/1/15/".starts_with(NO_ORGANISATION));
        let coordinator = principal(Role::Coordinator, "/1/15/40/");
        let reach = coordinator.scope_for(Action::ReadVolunteers).unwrap();
        assert_eq!(reach.org_path_prefix(), Some("/1/15/"));
        assert_eq!(reach.open_to(), Some("/1/15/40/"));
        // Outside its subtree a coordinator reaches a volunteer only when the database says
        // the volunteer is open to it.
        assert!(!reach.covers_volunteer(3, "/1/15/41/"));
        assert!(reach.covers_volunteer(3, "/1/15/40/77/"));
    }

    #[test]
    fn a_subtree_contains_descendants_only() {
        let s = Scope::Subtree("/1/15/".into());
        assert!(s.contains("/1/15/") && s.contains("/1/15/40/"));
        assert!(!s.contains("/1/150/") && !s.contains("/1/16/") && !s.contains("/1/"));
    }

    #[test]
    fn the_permission_table_for_staff_actions() {
        let ministry = principal(Role::MinistryAdmin, "/1/");
        let bureau = principal(Role::BureauAdmin, "/1/15/");
        let coordinator = principal(Role::Coordinator, "/1/15/40/");
        let auditor = principal(Role::Auditor, "/1/15/");
        let volunteer = principal(Role::Volunteer, "/1/15/40/");
        assert_eq!(
            ministry.scope_for(Action::CreateMinistryAdmin),
            Some(Scope::All)
        );
        assert_eq!(bureau.scope_for(Action::CreateMinistryAdmin), None);
        assert_eq!(
            bureau.scope_for(Action::CreateStaffUser),
            Some(Scope::Subtree("/1/15/".into()))
        );
        for denied in [
            Action::CreateStaffUser,
            Action::CreateOrganization,
            Action::DisableUser,
        ] {
            assert_eq!(coordinator.scope_for(denied), None);
            assert_eq!(auditor.scope_for(denied), None);
            assert_eq!(volunteer.scope_for(denied), None);
        }
        assert_eq!(coordinator.scope_for(Action::ReadAuditEvents), None);
        assert!(auditor.scope_for(Action::ReadAuditEvents).is_some());
        for staff in [&ministry, &bureau, &coordinator, &auditor] {
            assert_eq!(staff.scope_for(Action::ReadPolicy), Some(Scope::All));
            assert_eq!(staff.scope_for(Action::ReadSpringRain), Some(Scope::All));
        }
        assert_eq!(volunteer.scope_for(Action::ReadPolicy), None);
        // Spring Rain editions and pairings: the ministry manages, staff read.
        assert_eq!(
            ministry.scope_for(Action::ManageSpringRain),
            Some(Scope::All)
        );
        for other in [&bureau, &coordinator, &auditor, &volunteer] {
            assert_eq!(other.scope_for(Action::ManageSpringRain), None);
        }
        assert_eq!(volunteer.scope_for(Action::ReadSpringRain), None);
        // PLAN-01: the ministry decides; a bureau keeps its province's plan, wherever in the
        // province it sits; coordinators read it.
        let hz_admin = principal(Role::BureauAdmin, "/1/15/40/");
        assert_eq!(
            hz_admin.scope_for(Action::EditImplementationPlans),
            Some(Scope::Subtree("/1/15/".into()))
        );
        assert_eq!(
            coordinator.scope_for(Action::ReadImplementationPlans),
            Some(Scope::Subtree("/1/15/".into()))
        );
        assert_eq!(coordinator.scope_for(Action::EditImplementationPlans), None);
        for other in [&bureau, &coordinator, &auditor, &volunteer] {
            assert_eq!(other.scope_for(Action::ManagePlanCampaigns), None);
            assert_eq!(other.scope_for(Action::DecideImplementationPlans), None);
        }
        assert_eq!(ministry.scope_for(Action::EditImplementationPlans), None);
    }

    #[test]
    fn the_permission_table_for_volunteer_records() {
        let ministry = principal(Role::MinistryAdmin, "/1/");
        let bureau = principal(Role::BureauAdmin, "/1/15/");
        let coordinator = principal(Role::Coordinator, "/1/15/40/");
        let auditor = principal(Role::Auditor, "/1/15/");
        let volunteer = principal(Role::Volunteer, "/1/15/40/");
        // The ministry never reveals ID numbers and never edits profiles.
        assert_eq!(ministry.scope_for(Action::RevealPersonalData), None);
        assert_eq!(ministry.scope_for(Action::EditVolunteerProfile), None);
        assert_eq!(ministry.scope_for(Action::ReadVolunteers), Some(Scope::All));
        assert_eq!(
            bureau.scope_for(Action::RevealPersonalData),
            Some(Scope::Subtree("/1/15/".into()))
        );
        // Coordinators read their subtree and, in their province, volunteers open to them
        // (HRS-06); they edit only their subtree.
        assert_eq!(
            coordinator.scope_for(Action::ReadVolunteers),
            Some(Scope::SubtreeAndOpen {
                subtree: "/1/15/40/".into(),
                province: "/1/15/".into()
            })
        );
        assert_eq!(
            coordinator.scope_for(Action::EditVolunteerProfile),
            Some(Scope::Subtree("/1/15/40/".into()))
        );
        assert_eq!(coordinator.scope_for(Action::RevealPersonalData), None);
        assert_eq!(
            auditor.scope_for(Action::ExportVolunteers),
            Some(Scope::Subtree("/1/15/".into()))
        );
        assert_eq!(auditor.scope_for(Action::EditVolunteerProfile), None);
        assert_eq!(
            volunteer.scope_for(Action::ReadVolunteers),
            Some(Scope::OwnVolunteer(99))
        );
        assert_eq!(volunteer.scope_for(Action::RecordSafeguards), None);
        assert_eq!(volunteer.scope_for(Action::ChangeVolunteerStatus), None);
        let own = volunteer.scope_for(Action::WithdrawVolunteer).unwrap();
        assert!(own.covers_volunteer(99, "/1/15/40/") && !own.covers_volunteer(98, "/1/15/40/"));
    }

    #[test]
    fn ancestors_are_readable_by_bureau_staff_but_not_by_auditors() {
        let coordinator = principal(Role::Coordinator, "/1/15/40/");
        let view = |p: &Principal, path: &str| p.organization_view(path);
        assert_eq!(view(&coordinator, "/1/15/"), Some(OrgView::NameOnly));
        assert_eq!(view(&coordinator, "/1/15/40/41/"), Some(OrgView::Full));
        assert_eq!(view(&coordinator, "/1/16/"), None);
        let auditor = principal(Role::Auditor, "/1/15/40/");
        assert_eq!(view(&auditor, "/1/15/"), None);
        let volunteer = principal(Role::Volunteer, "/1/15/40/");
        assert_eq!(view(&volunteer, "/1/15/40/"), Some(OrgView::NameOnly));
        assert_eq!(view(&volunteer, "/1/15/40/41/"), None);
    }
}
