//! Operations endpoints: liveness, readiness (database reachable), Prometheus metrics.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::state::AppState;

/// How long readiness waits for the database's answer before it answers 503.
const READY_WAIT: std::time::Duration = std::time::Duration::from_millis(1000);

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok`
    pub status: String,
}

/// Readiness, with the deployment's data-residency declaration (PI-05).
#[derive(Serialize, ToSchema)]
pub struct ReadyResponse {
    /// `ok`
    pub status: String,
    pub data_residency: DataResidencyResponse,
}

#[derive(Serialize, ToSchema)]
pub struct DataResidencyResponse {
    /// Where the deployment declares its personal data is stored (`SPRINGRAIN_DATA_LOCATION`).
    pub location: String,
    /// Whether that declaration is mainland China.
    pub in_mainland_china: bool,
    /// Whether a state organ runs the deployment (`SPRINGRAIN_STATE_ORGAN`); such a
    /// deployment starts only with its data in mainland China (PI-05, PIPL Art 36).
    pub state_organ: bool,
}

/// The process is up.
#[utoipa::path(tag = "ops", security(()), responses((status = 200, body = HealthResponse)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    })
}

/// The process can serve: the database answers. Reports where the data is declared to be.
#[utoipa::path(
    tag = "ops",
    security(()),
    responses(
        (status = 200, body = ReadyResponse),
        (status = 503, description = "Database unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let check = crate::service::run(&state.pool, |c| {
        c.batch_execute("SELECT 1").map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            crate::error::ApiError::unavailable("the database is not answering")
        })
    });
    // A probe must hear "not ready" before its own timeout (commonly 1-3 s), not after the
    // pool's wait for a connection (5 s by default) while the database is down. The check
    // itself runs on in the background until it gets a connection or the pool gives up.
    actix_web::rt::time::timeout(READY_WAIT, check)
        .await
        .map_err(|_| {
            tracing::warn!("readiness check: no database answer in time");
            crate::error::ApiError::unavailable("the database is not answering")
        })??;
    let residency = &state.settings.residency;
    Ok(HttpResponse::Ok().json(ReadyResponse {
        status: "ok".into(),
        data_residency: DataResidencyResponse {
            location: residency.location.clone(),
            in_mainland_china: residency.in_mainland(),
            state_organ: residency.state_organ,
        },
    }))
}

/// Prometheus text exposition: `http_requests_total` and `http_request_duration_seconds`
/// by method, route pattern and status.
#[utoipa::path(tag = "ops", security(()), responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::middleware::metrics::handle().render())
}
