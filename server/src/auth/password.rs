//! Staff passwords: argon2id (the `argon2` crate's defaults, RFC 9106's second recommended
//! parameter set), hashed and verified on the blocking pool so the async workers keep serving.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Argon2 jobs running at once: one per core. Each takes ~19 MiB and a core for tens of
/// milliseconds; a burst of sign-in attempts waits here instead of exhausting memory.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// The shortest password accepted for a staff account, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A PHC string (`$argon2id$v=19$…`) for `password`.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
    })
    .await?
}

/// Whether `password` matches the PHC string `hash`. With `hash` absent (no such account),
/// a dummy verification still runs so that timing does not tell whether a phone has an
/// account.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let result = tokio::task::spawn_blocking(move || {
        let stored = hash.as_deref().unwrap_or(DUMMY);
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && hash.is_some()
    })
    .await;
    result.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse".into(), Some(a.clone())).await);
        assert!(!verify("wrong horse".into(), Some(a)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
