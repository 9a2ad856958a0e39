//! `springrain seed-demo`: a reproducible, realistic data set for an empty database, loaded
//! through the same use cases as the API (registration and bulk import, activities and
//! dispatch, training, records and stars, Spring Rain) so that every rule holds.
//!
//! The same `--seed` gives the same organisations, people, activities and records (dates are
//! laid out relative to the day of seeding); the printed passwords are fresh every time.

mod activities;
mod names;
mod orgs;
mod people;
mod spring_rain;
mod training;
mod volunteers;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::policy::Principal;
use crate::crypto::PersonalDataCipher;
use crate::db::users::UserRow;
use crate::db::{self, DbConn, DbPool};
use crate::domain::policy::Policy;
use crate::error::ApiError;

/// Volunteers seeded when `--volunteers` is not given.
pub const DEFAULT_VOLUNTEERS: usize = 5_000;
/// The seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 2012;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub volunteers: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            volunteers: DEFAULT_VOLUNTEERS,
            seed: DEFAULT_SEED,
        }
    }
}

/// One account to try the demo with.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: &'static str,
    pub username: String,
    pub password: String,
    /// What this account sees, in a few words.
    pub sees: &'static str,
}

/// What was loaded, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub organizations: usize,
    pub volunteers: usize,
    pub minors: usize,
    pub courses: usize,
    pub certificates: usize,
    pub activities: usize,
    pub assignments: usize,
    pub service_records: usize,
    pub stars: usize,
    pub deployments: usize,
    pub logins: Vec<DemoLogin>,
}

/// Why seeding did not happen or stopped.
#[derive(Debug)]
pub enum DemoError {
    /// The database already holds volunteers: the demo goes into an empty one only.
    NotEmpty,
    Failed(String),
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoError::NotEmpty => write!(
                f,
                "this database already holds volunteers; seed-demo loads demo data into an empty database only"
            ),
            DemoError::Failed(e) => write!(f, "seeding failed: {e}"),
        }
    }
}

impl From<ApiError> for DemoError {
    fn from(e: ApiError) -> Self {
        DemoError::Failed(format!("{e:?}"))
    }
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        DemoError::Failed(e.to_string())
    }
}

impl From<String> for DemoError {
    fn from(e: String) -> Self {
        DemoError::Failed(e)
    }
}

pub type DemoResult<T> = Result<T, DemoError>;

impl DemoError {
    /// Says which step failed.
    fn at(self, step: &str) -> Self {
        match self {
            DemoError::Failed(e) => DemoError::Failed(format!("{step}: {e}")),
            other => other,
        }
    }
}

/// Everything the seeding steps share.
pub struct Seeder<'a> {
    pub pool: &'a DbPool,
    pub cipher: &'a PersonalDataCipher,
    pub policy: &'a Policy,
    pub rng: StdRng,
    /// The day the data is laid out around (past activities before it, future ones after).
    pub now: DateTime<Utc>,
}

impl Seeder<'_> {
    pub fn today(&self) -> chrono::NaiveDate {
        crate::clock::local_date(self.now)
    }
}

/// The principal a use case sees for an account, as an authenticated request would carry it.
pub fn principal(user: &UserRow) -> Principal {
    Principal {
        user_id: user.id,
        username: user.username.clone(),
        role: user.role,
        org_id: user.organization_id,
        org_path: user.org_path.clone(),
        volunteer_id: user.volunteer_id,
        request_id: "seed-demo".into(),
    }
}

/// Runs `f` in one write transaction.
pub fn write<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, ApiError>,
) -> DemoResult<T> {
    Ok(db::write_transaction(conn, f)?)
}

/// Loads the demo data set into an empty database (migrated, with its reference data).
pub fn seed(
    pool: &DbPool,
    cipher: &PersonalDataCipher,
    policy: &Policy,
    options: DemoOptions,
    now: DateTime<Utc>,
) -> DemoResult<DemoSummary> {
    let mut conn = pool.get().map_err(|e| DemoError::Failed(e.to_string()))?;
    if db::volunteers::any_exist(&mut conn)? {
        return Err(DemoError::NotEmpty);
    }
    let mut s = Seeder {
        pool,
        cipher,
        policy,
        rng: StdRng::seed_from_u64(options.seed),
        now,
    };
    let mut summary = DemoSummary::default();
    let tree = orgs::build(&mut s, &mut conn, &mut summary).map_err(|e| e.at("organisations"))?;
    let mut people =
        volunteers::register(&mut s, &mut conn, &tree, options.volunteers, &mut summary)
            .map_err(|e| e.at("volunteers"))?;
    let volunteer = volunteers::demo_login(&mut s, &mut conn, &mut people)
        .map_err(|e| e.at("the volunteer's login"))?;
    let courses = training::run(&mut s, &mut conn, &tree, &mut people, &mut summary)
        .map_err(|e| e.at("training"))?;
    activities::run(
        &mut s,
        &mut conn,
        &tree,
        &mut people,
        &courses,
        &mut summary,
    )
    .map_err(|e| e.at("activities"))?;
    spring_rain::run(&mut s, &mut conn, &tree, &mut summary).map_err(|e| e.at("Spring Rain"))?;
    summary.logins = tree.logins.clone();
    summary.logins.push(volunteer);
    Ok(summary)
}

/// `springrain seed-demo [--volunteers N] [--seed S]`: the options from the arguments after
/// the command.
pub fn parse_args(args: &[String]) -> Result<DemoOptions, String> {
    let mut options = DemoOptions::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--volunteers" => {
                options.volunteers = value
                    .parse()
                    .ok()
                    .filter(|n| (50..=1_000_000).contains(n))
                    .ok_or("--volunteers is a number from 50 to 1000000")?
            }
            "--seed" => options.seed = value.parse().map_err(|_| "--seed is a whole number")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_default_to_five_thousand_volunteers() {
        let o = parse_args(&[]).unwrap();
        assert_eq!((o.volunteers, o.seed), (DEFAULT_VOLUNTEERS, DEFAULT_SEED));
        let o = parse_args(&args(&["--seed", "7", "--volunteers", "200"])).unwrap();
        assert_eq!((o.volunteers, o.seed), (200, 7));
    }

    #[test]
    fn bad_options_are_refused() {
        for bad in [
            &["--volunteers"][..],
            &["--volunteers", "many"],
            &["--volunteers", "3"],
            &["--seed", "-1"],
            &["--colour", "red"],
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
