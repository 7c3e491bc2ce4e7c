//! Phone numbers: mainland China mobile numbers in E.164 (`+8613800138000`), parsed with
//! Google's libphonenumber metadata (the `phonenumber` crate), and masked for display.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use phonenumber::country::Id::CN;
use phonenumber::{Mode, Type as PhoneNumberType};

/// The demo block (演示号段): 11-digit numbers starting `100`, `+86 100 xxxx xxxx`.
///
/// In China's numbering plan the `10x` codes belong to the carriers' service numbers (10000,
/// 10010, 10086), so no mobile number starts with `100`: a text or call to one never reaches a
/// person, and a demo number never collides with a real one. `jifen seed-demo` numbers every
/// demo person in this block. They are accepted everywhere a phone is; no SMS is ever sent to
/// them (the Tencent sender refuses them before calling the gateway; the `log` provider, which
/// a demo uses, only writes the code to the log).
pub const DEMO_PREFIX: &str = "100";

/// A mainland China mobile number in E.164 form (or one of the [`DEMO_PREFIX`] block). It cannot
/// hold anything else.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

/// Why a string is not a usable phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Letters or other characters that are not digits, spaces, dashes, dots, parentheses or
    /// a leading `+`.
    #[error("a phone number has only digits, spaces, dashes and an optional +86")]
    Characters,
    /// Not a valid mainland China mobile number (wrong length, unknown prefix, landline,
    /// another country).
    #[error("not a mainland China mobile number (11 digits starting with 1)")]
    NotMobile,
}

/// 400 `invalid_phone`, naming the field `phone`.
impl DomainError for PhoneError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidPhone
    }

    fn message(&self) -> String {
        format!("phone: {self}")
    }
}

impl Phone {
    /// Parses what a person or a spreadsheet wrote: full-width digits (１３８…), spaces,
    /// dashes and parentheses are accepted, as are `+86`, `0086` and `86` prefixes.
    ///
    /// Errors: [`PhoneError::Characters`] for letters or other symbols (trailing letters are
    /// not silently dropped), [`PhoneError::NotMobile`] for wrong lengths, landlines and
    /// other countries' numbers.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let mut cleaned = String::with_capacity(input.len());
        for c in input.trim().chars() {
            let c = match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '＋' => '+',
                other => other,
            };
            match c {
                '0'..='9' => cleaned.push(c),
                '+' if cleaned.is_empty() => cleaned.push(c),
                ' ' | '\u{3000}' | '\u{a0}' | '-' | '－' | '‐' | '–' | '—' | '.' | '(' | ')'
                | '（' | '）' => {}
                _ => return Err(PhoneError::Characters),
            }
        }
        // "86 138…" without + or 00: the national number is 11 digits, so 13 digits starting
        // with 86 carry the country code.
        if cleaned.len() == 13 && cleaned.starts_with("86") {
            cleaned.insert(0, '+');
        }
        if let Some(demo) = demo_number(&cleaned) {
            return Ok(Phone(demo));
        }
        let number = phonenumber::parse(Some(CN), &cleaned).map_err(|_| PhoneError::NotMobile)?;
        let is_mobile = number.code().value() == 86
            && number.is_valid()
            && matches!(
                number.number_type(&phonenumber::metadata::DATABASE),
                PhoneNumberType::Mobile | PhoneNumberType::FixedLineOrMobile
            );
        if !is_mobile {
            return Err(PhoneError::NotMobile);
        }
        Ok(Phone(number.format().mode(Mode::E164).to_string()))
    }

    /// Wraps a number read back from the database (stored by [`Phone::parse`]).
    pub fn from_stored(e164: String) -> Phone {
        Phone(e164)
    }

    /// Whether this is a number of the [`DEMO_PREFIX`] block.
    pub fn is_demo(&self) -> bool {
        self.0
            .strip_prefix("+86")
            .is_some_and(|n| n.starts_with(DEMO_PREFIX))
    }

    /// The E.164 form, e.g. `+8613800138000`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The national number masked for others' eyes: `138****8000` (first 3 and last 4
    /// digits).
    pub fn masked(&self) -> String {
        let national = self.0.strip_prefix("+86").unwrap_or(&self.0);
        if national.len() < 8 {
            return "*".repeat(national.len());
        }
        format!("{}****{}", &national[..3], &national[national.len() - 4..])
    }
}

/// `+86100…` when `cleaned` (digits and a leading `+`) is an 11-digit number of the
/// [`DEMO_PREFIX`] block, with or without `+86`/`0086`.
fn demo_number(cleaned: &str) -> Option<String> {
    let national = ["+86", "0086"]
        .iter()
        .find_map(|p| cleaned.strip_prefix(p))
        .unwrap_or(cleaned);
    (national.len() == 11
        && national.starts_with(DEMO_PREFIX)
        && national.bytes().all(|b| b.is_ascii_digit()))
    .then(|| format!("+86{national}"))
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_people_write_numbers() {
        for input in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "008613800138000",
            "8613800138000",
            "１３８００１３８０００",
            "＋86 １３８－００１３－８０００",
            " (+86) 13800138000 ",
        ] {
            assert_eq!(
                Phone::parse(input).map(|p| p.0),
                Ok("+8613800138000".into()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_wrong_lengths_letters_landlines_and_other_countries() {
        for (input, error) in [
            ("1380013800", PhoneError::NotMobile),
            ("138001380001", PhoneError::NotMobile),
            ("13800138000a", PhoneError::Characters),
            ("1380013800O", PhoneError::Characters),
            ("0373-8888888", PhoneError::NotMobile),
            ("+1 202 555 0123", PhoneError::NotMobile),
            ("", PhoneError::NotMobile),
            ("+", PhoneError::NotMobile),
            ("138+00138000", PhoneError::Characters),
        ] {
            assert_eq!(Phone::parse(input), Err(error), "{input:?}");
        }
    }

    #[test]
    fn accepts_the_demo_block_only_at_its_length() {
        for input in [
            "10000010001",
            "100 0001 0001",
            "+86 100 0001 0001",
            "008610000010001",
        ] {
            assert_eq!(
                Phone::parse(input).map(|p| p.0),
                Ok("+8610000010001".into()),
                "{input:?}"
            );
        }
        for input in [
            "1000001000",
            "100000100011",
            "10100010001",
            "+1 100 0001 0001",
        ] {
            assert_eq!(Phone::parse(input), Err(PhoneError::NotMobile), "{input:?}");
        }
    }

    #[test]
    fn masks_the_middle_digits() {
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
    }
}
