//! Spring Rain as a programme (issue 9): editions, pairings (SR-03) with SR-01's refusals,
//! deployments that agree with their pairing and edition (SR-02 action types), the SR-04
//! warning at its boundary minute, the season's batch plan and the edition report.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{assignments, service_records};

use crate::db_test;
use crate::dispatch::{World, activity, get_json, kashgar_site, login_as, volunteer, world};
use crate::helpers::{TestApp, assert_problem};

/// The ministry creates an edition for `year` and enrols `pairings`; `open` opens it.
async fn edition(app: &TestApp, admin: &str, year: i32, pairings: &[i64], open: bool) -> i64 {
    let res = app
        .post(
            "/api/v1/spring-rain/editions",
            admin,
            &json!({"year": year, "title": format!("{year}年春雨工程"), "theme": "文化润边", "plans_due_on": format!("{year}-03-31")}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for p in pairings {
        let res = app
            .post(
                &format!("/api/v1/spring-rain/editions/{id}/pairings"),
                admin,
                &json!({"pairing_id": p}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    if open {
        let res = app
            .post(
                &format!("/api/v1/spring-rain/editions/{id}/open"),
                admin,
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    id
}

/// The id of the pairing from `sending` to `receiving` (province codes).
async fn pairing_id(app: &TestApp, token: &str, sending: &str, receiving: &str) -> i64 {
    let page = get_json(app, "/api/v1/spring-rain/pairings?limit=200", token).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sending_province"] == sending && p["receiving_region"] == receiving)
        .unwrap_or_else(|| panic!("pairing {sending} → {receiving}"))["id"]
        .as_i64()
        .unwrap()
}

async fn create_pairing(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/spring-rain/pairings", token, &body).await
}

/// The first field error of a 422 `validation_failed` answer: (field, code).
async fn first_error(res: reqwest::Response) -> (String, String) {
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let e = &problem["errors"][0];
    (
        e["field"].as_str().unwrap_or_default().to_string(),
        e["code"].as_str().unwrap().to_string(),
    )
}

/// A deployment body from Zhejiang to `site`, four days in 2030, with `extra` merged.
fn deployment(site: &Value, extra: Value) -> Value {
    let mut body = json!({"site_id": site["id"], "title": "春雨工程·大舞台", "category": "grassroots_culture", "form": "performance",
        "programme": "spring_rain", "sending_province": "330000", "starts_at": "2030-07-01T02:00:00Z", "ends_at": "2030-07-05T10:00:00Z", "headcount_max": 20});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn the_2010_pilot_pairings_load_with_the_reference_data(app: TestApp) {
    let t = app.two_provinces().await;
    let page = get_json(&app, "/api/v1/spring-rain/pairings", &t.zj_auditor).await;
    let routes: Vec<(String, String, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sending_province"].as_str().unwrap().to_string(),
                p["receiving_region"].as_str().unwrap().to_string(),
                p["start_year"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("110000", "650000"),
        ("330000", "650000"),
        ("350000", "540000"),
        ("500000", "540000"),
    ]
    .map(|(s, r)| (s.to_string(), r.to_string(), 2010));
    assert_eq!(routes, expected);
    let xinjiang = get_json(
        &app,
        "/api/v1/spring-rain/pairings?province=650000",
        &t.xj_admin,
    )
    .await;
    assert_eq!(xinjiang["items"].as_array().unwrap().len(), 2);
}
db_test!(the_2010_pilot_pairings_load_with_the_reference_data);

async fn editions_go_from_planning_to_open_to_closed_and_no_other_way(app: TestApp) {
    let t = app.two_provinces().await;
    let body = json!({"year": 2030, "title": "2030年春雨工程", "theme": "文化润边", "plans_due_on": "2030-03-31"});
    let by_bureau = app
        .post("/api/v1/spring-rain/editions", &t.zj_admin, &body)
        .await;
    assert_eq!(by_bureau.status(), StatusCode::FORBIDDEN);
    let id = edition(&app, &t.admin, 2030, &[], false).await;
    let again = app
        .post("/api/v1/spring-rain/editions", &t.admin, &body)
        .await;
    assert_problem(again, StatusCode::CONFLICT, "edition_year_taken").await;
    let read = get_json(
        &app,
        &format!("/api/v1/spring-rain/editions/{id}"),
        &t.hz_coordinator,
    )
    .await;
    assert_eq!(
        (&read["status"], &read["plans_due_on"]),
        (&json!("planning"), &json!("2030-03-31"))
    );
    let step = |verb: &'static str, token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/spring-rain/editions/{id}/{verb}"),
                &token,
                &json!({}),
            )
            .await
        }
    };
    assert_problem(
        step("close", t.admin.clone()).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(
        step("open", t.zj_admin.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let opened: Value = step("open", t.admin.clone()).await.json().await.unwrap();
    assert_eq!(opened["status"], "open");
    assert_problem(
        step("open", t.admin.clone()).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let closed: Value = step("close", t.admin.clone()).await.json().await.unwrap();
    assert_eq!(closed["status"], "closed");
    assert_problem(
        step("open", t.admin.clone()).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let pilot = pairing_id(&app, &t.admin, "330000", "650000").await;
    let late = app
        .post(
            &format!("/api/v1/spring-rain/editions/{id}/pairings"),
            &t.admin,
            &json!({"pairing_id": pilot}),
        )
        .await;
    assert_problem(late, StatusCode::CONFLICT, "edition_closed").await;
    let listed = get_json(&app, "/api/v1/spring-rain/editions", &t.zj_auditor).await;
    assert_eq!(listed["items"][0]["id"], id);
}
db_test!(editions_go_from_planning_to_open_to_closed_and_no_other_way);

/// SR-01 through the pairings API, a border sender with and without the override and its
/// reason; SR-03: a pairing is sent by a province, once.
async fn pairings_refused_by_sr01_name_the_rule(app: TestApp) {
    let t = app.two_provinces().await;
    let cases = [
        (
            json!({"sending_province": "330000", "receiving_region": "440000", "start_year": 2030}),
            ("receiving_region", "SR-01"),
        ),
        (
            json!({"sending_province": "650000", "receiving_region": "653100", "start_year": 2030}),
            ("sending_province", "SR-01"),
        ),
        (
            json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030}),
            ("sending_province", "SR-01"),
        ),
        (
            json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030, "intra_border_override": true}),
            ("override_reason", "SR-01"),
        ),
        (
            json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030, "intra_border_override": true, "override_reason": " "}),
            ("override_reason", "SR-01"),
        ),
        (
            json!({"sending_province": "330100", "receiving_region": "540000", "start_year": 2030}),
            ("sending_province", "SR-03"),
        ),
    ];
    for (body, (field, code)) in cases {
        let got = first_error(create_pairing(&app, &t.admin, body.clone()).await).await;
        assert_eq!(got, (field.to_string(), code.to_string()), "{body}");
    }
    let yunnan = create_pairing(
        &app,
        &t.admin,
        json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030,
            "intra_border_override": true, "override_reason": "滇藏毗邻，藏族文化相通"}),
    )
    .await;
    assert_eq!(yunnan.status(), StatusCode::CREATED);
    let yunnan: Value = yunnan.json().await.unwrap();
    assert_eq!(
        (&yunnan["intra_border_override"], &yunnan["override_reason"]),
        (&json!(true), &json!("滇藏毗邻，藏族文化相通"))
    );
    let twice = create_pairing(
        &app,
        &t.admin,
        json!({"sending_province": "330000", "receiving_region": "650000", "start_year": 2031}),
    )
    .await;
    assert_problem(twice, StatusCode::CONFLICT, "pairing_exists").await;
    let by_bureau = create_pairing(
        &app,
        &t.zj_admin,
        json!({"sending_province": "330000", "receiving_region": "540000", "start_year": 2030}),
    )
    .await;
    assert_eq!(by_bureau.status(), StatusCode::FORBIDDEN);
    // Chinese clients read the rule in Chinese; the code stays.
    let zh = app
        .client
        .post(app.url("/api/v1/spring-rain/pairings"))
        .bearer_auth(&t.admin)
        .header("Accept-Language", "zh-CN")
        .json(&json!({"sending_province": "330000", "receiving_region": "440000", "start_year": 2030}))
        .send()
        .await
        .unwrap();
    let zh: Value = zh.json().await.unwrap();
    assert_eq!(zh["errors"][0]["code"], "SR-01");
    assert!(
        zh["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("春雨工程")
    );
}
db_test!(pairings_refused_by_sr01_name_the_rule);

/// SR-02 and SR-03 on deployments: the pairing agrees with the sending province and the site,
/// the edition is open and the pairing takes part in it; the optional action type.
async fn deployments_agree_with_their_pairing_and_join_only_an_open_edition(app: TestApp) {
    let w = world(&app).await;
    let t = &w.t;
    let zx = pairing_id(&app, &t.admin, "330000", "650000").await;
    let bx = pairing_id(&app, &t.admin, "110000", "650000").await;
    let planning = edition(&app, &t.admin, 2030, &[zx], false).await;
    let open = edition(&app, &t.admin, 2031, &[zx, bx], true).await;
    let kashgar = kashgar_site(&app, &t.hz_coordinator).await;
    let post = |body: Value| {
        let app = &app;
        let token = t.hz_coordinator.clone();
        async move { app.post("/api/v1/activities", &token, &body).await }
    };
    let cases = [
        (
            json!({"edition_id": planning, "pairing_id": zx}),
            ("edition_id", "edition_not_open"),
        ),
        (json!({"edition_id": open}), ("pairing_id", "SR-03")),
        (
            json!({"edition_id": open, "pairing_id": bx}),
            ("pairing_id", "SR-03"),
        ),
        (
            json!({"pairing_id": zx, "form": "reading"}),
            ("form", "SR-02"),
        ),
        (
            json!({"sending_province": "110000", "pairing_id": bx}),
            ("sending_province", "not_sending_side"),
        ),
    ];
    for (extra, (field, code)) in cases {
        let got = first_error(post(deployment(&kashgar, extra.clone())).await).await;
        assert_eq!(got, (field.to_string(), code.to_string()), "{extra}");
    }
    let lhasa: Value = app
        .post(
            "/api/v1/sites",
            &t.hz_coordinator,
            &json!({"name": "拉萨某社区", "kind": "community", "region_code": "540102", "address": "拉萨", "location_type": "community", "contact": "社区"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let outside = first_error(
        post(deployment(
            &lhasa,
            json!({"edition_id": open, "pairing_id": zx}),
        ))
        .await,
    )
    .await;
    assert_eq!(outside, ("pairing_id".into(), "SR-03".into()));
    // SR-02 (from 2023): the action type is accepted on a deployment, refused elsewhere.
    let ok = post(deployment(
        &kashgar,
        json!({"edition_id": open, "pairing_id": zx, "action_type": "heritage"}),
    ))
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!(
        (&ok["edition_id"], &ok["pairing_id"], &ok["action_type"]),
        (&json!(open), &json!(zx), &json!("heritage"))
    );
    let unknown = post(deployment(&kashgar, json!({"action_type": "tourism"}))).await;
    let unknown = assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "action_type", "{unknown}");
    let general = json!({"site_id": w.site, "title": "读书会", "category": "grassroots_culture", "form": "reading",
        "starts_at": "2030-01-01T02:00:00Z", "ends_at": "2030-01-01T04:00:00Z", "headcount_max": 3, "action_type": "heritage"});
    assert_eq!(
        first_error(post(general).await).await,
        ("action_type".into(), "spring_rain_only".into())
    );
    // Closing the edition freezes its deployments: edits go on, new ones are refused.
    app.post(
        &format!("/api/v1/spring-rain/editions/{open}/close"),
        &t.admin,
        &json!({}),
    )
    .await;
    let late = post(deployment(
        &kashgar,
        json!({"edition_id": open, "pairing_id": zx}),
    ))
    .await;
    assert_eq!(
        first_error(late).await,
        ("edition_id".into(), "edition_not_open".into())
    );
    let edit = app
        .client
        .patch(app.url(&format!("/api/v1/activities/{}", ok["id"])))
        .bearer_auth(&t.hz_coordinator)
        .header("If-Match", format!("\"{}\"", ok["version"]))
        .json(&json!({"title": "春雨工程·非遗展演"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        edit.status(),
        StatusCode::OK,
        "{}",
        edit.text().await.unwrap()
    );
}
db_test!(deployments_agree_with_their_pairing_and_join_only_an_open_edition);

/// SR-01 on deployments: a border province sends only under a pairing that carries the
/// override and its reason.
async fn a_border_province_sends_only_under_an_override_pairing(app: TestApp) {
    let t = app.two_provinces().await;
    let yunnan = app.bureau_id(&t.admin, "530000").await;
    let kunming = app
        .staff(&t.admin, "km.coordinator", "coordinator", yunnan)
        .await;
    let pairing: Value = create_pairing(
        &app,
        &t.admin,
        json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030,
            "intra_border_override": true, "override_reason": "滇藏毗邻，藏族文化相通"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let season = edition(
        &app,
        &t.admin,
        2030,
        &[pairing["id"].as_i64().unwrap()],
        true,
    )
    .await;
    let site: Value = app
        .post(
            "/api/v1/sites",
            &kunming,
            &json!({"name": "昌都某乡文化站", "kind": "border_township", "region_code": "540302", "address": "昌都", "location_type": "rural", "contact": "文化站"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let body = |extra: Value| {
        let mut b = deployment(&site, extra);
        b["sending_province"] = json!("530000");
        b
    };
    let without = app
        .post("/api/v1/activities", &kunming, &body(json!({})))
        .await;
    assert_eq!(
        first_error(without).await,
        ("sending_province".into(), "SR-01".into())
    );
    let with = app
        .post(
            "/api/v1/activities",
            &kunming,
            &body(json!({"edition_id": season, "pairing_id": pairing["id"]})),
        )
        .await;
    assert_eq!(with.status(), StatusCode::CREATED);
}
db_test!(a_border_province_sends_only_under_an_override_pairing);

/// SR-04 through the API: exactly 15 days carries no warning, 15 days and a minute does.
async fn the_sr04_warning_starts_one_minute_past_15_days(app: TestApp) {
    let w = world(&app).await;
    let site = kashgar_site(&app, &w.t.hz_coordinator).await;
    let warnings = |ends: &'static str| {
        let app = &app;
        let body = deployment(&site, json!({"ends_at": ends}));
        let token = w.t.hz_coordinator.clone();
        async move {
            let res = app.post("/api/v1/activities", &token, &body).await;
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()["warnings"].clone()
        }
    };
    assert_eq!(warnings("2030-07-16T02:00:00Z").await, json!([]));
    let flagged = warnings("2030-07-16T02:01:00Z").await;
    assert_eq!(
        (&flagged[0]["code"], &flagged[0]["field"]),
        (&json!("SR-04"), &json!("ends_at"))
    );
    assert_eq!(flagged.as_array().unwrap().len(), 1);
}
db_test!(the_sr04_warning_starts_one_minute_past_15_days);

/// A published deployment of `season` under `pairing` at `site`, with `extra` merged.
async fn published(
    app: &TestApp,
    w: &World,
    site: &Value,
    season: i64,
    pairing: i64,
    extra: Value,
) -> i64 {
    let mut fields = json!({"programme": "spring_rain", "sending_province": "330000", "edition_id": season, "pairing_id": pairing});
    for (k, v) in extra.as_object().unwrap() {
        fields[k] = v.clone();
    }
    activity(
        app,
        &w.t.hz_coordinator,
        site["id"].as_i64().unwrap(),
        fields,
    )
    .await
}

async fn a_season_plan_covers_the_open_deployments_the_caller_organises(app: TestApp) {
    let w = world(&app).await;
    let t = &w.t;
    let zx = pairing_id(&app, &t.admin, "330000", "650000").await;
    let season = edition(&app, &t.admin, 2030, &[zx], true).await;
    let other = edition(&app, &t.admin, 2031, &[zx], true).await;
    let site = kashgar_site(&app, &t.hz_coordinator).await;
    let first = published(&app, &w, &site, season, zx, json!({})).await;
    let second = published(&app, &w, &site, season, zx, json!({"form": "lecture"})).await;
    published(&app, &w, &site, other, zx, json!({})).await;
    // A draft is not open yet.
    let draft = app
        .post(
            "/api/v1/activities",
            &t.hz_coordinator,
            &deployment(&site, json!({"edition_id": season, "pairing_id": zx})),
        )
        .await;
    assert_eq!(draft.status(), StatusCode::CREATED);
    let res = app
        .post(
            &format!("/api/v1/spring-rain/editions/{season}/plans"),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let plan: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/dispatch/plans/{}", plan["id"]));
    let planned: Vec<i64> = plan["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_id"].as_i64().unwrap())
        .collect();
    assert_eq!(planned, [first, second]);
    assert_eq!(plan["status"], "proposed");
    // The plan is an ordinary plan: read and committed where every plan is.
    let read = get_json(&app, &location, &t.hz_coordinator).await;
    assert_eq!(read["id"], plan["id"]);
    // Xinjiang receives these teams but does not organise them.
    let receiving = app
        .post(
            &format!("/api/v1/spring-rain/editions/{season}/plans"),
            &t.xj_admin,
            &json!({}),
        )
        .await;
    assert_problem(receiving, StatusCode::CONFLICT, "no_open_deployments").await;
    let auditor = app
        .post(
            &format!("/api/v1/spring-rain/editions/{season}/plans"),
            &t.zj_auditor,
            &json!({}),
        )
        .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
    let planning = edition(&app, &t.admin, 2032, &[zx], false).await;
    let early = app
        .post(
            &format!("/api/v1/spring-rain/editions/{planning}/plans"),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(early, StatusCode::CONFLICT, "edition_not_open").await;
}
db_test!(a_season_plan_covers_the_open_deployments_the_caller_organises);

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// An assignment of `volunteer` on `activity` in `status`, as dispatch would leave it.
fn assignment(app: &TestApp, org_path: &str, activity: i64, volunteer: i64, status: &str) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    let start = at("2030-07-01 02:00");
    diesel::insert_into(assignments::table)
        .values((
            assignments::activity_id.eq(activity),
            assignments::volunteer_id.eq(volunteer),
            assignments::org_path.eq(org_path),
            assignments::status.eq(status),
            assignments::starts_at.eq(start),
            assignments::ends_at.eq(start + Duration::hours(4)),
            assignments::offered_at.eq(start),
            assignments::break_minutes.eq(0),
            assignments::updated_at.eq(start),
        ))
        .returning(assignments::id)
        .get_result(&mut *conn)
        .unwrap()
}

/// A verified record of `minutes` for the assignment, version `version` (the current one
/// when `current`), as verification and corrections write them.
#[allow(clippy::too_many_arguments)]
fn record(
    app: &TestApp,
    w: &World,
    org_path: &str,
    (activity, assignment, volunteer): (i64, i64, i64),
    minutes: i32,
    version: i32,
    current: bool,
) {
    let mut conn = app.state.pool.get().unwrap();
    let start = at("2030-07-01 02:00");
    diesel::insert_into(service_records::table)
        .values((
            service_records::record_key.eq(assignment),
            service_records::version.eq(version),
            service_records::is_current.eq(current),
            service_records::assignment_id.eq(assignment),
            service_records::volunteer_id.eq(volunteer),
            service_records::activity_id.eq(activity),
            service_records::organization_id.eq(w.t.hangzhou),
            service_records::org_path.eq(org_path),
            service_records::activity_title.eq("春雨工程"),
            service_records::region_code.eq("653101"),
            service_records::service_date.eq(start.date()),
            service_records::started_at.eq(start),
            service_records::ended_at.eq(start + Duration::minutes(i64::from(minutes))),
            service_records::break_minutes.eq(0),
            service_records::minutes.eq(minutes),
            service_records::content.eq("演出"),
            service_records::recorded_at.eq(start),
        ))
        .execute(&mut *conn)
        .unwrap();
}

async fn people_reached(app: &TestApp, token: &str, activity: i64, counts: Value) {
    let started = app
        .post(
            &format!("/api/v1/activities/{activity}/start"),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    let res = app
        .client
        .put(app.url(&format!("/api/v1/activities/{activity}/people-reached")))
        .bearer_auth(token)
        .json(&json!({ "counts": counts }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["counts"], counts);
}

/// Acceptance 5: the report's figures match a hand count, as JSON and as CSV; each province
/// sees the pairings it sends or receives.
async fn the_edition_report_matches_a_hand_count(app: TestApp) {
    let w = world(&app).await;
    let t = &w.t;
    let zx = pairing_id(&app, &t.admin, "330000", "650000").await;
    let zt: Value = create_pairing(
        &app,
        &t.admin,
        json!({"sending_province": "330000", "receiving_region": "540000", "start_year": 2026}),
    )
    .await
    .json()
    .await
    .unwrap();
    let zt = zt["id"].as_i64().unwrap();
    let season = edition(&app, &t.admin, 2030, &[zx, zt], true).await;
    let kashgar = kashgar_site(&app, &t.hz_coordinator).await;
    let lhasa: Value = app
        .post(
            "/api/v1/sites",
            &t.hz_coordinator,
            &json!({"name": "拉萨某社区", "kind": "community", "region_code": "540102", "address": "拉萨", "location_type": "community", "contact": "社区"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hz_path = format!("/1/{}/{}/", t.zhejiang, t.hangzhou);
    let mut people = Vec::new();
    for (name, seq) in [("甲", 1), ("乙", 2), ("丙", 3)] {
        people.push(volunteer(&app, &w, name, seq, |_| {}).await);
    }
    let ids: Vec<i64> = people.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    let (va, vb, vc) = (ids[0], ids[1], ids[2]);
    // Zhejiang → Xinjiang: a stage show (heritage) with two members and 300 + 240 minutes;
    // a lecture with one offer only (no team); a cancelled show (left out).
    let d1 = published(
        &app,
        &w,
        &kashgar,
        season,
        zx,
        json!({"action_type": "heritage"}),
    )
    .await;
    let d2 = published(&app, &w, &kashgar, season, zx, json!({"form": "lecture"})).await;
    let d4 = published(&app, &w, &kashgar, season, zx, json!({})).await;
    people_reached(
        &app,
        &t.hz_coordinator,
        d1,
        json!({"border_ethnic_communities": 200, "left_behind_children": 30}),
    )
    .await;
    people_reached(&app, &t.hz_coordinator, d2, json!({"elderly": 50})).await;
    // People reached are counted once an activity has started, in known target groups.
    let put = |activity: i64, counts: Value| {
        let app = &app;
        let token = t.hz_coordinator.clone();
        async move {
            app.client
                .put(app.url(&format!("/api/v1/activities/{activity}/people-reached")))
                .bearer_auth(&token)
                .json(&json!({ "counts": counts }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_problem(
        put(d4, json!({"elderly": 5})).await,
        StatusCode::CONFLICT,
        "activity_not_open",
    )
    .await;
    assert_eq!(
        first_error(put(d1, json!({"aliens": 5})).await).await,
        ("counts.aliens".into(), "unknown_target_group".into())
    );
    let cancelled = app
        .post(
            &format!("/api/v1/activities/{d4}/cancel"),
            &t.hz_coordinator,
            &json!({"reason": "天气原因"}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let a1 = assignment(&app, &hz_path, d1, va, "completed");
    let b1 = assignment(&app, &hz_path, d1, vb, "confirmed");
    assignment(&app, &hz_path, d2, va, "offered");
    assignment(&app, &hz_path, d4, vc, "cancelled");
    record(&app, &w, &hz_path, (d1, a1, va), 300, 1, true);
    record(&app, &w, &hz_path, (d1, b1, vb), 240, 1, true);
    // Zhejiang → Tibet: an exhibition (cultural benefit), one member, 90 minutes after a
    // correction of 999.
    let d3 = published(
        &app,
        &w,
        &lhasa,
        season,
        zt,
        json!({"form": "exhibition", "action_type": "cultural_benefit"}),
    )
    .await;
    let c3 = assignment(&app, &hz_path, d3, vc, "completed");
    record(&app, &w, &hz_path, (d3, c3, vc), 999, 1, false);
    record(&app, &w, &hz_path, (d3, c3, vc), 90, 2, true);

    let path = format!("/api/v1/spring-rain/editions/{season}/report");
    let report = get_json(&app, &path, &t.admin).await;
    let rows = report["pairings"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{report}");
    let row = |id: i64| rows.iter().find(|r| r["pairing_id"] == id).unwrap();
    let xj = row(zx);
    assert_eq!(xj["sending_province_name"], "浙江省");
    assert_eq!(xj["receiving_region_name"], "新疆维吾尔自治区");
    assert_eq!(
        [
            &xj["deployments"],
            &xj["teams"],
            &xj["volunteers"],
            &xj["verified_minutes"],
            &xj["verified_hours"]
        ],
        [&json!(2), &json!(1), &json!(2), &json!(540), &json!(9.0)]
    );
    assert_eq!(
        xj["deployments_by_form"],
        json!({"performance": 1, "lecture": 1, "exhibition": 0})
    );
    assert_eq!(
        xj["deployments_by_action_type"],
        json!({"heritage": 1, "unspecified": 1, "cultural_benefit": 0, "art_creation": 0, "public_culture": 0, "industry": 0})
    );
    assert_eq!(xj["people_reached"]["border_ethnic_communities"], 200);
    assert_eq!(xj["people_reached"]["left_behind_children"], 30);
    assert_eq!(xj["people_reached"]["elderly"], 50);
    assert_eq!(xj["people_reached"]["minors"], 0);
    let tibet = row(zt);
    assert_eq!(
        [
            &tibet["deployments"],
            &tibet["teams"],
            &tibet["volunteers"],
            &tibet["verified_minutes"],
            &tibet["verified_hours"]
        ],
        [&json!(1), &json!(1), &json!(1), &json!(90), &json!(1.5)]
    );
    assert_eq!(tibet["deployments_by_form"]["exhibition"], 1);
    assert_eq!(tibet["deployments_by_action_type"]["cultural_benefit"], 1);
    // Xinjiang receives only the first pairing; Zhejiang sends both.
    let xinjiang = get_json(&app, &path, &t.xj_admin).await;
    let seen: Vec<&Value> = xinjiang["pairings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["pairing_id"])
        .collect();
    assert_eq!(seen, [&json!(zx)]);
    let zhejiang = get_json(&app, &path, &t.zj_auditor).await;
    assert_eq!(zhejiang["pairings"].as_array().unwrap().len(), 2);
    // Volunteers have no part in programme reports.
    let me = login_as(&app, &people[0], "jia.volunteer").await;
    assert_eq!(app.get(&path, &me).await.status(), StatusCode::NOT_FOUND);

    // CSV: UTF-8 with a BOM, Chinese headers and names, the same figures.
    let csv = app
        .client
        .get(app.url(&path))
        .bearer_auth(&t.admin)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header = &lines[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}: {text}"))
    };
    let xj_line = lines
        .iter()
        .find(|l| l[col("受援地区")] == "新疆维吾尔自治区")
        .unwrap();
    assert_eq!(xj_line[col("派出省份")], "浙江省");
    assert_eq!(xj_line[col("团队数")], "1");
    assert_eq!(xj_line[col("志愿者人数")], "2");
    assert_eq!(xj_line[col("核验服务时长（小时）")], "9.0");
    assert_eq!(xj_line[col("大舞台")], "1");
    assert_eq!(xj_line[col("大讲堂")], "1");
    assert_eq!(xj_line[col("行动类型·非遗保护")], "1");
    assert_eq!(xj_line[col("行动类型·未注明")], "1");
    let tibet_line = lines
        .iter()
        .find(|l| l[col("受援地区")] == "西藏自治区")
        .unwrap();
    assert_eq!(tibet_line[col("核验服务时长（小时）")], "1.5");
    assert_eq!(tibet_line[col("大展台")], "1");
    assert!(header.iter().any(|h| h.starts_with("服务人数·")), "{text}");
}
db_test!(the_edition_report_matches_a_hand_count);
