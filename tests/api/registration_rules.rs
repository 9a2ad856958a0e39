//! Issue 14, registration: REG-01 (no assumed ID type), REG-08 (codes from the GB/T 2260
//! list), REG-09 (per-row attestation in imports). Every refusal names its field and rule.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

const HEADER: &str =
    "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email";

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
    assert_eq!(
        (e["code"].as_str(), e["rule"].as_str()),
        (Some("required"), Some("REG-01"))
    );
    assert_eq!(
        volunteer_count(&app, &admin).await,
        0,
        "nothing was written"
    );

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
    let csv = format!("{HEADER}\n甲,,{id},13800138000,330106,first_aid,zh,true,\n");
    let report = import(&app, &admin, csv).await;
    assert_eq!(report["inserted"], 0);
    let rejected = &report["rejected"][0];
    assert_eq!(
        (
            rejected["line"].as_u64(),
            rejected["field"].as_str(),
            rejected["rule"].as_str()
        ),
        (Some(2), Some("id_type"), Some("REG-01"))
    );
}
db_test!(a_missing_id_type_is_refused_not_assumed);

/// REG-08: codes are looked up in the GB/T 2260 list at prefecture and county level; a
/// well-formed code under a known province that names no region (339999) is refused, on
/// registration, on import rows and on sites.
async fn region_codes_must_be_on_the_gb2260_list(app: TestApp) {
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/volunteers",
            &admin,
            &volunteer_body("赵六", &resident_id("330106", "19900101", 11), "339999"),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let e = error_for(&problem, "home_region_code");
    assert_eq!(
        (e["code"].as_str(), e["rule"].as_str()),
        (Some("unknown_region"), Some("REG-08"))
    );
    assert_eq!(
        volunteer_count(&app, &admin).await,
        0,
        "nothing was written"
    );
    // A county, a prefecture and an XPCC city (filed under Xinjiang) are on the list.
    for (seq, code) in [(12, "330106"), (13, "330100"), (14, "659001")] {
        let body = volunteer_body("钱七", &resident_id("330106", "19900101", seq), code);
        let v = app.register_volunteer(&admin, &body).await;
        assert_eq!(v["home_region_code"], code);
    }
    // Import rows: the unlisted one is rejected on its line, naming the rule.
    let (a, b) = (
        resident_id("330106", "19900101", 15),
        resident_id("330106", "19900101", 16),
    );
    let csv = format!(
        "{HEADER}\n甲,resident_id,{a},13800138000,339999,first_aid,zh,true,\n乙,resident_id,{b},13800138001,330106,first_aid,zh,true,\n"
    );
    let report = import(&app, &admin, csv).await;
    assert_eq!(report["inserted"], 1);
    let rejected = &report["rejected"][0];
    assert_eq!(
        (
            rejected["line"].as_u64(),
            rejected["field"].as_str(),
            rejected["code"].as_str(),
            rejected["rule"].as_str()
        ),
        (
            Some(2),
            Some("home_region_code"),
            Some("unknown_region"),
            Some("REG-08")
        )
    );
    // Sites are located by the same list.
    let t = app.two_provinces().await;
    let res = app
        .post(
            "/api/v1/sites",
            &t.hz_coordinator,
            &json!({"name": "某文化站", "kind": "community", "region_code": "339999", "address": "杭州", "location_type": "community", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "办公室"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_for(&problem, "region_code")["rule"], "REG-08");
}
db_test!(region_codes_must_be_on_the_gb2260_list);

/// REG-09: each import row carries its own attestation; a row without one is rejected, and
/// the attestation of an imported row is recorded as the importing bureau's.
async fn each_import_row_carries_its_own_attestation(app: TestApp) {
    let admin = app.admin_token().await;
    let (a, b, c) = (
        resident_id("330106", "19900101", 21),
        resident_id("330106", "19900101", 22),
        resident_id("330106", "19900101", 23),
    );
    let csv = format!(
        "{HEADER}\n甲,resident_id,{a},13800138000,330106,first_aid,zh,true,\n乙,resident_id,{b},13800138001,330106,first_aid,zh,,\n丙,resident_id,{c},13800138002,330106,first_aid,zh,false,\n"
    );
    let report = import(&app, &admin, csv).await;
    assert_eq!(report["inserted"], 1, "{report}");
    let rejected: Vec<(u64, &str, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap(),
                r["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [(3, "attest_true", "REG-09"), (4, "attest_true", "REG-09")]
    );
    let id = report["activations"][0]["volunteer_id"].as_i64().unwrap();
    let v: Value = app
        .get(&format!("/api/v1/volunteers/{id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["attestation_source"], "bureau_import");
    // A file without the column is refused as a whole.
    let old_header = HEADER.replace("attest_true,", "");
    let res = app
        .client
        .post(app.url("/api/v1/volunteers/import"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(format!(
            "{old_header}\n甲,resident_id,{b},13800138001,330106,first_aid,zh,\n"
        ))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "missing_columns");
    // Staff registering one volunteer record the attestation as staff.
    let v = app
        .register_volunteer(&admin, &volunteer_body("丁", &c, "330106"))
        .await;
    assert_eq!(v["attestation_source"], "staff");
}
db_test!(each_import_row_carries_its_own_attestation);

/// PI-07: no endpoint lists volunteers publicly with identifying data. Every public GET of the
/// OpenAPI document is called without a token, and none gives away a registered volunteer's
/// name, ID number, mobile or volunteer number; the registry itself needs a login.
async fn no_public_endpoint_lists_identifying_volunteer_data(app: TestApp) {
    let admin = app.admin_token().await;
    let id = resident_id("330106", "19900101", 31);
    let v = app
        .register_volunteer(&admin, &volunteer_body("欧阳修远", &id, "330106"))
        .await;
    let number = v["volunteer_number"].as_str().unwrap().to_string();
    let doc: Value = serde_json::from_str(&springrain::openapi::to_json(
        &springrain::openapi::document(),
    ))
    .unwrap();
    let mut called = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        if !op["security"].as_array().is_some_and(|s| s.is_empty()) {
            continue;
        }
        // Path parameters get a plausible value (a certificate number, an id).
        let url = path
            .replace("{number}", &number)
            .replace("{id}", &v["id"].to_string());
        let res = app.client.get(app.url(&url)).send().await.unwrap();
        let text = res.text().await.unwrap();
        called += 1;
        for secret in [
            "欧阳修远",
            &id[..17],
            "13800138000",
            "0013-8000",
            number.as_str(),
        ] {
            assert!(!text.contains(secret), "GET {url} shows {secret}: {text}");
        }
    }
    assert!(called >= 5, "the public reads were called ({called})");
    for path in [
        "/api/v1/volunteers",
        &format!("/api/v1/volunteers/{}", v["id"]),
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}
db_test!(no_public_endpoint_lists_identifying_volunteer_data);
