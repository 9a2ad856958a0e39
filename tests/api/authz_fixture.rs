//! The authorization matrix's world: the same set of objects in two provinces (Zhejiang, where
//! every caller but the ministry sits, and Xinjiang, out of their scope), built once per
//! backend through the API. Objects are named by the path segment they are reached under
//! (`activities`, `assignments`, `volunteers` …), so that the matrix substitutes a path id from
//! the path alone.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use springrain::db::schema::{assignments, organizations, training_base_events};

use crate::dispatch::{activity, reschedule};
use crate::helpers::{STAFF_PASSWORD, TestApp, resident_id, volunteer_body};

pub const VOLUNTEER_PASSWORD: &str = "Volunteer-pass-99";

/// One province's objects, by name (path segment or body placeholder), as text.
#[derive(Debug, Default, Clone)]
pub struct Side {
    pub ids: HashMap<&'static str, String>,
}

impl Side {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.ids.get(name).map(String::as_str)
    }

    fn set(&mut self, name: &'static str, value: impl ToString) {
        self.ids.insert(name, value.to_string());
    }

    pub fn id(&self, name: &str) -> i64 {
        self.get(name)
            .unwrap_or_else(|| panic!("no fixture {name}"))
            .parse()
            .unwrap_or_else(|_| panic!("fixture {name} is not a number"))
    }
}

/// The callers, in the matrix's column order; `None` is anonymous.
pub const ROLES: [&str; 6] = [
    "ministry_admin",
    "bureau_admin",
    "coordinator",
    "auditor",
    "volunteer",
    "anonymous",
];

pub struct Fixture {
    /// Access tokens of the callers, in `ROLES` order (anonymous: none).
    pub tokens: [Option<String>; 6],
    /// Zhejiang: in the scope of every caller.
    pub inside: Side,
    /// Xinjiang: out of the scope of every caller but the ministry.
    pub outside: Side,
    /// Every full ID number the fixture registered: no response may carry one.
    pub id_numbers: Vec<String>,
    /// Activation codes handed out for the fixture's volunteers: no later response may carry
    /// one.
    pub activation_codes: Vec<String>,
    /// Refresh tokens of the callers: no response but their own login may carry one.
    pub refresh_tokens: Vec<String>,
    pub admin: String,
}

struct Province {
    prefix: &'static str,
    code: &'static str,
    city: &'static str,
    district: &'static str,
    city_name: &'static str,
    seq: u32,
}

const ZHEJIANG: Province = Province {
    prefix: "zj",
    code: "330000",
    city: "330100",
    district: "330106",
    city_name: "杭州市文化广电旅游局",
    seq: 100,
};

const XINJIANG: Province = Province {
    prefix: "xj",
    code: "650000",
    city: "650100",
    district: "650102",
    city_name: "乌鲁木齐市文化体育广电和旅游局",
    seq: 200,
};

/// What the fixture could not build (the matrix test reports it: a cell that needs a missing
/// object would answer 404 for the wrong reason).
pub static SHORTFALLS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Posts and expects `status`; returns the body (`null`, and a shortfall noted, otherwise).
pub async fn must(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    status: StatusCode,
) -> Value {
    let res = app.post(path, token, &body).await;
    let got = res.status();
    let text = res.text().await.unwrap();
    if got != status {
        SHORTFALLS
            .lock()
            .unwrap()
            .push(format!("POST {path} {body} → {got} {text}"));
        return Value::Null;
    }
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    let got = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(got, StatusCode::OK, "fixture: GET {path} → {text}");
    serde_json::from_str(&text).unwrap()
}

/// The object's id (0, which no object has, when the fixture could not make it).
fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or(0)
}

struct Staff {
    bureau_admin: String,
    coordinator: String,
    auditor: String,
    volunteer: String,
}

