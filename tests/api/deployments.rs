//! Spring Rain deployments end to end (issue 9): a ten-day deployment checked in and out daily
//! by the receiving side and verified day by day by the sender; what the receiving side sees
//! and does not see; and MIN-07, SR-06 and the ACT-08 start gate through the API, each at its
//! boundary. Time moves with the service's clock.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{World, activity, kashgar_site, login_as, offer, volunteer, world};
use crate::helpers::{TestApp, assert_problem, resident_id};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// A published Spring Rain deployment from Zhejiang to `site`, organised in Hangzhou.
async fn deployment(app: &TestApp, w: &World, site: i64, starts: &str, ends: &str) -> i64 {
    activity(
        app,
        &w.t.hz_coordinator,
        site,
        json!({"title": "春雨工程·大舞台", "programme": "spring_rain", "sending_province": "330000",
            "starts_at": starts, "ends_at": ends}),
    )
    .await
}

/// Records a personal accident policy for the volunteer (days inclusive).
async fn insure(app: &TestApp, token: &str, volunteer: i64, from: &str, to: &str) {
    let res = app
        .post(
            &format!("/api/v1/volunteers/{volunteer}/insurance-policies"),
            token,
            &json!({"insurer": "中国人寿", "policy_number": format!("P-{volunteer}-{to}"), "valid_from": from, "valid_to": to}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "insure");
}

fn terms() -> Value {
    json!({"content_time_place": "喀什巡演", "rights_and_duties": "按章", "risk_protection": "意外险",
        "modification_termination": "提前告知", "liability_disputes": "协商", "other_matters": ""})
}

/// Both sides sign the written agreement (ACT-09, SR-06).
async fn sign(app: &TestApp, organiser: &str, me: &str, assignment: i64) {
    let path = format!("/api/v1/assignments/{assignment}/agreement");
    for token in [me, organiser] {
        let res = app.post(&path, token, &terms()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "sign");
    }
}

async fn confirm(app: &TestApp, me: &str, assignment: i64) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assignments/{assignment}/confirm"),
        me,
        &json!({}),
    )
    .await
}

pub struct Member {
    pub assignment: i64,
    pub volunteer: i64,
    pub me: String,
}

/// A Hangzhou volunteer insured for `insured`, offered, agreed and confirmed on `activity`.
async fn join(
    app: &TestApp,
    w: &World,
    activity: i64,
    (name, seq, username): (&str, u32, &str),
    insured: (&str, &str),
) -> Member {
    let v = volunteer(app, w, name, seq, |_| {}).await;
    let id = v["id"].as_i64().unwrap();
    let me = login_as(app, &v, username).await;
    insure(app, &w.t.hz_coordinator, id, insured.0, insured.1).await;
    let res = offer(app, &w.t.hz_coordinator, activity, id).await;
    assert_eq!(res.status(), StatusCode::CREATED, "offer");
    let assignment = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    sign(app, &w.t.hz_coordinator, &me, assignment).await;
    assert_eq!(confirm(app, &me, assignment).await.status(), StatusCode::OK);
    Member {
        assignment,
        volunteer: id,
        me,
    }
}

async fn move_activity(app: &TestApp, token: &str, id: i64, action: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/activities/{id}/{action}"),
        token,
        &json!({}),
    )
    .await
}

async fn attend(
    app: &TestApp,
    token: &str,
    assignment: i64,
    date: &str,
    body: Value,
) -> reqwest::Response {
    put(
        app,
        &format!("/api/v1/assignments/{assignment}/attendance/{date}"),
        token,
        &body,
    )
    .await
}

/// A deployment day as recorded: check-in and check-out (UTC hh:mm), breaks, travel.
type Day = (&'static str, &'static str, i32, i32);

/// The first member's days: the travel day starts at 14:00 Beijing time after six hours on
/// the road, then 09:00–17:00 with an hour of breaks, the last day followed by the trip home.
fn first_days(day: u32) -> Day {
    match day {
        1 => ("06:00", "10:30", 30, 360),
        10 => ("01:00", "09:00", 60, 240),
        _ => ("01:00", "09:00", 60, 0),
    }
}

/// The second member arrives late on the 3rd and leaves at noon on the last day.
fn second_days(day: u32) -> Day {
    match day {
        3 => ("02:30", "09:00", 60, 0),
        10 => ("01:00", "04:00", 0, 240),
        other => first_days(other),
    }
}

