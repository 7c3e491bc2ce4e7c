//! The rules of a county's catalogue entry (a recycling category, a service type) that the
//! server enforces and the PWA's forms check before sending: the code's shape. The bounds of
//! each catalogue's number and name live with its types ([`crate::recycling`],
//! [`crate::services`]).

/// The longest code, in characters.
pub const MAX_CODE_CHARS: usize = 40;

/// Whether `code` is a catalogue code: 1–[`MAX_CODE_CHARS`] of `a-z`, `0-9` and `_`.
pub fn code_ok(code: &str) -> bool {
    (1..=MAX_CODE_CHARS).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_lowercase_words() {
        assert!(code_ok("paper"));
        assert!(code_ok("plastic_bottles2"));
        assert!(code_ok(&"a".repeat(40)));
        assert!(!code_ok(&"a".repeat(41)));
        assert!(!code_ok(""));
        assert!(!code_ok("Paper"));
        assert!(!code_ok("废纸"));
        assert!(!code_ok("old paper"));
    }
}
