//! Dispatch over HTTP: `POST /api/v1/dispatch/plans` over 500 activities with 20,000
//! volunteers in the province, then `GET /api/v1/activities/{id}/candidates` p95 with
//! 100,000 volunteers in the province.
//!
//! ```text
//! cargo bench --bench dispatch_http                              # SQLite
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench dispatch_http --features postgres      # PostgreSQL
//! ```
//!
//! The server runs in-process on a fresh database. Volunteers arrive through the registry
//! import (Zhejiang bureau, skills and languages at random, fixed seed), activities through
//! the API (published, each needing one skill at level 1, headcount 3–5).

mod support;

// The server runs in this process: give it the allocator the `springrain` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::{Value, json};
use springrain::domain::reference::SKILLS;
use springrain::startup::Application;
use support::{
    ADMIN_PASSWORD, BenchDatabase, Rng, backend_key, env_usize, login, percentile, result,
    synthetic_csv, zhejiang_bureau,
};

fn main() {
    let plan_volunteers = env_usize("BENCH_PLAN_VOLUNTEERS", 20_000);
    let plan_activities = env_usize("BENCH_PLAN_ACTIVITIES", 500);
    let pool_volunteers = env_usize("BENCH_POOL_VOLUNTEERS", 100_000);
    let db = BenchDatabase::create("springrain_dispatch_bench");
    let settings = db.settings();
    let key = backend_key(&db);
    println!("dispatch HTTP benchmark on {}", db.backend);

    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await.unwrap();
        let state = app.state.clone();
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .unwrap();
        let token = login(&client, &base, "admin", ADMIN_PASSWORD).await;
        let zhejiang = zhejiang_bureau(&client, &base, &token).await;

        let mut rng = Rng(0x5eed_d15a);
        let import = |csv: String| {
            let client = client.clone();
            let token = token.clone();
            let base = base.clone();
            async move {
                let res = client
                    .post(format!("{base}/api/v1/volunteers/import?organization_id={zhejiang}"))
                    .bearer_auth(&token)
                    .header("content-type", "text/csv")
                    .body(csv)
                    .send().await.unwrap();
                assert!(res.status().is_success(), "import: {}", res.text().await.unwrap());
            }
        };
        // Imported volunteers are active once they have an account; the bench skips the
        // activations and sets the status directly.
        let activate = || {
            let mut conn = state.pool.get().unwrap();
            diesel::sql_query("UPDATE volunteers SET status = 'active' WHERE status <> 'active'")
                .execute(&mut *conn)
                .unwrap();
        };
        import(synthetic_csv(&mut rng, 0, plan_volunteers)).await;
        activate();

        let site: Value = client
            .post(format!("{base}/api/v1/sites"))
            .bearer_auth(&token)
            .json(&json!({"name": "西湖区文化站", "kind": "cultural_station", "region_code": "330106",
                    "address": "杭州市西湖区文三路 1 号", "location_type": "community",
                    "organization_id": zhejiang,
                    "target_groups": ["general_public"], "contact": "0571-0000 0000"}))
            .send().await.unwrap().json().await.unwrap();
        let site = site["id"].as_i64().unwrap_or_else(|| panic!("site: {site}"));
        let mut activity_ids = Vec::with_capacity(plan_activities);
        for i in 0..plan_activities {
            let skill = SKILLS[rng.below(SKILLS.len())];
            let max = 3 + rng.below(3) as i64;
            // Spread over 50 days, a few hours each, so overlaps are rare but real.
            let starts_at = chrono::Utc::now() + chrono::TimeDelta::days(3 + (i % 50) as i64)
                + chrono::TimeDelta::hours((i / 50 % 8) as i64);
            let body = json!({"site_id": site, "title": format!("社区活动 {i}"), "description": "为社区群众服务",
                "category": "grassroots_culture", "form": "performance",
                "starts_at": starts_at, "ends_at": starts_at + chrono::TimeDelta::hours(2),
                "headcount_min": 1 + rng.below(3) as i64, "headcount_max": max, "physical_demand": 0,
                "risk_level": "low", "target_groups": ["general_public"],
                "requirements": {"skills": [{"code": skill, "level": 1}]},
                "risk_disclosure": "室内活动，注意安全"});
            let created: Value = client.post(format!("{base}/api/v1/activities")).bearer_auth(&token)
                .json(&body).send().await.unwrap().json().await.unwrap();
            let id = created["id"].as_i64().unwrap_or_else(|| panic!("activity: {created}"));
            let res = client.post(format!("{base}/api/v1/activities/{id}/publish")).bearer_auth(&token)
                .json(&json!({})).send().await.unwrap();
            assert!(res.status().is_success(), "publish: {}", res.text().await.unwrap());
            activity_ids.push(id);
        }

        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/dispatch/plans"))
            .bearer_auth(&token)
            .json(&json!({"activity_ids": activity_ids}))
            .send().await.unwrap();
        let status = res.status();
        let plan: Value = res.json().await.unwrap();
        let plan_time = t.elapsed();
        assert!(status.is_success(), "plan: {plan}");
        println!(
            "POST /dispatch/plans: {} activities, {} volunteers in the province: {:.2} s \
             (planned {}, minimum places filled {}, shortfall {})",
            activity_ids.len(),
            plan_volunteers,
            plan_time.as_secs_f64(),
            plan["body"]["totals"]["planned"].as_u64().or(plan["totals"]["planned"].as_u64()).unwrap_or(0),
            plan["body"]["totals"]["min_slots_filled"].as_u64().or(plan["totals"]["min_slots_filled"].as_u64()).unwrap_or(0),
            plan["body"]["totals"]["min_shortfall"].as_u64().or(plan["totals"]["min_shortfall"].as_u64()).unwrap_or(0),
        );
        result(&format!("dispatch_http.{key}.plan"), plan_time.as_secs_f64(), "s");
        result(&format!("dispatch_http.{key}.plan_activities"), activity_ids.len() as f64, "count");
        result(&format!("dispatch_http.{key}.plan_volunteers"), plan_volunteers as f64, "count");

        if pool_volunteers > plan_volunteers {
            import(synthetic_csv(&mut rng, plan_volunteers, pool_volunteers)).await;
            activate();
        }
        let mut latencies = Vec::new();
        let mut considered = 0u64;
        for &id in activity_ids.iter().take(100) {
            let t = Instant::now();
            let res = client
                .get(format!("{base}/api/v1/activities/{id}/candidates?limit=50"))
                .bearer_auth(&token)
                .send().await.unwrap();
            assert!(res.status().is_success());
            let body: Value = res.json().await.unwrap();
            latencies.push(t.elapsed());
            considered += body["considered"].as_u64().unwrap_or(0);
        }
        latencies.sort();
        println!(
            "GET /activities/{{id}}/candidates, {} volunteers in the province, {} activities: \
             p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (avg considered {})",
            pool_volunteers.max(plan_volunteers),
            latencies.len(),
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.95).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3,
            considered / latencies.len() as u64,
        );
        let p95 = percentile(&latencies, 0.95).as_secs_f64() * 1e3;
        result(&format!("dispatch_http.{key}.candidates_p95"), p95, "ms");
        result(
            &format!("dispatch_http.{key}.candidates_volunteers"),
            pool_volunteers.max(plan_volunteers) as f64,
            "count",
        );
        result(
            &format!("dispatch_http.{key}.candidates_considered"),
            (considered / latencies.len() as u64) as f64,
            "count",
        );
        drop(db);
    });
}
