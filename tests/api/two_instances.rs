//! Issue 15: two instances of the real `springrain` binary, started at the same moment on one
//! fresh PostgreSQL database (as behind a load balancer). Migrations run once, under the
//! advisory lock, and both instances come up; the headcount holds for confirms split between
//! them and no volunteer gets overlapping offers; a session revoked on one is refused by the
//! other; the failed-login throttle counts attempts on both as if they were one.
//!
//! PostgreSQL only (SQLite is one process's file): runs in `.ci/run`'s PostgreSQL pass.
//! Each process writes its own log under a temp dir; on failure both are printed.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_PASSWORD, JWT_SECRET, PgDatabase, STAFF_PASSWORD, create_pg_database, resident_id,
    volunteer_body,
};

/// base64 of 32 bytes: both instances must decrypt what the other stored.
const DATA_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const VOLUNTEER_PASSWORD: &str = "Volunteer-pass-99";
/// Per-account ceiling for this test (the default 100 would need 100 failures to show).
const ACCOUNT_CEILING: u32 = 8;
/// A revocation must reach the other instance within this (an authentication cache may
/// delay it by about half a second).
const REVOCATION_DEADLINE: Duration = Duration::from_secs(3);

/// One running server process; killed (and its log printed, if the test is failing) on drop.
struct Instance {
    name: &'static str,
    base: String,
    child: Child,
    log: PathBuf,
}

