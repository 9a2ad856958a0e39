//! HRS-07 record exchange: `GET /service-records/export` streams the current service records
//! of the caller's subtree as CSV or JSON Lines, a page of rows at a time (memory stays flat
//! however many records there are); `POST /service-records/sync-status` records how their
//! exchange with the national volunteer-service system went.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::Principal;
use crate::db::record_exchange::{ExportFilter, ExportRow};
use crate::domain::identity::restrict_id_mask;
use crate::domain::stats::Period;
use crate::error::{ApiError, ApiResult};
use crate::routes::common::{csv_out, dates, extract};
use crate::service;
use crate::service::record_exchange::{self as exchange, SyncChange, SyncCommand};
use crate::state::AppState;

const PAGE: i64 = 1000;

const HEADER: [&str; 15] = [
    "id",
    "record_id",
    "version",
    "volunteer_number",
    "id_type",
    "id_number_masked",
    "activity_id",
    "activity",
    "organization_id",
    "organiser",
    "region_code",
    "service_date",
    "minutes",
    "verifier",
    "sync_status",
];

/// One record of the national exchange format (a JSON Lines line; the CSV has the same
/// columns).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeRecord {
    /// This version's id: what `sync-status` takes.
    pub id: i64,
    /// The record across its versions.
    pub record_id: i64,
    pub version: i32,
    pub volunteer_number: Option<String>,
    pub id_type: String,
    /// Head and tail only: a file leaves the system (PI-01).
    pub id_number_masked: String,
    pub activity_id: i64,
    pub activity: String,
    pub organization_id: i64,
    /// The organising organisation.
    pub organiser: String,
    pub region_code: String,
    pub service_date: NaiveDate,
    pub minutes: i32,
    /// The account that verified (or amended) the record.
    pub verifier: Option<String>,
    /// `pending`, `sent`, `acknowledged` or `failed`.
    pub sync_status: String,
}

