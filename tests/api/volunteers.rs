use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

async fn a_valid_registration_is_stored_masked_and_active(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let zj_admin = app.staff(&admin, "zj.admin", "bureau_admin", zj).await;
    let mut body = volunteer_body("王芳", "11010519491231002x", "330106");
    body["email"] = json!("Wang.Fang@example.cn");
    let res = app.post("/api/v1/volunteers", &zj_admin, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("11010519491231002"),
        "no raw ID in the response"
    );
    assert!(
        !text.contains("13800138000"),
        "no raw mobile in the response"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["id_number_masked"], "110105********002X");
    assert_eq!(v["mobile_masked"], "138****8000");
    assert_eq!(
        (v["birth_date"].as_str(), v["sex"].as_str()),
        (Some("1949-12-31"), Some("female"))
    );
    let birth = chrono::NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
    assert_eq!(
        v["age"],
        springrain::domain::identity::age_on(birth, springrain::clock::today())
    );
    assert_eq!(v["stars"], 0);
    assert_eq!(v["status"], "active");
    assert_eq!(v["organization_id"], zj);
    assert!(v["volunteer_number"].as_str().unwrap().starts_with("SR33"));
    assert_eq!(etag, format!("\"{}\"", v["version"]));
    assert!(v["activation_code"].as_str().unwrap().len() >= 16);
    // The database holds neither the ID number nor the mobile in clear (PI-01).
    assert!(!app.database_contains("11010519491231002X"));
    assert!(!app.database_contains("13800138000"));
    assert!(!app.database_contains("wang.fang@example.cn"));
    // Nor the documented mask, which beside the clear birth date would be the number.
    assert!(!app.database_contains("110105********002X"));
    assert!(
        app.database_contains("110105***********X"),
        "the check itself can find things"
    );
}
db_test!(a_valid_registration_is_stored_masked_and_active);

