//! Half-done forms kept on this phone, so that a reload, a dropped connection or a closed
//! WeChat window loses nothing (UX.md, "Forgiving").
//!
//! One mechanism for all of them: a [`Draft`] is where one value of a [`Kept`] type lives in
//! `localStorage`, under `jifen.{what}.{person}.{id}` — a claim (申报草稿, `jifen.draft.{person}.{rule}`:
//! the note typed so far, the photos already uploaded (their media ids) and the claim's
//! `Idempotency-Key`), a service order (`jifen.order.{person}.{type}`), a redemption sent but
//! not yet answered (`jifen.redeem.{person}.{goods}`). The key is made with the draft, not at
//! the tap, so a second tap, a retry after a timeout, or a send after a reload all carry the
//! same key and the server makes one at most.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A value kept on the phone by a [`Draft`].
pub trait Kept: Serialize + DeserializeOwned {
    /// The second word of its storage key (`draft`, `order`, `redeem`).
    const WHAT: &'static str;

    /// Whether a value read back can be used (one that cannot is dropped, e.g. without its key).
    fn usable(&self) -> bool;
}

/// A form kept in a [`Draft`] until it is sent once with its key
/// ([`crate::components::draft_form`]): a claim, a service order.
pub trait FormDraft: Kept + Clone {
    /// A new, empty one with a fresh key.
    fn fresh() -> Self;

    /// The `Idempotency-Key` of its request, made with it.
    fn key(&self) -> &str;

    /// Whether there is nothing in it worth keeping.
    fn is_blank(&self) -> bool;

    /// Its uploaded photos (`POST /media`), in the order taken.
    fn photo_ids(&self) -> &[i64];

    /// The same, to change.
    fn photo_ids_mut(&mut self) -> &mut Vec<i64>;
}

/// Where the `T` of one person for one thing (a rule, a service type, a goods) is kept:
/// `localStorage` key `jifen.{T::WHAT}.{person}.{id}`.
#[derive(Debug)]
pub struct Draft<T> {
    person: i64,
    id: i64,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Draft<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Draft<T> {}

impl<T: Kept> Draft<T> {
    /// The place of `person`'s `T` for `id`.
    pub fn new(person: i64, id: i64) -> Draft<T> {
        Draft {
            person,
            id,
            of: PhantomData,
        }
    }

    /// Its `localStorage` key.
    pub fn key(self) -> String {
        format!("jifen.{}.{}.{}", T::WHAT, self.person, self.id)
    }

    /// The saved value, if any (one that does not read, or is not [`Kept::usable`], is dropped).
    pub fn load(self) -> Option<T> {
        let text = storage()?.get_item(&self.key()).ok()??;
        serde_json::from_str(&text).ok().filter(T::usable)
    }

    /// Keeps `value` on this phone (quietly does nothing where storage is off, e.g. private mode).
    pub fn save(self, value: &T) {
        if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
            let _ = storage.set_item(&self.key(), &text);
        }
    }

    /// Forgets it (sent, or started over).
    pub fn clear(self) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&self.key());
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// A claim being written (申报草稿).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDraft {
    /// The `Idempotency-Key` of its `POST /claims`.
    pub key: String,
    #[serde(default)]
    pub note: String,
    /// Uploaded photos (`POST /media`), in the order taken.
    #[serde(default)]
    pub photo_ids: Vec<i64>,
}

impl ClaimDraft {
    /// A new, empty draft with a fresh key.
    pub fn new() -> ClaimDraft {
        ClaimDraft {
            key: new_key(),
            note: String::new(),
            photo_ids: Vec::new(),
        }
    }
}

impl Default for ClaimDraft {
    fn default() -> Self {
        ClaimDraft::new()
    }
}

impl Kept for ClaimDraft {
    const WHAT: &'static str = "draft";

    fn usable(&self) -> bool {
        !self.key.is_empty()
    }
}

impl FormDraft for ClaimDraft {
    fn fresh() -> Self {
        ClaimDraft::new()
    }

    fn key(&self) -> &str {
        &self.key
    }

    fn is_blank(&self) -> bool {
        self.note.trim().is_empty() && self.photo_ids.is_empty()
    }

    fn photo_ids(&self) -> &[i64] {
        &self.photo_ids
    }

    fn photo_ids_mut(&mut self) -> &mut Vec<i64> {
        &mut self.photo_ids
    }
}

/// Where `person`'s claim for `rule` is kept.
pub fn claim(person: i64, rule: i64) -> Draft<ClaimDraft> {
    Draft::new(person, rule)
}

/// A fresh idempotency key for a claim: `claim-` and 32 hex digits (see [`new_key_for`]).
pub fn new_key() -> String {
    new_key_for("claim")
}

/// A fresh idempotency key: `{what}-` and 32 hex digits of the browser's cryptographic
/// random numbers (works on plain http too, unlike `crypto.randomUUID`), or of the clock and
/// `Math.random` where there is no `crypto`.
pub fn new_key_for(what: &str) -> String {
    let mut bytes = [0u8; 16];
    let random = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !random {
        let now = js_sys::Date::now() as u64;
        for (i, b) in bytes.iter_mut().enumerate() {
            let noise = (js_sys::Math::random() * 256.0) as u64;
            *b = ((now >> ((i % 8) * 8)) as u8) ^ (noise as u8);
        }
    }
    let mut key = String::with_capacity(what.len() + 33);
    key.push_str(what);
    key.push('-');
    for b in bytes {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_survives_its_json_and_older_shapes() {
        let draft = ClaimDraft {
            key: "claim-00ff".into(),
            note: "扶王奶奶过马路".into(),
            photo_ids: vec![3, 1],
        };
        assert_eq!(claim(7, 3).key(), "jifen.draft.7.3");
        let text = serde_json::to_string(&draft).unwrap();
        assert_eq!(serde_json::from_str::<ClaimDraft>(&text).unwrap(), draft);
        // A draft saved before photos existed still reads.
        let old: ClaimDraft = serde_json::from_str(r#"{"key":"claim-1"}"#).unwrap();
        assert!(old.is_blank());
        assert!(
            !ClaimDraft {
                note: " x ".into(),
                ..old
            }
            .is_blank()
        );
    }
}
