//! Statistics and record-exchange benchmark (issue 11 goals): a fresh database filled in bulk
//! with 100,000 volunteers and 1,000,000 service records, then the latency of the national
//! `GET /api/v1/stats/overview` (goal: under 500 ms) and the resident memory of the server
//! while the whole `GET /api/v1/service-records/export` streams (goal: under 100 MB).
//!
//! ```text
//! cargo bench --bench stats                                      # SQLite
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench stats --features postgres              # PostgreSQL
//! BENCH_VOLUNTEERS=10000 BENCH_RECORDS=100000 cargo bench --bench stats   # smaller
//! ```
//!
//! The fixture is written with `INSERT … SELECT` over a recursive CTE (the same SQL on both
//! databases, dates aside): it is data for the aggregates, not an API test. The server is the
//! real `springrain` binary in its own process, so its VmRSS is the server's alone.

mod support;

use std::time::Instant;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use serde_json::Value;
use support::{ADMIN_PASSWORD, BenchDatabase, env_usize, login, percentile, start_server};

/// Resident set of process `pid`, in MB.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The date arithmetic the two databases spell differently.
struct Dialect {
    /// `{d}` days after `1960-01-01`, as a DATE.
    birth: &'static str,
    /// `{d}` days after `2024-01-01 02:00`, as a TIMESTAMP.
    start: &'static str,
    /// `{t}` plus four hours.
    end: &'static str,
    /// The date of `{t}` plus `{d}` days.
    day_after: &'static str,
}

const SQLITE: Dialect = Dialect {
    birth: "date('1960-01-01', '+' || ({d}) || ' days')",
    start: "datetime('2024-01-01 02:00:00', '+' || ({d}) || ' days')",
    end: "datetime({t}, '+4 hours')",
    day_after: "date({t}, '+' || ({d}) || ' days')",
};

#[allow(dead_code)]
const POSTGRES: Dialect = Dialect {
    birth: "(DATE '1960-01-01' + ({d}))",
    start: "(TIMESTAMP '2024-01-01 02:00:00' + ({d}) * INTERVAL '1 day')",
    end: "({t} + INTERVAL '4 hours')",
    day_after: "(CAST({t} AS DATE) + ({d}))",
};

fn series(n: usize) -> String {
    format!("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n})")
}

/// The fixture: volunteers spread over the provincial bureaus, a site each, 10,000 activities
/// (one in twenty a Spring Rain deployment) with people reached, one completed assignment per
/// volunteer, `records` service records (ten days per assignment), a 1★ for every fifth
/// volunteer.
fn fill_sql(d: &Dialect, volunteers: usize, records: usize) -> Vec<String> {
    let activities = 10_000.min(volunteers);
    let ts = "'2026-01-01 00:00:00'";
    let per_assignment = records.div_ceil(volunteers);
    let birth = d.birth.replace("{d}", "n % 20000");
    let start = d.start.replace("{d}", "n % 900");
    let end = d.end.replace("{t}", &start);
    let day = d
        .day_after
        .replace("{t}", "x.starts_at")
        .replace("{d}", &format!("(n - 1) / {volunteers}"));
    vec![
        "CREATE TEMP TABLE bench_orgs AS SELECT id, path, region_code, \
         ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM organizations \
         WHERE kind = 'provincial_bureau'"
            .into(),
        format!(
            "{} INSERT INTO volunteers (status, organization_id, org_path, name, name_enc, id_type, \
             id_number_masked, birth_date, sex, mobile_masked, home_region_code, fitness_level, \
             own_income, attested_at, privacy_consent_version, created_at, updated_at, version) \
             SELECT CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'active' END, o.id, o.path, \
             '志愿者' || n, 'x', 'resident_id', '330106***********' || (n % 10), {birth}, \
             CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END, '138****8000', o.region_code, 2, \
             FALSE, {ts}, '2026-01', {ts}, {ts}, 1 \
             FROM s JOIN bench_orgs o ON o.k = n % (SELECT COUNT(*) FROM bench_orgs)",
            series(volunteers)
        ),
        format!(
            "INSERT INTO sites (organization_id, org_path, name, kind, region_code, address, \
             location_type, local_languages, target_groups, contact, created_at) \
             SELECT id, path, '社区文化家园', 'community', region_code, '地址', 'community', \
             '[\"zh\"]', '[\"elderly\"]', '联系人', {ts} FROM bench_orgs"
        ),
        format!(
            "{} INSERT INTO activities (organization_id, org_path, site_id, title, description, \
             category, form, programme, sending_province, starts_at, ends_at, time_zone, \
             region_code, headcount_min, headcount_max, confirmed_count, target_groups, \
             requirements, physical_demand, risk_level, risk_disclosure, status, version, \
             created_at, updated_at) \
             SELECT o.id, o.path, st.id, '社区文艺演出' || n, '演出', 'grassroots_culture', \
             CASE n % 4 WHEN 0 THEN 'performance' WHEN 1 THEN 'lecture' WHEN 2 THEN 'exhibition' ELSE 'reading' END, \
             CASE WHEN n % 20 = 0 THEN 'spring_rain' ELSE 'general' END, \
             CASE WHEN n % 20 = 0 THEN o.region_code END, {start}, {end}, 'Asia/Shanghai', \
             o.region_code, 0, 50, 0, '[\"elderly\"]', '{{}}', 1, 'low', '无', 'completed', 1, {ts}, {ts} \
             FROM s JOIN bench_orgs o ON o.k = n % (SELECT COUNT(*) FROM bench_orgs) \
             JOIN sites st ON st.organization_id = o.id",
            series(activities)
        ),
        format!(
            "INSERT INTO activity_people_reached (activity_id, target_group_code, people, recorded_at) \
             SELECT id, CASE id % 3 WHEN 0 THEN 'elderly' WHEN 1 THEN 'left_behind_children' \
             ELSE 'rural_migrant_workers' END, 10 + id % 50, {ts} FROM activities"
        ),
        format!(
            "{} INSERT INTO assignments (activity_id, volunteer_id, org_path, status, starts_at, \
             ends_at, offered_at, checked_in_at, checked_out_at, break_minutes, updated_at) \
             SELECT a.id, v.id, a.org_path, 'completed', a.starts_at, a.ends_at, {ts}, a.starts_at, \
             a.ends_at, 0, {ts} FROM s \
             JOIN volunteers v ON v.id = (SELECT MIN(id) FROM volunteers) + n - 1 \
             JOIN activities a ON a.id = (SELECT MIN(id) FROM activities) + n % {activities}",
            series(volunteers)
        ),
        format!(
            "{} INSERT INTO service_records (record_key, version, is_current, assignment_id, \
             volunteer_id, activity_id, organization_id, org_path, activity_title, region_code, \
             service_date, started_at, ended_at, break_minutes, minutes, content, recorded_at) \
             SELECT n, 1, TRUE, x.id, x.volunteer_id, a.id, a.organization_id, a.org_path, a.title, \
             a.region_code, {day}, x.starts_at, x.ends_at, 0, 30 + n % 200, '演奏二胡', {ts} \
             FROM s JOIN assignments x ON x.id = (SELECT MIN(id) FROM assignments) + (n - 1) % {volunteers} \
             JOIN activities a ON a.id = x.activity_id",
            series(records.min(volunteers * per_assignment))
        ),
        format!(
            "INSERT INTO star_awards (volunteer_id, level, status, award_number, requested_at, decided_at) \
             SELECT id, 1, 'granted', 'BENCH-' || id, {ts}, {ts} FROM volunteers WHERE id % 5 = 0"
        ),
        "ANALYZE".into(),
    ]
}

