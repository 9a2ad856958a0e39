//! Policies as configuration (issue 16): a policy file changes what the API decides, staff
//! can read the values in force, and a bad file stops start-up with a message naming the key.

use std::collections::HashMap;
use std::io::Write;
use std::sync::LazyLock;

use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::config::Settings;

use crate::db_test;
use crate::dispatch::{kashgar_site, login_as, volunteer, world};
use crate::helpers::{TestApp, assert_problem};

/// A temporary policy file holding `toml`; removed when dropped.
fn policy_file(toml: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("temp file");
    file.write_all(toml.as_bytes()).expect("write policy");
    file
}

/// `db_test!` takes its settings as `&str`, so the file lives in a static: it stays for the
/// whole test binary (statics are never dropped) and every test shares the one file.
static SHORT_SPRING_RAIN: LazyLock<tempfile::NamedTempFile> = LazyLock::new(|| {
    policy_file("# SR-04 at 3 days instead of 15\n[spring_rain]\nusual_max_days = 3\n")
});

fn short_spring_rain() -> &'static str {
    SHORT_SPRING_RAIN.path().to_str().expect("utf-8 temp path")
}

static TIBET_ONLY: LazyLock<tempfile::NamedTempFile> =
    LazyLock::new(|| policy_file("[spring_rain]\nreceiving_provinces = [\"54\"]\n"));

fn tibet_only() -> &'static str {
    TIBET_ONLY.path().to_str().expect("utf-8 temp path")
}

/// Posts a four-day deployment from Zhejiang to Kashgar, as `token`.
async fn post_four_day_deployment(app: &TestApp, token: &str) -> reqwest::Response {
    let site = kashgar_site(app, token).await;
    app.post(
        "/api/v1/activities",
        token,
        &json!({"site_id": site["id"], "title": "春雨工程·大舞台", "category": "grassroots_culture", "form": "performance", "programme": "spring_rain",
            "sending_province": "330000", "starts_at": "2030-07-01T02:00:00Z", "ends_at": "2030-07-05T10:00:00Z", "headcount_max": 20}),
    )
    .await
}

