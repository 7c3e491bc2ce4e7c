//! Text rules shared by every domain: names are trimmed and NFC-normalised (DESIGN.md, "Time,
//! text and money"), and carry no invisible characters; long values are clipped in messages.

use unicode_normalization::UnicodeNormalization;

/// Why a name cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Empty after trimming.
    Empty,
    /// Contains a control character (NUL, line break…), a zero-width or a bidi control
    /// character (given as its code point).
    Invisible(char),
    /// Longer than allowed (given: its length in characters).
    TooLong(usize),
}

impl NameError {
    /// The stable code of a rejected row: `empty_name` or `invalid_name`.
    pub fn code(&self) -> &'static str {
        match self {
            NameError::Empty => "empty_name",
            _ => "invalid_name",
        }
    }
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Empty => f.write_str("empty"),
            NameError::Invisible(c) => {
                write!(f, "contains the invisible character U+{:04X}", *c as u32)
            }
            NameError::TooLong(n) => write!(f, "{n} characters, too many"),
        }
    }
}

/// `raw` trimmed and NFC-normalised, or why it is not a name of at most `max_chars`
/// characters.
pub fn name(raw: &str, max_chars: usize) -> Result<String, NameError> {
    let name: String = raw.trim().nfc().collect();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    if let Some(c) = name.chars().find(|&c| invisible(c)) {
        return Err(NameError::Invisible(c));
    }
    let chars = name.chars().count();
    if chars > max_chars {
        return Err(NameError::TooLong(chars));
    }
    Ok(name)
}

/// A free text (a claim's note…): `raw` trimmed and NFC-normalised, line breaks kept as `\n`,
/// tabs turned into spaces, at most `max_chars` characters; may be empty.
///
/// Errors: [`NameError::Invisible`] for other control, zero-width or bidi characters,
/// [`NameError::TooLong`].
pub fn note(raw: &str, max_chars: usize) -> Result<String, NameError> {
    let text = raw.replace("\r\n", "\n").replace('\t', " ");
    let lines: Vec<String> = text
        .trim()
        .split('\n')
        .map(|line| match name(line, usize::MAX) {
            Ok(line) => Ok(line),
            Err(NameError::Empty) => Ok(String::new()),
            Err(e) => Err(e),
        })
        .collect::<Result<_, _>>()?;
    let note = lines.join("\n");
    let chars = note.chars().count();
    if chars > max_chars {
        return Err(NameError::TooLong(chars));
    }
    Ok(note)
}

/// `s` cut to 40 characters (with `…`) for a message.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_normalised_and_checked() {
        assert_eq!(name("  Cafe\u{301} ", 10), Ok("Caf\u{e9}".into()));
        assert_eq!(name(" \t", 10), Err(NameError::Empty));
        assert_eq!(name("a\u{0}b", 10), Err(NameError::Invisible('\u{0}')));
        assert_eq!(
            name("x\u{202E}y", 10),
            Err(NameError::Invisible('\u{202E}'))
        );
        assert_eq!(name("张三", 1), Err(NameError::TooLong(2)));
        assert_eq!(NameError::Empty.code(), "empty_name");
        assert_eq!(NameError::TooLong(2).code(), "invalid_name");
    }

    #[test]
    fn clip_keeps_short_values() {
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&"长".repeat(50)), format!("{}…", "长".repeat(40)));
    }
}