impl Instance {
    /// Starts the binary on a free port; does not wait for it.
    fn spawn(name: &'static str, database_url: &str, dir: &std::path::Path) -> Instance {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let data_dir = dir.join(name);
        std::fs::create_dir_all(&data_dir).expect("data dir");
        let child = Command::new(env!("CARGO_BIN_EXE_springrain"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("SPRINGRAIN_BIND", "127.0.0.1:0")
            .env("SPRINGRAIN_DATA_DIR", &data_dir)
            .env("SPRINGRAIN_JWT_SECRET", JWT_SECRET)
            .env("SPRINGRAIN_DATA_KEY", DATA_KEY)
            .env("SPRINGRAIN_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("SPRINGRAIN_AUTH_RATE_PER_MINUTE", "100000")
            .env(
                "SPRINGRAIN_LOGIN_ACCOUNT_CEILING",
                ACCOUNT_CEILING.to_string(),
            )
            .env("SPRINGRAIN_LOG", "warn,springrain::startup=info")
            .env("SPRINGRAIN_LOG_FORMAT", "pretty")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start the springrain binary");
        Instance {
            name,
            base: String::new(),
            child,
            log,
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for the "listening on" line (the port was chosen by the OS), then for
    /// `/health/ready` to answer 200.
    async fn wait_until_ready(&mut self, client: &Client) {
        let deadline = Instant::now() + Duration::from_secs(180);
        while self.base.is_empty() {
            if let Some(status) = self.child.try_wait().expect("process status") {
                panic!("{} exited during start-up ({status})", self.name);
            }
            assert!(Instant::now() < deadline, "{} never listened", self.name);
            if let Some(url) = self
                .log_text()
                .lines()
                .find_map(|l| l.split("springrain is listening on ").nth(1))
            {
                self.base = url.trim().to_string();
            } else {
                actix_web::rt::time::sleep(Duration::from_millis(100)).await;
            }
        }
        loop {
            let ready = client.get(self.url("/health/ready")).send().await;
            if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
                return;
            }
            assert!(Instant::now() < deadline, "{} never got ready", self.name);
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "===== log of instance {} ({}) =====\n{}",
                self.name,
                self.log.display(),
                self.log_text()
            );
        }
    }
}

/// Two instances on one database. Field order is drop order: the processes stop before
/// their database is dropped and their log directory removed.
struct Pair {
    a: Instance,
    b: Instance,
    client: Client,
    database_url: String,
    _database: PgDatabase,
    _dir: tempfile::TempDir,
}

impl Pair {
    /// Both processes are spawned back to back on one empty database, so they race for the
    /// migrations.
    async fn start() -> Pair {
        let (database_url, database) = create_pg_database()
            .expect("built with --features postgres but TEST_DATABASE_URL is not set");
        let dir = tempfile::tempdir().expect("temp dir");
        let a = Instance::spawn("a", &database_url, dir.path());
        let b = Instance::spawn("b", &database_url, dir.path());
        let mut pair = Pair {
            a,
            b,
            client: Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
            database_url,
            _database: database,
            _dir: dir,
        };
        let client = pair.client.clone();
        pair.a.wait_until_ready(&client).await;
        pair.b.wait_until_ready(&client).await;
        pair
    }

    /// Instance A for even `n`, B for odd: spreads a series of requests over both.
    fn either(&self, n: usize) -> &Instance {
        if n.is_multiple_of(2) {
            &self.a
        } else {
            &self.b
        }
    }

    async fn post(&self, on: &Instance, path: &str, token: &str, body: &Value) -> Response {
        let req = self.client.post(on.url(path)).json(body);
        let req = if token.is_empty() {
            req
        } else {
            req.bearer_auth(token)
        };
        req.send().await.expect("request")
    }

    async fn get(&self, on: &Instance, path: &str, token: &str) -> Response {
        self.client
            .get(on.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// POSTs, expects `status`, returns the body.
    async fn post_ok(
        &self,
        on: &Instance,
        path: &str,
        token: &str,
        body: &Value,
        status: StatusCode,
    ) -> Value {
        let res = self.post(on, path, token, body).await;
        let got = res.status();
        let text = res.text().await.unwrap_or_default();
        assert_eq!(got, status, "POST {path} on {}: {text}", on.name);
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get_ok(&self, on: &Instance, path: &str, token: &str) -> Value {
        let res = self.get(on, path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path} on {}", on.name);
        res.json().await.expect("json")
    }

    async fn login_tokens(&self, on: &Instance, username: &str, password: &str) -> Value {
        let body = json!({"username": username, "password": password});
        self.post_ok(on, "/api/v1/auth/login", "", &body, StatusCode::OK)
            .await
    }

    async fn login(&self, on: &Instance, username: &str, password: &str) -> String {
        self.login_tokens(on, username, password).await["access_token"]
            .as_str()
            .expect("access token")
            .to_string()
    }

    /// A login attempt from a given loopback address; returns the status only.
    async fn login_from(&self, on: &Instance, from: &str, username: &str, password: &str) -> u16 {
        let client = Client::builder()
            .local_address(from.parse::<std::net::IpAddr>().expect("an IP address"))
            .build()
            .expect("http client");
        client
            .post(on.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    }
}

/// Who does what in the dispatch scenario (staff logged in on instance A).
struct Bureau {
    admin: String,
    zj_admin: String,
    coordinator: String,
    hangzhou: i64,
    site: i64,
}

/// The Hangzhou municipal bureau under Zhejiang, its staff and one site.
async fn bureau(p: &Pair) -> Bureau {
    let admin = p.login(&p.a, "admin", ADMIN_PASSWORD).await;
    let bureaus = p
        .get_ok(
            &p.b,
            "/api/v1/organizations?kind=provincial_bureau&region_code=330000",
            &admin,
        )
        .await;
    let zhejiang = bureaus["items"][0]["id"].as_i64().expect("Zhejiang");
    let hangzhou = p
        .post_ok(
            &p.a,
            "/api/v1/organizations",
            &admin,
            &json!({"kind": "municipal_bureau", "name": "杭州市文化广电旅游局", "parent_id": zhejiang, "region_code": "330100"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut staff = Vec::new();
    for (n, (username, role, org)) in [
        ("zj.admin", "bureau_admin", zhejiang),
        ("hz.coordinator", "coordinator", hangzhou),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"username": username, "password": STAFF_PASSWORD, "role": role, "organization_id": org});
        p.post_ok(
            p.either(n),
            "/api/v1/users",
            &admin,
            &body,
            StatusCode::CREATED,
        )
        .await;
        staff.push(p.login(p.either(n + 1), username, STAFF_PASSWORD).await);
    }
    let coordinator = staff.pop().unwrap();
    let zj_admin = staff.pop().unwrap();
    let site = p
        .post_ok(
            &p.b,
            "/api/v1/sites",
            &coordinator,
            &json!({"name": "西湖区某社区文化家园", "kind": "community", "region_code": "330106", "address": "杭州市西湖区", "location_type": "community", "local_languages": ["zh"], "target_groups": ["elderly"], "contact": "社区办公室"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    Bureau {
        admin,
        zj_admin,
        coordinator,
        hangzhou,
        site,
    }
}

/// A published four-hour activity three days from now with `places` places.
async fn published_activity(p: &Pair, on: &Instance, b: &Bureau, places: i64) -> i64 {
    let day = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%d");
    let body = json!({
        "site_id": b.site, "title": "社区文艺演出", "description": "为社区老人演出", "category": "grassroots_culture",
        "form": "performance", "starts_at": format!("{day}T02:00:00Z"), "ends_at": format!("{day}T06:00:00Z"),
        "headcount_min": 1, "headcount_max": places, "physical_demand": 1, "risk_level": "low",
        "risk_disclosure": "室内活动，注意防滑", "requirements": {"summary": "热爱文艺，能参加一次排练"}
    });
    let id = p
        .post_ok(
            on,
            "/api/v1/activities",
            &b.coordinator,
            &body,
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let publish = format!("/api/v1/activities/{id}/publish");
    p.post_ok(on, &publish, &b.coordinator, &json!({}), StatusCode::OK)
        .await;
    id
}

/// Registers volunteer number `seq` at Hangzhou, activates their login and signs them in;
/// returns (volunteer id, access token).
async fn volunteer(p: &Pair, b: &Bureau, seq: u32) -> (i64, String) {
    let on = p.either(seq as usize);
    let mut body = volunteer_body(
        &format!("演员{seq}"),
        &resident_id("330106", "19900101", 100 + seq),
        "330106",
    );
    body["organization_id"] = json!(b.hangzhou);
    let v = p
        .post_ok(
            on,
            "/api/v1/volunteers",
            &b.zj_admin,
            &body,
            StatusCode::CREATED,
        )
        .await;
    let username = format!("actor.{seq}");
    let activation =
        json!({"code": v["activation_code"], "username": username, "password": VOLUNTEER_PASSWORD});
    p.post_ok(
        on,
        "/api/v1/auth/activate",
        "",
        &activation,
        StatusCode::CREATED,
    )
    .await;
    let token = p
        .login(p.either(seq as usize + 1), &username, VOLUNTEER_PASSWORD)
        .await;
    (v["id"].as_i64().unwrap(), token)
}

/// Migrations ran once: one instance applied them (the other found none pending after
/// waiting on the advisory lock), and each is recorded once.
fn assert_migrated_once(p: &Pair) {
    use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
    let logs = [p.a.log_text(), p.b.log_text()];
    let appliers = logs
        .iter()
        .filter(|log| log.contains("applied database migrations"))
        .count();
    assert_eq!(appliers, 1, "exactly one instance applies the migrations");
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = PgConnection::establish(&p.database_url).expect("connect");
    let recorded: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM (SELECT DISTINCT version FROM __diesel_schema_migrations) v",
    )
    .get_result(&mut conn)
    .expect("migration table");
    let folders = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("migrations")
        .count();
    assert_eq!(recorded.n, folders as i64, "every migration recorded once");
}

/// 30 volunteers hold offers for 5 places; their 30 confirms go out at once, split between
/// the instances: exactly 5 are confirmed, each a different volunteer.
async fn assert_headcount_holds(p: &Pair, b: &Bureau) {
    let activity = published_activity(p, &p.a, b, 5).await;
    let mut offers = Vec::new();
    for seq in 0..30u32 {
        let (volunteer_id, token) = volunteer(p, b, seq).await;
        let offer = p
            .post_ok(
                p.either(seq as usize),
                &format!("/api/v1/activities/{activity}/assignments"),
                &b.coordinator,
                &json!({"volunteer_id": volunteer_id}),
                StatusCode::CREATED,
            )
            .await;
        offers.push((offer["id"].as_i64().unwrap(), token));
    }
    let confirms = offers.iter().enumerate().map(|(n, (id, token))| {
        let path = format!("/api/v1/assignments/{id}/confirm");
        async move { p.post(p.either(n), &path, token, &json!({})).await.status() }
    });
    let statuses = join_all(confirms).await;
    let confirmed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let full = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((confirmed, full), (5, 25), "{statuses:?}");
    for on in [&p.a, &p.b] {
        let list = p
            .get_ok(
                on,
                &format!("/api/v1/assignments?activity_id={activity}&status=confirmed&limit=200"),
                &b.coordinator,
            )
            .await;
        let mut volunteers: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["volunteer_id"].as_i64().unwrap())
            .collect();
        volunteers.sort_unstable();
        volunteers.dedup();
        assert_eq!(
            volunteers.len(),
            5,
            "five different volunteers on {}",
            on.name
        );
        let detail = p
            .get_ok(
                on,
                &format!("/api/v1/activities/{activity}"),
                &b.coordinator,
            )
            .await;
        assert_eq!(detail["confirmed"], 5, "on {}", on.name);
    }
}

/// Ten overlapping activities offered to one volunteer at once, split between the
/// instances: one offer stands, the others are refused as overlapping.
async fn assert_no_overlapping_offers(p: &Pair, b: &Bureau) {
    let (volunteer_id, _) = volunteer(p, b, 90).await;
    let mut activities = Vec::new();
    for n in 0..10 {
        activities.push(published_activity(p, p.either(n), b, 5).await);
    }
    let offers = activities.iter().enumerate().map(|(n, activity)| {
        let path = format!("/api/v1/activities/{activity}/assignments");
        let body = json!({"volunteer_id": volunteer_id});
        async move {
            p.post(p.either(n + 1), &path, &b.coordinator, &body)
                .await
                .status()
        }
    });
    let statuses = join_all(offers).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let overlapping = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((created, overlapping), (1, 9), "{statuses:?}");
    let live = p
        .get_ok(
            &p.b,
            &format!("/api/v1/assignments?volunteer_id={volunteer_id}&status=offered"),
            &b.coordinator,
        )
        .await;
    assert_eq!(live["items"].as_array().unwrap().len(), 1);
}

/// A session ended on A stops working on B (within `REVOCATION_DEADLINE`).
async fn assert_revocation_is_shared(p: &Pair) {
    let tokens = p.login_tokens(&p.a, "hz.coordinator", STAFF_PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        p.get(&p.b, "/api/v1/me", access).await.status(),
        StatusCode::OK,
        "the token works on the other instance"
    );
    p.post_ok(
        &p.a,
        "/api/v1/auth/logout",
        "",
        &json!({"refresh_token": tokens["refresh_token"]}),
        StatusCode::NO_CONTENT,
    )
    .await;
    let logged_out = Instant::now();
    loop {
        let status = p.get(&p.b, "/api/v1/me", access).await.status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            logged_out.elapsed() < REVOCATION_DEADLINE,
            "B still accepts a token revoked on A after {REVOCATION_DEADLINE:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        p.get(&p.a, "/api/v1/me", access).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Wrong passwords alternating between the instances are counted as on one instance: from
/// one address, five failures and then refusals; across addresses, the account ceiling.
async fn assert_login_throttle_is_shared(p: &Pair, b: &Bureau) {
    for (n, username) in ["target.one", "target.two"].into_iter().enumerate() {
        let body = json!({"username": username, "password": STAFF_PASSWORD, "role": "auditor", "organization_id": b.hangzhou});
        p.post_ok(
            p.either(n),
            "/api/v1/users",
            &b.admin,
            &body,
            StatusCode::CREATED,
        )
        .await;
    }
    // Per (account, address): five free failures in all, not five per instance.
    let mut statuses = Vec::new();
    for n in 0..8 {
        statuses.push(
            p.login_from(p.either(n), "127.0.0.2", "target.one", "guessing-again-1")
                .await,
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // The owner, from elsewhere, still gets in on either instance.
    for on in [&p.a, &p.b] {
        let status = p
            .login_from(on, "127.0.0.3", "target.one", STAFF_PASSWORD)
            .await;
        assert_eq!(status, 200, "owner on {}", on.name);
    }
    // Per account, across addresses: the ceiling counts failures on both instances.
    for n in 0..ACCOUNT_CEILING as usize {
        let from = format!("127.0.0.{}", 10 + n);
        let status = p
            .login_from(p.either(n), &from, "target.two", "spread-guess-1234")
            .await;
        assert_eq!(status, 401, "failure {n}");
    }
    for on in [&p.a, &p.b] {
        let status = p
            .login_from(on, "127.0.0.40", "target.two", STAFF_PASSWORD)
            .await;
        assert_eq!(status, 429, "past the ceiling on {}", on.name);
    }
}

#[actix_web::test]
async fn two_instances_on_one_database_share_headcounts_revocations_and_login_throttles() {
    let pair = Pair::start().await;
    assert_migrated_once(&pair);
    let bureau = bureau(&pair).await;
    assert_headcount_holds(&pair, &bureau).await;
    assert_no_overlapping_offers(&pair, &bureau).await;
    assert_revocation_is_shared(&pair).await;
    assert_login_throttle_is_shared(&pair, &bureau).await;
}
