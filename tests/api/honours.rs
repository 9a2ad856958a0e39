//! Evaluations and complaints about volunteers (STAR-04, HRS-04), commendations (STAR-03) and
//! the public pages (PI-07).

use chrono::Utc;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{assignments, audit_events, star_awards};

use crate::db_test;
use crate::dispatch::{World, activity, get_json, login_as, volunteer, world};
use crate::helpers::{TestApp, assert_problem};
use crate::records::confirmed;

/// Marks an assignment completed (the server's clock cannot be steered from a test).
fn complete(app: &TestApp, assignment: i64) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(assignments::table.find(assignment))
        .set(assignments::status.eq("completed"))
        .execute(&mut *conn)
        .unwrap();
}

/// Grants the volunteer 1★ directly (the hours behind it are another test's business).
fn grant_one_star(app: &TestApp, volunteer: i64) {
    let mut conn = app.state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    diesel::insert_into(star_awards::table)
        .values((
            star_awards::volunteer_id.eq(volunteer),
            star_awards::level.eq(1),
            star_awards::status.eq("granted"),
            star_awards::award_number.eq(format!("STAR1{volunteer:06}")),
            star_awards::requested_at.eq(now),
            star_awards::decided_at.eq(now),
        ))
        .execute(&mut *conn)
        .unwrap();
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn audited(app: &TestApp, action: &str) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

async fn good_record(app: &TestApp, volunteer: i64, token: &str) -> bool {
    get_json(app, &format!("/api/v1/volunteers/{volunteer}/stars"), token).await["good_record"]
        .as_bool()
        .unwrap()
}

async fn an_upheld_complaint_ends_the_good_record_and_a_dismissed_one_does_not(app: TestApp) {
    let s = confirmed(&app).await;
    let (zj, hz) = (&s.w.t.zj_admin, &s.w.t.hz_coordinator);
    grant_one_star(&app, s.volunteer);
    assert!(good_record(&app, s.volunteer, zj).await);
    let lodge = |description: &'static str| {
        let path = format!("/api/v1/assignments/{}/complaints", s.assignment);
        let app = &app;
        async move {
            app.post(&path, hz, &json!({ "description": description }))
                .await
        }
    };
    // A complaint needs a description; a refused one leaves nothing behind.
    let empty = lodge("  ").await;
    let body = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "description");
    let first: Value = lodge("演出迟到一小时").await.json().await.unwrap();
    assert_eq!(first["status"], "investigating");
    let second: Value = lodge("对老人态度粗暴").await.json().await.unwrap();
    let conduct = get_json(
        &app,
        &format!("/api/v1/volunteers/{}/conduct", s.volunteer),
        zj,
    )
    .await;
    assert_eq!(conduct["complaints"].as_array().unwrap().len(), 2);

    let decide = |id: &Value, verb: &str, token: &str, reason: &str| {
        let path = format!("/api/v1/complaints/{id}/{verb}");
        let body = json!({ "reason": reason });
        let token = token.to_string();
        let app = &app;
        async move { app.post(&path, &token, &body).await }
    };
    // Another province never sees the complaint; an auditor sees it but may not decide; the
    // organiser's coordinator is not the registering organisation's staff above the volunteer.
    let other = decide(&first["id"], "dismiss", &s.w.t.xj_admin, "不属实").await;
    assert_problem(other, StatusCode::NOT_FOUND, "not_found").await;
    let auditor = decide(&first["id"], "dismiss", &s.w.t.zj_auditor, "不属实").await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
    let no_reason = decide(&first["id"], "dismiss", zj, "").await;
    assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let dismissed: Value = decide(&first["id"], "dismiss", zj, "经核实，系交通管制所致")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dismissed["status"], "dismissed");
    assert!(
        good_record(&app, s.volunteer, zj).await,
        "a dismissed complaint leaves the good record"
    );
    let again = decide(&first["id"], "uphold", zj, "改判").await;
    assert_problem(again, StatusCode::CONFLICT, "already_decided").await;

    let upheld = decide(&second["id"], "uphold", zj, "经走访核实").await;
    assert_eq!(upheld.status(), StatusCode::OK);
    let stars = get_json(
        &app,
        &format!("/api/v1/volunteers/{}/stars", s.volunteer),
        zj,
    )
    .await;
    assert_eq!(stars["good_record"], false, "{stars}");
    assert_eq!(stars["upheld_complaints"], 1);
    assert_eq!(audited(&app, "complaint.dismissed"), 1);
    assert_eq!(audited(&app, "complaint.upheld"), 1);
    assert_eq!(audited(&app, "complaint.lodge"), 2);

    // HRS-04: the volunteer sees both complaints with their outcome on their own record.
    let mine = get_json(&app, "/api/v1/me/conduct", &s.me).await;
    let outcomes: Vec<(&str, &str)> = mine["complaints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["status"].as_str().unwrap(),
                c["outcome_reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("dismissed", "经核实，系交通管制所致"),
            ("upheld", "经走访核实")
        ]
    );
}
db_test!(an_upheld_complaint_ends_the_good_record_and_a_dismissed_one_does_not);

