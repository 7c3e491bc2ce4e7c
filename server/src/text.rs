//! Text rules shared by every free-text field a person types — names of people, grids, shops,
//! goods, rules and categories, 户号 and tags, reasons, payment references, claim and stock
//! notes, order descriptions and addresses, comments — so that what one screen accepts no
//! other refuses, and what is stored shows as what it is:
//!
//! - trimmed (Unicode `White_Space`, so also U+3000 ideographic space) and NFC-normalised
//!   (DESIGN.md, "Time, text and money");
//! - refused ([`NameError::Invisible`], naming the code point): control characters (a note
//!   keeps its line breaks, [`note`]); every bidirectional control (`Bidi_Control`: U+061C
//!   ARABIC LETTER MARK, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069), which can make a name
//!   or a reason read backwards; the other zero-width characters (U+200B, U+200C, U+2060–U+2064,
//!   U+206A–U+206F, U+FEFF), which make two different values look the same;
//! - a zero-width joiner (U+200D) is accepted only where it joins inside one user-perceived
//!   character (an extended grapheme cluster of UAX #29, `unicode-segmentation`): an emoji ZWJ
//!   sequence such as 👨‍🌾 (farmer) or an Indic conjunct. One that joins nothing (at the end of
//!   a cluster: `张\u{200D}三`, a trailing ZWJ) is refused like the other zero-width characters;
//! - refused ([`NameError::Blank`]): a value with no visible character — only white space,
//!   default-ignorable code points (`Default_Ignorable_Code_Point`: the Hangul fillers U+115F,
//!   U+1160, U+3164, U+FFA0, the soft hyphen, variation selectors…) and the braille blank
//!   U+2800 — which would show as an empty name in every list.
//!
//! The Unicode properties come from ICU4X (`icu_properties`), the segmentation from
//! `unicode-segmentation`. Long values are clipped in messages ([`clip`]).

use icu_properties::CodePointSetData;
use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint, WhiteSpace};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// U+200D ZERO WIDTH JOINER.
const ZWJ: char = '\u{200D}';

/// Why a name cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Empty after trimming.
    Empty,
    /// No visible character: only white space, default-ignorable code points (Hangul fillers…)
    /// or the braille blank.
    Blank,
    /// Contains a control character (NUL, line break…), a bidi control, a zero-width
    /// character, or a zero-width joiner that joins nothing (given as its code point).
    Invisible(char),
    /// Longer than allowed (given: its length in characters).
    TooLong(usize),
}

impl NameError {
    /// The stable code of a rejected row: `empty_name` (empty, or nothing visible) or
    /// `invalid_name`.
    pub fn code(&self) -> &'static str {
        match self {
            NameError::Empty | NameError::Blank => "empty_name",
            _ => "invalid_name",
        }
    }
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Empty => f.write_str("empty"),
            NameError::Blank => f.write_str("has no visible character"),
            NameError::Invisible(c) => {
                write!(f, "contains the invisible character U+{:04X}", *c as u32)
            }
            NameError::TooLong(n) => write!(f, "{n} characters, too many"),
        }
    }
}

/// A character refused wherever it stands (see the module docs); the zero-width joiner is
/// judged by [`check`] with its neighbours.
fn refused(c: char) -> bool {
    c.is_control()
        || CodePointSetData::new::<BidiControl>().contains(c)
        || matches!(c, '\u{200B}' | '\u{200C}' | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}' | '\u{FEFF}')
}

/// Whether `c` shows as something on screen (see the module docs).
fn visible(c: char) -> bool {
    !(c.is_control()
        || c == '\u{2800}'
        || CodePointSetData::new::<WhiteSpace>().contains(c)
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c))
}

/// The rules of the module docs on one trimmed, NFC-normalised, non-empty line.
fn check(text: &str) -> Result<(), NameError> {
    if let Some(c) = text.chars().find(|&c| refused(c)) {
        return Err(NameError::Invisible(c));
    }
    // Inside a cluster a ZWJ joins what follows it (GB11: emoji, GB9c: Indic conjuncts); at a
    // cluster's end it joins nothing.
    if text.contains(ZWJ) && text.graphemes(true).any(|g| g.ends_with(ZWJ)) {
        return Err(NameError::Invisible(ZWJ));
    }
    if !text.chars().any(visible) {
        return Err(NameError::Blank);
    }
    Ok(())
}

