//! Issue 10, the people's voice: public feedback through an activity's link (FB-01, rate
//! limits), written answers to issues and the overdue lists (FB-02), the rectification ledger
//! (FB-03), and no personal data on the public pages.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{World, activity, get_json, offer, volunteer, world};
use crate::helpers::{TestApp, assert_problem, resident_id};

/// The activity's start and end, as the server stores them.
async fn schedule(app: &TestApp, w: &World, id: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let a = get_json(
        app,
        &format!("/api/v1/activities/{id}"),
        &w.t.hz_coordinator,
    )
    .await;
    let at = |k: &str| {
        DateTime::parse_from_rfc3339(a[k].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    (at("starts_at"), at("ends_at"))
}

/// The activity's feedback token, as the organiser's staff read it.
async fn token_of(app: &TestApp, w: &World, id: i64) -> String {
    let link = get_json(
        app,
        &format!("/api/v1/activities/{id}/feedback-link"),
        &w.t.hz_coordinator,
    )
    .await;
    link["token"].as_str().unwrap().to_string()
}

async fn give(client: &Client, app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/v1/public/feedback/{token}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A public GET (no sign-in), expecting 200; the body as text.
async fn public_text(app: &TestApp, path: &str) -> String {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

async fn public_json(app: &TestApp, path: &str) -> Value {
    serde_json::from_str(&public_text(app, path).await).unwrap()
}

async fn opinions(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    get_json(app, &format!("/api/v1/opinions?{query}"), token).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Acceptance 1: no login needed; before the start and after the window a clear 409 naming
/// FB-01, and nothing is stored; the link and its QR code are the organiser's.
async fn public_feedback_works_without_login_and_only_within_its_window(app: TestApp) {
    let w = world(&app).await;
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let link = get_json(
        &app,
        &format!("/api/v1/activities/{id}/feedback-link"),
        &w.t.hz_coordinator,
    )
    .await;
    let token = link["token"].as_str().unwrap().to_string();
    assert!(token.len() >= 40, "an unguessable token");
    assert!(
        link["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/public/feedback/{token}"))
    );
    let qr = app
        .get(
            &format!("/api/v1/activities/{id}/feedback-qr"),
            &w.t.hz_coordinator,
        )
        .await;
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    // Another province does not see the activity, let alone its link.
    let res = app
        .get(
            &format!("/api/v1/activities/{id}/feedback-link"),
            &w.t.xj_admin,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    let (starts, ends) = schedule(&app, &w, id).await;
    let anon = Client::new();
    let body = json!({"rating": 5, "comment": "演出很精彩", "target_group": "elderly"});
    app.state.clock.set(starts - Duration::minutes(1));
    let problem = assert_problem(
        give(&anon, &app, &token, &body).await,
        StatusCode::CONFLICT,
        "feedback_not_open",
    )
    .await;
    assert_eq!(problem["errors"][0]["rule"], "FB-01");
    app.state
        .clock
        .set(ends + Duration::days(14) + Duration::minutes(1));
    let problem = assert_problem(
        give(&anon, &app, &token, &body).await,
        StatusCode::CONFLICT,
        "feedback_closed",
    )
    .await;
    assert_eq!(problem["errors"][0]["rule"], "FB-01");
    assert!(
        opinions(&app, &w.t.hz_coordinator, "").await.is_empty(),
        "nothing was stored"
    );

    app.state.clock.set(starts + Duration::hours(1));
    let bad = give(
        &anon,
        &app,
        &token,
        &json!({"rating": 7, "target_group": "martians"}),
    )
    .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let res = give(&anon, &app, "no-such-token", &body).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = give(&anon, &app, &token, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt: Value = res.json().await.unwrap();
    assert_eq!(receipt["is_issue"], false);
    assert!(receipt["answer_due_on"].is_null());
    // The last minute of the window still counts.
    app.state.clock.set(ends + Duration::days(14));
    assert_eq!(
        give(&anon, &app, &token, &body).await.status(),
        StatusCode::CREATED
    );
    let stored = opinions(&app, &w.t.hz_coordinator, &format!("activity_id={id}")).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["channel"], "public");
    assert_eq!(stored[0]["target_group"], "elderly");
}
db_test!(
    public_feedback_works_without_login_and_only_within_its_window,
    [("SPRINGRAIN_FEEDBACK_RATE_PER_MINUTE", "100")]
);

/// Acceptance 1: a flood from one client is refused (429 with Retry-After) while other clients
/// still get through.
async fn a_flood_from_one_client_gets_429_while_other_clients_get_through(app: TestApp) {
    let w = world(&app).await;
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let token = token_of(&app, &w, id).await;
    app.state.clock.set(schedule(&app, &w, id).await.0);
    let body = json!({"rating": 4});
    let flooder = app.client_at("127.0.0.2");
    for _ in 0..3 {
        assert_eq!(
            give(&flooder, &app, &token, &body).await.status(),
            StatusCode::CREATED
        );
    }
    let res = give(&flooder, &app, &token, &body).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let other = app.client_at("127.0.0.3");
    assert_eq!(
        give(&other, &app, &token, &body).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        opinions(&app, &w.t.hz_coordinator, "").await.len(),
        4,
        "the refused opinion was not stored"
    );
}
db_test!(
    a_flood_from_one_client_gets_429_while_other_clients_get_through,
    [
        ("SPRINGRAIN_FEEDBACK_RATE_PER_MINUTE", "3"),
        ("SPRINGRAIN_FEEDBACK_TOKEN_RATE_PER_MINUTE", "1000")
    ]
);

/// Many clients on one link meet the per-link limit; another activity's link still works.
async fn a_flood_on_one_link_is_limited_per_link(app: TestApp) {
    let w = world(&app).await;
    let first = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let second = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let (t1, t2) = (
        token_of(&app, &w, first).await,
        token_of(&app, &w, second).await,
    );
    app.state.clock.set(schedule(&app, &w, first).await.0);
    let body = json!({"rating": 3});
    for ip in ["127.0.0.4", "127.0.0.5"] {
        let res = give(&app.client_at(ip), &app, &t1, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let late = app.client_at("127.0.0.6");
    let res = give(&late, &app, &t1, &body).await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(
        give(&late, &app, &t2, &body).await.status(),
        StatusCode::CREATED
    );
}
db_test!(
    a_flood_on_one_link_is_limited_per_link,
    [
        ("SPRINGRAIN_FEEDBACK_RATE_PER_MINUTE", "100"),
        ("SPRINGRAIN_FEEDBACK_TOKEN_RATE_PER_MINUTE", "2")
    ]
);

/// Acceptance 2: an issue from the public without an answer past its due day is in the
/// organiser's and its parent's overdue lists (not another province's); the answer clears it,
/// and a person who left no contact reads it through the token and the receipt.
async fn an_unanswered_issue_past_due_is_overdue_until_answered_and_the_person_sees_the_answer(
    app: TestApp,
) {
    let w = world(&app).await;
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let token = token_of(&app, &w, id).await;
    let (starts, _) = schedule(&app, &w, id).await;
    app.state.clock.set(starts + Duration::hours(1));
    let anon = Client::new();
    let res = give(
        &anon,
        &app,
        &token,
        &json!({"rating": 1, "comment": "座位太少，老人站了两个小时"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let anonymous: Value = res.json().await.unwrap();
    assert_eq!(anonymous["is_issue"], true);
    let due = anonymous["answer_due_on"].as_str().unwrap().to_string();
    let contact = "13912345678";
    let res = give(
        &anon,
        &app,
        &token,
        &json!({"rating": 2, "contact": contact}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(!app.database_contains(contact), "the contact is encrypted");
    let fine = give(&anon, &app, &token, &json!({"rating": 5})).await;
    assert_eq!(fine.status(), StatusCode::CREATED);

    // Staff record what they heard at a symposium; marked as an issue.
    let day = app.state.clock.today().to_string();
    let res = app
        .post(
            "/api/v1/opinions",
            &w.t.hz_coordinator,
            &json!({"activity_id": id, "channel": "symposium", "heard_on": day,
                "summary": "希望增加戏曲节目", "heard": {"elderly": 12, "left_behind_children": 3}, "is_issue": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let heard: Value = res.json().await.unwrap();
    assert_eq!(heard["heard"]["elderly"], 12);
    assert_eq!(heard["is_issue"], true);
    let res = app
        .post(
            "/api/v1/opinions",
            &w.t.hz_coordinator,
            &json!({"activity_id": id, "channel": "public", "heard_on": day, "summary": "x"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "channel");

    assert!(
        opinions(&app, &w.t.hz_coordinator, "overdue=true")
            .await
            .is_empty()
    );
    assert_eq!(
        opinions(&app, &w.t.hz_coordinator, "issues=true")
            .await
            .len(),
        3
    );
    // The day after the due day: three unanswered issues for the organiser and its parent.
    let due_day = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    app.state
        .clock
        .set(due_day.and_hms_opt(20, 0, 0).unwrap().and_utc());
    for (who, count) in [
        (&w.t.hz_coordinator, 3),
        (&w.t.zj_admin, 3),
        (&w.t.admin, 3),
        (&w.t.xj_admin, 0),
    ] {
        let overdue = opinions(&app, who, "overdue=true").await;
        assert_eq!(overdue.len(), count);
        assert!(overdue.iter().all(|o| o["overdue"] == true));
    }
    // The statistics count the same opinions, in scope (issue 11).
    let figures = |token: &str| {
        let token = token.to_string();
        let app = &app;
        async move {
            let o = get_json(app, "/api/v1/stats/overview", &token).await["opinions"].clone();
            ["opinions", "issues", "answered", "overdue"].map(|k| o[k].as_i64().unwrap())
        }
    };
    assert_eq!(figures(&w.t.zj_admin).await, [4, 3, 0, 3]);
    assert_eq!(figures(&w.t.xj_admin).await, [0, 0, 0, 0]);
    // Another province cannot read or answer the issue.
    let issue = opinions(&app, &w.t.hz_coordinator, "overdue=true").await[0]["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/opinions/{issue}/answer"),
            &w.t.xj_admin,
            &json!({"answer": "x"}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    let answer = "已增加座椅五十把，下次活动起提前摆放。";
    let res = app
        .post(
            &format!("/api/v1/opinions/{issue}/answer"),
            &w.t.hz_coordinator,
            &json!({"answer": answer}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let answered: Value = res.json().await.unwrap();
    assert_eq!(
        (answered["answer"].as_str(), answered["overdue"].as_bool()),
        (Some(answer), Some(false))
    );
    assert_eq!(figures(&w.t.admin).await, [4, 3, 1, 2]);
    let res = app
        .post(
            &format!("/api/v1/opinions/{issue}/answer"),
            &w.t.hz_coordinator,
            &json!({"answer": "again"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "already_answered").await;
    for who in [&w.t.hz_coordinator, &w.t.zj_admin] {
        let overdue = opinions(&app, who, "overdue=true").await;
        assert_eq!(overdue.len(), 2, "the answer cleared it");
        assert!(overdue.iter().all(|o| o["id"] != issue));
    }
    let not_issue = opinions(&app, &w.t.hz_coordinator, "")
        .await
        .into_iter()
        .find(|o| o["rating"] == 5)
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/opinions/{}/answer", not_issue["id"]),
            &w.t.hz_coordinator,
            &json!({"answer": "谢谢"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "not_an_issue").await;

    // The person who left no contact reads the answer through the token and the receipt.
    let page: Value = public_json(&app, &format!("/api/v1/public/feedback/{token}")).await;
    assert_eq!(page["answers"].as_array().unwrap().len(), 1);
    assert_eq!(page["answers"][0]["answer"], answer);
    let mine: Value = public_json(
        &app,
        &format!(
            "/api/v1/public/feedback/receipts/{}",
            anonymous["receipt_code"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(mine["answer"], answer);

    // The organiser reads the contact left for a reply (audited); an auditor does not.
    let with_contact_id = opinions(&app, &w.t.hz_coordinator, "overdue=true")
        .await
        .into_iter()
        .find(|o| o["contact_left"] == true)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let one = get_json(
        &app,
        &format!("/api/v1/opinions/{with_contact_id}"),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(one["contact"], contact);
    let audited = get_json(
        &app,
        &format!("/api/v1/audit-events?action=opinion.reveal_contact&entity_id={with_contact_id}"),
        &w.t.admin,
    )
    .await;
    assert_eq!(audited["items"].as_array().unwrap().len(), 1);
    let one = get_json(
        &app,
        &format!("/api/v1/opinions/{with_contact_id}"),
        &w.t.zj_auditor,
    )
    .await;
    assert!(one.get("contact").is_none() && one["contact_left"] == true);
    // Its answer goes to the contact, not onto the public page.
    let res = app
        .post(
            &format!("/api/v1/opinions/{with_contact_id}/answer"),
            &w.t.hz_coordinator,
            &json!({"answer": "已电话回复"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = public_json(&app, &format!("/api/v1/public/feedback/{token}")).await;
    assert_eq!(page["answers"].as_array().unwrap().len(), 1);
}
db_test!(an_unanswered_issue_past_due_is_overdue_until_answered_and_the_person_sees_the_answer);

async fn step(app: &TestApp, token: &str, id: i64, verb: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/rectifications/{id}/{verb}"), token, &body)
        .await
}

/// Acceptance 3: a ledger item moves through its states with an audit entry per move; the
/// parent returns a resolved item; another province gets 404, the ministry reads it.
async fn a_ledger_item_moves_through_its_states_audited_and_stays_in_its_province(app: TestApp) {
    let w = world(&app).await;
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    app.state.clock.set(schedule(&app, &w, id).await.0);
    let heard: Value = app
        .post(
            "/api/v1/opinions",
            &w.t.hz_coordinator,
            &json!({"activity_id": id, "channel": "home_visit", "heard_on": app.state.clock.today().to_string(),
                "summary": "活动场地没有无障碍通道", "rating": 2}),
        )
        .await
        .json()
        .await
        .unwrap();
    let due = (app.state.clock.today() + Duration::days(10)).to_string();
    let body = json!({"organization_id": w.t.hangzhou, "description": "活动场地无障碍通道缺失",
        "source_opinion_ids": [heard["id"]], "responsible_person": "场馆科负责人",
        "measures": "加装坡道与扶手", "due_on": due});
    let res = app
        .post("/api/v1/rectifications", &w.t.hz_coordinator, &body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let item: Value = res.json().await.unwrap();
    let item_id = item["id"].as_i64().unwrap();
    assert_eq!(item["status"], "open");
    // Another province cannot open an item for Hangzhou.
    let res = app
        .post("/api/v1/rectifications", &w.t.xj_admin, &body)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    let res = step(
        &app,
        &w.t.hz_coordinator,
        item_id,
        "resolve",
        json!({"resolution": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "ledger_step_not_allowed").await;
    let res = step(&app, &w.t.hz_coordinator, item_id, "start", json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "in_progress");
    let ledger = |token: String| {
        let app = &app;
        async move {
            get_json(app, "/api/v1/stats/overview", &token).await["rectifications_by_status"]
                .clone()
        }
    };
    assert_eq!(
        ledger(w.t.zj_admin.clone()).await,
        json!({"in_progress": 1})
    );
    assert_eq!(ledger(w.t.xj_admin.clone()).await, json!({}));
    let res = step(&app, &w.t.hz_coordinator, item_id, "resolve", json!({})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = step(
        &app,
        &w.t.hz_coordinator,
        item_id,
        "resolve",
        json!({"resolution": "坡道已建成"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "resolved");
    // Only the supervising organisation returns it, and with a reason.
    let res = step(
        &app,
        &w.t.hz_coordinator,
        item_id,
        "return",
        json!({"reason": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "FB-03").await;
    let res = step(&app, &w.t.zj_admin, item_id, "return", json!({})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "FB-03");
    let res = step(
        &app,
        &w.t.zj_admin,
        item_id,
        "return",
        json!({"reason": "扶手高度不合规范"}),
    )
    .await;
    let returned: Value = res.json().await.unwrap();
    assert_eq!(
        (
            returned["status"].as_str(),
            returned["status_reason"].as_str()
        ),
        (Some("in_progress"), Some("扶手高度不合规范"))
    );
    let res = step(&app, &w.t.hz_coordinator, item_id, "publish", json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "item_not_resolved").await;
    let res = step(
        &app,
        &w.t.hz_coordinator,
        item_id,
        "resolve",
        json!({"resolution": "扶手已按规范更换"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = step(&app, &w.t.hz_coordinator, item_id, "publish", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);

    let audit = get_json(
        &app,
        &format!("/api/v1/audit-events?entity_type=rectification&entity_id={item_id}"),
        &w.t.admin,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "rectification.open",
            "rectification.start",
            "rectification.resolve",
            "rectification.return",
            "rectification.resolve",
            "rectification.publish"
        ]
    );

    // Scope: another province gets 404 and an empty ledger; the ministry and the parent read.
    let res = app
        .get(&format!("/api/v1/rectifications/{item_id}"), &w.t.xj_admin)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = step(
        &app,
        &w.t.xj_admin,
        item_id,
        "return",
        json!({"reason": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let xj = get_json(&app, "/api/v1/rectifications", &w.t.xj_admin).await;
    assert!(xj["items"].as_array().unwrap().is_empty());
    for who in [&w.t.admin, &w.t.zj_admin, &w.t.zj_auditor] {
        let one = get_json(&app, &format!("/api/v1/rectifications/{item_id}"), who).await;
        assert_eq!(one["status"], "resolved");
    }

    // A second item is rejected with a reason; a third, left open past its due day, is in the
    // parent's overdue list.
    let mut second = body.clone();
    second["due_on"] = json!(app.state.clock.today().to_string());
    let rejected: Value = app
        .post("/api/v1/rectifications", &w.t.hz_coordinator, &second)
        .await
        .json()
        .await
        .unwrap();
    let res = step(
        &app,
        &w.t.hz_coordinator,
        rejected["id"].as_i64().unwrap(),
        "reject",
        json!({}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = step(
        &app,
        &w.t.hz_coordinator,
        rejected["id"].as_i64().unwrap(),
        "reject",
        json!({"reason": "与第一项重复"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "rejected");
    let late: Value = app
        .post("/api/v1/rectifications", &w.t.hz_coordinator, &second)
        .await
        .json()
        .await
        .unwrap();
    app.state.clock.advance(Duration::days(2));
    for who in [&w.t.hz_coordinator, &w.t.zj_admin] {
        let overdue = get_json(&app, "/api/v1/rectifications?overdue=true", who).await;
        let ids: Vec<i64> = overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [late["id"].as_i64().unwrap()]);
    }
    let xj = get_json(&app, "/api/v1/rectifications?overdue=true", &w.t.xj_admin).await;
    assert!(xj["items"].as_array().unwrap().is_empty());
}
db_test!(a_ledger_item_moves_through_its_states_audited_and_stays_in_its_province);

/// The public pages (feedback page, receipts, public rectifications) carry no ID number,
/// mobile or name of a volunteer, and never the contact a person left.
async fn public_responses_carry_no_personal_data(app: TestApp) {
    let w = world(&app).await;
    let id = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(&app, &w, "欧阳志愿", 41, |_| {}).await;
    let res = offer(&app, &w.t.hz_coordinator, id, v["id"].as_i64().unwrap()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id_number = resident_id("330106", "19900101", 41);
    let token = token_of(&app, &w, id).await;
    app.state.clock.set(schedule(&app, &w, id).await.0);
    let contact = "contact-13712345678";
    let anon = Client::new();
    let mut bodies = Vec::new();
    let mut receipts = Vec::new();
    for body in [
        json!({"rating": 1, "comment": "志愿者迟到"}),
        json!({"rating": 2, "contact": contact}),
    ] {
        let res = give(&anon, &app, &token, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let text = res.text().await.unwrap();
        receipts.push(
            serde_json::from_str::<Value>(&text).unwrap()["receipt_code"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        bodies.push(text);
    }
    for issue in opinions(&app, &w.t.hz_coordinator, "issues=true").await {
        let res = app
            .post(
                &format!("/api/v1/opinions/{}/answer", issue["id"]),
                &w.t.hz_coordinator,
                &json!({"answer": "已提醒志愿者准时到岗"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let due = app.state.clock.today().to_string();
    let item: Value = app
        .post(
            "/api/v1/rectifications",
            &w.t.hz_coordinator,
            &json!({"organization_id": w.t.hangzhou, "description": "志愿者到岗不准时",
                "responsible_person": "王科长", "measures": "建立到岗签到提醒", "due_on": due}),
        )
        .await
        .json()
        .await
        .unwrap();
    let item_id = item["id"].as_i64().unwrap();
    step(&app, &w.t.hz_coordinator, item_id, "start", json!({})).await;
    step(
        &app,
        &w.t.hz_coordinator,
        item_id,
        "resolve",
        json!({"resolution": "已上线提醒"}),
    )
    .await;
    let res = step(&app, &w.t.hz_coordinator, item_id, "publish", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);

    let page = public_text(&app, &format!("/api/v1/public/feedback/{token}")).await;
    assert!(
        page.contains("已提醒志愿者准时到岗"),
        "the page shows the answer"
    );
    let published = public_text(&app, "/api/v1/public/rectifications").await;
    let items: Value = serde_json::from_str(&published).unwrap();
    assert_eq!(items["items"][0]["measures"], "建立到岗签到提醒");
    bodies.extend([page, published]);
    for r in &receipts {
        bodies.push(public_text(&app, &format!("/api/v1/public/feedback/receipts/{r}")).await);
    }
    for body in &bodies {
        for needle in [
            id_number.as_str(),
            "13800138000",
            "138-0013-8000",
            "欧阳志愿",
            "欧阳",
            contact,
            "13712345678",
            "王科长",
        ] {
            assert!(
                !body.contains(needle),
                "{needle:?} in a public response: {body}"
            );
        }
    }
}
db_test!(public_responses_carry_no_personal_data);
