//! Read path under load (issue 12): `GET /api/v1/volunteers/{id}` and
//! `GET /api/v1/volunteers?limit=50` as a bureau admin over 20,000 volunteers of one
//! province, driven by `wrk`; on PostgreSQL, the same reads done by `pgbench` straight on the
//! same database, and the ratio of the two.
//!
//! ```text
//! cargo bench --bench reads                                      # SQLite
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench reads --features postgres              # PostgreSQL (+ pgbench)
//! ```
//!
//! Knobs: `BENCH_READ_VOLUNTEERS` (20000), `BENCH_SECONDS` (15), `BENCH_WRK_THREADS` (2),
//! `BENCH_WRK_CONNECTIONS` (32), `BENCH_KEEP` (set: keep the server and database up afterwards,
//! for profiling). `wrk` (and `pgbench` for PostgreSQL) must be on the PATH;
//! `scripts/bench-all.sh` installs them. Goals: a volunteer read at least 0.35x pgbench's
//! primary-key SELECT, a 50-row page at least 0.6x pgbench's 50-row SELECT, no non-2xx
//! responses, SQLite at least as fast as PostgreSQL.
//!
//! The volunteers come through the real import endpoint (encrypted names and ID numbers,
//! skills and languages rows), so a read decrypts and joins what a production read would.
//! The server is the real `springrain` binary in its own process, so wrk, the server and
//! the database are three processes sharing the machine, as pgbench and the database are.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use support::{
    ADMIN_PASSWORD, BenchDatabase, Rng, backend_key, env_usize, load_average, login, result,
    start_server, synthetic_csv, zhejiang_bureau,
};

const STAFF_PASSWORD: &str = "Bench-bureau-reader-1";

/// What one wrk run reports (its Lua `done` hook prints one machine-readable line).
struct WrkRun {
    requests: u64,
    seconds: f64,
    /// Responses with a status of 400 or more (wrk's "Non-2xx or 3xx" count; neither endpoint
    /// redirects) plus socket errors and timeouts: every request that did not succeed.
    failed: u64,
    p50_ms: f64,
    p99_ms: f64,
}

