//! Bilingual user-facing text: German first, English beside it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub de: String,
    pub en: String,
}

impl Text {
    pub fn new(de: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            de: de.into(),
            en: en.into(),
        }
    }

    /// A text written once per language by the same function (for texts with values in them:
    /// dates, numbers and names are put in as each language writes them).
    pub fn by_lang(text: impl Fn(Lang) -> String) -> Self {
        Self::new(text(Lang::De), text(Lang::En))
    }

    /// The text in the given language; German is the fallback for anything but "en".
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.de,
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as people read it: `27.11.2026` (DIN 5008) or `27 Nov 2026`. The one date
/// formatter of texts, pages and the notice.
pub fn format_date(lang: Lang, date: time::Date) -> String {
    match lang {
        Lang::De => format!(
            "{:02}.{:02}.{}",
            date.day(),
            u8::from(date.month()),
            date.year()
        ),
        Lang::En => {
            let index = usize::from(u8::from(date.month())).saturating_sub(1);
            let month = MONTHS_EN.get(index).copied().unwrap_or("");
            format!("{} {month} {}", date.day(), date.year())
        }
    }
}

/// A local time as people read it: `27.11.2026, 14:05 Uhr` or `27 Nov 2026, 14:05`. The
/// caller converts to the authority's civil time first (the domain reads no time zone data).
pub fn format_local_time(lang: Lang, local: time::OffsetDateTime) -> String {
    let day = format_date(lang, local.date());
    match lang {
        Lang::De => format!("{day}, {:02}:{:02} Uhr", local.hour(), local.minute()),
        Lang::En => format!("{day}, {:02}:{:02}", local.hour(), local.minute()),
    }
}

/// An instant as the store keeps it and the API sends it: RFC 3339 in UTC
/// (`2026-12-02T14:58:39.123Z`).
pub fn instant_text(at: time::OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    // RFC 3339 cannot write years outside 0..=9999, which no clock gives
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Whether a character changes how text around it is shown without being seen itself: bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), direction marks (U+200E,
/// U+200F, U+061C), zero-width space, word joiner and invisible operators (U+200B,
/// U+2060–U+2064), the byte order mark (U+FEFF) and interlinear annotations (U+FFF9–U+FFFB).
/// U+202E turns `rechnung<U+202E>fdp.exe` into what reads as `rechnungexe.pdf`; U+200B makes two
/// texts that look alike differ. Zero-width (non-)joiners stay: they are spelling in scripts
/// DIN 91379 allows.
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{061C}'
        | '\u{200B}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Free text as it is kept: without invisible controls ([`is_invisible_control`]), trimmed.
pub fn clean_free_text(text: &str) -> String {
    if text.chars().any(is_invisible_control) {
        let kept: String = text.chars().filter(|c| !is_invisible_control(*c)).collect();
        kept.trim().to_string()
    } else {
        text.trim().to_string()
    }
}

/// A date in German (`27.11.2026`).
pub fn german_date(date: time::Date) -> String {
    format_date(Lang::De, date)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_controls_are_dropped_from_free_text() {
        assert_eq!(
            clean_free_text("  Bitte\u{200B} prüfen \u{202E}gnuhcsreT\u{202C} "),
            "Bitte prüfen gnuhcsreT"
        );
        assert_eq!(clean_free_text("\u{FEFF}\u{2066}x\u{2069}"), "x");
        // joiners are spelling in some scripts: kept
        assert_eq!(
            clean_free_text("a\u{200C}b\u{200D}c"),
            "a\u{200C}b\u{200D}c"
        );
        assert_eq!(clean_free_text(" Zeile 1\nZeile 2 "), "Zeile 1\nZeile 2");
    }
}
