//! `GET /volunteers/export`: the search result as CSV, personal fields masked, audited.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::read::{VolunteerFilters, scoped_filter};
use super::status_of;
use crate::auth::policy::{Action, Principal};
use crate::db::{self, audit::AuditEntry};
use crate::domain::identity::{age_band, age_on, restrict_id_mask};
use crate::error::{ApiError, ApiResult};
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

/// Export the volunteers matching the filters (same filters as the search) as CSV.
/// ID numbers and mobiles are masked; the export itself is recorded in the audit log.
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
    let mut filter = scoped_filter(&state, &user, Action::ExportVolunteers, &filters).await?;
    filter.limit = PAGE;
    let csv = db::run(&state.pool, move |c| {
        let today = crate::clock::today();
        let mut out = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
        let io = |e: csv::Error| ApiError::internal(e);
        out.write_record(HEADER).map_err(io)?;
        let mut count = 0usize;
        loop {
            let mut rows = db::volunteers::search(c, &filter)?;
            let more = rows.len() as i64 > PAGE;
            rows.truncate(PAGE as usize);
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let (skills, languages) = db::volunteers::skills_and_languages(c, &ids)?;
            for r in &rows {
                let skills: Vec<String> = skills
                    .get(&r.id)
                    .into_iter()
                    .flatten()
                    .map(|(code, level)| format!("{code}:{level}"))
                    .collect();
                let languages: Vec<String> = languages
                    .get(&r.id)
                    .into_iter()
                    .flatten()
                    .map(|(code, p)| format!("{code}:{p}"))
                    .collect();
                out.write_record([
                    r.volunteer_number.clone().unwrap_or_default(),
                    r.name.clone(),
                    r.id_type.clone(),
                    // A file leaves the system: the restricted mask and an age band only,
                    // never enough to rebuild an ID number (PI-01).
                    restrict_id_mask(&r.id_number_masked),
                    r.mobile_masked.clone(),
                    r.sex.clone(),
                    age_band(age_on(r.birth_date, today)).to_string(),
                    r.home_region_code.clone(),
                    r.organization_id.to_string(),
                    status_of(r).as_str().to_string(),
                    skills.join(";"),
                    languages.join(";"),
                    r.created_at.and_utc().to_rfc3339(),
                ])
                .map_err(io)?;
            }
            count += rows.len();
            match (more, rows.last()) {
                (true, Some(last)) => filter.after_id = Some(last.id),
                _ => break,
            }
        }
        db::audit::record(
            c,
            AuditEntry::by(&user, "volunteer.export", "volunteer")
                .entity("export", &user.org_path)
                .detail(serde_json::json!({ "rows": count, "query": query })),
        )?;
        out.into_inner()
            .map_err(|e| ApiError::internal(e.to_string()))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"volunteers.csv\"",
        ))
        .body(csv))
}
