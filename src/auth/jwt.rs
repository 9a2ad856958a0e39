//! Access tokens: HS256 JWTs with the algorithm pinned on decode, issuer, audience and a
//! token type checked, and a small explicit leeway. Refresh tokens are not JWTs at all
//! (opaque random strings, see `tokens`), so one can never pass for the other.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "springrain";
pub const AUDIENCE: &str = "springrain-api";
const ACCESS_TYPE: &str = "access";
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    pub org: i64,
    /// Login session (refresh-token family); revoking it stops its access tokens at once.
    pub sid: String,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub typ: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_secs: i64,
}

pub struct IssuedAccess {
    pub token: String,
    pub expires_in: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], access_ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_secs,
        }
    }

    pub fn issue(&self, user_id: i64, role: &str, org: i64, session_id: &str) -> IssuedAccess {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_string(),
            org,
            sid: session_id.to_string(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + self.access_ttl_secs,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            typ: ACCESS_TYPE.into(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            // HS256 signing of a serialisable struct cannot fail.
            .expect("HS256 signing failed");
        IssuedAccess {
            token,
            expires_in: self.access_ttl_secs,
        }
    }

    /// Verifies signature, algorithm, expiry (with leeway), issuer, audience and type.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        (data.claims.typ == ACCESS_TYPE).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_tampering_is_refused() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", 900);
        let issued = keys.issue(7, "coordinator", 42, "sess");
        let claims = keys.verify(&issued.token).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.org), ("7", 42));
        let other = JwtKeys::new(b"another-secret-another-secret-xx", 900);
        assert!(other.verify(&issued.token).is_none());
    }

    #[test]
    fn an_expired_token_is_refused_beyond_the_leeway() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", -120);
        let issued = keys.issue(7, "coordinator", 42, "sess");
        assert!(keys.verify(&issued.token).is_none());
    }
}
