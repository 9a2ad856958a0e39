//! One test binary for the whole HTTP API (fast to link). Every test that touches the
//! database runs on SQLite, and on PostgreSQL when built with `--features postgres` and
//! `TEST_DATABASE_URL` is set.

mod helpers;

mod activity_rules;
mod architecture;
mod audit;
mod auth;
mod authz;
mod authz_fixture;
mod authz_matrix;
mod demo;
mod deployments;
mod dispatch;
mod dispatch_plans;
mod errors;
mod honours;
mod hygiene;
mod idempotency;
mod identity_disputes;
mod implementation_plans;
mod import;
mod migrations;
mod openapi;
mod ops;
mod organizations;
mod personal_information;
mod policy;
mod privacy;
mod records;
mod recruitment;
mod reference;
mod registration_rules;
mod rules_to_the_letter;
mod season_plan;
mod spring_rain;
mod stats;
mod training;
mod training_base;
#[cfg(feature = "postgres")]
mod two_instances;
mod users;
mod voice;
mod volunteers;
