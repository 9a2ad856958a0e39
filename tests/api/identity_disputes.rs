//! Issue 13: anonymous registration answers the same whatever is registered already; a
//! registered ID number becomes an identity dispute for the bureau of that registration.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, TwoProvinces, assert_problem, resident_id, volunteer_body};

/// The ID number a Hangzhou volunteer registered by staff holds.
fn registered_id() -> String {
    resident_id("330106", "19880808", 77)
}

fn anonymous(org: i64, id_number: &str, username: &str) -> Value {
    let mut body = volunteer_body("顶替者", id_number, "330106");
    body["organization_id"] = json!(org);
    body["mobile"] = json!("13900139000");
    body["username"] = json!(username);
    body["password"] = json!("A-volunteer-pass-1");
    body
}

async fn with_a_registered_volunteer(app: &TestApp) -> (TwoProvinces, i64) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("原登记人", &registered_id(), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await;
    (t, v["id"].as_i64().unwrap())
}

async fn answer(res: reqwest::Response) -> (StatusCode, Value) {
    (res.status(), res.json().await.unwrap())
}

async fn taken_usernames_and_id_numbers_answer_like_a_fresh_registration(app: TestApp) {
    let (t, _) = with_a_registered_volunteer(&app).await;
    let register = |body: Value| {
        let app = &app;
        async move { answer(app.post_anon("/api/v1/auth/register", &body).await).await }
    };
    let fresh = register(anonymous(
        t.hangzhou,
        &resident_id("330106", "19990909", 1),
        "fresh.one",
    ))
    .await;
    let taken_username = register(anonymous(
        t.hangzhou,
        &resident_id("330106", "19990909", 2),
        "zj.admin",
    ))
    .await;
    let taken_id = register(anonymous(t.hangzhou, &registered_id(), "fresh.two")).await;
    assert_eq!(fresh.0, StatusCode::ACCEPTED);
    assert_eq!(fresh, taken_username, "a taken username is not told");
    assert_eq!(fresh, taken_id, "a registered ID number is not told");

    // The same through an anonymous application.
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &crate::recruitment::campaign("图书馆", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let apply = |id_number: String, username: &'static str| {
        let registration = volunteer_body("申请人", &id_number, "330106");
        let body = json!({"registration": registration, "username": username, "password": "Xin-lai-password"});
        let path = format!("/api/v1/recruitments/{}/applications", c["id"]);
        let app = &app;
        async move { answer(app.post_anon(&path, &body).await).await }
    };
    let fresh_apply = apply(resident_id("330106", "20000505", 3), "apply.one").await;
    let taken_apply = apply(registered_id(), "apply.two").await;
    let taken_name_apply = apply(resident_id("330106", "20000505", 4), "fresh.one").await;
    assert_eq!(fresh_apply, fresh);
    assert_eq!(taken_apply, fresh);
    assert_eq!(taken_name_apply, fresh);
    // Only the fresh application took a place.
    let after: Value = app
        .get(
            &format!("/api/v1/recruitments/{}", c["id"]),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["places_taken"], 1);
}
db_test!(taken_usernames_and_id_numbers_answer_like_a_fresh_registration);

async fn a_claimed_id_number_goes_to_the_registering_bureau_which_decides(app: TestApp) {
    let (t, volunteer_id) = with_a_registered_volunteer(&app).await;
    let res = app
        .post_anon(
            "/api/v1/auth/register",
            &anonymous(t.hangzhou, &registered_id(), "real.owner"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let list: Value = app
        .get("/api/v1/identity-disputes", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let dispute = &list["items"][0];
    assert_eq!(dispute["volunteer_id"], volunteer_id);
    assert_eq!(dispute["status"], "open");
    assert_eq!(dispute["claimant_mobile"], "139****9000", "masked");
    assert!(
        !app.database_contains("顶替者"),
        "the claimant's name is encrypted"
    );
    let id = dispute["id"].as_i64().unwrap();
    let id_text = id.to_string();
    let notes: Value = app
        .get("/api/v1/me/notifications", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "identity_dispute" && n["entity_id"] == id_text.as_str())
    );

    // Another province sees nothing and cannot decide.
    let other: Value = app
        .get("/api/v1/identity-disputes", &t.xj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["items"].as_array().unwrap().len(), 0);
    let decision = json!({"outcome": "upheld", "reason": "身份证原件核验：申请人为本人"});
    let path = format!("/api/v1/identity-disputes/{id}/decision");
    assert_problem(
        app.post(&path, &t.xj_admin, &decision).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/identity-disputes", &t.hz_coordinator)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let decided = app.post(&path, &t.zj_admin, &decision).await;
    assert_eq!(decided.status(), StatusCode::OK);
    let decided: Value = decided.json().await.unwrap();
    assert_eq!(decided["status"], "upheld");
    let again = app.post(&path, &t.zj_admin, &decision).await;
    assert_problem(again, StatusCode::CONFLICT, "already_decided").await;

    // The squatting registration is suspended, and the bureau can register the claimant.
    let v: Value = app
        .get(&format!("/api/v1/volunteers/{volunteer_id}"), &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "suspended");
    assert!(
        v["status_reason"]
            .as_str()
            .unwrap()
            .contains("identity dispute")
    );
    let mut claimant = volunteer_body("真正的本人", &registered_id(), "330106");
    claimant["organization_id"] = json!(t.hangzhou);
    app.register_volunteer(&t.zj_admin, &claimant).await;

    let audit: Value = app
        .get(
            &format!("/api/v1/audit-events?entity_type=identity_dispute&entity_id={id}"),
            &t.zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["identity_dispute.open", "identity_dispute.decide"]
    );
}
db_test!(a_claimed_id_number_goes_to_the_registering_bureau_which_decides);

async fn a_rejected_dispute_leaves_the_registration_alone(app: TestApp) {
    let (t, volunteer_id) = with_a_registered_volunteer(&app).await;
    app.post_anon(
        "/api/v1/auth/register",
        &anonymous(t.hangzhou, &registered_id(), "not.the.owner"),
    )
    .await;
    let list: Value = app
        .get("/api/v1/identity-disputes?status=open", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let id = list["items"][0]["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/identity-disputes/{id}/decision"),
            &t.zj_admin,
            &json!({"outcome": "rejected", "reason": "原登记人已核实"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = app
        .get(&format!("/api/v1/volunteers/{volunteer_id}"), &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "active");
    let no_reason = app
        .post(
            &format!("/api/v1/identity-disputes/{id}/decision"),
            &t.zj_admin,
            &json!({"outcome": "upheld", "reason": ""}),
        )
        .await;
    assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
db_test!(a_rejected_dispute_leaves_the_registration_alone);
