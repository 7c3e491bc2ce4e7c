//! Redemption QR tokens and short codes.
//!
//! A token is `JF1.<nonce>.<mac>`: 16 random bytes (hex) that name the redemption in the
//! database, and the first 16 bytes (hex) of HMAC-SHA256 over `redemption:<nonce>` under the
//! deployment's redemption key ([`crate::auth::keys::Keys::redemption`]). Nothing about the
//! villager (phone, openid, id) is in it; a token this deployment did not make fails the MAC
//! and is refused without a lookup.
//!
//! A short code is 8 characters of [`SHORT_CODE_ALPHABET`] (31 symbols, no 0/O/1/I/L), for
//! typing at the counter when the camera fails; it is unique among reserved redemptions (the
//! database's partial unique index), drawn again on a clash.

use hmac::{Hmac, Mac};
use jifen_shared::shop::SHORT_CODE_ALPHABET;
use rand::{Rng, RngCore};
use sha2::Sha256;

const PREFIX: &str = "JF1";
/// Bytes of the MAC kept in the token.
const MAC_BYTES: usize = 16;

fn mac(key: &[u8; 32], nonce: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"redemption:");
    mac.update(nonce.as_bytes());
    mac
}

/// A fresh random nonce (32 hex characters).
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The signed token of `nonce`.
pub fn sign(key: &[u8; 32], nonce: &str) -> String {
    let tag = mac(key, nonce).finalize().into_bytes();
    format!("{PREFIX}.{nonce}.{}", hex::encode(&tag[..MAC_BYTES]))
}

/// The nonce of a token this deployment signed; `None` for anything else (forged, tampered,
/// truncated).
pub fn verify(key: &[u8; 32], token: &str) -> Option<String> {
    let mut parts = token.trim().split('.');
    let (Some(PREFIX), Some(nonce), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let tag = hex::decode(tag).ok().filter(|t| t.len() == MAC_BYTES)?;
    mac(key, nonce).verify_truncated_left(&tag).ok()?;
    Some(nonce.to_owned())
}

/// A random short code.
pub fn new_short_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| SHORT_CODE_ALPHABET[rng.random_range(0..SHORT_CODE_ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_tampering_fails() {
        let key = [7u8; 32];
        let nonce = new_nonce();
        let token = sign(&key, &nonce);
        assert_eq!(verify(&key, &token).as_deref(), Some(nonce.as_str()));
        assert_eq!(verify(&[8u8; 32], &token), None, "another deployment's key");
        let mut tampered = token.clone().into_bytes();
        let at = 4;
        tampered[at] = if tampered[at] == b'a' { b'b' } else { b'a' };
        assert_eq!(verify(&key, &String::from_utf8(tampered).unwrap()), None);
        assert_eq!(verify(&key, "JF1.abc.def"), None);
        assert_eq!(verify(&key, ""), None);
        let code = new_short_code();
        assert_eq!(
            jifen_shared::shop::normalize_short_code(&code).as_deref(),
            Some(code.as_str())
        );
    }
}
