//! The test harness: `spawn_app` starts the real server on port 0 against a fresh database
//! (a SQLite file in a temp dir, or a new PostgreSQL database on `TEST_DATABASE_URL`), and
//! `db_test!` turns one async test body into a test per backend.

use std::collections::HashMap;

use actix_web::web;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use springrain::config::Settings;
use springrain::startup::Application;
use springrain::state::AppState;

pub const ADMIN_PASSWORD: &str = "Ministry-Test-Pass-1";
pub const STAFF_PASSWORD: &str = "Staff-Test-Password-1";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    #[allow(dead_code)]
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub state: web::Data<AppState>,
    /// The SQLite database's folder; `None` on PostgreSQL.
    sqlite_dir: Option<std::path::PathBuf>,
}

/// What a test's server stands on: the server itself, its data directory and its database.
/// `stop` ends the server (and so its pool) first, then drops the database, so nothing
/// outlives the test and reconnects to a database that is gone.
pub struct Backing {
    server: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
    _pg_database: Option<PgDatabase>,
}

impl Backing {
    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}

/// Runs `$body(app)` once per backend: `<name>::sqlite` always, `<name>::postgres` when built
/// with `--features postgres` (which then needs `TEST_DATABASE_URL`).
/// Optional settings: `db_test!(name, [("SPRINGRAIN_X", "1")])`.
#[macro_export]
macro_rules! db_test {
    ($name:ident) => {
        $crate::db_test!($name, []);
    };
    ($name:ident, [$(($k:expr, $v:expr)),* $(,)?]) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let (app, backing) = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite, &[$(($k, $v)),*])
                    .await
                    .expect("sqlite always runs");
                super::$name(app).await;
                backing.stop().await;
            }

            #[cfg(feature = "postgres")]
            #[actix_web::test]
            async fn postgres() {
                match $crate::helpers::spawn_app($crate::helpers::Backend::Postgres, &[$(($k, $v)),*]).await {
                    Some((app, backing)) => {
                        super::$name(app).await;
                        backing.stop().await;
                    }
                    // A green run that tested nothing would hide the gap: refuse it.
                    None => panic!("built with --features postgres but TEST_DATABASE_URL is not set"),
                }
            }
        }
    };
}

pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        {
            use diesel::{Connection, PgConnection, RunQueryDsl};
            if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
                let _ = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&mut conn);
            }
        }
        let _ = (&self.admin_url, &self.name);
    }
}

/// A new, empty database on `TEST_DATABASE_URL` (`None` when it is not set): its URL, and
/// the guard that drops it.
#[cfg(feature = "postgres")]
pub fn create_pg_database() -> Option<(String, PgDatabase)> {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
    let name = format!("springrain_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create a test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    // Plain TCP to the local server. Each test's pool outlives its test and keeps
    // reconnecting after its database is dropped; with TLS those reconnects raced OpenSSL's
    // exit-time clean-up and crashed the test binary (SIGSEGV) after every test had passed.
    let url = format!("{base}/{name}?sslmode=disable&gssencmode=disable");
    Some((url, PgDatabase { admin_url, name }))
}

#[cfg(not(feature = "postgres"))]
pub fn create_pg_database() -> Option<(String, PgDatabase)> {
    None
}

/// Everything the service logged at ERROR level in this test process (every test's server
/// shares it; search it for a value only your test produced).
pub fn error_log() -> String {
    String::from_utf8_lossy(&ERROR_LOG.lock().unwrap()).into_owned()
}

static ERROR_LOG: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct ErrorLogWriter;

impl std::io::Write for ErrorLogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        ERROR_LOG.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the process-wide subscriber that fills `error_log` (once; the app itself installs
/// none under test).
fn capture_errors() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::ERROR)
            .with_ansi(false)
            .with_writer(|| ErrorLogWriter)
            .try_init();
    });
}