async fn a_ten_day_deployment_with_a_rest_day_yields_nine_records_per_member(app: TestApp) {
    app.state.clock.set(at("2030-06-01T00:00:00Z"));
    let w = world(&app).await;
    let xj = app
        .staff(&w.t.admin, "xj.coordinator", "coordinator", w.t.xinjiang)
        .await;
    let site = kashgar_site(&app, &w.t.hz_coordinator).await["id"]
        .as_i64()
        .unwrap();
    // 09:00 on 1 July to 20:00 on 10 July, Beijing time: ten service days.
    let activity = deployment(
        &app,
        &w,
        site,
        "2030-07-01T01:00:00Z",
        "2030-07-10T12:00:00Z",
    )
    .await;
    let insured = ("2030-07-01", "2030-07-10");
    let first = join(&app, &w, activity, ("阿依古丽", 1, "member.one"), insured).await;
    let second = join(&app, &w, activity, ("王建国", 2, "member.two"), insured).await;
    let res = put(
        &app,
        &format!("/api/v1/activities/{activity}/team-leader"),
        &w.t.hz_coordinator,
        &json!({"assignment_id": first.assignment}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let roster: Value = res.json().await.unwrap();
    let leaders: Vec<bool> = roster
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["team_leader"].as_bool().unwrap())
        .collect();
    assert_eq!(leaders, [true, false], "one leader: {roster}");

    // A single-day activity keeps its one check-in and check-out.
    let single = activity_on(&app, &w, "2030-06-20T01:00:00Z", "2030-06-20T09:00:00Z").await;
    let offered: Value = offer(&app, &w.t.hz_coordinator, single, first.volunteer)
        .await
        .json()
        .await
        .unwrap();
    let res = attend(
        &app,
        &w.t.hz_coordinator,
        offered["id"].as_i64().unwrap(),
        "2030-06-20",
        json!({"checked_in_at": "2030-06-20T01:00:00Z"}),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "not_multi_day").await;

    // Attendance is taken once the deployment has started.
    app.state.clock.set(at("2030-07-01T10:30:00Z"));
    let day_one = json!({"checked_in_at": "2030-07-01T06:00:00Z", "checked_out_at": "2030-07-01T10:30:00Z", "break_minutes": 30, "travel_minutes": 360});
    let res = attend(&app, &xj, first.assignment, "2030-07-01", day_one.clone()).await;
    assert_problem(res, StatusCode::CONFLICT, "activity_not_open").await;
    let res = move_activity(&app, &w.t.hz_coordinator, activity, "start").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "ACT-08/SR-06: everyone is insured"
    );

    // The receiving side checks the team in and out each day; the 5th is a rest day.
    for day in (1..=10u32).filter(|d| *d != 5) {
        let date = format!("2030-07-{day:02}");
        if day == 2 {
            // Morning: checked in, still there.
            app.state.clock.set(at(&format!("{date}T02:00:00Z")));
            let res = attend(
                &app,
                &xj,
                first.assignment,
                &date,
                json!({"checked_in_at": format!("{date}T01:00:00Z")}),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
            let open: Value = res.json().await.unwrap();
            assert_eq!(open["checked_out_at"], Value::Null);
        }
        app.state.clock.set(at(&format!("{date}T12:00:00Z")));
        for (member, (cin, cout, breaks, travel)) in
            [(&first, first_days(day)), (&second, second_days(day))]
        {
            let body = json!({"checked_in_at": format!("{date}T{cin}:00Z"), "checked_out_at": format!("{date}T{cout}:00Z"),
                "break_minutes": breaks, "travel_minutes": travel});
            let res = attend(&app, &xj, member.assignment, &date, body).await;
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "{date}: {}",
                res.text().await.unwrap()
            );
        }
    }
    let days = crate::dispatch::get_json(
        &app,
        &format!("/api/v1/activities/{activity}/attendance"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(days.as_array().unwrap().len(), 18, "nine days each");

    // Only the sending side verifies (HRS-03), once the deployment is completed.
    let verify = |assignment: i64| format!("/api/v1/assignments/{assignment}/verify-attendance");
    let res = app.post(&verify(first.assignment), &xj, &json!({})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(&verify(first.assignment), &w.t.hz_coordinator, &json!({}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "not_completed").await;
    let res = move_activity(&app, &w.t.hz_coordinator, activity, "complete").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(&verify(first.assignment), &first.me, &json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "HRS-03").await;

    let expected = [
        (&first, [240, 420, 420, 420, 420, 420, 420, 420, 420], 3600),
        (&second, [240, 420, 330, 420, 420, 420, 420, 420, 180], 3270),
    ];
    for (member, minutes, total) in expected {
        let res = app
            .post(
                &verify(member.assignment),
                &w.t.hz_coordinator,
                &json!({"content": "大舞台巡演"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let records: Value = res.json().await.unwrap();
        let records = records.as_array().unwrap();
        let dates: Vec<&str> = records
            .iter()
            .map(|r| r["service_date"].as_str().unwrap())
            .collect();
        assert_eq!(
            dates,
            [
                "2030-07-01",
                "2030-07-02",
                "2030-07-03",
                "2030-07-04",
                "2030-07-06",
                "2030-07-07",
                "2030-07-08",
                "2030-07-09",
                "2030-07-10"
            ],
            "one record per day of attendance, none on the rest day"
        );
        let got: Vec<i64> = records
            .iter()
            .map(|r| r["minutes"].as_i64().unwrap())
            .collect();
        assert_eq!(got, minutes, "presence minus breaks, travel excluded");
        assert!(records.iter().all(|r| r["content"] == "大舞台巡演"));
        let stars = crate::dispatch::get_json(
            &app,
            &format!("/api/v1/volunteers/{}/stars", member.volunteer),
            &member.me,
        )
        .await;
        assert_eq!(
            stars["verified_minutes"], total,
            "the stars view counts them"
        );
        let mine = crate::dispatch::get_json(
            &app,
            &format!("/api/v1/volunteers/{}/service-records", member.volunteer),
            &member.me,
        )
        .await;
        assert_eq!(mine.as_array().unwrap().len(), 9);
    }
    let res = app
        .post(&verify(first.assignment), &w.t.hz_coordinator, &json!({}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "already_verified").await;
    let res = attend(&app, &xj, first.assignment, "2030-07-10", day_one).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "day one's times are not on the 10th"
    );
}
db_test!(a_ten_day_deployment_with_a_rest_day_yields_nine_records_per_member);

/// A general (not Spring Rain) published activity at the Hangzhou site.
async fn activity_on(app: &TestApp, w: &World, starts: &str, ends: &str) -> i64 {
    activity(
        app,
        &w.t.hz_coordinator,
        w.site,
        json!({"starts_at": starts, "ends_at": ends}),
    )
    .await
}

async fn the_receiving_side_sees_the_roster_masked_and_nothing_more(app: TestApp) {
    app.state.clock.set(at("2030-06-01T00:00:00Z"));
    let w = world(&app).await;
    let xj = app
        .staff(&w.t.admin, "xj.coordinator", "coordinator", w.t.xinjiang)
        .await;
    let tibet = app.bureau_id(&w.t.admin, "540000").await;
    let xz = app
        .staff(&w.t.admin, "xz.coordinator", "coordinator", tibet)
        .await;
    let kashgar = kashgar_site(&app, &w.t.hz_coordinator).await["id"]
        .as_i64()
        .unwrap();
    let activity = deployment(
        &app,
        &w,
        kashgar,
        "2030-07-01T01:00:00Z",
        "2030-07-05T12:00:00Z",
    )
    .await;
    let lhasa: Value = app
        .post(
            "/api/v1/sites",
            &w.t.hz_coordinator,
            &json!({"name": "拉萨某乡文化站", "kind": "border_township", "region_code": "540102", "address": "拉萨", "location_type": "rural", "local_languages": ["bo"], "target_groups": ["border_ethnic_communities"], "contact": "文化站"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let to_tibet = deployment(
        &app,
        &w,
        lhasa["id"].as_i64().unwrap(),
        "2030-08-01T01:00:00Z",
        "2030-08-05T12:00:00Z",
    )
    .await;
    let member = join(
        &app,
        &w,
        activity,
        ("阿依古丽", 1, "member.one"),
        ("2030-07-01", "2030-07-05"),
    )
    .await;

    // The deployments sent to Xinjiang, and no others.
    let list = crate::dispatch::get_json(&app, "/api/v1/activities?limit=100", &xj).await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [activity]);
    let seen =
        crate::dispatch::get_json(&app, &format!("/api/v1/activities/{activity}"), &xj).await;
    assert_eq!(seen["programme"], "spring_rain");
    for (token, id) in [(&xj, to_tibet), (&xz, activity)] {
        for path in [
            format!("/api/v1/activities/{id}"),
            format!("/api/v1/activities/{id}/roster"),
            format!("/api/v1/activities/{id}/attendance"),
        ] {
            assert_problem(
                app.get(&path, token).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
    }

    // The roster: name, skills, languages, masked mobile — nothing more.
    let roster =
        crate::dispatch::get_json(&app, &format!("/api/v1/activities/{activity}/roster"), &xj)
            .await;
    let entry = roster[0].as_object().unwrap();
    let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "assignment_id",
            "languages",
            "mobile_masked",
            "name",
            "skills",
            "status",
            "team_leader"
        ]
    );
    assert_eq!(entry["name"], "阿依古丽");
    assert_eq!(entry["skills"][0]["code"], "performance.music");
    assert_eq!(entry["languages"][0]["code"], "zh");
    let masked = entry["mobile_masked"].as_str().unwrap();
    assert!(masked.contains('*') && !masked.contains("0013"), "{masked}");
    let text = roster.to_string();
    let id_number = resident_id("330106", "19900101", 1);
    assert!(
        !text.contains(&id_number) && !text.contains("1990"),
        "{text}"
    );
    assert_problem(
        app.get(&format!("/api/v1/activities/{activity}/roster"), &member.me)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // The volunteers' own records stay with the sending side.
    let v = member.volunteer;
    for path in [
        format!("/api/v1/volunteers/{v}"),
        format!("/api/v1/volunteers/{v}/service-records"),
        format!("/api/v1/volunteers/{v}/stars"),
        format!("/api/v1/assignments/{}", member.assignment),
    ] {
        assert_problem(
            app.get(&path, &xj).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // The deployment is the sender's to run.
    let res = put(
        &app,
        &format!("/api/v1/activities/{activity}/team-leader"),
        &xj,
        &json!({"assignment_id": member.assignment}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        move_activity(&app, &xj, activity, "start").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // On arrival the receiving side records attendance; another province cannot.
    app.state.clock.set(at("2030-07-01T10:30:00Z"));
    let res = move_activity(&app, &w.t.hz_coordinator, activity, "start").await;
    assert_eq!(res.status(), StatusCode::OK);
    let day = json!({"checked_in_at": "2030-07-01T06:00:00Z", "checked_out_at": "2030-07-01T10:30:00Z", "travel_minutes": 300});
    let res = attend(&app, &xz, member.assignment, "2030-07-01", day.clone()).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = attend(
        &app,
        &member.me,
        member.assignment,
        "2030-07-01",
        day.clone(),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let future = json!({"checked_in_at": "2030-07-01T11:00:00Z"});
    let res = attend(&app, &xj, member.assignment, "2030-07-01", future).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "in_future");
    let res = attend(&app, &xj, member.assignment, "2030-07-01", day).await;
    assert_eq!(res.status(), StatusCode::OK);
    let days = crate::dispatch::get_json(
        &app,
        &format!("/api/v1/activities/{activity}/attendance"),
        &xj,
    )
    .await;
    assert_eq!(days[0]["recorded_by_organization_id"], w.t.xinjiang);
    assert_eq!(days[0]["travel_minutes"], 300);

    // A written evaluation of the team, by the receiving side only.
    let path = format!("/api/v1/activities/{activity}/team-evaluations");
    let res = app
        .post(
            &path,
            &xj,
            &json!({"text": "团队演出精彩，深受牧民欢迎", "rating": 5}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(&path, &w.t.hz_coordinator, &json!({"text": "自评"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .post(&path, &xj, &json!({"text": "好", "rating": 6}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let evaluations = crate::dispatch::get_json(&app, &path, &w.t.hz_coordinator).await;
    assert_eq!(evaluations.as_array().unwrap().len(), 1);
    assert_eq!(evaluations[0]["organization_id"], w.t.xinjiang);

    // Hours are verified by the sending side only: the receiving side does not reach the
    // assignment at all.
    for action in ["verify", "verify-attendance"] {
        let res = app
            .post(
                &format!("/api/v1/assignments/{}/{action}", member.assignment),
                &xj,
                &json!({}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
}
db_test!(the_receiving_side_sees_the_roster_masked_and_nothing_more);

/// The codes and rule ids of a 422's `errors[]`.
async fn refusals(res: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let message = e["message"].as_str().unwrap_or_default();
            let rule = message.split(':').next().unwrap_or_default().to_string();
            (e["code"].as_str().unwrap().to_string(), rule)
        })
        .collect()
}

fn has(refused: &[(String, String)], code: &str, rule: &str) -> bool {
    refused.iter().any(|(c, r)| c == code && r == rule)
}

async fn min_07_sr_06_and_the_act_08_start_gate_hold_through_the_api(app: TestApp) {
    app.state.clock.set(at("2030-06-01T00:00:00Z"));
    let w = world(&app).await;
    let org = w.t.hz_coordinator.clone();
    let kashgar = kashgar_site(&app, &org).await["id"].as_i64().unwrap();
    // 1 July 09:00 to 10 July 20:00, Beijing time; and one day on 20 July.
    let long = deployment(
        &app,
        &w,
        kashgar,
        "2030-07-01T01:00:00Z",
        "2030-07-10T12:00:00Z",
    )
    .await;
    let one_day = deployment(
        &app,
        &w,
        kashgar,
        "2030-07-20T01:00:00Z",
        "2030-07-20T09:00:00Z",
    )
    .await;

    // SR-06 (ACT-08): insurance for the whole deployment; ending on its last day is enough.
    let v = volunteer(&app, &w, "李明", 1, |_| {}).await;
    let vid = v["id"].as_i64().unwrap();
    let me = login_as(&app, &v, "li.ming").await;
    let refused = refusals(offer(&app, &org, long, vid).await).await;
    assert!(has(&refused, "insurance_missing", "SR-06"), "{refused:?}");
    insure(&app, &org, vid, "2030-07-01", "2030-07-09").await;
    let refused = refusals(offer(&app, &org, long, vid).await).await;
    assert!(
        has(&refused, "insurance_missing", "SR-06"),
        "a day short: {refused:?}"
    );
    insure(&app, &org, vid, "2030-07-01", "2030-07-10").await;
    let res = offer(&app, &org, long, vid).await;
    assert_eq!(res.status(), StatusCode::CREATED, "insured to the last day");
    let assignment = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // SR-06 (ACT-09): a written agreement signed by both sides before confirmation.
    let refused = refusals(confirm(&app, &me, assignment).await).await;
    assert!(has(&refused, "agreement_missing", "SR-06"), "{refused:?}");
    sign(&app, &org, &me, assignment).await;
    assert_eq!(
        confirm(&app, &me, assignment).await.status(),
        StatusCode::OK
    );

    // MIN-07: a minor goes on a multi-day deployment only with a guardian; one day is not
    // multi-day.
    let teen = volunteer(&app, &w, "少年", 7, |b| {
        b["id_number"] = json!(resident_id("330106", "20140115", 7));
        b["minors_policy_version"] = json!("minors-2026");
        b["guardian_consent"] = json!({"guardian_name": "家长", "relationship": "mother", "guardian_id_number": resident_id("330106", "19850301", 8),
            "guardian_mobile": "13900139000", "scope": ["registration", "activities"], "method": "written"});
    })
    .await["id"]
        .as_i64()
        .unwrap();
    insure(&app, &org, teen, "2030-07-01", "2030-07-20").await;
    let refused = refusals(offer(&app, &org, long, teen).await).await;
    assert!(
        has(&refused, "guardian_accompaniment_required", "MIN-07"),
        "{refused:?}"
    );
    assert_eq!(
        offer(&app, &org, one_day, teen).await.status(),
        StatusCode::CREATED,
        "a one-day deployment is not multi-day"
    );
    let res = app
        .post(
            &format!("/api/v1/activities/{long}/assignments"),
            &org,
            &json!({"volunteer_id": teen, "accompanying_guardian": "家长"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "accompanied by a guardian"
    );

    // ACT-08 at start: every confirmed volunteer insured for the whole period. Confirmed while
    // insured to the last day, then the activity grows by a day: a day short stops the start.
    let risky = activity(
        &app,
        &org,
        w.site,
        json!({"risk_level": "personal_danger_possible", "starts_at": "2030-08-01T01:00:00Z", "ends_at": "2030-08-03T09:00:00Z"}),
    )
    .await;
    let v = volunteer(&app, &w, "张华", 3, |_| {}).await;
    let guarded = v["id"].as_i64().unwrap();
    let me = login_as(&app, &v, "zhang.hua").await;
    insure(&app, &org, guarded, "2030-08-01", "2030-08-03").await;
    let res = offer(&app, &org, risky, guarded).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let assignment = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    sign(&app, &org, &me, assignment).await;
    assert_eq!(
        confirm(&app, &me, assignment).await.status(),
        StatusCode::OK
    );
    let res = app.get(&format!("/api/v1/activities/{risky}"), &org).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/activities/{risky}")))
        .bearer_auth(&org)
        .header("If-Match", etag)
        .json(&json!({"ends_at": "2030-08-04T09:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let res = move_activity(&app, &org, risky, "start").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "insurance_missing").await;
    assert_eq!(
        problem["errors"][0]["field"],
        format!("volunteer:{guarded}")
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("ACT-08"),
        "{problem}"
    );
    insure(&app, &org, guarded, "2030-08-01", "2030-08-04").await;
    let res = move_activity(&app, &org, risky, "start").await;
    assert_eq!(res.status(), StatusCode::OK, "insured to the new last day");
}
db_test!(min_07_sr_06_and_the_act_08_start_gate_hold_through_the_api);
