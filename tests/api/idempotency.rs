//! `Idempotency-Key` (API.md "Writes"): a retried POST returns the first result and writes
//! nothing more; a key is per account, tied to one request, and released when the request
//! fails.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

impl TestApp {
    async fn post_with_key(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// How many volunteers named `name` the caller can see.
    async fn volunteers_named(&self, token: &str, name: &str) -> usize {
        let res = self
            .get(&format!("/api/v1/volunteers?q={name}"), token)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len()
    }
}

async fn a_retried_registration_returns_the_first_result_and_writes_once(app: TestApp) {
    let s = app.two_provinces().await;
    let body = volunteer_body("钱晓", &resident_id("330106", "19900101", 11), "330106");
    let first = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "reg-0001", &body)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers()["location"].clone();
    let etag = first.headers()["etag"].clone();
    let first_text = first.text().await.unwrap();

    let again = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "reg-0001", &body)
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["etag"], etag);
    assert!(
        again.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(again.headers().get("x-request-id").is_some());
    // The same result, except the one-time activation code: it is not kept, and the replay
    // carries a fresh one (see `hygiene::kept_results_hold_no_activation_code…`).
    let mut first: Value = serde_json::from_str(&first_text).unwrap();
    let mut again: Value = again.json().await.unwrap();
    let code = first["activation_code"].take();
    assert_ne!(again["activation_code"].take(), code);
    assert_eq!(again, first, "the very same result");
    assert_eq!(app.volunteers_named(&s.zj_admin, "钱晓").await, 1);
    assert!(!app.database_contains(code.as_str().unwrap()));
}
db_test!(a_retried_registration_returns_the_first_result_and_writes_once);

async fn a_key_belongs_to_one_request_and_one_account(app: TestApp) {
    let s = app.two_provinces().await;
    let body = volunteer_body("孙宁", &resident_id("330106", "19880202", 21), "330106");
    let res = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "k-1", &body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // The same key for another request: refused, nothing written.
    let other = volunteer_body("孙安", &resident_id("330106", "19880202", 22), "330106");
    let res = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "k-1", &other)
        .await;
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(app.volunteers_named(&s.zj_admin, "孙安").await, 0);
    let res = app
        .post_with_key("/api/v1/volunteers?x=1", &s.zj_admin, "k-1", &body)
        .await;
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;

    // Another account with the same key and body is not served the first account's result:
    // its request runs, and meets the registered ID number.
    let res = app
        .post_with_key("/api/v1/volunteers", &s.hz_coordinator, "k-1", &body)
        .await;
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_problem(res, StatusCode::CONFLICT, "duplicate_id_number").await;
}
db_test!(a_key_belongs_to_one_request_and_one_account);

async fn a_failed_request_releases_its_key(app: TestApp) {
    let s = app.two_provinces().await;
    let mut body = volunteer_body("周敏", &resident_id("330106", "19700303", 31), "330106");
    body["mobile"] = json!("12345");
    let res = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "retry-me", &body)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // Corrected and sent again under the same key: it runs (the failure kept nothing).
    body["mobile"] = json!("13900139000");
    let res = app
        .post_with_key("/api/v1/volunteers", &s.zj_admin, "retry-me", &body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_eq!(app.volunteers_named(&s.zj_admin, "周敏").await, 1);
}
db_test!(a_failed_request_releases_its_key);

async fn concurrent_retries_write_once(app: TestApp) {
    let s = app.two_provinces().await;
    let body = volunteer_body("吴越", &resident_id("330106", "19850505", 41), "330106");
    let requests =
        (0..12).map(|_| app.post_with_key("/api/v1/volunteers", &s.zj_admin, "burst", &body));
    let mut created = 0;
    let mut replayed = 0;
    let mut in_progress = 0;
    for res in futures_util::future::join_all(requests).await {
        match (
            res.status(),
            res.headers().contains_key("idempotent-replayed"),
        ) {
            (StatusCode::CREATED, false) => created += 1,
            (StatusCode::CREATED, true) => replayed += 1,
            (StatusCode::CONFLICT, _) => {
                assert!(res.headers().contains_key("retry-after"));
                assert_problem(res, StatusCode::CONFLICT, "idempotency_in_progress").await;
                in_progress += 1;
            }
            (status, _) => panic!("unexpected {status}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(created, 1, "one request ran");
    assert_eq!(created + replayed + in_progress, 12);
    assert_eq!(app.volunteers_named(&s.zj_admin, "吴越").await, 1);
}
db_test!(concurrent_retries_write_once);

async fn malformed_keys_are_refused_and_auth_routes_ignore_keys(app: TestApp) {
    let s = app.two_provinces().await;
    let body = volunteer_body("郑和", &resident_id("330106", "19750606", 51), "330106");
    let long = "k".repeat(256);
    for key in [long.as_str(), "has space"] {
        let res = app
            .post_with_key("/api/v1/volunteers", &s.zj_admin, key, &body)
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_idempotency_key").await;
    }
    assert_eq!(app.volunteers_named(&s.zj_admin, "郑和").await, 0);

    // Token answers are never replayed: two logins under one key give two sessions.
    let login = json!({"username": "zj.admin", "password": crate::helpers::STAFF_PASSWORD});
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let res = app
            .post_with_key("/api/v1/auth/login", &s.zj_admin, "login-key", &login)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        tokens.push(res.json::<Value>().await.unwrap()["refresh_token"].clone());
    }
    assert_ne!(tokens[0], tokens[1]);
}
db_test!(malformed_keys_are_refused_and_auth_routes_ignore_keys);
