//! The shapes of the texts the server takes, as the OpenAPI document's `pattern`s, so that a
//! client generated from the document never sends a text the server refuses (API.md: every
//! limit the server enforces is declared).
//!
//! The server's own checks (`server/src/text.rs`: trimmed, NFC-normalised, no invisible
//! characters; `server/src/people/phone.rs`) stay the authority; `server/tests/openapi.rs`
//! checks that each pattern accepts exactly what they accept on a set of samples, and that
//! every `pattern` in the served document is one of the constants of this module or of
//! [`crate::regions::patterns`]. The patterns are written for ECMA-262, Python and Rust regex
//! engines alike (`\uXXXX` escapes, no Unicode property classes). A schema may be stricter than
//! the server (a phone number with spaces), never looser.
//!
//! The invisible characters refused everywhere: C0 and C1 controls (`U+0000`–`U+001F`,
//! `U+007F`–`U+009F`), zero-width and direction marks (`U+200B`–`U+200F`), bidi embeddings
//! (`U+202A`–`U+202E`), invisible operators and isolates (`U+2060`–`U+2069`) and the byte-order
//! mark (`U+FEFF`).

/// A name or a one-line reason (`text::name` on the server): at least one visible character,
/// no line break, tab or other invisible character. Length limits are the fields' own.
pub const NAME_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]*[^\s\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF][^\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]*$";

/// A free text that may be empty (a claim's note, a comment; `text::note` on the server): line
/// breaks (`\n`) and tabs allowed, no other invisible character.
pub const NOTE_PATTERN: &str =
    r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]*$";

/// A free text that must say something (an order's description, a follow-up): as
/// [`NOTE_PATTERN`], with at least one visible character.
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]*[^\s\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF][^\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]*$";

/// A mainland China mobile number as the document declares it: 11 digits, optionally after
/// `+86`, of a mobile range of the national numbering plan (libphonenumber's, which the server
/// checks with) or of the never-real demo block `100`. The server also takes spaces, dashes,
/// full-width digits and `0086`; the document declares the plain form.
pub const PHONE_PATTERN: &str = r"^(\+86)?(100[0-9]{8}|1740[0-5][0-9]{6}|1(3[0-9]|4[57]|5[0-35-9]|6[25-7]|7[0-35-8]|8[0-9]|9[0-35-9])[0-9]{8})$";

/// A county month, `YYYY-MM` (years 2000–2999, as the server's calendar reads them).
pub const MONTH_PATTERN: &str = r"^2[0-9]{3}-(0[1-9]|1[0-2])$";

/// A county date, `YYYY-MM-DD` (years 2000–2999); the document also says `format: date`, so
/// the day exists.
pub const DATE_PATTERN: &str = r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// A stable code of a catalogue or rule: 1–40 of `a-z`, `0-9` and `_`
/// ([`crate::catalogue::code_ok`]).
pub const CODE_PATTERN: &str = "^[a-z0-9_]{1,40}$";

/// A code WeChat put in its redirect (`POST /auth/wechat`), as `server/src/auth/wechat.rs`
/// checks it: 1–128 URL-safe characters.
pub const WECHAT_CODE_PATTERN: &str = "^[A-Za-z0-9._~-]{1,128}$";

/// A 43-character base64url nonce (32 random bytes): the `state` and `verifier` of a WeChat
/// sign-in.
pub const NONCE_PATTERN: &str = "^[A-Za-z0-9_-]{43}$";
