//! Issue 14, personal information: PI-01 (under-14s and guardians encrypted at rest, the
//! certificate's clear name masked), PI-02 (privacy notices, fresh consent, withdrawal),
//! PI-04 (minors' reads audited, the audit log append-only in the database), PI-05 (data
//! location declared, checked at start-up, reported) and PI-06 (erasure after deregistration).

use chrono::Duration;
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::{activity, get_json, login_as, offer, volunteer, world};
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};
use crate::records::{add_minutes, confirmed};

const CHILD_NAME: &str = "欧阳晓彤";
const GUARDIAN_NAME: &str = "欧阳建华";
const GUARDIAN_MOBILE: &str = "13911112222";
const RELATIONSHIP: &str = "maternal_grandfather";

/// An under-14 (born 2015-06-01, female) registered with a guardian at Hangzhou.
async fn child_with_guardian(app: &TestApp, admin: &str, org: i64) -> (Value, String, String) {
    let child_id = resident_id("330106", "20150601", 124);
    let guardian_id = resident_id("330106", "19600301", 111);
    let mut body = volunteer_body(CHILD_NAME, &child_id, "330110");
    body["mobile"] = json!("13722223333");
    body["organization_id"] = json!(org);
    body["minors_policy_version"] = json!("minors-2026");
    body["guardian_consent"] = json!({
        "guardian_name": GUARDIAN_NAME, "relationship": RELATIONSHIP,
        "guardian_id_type": "resident_id", "guardian_id_number": guardian_id,
        "guardian_mobile": GUARDIAN_MOBILE, "scope": ["registration", "activities"],
        "method": "written"
    });
    (
        app.register_volunteer(admin, &body).await,
        child_id,
        guardian_id,
    )
}

fn text_query(app: &TestApp, sql: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct One {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        v: Option<String>,
    }
    let mut conn = app.state.pool.get().unwrap();
    let rows: Vec<One> = diesel::sql_query(sql).load(&mut *conn).unwrap();
    rows.into_iter().map(|r| r.v.unwrap_or_default()).collect()
}

async fn pi01_no_value_of_a_child_or_guardian_is_stored_in_clear(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let bureau = app.staff(&admin, "zj.pi.admin", "bureau_admin", zj).await;
    let (v, child_id, guardian_id) = child_with_guardian(&app, &admin, zj).await;
    let id = v["id"].as_i64().unwrap();
    // Reads and a reveal do not write anything in clear either.
    let full = get_json(
        &app,
        &format!("/api/v1/volunteers/{id}?reveal=mobile"),
        &bureau,
    )
    .await;
    get_json(&app, "/api/v1/volunteers", &bureau).await;
    // Staff who may see them get the exact values back, decrypted.
    assert_eq!(full["name"], CHILD_NAME);
    assert_eq!(full["birth_date"], "2015-06-01");
    assert_eq!(full["sex"], "female");
    assert_eq!(full["home_region_code"], "330110");
    assert_eq!(full["guardian_consents"][0]["relationship"], RELATIONSHIP);

    for value in [
        CHILD_NAME,
        child_id.as_str(),
        "13722223333",
        "2015-06-01",
        "20150601",
        GUARDIAN_NAME,
        guardian_id.as_str(),
        GUARDIAN_MOBILE,
        RELATIONSHIP,
    ] {
        assert!(
            !app.database_contains(value),
            "{value:?} is stored in clear"
        );
    }
    // The plain columns rules read hold coarse values only: the end of the birth year, the
    // province, no sex.
    let plain = text_query(
        &app,
        &format!(
            "SELECT CAST(birth_date AS TEXT) || '|' || COALESCE(sex, '-') || '|' || home_region_code AS v \
             FROM volunteers WHERE id = {id}"
        ),
    );
    assert_eq!(plain, vec!["2015-12-31|-|330000".to_string()]);
}
db_test!(pi01_no_value_of_a_child_or_guardian_is_stored_in_clear);

