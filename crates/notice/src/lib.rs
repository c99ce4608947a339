//! Renders the decision notice (Bescheid) of a building permit procedure as PDF.
//!
//! The output is an A4 PDF/A-2b document (validated by krilla while writing) with
//! embedded, subset DejaVu Sans fonts, which cover the Latin characters of
//! DIN 91379 including combining sequences. Long texts are wrapped to the page
//! width and continue on further pages; every page carries "Seite X von Y".
//!
//! Fonts: DejaVu Sans and DejaVu Sans Bold are compiled in (`fonts/`, Bitstream
//! Vera licence with public-domain DejaVu changes, see `fonts/LICENSE-DejaVu.txt`);
//! only the used glyphs are embedded. Characters the font lacks (e.g. CJK) make
//! [`render_pdf`] fail with [`NoticeError::UnsupportedCharacter`] instead of
//! printing blank boxes. DejaVu has no anchors for stacking a second mark on a
//! precomposed accented letter, so rare sequences such as "Ō̂" or "Ṡ̄" render with
//! overlapping marks (the text itself, and its extraction, is correct).
//!
//! ```no_run
//! use amtsweg_notice::{Condition, Decision, NoticeData, render_pdf};
//!
//! let data = NoticeData {
//!     authority_name: "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde".into(),
//!     authority_address: "Am Markt 1\n12345 Musterstadt".into(),
//!     file_number: "BG-2026-000042".into(),
//!     date: time::macros::date!(2026-11-27),
//!     applicant_name: "Antonín Dvořák".into(),
//!     applicant_address: "Hauptstraße 5\n12345 Musterstadt".into(),
//!     representative: None,
//!     project: "Neubau eines Einfamilienhauses mit Doppelgarage".into(),
//!     site: "Hauptstraße 7, 12345 Musterstadt\nGemarkung Musterdorf, Flur 3, Flurstück 117/4".into(),
//!     decision: Decision::Approval {
//!         conditions: vec![Condition { kind_label: "Auflage".into(), text: "…".into() }],
//!     },
//!     legal_remedies: "Gegen diesen Bescheid kann …".into(),
//!     signatory: "Im Auftrag\nErika Mustermann".into(),
//!     wording: amtsweg_notice::Wording::building_permit(true),
//! };
//! let pdf: Vec<u8> = render_pdf(&data)?;
//! # Ok::<(), amtsweg_notice::NoticeError>(())
//! ```
#![forbid(unsafe_code)]

mod layout;
mod text;

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::{Document, SerializeSettings};

use crate::layout::{CONTENT_RIGHT, FOOTER_BASELINE, FOOTER_SIZE, Op, PAGE_HEIGHT, PAGE_WIDTH};
use crate::text::{Fonts, Style};

/// Everything printed on a notice. All texts are plain text; `\n` is a line
/// break and a blank line (`\n\n`) separates paragraphs where noted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeData {
    /// Issuing authority, e.g. "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde".
    pub authority_name: String,
    /// Postal address of the authority; multi-line allowed.
    pub authority_address: String,
    /// Aktenzeichen, e.g. "BG-2026-000042".
    pub file_number: String,
    /// Date of the notice; printed `TT.MM.JJJJ`, and the PDF's creation date.
    pub date: time::Date,
    pub applicant_name: String,
    /// Multi-line allowed.
    pub applicant_address: String,
    pub representative: Option<String>,
    /// Description of the building project (Bauvorhaben).
    pub project: String,
    /// Address and Gemarkung/Flur/Flurstück; multi-line allowed.
    pub site: String,
    pub decision: Decision,
    /// Rechtsbehelfsbelehrung; paragraphs separated by blank lines.
    pub legal_remedies: String,
    /// E.g. "Im Auftrag\nErika Mustermann".
    pub signatory: String,
    /// Texts of the service: title, operative sentence, section headings.
    pub wording: Wording,
}

/// What a notice of this service says in its fixed places (from the service definition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// e.g. "Baugenehmigung" or "Ablehnung des Bauantrags".
    pub title: String,
    /// The operative sentence, e.g. "Die Baugenehmigung wird … erteilt."
    pub decision_sentence: String,
    /// Heading of `project`, e.g. "Bauvorhaben".
    pub subject_heading: String,
    /// Heading of `site`, e.g. "Baugrundstück"; the section is left out when `site` is empty.
    pub site_heading: String,
}

