//! From a completed assignment to verified hours, stars and record certificates, to the
//! minute.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{assignments, service_records};

use crate::db_test;
use crate::dispatch::{World, activity, get_json, login_as, offer, reschedule, volunteer, world};
use crate::helpers::{TestApp, assert_problem};

/// Sets an assignment's check-in, check-out and breaks (the server's clock cannot be
/// steered from a test).
fn presence(
    app: &TestApp,
    assignment: i64,
    checked_in: NaiveDateTime,
    checked_out: NaiveDateTime,
    breaks: i32,
) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::update(assignments::table.find(assignment))
        .set((
            assignments::status.eq("completed"),
            assignments::checked_in_at.eq(checked_in),
            assignments::checked_out_at.eq(checked_out),
            assignments::break_minutes.eq(breaks),
        ))
        .execute(&mut *conn)
        .unwrap();
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// The volunteer asks to correct record `record` with `body`; the organiser accepts. Returns
/// the answer to the acceptance.
async fn correct_and_accept(
    app: &TestApp,
    s: &Served,
    record: i64,
    body: Value,
) -> reqwest::Response {
    let correction: Value = app
        .post(
            &format!("/api/v1/service-records/{record}/corrections"),
            &s.me,
            &body,
        )
        .await
        .json()
        .await
        .unwrap();
    app.post(
        &format!("/api/v1/record-corrections/{}/accept", correction["id"]),
        &s.w.t.hz_coordinator,
        &json!({}),
    )
    .await
}

pub struct Served {
    pub w: World,
    pub activity: i64,
    pub assignment: i64,
    pub volunteer: i64,
    pub me: String,
}

