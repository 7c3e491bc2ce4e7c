//! Times on screen. The API sends instants as RFC 3339 strings in UTC; people read them on the
//! county's clock, [`COUNTY_TIME_ZONE`], converted by the browser's own time-zone database
//! (`Intl.DateTimeFormat`), so no zone data ships in the wasm.
//!
//! `5月31日 23:30` (this year), `2025年5月31日 23:30` (another year); `31 May 23:30` in English.

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::i18n::Locale;

/// The county's time zone (IANA), as the server's `JIFEN_TIMEZONE` defaults to: Beijing time,
/// which every county in China keeps.
pub const COUNTY_TIME_ZONE: &str = "Asia/Shanghai";

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

thread_local! {
    /// One formatter: building an `Intl.DateTimeFormat` is the slow part.
    static COUNTY_CLOCK: Intl::DateTimeFormat = {
        let options = Object::new();
        for (key, value) in [
            ("timeZone", COUNTY_TIME_ZONE),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("hourCycle", "h23"),
        ] {
            let _ = Reflect::set(&options, &key.into(), &value.into());
        }
        Intl::DateTimeFormat::new(&Array::of1(&"en-US".into()), &options)
    };
}

/// The county's clock at `ms` milliseconds since the Unix epoch (UTC).
fn county_time_at(ms: f64) -> LocalTime {
    let parts = COUNTY_CLOCK.with(|f| f.format_to_parts(&Date::new(&JsValue::from_f64(ms))));
    let mut t = LocalTime {
        year: 1970,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
    };
    for part in parts.iter() {
        let field = |name: &str| Reflect::get(&part, &name.into()).ok()?.as_string();
        let (Some(kind), Some(value)) = (field("type"), field("value")) else {
            continue;
        };
        let Ok(n) = value.parse::<u32>() else {
            continue;
        };
        match kind.as_str() {
            "year" => t.year = i64::from(n),
            "month" => t.month = n,
            "day" => t.day = n,
            "hour" => t.hour = n,
            "minute" => t.minute = n,
            _ => {}
        }
    }
    t
}

/// An API instant (RFC 3339, with a time and an offset) on the county's clock; `None` if it
/// is not one.
fn county_time(rfc3339: &str) -> Option<LocalTime> {
    let has_offset = rfc3339.ends_with('Z') || rfc3339.rfind(['+', '-']).is_some_and(|i| i > 10);
    if !rfc3339.contains('T') || !has_offset {
        return None;
    }
    let ms = Date::parse(rfc3339);
    (!ms.is_nan()).then(|| county_time_at(ms))
}

/// The county's date `days_ago` days before today (the phone's clock; the county keeps no
/// daylight saving), as the API writes dates: `YYYY-MM-DD`. With `first_of_month`, the first
/// day of that date's month.
pub fn county_date(days_ago: u32, first_of_month: bool) -> String {
    let t = county_time_at(Date::now() - f64::from(days_ago) * 86_400_000.0);
    let day = if first_of_month { 1 } else { t.day };
    format!("{:04}-{:02}-{:02}", t.year, t.month, day)
}

/// The county's year now (the phone's clock).
fn this_year() -> i64 {
    county_time_at(Date::now()).year
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn month_en(month: u32) -> &'static str {
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
    match county_time(rfc3339) {
        Some(t) => format_when(locale, t, this_year()),
        None => rfc3339.to_owned(),
    }
}

/// [`when`] following the 中文/EN switch: one closure type for every time on screen.
pub fn when_text(rfc3339: String) -> impl leptos::prelude::IntoView + use<> {
    use leptos::prelude::Get;
    let locale = crate::i18n::use_locale();
    move || when(locale.get(), &rfc3339)
}

/// An API instant's day as the county reads it (`5月30日`).
pub fn day(locale: Locale, rfc3339: &str) -> String {
    match county_time(rfc3339) {
        Some(t) => format_day(locale, t, this_year()),
        None => rfc3339.to_owned(),
    }
}

/// Waits `ms` milliseconds (a browser timer): for polling and the camera's frame loop.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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

    fn at(year: i64, month: u32, day: u32, hour: u32, minute: u32) -> LocalTime {
        LocalTime {
            year,
            month,
            day,
            hour,
            minute,
        }
    }

    #[test]
    fn times_are_formatted_the_county_way() {
        let t = at(2026, 5, 31, 23, 30);
        assert_eq!(format_when(Locale::ZhCn, t, 2026), "5月31日 23:30");
        assert_eq!(format_when(Locale::ZhCn, t, 2027), "2026年5月31日 23:30");
        assert_eq!(format_when(Locale::En, t, 2026), "31 May 23:30");
        assert_eq!(
            format_day(Locale::ZhCn, at(2026, 5, 30, 9, 2), 2026),
            "5月30日"
        );
        assert_eq!(
            format_when(Locale::ZhCn, at(2026, 3, 5, 6, 5), 2026),
            "3月5日 06:05"
        );
        assert_eq!(month_label(Locale::ZhCn, "2026-05"), "2026年5月");
        assert_eq!(month_label(Locale::En, "2026-05"), "May 2026");
        assert_eq!(month_label(Locale::ZhCn, "soon"), "soon");
    }
}