async fn pi01_a_certificate_keeps_only_the_masked_name_in_clear(app: TestApp) {
    let s = confirmed(&app).await;
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 125, 0);
    let issuer =
        json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"});
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.w.t.hz_coordinator,
            &issuer,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cert: Value = res.json().await.unwrap();
    assert_eq!(
        cert["volunteer_name"], "记录者",
        "the issuer sees the full name"
    );
    let stored = text_query(&app, "SELECT volunteer_name AS v FROM record_certificates");
    assert_eq!(stored, vec!["记**".to_string()]);
    let public = get_json(
        &app,
        &format!(
            "/api/v1/public/certificates/{}",
            cert["number"].as_str().unwrap()
        ),
        "",
    )
    .await;
    assert_eq!(public["volunteer_name"], "记**");
    assert_eq!(public["valid"], true);
}
db_test!(pi01_a_certificate_keeps_only_the_masked_name_in_clear);

/// The volunteer ids among an activity's candidates.
async fn pool(app: &TestApp, token: &str, activity: i64) -> Vec<i64> {
    let c = get_json(
        app,
        &format!("/api/v1/activities/{activity}/candidates"),
        token,
    )
    .await;
    c["eligible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["volunteer_id"].as_i64().unwrap())
        .collect()
}

async fn pi02_fresh_consent_and_withdrawal_decide_the_candidate_pools(app: TestApp) {
    let w = world(&app).await;
    let act = activity(&app, &w.t.hz_coordinator, w.site, json!({})).await;
    let one = volunteer(&app, &w, "同意者", 1, |_| {}).await;
    let two = volunteer(&app, &w, "未表态", 2, |_| {}).await;
    let (id1, id2) = (one["id"].as_i64().unwrap(), two["id"].as_i64().unwrap());
    let me = login_as(&app, &one, "consenting.one").await;
    let mut both = pool(&app, &w.t.hz_coordinator, act).await;
    both.sort();
    assert_eq!(both, vec![id1, id2]);

    // Only the ministry drafts and publishes notices.
    let notice = json!({"version": "2026-12-m", "purpose": "matching", "fresh_consent_required": true,
        "summary": "志愿者信息将提供给全省活动组织方用于匹配"});
    let res = app
        .post("/api/v1/privacy-notices", &w.t.zj_admin, &notice)
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .post("/api/v1/privacy-notices", &w.t.admin, &notice)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let n: Value = res.json().await.unwrap();
    // A draft changes nothing and cannot be consented to.
    assert_eq!(pool(&app, &w.t.hz_coordinator, act).await.len(), 2);
    let consent = json!({"notice_version": "2026-12-m"});
    let path1 = format!("/api/v1/volunteers/{id1}/privacy-consents");
    let res = app.post(&path1, &me, &consent).await;
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "notice_not_published",
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/privacy-notices/{}/publish", n["id"]),
            &w.t.admin,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Published: nobody is in the pool until they consent; their own reads keep working.
    assert!(pool(&app, &w.t.hz_coordinator, act).await.is_empty());
    get_json(&app, &format!("/api/v1/volunteers/{id1}"), &me).await;
    let state = get_json(&app, &path1, &me).await;
    assert_eq!(state["pending_notices"][0]["version"], "2026-12-m");
    // Nor may anyone offer them service directly before they consent.
    let res = offer(&app, &w.t.hz_coordinator, act, id2).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "PI-02").await;

    let res = app.post(&path1, &me, &consent).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(pool(&app, &w.t.hz_coordinator, act).await, vec![id1]);

    // Withdrawal (audited) takes the volunteer out of every pool; the history stays.
    let res = app
        .post(
            &format!("{path1}/withdraw"),
            &me,
            &json!({"given_by": "volunteer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let state: Value = res.json().await.unwrap();
    assert!(state["withdrawn_at"].is_string());
    let events: Vec<&str> = state["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["given", "withdrawn"]);
    assert!(pool(&app, &w.t.hz_coordinator, act).await.is_empty());
    let audit = get_json(
        &app,
        "/api/v1/audit-events?action=volunteer.privacy_consent_withdrawn",
        &w.t.admin,
    )
    .await;
    assert_eq!(audit["items"][0]["entity_id"], id1.to_string());
    // Staff record a guardian's fresh consent for the other volunteer.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id2}/privacy-consents"),
            &w.t.zj_admin,
            &json!({"notice_version": "2026-12-m", "given_by": "guardian"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(pool(&app, &w.t.hz_coordinator, act).await, vec![id2]);
    let res = offer(&app, &w.t.hz_coordinator, act, id2).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}
db_test!(pi02_fresh_consent_and_withdrawal_decide_the_candidate_pools);

async fn pi04_the_database_refuses_to_change_or_delete_audit_events(app: TestApp) {
    let admin = app.admin_token().await;
    app.bureau_id(&admin, "330000").await;
    app.staff(&admin, "audited.one", "auditor", 1).await;
    let count = || text_query(&app, "SELECT CAST(count(*) AS TEXT) AS v FROM audit_events");
    let before = count();
    assert_ne!(before, vec!["0".to_string()]);
    let mut conn = app.state.pool.get().unwrap();
    for sql in [
        "UPDATE audit_events SET action = 'tampered'",
        "DELETE FROM audit_events",
    ] {
        let refused = diesel::sql_query(sql).execute(&mut *conn);
        assert!(refused.is_err(), "{sql} was allowed");
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{sql}"
        );
    }
    drop(conn);
    assert_eq!(count(), before);
    let tampered = text_query(
        &app,
        "SELECT action AS v FROM audit_events WHERE action = 'tampered'",
    );
    assert!(tampered.is_empty());
}
db_test!(pi04_the_database_refuses_to_change_or_delete_audit_events);

async fn pi04_every_read_of_a_minor_is_audited(app: TestApp) {
    let w = world(&app).await;
    // 16 on the service's today: a minor, though not under 14.
    let today = app.state.clock.today();
    let birth = today - Duration::days(16 * 365 + 30);
    let teen = volunteer(&app, &w, "少年", 7, |b| {
        b["id_number"] = json!(resident_id(
            "330106",
            &birth.format("%Y%m%d").to_string(),
            7
        ));
    })
    .await;
    let adult = volunteer(&app, &w, "成年", 8, |_| {}).await;
    let teen_id = teen["id"].as_i64().unwrap().to_string();
    let reads = |app: &TestApp| {
        let app_admin = w.t.admin.clone();
        let address = app.url("/api/v1/audit-events?action=volunteer.read_minor&limit=200");
        let client = app.client.clone();
        async move {
            let v: Value = client
                .get(address)
                .bearer_auth(app_admin)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["items"].as_array().unwrap().clone()
        }
    };
    assert!(reads(&app).await.is_empty());
    let token = &w.t.hz_coordinator;
    get_json(&app, "/api/v1/volunteers", token).await;
    get_json(&app, &format!("/api/v1/volunteers/{teen_id}"), token).await;
    get_json(
        &app,
        &format!("/api/v1/volunteers/{teen_id}/service-records"),
        token,
    )
    .await;
    get_json(
        &app,
        &format!("/api/v1/volunteers/{teen_id}/record-certificates"),
        token,
    )
    .await;
    get_json(&app, &format!("/api/v1/volunteers/{}", adult["id"]), token).await;
    let items = reads(&app).await;
    let what: Vec<&str> = items
        .iter()
        .map(|e| {
            assert_eq!(e["entity_id"], teen_id, "only the minor's reads");
            e["detail"]["read"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        what,
        ["list", "record", "service_records", "record_certificates"]
    );
}
db_test!(pi04_every_read_of_a_minor_is_audited);

async fn pi05_ready_reports_the_declared_data_location(app: TestApp) {
    let ready = get_json(&app, "/health/ready", "").await;
    assert_eq!(ready["status"], "ok");
    assert_eq!(ready["data_residency"]["location"], "mainland_china");
    assert_eq!(ready["data_residency"]["in_mainland_china"], true);
    assert_eq!(ready["data_residency"]["state_organ"], true);
}
db_test!(pi05_ready_reports_the_declared_data_location);

async fn pi05_an_offshore_deployment_runs_only_when_no_state_organ_runs_it(app: TestApp) {
    let ready = get_json(&app, "/health/ready", "").await;
    assert_eq!(ready["data_residency"]["location"], "singapore");
    assert_eq!(ready["data_residency"]["in_mainland_china"], false);
    assert_eq!(ready["data_residency"]["state_organ"], false);
}
db_test!(
    pi05_an_offshore_deployment_runs_only_when_no_state_organ_runs_it,
    [
        ("SPRINGRAIN_DATA_LOCATION", "singapore"),
        ("SPRINGRAIN_STATE_ORGAN", "false")
    ]
);

#[test]
fn pi05_a_state_organ_with_data_outside_mainland_china_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let load = |location: &str| {
        let vars = [
            ("SPRINGRAIN_DATA_DIR", data_dir.as_str()),
            ("SPRINGRAIN_DATA_LOCATION", location),
        ];
        springrain::config::Settings::load(&|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    for offshore in ["hong_kong", "singapore", "us-east-1"] {
        let Err(refused) = load(offshore) else {
            panic!("{offshore} must be refused for a state organ")
        };
        assert!(refused.contains("PI-05"), "{refused}");
    }
    assert!(load("mainland_china").is_ok());
    assert!(load("CN").is_ok());
}

async fn pi06_contact_and_guardian_data_go_after_the_period_and_certificates_still_verify(
    app: TestApp,
) {
    let s = confirmed(&app).await;
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 125, 0);
    let issuer =
        json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"});
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
    let number = cert["number"].as_str().unwrap().to_string();
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/withdraw", s.volunteer),
            &s.w.t.zj_admin,
            &json!({}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let revealed = format!("/api/v1/volunteers/{}?reveal=mobile", s.volunteer);
    let run_job = |app: &TestApp| {
        let mut conn = app.state.pool.get().unwrap();
        let days = app.state.policy.personal_data.deregistered_retention_days;
        springrain::jobs::erase_deregistered(
            &mut conn,
            &app.state.cipher,
            days,
            app.state.clock.now().naive_utc(),
        )
        .unwrap()
    };
    // Within the period nothing goes.
    assert_eq!(run_job(&app), 0);
    let v = get_json(&app, &revealed, &s.w.t.zj_admin).await;
    assert_eq!(v["mobile"], "13800138000");

    app.state.clock.advance(Duration::days(31));
    assert_eq!(run_job(&app), 1);
    assert_eq!(run_job(&app), 0, "once");
    let v = get_json(&app, &revealed, &s.w.t.zj_admin).await;
    assert!(v["mobile"].is_null(), "{v}");
    assert_eq!(v["anonymised"], true);
    assert_eq!(v["name"], "记**");
    // Service records stay; the certificate still verifies, with the masked name.
    let records = get_json(
        &app,
        &format!("/api/v1/volunteers/{}/service-records", s.volunteer),
        &s.w.t.zj_admin,
    )
    .await;
    assert!(!records.as_array().unwrap().is_empty());
    let public = get_json(&app, &format!("/api/v1/public/certificates/{number}"), "").await;
    assert_eq!(public["valid"], true);
    assert_eq!(public["volunteer_name"], "记**");
    assert_eq!(public["total_hours"], cert["total_hours"]);
    let audit = get_json(
        &app,
        "/api/v1/audit-events?action=volunteer.contact_erased",
        &s.w.t.admin,
    )
    .await;
    assert_eq!(audit["items"][0]["entity_id"], s.volunteer.to_string());
    assert!(audit["items"][0]["actor_user_id"].is_null());
}
db_test!(pi06_contact_and_guardian_data_go_after_the_period_and_certificates_still_verify);
