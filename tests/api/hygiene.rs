//! Issue 13, resource exhaustion and data hygiene: bodies are bounded by their route before
//! anything is buffered, kept idempotent results hold no activation code, client dates stay
//! inside the calendar, CSV cells cannot run as formulas, exports stream, atomic imports are
//! capped and insurance policy numbers are masked.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, TwoProvinces, assert_problem, resident_id, volunteer_body};

const CSV_HEADER: &str =
    "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email";

/// A self-registered volunteer's token (the cheapest account anyone can get).
async fn volunteer_token(app: &TestApp, t: &TwoProvinces, username: &str, seq: u32) -> String {
    let mut body = volunteer_body("自注册", &resident_id("330106", "19950505", seq), "330106");
    body["organization_id"] = json!(t.hangzhou);
    body["username"] = json!(username);
    body["password"] = json!("A-volunteer-pass-1");
    let res = app.post_anon("/api/v1/auth/register", &body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // The login is held until the bureau confirms the registration.
    let pending: Value = app
        .get("/api/v1/volunteers?status=pending", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    for v in pending["items"].as_array().unwrap() {
        let res = app
            .post(
                &format!("/api/v1/volunteers/{}/approve", v["id"]),
                &t.zj_admin,
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    app.login(username, "A-volunteer-pass-1").await
}

/// Sends a POST's head (with an `Idempotency-Key` when `key`) announcing `length` body
/// bytes, and only `sent` of them; returns the status the server answers with before the
/// rest arrives (`None` if it waits for it).
async fn status_before_the_body(
    app: &TestApp,
    (path, token, key): (&str, &str, bool),
    content_type: &str,
    length: usize,
    sent: usize,
) -> Option<u16> {
    let address = app.address.trim_start_matches("http://").to_string();
    let key = if key {
        "Idempotency-Key: big-1\r\n"
    } else {
        ""
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n{key}\
         Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    );
    actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(8)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&vec![b' '; sent]).unwrap();
        let mut answer = [0u8; 64];
        let n = stream.read(&mut answer).ok()?;
        let line = String::from_utf8_lossy(&answer[..n]).to_string();
        line.split(' ').nth(1)?.parse().ok()
    })
    .await
    .unwrap()
}

async fn a_volunteer_cannot_make_the_server_buffer_large_bodies(app: TestApp) {
    let t = app.two_provinces().await;
    let me = volunteer_token(&app, &t, "big.sender", 61).await;

    // A real 10 MB body with a key: refused with 413 at once, not hashed first.
    let started = Instant::now();
    let res = app
        .client
        .post(app.url("/api/v1/volunteers"))
        .bearer_auth(&me)
        .header("Idempotency-Key", "big-0")
        .header("content-type", "application/json")
        .body(vec![b' '; 10 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // The refusal comes from the announced length, before the body is sent at all...
    let status = status_before_the_body(
        &app,
        ("/api/v1/volunteers", &me, true),
        "application/json",
        10 << 20,
        0,
    )
    .await;
    assert_eq!(status, Some(413));
    // ...and a role that may not import is refused the import's large limit before its
    // 2 MB body is read.
    let status = status_before_the_body(
        &app,
        ("/api/v1/volunteers/import", &me, true),
        "text/csv",
        2 << 20,
        1024,
    )
    .await;
    assert_eq!(status, Some(403));
    // Staff may import, but not past the import's own limit: an announced 64 MiB + 1 is
    // refused unread, with a key or without.
    for key in [true, false] {
        let status = status_before_the_body(
            &app,
            ("/api/v1/volunteers/import", &t.zj_admin, key),
            "text/csv",
            (64 << 20) + 1,
            1024,
        )
        .await;
        assert_eq!(status, Some(413), "with a key: {key}");
    }
}
db_test!(a_volunteer_cannot_make_the_server_buffer_large_bodies);

/// The decrypted bodies of every kept idempotent result.
fn kept_bodies(app: &TestApp) -> Vec<String> {
    use springrain::db::schema::idempotency_keys as keys;
    let mut conn = app.state.pool.get().unwrap();
    let stored: Vec<Option<String>> = diesel::QueryDsl::select(keys::table, keys::body_enc)
        .load(&mut *conn)
        .unwrap();
    stored
        .into_iter()
        .flatten()
        .map(|enc| app.state.cipher.decrypt(&enc).unwrap())
        .collect()
}

async fn activate(app: &TestApp, code: &Value, username: &str) -> StatusCode {
    app.post_anon(
        "/api/v1/auth/activate",
        &json!({"code": code, "username": username, "password": "Volunteer-pass-99"}),
    )
    .await
    .status()
}

async fn kept_results_hold_no_activation_code_and_a_replay_issues_a_working_one(app: TestApp) {
    let t = app.two_provinces().await;
    let body = volunteer_body("钱塘", &resident_id("330106", "19900101", 71), "330106");
    let send = || {
        app.client
            .post(app.url("/api/v1/volunteers"))
            .bearer_auth(&t.zj_admin)
            .header("Idempotency-Key", "reg-code")
            .json(&body)
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let code = first["activation_code"].as_str().unwrap().to_string();
    let secret = code.split_once('.').unwrap().1.to_string();

    let kept = kept_bodies(&app);
    assert_eq!(kept.len(), 1);
    assert!(!kept[0].contains(&secret), "kept: {}", kept[0]);
    assert!(!app.database_contains(&secret));

    // The retry gets the same volunteer and a fresh code; the first one no longer works.
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let fresh = again["activation_code"].clone();
    assert!(fresh.is_string() && fresh != first["activation_code"]);
    assert_eq!(
        activate(&app, &first["activation_code"], "qian.old").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        activate(&app, &fresh, "qian.tang").await,
        StatusCode::CREATED
    );
    // Once used, a later replay has no code left to give.
    let third: Value = send().await.unwrap().json().await.unwrap();
    assert!(third["activation_code"].is_null());
}
db_test!(kept_results_hold_no_activation_code_and_a_replay_issues_a_working_one);

fn csv_rows(count: usize, first_seq: u32) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for i in 0..count as u32 {
        // Three sequence digits per birth date: the month moves on every thousand.
        let n = first_seq + i;
        let id = resident_id("330106", &format!("19900{}01", 1 + n / 1000), n % 1000);
        out.push_str(&format!(
            "导入{i},resident_id,{id},13800138000,330106,performance.music,zh,true,\n"
        ));
    }
    out
}

async fn import(
    app: &TestApp,
    token: &str,
    query: &str,
    key: Option<&str>,
    body: String,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/volunteers/import{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv");
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    req.body(body).send().await.unwrap()
}

async fn a_staff_import_with_a_key_runs_once_and_replays_fresh_codes(app: TestApp) {
    let t = app.two_provinces().await;
    let file = csv_rows(3, 100);
    let first = import(&app, &t.zj_admin, "", Some("imp-1"), file.clone()).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["inserted"], 3);
    for kept in kept_bodies(&app) {
        for a in first["activations"].as_array().unwrap() {
            let secret = a["activation_code"]
                .as_str()
                .unwrap()
                .split_once('.')
                .unwrap()
                .1;
            assert!(!kept.contains(secret));
        }
    }
    let again = import(&app, &t.zj_admin, "", Some("imp-1"), file).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["inserted"], 3);
    let codes = again["activations"].as_array().unwrap();
    assert_eq!(codes.len(), 3);
    assert_eq!(
        activate(&app, &codes[1]["activation_code"], "imp.two").await,
        StatusCode::CREATED
    );
}
db_test!(a_staff_import_with_a_key_runs_once_and_replays_fresh_codes);

async fn dates_outside_the_calendar_are_refused_by_field(app: TestApp) {
    let t = app.two_provinces().await;
    let v = app
        .register_volunteer(
            &t.zj_admin,
            &volunteer_body("远期", &resident_id("330106", "19900101", 81), "330106"),
        )
        .await;
    let id = v["id"].as_i64().unwrap();

    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/insurance-policies"),
            &t.zj_admin,
            &json!({"insurer": "人保", "policy_number": "PICC-1", "valid_from": "2026-01-01", "valid_to": "+262142-01-01"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "valid_to");
    assert_eq!(problem["errors"][0]["code"], "out_of_range");

    let res = app
        .client
        .put(app.url(&format!("/api/v1/volunteers/{id}/availability")))
        .bearer_auth(&t.zj_admin)
        .json(&json!({"weekly": [], "blackouts": [{"from": "2026-01-01", "to": "2026-01-02"}, {"from": "2026-03-01", "to": "9999-12-31"}]}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "blackouts[1].to");

    let res = app
        .post(
            "/api/v1/activities",
            &t.zj_admin,
            &json!({"site_id": 1, "title": "远期活动", "starts_at": "9999-12-31T00:00:00Z", "ends_at": "9999-12-31T02:00:00Z"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["starts_at", "ends_at"]);

    // Nothing was stored.
    let view: Value = app
        .get(&format!("/api/v1/volunteers/{id}"), &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["insurance_policies"], json!([]));
    assert_eq!(view["availability"]["blackouts"], json!([]));
}
db_test!(dates_outside_the_calendar_are_refused_by_field);

async fn names_shaped_like_formulas_are_refused(app: TestApp) {
    let t = app.two_provinces().await;
    let formula = "=HYPERLINK(\"http://x\",\"a\")";
    let body = volunteer_body(formula, &resident_id("330106", "19900101", 91), "330106");
    let res = app.post("/api/v1/volunteers", &t.zj_admin, &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "name");

    let mut body = volunteer_body("-2+3", &resident_id("330106", "19900101", 92), "330106");
    body["organization_id"] = json!(t.hangzhou);
    body["username"] = json!("minus.two");
    body["password"] = json!("A-volunteer-pass-1");
    let res = app.post_anon("/api/v1/auth/register", &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "name");
}
db_test!(names_shaped_like_formulas_are_refused);

/// Parses an export: checks the BOM, returns the header and the records.
async fn read_export(res: reqwest::Response) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let body = text.strip_prefix('\u{feff}').expect("a BOM first");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

async fn exported_cells_never_start_a_formula(app: TestApp) {
    let t = app.two_provinces().await;
    let mut ids = Vec::new();
    for (seq, name) in [(93, "甲"), (94, "乙")] {
        let v = app
            .register_volunteer(
                &t.zj_admin,
                &volunteer_body(name, &resident_id("330106", "19900101", seq), "330106"),
            )
            .await;
        ids.push(v["id"].as_i64().unwrap());
    }
    // Rows that got past validation another way (older data, a direct fix in the database).
    let mut conn = app.state.pool.get().unwrap();
    for (id, name) in ids.iter().zip(["=HYPERLINK(\"http://x\",\"a\")", "-2+3"]) {
        diesel::sql_query(format!(
            "UPDATE volunteers SET name = '{name}' WHERE id = {id}"
        ))
        .execute(&mut *conn)
        .unwrap();
    }
    drop(conn);
    let (header, rows) = read_export(app.get("/api/v1/volunteers/export", &t.zj_admin).await).await;
    let name = header.iter().position(|h| h == "name").unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r[name].as_str()).collect();
    assert_eq!(names, ["'=HYPERLINK(\"http://x\",\"a\")", "'-2+3"]);
}
db_test!(exported_cells_never_start_a_formula);

async fn a_large_export_streams_every_row_once(app: TestApp) {
    let t = app.two_provinces().await;
    let res = import(&app, &t.zj_admin, "", None, csv_rows(1_100, 1000)).await;
    assert_eq!(res.json::<Value>().await.unwrap()["inserted"], 1_100);

    let res = app.get("/api/v1/volunteers/export", &t.zj_admin).await;
    assert!(
        res.headers().get("content-length").is_none(),
        "streamed, not sized up front"
    );
    let (header, rows) = read_export(res).await;
    assert_eq!(header[0], "volunteer_number");
    assert_eq!(rows.len(), 1_100);
    let name = header.iter().position(|h| h == "name").unwrap();
    let mut names: Vec<&str> = rows.iter().map(|r| r[name].as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 1_100, "every row exactly once");
    assert!(rows.iter().all(|r| r.len() == header.len()));

    let events: Value = app
        .get("/api/v1/audit-events?action=volunteer.export", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
}
db_test!(a_large_export_streams_every_row_once);

async fn an_atomic_import_over_the_cap_is_refused_and_stores_nothing(app: TestApp) {
    let t = app.two_provinces().await;
    let res = import(&app, &t.zj_admin, "?atomic=true", None, csv_rows(5, 200)).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "atomic");
    assert_eq!(problem["errors"][0]["code"], "atomic_import_too_large");
    let list: Value = app
        .get("/api/v1/volunteers", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));

    // Within the cap, or in batches, the same rows go in.
    let res = import(&app, &t.zj_admin, "?atomic=true", None, csv_rows(3, 200)).await;
    assert_eq!(res.json::<Value>().await.unwrap()["inserted"], 3);
    let res = import(&app, &t.zj_admin, "", None, csv_rows(5, 300)).await;
    assert_eq!(res.json::<Value>().await.unwrap()["inserted"], 5);
}
db_test!(
    an_atomic_import_over_the_cap_is_refused_and_stores_nothing,
    [("SPRINGRAIN_ATOMIC_IMPORT_MAX_ROWS", "4")]
);

async fn policy_numbers_are_masked_except_for_the_holder_and_the_bureau(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("保单", &resident_id("330106", "19900101", 95), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await;
    let id = v["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/insurance-policies"),
            &t.hz_coordinator,
            &json!({"insurer": "中国人寿", "policy_number": "PA2026-0001234", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let policy = |view: Value| view["insurance_policies"][0]["policy_number"].clone();
    assert_eq!(policy(res.json().await.unwrap()), "**********1234");

    let read = |token: String| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/volunteers/{id}"), &token).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(
        policy(read(t.hz_coordinator.clone()).await),
        "**********1234"
    );
    assert_eq!(policy(read(t.zj_auditor.clone()).await), "**********1234");
    assert_eq!(policy(read(t.zj_admin.clone()).await), "PA2026-0001234");
    assert_eq!(
        activate(&app, &v["activation_code"], "bao.dan").await,
        StatusCode::CREATED
    );
    let own = app.login("bao.dan", "Volunteer-pass-99").await;
    assert_eq!(policy(read(own).await), "PA2026-0001234");
}
db_test!(policy_numbers_are_masked_except_for_the_holder_and_the_bureau);
