//! Batch dispatch plans over HTTP: proposing (minimum headcounts first, each volunteer once,
//! locks and exclusions), committing as offers, stale plans and scope.

use std::collections::{HashMap, HashSet};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::get_json;
use crate::helpers::{TestApp, TwoProvinces, assert_problem, resident_id, volunteer_body};

/// Hangzhou's coordinator with three published activities and six Zhejiang volunteers who
/// consented to province-wide matching:
/// `music` (min 1, max 4) and `concert` (min 1, max 3) want music, `dance` (min 2, max 2)
/// wants dance. Volunteers 0–3 play music at level 3 and dance at level 1, so every one of
/// them scores higher on a music activity; 4 and 5 only play music, at level 1.
struct Batch {
    t: TwoProvinces,
    music: i64,
    dance: i64,
    concert: i64,
    volunteers: Vec<i64>,
}

async fn create_site(app: &TestApp, token: &str) -> i64 {
    let res = app
        .post(
            "/api/v1/sites",
            token,
            &json!({"name": "西湖区文化站", "kind": "cultural_station", "region_code": "330106",
                    "address": "杭州市西湖区文三路 1 号", "location_type": "community",
                    "target_groups": ["general_public"], "contact": "0571-0000 0000"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "create site");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A published activity `days` from now, needing one skill at level 1.
async fn published_activity(
    app: &TestApp,
    token: &str,
    site_id: i64,
    skill: &str,
    (min, max): (i32, i32),
    days: i64,
) -> i64 {
    let starts_at = chrono::Utc::now() + chrono::TimeDelta::days(days);
    let extra = json!({"title": format!("社区演出 {skill}"), "description": "为社区群众演出",
                       "starts_at": starts_at, "ends_at": starts_at + chrono::TimeDelta::hours(3),
                       "headcount_min": min, "headcount_max": max, "physical_demand": 0,
                       "target_groups": ["general_public"],
                       "requirements": {"skills": [{"code": skill, "level": 1}]},
                       "risk_disclosure": "室内演出，注意安全"});
    crate::dispatch::activity(app, token, site_id, extra).await
}

async fn batch(app: &TestApp) -> Batch {
    let t = app.two_provinces().await;
    let site = create_site(app, &t.hz_coordinator).await;
    let music = published_activity(
        app,
        &t.hz_coordinator,
        site,
        "performance.music",
        (1, 4),
        10,
    )
    .await;
    let dance = published_activity(
        app,
        &t.hz_coordinator,
        site,
        "performance.dance",
        (2, 2),
        12,
    )
    .await;
    let concert = published_activity(
        app,
        &t.hz_coordinator,
        site,
        "performance.music",
        (1, 3),
        14,
    )
    .await;
    let mut volunteers = Vec::new();
    for i in 0..6u32 {
        let mut body = volunteer_body(
            &format!("志愿者{i}"),
            &resident_id("330106", "19900101", 100 + i),
            "330106",
        );
        body["skills"] = if i < 4 {
            json!([{"code": "performance.music", "level": 3}, {"code": "performance.dance", "level": 1}])
        } else {
            json!([{"code": "performance.music", "level": 1}])
        };
        let id = app.register_volunteer(&t.zj_admin, &body).await["id"]
            .as_i64()
            .unwrap();
        // Registered by the province: Hangzhou's coordinator matches them by consent (HRS-06).
        let res = app
            .client
            .put(app.url(&format!("/api/v1/volunteers/{id}/matching-consent")))
            .bearer_auth(&t.zj_admin)
            .json(&json!({"notice_version": "2026-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "consent");
        volunteers.push(id);
    }
    Batch {
        t,
        music,
        dance,
        concert,
        volunteers,
    }
}

async fn propose(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/dispatch/plans", token, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create plan {body}");
    assert!(res.headers().contains_key("location"));
    res.json().await.unwrap()
}

/// Planned volunteer ids per activity id.
fn planned(plan: &Value) -> HashMap<i64, Vec<i64>> {
    plan["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let ids = a["volunteers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["volunteer_id"].as_i64().unwrap())
                .collect();
            (a["activity_id"].as_i64().unwrap(), ids)
        })
        .collect()
}

async fn propose_all(app: &TestApp, b: &Batch) -> Value {
    let ids = [b.music, b.dance, b.concert];
    propose(app, &b.t.hz_coordinator, json!({"activity_ids": ids})).await
}

async fn offered(app: &TestApp, token: &str) -> Vec<Value> {
    let list = get_json(app, "/api/v1/assignments?status=offered", token).await;
    list["items"].as_array().unwrap().clone()
}

async fn a_plan_fills_minimum_headcounts_first_and_uses_each_volunteer_once(app: TestApp) {
    let b = batch(&app).await;
    let plan = propose_all(&app, &b).await;
    assert_eq!(plan["status"], "proposed");
    let by_activity = planned(&plan);
    // Every volunteer once: all six are placed, none twice.
    let all: Vec<i64> = by_activity.values().flatten().copied().collect();
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 6, "{plan}");
    assert_eq!(distinct, b.volunteers.iter().copied().collect());
    // Dance scores lower for everyone, yet its minimum of two comes first.
    assert_eq!(by_activity[&b.dance].len(), 2, "{plan}");
    assert!(
        by_activity[&b.dance]
            .iter()
            .all(|v| b.volunteers[..4].contains(v))
    );
    for a in plan["activities"].as_array().unwrap() {
        assert_eq!(a["min_shortfall"], 0, "{a}");
        assert_eq!(a["confirmed"], 0);
        let planned = a["planned"].as_i64().unwrap();
        assert_eq!(planned as usize, a["volunteers"].as_array().unwrap().len());
        assert!(planned <= a["headcount_max"].as_i64().unwrap());
        let first = &a["volunteers"][0];
        assert!(first["name"].as_str().unwrap().starts_with("志愿者"));
        assert!(first["score"].as_f64().unwrap() > 0.0);
        assert!(first["components"]["skill_fit"].as_f64().is_some());
        assert_eq!(first["locked"], false);
        assert!(first["assignment_id"].is_null());
    }
    assert_eq!(plan["totals"]["planned"], 6);
    assert_eq!(plan["totals"]["min_slots_filled"], 4);
    assert_eq!(plan["totals"]["min_shortfall"], 0);
    // Nothing is offered before the plan is committed.
    assert!(offered(&app, &b.t.hz_coordinator).await.is_empty());
    // The stored plan reads back the same.
    let id = plan["id"].as_i64().unwrap();
    let stored = get_json(
        &app,
        &format!("/api/v1/dispatch/plans/{id}"),
        &b.t.hz_coordinator,
    )
    .await;
    assert_eq!(stored, plan);
}
db_test!(a_plan_fills_minimum_headcounts_first_and_uses_each_volunteer_once);

async fn locks_and_exclusions_are_honoured(app: TestApp) {
    let b = batch(&app).await;
    let v = &b.volunteers;
    // Volunteer 0 is locked to the music activity and volunteer 1 kept off the dance, so
    // only 2 and 3 are left to dance; volunteer 5 is kept out of the music activity.
    let plan = propose(
        &app,
        &b.t.hz_coordinator,
        json!({"activity_ids": [b.music, b.dance, b.concert],
               "locks": [{"activity_id": b.music, "volunteer_id": v[0]}],
               "exclusions": [{"activity_id": b.dance, "volunteer_id": v[1]},
                              {"activity_id": b.music, "volunteer_id": v[5]}]}),
    )
    .await;
    let by_activity = planned(&plan);
    assert_eq!(by_activity[&b.dance], [v[2], v[3]], "{plan}");
    assert!(by_activity[&b.music].contains(&v[0]), "{plan}");
    assert!(by_activity[&b.concert].contains(&v[5]), "{plan}");
    assert_eq!(plan["totals"]["planned"], 6);
    let locked: Vec<i64> = plan["activities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["volunteers"].as_array().unwrap().clone())
        .filter(|p| p["locked"] == true)
        .map(|p| p["volunteer_id"].as_i64().unwrap())
        .collect();
    assert_eq!(locked, [v[0]]);
    assert_eq!(plan["locks"][0]["volunteer_id"], v[0]);
    assert_eq!(plan["exclusions"].as_array().unwrap().len(), 2);

    // Locks the engine cannot honour are refused with its code.
    let impossible = [
        // Volunteer 5 does not dance.
        (
            json!([{"activity_id": b.dance, "volunteer_id": v[5]}]),
            "lock_not_eligible",
        ),
        (
            json!([{"activity_id": b.dance, "volunteer_id": v[0]},
                   {"activity_id": b.music, "volunteer_id": v[0]}]),
            "volunteer_locked_twice",
        ),
        (
            json!([{"activity_id": b.dance, "volunteer_id": v[0]},
                   {"activity_id": b.dance, "volunteer_id": v[1]},
                   {"activity_id": b.dance, "volunteer_id": v[2]}]),
            "locks_exceed_capacity",
        ),
    ];
    for (locks, code) in impossible {
        let res = app
            .post(
                "/api/v1/dispatch/plans",
                &b.t.hz_coordinator,
                &json!({"activity_ids": [b.music, b.dance, b.concert], "locks": locks}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
}
db_test!(locks_and_exclusions_are_honoured);

async fn committing_makes_offers_once(app: TestApp) {
    let b = batch(&app).await;
    let plan = propose_all(&app, &b).await;
    let id = plan["id"].as_i64().unwrap();
    let commit = format!("/api/v1/dispatch/plans/{id}/commit");
    let res = app.post(&commit, &b.t.hz_coordinator, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let committed: Value = res.json().await.unwrap();
    assert_eq!(committed["status"], "committed");
    assert!(committed["committed_at"].is_string());

    // Offers, never confirmations (ACT-03): one per planned pair, each named in the plan.
    let offers = offered(&app, &b.t.hz_coordinator).await;
    assert_eq!(offers.len(), 6);
    let made: HashSet<(i64, i64, i64)> = offers
        .iter()
        .map(|o| {
            assert_eq!(o["status"], "offered");
            (
                o["id"].as_i64().unwrap(),
                o["activity_id"].as_i64().unwrap(),
                o["volunteer_id"].as_i64().unwrap(),
            )
        })
        .collect();
    let in_plan: HashSet<(i64, i64, i64)> = committed["activities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            let activity = a["activity_id"].as_i64().unwrap();
            a["volunteers"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |v| {
                    (
                        v["assignment_id"].as_i64().unwrap(),
                        activity,
                        v["volunteer_id"].as_i64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(made, in_plan);

    // Each offer is audited like a single one, and so is the commit.
    for (action, count) in [("assignment.offer", 6), ("dispatch_plan.commit", 1)] {
        let path = format!("/api/v1/audit-events?action={action}");
        let events = get_json(&app, &path, &b.t.zj_admin).await;
        assert_eq!(events["items"].as_array().unwrap().len(), count, "{action}");
    }

    // A plan commits once; reading it shows the commit.
    let again = app.post(&commit, &b.t.hz_coordinator, &json!({})).await;
    assert_problem(again, StatusCode::CONFLICT, "plan_committed").await;
    assert_eq!(offered(&app, &b.t.hz_coordinator).await.len(), 6);
    let stored = get_json(
        &app,
        &format!("/api/v1/dispatch/plans/{id}"),
        &b.t.hz_coordinator,
    )
    .await;
    assert_eq!(stored, committed);

    // A new plan leaves out whoever already holds an offer on an activity: the dance goes
    // to the two other dancers.
    let next = propose(
        &app,
        &b.t.hz_coordinator,
        json!({"activity_ids": [b.dance]}),
    )
    .await;
    let dancers: HashSet<i64> = planned(&next)[&b.dance].iter().copied().collect();
    let offered_dance: HashSet<i64> = planned(&committed)[&b.dance].iter().copied().collect();
    assert_eq!(dancers.len(), 2, "{next}");
    assert!(dancers.is_disjoint(&offered_dance), "{next}");
}
db_test!(committing_makes_offers_once);

async fn a_stale_plan_refuses_to_commit_and_offers_nothing(app: TestApp) {
    let b = batch(&app).await;
    let plan = propose_all(&app, &b).await;
    let id = plan["id"].as_i64().unwrap();
    let activity_of = |volunteer: i64| {
        planned(&plan)
            .into_iter()
            .find(|(_, vs)| vs.contains(&volunteer))
            .map(|(a, _)| a)
            .unwrap()
    };
    // Meanwhile volunteer 4 is suspended, and volunteer 0 gets a single offer of the very
    // activity the plan has for them (refused by the database, not the rules).
    let (offered_directly, suspended) = (b.volunteers[0], b.volunteers[4]);
    let res = app
        .post(
            &format!("/api/v1/volunteers/{suspended}/suspend"),
            &b.t.zj_admin,
            &json!({"reason": "投诉待查"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!(
                "/api/v1/activities/{}/assignments",
                activity_of(offered_directly)
            ),
            &b.t.hz_coordinator,
            &json!({"volunteer_id": offered_directly}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let direct_offer = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let commit = format!("/api/v1/dispatch/plans/{id}/commit");
    let res = app.post(&commit, &b.t.hz_coordinator, &json!({})).await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "plan_stale").await;
    let failing: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let pair = |v: i64| format!("activity:{}/volunteer:{v}", activity_of(v));
    assert_eq!(
        failing,
        [
            (pair(offered_directly), "already_assigned".to_string()),
            (pair(suspended), "status_not_active".to_string()),
        ]
    );
    let why = problem["errors"][1]["message"].as_str().unwrap();
    assert!(why.contains("suspended"), "{why}");
    // All or nothing: the four still-possible pairs were not offered either.
    let offers = offered(&app, &b.t.hz_coordinator).await;
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0]["id"], direct_offer);
    let stored = get_json(
        &app,
        &format!("/api/v1/dispatch/plans/{id}"),
        &b.t.hz_coordinator,
    )
    .await;
    assert_eq!(stored["status"], "proposed");

    // Once the volunteer is reinstated and the single offer cancelled, the same plan commits.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{suspended}/reinstate"),
            &b.t.zj_admin,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/v1/assignments/{direct_offer}/cancel"),
            &b.t.hz_coordinator,
            &json!({"reason": "按批量方案重新邀请"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post(&commit, &b.t.hz_coordinator, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(offered(&app, &b.t.hz_coordinator).await.len(), 6);
}
db_test!(a_stale_plan_refuses_to_commit_and_offers_nothing);

async fn plans_are_scoped_to_their_creators_subtree(app: TestApp) {
    let b = batch(&app).await;
    let plan = propose_all(&app, &b).await;
    let id = plan["id"].as_i64().unwrap();
    let path = format!("/api/v1/dispatch/plans/{id}");
    let commit = format!("{path}/commit");

    // Another province sees neither the plan nor the activities.
    let res = app.get(&path, &b.t.xj_admin).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.post(&commit, &b.t.xj_admin, &json!({})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            "/api/v1/dispatch/plans",
            &b.t.xj_admin,
            &json!({"activity_ids": [b.music]}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // Plans name candidates: Zhejiang's auditor may neither read nor commit one
    // (PERMISSIONS.md: batch plans are for matching staff); the bureau admin may.
    let res = app.get(&path, &b.t.zj_auditor).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.post(&commit, &b.t.zj_auditor, &json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(offered(&app, &b.t.hz_coordinator).await.is_empty());
    let res = app.post(&commit, &b.t.zj_admin, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
}
db_test!(plans_are_scoped_to_their_creators_subtree);

async fn only_open_activities_are_planned(app: TestApp) {
    let t = app.two_provinces().await;
    let site = create_site(&app, &t.hz_coordinator).await;
    let res = app
        .post(
            "/api/v1/activities",
            &t.hz_coordinator,
            &json!({"site_id": site, "title": "草稿", "category": "grassroots_culture",
                    "form": "performance",
                    "starts_at": chrono::Utc::now() + chrono::TimeDelta::days(5),
                    "ends_at": chrono::Utc::now() + chrono::TimeDelta::days(5) + chrono::TimeDelta::hours(2),
                    "headcount_min": 1, "headcount_max": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let draft = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post(
            "/api/v1/dispatch/plans",
            &t.hz_coordinator,
            &json!({"activity_ids": [draft]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "activity_not_open").await;
    let res = app
        .post(
            "/api/v1/dispatch/plans",
            &t.hz_coordinator,
            &json!({"activity_ids": []}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = app
        .get("/api/v1/dispatch/plans/999", &t.hz_coordinator)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}
db_test!(only_open_activities_are_planned);

/// A batch covers 1 to 2,000 activities (a national day of service); outside that range the
/// request is refused before anything is loaded.
async fn a_plan_covers_up_to_two_thousand_activities(app: TestApp) {
    let b = batch(&app).await;
    let token = &b.t.hz_coordinator;
    for ids in [Vec::new(), (1..=2001).collect::<Vec<i64>>()] {
        let res = app
            .post(
                "/api/v1/dispatch/plans",
                token,
                &json!({"activity_ids": ids}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    // 2,000 ids pass validation: the unknown ones are then simply out of reach.
    let mut ids: Vec<i64> = (1_000_000..1_001_997).collect();
    ids.extend([b.music, b.dance, b.concert]);
    let res = app
        .post(
            "/api/v1/dispatch/plans",
            token,
            &json!({"activity_ids": ids}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
db_test!(a_plan_covers_up_to_two_thousand_activities);
