//! Dates, times and sizes as people read them: German local time, German or English style.

use amtsweg_server::clock::german_time;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::i18n::Lang;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_en(date: Date) -> &'static str {
    let index = usize::from(u8::from(date.month())).saturating_sub(1);
    MONTHS_EN.get(index).copied().unwrap_or("")
}

pub fn parse_time(rfc3339: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(rfc3339, &Rfc3339).ok()
}

pub fn parse_date(iso: &str) -> Option<Date> {
    Date::parse(
        iso.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `27.11.2026` or `27 Nov 2026`.
pub fn date(lang: Lang, date: Date) -> String {
    match lang {
        Lang::De => format!(
            "{:02}.{:02}.{}",
            date.day(),
            u8::from(date.month()),
            date.year()
        ),
        Lang::En => format!("{} {} {}", date.day(), month_en(date), date.year()),
    }
}

/// A stored `YYYY-MM-DD` as a date for people; anything else as it is.
pub fn date_text(lang: Lang, iso: &str) -> String {
    parse_date(iso)
        .map(|d| date(lang, d))
        .unwrap_or_else(|| iso.to_string())
}

/// `27.11.2026, 14:05 Uhr` or `27 Nov 2026, 14:05`, in German local time.
pub fn datetime(lang: Lang, at: OffsetDateTime) -> String {
    let local = german_time(at);
    let day = date(lang, local.date());
    match lang {
        Lang::De => format!("{day}, {:02}:{:02} Uhr", local.hour(), local.minute()),
        Lang::En => format!("{day}, {:02}:{:02}", local.hour(), local.minute()),
    }
}

/// A stored RFC 3339 time for people; anything unreadable as it is.
pub fn datetime_text(lang: Lang, rfc3339: &str) -> String {
    parse_time(rfc3339)
        .map(|t| datetime(lang, t))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// The German local date of a stored RFC 3339 time.
pub fn day_text(lang: Lang, rfc3339: &str) -> String {
    parse_time(rfc3339)
        .map(|t| date(lang, german_time(t).date()))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// `1,4 MB` or `1.4 MB`.
pub fn size(lang: Lang, bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    let (value, unit) = if bytes >= 1_000_000.0 {
        (bytes / 1_000_000.0, "MB")
    } else if bytes >= 1_000.0 {
        (bytes / 1_000.0, "kB")
    } else {
        return format!("{bytes} B");
    };
    let text = format!("{value:.1}");
    match lang {
        Lang::De => format!("{} {unit}", text.replace('.', ",")),
        Lang::En => format!("{text} {unit}"),
    }
}

/// Short names of the content types a document type accepts.
pub fn file_types(accept: &[String]) -> String {
    accept
        .iter()
        .map(|a| match a.as_str() {
            "application/pdf" => "PDF",
            "image/png" => "PNG",
            "image/jpeg" => "JPEG",
            "image/tiff" => "TIFF",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn german_and_english_times() {
        let at = datetime!(2026-11-27 13:05 UTC);
        assert_eq!(datetime(Lang::De, at), "27.11.2026, 14:05 Uhr");
        assert_eq!(datetime(Lang::En, at), "27 Nov 2026, 14:05");
        assert_eq!(date_text(Lang::De, "2026-12-11"), "11.12.2026");
        assert_eq!(size(Lang::De, 1_440_000), "1,4 MB");
        assert_eq!(size(Lang::En, 999), "999 B");
    }
}
