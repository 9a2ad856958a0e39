//! `POST /volunteers/import`: bulk registration from CSV (UTF-8, BOM allowed, header row):
//! `name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email`.
//! Skills and languages are `;`-separated codes, `code:level` / `code:proficiency` allowed.
//! `attest_true` is each volunteer's own attestation on the paper form (REG-09): `true`
//! (or `是`) for a form the volunteer signed as true, accurate and complete; any other value
//! rejects the row.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::{Action, Principal};
use crate::domain::Invalid;
use crate::domain::identity::IdType;
use crate::domain::volunteer::{
    LanguageClaim, Proficiency, RegistrationInput, SkillClaim, parse_registration,
};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::registry::import::{ImportOptions, ImportRow, MAX_BYTES};
use crate::registry::import_file::{self, DryRunBudgetExhausted, ImportCommand, ImportFile};
use crate::routes::common::extract::{declared_length, read_limited};
use crate::state::AppState;

pub const MAX_ROWS: usize = 100_000;
const REQUIRED_COLUMNS: [&str; 8] = [
    "name",
    "id_type",
    "id_number",
    "mobile",
    "home_region_code",
    "skills",
    "languages",
    "attest_true",
];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row, store nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// All or nothing: one bad row and nothing is stored.
    #[serde(default)]
    pub atomic: bool,
    /// Registering organisation (default: the caller's).
    pub organization_id: Option<i64>,
    /// Privacy-notice version the volunteers consented to on paper (PI-02); default `offline`.
    pub privacy_consent_version: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
    /// The RULES.md rule the row breaks (e.g. `REG-01`), when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivationCode {
    pub line: u64,
    pub volunteer_id: i64,
    pub volunteer_number: String,
    /// One-time code for `POST /api/v1/auth/activate`; shown only here. A replay under the
    /// same `Idempotency-Key` carries a fresh code, or `null` once the volunteer activated.
    pub activation_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub dry_run: bool,
    pub atomic: bool,
    /// Rows in the file (excluding the header).
    pub rows: usize,
    pub inserted: usize,
    pub rejected: Vec<RejectedRow>,
    pub activations: Vec<ActivationCode>,
}

fn file_error(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError::new("file", code, message)])
}

fn parse_skills(raw: &str) -> Result<Vec<SkillClaim>, Invalid> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| match item.split_once(':') {
            None => Ok(SkillClaim {
                code: item.to_string(),
                level: 1,
            }),
            Some((code, level)) => level
                .trim()
                .parse()
                .map(|level| SkillClaim {
                    code: code.trim().to_string(),
                    level,
                })
                .map_err(|_| Invalid::new("skills", "invalid_level", "skill levels are 1, 2 or 3")),
        })
        .collect()
}

fn parse_languages(raw: &str) -> Result<Vec<LanguageClaim>, Invalid> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| match item.split_once(':') {
            None => Ok(LanguageClaim {
                code: item.to_string(),
                proficiency: Proficiency::Working,
            }),
            Some((code, p)) => Proficiency::parse(p.trim())
                .map(|proficiency| LanguageClaim {
                    code: code.trim().to_string(),
                    proficiency,
                })
                .ok_or_else(|| {
                    Invalid::new(
                        "languages",
                        "invalid_proficiency",
                        "basic, working, fluent or native",
                    )
                }),
        })
        .collect()
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes)
}

/// Where each column is, and how many records follow the header.
pub struct Columns {
    pub rows: usize,
    name: usize,
    id_type: usize,
    id_number: usize,
    mobile: usize,
    region: usize,
    skills: usize,
    languages: usize,
    attest: usize,
    email: Option<usize>,
}

/// A first pass over the file: the header names every required column, every record is
/// well-formed CSV, and there are at most `MAX_ROWS` of them. A file that fails here is
/// refused before anything is stored.
pub fn check_structure(bytes: &[u8]) -> Result<Columns, ApiError> {
    let mut reader = reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| file_error("invalid_csv", e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(file_error(
            "missing_columns",
            format!("the header lacks: {}", missing.join(", ")),
        ));
    }
    let mut record = csv::ByteRecord::new();
    let mut rows = 0usize;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| file_error("invalid_csv", e.to_string()))?
    {
        rows += 1;
        if rows > MAX_ROWS {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooManyRows,
                format!("at most {MAX_ROWS} rows per import"),
            ));
        }
    }
    let at = |name: &str| column(name).unwrap_or(usize::MAX);
    Ok(Columns {
        rows,
        name: at("name"),
        id_type: at("id_type"),
        id_number: at("id_number"),
        mobile: at("mobile"),
        region: at("home_region_code"),
        skills: at("skills"),
        languages: at("languages"),
        attest: at("attest_true"),
        email: column("email"),
    })
}

