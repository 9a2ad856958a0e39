use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, TwoProvinces, assert_problem, resident_id, volunteer_body};

pub fn campaign(title: &str, quota: i32) -> Value {
    json!({
        "title": title,
        "description": "社区文化志愿者",
        "quota": quota,
        "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        "open": true,
        "requirements": {"skills": [{"code": "performance.music", "level": 1}], "min_age": 16}
    })
}

async fn volunteers_in(app: &TestApp, token: &str, org: i64, n: u32, first_seq: u32) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let mut body = volunteer_body(
            &format!("报名者{i}"),
            &resident_id("330106", "19900101", first_seq + i),
            "330106",
        );
        body["organization_id"] = json!(org);
        ids.push(
            app.register_volunteer(token, &body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    ids
}

/// Acceptance 1: quota 3, 10 simultaneous applications → exactly 3 places taken, 7 refused.
async fn a_quota_of_3_takes_exactly_3_of_10_simultaneous_applications(app: TestApp) {
    let t: TwoProvinces = app.two_provinces().await;
    let volunteers = volunteers_in(&app, &t.zj_admin, t.hangzhou, 10, 100).await;
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &campaign("春节文艺演出", 3),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = format!("/api/v1/recruitments/{}/applications", c["id"]);
    let requests = volunteers.iter().map(|v| {
        let body = json!({"volunteer_id": v});
        let (app, url, token) = (&app, url.clone(), t.hz_coordinator.clone());
        async move { app.post(&url, &token, &body).await }
    });
    let responses = join_all(requests).await;
    let mut created = 0;
    let mut full = 0;
    for res in responses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_problem(res, StatusCode::CONFLICT, "quota_full").await;
                full += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((created, full), (3, 7));
    let after: Value = app
        .get(
            &format!("/api/v1/recruitments/{}", c["id"]),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            after["places_taken"].as_i64(),
            after["places_left"].as_i64()
        ),
        (Some(3), Some(0))
    );
    assert_eq!(after["applications"]["submitted"], 3);
}
db_test!(a_quota_of_3_takes_exactly_3_of_10_simultaneous_applications);

