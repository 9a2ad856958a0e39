//! Bulk registration: many checked registrations stored in batches. Rows are rejected one by
//! one, never silently: invalid data, a duplicate inside the file, or an ID number already
//! registered.
//!
//! Two threads form a pipeline, so that parsing, checking and encrypting (CPU) overlap with
//! the inserts (database): the producer turns input rows into prepared batches, the consumer
//! (the caller's thread, which owns the connection) checks them against the registry and
//! stores them, one transaction per `TRANSACTION_ROWS` rows, or one for all when atomic.
//! On PostgreSQL a second consumer on its own connection shares the batches (`Parallel`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use super::{ActivationSecret, id_hash, language_rows, new_row, number_province, skill_rows};
use crate::crypto::PersonalDataCipher;
use crate::db::organizations::OrganizationRow;
use crate::db::volunteers::{LanguageRow, NewVolunteerRow, SkillRow};
use crate::db::{self, DbConn, write_transaction};
use crate::domain::Invalid;
use crate::domain::volunteer::{NewVolunteer, VolunteerStatus, volunteer_number};
use crate::error::{ApiError, ErrorCode};

/// 100,000 rows of realistic data are about 12 MB; leave room for long names and e-mails.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Rows per INSERT statement (well under both backends' bind limits).
pub const BATCH_ROWS: usize = 500;
/// Rows per transaction when not atomic: large enough that index pages touched by many rows
/// are written once per commit, small enough that a failure loses little work.
pub const TRANSACTION_ROWS: usize = 10_000;

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
    /// The RULES.md rule the row breaks, when one does.
    pub rule: Option<&'static str>,
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
    /// Rows seen (excluding the header).
    pub rows: usize,
    pub inserted: usize,
    pub rejected: Vec<Rejection>,
    pub activations: Vec<Activation>,
}

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// All or nothing: any rejected row means nothing is inserted.
    pub atomic: bool,
    /// The staff account importing: it records each row's attestation (REG-09).
    pub importer: i64,
}

fn reject(line: u64, field: &str, code: &str, message: &str) -> Rejection {
    Rejection {
        line,
        field: field.into(),
        code: code.into(),
        message: message.into(),
        rule: None,
    }
}

/// A valid row, encrypted and ready to insert (its number is set when stored).
struct Prepared {
    line: u64,
    hash: String,
    row: NewVolunteerRow,
    skills: Vec<SkillRow>,
    languages: Vec<LanguageRow>,
    activation: ActivationSecret,
}

/// What the producer hands over: a batch of prepared rows and the rows it rejected.
struct Batch {
    prepared: Vec<Prepared>,
    rejected: Vec<Rejection>,
    rows: usize,
}

/// Extra connections that let a PostgreSQL import store on two connections at once (the
/// database server, not this process, is the bottleneck there): a second inserting
/// connection, and one that hands out volunteer numbers in short transactions of its own, so
/// that neither inserting transaction waits for the other on the number counter. A number
/// reserved by a transaction that then fails stays unused: numbers may have gaps, never
/// duplicates.
pub struct Parallel<'a> {
    pub second: &'a mut DbConn,
    pub numbers: &'a mut DbConn,
}

/// Runs the import. `produce` feeds every input row, in file order, to the sink it is given;
/// it runs on a second thread. `parallel` is used when the import is neither atomic nor a
/// dry run.
pub fn run<P>(
    conn: &mut DbConn,
    parallel: Option<Parallel>,
    cipher: &PersonalDataCipher,
    org: &OrganizationRow,
    options: &ImportOptions,
    produce: P,
) -> Result<ImportOutcome, ApiError>
where
    P: FnOnce(&mut dyn FnMut(ImportRow)) + Send,
{
    let province = number_province(org).to_string();
    let parallel = parallel.filter(|_| !options.atomic && !options.dry_run);
    std::thread::scope(|scope| {
        // Created inside the scope: on an early error the receiver is dropped before the
        // scope joins the producer, whose blocked `send` then fails instead of hanging.
        let (sender, receiver) = mpsc::sync_channel::<Batch>(4);
        let batches = Mutex::new(receiver);
        scope.spawn(move || prepare_batches(cipher, org, produce, sender));
        let mut outcome = ImportOutcome::default();
        if options.atomic {
            let store = Store {
                province: &province,
                dry_run: options.dry_run,
                importer: options.importer,
                numbers: Numbers::InTransaction,
                failed: AtomicBool::new(false),
            };
            // Everything in one transaction; any rejection rolls it all back.
            let result = write_transaction(conn, |c| {
                consume(c, &batches, usize::MAX, &store, &mut outcome)?;
                match outcome.rejected.is_empty() {
                    true => Ok(()),
                    false => Err(ApiError::conflict(
                        ErrorCode::AtomicImportRejected,
                        "an atomic import with rejected rows",
                    )),
                }
            });
            match result {
                Ok(()) => {}
                Err(e) if e.error_code() == ErrorCode::AtomicImportRejected => {
                    drain(&batches, &mut outcome);
                    outcome.inserted = 0;
                    outcome.activations.clear();
                }
                Err(e) => return Err(e),
            }
        } else if let Some(parallel) = parallel {
            let desk = Mutex::new(parallel.numbers);
            let store = Store {
                province: &province,
                dry_run: false,
                importer: options.importer,
                numbers: Numbers::Desk(&desk),
                failed: AtomicBool::new(false),
            };
            let (mine, theirs) = std::thread::scope(|inner| {
                let other = inner.spawn(|| store_all(parallel.second, &batches, &store));
                let mine = store_all(conn, &batches, &store);
                (mine, other.join())
            });
            let theirs = theirs.map_err(|_| ApiError::internal("an import thread panicked"))?;
            outcome = mine?;
            outcome.absorb(theirs?);
        } else {
            let store = Store {
                province: &province,
                dry_run: options.dry_run,
                importer: options.importer,
                numbers: Numbers::InTransaction,
                failed: AtomicBool::new(false),
            };
            outcome = store_all(conn, &batches, &store)?;
        }
        outcome.rejected.sort_by_key(|r| r.line);
        outcome.activations.sort_by_key(|a| a.line);
        Ok(outcome)
    })
}

