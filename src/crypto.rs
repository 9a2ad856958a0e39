//! Personal data at rest (PI-01): AES-256-GCM with a random 96-bit nonce per value, and
//! keyed HMAC-SHA256 "blind indexes" so an encrypted ID number can still be looked up and
//! kept unique. Both keys are derived from the one configured data key, one per purpose.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VERSION_PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct PersonalDataCipher {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
}

#[derive(Debug, PartialEq, Eq)]
pub struct DecryptError;

fn derive(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl PersonalDataCipher {
    pub fn new(data_key: &[u8; 32]) -> Self {
        let enc_key = derive(data_key, "springrain/personal-data/aes-256-gcm/v1");
        Self {
            cipher: Aes256Gcm::new_from_slice(&enc_key).expect("32-byte key"),
            index_key: derive(data_key, "springrain/personal-data/blind-index/v1"),
        }
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION_PREFIX}{}", STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, DecryptError> {
        let bytes = STANDARD
            .decode(stored.strip_prefix(VERSION_PREFIX).ok_or(DecryptError)?)
            .map_err(|_| DecryptError)?;
        if bytes.len() < 12 + 16 {
            return Err(DecryptError);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| DecryptError)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| DecryptError)?;
        String::from_utf8(plain).map_err(|_| DecryptError)
    }

    /// Deterministic keyed digest of `value` within `domain` (e.g. `id:resident_id`), hex.
    pub fn blind_index(&self, domain: &str, value: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.index_key)
            .expect("HMAC takes any key length");
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        crate::auth::tokens::to_hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_with_a_fresh_nonce_each_time() {
        let c = PersonalDataCipher::new(&[7u8; 32]);
        let a = c.encrypt("11010519491231002X");
        let b = c.encrypt("11010519491231002X");
        assert_ne!(a, b, "random nonce");
        assert!(!a.contains("11010519491231002X"));
        assert_eq!(c.decrypt(&a).unwrap(), "11010519491231002X");
    }

    #[test]
    fn tampering_or_another_key_fails_to_decrypt() {
        let c = PersonalDataCipher::new(&[7u8; 32]);
        let sealed = c.encrypt("13800138000");
        // Flip one bit of the authentication tag.
        let mut bytes = STANDARD
            .decode(sealed.strip_prefix(VERSION_PREFIX).unwrap())
            .unwrap();
        *bytes.last_mut().unwrap() ^= 0x01;
        let tampered = format!("{VERSION_PREFIX}{}", STANDARD.encode(bytes));
        assert_eq!(c.decrypt(&tampered), Err(DecryptError));
        let other = PersonalDataCipher::new(&[8u8; 32]);
        assert_eq!(other.decrypt(&c.encrypt("x")), Err(DecryptError));
    }

    #[test]
    fn blind_indexes_are_stable_keyed_and_domain_separated() {
        let c = PersonalDataCipher::new(&[7u8; 32]);
        assert_eq!(
            c.blind_index("id:resident_id", "X"),
            c.blind_index("id:resident_id", "X")
        );
        assert_ne!(
            c.blind_index("id:resident_id", "X"),
            c.blind_index("id:passport", "X")
        );
        assert_ne!(
            c.blind_index("id:resident_id", "X"),
            PersonalDataCipher::new(&[8u8; 32]).blind_index("id:resident_id", "X")
        );
    }
}