async fn a_new_person_applies_is_accepted_and_hears_about_it(app: TestApp) {
    let t = app.two_provinces().await;
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &campaign("图书馆志愿者", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["status"], "open");
    let registration = volunteer_body("新来的", &resident_id("330106", "20000505", 5), "330106");
    let res = app
        .post_anon(
            &format!("/api/v1/recruitments/{}/applications", c["id"]),
            &json!({"registration": registration, "username": "xin.lai", "password": "Xin-lai-password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let listed: Value = app
        .get(
            &format!("/api/v1/applications?recruitment_id={}", c["id"]),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    let application = listed["items"][0].clone();
    assert_eq!(application["status"], "submitted");
    // The login waits for the organisation's confirmation (here: accepting the application).
    let held = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "xin.lai", "password": "Xin-lai-password"}),
        )
        .await;
    assert_problem(held, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    let accepted = app
        .post(
            &format!("/api/v1/applications/{}/accept", application["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    // A coordinator may not activate volunteers: the registering bureau decides, and is
    // asked to; until then the login stays held.
    let still_held = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "xin.lai", "password": "Xin-lai-password"}),
        )
        .await;
    assert_problem(still_held, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let asked: Value = app
        .get("/api/v1/me/notifications?unread=true", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asked["items"][0]["kind"], "volunteer_approval_requested");
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/approve", application["volunteer_id"]),
            &t.zj_admin,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the bureau approves");
    let me = app.login("xin.lai", "Xin-lai-password").await;
    let mine: Value = app
        .get("/api/v1/applications", &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let v: Value = app
        .get(
            &format!("/api/v1/volunteers/{}", application["volunteer_id"]),
            &me,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "active");
    assert!(v["volunteer_number"].as_str().unwrap().starts_with("SR33"));
    let notes: Value = app
        .get("/api/v1/me/notifications?unread=true", &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes["items"][0]["kind"], "application_accepted");
    let note_id = notes["items"][0]["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/me/notifications/{note_id}/read"),
            &me,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let unread: Value = app
        .get("/api/v1/me/notifications?unread=true", &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread["items"].as_array().unwrap().len(), 0);
    // Someone else's notification is invisible.
    let res = app
        .post(
            &format!("/api/v1/me/notifications/{note_id}/read"),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let again = app
        .post(
            &format!("/api/v1/applications/{}/accept", application["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "invalid_transition").await;
}
db_test!(a_new_person_applies_is_accepted_and_hears_about_it);

async fn rejections_need_a_reason_and_free_the_place_as_withdrawals_do(app: TestApp) {
    let t = app.two_provinces().await;
    let volunteers = volunteers_in(&app, &t.zj_admin, t.hangzhou, 2, 200).await;
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &campaign("非遗讲座", 1),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = format!("/api/v1/recruitments/{}/applications", c["id"]);
    let first: Value = app
        .post(
            &url,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[0]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &url,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[1]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "quota_full").await;
    let res = app
        .post(
            &format!("/api/v1/applications/{}/reject", first["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let rejected: Value = app
        .post(
            &format!("/api/v1/applications/{}/reject", first["id"]),
            &t.hz_coordinator,
            &json!({"reason": "本次需要有舞台经验的志愿者"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (rejected["status"].as_str(), rejected["reason"].as_str()),
        (Some("rejected"), Some("本次需要有舞台经验的志愿者"))
    );
    // The freed place goes to the next applicant.
    let second = app
        .post(
            &url,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[1]}),
        )
        .await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let dup = app
        .post(
            &url,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[1]}),
        )
        .await;
    // The repeat meets the full quota first. On a campaign with room it is refused as a
    // repeat, and the refused repeat takes no place.
    assert_problem(dup, StatusCode::CONFLICT, "quota_full").await;
    let roomy: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &campaign("非遗讲座·二期", 2),
        )
        .await
        .json()
        .await
        .unwrap();
    let roomy = format!("/api/v1/recruitments/{}/applications", roomy["id"]);
    for (volunteer, expected) in [
        (volunteers[0], None),
        (volunteers[0], Some("already_applied")),
    ] {
        let res = app
            .post(
                &roomy,
                &t.hz_coordinator,
                &json!({"volunteer_id": volunteer}),
            )
            .await;
        match expected {
            None => assert_eq!(res.status(), StatusCode::CREATED),
            Some(code) => {
                assert_problem(res, StatusCode::CONFLICT, code).await;
            }
        }
    }
    let last = app
        .post(
            &roomy,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[1]}),
        )
        .await;
    assert_eq!(
        last.status(),
        StatusCode::CREATED,
        "the second place is still free"
    );
    // Closing stops applications.
    let closed: Value = app
        .post(
            &format!("/api/v1/recruitments/{}/close", c["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    let res = app
        .post(
            &url,
            &t.hz_coordinator,
            &json!({"volunteer_id": volunteers[0]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "recruitment_closed").await;
    let reopen = app
        .post(
            &format!("/api/v1/recruitments/{}/open", c["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(reopen, StatusCode::CONFLICT, "invalid_transition").await;
}
db_test!(rejections_need_a_reason_and_free_the_place_as_withdrawals_do);

async fn requirements_are_checked_when_applying(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("舞者", &resident_id("330106", "19900101", 300), "330106");
    body["organization_id"] = json!(t.hangzhou);
    body["skills"] = json!([{"code": "performance.dance", "level": 3}]);
    let dancer = app.register_volunteer(&t.zj_admin, &body).await["id"]
        .as_i64()
        .unwrap();
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &campaign("音乐会", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/recruitments/{}/applications", c["id"]),
            &t.hz_coordinator,
            &json!({"volunteer_id": dancer}),
        )
        .await;
    let problem = assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "requirements_not_met",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "skill_missing");
    let bad = app
        .post("/api/v1/recruitments", &t.hz_coordinator, &json!({"title": "", "quota": 0, "opens_at": "2026-02-01T00:00:00Z", "closes_at": "2026-01-01T00:00:00Z"}))
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3);
}
db_test!(requirements_are_checked_when_applying);

async fn campaigns_and_applications_stay_inside_their_province(app: TestApp) {
    let t = app.two_provinces().await;
    let xj_vol = {
        let body = volunteer_body(
            "新疆志愿者",
            &resident_id("650102", "19900101", 1),
            "650102",
        );
        app.register_volunteer(&t.xj_admin, &body).await["id"]
            .as_i64()
            .unwrap()
    };
    let mut draft = campaign("杭州草稿", 3);
    draft["open"] = json!(false);
    let c: Value = app
        .post("/api/v1/recruitments", &t.hz_coordinator, &draft)
        .await
        .json()
        .await
        .unwrap();
    // A draft of Zhejiang's is invisible to Xinjiang.
    assert_problem(
        app.get(&format!("/api/v1/recruitments/{}", c["id"]), &t.xj_admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.post(
        &format!("/api/v1/recruitments/{}/open", c["id"]),
        &t.hz_coordinator,
        &json!({}),
    )
    .await;
    // Open, it is readable, but Xinjiang cannot manage it or apply Zhejiang's coordinator's way.
    assert_eq!(
        app.get(&format!("/api/v1/recruitments/{}", c["id"]), &t.xj_admin)
            .await
            .status(),
        StatusCode::OK
    );
    let res = app
        .post(
            &format!("/api/v1/recruitments/{}/close", c["id"]),
            &t.xj_admin,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Zhejiang's coordinator cannot apply on behalf of a Xinjiang volunteer: invisible.
    let res = app
        .post(
            &format!("/api/v1/recruitments/{}/applications", c["id"]),
            &t.hz_coordinator,
            &json!({"volunteer_id": xj_vol}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app
        .get("/api/v1/applications", &t.xj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}
db_test!(campaigns_and_applications_stay_inside_their_province);

async fn applicants_are_judged_by_status_then_every_unmet_requirement(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("老歌手", &resident_id("330106", "19700101", 310), "330106");
    body["organization_id"] = json!(t.hangzhou);
    body["skills"] = json!([{"code": "performance.music", "level": 1}]);
    let singer = app.register_volunteer(&t.zj_admin, &body).await["id"]
        .as_i64()
        .unwrap();
    let mut young_only = campaign("青年合唱团", 5);
    young_only["requirements"] = json!({
        "skills": [{"code": "performance.music", "level": 2}],
        "languages": ["ug"],
        "max_age": 35
    });
    let c: Value = app
        .post("/api/v1/recruitments", &t.hz_coordinator, &young_only)
        .await
        .json()
        .await
        .unwrap();
    let url = format!("/api/v1/recruitments/{}/applications", c["id"]);
    let res = app
        .post(&url, &t.hz_coordinator, &json!({"volunteer_id": singer}))
        .await;
    let problem = assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "requirements_not_met",
    )
    .await;
    let unmet: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        unmet,
        [
            ("age", "too_old"),
            ("skills", "skill_level_too_low"),
            ("languages", "language_missing"),
        ]
    );
    // A suspended volunteer is refused for that first, whatever the requirements.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{singer}/suspend"),
            &t.zj_admin,
            &json!({"reason": "调查中"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(&url, &t.hz_coordinator, &json!({"volunteer_id": singer}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "status_not_active").await;
}
db_test!(applicants_are_judged_by_status_then_every_unmet_requirement);
