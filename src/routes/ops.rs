//! Operations endpoints: liveness, readiness (database reachable), Prometheus metrics.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok`
    pub status: String,
}

/// The process is up.
#[utoipa::path(tag = "ops", security(()), responses((status = 200, body = HealthResponse)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    })
}

/// The process can serve: the database answers.
#[utoipa::path(
    tag = "ops",
    security(()),
    responses(
        (status = 200, body = HealthResponse),
        (status = 503, description = "Database unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    crate::service::run(&state.pool, |c| {
        c.batch_execute("SELECT 1").map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            crate::error::ApiError::unavailable("the database is not answering")
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
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
