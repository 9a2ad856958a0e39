//! The scope matrix: every role of one province against every kind of object of another.
//! Out of scope, objects are invisible (404), lists leave them out, and no write succeeds.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{activity, login_as, offer, volunteer, world};
use crate::helpers::{TestApp, resident_id, volunteer_body};

async fn no_zhejiang_role_reaches_any_xinjiang_object(app: TestApp) {
    let w = world(&app).await;
    let t = &w.t;
    // Xinjiang's world: an organ, a coordinator, a site, a published activity, a volunteer
    // with an offer, a recruitment and a course session.
    let organ: Value = app
        .post(
            "/api/v1/organizations",
            &t.xj_admin,
            &json!({"kind": "cultural_organ", "organ_type": "library", "name": "乌鲁木齐图书馆", "parent_id": t.xinjiang, "region_code": "650102"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let xj_coordinator = app
        .staff(
            &t.admin,
            "xj.coordinator",
            "coordinator",
            organ["id"].as_i64().unwrap(),
        )
        .await;
    let xj_users: Value = app
        .get("/api/v1/users?role=coordinator", &t.xj_admin)
        .await
        .json()
        .await
        .unwrap();
    let xj_user = xj_users["items"][0]["id"].as_i64().unwrap();
    let site: Value = app
        .post(
            "/api/v1/sites",
            &xj_coordinator,
            &json!({"name": "天山区社区", "kind": "community", "region_code": "650102", "address": "乌鲁木齐", "location_type": "community", "contact": "社区"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let xj_activity = activity(
        &app,
        &xj_coordinator,
        site["id"].as_i64().unwrap(),
        json!({}),
    )
    .await;
    let mut body = volunteer_body("阿依", &resident_id("650102", "19950505", 1), "650102");
    body["organization_id"] = organ["id"].clone();
    let xj_volunteer = app.register_volunteer(&t.xj_admin, &body).await["id"]
        .as_i64()
        .unwrap();
    let xj_assignment = offer(&app, &xj_coordinator, xj_activity, xj_volunteer)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let xj_recruitment = app
        .post(
            "/api/v1/recruitments",
            &xj_coordinator,
            &json!({"title": "新疆招募", "quota": 3, "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let xj_course = app
        .post(
            "/api/v1/courses",
            &xj_coordinator,
            &json!({"code": "XJ-1", "title": "新疆课程", "category": "skill", "minutes": 60}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Zhejiang's roles, including a volunteer with a login.
    let zj_volunteer = volunteer(&app, &w, "浙江志愿者", 2, |_| {}).await;
    let zj_volunteer_token = login_as(&app, &zj_volunteer, "zj.volunteer").await;
    // PLAN-01: Xinjiang's implementation plan for a campaign of the ministry.
    let campaign: Value = app
        .post(
            "/api/v1/campaigns",
            &t.admin,
            &json!({"year": 2030, "title": "实施方案", "due_date": "2030-03-31", "period_from": "2030-01-01", "period_to": "2030-12-31",
                "stages": [{"name": "学习动员", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let xj_plan = app
        .post(
            "/api/v1/implementation-plans",
            &t.xj_admin,
            &json!({"campaign_id": campaign["id"], "targets": {"volunteers_registered": 1, "volunteers_trained": 1,
                "spring_rain_teams_sent": 0, "spring_rain_teams_received": 1, "verified_hours": 1}}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let roles = [
        ("bureau_admin", t.zj_admin.clone()),
        ("coordinator", t.hz_coordinator.clone()),
        ("auditor", t.zj_auditor.clone()),
        ("volunteer", zj_volunteer_token),
    ];

    let reads = [
        format!("/api/v1/organizations/{}", organ["id"]),
        format!("/api/v1/users/{xj_user}"),
        format!("/api/v1/volunteers/{xj_volunteer}"),
        format!("/api/v1/volunteers/{xj_volunteer}?reveal=id_number"),
        format!("/api/v1/volunteers/{xj_volunteer}/training-certificates"),
        format!("/api/v1/volunteers/{xj_volunteer}/service-records"),
        format!("/api/v1/volunteers/{xj_volunteer}/stars"),
        format!("/api/v1/volunteers/{xj_volunteer}/record-certificates"),
        format!("/api/v1/volunteers/{xj_volunteer}/personal-data-requests"),
        format!("/api/v1/activities/{xj_activity}"),
        format!("/api/v1/activities/{xj_activity}/candidates"),
        format!("/api/v1/activities/{xj_activity}/eligibility/{xj_volunteer}"),
        format!("/api/v1/assignments/{xj_assignment}"),
        format!("/api/v1/recruitments/{xj_recruitment}"),
        format!("/api/v1/courses/{xj_course}"),
        format!("/api/v1/implementation-plans/{xj_plan}"),
    ];
    let writes = [
        (
            format!("/api/v1/implementation-plans/{xj_plan}/submit"),
            json!({}),
        ),
        (
            "/api/v1/users".to_string(),
            json!({"username": "intruder", "password": "Quite-strong-pass-1", "role": "coordinator", "organization_id": organ["id"]}),
        ),
        (format!("/api/v1/users/{xj_user}/disable"), json!({})),
        (
            "/api/v1/organizations".to_string(),
            json!({"kind": "volunteer_team", "name": "x", "parent_id": organ["id"], "region_code": "650102"}),
        ),
        (
            format!("/api/v1/volunteers/{xj_volunteer}/suspend"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/volunteers/{xj_volunteer}/withdraw"),
            json!({}),
        ),
        (
            format!("/api/v1/volunteers/{xj_volunteer}/insurance-policies"),
            json!({"insurer": "x", "policy_number": "y", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
        ),
        (
            format!("/api/v1/volunteers/{xj_volunteer}/personal-data-requests"),
            json!({"kind": "deletion", "details": "x"}),
        ),
        (
            format!("/api/v1/activities/{xj_activity}/assignments"),
            json!({"volunteer_id": xj_volunteer}),
        ),
        (
            format!("/api/v1/activities/{xj_activity}/cancel"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/assignments/{xj_assignment}/cancel"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/assignments/{xj_assignment}/confirm"),
            json!({}),
        ),
        (
            format!("/api/v1/recruitments/{xj_recruitment}/close"),
            json!({}),
        ),
        (
            format!("/api/v1/courses/{xj_course}/sessions"),
            json!({"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T02:00:00Z", "region_code": "650102", "place": "x", "capacity": 5, "trainer": "x"}),
        ),
    ];
    for (role, token) in &roles {
        for path in &reads {
            let res = app.get(path, token).await;
            let status = res.status();
            assert!(
                status == StatusCode::NOT_FOUND
                    || (status == StatusCode::FORBIDDEN && !path.contains("organizations/")),
                "{role} GET {path}: {status}"
            );
            assert!(!status.is_success(), "{role} GET {path} leaked");
        }
        for (path, body) in &writes {
            let status = app.post(path, token, body).await.status();
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{role} POST {path}: {status}"
            );
        }
        // Lists never include Xinjiang's objects.
        for (list, id) in [
            ("/api/v1/volunteers?limit=200", xj_volunteer),
            ("/api/v1/activities?limit=200", xj_activity),
            ("/api/v1/assignments?limit=200", xj_assignment),
            ("/api/v1/implementation-plans?limit=200", xj_plan),
        ] {
            let res = app.get(list, token).await;
            if res.status().is_success() {
                let page: Value = res.json().await.unwrap();
                assert!(
                    !page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|i| i["id"] == id),
                    "{role} {list} lists Xinjiang's {id}"
                );
            }
        }
    }
    // The ministry sees everything but never reveals ID numbers itself.
    for path in &reads {
        let status = app.get(path, &t.admin).await.status();
        if path.contains("reveal=") {
            assert_eq!(status, StatusCode::FORBIDDEN, "ministry {path}");
        } else {
            assert!(status.is_success(), "ministry GET {path}: {status}");
        }
    }
}
db_test!(no_zhejiang_role_reaches_any_xinjiang_object);

async fn read_only_and_volunteer_roles_cannot_write_staff_things_in_scope(app: TestApp) {
    let w = world(&app).await;
    let t = &w.t;
    let a = activity(&app, &t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(&app, &w, "浙江", 3, |_| {}).await;
    let vid = v["id"].as_i64().unwrap();
    let me = login_as(&app, &v, "zj.self").await;
    let staff_writes = [
        (
            "/api/v1/sites".to_string(),
            json!({"name": "x", "kind": "community", "region_code": "330106", "address": "x", "location_type": "community", "contact": "x"}),
        ),
        (
            format!("/api/v1/activities/{a}/assignments"),
            json!({"volunteer_id": vid}),
        ),
        (
            format!("/api/v1/activities/{a}/cancel"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/volunteers/{vid}/suspend"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/volunteers/{vid}/insurance-policies"),
            json!({"insurer": "x", "policy_number": "y", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
        ),
        (
            "/api/v1/users".to_string(),
            json!({"username": "someone", "password": "Someone-pass-1", "role": "auditor", "organization_id": t.zhejiang}),
        ),
    ];
    for (role, token) in [("auditor", &t.zj_auditor), ("volunteer", &me)] {
        for (path, body) in &staff_writes {
            let status = app.post(path, token, body).await.status();
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{role} POST {path}: {status}"
            );
        }
    }
    // The auditor reads everything in its subtree, including the audit log.
    for path in [
        format!("/api/v1/activities/{a}"),
        format!("/api/v1/volunteers/{vid}"),
        "/api/v1/audit-events".to_string(),
    ] {
        assert_eq!(
            app.get(&path, &t.zj_auditor).await.status(),
            StatusCode::OK,
            "auditor {path}"
        );
    }
    // A volunteer reads itself, not the audit log nor others.
    assert_eq!(
        app.get(&format!("/api/v1/volunteers/{vid}"), &me)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/audit-events", &me).await.status(),
        StatusCode::FORBIDDEN
    );
}
db_test!(read_only_and_volunteer_roles_cannot_write_staff_things_in_scope);

async fn out_of_reach_requests_answer_as_themselves_and_auditors_stay_in_their_subtree(
    app: TestApp,
) {
    let s = crate::records::confirmed(&app).await;
    let t = &s.w.t;
    let hz_path = format!("/1/{}/{}/", t.zhejiang, t.hangzhou);
    crate::records::add_minutes(&app, &s, t.hangzhou, &hz_path, 6_000, 0);
    let request: Value = app
        .post(
            &format!("/api/v1/volunteers/{}/personal-data-requests", s.volunteer),
            &s.me,
            &json!({"kind": "correction", "details": "姓名有误"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let star: Value = app
        .post(
            &format!("/api/v1/volunteers/{}/star-applications", s.volunteer),
            &s.me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    // Another province's bureau learns nothing about whose request it is.
    for (path, what) in [
        (
            format!("/api/v1/personal-data-requests/{}/action", request["id"]),
            "request not found",
        ),
        (
            format!(
                "/api/v1/star-applications/{}/grant",
                star["awards"][0]["id"]
            ),
            "star application not found",
        ),
    ] {
        let res = app.post(&path, &t.xj_admin, &json!({"note": "x"})).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["detail"], what, "{path}");
    }

    // An auditor of Hangzhou does not read the province's own activities.
    let hz_auditor = app
        .staff(&t.admin, "hz.auditor", "auditor", t.hangzhou)
        .await;
    let province_site: Value = app
        .post(
            "/api/v1/sites",
            &t.zj_admin,
            &json!({"name": "浙江省文化馆社区点", "kind": "community", "region_code": "330106", "address": "杭州市西湖区", "location_type": "community", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "省馆"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let provincial = activity(
        &app,
        &t.zj_admin,
        province_site["id"].as_i64().unwrap(),
        json!({}),
    )
    .await;
    let path = format!("/api/v1/activities/{provincial}");
    assert_eq!(
        app.get(&path, &t.hz_coordinator).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&path, &hz_auditor).await.status(),
        StatusCode::NOT_FOUND
    );
}
db_test!(out_of_reach_requests_answer_as_themselves_and_auditors_stay_in_their_subtree);
