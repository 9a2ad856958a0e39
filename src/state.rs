//! What every handler can reach: the pool, keys and settings, and the shared limiters.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHashing;
use crate::auth::throttle::{FailedLoginThrottle, IpRateLimiter, KeyRateLimiter};
use crate::config::Settings;
use crate::crypto::PersonalDataCipher;
use crate::db::DbPool;
use crate::domain::policy::Policy;

pub struct AppState {
    pub pool: DbPool,
    /// "Now" for every rule that reads the time; tests pin it.
    pub clock: crate::clock::Clock,
    pub settings: Arc<Settings>,
    /// The rules' configurable values in force (loaded with the settings, fixed until restart).
    pub policy: Arc<Policy>,
    pub jwt: JwtKeys,
    pub cipher: PersonalDataCipher,
    pub passwords: PasswordHashing,
    pub auth_rate: IpRateLimiter,
    /// Public feedback: per client address, and per activity token.
    pub feedback_rate: IpRateLimiter,
    pub feedback_token_rate: KeyRateLimiter,
    /// Failed-login limits; their state is in the database, shared by every instance.
    pub login_failures: FailedLoginThrottle,
    /// Who each live access token belongs to, so a request needs no lookup (see the module).
    pub principals: crate::auth::principals::PrincipalCache,
}