/// A volunteer confirmed on an activity, signed in.
pub async fn confirmed(app: &TestApp) -> Served {
    let w = world(app).await;
    let activity_id = activity(app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(app, &w, "记录者", 1, |_| {}).await;
    let me = login_as(app, &v, "recorded.one").await;
    let a: Value = offer(
        app,
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
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &me,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    Served {
        w,
        activity: activity_id,
        assignment: a["id"].as_i64().unwrap(),
        volunteer: v["id"].as_i64().unwrap(),
        me,
    }
}

async fn check_in_and_out_follow_the_clock(app: TestApp) {
    let s = confirmed(&app).await;
    // Three days ahead: too early to check in.
    let early = app
        .post(
            &format!("/api/v1/assignments/{}/check-in", s.assignment),
            &s.me,
            &json!({}),
        )
        .await;
    assert_problem(early, StatusCode::CONFLICT, "too_early").await;
    // The service's clock moves, not the schedule: 30 minutes before the start, the check-in
    // window (an hour before) is open.
    let activity: Value = app
        .get(
            &format!("/api/v1/activities/{}", s.activity),
            &s.w.t.hz_coordinator,
        )
        .await
        .json()
        .await
        .unwrap();
    let starts = chrono::DateTime::parse_from_rfc3339(activity["starts_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    app.state.clock.set(starts - Duration::minutes(30));
    let checked_in: Value = app
        .post(
            &format!("/api/v1/assignments/{}/check-in", s.assignment),
            &s.me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(checked_in["status"], "checked_in");
    assert_eq!(
        checked_in["checked_in_at"].as_str().map(|t| t.starts_with(
            &(starts - Duration::minutes(30))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        )),
        Some(true),
        "the check-in is stamped with the service's clock: {checked_in}"
    );
    // Check-out opens at the start.
    app.state.clock.advance(Duration::hours(2));
    let out: Value = app
        .post(
            &format!("/api/v1/assignments/{}/check-out", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({"break_minutes": 15}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (out["status"].as_str(), out["break_minutes"].as_i64()),
        (Some("completed"), Some(15))
    );
    // HRS-03: the volunteer cannot verify their own hours.
    let own = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.me,
            &json!({}),
        )
        .await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
}
db_test!(check_in_and_out_follow_the_clock);

/// Only the organiser marks a no-show, and not before the start; it is final.
async fn the_organiser_marks_a_no_show_once_the_activity_has_started(app: TestApp) {
    let s = confirmed(&app).await;
    let path = format!("/api/v1/assignments/{}/no-show", s.assignment);
    let res = app.post(&path, &s.me, &json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "action_not_permitted_for_actor").await;
    let res = app.post(&path, &s.w.t.hz_coordinator, &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "too_early").await;
    let activity = get_json(
        &app,
        &format!("/api/v1/activities/{}", s.activity),
        &s.w.t.hz_coordinator,
    )
    .await;
    let starts = chrono::DateTime::parse_from_rfc3339(activity["starts_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    app.state.clock.set(starts + Duration::minutes(20));
    let res = app.post(&path, &s.w.t.hz_coordinator, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let marked: Value = res.json().await.unwrap();
    assert_eq!(marked["status"], "no_show");
    let res = app.post(&path, &s.w.t.hz_coordinator, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let checked_in = app
        .post(
            &format!("/api/v1/assignments/{}/check-in", s.assignment),
            &s.me,
            &json!({}),
        )
        .await;
    assert_eq!(
        checked_in.status(),
        StatusCode::CONFLICT,
        "a no-show is final"
    );
}
db_test!(the_organiser_marks_a_no_show_once_the_activity_has_started);

/// HRS-01: 09:00–11:30 with a two-hour bus ride each way is 150 minutes; breaks come off,
/// presence outside the schedule does not count; HRS-03: only the organiser verifies.
async fn verified_minutes_are_presence_minus_breaks_inside_the_schedule(app: TestApp) {
    let s = confirmed(&app).await;
    // Scheduled 08:30–12:00 China time = 00:30–04:00 UTC, some past day.
    reschedule(
        &app,
        s.activity,
        at("2026-05-01 00:30"),
        at("2026-05-01 04:00"),
    );
    // Checked in 09:00, out 11:30 China time (01:00–03:30 UTC); the bus ride is not recorded.
    presence(
        &app,
        s.assignment,
        at("2026-05-01 01:00"),
        at("2026-05-01 03:30"),
        0,
    );
    let xj = app.bureau_id(&s.w.t.admin, "650000").await;
    let xj_coordinator = app
        .staff(&s.w.t.admin, "xj.coordinator", "coordinator", xj)
        .await;
    let other = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &xj_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(other, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({"content": "演奏二胡"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let record: Value = res.json().await.unwrap();
    assert_eq!(record["minutes"], 150);
    assert_eq!(record["service_date"], "2026-05-01");
    assert_eq!(record["content"], "演奏二胡");
    let again = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_verified").await;

    // A second assignment: checked in an hour early with a 20-minute break → early hour cut.
    let second = activity(&app, &s.w.t.hz_coordinator, s.w.site, json!({})).await;
    let a: Value = offer(&app, &s.w.t.hz_coordinator, second, s.volunteer)
        .await
        .json()
        .await
        .unwrap();
    let confirmed = app
        .post(
            &format!("/api/v1/assignments/{}/confirm", a["id"]),
            &s.me,
            &json!({}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    reschedule(&app, second, at("2026-05-02 01:00"), at("2026-05-02 03:00"));
    presence(
        &app,
        a["id"].as_i64().unwrap(),
        at("2026-05-02 00:00"),
        at("2026-05-02 03:00"),
        20,
    );
    let record: Value = app
        .post(
            &format!("/api/v1/assignments/{}/verify", a["id"]),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        record["minutes"], 100,
        "120 scheduled minutes present, minus 20 of breaks"
    );

    let records: Value = app
        .get(
            &format!("/api/v1/volunteers/{}/service-records", s.volunteer),
            &s.me,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(records.as_array().unwrap().len(), 2);
    assert_problem(
        app.get(
            &format!("/api/v1/volunteers/{}/service-records", s.volunteer),
            &xj_coordinator,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
db_test!(verified_minutes_are_presence_minus_breaks_inside_the_schedule);

async fn corrections_add_a_version_and_keep_the_old_one(app: TestApp) {
    let s = confirmed(&app).await;
    reschedule(
        &app,
        s.activity,
        at("2026-05-01 00:00"),
        at("2026-05-01 06:00"),
    );
    presence(
        &app,
        s.assignment,
        at("2026-05-01 01:00"),
        at("2026-05-01 02:00"),
        0,
    );
    let record: Value = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["minutes"], 60);
    let id = record["record_id"].as_i64().unwrap();
    let by_coordinator = app
        .post(
            &format!("/api/v1/service-records/{id}/corrections"),
            &s.w.t.hz_coordinator,
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(
        by_coordinator.status(),
        StatusCode::FORBIDDEN,
        "corrections are the volunteer's to ask"
    );
    let correction: Value = app
        .post(
            &format!("/api/v1/service-records/{id}/corrections"),
            &s.me,
            &json!({"ended_at": "2026-05-01T03:00:00Z", "reason": "签退晚录了一小时"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(correction["status"], "pending");
    let corrected: Value = app
        .post(
            &format!("/api/v1/record-corrections/{}/accept", correction["id"]),
            &s.w.t.hz_coordinator,
            &json!({"note": "核实签到表"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (corrected["version"].as_i64(), corrected["minutes"].as_i64()),
        (Some(2), Some(120))
    );
    assert_eq!(corrected["record_id"], id);
    let versions: Value = app
        .get(&format!("/api/v1/service-records/{id}/versions"), &s.me)
        .await
        .json()
        .await
        .unwrap();
    let minutes: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["minutes"].as_i64().unwrap())
        .collect();
    assert_eq!(minutes, [60, 120], "never deleted, versioned");
    let current: Value = app
        .get(
            &format!("/api/v1/volunteers/{}/service-records", s.volunteer),
            &s.me,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current.as_array().unwrap().len(), 1);
    // A correction that would break the minute rules is refused and changes nothing.
    let res = correct_and_accept(
        &app,
        &s,
        id,
        json!({"ended_at": "2026-05-01T09:00:00Z", "reason": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "outside_schedule").await;
    let events: Value = app
        .get(
            "/api/v1/audit-events?action=service_record.corrected",
            &s.w.t.admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"][0]["detail"]["to_minutes"], 120);
}
db_test!(corrections_add_a_version_and_keep_the_old_one);

/// Issue 16: one function measures minutes. A correction that restates the verified presence
/// (with a break added and removed again) ends at the same minutes as the verification, even
/// when the assignment's shift is narrower than its activity's period.
async fn a_correction_of_the_same_presence_records_the_same_minutes(app: TestApp) {
    let s = confirmed(&app).await;
    reschedule(
        &app,
        s.activity,
        at("2026-05-01 00:00"),
        at("2026-05-01 08:00"),
    );
    let mut conn = app.state.pool.get().unwrap();
    // The volunteer's shift is 01:00–03:00 inside the activity's 00:00–08:00.
    diesel::update(assignments::table.find(s.assignment))
        .set((
            assignments::starts_at.eq(at("2026-05-01 01:00")),
            assignments::ends_at.eq(at("2026-05-01 03:00")),
        ))
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    presence(
        &app,
        s.assignment,
        at("2026-05-01 01:10"),
        at("2026-05-01 02:40"),
        20,
    );
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let verified: Value = res.json().await.unwrap();
    assert_eq!(verified["minutes"], 70);
    let id = verified["record_id"].as_i64().unwrap();
    let mut minutes = vec![];
    for body in [
        json!({"break_minutes": 0, "reason": "午休未扣"}),
        json!({"started_at": "2026-05-01T01:10:00Z", "ended_at": "2026-05-01T02:40:00Z", "break_minutes": 20, "reason": "恢复原记录"}),
    ] {
        let res = correct_and_accept(&app, &s, id, body).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v: Value = res.json().await.unwrap();
        minutes.push(v["minutes"].as_i64().unwrap());
    }
    assert_eq!(
        minutes,
        [90, 70],
        "the restated presence measures as verification did"
    );
    // The window is the assignment's shift, not the activity's period, for corrections too.
    let res = correct_and_accept(
        &app,
        &s,
        id,
        json!({"ended_at": "2026-05-01T04:00:00Z", "reason": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "outside_schedule").await;
}
db_test!(a_correction_of_the_same_presence_records_the_same_minutes);

/// Adds verified minutes directly, as many records as needed (each ≤ 10 h, on separate days,
/// each from an assignment of its own, as verification would).
pub fn add_minutes(
    app: &TestApp,
    s: &Served,
    org_id: i64,
    org_path: &str,
    minutes: i32,
    day0: i64,
) {
    add_minutes_for(
        app,
        s.volunteer,
        s.activity,
        org_id,
        org_path,
        minutes,
        day0,
    );
}

/// `minutes` of verified service by `volunteer` on `activity`, recorded by `org_id`, as
/// completed assignments of at most 10 hours a day from 2025-01-01 + `day0` days.
pub fn add_minutes_for(
    app: &TestApp,
    volunteer: i64,
    activity: i64,
    org_id: i64,
    org_path: &str,
    mut minutes: i32,
    day0: i64,
) {
    let mut conn = app.state.pool.get().unwrap();
    let mut day = day0;
    while minutes > 0 {
        let m = minutes.min(600);
        let start = at("2025-01-01 00:00") + Duration::days(day);
        let assignment: i64 = diesel::insert_into(assignments::table)
            .values((
                assignments::activity_id.eq(activity),
                assignments::volunteer_id.eq(volunteer),
                assignments::org_path.eq(org_path),
                assignments::status.eq("completed"),
                assignments::starts_at.eq(start),
                assignments::ends_at.eq(start + Duration::minutes(i64::from(m))),
                assignments::offered_at.eq(start),
                assignments::break_minutes.eq(0),
                assignments::updated_at.eq(start),
            ))
            .returning(assignments::id)
            .get_result(&mut *conn)
            .unwrap();
        let id: i64 = diesel::insert_into(service_records::table)
            .values((
                service_records::record_key.eq(-1_000_000 - day),
                service_records::version.eq(1),
                service_records::is_current.eq(true),
                service_records::assignment_id.eq(assignment),
                service_records::volunteer_id.eq(volunteer),
                service_records::activity_id.eq(activity),
                service_records::organization_id.eq(org_id),
                service_records::org_path.eq(org_path),
                service_records::activity_title.eq("历史服务"),
                service_records::region_code.eq("330106"),
                service_records::service_date.eq(start.date()),
                service_records::started_at.eq(start),
                service_records::ended_at.eq(start + Duration::minutes(i64::from(m))),
                service_records::break_minutes.eq(0),
                service_records::minutes.eq(m),
                service_records::content.eq("x"),
                service_records::recorded_at.eq(start),
            ))
            .returning(service_records::id)
            .get_result(&mut *conn)
            .unwrap();
        diesel::update(service_records::table.find(id))
            .set(service_records::record_key.eq(id))
            .execute(&mut *conn)
            .unwrap();
        minutes -= m;
        day += 1;
    }
}

/// STAR-01 boundaries to the minute, STAR-02 one level at a time.
async fn stars_follow_the_minutes_exactly_and_are_granted_one_level_at_a_time(app: TestApp) {
    let s = confirmed(&app).await;
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 5_999, 0);
    let stars: Value = app
        .get(&format!("/api/v1/volunteers/{}/stars", s.volunteer), &s.me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stars["verified_minutes"].as_i64(),
            stars["eligible"].as_i64()
        ),
        (Some(5_999), Some(0))
    );
    assert_eq!(stars["verified_hours"], "99.9");
    let early = app
        .post(
            &format!("/api/v1/volunteers/{}/star-applications", s.volunteer),
            &s.me,
            &json!({}),
        )
        .await;
    assert_problem(early, StatusCode::UNPROCESSABLE_ENTITY, "star_not_eligible").await;
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 1, 100);
    let stars: Value = app
        .get(&format!("/api/v1/volunteers/{}/stars", s.volunteer), &s.me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stars["eligible"].as_i64(), stars["next_awardable"].as_i64()),
        (Some(1), Some(1)),
        "6,000 minutes = 100 h = 1★"
    );
    assert_eq!(
        stars["good_record"], false,
        "eligible is not yet awarded (STAR-04)"
    );
    // Enough for 3★ — but stars are granted one level at a time.
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 30_000, 200);
    let applied: Value = app
        .post(
            &format!("/api/v1/volunteers/{}/star-applications", s.volunteer),
            &s.me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            applied["eligible"].as_i64(),
            applied["awards"][0]["level"].as_i64()
        ),
        (Some(3), Some(1))
    );
    let award_id = applied["awards"][0]["id"].as_i64().unwrap();
    let by_coordinator = app
        .post(
            &format!("/api/v1/star-applications/{award_id}/grant"),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(by_coordinator.status(), StatusCode::FORBIDDEN);
    let granted: Value = app
        .post(
            &format!("/api/v1/star-applications/{award_id}/grant"),
            &s.w.t.zj_admin,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            granted["awarded"].as_i64(),
            granted["next_awardable"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert!(
        granted["awards"][0]["award_number"]
            .as_str()
            .unwrap()
            .starts_with("STAR1")
    );
    assert_eq!(granted["good_record"], true, "an awarded star (STAR-04)");
    // STAR-02: the volunteer's profile reports the awarded level, not 0.
    let profile: Value = app
        .get(&format!("/api/v1/volunteers/{}", s.volunteer), &s.me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["stars"], 1, "the profile shows the awarded star");
    // A suspended volunteer keeps the star but loses the good record.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/suspend", s.volunteer),
            &s.w.t.zj_admin,
            &json!({"reason": "调查投诉"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let stars: Value = app
        .get(
            &format!("/api/v1/volunteers/{}/stars", s.volunteer),
            &s.w.t.zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stars["awarded"].as_i64(), &stars["good_record"]),
        (Some(1), &json!(false))
    );
}
db_test!(stars_follow_the_minutes_exactly_and_are_granted_one_level_at_a_time);

/// CRT-01…05: free, issued by the recording organisation for its own records only, masked,
/// exact total to one decimal, publicly verifiable with minimal fields, revocable.
async fn record_certificates_cover_the_issuers_records_and_verify_publicly(app: TestApp) {
    let s = confirmed(&app).await;
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 125, 0);
    // Records of another organisation are not the issuer's to certify.
    add_minutes(
        &app,
        &s,
        s.w.t.xinjiang,
        &format!("/1/{}/", s.w.t.xinjiang),
        600,
        50,
    );
    let issuer =
        json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"});
    let missing = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_problem(
        missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.w.t.hz_coordinator,
            &issuer,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cert: Value = res.json().await.unwrap();
    assert_eq!(cert["total_minutes"], 125);
    assert_eq!(
        cert["total_hours"], "2.1",
        "CRT-03: 125 min = 2.083 h, rounded to one decimal (not truncated to 2.0)"
    );
    assert_eq!(cert["id_number_masked"].as_str().unwrap().len(), 18);
    assert!(
        cert["id_number_masked"]
            .as_str()
            .unwrap()
            .contains("********")
    );
    assert_eq!(cert["status"], "publicity");
    assert!(cert.get("fee").is_none());
    let number = cert["number"].as_str().unwrap().to_string();
    // Zhejiang's bureau recorded nothing itself: CRT-02.
    let none = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.w.t.zj_admin,
            &issuer,
        )
        .await;
    assert_problem(none, StatusCode::UNPROCESSABLE_ENTITY, "CRT-02").await;

    let public: Value = app
        .client
        .get(app.url(&format!("/api/v1/public/certificates/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (public["valid"].as_bool(), public["total_hours"].as_str()),
        (Some(true), Some("2.1"))
    );
    assert_eq!(public["volunteer_name"], "记**");
    // The certificate's own number is random digits: leave it out of the fragment search.
    let text = public.to_string().replace(number.as_str(), "");
    assert!(
        !text.contains("138") && !text.contains("330106"),
        "no phone or ID fragments: {text}"
    );
    let unknown = app
        .client
        .get(app.url("/api/v1/public/certificates/SRC000"))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;

    let revoked: Value = app
        .post(
            &format!("/api/v1/record-certificates/{}/revoke", cert["id"]),
            &s.w.t.hz_coordinator,
            &json!({"reason": "记录有误"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["status"], "revoked");
    let public: Value = app
        .client
        .get(app.url(&format!("/api/v1/public/certificates/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (public["valid"].as_bool(), public["status"].as_str()),
        (Some(false), Some("revoked"))
    );
    // The volunteer asks for a certificate: the organisation's staff hear about it.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.me,
            &json!({"organization_id": s.w.t.hangzhou}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let notes: Value = app
        .get("/api/v1/me/notifications", &s.w.t.hz_coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "record_certificate_requested")
    );
}
db_test!(record_certificates_cover_the_issuers_records_and_verify_publicly);

/// Acceptance 4: a coordinator of another province gets 404 on the activity, its
/// assignments and records.
async fn another_provinces_coordinator_sees_nothing(app: TestApp) {
    let s = confirmed(&app).await;
    reschedule(
        &app,
        s.activity,
        at("2026-05-01 00:00"),
        at("2026-05-01 06:00"),
    );
    presence(
        &app,
        s.assignment,
        at("2026-05-01 01:00"),
        at("2026-05-01 02:00"),
        0,
    );
    let verified = app
        .post(
            &format!("/api/v1/assignments/{}/verify", s.assignment),
            &s.w.t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(verified.status(), StatusCode::CREATED);
    let record: Value = verified.json().await.unwrap();
    assert!(record["record_id"].is_i64(), "a record to hide: {record}");
    let xj = app.bureau_id(&s.w.t.admin, "650000").await;
    let other = app
        .staff(&s.w.t.admin, "xj.coordinator", "coordinator", xj)
        .await;
    for path in [
        format!("/api/v1/activities/{}", s.activity),
        format!("/api/v1/assignments/{}", s.assignment),
        format!(
            "/api/v1/activities/{}/eligibility/{}",
            s.activity, s.volunteer
        ),
        format!("/api/v1/volunteers/{}/service-records", s.volunteer),
        format!("/api/v1/service-records/{}/versions", record["record_id"]),
        format!("/api/v1/volunteers/{}/stars", s.volunteer),
    ] {
        assert_problem(
            app.get(&path, &other).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let lists: Value = app
        .get("/api/v1/assignments", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lists["items"].as_array().unwrap().len(), 0);
    let activities: Value = app
        .get("/api/v1/activities", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(activities["items"].as_array().unwrap().len(), 0);
    for (path, body) in [
        (
            format!("/api/v1/activities/{}/assignments", s.activity),
            json!({"volunteer_id": s.volunteer}),
        ),
        (
            format!("/api/v1/assignments/{}/cancel", s.assignment),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/activities/{}/cancel", s.activity),
            json!({"reason": "x"}),
        ),
    ] {
        assert_problem(
            app.post(&path, &other, &body).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
}
db_test!(another_provinces_coordinator_sees_nothing);
