//! Issue 14, activities: ACT-02 (any fee field refused under the rule's name), ACT-04
//! (withdrawal at any time, hours served kept), ACT-12 (the six scope categories).

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{activity, get_json, world};
use crate::helpers::{TestApp, assert_problem};
use crate::records::confirmed;

/// ACT-02: a fee sent for a volunteer is refused with the rule's code on every request that
/// could carry one, and nothing is written.
async fn any_fee_field_is_refused_with_act_02(app: TestApp) {
    let w = world(&app).await;
    let body = json!({"site_id": w.site, "title": "读书会", "category": "grassroots_culture", "form": "reading",
        "starts_at": "2030-01-01T02:00:00Z", "ends_at": "2030-01-01T04:00:00Z", "headcount_max": 3,
        "registration_fee": 2000});
    let res = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &body)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "ACT-02").await;
    assert_eq!(
        (
            problem["errors"][0]["field"].as_str(),
            problem["errors"][0]["rule"].as_str()
        ),
        (Some("registration_fee"), Some("ACT-02"))
    );
    let list = get_json(&app, "/api/v1/activities", &w.t.hz_coordinator).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing was written"
    );

    // On an offer to a volunteer, nested or not.
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = crate::dispatch::volunteer(&app, &w, "付费者", 3, |_| {}).await;
    for body in [
        json!({"volunteer_id": v["id"], "volunteer_fee_cents": 100}),
        json!({"volunteer_id": v["id"], "terms": {"fees": [1]}}),
    ] {
        let res = app
            .post(
                &format!("/api/v1/activities/{id}/assignments"),
                &w.t.hz_coordinator,
                &body,
            )
            .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "ACT-02").await;
        assert_eq!(problem["errors"][0]["rule"], "ACT-02", "{body}");
    }
    // Nothing was written: a plain offer to the same volunteer is the first one.
    let res =
        crate::dispatch::offer(&app, &w.t.hz_coordinator, id, v["id"].as_i64().unwrap()).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // And on the activity's own fee field, the activity rule names ACT-02.
    let mut charging = body_of_activity(w.site);
    charging["recipient_fee_cents"] = json!(500);
    let res = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &charging)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "ACT-02");
}
db_test!(any_fee_field_is_refused_with_act_02);

fn body_of_activity(site: i64) -> Value {
    json!({"site_id": site, "title": "读书会", "category": "grassroots_culture", "form": "reading",
        "starts_at": "2030-01-01T02:00:00Z", "ends_at": "2030-01-01T04:00:00Z", "headcount_max": 3})
}

/// ACT-04: a volunteer withdraws after the start and after checking in; the organiser is told
/// and the time served until the withdrawal is verified into a record.
async fn a_volunteer_may_withdraw_at_any_time_and_keeps_the_hours_served(app: TestApp) {
    let s = confirmed(&app).await;
    let activity = get_json(
        &app,
        &format!("/api/v1/activities/{}", s.activity),
        &s.w.t.hz_coordinator,
    )
    .await;
    let starts = chrono::DateTime::parse_from_rfc3339(activity["starts_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    app.state.clock.set(starts);
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/check-in", s.assignment),
            &s.me,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Ninety minutes in, after the start and after check-in, the volunteer leaves.
    app.state.clock.set(starts + Duration::minutes(90));
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/withdraw", s.assignment),
            &s.me,
            &json!({"reason": "家中有急事"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "ACT-04 sets no time limit");
    let withdrawn: Value = res.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert!(withdrawn["withdrawn_at"].is_string());
    assert!(
        withdrawn["checked_out_at"].is_string(),
        "the withdrawal is the departure: {withdrawn}"
    );
    let notes = get_json(&app, "/api/v1/me/notifications", &s.w.t.hz_coordinator).await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "assignment_withdrawn"),
        "the organiser is told: {notes}"
    );
    // The ninety minutes served stay: the organiser verifies them.
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({"content": "演出前半场"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let record: Value = res.json().await.unwrap();
    assert_eq!(record["minutes"], 90);
}
db_test!(a_volunteer_may_withdraw_at_any_time_and_keeps_the_hours_served);

/// ACT-12: an activity's category is one of the six 2016 scope categories.
async fn the_category_is_one_of_the_six_scope_categories(app: TestApp) {
    let w = world(&app).await;
    for category in [
        "facility_service",
        "grassroots_culture",
        "special_groups",
        "mass_activities",
        "heritage_and_market",
        "other",
    ] {
        let mut body = body_of_activity(w.site);
        body["category"] = json!(category);
        let res = app
            .post("/api/v1/activities", &w.t.hz_coordinator, &body)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{category}");
    }
    let mut body = body_of_activity(w.site);
    body["category"] = json!("sports");
    let res = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &body)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "category");
    assert_eq!(problem["errors"][0]["rule"], "ACT-12");
    let list = get_json(&app, "/api/v1/activities?limit=50", &w.t.hz_coordinator).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        6,
        "the seventh was refused"
    );
}
db_test!(the_category_is_one_of_the_six_scope_categories);
