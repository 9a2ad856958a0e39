//! The reverse flow (SR-05): an inland host's training-base event, nominations by the bureaus
//! of invited border provinces, attendance, certificates, and who sees what.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{training_base_events, training_base_trainees};

use crate::db_test;
use crate::dispatch::get_json;
use crate::helpers::{TestApp, assert_problem};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn counts(app: &TestApp) -> (i64, i64) {
    let mut conn = app.state.pool.get().unwrap();
    (
        training_base_events::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
        training_base_trainees::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
    )
}

fn event_body() -> Value {
    json!({
        "title": "春雨工程·浙江培训基地 基层文化骨干研修班",
        "description": "群众文艺创作与公共文化服务",
        "place": "浙江省文化馆",
        "starts_on": "2026-07-10",
        "ends_on": "2026-07-12",
        "capacity": 2,
        "invited_provinces": ["65", "54"]
    })
}

fn nominee(name: &str, mobile: &str, region: &str) -> Value {
    json!({"name": name, "mobile": mobile, "work_unit": "乡镇综合文化站", "post": "站长", "region_code": region})
}

async fn body(res: reqwest::Response, status: StatusCode) -> Value {
    let got = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn the_reverse_flow_runs_from_nomination_to_certificate(app: TestApp) {
    app.state.clock.set(at("2026-07-01T02:00:00Z"));
    let t = app.two_provinces().await;
    let tibet = app.bureau_id(&t.admin, "540000").await;
    let fujian = app.bureau_id(&t.admin, "350000").await;
    let xz_admin = app.staff(&t.admin, "xz.admin", "bureau_admin", tibet).await;
    let fj_admin = app
        .staff(&t.admin, "fj.admin", "bureau_admin", fujian)
        .await;

    // Bad input changes nothing: dates the wrong way round, a non-receiving province.
    let mut bad = event_body();
    bad["ends_on"] = json!("2026-07-09");
    bad["invited_provinces"] = json!(["65", "33"]);
    let problem = assert_problem(
        app.post("/api/v1/training-base/events", &t.hz_coordinator, &bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["ends_on", "invited_provinces[1]"]);
    assert_eq!(problem["errors"][1]["code"], "SR-05");
    // A border province does not host the reverse flow.
    assert_problem(
        app.post("/api/v1/training-base/events", &t.xj_admin, &event_body())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "SR-05",
    )
    .await;
    assert_eq!(counts(&app), (0, 0));

    let event = body(
        app.post(
            "/api/v1/training-base/events",
            &t.hz_coordinator,
            &event_body(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(event["host_province"], "33");
    assert_eq!(event["invited_provinces"], json!(["65", "54"]));
    let id = event["id"].as_i64().unwrap();
    let event_url = format!("/api/v1/training-base/events/{id}");
    let trainees_url = format!("{event_url}/trainees");

    // Seen by the host's subtree and the invited bureaus; Fujian gets 404.
    for token in [&t.hz_coordinator, &t.zj_admin, &t.xj_admin, &xz_admin] {
        assert_eq!(app.get(&event_url, token).await.status(), StatusCode::OK);
    }
    assert_problem(
        app.get(&event_url, &fj_admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(
            &trainees_url,
            &fj_admin,
            &nominee("林某", "13900002222", "350102"),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Nominations: Xinjiang's staff from Xinjiang only, one person once.
    let bad_region = nominee("阿依古丽", "13900001111", "540102");
    let problem = assert_problem(
        app.post(&trainees_url, &t.xj_admin, &bad_region).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "region_code");
    let mut no_mobile = nominee("阿依古丽", "12345", "653101");
    no_mobile["name"] = json!("");
    assert_problem(
        app.post(&trainees_url, &t.xj_admin, &no_mobile).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(counts(&app), (1, 0));
    let uyghur = body(
        app.post(
            &trainees_url,
            &t.xj_admin,
            &nominee("阿依古丽", "13900001111", "653101"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(uyghur["mobile_masked"], "139****1111");
    assert_eq!(uyghur["attended"], Value::Null);
    assert_problem(
        app.post(
            &trainees_url,
            &t.xj_admin,
            &nominee("阿依古丽", "139 0000 1111", "653101"),
        )
        .await,
        StatusCode::CONFLICT,
        "already_nominated",
    )
    .await;
    // The host's own bureau is not invited: it may not nominate its staff (SR-05).
    let problem = assert_problem(
        app.post(
            &trainees_url,
            &t.zj_admin,
            &nominee("王某", "13900003333", "330106"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "SR-05");
    let tibetan = body(
        app.post(
            &trainees_url,
            &xz_admin,
            &nominee("次仁卓玛", "13900004444", "540102"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_problem(
        app.post(
            &trainees_url,
            &xz_admin,
            &nominee("扎西", "13900005555", "540102"),
        )
        .await,
        StatusCode::CONFLICT,
        "event_full",
    )
    .await;
    assert_eq!(counts(&app), (1, 2));
    // Personal data is encrypted at rest.
    assert!(!app.database_contains("13900001111"));
    assert!(!app.database_contains("阿依古丽"));

    // The host sees every trainee; a bureau its own nominees only.
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = body(
        app.get(&trainees_url, &t.hz_coordinator).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&all), ["阿依古丽", "次仁卓玛"]);
    let own = body(app.get(&trainees_url, &t.xj_admin).await, StatusCode::OK).await;
    assert_eq!(names(&own), ["阿依古丽"]);

    // Attendance: the host, from the first day; another bureau's nominee is invisible.
    let (uy, tb) = (
        uyghur["id"].as_i64().unwrap(),
        tibetan["id"].as_i64().unwrap(),
    );
    let attend = |id: i64| format!("/api/v1/training-base/trainees/{id}/attendance");
    let certify = |id: i64| format!("/api/v1/training-base/trainees/{id}/certificate");
    let present = json!({"attended": true});
    assert_problem(
        app.post(&attend(uy), &t.hz_coordinator, &present).await,
        StatusCode::CONFLICT,
        "too_early",
    )
    .await;
    app.state.clock.set(at("2026-07-10T01:00:00Z"));
    assert_problem(
        app.post(
            &trainees_url,
            &xz_admin,
            &nominee("扎西", "13900005555", "540102"),
        )
        .await,
        StatusCode::CONFLICT,
        "too_late",
    )
    .await;
    assert_problem(
        app.post(&attend(uy), &xz_admin, &present).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(&attend(uy), &t.xj_admin, &present).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&attend(uy), &t.hz_coordinator, &json!({"attended": "yes"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let marked = body(
        app.post(&attend(uy), &t.hz_coordinator, &present).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(marked["attended"], true);
    body(
        app.post(&attend(tb), &t.hz_coordinator, &json!({"attended": false}))
            .await,
        StatusCode::OK,
    )
    .await;

    // Certificates: from the last day, to those present, once.
    assert_problem(
        app.post(&certify(uy), &t.hz_coordinator, &json!({})).await,
        StatusCode::CONFLICT,
        "too_early",
    )
    .await;
    app.state.clock.set(at("2026-07-12T08:00:00Z"));
    let issued = body(
        app.post(&certify(uy), &t.hz_coordinator, &json!({})).await,
        StatusCode::OK,
    )
    .await;
    let number = issued["certificate_no"].as_str().unwrap().to_string();
    assert_eq!(number, format!("SR05-33-2026-{uy:06}"));
    assert_eq!(issued["certificate_issued_on"], "2026-07-12");
    assert_problem(
        app.post(&certify(uy), &t.hz_coordinator, &json!({})).await,
        StatusCode::CONFLICT,
        "certificate_issued",
    )
    .await;
    assert_problem(
        app.post(&certify(tb), &t.hz_coordinator, &json!({})).await,
        StatusCode::CONFLICT,
        "not_attended",
    )
    .await;
    assert_problem(
        app.post(&attend(uy), &t.hz_coordinator, &json!({"attended": false}))
            .await,
        StatusCode::CONFLICT,
        "certificate_issued",
    )
    .await;
    // The nominating bureau sees the certificate; anyone may verify the number.
    let own = body(app.get(&trainees_url, &t.xj_admin).await, StatusCode::OK).await;
    assert_eq!(own[0]["certificate_no"], number.as_str());
    let check = body(
        app.client_at("127.0.0.9")
            .get(app.url(&format!(
                "/api/v1/public/training-base-certificates/{number}"
            )))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(check["name_masked"], "阿***");
    assert_eq!(check["host_province"], "33");

    // The edition report's count: attended trainees per (hosting province, trainees'
    // province), grouped in SQL; the absent Tibetan trainee is not counted.
    let mut conn = app.state.pool.get().unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let present = springrain::db::training_base::attended_by_province_pair(
        &mut conn,
        day(2026, 1, 1),
        day(2026, 12, 31),
    )
    .unwrap();
    assert_eq!(present, [("33".into(), "65".into(), 1)]);
    let none = springrain::db::training_base::attended_by_province_pair(
        &mut conn,
        day(2027, 1, 1),
        day(2027, 12, 31),
    )
    .unwrap();
    assert!(none.is_empty());
    drop(conn);

    // The edition report shows the attended trainee on the Zhejiang–Xinjiang pilot pairing;
    // Zhejiang hosts no event for Tibet's pairings, so theirs stay 0.
    let admin = app.admin_token().await;
    let pairings = get_json(&app, "/api/v1/spring-rain/pairings?limit=200", &admin).await;
    let ids: Vec<i64> = pairings["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let res = app
        .post(
            "/api/v1/spring-rain/editions",
            &admin,
            &json!({"year": 2026, "title": "2026年春雨工程", "theme": "文化润边", "plans_due_on": "2026-03-31"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let edition = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for id in ids {
        let url = format!("/api/v1/spring-rain/editions/{edition}/pairings");
        let res = app.post(&url, &admin, &json!({"pairing_id": id})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let report = get_json(
        &app,
        &format!("/api/v1/spring-rain/editions/{edition}/report"),
        &admin,
    )
    .await;
    let trainees: Vec<(String, String, i64)> = report["pairings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sending_province"].as_str().unwrap().to_string(),
                p["receiving_region"].as_str().unwrap().to_string(),
                p["reverse_flow_trainees"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        trainees.contains(&("330000".into(), "650000".into(), 1)),
        "{trainees:?}"
    );
    assert!(
        trainees.contains(&("350000".into(), "540000".into(), 0)),
        "{trainees:?}"
    );
    assert!(
        trainees.contains(&("110000".into(), "650000".into(), 0)),
        "{trainees:?}"
    );
}
db_test!(the_reverse_flow_runs_from_nomination_to_certificate);
