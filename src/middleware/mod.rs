//! Cross-cutting request handling: request ids and logging, metrics, auth rate limiting,
//! idempotent retries, errors in the client's language.

pub mod body;
pub mod idempotency;
pub mod localize;
pub mod metrics;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
