//! Validation of form data and documents against a service definition. The same rules
//! check a draft (what is there must be well-formed) and a submission (everything
//! required must be there too).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Text;
use crate::din91379::{self, NameDatatype, NameError};
use crate::service::{Condition, Field, FieldKind, ServiceDefinition};

/// The values of a form, by field id. Absent and empty mean the same.
pub type FormData = BTreeMap<String, String>;

/// Upper bound for any single value, whatever the definition says: it keeps a form small.
pub const MAX_VALUE_LENGTH: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    /// Stable machine code, e.g. `required`, `invalid_character`.
    pub code: String,
    pub message: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A saved draft: present values must be well-formed; nothing is required yet.
    Draft,
    /// A submission: required values must be present as well.
    Submit,
}

fn applies(condition: &Option<Condition>, data: &FormData) -> bool {
    match condition {
        None => true,
        Some(c) => data.get(&c.field).map(|v| v.trim()) == Some(c.equals.as_str()),
    }
}

/// Whether a field applies to this data (its `only_if` condition holds).
pub fn field_applies(field: &Field, data: &FormData) -> bool {
    applies(&field.only_if, data)
}

/// Checks the data. Unknown fields are errors: nothing is stored that the definition does not name.
/// Returns the data cleaned (trimmed, inapplicable fields dropped) when it is valid.
pub fn validate(
    service: &ServiceDefinition,
    data: &FormData,
    mode: Mode,
) -> Result<FormData, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut clean = FormData::new();
    for key in data.keys() {
        if service.field(key).is_none() {
            // the name is echoed back: never more of it than a field name can be
            let shown: String = key.chars().take(64).collect();
            let shown = if shown.len() < key.len() {
                format!("{shown}…")
            } else {
                shown
            };
            errors.push(FieldError {
                field: shown.clone(),
                code: "unknown_field".into(),
                message: Text::new(
                    format!("Das Feld „{shown}“ gibt es in diesem Formular nicht."),
                    format!("The form has no field '{shown}'."),
                ),
            });
        }
    }
    for field in service.fields() {
        let applies = field_applies(field, data);
        // a draft keeps (well-formed) values of fields that do not apply yet; a submission drops them
        if !applies && mode == Mode::Submit {
            continue;
        }
        let value = data
            .get(&field.id)
            .map(|v| crate::text::clean_free_text(v))
            .unwrap_or_default();
        let value = value.as_str();
        if value.is_empty() {
            if applies && field.required && mode == Mode::Submit {
                errors.push(FieldError {
                    field: field.id.clone(),
                    code: "required".into(),
                    message: Text::new(
                        format!("Bitte füllen Sie „{}“ aus.", field.label.de),
                        format!("Please fill in '{}'.", field.label.en),
                    ),
                });
            }
            continue;
        }
        match check_value(field, value) {
            Ok(()) => {
                clean.insert(field.id.clone(), value.to_string());
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

fn error(field: &Field, code: &str, de: String, en: String) -> FieldError {
    FieldError {
        field: field.id.clone(),
        code: code.into(),
        message: Text::new(de, en),
    }
}

fn check_value(field: &Field, value: &str) -> Result<(), FieldError> {
    let chars = value.chars().count();
    let limit = field
        .max_length
        .unwrap_or(MAX_VALUE_LENGTH)
        .min(MAX_VALUE_LENGTH);
    if chars > limit {
        return Err(error(
            field,
            "too_long",
            format!("Höchstens {limit} Zeichen (jetzt {chars})."),
            format!("At most {limit} characters (now {chars})."),
        ));
    }
    if field.kind != FieldKind::Textarea {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(error(
                field,
                "invalid_character",
                format!("Das Steuerzeichen U+{:04X} ist nicht erlaubt.", c as u32),
                format!("The control character U+{:04X} is not allowed.", c as u32),
            ));
        }
    } else if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\r' && *c != '\t')
    {
        return Err(error(
            field,
            "invalid_character",
            format!("Das Steuerzeichen U+{:04X} ist nicht erlaubt.", c as u32),
            format!("The control character U+{:04X} is not allowed.", c as u32),
        ));
    }
    match field.kind {
        FieldKind::Text | FieldKind::Textarea => Ok(()),
        FieldKind::PersonName => {
            check_name(value, NameDatatype::A).map_err(|(code, de, en)| error(field, code, de, en))
        }
        FieldKind::Name => {
            check_name(value, NameDatatype::B).map_err(|(code, de, en)| error(field, code, de, en))
        }
        FieldKind::Email => {
            let ok = value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(|c| c.is_whitespace())
                    && value.matches('@').count() == 1
            });
            ok.then_some(()).ok_or_else(|| {
                error(
                    field,
                    "invalid_email",
                    "Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de an.".into(),
                    "Please enter an e-mail address like name@example.org.".into(),
                )
            })
        }
        FieldKind::Phone => {
            let ok = value
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c))
                && value.chars().filter(|c| c.is_ascii_digit()).count() >= 5;
            ok.then_some(()).ok_or_else(|| {
                error(
                    field,
                    "invalid_phone",
                    "Bitte geben Sie eine Telefonnummer aus Ziffern an, z. B. 0711 123456.".into(),
                    "Please enter a phone number of digits, e.g. +49 711 123456.".into(),
                )
            })
        }
        FieldKind::PostalCode => {
            let ok = value.len() == 5 && value.chars().all(|c| c.is_ascii_digit());
            ok.then_some(()).ok_or_else(|| {
                error(
                    field,
                    "invalid_postal_code",
                    "Eine Postleitzahl hat fünf Ziffern.".into(),
                    "A postal code has five digits.".into(),
                )
            })
        }
        FieldKind::Integer => {
            let Ok(n) = value.parse::<i64>() else {
                return Err(error(
                    field,
                    "invalid_integer",
                    "Bitte geben Sie eine ganze Zahl an.".into(),
                    "Please enter a whole number.".into(),
                ));
            };
            check_range(field, n)
        }
        FieldKind::Amount => {
            let normalised = value.replace('.', "").replace(',', ".");
            let (whole, cents) = normalised.split_once('.').unwrap_or((&normalised, ""));
            let ok = !whole.is_empty()
                && whole.len() <= 13
                && whole.chars().all(|c| c.is_ascii_digit())
                && cents.len() <= 2
                && cents.chars().all(|c| c.is_ascii_digit());
            if !ok {
                return Err(error(
                    field,
                    "invalid_amount",
                    "Bitte geben Sie einen Betrag in Euro an, z. B. 250000 oder 250.000,50.".into(),
                    "Please enter an amount in euro, e.g. 250000 or 250.000,50.".into(),
                ));
            }
            match whole.parse::<i64>() {
                Ok(n) => check_range(field, n),
                Err(_) => Err(error(
                    field,
                    "invalid_amount",
                    "Der Betrag ist zu groß.".into(),
                    "The amount is too large.".into(),
                )),
            }
        }
        FieldKind::Date => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(value, format).map(|_| ()).map_err(|_| {
                error(
                    field,
                    "invalid_date",
                    "Bitte geben Sie ein Datum als JJJJ-MM-TT an.".into(),
                    "Please enter a date as YYYY-MM-DD.".into(),
                )
            })
        }
        FieldKind::Choice => {
            if field.options.iter().any(|o| o.code == value) {
                Ok(())
            } else {
                Err(error(
                    field,
                    "invalid_choice",
                    "Bitte wählen Sie einen der angebotenen Werte.".into(),
                    "Please choose one of the offered values.".into(),
                ))
            }
        }
        FieldKind::Boolean => {
            if value == "true" || value == "false" {
                Ok(())
            } else {
                Err(error(
                    field,
                    "invalid_boolean",
                    "Bitte wählen Sie Ja oder Nein.".into(),
                    "Please choose yes or no.".into(),
                ))
            }
        }
        FieldKind::ParcelNumber => {
            let (number, part) = value.split_once('/').unwrap_or((value, "1"));
            let digits =
                |s: &str| !s.is_empty() && s.len() <= 6 && s.chars().all(|c| c.is_ascii_digit());
            if digits(number) && digits(part) {
                Ok(())
            } else {
                Err(error(
                    field,
                    "invalid_parcel",
                    "Eine Flurstücksnummer sieht aus wie 123 oder 123/4.".into(),
                    "A parcel number looks like 123 or 123/4.".into(),
                ))
            }
        }
    }
}

