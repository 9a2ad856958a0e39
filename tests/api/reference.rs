use reqwest::StatusCode;
use serde_json::Value;

use crate::db_test;
use crate::helpers::TestApp;

async fn get_list(app: &TestApp, path: &str) -> Vec<Value> {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

async fn regions_cover_every_province_level_unit_and_flag_the_xpcc(app: TestApp) {
    let regions = get_list(&app, "/api/v1/reference/regions").await;
    assert_eq!(
        regions.len(),
        35,
        "31 mainland + XPCC + Taiwan, Hong Kong, Macao"
    );
    let xpcc = regions.iter().find(|r| r["code"] == "660000").unwrap();
    assert_eq!(xpcc["non_gb2260"], true);
    assert_eq!(xpcc["land_border"], true);
    let qinghai = regions.iter().find(|r| r["code"] == "630000").unwrap();
    assert_eq!(
        (
            qinghai["land_border"].clone(),
            qinghai["spring_rain_receiving"].clone()
        ),
        (Value::Bool(false), Value::Bool(true))
    );
    let zhejiang = regions.iter().find(|r| r["code"] == "330000").unwrap();
    assert_eq!(zhejiang["spring_rain_receiving"], false);
    let receiving: Vec<&str> = regions
        .iter()
        .filter(|r| r["spring_rain_receiving"] == true)
        .map(|r| &r["code"].as_str().unwrap()[..2])
        .collect();
    let mut expected = springrain::domain::region::SPRING_RAIN_RECEIVING_PREFIXES.to_vec();
    expected.sort();
    assert_eq!(
        receiving, expected,
        "the table agrees with the domain's default set"
    );
}
db_test!(regions_cover_every_province_level_unit_and_flag_the_xpcc);

async fn code_lists_match_the_domain_model(app: TestApp) {
    let skills = get_list(&app, "/api/v1/reference/skills").await;
    assert_eq!(skills.len(), 22);
    assert!(skills.iter().any(|s| s["code"] == "performance.quyi"));
    let languages = get_list(&app, "/api/v1/reference/languages").await;
    let ug = languages.iter().find(|l| l["code"] == "ug").unwrap();
    assert_eq!(ug["minority"], true);
    let groups = get_list(&app, "/api/v1/reference/target-groups").await;
    assert_eq!(
        groups.iter().filter(|g| g["focus_group"] == true).count(),
        4
    );
    let forms = get_list(&app, "/api/v1/reference/activity-forms").await;
    let spring_rain: Vec<&str> = forms
        .iter()
        .filter(|f| f["spring_rain"] == true)
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(spring_rain, ["exhibition", "lecture", "performance"]);
    let categories = get_list(&app, "/api/v1/reference/course-categories").await;
    assert_eq!(categories.len(), 6);
}
db_test!(code_lists_match_the_domain_model);

async fn the_tree_starts_with_the_ministry_bureaus_and_national_units(app: TestApp) {
    let admin = app.admin_token().await;
    let res = app
        .get(
            "/api/v1/organizations?kind=provincial_bureau&limit=200",
            &admin,
        )
        .await;
    let bureaus: Value = res.json().await.unwrap();
    let items = bureaus["items"].as_array().unwrap();
    assert_eq!(items.len(), 32, "31 mainland province-level units + XPCC");
    assert!(items.iter().all(|b| b["parent_id"] == 1));
    let units: Value = app
        .get("/api/v1/organizations?kind=national_unit", &admin)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "国家图书馆",
            "中国美术馆",
            "全国文化信息资源共享工程管理中心"
        ]
    );
}
db_test!(the_tree_starts_with_the_ministry_bureaus_and_national_units);

/// The database keeps skill and language codes by CHECK lists (not foreign keys); every code
/// the reference tables name must pass them.
async fn every_reference_skill_and_language_can_be_held(app: TestApp) {
    let admin = app.two_provinces().await.zj_admin;
    let v = app
        .register_volunteer(
            &admin,
            &crate::helpers::volunteer_body(
                "全能",
                &crate::helpers::resident_id("330106", "19900101", 7),
                "330106",
            ),
        )
        .await;
    let id = v["id"].as_i64().unwrap();
    let skills: Vec<Value> = get_list(&app, "/api/v1/reference/skills")
        .await
        .iter()
        .map(|s| serde_json::json!({"code": s["code"], "level": 3}))
        .collect();
    let languages: Vec<Value> = get_list(&app, "/api/v1/reference/languages")
        .await
        .iter()
        .map(|l| serde_json::json!({"code": l["code"], "proficiency": "basic"}))
        .collect();
    for (part, body, expected) in [("skills", skills, 22), ("languages", languages, 12)] {
        assert_eq!(body.len(), expected);
        let res = app
            .client
            .put(app.url(&format!("/api/v1/volunteers/{id}/{part}")))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        assert_eq!(
            status,
            StatusCode::OK,
            "{part}: {}",
            res.text().await.unwrap()
        );
    }
    let stored: Value = app
        .get(&format!("/api/v1/volunteers/{id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["skills"].as_array().unwrap().len(), 22);
    assert_eq!(stored["languages"].as_array().unwrap().len(), 12);
}
db_test!(every_reference_skill_and_language_can_be_held);
