//! The HTTP surface: request/response DTOs and thin handlers, one file per resource.

pub mod audit;
pub mod auth;
pub mod extract;
pub mod fallback;
pub mod me;
pub mod ops;
pub mod organizations;
pub mod pagination;
pub mod reference;
pub mod users;

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
                                .error_handler(extract::json_error),
                        )
                        .wrap(from_fn(limit_auth))
                        .service(auth::login)
                        .service(auth::refresh)
                        .service(auth::logout),
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
                .service(organizations::list_organizations)
                .service(organizations::create_organization)
                .service(organizations::get_organization)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::disable_user)
                .service(audit::list_audit_events),
        );
}