impl WrkRun {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// The Lua hook shared by both runs: the token, optionally a random volunteer id per request,
/// and one summary line at the end.
fn wrk_script(dir: &Path, name: &str, token: &str, ids: Option<&[i64]>) -> String {
    let mut lua = format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n");
    if let Some(ids) = ids {
        // The ids go through a file: a Lua table constructor this large may overflow
        // LuaJIT's per-function constant limit.
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let ids_path = dir.join(format!("{name}.ids"));
        std::fs::write(&ids_path, list.join("\n")).unwrap();
        lua.push_str(&format!(
            "local ids = {{}}\n\
             local threads = 0\n\
             function setup(thread) threads = threads + 1; thread:set(\"seed\", threads) end\n\
             function init(args)\n  \
               for line in io.lines(\"{}\") do ids[#ids + 1] = line end\n  \
               math.randomseed(os.time() * 97 + seed)\n\
             end\n\
             function request()\n  \
               return wrk.format(nil, \"/api/v1/volunteers/\" .. ids[math.random(#ids)])\n\
             end\n",
            ids_path.display()
        ));
    }
    lua.push_str(
        "function done(summary, latency, requests)\n  \
           local e = summary.errors\n  \
           io.write(string.format(\"WRK %d %d %d %d %d\\n\", summary.requests, summary.duration,\n    \
             e.status + e.connect + e.read + e.write + e.timeout,\n    \
             latency:percentile(50), latency:percentile(99)))\n\
         end\n",
    );
    let path = dir.join(name);
    std::fs::write(&path, lua).unwrap();
    path.display().to_string()
}

fn wrk(script: &str, url: &str, seconds: usize) -> WrkRun {
    let threads = env_usize("BENCH_WRK_THREADS", 2).to_string();
    let connections = env_usize("BENCH_WRK_CONNECTIONS", 32).to_string();
    let out = Command::new("wrk")
        .args([
            "-t",
            &threads,
            "-c",
            &connections,
            "-d",
            &format!("{seconds}s"),
        ])
        .args(["--timeout", "5s", "-s", script, url])
        .output()
        .expect("wrk is installed (scripts/bench-all.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("WRK "))
        .unwrap_or_else(|| panic!("no summary from wrk: {text}"));
    let f: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    WrkRun {
        requests: f[0],
        seconds: f[1] as f64 / 1e6,
        failed: f[2],
        p50_ms: f[3] as f64 / 1e3,
        p99_ms: f[4] as f64 / 1e3,
    }
}

/// pgbench's transactions per second (excluding connection time) for one custom script.
/// `extra`: more pgbench options (`-M prepared`).
fn pgbench(url: &str, dir: &Path, name: &str, sql: &str, seconds: usize, extra: &[&str]) -> f64 {
    let path = dir.join(name);
    std::fs::write(&path, sql).unwrap();
    let clients = env_usize("BENCH_WRK_CONNECTIONS", 32).to_string();
    let threads = env_usize("BENCH_WRK_THREADS", 2).to_string();
    let out = Command::new("pgbench")
        .args([
            "-n",
            "-c",
            &clients,
            "-j",
            &threads,
            "-T",
            &seconds.to_string(),
        ])
        .args(extra)
        .arg("-f")
        .arg(&path)
        .arg(url)
        .output()
        .expect("pgbench is installed (scripts/bench-all.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pgbench failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text}"))
}

fn report(key: &str, what: &str, run: &WrkRun) {
    println!(
        "  springrain {what}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} requests, {} failed (load {})",
        run.rps(),
        run.p50_ms,
        run.p99_ms,
        run.requests,
        run.failed,
        load_average()
    );
    result(&format!("{key}.rps"), run.rps(), "req/s");
    result(&format!("{key}.p50"), run.p50_ms, "ms");
    result(&format!("{key}.p99"), run.p99_ms, "ms");
    result(&format!("{key}.non2xx"), run.failed as f64, "responses");
}

fn main() {
    let volunteers = env_usize("BENCH_READ_VOLUNTEERS", 20_000);
    let seconds = env_usize("BENCH_SECONDS", 15);
    // A short unmeasured run first, so connections, caches and prepared statements are warm.
    let warm_up = seconds.div_ceil(5).max(1);
    let db = BenchDatabase::create("springrain_reads");
    let backend = backend_key(&db);
    println!(
        "read benchmark on {}: {volunteers} volunteers, wrk {}x{} for {seconds} s (load {})",
        db.backend,
        env_usize("BENCH_WRK_THREADS", 2),
        env_usize("BENCH_WRK_CONNECTIONS", 32),
        load_average()
    );
    let (mut server, base) = start_server(&db, &[("SPRINGRAIN_ACCESS_TOKEN_TTL_SECS", "3600")]);

    let (token, ids) = actix_web::rt::System::new().block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .unwrap();
        let admin = login(&client, &base, "admin", ADMIN_PASSWORD).await;
        let zhejiang = zhejiang_bureau(&client, &base, &admin).await;

        let csv = synthetic_csv(&mut Rng(0x5eed_4ead), 0, volunteers);
        let res = client
            .post(format!(
                "{base}/api/v1/volunteers/import?organization_id={zhejiang}"
            ))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "import: {}", res.status());
        let report: Value = res.json().await.unwrap();
        let ids: Vec<i64> = report["activations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["volunteer_id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), volunteers, "rejected: {}", report["rejected"]);

        // The reader is a bureau admin of that province: the scope rule and the audit of
        // personal-data reads apply, as for the people who will use it.
        let res = client
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&admin)
            .json(
                &json!({"username": "bench.reader", "password": STAFF_PASSWORD,
                          "role": "bureau_admin", "organization_id": zhejiang}),
            )
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "user: {}",
            res.text().await.unwrap()
        );
        (
            login(&client, &base, "bench.reader", STAFF_PASSWORD).await,
            ids,
        )
    });
    let dir = db.dir.path();
    let one = wrk_script(dir, "one.lua", &token, Some(&ids));
    let page = wrk_script(dir, "page.lua", &token, None);
    let one_url = format!("{base}/api/v1/volunteers/{}", ids[0]);
    let page_url = format!("{base}/api/v1/volunteers?limit=50");
    let (min, max) = (ids.iter().min().unwrap(), ids.iter().max().unwrap());
    println!(
        "  ids {min}..={max} ({} distinct of {} in the range)",
        ids.len(),
        max - min + 1
    );

    // Returns pgbench's rate on PostgreSQL.
    let run = |key: &str, what: &str, script: &str, url: &str, pg_sql: &str| -> Option<f64> {
        wrk(script, url, warm_up);
        let run = wrk(script, url, seconds);
        report(&format!("reads.{backend}.{key}"), what, &run);
        if db.is_postgres() {
            let tps = pgbench(&db.url, dir, &format!("{key}.sql"), pg_sql, seconds, &[]);
            let query = pg_sql.lines().last().unwrap_or_default();
            println!(
                "  pgbench {query} {tps:.0} tps; ratio {:.3}x (load {})",
                run.rps() / tps,
                load_average()
            );
            result(&format!("reads.postgres.{key}.pgbench_tps"), tps, "tps");
            result(&format!("reads.postgres.{key}.ratio"), run.rps() / tps, "x");
            return Some(tps);
        }
        None
    };
    let pk_tps = run(
        "volunteer",
        "GET /volunteers/{id}",
        &one,
        &one_url,
        &format!("\\set id random({min}, {max})\nSELECT * FROM volunteers WHERE id = :id;\n"),
    );
    if db.is_postgres() {
        // The database's own share: the two statements a volunteer read sends (its row, then
        // its parts), prepared, straight from pgbench. No HTTP, no pool, no JSON: the ceiling
        // of the read's ratio on this machine.
        let parts = springrain::db::volunteer_parts::PARTS_SQL.replace("$1", ":id");
        let sql = format!(
            "\\set id random({min}, {max})\nSELECT * FROM volunteers WHERE id = :id;\n{parts};\n"
        );
        let tps = pgbench(&db.url, dir, "two.sql", &sql, seconds, &["-M", "prepared"]);
        let reference = pk_tps.unwrap_or(f64::NAN);
        println!(
            "  pgbench, a volunteer read's two statements (prepared): {tps:.0} tps; {:.3}x the primary-key SELECT (load {})",
            tps / reference,
            load_average()
        );
        result("reads.postgres.volunteer.db_only_tps", tps, "tps");
        result(
            "reads.postgres.volunteer.db_only_ratio",
            tps / reference,
            "x",
        );
    }
    run(
        "page",
        "GET /volunteers?limit=50",
        &page,
        &page_url,
        "SELECT * FROM volunteers ORDER BY id LIMIT 50;\n",
    );

    if std::env::var_os("BENCH_KEEP").is_some() {
        // For profiling (perf, EXPLAIN): server and database stay up until this is killed.
        println!("kept: {base} on {} with token {token}", db.url);
        let _ = server.wait();
    }
    let _ = server.kill();
    let _ = server.wait();
    drop(db);
}
