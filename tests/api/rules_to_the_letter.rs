//! Issue 14, the remaining items: ACT-09 (b) (either party asks for a written agreement),
//! CRT-05 (objections from the public page hold a certificate), REG-08 on organisations,
//! training sessions and Spring Rain provinces, PI-04 (candidate lists and plans naming
//! minors are audited), PI-02 (no direct offer after a withdrawal).

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{activity, get_json, kashgar_site, login_as, offer, volunteer, world};
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};
use crate::records::{add_minutes, confirmed};

const TERMS: &str = r#"{"content_time_place": "演出", "rights_and_duties": "按章", "risk_protection": "保险",
    "modification_termination": "提前告知", "liability_disputes": "协商", "other_matters": ""}"#;

async fn confirm(app: &TestApp, token: &str, assignment: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assignments/{}/confirm", assignment["id"]),
        token,
        &json!({}),
    )
    .await
}

/// ACT-09 (b): the volunteer, or the organiser, asks for a written agreement for an offer;
/// confirming then needs one signed by both, though nothing else about the activity does.
async fn either_party_may_ask_for_a_written_agreement_before_confirming(app: TestApp) {
    let w = world(&app).await;
    let coordinator = w.t.hz_coordinator.clone();
    let act = activity(&app, &coordinator, w.site, json!({})).await;
    let terms: Value = serde_json::from_str(TERMS).unwrap();

    // The volunteer asks.
    let v = volunteer(&app, &w, "求约者", 21, |_| {}).await;
    let me = login_as(&app, &v, "asks.agreement").await;
    let a: Value = offer(&app, &coordinator, act, v["id"].as_i64().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(a["agreement_requested_at"].is_null());
    let path = format!("/api/v1/assignments/{}/agreement-request", a["id"]);
    let res = app.post(&path, &me, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let asked: Value = res.json().await.unwrap();
    assert!(asked["agreement_requested_at"].is_string());
    let problem = assert_problem(
        confirm(&app, &me, &a).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreement_missing",
    )
    .await;
    assert_eq!(problem["errors"][0]["rule"], "ACT-09");
    let agreement = format!("/api/v1/assignments/{}/agreement", a["id"]);
    for token in [&me, &coordinator] {
        let res = app.post(&agreement, token, &terms).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(confirm(&app, &me, &a).await.status(), StatusCode::OK);
    // Once confirmed, asking is too late.
    let res = app.post(&path, &coordinator, &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "transition_not_allowed").await;

    // The organiser asks: the volunteer is told and cannot confirm without the agreement.
    let other = volunteer(&app, &w, "被约者", 22, |_| {}).await;
    let other_me = login_as(&app, &other, "asked.agreement").await;
    let b: Value = offer(&app, &coordinator, act, other["id"].as_i64().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/agreement-request", b["id"]),
            &coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let notes = get_json(&app, "/api/v1/me/notifications", &other_me).await;
    assert!(notes.to_string().contains("agreement_requested"), "{notes}");
    assert_problem(
        confirm(&app, &other_me, &b).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreement_missing",
    )
    .await;
    let audit = get_json(
        &app,
        "/api/v1/audit-events?action=assignment.agreement_request",
        &w.t.admin,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}
db_test!(either_party_may_ask_for_a_written_agreement_before_confirming);

async fn public_json(app: &TestApp, number: &str) -> Value {
    app.client
        .get(app.url(&format!("/api/v1/public/certificates/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// CRT-05: an objection lodged without signing in holds the certificate (`objected`, not
/// `final` even after the publicity period) until the issuer decides: dismissed, the
/// publicity status resumes; upheld, the certificate is revoked. Everything is audited.
async fn an_objection_holds_the_certificate_until_the_issuer_decides(app: TestApp) {
    let s = confirmed(&app).await;
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 125, 0);
    let issuer =
        json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"});
    let mut certs = Vec::new();
    for _ in 0..2 {
        let cert: Value = app
            .post(
                &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
                &s.w.t.hz_coordinator,
                &issuer,
            )
            .await
            .json()
            .await
            .unwrap();
        certs.push(cert);
    }
    let (first, second) = (&certs[0], &certs[1]);
    let number = first["number"].as_str().unwrap();
    let objections = format!("/api/v1/public/certificates/{number}/objections");

    let res = app.post_anon(&objections, &json!({"reason": "  "})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        (
            &problem["errors"][0]["field"],
            &problem["errors"][0]["rule"]
        ),
        (&json!("reason"), &json!("CRT-05"))
    );
    assert_eq!(public_json(&app, number).await["status"], "publicity");
    let res = app
        .post_anon(&objections, &json!({"reason": "此人当天不在现场"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let objection: Value = res.json().await.unwrap();
    assert_eq!(objection["status"], "pending");
    assert!(
        !app.database_contains("此人当天不在现场"),
        "the objection text is stored encrypted"
    );

    let public = public_json(&app, number).await;
    assert_eq!(
        (public["status"].as_str(), public["valid"].as_bool()),
        (Some("objected"), Some(false))
    );
    let number2 = second["number"].as_str().unwrap();
    let res = app
        .post_anon(
            &format!("/api/v1/public/certificates/{number2}/objections"),
            &json!({"reason": "时长重复计算"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let objection2: Value = res.json().await.unwrap();
    // The publicity period ends: still held, not final.
    app.state.clock.advance(Duration::days(8));
    assert_eq!(public_json(&app, number).await["status"], "objected");

    // The issuer reads and decides it.
    let list = get_json(
        &app,
        &format!("/api/v1/record-certificates/{}/objections", first["id"]),
        &s.w.t.hz_coordinator,
    )
    .await;
    assert_eq!(list[0]["reason"], "此人当天不在现场");
    let decide = |cert: &Value, oid: &Value| {
        format!(
            "/api/v1/record-certificates/{}/objections/{oid}/decision",
            cert["id"]
        )
    };
    let res = app
        .post(
            &decide(first, &objection["id"]),
            &s.w.t.hz_coordinator,
            &json!({"decision": "dismiss", "note": "签到记录为证"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let decided: Value = res.json().await.unwrap();
    assert_eq!(decided["status"], "final");
    assert_eq!(public_json(&app, number).await["status"], "final");
    let res = app
        .post(
            &decide(first, &objection["id"]),
            &s.w.t.hz_coordinator,
            &json!({"decision": "uphold", "note": "再议"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "objection_decided").await;
    // A final certificate takes no more objections.
    let res = app
        .post_anon(&objections, &json!({"reason": "还是不对"}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "publicity_over").await;

    // The second certificate's objection is upheld: it is revoked.
    let res = app
        .post(
            &decide(second, &objection2["id"]),
            &s.w.t.hz_coordinator,
            &json!({"decision": "uphold"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "note");
    let res = app
        .post(
            &decide(second, &objection2["id"]),
            &s.w.t.hz_coordinator,
            &json!({"decision": "uphold", "note": "与另一份证明重复"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let public = public_json(&app, number2).await;
    assert_eq!(
        (public["status"].as_str(), public["valid"].as_bool()),
        (Some("revoked"), Some(false))
    );
    for action in [
        "record_certificate.objection",
        "record_certificate.objection_decide",
    ] {
        let audit = get_json(
            &app,
            &format!("/api/v1/audit-events?action={action}"),
            &s.w.t.admin,
        )
        .await;
        assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{action}");
    }
}
db_test!(an_objection_holds_the_certificate_until_the_issuer_decides);

/// REG-08: region codes outside the GB/T 2260 list are refused on organisations, training
/// sessions, Spring Rain deployments' sending provinces and pairings, naming field and rule.
async fn unlisted_region_codes_are_refused_everywhere_a_region_is_given(app: TestApp) {
    let w = world(&app).await;
    let check = |problem: Value, field: &str| {
        assert_eq!(
            (
                &problem["errors"][0]["field"],
                &problem["errors"][0]["rule"]
            ),
            (&json!(field), &json!("REG-08")),
            "{problem}"
        );
    };
    let res = app
        .post(
            "/api/v1/organizations",
            &w.t.zj_admin,
            &json!({"kind": "cultural_organ", "organ_type": "library", "name": "虚构图书馆", "parent_id": w.t.hangzhou, "region_code": "339999"}),
        )
        .await;
    check(
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await,
        "region_code",
    );

    let courses = get_json(&app, "/api/v1/courses?limit=200", &w.t.hz_coordinator).await;
    let course = courses["items"][0]["id"].as_i64().unwrap();
    let session = |region: &str| json!({"starts_at": "2030-03-01T01:00:00Z", "ends_at": "2030-03-01T05:00:00Z", "region_code": region, "place": "报告厅", "capacity": 5, "trainer": "李老师"});
    let path = format!("/api/v1/courses/{course}/sessions");
    let res = app
        .post(&path, &w.t.hz_coordinator, &session("339999"))
        .await;
    check(
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await,
        "region_code",
    );
    let res = app
        .post(&path, &w.t.hz_coordinator, &session("330106"))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let border = kashgar_site(&app, &w.t.hz_coordinator).await;
    let res = app
        .post(
            "/api/v1/activities",
            &w.t.hz_coordinator,
            &json!({"site_id": border["id"], "title": "春雨工程·大舞台", "category": "grassroots_culture", "form": "performance", "programme": "spring_rain",
                "sending_province": "339999", "starts_at": "2030-07-01T02:00:00Z", "ends_at": "2030-07-05T10:00:00Z", "headcount_max": 20}),
        )
        .await;
    check(
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await,
        "sending_province",
    );

    let res = app
        .post(
            "/api/v1/spring-rain/pairings",
            &w.t.admin,
            &json!({"sending_province": "339999", "receiving_region": "659999", "start_year": 2030}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    check(problem.clone(), "sending_province");
    assert_eq!(problem["errors"][1]["field"], "receiving_region");
}
db_test!(unlisted_region_codes_are_refused_everywhere_a_region_is_given);

/// PI-04: a candidate list or a plan that names a minor is a read of the minor's data.
async fn candidate_lists_and_plans_naming_minors_are_audited(app: TestApp) {
    let w = world(&app).await;
    let act = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    volunteer(&app, &w, "成年人", 31, |_| {}).await;
    let mut teen = volunteer_body("少年", &resident_id("330106", "20100601", 32), "330106");
    teen["organization_id"] = json!(w.t.hangzhou);
    teen["minors_policy_version"] = json!("minors-2026");
    teen["guardian_consent"] = json!({
        "guardian_name": "少年父", "relationship": "father", "guardian_id_type": "resident_id",
        "guardian_id_number": resident_id("330106", "19800301", 33), "guardian_mobile": "13900139000",
        "scope": ["registration", "activities"], "method": "written"
    });
    let teen = app.register_volunteer(&w.t.zj_admin, &teen).await;
    let reads = || async {
        get_json(
            &app,
            "/api/v1/audit-events?action=volunteer.read_minor&limit=200",
            &w.t.admin,
        )
        .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["detail"]["read"] != "list" && e["detail"]["read"] != "record")
            .map(|e| {
                (
                    e["entity_id"].as_str().unwrap().to_string(),
                    e["detail"]["read"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(reads().await.is_empty());
    let list = get_json(
        &app,
        &format!("/api/v1/activities/{act}/candidates?include_ineligible=true"),
        &w.t.hz_coordinator,
    )
    .await;
    assert!(
        list.to_string().contains("少"),
        "the teen is listed: {list}"
    );
    let teen_id = teen["id"].as_i64().unwrap().to_string();
    assert_eq!(reads().await, vec![(teen_id.clone(), "candidates".into())]);

    let res = app
        .post(
            "/api/v1/dispatch/plans",
            &w.t.hz_coordinator,
            &json!({"activity_ids": [act]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let plan: Value = res.json().await.unwrap();
    assert!(
        plan.to_string()
            .contains(&format!("\"volunteer_id\":{teen_id}")),
        "the teen is planned: {plan}"
    );
    let got = reads().await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1], (teen_id.clone(), "plan".into()));
    // Reading the plan again is another read.
    get_json(
        &app,
        &format!("/api/v1/dispatch/plans/{}", plan["id"]),
        &w.t.hz_coordinator,
    )
    .await;
    assert_eq!(reads().await.len(), 3);
}
db_test!(candidate_lists_and_plans_naming_minors_are_audited);

/// PI-02: a volunteer who withdrew consent is not offered service directly either.
async fn a_volunteer_who_withdrew_consent_cannot_be_offered(app: TestApp) {
    let w = world(&app).await;
    let act = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(&app, &w, "撤回者", 41, |_| {}).await;
    let id = v["id"].as_i64().unwrap();
    let me = login_as(&app, &v, "withdrew.consent").await;
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/privacy-consents/withdraw"),
            &me,
            &json!({"given_by": "volunteer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = offer(&app, &w.t.hz_coordinator, act, id).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "PI-02").await;
    let mine = get_json(&app, "/api/v1/assignments", &w.t.hz_coordinator).await;
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        0,
        "nothing offered"
    );
}
db_test!(a_volunteer_who_withdrew_consent_cannot_be_offered);

/// Issue 14, acceptance 4: a refusal whose code is a rule id names the rule in
/// `errors[].rule` too (ACT-10 agreement elements, MIN-02/PI-03 registration, SR-01 pairings).
async fn refusals_under_a_rule_name_it_in_errors_rule(app: TestApp) {
    let w = world(&app).await;
    let act = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let v = volunteer(&app, &w, "条款者", 51, |_| {}).await;
    let a: Value = offer(&app, &w.t.hz_coordinator, act, v["id"].as_i64().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/assignments/{}/agreement", a["id"]),
            &w.t.hz_coordinator,
            &json!({"content_time_place": "x"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "ACT-10").await;
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rule"] == "ACT-10"),
        "{problem}"
    );

    let child = volunteer_body("王小明", &resident_id("330106", "20180601", 52), "330106");
    let res = app.post("/api/v1/volunteers", &w.t.zj_admin, &child).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let rules: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"MIN-02") && rules.contains(&"PI-03"),
        "{problem}"
    );

    let res = app
        .post(
            "/api/v1/spring-rain/pairings",
            &w.t.admin,
            &json!({"sending_province": "530000", "receiving_region": "540000", "start_year": 2030}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "SR-01", "{problem}");
}
db_test!(refusals_under_a_rule_name_it_in_errors_rule);
