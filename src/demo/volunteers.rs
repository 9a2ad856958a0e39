//! Demo volunteers: most through the bulk import (the bureau's path: checked, encrypted and
//! stored in batches), minors one by one through staff registration with their guardian's
//! consent; logins are created from their activation codes, as a volunteer would.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::orgs::Tree;
use super::people::{IdBook, Person, person};
use super::{DemoLogin, DemoResult, DemoSummary, Seeder, principal, write};
use crate::db::DbConn;
use crate::db::users::UserRow;
use crate::domain::account::Username;
use crate::domain::volunteer::{RegistrationInput, parse_registration};
use crate::error::ApiResult;
use crate::registry::accounts::{create_volunteer_login, register_by_staff};
use crate::registry::import::{ImportOptions, ImportRow};
use crate::registry::import_file::{ImportCommand, ImportFile, import_file};
use crate::registry::{ActivationSecret, parse_activation_code};

/// A registered demo volunteer.
#[derive(Debug, Clone)]
pub struct DemoVolunteer {
    pub id: i64,
    pub province: usize,
    pub organ: usize,
    pub minor: bool,
    activation: String,
}

pub struct People {
    pub all: Vec<DemoVolunteer>,
    /// Login accounts made so far, by volunteer id.
    logins: HashMap<i64, UserRow>,
    /// The hash of the (unprinted) password of the volunteers' accounts other than the demo
    /// volunteer's: they exist so that each volunteer confirms their own assignments (ACT-03).
    shared_hash: String,
}

impl People {
    /// The adults registered at one organ.
    pub fn adults_of(&self, province: usize, organ: usize) -> Vec<&DemoVolunteer> {
        self.all
            .iter()
            .filter(|v| v.province == province && v.organ == organ && !v.minor)
            .collect()
    }

    /// The volunteer's own account (created from their activation code on first use).
    pub fn account(
        &mut self,
        conn: &mut DbConn,
        v: &DemoVolunteer,
        now: DateTime<Utc>,
    ) -> DemoResult<UserRow> {
        if let Some(user) = self.logins.get(&v.id) {
            return Ok(user.clone());
        }
        let username = Username::parse(&format!("volunteer{}", v.id)).map_err(String::from)?;
        let user = activate(conn, v, &username, &self.shared_hash, now)?;
        self.logins.insert(v.id, user.clone());
        Ok(user)
    }
}

fn activate(
    conn: &mut DbConn,
    v: &DemoVolunteer,
    username: &Username,
    hash: &str,
    now: DateTime<Utc>,
) -> DemoResult<UserRow> {
    let parsed = parse_activation_code(&v.activation);
    write(conn, |c| {
        create_volunteer_login(c, parsed.as_ref(), username, hash, "seed-demo", now)
    })
}

/// Generated registrations, fed to the import as a file's rows would be.
struct GeneratedFile {
    rows: Vec<RegistrationInput>,
    today: chrono::NaiveDate,
}

impl ImportFile for GeneratedFile {
    fn check(&mut self) -> ApiResult<usize> {
        Ok(self.rows.len())
    }

    fn parse(&self, sink: &mut dyn FnMut(ImportRow)) {
        for (i, input) in self.rows.iter().enumerate() {
            sink(ImportRow {
                // Line 1 would be the header.
                line: i as u64 + 2,
                parsed: parse_registration(input, self.today),
            });
        }
    }
}

/// `total` split by `weights`, the remainder to the first.
fn split(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u32 = weights.iter().sum::<u32>().max(1);
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|w| total * *w as usize / sum as usize)
        .collect();
    let given: usize = parts.iter().sum();
    if let Some(first) = parts.first_mut() {
        *first += total - given;
    }
    parts
}

pub fn register(
    s: &mut Seeder,
    conn: &mut DbConn,
    tree: &Tree,
    total: usize,
    summary: &mut DemoSummary,
) -> DemoResult<People> {
    let today = s.today();
    let mut ids = IdBook::default();
    let mut all = Vec::new();
    let per_province = split(
        total,
        &tree.provinces.iter().map(|p| p.share).collect::<Vec<_>>(),
    );
    for (pi, (province, count)) in tree.provinces.iter().zip(per_province).enumerate() {
        let admin = principal(&province.admin);
        let per_organ = split(
            count,
            &province.organs.iter().map(|o| o.share).collect::<Vec<_>>(),
        );
        for (oi, (organ, count)) in province.organs.iter().zip(per_organ).enumerate() {
            // About one in a hundred is a 14–17-year-old, registered with a guardian's consent.
            let minors = if oi == 0 { (count / 100).max(1) } else { 0 };
            let people: Vec<Person> = (0..count)
                .map(|i| person(&mut s.rng, &mut ids, &organ.home, today, i < minors))
                .collect();
            let (young, adults): (Vec<Person>, Vec<Person>) =
                people.into_iter().partition(|p| p.minor);
            let mut file = GeneratedFile {
                rows: adults.into_iter().map(|p| p.input).collect(),
                today,
            };
            let cmd = ImportCommand {
                organization_id: organ.org.id,
                options: ImportOptions {
                    dry_run: false,
                    atomic: false,
                    importer: admin.user_id,
                },
                dry_run_budget: 0,
                atomic_max_rows: 0,
            };
            let outcome = import_file(conn, s.pool, &admin, &cmd, &mut file, s.cipher, s.now)?
                .map_err(|_| "the import refused a dry-run budget".to_string())?;
            if let Some(r) = outcome.rejected.first() {
                return Err(format!(
                    "a generated registration was rejected: line {} {} {}",
                    r.line, r.field, r.message
                )
                .into());
            }
            summary.volunteers += outcome.inserted;
            all.extend(outcome.activations.into_iter().map(|a| DemoVolunteer {
                id: a.volunteer_id,
                province: pi,
                organ: oi,
                minor: false,
                activation: a.code,
            }));
            for p in young {
                let secret = ActivationSecret::new(s.now.naive_utc());
                let view = write(conn, |c| {
                    register_by_staff(
                        c,
                        &admin,
                        &p.input,
                        Some(organ.org.id),
                        &secret,
                        s.cipher,
                        s.now,
                    )
                })?;
                summary.volunteers += 1;
                summary.minors += 1;
                all.push(DemoVolunteer {
                    id: view.row.id,
                    province: pi,
                    organ: oi,
                    minor: true,
                    activation: secret.code_for(view.row.id),
                });
            }
        }
    }
    let unprinted = crate::cli::generated_password();
    Ok(People {
        all,
        logins: HashMap::new(),
        shared_hash: crate::auth::password::hash_blocking(&unprinted)?,
    })
}

/// The printed volunteer login: a Hangzhou volunteer (杭州市文化馆), who will serve in its
/// activities like the other volunteers there.
pub fn demo_login(s: &mut Seeder, conn: &mut DbConn, people: &mut People) -> DemoResult<DemoLogin> {
    let v = people
        .adults_of(0, 0)
        .first()
        .map(|v| (*v).clone())
        .ok_or_else(|| "no adult volunteer at 杭州市文化馆".to_string())?;
    let password = crate::cli::generated_password();
    let hash = crate::auth::password::hash_blocking(&password)?;
    let username = Username::parse("volunteer.demo").map_err(String::from)?;
    let user = activate(conn, &v, &username, &hash, s.now)?;
    people.logins.insert(v.id, user.clone());
    Ok(DemoLogin {
        role: "volunteer",
        username: user.username,
        password,
        sees: "their own record: profile, assignments, service records, certificates, stars",
    })
}
