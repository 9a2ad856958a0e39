//! Sites, activities and the dispatch workflow: publishing rules, offers and answers, the
//! concurrency guarantees, and every eligibility violation through the API.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{activities, assignments};

use crate::db_test;
use crate::helpers::{TestApp, TwoProvinces, assert_problem, resident_id, volunteer_body};

pub struct World {
    pub t: TwoProvinces,
    pub site: i64,
}

pub async fn world(app: &TestApp) -> World {
    let t = app.two_provinces().await;
    let site: Value = app
        .post(
            "/api/v1/sites",
            &t.hz_coordinator,
            &json!({"name": "西湖区某社区文化家园", "kind": "community", "region_code": "330106", "address": "杭州市西湖区", "location_type": "community", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "社区办公室"}),
        )
        .await
        .json()
        .await
        .unwrap();
    World {
        site: site["id"].as_i64().unwrap(),
        t,
    }
}

/// A published activity at `site` three days from now (4 hours), with `extra` fields merged.
pub async fn activity(app: &TestApp, token: &str, site: i64, extra: Value) -> i64 {
    let starts = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%dT02:00:00Z")
        .to_string();
    let ends = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%dT06:00:00Z")
        .to_string();
    let mut body = json!({
        "site_id": site, "title": "社区文艺演出", "description": "为社区老人演出", "category": "grassroots_culture",
        "form": "performance", "starts_at": starts, "ends_at": ends, "headcount_min": 1, "headcount_max": 5,
        "physical_demand": 1, "risk_level": "low", "risk_disclosure": "室内活动，注意防滑",
        "requirements": {"summary": "热爱文艺，能参加一次排练"}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app.post("/api/v1/activities", token, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create activity {body}");
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/publish"),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "publish {}",
        res.text().await.unwrap()
    );
    id
}

/// A volunteer registered at Hangzhou by the Zhejiang bureau; `edit` adjusts the body.
pub async fn volunteer(
    app: &TestApp,
    w: &World,
    name: &str,
    seq: u32,
    edit: impl FnOnce(&mut Value),
) -> Value {
    let mut body = volunteer_body(name, &resident_id("330106", "19900101", seq), "330106");
    body["organization_id"] = json!(w.t.hangzhou);
    edit(&mut body);
    app.register_volunteer(&w.t.zj_admin, &body).await
}

/// Activates the volunteer's login and signs in.
pub async fn login_as(app: &TestApp, v: &Value, username: &str) -> String {
    let res = app
        .post_anon("/api/v1/auth/activate", &json!({"code": v["activation_code"], "username": username, "password": "Volunteer-pass-99"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login(username, "Volunteer-pass-99").await
}

pub async fn offer(app: &TestApp, token: &str, activity: i64, volunteer: i64) -> reqwest::Response {
    app.post(
        &format!("/api/v1/activities/{activity}/assignments"),
        token,
        &json!({"volunteer_id": volunteer}),
    )
    .await
}

/// GETs `path` as `token`, expecting 200, and returns the body.
pub async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// Moves an activity (and its assignments) to `[starts, ends)` — for tests that need time to
/// pass: the clock is the server's.
pub fn reschedule(
    app: &TestApp,
    activity_id: i64,
    starts: chrono::NaiveDateTime,
    ends: chrono::NaiveDateTime,
) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(activities::table.find(activity_id))
        .set((
            activities::starts_at.eq(starts),
            activities::ends_at.eq(ends),
        ))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(assignments::table.filter(assignments::activity_id.eq(activity_id)))
        .set((
            assignments::starts_at.eq(starts),
            assignments::ends_at.eq(ends),
        ))
        .execute(&mut *conn)
        .unwrap();
}

async fn publishing_needs_content_a_risk_disclosure_and_no_fee(app: TestApp) {
    let w = world(&app).await;
    let base = json!({"site_id": w.site, "title": "读书会", "category": "grassroots_culture", "form": "reading",
        "starts_at": "2030-01-01T02:00:00Z", "ends_at": "2030-01-01T04:00:00Z", "headcount_max": 3});
    let draft: Value = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &base)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["status"], "draft");
    let res = app
        .post(
            &format!("/api/v1/activities/{}/publish", draft["id"]),
            &w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_publishable").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"risk_disclosure")
            && fields.contains(&"description")
            && fields.contains(&"requirements"),
        "ACT-01 names content, requirements and risks: {fields:?}"
    );
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rule"] == "ACT-01"),
        "every refusal names its rule: {problem}"
    );
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "ACT-01")
    );

    let mut fee = base.clone();
    fee["recipient_fee_cents"] = json!(1000);
    let res = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &fee)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "ACT-02");

    // PATCH with If-Match completes the draft; then it publishes.
    let url = app.url(&format!("/api/v1/activities/{}", draft["id"]));
    let res = app
        .client
        .patch(&url)
        .bearer_auth(&w.t.hz_coordinator)
        .header("If-Match", format!("\"{}\"", draft["version"]))
        .json(&json!({"description": "亲子共读", "risk_disclosure": "儿童需家长陪同"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Still no requirements: ACT-01 holds the draft back.
    let res = app
        .post(
            &format!("/api/v1/activities/{}/publish", draft["id"]),
            &w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_publishable").await;
    assert_eq!(
        (
            problem["errors"][0]["field"].as_str(),
            problem["errors"][0]["rule"].as_str()
        ),
        (Some("requirements"), Some("ACT-01"))
    );
    let draft: Value = app
        .get(
            &format!("/api/v1/activities/{}", draft["id"]),
            &w.t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .client
        .patch(&url)
        .bearer_auth(&w.t.hz_coordinator)
        .header("If-Match", format!("\"{}\"", draft["version"]))
        .json(&json!({"requirements": {"summary": "能给孩子读绘本"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let stale = app
        .client
        .patch(&url)
        .bearer_auth(&w.t.hz_coordinator)
        .header("If-Match", format!("\"{}\"", draft["version"]))
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let published = app
        .post(
            &format!("/api/v1/activities/{}/publish", draft["id"]),
            &w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(
        published.json::<Value>().await.unwrap()["status"],
        "published"
    );
}
db_test!(publishing_needs_content_a_risk_disclosure_and_no_fee);

/// A township cultural station in Kashgar (Xinjiang, a Spring Rain receiving region).
pub async fn kashgar_site(app: &TestApp, token: &str) -> Value {
    app.post(
        "/api/v1/sites",
        token,
        &json!({"name": "喀什某乡文化站", "kind": "border_township", "region_code": "653101", "address": "喀什", "location_type": "rural", "local_languages": ["ug"], "target_groups": ["border_ethnic_communities"], "contact": "文化站"}),
    )
    .await
    .json()
    .await
    .unwrap()
}

async fn spring_rain_deployments_go_from_inland_to_border_regions(app: TestApp) {
    let w = world(&app).await;
    let border_site = kashgar_site(&app, &w.t.hz_coordinator).await;
    let body = |sending: &str, form: &str, site: &Value| {
        json!({"site_id": site["id"], "title": "春雨工程·大舞台", "category": "grassroots_culture", "form": form, "programme": "spring_rain",
            "sending_province": sending, "starts_at": "2030-07-01T02:00:00Z", "ends_at": "2030-07-05T10:00:00Z", "headcount_max": 20})
    };
    let ok = app
        .post(
            "/api/v1/activities",
            &w.t.hz_coordinator,
            &body("330000", "performance", &border_site),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!(ok["sending_province"], "330000");
    assert_eq!(ok["warnings"], json!([]), "4½ days is usual");
    // SR-04: longer than 15 days is flagged, not refused.
    let mut long = body("330000", "performance", &border_site);
    long["ends_at"] = json!("2030-07-16T02:01:00Z");
    let long = app
        .post("/api/v1/activities", &w.t.hz_coordinator, &long)
        .await;
    assert_eq!(long.status(), StatusCode::CREATED);
    let long: Value = long.json().await.unwrap();
    assert_eq!(
        (&long["warnings"][0]["code"], &long["warnings"][0]["field"]),
        (&json!("SR-04"), &json!("ends_at"))
    );
    let bad_form = app
        .post(
            "/api/v1/activities",
            &w.t.hz_coordinator,
            &body("330000", "reading", &border_site),
        )
        .await;
    assert_eq!(
        assert_problem(
            bad_form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["errors"][0]["code"],
        "SR-02"
    );
    let inland_site = json!({"id": w.site});
    let inland = app
        .post(
            "/api/v1/activities",
            &w.t.hz_coordinator,
            &body("110000", "lecture", &inland_site),
        )
        .await;
    assert_eq!(
        assert_problem(
            inland,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["errors"][0]["code"],
        "SR-01"
    );
    let same = app
        .post(
            "/api/v1/activities",
            &w.t.hz_coordinator,
            &body("650000", "exhibition", &border_site),
        )
        .await;
    assert_eq!(
        assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await["errors"]
            [0]["code"],
        "SR-01"
    );
}
db_test!(spring_rain_deployments_go_from_inland_to_border_regions);

/// Acceptance 2a: 30 concurrent confirms on an activity with headcount max 5 → exactly 5.
async fn thirty_concurrent_confirms_fill_exactly_five_places(app: TestApp) {
    let w = world(&app).await;
    let activity_id = activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"headcount_max": 5}),
    )
    .await;
    let mut offers = Vec::new();
    for i in 0..30u32 {
        let v = volunteer(&app, &w, &format!("演员{i}"), 100 + i, |_| {}).await;
        let token = login_as(&app, &v, &format!("actor.{i}")).await;
        let res = offer(
            &app,
            &w.t.hz_coordinator,
            activity_id,
            v["id"].as_i64().unwrap(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        offers.push((
            res.json::<Value>().await.unwrap()["id"].as_i64().unwrap(),
            token,
        ));
    }
    let results = join_all(offers.iter().map(|(id, token)| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/assignments/{id}/confirm"),
                token,
                &json!({}),
            )
            .await
            .status()
        }
    }))
    .await;
    let confirmed = results.iter().filter(|s| **s == StatusCode::OK).count();
    let full = results
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((confirmed, full), (5, 25), "{results:?}");
    let a = get_json(
        &app,
        &format!("/api/v1/activities/{activity_id}"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(
        (a["confirmed"].as_i64(), a["staffed"].as_bool()),
        (Some(5), Some(true))
    );
    let list = get_json(
        &app,
        &format!("/api/v1/assignments?activity_id={activity_id}&status=confirmed&limit=200"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
}
db_test!(thirty_concurrent_confirms_fill_exactly_five_places);

/// Acceptance 2b: 10 concurrent offers of overlapping activities to one volunteer → one.
async fn ten_concurrent_overlapping_offers_leave_one_live_offer(app: TestApp) {
    let w = world(&app).await;
    let v = volunteer(&app, &w, "抢手的志愿者", 1, |_| {}).await;
    let vid = v["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(activity(&app, &w.t.hz_coordinator, w.site, json!({})).await);
    }
    let statuses = join_all(ids.iter().map(|a| {
        let (app, token) = (&app, w.t.hz_coordinator.clone());
        async move { offer(app, &token, *a, vid).await }
    }))
    .await;
    let mut created = 0;
    for res in statuses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            _ => {
                let problem =
                    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "overlap").await;
                assert!(
                    problem["errors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| e["code"] == "overlap")
                );
            }
        }
    }
    assert_eq!(created, 1);
    let live = get_json(
        &app,
        &format!("/api/v1/assignments?volunteer_id={vid}&status=offered"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(live["items"].as_array().unwrap().len(), 1);
}
db_test!(ten_concurrent_overlapping_offers_leave_one_live_offer);

async fn only_the_volunteer_confirms_declines_and_withdraws(app: TestApp) {
    let w = world(&app).await;
    let activity_id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(&app, &w, "自愿者", 2, |_| {}).await;
    let me = login_as(&app, &v, "self.willed").await;
    let a: Value = offer(
        &app,
        &w.t.hz_coordinator,
        activity_id,
        v["id"].as_i64().unwrap(),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        a["status"], "offered",
        "ACT-03: an offer, never a confirmation"
    );
    let forced = app
        .post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(
        forced,
        StatusCode::FORBIDDEN,
        "action_not_permitted_for_actor",
    )
    .await;
    let dup = offer(
        &app,
        &w.t.hz_coordinator,
        activity_id,
        v["id"].as_i64().unwrap(),
    )
    .await;
    assert!(
        dup.status() == StatusCode::CONFLICT || dup.status() == StatusCode::UNPROCESSABLE_ENTITY
    );
    let confirmed: Value = app
        .post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    let withdrawn: Value = app
        .post(
            &format!("/api/v1/assignments/{}/withdraw", a["id"]),
            &me,
            &json!({"reason": "家中有事"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert!(
        withdrawn["withdrawn_at"].is_string(),
        "ACT-04: the withdrawal is recorded"
    );
    let organiser_notes: Value = app
        .get("/api/v1/me/notifications", &w.t.hz_coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        organiser_notes["items"][0]["kind"], "assignment_withdrawn",
        "ACT-04: the organiser is told"
    );
    let a_after = get_json(
        &app,
        &format!("/api/v1/activities/{activity_id}"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(a_after["confirmed"], 0, "the place is free again");
    // A new offer after the withdrawal is possible; the volunteer declines it.
    let again: Value = offer(
        &app,
        &w.t.hz_coordinator,
        activity_id,
        v["id"].as_i64().unwrap(),
    )
    .await
    .json()
    .await
    .unwrap();
    let declined: Value = app
        .post(
            &format!("/api/v1/assignments/{}/decline", again["id"]),
            &me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined["status"], "declined");
    // Cancelling the activity cancels what is live and tells the volunteers.
    let third: Value = offer(
        &app,
        &w.t.hz_coordinator,
        activity_id,
        v["id"].as_i64().unwrap(),
    )
    .await
    .json()
    .await
    .unwrap();
    let res = app
        .post(
            &format!("/api/v1/activities/{activity_id}/cancel"),
            &w.t.hz_coordinator,
            &json!({"reason": "暴雨预警"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    let cancelled: Value = app
        .get(&format!("/api/v1/assignments/{}", third["id"]), &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
}
db_test!(only_the_volunteer_confirms_declines_and_withdraws);

/// Acceptance 1: every violation code is reachable through the API and named in the 422.
async fn every_violation_code_is_named_in_a_422(app: TestApp) {
    let w = world(&app).await;
    let coordinator = w.t.hz_coordinator.clone();
    let expect_offer = |activity: i64, volunteer: i64, code: &'static str| {
        let (app, token) = (&app, coordinator.clone());
        async move {
            let res = offer(app, &token, activity, volunteer).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
            let body: Value = res.json().await.unwrap();
            let codes: Vec<&str> = body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["code"].as_str().unwrap())
                .collect();
            assert!(codes.contains(&code), "expected {code} in {codes:?}");
        }
    };
    let plain = volunteer(&app, &w, "普通", 1, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    let suspended = volunteer(&app, &w, "停用", 2, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/volunteers/{suspended}/suspend"),
        &w.t.zj_admin,
        &json!({"reason": "调查中"}),
    )
    .await;
    let basic = activity(&app, &coordinator, w.site, json!({})).await;
    expect_offer(basic, suspended, "status_not_active").await;

    let dance = activity(
        &app,
        &coordinator,
        w.site,
        json!({"requirements": {"skills": [{"code": "performance.dance", "level": 2}]}}),
    )
    .await;
    expect_offer(dance, plain, "skill_missing").await;
    let music3 = activity(
        &app,
        &coordinator,
        w.site,
        json!({"requirements": {"skills": [{"code": "performance.music", "level": 3}]}}),
    )
    .await;
    expect_offer(music3, plain, "skill_level_too_low").await;
    let uyghur = activity(
        &app,
        &coordinator,
        w.site,
        json!({"requirements": {"languages": ["ug"]}}),
    )
    .await;
    expect_offer(uyghur, plain, "language_missing").await;

    let courses: Value = app
        .get("/api/v1/courses", &coordinator)
        .await
        .json()
        .await
        .unwrap();
    let orientation = courses["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "NAT-ORIENTATION")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let trained = activity(
        &app,
        &coordinator,
        w.site,
        json!({"requirements": {"course_ids": [orientation]}}),
    )
    .await;
    expect_offer(trained, plain, "training_missing").await;
    // An expired certificate: recorded directly, as if issued two years ago.
    {
        use springrain::db::schema::{enrollments, training_certificates, training_sessions};
        let mut conn = app.state.pool.get().unwrap();
        let start = (Utc::now() - Duration::days(800)).naive_utc();
        let session: i64 = diesel::insert_into(training_sessions::table)
            .values((
                training_sessions::course_id.eq(orientation),
                training_sessions::organization_id.eq(1i64),
                training_sessions::org_path.eq("/1/"),
                training_sessions::starts_at.eq(start),
                training_sessions::ends_at.eq(start + Duration::hours(2)),
                training_sessions::time_zone.eq("Asia/Shanghai"),
                training_sessions::region_code.eq("110000"),
                training_sessions::place.eq("x"),
                training_sessions::capacity.eq(5),
                training_sessions::trainer.eq("x"),
                training_sessions::created_at.eq(start),
            ))
            .returning(training_sessions::id)
            .get_result(&mut *conn)
            .unwrap();
        let enrollment: i64 = diesel::insert_into(enrollments::table)
            .values((
                enrollments::session_id.eq(session),
                enrollments::volunteer_id.eq(plain),
                enrollments::status.eq("passed"),
                enrollments::enrolled_at.eq(start),
            ))
            .returning(enrollments::id)
            .get_result(&mut *conn)
            .unwrap();
        let today = springrain::clock::today();
        diesel::insert_into(training_certificates::table)
            .values((
                training_certificates::volunteer_id.eq(plain),
                training_certificates::course_id.eq(orientation),
                training_certificates::session_id.eq(session),
                training_certificates::enrollment_id.eq(enrollment),
                training_certificates::issued_on.eq(today - chrono::Days::new(800)),
                training_certificates::expires_on.eq(today - chrono::Days::new(1)),
                training_certificates::created_at.eq(start),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    expect_offer(trained, plain, "training_expired").await;

    let medical = activity(
        &app,
        &coordinator,
        w.site,
        json!({"requirements": {"qualification": "medical"}}),
    )
    .await;
    expect_offer(medical, plain, "qualification_missing").await;

    let weekdays_only = volunteer(&app, &w, "只在周日", 3, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    // Available only on a weekday the activity is not on.
    let activity_weekday =
        chrono::Datelike::weekday(&(Utc::now() + Duration::days(3)).date_naive())
            .number_from_monday();
    let other_day = activity_weekday % 7 + 1;
    app.client
        .put(app.url(&format!("/api/v1/volunteers/{weekdays_only}/availability")))
        .bearer_auth(&coordinator)
        .json(&json!({"weekly": [{"weekday": other_day, "start": "08:00", "end": "20:00"}], "blackouts": []}))
        .send()
        .await
        .unwrap();
    expect_offer(basic, weekdays_only, "unavailable").await;

    let busy = volunteer(&app, &w, "忙人", 4, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        offer(&app, &coordinator, basic, busy).await.status(),
        StatusCode::CREATED
    );
    let same_time = activity(&app, &coordinator, w.site, json!({})).await;
    expect_offer(same_time, busy, "overlap").await;

    let capped = volunteer(&app, &w, "限时", 5, |_| {}).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/volunteers/{}", capped["id"])))
        .bearer_auth(&coordinator)
        .header("If-Match", format!("\"{}\"", capped["version"]))
        .json(&json!({"weekly_hour_cap_minutes": 60, "fitness_level": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let capped = capped["id"].as_i64().unwrap();
    expect_offer(basic, capped, "weekly_cap_exceeded").await;
    let strenuous = activity(&app, &coordinator, w.site, json!({"physical_demand": 3})).await;
    expect_offer(strenuous, capped, "fitness_insufficient").await;

    let older = activity(&app, &coordinator, w.site, json!({"min_age": 40})).await;
    expect_offer(older, plain, "too_young").await;
    let younger = activity(&app, &coordinator, w.site, json!({"max_age": 30})).await;
    expect_offer(younger, plain, "too_old").await;

    let fifteen = springrain::clock::today() - chrono::Days::new(15 * 366);
    let teen = volunteer(&app, &w, "少年", 6, |b| {
        b["id_number"] = json!(resident_id(
            "330106",
            &fifteen.format("%Y%m%d").to_string(),
            6
        ));
    })
    .await["id"]
        .as_i64()
        .unwrap();
    expect_offer(basic, teen, "guardian_consent_missing").await;
    let hazardous = activity(
        &app,
        &coordinator,
        w.site,
        json!({"risk_level": "hazardous"}),
    )
    .await;
    expect_offer(hazardous, teen, "minor_not_allowed").await;

    let eight = springrain::clock::today() - chrono::Days::new(8 * 366);
    let child = volunteer(&app, &w, "儿童", 7, |b| {
        b["id_number"] = json!(resident_id("330106", &eight.format("%Y%m%d").to_string(), 7));
        b["minors_policy_version"] = json!("minors-2026");
        b["guardian_consent"] = json!({"guardian_name": "家长", "relationship": "mother", "guardian_id_number": resident_id("330106", "19850301", 8),
            "guardian_mobile": "13900139000", "scope": ["registration", "activities"], "method": "written"});
    })
    .await["id"]
        .as_i64()
        .unwrap();
    expect_offer(basic, child, "guardian_accompaniment_required").await;

    let risky = activity(
        &app,
        &coordinator,
        w.site,
        json!({"risk_level": "personal_danger_possible"}),
    )
    .await;
    expect_offer(risky, plain, "insurance_missing").await;

    let children = activity(
        &app,
        &coordinator,
        w.site,
        json!({"target_groups": ["left_behind_children"]}),
    )
    .await;
    expect_offer(children, plain, "background_check_missing").await;

    let border: Value = app
        .post(
            "/api/v1/sites",
            &coordinator,
            &json!({"name": "塔城某乡", "kind": "border_township", "region_code": "654201", "address": "塔城", "location_type": "rural", "contact": "乡文化站"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let deployment = activity(
        &app,
        &coordinator,
        border["id"].as_i64().unwrap(),
        json!({"programme": "spring_rain", "sending_province": "330000", "form": "lecture"}),
    )
    .await;
    let from_beijing = volunteer(&app, &w, "北京人", 9, |b| {
        b["home_region_code"] = json!("110105")
    })
    .await["id"]
        .as_i64()
        .unwrap();
    expect_offer(deployment, from_beijing, "not_in_sending_province").await;

    // agreement_missing is judged at confirmation (the agreement follows the offer).
    let agreed = activity(
        &app,
        &coordinator,
        w.site,
        json!({"agreement_required": true}),
    )
    .await;
    let v = volunteer(&app, &w, "签约者", 10, |_| {}).await;
    let me = login_as(&app, &v, "signer").await;
    let a: Value = offer(&app, &coordinator, agreed, v["id"].as_i64().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "agreement_missing").await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("ACT-09")
    );
    let incomplete = app
        .post(
            &format!("/api/v1/assignments/{}/agreement", a["id"]),
            &me,
            &json!({"content_time_place": "x"}),
        )
        .await;
    let problem = assert_problem(incomplete, StatusCode::UNPROCESSABLE_ENTITY, "ACT-10").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 4);
    let terms = json!({"content_time_place": "演出", "rights_and_duties": "按章", "risk_protection": "保险", "modification_termination": "提前告知", "liability_disputes": "协商", "other_matters": ""});
    let agreement = format!("/api/v1/assignments/{}/agreement", a["id"]);
    assert_eq!(
        app.post(&agreement, &me, &terms).await.status(),
        StatusCode::NO_CONTENT
    );
    // ACT-09 binds both sides: the volunteer's signature alone is no agreement yet.
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "agreement_missing").await;
    let res = app.post(&agreement, &me, &terms).await;
    assert_problem(res, StatusCode::CONFLICT, "agreement_signed").await;
    let mut other_terms = terms.clone();
    other_terms["risk_protection"] = json!("自行承担");
    let res = app.post(&agreement, &coordinator, &other_terms).await;
    assert_problem(res, StatusCode::CONFLICT, "agreement_terms_differ").await;
    assert_eq!(
        app.post(&agreement, &coordinator, &terms).await.status(),
        StatusCode::NO_CONTENT,
        "the organiser countersigns"
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({})
        )
        .await
        .status(),
        StatusCode::OK
    );

    // The eligibility endpoint explains the same without writing anything.
    let why = get_json(
        &app,
        &format!("/api/v1/activities/{dance}/eligibility/{plain}"),
        &coordinator,
    )
    .await;
    assert_eq!(why["eligible"], false);
    assert_eq!(why["violations"][0]["code"], "skill_missing");
    assert_eq!(why["violations"][0]["rule"], "ACT-07");
}
db_test!(every_violation_code_is_named_in_a_422);

async fn candidates_rank_the_eligible_and_explain_the_rest(app: TestApp) {
    let w = world(&app).await;
    let a = activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"requirements": {"skills": [{"code": "performance.music", "level": 2}]}}),
    )
    .await;
    let good = volunteer(&app, &w, "合格", 1, |b| {
        b["skills"] = json!([{"code": "performance.music", "level": 3}])
    })
    .await["id"]
        .as_i64()
        .unwrap();
    let ok = volunteer(&app, &w, "及格", 2, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    let weak = volunteer(&app, &w, "不够", 3, |b| {
        b["skills"] = json!([{"code": "performance.music", "level": 1}])
    })
    .await["id"]
        .as_i64()
        .unwrap();
    let list = get_json(
        &app,
        &format!("/api/v1/activities/{a}/candidates?include_ineligible=true"),
        &w.t.hz_coordinator,
    )
    .await;
    let eligible: Vec<i64> = list["eligible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["volunteer_id"].as_i64().unwrap())
        .collect();
    assert_eq!(eligible, [good, ok], "higher skill fit ranks first");
    assert!(
        list["eligible"][0]["components"]["skill_fit"]
            .as_f64()
            .unwrap()
            > list["eligible"][1]["components"]["skill_fit"]
                .as_f64()
                .unwrap()
    );
    let miss = list["near_misses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["volunteer_id"] == weak)
        .unwrap();
    assert_eq!(miss["violations"][0]["code"], "skill_level_too_low");
    // Xinjiang's coordinator-to-be cannot rank Zhejiang's activity.
    assert_problem(
        app.get(&format!("/api/v1/activities/{a}/candidates"), &w.t.xj_admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
db_test!(candidates_rank_the_eligible_and_explain_the_rest);
