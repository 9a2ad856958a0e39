//! Settings from the environment with zero-set-up defaults: a plain `cargo run` gets a SQLite
//! file and generated secrets under `./data/`. With `SPRINGRAIN_ENV=production` the secrets
//! must be given and start-up fails otherwise.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

use crate::domain::policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone)]
pub struct Settings {
    pub environment: Environment,
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub jwt_secret: Vec<u8>,
    /// AES-256-GCM / HMAC key for personal data at rest.
    pub data_key: [u8; 32],
    pub admin_password: Option<String>,
    pub auth_rate_per_minute: u32,
    /// Public feedback opinions per minute from one client address (FB-01).
    pub feedback_rate_per_minute: u32,
    /// Public feedback opinions per minute on one activity's token, from all clients.
    pub feedback_token_rate_per_minute: u32,
    /// Failed logins per (account, client address) before back-off starts.
    pub login_max_failures: u32,
    /// Failed logins per account from all addresses within the window before it is refused.
    pub login_account_ceiling: u32,
    pub login_failure_window: Duration,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub cors_origins: Vec<String>,
    pub db_pool_size: Option<u32>,
    /// HTTP worker threads (default: one per core).
    pub http_workers: Option<usize>,
    pub db_timeout: Duration,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_days: i64,
    /// Concurrent argon2 computations for logins and staff (default: half the cores).
    pub password_hash_permits: usize,
    /// Rows one account may check by dry-run imports per hour: a dry run tells which ID
    /// numbers are registered already, so it is budgeted and audited.
    pub dry_run_rows_per_hour: u64,
    /// Most rows an all-or-nothing import may hold: it keeps the write lock (on SQLite, the
    /// whole database's) for the entire file. `SPRINGRAIN_ATOMIC_IMPORT_MAX_ROWS`.
    pub atomic_import_max_rows: usize,
    /// Logins waiting for a hashing permit before further ones get 503 `busy`.
    pub login_hash_queue: usize,
    /// Concurrent argon2 computations for anonymous registration and activation (default:
    /// half the cores); 0 refuses them all with 503, a switch for an attack in progress.
    pub enrolment_hash_permits: usize,
    /// Registrations and activations waiting for a permit before further ones get 503.
    pub enrolment_hash_queue: usize,
    /// A session (one login) ends this long after the login, however often it is refreshed.
    pub session_max_age: Duration,
    /// How long the token just replaced by a refresh may be presented again (a retry after a
    /// lost response) and get a fresh pair instead of revoking the session.
    pub refresh_grace: Duration,
    /// Ended (revoked or past their maximum age) sessions are deleted after this long.
    pub session_retention: Duration,
    /// The configurable rules (RULES.md SHOULD/[M] defaults), from `SPRINGRAIN_POLICY_FILE`.
    pub policy: Arc<Policy>,
    /// PI-05: where the personal data is stored, and whether a state organ runs the service.
    pub residency: DataResidency,
}

/// PI-05 (PIPL Art 36): a state organ stores personal data in mainland China. The deployment
/// declares where its database lives (`SPRINGRAIN_DATA_LOCATION`, default `mainland_china`)
/// and whether a culture department or other state organ runs it (`SPRINGRAIN_STATE_ORGAN`,
/// default `true`: the service is the ministry's). A state organ's deployment with data
/// declared elsewhere does not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataResidency {
    pub location: String,
    pub state_organ: bool,
}

/// The declarations that mean mainland China (Hong Kong, Macao and Taiwan are outside it for
/// PIPL's cross-border rules).
const MAINLAND: [&str; 3] = ["mainland_china", "cn", "中国大陆"];

impl DataResidency {
    pub fn in_mainland(&self) -> bool {
        MAINLAND.contains(&self.location.trim().to_lowercase().as_str())
    }

