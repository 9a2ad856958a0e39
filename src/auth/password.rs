//! Passwords: argon2id with the OWASP parameters (19 MiB, t=2, p=1). Hashing is CPU- and
//! memory-heavy, so it never runs on an async worker, a bounded number run at once and a
//! bounded number wait: a flood is refused with 503 instead of queueing without end, and
//! logins have their own lane that registrations cannot fill.

use std::sync::{Arc, Mutex, mpsc};

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

use crate::error::{ApiError, ErrorCode, FieldError};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid OWASP argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> Result<String, ApiError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

pub fn verify_blocking(password: &str, hash: &str) -> bool {
    argon2().verify_password(password.as_bytes(), hash).is_ok()
}

/// Checks a new password; returns the reasons it is refused (field `password`).
pub fn check_policy(password: &str, username: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let len = password.chars().count();
    if len < MIN_LENGTH {
        errors.push(FieldError::new(
            "password",
            "too_short",
            format!("a password has at least {MIN_LENGTH} characters"),
        ));
    }
    if len > MAX_LENGTH {
        errors.push(FieldError::new(
            "password",
            "too_long",
            format!("a password has at most {MAX_LENGTH} characters"),
        ));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.lines().any(|common| common == lower) {
        errors.push(FieldError::new(
            "password",
            "too_common",
            "this password is on the list of common passwords",
        ));
    }
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        errors.push(FieldError::new(
            "password",
            "contains_username",
            "the password must not contain the username",
        ));
    }
    errors
}

/// Which share of the hashing capacity a computation draws on. Logins (and staff acting with a
/// token) have their own permits and queue, so a flood of anonymous registrations or
/// activations can fill its own queue but never delay a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Login,
    Enrolment,
}

/// Capacity of one lane: `permits` hashes at once, `queue` more waiting; beyond that the
/// request is refused at once with 503 instead of waiting without bound.
#[derive(Debug, Clone, Copy)]
pub struct LaneLimits {
    pub permits: usize,
    pub queue: usize,
}

struct LaneGate {
    /// Running plus waiting; a request that cannot take one of these is refused.
    admission: Semaphore,
    /// Shared by both lanes: hashes running at once across the service. One core less than
    /// the machine has (at least one), so a flood never takes every core from requests.
    cores: Arc<Semaphore>,
    threads: HashingThreads,
}

/// How many hashes may run at once across both lanes: every core but one.
fn hashing_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1))
        .unwrap_or(1)
        .max(1)
}

impl LaneGate {
    fn new(name: &str, limits: LaneLimits, cores: Arc<Semaphore>) -> Result<Self, ApiError> {
        // Without threads nothing would ever run: admit nobody rather than queue for ever.
        let admitted = match limits.permits {
            0 => 0,
            n => n + limits.queue,
        };
        Ok(Self {
            admission: Semaphore::new(admitted),
            cores,
            threads: HashingThreads::spawn(name, limits.permits)?,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let Ok(_admitted) = self.admission.try_acquire() else {
            crate::middleware::rate_limit::refusal_pause().await;
            return Err(busy());
        };
        // Waiters of both lanes queue here in arrival order (tokio's semaphore is fair).
        let _core = self
            .cores
            .acquire()
            .await
            .map_err(|_| ApiError::internal("password hashing closed"))?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.threads.submit(Box::new(move || {
            // The caller may have gone (client disconnected): nothing to tell then.
            let _ = done.send(work());
        }))?;
        result
            .await
            .map_err(|_| ApiError::internal("a password-hashing thread stopped"))
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Threads that run argon2 and nothing else, at a lower scheduling priority: under a flood
/// the CPU goes to ordinary requests first and hashing gets what is left, so reads keep their
/// latency while logins slow down. (On actix's shared blocking pool the priority could not be
/// raised back afterwards without privileges, hence threads of their own.)
struct HashingThreads {
    jobs: mpsc::Sender<Job>,
}

impl HashingThreads {
    fn spawn(name: &str, count: usize) -> Result<Self, ApiError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..count {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{name}-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the server is shutting down
                        }
                    }
                })
                .map_err(ApiError::internal)?;
        }
        Ok(Self { jobs })
    }

    fn submit(&self, job: Job) -> Result<(), ApiError> {
        self.jobs
            .send(job)
            .map_err(|_| ApiError::internal("password-hashing threads gone"))
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // SCHED_IDLE: the thread runs when no ordinary thread wants the core, and any waking
    // request thread preempts it at once (a niced thread still held the core for whole
    // slices and doubled the read p99 under a flood). The scheduler still gives idle threads
    // a small share, so logins progress even on a busy machine, only more slowly.
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid, initialised sched_param that outlives the call; on Linux,
    // pid 0 names the calling thread only. A failure leaves the default policy.
    let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// 503 `busy` + Retry-After: the hashing queue of this lane is full.
pub fn busy() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Busy,
        "the server is busy; retry in a moment",
    )
    .with_retry_after(BUSY_RETRY_AFTER_SECS)
}

const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// Runs argon2 on the blocking pool, a bounded number at once per lane.
#[derive(Clone)]
pub struct PasswordHashing {
    login: Arc<LaneGate>,
    enrolment: Arc<LaneGate>,
    /// A real hash of a random password: verified against when the user does not exist, so
    /// unknown users cost the same time as wrong passwords.
    dummy_hash: Arc<String>,
}

impl PasswordHashing {
    pub fn new(login: LaneLimits, enrolment: LaneLimits) -> Result<Self, ApiError> {
        let cores = Arc::new(Semaphore::new(hashing_cores()));
        Ok(Self {
            login: Arc::new(LaneGate::new("login", login, Arc::clone(&cores))?),
            enrolment: Arc::new(LaneGate::new("enrolment", enrolment, cores)?),
            dummy_hash: Arc::new(hash_blocking(&crate::auth::tokens::new_secret())?),
        })
    }

    fn gate(&self, lane: Lane) -> &LaneGate {
        match lane {
            Lane::Login => &self.login,
            Lane::Enrolment => &self.enrolment,
        }
    }

    pub async fn hash(&self, lane: Lane, password: String) -> Result<String, ApiError> {
        self.gate(lane)
            .run(move || hash_blocking(&password))
            .await?
    }

    /// Verifies against `hash`, or against the dummy hash when there is no user.
    pub async fn verify(
        &self,
        lane: Lane,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, ApiError> {
        let exists = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let ok = self
            .gate(lane)
            .run(move || verify_blocking(&password, &hash))
            .await?;
        Ok(ok && exists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_blocking("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse battery", &hash));
        assert!(!verify_blocking("wrong horse battery", &hash));
    }

    #[test]
    fn the_policy_refuses_short_common_and_username_passwords() {
        assert!(check_policy("Str0ng-enough-pass", "alice").is_empty());
        let codes = |p: &str, u: &str| -> Vec<String> {
            check_policy(p, u).into_iter().map(|e| e.code).collect()
        };
        assert_eq!(codes("short", "alice"), ["too_short"]);
        assert_eq!(codes("Password123", "alice"), ["too_common"]);
        assert_eq!(codes("alice-is-great", "alice"), ["contains_username"]);
    }
}