impl ImportOutcome {
    fn absorb(&mut self, other: ImportOutcome) {
        self.rows += other.rows;
        self.inserted += other.inserted;
        self.rejected.extend(other.rejected);
        self.activations.extend(other.activations);
    }
}

/// Stores batches until the producer is done, one transaction per `TRANSACTION_ROWS` rows.
fn store_all(
    conn: &mut DbConn,
    batches: &Mutex<mpsc::Receiver<Batch>>,
    store: &Store,
) -> Result<ImportOutcome, ApiError> {
    let mut outcome = ImportOutcome::default();
    let result = (|| {
        while write_transaction(conn, |c| {
            consume(c, batches, TRANSACTION_ROWS, store, &mut outcome)
        })? {}
        Ok(())
    })();
    if result.is_err() {
        // The other consumer (if any) commits what it has and stops too.
        store.failed.store(true, Ordering::Relaxed);
    }
    result.map(|()| outcome)
}

/// What storing needs besides the rows.
struct Store<'a> {
    province: &'a str,
    dry_run: bool,
    importer: i64,
    numbers: Numbers<'a>,
    /// Set when a consumer fails, so that the others stop taking batches.
    failed: AtomicBool,
}

/// Where volunteer numbers come from: the storing transaction itself (no gaps), or a
/// connection of their own (see `Parallel`).
enum Numbers<'a> {
    InTransaction,
    Desk(&'a Mutex<&'a mut DbConn>),
}

impl Numbers<'_> {
    fn reserve(&self, conn: &mut DbConn, province: &str, count: i64) -> Result<i64, ApiError> {
        Ok(match self {
            Numbers::InTransaction => db::volunteers::reserve_numbers(conn, province, count)?,
            Numbers::Desk(desk) => {
                let mut desk = desk
                    .lock()
                    .map_err(|_| ApiError::internal("number desk poisoned"))?;
                write_transaction(&mut desk, |c| {
                    db::volunteers::reserve_numbers(c, province, count)
                })?
            }
        })
    }
}

/// The next batch from the producer, `None` when it is done. Several consumers may share it.
fn next_batch(batches: &Mutex<mpsc::Receiver<Batch>>) -> Option<Batch> {
    batches.lock().ok()?.recv().ok()
}

/// Counts what is still in the channel (after an atomic rollback) so the report is complete.
fn drain(batches: &Mutex<mpsc::Receiver<Batch>>, outcome: &mut ImportOutcome) {
    while let Some(batch) = next_batch(batches) {
        outcome.rows += batch.rows;
        outcome.rejected.extend(batch.rejected);
    }
}