    fn load(lookup: Lookup) -> Result<DataResidency, String> {
        let location = lookup("SPRINGRAIN_DATA_LOCATION")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| MAINLAND[0].to_string());
        let state_organ = match lookup("SPRINGRAIN_STATE_ORGAN").as_deref().map(str::trim) {
            None | Some("") | Some("true") | Some("1") | Some("yes") => true,
            Some("false") | Some("0") | Some("no") => false,
            Some(other) => {
                return Err(format!(
                    "SPRINGRAIN_STATE_ORGAN={other:?}: use true or false"
                ));
            }
        };
        let residency = DataResidency {
            location,
            state_organ,
        };
        if residency.state_organ && !residency.in_mainland() {
            return Err(format!(
                "PI-05: a state organ's system stores personal data in mainland China, but \
                 SPRINGRAIN_DATA_LOCATION={:?}; set it to mainland_china or, if no state organ \
                 runs this deployment, SPRINGRAIN_STATE_ORGAN=false",
                residency.location
            ));
        }
        Ok(residency)
    }
}

impl std::fmt::Debug for Settings {
    // Never print secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("environment", &self.environment)
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("auth_rate_per_minute", &self.auth_rate_per_minute)
            .finish_non_exhaustive()
    }
}

/// HS256 needs at least 256 bits of key.
const MIN_JWT_SECRET_BYTES: usize = 32;