async fn evaluations_appear_on_the_record_once_per_organisation_and_weigh_on_reliability(
    app: TestApp,
) {
    let s = confirmed(&app).await;
    let hz = &s.w.t.hz_coordinator;
    let path = format!("/api/v1/assignments/{}/evaluations", s.assignment);
    // Not before the service is completed.
    let early = app
        .post(&path, hz, &json!({"rating": 5, "note": "好"}))
        .await;
    assert_problem(early, StatusCode::CONFLICT, "assignment_not_completed").await;
    complete(&app, s.assignment);
    let second = activity(&app, hz, s.w.site, json!({"title": "社区读书会"})).await;
    let candidates = format!("/api/v1/activities/{second}/candidates");
    assert_eq!(
        reliability(&app, &candidates, hz, s.volunteer).await,
        Some(1.0)
    );

    let out_of_range = app.post(&path, hz, &json!({"rating": 6})).await;
    let body = assert_problem(
        out_of_range,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "rating");
    // The volunteer does not evaluate their own service.
    let own = app.post(&path, &s.me, &json!({"rating": 5})).await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN);

    let made: Value = app
        .post(&path, hz, &json!({"rating": 1, "note": "未按要求排练"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (made["side"].as_str(), made["rating"].as_i64()),
        (Some("organiser"), Some(1))
    );
    let twice = app.post(&path, hz, &json!({"rating": 2})).await;
    assert_problem(twice, StatusCode::CONFLICT, "already_evaluated").await;

    // One completed service and one poor evaluation: 1.0 × (0 + 8) / (4 + 8).
    let now = reliability(&app, &candidates, hz, s.volunteer)
        .await
        .expect("still a candidate");
    assert!((now - 8.0 / 12.0).abs() < 1e-9, "reliability {now}");

    let mine = get_json(&app, "/api/v1/me/conduct", &s.me).await;
    assert_eq!(mine["evaluations"][0]["note"], "未按要求排练");
    let staff = get_json(
        &app,
        &format!("/api/v1/volunteers/{}/conduct", s.volunteer),
        &s.w.t.zj_admin,
    )
    .await;
    assert_eq!(staff["evaluations"].as_array().unwrap().len(), 1);
    let other = app
        .get(
            &format!("/api/v1/volunteers/{}/conduct", s.volunteer),
            &s.w.t.xj_admin,
        )
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}
db_test!(evaluations_appear_on_the_record_once_per_organisation_and_weigh_on_reliability);

/// The volunteer's reliability component among the activity's candidates.
async fn reliability(app: &TestApp, candidates: &str, token: &str, volunteer: i64) -> Option<f64> {
    let body = get_json(app, candidates, token).await;
    body["eligible"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["volunteer_id"] == volunteer)
        .map(|c| c["components"]["reliability"].as_f64().unwrap())
}

async fn nominate(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/commendations", token, &body).await
}

fn model_volunteer(level: &str, volunteer: i64) -> Value {
    json!({"kind": "model_volunteer", "level": level, "target_type": "volunteer", "target_id": volunteer, "citation": "扎根社区十年，服务老人逾千小时"})
}

async fn a_nomination_above_the_nominators_level_and_an_approval_below_its_level_are_refused(
    app: TestApp,
) {
    let w = world(&app).await;
    let v = volunteer(&app, &w, "王五", 7, |_| {}).await["id"]
        .as_i64()
        .unwrap();
    let t = &w.t;
    // Hangzhou (a municipal bureau) nominates at municipal level at most.
    let above = nominate(&app, &t.hz_coordinator, model_volunteer("provincial", v)).await;
    let body = assert_problem(above, StatusCode::UNPROCESSABLE_ENTITY, "STAR-03").await;
    assert_eq!(body["errors"][0]["rule"], "STAR-03");
    assert_eq!(body["errors"][0]["field"], "level");
    // Zhejiang (a provincial bureau) not nationally.
    let national = nominate(&app, &t.zj_admin, model_volunteer("national", v)).await;
    assert_problem(national, StatusCode::UNPROCESSABLE_ENTITY, "STAR-03").await;
    let list = get_json(&app, "/api/v1/commendations", &t.zj_admin).await;
    assert_eq!(
        list["items"],
        json!([]),
        "refused nominations leave nothing"
    );
    // A model volunteer names a volunteer, not a site.
    let wrong = nominate(
        &app,
        &t.zj_admin,
        json!({"kind": "model_volunteer", "level": "provincial", "target_type": "site", "target_id": w.site, "citation": "好"}),
    )
    .await;
    assert_problem(
        wrong,
        StatusCode::UNPROCESSABLE_ENTITY,
        "target_not_for_kind",
    )
    .await;
    let auditor = nominate(&app, &t.zj_auditor, model_volunteer("municipal", v)).await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);

    // A county bureau under Hangzhou: its coordinator nominates at municipal level, but the
    // county bureau is below the municipal level and cannot approve.
    let county = app
        .create_org(
            &t.admin,
            json!({"kind": "county_bureau", "name": "西湖区文化和广电旅游体育局", "parent_id": t.hangzhou, "region_code": "330106"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let county_admin = app
        .staff(&t.admin, "xh.admin", "bureau_admin", county)
        .await;
    let county_coordinator = app
        .staff(&t.admin, "xh.coordinator", "coordinator", county)
        .await;
    let lei_feng = nominate(
        &app,
        &county_coordinator,
        json!({"kind": "excellent_project", "level": "municipal", "target_type": "activity",
               "target_id": activity(&app, &county_coordinator, county_site(&app, &county_coordinator).await, json!({})).await,
               "citation": "常年开展社区文艺演出"}),
    )
    .await;
    assert_eq!(lei_feng.status(), StatusCode::CREATED);
    let nomination: Value = lei_feng.json().await.unwrap();
    let approve = |token: &str| {
        let path = format!("/api/v1/commendations/{}/approve", nomination["id"]);
        let token = token.to_string();
        let app = &app;
        async move { app.post(&path, &token, &json!({})).await }
    };
    let below = approve(&county_admin).await;
    let body = assert_problem(below, StatusCode::UNPROCESSABLE_ENTITY, "STAR-03").await;
    assert_eq!(body["errors"][0]["rule"], "STAR-03");
    assert_eq!(
        approve(&t.hz_coordinator).await.status(),
        StatusCode::FORBIDDEN,
        "coordinators nominate, bureaus approve"
    );
    assert_problem(
        approve(&t.xj_admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let hz_admin = app
        .staff(&t.admin, "hz.admin", "bureau_admin", t.hangzhou)
        .await;
    let approved: Value = approve(&hz_admin).await.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["deciding_organization_id"], t.hangzhou);
    assert_problem(
        approve(&t.zj_admin).await,
        StatusCode::CONFLICT,
        "already_decided",
    )
    .await;

    // Zhejiang nominates provincially and decides its own level; a return needs a note.
    let provincial: Value = nominate(&app, &t.zj_admin, model_volunteer("provincial", v))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/commendations/{}/return", provincial["id"]);
    let bare = app.post(&path, &t.zj_admin, &json!({})).await;
    assert_problem(bare, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let returned: Value = app
        .post(&path, &t.zj_admin, &json!({"note": "事迹材料不全"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(returned["status"], "returned");
    assert_eq!(audited(&app, "commendation.nominate"), 2);
    assert_eq!(audited(&app, "commendation.approved"), 1);
    assert_eq!(audited(&app, "commendation.returned"), 1);
    // The volunteer's record shows the commendation.
    let record = get_json(
        &app,
        &format!("/api/v1/volunteers/{v}/conduct"),
        &t.zj_admin,
    )
    .await;
    assert_eq!(record["commendations"][0]["status"], "returned");
}
db_test!(a_nomination_above_the_nominators_level_and_an_approval_below_its_level_are_refused);

async fn county_site(app: &TestApp, token: &str) -> i64 {
    let site: Value = app
        .post(
            "/api/v1/sites",
            token,
            &json!({"name": "西湖区文化站", "kind": "cultural_station", "region_code": "330106", "address": "杭州市西湖区", "location_type": "grassroots", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "文化站"}),
        )
        .await
        .json()
        .await
        .unwrap();
    site["id"].as_i64().expect("site created")
}

/// Commends `volunteer` provincially (Zhejiang nominates and approves).
async fn commend(app: &TestApp, w: &World, volunteer: i64) {
    let c: Value = nominate(app, &w.t.zj_admin, model_volunteer("provincial", volunteer))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/commendations/{}/approve", c["id"]),
            &w.t.zj_admin,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn get_public(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn public_pages_show_no_id_number_mobile_or_unconsented_name(app: TestApp) {
    let w = world(&app).await;
    let consenting = volunteer(&app, &w, "张三丰", 11, |_| {}).await;
    let private = volunteer(&app, &w, "李四海", 12, |b| {
        b["mobile"] = json!("13912345678")
    })
    .await;
    let (c_id, p_id) = (
        consenting["id"].as_i64().unwrap(),
        private["id"].as_i64().unwrap(),
    );
    let me = login_as(&app, &consenting, "zhang.sanfeng").await;
    let consent = put(
        &app,
        &format!("/api/v1/volunteers/{c_id}/honour-publication"),
        &me,
        &json!({"consent": true}),
    )
    .await;
    assert_eq!(consent.status(), StatusCode::OK);
    // Only the volunteer consents for themselves.
    let for_them = put(
        &app,
        &format!("/api/v1/volunteers/{p_id}/honour-publication"),
        &w.t.zj_admin,
        &json!({"consent": true}),
    )
    .await;
    assert_eq!(for_them.status(), StatusCode::FORBIDDEN);
    commend(&app, &w, c_id).await;
    commend(&app, &w, p_id).await;
    // A Lei Feng post at the site, and a published activity for the column.
    let post: Value = nominate(
        &app,
        &w.t.zj_admin,
        json!({"kind": "lei_feng_post", "level": "provincial", "target_type": "site", "target_id": w.site, "citation": "社区雷锋岗"}),
    )
    .await
    .json()
    .await
    .unwrap();
    app.post(
        &format!("/api/v1/commendations/{}/approve", post["id"]),
        &w.t.zj_admin,
        &json!({}),
    )
    .await;
    activity(
        &app,
        &w.t.hz_coordinator,
        w.site,
        json!({"target_groups": ["elderly"]}),
    )
    .await;

    let honours = get_public(&app, "/api/v1/public/honours").await;
    assert_eq!(honours.0, StatusCode::OK);
    let list: Value = serde_json::from_str(&honours.1).unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["张三丰", "李**", "西湖区某社区文化家园"]);
    let activities = get_public(
        &app,
        "/api/v1/public/activities?region=33&form=performance&target_group=elderly",
    )
    .await;
    let found: Value = serde_json::from_str(&activities.1).unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["items"][0]["organiser"], "杭州市文化广电旅游局");
    let elsewhere = get_public(&app, "/api/v1/public/activities?region=65").await;
    assert_eq!(
        serde_json::from_str::<Value>(&elsewhere.1).unwrap()["items"],
        json!([])
    );
    let bad = get_public(&app, "/api/v1/public/activities?region=3x").await;
    assert_eq!(bad.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Every public answer, page by page, scanned for personal data.
    let mut bodies = vec![honours.1, activities.1, elsewhere.1];
    for path in [
        "/api/v1/public/activities",
        "/api/v1/public/honours?kind=model_volunteer",
        "/api/v1/public/honours?level=provincial",
    ] {
        let mut next = format!(
            "{path}{}limit=1",
            if path.contains('?') { "&" } else { "?" }
        );
        loop {
            let (status, body) = get_public(&app, &next).await;
            assert_eq!(status, StatusCode::OK, "{next}");
            let page: Value = serde_json::from_str(&body).unwrap();
            bodies.push(body);
            match page["next_cursor"].as_str() {
                Some(c) => {
                    next = format!(
                        "{path}{}limit=1&cursor={c}",
                        if path.contains('?') { "&" } else { "?" }
                    )
                }
                None => break,
            }
        }
    }
    let secrets = [
        crate::helpers::resident_id("330106", "19900101", 11),
        crate::helpers::resident_id("330106", "19900101", 12),
        "13800138000".to_string(),
        "138-0013-8000".to_string(),
        "13912345678".to_string(),
        "李四海".to_string(),
        "四海".to_string(),
    ];
    for body in &bodies {
        for secret in &secrets {
            assert!(!body.contains(secret.as_str()), "{secret} in {body}");
        }
    }
    assert!(bodies.len() >= 9, "the pages were walked: {}", bodies.len());
}
db_test!(public_pages_show_no_id_number_mobile_or_unconsented_name);