/// Parses every record (already known to be well-formed) into a checked registration.
pub fn parse_rows(
    bytes: &[u8],
    columns: &Columns,
    consent_version: &str,
    today: NaiveDate,
    sink: &mut dyn FnMut(ImportRow),
) {
    for record in reader(bytes).records().flatten() {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: usize| record.get(i).unwrap_or("").to_string();
        let parsed = (|| {
            // An empty cell is a missing ID type (REG-01), reported with the row's other problems.
            let id_type = match get(columns.id_type).as_str() {
                "" => None,
                other => Some(IdType::parse(other).ok_or_else(|| {
                    vec![Invalid::new(
                        "id_type",
                        "unknown_id_type",
                        "unknown ID type",
                    )]
                })?),
            };
            let input = RegistrationInput {
                name: get(columns.name),
                id_type,
                id_number: get(columns.id_number),
                mobile: get(columns.mobile),
                home_region_code: get(columns.region),
                email: columns.email.map(get).filter(|e| !e.is_empty()),
                birth_date: None,
                sex: None,
                skills: parse_skills(&get(columns.skills)).map_err(|e| vec![e])?,
                languages: parse_languages(&get(columns.languages)).map_err(|e| vec![e])?,
                // REG-09: each row carries the volunteer's own attestation; the bureau only
                // records it (as `bureau_import`), it does not attest in their place.
                attest_true: matches!(
                    get(columns.attest).to_lowercase().as_str(),
                    "true" | "yes" | "1" | "是"
                ),
                privacy_consent_version: consent_version.to_string(),
                minors_policy_version: None,
                guardian_consent: None,
            };
            parse_registration(&input, today)
        })();
        sink(ImportRow { line, parsed });
    }
}

/// Import volunteers from CSV (up to 100,000 rows). Valid rows are stored in batches; every
/// rejected row is reported with its line, field and code. Imported volunteers are `active`
/// and receive one-time activation codes instead of passwords. `atomic=true` holds the
/// write lock for the whole file, so it takes at most 10,000 rows (configurable); a larger
/// file is refused with 422 `atomic_import_too_large`.
#[utoipa::path(
    tag = "volunteers",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email"),
    responses((status = 200, body = ImportResponse), (status = 413, description = "Body or row count too large", body = crate::error::Problem, content_type = "application/problem+json"))
)]
#[post("/volunteers/import")]
pub async fn import_volunteers(
    state: web::Data<AppState>,
    user: Principal,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Refused before the upload is read, as any other check of the caller.
    user.require(Action::RegisterVolunteer)?;
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("text/csv") {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the file as text/csv",
        ));
    }
    let too_large = || format!("an import file is at most {} MiB", MAX_BYTES / 1024 / 1024);
    // A file announced as too large is refused before any of it is read.
    if declared_length(req.headers()).is_some_and(|len| len > MAX_BYTES as u64) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            too_large(),
        ));
    }
    let body = read_limited(payload, MAX_BYTES, too_large).await?;
    let params = params.into_inner();
    let cmd = ImportCommand {
        organization_id: params.organization_id.unwrap_or(user.org_id),
        options: ImportOptions {
            dry_run: params.dry_run,
            atomic: params.atomic,
            importer: user.user_id,
        },
        dry_run_budget: state.settings.dry_run_rows_per_hour,
        atomic_max_rows: state.settings.atomic_import_max_rows,
    };
    let mut file = CsvUpload {
        body,
        consent: params
            .privacy_consent_version
            .unwrap_or_else(|| "offline".into()),
        today: state.clock.today(),
        columns: None,
    };
    let (cipher, pool, now) = (state.cipher.clone(), state.pool.clone(), state.clock.now());
    let imported = crate::service::run(&state.pool, move |c| {
        import_file::import_file(c, &pool, &user, &cmd, &mut file, &cipher, now)
            .map(|done| done.map(|outcome| (outcome, cmd.options)))
    })
    .await?;
    let (outcome, options) = imported.map_err(|DryRunBudgetExhausted { used, budget }| {
        ApiError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::DryRunBudgetExhausted,
            format!(
                "dry runs check at most {budget} rows an hour per account ({used} used); import for real or wait"
            ),
        )
        .with_retry_after(3600)
    })?;
    Ok(HttpResponse::Ok().json(ImportResponse {
        dry_run: options.dry_run,
        atomic: options.atomic,
        rows: outcome.rows,
        inserted: outcome.inserted,
        rejected: outcome
            .rejected
            .into_iter()
            .map(|r| RejectedRow {
                line: r.line,
                field: r.field,
                code: r.code,
                message: r.message,
                rule: r.rule.map(str::to_string),
            })
            .collect(),
        activations: outcome
            .activations
            .into_iter()
            .map(|a| ActivationCode {
                line: a.line,
                volunteer_id: a.volunteer_id,
                volunteer_number: a.volunteer_number,
                activation_code: Some(a.code),
            })
            .collect(),
    }))
}

/// An uploaded CSV file: its structure is checked once, then its rows are parsed.
struct CsvUpload {
    body: Bytes,
    consent: String,
    today: NaiveDate,
    columns: Option<Columns>,
}

impl ImportFile for CsvUpload {
    fn check(&mut self) -> ApiResult<usize> {
        let columns = check_structure(&self.body)?;
        let rows = columns.rows;
        self.columns = Some(columns);
        Ok(rows)
    }

    fn parse(&self, sink: &mut dyn FnMut(ImportRow)) {
        if let Some(columns) = &self.columns {
            parse_rows(&self.body, columns, &self.consent, self.today, sink);
        }
    }
}
