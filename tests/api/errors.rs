//! Every class of error comes back as application/problem+json with a stable code, and no
//! database message ever reaches the client.

use reqwest::StatusCode;
use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_problem};

async fn malformed_json_is_400(app: TestApp) {
    let admin = app.admin_token().await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
}
db_test!(malformed_json_is_400);

async fn a_missing_field_is_422_naming_the_field(app: TestApp) {
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/organizations",
            &admin,
            &json!({"kind": "municipal_bureau", "parent_id": 5, "region_code": "330100"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "name");
    assert_eq!(body["errors"][0]["code"], "required");
}
db_test!(a_missing_field_is_422_naming_the_field);

async fn a_wrong_content_type_is_415(app: TestApp) {
    let admin = app.admin_token().await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("kind=x")
        .send()
        .await
        .unwrap();
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}
db_test!(a_wrong_content_type_is_415);

async fn unknown_routes_are_404_and_wrong_methods_405(app: TestApp) {
    let res = app
        .client
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .client
        .delete(app.url("/api/v1/organizations/3"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["allow"], "GET");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let res = app
        .client
        .get(app.url("/api/v1/organizations/not-a-number"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/organizations/not-a-number", &admin).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_path").await;
    let res = app.get("/api/v1/organizations/999999", &admin).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}
db_test!(unknown_routes_are_404_and_wrong_methods_405);

async fn an_oversized_body_is_413(app: TestApp) {
    let admin = app.admin_token().await;
    let huge = "x".repeat(300 * 1024);
    let res = app
        .post("/api/v1/organizations", &admin, &json!({"kind": "municipal_bureau", "name": huge, "parent_id": 5, "region_code": "330100"}))
        .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // The auth scope is stricter still.
    let res = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": "x".repeat(8 * 1024)}),
        )
        .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}
db_test!(an_oversized_body_is_413);

async fn pool_exhaustion_is_503_with_retry_after(app: TestApp) {
    let admin = app.admin_token().await;
    // Hold the only pooled connection, as a stuck request would.
    let held = app.state.pool.get().expect("the one connection");
    let res = app.get("/api/v1/organizations", &admin).await;
    assert!(res.headers().contains_key("retry-after"));
    let body = assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert!(
        !body["detail"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("sql")
    );
    drop(held);
    assert_eq!(
        app.get("/api/v1/organizations", &admin).await.status(),
        StatusCode::OK
    );
}
db_test!(
    pool_exhaustion_is_503_with_retry_after,
    [
        ("SPRINGRAIN_DB_POOL_SIZE", "1"),
        ("SPRINGRAIN_DB_TIMEOUT_SECS", "1")
    ]
);