async fn four_day_deployment(app: &TestApp, token: &str) -> Value {
    let res = post_four_day_deployment(app, token).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn a_configured_sr04_threshold_changes_the_warnings_an_activity_gets(app: TestApp) {
    let w = world(&app).await;
    let created = four_day_deployment(&app, &w.t.hz_coordinator).await;
    assert_eq!(created["warnings"][0]["code"], "SR-04", "{created}");
    assert!(
        created["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 3 days")
    );
    // Reads judge by the policy in force too.
    let read: Value = app
        .get(
            &format!("/api/v1/activities/{}", created["id"]),
            &w.t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["warnings"], created["warnings"]);
}
db_test!(
    a_configured_sr04_threshold_changes_the_warnings_an_activity_gets,
    [("SPRINGRAIN_POLICY_FILE", crate::policy::short_spring_rain())]
);

async fn by_default_a_four_day_deployment_has_no_warning(app: TestApp) {
    let w = world(&app).await;
    let created = four_day_deployment(&app, &w.t.hz_coordinator).await;
    assert_eq!(created["warnings"], json!([]), "15 days by default");
}
db_test!(by_default_a_four_day_deployment_has_no_warning);

async fn a_configured_sr01_receiving_set_decides_where_deployments_may_go(app: TestApp) {
    let w = world(&app).await;
    let res = post_four_day_deployment(&app, &w.t.hz_coordinator).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "SR-01", "{problem}");
    // The reference list that forms are built from agrees with the policy in force.
    let regions: Vec<Value> = app
        .client
        .get(app.url("/api/v1/reference/regions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let receiving: Vec<&Value> = regions
        .iter()
        .filter(|r| r["spring_rain_receiving"] == true)
        .map(|r| &r["code"])
        .collect();
    assert_eq!(receiving, [&json!("540000")]);
}
db_test!(
    a_configured_sr01_receiving_set_decides_where_deployments_may_go,
    [("SPRINGRAIN_POLICY_FILE", crate::policy::tibet_only())]
);

fn entry<'a>(policy: &'a Value, key: &str) -> &'a Value {
    policy["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("{key} in {policy}"))
}

async fn staff_read_the_policy_in_force_and_volunteers_may_not(app: TestApp) {
    let w = world(&app).await;
    for token in [
        &w.t.admin,
        &w.t.zj_admin,
        &w.t.hz_coordinator,
        &w.t.zj_auditor,
    ] {
        let res = app.get("/api/v1/policy", token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let policy: Value = res.json().await.unwrap();
        assert_eq!(
            entry(&policy, "spring_rain.usual_max_days"),
            &json!({"key": "spring_rain.usual_max_days", "rule": "SR-04", "value": 3, "default": 15, "overridden": true})
        );
        let publicity = entry(&policy, "records.publicity_days");
        assert_eq!(
            (
                &publicity["rule"],
                &publicity["value"],
                &publicity["overridden"]
            ),
            (&json!("CRT-05"), &json!(7), &json!(false))
        );
    }
    let v = volunteer(&app, &w, "李四", 11, |_| {}).await;
    let token = login_as(&app, &v, "li.si").await;
    assert_problem(
        app.get("/api/v1/policy", &token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let anonymous = app
        .client
        .get(app.url("/api/v1/policy"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
db_test!(
    staff_read_the_policy_in_force_and_volunteers_may_not,
    [("SPRINGRAIN_POLICY_FILE", crate::policy::short_spring_rain())]
);

/// `Settings::load` with a policy file holding `toml`; the error if it fails.
fn load_with_policy(toml: &str) -> Result<Settings, String> {
    let file = policy_file(toml);
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<&str, String> = [
        ("SPRINGRAIN_DATA_DIR", dir.path().display().to_string()),
        ("SPRINGRAIN_POLICY_FILE", file.path().display().to_string()),
    ]
    .into();
    Settings::load(&|name| vars.get(name).cloned())
}

#[test]
fn an_unknown_key_in_the_policy_file_stops_start_up_naming_the_file_and_key() {
    let err = load_with_policy("[spring_rain]\nusual_max_dayz = 3\n").unwrap_err();
    assert!(err.starts_with("SPRINGRAIN_POLICY_FILE "), "{err}");
    assert!(err.contains(".toml"), "names the file: {err}");
    assert!(err.contains("usual_max_dayz"), "names the key: {err}");
    let err = load_with_policy("[springrain]\nusual_max_days = 3\n").unwrap_err();
    assert!(err.contains("springrain"), "an unknown section: {err}");
}

#[test]
fn an_invalid_value_in_the_policy_file_stops_start_up_naming_the_key_and_problem() {
    let err = load_with_policy(
        "[spring_rain]\nusual_max_days = 0\nreceiving_provinces = [\"54\", \"99\"]\n",
    )
    .unwrap_err();
    assert!(
        err.contains("spring_rain.usual_max_days: 0 is not 1–366"),
        "{err}"
    );
    assert!(
        err.contains("spring_rain.receiving_provinces: \"99\" is not a 2-digit province code"),
        "{err}"
    );
    let err = load_with_policy("[records]\npublicity_days = \"seven\"\n").unwrap_err();
    assert!(err.contains("publicity_days"), "a wrong type: {err}");
    let err = load_with_policy("[records\n").unwrap_err();
    assert!(err.contains("SPRINGRAIN_POLICY_FILE"), "bad TOML: {err}");
}

#[test]
fn a_missing_policy_file_stops_start_up_and_no_file_means_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let missing = dir.path().join("nowhere.toml").display().to_string();
    let err = Settings::load(&|name| match name {
        "SPRINGRAIN_DATA_DIR" => Some(data.clone()),
        "SPRINGRAIN_POLICY_FILE" => Some(missing.clone()),
        _ => None,
    })
    .unwrap_err();
    assert!(
        err.contains("nowhere.toml") && err.contains("cannot read"),
        "{err}"
    );
    let defaults =
        Settings::load(&|name| (name == "SPRINGRAIN_DATA_DIR").then(|| data.clone())).unwrap();
    assert_eq!(*defaults.policy, Default::default());
    let partial = load_with_policy("[records]\npublicity_days = 10\n").unwrap();
    assert_eq!(partial.policy.records.publicity_days, 10);
    assert_eq!(
        partial.policy.spring_rain.usual_max_days, 15,
        "the rest stays"
    );
}
