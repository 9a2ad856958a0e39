//! `GET /volunteers/export`: the search result as CSV, personal fields masked, audited.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use futures_util::StreamExt;

use super::read::VolunteerFilters;
use crate::auth::policy::Principal;
use crate::db::volunteers::VolunteerFilter;
use crate::domain::identity::{age_band, age_on, restrict_id_mask};
use crate::error::{ApiError, ApiResult};
use crate::registry::search::{self, Found};
use crate::routes::common::csv_out;
use crate::state::AppState;

const PAGE: i64 = 1000;
const HEADER: [&str; 13] = [
    "volunteer_number",
    "name",
    "id_type",
    "id_number_masked",
    "mobile_masked",
    "sex",
    "age_band",
    "home_region_code",
    "organization_id",
    "status",
    "skills",
    "languages",
    "registered_at",
];

/// The first chunk: the BOM and the header row.
fn header_chunk() -> Result<Bytes, ApiError> {
    let mut out = csv_out::writer();
    csv_out::write_row(&mut out, HEADER)?;
    let header = csv_out::finish(out)?;
    Ok([csv_out::BOM.as_bytes(), &header].concat().into())
}

/// One page of rows (keyset by id) and the filter for the next page, `None` after the last.
fn page_chunk(
    found: Vec<Found>,
    mut filter: VolunteerFilter,
    today: NaiveDate,
) -> Result<(Bytes, Option<VolunteerFilter>), ApiError> {
    let mut out = csv_out::writer();
    let more = found.len() as i64 > PAGE;
    let mut last = None;
    for Found {
        row: r,
        skills,
        languages,
    } in found.into_iter().take(PAGE as usize)
    {
        let skills: Vec<String> = skills
            .iter()
            .map(|(code, level)| format!("{code}:{level}"))
            .collect();
        let languages: Vec<String> = languages
            .iter()
            .map(|(code, p)| format!("{code}:{}", p.as_str()))
            .collect();
        csv_out::write_row(
            &mut out,
            [
                r.volunteer_number.clone().unwrap_or_default(),
                r.name.clone(),
                r.id_type.clone(),
                // A file leaves the system: the restricted mask and an age band only, never
                // enough to rebuild an ID number (PI-01).
                restrict_id_mask(&r.id_number_masked),
                r.mobile_masked.clone(),
                r.sex.clone().unwrap_or_default(),
                age_band(age_on(r.birth_date, today)).to_string(),
                r.home_region_code.clone(),
                r.organization_id.to_string(),
                r.status.as_str().to_string(),
                skills.join(";"),
                languages.join(";"),
                r.created_at.and_utc().to_rfc3339(),
            ],
        )?;
        last = Some(r.id);
    }
    let next = match (more, last) {
        (true, Some(last)) => {
            filter.after_id = Some(last);
            Some(filter)
        }
        _ => None,
    };
    Ok((csv_out::finish(out)?, next))
}

/// Export the volunteers matching the filters (same filters as the search) as CSV.
/// ID numbers and mobiles are masked; the export itself is recorded in the audit log.
/// The file is streamed page by page, so its size never sits in memory.
#[utoipa::path(
    tag = "volunteers",
    params(VolunteerFilters),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, header row first"))
)]
#[get("/volunteers/export")]
pub async fn export_volunteers(
    state: web::Data<AppState>,
    user: Principal,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let query = req.query_string().to_string();
    let filters = VolunteerFilters::from_query(&query)?;
    let filter = VolunteerFilter {
        limit: PAGE,
        ..filters.to_db_filter()?
    };
    let org_id = filters.organization_id;
    let filter = crate::service::run(&state.pool, move |c| {
        search::start_export(c, &user, filter, org_id, &query)
    })
    .await?;
    let header = futures_util::stream::once(async { header_chunk() });
    let pool = state.pool.clone();
    let today = state.clock.today();
    let pages = futures_util::stream::unfold(Some(filter), move |filter| {
        let pool = pool.clone();
        async move {
            let filter = filter?;
            let query = filter.clone();
            let page = crate::service::run(&pool, move |c| search::search(c, &query))
                .await
                .and_then(|found| page_chunk(found, filter, today));
            Some(match page {
                Ok((chunk, next)) => (Ok(chunk), next),
                // The status went out with the first chunk: a failure now can only cut the
                // body short (the client sees an incomplete transfer); the cause is logged.
                Err(e) => (Err(e), None),
            })
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"volunteers.csv\"",
        ))
        .streaming(
            header.chain(pages).map(|chunk| {
                chunk.map_err(|e: ApiError| std::io::Error::other(e.code().to_string()))
            }),
        ))
}
