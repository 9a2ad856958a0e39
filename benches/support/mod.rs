//! What the HTTP benchmarks share: a deterministic generator, synthetic import CSV, a fresh
//! database (SQLite in a temp dir, or a scratch PostgreSQL database when
//! `BENCH_DATABASE_URL` is set) and the settings of an in-process server on it.

#![allow(dead_code)] // each bench uses a different part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use springrain::config::Settings;
use springrain::domain::identity::check_character;
use springrain::domain::reference::{LANGUAGES, SKILLS};

pub const ADMIN_PASSWORD: &str = "Bench-ministry-pass-1";

/// Deterministic xorshift, so every run has the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Import CSV for volunteers `from..to` (valid, distinct resident IDs in Zhejiang): 1–3
/// skills, Mandarin plus sometimes a minority language, each row attested (REG-09).
pub fn synthetic_csv(rng: &mut Rng, from: usize, to: usize) -> String {
    let mut out = String::with_capacity((to - from) * 120);
    out.push_str(
        "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email\n",
    );
    let areas = ["330102", "330106", "330108", "330205", "330302", "330402"];
    for i in from..to {
        let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
            + chrono::Days::new((i / 1000) as u64 * 3);
        let area = areas[i % areas.len()];
        let first17 = format!("{area}{}{:03}", birth.format("%Y%m%d"), i % 1000);
        let id = format!("{first17}{}", check_character(first17.as_bytes()));
        let mut skills: Vec<String> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let s = SKILLS[rng.below(SKILLS.len())];
            if !skills.iter().any(|x| x.starts_with(s)) {
                skills.push(format!("{s}:{}", 1 + rng.below(3)));
            }
        }
        let mut languages = vec!["zh:native".to_string()];
        if rng.below(4) == 0 {
            languages.push(format!(
                "{}:fluent",
                LANGUAGES[1 + rng.below(LANGUAGES.len() - 1)]
            ));
        }
        out.push_str(&format!(
            "志愿者{i},resident_id,{id},138{:08},{area},{},{},true,\n",
            rng.below(100_000_000),
            skills.join(";"),
            languages.join(";")
        ));
    }
    out
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One machine-readable figure for `scripts/bench-all.sh`: `RESULT <name> <value> <unit>`.
/// Names are dotted, lower case, without spaces (`reads.postgres.volunteer.rps`).
pub fn result(name: &str, value: f64, unit: &str) {
    println!("RESULT {name} {value:.4} {unit}");
}

/// The database backend as it appears in result names.
pub fn backend_key(db: &BenchDatabase) -> &'static str {
    if db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// The 1-, 5- and 15-minute load averages: the machine is shared, so each figure is printed
/// with the load it was measured under.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The real `springrain` binary on `db`, in its own process on a free port, with `extra`
/// settings; returns it and its base URL once it listens.
pub fn start_server(db: &BenchDatabase, extra: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_springrain"));
    command
        .env("SPRINGRAIN_BIND", "127.0.0.1:0")
        .env("SPRINGRAIN_DATA_DIR", db.dir.path())
        .env("DATABASE_URL", &db.url)
        .env("SPRINGRAIN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("SPRINGRAIN_LOG", "warn")
        .stdout(Stdio::piped());
    for (name, value) in extra {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("start the springrain binary");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split_once("listening on ")
                .map(|(_, url)| url.trim().to_string())
        })
        .expect("the server printed its URL");
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A fresh database for one run; a PostgreSQL one is dropped when this is dropped.
pub struct BenchDatabase {
    pub url: String,
    pub backend: &'static str,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl BenchDatabase {
    pub fn create(prefix: &str) -> BenchDatabase {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("BENCH_DATABASE_URL") {
            Ok(admin_url) => {
                let name = format!("{prefix}_{}", std::process::id());
                let ok = std::process::Command::new("psql")
                    .args([&admin_url, "-qc", &format!("CREATE DATABASE {name}")])
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(ok, "could not create the bench database with psql");
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap();
                BenchDatabase {
                    url: format!("{base}/{name}"),
                    backend: "PostgreSQL",
                    dir,
                    pg: Some((admin_url, name)),
                }
            }
            Err(_) => BenchDatabase {
                url: format!("sqlite://{}", dir.path().join("bench.db").display()),
                backend: "SQLite",
                dir,
                pg: None,
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// Settings of an in-process server on port 0 over this database.
    pub fn settings(&self) -> Settings {
        let vars = [
            ("SPRINGRAIN_BIND", "127.0.0.1:0".to_string()),
            ("SPRINGRAIN_DATA_DIR", self.dir.path().display().to_string()),
            ("DATABASE_URL", self.url.clone()),
            ("SPRINGRAIN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
            ("SPRINGRAIN_LOG", "warn".to_string()),
        ];
        Settings::load(&|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap()
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg {
            let _ = std::process::Command::new("psql")
                .args([
                    admin_url,
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// Sends `request` and reads its JSON body.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// Logs in and returns the access token.
pub async fn login(client: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let body = json_of(
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password})),
    )
    .await;
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {username}: {body}"))
        .to_string()
}

/// The Zhejiang provincial bureau's id (reference data), where the benches import.
pub async fn zhejiang_bureau(client: &reqwest::Client, base: &str, token: &str) -> i64 {
    let bureaus = json_of(
        client
            .get(format!(
                "{base}/api/v1/organizations?kind=provincial_bureau&region_code=330000"
            ))
            .bearer_auth(token),
    )
    .await;
    bureaus["items"][0]["id"].as_i64().unwrap()
}