pub async fn build(app: &TestApp) -> Fixture {
    let admin = app.admin_token().await;
    let mut fx = Fixture {
        tokens: Default::default(),
        inside: Side::default(),
        outside: Side::default(),
        id_numbers: vec![],
        activation_codes: vec![],
        refresh_tokens: vec![],
        admin: admin.clone(),
    };
    // National objects both sides share: a plan campaign, a Spring Rain edition and the
    // Zhejiang → Xinjiang pairing.
    let campaign = must(
        app,
        &admin,
        "/api/v1/campaigns",
        json!({"year": 2031, "title": "实施方案", "due_date": "2031-03-31", "period_from": "2031-01-01", "period_to": "2031-12-31",
            "stages": [{"name": "学习动员", "starts_on": "2031-01-01", "ends_on": "2031-12-31"}]}),
        StatusCode::CREATED,
    )
    .await;
    let edition = must(
        app,
        &admin,
        "/api/v1/spring-rain/editions",
        json!({"year": 2031, "title": "2031年春雨工程", "theme": "文化润边", "plans_due_on": "2031-03-31"}),
        StatusCode::CREATED,
    )
    .await;
    must(
        app,
        &admin,
        &format!("/api/v1/spring-rain/editions/{}/open", id_of(&edition)),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let pairings = get_ok(app, &admin, "/api/v1/spring-rain/pairings?limit=200").await;
    let pairing = pairings["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sending_province"] == "330000" && p["receiving_region"] == "650000")
        .map(id_of)
        .expect("the Zhejiang → Xinjiang pairing is reference data");
    let notice = must(
        app,
        &admin,
        "/api/v1/privacy-notices",
        json!({"version": "2031-01", "purpose": "registration", "summary": "措辞调整", "fresh_consent_required": false}),
        StatusCode::CREATED,
    )
    .await;
    for side in [&mut fx.inside, &mut fx.outside] {
        side.set("privacy-notices", id_of(&notice));
        side.set("campaigns", id_of(&campaign));
        side.set("editions", id_of(&edition));
        side.set("pairings", pairing);
    }

    let (inside, zj) = province(app, &admin, &ZHEJIANG, &mut fx).await;
    let (outside, xj) = province(app, &admin, &XINJIANG, &mut fx).await;
    fx.inside.ids.extend(inside.ids);
    fx.outside.ids.extend(outside.ids);
    // Out of scope, a training-base event hosted by Fujian; Xinjiang (invited to both)
    // nominates a trainee to each.
    let fujian = app.bureau_id(&admin, "350000").await;
    let event = must(
        app,
        &admin,
        "/api/v1/training-base/events",
        json!({"title": "福建培训基地研修班", "place": "福建省艺术馆", "starts_on": "2030-08-10", "ends_on": "2030-08-12",
            "capacity": 5, "invited_provinces": ["65"], "organization_id": fujian}),
        StatusCode::CREATED,
    )
    .await;
    fx.outside.set("events", id_of(&event));
    for (side, mobile) in [
        (&mut fx.inside, "13900001111"),
        (&mut fx.outside, "13900002222"),
    ] {
        let Some(event) = side.get("events").map(str::to_string) else {
            continue;
        };
        let trainee = must(
            app,
            &xj.bureau_admin,
            &format!("/api/v1/training-base/events/{event}/trainees"),
            json!({"name": "阿依古丽", "mobile": mobile, "work_unit": "乡镇综合文化站", "post": "站长", "region_code": "650102"}),
            StatusCode::CREATED,
        )
        .await;
        side.set("trainees", id_of(&trainee));
    }
    // A training-base certificate on each side, for the public check of its number: a
    // trainee of an event of its own that has already taken place (nominations close when an
    // event starts, so the dates move after the nomination).
    let zhejiang = fx.inside.id("bureau");
    for (host, mobile, inside) in [
        (zhejiang, "13900006666", true),
        (fujian, "13900007777", false),
    ] {
        if let Some(number) = certified_trainee(app, &admin, &xj.bureau_admin, host, mobile).await {
            let side = if inside {
                &mut fx.inside
            } else {
                &mut fx.outside
            };
            side.set("tb-certificate-number", number);
        }
    }
    fx.tokens = [
        Some(admin),
        Some(zj.bureau_admin),
        Some(zj.coordinator),
        Some(zj.auditor),
        Some(zj.volunteer),
        None,
    ];
    fx
}

