//! Passwords (Argon2id) and tokens. A session token is 256 random bits; only its SHA-256
//! is stored, so a copy of the database does not yield working logins.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Argon2id hashes computed at once.
const CONCURRENT_HASHES: usize = 2;

/// Runs `work` (an Argon2id hash or check) on the blocking pool, at most two at a time. Each
/// hash takes 19 MiB, which glibc keeps in the malloc arena of the thread that used it: a burst
/// of logins spread over many blocking threads pinned 760 MiB (32 logins at once, release
/// build); with two at a time the pool reuses its idle threads and the burst stays near
/// 2 × 19 MiB. More at once would not be faster on two cores anyway.
pub async fn on_hash_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    static PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);
    let _permit = PERMITS
        .acquire()
        .await
        .map_err(|_| "password hashing stopped".to_string())?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
}

/// A hash to compare against when the account does not exist, so that the time of a failed
/// login does not tell whether an e-mail address is registered.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default())
}

/// 256 random bits, URL-safe.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Rules for a new password (BSI: length over complexity).
pub fn check_password_rules(password: &str) -> Result<(), amtsweg_domain::Text> {
    let n = password.chars().count();
    if n < 10 {
        return Err(amtsweg_domain::Text::new(
            "Das Passwort muss mindestens 10 Zeichen lang sein.",
            "The password must be at least 10 characters long.",
        ));
    }
    if n > 256 {
        return Err(amtsweg_domain::Text::new(
            "Das Passwort darf höchstens 256 Zeichen lang sein.",
            "The password may be at most 256 characters long.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let hash = hash_password("correct horse battery").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (
            random_token().unwrap_or_default(),
            random_token().unwrap_or_default(),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
    }
}
