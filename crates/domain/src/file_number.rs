//! The file number (Aktenzeichen): the human reference of a case, unique per authority.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileNumber(String);

impl FileNumber {
    /// Builds the file number from the service prefix, the year of receipt and the
    /// authority's running number for that year, e.g. `BG-2026-00042`.
    pub fn new(prefix: &str, year: i32, number: u64) -> Self {
        Self(format!("{prefix}-{year}-{number:05}"))
    }

    /// Accepts a file number as typed by a person (surrounding blanks, lower case).
    pub fn parse(input: &str) -> Option<Self> {
        let candidate = input.trim().to_uppercase();
        let mut parts = candidate.split('-');
        let (prefix, year, number) = (parts.next()?, parts.next()?, parts.next()?);
        let well_formed = parts.next().is_none()
            && !prefix.is_empty()
            && prefix.len() <= 8
            && prefix.chars().all(|c| c.is_ascii_uppercase())
            && year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && !number.is_empty()
            && number.len() <= 9
            && number.chars().all(|c| c.is_ascii_digit());
        well_formed.then_some(Self(candidate))
    }

    /// The file number as the store writes it (`BG-2026-42` → `BG-2026-00042`), if `input`
    /// is one.
    pub fn normalise(input: &str) -> Option<Self> {
        let parsed = Self::parse(input)?;
        let mut parts = parsed.0.split('-');
        let (prefix, year, number) = (parts.next()?, parts.next()?, parts.next()?);
        Some(Self::new(prefix, year.parse().ok()?, number.parse().ok()?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_prefix_year_and_padded_number() {
        assert_eq!(FileNumber::new("BG", 2026, 42).as_str(), "BG-2026-00042");
        assert_eq!(
            FileNumber::new("BG", 2026, 1_234_567).as_str(),
            "BG-2026-1234567"
        );
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(
            FileNumber::parse(" bg-2026-00042 "),
            Some(FileNumber::new("BG", 2026, 42))
        );
        for bad in [
            "",
            "BG",
            "BG-26-1",
            "BG-2026-",
            "BG-2026-1-2",
            "B1-2026-1",
            "BG-2026-x",
        ] {
            assert_eq!(FileNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn typed_numbers_are_normalised_to_the_stored_form() {
        assert_eq!(
            FileNumber::normalise("bg-2026-42"),
            Some(FileNumber::new("BG", 2026, 42))
        );
        assert_eq!(
            FileNumber::normalise("BG-2026-001234567"),
            Some(FileNumber::new("BG", 2026, 1_234_567))
        );
        assert_eq!(FileNumber::normalise("Musterstraße 3"), None);
    }
}
