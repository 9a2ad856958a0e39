use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::join_all;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{
    ADMIN_PASSWORD, JWT_SECRET, STAFF_PASSWORD, TestApp, assert_problem, resident_id,
    volunteer_body,
};

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me", token).await
}

async fn login_returns_a_bearer_token_pair_that_opens_me(app: TestApp) {
    let tokens = app.login_tokens("admin", ADMIN_PASSWORD).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let res = me(&app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["username"], "admin");
    assert_eq!(body["role"], "ministry_admin");
    assert_eq!(body["organization"]["kind"], "ministry");
}
db_test!(login_returns_a_bearer_token_pair_that_opens_me);

async fn unknown_users_and_wrong_passwords_get_the_same_answer(app: TestApp) {
    let wrong = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": "not-the-password"}),
        )
        .await;
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "nobody", "password": "not-the-password"}),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
}
db_test!(unknown_users_and_wrong_passwords_get_the_same_answer);

async fn refresh_rotates_and_reuse_revokes_the_whole_family(app: TestApp) {
    let first = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let refresh = |token: &Value| {
        let body = json!({"refresh_token": token});
        let app = &app;
        async move { app.post_anon("/api/v1/auth/refresh", &body).await }
    };
    let res = refresh(&first["refresh_token"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        me(&app, second["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    let third: Value = refresh(&second["refresh_token"])
        .await
        .json()
        .await
        .unwrap();

    // The first refresh token was consumed and its successor used: presenting it again is
    // treated as theft.
    let replay = refresh(&first["refresh_token"]).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    // ... and the family is gone: the newest refresh and access tokens stop working too.
    let newest = refresh(&third["refresh_token"]).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let access = me(&app, third["access_token"].as_str().unwrap()).await;
    assert_problem(access, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // Another login session is untouched.
    let other = app.admin_token().await;
    assert_eq!(me(&app, &other).await.status(), StatusCode::OK);
}
db_test!(refresh_rotates_and_reuse_revokes_the_whole_family);

async fn logout_ends_the_session_for_both_tokens(app: TestApp) {
    let tokens = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let res = app
        .post_anon(
            "/api/v1/auth/logout",
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me(&app, tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app
        .post_anon(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
}
db_test!(logout_ends_the_session_for_both_tokens);

async fn a_disabled_user_is_locked_out_at_once(app: TestApp) {
    let admin = app.admin_token().await;
    let zhejiang = app.bureau_id(&admin, "330000").await;
    let id = app
        .create_user(&admin, "zj.leaver", "coordinator", zhejiang)
        .await;
    let tokens = app.login_tokens("zj.leaver", STAFF_PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status(), StatusCode::OK);

    let res = app
        .post(&format!("/api/v1/users/{id}/disable"), &admin, &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["disabled"], true);

    assert_eq!(me(&app, access).await.status(), StatusCode::UNAUTHORIZED);
    let refresh = app
        .post_anon(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
    let login = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "zj.leaver", "password": STAFF_PASSWORD}),
        )
        .await;
    assert_problem(login, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}
db_test!(a_disabled_user_is_locked_out_at_once);

fn forge(header: Value, claims: &Value, secret: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{h}.{c}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

async fn forged_expired_and_misused_tokens_get_401(app: TestApp) {
    let tokens = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();
    let payload = access.split('.').nth(1).unwrap();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();

    // A correctly signed copy is accepted: the forging below is faithful.
    let genuine = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        JWT_SECRET.as_bytes(),
    );
    assert_eq!(me(&app, &genuine).await.status(), StatusCode::OK);

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        payload
    );
    let bad_signature = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        b"some-other-secret-some-other-secret",
    );
    let hs512 = {
        use hmac::{Hmac, Mac};
        let h = URL_SAFE_NO_PAD.encode(json!({"alg": "HS512", "typ": "JWT"}).to_string());
        let input = format!("{h}.{payload}");
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(JWT_SECRET.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    };
    let now = chrono::Utc::now().timestamp();
    claims["iat"] = json!(now - 7200);
    claims["exp"] = json!(now - 3600);
    let expired = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        JWT_SECRET.as_bytes(),
    );
    let refresh_as_access = tokens["refresh_token"].as_str().unwrap().to_string();

    for (what, token) in [
        ("alg none", unsigned),
        ("bad signature", bad_signature),
        ("other algorithm", hs512),
        ("expired", expired),
        ("refresh token as access", refresh_as_access),
        ("garbage", "abc".to_string()),
    ] {
        let res = me(&app, &token).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
    let none = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_problem(none, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
db_test!(forged_expired_and_misused_tokens_get_401);

async fn repeated_failures_lock_the_account_for_a_while(app: TestApp) {
    for _ in 0..3 {
        let res = app
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": "admin", "password": "wrong-password-1"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now; the answer says how long.
    let res = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
db_test!(
    repeated_failures_lock_the_account_for_a_while,
    [("SPRINGRAIN_LOGIN_MAX_FAILURES", "3")]
);

async fn the_auth_scope_is_rate_limited_per_client_address(app: TestApp) {
    let body = json!({"username": "nobody", "password": "whatever-it-is"});
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.post_anon("/api/v1/auth/login", &body).await.status());
    }
    assert_eq!(&statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert!(
        statuses[3..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let limited = app.post_anon("/api/v1/auth/login", &body).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other scopes are not throttled.
    let other = app
        .client
        .get(app.url("/api/v1/reference/skills"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
}
db_test!(
    the_auth_scope_is_rate_limited_per_client_address,
    [("SPRINGRAIN_AUTH_RATE_PER_MINUTE", "3")]
);

/// A valid anonymous self-registration with the Hangzhou bureau.
fn self_registration(org: i64, seq: u32, username: &str) -> Value {
    let mut body = volunteer_body(
        &format!("自助{seq}"),
        &resident_id("330106", "19950505", seq),
        "330106",
    );
    body["organization_id"] = json!(org);
    body["username"] = json!(username);
    body["password"] = json!("A-volunteer-pass-1");
    body
}

async fn registrations_past_the_hashing_queue_get_503_while_logins_still_work(app: TestApp) {
    let t = app.two_provinces().await;
    let registrations = (0..8).map(|i| {
        let body = self_registration(t.hangzhou, 100 + i, &format!("flood.{i}"));
        let app = &app;
        async move { app.post_anon("/api/v1/auth/register", &body).await }
    });
    let credentials = json!({"username": "zj.admin", "password": STAFF_PASSWORD});
    let login = app.post_anon("/api/v1/auth/login", &credentials);
    let (answers, login) = futures_util::future::join(join_all(registrations), login).await;
    assert_eq!(login.status(), StatusCode::OK, "logins have their own lane");
    let mut busy = 0;
    for res in answers {
        match res.status() {
            StatusCode::ACCEPTED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(res.headers().contains_key("retry-after"));
                assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "a full queue refuses instead of waiting");
}
db_test!(
    registrations_past_the_hashing_queue_get_503_while_logins_still_work,
    [
        ("SPRINGRAIN_ENROLMENT_HASH_PERMITS", "1"),
        ("SPRINGRAIN_ENROLMENT_HASH_QUEUE", "0")
    ]
);

/// With no hashing capacity for enrolments, any request that reaches argon2 gets 503: an
/// answer other than 503 shows the request was decided before hashing.
async fn anonymous_applications_and_activations_are_refused_before_any_hashing(app: TestApp) {
    let t = app.two_provinces().await;
    let apply = |id: String, seq: u32| {
        let registration =
            volunteer_body("新人", &resident_id("330106", "20000505", seq), "330106");
        let body = json!({"registration": registration, "username": format!("new.{seq}"), "password": "Xin-lai-password"});
        let app = &app;
        async move {
            app.post_anon(&format!("/api/v1/recruitments/{id}/applications"), &body)
                .await
        }
    };
    let unknown = apply("999999".into(), 1).await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let c: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &crate::recruitment::campaign("已结束", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = c["id"].to_string();
    let close = app
        .post(
            &format!("/api/v1/recruitments/{id}/close"),
            &t.hz_coordinator,
            &json!({}),
        )
        .await;
    assert_eq!(close.status(), StatusCode::OK);
    assert_problem(apply(id, 2).await, StatusCode::NOT_FOUND, "not_found").await;
    let open: Value = app
        .post(
            "/api/v1/recruitments",
            &t.hz_coordinator,
            &crate::recruitment::campaign("开放", 5),
        )
        .await
        .json()
        .await
        .unwrap();
    let busy = apply(open["id"].to_string(), 3).await;
    assert_problem(busy, StatusCode::SERVICE_UNAVAILABLE, "busy").await;

    // Activation: a wrong code is refused without hashing, a live one reaches the hasher.
    let v = app
        .register_volunteer(
            &t.zj_admin,
            &volunteer_body("激活", &resident_id("330106", "19900101", 4), "330106"),
        )
        .await;
    let activate = |code: Value| {
        let body = json!({"code": code, "username": "act.ivated", "password": "Activated-pass-1"});
        let app = &app;
        async move { app.post_anon("/api/v1/auth/activate", &body).await }
    };
    let wrong = format!("{}.not-the-secret", v["id"]);
    assert_problem(
        activate(json!(wrong)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_problem(
        activate(v["activation_code"].clone()).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
    )
    .await;
}
db_test!(
    anonymous_applications_and_activations_are_refused_before_any_hashing,
    [
        ("SPRINGRAIN_ENROLMENT_HASH_PERMITS", "0"),
        ("SPRINGRAIN_ENROLMENT_HASH_QUEUE", "0")
    ]
);

async fn anonymous_applications_share_the_per_address_auth_limit(app: TestApp) {
    let body = json!({"registration": {}, "username": "x", "password": "y"});
    let anonymous = app.client_at("127.0.0.5");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = anonymous
            .post(app.url("/api/v1/recruitments/999999/applications"))
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(res.status());
    }
    assert_eq!(statuses[2], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    // A signed-in volunteer or coordinator is not counted against it.
    let admin = app.admin_token().await;
    let res = app
        .post("/api/v1/recruitments/999999/applications", &admin, &body)
        .await;
    assert_ne!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}
db_test!(
    anonymous_applications_share_the_per_address_auth_limit,
    [("SPRINGRAIN_AUTH_RATE_PER_MINUTE", "2")]
);

async fn login_from(app: &TestApp, client: &Client, username: &str, password: &str) -> StatusCode {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("request")
        .status()
}

async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(app: TestApp) {
    let outsider = app.client_at("127.0.0.2");
    let owner = app.client_at("127.0.0.3");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(login_from(&app, &outsider, "admin", "guessing-again-1").await);
    }
    assert_eq!(&statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "the outsider is held back: {statuses:?}"
    );
    assert_eq!(
        login_from(&app, &owner, "admin", ADMIN_PASSWORD).await,
        StatusCode::OK,
        "the owner, from another address, still gets in"
    );
    // The outsider's address stays held back, whatever password it tries.
    assert_eq!(
        login_from(&app, &outsider, "admin", ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
db_test!(wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere);

async fn a_concurrent_burst_of_wrong_passwords_gets_only_the_allowed_guesses(app: TestApp) {
    let client = app.client_at("127.0.0.4");
    let burst = (0..20).map(|_| login_from(&app, &client, "admin", "burst-guess-1234"));
    let statuses = join_all(burst).await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(verified <= 5, "{verified} guesses verified: {statuses:?}");
    assert_eq!(verified + refused, 20, "{statuses:?}");
}
db_test!(a_concurrent_burst_of_wrong_passwords_gets_only_the_allowed_guesses);

async fn the_account_ceiling_holds_across_addresses(app: TestApp) {
    for n in 10..13 {
        let client = app.client_at(&format!("127.0.0.{n}"));
        assert_eq!(
            login_from(&app, &client, "admin", "spread-guess-1234").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let fresh = app.client_at("127.0.0.20");
    assert_eq!(
        login_from(&app, &fresh, "admin", ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
db_test!(
    the_account_ceiling_holds_across_addresses,
    [("SPRINGRAIN_LOGIN_ACCOUNT_CEILING", "3")]
);

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": token}))
        .await
}

async fn a_refresh_retried_within_the_grace_window_gets_a_fresh_pair_once(app: TestApp) {
    let first = app.login_tokens("admin", ADMIN_PASSWORD).await;
    // The answer to this refresh is "lost"; the client retries with the same token.
    let lost = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(lost.status(), StatusCode::OK);
    let retried = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(retried.status(), StatusCode::OK);
    let pair: Value = retried.json().await.unwrap();
    assert_eq!(
        me(&app, pair["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    // A second retry of the same token is reuse: the session is revoked.
    let again = refresh(&app, &first["refresh_token"]).await;
    assert_problem(again, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    let newest = refresh(&app, &pair["refresh_token"]).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
db_test!(a_refresh_retried_within_the_grace_window_gets_a_fresh_pair_once);

async fn a_refresh_retried_after_the_grace_window_revokes_the_session(app: TestApp) {
    let first = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let second: Value = refresh(&app, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    let late = refresh(&app, &first["refresh_token"]).await;
    assert_problem(late, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    let newest = refresh(&app, &second["refresh_token"]).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
db_test!(
    a_refresh_retried_after_the_grace_window_revokes_the_session,
    [("SPRINGRAIN_REFRESH_GRACE_SECS", "1")]
);

async fn a_session_ends_at_its_maximum_age_however_often_it_is_refreshed(app: TestApp) {
    let first = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let res = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: Value = res.json().await.unwrap();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    let late = refresh(&app, &second["refresh_token"]).await;
    assert_problem(late, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
db_test!(
    a_session_ends_at_its_maximum_age_however_often_it_is_refreshed,
    [("SPRINGRAIN_SESSION_MAX_AGE_SECS", "2")]
);

async fn the_periodic_job_deletes_ended_sessions_only(app: TestApp) {
    let ended = app.login_tokens("admin", ADMIN_PASSWORD).await;
    let logout = app
        .post_anon(
            "/api/v1/auth/logout",
            &json!({"refresh_token": ended["refresh_token"]}),
        )
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let live = app.login_tokens("admin", ADMIN_PASSWORD).await;
    actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    let pool = app.state.pool.clone();
    let max_age = app.state.settings.session_max_age;
    let purged = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        springrain::jobs::purge_sessions(&mut conn, std::time::Duration::ZERO, max_age)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(purged, 1, "only the logged-out session");
    let res = me(&app, live["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let gone = refresh(&app, &ended["refresh_token"]).await;
    assert_problem(gone, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
db_test!(the_periodic_job_deletes_ended_sessions_only);
