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

mod support;

use std::time::Instant;

use serde_json::Value;
use springrain::domain::reference::{LANGUAGES, SKILLS};
use springrain::startup::Application;
use support::{
    ADMIN_PASSWORD, BenchDatabase, Rng, backend_key, env_usize, login, percentile, result,
    synthetic_csv, zhejiang_bureau,
};

fn main() {
    let rows = env_usize("BENCH_ROWS", 100_000);
    let db = BenchDatabase::create("springrain_bench");
    let settings = db.settings();
    let key = backend_key(&db);
    let csv = synthetic_csv(&mut Rng(0x5eed_cafe), 0, rows);
    println!(
        "registry benchmark on {}: {rows} rows, {:.1} MB of CSV",
        db.backend,
        csv.len() as f64 / 1e6
    );

    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::new();
        let token = login(&client, &base, "admin", ADMIN_PASSWORD).await;
        let zhejiang = zhejiang_bureau(&client, &base, &token).await;

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
        result(&format!("registry.{key}.import"), import_time.as_secs_f64(), "s");
        result(&format!("registry.{key}.import_rows"), rows as f64, "count");

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
        result(
            &format!("registry.{key}.search_p95"),
            percentile(&latencies, 0.95).as_secs_f64() * 1e3,
            "ms",
        );

        if db.is_postgres() {
            // The floor: psql \copy of the same CSV into a bare 9-column table.
            let path = db.dir.path().join("rows.csv");
            std::fs::write(&path, &csv).unwrap();
            let create = "CREATE TABLE copy_floor (name text, id_type text, id_number text, mobile text, \
                          region text, skills text, languages text, attest_true text, email text)";
            let copy = format!("\\copy copy_floor FROM '{}' CSV HEADER", path.display());
            let t = Instant::now();
            let out = std::process::Command::new("psql")
                .args([&db.url, "-q", "-c", create, "-c", &copy])
                .output()
                .unwrap();
            let copy_time = t.elapsed();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            println!(
                "psql \\copy of the same rows: {:.2} s; import / copy = {:.1}x",
                copy_time.as_secs_f64(),
                import_time.as_secs_f64() / copy_time.as_secs_f64()
            );
            result(&format!("registry.{key}.copy"), copy_time.as_secs_f64(), "s");
            result(
                &format!("registry.{key}.import_over_copy"),
                import_time.as_secs_f64() / copy_time.as_secs_f64(),
                "x",
            );
        }
    });
}
