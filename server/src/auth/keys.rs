//! The key that signs access tokens (HS256): from `JIFEN_JWT_SECRET`, or generated once into
//! `<data dir>/secrets/jwt.key` with mode 0600.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use jsonwebtoken::{DecodingKey, EncodingKey};
use rand::RngCore;

/// Placeholders found in tutorials and default configs; a key containing one is refused.
const WELL_KNOWN: [&str; 8] = [
    "secret",
    "changeme",
    "change-me",
    "password",
    "your-256-bit",
    "jwt",
    "example",
    "default",
];

/// Why `secret` may not sign tokens: shorter than 32 bytes, or a well-known placeholder.
pub fn check_secret(secret: &[u8]) -> Result<(), String> {
    if secret.len() < 32 {
        return Err(format!(
            "{} bytes is too short; use at least 32 random bytes",
            secret.len()
        ));
    }
    let lower = String::from_utf8_lossy(secret).to_ascii_lowercase();
    if let Some(word) = WELL_KNOWN.iter().find(|w| lower.contains(*w)) {
        return Err(format!(
            "it contains the well-known placeholder {word:?}; use random bytes"
        ));
    }
    Ok(())
}

/// The signing and verifying keys of this deployment.
#[derive(Clone)]
pub struct Keys {
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
    /// Key of the HMAC that stores SMS codes (derived from the same secret, for another
    /// purpose), so a copy of the database does not give the codes away.
    pub otp: [u8; 32],
    /// Key of the HMAC that signs redemption QR tokens (derived from the same secret, for
    /// another purpose): a token not made by this deployment is refused without a lookup.
    pub redemption: [u8; 32],
    /// 16 hex digits derived from the secret (another purpose again) that tell whether two
    /// servers sign with the same key without showing it (`crate::cluster`).
    pub fingerprint: String,
}

impl Keys {
    /// Keys from `secret` (checked by the settings).
    pub fn from_secret(secret: &[u8]) -> Keys {
        use sha2::Digest;
        let otp = sha2::Sha256::new()
            .chain_update(b"jifen otp codes v1\0")
            .chain_update(secret)
            .finalize()
            .into();
        let redemption = sha2::Sha256::new()
            .chain_update(b"jifen redemption tokens v1\0")
            .chain_update(secret)
            .finalize()
            .into();
        let fingerprint = hex::encode(
            &sha2::Sha256::new()
                .chain_update(b"jifen instance fingerprint v1\0")
                .chain_update(secret)
                .finalize()[..8],
        );
        Keys {
            redemption,
            fingerprint,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            otp,
        }
    }

    /// The deployment's keys as its settings say: `JIFEN_JWT_SECRET`, else the data dir's
    /// generated key ([`Keys::load`]).
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Keys> {
        Keys::load(
            settings
                .jwt_secret
                .as_ref()
                .map(crate::config::Secret::expose),
            &settings.data_dir,
        )
    }

    /// `configured`, or the key file under `data_dir`, created with 32 random bytes (hex) and
    /// mode 0600 when missing.
    ///
    /// Errors: the file cannot be created or read, is readable by others, or holds a key that
    /// fails [`check_secret`].
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Keys> {
        if let Some(secret) = configured {
            return Ok(Keys::from_secret(secret.as_bytes()));
        }
        let dir = data_dir.join("secrets");
        let path = dir.join("jwt.key");
        if !path.exists() {
            std::fs::create_dir_all(&dir)?;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let hex = hex::encode(bytes);
            // Written aside, then linked into place: a second process starting at the same
            // moment either finds no key or a whole one, and never overwrites it.
            let partial = dir.join(format!("jwt.key.{}", std::process::id()));
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&partial)?;
            file.write_all(hex.as_bytes())?;
            file.sync_all()?;
            let linked = std::fs::hard_link(&partial, &path);
            std::fs::remove_file(&partial)?;
            match linked {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(anyhow::anyhow!("cannot create {}: {e}", path.display())),
            }
        }
        let mode = std::fs::metadata(&path)?.permissions().mode();
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "{} is readable by other users (mode {:o}); chmod 600 it",
                path.display(),
                mode & 0o777
            );
        }
        let secret = std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let secret = secret.trim_ascii();
        check_secret(secret).map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?;
        Ok(Keys::from_secret(secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_placeholder_secrets_are_refused() {
        assert!(check_secret(b"0123456789abcdef").is_err());
        assert!(check_secret(b"my-super-secret-key-for-jwt-tokens-1234").is_err());
        assert!(check_secret(b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b").is_ok());
    }

    #[test]
    fn a_generated_key_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        Keys::load(None, dir.path()).unwrap();
        let path = dir.path().join("secrets/jwt.key");
        let first = std::fs::read(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        Keys::load(None, dir.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first, "generated once");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Keys::load(None, dir.path()).is_err());
    }
}
