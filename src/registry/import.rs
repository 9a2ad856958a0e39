//! Bulk registration: many checked registrations stored in batches, one transaction per batch
//! (or one for everything when atomic). Rows are rejected one by one, never silently: invalid
//! data, a duplicate inside the file, or an ID number already registered.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::{id_hash, language_rows, new_row, number_province, skill_rows};
use crate::auth::tokens;
use crate::crypto::PersonalDataCipher;
use crate::db::organizations::OrganizationRow;
use crate::db::{self, DbConn, write_transaction};
use crate::domain::Invalid;
use crate::domain::volunteer::{NewVolunteer, VolunteerStatus, volunteer_number};
use crate::error::ApiError;

/// Rows per INSERT statement and per transaction (well under both backends' bind limits).
pub const BATCH_ROWS: usize = 500;

/// One input row: its line in the file and what it parsed to.
pub struct ImportRow {
    pub line: u64,
    pub parsed: Result<NewVolunteer, Vec<Invalid>>,
}

#[derive(Debug, Clone)]
pub struct Rejection {
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Activation {
    pub line: u64,
    pub volunteer_id: i64,
    pub volunteer_number: String,
    pub code: String,
}

#[derive(Debug, Default)]
pub struct ImportOutcome {
    pub inserted: usize,
    pub rejected: Vec<Rejection>,
    pub activations: Vec<Activation>,
}

pub struct ImportOptions {
    pub dry_run: bool,
    /// All or nothing: any rejected row means nothing is inserted.
    pub atomic: bool,
    pub activation_expires_at: NaiveDateTime,
}

fn reject(line: u64, field: &str, code: &str, message: &str) -> Rejection {
    Rejection {
        line,
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Checks every row (including duplicates within the file and against the database), then
/// stores the valid ones unless this is a dry run.
pub fn run(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    org: &OrganizationRow,
    rows: Vec<ImportRow>,
    options: &ImportOptions,
) -> Result<ImportOutcome, ApiError> {
    let mut outcome = ImportOutcome::default();
    let mut seen = HashSet::new();
    let mut valid: Vec<(u64, NewVolunteer, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        match row.parsed {
            Err(problems) => {
                let first = problems
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Invalid::new("", "invalid", "invalid row"));
                outcome
                    .rejected
                    .push(reject(row.line, &first.field, &first.code, &first.message));
            }
            Ok(v) => {
                let hash = id_hash(cipher, &v.id);
                if seen.insert(hash.clone()) {
                    valid.push((row.line, v, hash));
                } else {
                    outcome.rejected.push(reject(
                        row.line,
                        "id_number",
                        "duplicate_in_file",
                        "this ID number appears earlier in the file",
                    ));
                }
            }
        }
    }
    // Against the database, in chunks (bind limits).
    for chunk in valid.chunks(BATCH_ROWS) {
        let hashes: Vec<String> = chunk.iter().map(|(_, _, h)| h.clone()).collect();
        let existing = db::volunteers::existing_hashes(conn, &hashes)?;
        for (line, _, hash) in chunk {
            if existing.contains(hash) {
                outcome.rejected.push(reject(
                    *line,
                    "id_number",
                    "duplicate_id_number",
                    "a volunteer with this ID number is already registered (REG-06)",
                ));
            }
        }
    }
    let rejected_lines: HashSet<u64> = outcome.rejected.iter().map(|r| r.line).collect();
    valid.retain(|(line, _, _)| !rejected_lines.contains(line));
    outcome.rejected.sort_by_key(|r| r.line);

    if options.dry_run || (options.atomic && !outcome.rejected.is_empty()) {
        return Ok(outcome);
    }
    if options.atomic {
        write_transaction(conn, |c| {
            store(c, cipher, org, &valid, options, &mut outcome)
        })?;
    } else {
        for chunk in valid.chunks(BATCH_ROWS) {
            write_transaction(conn, |c| {
                store(c, cipher, org, chunk, options, &mut outcome)
            })?;
        }
    }
    Ok(outcome)
}

fn store(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    org: &OrganizationRow,
    valid: &[(u64, NewVolunteer, String)],
    options: &ImportOptions,
    outcome: &mut ImportOutcome,
) -> Result<(), ApiError> {
    let at = db::now();
    let province = number_province(org);
    for chunk in valid.chunks(BATCH_ROWS) {
        let first = db::volunteers::reserve_numbers(conn, province, chunk.len() as i64)?;
        let mut codes = Vec::with_capacity(chunk.len());
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, (_, v, _))| {
                // Imported volunteers get a one-time code, not a password: no argon2 here.
                let code = tokens::new_secret()[..16].to_string();
                let activation = (tokens::digest(&code), options.activation_expires_at);
                let number = volunteer_number(province, first + i as i64);
                codes.push((code, number.clone()));
                new_row(
                    cipher,
                    v,
                    org,
                    VolunteerStatus::Active,
                    Some(number),
                    Some(activation),
                    at,
                )
            })
            .collect();
        let ids = db::volunteers::insert_many(conn, &rows).map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => {
                // Someone registered one of these ID numbers between the check and now.
                super::duplicate_id()
            }
            other => other.into(),
        })?;
        let mut skills = Vec::new();
        let mut languages = Vec::new();
        for ((line, v, hash), (code, number)) in chunk.iter().zip(codes) {
            let id = *ids
                .get(hash)
                .ok_or_else(|| ApiError::internal("inserted row not found"))?;
            skills.extend(skill_rows(id, v));
            languages.extend(language_rows(id, v));
            outcome.activations.push(Activation {
                line: *line,
                volunteer_id: id,
                volunteer_number: number,
                code,
            });
        }
        for part in skills.chunks(BATCH_ROWS * 2) {
            db::volunteers::insert_skill_rows(conn, part)?;
        }
        for part in languages.chunks(BATCH_ROWS * 2) {
            db::volunteers::insert_language_rows(conn, part)?;
        }
        outcome.inserted += chunk.len();
    }
    Ok(())
}
