//! Cross-cutting request handling: request ids and logging, metrics, auth rate limiting.

pub mod metrics;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