fn check_range(field: &Field, n: i64) -> Result<(), FieldError> {
    if let Some(min) = field.min
        && n < min
    {
        return Err(error(
            field,
            "too_small",
            format!("Mindestens {min}."),
            format!("At least {min}."),
        ));
    }
    if let Some(max) = field.max
        && n > max
    {
        return Err(error(
            field,
            "too_large",
            format!("Höchstens {max}."),
            format!("At most {max}."),
        ));
    }
    Ok(())
}

/// Checks a name (person, street, place) against DIN 91379; the message names the character.
pub fn check_name(
    value: &str,
    datatype: NameDatatype,
) -> Result<(), (&'static str, String, String)> {
    match din91379::check(value, datatype) {
        Ok(()) => Ok(()),
        Err(NameError::Empty) => Err((
            "required",
            "Bitte geben Sie einen Namen an.".into(),
            "Please enter a name.".into(),
        )),
        Err(NameError::InvalidCharacter {
            character,
            code,
            position,
        }) => Err((
            "invalid_character",
            format!(
                "Das Zeichen „{character}“ (U+{code:04X}) an Stelle {position} ist in Namen nicht zulässig (DIN 91379)."
            ),
            format!(
                "The character '{character}' (U+{code:04X}) at position {position} is not allowed in names (DIN 91379)."
            ),
        )),
    }
}

