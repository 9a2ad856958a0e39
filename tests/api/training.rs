use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{training_certificates, training_sessions};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

fn session(starts: &str, ends: &str, capacity: i32) -> Value {
    json!({"starts_at": starts, "ends_at": ends, "region_code": "330106", "place": "杭州图书馆报告厅", "capacity": capacity, "trainer": "李老师"})
}

async fn national_course(app: &TestApp, token: &str, code: &str) -> i64 {
    let courses: Value = app
        .get("/api/v1/courses?limit=200", token)
        .await
        .json()
        .await
        .unwrap();
    courses["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Moves a session into the past, as if it had taken place (tests cannot wait for the clock).
pub fn end_session(app: &TestApp, id: i64) {
    let mut conn = app.state.pool.get().unwrap();
    let start = chrono::Utc::now().naive_utc() - chrono::Duration::days(2);
    diesel::update(training_sessions::table.find(id))
        .set((
            training_sessions::starts_at.eq(start),
            training_sessions::ends_at.eq(start + chrono::Duration::hours(4)),
        ))
        .execute(&mut *conn)
        .unwrap();
}

async fn the_national_courses_are_seeded_and_usable_everywhere(app: TestApp) {
    let t = app.two_provinces().await;
    for token in [&t.hz_coordinator, &t.xj_admin, &t.zj_auditor] {
        let courses: Value = app
            .get("/api/v1/courses", token)
            .await
            .json()
            .await
            .unwrap();
        let codes: Vec<&str> = courses["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        for code in ["NAT-ORIENTATION", "NAT-BORDER", "NAT-CHILD-SAFE"] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
    }
    let own = app
        .post("/api/v1/courses", &t.hz_coordinator, &json!({"code": "hz-story-01", "title": "故事讲述技巧", "category": "skill", "minutes": 180, "validity_months": 12, "grants_skill": {"code": "reading.storytelling", "level": 2}}))
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let own: Value = own.json().await.unwrap();
    assert_eq!(own["code"], "HZ-STORY-01");
    let dup = app
        .post(
            "/api/v1/courses",
            &t.zj_admin,
            &json!({"code": "HZ-STORY-01", "title": "x", "category": "skill", "minutes": 60}),
        )
        .await;
    assert_problem(dup, StatusCode::CONFLICT, "course_code_taken").await;
    // Hangzhou's course is not Xinjiang's business.
    assert_problem(
        app.get(&format!("/api/v1/courses/{}", own["id"]), &t.xj_admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/courses",
            &t.zj_auditor,
            &json!({"code": "A", "title": "x", "category": "skill", "minutes": 60}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
db_test!(the_national_courses_are_seeded_and_usable_everywhere);

async fn capacity_holds_under_concurrent_enrolments(app: TestApp) {
    let t = app.two_provinces().await;
    let course = national_course(&app, &t.hz_coordinator, "NAT-ORIENTATION").await;
    let s: Value = app
        .post(
            &format!("/api/v1/courses/{course}/sessions"),
            &t.hz_coordinator,
            &session("2030-03-01T01:00:00Z", "2030-03-01T05:00:00Z", 3),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut volunteers = Vec::new();
    for i in 0..10 {
        let mut body = volunteer_body(
            &format!("学员{i}"),
            &resident_id("330106", "19900101", 400 + i),
            "330106",
        );
        body["organization_id"] = json!(t.hangzhou);
        volunteers.push(
            app.register_volunteer(&t.zj_admin, &body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let url = format!("/api/v1/sessions/{}/enrollments", s["id"]);
    let responses = join_all(volunteers.iter().map(|v| {
        let (app, url, token, body) = (
            &app,
            url.clone(),
            t.hz_coordinator.clone(),
            json!({"volunteer_id": v}),
        );
        async move { app.post(&url, &token, &body).await.status() }
    }))
    .await;
    let created = responses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let full = responses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, full), (3, 7), "{responses:?}");
    let after: Value = app
        .get(&format!("/api/v1/sessions/{}", s["id"]), &t.hz_coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (after["enrolled"].as_i64(), after["seats_left"].as_i64()),
        (Some(3), Some(0))
    );
}
db_test!(capacity_holds_under_concurrent_enrolments);

async fn a_volunteer_is_never_in_two_overlapping_sessions(app: TestApp) {
    let t = app.two_provinces().await;
    let course = national_course(&app, &t.hz_coordinator, "NAT-CHILD-SAFE").await;
    let create = |starts: &'static str, ends: &'static str| {
        let (app, token) = (&app, t.hz_coordinator.clone());
        async move {
            app.post(
                &format!("/api/v1/courses/{course}/sessions"),
                &token,
                &session(starts, ends, 10),
            )
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let a = create("2030-04-01T01:00:00Z", "2030-04-01T05:00:00Z").await;
    let b = create("2030-04-01T04:00:00Z", "2030-04-01T08:00:00Z").await;
    let c = create("2030-04-01T05:00:00Z", "2030-04-01T07:00:00Z").await;
    let mut body = volunteer_body("忙碌者", &resident_id("330106", "19900101", 500), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await["id"]
        .as_i64()
        .unwrap();
    let enrol = |s: i64| {
        let (app, token) = (&app, t.hz_coordinator.clone());
        async move {
            app.post(
                &format!("/api/v1/sessions/{s}/enrollments"),
                &token,
                &json!({"volunteer_id": v}),
            )
            .await
        }
    };
    assert_eq!(enrol(a).await.status(), StatusCode::CREATED);
    assert_problem(enrol(b).await, StatusCode::CONFLICT, "overlap").await;
    assert_eq!(
        enrol(c).await.status(),
        StatusCode::CREATED,
        "back to back is fine"
    );
    assert_problem(enrol(a).await, StatusCode::CONFLICT, "already_enrolled").await;
    let after: Value = app
        .get(&format!("/api/v1/sessions/{b}"), &t.hz_coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["enrolled"], 0, "a refused enrolment holds no seat");
}
db_test!(a_volunteer_is_never_in_two_overlapping_sessions);

async fn passing_issues_a_certificate_grants_the_skill_and_can_be_revoked(app: TestApp) {
    let t = app.two_provinces().await;
    let course: Value = app
        .post("/api/v1/courses", &t.hz_coordinator, &json!({"code": "HZ-STORY", "title": "故事讲述", "category": "skill", "minutes": 120, "validity_months": 12, "grants_skill": {"code": "reading.storytelling", "level": 2}}))
        .await
        .json()
        .await
        .unwrap();
    let s: Value = app
        .post(
            &format!("/api/v1/courses/{}/sessions", course["id"]),
            &t.hz_coordinator,
            &session("2030-05-01T01:00:00Z", "2030-05-01T03:00:00Z", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut body = volunteer_body(
        "讲故事的人",
        &resident_id("330106", "19900101", 600),
        "330106",
    );
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await;
    let vid = v["id"].as_i64().unwrap();
    let enrollment: Value = app
        .post(
            &format!("/api/v1/sessions/{}/enrollments", s["id"]),
            &t.hz_coordinator,
            &json!({"volunteer_id": vid}),
        )
        .await
        .json()
        .await
        .unwrap();
    let result_url = format!("/api/v1/enrollments/{}/result", enrollment["id"]);
    let early = app
        .post(
            &result_url,
            &t.hz_coordinator,
            &json!({"attended": true, "passed": true}),
        )
        .await;
    assert_problem(early, StatusCode::UNPROCESSABLE_ENTITY, "session_not_ended").await;
    end_session(&app, s["id"].as_i64().unwrap());
    // Another province's coordinator cannot grade it.
    let xj = app.bureau_id(&t.admin, "650000").await;
    let xj_coordinator = app
        .staff(&t.admin, "xj.coordinator", "coordinator", xj)
        .await;
    assert_problem(
        app.post(
            &result_url,
            &xj_coordinator,
            &json!({"attended": true, "passed": true}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let graded = app
        .post(
            &result_url,
            &t.hz_coordinator,
            &json!({"attended": true, "passed": true, "score": 92}),
        )
        .await;
    assert_eq!(graded.json::<Value>().await.unwrap()["status"], "passed");
    let twice = app
        .post(
            &result_url,
            &t.hz_coordinator,
            &json!({"attended": true, "passed": false}),
        )
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "result_recorded").await;

    let certs: Value = app
        .get(
            &format!("/api/v1/volunteers/{vid}/training-certificates"),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(certs[0]["status"], "valid");
    assert_eq!(certs[0]["course"]["code"], "HZ-STORY");
    let issued =
        chrono::NaiveDate::parse_from_str(certs[0]["issued_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    let expires =
        chrono::NaiveDate::parse_from_str(certs[0]["expires_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    assert_eq!(
        expires,
        issued.checked_add_months(chrono::Months::new(12)).unwrap()
    );
    let profile: Value = app
        .get(&format!("/api/v1/volunteers/{vid}"), &t.hz_coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        profile["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "reading.storytelling" && s["level"] == 2)
    );
    assert_problem(
        app.get(
            &format!("/api/v1/volunteers/{vid}/training-certificates"),
            &xj_coordinator,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let cert_id = certs[0]["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/training-certificates/{cert_id}/revoke"),
            &t.hz_coordinator,
            &json!({"reason": "考核材料造假"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let certs: Value = app
        .get(
            &format!("/api/v1/volunteers/{vid}/training-certificates"),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            certs[0]["status"].as_str(),
            certs[0]["revoked_reason"].as_str()
        ),
        (Some("revoked"), Some("考核材料造假"))
    );
}
db_test!(passing_issues_a_certificate_grants_the_skill_and_can_be_revoked);

async fn certificates_expire_on_their_day_and_are_announced_30_days_ahead(app: TestApp) {
    let t = app.two_provinces().await;
    let course = national_course(&app, &t.hz_coordinator, "NAT-ORIENTATION").await;
    let s: Value = app
        .post(
            &format!("/api/v1/courses/{course}/sessions"),
            &t.hz_coordinator,
            &session("2030-06-01T01:00:00Z", "2030-06-01T03:00:00Z", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut body = volunteer_body("到期者", &resident_id("330106", "19900101", 700), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let vid = app.register_volunteer(&t.zj_admin, &body).await["id"]
        .as_i64()
        .unwrap();
    let e: Value = app
        .post(
            &format!("/api/v1/sessions/{}/enrollments", s["id"]),
            &t.hz_coordinator,
            &json!({"volunteer_id": vid}),
        )
        .await
        .json()
        .await
        .unwrap();
    end_session(&app, s["id"].as_i64().unwrap());
    app.post(
        &format!("/api/v1/enrollments/{}/result", e["id"]),
        &t.hz_coordinator,
        &json!({"attended": true, "passed": true}),
    )
    .await;

    // The certificate expires today (China time): from today on it no longer counts.
    let today = springrain::clock::today();
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(
            training_certificates::table.filter(training_certificates::volunteer_id.eq(vid)),
        )
        .set((
            training_certificates::issued_on.eq(today - chrono::Days::new(400)),
            training_certificates::expires_on.eq(today),
        ))
        .execute(&mut *conn)
        .unwrap();
    }
    let certs: Value = app
        .get(
            &format!("/api/v1/volunteers/{vid}/training-certificates"),
            &t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(certs[0]["status"], "expired");

    // The reminder job, as of 10 days before expiry, queues one notice, once.
    let mut conn = app.state.pool.get().unwrap();
    let ten_days_before = today - chrono::Days::new(10);
    assert_eq!(
        springrain::jobs::notify_expiring_certificates(&mut conn, ten_days_before).unwrap(),
        1
    );
    assert_eq!(
        springrain::jobs::notify_expiring_certificates(&mut conn, ten_days_before).unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(
        springrain::jobs::notify_expiring_certificates(&mut conn, today - chrono::Days::new(31))
            .unwrap(),
        0,
        "not yet due"
    );
}
db_test!(certificates_expire_on_their_day_and_are_announced_30_days_ahead);

async fn coordinators_cannot_enrol_or_see_another_provinces_volunteers(app: TestApp) {
    let t = app.two_provinces().await;
    let xj_vol = app
        .register_volunteer(
            &t.xj_admin,
            &volunteer_body(
                "新疆学员",
                &resident_id("650102", "19900101", 800),
                "650102",
            ),
        )
        .await;
    let course = national_course(&app, &t.hz_coordinator, "NAT-ORIENTATION").await;
    let s: Value = app
        .post(
            &format!("/api/v1/courses/{course}/sessions"),
            &t.hz_coordinator,
            &session("2030-07-01T01:00:00Z", "2030-07-01T03:00:00Z", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/sessions/{}/enrollments", s["id"]),
            &t.hz_coordinator,
            &json!({"volunteer_id": xj_vol["id"]}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // Xinjiang does not see Hangzhou's session either.
    assert_problem(
        app.get(&format!("/api/v1/sessions/{}", s["id"]), &t.xj_admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // And a volunteer enrols only themself.
    let mut body = volunteer_body(
        "杭州学员",
        &resident_id("330106", "19900101", 801),
        "330106",
    );
    body["organization_id"] = json!(t.hangzhou);
    let hz = app.register_volunteer(&t.zj_admin, &body).await;
    app.post_anon("/api/v1/auth/activate", &json!({"code": hz["activation_code"], "username": "hz.student", "password": "Hz-student-pass"})).await;
    let me = app.login("hz.student", "Hz-student-pass").await;
    let own = app
        .post(
            &format!("/api/v1/sessions/{}/enrollments", s["id"]),
            &me,
            &json!({}),
        )
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let notes: Value = app
        .get("/api/v1/me/notifications", &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes["items"][0]["kind"], "enrolled");
    let other = app
        .post(
            &format!("/api/v1/sessions/{}/enrollments", s["id"]),
            &me,
            &json!({"volunteer_id": xj_vol["id"]}),
        )
        .await;
    assert_problem(other, StatusCode::NOT_FOUND, "not_found").await;
}
db_test!(coordinators_cannot_enrol_or_see_another_provinces_volunteers);
