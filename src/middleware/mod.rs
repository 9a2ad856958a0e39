//! Cross-cutting request handling: request ids and logging, metrics, auth rate limiting,
//! idempotent retries.

pub mod idempotency;
pub mod metrics;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
