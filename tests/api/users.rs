use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{STAFF_PASSWORD, TestApp, assert_problem};

fn user(username: &str, role: &str, org: i64) -> Value {
    json!({"username": username, "password": STAFF_PASSWORD, "role": role, "organization_id": org})
}

async fn a_bureau_admin_creates_staff_only_inside_its_subtree(app: TestApp) {
    let t = app.two_provinces().await;
    let res = app
        .post(
            "/api/v1/users",
            &t.zj_admin,
            &user("hz.auditor", "auditor", t.hangzhou),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/users/")
    );
    let res = app
        .post(
            "/api/v1/users",
            &t.zj_admin,
            &user("xj.spy", "coordinator", t.xinjiang),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            "/api/v1/users",
            &t.zj_admin,
            &user("zj.root", "ministry_admin", 1),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .post(
            "/api/v1/users",
            &t.zj_auditor,
            &user("zj.other", "auditor", t.zhejiang),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

    let list: Value = app
        .get("/api/v1/users", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["zj.admin", "hz.coordinator", "zj.auditor", "hz.auditor"]
    );
    assert!(list["items"][0].get("password_hash").is_none());
    let res = app.get("/api/v1/users", &t.hz_coordinator).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}
db_test!(a_bureau_admin_creates_staff_only_inside_its_subtree);

async fn weak_passwords_bad_usernames_and_duplicates_are_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    for (password, code) in [
        ("short", "too_short"),
        ("password123", "too_common"),
        ("zj.kim-is-cool", "contains_username"),
    ] {
        let res = app
            .post("/api/v1/users", &admin, &json!({"username": "zj.kim", "password": password, "role": "coordinator", "organization_id": zj}))
            .await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "password");
        assert_eq!(body["errors"][0]["code"], code);
    }
    let res = app
        .post("/api/v1/users", &admin, &user("a b", "coordinator", zj))
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "username");
    app.create_user(&admin, "zj.kim", "coordinator", zj).await;
    let res = app
        .post("/api/v1/users", &admin, &user("ZJ.Kim", "auditor", zj))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "username_taken").await;
    let res = app
        .post("/api/v1/users", &admin, &user("zj.vol", "volunteer", zj))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}
db_test!(weak_passwords_bad_usernames_and_duplicates_are_refused);

async fn only_the_ministry_creates_ministry_admins_at_the_ministry(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &user("deputy", "ministry_admin", zj),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &user("deputy", "ministry_admin", 1),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let deputy = app.login("deputy", STAFF_PASSWORD).await;
    let me: Value = app.get("/api/v1/me", &deputy).await.json().await.unwrap();
    assert_eq!(me["role"], "ministry_admin");
}
db_test!(only_the_ministry_creates_ministry_admins_at_the_ministry);

async fn disabling_is_scoped_and_never_self(app: TestApp) {
    let t = app.two_provinces().await;
    let users: Value = app
        .get("/api/v1/users?role=bureau_admin", &t.admin)
        .await
        .json()
        .await
        .unwrap();
    let xj_admin_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "xj.admin")
        .unwrap()["id"]
        .clone();
    let zj_admin_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "zj.admin")
        .unwrap()["id"]
        .clone();
    let res = app
        .post(
            &format!("/api/v1/users/{xj_admin_id}/disable"),
            &t.zj_admin,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            &format!("/api/v1/users/{zj_admin_id}/disable"),
            &t.zj_admin,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "cannot_disable_self").await;
    let res = app
        .post(
            &format!("/api/v1/users/{zj_admin_id}/disable"),
            &t.zj_auditor,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // The Xinjiang admin still works.
    assert_eq!(
        app.get("/api/v1/me", &t.xj_admin).await.status(),
        StatusCode::OK
    );
}
db_test!(disabling_is_scoped_and_never_self);
