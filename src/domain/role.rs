//! The five roles of DOMAIN.md.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MinistryAdmin,
    BureauAdmin,
    Coordinator,
    Auditor,
    Volunteer,
}

crate::domain::text_enum!(Role {
    MinistryAdmin => "ministry_admin",
    BureauAdmin => "bureau_admin",
    Coordinator => "coordinator",
    Auditor => "auditor",
    Volunteer => "volunteer",
});

impl Role {
    pub const ALL: [Role; 5] = [
        Role::MinistryAdmin,
        Role::BureauAdmin,
        Role::Coordinator,
        Role::Auditor,
        Role::Volunteer,
    ];

    /// Staff roles are created through `/users`; volunteers get accounts through registration.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::BureauAdmin | Role::Coordinator | Role::Auditor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_code() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