/// One province's world: a municipal bureau below the provincial one, its staff, a volunteer
/// with a login and what they do together.
async fn province(app: &TestApp, admin: &str, p: &Province, fx: &mut Fixture) -> (Side, Staff) {
    let mut s = Side::default();
    let bureau = app.bureau_id(admin, p.code).await;
    let city = app
        .create_org(
            admin,
            json!({"kind": "municipal_bureau", "name": p.city_name, "parent_id": bureau, "region_code": p.city}),
        )
        .await;
    let city_id = id_of(&city);
    s.set("organizations", city_id);
    s.set("bureau", bureau);
    s.set("region", p.district);
    s.set("province", p.code);

    let login = |name: String| async move {
        let tokens = app.login_tokens(&name, STAFF_PASSWORD).await;
        (
            tokens["access_token"].as_str().unwrap().to_string(),
            tokens["refresh_token"].as_str().unwrap().to_string(),
        )
    };
    let mut staff = vec![];
    for (role, org) in [
        ("bureau_admin", bureau),
        ("coordinator", city_id),
        ("auditor", bureau),
    ] {
        let name = format!("{}.{role}", p.prefix);
        app.create_user(admin, &name, role, org).await;
        let (access, refresh) = login(name).await;
        fx.refresh_tokens.push(refresh);
        staff.push(access);
    }
    let [bureau_admin, coordinator, auditor] = <[String; 3]>::try_from(staff).unwrap();
    if p.prefix == "zj" {
        // The account the matrix logs in and out with (fresh refresh tokens).
        app.create_user(admin, "zj.sessions", "auditor", bureau)
            .await;
    }
    // A colleague whose account the matrix reads and disables.
    let spare = app
        .create_user(
            admin,
            &format!("{}.spare", p.prefix),
            "coordinator",
            city_id,
        )
        .await;
    s.set("users", spare);

    // The volunteer (the matrix's volunteer caller in Zhejiang) and a second one.
    let id_number = resident_id(p.district, "19900101", p.seq);
    let mut body = volunteer_body("志愿者甲", &id_number, p.district);
    body["organization_id"] = json!(city_id);
    let v = app.register_volunteer(&bureau_admin, &body).await;
    fx.id_numbers.push(id_number);
    let code = v["activation_code"].as_str().unwrap().to_string();
    fx.activation_codes.push(code.clone());
    let username = format!("{}.volunteer", p.prefix);
    let res = app
        .post_anon(
            "/api/v1/auth/activate",
            &json!({"code": code, "username": username, "password": VOLUNTEER_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "activate {username}");
    let tokens = app.login_tokens(&username, VOLUNTEER_PASSWORD).await;
    fx.refresh_tokens
        .push(tokens["refresh_token"].as_str().unwrap().to_string());
    let volunteer_token = tokens["access_token"].as_str().unwrap().to_string();
    let volunteer = id_of(&v);
    s.set("volunteers", volunteer);

    let other_number = resident_id(p.district, "19850505", p.seq + 1);
    let mut body = volunteer_body("志愿者乙", &other_number, p.district);
    body["organization_id"] = json!(city_id);
    let other = app.register_volunteer(&bureau_admin, &body).await;
    fx.id_numbers.push(other_number);
    fx.activation_codes
        .push(other["activation_code"].as_str().unwrap().to_string());
    s.set("other-volunteer", id_of(&other));

    // A site and a published activity three days ahead; the volunteer confirmed on it.
    let site = must(
        app,
        &coordinator,
        "/api/v1/sites",
        json!({"name": "社区文化家园", "kind": "community", "region_code": p.district, "address": "某区某街道",
            "location_type": "community", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "社区办公室"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("sites", id_of(&site));
    let activity_id = activity(app, &coordinator, id_of(&site), json!({})).await;
    s.set("activities", activity_id);
    let assignment = must(
        app,
        &coordinator,
        &format!("/api/v1/activities/{activity_id}/assignments"),
        json!({"volunteer_id": volunteer}),
        StatusCode::CREATED,
    )
    .await;
    let assignment_id = id_of(&assignment);
    must(
        app,
        &volunteer_token,
        &format!("/api/v1/assignments/{assignment_id}/confirm"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    s.set("assignments", assignment_id);
    let starts = activity_date(app, &coordinator, activity_id).await;
    s.set("morning", format!("{starts}T10:00:00+08:00"));
    s.set("date", starts);
    // An offer still open, on a third day: what confirming and declining act on.
    let third = (Utc::now() + Duration::days(9))
        .format("%Y-%m-%d")
        .to_string();
    let open_activity = activity(
        app,
        &coordinator,
        id_of(&site),
        json!({"title": "周末读书会", "starts_at": format!("{third}T02:00:00Z"), "ends_at": format!("{third}T04:00:00Z")}),
    )
    .await;
    let offered = must(
        app,
        &coordinator,
        &format!("/api/v1/activities/{open_activity}/assignments"),
        json!({"volunteer_id": volunteer}),
        StatusCode::CREATED,
    )
    .await;
    s.set("offered-assignment", id_of(&offered));

    // A finished activity whose hours are verified: a service record and a certificate.
    let later = |h: u32| {
        (Utc::now() + Duration::days(6))
            .format(&format!("%Y-%m-%dT{h:02}:00:00Z"))
            .to_string()
    };
    let past = activity(
        app,
        &coordinator,
        id_of(&site),
        // Another day than the first activity, so that one volunteer serves both.
        json!({"title": "往期演出", "starts_at": later(2), "ends_at": later(5)}),
    )
    .await;
    let done = must(
        app,
        &coordinator,
        &format!("/api/v1/activities/{past}/assignments"),
        json!({"volunteer_id": volunteer}),
        StatusCode::CREATED,
    )
    .await;
    let done_id = id_of(&done);
    must(
        app,
        &volunteer_token,
        &format!("/api/v1/assignments/{done_id}/confirm"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let begin = (Utc::now() - Duration::days(5)).naive_utc();
    reschedule(app, past, begin, begin + Duration::hours(3));
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(assignments::table.find(done_id))
            .set((
                assignments::status.eq("completed"),
                assignments::checked_in_at.eq(begin),
                assignments::checked_out_at.eq(begin + Duration::hours(3)),
                assignments::break_minutes.eq(0),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let record = must(
        app,
        &coordinator,
        &format!("/api/v1/assignments/{done_id}/verify"),
        json!({}),
        StatusCode::CREATED,
    )
    .await;
    s.set("done-assignment", done_id);
    s.set("service-records", record["record_id"].as_i64().unwrap_or(0));
    let certificate = must(
        app,
        &coordinator,
        &format!("/api/v1/volunteers/{volunteer}/record-certificates"),
        json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("record-certificates", id_of(&certificate));
    if let Some(number) = certificate["number"].as_str() {
        s.set("certificate-number", number);
    }
    // Enough verified hours for the first star (100 h, STAR-01): the application a bureau
    // grants or rejects.
    let city_path: String = {
        let mut conn = app.state.pool.get().unwrap();
        organizations::table
            .find(city_id)
            .select(organizations::path)
            .first(&mut *conn)
            .unwrap()
    };
    crate::records::add_minutes_for(app, volunteer, past, city_id, &city_path, 6_000, 0);
    let stars = must(
        app,
        &volunteer_token,
        &format!("/api/v1/volunteers/{volunteer}/star-applications"),
        json!({}),
        StatusCode::CREATED,
    )
    .await;
    s.set(
        "star-applications",
        stars["awards"][0]["id"].as_i64().unwrap_or(0),
    );
    let correction = must(
        app,
        &volunteer_token,
        &format!("/api/v1/service-records/{}/corrections", s.id("service-records")),
        json!({"ended_at": (begin + Duration::hours(2)).and_utc().to_rfc3339(), "reason": "提前离开"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("record-corrections", id_of(&correction));

    // Recruitment, training, the people's voice, honours, plans.
    let recruitment = must(
        app,
        &coordinator,
        "/api/v1/recruitments",
        crate::recruitment::campaign("社区文化志愿者招募", 5),
        StatusCode::CREATED,
    )
    .await;
    s.set("recruitments", id_of(&recruitment));
    let application = must(
        app,
        &coordinator,
        &format!("/api/v1/recruitments/{}/applications", id_of(&recruitment)),
        json!({"volunteer_id": s.id("other-volunteer")}),
        StatusCode::CREATED,
    )
    .await;
    s.set("applications", id_of(&application));
    let course = must(
        app,
        &coordinator,
        "/api/v1/courses",
        json!({"code": format!("{}-101", p.prefix.to_uppercase()), "title": "志愿服务通识", "category": "skill", "minutes": 60}),
        StatusCode::CREATED,
    )
    .await;
    s.set("courses", id_of(&course));
    let session = must(
        app,
        &coordinator,
        &format!("/api/v1/courses/{}/sessions", id_of(&course)),
        json!({"starts_at": "2030-03-01T01:00:00Z", "ends_at": "2030-03-01T05:00:00Z", "region_code": p.district,
            "place": "图书馆报告厅", "capacity": 5, "trainer": "李老师"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("sessions", id_of(&session));
    let enrollment = must(
        app,
        &coordinator,
        &format!("/api/v1/sessions/{}/enrollments", id_of(&session)),
        json!({"volunteer_id": volunteer}),
        StatusCode::CREATED,
    )
    .await;
    s.set("enrollments", id_of(&enrollment));
    // A passed course, and so a training certificate (of the other volunteer, whose
    // enrolment no row acts on): a session that has ended, graded by its organiser.
    let ended = must(
        app,
        &coordinator,
        &format!("/api/v1/courses/{}/sessions", id_of(&course)),
        json!({"starts_at": "2030-03-02T01:00:00Z", "ends_at": "2030-03-02T05:00:00Z", "region_code": p.district,
            "place": "图书馆报告厅", "capacity": 5, "trainer": "李老师"}),
        StatusCode::CREATED,
    )
    .await;
    let graded = must(
        app,
        &coordinator,
        &format!("/api/v1/sessions/{}/enrollments", id_of(&ended)),
        json!({"volunteer_id": s.id("other-volunteer")}),
        StatusCode::CREATED,
    )
    .await;
    crate::training::end_session(app, id_of(&ended));
    must(
        app,
        &coordinator,
        &format!("/api/v1/enrollments/{}/result", id_of(&graded)),
        json!({"attended": true, "passed": true, "score": 90}),
        StatusCode::OK,
    )
    .await;
    let certificates = get_ok(
        app,
        &coordinator,
        &format!(
            "/api/v1/volunteers/{}/training-certificates",
            s.id("other-volunteer")
        ),
    )
    .await;
    s.set(
        "training-certificates",
        certificates[0]["id"].as_i64().unwrap_or(0),
    );
    let link = get_ok(
        app,
        &coordinator,
        &format!("/api/v1/activities/{activity_id}/feedback-link"),
    )
    .await;
    if let Some(token) = link["token"].as_str() {
        s.set("feedback-token", token);
    }
    let opinion = must(
        app,
        &coordinator,
        "/api/v1/opinions",
        json!({"activity_id": activity_id, "channel": "symposium", "heard_on": app.state.clock.today().to_string(),
            "summary": "希望增加戏曲节目", "is_issue": true}),
        StatusCode::CREATED,
    )
    .await;
    s.set("opinions", id_of(&opinion));
    let rectification = must(
        app,
        &coordinator,
        "/api/v1/rectifications",
        json!({"organization_id": city_id, "description": "活动场地无障碍通道缺失", "responsible_person": "场馆科负责人",
            "measures": "加装坡道与扶手", "due_on": (app.state.clock.today() + Duration::days(10)).to_string()}),
        StatusCode::CREATED,
    )
    .await;
    s.set("rectifications", id_of(&rectification));
    let complaint = must(
        app,
        &coordinator,
        &format!("/api/v1/assignments/{assignment_id}/complaints"),
        json!({"description": "迟到半小时"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("complaints", id_of(&complaint));
    let commendation = must(
        app,
        &coordinator,
        "/api/v1/commendations",
        json!({"kind": "model_volunteer", "level": "municipal", "target_type": "volunteer", "target_id": volunteer,
            "citation": "扎根社区十年"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("commendations", id_of(&commendation));
    let plan = must(
        app,
        &bureau_admin,
        "/api/v1/implementation-plans",
        json!({"campaign_id": fx.inside.id("campaigns"), "targets": {"volunteers_registered": 1, "volunteers_trained": 1,
            "spring_rain_teams_sent": 0, "spring_rain_teams_received": 1, "verified_hours": 1}}),
        StatusCode::CREATED,
    )
    .await;
    s.set("implementation-plans", id_of(&plan));
    let request = must(
        app,
        &volunteer_token,
        &format!("/api/v1/volunteers/{volunteer}/personal-data-requests"),
        json!({"kind": "correction", "details": "姓名有误"}),
        StatusCode::CREATED,
    )
    .await;
    s.set("personal-data-requests", id_of(&request));
    let plan = must(
        app,
        &coordinator,
        "/api/v1/dispatch/plans",
        json!({"activity_ids": [activity_id]}),
        StatusCode::CREATED,
    )
    .await;
    s.set("plans", id_of(&plan));
    // The public side: an objection to the certificate, feedback on the finished activity.
    if let Some(number) = s.get("certificate-number").map(str::to_string) {
        let objection: Value = app
            .post_anon(
                &format!("/api/v1/public/certificates/{number}/objections"),
                &json!({"reason": "此人当天不在现场"}),
            )
            .await
            .json()
            .await
            .unwrap();
        if let Some(id) = objection["id"].as_i64() {
            s.set("objections", id);
        }
    }
    let past_link = get_ok(
        app,
        &coordinator,
        &format!("/api/v1/activities/{past}/feedback-link"),
    )
    .await;
    if let Some(token) = past_link["token"].as_str() {
        s.set("feedback-token", token);
        let receipt: Value = app
            .post_anon(
                &format!("/api/v1/public/feedback/{token}"),
                &json!({"rating": 4, "comment": "节目很好"}),
            )
            .await
            .json()
            .await
            .unwrap();
        if let Some(code) = receipt["receipt_code"].as_str() {
            s.set("receipt-code", code);
        }
    }
    // Issue 13: the other volunteer's ID number claimed anew by an anonymous registration
    // becomes a dispute for this bureau.
    let mut claim = volunteer_body(
        "顶替者",
        &fx.id_numbers[fx.id_numbers.len() - 1],
        p.district,
    );
    claim["organization_id"] = json!(city_id);
    claim["mobile"] = json!("13900139000");
    claim["username"] = json!(format!("{}.claimant", p.prefix));
    claim["password"] = json!("A-volunteer-pass-1");
    let res = app.post_anon("/api/v1/auth/register", &claim).await;
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "a claim is accepted like any registration"
    );
    let disputes = get_ok(app, &bureau_admin, "/api/v1/identity-disputes").await;
    if let Some(first) = disputes["items"].as_array().and_then(|d| d.first()) {
        s.set("identity-disputes", id_of(first));
    }
    if p.prefix == "zj" {
        // A training-base event hosted inland (Xinjiang, a receiving province, hosts none).
        let event = must(
            app,
            &coordinator,
            "/api/v1/training-base/events",
            json!({"title": "基层文化骨干研修班", "place": "浙江省文化馆", "starts_on": "2030-07-10", "ends_on": "2030-07-12",
                "capacity": 5, "invited_provinces": ["65"]}),
            StatusCode::CREATED,
        )
        .await;
        s.set("events", id_of(&event));
    }
    let notes = get_ok(app, &volunteer_token, "/api/v1/me/notifications").await;
    if let Some(first) = notes["items"].as_array().and_then(|n| n.first()) {
        s.set("notifications", id_of(first));
    }

    (
        s,
        Staff {
            bureau_admin,
            coordinator,
            auditor,
            volunteer: volunteer_token,
        },
    )
}

/// A trainee nominated by Xinjiang's bureau to a two-day event of `host`, present, and
/// certified by the ministry on the event's last day: the certificate's number.
async fn certified_trainee(
    app: &TestApp,
    admin: &str,
    nominator: &str,
    host: i64,
    mobile: &str,
) -> Option<String> {
    let event = must(
        app,
        admin,
        "/api/v1/training-base/events",
        json!({"title": "结业研修班", "place": "省文化馆", "starts_on": "2030-09-01", "ends_on": "2030-09-02",
            "capacity": 5, "invited_provinces": ["65"], "organization_id": host}),
        StatusCode::CREATED,
    )
    .await;
    let trainee = must(
        app,
        nominator,
        &format!("/api/v1/training-base/events/{}/trainees", id_of(&event)),
        json!({"name": "古丽", "mobile": mobile, "work_unit": "乡镇综合文化站", "post": "干事", "region_code": "650102"}),
        StatusCode::CREATED,
    )
    .await;
    {
        let today = app.state.clock.today();
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(training_base_events::table.find(id_of(&event)))
            .set((
                training_base_events::starts_on.eq(today - Duration::days(1)),
                training_base_events::ends_on.eq(today),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let trainee = id_of(&trainee);
    must(
        app,
        admin,
        &format!("/api/v1/training-base/trainees/{trainee}/attendance"),
        json!({"attended": true}),
        StatusCode::OK,
    )
    .await;
    let issued = must(
        app,
        admin,
        &format!("/api/v1/training-base/trainees/{trainee}/certificate"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    issued["certificate_no"].as_str().map(str::to_string)
}

async fn activity_date(app: &TestApp, token: &str, id: i64) -> String {
    let a = get_ok(app, token, &format!("/api/v1/activities/{id}")).await;
    a["starts_at"].as_str().unwrap()[..10].to_string()
}
