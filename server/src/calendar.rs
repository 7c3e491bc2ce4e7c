//! The county's calendar: days, months and years as the county counts them
//! (`JIFEN_TIMEZONE`, `Asia/Shanghai` by default), never the server's own time zone. Caps on
//! claims, rankings on the village board and, later, monthly limits and settlements all
//! count in these periods (the issue "Points": three claims approved at 23:30 on 31 May do
//! not block one at 00:10 on 1 June).
//!
//! Instants are UTC milliseconds since the Unix epoch, as stored.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

/// A half-open period `[start, end)` in UTC milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

/// The county's calendar (a cheap clone of its time zone).
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: TimeZone,
}

/// The process's county calendar ([`Calendar::county`]).
static COUNTY: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();

impl Calendar {
    /// The calendar of the county's time zone (`Settings::timezone`).
    pub fn new(tz: TimeZone) -> Calendar {
        Calendar { tz }
    }

    /// The county calendar of this process, for what is counted inside a transaction that has
    /// no settings at hand: the ledger's monthly and yearly figures ([`crate::ledger::figures`]).
    /// Set once at start from `Settings::timezone` ([`Calendar::set_county`]); `Asia/Shanghai`
    /// until then (a process serves one county).
    pub fn county() -> &'static Calendar {
        COUNTY.get_or_init(|| {
            Calendar::new(
                TimeZone::get("Asia/Shanghai")
                    .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8))),
            )
        })
    }

    /// Sets the process's county calendar to `tz`; `false` (and nothing changes) when it was
    /// set to another zone before — a process serves one county.
    pub fn set_county(tz: &TimeZone) -> bool {
        let set = COUNTY.get_or_init(|| Calendar::new(tz.clone()));
        set.tz == *tz
    }

    /// The IANA name of the zone (`Asia/Shanghai`), or its offset when it has none.
    pub fn zone_name(&self) -> String {
        self.tz
            .iana_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{:?}", self.tz))
    }

    fn zoned(&self, at_ms: i64) -> Zoned {
        Timestamp::from_millisecond(at_ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(self.tz.clone())
    }

    fn period(start: Result<Zoned, jiff::Error>, span: jiff::Span) -> Period {
        // Only unrepresentable dates (beyond year 9999) fail; the whole day is then empty.
        match start.and_then(|s| Ok((s.clone(), s.checked_add(span)?))) {
            Ok((s, e)) => Period {
                start: s.timestamp().as_millisecond(),
                end: e.timestamp().as_millisecond(),
            },
            Err(_) => Period { start: 0, end: 0 },
        }
    }

    /// The county day holding `at_ms` (a day is not always 24 hours where clocks change).
    pub fn day(&self, at_ms: i64) -> Period {
        Self::period(self.zoned(at_ms).start_of_day(), 1.day())
    }

    /// The county month holding `at_ms`.
    pub fn month(&self, at_ms: i64) -> Period {
        let z = self.zoned(at_ms);
        Self::period(z.first_of_month().and_then(|d| d.start_of_day()), 1.month())
    }

    /// The county year holding `at_ms`.
    pub fn year(&self, at_ms: i64) -> Period {
        let z = self.zoned(at_ms);
        Self::period(z.first_of_year().and_then(|d| d.start_of_day()), 1.year())
    }

    /// The county month holding `at_ms` as `YYYY-MM`.
    pub fn month_label(&self, at_ms: i64) -> String {
        self.zoned(at_ms).strftime("%Y-%m").to_string()
    }

    /// The county day holding `at_ms` as `YYYY-MM-DD`.
    pub fn day_label(&self, at_ms: i64) -> String {
        self.zoned(at_ms).strftime("%Y-%m-%d").to_string()
    }

    /// The county year holding `at_ms` as `YYYY`.
    pub fn year_label(&self, at_ms: i64) -> String {
        self.zoned(at_ms).strftime("%Y").to_string()
    }

    /// The county date holding `at_ms` as `YYYY-MM-DD`.
    pub fn date_label(&self, at_ms: i64) -> String {
        self.zoned(at_ms).strftime("%Y-%m-%d").to_string()
    }

    /// `at_ms` as a county date and time to the second (`YYYY-MM-DD HH:MM:SS`), for files
    /// people read.
    pub fn time_label(&self, at_ms: i64) -> String {
        self.zoned(at_ms).strftime("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// The county date holding `at_ms`.
    pub fn date(&self, at_ms: i64) -> jiff::civil::Date {
        self.zoned(at_ms).date()
    }

    /// The county days `from` to `to`, both included, as one period (empty when `to` is
    /// before `from`).
    pub fn days(&self, from: jiff::civil::Date, to: jiff::civil::Date) -> Period {
        let start = Self::period(from.to_zoned(self.tz.clone()), 1.day());
        let end = Self::period(to.to_zoned(self.tz.clone()), 1.day());
        Period {
            start: start.start,
            end: end.end.max(start.start),
        }
    }

    /// The county month named `YYYY-MM` (years 2000–2999); `None` for anything else.
    pub fn parse_month(&self, label: &str) -> Option<Period> {
        let (y, m) = label.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let (y, m): (i16, i8) = (y.parse().ok()?, m.parse().ok()?);
        if !(2000..=2999).contains(&y) {
            return None;
        }
        let start = jiff::civil::Date::new(y, m, 1)
            .ok()?
            .to_zoned(self.tz.clone());
        Some(Self::period(start, 1.month()))
    }
}

/// A date written `YYYY-MM-DD` (years 2000–2999, ASCII digits only); `None` for anything
/// else, including impossible dates like `2026-02-30`.
pub fn parse_date(label: &str) -> Option<jiff::civil::Date> {
    let b = label.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return None;
    }
    let y: i16 = label[0..4].parse().ok()?;
    if !(2000..=2999).contains(&y) {
        return None;
    }
    jiff::civil::Date::new(y, label[5..7].parse().ok()?, label[8..10].parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn months_are_parsed_in_the_county() {
        let cal = Calendar::new(TimeZone::get("Asia/Shanghai").unwrap());
        let nov = cal.parse_month("2026-11").unwrap();
        assert_eq!(nov.start, ms("2026-10-31T16:00:00Z"));
        assert_eq!(nov.end, ms("2026-11-30T16:00:00Z"));
        assert_eq!(
            cal.parse_month("2026-12").unwrap().end,
            ms("2026-12-31T16:00:00Z")
        );
        for bad in [
            "2026-13",
            "2026-1",
            "26-11",
            "2026-00",
            "1999-12",
            "2026-11-01",
            "２０２６-11",
            "",
        ] {
            assert_eq!(cal.parse_month(bad), None, "{bad}");
        }
        assert_eq!(cal.date_label(ms("2026-11-30T16:30:00Z")), "2026-12-01");
    }

    #[test]
    fn days_and_months_are_the_countys_not_utcs() {
        let cal = Calendar::new(TimeZone::get("Asia/Shanghai").unwrap());
        // 23:30 on 31 May in Shanghai is 15:30 UTC; 00:10 on 1 June is 16:10 UTC on 31 May.
        let late = ms("2026-05-31T15:30:00Z");
        let early = ms("2026-05-31T16:10:00Z");
        assert_eq!(
            cal.day(late),
            Period {
                start: ms("2026-05-30T16:00:00Z"),
                end: ms("2026-05-31T16:00:00Z")
            }
        );
        assert_eq!(cal.day(early).start, ms("2026-05-31T16:00:00Z"));
        assert_eq!(
            cal.month(late),
            Period {
                start: ms("2026-04-30T16:00:00Z"),
                end: ms("2026-05-31T16:00:00Z")
            }
        );
        assert_eq!(cal.month(early).start, ms("2026-05-31T16:00:00Z"));
        assert_eq!(cal.month_label(late), "2026-05");
        assert_eq!(cal.month_label(early), "2026-06");
        assert_eq!(
            cal.year(ms("2026-12-31T16:30:00Z")).start,
            ms("2026-12-31T16:00:00Z")
        );
        assert_eq!(cal.year_label(ms("2026-12-31T16:30:00Z")), "2027");
    }

    #[test]
    fn dates_are_strict_and_days_are_the_countys() {
        let cal = Calendar::new(TimeZone::get("Asia/Shanghai").unwrap());
        for bad in [
            "2026-02-30",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "1999-12-31",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let from = parse_date("2026-11-01").unwrap();
        let to = parse_date("2026-11-30").unwrap();
        assert_eq!(
            cal.days(from, to),
            Period {
                start: ms("2026-10-31T16:00:00Z"),
                end: ms("2026-11-30T16:00:00Z")
            }
        );
        assert_eq!(
            cal.date(ms("2026-11-30T16:30:00Z")).to_string(),
            "2026-12-01"
        );
    }

    #[test]
    fn a_day_where_clocks_change_is_as_long_as_the_county_says() {
        let cal = Calendar::new(TimeZone::get("America/New_York").unwrap());
        let day = cal.day(ms("2026-03-08T12:00:00Z"));
        assert_eq!(day.end - day.start, 23 * 3600 * 1000);
    }
}
