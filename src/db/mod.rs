//! Database access: one diesel code path over SQLite (embedded default) and PostgreSQL
//! (production, cargo feature `postgres`). This module owns the connection enum, the pool,
//! migrations and the transaction helpers; the sibling modules hold the queries, one per
//! aggregate, and are the only place SQL lives.

pub mod activities;
pub mod assignments;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod consents;
pub mod idempotency;
pub mod identity_disputes;
pub mod implementation_plans;
pub mod login_throttles;
pub mod notifications;
pub mod organizations;
pub mod plans;
pub mod prepared;
pub mod privacy;
pub mod recognition;
pub mod record_exchange;
pub mod records;
pub mod recruitment;
pub mod reference;
pub mod schema;
pub mod spring_rain;
pub mod stats;
pub mod stored;
pub mod training;
pub mod training_base;
pub mod users;
pub mod voice;
pub mod volunteer_parts;
pub mod volunteers;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PoolError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    #[cfg(feature = "postgres")]
    Pg(diesel::PgConnection),
    // Keep SQLite last: the derived `establish` tries variants in order (we do not use it).
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = Pool<DbConnManager>;

/// Bulk insert of many rows: a multi-row `INSERT … VALUES (…), (…)` on SQLite, binary `COPY
/// FROM STDIN` on PostgreSQL (several times faster there). The derived `MultiBackend` has no
/// batch insert (the backends' default-value dialects differ), so this dispatches to the
/// inner connection. Rows must derive `Insertable` with `treat_none_as_default_value = false`.
/// Evaluates to `QueryResult<usize>`.
macro_rules! bulk_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            #[cfg(feature = "postgres")]
            $crate::db::DbConn::Pg(c) => {
                diesel::copy_from($table).from_insertable($rows).execute(c)
            }
        }
    };
}
pub(crate) use bulk_insert;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme and returns what diesel should open:
    /// `sqlite://path` or a bare path → SQLite file; `postgres://` / `postgresql://` → PostgreSQL.
    pub fn from_url(url: &str) -> Result<(Backend, String), String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Ok((Backend::Postgres, url.to_string()));
            #[cfg(not(feature = "postgres"))]
            return Err(
                "DATABASE_URL points to PostgreSQL but this binary was built without it; \
                 rebuild with `cargo build --release --features postgres`"
                    .to_string(),
            );
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok((Backend::Sqlite, path.to_string()));
        }
        if url.contains("://") {
            return Err(format!(
                "unsupported DATABASE_URL scheme in {url:?}; use sqlite://<file> or postgres://…"
            ));
        }
        Ok((Backend::Sqlite, url.to_string()))
    }
}

#[derive(Debug)]
pub struct DbConnManager {
    backend: Backend,
    target: String,
}

impl ManageConnection for DbConnManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        Ok(match self.backend {
            #[cfg(feature = "postgres")]
            Backend::Postgres => DbConn::Pg(
                diesel::PgConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
            Backend::Sqlite => DbConn::Sqlite(
                diesel::SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
        })
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection that still has a transaction open (or whose transaction manager gave up)
    /// must not go back to the pool: the next user would run inside someone else's
    /// half-finished transaction, and on SQLite the open `BEGIN IMMEDIATE` keeps the write
    /// lock, so every other writer would wait and then fail with "database is locked".
    /// r2d2 closes such a connection instead, which rolls the transaction back.
    ///
    /// Connections are not pinged when handed out (that was a round trip per request); a
    /// connection whose work failed is pinged instead (`run`), and one that no longer answers
    /// — the database restarted, say — is dropped here, so the pool heals by itself.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || LOST.with(|lost| lost.replace(false)) || conn.is_broken()
    }
}

/// Per-connection settings, applied to every new physical connection.
#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        let sql = match conn {
            // busy_timeout first: otherwise concurrent pool start-up sees "database is locked".
            DbConn::Sqlite(_) => {
                "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                 PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;"
            }
            #[cfg(feature = "postgres")]
            DbConn::Pg(_) => "SET TIME ZONE 'UTC';",
        };
        conn.batch_execute(sql)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Opens one dedicated connection and applies pending migrations.
pub fn migrate(database_url: &str) -> Result<Vec<String>, String> {
    let (backend, target) = Backend::from_url(database_url)?;
    let manager = DbConnManager { backend, target };
    let mut conn = manager
        .connect()
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let applied = match &mut conn {
        DbConn::Sqlite(c) => {
            // WAL persists in the file; foreign keys stay off while tables are rebuilt.
            c.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF;",
            )
            .map_err(|e| e.to_string())?;
            let applied = run_set(&mut conn, SQLITE_MIGRATIONS)?;
            // SQLite never refreshes the planner's statistics by itself; `optimize` does it
            // where they are missing or stale, cheaply.
            conn.batch_execute("PRAGMA foreign_key_check; PRAGMA optimize;")
                .map_err(|e| e.to_string())?;
            applied
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            // Several instances may start together: one migrates, the others wait.
            c.batch_execute("SELECT pg_advisory_lock(7415001);")
                .map_err(|e| e.to_string())?;
            let applied = run_set(&mut conn, POSTGRES_MIGRATIONS);
            let _ = conn.batch_execute("SELECT pg_advisory_unlock(7415001);");
            applied?
        }
    };
    Ok(applied)
}