async fn identity_rules_reject_bad_input_by_field_and_code(app: TestApp) {
    let admin = app.admin_token().await;
    let valid_id = resident_id("330106", "19900101", 123);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"id_number": "110105194912310021"}),
            "id_number",
            "invalid_checksum",
        ),
        (
            json!({"id_number": "110105491231002"}),
            "id_number",
            "invalid_format",
        ),
        (
            json!({"id_number": resident_id("110105", "19490230", 2)}),
            "id_number",
            "invalid_birth_date",
        ),
        (
            json!({"id_number": resident_id("990105", "19490101", 2)}),
            "id_number",
            "invalid_province",
        ),
        (json!({"mobile": "12345678901"}), "mobile", "invalid_format"),
        (json!({"mobile": "1380013800"}), "mobile", "invalid_format"),
        (
            json!({"home_region_code": "990000"}),
            "home_region_code",
            "unknown_province",
        ),
        (
            json!({"home_region_code": "3301"}),
            "home_region_code",
            "invalid_format",
        ),
        (
            json!({"attest_true": false}),
            "attest_true",
            "attestation_required",
        ),
        (json!({"skills": []}), "skills", "required"),
        (
            json!({"skills": [{"code": "juggling", "level": 1}]}),
            "skills[0].code",
            "unknown_skill",
        ),
        (
            json!({"languages": [{"code": "xx", "proficiency": "basic"}]}),
            "languages[0].code",
            "unknown_language",
        ),
        (
            json!({"birth_date": "1990-01-02"}),
            "birth_date",
            "contradicts_id",
        ),
    ];
    for (patch, field, code) in cases {
        let mut body = volunteer_body("李雷", &valid_id, "330106");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post("/api/v1/volunteers", &admin, &body).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{patch}: expected {field}/{code} in {errors:?}"
        );
    }
    // REG-01: every missing field is named at once.
    let res = app
        .post("/api/v1/volunteers", &admin, &json!({"attest_true": true}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "name",
        "id_number",
        "mobile",
        "home_region_code",
        "privacy_consent_version",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let list: Value = app
        .get("/api/v1/volunteers", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing was written"
    );
}
db_test!(identity_rules_reject_bad_input_by_field_and_code);

async fn a_duplicate_id_number_is_409_and_writes_nothing(app: TestApp) {
    let admin = app.admin_token().await;
    let id = resident_id("330106", "19900101", 123);
    app.register_volunteer(&admin, &volunteer_body("张三", &id, "330106"))
        .await;
    let lower = id.to_lowercase();
    let res = app
        .post(
            "/api/v1/volunteers",
            &admin,
            &volunteer_body("张三二", &lower, "330106"),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "duplicate_id_number").await;
    let list: Value = app
        .get("/api/v1/volunteers", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
db_test!(a_duplicate_id_number_is_409_and_writes_nothing);

/// Acceptance 3: a bureau admin of Zhejiang cannot see, reveal, change or export Xinjiang's
/// volunteers.
async fn zhejiang_cannot_touch_xinjiang_volunteers(app: TestApp) {
    let t = app.two_provinces().await;
    let xj_vol = app
        .register_volunteer(
            &t.xj_admin,
            &volunteer_body("阿依古丽", &resident_id("650102", "19950505", 42), "650102"),
        )
        .await;
    let zj_vol = app
        .register_volunteer(
            &t.zj_admin,
            &volunteer_body("王明", &resident_id("330106", "19950505", 43), "330106"),
        )
        .await;
    let xid = xj_vol["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/volunteers/{xid}"),
        format!("/api/v1/volunteers/{xid}?reveal=id_number"),
        format!("/api/v1/volunteers/{xid}/personal-data-requests"),
    ] {
        assert_problem(
            app.get(&path, &t.zj_admin).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let patch = app
        .client
        .patch(app.url(&format!("/api/v1/volunteers/{xid}")))
        .bearer_auth(&t.zj_admin)
        .header("If-Match", "\"1\"")
        .json(&json!({"name": "改名"}))
        .send()
        .await
        .unwrap();
    assert_problem(patch, StatusCode::NOT_FOUND, "not_found").await;
    let put = app
        .client
        .put(app.url(&format!("/api/v1/volunteers/{xid}/skills")))
        .bearer_auth(&t.zj_admin)
        .json(&json!([{"code": "first_aid", "level": 1}]))
        .send()
        .await
        .unwrap();
    assert_problem(put, StatusCode::NOT_FOUND, "not_found").await;
    for action in ["suspend", "withdraw"] {
        let res = app
            .post(
                &format!("/api/v1/volunteers/{xid}/{action}"),
                &t.zj_admin,
                &json!({"reason": "x"}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let list: Value = app
        .get("/api/v1/volunteers", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [zj_vol["id"].as_i64().unwrap()]);
    let export = app.get("/api/v1/volunteers/export", &t.zj_admin).await;
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    assert!(csv.contains("王明") && !csv.contains("阿依古丽"));
    // Registering into Xinjiang's tree is refused as well.
    let mut body = volunteer_body("某人", &resident_id("650102", "19950505", 44), "650102");
    body["organization_id"] = json!(t.xinjiang);
    assert_problem(
        app.post("/api/v1/volunteers", &t.zj_admin, &body).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
db_test!(zhejiang_cannot_touch_xinjiang_volunteers);

async fn revealing_is_for_the_bureau_in_scope_and_audited(app: TestApp) {
    let t = app.two_provinces().await;
    let id_number = resident_id("330106", "19900101", 77);
    let v = app
        .register_volunteer(&t.zj_admin, &volunteer_body("赵六", &id_number, "330106"))
        .await;
    let id = v["id"].as_i64().unwrap();
    let res = app
        .get(
            &format!("/api/v1/volunteers/{id}?reveal=id_number,mobile"),
            &t.zj_admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id_number"], id_number);
    assert_eq!(body["mobile"], "13800138000");
    // Without reveal, nothing unmasked.
    let plain: Value = app
        .get(&format!("/api/v1/volunteers/{id}"), &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert!(plain.get("id_number").is_none() && plain.get("mobile").is_none());
    for (who, token) in [("ministry", &t.admin), ("auditor", &t.zj_auditor)] {
        let res = app
            .get(&format!("/api/v1/volunteers/{id}?reveal=id_number"), token)
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    // Registered by the province, not open to Hangzhou's coordinator (HRS-06): invisible.
    let res = app
        .get(
            &format!("/api/v1/volunteers/{id}?reveal=id_number"),
            &t.hz_coordinator,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "coordinator");
    let events: Value = app
        .get(
            &format!("/api/v1/audit-events?action=volunteer.reveal&entity_id={id}"),
            &t.admin,
        )
        .await
        .json()
        .await
        .unwrap();
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["detail"]["fields"], json!(["id_number", "mobile"]));
    assert!(
        !events.to_string().contains(&id_number),
        "the audit log holds no personal data"
    );
}
db_test!(revealing_is_for_the_bureau_in_scope_and_audited);

fn guardian(id_number: &str) -> Value {
    json!({
        "guardian_name": "刘大伟", "relationship": "father", "guardian_id_type": "resident_id",
        "guardian_id_number": id_number, "guardian_mobile": "13900139000",
        "scope": ["registration", "activities"], "method": "written"
    })
}

async fn under_14s_need_a_guardian_and_their_data_stays_encrypted(app: TestApp) {
    let admin = app.admin_token().await;
    let child_id = resident_id("330106", "20150601", 124);
    let father_id = resident_id("330106", "19850301", 111);
    let mut body = volunteer_body("刘小红", &child_id, "330106");
    let res = app.post("/api/v1/volunteers", &admin, &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"MIN-02") && codes.contains(&"PI-03"),
        "{codes:?}"
    );

    // A guardian who is the child, or a child, is refused (MIN-04).
    body["minors_policy_version"] = json!("minors-2026");
    body["guardian_consent"] = guardian(&child_id);
    let res = app.post("/api/v1/volunteers", &admin, &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(problem.to_string().contains("guardian_is_volunteer"));

    body["guardian_consent"] = guardian(&father_id);
    let v = app.register_volunteer(&admin, &body).await;
    assert_eq!(v["name"], "刘小红", "staff in scope see the name");
    // The ministry may not reveal ID numbers: it gets the restricted mask (PI-01).
    assert_eq!(
        v["guardian_consents"][0]["guardian_id_number_masked"],
        format!("{}***********{}", &father_id[..6], &father_id[17..])
    );
    let list: Value = app
        .get("/api/v1/volunteers", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["name"], "刘**",
        "lists show under-14 names masked"
    );
    assert!(
        !app.database_contains("刘小红"),
        "an under-14's name is not stored in clear"
    );
    assert!(!app.database_contains(&father_id));
    assert!(!app.database_contains("刘大伟"));
    // Reading an under-14's data leaves an audit trace (PI-04): the list page above, then
    // the full record.
    let events: Value = app
        .get("/api/v1/audit-events?action=volunteer.read_minor", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
    assert_eq!(events["items"][0]["detail"]["read"], "list");
    app.get(&format!("/api/v1/volunteers/{}", v["id"]), &admin)
        .await;
    let events: Value = app
        .get("/api/v1/audit-events?action=volunteer.read_minor", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 2);
    assert_eq!(events["items"][1]["detail"]["read"], "record");
}
db_test!(under_14s_need_a_guardian_and_their_data_stays_encrypted);

async fn self_registration_is_pending_until_approved(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("孙悦", &resident_id("330106", "19980808", 55), "330106");
    body["organization_id"] = json!(t.hangzhou);
    body["username"] = json!("sun.yue");
    body["password"] = json!("A-volunteer-pass-1");
    let res = app.post_anon("/api/v1/auth/register", &body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // The login is held until the bureau confirms, and answers like an unknown user.
    let held = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "sun.yue", "password": "A-volunteer-pass-1"}),
        )
        .await;
    assert_problem(held, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let pending: Value = app
        .get("/api/v1/volunteers?status=pending", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    let v = &pending["items"][0];
    assert_eq!(v["status"], "pending");
    assert!(v["volunteer_number"].is_null());
    let id = v["id"].as_i64().unwrap();

    // The coordinator cannot approve.
    assert_problem(
        app.post(
            &format!("/api/v1/volunteers/{id}/approve"),
            &t.hz_coordinator,
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let approved: Value = app
        .post(
            &format!("/api/v1/volunteers/{id}/approve"),
            &t.zj_admin,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "active");
    assert!(
        approved["volunteer_number"]
            .as_str()
            .unwrap()
            .starts_with("SR33")
    );
    // Confirmed: the login opens, and a volunteer cannot approve themself.
    let me = app.login("sun.yue", "A-volunteer-pass-1").await;
    let own: Value = app
        .get(&format!("/api/v1/volunteers/{id}"), &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["status"], "active");
    assert_problem(
        app.post(&format!("/api/v1/volunteers/{id}/approve"), &me, &json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let again = app
        .post(
            &format!("/api/v1/volunteers/{id}/approve"),
            &t.zj_admin,
            &json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "invalid_transition").await;
    let no_reason = app
        .post(
            &format!("/api/v1/volunteers/{id}/suspend"),
            &t.zj_admin,
            &json!({}),
        )
        .await;
    assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let suspended: Value = app
        .post(
            &format!("/api/v1/volunteers/{id}/suspend"),
            &t.zj_admin,
            &json!({"reason": "投诉待查"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            suspended["status"].as_str(),
            suspended["status_reason"].as_str()
        ),
        (Some("suspended"), Some("投诉待查"))
    );
    let reinstated: Value = app
        .post(
            &format!("/api/v1/volunteers/{id}/reinstate"),
            &t.zj_admin,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reinstated["status"], "active");
    // The volunteer may withdraw themself.
    let withdrawn: Value = app
        .post(
            &format!("/api/v1/volunteers/{id}/withdraw"),
            &me,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(
        withdrawn["volunteer_number"], approved["volunteer_number"],
        "the number stays with the record"
    );
    let events: Value = app
        .get(
            &format!("/api/v1/audit-events?entity_type=volunteer&entity_id={id}"),
            &t.admin,
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "volunteer.self_register",
            "volunteer.approve",
            "volunteer.suspend",
            "volunteer.reinstate",
            "volunteer.withdraw"
        ]
    );
}
db_test!(self_registration_is_pending_until_approved);

async fn an_activation_code_creates_the_volunteers_own_login_once(app: TestApp) {
    let admin = app.admin_token().await;
    let a = app
        .register_volunteer(
            &admin,
            &volunteer_body("周一", &resident_id("330106", "19900101", 1), "330106"),
        )
        .await;
    let b = app
        .register_volunteer(
            &admin,
            &volunteer_body("周二", &resident_id("330106", "19900101", 2), "330106"),
        )
        .await;
    let code = a["activation_code"].as_str().unwrap();
    let body = json!({"code": code, "username": "zhou.yi", "password": "Zhou-yi-password"});
    let res = app.post_anon("/api/v1/auth/activate", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "volunteer");
    let again = app
        .post_anon(
            "/api/v1/auth/activate",
            &json!({"code": code, "username": "zhou.yi2", "password": "Zhou-yi-password"}),
        )
        .await;
    assert_problem(again, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let me = app.login("zhou.yi", "Zhou-yi-password").await;
    let own = app
        .get(
            &format!("/api/v1/volunteers/{}?reveal=id_number", a["id"]),
            &me,
        )
        .await;
    assert_eq!(
        own.status(),
        StatusCode::OK,
        "volunteers may reveal their own data"
    );
    let other = app
        .get(&format!("/api/v1/volunteers/{}", b["id"]), &me)
        .await;
    assert_problem(other, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app
        .get("/api/v1/volunteers", &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_problem(
        app.get("/api/v1/volunteers/export", &me).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
db_test!(an_activation_code_creates_the_volunteers_own_login_once);

async fn patch_needs_the_current_version_and_never_touches_status(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let zj_admin = app.staff(&admin, "zj.admin", "bureau_admin", zj).await;
    let v = app
        .register_volunteer(
            &zj_admin,
            &volunteer_body("钱七", &resident_id("330106", "19900101", 7), "330106"),
        )
        .await;
    let url = app.url(&format!("/api/v1/volunteers/{}", v["id"]));
    let patch = |if_match: Option<String>, body: Value| {
        let mut req = app.client.patch(&url).bearer_auth(&zj_admin).json(&body);
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        req.send()
    };
    let res = patch(None, json!({"name": "钱八"})).await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED, "if_match_required").await;
    let current = format!("\"{}\"", v["version"]);
    let res = patch(
        Some(current.clone()),
        json!({"name": "钱八", "mobile": "13912345678", "weekly_hour_cap_minutes": 600}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let new_etag = res.headers()["etag"].to_str().unwrap().to_string();
    let updated: Value = res.json().await.unwrap();
    assert_eq!(
        (updated["name"].as_str(), updated["mobile_masked"].as_str()),
        (Some("钱八"), Some("139****5678"))
    );
    assert_eq!(updated["weekly_hour_cap_minutes"], 600);
    assert_ne!(new_etag, current);
    let stale = patch(Some(current), json!({"name": "钱九"})).await.unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let mass = patch(Some(new_etag.clone()), json!({"status": "suspended"}))
        .await
        .unwrap();
    assert_problem(mass, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let bad = patch(Some(new_etag), json!({"mobile": "123"}))
        .await
        .unwrap();
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "mobile");
    let after: Value = app
        .get(&format!("/api/v1/volunteers/{}", v["id"]), &zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["status"], "active");
}
db_test!(patch_needs_the_current_version_and_never_touches_status);

async fn profile_parts_and_safeguards_are_scoped_by_role(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("吴刚", &resident_id("330106", "19900101", 9), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await;
    let id = v["id"].as_i64().unwrap();
    let put = |path: String, token: String, body: Value| {
        let app = &app;
        async move {
            app.client
                .put(app.url(&path))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = put(
        format!("/api/v1/volunteers/{id}/skills"),
        t.hz_coordinator.clone(),
        json!([{"code": "reading.storytelling", "level": 3}, {"code": "first_aid", "level": 1}]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(
        format!("/api/v1/volunteers/{id}/languages"),
        t.hz_coordinator.clone(),
        json!([{"code": "zh", "proficiency": "native"}, {"code": "ug", "proficiency": "basic"}]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(
        format!("/api/v1/volunteers/{id}/availability"),
        t.hz_coordinator.clone(),
        json!({"weekly": [{"weekday": 6, "start": "09:00", "end": "17:00"}], "blackouts": [{"from": "2026-12-24", "to": "2026-12-26"}]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(
        format!("/api/v1/volunteers/{id}/target-groups"),
        t.hz_coordinator.clone(),
        json!(["left_behind_children", "elderly"]),
    )
    .await;
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["skills"].as_array().unwrap().len(), 2);
    assert_eq!(view["availability"]["weekly"][0]["start"], "09:00");
    assert_eq!(
        view["preferred_target_groups"],
        json!(["elderly", "left_behind_children"])
    );
    let res = put(
        format!("/api/v1/volunteers/{id}/skills"),
        t.hz_coordinator.clone(),
        json!([{"code": "nope", "level": 1}]),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // The auditor reads but does not edit; the ministry neither edits profiles.
    let res = put(
        format!("/api/v1/volunteers/{id}/skills"),
        t.zj_auditor.clone(),
        json!([{"code": "first_aid", "level": 1}]),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = put(
        format!("/api/v1/volunteers/{id}/skills"),
        t.admin.clone(),
        json!([{"code": "first_aid", "level": 1}]),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

    let res = app
        .post(&format!("/api/v1/volunteers/{id}/insurance-policies"), &t.hz_coordinator, &json!({"insurer": "中国人寿", "policy_number": "P-2026-001", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}))
        .await;
    let view: Value = res.json().await.unwrap();
    // A coordinator records the policy but sees it masked (only the holder and the bureau
    // admin read it whole).
    assert_eq!(view["insurance_policies"][0]["policy_number"], "******-001");
    let res = put(
        format!("/api/v1/volunteers/{id}/background-check"),
        t.hz_coordinator.clone(),
        json!({"passed_on": "2026-06-01"}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["background_check_passed_on"],
        "2026-06-01"
    );
    let res = app
        .post(&format!("/api/v1/volunteers/{id}/insurance-policies"), &t.hz_coordinator, &json!({"insurer": "x", "policy_number": "y", "valid_from": "2026-02-01", "valid_to": "2026-01-01"}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}
db_test!(profile_parts_and_safeguards_are_scoped_by_role);

async fn search_filters_combine_and_page(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let zj_admin = app.staff(&admin, "zj.admin", "bureau_admin", zj).await;
    let specs = [
        ("甲", "330106", "performance.music", 3, "ug", 1),
        ("乙", "330106", "performance.music", 1, "zh", 2),
        ("丙", "330205", "performance.music", 2, "ug", 3),
        ("丁", "650102", "reading.promotion", 2, "ug", 4),
    ];
    let mut ids = Vec::new();
    for (name, region, skill, level, lang, seq) in specs {
        let mut body = volunteer_body(name, &resident_id(region, "19900101", seq), region);
        body["skills"] = json!([{"code": skill, "level": level}]);
        body["languages"] = json!([{"code": lang, "proficiency": "fluent"}]);
        ids.push(
            app.register_volunteer(&zj_admin, &body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };
    let get = |q: &str| {
        let (app, token, q) = (&app, zj_admin.clone(), q.to_string());
        async move {
            app.get(&format!("/api/v1/volunteers?{q}"), &token)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        names(&get("skill=performance.music&language=ug").await),
        ["甲", "丙"]
    );
    assert_eq!(
        names(&get("skill=performance.music&min_level=2").await),
        ["甲", "丙"]
    );
    assert_eq!(names(&get("skill=performance.music:3").await), ["甲"]);
    assert_eq!(
        names(&get("skill=performance.music&skill=reading.promotion").await),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&get("home_region_code=330000").await),
        ["甲", "乙", "丙"]
    );
    assert_eq!(names(&get("home_region_code=330100").await), ["甲", "乙"]);
    assert_eq!(names(&get("q=丁").await), ["丁"]);
    assert_eq!(
        names(&get(&format!("organization_id={zj}&status=active")).await).len(),
        4
    );
    assert_eq!(names(&get("status=pending").await), Vec::<String>::new());
    let first = get("limit=2").await;
    assert_eq!(names(&first), ["甲", "乙"]);
    let next = get(&format!(
        "limit=2&cursor={}",
        first["next_cursor"].as_str().unwrap()
    ))
    .await;
    assert_eq!(names(&next), ["丙", "丁"]);
    assert!(next["next_cursor"].is_null());
    let res = app
        .get("/api/v1/volunteers?skill=juggling", &zj_admin)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    // 甲 serves on Saturdays only and is away on Saturday 2026-12-26; 乙 states no windows.
    let res = app
        .client
        .put(app.url(&format!("/api/v1/volunteers/{}/availability", ids[0])))
        .bearer_auth(&zj_admin)
        .json(&json!({"weekly": [{"weekday": 6, "start": "09:00", "end": "12:00"}], "blackouts": [{"from": "2026-12-26", "to": "2026-12-26"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saturday = names(&get("available_on=2026-12-19&q=甲").await);
    let friday = names(&get("available_on=2026-12-18&q=甲").await);
    let blackout = names(&get("available_on=2026-12-26&q=甲").await);
    assert_eq!((saturday.len(), friday.len(), blackout.len()), (1, 0, 0));
    assert_eq!(
        names(&get("available_on=2026-12-18&q=乙").await),
        ["乙"],
        "no windows recorded = unrestricted"
    );
}
db_test!(search_filters_combine_and_page);

/// How many volunteers a token's search returns.
async fn visible(app: &TestApp, token: &str) -> usize {
    let list: Value = app
        .get("/api/v1/volunteers", token)
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().len()
}

async fn put_consent(app: &TestApp, token: &str, id: &Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/volunteers/{id}/matching-consent")))
        .bearer_auth(token)
        .json(&json!({"notice_version": "2026-01"}))
        .send()
        .await
        .unwrap()
}

async fn coordinators_read_the_province_only_by_consent_or_a_live_relation(app: TestApp) {
    let t = app.two_provinces().await;
    let at_province = app
        .register_volunteer(
            &t.zj_admin,
            &volunteer_body("省级", &resident_id("330106", "19900101", 11), "330106"),
        )
        .await;
    let id = &at_province["id"];
    let one = format!("/api/v1/volunteers/{id}");
    // HRS-06: registered above the coordinator's subtree and no consent: invisible.
    assert_eq!(visible(&app, &t.hz_coordinator).await, 0);
    let res = app.get(&one, &t.hz_coordinator).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // A coordinator cannot consent on the volunteer's behalf outside its subtree.
    let res = put_consent(&app, &t.hz_coordinator, id).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    let res = put_consent(&app, &t.zj_admin, id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["matching_consent"]["scope"], "province");
    assert_eq!(v["matching_consent"]["notice_version"], "2026-01");
    assert_eq!(visible(&app, &t.hz_coordinator).await, 1, "consented");
    assert_eq!(
        app.get(&one, &t.hz_coordinator).await.status(),
        StatusCode::OK
    );
    // Readable for matching, but editable only in the coordinator's own subtree.
    let res = app
        .client
        .put(app.url(&format!("/api/v1/volunteers/{id}/skills")))
        .bearer_auth(&t.hz_coordinator)
        .json(&json!([{"code": "first_aid", "level": 1}]))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Another province never sees them, consent or not.
    assert_eq!(visible(&app, &t.xj_admin).await, 0);

    // Withdrawn: gone again at once, and the withdrawal is audited.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/volunteers/{id}/matching-consent")))
        .bearer_auth(&t.zj_admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap()["matching_consent"].is_null());
    assert_eq!(visible(&app, &t.hz_coordinator).await, 0, "withdrawn");
    let events: Value = app
        .get(
            &format!("/api/v1/audit-events?action=volunteer.update&entity_id={id}"),
            &t.zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        events.to_string().contains("matching_consent_withdrawn"),
        "{events}"
    );

    // A live relation in the subtree opens the record without consent: an application to a
    // Hangzhou campaign, made by the volunteer themself.
    let me = crate::dispatch::login_as(&app, &at_province, "provincial.one").await;
    let campaign: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &json!({"title": "西湖读书会志愿者招募", "description": "周末读书会", "quota": 3,
                    "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/recruitments/{}/open", campaign["id"]),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "open campaign");
    let res = app
        .post(
            &format!("/api/v1/recruitments/{}/applications", campaign["id"]),
            &me,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "apply");
    assert_eq!(
        visible(&app, &t.hz_coordinator).await,
        1,
        "live application"
    );
    assert_eq!(
        app.get(&one, &t.hz_coordinator).await.status(),
        StatusCode::OK
    );
}
db_test!(coordinators_read_the_province_only_by_consent_or_a_live_relation);

async fn volunteers_change_contact_details_but_not_their_identity(app: TestApp) {
    let t = app.two_provinces().await;
    let mut body = volunteer_body("本人", &resident_id("330106", "20090101", 21), "330106");
    body["organization_id"] = json!(t.hangzhou);
    let v = app.register_volunteer(&t.zj_admin, &body).await;
    let me = crate::dispatch::login_as(&app, &v, "self.editor").await;
    let url = app.url(&format!("/api/v1/volunteers/{}", v["id"]));
    for change in [json!({"name": "改名"}), json!({"own_income": true})] {
        let res = app
            .client
            .patch(&url)
            .bearer_auth(&me)
            .header("If-Match", format!("\"{}\"", v["version"]))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::FORBIDDEN, "identity_change_by_request").await;
    }
    let res = app
        .client
        .patch(&url)
        .bearer_auth(&me)
        .header("If-Match", format!("\"{}\"", v["version"]))
        .json(&json!({"mobile": "13900139000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "contact details are the volunteer's"
    );
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["name"], "本人");
    assert_eq!(after["own_income"], false);
    // Staff in scope still correct the name (after a correction request).
    let res = app
        .client
        .patch(&url)
        .bearer_auth(&t.hz_coordinator)
        .header("If-Match", format!("\"{}\"", after["version"]))
        .json(&json!({"name": "本人新名"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
db_test!(volunteers_change_contact_details_but_not_their_identity);

async fn a_deletion_request_for_a_minor_erases_personal_data(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let zj_admin = app.staff(&admin, "zj.admin", "bureau_admin", zj).await;
    let child_id = resident_id("330106", "20150601", 124);
    let mut body = volunteer_body("陈小雨", &child_id, "330106");
    body["minors_policy_version"] = json!("minors-2026");
    body["guardian_consent"] = guardian(&resident_id("330106", "19850301", 111));
    let v = app.register_volunteer(&zj_admin, &body).await;
    let id = v["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/personal-data-requests"),
            &zj_admin,
            &json!({"kind": "deletion", "details": "监护人要求删除"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let request: Value = res.json().await.unwrap();
    assert_eq!(request["status"], "pending");
    let empty_note = app
        .post(
            &format!("/api/v1/personal-data-requests/{}/action", request["id"]),
            &zj_admin,
            &json!({"note": ""}),
        )
        .await;
    assert_problem(
        empty_note,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let done = app
        .post(
            &format!("/api/v1/personal-data-requests/{}/action", request["id"]),
            &zj_admin,
            &json!({"note": "已删除联系方式和监护人信息"}),
        )
        .await;
    assert_eq!(done.json::<Value>().await.unwrap()["status"], "actioned");
    let after: Value = app
        .get(
            &format!("/api/v1/volunteers/{id}?reveal=id_number,mobile"),
            &zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["anonymised"], true);
    assert_eq!(after["name"], "陈**");
    assert!(after.get("id_number").is_none() && after.get("mobile").is_none());
    // The number is erased, so only the restricted mask is left to show; certificates keep
    // the documented one they were issued with (encrypted, their own snapshot).
    assert_eq!(
        after["id_number_masked"].as_str().unwrap(),
        springrain::domain::identity::restrict_id_mask(v["id_number_masked"].as_str().unwrap()),
        "the minimised form"
    );
    let twice = app
        .post(
            &format!("/api/v1/personal-data-requests/{}/exempt", request["id"]),
            &zj_admin,
            &json!({"note": "x"}),
        )
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "already_resolved").await;
    // The same person can be registered again later (the blind index was erased too).
    let mut again = volunteer_body("陈小雨", &child_id, "330106");
    again["minors_policy_version"] = json!("minors-2026");
    again["guardian_consent"] = guardian(&resident_id("330106", "19850301", 111));
    assert_eq!(
        app.post("/api/v1/volunteers", &zj_admin, &again)
            .await
            .status(),
        StatusCode::CREATED
    );
}
db_test!(a_deletion_request_for_a_minor_erases_personal_data);
