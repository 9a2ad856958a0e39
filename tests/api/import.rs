use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_problem, resident_id, volunteer_body};

const HEADER: &str =
    "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email";

/// A CSV of `rows` (at most 1,000) volunteers, BOM and header first, where every row index
/// in `bad` is broken in one of five ways. Returns the text and the bad rows' line numbers.
fn csv_with_bad_rows(rows: usize, bad: &[usize]) -> (String, Vec<u64>) {
    let mut out = format!("\u{feff}{HEADER}\n");
    let mut bad_lines = Vec::new();
    for i in 0..rows {
        let seq = i as u32;
        let id = resident_id("330106", "19900101", seq);
        let mut fields = [
            format!("志愿者{seq}"),
            "resident_id".to_string(),
            id,
            "138 0013 8000".to_string(),
            "330106".to_string(),
            "performance.music:2;reading.promotion".to_string(),
            "zh;ug:basic".to_string(),
            "true".to_string(),
            String::new(),
        ];
        if bad.contains(&i) {
            match bad_lines.len() % 5 {
                0 => {
                    let wrong = if fields[2].ends_with('0') { '1' } else { '0' };
                    fields[2] = format!("{}{wrong}", &fields[2][..17]);
                }
                1 => fields[3] = "12345678901".into(),
                2 => fields[4] = "990000".into(),
                3 => fields[5] = String::new(),
                _ => fields[6] = "klingon".into(),
            }
            bad_lines.push(i as u64 + 2);
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    (out, bad_lines)
}

async fn import(app: &TestApp, token: &str, query: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/volunteers/import{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, token: &str) -> usize {
    let mut total = 0;
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .get(&format!("/api/v1/volunteers?limit=200{cursor}"), token)
            .await
            .json()
            .await
            .unwrap();
        total += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return total,
        }
    }
}

/// Acceptance 4: 1,000 rows with 37 bad ones → 963 inserted and the 37 reported by line;
/// with `atomic=true` none.
async fn a_thousand_rows_with_37_bad_insert_963_and_report_each_line(app: TestApp) {
    let admin = app.admin_token().await;
    let zj = app.bureau_id(&admin, "330000").await;
    let zj_admin = app.staff(&admin, "zj.admin", "bureau_admin", zj).await;
    let bad: Vec<usize> = (0..37).map(|i| i * 27 + 3).collect();

    let (atomic_csv, _) = csv_with_bad_rows(1000, &bad);
    let res = import(&app, &zj_admin, "?atomic=true", atomic_csv).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (
            report["inserted"].as_u64(),
            report["rejected"].as_array().unwrap().len()
        ),
        (Some(0), 37)
    );
    assert_eq!(count(&app, &zj_admin).await, 0, "atomic: all or nothing");

    let (csv, bad_lines) = csv_with_bad_rows(1000, &bad);
    let dry: Value = import(&app, &zj_admin, "?dry_run=true", csv.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            dry["inserted"].as_u64(),
            dry["rejected"].as_array().unwrap().len()
        ),
        (Some(0), 37)
    );
    assert_eq!(count(&app, &zj_admin).await, 0, "dry run stores nothing");

    let report: Value = import(&app, &zj_admin, "", csv).await.json().await.unwrap();
    assert_eq!(report["rows"], 1000);
    assert_eq!(report["inserted"], 963);
    let rejected = report["rejected"].as_array().unwrap();
    let lines: Vec<u64> = rejected
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, bad_lines);
    let codes: std::collections::BTreeSet<&str> = rejected
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_checksum",
            "invalid_format",
            "required",
            "unknown_language",
            "unknown_province"
        ]
        .into_iter()
        .collect()
    );
    assert!(
        rejected
            .iter()
            .all(|r| r["field"].as_str().is_some_and(|f| !f.is_empty()))
    );
    assert_eq!(count(&app, &zj_admin).await, 963);
    let activations = report["activations"].as_array().unwrap();
    assert_eq!(activations.len(), 963);
    // Reported in file order, each with its own number, even when stored on two connections.
    let lines: Vec<u64> = activations
        .iter()
        .map(|a| a["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "in line order");
    let numbers: std::collections::HashSet<&str> = activations
        .iter()
        .map(|a| a["volunteer_number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 963, "distinct volunteer numbers");

    // Imported volunteers are complete records: skills, languages, numbers, masked data.
    let page: Value = app
        .get(
            "/api/v1/volunteers?limit=1&skill=performance.music:2&language=ug",
            &zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    let first = &page["items"][0];
    assert_eq!(first["status"], "active");
    assert!(
        first["volunteer_number"]
            .as_str()
            .unwrap()
            .starts_with("SR33")
    );
    assert!(
        first["id_number_masked"]
            .as_str()
            .unwrap()
            .contains("********")
    );
    // And they activate their own login with the code, no password was hashed on import.
    let activation = &report["activations"][0];
    let res = app
        .post_anon("/api/v1/auth/activate", &json!({"code": activation["activation_code"], "username": "imported.one", "password": "Imported-pass-1"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let events: Value = app
        .get("/api/v1/audit-events?action=volunteer.import", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        2,
        "the atomic and the real import"
    );
}
db_test!(a_thousand_rows_with_37_bad_insert_963_and_report_each_line);

async fn duplicates_in_the_file_and_in_the_registry_are_rejected_per_row(app: TestApp) {
    let admin = app.admin_token().await;
    let existing = resident_id("330106", "19900101", 1);
    app.register_volunteer(&admin, &volunteer_body("已登记", &existing, "330106"))
        .await;
    let twice = resident_id("330106", "19900101", 2);
    let csv = format!(
        "{HEADER}\n甲,resident_id,{existing},13800138000,330106,first_aid,zh,是,\n乙,resident_id,{twice},13800138001,330106,first_aid,zh,true,b@example.cn\n丙,resident_id,{},13800138002,330106,first_aid,zh,true,\n",
        twice.to_lowercase()
    );
    let report: Value = import(&app, &admin, "", csv).await.json().await.unwrap();
    assert_eq!(report["inserted"], 1);
    let rejected: Vec<(u64, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        [(2, "duplicate_id_number"), (4, "duplicate_in_file")]
    );
}
db_test!(duplicates_in_the_file_and_in_the_registry_are_rejected_per_row);

async fn file_level_problems_fail_the_whole_request(app: TestApp) {
    let admin = app.admin_token().await;
    let res = import(&app, &admin, "", "name,id_number\n甲,123\n".into()).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "missing_columns");
    let res = app
        .client
        .post(app.url("/api/v1/volunteers/import"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let t_auditor = {
        let zj = app.bureau_id(&admin, "330000").await;
        app.staff(&admin, "zj.auditor", "auditor", zj).await
    };
    let res = import(&app, &t_auditor, "", format!("{HEADER}\n")).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}
db_test!(file_level_problems_fail_the_whole_request);

async fn the_export_is_masked_scoped_and_audited(app: TestApp) {
    let t = app.two_provinces().await;
    let id = resident_id("330106", "19900101", 5);
    app.register_volunteer(&t.zj_admin, &volunteer_body("导出者", &id, "330106"))
        .await;
    let res = app
        .get("/api/v1/volunteers/export?status=active", &t.zj_auditor)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("volunteer_number,name,id_type,id_number_masked,mobile_masked")
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains("导出者") && row.contains("330106********") && row.contains("138****8000")
    );
    assert!(!csv.contains(&id) && !csv.contains("13800138000"));
    assert_problem(
        app.get("/api/v1/volunteers/export", &t.hz_coordinator)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let events: Value = app
        .get("/api/v1/audit-events?action=volunteer.export", &t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    // Recorded before the (streamed) file is sent, so a download cut short is on record too.
    assert_eq!(events["items"][0]["detail"]["query"], "status=active");
}
db_test!(the_export_is_masked_scoped_and_audited);

async fn dry_runs_are_audited_and_budgeted(app: TestApp) {
    let t = app.two_provinces().await;
    let (csv, _) = csv_with_bad_rows(30, &[]);
    let dry = import(&app, &t.zj_admin, "?dry_run=true", csv.clone()).await;
    assert_eq!(dry.status(), StatusCode::OK);
    // Every number a dry run checks against the registry leaves a trace.
    let events: Value = app
        .get(
            "/api/v1/audit-events?action=volunteer.import_dry_run",
            &t.zj_admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 1, "{events}");
    assert_eq!(events["items"][0]["detail"]["rows"], 30);
    // The budget is 50 rows an hour here: a second file of 30 goes over it.
    let res = import(&app, &t.zj_admin, "?dry_run=true", csv).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(
        res,
        StatusCode::TOO_MANY_REQUESTS,
        "dry_run_budget_exhausted",
    )
    .await;
}
db_test!(
    dry_runs_are_audited_and_budgeted,
    [("SPRINGRAIN_DRY_RUN_ROWS_PER_HOUR", "50")]
);