/// A variable name and how to read it; `lookup` abstracts the environment so tests can pass
/// their own values without touching the process environment.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn parse_or<T: std::str::FromStr>(lookup: Lookup, name: &str, default: T) -> Result<T, String> {
    match lookup(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a valid value")),
    }
}

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        Settings::load(&|name| std::env::var(name).ok())
    }

    pub fn load(lookup: Lookup) -> Result<Settings, String> {
        let environment = match lookup("SPRINGRAIN_ENV").as_deref().map(str::trim) {
            None | Some("") | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(format!(
                    "SPRINGRAIN_ENV={other:?}: use development or production"
                ));
            }
        };
        let data_dir =
            PathBuf::from(lookup("SPRINGRAIN_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("springrain.db").display()));

        let production = environment == Environment::Production;
        let jwt_secret = match lookup("SPRINGRAIN_JWT_SECRET").filter(|v| !v.is_empty()) {
            Some(v) if v.len() >= MIN_JWT_SECRET_BYTES => v.into_bytes(),
            Some(_) => return Err("SPRINGRAIN_JWT_SECRET must be at least 32 characters".into()),
            None if production => {
                return Err(
                    "SPRINGRAIN_JWT_SECRET is required when SPRINGRAIN_ENV=production".into(),
                );
            }
            // A hand-edited file is held to the same minimum as the variable.
            None => match secret_file(&data_dir, "jwt.secret", 48)? {
                bytes if bytes.len() >= MIN_JWT_SECRET_BYTES => bytes,
                _ => {
                    return Err(format!(
                        "{} holds fewer than {MIN_JWT_SECRET_BYTES} bytes; delete it to regenerate",
                        data_dir.join("jwt.secret").display()
                    ));
                }
            },
        };
        let data_key_bytes = match lookup("SPRINGRAIN_DATA_KEY").filter(|v| !v.is_empty()) {
            Some(v) => STANDARD
                .decode(v.trim())
                .map_err(|_| "SPRINGRAIN_DATA_KEY must be base64 (32 bytes)".to_string())?,
            None if production => {
                return Err(
                    "SPRINGRAIN_DATA_KEY is required when SPRINGRAIN_ENV=production".into(),
                );
            }
            None => secret_file(&data_dir, "data.key", 32)?,
        };
        let data_key: [u8; 32] = data_key_bytes
            .try_into()
            .map_err(|_| "SPRINGRAIN_DATA_KEY must decode to exactly 32 bytes".to_string())?;

        let log_format = match lookup("SPRINGRAIN_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None | Some("") if production => LogFormat::Json,
            None | Some("") => LogFormat::Pretty,
            Some(other) => {
                return Err(format!(
                    "SPRINGRAIN_LOG_FORMAT={other:?}: use pretty or json"
                ));
            }
        };
        let cors_origins = lookup("SPRINGRAIN_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);

        Ok(Settings {
            environment,
            bind: lookup("SPRINGRAIN_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir,
            database_url,
            jwt_secret,
            data_key,
            admin_password: lookup("SPRINGRAIN_ADMIN_PASSWORD").filter(|v| !v.is_empty()),
            auth_rate_per_minute: parse_or(lookup, "SPRINGRAIN_AUTH_RATE_PER_MINUTE", 30)?,
            feedback_rate_per_minute: parse_or(lookup, "SPRINGRAIN_FEEDBACK_RATE_PER_MINUTE", 5)?,
            feedback_token_rate_per_minute: parse_or(
                lookup,
                "SPRINGRAIN_FEEDBACK_TOKEN_RATE_PER_MINUTE",
                120,
            )?,
            login_max_failures: parse_or(lookup, "SPRINGRAIN_LOGIN_MAX_FAILURES", 5)?,
            login_account_ceiling: parse_or(lookup, "SPRINGRAIN_LOGIN_ACCOUNT_CEILING", 100)?,
            login_failure_window: Duration::from_secs(15 * 60),
            log_format,
            log_filter: lookup("SPRINGRAIN_LOG").unwrap_or_else(|| "info".into()),
            cors_origins,
            db_pool_size: match lookup("SPRINGRAIN_DB_POOL_SIZE") {
                Some(_) => Some(parse_or(lookup, "SPRINGRAIN_DB_POOL_SIZE", 8)?),
                None => None,
            },
            http_workers: match lookup("SPRINGRAIN_HTTP_WORKERS") {
                Some(_) => Some(
                    parse_or::<std::num::NonZeroUsize>(
                        lookup,
                        "SPRINGRAIN_HTTP_WORKERS",
                        std::num::NonZeroUsize::MIN,
                    )?
                    .get(),
                ),
                None => None,
            },
            db_timeout: Duration::from_secs(parse_or(lookup, "SPRINGRAIN_DB_TIMEOUT_SECS", 5)?),
            access_token_ttl_secs: parse_or(lookup, "SPRINGRAIN_ACCESS_TOKEN_TTL_SECS", 900)?,
            refresh_token_ttl_days: parse_or(lookup, "SPRINGRAIN_REFRESH_TOKEN_TTL_DAYS", 30)?,
            // Half the cores each for logins and enrolments: together they can take every
            // core, but at a lower priority (auth::password), and never one lane all of them.
            password_hash_permits: parse_or(
                lookup,
                "SPRINGRAIN_LOGIN_HASH_PERMITS",
                (cores / 2).max(1),
            )?
            .max(1),
            login_hash_queue: parse_or(lookup, "SPRINGRAIN_LOGIN_HASH_QUEUE", 64)?,
            enrolment_hash_permits: parse_or(
                lookup,
                "SPRINGRAIN_ENROLMENT_HASH_PERMITS",
                (cores / 2).max(1),
            )?,
            enrolment_hash_queue: parse_or(lookup, "SPRINGRAIN_ENROLMENT_HASH_QUEUE", 8)?,
            session_max_age: Duration::from_secs(parse_or(
                lookup,
                "SPRINGRAIN_SESSION_MAX_AGE_SECS",
                30 * 24 * 3600,
            )?),
            refresh_grace: Duration::from_secs(parse_or(
                lookup,
                "SPRINGRAIN_REFRESH_GRACE_SECS",
                30,
            )?),
            session_retention: Duration::from_secs(
                parse_or(lookup, "SPRINGRAIN_SESSION_RETENTION_DAYS", 7)? * 24 * 3600,
            ),
            dry_run_rows_per_hour: parse_or(lookup, "SPRINGRAIN_DRY_RUN_ROWS_PER_HOUR", 20_000)?,
            atomic_import_max_rows: parse_or(lookup, "SPRINGRAIN_ATOMIC_IMPORT_MAX_ROWS", 10_000)?,
            policy: Arc::new(
                match lookup("SPRINGRAIN_POLICY_FILE").filter(|v| !v.trim().is_empty()) {
                    Some(path) => policy_file(Path::new(path.trim()))?,
                    None => Policy::default(),
                },
            ),
            residency: DataResidency::load(lookup)?,
        })
    }
}

/// Reads and validates a policy file. The message names the file and, for a bad value, the
/// key: start-up stops on it rather than run with a rule nobody meant.
pub fn policy_file(path: &Path) -> Result<Policy, String> {
    let at = format!("SPRINGRAIN_POLICY_FILE {}", path.display());
    let text = fs::read_to_string(path).map_err(|e| format!("{at}: cannot read: {e}"))?;
    // toml's message carries the line, the offending key and what was expected.
    let policy: Policy = toml::from_str(&text).map_err(|e| format!("{at}: {e}"))?;
    policy.validate().map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{at}: invalid value: {}", list.join("; "))
    })?;
    Ok(policy)
}

