//! Issue 14, registration: REG-01 (no assumed ID type), REG-08 (codes from the GB/T 2260
//! list), REG-09 (per-row attestation in imports). Every refusal names its field and rule.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

const HEADER: &str = "name,id_type,id_number,mobile,home_region_code,skills,languages,email";

async fn import(app: &TestApp, token: &str, body: String) -> Value {
    let res = app
        .client
        .post(app.url("/api/v1/volunteers/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The `errors[]` entry for `field`, or a panic naming what came back.
fn error_for<'a>(problem: &'a Value, field: &str) -> &'a Value {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no error for {field} in {problem}"))
}

async fn volunteer_count(app: &TestApp, token: &str) -> usize {
    let list: Value = app
        .get("/api/v1/volunteers?limit=200", token)
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().len()
}

/// REG-01: a registration without `id_type` is refused naming the field; no ID type is assumed.
async fn a_missing_id_type_is_refused_not_assumed(app: TestApp) {
    let admin = app.admin_token().await;
    let mut body = volunteer_body("李雷", &resident_id("330106", "19900101", 7), "330106");
    body.as_object_mut().unwrap().remove("id_type");
    let res = app.post("/api/v1/volunteers", &admin, &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let e = error_for(&problem, "id_type");
    assert_eq!((e["code"].as_str(), e["rule"].as_str()), (Some("required"), Some("REG-01")));
    assert_eq!(volunteer_count(&app, &admin).await, 0, "nothing was written");

    // Self-registration too.
    let org = app.bureau_id(&admin, "330000").await;
    let mut body = volunteer_body("韩梅梅", &resident_id("330106", "19900101", 8), "330106");
    body.as_object_mut().unwrap().remove("id_type");
    body["organization_id"] = json!(org);
    body["username"] = json!("hanmeimei");
    body["password"] = json!("A-volunteer-pass-1");
    let res = app.post_anon("/api/v1/auth/register", &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_for(&problem, "id_type")["rule"], "REG-01");

    // An import row with an empty id_type cell is rejected on its own line, naming the rule.
    let id = resident_id("330106", "19900101", 9);
    let csv = format!("{HEADER}\n甲,,{id},13800138000,330106,first_aid,zh,\n");
    let report = import(&app, &admin, csv).await;
    assert_eq!(report["inserted"], 0);
    let rejected = &report["rejected"][0];
    assert_eq!(
        (rejected["line"].as_u64(), rejected["field"].as_str(), rejected["rule"].as_str()),
        (Some(2), Some("id_type"), Some("REG-01"))
    );
}
db_test!(a_missing_id_type_is_refused_not_assumed);
