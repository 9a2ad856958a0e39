use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem};

/// Acceptance 2 of the foundation issue, end to end.
async fn a_hangzhou_coordinator_cannot_see_xinjiang_or_create_users(app: TestApp) {
    let admin = app.admin_token().await;
    let zhejiang = app.bureau_id(&admin, "330000").await;
    let xinjiang = app.bureau_id(&admin, "650000").await;
    let hangzhou = app
        .create_org(
            &admin,
            json!({"kind": "municipal_bureau", "name": "杭州市文化广电旅游局", "parent_id": zhejiang, "region_code": "330100"}),
        )
        .await;
    assert_eq!(hangzhou["parent_id"], zhejiang);
    assert_eq!(
        hangzhou["path"],
        format!("/1/{zhejiang}/{}/", hangzhou["id"])
    );
    let coordinator = app
        .staff(
            &admin,
            "hz.coordinator",
            "coordinator",
            hangzhou["id"].as_i64().unwrap(),
        )
        .await;

    let xj = app
        .get(&format!("/api/v1/organizations/{xinjiang}"), &coordinator)
        .await;
    assert_problem(xj, StatusCode::NOT_FOUND, "not_found").await;
    let create = app
        .post(
            "/api/v1/users",
            &coordinator,
            &json!({"username": "someone", "password": "A-long-enough-pass", "role": "coordinator", "organization_id": hangzhou["id"]}),
        )
        .await;
    assert_problem(create, StatusCode::FORBIDDEN, "forbidden").await;
    // Own organisation and its ancestors are readable.
    let own = app
        .get(
            &format!("/api/v1/organizations/{}", hangzhou["id"]),
            &coordinator,
        )
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    let parent = app
        .get(&format!("/api/v1/organizations/{zhejiang}"), &coordinator)
        .await;
    assert_eq!(parent.status(), StatusCode::OK);
    // Ancestors come back as their name only (PERMISSIONS.md); the own subtree in full.
    let parent: Value = parent.json().await.unwrap();
    assert_eq!(parent["id"], zhejiang);
    assert!(parent["name"].is_string());
    for hidden in ["path", "region_code", "parent_id", "created_at"] {
        assert!(parent.get(hidden).is_none(), "{hidden} in {parent}");
    }
    let own: Value = own.json().await.unwrap();
    assert!(own["path"].is_string() && own["region_code"].is_string());
}
db_test!(a_hangzhou_coordinator_cannot_see_xinjiang_or_create_users);

async fn a_bureau_admin_sees_and_grows_only_its_own_province(app: TestApp) {
    let t = app.two_provinces().await;
    let list: Value = app
        .get("/api/v1/organizations?limit=200", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [t.zhejiang, t.hangzhou]);

    let res = app
        .get(
            &format!("/api/v1/organizations/{}", t.xinjiang),
            &t.zj_admin,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            "/api/v1/organizations",
            &t.zj_admin,
            &json!({"kind": "municipal_bureau", "name": "乌鲁木齐市文化局", "parent_id": t.xinjiang, "region_code": "650100"}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let library = app
        .create_org(
            &t.zj_admin,
            json!({"kind": "cultural_organ", "organ_type": "library", "name": "杭州图书馆", "parent_id": t.hangzhou, "region_code": "330106"}),
        )
        .await;
    assert_eq!(library["organ_type"], "library");
    // The Xinjiang admin cannot see any of it.
    let res = app
        .get(
            &format!("/api/v1/organizations/{}", library["id"]),
            &t.xj_admin,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app
        .get("/api/v1/organizations", &t.xj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
db_test!(a_bureau_admin_sees_and_grows_only_its_own_province);

async fn tree_rules_are_enforced_with_named_fields(app: TestApp) {
    let t = app.two_provinces().await;
    let res = app
        .post(
            "/api/v1/organizations",
            &t.zj_admin,
            &json!({"kind": "county_bureau", "name": "宁波市某县", "parent_id": t.hangzhou, "region_code": "330225"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "region_code");
    assert_eq!(body["errors"][0]["code"], "region_outside_parent");

    let res = app
        .post(
            "/api/v1/organizations",
            &t.zj_admin,
            &json!({"kind": "cultural_organ", "name": "无类型", "parent_id": t.hangzhou, "region_code": "330100"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "organ_type_mismatch");

    let res = app
        .post(
            "/api/v1/organizations",
            &t.zj_admin,
            &json!({"kind": "municipal_bureau", "name": "x", "parent_id": t.zhejiang, "region_code": "99"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "region_code");

    let res = app
        .post(
            "/api/v1/organizations",
            &t.hz_coordinator,
            &json!({"kind": "volunteer_team", "name": "x", "parent_id": t.hangzhou, "region_code": "330100"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}
db_test!(tree_rules_are_enforced_with_named_fields);

async fn lists_page_with_an_opaque_cursor(app: TestApp) {
    let admin = app.admin_token().await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/organizations?limit=10&cursor={c}"),
            None => "/api/v1/organizations?limit=10".to_string(),
        };
        let page: Value = app.get(&path, &admin).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 10);
        seen.extend(items.iter().map(|o| o["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (1..=36).collect::<Vec<i64>>(),
        "every organisation once, in id order"
    );
    let res = app.get("/api/v1/organizations?limit=500", &admin).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_limit").await;
    let res = app.get("/api/v1/organizations?cursor=bogus", &admin).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_cursor").await;
}
db_test!(lists_page_with_an_opaque_cursor);