impl Wording {
    /// The wording of a building permit, for tests and examples.
    pub fn building_permit(approval: bool) -> Self {
        Wording {
            title: if approval {
                "Baugenehmigung"
            } else {
                "Ablehnung des Bauantrags"
            }
            .into(),
            decision_sentence: if approval {
                "Die Baugenehmigung wird nach Maßgabe der nachstehenden Nebenbestimmungen erteilt."
            } else {
                "Der Bauantrag wird abgelehnt."
            }
            .into(),
            subject_heading: "Bauvorhaben".into(),
            site_heading: "Baugrundstück".into(),
        }
    }
}

/// The operative part of the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The permit is granted, subject to the conditions (in the given order).
    Approval { conditions: Vec<Condition> },
    /// The application is refused; `reasons` may contain several paragraphs.
    Refusal { reasons: String },
}

/// A Nebenbestimmung (or Hinweis) attached to an approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// E.g. "Auflage", "Bedingung", "Befristung", "Hinweis"; printed in bold before the text.
    pub kind_label: String,
    /// The condition text; may contain several paragraphs.
    pub text: String,
}

/// Errors from [`render_pdf`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    /// A text contains a character for which the embedded font has no glyph
    /// (e.g. CJK characters). Nothing is rendered rather than a blank box.
    #[error(
        "character {character:?} (U+{:04X}) cannot be rendered: the embedded font has no glyph for it",
        u32::from(*character)
    )]
    UnsupportedCharacter { character: char },
    /// An embedded font could not be loaded (build defect).
    #[error("embedded font {0} could not be loaded")]
    Font(&'static str),
    /// krilla failed to write the PDF or PDF/A validation failed.
    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

/// Renders the notice as a PDF/A-2b document (A4).
pub fn render_pdf(data: &NoticeData) -> Result<Vec<u8>, NoticeError> {
    let fonts = Fonts::load()?;
    let pages = layout::layout(&fonts, data)?;

    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| NoticeError::Pdf(format!("invalid PDF configuration: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);

    let mut metadata = Metadata::new()
        .title(format!("Bescheid {}", data.file_number.trim()))
        .language("de-DE".to_owned())
        .creator("amtsweg".to_owned())
        .creation_date(pdf_date(data.date));
    let author = data.authority_name.trim();
    if !author.is_empty() {
        metadata = metadata.authors(vec![author.to_owned()]);
    }
    document.set_metadata(metadata);

    let total = pages.len();
    for (index, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| NoticeError::Pdf("invalid page size".to_owned()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(Fill::default()));

        let footer = format!("Seite {} von {}", index + 1, total);
        let footer_x = CONTENT_RIGHT - fonts.width(Style::Regular, &footer, FOOTER_SIZE)?;
        let footer_op = Op::Text {
            x: footer_x,
            baseline: FOOTER_BASELINE,
            size: FOOTER_SIZE,
            style: Style::Regular,
            text: footer,
        };

        for op in ops.iter().chain(std::iter::once(&footer_op)) {
            match op {
                Op::Text {
                    x,
                    baseline,
                    size,
                    style,
                    text,
                } => {
                    let shaped = fonts.shape(*style, text)?;
                    surface.draw_glyphs(
                        Point::from_xy(*x, *baseline),
                        &shaped.glyphs,
                        fonts.krilla_font(*style),
                        text,
                        *size,
                        false,
                    );
                }
                Op::Rule {
                    x,
                    y,
                    width,
                    thickness,
                } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *width, *thickness) {
                        let mut builder = PathBuilder::new();
                        builder.push_rect(rect);
                        if let Some(path) = builder.finish() {
                            surface.draw_path(&path);
                        }
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }

    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => NoticeError::Pdf(format!(
            "PDF/A validation failed: {:?}",
            errors.iter().map(|(error, _)| error).collect::<Vec<_>>()
        )),
        other => NoticeError::Pdf(other.to_string()),
    })
}

/// PDF/A requires a creation date: the notice date, so that the same notice data always
/// yields the same bytes, and no clock is read here.
fn pdf_date(date: time::Date) -> DateTime {
    // the notice date comes from the authority's calendar: years 1000..=9999
    let year = u16::try_from(date.year()).unwrap_or(9999);
    DateTime::new(year)
        .month(u8::from(date.month()))
        .day(date.day())
}
