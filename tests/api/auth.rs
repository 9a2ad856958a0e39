use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, STAFF_PASSWORD, TestApp, assert_problem};

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

    // The first refresh token was consumed: presenting it again is treated as theft.
    let replay = refresh(&first["refresh_token"]).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    // ... and the family is gone: the newest refresh and access tokens stop working too.
    let newest = refresh(&second["refresh_token"]).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let access = me(&app, second["access_token"].as_str().unwrap()).await;
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
