use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem};

async fn writes_are_audited_with_actor_and_request_id(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .bearer_auth(&admin)
        .header("X-Request-Id", "trace-create-hz")
        .json(&json!({"kind": "municipal_bureau", "name": "杭州市文化广电旅游局", "parent_id": zj, "region_code": "330100"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let org: Value = res.json().await.unwrap();
    let events: Value = app
        .get("/api/v1/audit-events?action=organization.create", &admin)
        .await
        .json()
        .await
        .unwrap();
    let event = &events["items"][0];
    assert_eq!(event["entity_type"], "organization");
    assert_eq!(event["entity_id"], org["id"].to_string());
    assert_eq!(event["request_id"], "trace-create-hz");
    assert_eq!(event["actor_role"], "ministry_admin");
    assert_eq!(event["detail"]["kind"], "municipal_bureau");
}
db_test!(writes_are_audited_with_actor_and_request_id);

async fn auditors_read_their_subtree_only_and_coordinators_not_at_all(app: TestApp) {
    let t = app.two_provinces().await;
    let events: Value = app
        .get("/api/v1/audit-events?limit=200", &t.zj_auditor)
        .await
        .json()
        .await
        .unwrap();
    let items = events["items"].as_array().unwrap();
    assert!(!items.is_empty());
    // Zhejiang's events (Hangzhou created, three Zhejiang accounts) but nothing of Xinjiang's.
    assert!(items.iter().any(|e| e["action"] == "organization.create"));
    let xj_user_events = items
        .iter()
        .filter(|e| e["action"] == "user.create" && e["detail"]["organization_id"] == t.xinjiang)
        .count();
    assert_eq!(xj_user_events, 0);
    let all: Value = app
        .get("/api/v1/audit-events?action=user.create", &t.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
    let res = app.get("/api/v1/audit-events", &t.hz_coordinator).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}
db_test!(auditors_read_their_subtree_only_and_coordinators_not_at_all);

async fn failed_logins_are_audited_without_the_attempted_secret(app: TestApp) {
    let res = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": "guess-number-one"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let admin = app.admin_token().await;
    let events: Value = app
        .get("/api/v1/audit-events?action=auth.login_failed", &admin)
        .await
        .json()
        .await
        .unwrap();
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(!items[0].to_string().contains("guess-number-one"));
}
db_test!(failed_logins_are_audited_without_the_attempted_secret);