impl From<ExportRow> for ExchangeRecord {
    fn from(r: ExportRow) -> Self {
        Self {
            id: r.id,
            record_id: r.record_key,
            version: r.version,
            volunteer_number: r.volunteer_number,
            id_type: r.id_type,
            id_number_masked: restrict_id_mask(&r.id_number_masked),
            activity_id: r.activity_id,
            activity: r.activity_title,
            organization_id: r.organization_id,
            organiser: r.organiser,
            region_code: r.region_code,
            service_date: r.service_date,
            minutes: r.minutes,
            verifier: r.verifier,
            sync_status: r.sync_status,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// First service date included.
    pub from: Option<NaiveDate>,
    /// Last service date included.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
}

impl Format {
    fn of(req: &HttpRequest) -> Format {
        match csv_out::wants_csv(req) {
            true => Format::Csv,
            false => Format::JsonLines,
        }
    }

    fn head(self) -> Result<Bytes, ApiError> {
        match self {
            Format::JsonLines => Ok(Bytes::new()),
            Format::Csv => {
                let mut out = csv_out::writer();
                csv_out::write_row(&mut out, HEADER)?;
                let header = csv_out::finish(out)?;
                Ok([csv_out::BOM.as_bytes(), &header].concat().into())
            }
        }
    }

    fn chunk(self, rows: Vec<ExportRow>) -> Result<Bytes, ApiError> {
        match self {
            Format::JsonLines => {
                let mut out = Vec::new();
                for row in rows {
                    serde_json::to_writer(&mut out, &ExchangeRecord::from(row))
                        .map_err(ApiError::internal)?;
                    out.push(b'\n');
                }
                Ok(out.into())
            }
            Format::Csv => {
                let mut out = csv_out::writer();
                for row in rows {
                    let r = ExchangeRecord::from(row);
                    csv_out::write_row(
                        &mut out,
                        [
                            r.id.to_string(),
                            r.record_id.to_string(),
                            r.version.to_string(),
                            r.volunteer_number.unwrap_or_default(),
                            r.id_type,
                            r.id_number_masked,
                            r.activity_id.to_string(),
                            r.activity,
                            r.organization_id.to_string(),
                            r.organiser,
                            r.region_code,
                            r.service_date.to_string(),
                            r.minutes.to_string(),
                            r.verifier.unwrap_or_default(),
                            r.sync_status,
                        ],
                    )?;
                }
                csv_out::finish(out)
            }
        }
    }
}

/// One page after `filter.after_id`, and the filter for the next page (`None` after the last).
async fn page(
    pool: crate::db::DbPool,
    format: Format,
    filter: ExportFilter,
) -> ApiResult<(Bytes, Option<ExportFilter>)> {
    let query = filter.clone();
    let rows = service::run(&pool, move |c| exchange::export_page(c, &query)).await?;
    let next = match (rows.len() as i64 >= filter.limit, rows.last()) {
        (true, Some(last)) => Some(ExportFilter {
            after_id: last.id,
            ..filter
        }),
        _ => None,
    };
    Ok((format.chunk(rows)?, next))
}

/// HRS-07: the current service records of the caller's subtree in the national exchange
/// format — volunteer number, restricted ID mask, activity, organiser, date, minutes,
/// verifier, version and sync status — as CSV (`Accept: text/csv`, UTF-8 with a BOM) or JSON
/// Lines (`application/x-ndjson`, the default). Streamed in pages; the export is audited
/// (PI-04). The ministry and bureau administrators export.
#[utoipa::path(
    tag = "records",
    params(ExportParams),
    responses((status = 200, content_type = "application/x-ndjson", body = ExchangeRecord, description = "One JSON object per line; or `text/csv` (UTF-8 with a BOM, header row first) when asked"))
)]
#[get("/service-records/export")]
pub async fn export_service_records(
    state: web::Data<AppState>,
    user: Principal,
    params: web::Query<ExportParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    dates::bounded_dates([("from", params.from), ("to", params.to)])?;
    let period = Period::parse(params.from, params.to).map_err(|e| ApiError::invalid(vec![e]))?;
    let format = Format::of(&req);
    let label = match format {
        Format::Csv => "csv",
        Format::JsonLines => "jsonl",
    };
    let filter = service::run(&state.pool, move |c| {
        exchange::start_export(c, &user, period, label, PAGE)
    })
    .await?;
    let head = futures_util::stream::once(async move { format.head() });
    let pool = state.pool.clone();
    let pages = futures_util::stream::unfold(Some(filter), move |filter| {
        let pool = pool.clone();
        async move {
            Some(match page(pool, format, filter?).await {
                Ok((chunk, next)) => (Ok(chunk), next),
                // The status went out with the first chunk: a failure now can only cut the
                // body short (the client sees an incomplete transfer); the cause is logged.
                Err(e) => (Err(e), None),
            })
        }
    });
    let (content_type, file) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "service-records.csv"),
        Format::JsonLines => ("application/x-ndjson", "service-records.jsonl"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .streaming(
            head.chain(pages).map(|chunk| {
                chunk.map_err(|e: ApiError| std::io::Error::other(e.code().to_string()))
            }),
        ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SyncStatusRequest {
    /// Record version ids (`id` in the export), 1 to 1,000, each once.
    pub record_ids: Vec<i64>,
    /// The new status: `sent`, `acknowledged` or `failed`.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncStatusResponse {
    pub changes: Vec<SyncChange>,
}

/// HRS-07: an exchange job reports the records it sent, or the national system's answer.
/// All or nothing: a record outside the caller's subtree (or unknown) is 404, a step the
/// status may not take (`pending → sent → acknowledged | failed`, a failure sent again) is
/// 409 `invalid_transition` naming HRS-07. Every change is audited.
#[utoipa::path(
    tag = "records",
    request_body = SyncStatusRequest,
    responses(
        (status = 200, body = SyncStatusResponse),
        (status = 409, description = "A status step not allowed (HRS-07)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/service-records/sync-status")]
pub async fn set_sync_status(
    state: web::Data<AppState>,
    user: Principal,
    body: extract::Json<SyncStatusRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let cmd = SyncCommand {
        record_ids: req.record_ids,
        status: req.status,
    };
    let now = state.clock.now();
    let changes = service::write(&state.pool, move |c| {
        exchange::set_sync_status(c, &user, cmd, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SyncStatusResponse { changes }))
}
