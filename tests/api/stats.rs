//! Statistics and record exchange (issue 11, HRS-07): figures that match a hand count, a
//! bureau that sees its own province only, an export that is scoped, streamed and audited, and
//! sync statuses that move one allowed step at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{activities, assignments, audit_events, star_awards};

use crate::db_test;
use crate::dispatch::{
    World, activity, get_json, kashgar_site, login_as, offer, reschedule, world,
};
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// A volunteer registered by `admin` at `org`, born on `birth`, signed in as `username`.
#[allow(clippy::too_many_arguments)]
async fn signed_in(
    app: &TestApp,
    admin: &str,
    org: i64,
    name: &str,
    area: &str,
    birth: &str,
    seq: u32,
    username: &str,
) -> (i64, String) {
    let mut body = volunteer_body(name, &resident_id(area, birth, seq), area);
    body["organization_id"] = json!(org);
    let v = app.register_volunteer(admin, &body).await;
    let token = login_as(app, &v, username).await;
    (v["id"].as_i64().unwrap(), token)
}

/// The volunteer is offered a place on `activity` (still ahead) and confirms it.
async fn engage(app: &TestApp, staff: &str, activity: i64, volunteer: &(i64, String)) -> i64 {
    let res = offer(app, staff, activity, volunteer.0).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/assignments/{id}/confirm"),
            &volunteer.1,
            &json!({}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    id
}

/// The activity happened on `[starts, ends)` UTC and reached `people`.
async fn happened(app: &TestApp, staff: &str, id: i64, starts: &str, ends: &str, people: Value) {
    reschedule(app, id, at(starts), at(ends));
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(activities::table.find(id))
            .set(activities::status.eq("completed"))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = app
        .client
        .put(app.url(&format!("/api/v1/activities/{id}/people-reached")))
        .bearer_auth(staff)
        .json(&json!({ "counts": people }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

/// The assignment was present from `came` to `left` (UTC) with no break; the organiser
/// `staff` verifies. Returns the record's id.
async fn verified(app: &TestApp, staff: &str, assignment: i64, came: &str, left: &str) -> i64 {
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(assignments::table.find(assignment))
            .set((
                assignments::status.eq("completed"),
                assignments::checked_in_at.eq(at(came)),
                assignments::checked_out_at.eq(at(left)),
                assignments::break_minutes.eq(0),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = app
        .post(
            &format!("/api/v1/assignments/{assignment}/verify"),
            staff,
            &json!({"content": "文艺演出"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let record: Value = res.json().await.unwrap();
    record["record_id"].as_i64().unwrap()
}

struct Fixture {
    w: World,
    /// Hangzhou's three records and Xinjiang's one (record ids).
    hz_records: Vec<i64>,
    xj_record: i64,
}

/// Zhejiang (Hangzhou): three volunteers — A (male, 1990), B (female, 2000), C (never served)
/// — two activities in May and June 2026 (the June one a Spring Rain deployment), records of
/// 150 (A), 120 (B) and 100 (A) minutes, a 1★ granted to A. Xinjiang: one volunteer, one
/// activity, one 90-minute record.
async fn fixture(app: &TestApp) -> Fixture {
    let w = world(app).await;
    let t = &w.t;
    let hz = &t.hz_coordinator;
    let a = signed_in(
        app,
        &t.zj_admin,
        t.hangzhou,
        "甲",
        "330106",
        "19900101",
        1,
        "vol.a",
    )
    .await;
    let b = signed_in(
        app,
        &t.zj_admin,
        t.hangzhou,
        "乙",
        "330106",
        "20000601",
        2,
        "vol.b",
    )
    .await;
    let _c = signed_in(
        app,
        &t.zj_admin,
        t.hangzhou,
        "丙",
        "330106",
        "19800303",
        3,
        "vol.c",
    )
    .await;
    let may = activity(app, hz, w.site, json!({})).await;
    let may_a = engage(app, hz, may, &a).await;
    let may_b = engage(app, hz, may, &b).await;
    happened(
        app,
        hz,
        may,
        "2026-05-01 00:00",
        "2026-05-01 04:00",
        json!({"elderly": 40, "left_behind_children": 12}),
    )
    .await;
    // A Spring Rain deployment (its programme set directly: the programme's own
    // preconditions — pairings, insurance, agreements — are not what is counted here).
    let june = activity(app, hz, w.site, json!({"form": "lecture"})).await;
    let june_a = engage(app, hz, june, &a).await;
    happened(
        app,
        hz,
        june,
        "2026-06-02 00:00",
        "2026-06-02 04:00",
        json!({"border_ethnic_communities": 200, "elderly": 5}),
    )
    .await;
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(activities::table.find(june))
            .set((
                activities::programme.eq("spring_rain"),
                activities::sending_province.eq(Some("330000")),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let hz_records = vec![
        verified(app, hz, may_a, "2026-05-01 01:00", "2026-05-01 03:30").await,
        verified(app, hz, may_b, "2026-05-01 01:00", "2026-05-01 03:00").await,
        verified(app, hz, june_a, "2026-06-02 01:00", "2026-06-02 02:40").await,
    ];
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::insert_into(star_awards::table)
            .values((
                star_awards::volunteer_id.eq(a.0),
                star_awards::level.eq(1),
                star_awards::status.eq("granted"),
                star_awards::award_number.eq(Some("STAR-TEST-1")),
                star_awards::requested_at.eq(at("2026-06-03 00:00")),
                star_awards::decided_at.eq(Some(at("2026-06-04 00:00"))),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    // Xinjiang, by its own bureau.
    let xj = signed_in(
        app, &t.admin, t.xinjiang, "艾力", "653101", "19950505", 7, "vol.xj",
    )
    .await;
    let xj_site = kashgar_site(app, &t.xj_admin).await["id"].as_i64().unwrap();
    let xj_activity = activity(app, &t.xj_admin, xj_site, json!({})).await;
    let xj_a = engage(app, &t.xj_admin, xj_activity, &xj).await;
    happened(
        app,
        &t.xj_admin,
        xj_activity,
        "2026-05-10 00:00",
        "2026-05-10 04:00",
        json!({"elderly": 1000}),
    )
    .await;
    let xj_record = verified(
        app,
        &t.xj_admin,
        xj_a,
        "2026-05-10 01:00",
        "2026-05-10 02:30",
    )
    .await;
    Fixture {
        w,
        hz_records,
        xj_record,
    }
}

/// The rows of `GET /stats/breakdown?by={by}&{period}` as `token` sees them.
async fn breakdown(app: &TestApp, by: &str, period: &str, token: &str) -> Vec<Value> {
    let path = format!("/api/v1/stats/breakdown?by={by}&{period}");
    get_json(app, &path, token).await["rows"]
        .as_array()
        .unwrap()
        .clone()
}

async fn statistics_match_a_hand_count_and_stay_inside_the_province(app: TestApp) {
    let f = fixture(&app).await;
    let t = &f.w.t;
    let period = "from=2026-05-01&to=2026-06-30";
    let zj = get_json(
        &app,
        &format!("/api/v1/stats/overview?{period}"),
        &t.zj_admin,
    )
    .await;
    assert_eq!(zj["volunteers"]["total"], 3, "{zj}");
    assert_eq!(zj["volunteers"]["by_status"], json!({"active": 3}));
    assert_eq!(
        zj["volunteers"]["by_sex"],
        json!({"male": 2, "female": 1}),
        "seq 1 and 3 are odd"
    );
    assert_eq!(
        zj["volunteers"]["by_age_band"],
        json!({"18-29": 1, "30-39": 1, "40-49": 1})
    );
    assert_eq!(zj["volunteers"]["active_in_period"], 2);
    assert_eq!(zj["volunteers"]["trained"], 0);
    assert_eq!(zj["service"]["records"], 3);
    assert_eq!(zj["service"]["verified_minutes"], 150 + 120 + 100);
    assert_eq!(zj["service"]["verified_hours"], 6.2);
    assert_eq!(zj["stars"], json!({"1": 1}));
    assert_eq!(zj["activities"]["held"], 2);
    assert_eq!(zj["activities"]["spring_rain_teams"], 1);
    assert_eq!(
        zj["activities"]["by_form"],
        json!({"performance": 1, "lecture": 1})
    );
    assert_eq!(zj["people_reached_total"], 40 + 12 + 200 + 5);
    let elderly = zj["people_reached"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["target_group"] == "elderly")
        .unwrap();
    assert_eq!(
        (elderly["people"].as_i64(), elderly["activities"].as_i64()),
        (Some(45), Some(2))
    );

    // The period cuts: June only.
    let june = get_json(
        &app,
        "/api/v1/stats/overview?from=2026-06-01&to=2026-06-30",
        &t.zj_admin,
    )
    .await;
    assert_eq!(june["service"]["verified_minutes"], 100);
    assert_eq!(june["volunteers"]["active_in_period"], 1);
    assert_eq!(june["activities"]["held"], 1);

    // Xinjiang sees its own figures only; the ministry sees both provinces.
    let xj = get_json(
        &app,
        &format!("/api/v1/stats/overview?{period}"),
        &t.xj_admin,
    )
    .await;
    assert_eq!(xj["volunteers"]["total"], 1);
    assert_eq!(xj["service"]["verified_minutes"], 90);
    assert_eq!(xj["people_reached_total"], 1000);
    assert_eq!(xj["stars"], json!({}));
    let all = get_json(&app, &format!("/api/v1/stats/overview?{period}"), &t.admin).await;
    assert_eq!(all["volunteers"]["total"], 4);
    assert_eq!(all["service"]["verified_minutes"], 370 + 90);
    assert_eq!(all["activities"]["held"], 3);

    // Breakdowns: per province the ministry sees both, Zhejiang only itself.
    let rows = breakdown(&app, "province", period, &t.admin).await;
    let minutes: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["verified_minutes"].as_i64().unwrap(),
            )
        })
        .filter(|(_, m)| *m > 0)
        .collect();
    assert_eq!(minutes.len(), 2, "{rows:?}");
    assert!(
        minutes.iter().any(|(l, m)| l.contains("浙江") && *m == 370),
        "{minutes:?}"
    );
    assert!(
        minutes.iter().any(|(l, m)| l.contains("新疆") && *m == 90),
        "{minutes:?}"
    );
    let zj_rows = breakdown(&app, "province", period, &t.zj_admin).await;
    assert_eq!(zj_rows.len(), 1, "{zj_rows:?}");
    assert_eq!(zj_rows[0]["volunteers"], 3);
    assert_eq!(zj_rows[0]["active_volunteers"], 2);
    assert_eq!(zj_rows[0]["people_reached"], 257);
    // Per prefecture: Hangzhou holds everything of Zhejiang's.
    let pref = breakdown(&app, "prefecture", period, &t.zj_admin).await;
    let hz: Vec<&Value> = pref
        .iter()
        .filter(|r| r["label"] == "杭州市文化广电旅游局")
        .collect();
    assert_eq!(hz.len(), 1, "{pref:?}");
    assert_eq!(
        (
            hz[0]["service_records"].as_i64(),
            hz[0]["volunteers"].as_i64()
        ),
        (Some(3), Some(3))
    );
    // Per month and per target group.
    let months: Vec<(String, i64, i64)> = breakdown(&app, "month", period, &t.zj_admin)
        .await
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().into(),
                r["verified_minutes"].as_i64().unwrap(),
                r["activities"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [("2026-05".into(), 270, 1), ("2026-06".into(), 100, 1)]
    );
    let groups = breakdown(&app, "target_group", period, &t.zj_admin).await;
    let elderly = groups.iter().find(|r| r["key"] == "elderly").unwrap();
    assert_eq!(
        (
            elderly["people_reached"].as_i64(),
            elderly["activities"].as_i64()
        ),
        (Some(45), Some(2))
    );
    assert_eq!(
        elderly["verified_minutes"],
        Value::Null,
        "records have no target group"
    );
    let programme = breakdown(&app, "programme", period, &t.zj_admin).await;
    let sr = programme
        .iter()
        .find(|r| r["key"] == "spring_rain")
        .unwrap();
    assert_eq!(
        (
            sr["spring_rain_teams"].as_i64(),
            sr["verified_minutes"].as_i64()
        ),
        (Some(1), Some(100))
    );

    // CSV: BOM, Chinese headers and names intact.
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/stats/breakdown?by=prefecture&{period}")))
        .bearer_auth(&t.zj_admin)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM first");
    assert!(
        text.contains("杭州市文化广电旅游局") && text.contains("服务人数"),
        "{text}"
    );
    let overview_csv = app
        .client
        .get(app.url(&format!("/api/v1/stats/overview?{period}")))
        .bearer_auth(&t.zj_admin)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overview_csv.starts_with('\u{feff}') && overview_csv.contains("核验服务时长（分钟）,,370"),
        "{overview_csv}"
    );

    // Bad input: an unknown dimension, a period ending before it starts; volunteers read no
    // statistics.
    assert_problem(
        app.get("/api/v1/stats/breakdown?by=city", &t.zj_admin)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/stats/overview?from=2026-06-01&to=2026-05-01",
            &t.zj_admin,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
db_test!(statistics_match_a_hand_count_and_stay_inside_the_province);

fn exports(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq("service_record.export"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// The body of `GET {path}` as `token`, asking for `accept`, after a 200.
async fn export_text(app: &TestApp, path: &str, token: &str, accept: &str) -> String {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .header("Accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

async fn the_record_export_is_scoped_streamed_and_audited(app: TestApp) {
    let f = fixture(&app).await;
    let t = &f.w.t;
    // JSON Lines by default.
    let res = app
        .client
        .get(app.url("/api/v1/service-records/export"))
        .bearer_auth(&t.zj_admin)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let body = res.text().await.unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let ids: Vec<i64> = lines
        .iter()
        .map(|l| l["record_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, f.hz_records, "Zhejiang's records only, in id order");
    let first = &lines[0];
    assert_eq!(first["minutes"], 150);
    assert_eq!(first["service_date"], "2026-05-01");
    assert_eq!(first["organiser"], "杭州市文化广电旅游局");
    assert_eq!(first["sync_status"], "pending");
    assert_eq!(first["version"], 1);
    assert_eq!(first["verifier"], "hz.coordinator");
    assert_eq!(
        first["id_number_masked"],
        "330106***********".to_string() + &resident_id("330106", "19900101", 1)[17..]
    );
    assert!(first["volunteer_number"].is_string());
    assert_eq!(exports(&app), 1, "the export is on record");

    // CSV with a BOM and the Chinese intact; a period narrows it.
    let csv = export_text(
        &app,
        "/api/v1/service-records/export?from=2026-06-01",
        &t.zj_admin,
        "text/csv",
    )
    .await;
    assert!(
        csv.starts_with("\u{feff}id,record_id,version,volunteer_number"),
        "{csv}"
    );
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].contains("社区文艺演出") && rows[0].contains(",100,"),
        "{csv}"
    );
    assert_eq!(exports(&app), 2);

    // The ministry exports both provinces; Xinjiang its own; coordinators none.
    let all = export_text(
        &app,
        "/api/v1/service-records/export",
        &t.admin,
        "*/*", // no preference: JSON Lines by default
    )
    .await;
    assert_eq!(all.lines().count(), 4);
    let xj = export_text(
        &app,
        "/api/v1/service-records/export",
        &t.xj_admin,
        "*/*", // no preference: JSON Lines by default
    )
    .await;
    let xj: Vec<Value> = xj
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(xj.len(), 1);
    assert_eq!(xj[0]["record_id"], f.xj_record);
    assert_problem(
        app.get("/api/v1/service-records/export", &t.hz_coordinator)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
db_test!(the_record_export_is_scoped_streamed_and_audited);

fn sync_audits(app: &TestApp) -> Vec<(Option<String>, Option<String>)> {
    let mut conn = app.state.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq("service_record.sync_status"))
        .order(audit_events::id)
        .select((audit_events::entity_id, audit_events::detail))
        .load(&mut *conn)
        .unwrap()
}

async fn sync_status_moves_one_allowed_step_audited_and_within_scope(app: TestApp) {
    let f = fixture(&app).await;
    let t = &f.w.t;
    let sync = |ids: Vec<i64>, status: &str| json!({"record_ids": ids, "status": status});
    let path = "/api/v1/service-records/sync-status";
    // The exchange job takes each version's `id` from the export.
    let exported = |token: String| {
        let app = &app;
        async move {
            let text = export_text(app, "/api/v1/service-records/export", &token, "*/*").await;
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<Value>>()
        }
    };
    let zj_lines = exported(t.zj_admin.clone()).await;
    let keys: Vec<i64> = zj_lines
        .iter()
        .map(|l| l["record_id"].as_i64().unwrap())
        .collect();
    assert_eq!(keys, f.hz_records);
    let r: Vec<i64> = zj_lines.iter().map(|l| l["id"].as_i64().unwrap()).collect();
    let xj_id = exported(t.xj_admin.clone()).await[0]["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post(path, &t.zj_admin, &sync(vec![r[0], r[1]], "sent"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["changes"][0],
        json!({"id": r[0], "from": "pending", "to": "sent"})
    );
    let audits = sync_audits(&app);
    assert_eq!(audits.len(), 2);
    assert_eq!(audits[0].0.as_deref(), Some(r[0].to_string().as_str()));
    assert!(
        audits[0]
            .1
            .as_deref()
            .unwrap_or("")
            .contains("\"to\":\"sent\""),
        "{audits:?}"
    );

    // HRS-07: pending cannot be acknowledged; the whole request changes nothing.
    let refused = assert_problem(
        app.post(path, &t.zj_admin, &sync(vec![r[0], r[2]], "acknowledged"))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "record_ids[1]");
    assert_eq!(refused["errors"][0]["rule"], "HRS-07");
    assert_eq!(sync_audits(&app).len(), 2);

    // Out of scope: Zhejiang cannot touch Xinjiang's record; it reads as not found.
    let hidden = assert_problem(
        app.post(path, &t.zj_admin, &sync(vec![r[0], xj_id], "acknowledged"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(hidden["errors"][0]["field"], "record_ids[1]");
    // Coordinators do not run the exchange; bad input is 422.
    assert_problem(
        app.post(path, &t.hz_coordinator, &sync(vec![r[0]], "acknowledged"))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(path, &t.zj_admin, &sync(vec![r[0]], "lost")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.post(path, &t.zj_admin, &sync(vec![], "sent")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // sent → acknowledged | failed; a failure is sent again.
    let ok = app
        .post(path, &t.zj_admin, &sync(vec![r[0]], "acknowledged"))
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = app
        .post(path, &t.zj_admin, &sync(vec![r[1]], "failed"))
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = app.post(path, &t.admin, &sync(vec![r[1]], "sent")).await;
    assert_eq!(ok.status(), StatusCode::OK, "the ministry may too");
    assert_eq!(sync_audits(&app).len(), 5);
    // The export shows the statuses.
    let lines = exported(t.zj_admin.clone()).await;
    let statuses: Vec<&str> = lines
        .iter()
        .map(|l| l["sync_status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["acknowledged", "sent", "pending"]);
}
db_test!(sync_status_moves_one_allowed_step_audited_and_within_scope);
