//! Times on screen. The API sends instants as RFC 3339 strings in UTC; people read them in the
//! county's time zone, Asia/Shanghai — UTC+8 all year (China has had no daylight saving time
//! since 1991), so a fixed offset is exact and no time-zone database is shipped in the wasm.
//!
//! `5月31日 23:30` (this year), `2025年5月31日 23:30` (another year); `31 May 23:30` in English.

use crate::i18n::Locale;

/// The county's offset from UTC, in minutes (Asia/Shanghai).
pub const COUNTY_OFFSET_MINUTES: i64 = 8 * 60;

/// A date and time on the county's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i64,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Minutes since the Unix epoch of an RFC 3339 instant (`2026-05-31T15:30:00Z`, with or
/// without fractional seconds, `Z` or a `±hh:mm` offset); `None` if it is not one.
pub fn epoch_minutes(rfc3339: &str) -> Option<i64> {
    let s = rfc3339.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    if s.get(4) != Some(&b'-')
        || s.get(7) != Some(&b'-')
        || !matches!(s.get(10), Some(b'T' | b't' | b' '))
        || s.get(13) != Some(&b':')
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
    {
        return None;
    }
    // Seconds (and their fraction) do not change the minute shown.
    let mut i = 16;
    if s.get(i) == Some(&b':') {
        num(17..19)?;
        i = 19;
        if s.get(i) == Some(&b'.') {
            i += 1;
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let offset = match s.get(i) {
        Some(b'Z' | b'z') if i + 1 == s.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == s.len() && s.get(i + 3) == Some(&b':') => {
            let minutes = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 1440 + hour * 60 + minute - offset)
}

/// The county's clock at `minutes` since the Unix epoch (UTC).
pub fn county_time(minutes: i64) -> LocalTime {
    let local = minutes + COUNTY_OFFSET_MINUTES;
    let (year, month, day) = civil_from_days(local.div_euclid(1440));
    let in_day = local.rem_euclid(1440);
    LocalTime {
        year,
        month,
        day,
        hour: (in_day / 60) as u32,
        minute: (in_day % 60) as u32,
    }
}

/// The county's year now (the browser's clock).
pub fn this_year() -> i64 {
    county_time((js_sys::Date::now() / 60_000.0).floor() as i64).year
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_en(month: u32) -> &'static str {
    MONTHS_EN
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// `5月31日` / `2025年5月31日` (the year only when it is not `current_year`).
pub fn format_day(locale: Locale, t: LocalTime, current_year: i64) -> String {
    let same_year = t.year == current_year;
    match (locale, same_year) {
        (Locale::ZhCn, true) => format!("{}月{}日", t.month, t.day),
        (Locale::ZhCn, false) => format!("{}年{}月{}日", t.year, t.month, t.day),
        (Locale::En, true) => format!("{} {}", t.day, month_en(t.month)),
        (Locale::En, false) => format!("{} {} {}", t.day, month_en(t.month), t.year),
    }
}

/// `5月31日 23:30` / `2025年5月31日 23:30`.
pub fn format_when(locale: Locale, t: LocalTime, current_year: i64) -> String {
    format!(
        "{} {:02}:{:02}",
        format_day(locale, t, current_year),
        t.hour,
        t.minute
    )
}

/// An API instant as the county reads it, date and time; the text as it came if it is not an
/// RFC 3339 instant.
pub fn when(locale: Locale, rfc3339: &str) -> String {
    match epoch_minutes(rfc3339) {
        Some(m) => format_when(locale, county_time(m), this_year()),
        None => rfc3339.to_owned(),
    }
}

/// An API instant's day as the county reads it (`5月30日`).
pub fn day(locale: Locale, rfc3339: &str) -> String {
    match epoch_minutes(rfc3339) {
        Some(m) => format_day(locale, county_time(m), this_year()),
        None => rfc3339.to_owned(),
    }
}

/// A board's month `2026-05` as `2026年5月` / `May 2026`.
pub fn month_label(locale: Locale, month: &str) -> String {
    let parsed = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m));
    match (locale, parsed) {
        (Locale::ZhCn, Some((y, m))) => format!("{y}年{m}月"),
        (Locale::En, Some((y, m))) => format!("{} {y}", month_en(m)),
        (_, None) => month.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> LocalTime {
        county_time(epoch_minutes(s).expect(s))
    }

    #[test]
    fn utc_instants_read_on_the_county_clock() {
        // 15:30 UTC is 23:30 in Shanghai, the same day.
        assert_eq!(
            local("2026-05-31T15:30:00Z"),
            LocalTime {
                year: 2026,
                month: 5,
                day: 31,
                hour: 23,
                minute: 30
            }
        );
        // 16:00 UTC on the last day of a year is already New Year's Day in the county.
        let t = local("2025-12-31T16:00:00.123456Z");
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute),
            (2026, 1, 1, 0, 0)
        );
        // Offsets other than Z, and a leap day.
        assert_eq!(
            local("2024-02-29T07:05:59+08:00"),
            local("2024-02-28T23:05:00Z")
        );
        assert_eq!(local("2024-02-29T07:05:00+08:00").day, 29);
        assert_eq!(local("1970-01-01T00:00:00-01:30").hour, 9);
    }

    #[test]
    fn times_are_formatted_the_county_way() {
        let t = local("2026-05-31T15:30:00Z");
        assert_eq!(format_when(Locale::ZhCn, t, 2026), "5月31日 23:30");
        assert_eq!(format_when(Locale::ZhCn, t, 2027), "2026年5月31日 23:30");
        assert_eq!(format_when(Locale::En, t, 2026), "31 May 23:30");
        assert_eq!(
            format_day(Locale::ZhCn, local("2026-05-30T01:02:03Z"), 2026),
            "5月30日"
        );
        let early = local("2026-03-04T22:05:00Z");
        assert_eq!(format_when(Locale::ZhCn, early, 2026), "3月5日 06:05");
        assert_eq!(month_label(Locale::ZhCn, "2026-05"), "2026年5月");
        assert_eq!(month_label(Locale::En, "2026-05"), "May 2026");
        assert_eq!(month_label(Locale::ZhCn, "soon"), "soon");
    }

    #[test]
    fn anything_else_is_not_an_instant() {
        for junk in [
            "",
            "2026-05-31",
            "2026-05-31T15:30:00",
            "2026-13-01T00:00:00Z",
            "2026-05-31T24:00:00Z",
            "2026-05-31T15:30:00Zjunk",
            "2026-05-31T15:30:00+0800",
            "２０２６-05-31T15:30:00Z",
        ] {
            assert_eq!(epoch_minutes(junk), None, "{junk}");
        }
        assert_eq!(epoch_minutes("1970-01-01T00:01:00Z"), Some(1));
    }
}
