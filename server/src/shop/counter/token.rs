//! The counter's QR tokens and short codes: the one place where the signed token formats live —
//! the redemption token (`JF1.…`, [`crate::shop::redemptions`]), the member code (`JFM1.…`,
//! [`super::member_code`]) and the proxy session's token (`JFP1.…`, [`crate::proxy`]).
//!
//! A token is `<prefix>.<nonce>.<mac>`: 16 random bytes (hex) that name the redemption (or the
//! member) in the database, and the first 16 bytes (hex) of HMAC-SHA256 over
//! `<purpose>:<nonce>` under the deployment's counter key
//! ([`crate::auth::keys::Keys::redemption`]). The prefix and the purpose keep the two kinds
//! apart: `JF1` and `redemption:` for a redemption, `JFM1` and `member:` for a member code,
//! so one is never accepted as the other. Nothing about the villager (phone, openid, id) is
//! in a token; one this deployment did not make fails the MAC and is refused without a
//! lookup.
//!
//! A short code is 8 characters of [`SHORT_CODE_ALPHABET`] (31 symbols, no 0/O/1/I/L), for
//! typing at the counter when the camera fails; it is unique among reserved redemptions (the
//! database's partial unique index), drawn again on a clash.

use hmac::{Hmac, Mac};
use jifen_shared::shop::SHORT_CODE_ALPHABET;
use rand::{Rng, RngCore};
use sha2::Sha256;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A reserved redemption, shown at the counter once.
    Redemption,
    /// A villager's member code (会员码), shown to be credited for recycling, and printed on
    /// their member card (会员卡).
    Member,
    /// A proxy session's token (代办, [`crate::proxy`]): never a QR, sent in a header by the
    /// agent's app; the same signing keeps it unforgeable.
    Proxy,
}

impl Purpose {
    fn prefix(self) -> &'static str {
        match self {
            Purpose::Redemption => "JF1",
            Purpose::Member => jifen_shared::shop::MEMBER_CODE_PREFIX,
            Purpose::Proxy => "JFP1",
        }
    }

    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Redemption => b"redemption:",
            Purpose::Member => b"member:",
            Purpose::Proxy => b"proxy:",
        }
    }
}

/// Bytes of the MAC kept in the token.
const MAC_BYTES: usize = 16;

fn mac(key: &[u8; 32], purpose: Purpose, nonce: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(purpose.label());
    mac.update(nonce.as_bytes());
    mac
}

/// A fresh random nonce (32 hex characters).
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The signed token of `nonce` for `purpose`.
pub fn sign(key: &[u8; 32], purpose: Purpose, nonce: &str) -> String {
    let tag = mac(key, purpose, nonce).finalize().into_bytes();
    format!(
        "{}.{nonce}.{}",
        purpose.prefix(),
        hex::encode(&tag[..MAC_BYTES])
    )
}

/// The nonce of a token this deployment signed for `purpose`; `None` for anything else
/// (forged, tampered, truncated, or made for the other purpose).
pub fn verify(key: &[u8; 32], purpose: Purpose, token: &str) -> Option<String> {
    let mut parts = token.trim().split('.');
    let (Some(prefix), Some(nonce), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if prefix != purpose.prefix() {
        return None;
    }
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let tag = hex::decode(tag).ok().filter(|t| t.len() == MAC_BYTES)?;
    mac(key, purpose, nonce).verify_truncated_left(&tag).ok()?;
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
        let token = sign(&key, Purpose::Redemption, &nonce);
        assert_eq!(
            verify(&key, Purpose::Redemption, &token).as_deref(),
            Some(nonce.as_str())
        );
        assert_eq!(
            verify(&[8u8; 32], Purpose::Redemption, &token),
            None,
            "another deployment's key"
        );
        assert_eq!(
            verify(&key, Purpose::Member, &token),
            None,
            "a redemption is no member code"
        );
        let member = sign(&key, Purpose::Member, &nonce);
        assert!(member.starts_with("JFM1."));
        assert_eq!(verify(&key, Purpose::Redemption, &member), None);
        assert_eq!(
            verify(&key, Purpose::Member, &member).as_deref(),
            Some(nonce.as_str())
        );
        let mut tampered = token.clone().into_bytes();
        let at = 4;
        tampered[at] = if tampered[at] == b'a' { b'b' } else { b'a' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(verify(&key, Purpose::Redemption, &tampered), None);
        assert_eq!(verify(&key, Purpose::Redemption, "JF1.abc.def"), None);
        assert_eq!(verify(&key, Purpose::Redemption, ""), None);
        let code = new_short_code();
        assert_eq!(
            jifen_shared::shop::normalize_short_code(&code).as_deref(),
            Some(code.as_str())
        );
    }
}