/// Refreshes the query planner's statistics of `tables` (after a bulk change; PostgreSQL's
/// autovacuum would get there later, SQLite never does by itself).
pub fn refresh_statistics(conn: &mut DbConn, tables: &[&str]) -> QueryResult<()> {
    let sql: String = tables.iter().map(|t| format!("ANALYZE {t};")).collect();
    conn.batch_execute(&sql)
}

fn run_set(conn: &mut DbConn, set: EmbeddedMigrations) -> Result<Vec<String>, String> {
    conn.run_pending_migrations(set)
        .map(|versions| versions.iter().map(|v| v.to_string()).collect())
        .map_err(|e| format!("migration failed: {e}"))
}

pub fn build_pool(database_url: &str, max_size: u32, timeout: Duration) -> Result<DbPool, String> {
    let (backend, target) = Backend::from_url(database_url)?;
    Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeout)
        .test_on_check_out(false)
        .connection_customizer(Box::new(ConnectionSetup))
        .build(DbConnManager { backend, target })
        .map_err(|e| format!("cannot open the database pool: {e}"))
}

/// Why database work could not run at all (as opposed to failing inside): no pooled
/// connection, the blocking pool gone, or a panic inside the work. The use-case error type
/// converts it (`From`), so this module needs to know nothing of HTTP.
#[derive(Debug)]
pub enum Unavailable {
    NoConnection(PoolError),
    Panicked(String),
    BlockingPoolGone,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NoConnection(e) => write!(f, "no database connection available: {e}"),
            Unavailable::Panicked(what) => write!(f, "database work panicked: {what}"),
            Unavailable::BlockingPoolGone => write!(f, "the blocking thread pool is gone"),
        }
    }
}

thread_local! {
    /// The connection this thread just used stopped answering (see `has_broken`).
    static LOST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs blocking database work off the async workers, with a pooled connection.
pub async fn run<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Unavailable> + Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        span.in_scope(|| {
            let mut conn = pool
                .get()
                .map_err(|e| E::from(Unavailable::NoConnection(e)))?;
            let result = catch_panic(|| f(&mut conn));
            if result.is_err() && conn.batch_execute("SELECT 1").is_err() {
                // Checked by `has_broken` when `conn` goes back, on this same thread.
                LOST.with(|lost| lost.set(true));
            }
            result
        })
    })
    .await
    .map_err(|_| E::from(Unavailable::BlockingPoolGone))?
}

/// A panic in database work becomes an error instead of a dropped request. The connection it
/// used may be mid-transaction; `has_broken` sees that when it goes back and r2d2 discards it.
fn catch_panic<T, E: From<Unavailable>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(E::from(Unavailable::Panicked(what)))
    })
}

/// A transaction that takes the write lock up front (BEGIN IMMEDIATE on SQLite, so concurrent
/// writers queue on busy_timeout instead of failing a read→write lock upgrade; plain BEGIN on
/// PostgreSQL, where row locks do the work). The closure still sees `&mut DbConn`.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    E: From<diesel::result::Error>,
    F: FnOnce(&mut DbConn) -> Result<T, E>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Runs `f` in a write transaction on a pooled connection, off the async workers.
pub async fn write<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Unavailable> + From<diesel::result::Error> + Send + 'static,
{
    run(pool, move |conn| write_transaction(conn, f)).await
}

/// Current time as stored: UTC, truncated to microseconds so both backends round-trip it.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// Inclusive lower / exclusive upper bound of an organisation subtree's materialised paths.
/// `'/1/5/'` covers exactly the paths in `['/1/5/', '/1/50')`: the byte after '/' is '0'.
pub fn subtree_bounds(path: &str) -> (String, String) {
    let upper = format!("{}0", path.trim_end_matches('/'));
    (path.to_string(), upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_bounds_cover_descendants_and_exclude_siblings() {
        let (lo, hi) = subtree_bounds("/1/5/");
        for inside in ["/1/5/", "/1/5/7/", "/1/5/99/3/"] {
            assert!(inside >= lo.as_str() && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/1/50/", "/1/51/", "/1/4/", "/1/", "/1/6/"] {
            assert!(
                !(outside >= lo.as_str() && outside < hi.as_str()),
                "{outside}"
            );
        }
    }

    #[actix_web::test]
    async fn a_panic_inside_a_write_leaves_the_pool_usable() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        migrate(&url).unwrap();
        let pool = build_pool(&url, 2, Duration::from_secs(2)).unwrap();
        let panicked = write(&pool, |c| -> Result<(), crate::error::ApiError> {
            c.batch_execute("CREATE TABLE probe (x INTEGER)")?;
            panic!("a bug inside a write transaction")
        })
        .await
        .unwrap_err();
        assert_eq!(panicked.status().as_u16(), 500);
        // The panicking transaction neither kept the write lock nor went back to the pool
        // half-open: every later write commits, on whichever connection it gets.
        for _ in 0..3 {
            write(&pool, |c| {
                c.batch_execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")?;
                c.batch_execute("INSERT INTO probe VALUES (1)")?;
                Ok::<_, crate::error::ApiError>(())
            })
            .await
            .unwrap();
        }
    }

    #[test]
    fn backend_is_chosen_from_the_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").unwrap(),
            (Backend::Sqlite, "data/x.db".into())
        );
        assert_eq!(
            Backend::from_url("data/x.db").unwrap(),
            (Backend::Sqlite, "data/x.db".into())
        );
        assert!(Backend::from_url("mysql://x").is_err());
        #[cfg(not(feature = "postgres"))]
        assert!(
            Backend::from_url("postgres://x")
                .unwrap_err()
                .contains("--features postgres")
        );
    }
}
