//! The HTTP surface: request/response DTOs and thin handlers, one file per resource.

pub mod activities;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod commendations;
pub mod common;
pub mod deployments;
pub mod fallback;
pub mod identity_disputes;
pub mod implementation_plans;
pub mod matching;
pub mod me;
pub mod notifications;
pub mod ops;
pub mod organizations;
pub mod plans;
pub mod policy;
pub mod privacy;
pub mod public;
pub mod recognition;
pub mod records;
pub mod recruitment;
pub mod reference;
pub mod spring_rain;
pub mod stats;
pub mod training;
pub mod training_base;
pub mod users;
pub mod voice;
pub mod volunteers;

use actix_web::middleware::from_fn;
use actix_web::web;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::middleware::rate_limit::limit_auth;

/// Auth bodies are tiny; a small limit keeps floods cheap to refuse.
const AUTH_BODY_LIMIT: usize = 4 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ops::live)
        .service(ops::ready)
        .service(ops::metrics)
        .service(
            scope::scope("/api/v1")
                .service(
                    scope::scope("/auth")
                        .app_data(
                            web::JsonConfig::default()
                                .limit(AUTH_BODY_LIMIT)
                                .error_handler(common::extract::json_error),
                        )
                        .app_data(common::extract::JsonLimit(AUTH_BODY_LIMIT))
                        .wrap(from_fn(limit_auth))
                        .service(auth::login)
                        .service(auth::refresh)
                        .service(auth::logout)
                        .service(volunteers::register::self_register)
                        .service(volunteers::register::activate),
                )
                // Public endpoints share the per-address limit of the auth scope.
                .service(
                    scope::scope("/public")
                        .wrap(from_fn(limit_auth))
                        .service(records::certificates::verify_certificate)
                        .service(records::objections::lodge_objection)
                        .service(training_base::verify_certificate)
                        // Receipts before `/feedback/{token}` for readability (the segment
                        // counts differ, so neither claims the other's paths).
                        .service(voice::feedback::get_feedback_receipt)
                        .service(voice::feedback::submit_feedback)
                        .service(voice::feedback::get_feedback_page)
                        .service(voice::ledger::public_rectifications)
                        .service(public::public_activities)
                        .service(public::public_honours),
                )
                .service(
                    scope::scope("/reference")
                        .service(reference::list_regions)
                        .service(reference::list_skills)
                        .service(reference::list_languages)
                        .service(reference::list_target_groups)
                        .service(reference::list_activity_forms)
                        .service(reference::list_course_categories),
                )
                .service(me::get_me)
                .service(recognition::my_conduct)
                .service(policy::get_policy)
                .service(privacy::list_notices)
                .service(privacy::create_notice)
                .service(privacy::publish_notice)
                .service(privacy::consent_state)
                .service(privacy::give_consent)
                .service(privacy::withdraw_consent)
                .service(organizations::list_organizations)
                .service(organizations::create_organization)
                .service(organizations::get_organization)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::disable_user)
                .service(audit::list_audit_events)
                .service(identity_disputes::list_identity_disputes)
                .service(identity_disputes::decide_identity_dispute)
                // Fixed paths before `/volunteers/{id}`, which would otherwise claim them.
                .service(volunteers::export::export_volunteers)
                .service(volunteers::import::import_volunteers)
                .service(volunteers::read::list_volunteers)
                .service(volunteers::register::register_volunteer)
                .service(volunteers::read::get_volunteer)
                .service(volunteers::profile::update_volunteer)
                .service(volunteers::profile::put_skills)
                .service(volunteers::profile::put_languages)
                .service(volunteers::profile::put_availability)
                .service(volunteers::profile::put_target_groups)
                .service(volunteers::consents::give_matching_consent)
                .service(volunteers::consents::withdraw_matching_consent)
                .service(volunteers::safeguards::add_guardian_consent)
                .service(volunteers::safeguards::add_insurance_policy)
                .service(volunteers::safeguards::put_background_check)
                .service(volunteers::lifecycle::approve_volunteer)
                .service(volunteers::lifecycle::suspend_volunteer)
                .service(volunteers::lifecycle::reinstate_volunteer)
                .service(volunteers::lifecycle::withdraw_volunteer)
                .service(volunteers::data_requests::create_data_request)
                .service(volunteers::data_requests::list_data_requests)
                .service(volunteers::data_requests::action_data_request)
                .service(volunteers::data_requests::exempt_data_request)
                .service(training::certificates::list_certificates)
                .service(training::certificates::revoke_certificate)
                .service(recruitment::campaigns::list_recruitments)
                .service(recruitment::campaigns::create_recruitment)
                .service(recruitment::campaigns::get_recruitment)
                .service(recruitment::campaigns::open_recruitment)
                .service(recruitment::campaigns::close_recruitment)
                .service(recruitment::applications::apply)
                .service(recruitment::applications::list_applications)
                .service(recruitment::applications::accept_application)
                .service(recruitment::applications::reject_application)
                .service(recruitment::applications::withdraw_application)
                .service(training::courses::list_courses)
                .service(training::courses::create_course)
                .service(training::courses::get_course)
                .service(training::courses::create_session)
                .service(training::courses::list_sessions)
                .service(training::courses::get_session)
                .service(training::enrolments::enroll)
                .service(training::enrolments::list_enrollments)
                .service(training::enrolments::record_result)
                .service(training_base::create_event)
                .service(training_base::get_event)
                .service(training_base::nominate)
                .service(training_base::list_trainees)
                .service(training_base::record_attendance)
                .service(training_base::issue_certificate)
                .service(implementation_plans::create_campaign)
                .service(implementation_plans::list_campaigns)
                .service(implementation_plans::get_campaign)
                .service(implementation_plans::missing_plans)
                .service(implementation_plans::create_plan)
                .service(implementation_plans::list_plans)
                .service(implementation_plans::get_plan)
                .service(implementation_plans::update_plan)
                .service(implementation_plans::submit_plan)
                .service(implementation_plans::approve_plan)
                .service(implementation_plans::return_plan)
                .service(implementation_plans::write_summary)
                .service(notifications::list_notifications)
                .service(notifications::mark_read)
                .service(activities::sites::create_site)
                .service(activities::sites::list_sites)
                .service(activities::write::create_activity)
                .service(activities::read::list_activities)
                .service(activities::read::get_activity)
                .service(activities::write::update_activity)
                .service(activities::lifecycle::publish_activity)
                .service(activities::lifecycle::start_activity)
                .service(activities::lifecycle::complete_activity)
                .service(activities::lifecycle::cancel_activity)
                .service(assignments::offer)
                .service(assignments::list_assignments)
                .service(assignments::get_assignment)
                .service(assignments::confirm)
                .service(assignments::decline)
                .service(assignments::withdraw)
                .service(assignments::cancel)
                .service(assignments::check_in)
                .service(assignments::check_out)
                .service(assignments::no_show)
                .service(assignments::sign_agreement)
                .service(assignments::request_agreement)
                .service(records::service_records::verify)
                .service(records::service_records::verify_attendance)
                .service(deployments::record_attendance)
                .service(deployments::activity_attendance)
                .service(deployments::roster)
                .service(deployments::set_team_leader)
                .service(deployments::evaluate_team)
                .service(deployments::team_evaluations)
                .service(matching::eligibility)
                .service(matching::candidates)
                .service(records::exchange::export_service_records)
                .service(records::exchange::set_sync_status)
                .service(stats::stats_overview)
                .service(stats::stats_breakdown)
                .service(records::service_records::list_service_records)
                .service(records::service_records::record_versions)
                .service(records::service_records::request_correction)
                .service(records::service_records::accept_correction)
                .service(records::service_records::reject_correction)
                .service(records::stars::get_stars)
                .service(records::stars::apply_for_star)
                .service(records::stars::grant_star)
                .service(records::stars::reject_star)
                .service(recognition::evaluate)
                .service(recognition::lodge_complaint)
                .service(recognition::uphold_complaint)
                .service(recognition::dismiss_complaint)
                .service(recognition::get_conduct)
                .service(recognition::put_publication_consent)
                .service(commendations::nominate)
                .service(commendations::list_commendations)
                .service(commendations::get_commendation)
                .service(commendations::approve_commendation)
                .service(commendations::return_commendation)
                .service(commendations::reject_commendation)
                .service(records::certificates::issue_certificate)
                .service(records::certificates::list_certificates)
                .service(records::certificates::revoke_certificate)
                .service(records::objections::list_objections)
                .service(records::objections::decide_objection)
                .service(records::certificates::add_qualification)
                .service(plans::create_plan)
                .service(plans::get_plan)
                .service(plans::commit_plan)
                .service(activities::reached::put_people_reached)
                .service(activities::reached::get_people_reached)
                .service(spring_rain::editions::create_edition)
                .service(spring_rain::editions::list_editions)
                .service(spring_rain::editions::get_edition)
                .service(spring_rain::editions::open_edition)
                .service(spring_rain::editions::close_edition)
                .service(spring_rain::editions::enrol_pairing)
                .service(spring_rain::editions::plan_season)
                .service(spring_rain::report::edition_report)
                .service(spring_rain::pairings::create_pairing)
                .service(spring_rain::pairings::list_pairings)
                .service(spring_rain::pairings::get_pairing)
                .service(voice::feedback::get_feedback_link)
                .service(voice::feedback::get_feedback_qr)
                .service(voice::opinions::record_opinion)
                .service(voice::opinions::list_opinions)
                .service(voice::opinions::get_opinion)
                .service(voice::opinions::answer_opinion)
                .service(voice::ledger::create_rectification)
                .service(voice::ledger::list_rectifications)
                .service(voice::ledger::get_rectification)
                .service(voice::ledger::start_rectification)
                .service(voice::ledger::resolve_rectification)
                .service(voice::ledger::reject_rectification)
                .service(voice::ledger::return_rectification)
                .service(voice::ledger::publish_rectification),
        );
}
