//! Claim drafts (申报草稿) on this phone, so that a reload, a dropped connection or a closed
//! WeChat window loses nothing (UX.md, "Forgiving").
//!
//! A draft belongs to one person and one rule (`localStorage` key
//! `jifen.draft.{person}.{rule}`): the note typed so far, the photos already uploaded (their
//! media ids), and the `Idempotency-Key` its claim is sent with. The key is made with the
//! draft, not at the tap, so a second tap, a retry after a timeout, or a send after a reload
//! all carry the same key and the server makes one claim at most.

use serde::{Deserialize, Serialize};

/// A claim being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The `Idempotency-Key` of its `POST /claims`.
    pub key: String,
    #[serde(default)]
    pub note: String,
    /// Uploaded photos (`POST /media`), in the order taken.
    #[serde(default)]
    pub photo_ids: Vec<i64>,
}

impl Draft {
    /// A new, empty draft with a fresh key.
    pub fn new() -> Draft {
        Draft {
            key: new_key(),
            note: String::new(),
            photo_ids: Vec::new(),
        }
    }

    /// Whether there is nothing in it worth keeping.
    pub fn is_blank(&self) -> bool {
        self.note.trim().is_empty() && self.photo_ids.is_empty()
    }
}

impl Default for Draft {
    fn default() -> Self {
        Draft::new()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn storage_key(person: i64, rule: i64) -> String {
    format!("jifen.draft.{person}.{rule}")
}

/// The saved draft of `person` for `rule`, if any (one that does not read is dropped).
pub fn load(person: i64, rule: i64) -> Option<Draft> {
    let text = storage()?.get_item(&storage_key(person, rule)).ok()??;
    serde_json::from_str(&text)
        .ok()
        .filter(|d: &Draft| !d.key.is_empty())
}

/// Keeps `draft` on this phone (quietly does nothing where storage is off, e.g. private mode).
pub fn save(person: i64, rule: i64, draft: &Draft) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(&storage_key(person, rule), &text);
    }
}

/// Forgets the draft (sent, or started over).
pub fn clear(person: i64, rule: i64) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&storage_key(person, rule));
    }
}

/// Whether `person` has a draft with something in it for `rule`.
pub fn has_content(person: i64, rule: i64) -> bool {
    load(person, rule).is_some_and(|d| !d.is_blank())
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
        let draft = Draft {
            key: "claim-00ff".into(),
            note: "扶王奶奶过马路".into(),
            photo_ids: vec![3, 1],
        };
        let text = serde_json::to_string(&draft).unwrap();
        assert_eq!(serde_json::from_str::<Draft>(&text).unwrap(), draft);
        // A draft saved before photos existed still reads.
        let old: Draft = serde_json::from_str(r#"{"key":"claim-1"}"#).unwrap();
        assert!(old.is_blank());
        assert!(
            !Draft {
                note: " x ".into(),
                ..old
            }
            .is_blank()
        );
    }
}
