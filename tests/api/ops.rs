use reqwest::StatusCode;
use serde_json::Value;

use crate::db_test;
use crate::helpers::TestApp;

async fn health_endpoints_answer_and_check_the_database(app: TestApp) {
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ok");
}
db_test!(health_endpoints_answer_and_check_the_database);

async fn every_response_carries_a_request_id_and_echoes_the_clients(app: TestApp) {
    let generated = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert!(id.len() >= 32, "generated id {id}");
    let echoed = app
        .client
        .get(app.url("/api/v1/nowhere"))
        .header("X-Request-Id", "client-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "client-abc-123");
    let unsafe_id = app
        .client
        .get(app.url("/health/live"))
        .header("X-Request-Id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(unsafe_id.headers()["x-request-id"], "bad id with spaces");
}
db_test!(every_response_carries_a_request_id_and_echoes_the_clients);

async fn metrics_count_requests_by_route_pattern(app: TestApp) {
    let admin = app.admin_token().await;
    app.get("/api/v1/organizations/1", &admin).await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/organizations/{id}\""),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}
db_test!(metrics_count_requests_by_route_pattern);

async fn the_docs_are_served_without_a_network(app: TestApp) {
    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "docs page");
    assert!(!html.contains("cdn."), "no CDN assets");
    let spec = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(spec.status(), StatusCode::OK);
    assert_eq!(spec.json::<Value>().await.unwrap()["openapi"], "3.1.0");
}
db_test!(the_docs_are_served_without_a_network);
