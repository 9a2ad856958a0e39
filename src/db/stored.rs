//! Domain text enums as TEXT columns. A value is parsed once, where the row is read; a value
//! the enum does not know (a hand edit, a newer release's status read by an older one) is an
//! error that names the column and the value, so the request fails with a 500 and the log says
//! what to repair — never a silent default.

/// A stored value the domain enum does not know.
#[derive(Debug)]
pub struct UnknownValue {
    /// `table.column` (or the columns, where one enum is stored in several).
    pub column: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} holds the unknown value {:?}",
            self.column, self.value
        )
    }
}

impl std::error::Error for UnknownValue {}

/// Reads and writes `$ty` (a `domain::text_enum!` type with `as_str`/`parse`) as `Text`.
macro_rules! text_column {
    ($ty:ty, $column:literal) => {
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::MultiBackend>
            for $ty
        {
            fn from_sql(
                value: <$crate::db::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    $crate::db::MultiBackend,
                >>::from_sql(value)?;
                <$ty>::parse(&text).ok_or_else(|| {
                    Box::new($crate::db::stored::UnknownValue {
                        column: $column,
                        value: text,
                    }) as Box<dyn std::error::Error + Send + Sync>
                })
            }
        }

        impl diesel::deserialize::Queryable<diesel::sql_types::Text, $crate::db::MultiBackend>
            for $ty
        {
            type Row = Self;
            fn build(row: Self) -> diesel::deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<
                    diesel::sql_types::Text,
                    $crate::db::MultiBackend,
                >>::to_sql(self.as_str(), out)
            }
        }

        impl diesel::expression::AsExpression<diesel::sql_types::Text> for $ty {
            type Expression =
                diesel::internal::derives::as_expression::Bound<diesel::sql_types::Text, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }

        impl<'a> diesel::expression::AsExpression<diesel::sql_types::Text> for &'a $ty {
            type Expression =
                diesel::internal::derives::as_expression::Bound<diesel::sql_types::Text, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
    };
}

text_column!(crate::domain::activity::ActivityStatus, "activities.status");
text_column!(
    crate::domain::activity::ActivityCategory,
    "activities.category"
);
text_column!(crate::domain::activity::LocationType, "sites.location_type");
text_column!(crate::domain::activity::SiteKind, "sites.kind");
text_column!(
    crate::domain::assignment::AssignmentState,
    "assignments.status"
);
text_column!(
    crate::domain::eligibility::Programme,
    "activities.programme"
);
text_column!(
    crate::domain::eligibility::RiskLevel,
    "activities.risk_level"
);
text_column!(
    crate::domain::recruitment::RecruitmentStatus,
    "recruitments.status"
);
text_column!(
    crate::domain::recruitment::ApplicationStatus,
    "applications.status"
);
text_column!(crate::domain::training::CourseCategory, "courses.category");
text_column!(
    crate::domain::volunteer::VolunteerStatus,
    "volunteers.status"
);
text_column!(
    crate::domain::volunteer::Proficiency,
    "volunteer_languages.proficiency"
);
text_column!(crate::domain::organization::OrgKind, "organizations.kind");
text_column!(
    crate::domain::spring_rain::EditionStatus,
    "spring_rain_editions.status"
);
text_column!(
    crate::domain::spring_rain::ActionType,
    "activities.action_type"
);
text_column!(
    crate::domain::organization::OrganType,
    "organizations.organ_type"
);
text_column!(crate::domain::voice::Channel, "opinions.channel");
text_column!(
    crate::domain::voice::LedgerStatus,
    "rectification_items.status"
);
text_column!(
    crate::domain::role::Role,
    "users.role or audit_events.actor_role"
);

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use crate::domain::activity::ActivityStatus;

    #[test]
    fn a_known_value_reads_back_and_an_unknown_one_names_its_column() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let pool = crate::db::build_pool(&url, 1, std::time::Duration::from_secs(2)).unwrap();
        let mut conn = pool.get().unwrap();
        let read = |conn: &mut crate::db::DbConn, literal: &str| {
            diesel::select(diesel::dsl::sql::<Text>(literal)).get_result::<ActivityStatus>(conn)
        };
        assert_eq!(
            read(&mut conn, "'published'").unwrap(),
            ActivityStatus::Published
        );
        let err = crate::error::with_causes(&read(&mut conn, "'bogus'").unwrap_err());
        assert!(
            err.contains("activities.status") && err.contains("bogus"),
            "{err}"
        );
    }
}
text_column!(
    crate::domain::implementation_plan::PlanStatus,
    "implementation_plans.status"
);