fn fill(database_url: &str, postgres: bool, volunteers: usize, records: usize) {
    #[cfg(feature = "postgres")]
    if postgres {
        let mut conn = diesel::PgConnection::establish(database_url).unwrap();
        for sql in fill_sql(&POSTGRES, volunteers, records) {
            conn.batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{e}: {sql}"));
        }
        return;
    }
    assert!(!postgres, "PostgreSQL needs --features postgres");
    let path = database_url.trim_start_matches("sqlite://");
    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 5000;").unwrap();
    for sql in fill_sql(&SQLITE, volunteers, records) {
        conn.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
}

fn main() {
    let volunteers = env_usize("BENCH_VOLUNTEERS", 100_000);
    let records = env_usize("BENCH_RECORDS", 1_000_000);
    let db = BenchDatabase::create("springrain_stats");
    println!(
        "stats benchmark on {}: {volunteers} volunteers, {records} service records",
        db.backend
    );
    springrain::db::migrate(&db.url).unwrap();
    let started = Instant::now();
    fill(&db.url, db.is_postgres(), volunteers, records);
    println!("fill: {:.1} s", started.elapsed().as_secs_f64());
    let (mut server, base) = start_server(&db, &[]);
    let pid = server.id();
    println!("server VmRSS at start: {:.0} MB", rss_mb(pid));

    actix_web::rt::System::new().block_on(async move {
        let client = reqwest::Client::new();
        let token = login(&client, &base, "admin", ADMIN_PASSWORD).await;
        println!("server VmRSS after one login (argon2id): {:.0} MB", rss_mb(pid));

        // The export first, on a fresh server: its memory is then the export's own, before the
        // overview's scans fill SQLite's page caches (32 MB per pooled connection).
        let before = rss_mb(pid);
        let t = Instant::now();
        let mut res = client
            .get(format!("{base}/api/v1/service-records/export"))
            .bearer_auth(&token)
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        let (mut bytes, mut lines, mut peak, mut chunks) = (0usize, 0usize, before, 0usize);
        while let Some(chunk) = res.chunk().await.unwrap() {
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count();
            chunks += 1;
            if chunks % 64 == 0 {
                peak = peak.max(rss_mb(pid));
            }
        }
        peak = peak.max(rss_mb(pid));
        println!(
            "export (CSV, ministry): {} records, {:.0} MB in {:.1} s; server VmRSS {:.0} MB before, peak {:.0} MB",
            lines.saturating_sub(1),
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            before,
            peak
        );
        let mut latencies = Vec::new();
        let mut overview = Value::Null;
        for _ in 0..21 {
            let t = Instant::now();
            let res = client
                .get(format!("{base}/api/v1/stats/overview"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success());
            overview = res.json().await.unwrap();
            latencies.push(t.elapsed());
        }
        latencies.remove(0); // the first call warms the caches
        latencies.sort();
        println!(
            "overview (ministry, 20 calls): p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.95).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3
        );
        println!(
            "  figures: {} volunteers, {} records, {} minutes, {} activities",
            overview["volunteers"]["total"],
            overview["service"]["records"],
            overview["service"]["verified_minutes"],
            overview["activities"]["held"]
        );

    });
    let _ = server.kill();
    let _ = server.wait();
    drop(db);
}