/// Content types that [`sniff`] recognises; a service may accept only these.
pub const SNIFFABLE_CONTENT_TYPES: &[&str] =
    &["application/pdf", "image/png", "image/jpeg", "image/tiff"];

/// The content type of a file, from its first bytes (never from its name).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else {
        None
    }
}

/// The content type a file name promises by its extension, among the sniffable ones.
pub fn type_by_extension(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        _ => return None,
    })
}

/// A short name of a content type for people: `PDF`, `PNG`, …
pub fn short_type_name(content_type: &str) -> &str {
    match content_type {
        "application/pdf" => "PDF",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "image/tiff" => "TIFF",
        other => other,
    }
}

/// Whether a document type applies to this data (its `only_if` condition holds).
pub fn document_applies(document: &crate::service::DocumentType, data: &FormData) -> bool {
    applies(&document.only_if, data)
}

/// The required document types (ids) for this data that are not among `present`.
pub fn missing_documents<'a>(
    service: &'a ServiceDefinition,
    data: &FormData,
    present: &[&str],
) -> Vec<&'a crate::service::DocumentType> {
    service
        .documents
        .iter()
        .filter(|d| d.required && applies(&d.only_if, data) && !present.contains(&d.id.as_str()))
        .collect()
}

/// A file name as shown and stored: the last path component, without control characters, at most 200 characters.
/// Invisible and direction-changing characters are dropped (a name is never text where they
/// are spelling), so the extension people read is the one the type check reads.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !crate::text::is_invisible_control(*c)
                && !matches!(
                    c,
                    '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{200C}' | '\u{200D}'
                )
        })
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "dokument".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_shows_the_extension_the_type_check_reads() {
        // U+202E would show `rechnung<U+202E>fdp.png` as `rechnunggnp.pdf`
        assert_eq!(
            clean_file_name("rechnung\u{202E}fdp.png"),
            "rechnungfdp.png"
        );
        assert_eq!(clean_file_name("plan.png\u{200B}"), "plan.png");
        assert_eq!(
            type_by_extension(&clean_file_name("plan.png\u{200B}")),
            Some("image/png")
        );
        assert_eq!(clean_file_name("..\\..\\etc/pass\u{0}wd.pdf"), "passwd.pdf");
        assert_eq!(clean_file_name("\u{200B}\u{FEFF}"), "dokument");
    }
}
