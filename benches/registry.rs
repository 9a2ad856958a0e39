//! Registry benchmark: bulk import of N synthetic volunteers through the HTTP endpoint, then
//! the latency of filtered searches over them.
//!
//! ```text
//! cargo bench --bench registry                                   # SQLite, 100,000 rows
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench registry --features postgres           # PostgreSQL (+ psql \copy ratio)
//! BENCH_ROWS=20000 cargo bench --bench registry                  # another size
//! ```
//!
//! The server runs in-process on port 0 with a fresh database (created and dropped for
//! PostgreSQL); the client posts the CSV over loopback. Results go to `docs/benchmarks.md`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use springrain::config::Settings;
use springrain::domain::identity::check_character;
use springrain::domain::reference::{LANGUAGES, SKILLS};
use springrain::startup::Application;

const ADMIN_PASSWORD: &str = "Bench-ministry-pass-1";

/// Deterministic xorshift, so every run imports the same rows.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `rows` valid, distinct volunteers: 1–3 skills, Mandarin plus sometimes a minority language.
fn synthetic_csv(rows: usize) -> String {
    let mut rng = Rng(0x5eed_cafe);
    let mut out = String::with_capacity(rows * 120);
    out.push_str(
        "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email\n",
    );
    let areas = ["330102", "330106", "330108", "330205", "330302", "330402"];
    for i in 0..rows {
        let day = i / 1000;
        let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
            + chrono::Days::new(day as u64 * 3);
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct PgScratch {
    admin_url: String,
    name: String,
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        let _ = std::process::Command::new("psql")
            .args([
                &self.admin_url,
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

fn main() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let (database_url, scratch) = match std::env::var("BENCH_DATABASE_URL") {
        Ok(admin_url) => {
            let name = format!("springrain_bench_{}", std::process::id());
            let ok = std::process::Command::new("psql")
                .args([&admin_url, "-qc", &format!("CREATE DATABASE {name}")])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "could not create the bench database with psql");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap();
            (
                format!("{base}/{name}"),
                Some(PgScratch { admin_url, name }),
            )
        }
        Err(_) => (
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            None,
        ),
    };
    let backend = if scratch.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let vars = [
        ("SPRINGRAIN_BIND", "127.0.0.1:0".to_string()),
        ("SPRINGRAIN_DATA_DIR", dir.path().display().to_string()),
        ("DATABASE_URL", database_url.clone()),
        ("SPRINGRAIN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
        ("SPRINGRAIN_LOG", "warn".to_string()),
    ];
    let settings =
        Settings::load(&|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let csv = synthetic_csv(rows);
    println!(
        "registry benchmark on {backend}: {rows} rows, {:.1} MB of CSV",
        csv.len() as f64 / 1e6
    );

    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::new();
        let login: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["access_token"].as_str().unwrap().to_string();

        let bureaus: Value = client
            .get(format!("{base}/api/v1/organizations?kind=provincial_bureau&region_code=330000"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let zhejiang = bureaus["items"][0]["id"].as_i64().unwrap();

        let started = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/volunteers/import?organization_id={zhejiang}"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
            .await
            .unwrap();
        let status = res.status();
        let report: Value = res.json().await.unwrap();
        let import_time = started.elapsed();
        assert!(status.is_success(), "{report}");
        assert_eq!(report["inserted"].as_u64(), Some(rows as u64), "rejected: {}", report["rejected"]);
        println!(
            "import: {rows} rows in {:.2} s ({:.0} rows/s)",
            import_time.as_secs_f64(),
            rows as f64 / import_time.as_secs_f64()
        );

        // Filtered searches: skill (with level) + language, first page of 50.
        let mut rng = Rng(42);
        let mut latencies = Vec::new();
        let mut hits = 0usize;
        for i in 0..300 {
            let skill = SKILLS[rng.below(SKILLS.len())];
            let language = if i % 3 == 0 { LANGUAGES[1 + rng.below(LANGUAGES.len() - 1)] } else { "zh" };
            let url = format!("{base}/api/v1/volunteers?skill={skill}:{}&language={language}&limit=50", 1 + rng.below(3));
            let t = Instant::now();
            let page: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            latencies.push(t.elapsed());
            hits += page["items"].as_array().map(|a| a.len()).unwrap_or(0);
        }
        latencies.sort();
        println!(
            "search (skill+language, limit 50, 300 queries, avg {} hits): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            hits / 300,
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.95).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3
        );

        if let Some(scratch) = &scratch {
            // The floor: psql \copy of the same CSV into a bare 9-column table.
            let path = dir.path().join("rows.csv");
            std::fs::write(&path, &csv).unwrap();
            let create = "CREATE TABLE copy_floor (name text, id_type text, id_number text, mobile text, \
                          region text, skills text, languages text, attest_true text, email text)";
            let copy = format!("\\copy copy_floor FROM '{}' CSV HEADER", path.display());
            let db_url = format!("{}/{}", scratch.admin_url.rsplit_once('/').unwrap().0, scratch.name);
            let t = Instant::now();
            let out = std::process::Command::new("psql")
                .args([&db_url, "-q", "-c", create, "-c", &copy])
                .output()
                .unwrap();
            let copy_time = t.elapsed();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            println!(
                "psql \\copy of the same rows: {:.2} s; import / copy = {:.1}x",
                copy_time.as_secs_f64(),
                import_time.as_secs_f64() / copy_time.as_secs_f64()
            );
        }
    });
}
