//! Dates, times and sizes as people read them: German local time, German or English style.

use amtsweg_server::clock::german_time;
use time::{Date, OffsetDateTime};

use crate::i18n::Lang;

pub fn parse_date(iso: &str) -> Option<Date> {
    Date::parse(
        iso.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `27.11.2026` or `27 Nov 2026`.
pub fn date(lang: Lang, date: Date) -> String {
    amtsweg_domain::text::format_date(lang, date)
}

/// A `YYYY-MM-DD` form value as a date for people; anything else as it is.
pub fn date_text(lang: Lang, iso: &str) -> String {
    parse_date(iso)
        .map(|d| date(lang, d))
        .unwrap_or_else(|| iso.to_string())
}

/// `27.11.2026, 14:05 Uhr` or `27 Nov 2026, 14:05`, in German local time.
pub fn datetime(lang: Lang, at: OffsetDateTime) -> String {
    amtsweg_domain::text::format_local_time(lang, german_time(at))
}

/// The German local date of an instant.
pub fn day(lang: Lang, at: OffsetDateTime) -> String {
    date(lang, german_time(at).date())
}

/// An instant for machines (`<time datetime>`): RFC 3339 in UTC.
pub fn iso(at: OffsetDateTime) -> String {
    amtsweg_domain::text::instant_text(at)
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
