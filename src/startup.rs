//! Builds the application: migrations → pool → first-start admin → state → HTTP server
//! (middleware, error handlers, routes, docs). Tests build it exactly the same way.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::{LaneLimits, PasswordHashing};
use crate::auth::throttle::{FailedLoginThrottle, IpRateLimiter, KeyRateLimiter};
use crate::cli;
use crate::config::Settings;
use crate::crypto::PersonalDataCipher;
use crate::db::{self, DbPool};
use crate::domain::account::Username;
use crate::middleware::{idempotency, localize, metrics, problem, request_id};
use crate::routes::common::extract;
use crate::routes::{self, fallback::RouteTable};
use crate::state::AppState;

/// What happened to the `admin` account at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminBootstrap {
    AlreadyExists,
    CreatedWithConfiguredPassword,
    /// Shown once: nobody else will ever see it.
    CreatedWithGeneratedPassword(String),
}

pub struct Application {
    port: u16,
    server: Server,
    pub admin: AdminBootstrap,
    pub state: web::Data<AppState>,
}

/// Creates the first ministry admin (`admin`) if it does not exist yet.
pub fn ensure_admin(pool: &DbPool, configured: Option<&str>) -> Result<AdminBootstrap, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let username = Username::parse("admin").map_err(String::from)?;
    if db::users::find_by_username(&mut conn, username.as_str())
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(AdminBootstrap::AlreadyExists);
    }
    let (password, outcome) = match configured {
        Some(p) => (p.to_string(), AdminBootstrap::CreatedWithConfiguredPassword),
        None => {
            let generated = cli::generated_password();
            (
                generated.clone(),
                AdminBootstrap::CreatedWithGeneratedPassword(generated),
            )
        }
    };
    if let Err(e) = cli::insert_ministry_admin(&mut conn, &username, &password) {
        // Instances started together on an empty database all find no admin; one insert
        // wins and the others' hit the unique username. Only a real failure stops start-up.
        let created_meanwhile = db::users::find_by_username(&mut conn, username.as_str())
            .map_err(|e| e.to_string())?
            .is_some();
        if created_meanwhile {
            return Ok(AdminBootstrap::AlreadyExists);
        }
        return Err(format!("SPRINGRAIN_ADMIN_PASSWORD: {e}"));
    }
    Ok(outcome)
}

/// PI-01: rows stored in clear before field encryption covered them are encrypted now.
fn encrypt_backlog(pool: &db::DbPool, cipher: &PersonalDataCipher) -> Result<(), String> {
    use diesel::Connection;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let changed = conn
        .transaction(|c| {
            crate::registry::at_rest::encrypt_backlog(c, cipher, crate::clock::today())
        })
        .map_err(|e| format!("encrypting personal data stored in clear: {e}"))?;
    if changed > 0 {
        tracing::info!(changed, "personal data stored in clear encrypted");
    }
    Ok(())
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, String> {
        if settings.database_url.starts_with("sqlite://") || !settings.database_url.contains("://")
        {
            std::fs::create_dir_all(&settings.data_dir)
                .map_err(|e| format!("cannot create {}: {e}", settings.data_dir.display()))?;
        }
        let applied = db::migrate(&settings.database_url)?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied database migrations");
        }
        let postgres = settings.database_url.starts_with("postgres");
        let pool_size = settings
            .db_pool_size
            .unwrap_or(if postgres { 16 } else { 8 });
        let pool = db::build_pool(&settings.database_url, pool_size, settings.db_timeout)?;
        let admin = ensure_admin(&pool, settings.admin_password.as_deref())?;
        let cipher = PersonalDataCipher::new(&settings.data_key);
        encrypt_backlog(&pool, &cipher)?;

        let state = web::Data::new(AppState {
            pool,
            clock: crate::clock::Clock::default(),
            policy: settings.policy.clone(),
            jwt: JwtKeys::new(&settings.jwt_secret, settings.access_token_ttl_secs),
            cipher,
            passwords: PasswordHashing::new(
                LaneLimits {
                    permits: settings.password_hash_permits,
                    queue: settings.login_hash_queue,
                },
                LaneLimits {
                    permits: settings.enrolment_hash_permits,
                    queue: settings.enrolment_hash_queue,
                },
            )
            .map_err(|e| e.to_string())?,
            auth_rate: IpRateLimiter::per_minute(settings.auth_rate_per_minute),
            feedback_rate: IpRateLimiter::per_minute(settings.feedback_rate_per_minute),
            feedback_token_rate: KeyRateLimiter::per_minute(
                settings.feedback_token_rate_per_minute,
            ),
            login_failures: FailedLoginThrottle::new(
                settings.login_max_failures,
                settings.login_account_ceiling,
                settings.login_failure_window,
            ),
            principals: Default::default(),
            settings: Arc::new(settings),
        });

        let doc = crate::openapi::document();
        let route_table = web::Data::new(RouteTable::from_openapi(&doc));
        let listener = TcpListener::bind(&state.settings.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", state.settings.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        metrics::spawn_upkeep();
        crate::jobs::spawn(
            state.pool.clone(),
            state.settings.clone(),
            state.clock.clone(),
        );

        let app_state = state.clone();
        let workers = state.settings.http_workers;
        let server = HttpServer::new(move || {
            let cors = state_cors(&app_state.settings.cors_origins);
            App::new()
                .app_data(app_state.clone())
                .app_data(route_table.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(extract::JSON_BODY_LIMIT)
                        .error_handler(extract::json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(extract::query_error))
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                .wrap(from_fn(idempotency::replay_or_record))
                .wrap(ErrorHandlers::new().default_handler(problem::ensure_problem))
                .wrap(from_fn(localize::localize))
                .wrap(cors)
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Cache-Control", "no-store")),
                )
                .wrap(from_fn(metrics::record))
                .wrap(from_fn(request_id::assign))
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc.clone()))
                .default_service(web::to(routes::fallback::not_routed))
        });
        // Each worker builds its own copy of the routes (a compiled pattern per path).
        let server = match workers {
            Some(n) => server.workers(n),
            None => server,
        };
        let server = server
            .listen(listener)
            .map_err(|e| e.to_string())?
            .shutdown_timeout(30)
            .run();

        Ok(Application {
            port,
            server,
            admin,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from outside (tests stop theirs before dropping its database).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM / SIGINT, then drains in-flight requests (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn state_cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "Authorization",
            "Content-Type",
            "If-Match",
            "Idempotency-Key",
            "X-Request-Id",
        ])
        .expose_headers([
            "Location",
            "ETag",
            "X-Request-Id",
            "Retry-After",
            idempotency::REPLAYED_HEADER,
        ])
        .max_age(3600);
    origins
        .iter()
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}
