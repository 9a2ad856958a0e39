//! PLAN-01: the ministry's campaigns, the provinces' implementation plans (draft → submitted →
//! approved | returned, late after the due date), who has not submitted, and each plan's
//! progress against a hand count of the data.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{
    assignments, implementation_plans, plan_campaign_stages, plan_campaigns, training_sessions,
    volunteers,
};

use crate::db_test;
use crate::dispatch::{
    activity, get_json, kashgar_site, login_as, offer, reschedule, volunteer, world,
};
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn counts(app: &TestApp) -> (i64, i64, i64) {
    let mut conn = app.state.pool.get().unwrap();
    (
        plan_campaigns::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
        plan_campaign_stages::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
        implementation_plans::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
    )
}

fn campaign_body(title: &str, from: NaiveDate, to: NaiveDate, due: NaiveDate) -> Value {
    let third = (to - from).num_days() / 3;
    let (a, b) = (
        from + Duration::days(third),
        from + Duration::days(2 * third),
    );
    json!({
        "year": 2026, "title": title, "due_date": due, "period_from": from, "period_to": to,
        "stages": [
            {"name": "学习动员", "starts_on": from, "ends_on": a},
            {"name": "查找问题", "starts_on": a + Duration::days(1), "ends_on": b},
            {"name": "整改提高", "starts_on": b + Duration::days(1), "ends_on": to},
        ]
    })
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn body(res: reqwest::Response, status: StatusCode) -> Value {
    let got = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn open_campaign(app: &TestApp, admin: &str, body_: Value) -> i64 {
    body(
        app.post("/api/v1/campaigns", admin, &body_).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn plan_body(campaign: i64) -> Value {
    json!({
        "campaign_id": campaign,
        "measures": "以学习动员、查找问题、整改提高三个阶段推进",
        "targets": {
            "volunteers_registered": 3, "volunteers_trained": 2,
            "activities_by_target_group": [{"code": "elderly", "target": 4}, {"code": "border_ethnic_communities", "target": 1}],
            "activities_by_form": [{"code": "performance", "target": 3}, {"code": "lecture", "target": 1}, {"code": "reading", "target": 2}],
            "spring_rain_teams_sent": 1, "spring_rain_teams_received": 0, "verified_hours": 10
        }
    })
}

async fn draft(app: &TestApp, token: &str, campaign: i64) -> i64 {
    body(
        app.post("/api/v1/implementation-plans", token, &plan_body(campaign))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn act(app: &TestApp, token: &str, plan: i64, verb: &str, b: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/implementation-plans/{plan}/{verb}"),
        token,
        &b,
    )
    .await
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect()
}

async fn only_the_ministry_opens_campaigns_and_bad_input_changes_nothing(app: TestApp) {
    let t = app.two_provinces().await;
    let good = campaign_body(
        "春雨工程实施方案",
        d("2026-03-01"),
        d("2026-12-31"),
        d("2026-03-31"),
    );
    assert_problem(
        app.post("/api/v1/campaigns", &t.zj_admin, &good).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post("/api/v1/campaigns", &t.zj_auditor, &good).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Overlapping stages, one outside the period, a due date after the period.
    let mut bad = good.clone();
    bad["due_date"] = json!("2027-01-15");
    bad["stages"][1]["starts_on"] = json!("2026-04-01");
    bad["stages"][2]["ends_on"] = json!("2027-02-01");
    let problem = assert_problem(
        app.post("/api/v1/campaigns", &t.admin, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let got = fields(&problem);
    for expected in [
        "due_date:out_of_range",
        "stages[1].starts_on:overlaps_previous",
        "stages[2].starts_on:outside_period",
    ] {
        assert!(got.contains(&expected.to_string()), "{expected} in {got:?}");
    }
    // A stage ending before it starts, no title.
    let mut bad = good.clone();
    bad["title"] = json!(" ");
    bad["stages"][0]["ends_on"] = json!("2026-02-01");
    let problem = assert_problem(
        app.post("/api/v1/campaigns", &t.admin, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let got = fields(&problem);
    assert!(got.contains(&"title:required".to_string()), "{got:?}");
    assert!(
        got.contains(&"stages[0].ends_on:invalid_range".to_string()),
        "{got:?}"
    );
    assert_eq!(counts(&app), (0, 0, 0), "refusals change nothing");

    let id = open_campaign(&app, &t.admin, good.clone()).await;
    assert_eq!(counts(&app), (1, 3, 0));
    // Every staff member reads it; the stages come back in order.
    let read = get_json(&app, &format!("/api/v1/campaigns/{id}"), &t.hz_coordinator).await;
    assert_eq!(read["due_date"], "2026-03-31");
    let names: Vec<&str> = read["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["学习动员", "查找问题", "整改提高"]);
    let list = get_json(&app, "/api/v1/campaigns", &t.xj_admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The same year and title twice is a conflict.
    assert_problem(
        app.post("/api/v1/campaigns", &t.admin, &good).await,
        StatusCode::CONFLICT,
        "campaign_taken",
    )
    .await;
    assert_eq!(counts(&app), (1, 3, 0));
}
db_test!(only_the_ministry_opens_campaigns_and_bad_input_changes_nothing);

async fn missing_lists_exactly_the_provinces_without_a_submitted_plan(app: TestApp) {
    app.state.clock.set(at("2026-03-10T02:00:00Z"));
    let t = app.two_provinces().await;
    let fujian = app.bureau_id(&t.admin, "350000").await;
    let tibet = app.bureau_id(&t.admin, "540000").await;
    let fj_admin = app
        .staff(&t.admin, "fj.admin", "bureau_admin", fujian)
        .await;
    let xz_admin = app.staff(&t.admin, "xz.admin", "bureau_admin", tibet).await;
    let campaign = open_campaign(
        &app,
        &t.admin,
        campaign_body(
            "实施方案",
            d("2026-03-01"),
            d("2026-12-31"),
            d("2026-03-31"),
        ),
    )
    .await;
    let missing_url = format!("/api/v1/campaigns/{campaign}/missing");
    let all = get_json(&app, &missing_url, &t.admin).await;
    assert_eq!(
        all["provinces"].as_array().unwrap().len(),
        32,
        "31 provinces and the XPCC"
    );
    assert_eq!(all["overdue"], false);

    // Zhejiang submits (one plan per campaign); Fujian submits and is approved; Xinjiang keeps
    // a draft; Tibet submits and is returned.
    let zj = draft(&app, &t.zj_admin, campaign).await;
    assert_problem(
        app.post(
            "/api/v1/implementation-plans",
            &t.zj_admin,
            &plan_body(campaign),
        )
        .await,
        StatusCode::CONFLICT,
        "plan_exists",
    )
    .await;
    body(
        act(&app, &t.zj_admin, zj, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let fj = draft(&app, &fj_admin, campaign).await;
    body(
        act(&app, &fj_admin, fj, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let approved = body(
        act(&app, &t.admin, fj, "approve", json!({"comment": "同意"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    let xj = draft(&app, &t.xj_admin, campaign).await;
    let xz = draft(&app, &xz_admin, campaign).await;
    body(
        act(&app, &xz_admin, xz, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    // Returning needs comments; without them nothing changes.
    assert_problem(
        act(&app, &t.admin, xz, "return", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let returned = body(
        act(
            &app,
            &t.admin,
            xz,
            "return",
            json!({"comment": "请补充边境县的目标"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            returned["status"].as_str(),
            returned["review_comment"].as_str()
        ),
        (Some("returned"), Some("请补充边境县的目标"))
    );
    // The ministry cannot approve a draft or decide twice.
    assert_problem(
        act(&app, &t.admin, xj, "approve", json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_problem(
        act(&app, &t.admin, fj, "return", json!({"comment": "再改"})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    let missing = get_json(&app, &missing_url, &t.admin).await;
    let provinces = missing["provinces"].as_array().unwrap();
    let codes: Vec<&str> = provinces
        .iter()
        .map(|p| p["region_code"].as_str().unwrap())
        .collect();
    assert_eq!(provinces.len(), 30, "{codes:?}");
    for reported in ["330000", "350000"] {
        assert!(!codes.contains(&reported), "{reported} has reported");
    }
    let status_of = |code: &str| {
        provinces
            .iter()
            .find(|p| p["region_code"] == code)
            .map(|p| p["plan_status"].clone())
    };
    assert_eq!(status_of("650000"), Some(json!("draft")));
    assert_eq!(status_of("540000"), Some(json!("returned")));
    assert_eq!(
        status_of("660000"),
        Some(Value::Null),
        "the XPCC has no plan yet"
    );
    // A bureau sees only its own province on the list.
    let own = get_json(&app, &missing_url, &t.xj_admin).await;
    assert_eq!(own["provinces"].as_array().unwrap().len(), 1);
    assert_eq!(own["provinces"][0]["region_code"], "650000");
    let own = get_json(&app, &missing_url, &t.zj_admin).await;
    assert!(own["provinces"].as_array().unwrap().is_empty());

    // Tibet's bureau was told; it edits the returned plan (with If-Match) and resubmits.
    let notes = get_json(&app, "/api/v1/me/notifications", &xz_admin).await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "implementation_plan_returned"),
        "{notes}"
    );
    let current = app
        .get(&format!("/api/v1/implementation-plans/{xz}"), &xz_admin)
        .await;
    let etag = current.headers()["etag"].to_str().unwrap().to_string();
    let edit = |tag: String| {
        app.client
            .patch(app.url(&format!("/api/v1/implementation-plans/{xz}")))
            .bearer_auth(&xz_admin)
            .header("If-Match", tag)
            .json(&json!({"targets": {"volunteers_registered": 50, "volunteers_trained": 20,
                "spring_rain_teams_sent": 0, "spring_rain_teams_received": 6, "verified_hours": 300}}))
            .send()
    };
    let edited = body(edit(etag.clone()).await.unwrap(), StatusCode::OK).await;
    assert_eq!(edited["targets"]["spring_rain_teams_received"], 6);
    assert_eq!(
        edited["measures"],
        "以学习动员、查找问题、整改提高三个阶段推进"
    );
    let stale = edit(etag).await.unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    body(
        act(&app, &xz_admin, xz, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let missing = get_json(&app, &missing_url, &t.admin).await;
    assert_eq!(missing["provinces"].as_array().unwrap().len(), 29);
    // Every transition of Tibet's plan is in the audit trail, in order.
    let trail = get_json(
        &app,
        &format!("/api/v1/audit-events?entity_type=implementation_plan&entity_id={xz}"),
        &t.admin,
    )
    .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "implementation_plan.create",
            "implementation_plan.submit",
            "implementation_plan.return",
            "implementation_plan.update",
            "implementation_plan.submit",
        ]
    );
    // A submitted plan is not edited.
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/implementation-plans/{zj}")))
        .bearer_auth(&t.zj_admin)
        .header("If-Match", "\"2\"")
        .json(&json!({"measures": "改"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::CONFLICT, "invalid_transition").await;
}
db_test!(missing_lists_exactly_the_provinces_without_a_submitted_plan);

async fn a_plan_first_submitted_after_the_due_date_is_late(app: TestApp) {
    app.state.clock.set(at("2026-03-20T02:00:00Z"));
    let t = app.two_provinces().await;
    let campaign = open_campaign(
        &app,
        &t.admin,
        campaign_body(
            "实施方案",
            d("2026-03-01"),
            d("2026-12-31"),
            d("2026-03-31"),
        ),
    )
    .await;
    let zj = draft(&app, &t.zj_admin, campaign).await;
    let xj = draft(&app, &t.xj_admin, campaign).await;
    // 23:30 on the due day, China time: in time.
    app.state.clock.set(at("2026-03-31T15:30:00Z"));
    let on_time = body(
        act(&app, &t.zj_admin, zj, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (on_time["status"].as_str(), on_time["late"].as_bool()),
        (Some("submitted"), Some(false))
    );
    // 00:30 the next day, China time: late.
    app.state.clock.set(at("2026-03-31T16:30:00Z"));
    let late = body(
        act(&app, &t.xj_admin, xj, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(late["late"], true);
    // Returned and resubmitted, the on-time plan stays on time: the first submission decides.
    body(
        act(&app, &t.admin, zj, "return", json!({"comment": "请细化"})).await,
        StatusCode::OK,
    )
    .await;
    let again = body(
        act(&app, &t.zj_admin, zj, "submit", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["late"], false);
    let missing = get_json(
        &app,
        &format!("/api/v1/campaigns/{campaign}/missing"),
        &t.admin,
    )
    .await;
    assert_eq!(missing["overdue"], true);
    // The summary waits for the end of the period and an approved plan.
    assert_problem(
        act(
            &app,
            &t.zj_admin,
            zj,
            "summary",
            json!({"summary_evaluation": "完成"}),
        )
        .await,
        StatusCode::CONFLICT,
        "too_early",
    )
    .await;
    body(
        act(&app, &t.admin, zj, "approve", json!({})).await,
        StatusCode::OK,
    )
    .await;
    app.state.clock.set(at("2027-01-05T02:00:00Z"));
    let summary = body(
        act(
            &app,
            &t.zj_admin,
            zj,
            "summary",
            json!({"summary_evaluation": "全面完成年度目标"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["summary_evaluation"], "全面完成年度目标");
    let read = get_json(
        &app,
        &format!("/api/v1/implementation-plans/{zj}"),
        &t.admin,
    )
    .await;
    assert_eq!(read["summary_evaluation"], "全面完成年度目标");
}
db_test!(a_plan_first_submitted_after_the_due_date_is_late);

async fn a_bureau_cannot_reach_another_provinces_plan(app: TestApp) {
    let t = app.two_provinces().await;
    let today = Utc::now().date_naive();
    let campaign = open_campaign(
        &app,
        &t.admin,
        campaign_body(
            "实施方案",
            today,
            today + Duration::days(90),
            today + Duration::days(30),
        ),
    )
    .await;
    let zj = draft(&app, &t.zj_admin, campaign).await;
    let path = format!("/api/v1/implementation-plans/{zj}");
    assert_problem(
        app.get(&path, &t.xj_admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &t.xj_admin, zj, "submit", json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let list = get_json(&app, "/api/v1/implementation-plans", &t.xj_admin).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    // Xinjiang's bureau cannot draft Zhejiang's plan either.
    let mut foreign = plan_body(campaign);
    foreign["organization_id"] = json!(t.zhejiang);
    assert_problem(
        app.post("/api/v1/implementation-plans", &t.xj_admin, &foreign)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Inside the province: the coordinator reads but does not submit; the auditor reads.
    get_json(&app, &path, &t.hz_coordinator).await;
    get_json(&app, &path, &t.zj_auditor).await;
    assert_problem(
        act(&app, &t.hz_coordinator, zj, "submit", json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Plans belong to province-level bureaus; bad targets are refused and change nothing.
    let mut below = plan_body(campaign);
    below["organization_id"] = json!(t.hangzhou);
    let problem = assert_problem(
        app.post("/api/v1/implementation-plans", &t.zj_admin, &below)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["rule"], "PLAN-01");
    let mut bad = plan_body(campaign);
    bad["targets"]["verified_hours"] = json!(-1);
    bad["targets"]["activities_by_form"][0]["code"] = json!("juggling");
    let problem = assert_problem(
        app.post("/api/v1/implementation-plans", &t.xj_admin, &bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let got = fields(&problem);
    assert!(
        got.contains(&"targets.verified_hours:out_of_range".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"targets.activities_by_form[0].code:unknown_form".to_string()),
        "{got:?}"
    );
    assert_eq!(counts(&app).2, 1, "only Zhejiang's plan exists");
    // The ministry reads everything but keeps no plan.
    get_json(&app, &path, &t.admin).await;
    assert_problem(
        app.post(
            "/api/v1/implementation-plans",
            &t.admin,
            &plan_body(campaign),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
db_test!(a_bureau_cannot_reach_another_provinces_plan);

fn registered_long_ago(app: &TestApp, id: i64) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(volunteers::table.find(id))
        .set(volunteers::created_at.eq(Utc::now().naive_utc() - Duration::days(40)))
        .execute(&mut *conn)
        .unwrap();
}

fn session_in_the_past(app: &TestApp, id: i64) {
    let mut conn = app.state.pool.get().unwrap();
    let start = Utc::now().naive_utc() - Duration::days(2);
    diesel::update(training_sessions::table.find(id))
        .set((
            training_sessions::starts_at.eq(start),
            training_sessions::ends_at.eq(start + Duration::hours(4)),
        ))
        .execute(&mut *conn)
        .unwrap();
}

/// The volunteer was present for the whole (rescheduled) activity.
fn present(app: &TestApp, assignment: i64, from: NaiveDateTime, to: NaiveDateTime) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(assignments::table.find(assignment))
        .set((
            assignments::status.eq("completed"),
            assignments::checked_in_at.eq(from),
            assignments::checked_out_at.eq(to),
            assignments::break_minutes.eq(0),
        ))
        .execute(&mut *conn)
        .unwrap();
}

fn figure(progress: &Value, measure: &str, code: Option<&str>) -> (i64, i64) {
    let item = progress["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure"] == measure && i["code"].as_str() == code)
        .unwrap_or_else(|| panic!("{measure} {code:?} in {progress}"));
    (
        item["target"].as_i64().unwrap(),
        item["actual"].as_i64().unwrap(),
    )
}

async fn progress_matches_a_hand_count_of_the_data(app: TestApp) {
    // One volunteer registered before the period, in Hangzhou: not counted. (Registration
    // stamps the system clock, so the row is moved back.)
    let w = world(&app).await;
    let early = volunteer(&app, &w, "早到者", 9, |_| {}).await;
    registered_long_ago(&app, early["id"].as_i64().unwrap());
    let today = Utc::now().date_naive();
    let campaign = open_campaign(
        &app,
        &w.t.admin,
        campaign_body(
            "实施方案",
            today - Duration::days(10),
            today + Duration::days(30),
            today + Duration::days(5),
        ),
    )
    .await;
    // In the period: two volunteers in Hangzhou, one in Xinjiang.
    let v1 = volunteer(&app, &w, "甲", 1, |_| {}).await;
    volunteer(&app, &w, "乙", 2, |_| {}).await;
    let mut xj_body = volunteer_body("丙", &resident_id("650102", "19900101", 3), "650102");
    xj_body["organization_id"] = json!(w.t.xinjiang);
    app.register_volunteer(&w.t.xj_admin, &xj_body).await;
    let v1_id = v1["id"].as_i64().unwrap();

    // Training: 甲 passes a course in the period.
    let course: Value = body(
        app.post("/api/v1/courses", &w.t.hz_coordinator, &json!({"code": "HZ-PLAN", "title": "社区文艺", "category": "skill", "minutes": 120, "validity_months": 12}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let session = body(
        app.post(
            &format!("/api/v1/courses/{}/sessions", course["id"]),
            &w.t.hz_coordinator,
            &json!({"starts_at": "2030-05-01T01:00:00Z", "ends_at": "2030-05-01T03:00:00Z", "region_code": "330106", "place": "杭州图书馆", "capacity": 5, "trainer": "李老师"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let enrollment = body(
        app.post(
            &format!("/api/v1/sessions/{}/enrollments", session["id"]),
            &w.t.hz_coordinator,
            &json!({"volunteer_id": v1_id}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    session_in_the_past(&app, session["id"].as_i64().unwrap());
    let graded = app
        .post(
            &format!("/api/v1/enrollments/{}/result", enrollment["id"]),
            &w.t.hz_coordinator,
            &json!({"attended": true, "passed": true}),
        )
        .await;
    assert!(
        graded.status().is_success(),
        "{}",
        graded.text().await.unwrap()
    );

    // Activities in Hangzhou: a performance and a lecture for the elderly, a cancelled one,
    // and a Spring Rain deployment to Kashgar for border communities.
    let a1 = activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"target_groups": ["elderly"]}),
    )
    .await;
    activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"form": "lecture", "target_groups": ["elderly", "minors"]}),
    )
    .await;
    let cancelled = activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"target_groups": ["elderly"]}),
    )
    .await;
    body(
        app.post(
            &format!("/api/v1/activities/{cancelled}/cancel"),
            &w.t.hz_coordinator,
            &json!({"reason": "暴雨预警"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let kashgar = kashgar_site(&app, &w.t.hz_coordinator).await;
    activity(
        &app,
        &w.t.hz_coordinator,
        kashgar["id"].as_i64().unwrap(),
        json!({"title": "春雨工程·大舞台", "programme": "spring_rain", "sending_province": "330000",
            "target_groups": ["border_ethnic_communities"]}),
    )
    .await;

    // 甲 serves two hours on the first activity, moved three days into the past; verified.
    let me = login_as(&app, &v1, "plan.one").await;
    let a: Value = offer(&app, &w.t.hz_coordinator, a1, v1_id)
        .await
        .json()
        .await
        .unwrap();
    body(
        app.post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let day = (today - Duration::days(3)).and_hms_opt(1, 0, 0).unwrap();
    reschedule(&app, a1, day, day + Duration::hours(2));
    present(
        &app,
        a["id"].as_i64().unwrap(),
        day,
        day + Duration::hours(2),
    );
    let record = body(
        app.post(
            &format!("/api/v1/assignments/{}/verify", a["id"]),
            &w.t.hz_coordinator,
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(record["minutes"], 120);

    let zj = draft(&app, &w.t.zj_admin, campaign).await;
    let plan = get_json(
        &app,
        &format!("/api/v1/implementation-plans/{zj}"),
        &w.t.zj_admin,
    )
    .await;
    let p = &plan["progress"];
    assert_eq!(figure(p, "volunteers_registered", None), (3, 2));
    assert_eq!(figure(p, "volunteers_trained", None), (2, 1));
    assert_eq!(
        figure(p, "activities_by_target_group", Some("elderly")),
        (4, 2)
    );
    assert_eq!(
        figure(
            p,
            "activities_by_target_group",
            Some("border_ethnic_communities")
        ),
        (1, 1)
    );
    assert_eq!(figure(p, "activities_by_form", Some("performance")), (3, 2));
    assert_eq!(figure(p, "activities_by_form", Some("lecture")), (1, 1));
    assert_eq!(figure(p, "activities_by_form", Some("reading")), (2, 0));
    assert_eq!(figure(p, "spring_rain_teams_sent", None), (1, 1));
    assert_eq!(figure(p, "spring_rain_teams_received", None), (0, 0));
    assert_eq!(figure(p, "verified_hours", None), (10, 2));
    assert_eq!(p["verified_minutes"], 120);

    // Xinjiang's figures hold its own volunteer and the team it received, nothing of Zhejiang.
    let xj = draft(&app, &w.t.xj_admin, campaign).await;
    let plan = get_json(
        &app,
        &format!("/api/v1/implementation-plans/{xj}"),
        &w.t.xj_admin,
    )
    .await;
    let p = &plan["progress"];
    assert_eq!(figure(p, "volunteers_registered", None).1, 1);
    assert_eq!(figure(p, "volunteers_trained", None).1, 0);
    assert_eq!(figure(p, "spring_rain_teams_received", None).1, 1);
    assert_eq!(figure(p, "spring_rain_teams_sent", None).1, 0);
    assert_eq!(
        figure(p, "activities_by_target_group", Some("elderly")).1,
        0
    );
    assert_eq!(p["verified_minutes"], 0);
}
db_test!(progress_matches_a_hand_count_of_the_data);