pub async fn spawn_app(backend: Backend, overrides: &[(&str, &str)]) -> Option<(TestApp, Backing)> {
    capture_errors();
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
        Backend::Postgres => {
            let (url, db) = create_pg_database()?;
            (url, Some(db))
        }
    };
    let mut vars: HashMap<String, String> = [
        ("SPRINGRAIN_BIND", "127.0.0.1:0".to_string()),
        ("SPRINGRAIN_DATA_DIR", dir.path().display().to_string()),
        ("DATABASE_URL", database_url),
        ("SPRINGRAIN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
        ("SPRINGRAIN_JWT_SECRET", JWT_SECRET.to_string()),
        ("SPRINGRAIN_AUTH_RATE_PER_MINUTE", "100000".to_string()),
        ("SPRINGRAIN_LOG", "warn".to_string()),
        // One worker is plenty for a test's requests, and each worker builds the whole
        // route table at start-up (the suite starts some 400 servers).
        ("SPRINGRAIN_HTTP_WORKERS", "1".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in overrides {
        vars.insert(k.to_string(), v.to_string());
    }
    let settings = Settings::load(&|name| vars.get(name).cloned()).expect("test settings");
    let app = Application::build(settings).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    let server = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client"),
        state,
        sqlite_dir: pg_database.is_none().then(|| dir.path().to_path_buf()),
    };
    let backing = Backing {
        server,
        _dir: dir,
        _pg_database: pg_database,
    };
    Some((app, backing))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A client whose requests come from another loopback address (all of 127.0.0.0/8 is
    /// local on Linux): for tests that tell clients apart by their address.
    pub fn client_at(&self, ip: &str) -> Client {
        Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().expect("an IP address"))
            .build()
            .expect("http client")
    }

    pub async fn post_anon(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Logs in; returns the full token response.
    pub async fn login_tokens(&self, username: &str, password: &str) -> Value {
        let res = self
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login as {username}");
        res.json().await.expect("token json")
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        self.login_tokens(username, password).await["access_token"]
            .as_str()
            .expect("access token")
            .to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Id of the provincial bureau with this province code, e.g. `330000` (Zhejiang).
    pub async fn bureau_id(&self, token: &str, region_code: &str) -> i64 {
        let res = self
            .get(
                &format!("/api/v1/organizations?kind=provincial_bureau&region_code={region_code}"),
                token,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        body["items"][0]["id"].as_i64().expect("bureau exists")
    }

    pub async fn create_org(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/organizations", token, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create org {body}");
        res.json().await.unwrap()
    }

    /// Creates a staff account and returns its id.
    pub async fn create_user(&self, token: &str, username: &str, role: &str, org_id: i64) -> i64 {
        let res = self
            .post(
                "/api/v1/users",
                token,
                &json!({"username": username, "password": STAFF_PASSWORD, "role": role, "organization_id": org_id}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create user {username}");
        res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    /// Creates a staff account and logs it in.
    pub async fn staff(&self, admin: &str, username: &str, role: &str, org_id: i64) -> String {
        self.create_user(admin, username, role, org_id).await;
        self.login(username, STAFF_PASSWORD).await
    }

    /// The Zhejiang and Xinjiang scenario most scope tests start from: a municipal bureau
    /// (Hangzhou) under Zhejiang with a bureau admin, a coordinator and an auditor, and a
    /// Xinjiang bureau admin.
    pub async fn two_provinces(&self) -> TwoProvinces {
        let admin = self.admin_token().await;
        let zhejiang = self.bureau_id(&admin, "330000").await;
        let xinjiang = self.bureau_id(&admin, "650000").await;
        let hangzhou = self
            .create_org(
                &admin,
                json!({"kind": "municipal_bureau", "name": "杭州市文化广电旅游局", "parent_id": zhejiang, "region_code": "330100"}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        TwoProvinces {
            zj_admin: self
                .staff(&admin, "zj.admin", "bureau_admin", zhejiang)
                .await,
            hz_coordinator: self
                .staff(&admin, "hz.coordinator", "coordinator", hangzhou)
                .await,
            zj_auditor: self.staff(&admin, "zj.auditor", "auditor", zhejiang).await,
            xj_admin: self
                .staff(&admin, "xj.admin", "bureau_admin", xinjiang)
                .await,
            admin,
            zhejiang,
            xinjiang,
            hangzhou,
        }
    }
}

pub struct TwoProvinces {
    pub admin: String,
    pub zhejiang: i64,
    pub xinjiang: i64,
    pub hangzhou: i64,
    pub zj_admin: String,
    pub hz_coordinator: String,
    pub zj_auditor: String,
    pub xj_admin: String,
}

/// Asserts a problem+json answer with this status and code; returns the document.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type}"
    );
    let body: Value = res.json().await.expect("problem json");
    assert_eq!(body["code"], code, "problem {body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// A valid resident ID number: 6-digit area, birth date `YYYYMMDD`, 3-digit sequence.
pub fn resident_id(area: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{area}{birth}{seq:03}");
    format!(
        "{first17}{}",
        springrain::domain::identity::check_character(first17.as_bytes())
    )
}

/// A complete adult registration body.
pub fn volunteer_body(name: &str, id_number: &str, region: &str) -> Value {
    json!({
        "name": name,
        "id_type": "resident_id",
        "id_number": id_number,
        "mobile": "+86 138-0013-8000",
        "home_region_code": region,
        "skills": [{"code": "performance.music", "level": 2}],
        "languages": [{"code": "zh", "proficiency": "native"}],
        "attest_true": true,
        "privacy_consent_version": "2026-01"
    })
}

impl TestApp {
    /// Registers a volunteer (staff) and returns the response body.
    pub async fn register_volunteer(&self, token: &str, body: &Value) -> Value {
        let res = self.post("/api/v1/volunteers", token, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "register {body}");
        res.json().await.unwrap()
    }

    /// Whether any stored byte of the database holds `needle` (SQLite: the files themselves;
    /// PostgreSQL: every row of every table, as text).
    pub fn database_contains(&self, needle: &str) -> bool {
        match &self.sqlite_dir {
            Some(dir) => std::fs::read_dir(dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("test.db"))
                .any(|e| {
                    let bytes = std::fs::read(e.path()).unwrap_or_default();
                    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
                }),
            None => self.postgres_contains(needle),
        }
    }

    #[cfg(feature = "postgres")]
    fn postgres_contains(&self, needle: &str) -> bool {
        use diesel::sql_types::{BigInt, Text};
        use diesel::{QueryableByName, RunQueryDsl};
        #[derive(QueryableByName)]
        struct Table {
            #[diesel(sql_type = Text)]
            table_name: String,
        }
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = self.state.pool.get().unwrap();
        let tables: Vec<Table> = diesel::sql_query(
            "SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .load(&mut *conn)
        .unwrap();
        tables.iter().any(|t| {
            let q = format!(
                "SELECT count(*) AS n FROM \"{}\" t WHERE t::text LIKE '%' || $1 || '%'",
                t.table_name
            );
            let found: Count = diesel::sql_query(q)
                .bind::<Text, _>(needle)
                .get_result(&mut *conn)
                .unwrap();
            found.n > 0
        })
    }

    #[cfg(not(feature = "postgres"))]
    fn postgres_contains(&self, _needle: &str) -> bool {
        unreachable!("PostgreSQL tests need the postgres feature")
    }
}
