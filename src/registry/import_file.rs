//! Importing a file of registrations: the caller's organisation, the size limits, the
//! dry-run budget, the import itself (`import::run`) and its audit. The file's format is
//! decoded by its `ImportFile` (CSV, in the route).

use chrono::{DateTime, Utc};

use crate::auth::policy::{Action, Principal};
use crate::crypto::PersonalDataCipher;
use crate::db::audit::AuditEntry;
use crate::db::{self, DbConn, DbPool};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::registry::import::{self, ImportOptions, ImportOutcome, ImportRow};
use crate::service::reach::organization_for;

/// The audit action of a dry run, whose rows count against the hourly budget.
pub const DRY_RUN_ACTION: &str = "volunteer.import_dry_run";

/// An uploaded file of registrations.
pub trait ImportFile: Sync {
    /// Checks the whole file's structure before anything is stored; its number of rows.
    fn check(&mut self) -> ApiResult<usize>;

    /// Feeds every row, in file order, to `sink`.
    fn parse(&self, sink: &mut dyn FnMut(ImportRow));
}

pub struct ImportCommand {
    /// The registering organisation.
    pub organization_id: i64,
    pub options: ImportOptions,
    /// Rows an account may dry-run an hour.
    pub dry_run_budget: u64,
    /// Rows an atomic import may hold.
    pub atomic_max_rows: usize,
}

/// A dry run would take the account past its hourly row budget.
#[derive(Debug)]
pub struct DryRunBudgetExhausted {
    pub used: u64,
    pub budget: u64,
}

/// Imports `file` into the caller's organisation (or one in its reach), audited; a dry run
/// stores nothing but tells which ID numbers exist, so it is audited and rationed too.
pub fn import_file(
    conn: &mut DbConn,
    pool: &DbPool,
    user: &Principal,
    cmd: &ImportCommand,
    file: &mut dyn ImportFile,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<Result<ImportOutcome, DryRunBudgetExhausted>> {
    user.require(Action::RegisterVolunteer)?;
    let org = organization_for(conn, user, cmd.organization_id, Action::RegisterVolunteer)?;
    let rows = file.check()?;
    let options = &cmd.options;
    if options.atomic && rows > cmd.atomic_max_rows {
        return Err(atomic_too_large(cmd.atomic_max_rows));
    }
    if options.dry_run {
        let since = now.naive_utc() - chrono::Duration::hours(1);
        let used = db::audit::rows_since(conn, user.user_id, DRY_RUN_ACTION, since)?;
        if used + rows as u64 > cmd.dry_run_budget {
            let budget = cmd.dry_run_budget;
            return Ok(Err(DryRunBudgetExhausted { used, budget }));
        }
    }
    // PostgreSQL stores on two connections at once (see `import::Parallel`); SQLite has one
    // writer anyway.
    let parallel = !matches!(conn, DbConn::Sqlite(_)) && !options.atomic && !options.dry_run;
    let mut extra = match parallel {
        true => Some((pool.get()?, pool.get()?)),
        false => None,
    };
    let parallel = extra
        .as_mut()
        .map(|(second, numbers)| import::Parallel { second, numbers });
    let file = &*file;
    // REG-08: every row's region is looked up in the GB/T 2260 list, loaded once.
    let listed = db::reference::listed_regions(conn)?;
    let outcome = import::run(conn, parallel, cipher, &org, options, |sink| {
        file.parse(&mut |mut row: ImportRow| {
            if let Ok(v) = &row.parsed
                && !listed.contains(v.home_region.as_str())
            {
                let e =
                    crate::registry::unlisted_region("home_region_code", v.home_region.as_str());
                row.parsed = Err(vec![
                    crate::domain::Invalid::new("home_region_code", e.code, e.message)
                        .rule("REG-08"),
                ]);
            }
            sink(row)
        })
    })?;
    let action = match options.dry_run {
        true => DRY_RUN_ACTION,
        false => "volunteer.import",
    };
    let duplicates = outcome
        .rejected
        .iter()
        .filter(|r| r.code == "duplicate_id_number")
        .count();
    db::audit::record(
        conn,
        AuditEntry::by(user, action, "organization")
            .entity(org.id, &org.path)
            .detail(serde_json::json!({
                "rows": outcome.rows, "inserted": outcome.inserted,
                "rejected": outcome.rejected.len(), "duplicates": duplicates,
                "atomic": options.atomic,
            })),
    )?;
    if !options.dry_run && outcome.inserted >= STATISTICS_AFTER_ROWS {
        db::refresh_statistics(conn, &IMPORTED_TABLES)?;
    }
    Ok(Ok(outcome))
}

/// Past this many new rows the planner's picture of the registry is refreshed: with the
/// figures from before a large import, a page of a bureau's volunteers read its whole
/// subtree and sorted it (tens of milliseconds) instead of walking the id order (microseconds).
const STATISTICS_AFTER_ROWS: usize = 1_000;
const IMPORTED_TABLES: [&str; 3] = ["volunteers", "volunteer_skills", "volunteer_languages"];

/// An all-or-nothing import holds the write lock for the whole file (SQLite has one writer
/// for the whole database), so its size is capped; batches have no such limit.
fn atomic_too_large(max_rows: usize) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "atomic",
        "atomic_import_too_large",
        format!(
            "an atomic import holds at most {max_rows} rows; send a larger file without \
             atomic=true (valid rows are stored in batches and every rejected row is reported)"
        ),
    )])
}
