//! The one table from unique constraints to the codes clients see. A unique violation is how a
//! race between two writers ends (the check before the insert passed for both), so each such
//! constraint gets the code and sentence of the check it backs up.

use super::ErrorCode;

struct Unique {
    /// The constraint or unique index name (PostgreSQL reports it).
    postgres: &'static str,
    /// The columns SQLite names in "UNIQUE constraint failed: …".
    sqlite: &'static str,
    code: ErrorCode,
    detail: &'static str,
}

const UNIQUE: &[Unique] = &[
    Unique {
        postgres: "volunteer_evaluations_once",
        sqlite: "volunteer_evaluations.assignment_id, volunteer_evaluations.evaluator_organization_id",
        code: ErrorCode::AlreadyEvaluated,
        detail: "this organisation has evaluated this assignment already",
    },
    Unique {
        postgres: "implementation_plans_campaign_org_key",
        sqlite: "implementation_plans.campaign_id, implementation_plans.organization_id",
        code: ErrorCode::PlanExists,
        detail: "the province has a plan for this campaign already",
    },
    Unique {
        postgres: "plan_campaigns_year_title_key",
        sqlite: "plan_campaigns.year, plan_campaigns.title",
        code: ErrorCode::CampaignTaken,
        detail: "a campaign with this year and title exists already",
    },
    Unique {
        postgres: "volunteers_id_hash_key",
        sqlite: "volunteers.id_hash",
        code: ErrorCode::DuplicateIdNumber,
        detail: "this ID number is registered already",
    },
    Unique {
        postgres: "users_username_key",
        sqlite: "users.username",
        code: ErrorCode::UsernameTaken,
        detail: "this username is taken",
    },
    Unique {
        postgres: "assignments_live_idx",
        sqlite: "assignments.activity_id, assignments.volunteer_id",
        code: ErrorCode::AlreadyAssigned,
        detail: "the volunteer already has a live assignment on this activity",
    },
    Unique {
        postgres: "applications_recruitment_id_volunteer_id_key",
        sqlite: "applications.recruitment_id, applications.volunteer_id",
        code: ErrorCode::AlreadyApplied,
        detail: "this volunteer has applied to this campaign already",
    },
    Unique {
        postgres: "enrollments_session_id_volunteer_id_key",
        sqlite: "enrollments.session_id, enrollments.volunteer_id",
        code: ErrorCode::AlreadyEnrolled,
        detail: "the volunteer is enrolled in this session already",
    },
    Unique {
        postgres: "star_awards_level_idx",
        sqlite: "star_awards.volunteer_id, star_awards.level",
        code: ErrorCode::StarApplicationPending,
        detail: "this level is applied for already",
    },
    Unique {
        postgres: "spring_rain_editions_year_key",
        sqlite: "spring_rain_editions.year",
        code: ErrorCode::EditionYearTaken,
        detail: "an edition for this year exists already",
    },
    Unique {
        postgres: "spring_rain_pairings_route_key",
        sqlite: "spring_rain_pairings.sending_province, spring_rain_pairings.receiving_region",
        code: ErrorCode::PairingExists,
        detail: "this sending province and receiving region are paired already",
    },
    Unique {
        postgres: "attendance_days_assignment_date_key",
        sqlite: "attendance_days.assignment_id, attendance_days.service_date",
        code: ErrorCode::ConcurrentUpdate,
        detail: "this day's attendance was recorded meanwhile; read it again",
    },
    Unique {
        postgres: "courses_code_key",
        sqlite: "courses.code",
        code: ErrorCode::CourseCodeTaken,
        detail: "a course with this code exists already",
    },
    Unique {
        postgres: "training_base_trainees_person_key",
        sqlite: "training_base_trainees.event_id, training_base_trainees.mobile_index",
        code: ErrorCode::AlreadyNominated,
        detail: "this person (by mobile) is nominated to the event already",
    },
];

/// Every mapped constraint: its PostgreSQL name and the columns SQLite names (for a test that
/// the names match the migrations).
pub fn unique_constraints() -> impl Iterator<Item = (&'static str, &'static str)> {
    UNIQUE.iter().map(|u| (u.postgres, u.sqlite))
}

/// The code and detail for a unique violation, from the constraint name (PostgreSQL) or the
/// message (SQLite); `None` for a constraint the table does not name.
pub(super) fn unique_violation(
    constraint: Option<&str>,
    message: &str,
) -> Option<(ErrorCode, &'static str)> {
    UNIQUE
        .iter()
        .find(|u| match constraint {
            Some(name) => name == u.postgres,
            None => message
                .strip_prefix("UNIQUE constraint failed: ")
                .is_some_and(|columns| columns == u.sqlite),
        })
        .map(|u| (u.code, u.detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_name_the_same_constraint() {
        assert_eq!(
            unique_violation(Some("users_username_key"), "duplicate key value").map(|u| u.0),
            Some(ErrorCode::UsernameTaken)
        );
        assert_eq!(
            unique_violation(None, "UNIQUE constraint failed: users.username").map(|u| u.0),
            Some(ErrorCode::UsernameTaken)
        );
        assert_eq!(
            unique_violation(None, "UNIQUE constraint failed: x.y"),
            None
        );
    }
}