/// Reads a generated secret from the data directory, creating it (mode 0600) on first start.
fn secret_file(dir: &Path, name: &str, len: usize) -> Result<Vec<u8>, String> {
    let path = dir.join(name);
    if let Ok(text) = fs::read_to_string(&path) {
        return STANDARD.decode(text.trim()).map_err(|_| {
            format!(
                "{} is not valid base64; delete it to regenerate",
                path.display()
            )
        });
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(STANDARD.encode(&bytes).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load(&|name| map.get(name).cloned())
    }

    #[test]
    fn development_generates_secrets_once_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let first = load(&[("SPRINGRAIN_DATA_DIR", d)]).unwrap();
        let second = load(&[("SPRINGRAIN_DATA_DIR", d)]).unwrap();
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert_eq!(first.data_key, second.data_key);
        assert!(first.database_url.starts_with("sqlite://"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("data.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn production_refuses_to_start_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let err =
            load(&[("SPRINGRAIN_ENV", "production"), ("SPRINGRAIN_DATA_DIR", d)]).unwrap_err();
        assert!(err.contains("SPRINGRAIN_JWT_SECRET"));
        let key = STANDARD.encode([7u8; 32]);
        let ok = load(&[
            ("SPRINGRAIN_ENV", "production"),
            ("SPRINGRAIN_DATA_DIR", d),
            ("SPRINGRAIN_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("SPRINGRAIN_DATA_KEY", &key),
        ])
        .unwrap();
        assert_eq!(ok.log_format, LogFormat::Json);
        assert!(!dir.path().join("jwt.secret").exists());
    }

    #[test]
    fn an_empty_or_short_jwt_secret_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        for content in ["", "c2hvcnQ="] {
            fs::write(dir.path().join("jwt.secret"), content).unwrap();
            let err = load(&[("SPRINGRAIN_DATA_DIR", d)]).unwrap_err();
            assert!(err.contains("jwt.secret"), "{content:?}: {err}");
        }
    }

    #[test]
    fn bad_numbers_fail_fast() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let err = load(&[
            ("SPRINGRAIN_DATA_DIR", d),
            ("SPRINGRAIN_AUTH_RATE_PER_MINUTE", "many"),
        ])
        .unwrap_err();
        assert!(err.contains("SPRINGRAIN_AUTH_RATE_PER_MINUTE"));
    }

    #[test]
    fn the_example_policy_file_lists_exactly_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy.example.toml");
        assert_eq!(policy_file(&example), Ok(Policy::default()));
        let text = fs::read_to_string(&example).unwrap();
        for (key, rule) in crate::domain::policy::RULE_IDS {
            let field = key.rsplit('.').next().unwrap();
            assert!(
                text.contains(&format!("\n{field} =")) || text.contains(&format!("[{key}]")),
                "{key}"
            );
            assert!(text.contains(rule), "{rule}");
        }
    }
}