/// `raw` trimmed and NFC-normalised, or why it is not a name of at most `max_chars`
/// characters (the rules of the module docs).
pub fn name(raw: &str, max_chars: usize) -> Result<String, NameError> {
    let name: String = raw.trim().nfc().collect();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    check(&name)?;
    let chars = name.chars().count();
    if chars > max_chars {
        return Err(NameError::TooLong(chars));
    }
    Ok(name)
}

/// A free text (a claim's note…): `raw` trimmed and NFC-normalised, line breaks kept as `\n`,
/// tabs turned into spaces, each line trimmed, at most `max_chars` characters; may be empty.
/// Each line follows the rules of [`name`]; an empty line is kept.
///
/// Errors: [`NameError::Invisible`] for other control, zero-width or bidi characters,
/// [`NameError::Blank`] for a line with nothing visible, [`NameError::TooLong`].
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
    fn emoji_joined_by_zwj_are_accepted() {
        // 👨‍🌾 farmer, 👩‍👩‍👧 family, 🏳️‍🌈: one grapheme each, the ZWJ inside it.
        for text in [
            "王\u{1F468}\u{200D}\u{1F33E}",
            "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}",
            "\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}",
        ] {
            assert_eq!(name(text, 20), Ok(text.to_owned()), "{text:?}");
            assert_eq!(
                note(&format!("扫了雪 {text}\n第二行"), 50).map(|_| ()),
                Ok(())
            );
        }
        // Devanagari half form: क्‍ष (a conjunct, GB9c).
        let conjunct = "\u{915}\u{94D}\u{200D}\u{937}";
        assert_eq!(name(conjunct, 10), Ok(conjunct.to_owned()));
    }

    #[test]
    fn a_zwj_that_joins_nothing_is_refused() {
        for text in [
            "张\u{200D}三",
            "张三\u{200D}",
            "\u{200D}\u{1F468}",
            "\u{1F468}\u{200D}\u{200D}\u{1F33E}",
            "\u{1F468}\u{200D}a",
        ] {
            assert_eq!(
                name(text, 20),
                Err(NameError::Invisible('\u{200D}')),
                "{text:?}"
            );
            assert_eq!(
                note(text, 20),
                Err(NameError::Invisible('\u{200D}')),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_bidi_control_is_refused() {
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert_eq!(
                name(&format!("张{c}三"), 10),
                Err(NameError::Invisible(c)),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                note(&format!("好\n张{c}三"), 10),
                Err(NameError::Invisible(c)),
                "U+{:04X}",
                c as u32
            );
        }
        for c in [
            '\u{200B}', '\u{200C}', '\u{2060}', '\u{2063}', '\u{206F}', '\u{FEFF}',
        ] {
            assert_eq!(
                name(&format!("张{c}三"), 10),
                Err(NameError::Invisible(c)),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn names_with_nothing_visible_are_refused() {
        for text in [
            "\u{3164}",
            "\u{115F}",
            "\u{1160}",
            "\u{FFA0}",
            "\u{2800}",
            "\u{3164}\u{3164}",
            "\u{3164} \u{2800}",
            "\u{AD}",
            "\u{FE0F}",
            "\u{180E}",
        ] {
            assert_eq!(name(text, 10), Err(NameError::Blank), "{text:?}");
            assert_eq!(
                note(&format!("好\n{text}"), 10),
                Err(NameError::Blank),
                "{text:?}"
            );
        }
        assert_eq!(NameError::Blank.code(), "empty_name");
        // White space alone (ideographic space included) is empty after trimming.
        assert_eq!(name("\u{3000} \u{A0}", 10), Err(NameError::Empty));
        // A filler beside a visible character hides nothing.
        assert_eq!(name("李\u{3164}", 10), Ok("李\u{3164}".into()));
    }

    #[test]
    fn clip_keeps_short_values() {
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&"长".repeat(50)), format!("{}…", "长".repeat(40)));
    }
}
