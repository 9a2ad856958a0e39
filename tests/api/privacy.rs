//! PI-01: no role that may not reveal an ID number can rebuild it from what it reads — the
//! masks, birth dates, ages, sexes and certificates of every response it may get, even when
//! it learns the exact birth date some other way (age rules at a date of its choosing).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dispatch::activity;
use crate::helpers::{TestApp, resident_id};
use crate::records::{add_minutes, confirmed};

/// Everything a reader got back, as text.
async fn read_all(app: &TestApp, token: &str, paths: &[String]) -> Vec<String> {
    let mut texts = Vec::new();
    for path in paths {
        let res = app.get(path, token).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::FORBIDDEN,
            "{path}: {status} {text}"
        );
        texts.push(text);
    }
    texts
}

/// The masks of an 18-character resident ID in `text`: tokens of digits, `X` and `*`.
fn masks_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == 'X' || c == '*'))
        .filter(|t| t.len() == 18 && t.contains('*'))
        .map(String::from)
        .collect()
}

/// How many valid ID numbers agree with `mask`, a known birth date and sex: what a reader
/// would still have to choose between.
fn candidates(mask: &str, birth: &str, male: bool) -> usize {
    let mut fixed: Vec<Option<u8>> = mask.bytes().map(|b| (b != b'*').then_some(b)).collect();
    for (i, b) in birth.bytes().enumerate() {
        fixed[6 + i] = Some(b);
    }
    let mut count = 0;
    let mut digits = [b'0'; 17];
    fn walk(
        pos: usize,
        fixed: &[Option<u8>],
        digits: &mut [u8; 17],
        male: bool,
        count: &mut usize,
    ) {
        if pos == 17 {
            let check = springrain::domain::identity::check_character(digits) as u8;
            let sex_ok = ((digits[16] - b'0') % 2 == 1) == male;
            if sex_ok && fixed[17].is_none_or(|c| c == check) {
                *count += 1;
            }
            return;
        }
        match fixed[pos] {
            Some(d) => {
                digits[pos] = d;
                walk(pos + 1, fixed, digits, male, count);
            }
            None => {
                for d in b'0'..=b'9' {
                    digits[pos] = d;
                    walk(pos + 1, fixed, digits, male, count);
                }
            }
        }
    }
    // The region part is never hidden in either mask, so the walk stays small.
    if fixed[..6].iter().any(Option::is_none) {
        return usize::MAX;
    }
    walk(0, &fixed, &mut digits, male, &mut count);
    count
}

async fn no_role_without_reveal_can_rebuild_an_id_number(app: TestApp) {
    let s = confirmed(&app).await;
    let id_number = resident_id("330106", "19900101", 1);
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
    let issued = res.text().await.unwrap();
    // An age rule the coordinator controls: the eligibility answer must not name the age.
    let adults_only = activity(
        &app,
        &s.w.t.hz_coordinator,
        s.w.site,
        json!({"min_age": 60}),
    )
    .await;

    let v = s.volunteer;
    let paths = vec![
        format!("/api/v1/volunteers/{v}"),
        "/api/v1/volunteers".to_string(),
        "/api/v1/volunteers/export".to_string(),
        format!("/api/v1/volunteers/{v}/record-certificates"),
        format!("/api/v1/activities/{adults_only}/eligibility/{v}"),
        format!(
            "/api/v1/activities/{}/candidates?include_ineligible=true",
            s.activity
        ),
    ];
    let restricted = [
        ("ministry admin", s.w.t.admin.clone()),
        ("coordinator", s.w.t.hz_coordinator.clone()),
        ("auditor", s.w.t.zj_auditor.clone()),
    ];
    for (role, token) in &restricted {
        let mut texts = read_all(&app, token, &paths).await;
        if *role == "coordinator" {
            texts.push(issued.clone());
        }
        let all = texts.join("\n");
        assert!(!all.contains(&id_number), "{role} read the full number");
        assert!(!all.contains("1990-01-01"), "{role} read the birth date");
        assert!(!all.contains("age 3"), "{role} read an exact age");
        let masks: Vec<String> = texts.iter().flat_map(|t| masks_in(t)).collect();
        assert!(!masks.is_empty(), "{role} saw no mask at all: {all}");
        for mask in &masks {
            // Even with the birth date known exactly, dozens of numbers remain.
            let left = candidates(mask, "19900101", true);
            assert!(left >= 10, "{role}: mask {mask} leaves {left} candidates");
        }
        let one: Value = app
            .get(&format!("/api/v1/volunteers/{v}"), token)
            .await
            .json()
            .await
            .unwrap();
        assert!(one.get("birth_date").is_none() && one.get("age").is_none());
        assert_eq!(one["age_band"], "30-39", "{role}");
    }

    // The bureau admin may reveal (audited), so it sees the documented mask and the birth
    // date — but never the number itself without asking for it.
    let bureau: Value = app
        .get(&format!("/api/v1/volunteers/{v}"), &s.w.t.zj_admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bureau["birth_date"], "1990-01-01");
    assert_eq!(
        bureau["id_number_masked"],
        format!("{}********{}", &id_number[..6], &id_number[14..])
    );
    assert!(!bureau.to_string().contains(&id_number));
    // The volunteer sees their own certificate with the documented mask (CRT-03).
    let own: Value = app
        .get(
            &format!("/api/v1/volunteers/{v}/record-certificates"),
            &s.me,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        own[0]["id_number_masked"],
        format!("{}********{}", &id_number[..6], &id_number[14..])
    );
    // Nor can a reader of the database: the birth date is there in clear (age rules), so no
    // column may hold the documented mask — the volunteer's and the certificate's clear masks
    // are the restricted one, the documented one is only encrypted.
    let documented = springrain::domain::identity::mask_id_number(&id_number);
    let restricted = springrain::domain::identity::restrict_id_mask(&id_number);
    assert!(
        !app.database_contains(&documented),
        "the database holds the documented mask {documented} in clear"
    );
    assert!(
        app.database_contains(&restricted),
        "the check itself can find the restricted mask"
    );
}
db_test!(no_role_without_reveal_can_rebuild_an_id_number);