/// Producer: parse results → duplicate-in-file check → encryption → batches of `BATCH_ROWS`.
fn prepare_batches<P>(
    cipher: &PersonalDataCipher,
    org: &OrganizationRow,
    produce: P,
    sender: mpsc::SyncSender<Batch>,
) where
    P: FnOnce(&mut dyn FnMut(ImportRow)),
{
    let at = db::now();
    let mut seen = HashSet::new();
    let mut batch = Batch {
        prepared: Vec::with_capacity(BATCH_ROWS),
        rejected: Vec::new(),
        rows: 0,
    };
    let mut sink = |row: ImportRow| {
        batch.rows += 1;
        match row.parsed {
            Err(problems) => {
                let first = problems
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Invalid::new("", "invalid", "invalid row"));
                batch.rejected.push(Rejection {
                    rule: first.rule,
                    ..reject(row.line, &first.field, &first.code, &first.message)
                });
            }
            Ok(v) => {
                let hash = id_hash(cipher, &v.id);
                if !seen.insert(hash.clone()) {
                    batch.rejected.push(reject(
                        row.line,
                        "id_number",
                        "duplicate_in_file",
                        "this ID number appears earlier in the file",
                    ));
                } else {
                    // Imported volunteers get a one-time code, not a password: no argon2 here.
                    let activation = ActivationSecret::new(at);
                    let secret = Some((activation.digest.clone(), activation.expires_at));
                    batch.prepared.push(Prepared {
                        line: row.line,
                        hash,
                        row: new_row(cipher, &v, org, VolunteerStatus::Active, None, secret, at),
                        skills: skill_rows(0, &v),
                        languages: language_rows(0, &v),
                        activation,
                    });
                }
            }
        }
        if batch.prepared.len() == BATCH_ROWS {
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    prepared: Vec::with_capacity(BATCH_ROWS),
                    rejected: Vec::new(),
                    rows: 0,
                },
            );
            // A closed channel means the consumer gave up (error); stop quietly.
            let _ = sender.send(full);
        }
    };
    produce(&mut sink);
    let _ = sender.send(batch);
}

/// Consumer: stores batches until `limit` rows were stored in this transaction (returns
/// `true`: more to come) or the producer is done (`false`).
fn consume(
    conn: &mut DbConn,
    batches: &Mutex<mpsc::Receiver<Batch>>,
    limit: usize,
    store: &Store,
    outcome: &mut ImportOutcome,
) -> Result<bool, ApiError> {
    let mut stored_here = 0;
    while stored_here < limit {
        if store.failed.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let Some(batch) = next_batch(batches) else {
            return Ok(false);
        };
        outcome.rows += batch.rows;
        outcome.rejected.extend(batch.rejected);
        stored_here += store_batch(conn, batch.prepared, store, outcome)?;
    }
    Ok(true)
}

/// Checks a batch against the registry and inserts what is new; returns rows inserted.
fn store_batch(
    conn: &mut DbConn,
    mut prepared: Vec<Prepared>,
    store: &Store,
    outcome: &mut ImportOutcome,
) -> Result<usize, ApiError> {
    if prepared.is_empty() {
        return Ok(0);
    }
    let hashes: Vec<String> = prepared.iter().map(|p| p.hash.clone()).collect();
    let existing = db::volunteers::existing_hashes(conn, &hashes)?;
    prepared.retain(|p| {
        let duplicate = existing.contains(&p.hash);
        if duplicate {
            outcome.rejected.push(reject(
                p.line,
                "id_number",
                "duplicate_id_number",
                "a volunteer with this ID number is already registered (REG-06)",
            ));
        }
        !duplicate
    });
    if store.dry_run || prepared.is_empty() {
        return Ok(0);
    }
    let first = store
        .numbers
        .reserve(conn, store.province, prepared.len() as i64)?;
    for (i, p) in prepared.iter_mut().enumerate() {
        p.row.volunteer_number = Some(volunteer_number(store.province, first + i as i64));
    }
    let rows: Vec<NewVolunteerRow> = prepared.iter().map(|p| p.row.clone()).collect();
    let ids = db::volunteers::insert_many(conn, &rows)?;
    let mut skills = Vec::new();
    let mut languages = Vec::new();
    let mut attestations = Vec::new();
    for p in prepared {
        let id = *ids
            .get(&p.hash)
            .ok_or_else(|| ApiError::internal("inserted row not found"))?;
        skills.extend(p.skills.into_iter().map(|s| SkillRow {
            volunteer_id: id,
            ..s
        }));
        languages.extend(p.languages.into_iter().map(|l| LanguageRow {
            volunteer_id: id,
            ..l
        }));
        // REG-09: the row's own attestation, recorded as the importing bureau's.
        attestations.push(db::volunteers::AttestationRow {
            volunteer_id: id,
            source: "bureau_import".into(),
            recorded_by: Some(store.importer),
        });
        outcome.activations.push(Activation {
            line: p.line,
            volunteer_id: id,
            volunteer_number: p.row.volunteer_number.clone().unwrap_or_default(),
            code: p.activation.code_for(id),
        });
        outcome.inserted += 1;
    }
    for part in skills.chunks(BATCH_ROWS * 2) {
        db::volunteers::insert_skill_rows(conn, part)?;
    }
    for part in languages.chunks(BATCH_ROWS * 2) {
        db::volunteers::insert_language_rows(conn, part)?;
    }
    for part in attestations.chunks(BATCH_ROWS) {
        db::volunteers::insert_attestations(conn, part)?;
    }
    Ok(ids.len())
}
