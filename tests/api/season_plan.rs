//! Season dispatch (issue 9, acceptance 4) over HTTP: with everything else equal, the plan
//! gives a Xinjiang deployment to the volunteer who speaks one of Xinjiang's languages — from
//! the policy's `spring_rain.region_languages`, not from the site's own language list.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{activity, volunteer, world};
use crate::helpers::TestApp;

async fn a_language_match_decides_the_season_plan(app: TestApp) {
    let w = world(&app).await;
    let coordinator = &w.t.hz_coordinator;
    // A township in Kashgar that lists no local language.
    let site: Value = app
        .post(
            "/api/v1/sites",
            coordinator,
            &json!({"name": "喀什某乡综合文化站", "kind": "border_township", "region_code": "653101",
                    "address": "喀什", "location_type": "rural",
                    "target_groups": ["border_ethnic_communities"], "contact": "文化站"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let deployment = activity(
        &app,
        coordinator,
        site["id"].as_i64().unwrap(),
        json!({"programme": "spring_rain", "sending_province": "330000", "form": "performance",
               "headcount_min": 1, "headcount_max": 1}),
    )
    .await;
    // Registered first, so a tie broken by id would choose the Mandarin-only volunteer.
    let mandarin = volunteer(&app, &w, "汉语志愿者", 21, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    let uyghur = volunteer(&app, &w, "维汉双语志愿者", 22, |b| {
        b["languages"] = json!([{"code": "zh", "proficiency": "native"},
                                {"code": "ug", "proficiency": "fluent"}]);
    })
    .await["id"]
        .as_i64()
        .unwrap();

    // SR-06: a Spring Rain deployment needs insurance (ACT-08) covering its days.
    let today = chrono::Utc::now().date_naive();
    for (id, number) in [(mandarin, "P-SR-001"), (uyghur, "P-SR-002")] {
        let res = app
            .post(
                &format!("/api/v1/volunteers/{id}/insurance-policies"),
                coordinator,
                &json!({"insurer": "中国人寿", "policy_number": number,
                        "valid_from": today - chrono::Days::new(1),
                        "valid_to": today + chrono::Days::new(30)}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
    }
    let why: Value = app
        .get(
            &format!("/api/v1/activities/{deployment}/candidates?include_ineligible=true"),
            coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(why["eligible"].as_array().map(Vec::len), Some(2), "{why}");

    let res = app
        .post(
            "/api/v1/dispatch/plans",
            coordinator,
            &json!({"activity_ids": [deployment]}),
        )
        .await;
    let status = res.status();
    let plan: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let planned = &plan["activities"][0]["volunteers"];
    assert_eq!(planned.as_array().unwrap().len(), 1, "{plan}");
    assert_eq!(planned[0]["volunteer_id"], uyghur, "{plan}");
    assert_eq!(planned[0]["components"]["language_match"], 1.0);

    // The candidates list shows why: the language component, and nothing else, differs.
    let list: Value = app
        .get(
            &format!("/api/v1/activities/{deployment}/candidates"),
            coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    let items = list["eligible"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"));
    let parts = |id: i64| {
        items
            .iter()
            .find(|c| c["volunteer_id"] == id)
            .unwrap_or_else(|| panic!("{id} in {list}"))["components"]
            .clone()
    };
    let (winner, other) = (parts(uyghur), parts(mandarin));
    assert_eq!(other["language_match"], 0.0);
    for key in ["skill_fit", "fairness", "reliability", "preference"] {
        assert_eq!(winner[key], other[key], "{key}");
    }
}
db_test!(a_language_match_decides_the_season_plan);
