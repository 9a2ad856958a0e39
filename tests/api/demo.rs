//! `springrain seed-demo`: the demo data set loads into an empty database, every printed
//! login sees data in its own scope, and a database that holds volunteers is refused.

use reqwest::StatusCode;
use serde_json::Value;
use springrain::demo::{DemoError, DemoOptions, DemoSummary, seed};

use crate::db_test;
use crate::helpers::{TestApp, error_log};

fn seed_small(app: &TestApp) -> Result<DemoSummary, DemoError> {
    seed(
        &app.state.pool,
        &app.state.cipher,
        &app.state.policy,
        DemoOptions {
            volunteers: 200,
            seed: 11,
        },
        app.state.clock.now(),
    )
}

async fn items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body: Value = res.json().await.unwrap();
    body["items"]
        .as_array()
        .or(body.as_array())
        .cloned()
        .unwrap_or_else(|| panic!("{path}: no items in {body}"))
}

async fn non_empty(app: &TestApp, path: &str, token: &str, who: &str) -> Vec<Value> {
    let found = items(app, path, token).await;
    assert!(!found.is_empty(), "{who} sees nothing at {path}");
    found
}

async fn every_printed_login_sees_data_in_its_scope(app: TestApp) {
    // Seeding blocks this thread; the server answers on its own worker threads.
    let summary = seed_small(&app)
        .unwrap_or_else(|e| panic!("the demo seeds an empty database: {e}\n{}", error_log()));
    assert_eq!(summary.volunteers, 200);
    assert!(summary.minors > 0, "a few minors, with consent");
    assert!(summary.service_records > 0 && summary.activities > 0);
    assert!(
        summary.certificates > 0 && summary.deployments > 0 && summary.stars > 0,
        "{summary:?}"
    );
    let roles: Vec<&str> = summary.logins.iter().map(|l| l.role).collect();
    for role in [
        "ministry_admin",
        "bureau_admin",
        "coordinator",
        "auditor",
        "volunteer",
    ] {
        assert!(
            roles.contains(&role),
            "a {role} login is printed: {roles:?}"
        );
    }
    let token = |role: &str| {
        let l = summary.logins.iter().find(|l| l.role == role).unwrap();
        (l.username.clone(), l.password.clone())
    };

    let (u, p) = token("ministry_admin");
    let ministry = app.login(&u, &p).await;
    let everyone = non_empty(&app, "/api/v1/volunteers?limit=100", &ministry, &u).await;
    non_empty(&app, "/api/v1/activities", &ministry, &u).await;
    non_empty(&app, "/api/v1/spring-rain/editions", &ministry, &u).await;
    let provinces: std::collections::HashSet<String> = everyone
        .iter()
        .filter_map(|v| v["home_region_code"].as_str().map(|r| r[..2].to_string()))
        .collect();
    assert!(provinces.len() >= 3, "several provinces: {provinces:?}");

    let (u, p) = token("bureau_admin");
    let zhejiang = app.login(&u, &p).await;
    let theirs = non_empty(&app, "/api/v1/volunteers?limit=100", &zhejiang, &u).await;
    assert!(
        theirs.iter().all(|v| v["home_region_code"]
            .as_str()
            .is_some_and(|r| r.starts_with("33"))),
        "Zhejiang's admin sees Zhejiang's volunteers only"
    );
    non_empty(&app, "/api/v1/activities", &zhejiang, &u).await;
    non_empty(&app, "/api/v1/assignments", &zhejiang, &u).await;

    let (u, p) = token("coordinator");
    let coordinator = app.login(&u, &p).await;
    non_empty(&app, "/api/v1/volunteers", &coordinator, &u).await;
    non_empty(&app, "/api/v1/activities", &coordinator, &u).await;
    let assignments = non_empty(&app, "/api/v1/assignments", &coordinator, &u).await;
    let served = assignments
        .iter()
        .find(|a| a["status"] == "completed")
        .expect("a completed assignment");
    let records = format!(
        "/api/v1/volunteers/{}/service-records",
        served["volunteer_id"]
    );
    non_empty(&app, &records, &coordinator, &u).await;

    let (u, p) = token("auditor");
    let auditor = app.login(&u, &p).await;
    non_empty(&app, "/api/v1/volunteers", &auditor, &u).await;
    non_empty(&app, "/api/v1/activities", &auditor, &u).await;
    non_empty(&app, "/api/v1/audit-events", &auditor, &u).await;

    let (u, p) = token("volunteer");
    let volunteer = app.login(&u, &p).await;
    let own = non_empty(&app, "/api/v1/assignments", &volunteer, &u).await;
    let me = own[0]["volunteer_id"].as_i64().unwrap();
    assert!(own.iter().all(|a| a["volunteer_id"] == me));
    non_empty(
        &app,
        &format!("/api/v1/volunteers/{me}/service-records"),
        &volunteer,
        &u,
    )
    .await;
    non_empty(
        &app,
        &format!("/api/v1/volunteers/{me}/training-certificates"),
        &volunteer,
        &u,
    )
    .await;

    // A second run finds volunteers and refuses, changing nothing.
    let again = seed_small(&app);
    assert!(matches!(again, Err(DemoError::NotEmpty)), "{again:?}");
    let after = items(&app, "/api/v1/users?limit=100", &ministry).await;
    assert!(
        after
            .iter()
            .filter(|u| u["username"] == "ministry.demo")
            .count()
            == 1,
        "no second demo admin"
    );
}
db_test!(every_printed_login_sees_data_in_its_scope);