/// Rows written before the clear mask was restricted: the migration restricts volunteers'
/// masks (plain SQL), the start-up backlog moves certificates' documented masks into the
/// encrypted column. Readers entitled to the documented mask still get it afterwards.
async fn masks_stored_before_the_restriction_are_restricted(app: TestApp) {
    use diesel::prelude::*;
    use springrain::db::schema::{record_certificates, volunteers};

    let s = confirmed(&app).await;
    let id_number = resident_id("330106", "19900101", 1);
    let documented = springrain::domain::identity::mask_id_number(&id_number);
    let restricted = springrain::domain::identity::restrict_id_mask(&id_number);
    let hz_path = format!("/1/{}/{}/", s.w.t.zhejiang, s.w.t.hangzhou);
    add_minutes(&app, &s, s.w.t.hangzhou, &hz_path, 125, 0);
    let res = app
        .post(
            &format!("/api/v1/volunteers/{}/record-certificates", s.volunteer),
            &s.w.t.hz_coordinator,
            &json!({"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let stored = |conn: &mut springrain::db::DbConn| -> (String, String, Option<String>) {
        let volunteer: String = volunteers::table
            .find(s.volunteer)
            .select(volunteers::id_number_masked)
            .first(conn)
            .unwrap();
        let (certificate, enc) = record_certificates::table
            .filter(record_certificates::volunteer_id.eq(s.volunteer))
            .select((
                record_certificates::id_number_masked,
                record_certificates::id_number_masked_enc,
            ))
            .first(conn)
            .unwrap();
        (volunteer, certificate, enc)
    };
    let mut conn = app.state.pool.get().unwrap();
    // Back to how the rows were stored before.
    diesel::update(volunteers::table.find(s.volunteer))
        .set(volunteers::id_number_masked.eq(&documented))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(record_certificates::table)
        .set((
            record_certificates::id_number_masked.eq(&documented),
            record_certificates::id_number_masked_enc.eq(None::<String>),
        ))
        .execute(&mut *conn)
        .unwrap();
    // The migration's statement on volunteers, as the migration runs it on this backend.
    let backend = match &*conn {
        springrain::db::DbConn::Sqlite(_) => "sqlite",
        #[cfg(feature = "postgres")]
        springrain::db::DbConn::Pg(_) => "postgres",
    };
    let up = std::fs::read_to_string(format!(
        "{}/migrations/{backend}/2026-12-05-000031_id_mask_at_rest/up.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let code: String = up
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let update = code
        .split(';')
        .find(|statement| statement.contains("UPDATE volunteers"))
        .expect("the migration restricts volunteers' masks");
    diesel::sql_query(update).execute(&mut *conn).unwrap();
    let changed = springrain::registry::at_rest::encrypt_backlog(
        &mut conn,
        &app.state.cipher,
        app.state.clock.today(),
    )
    .unwrap();
    assert!(changed >= 1, "the backlog restricted the certificate");
    let (volunteer, certificate, enc) = stored(&mut conn);
    assert_eq!(
        (volunteer.as_str(), certificate.as_str()),
        (restricted.as_str(), restricted.as_str())
    );
    assert!(enc.is_some_and(|e| !e.contains(&documented)));
    drop(conn);
    // Those who may see the documented mask still see it, from the encrypted values.
    let profile = format!("/api/v1/volunteers/{}", s.volunteer);
    let certificates = format!("{profile}/record-certificates");
    for (path, token, shown, expected) in [
        (&profile, &s.w.t.zj_admin, "/id_number_masked", &documented),
        (&certificates, &s.me, "/0/id_number_masked", &documented),
        (
            &certificates,
            &s.w.t.hz_coordinator,
            "/0/id_number_masked",
            &restricted,
        ),
    ] {
        let body: Value = app.get(path, token).await.json().await.unwrap();
        assert_eq!(body.pointer(shown), Some(&json!(expected)), "{path}");
    }
}
db_test!(masks_stored_before_the_restriction_are_restricted);

#[test]
fn the_documented_mask_with_a_known_birth_date_is_the_number() {
    let id = resident_id("330106", "19850612", 123);
    let documented = springrain::domain::identity::mask_id_number(&id);
    assert_eq!(candidates(&documented, "19850612", true), 1);
    let restricted = springrain::domain::identity::restrict_id_mask(&id);
    assert!(candidates(&restricted, "19850612", true) >= 10);
}
