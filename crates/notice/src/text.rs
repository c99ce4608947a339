//! Fonts, shaping and line breaking.
//!
//! Text is shaped with rustybuzz (the shaper krilla itself uses for its
//! `simple-text` feature), so the widths used for line breaking are exactly the
//! advances that end up in the PDF. Combining sequences (base letter plus
//! combining marks, as required by DIN 91379) are composed/positioned by the
//! shaper and kept in one cluster, so they are never split across lines.

use std::ops::Range;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

use crate::NoticeError;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Font style of a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Regular,
    Bold,
}

/// One font: the krilla handle (for embedding) and the rustybuzz face (for shaping).
struct Face {
    krilla: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8], name: &'static str) -> Result<Self, NoticeError> {
        let krilla = Font::new(data.into(), 0).ok_or(NoticeError::Font(name))?;
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or(NoticeError::Font(name))?;
        let units_per_em = shaper.units_per_em() as f32;
        if units_per_em <= 0.0 {
            return Err(NoticeError::Font(name));
        }
        Ok(Self {
            krilla,
            shaper,
            units_per_em,
        })
    }
}

/// The embedded font family (DejaVu Sans regular and bold).
pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
}

/// Shaped text: glyph advances/offsets are in em units (krilla's convention).
#[derive(Debug)]
pub(crate) struct Shaped {
    pub glyphs: Vec<KrillaGlyph>,
    /// Sum of the advances in em units.
    pub advance_em: f32,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, NoticeError> {
        Ok(Self {
            regular: Face::load(REGULAR_TTF, "DejaVu Sans")?,
            bold: Face::load(BOLD_TTF, "DejaVu Sans Bold")?,
        })
    }

    fn face(&self, style: Style) -> &Face {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    pub(crate) fn krilla_font(&self, style: Style) -> Font {
        self.face(style).krilla.clone()
    }

    /// Shapes `text` left to right. Fails if the font has no glyph for a character,
    /// since a `.notdef` glyph would silently lose information (and violate PDF/A).
    pub(crate) fn shape(&self, style: Style, text: &str) -> Result<Shaped, NoticeError> {
        let face = self.face(style);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(Direction::LeftToRight);
        let output = rustybuzz::shape(&face.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let upem = face.units_per_em;

        let mut glyphs = Vec::with_capacity(infos.len());
        let mut advance_em = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let end = infos[i + 1..]
                .iter()
                .find(|next| next.cluster != info.cluster)
                .map_or(text.len(), |next| next.cluster as usize)
                .max(start);
            let range: Range<usize> = start..end;
            if info.glyph_id == 0 {
                return Err(unsupported(face, text.get(range.clone()).unwrap_or(text)));
            }
            let x_advance = pos.x_advance as f32 / upem;
            advance_em += x_advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                x_advance,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                range,
                None,
            ));
        }
        Ok(Shaped { glyphs, advance_em })
    }

    /// Width of `text` in points at `size`.
    pub(crate) fn width(&self, style: Style, text: &str, size: f32) -> Result<f32, NoticeError> {
        Ok(self.shape(style, text)?.advance_em * size)
    }
}

fn unsupported(face: &Face, cluster: &str) -> NoticeError {
    let character = cluster
        .chars()
        .find(|c| face.shaper.glyph_index(*c).is_none())
        .or_else(|| cluster.chars().next())
        .unwrap_or('\u{FFFD}');
    NoticeError::UnsupportedCharacter { character }
}

/// A run of text in one style, input to [`wrap`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run<'a> {
    pub style: Style,
    pub text: &'a str,
}

impl<'a> Run<'a> {
    pub(crate) fn regular(text: &'a str) -> Self {
        Self {
            style: Style::Regular,
            text,
        }
    }

    pub(crate) fn bold(text: &'a str) -> Self {
        Self {
            style: Style::Bold,
            text,
        }
    }
}

/// A positioned piece of a line in one style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Segment {
    pub style: Style,
    pub text: String,
    /// Horizontal offset from the start of the line, in points.
    pub x: f32,
}

/// One output line.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Line {
    pub segments: Vec<Segment>,
    pub width: f32,
}

#[derive(Clone, Debug)]
struct Token {
    style: Style,
    text: String,
    width: f32,
    /// A space separates this token from the previous one.
    space_before: bool,
    /// A line may break before this token.
    breakable: bool,
}

enum Item {
    Token(Token),
    Break,
}

/// Splits the runs into words. Spaces and tabs separate words, `\n` forces a line
/// break, other control characters are dropped. Adjacent runs without whitespace
/// between them stay glued (e.g. a bold label directly followed by regular text).
fn tokenize(runs: &[Run<'_>]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut after_space = false;
    let mut line_start = true;
    for run in runs {
        let mut current: Option<Token> = None;
        for c in run.text.chars() {
            match c {
                ' ' | '\t' => {
                    if let Some(token) = current.take() {
                        items.push(Item::Token(token));
                    }
                    after_space = true;
                }
                '\n' => {
                    if let Some(token) = current.take() {
                        items.push(Item::Token(token));
                    }
                    items.push(Item::Break);
                    after_space = false;
                    line_start = true;
                }
                c if c.is_control() => {}
                c => {
                    let token = current.get_or_insert_with(|| {
                        let token = Token {
                            style: run.style,
                            text: String::new(),
                            width: 0.0,
                            space_before: after_space && !line_start,
                            breakable: after_space || line_start,
                        };
                        after_space = false;
                        line_start = false;
                        token
                    });
                    token.text.push(c);
                }
            }
        }
        if let Some(token) = current.take() {
            items.push(Item::Token(token));
        }
    }
    items
}

/// Splits a token that is wider than `max_width` at cluster boundaries.
fn split_token(
    fonts: &Fonts,
    token: Token,
    size: f32,
    max_width: f32,
) -> Result<Vec<Token>, NoticeError> {
    let shaped = fonts.shape(token.style, &token.text)?;
    let mut cuts = Vec::new();
    let mut acc = 0.0;
    let mut chunk_start = 0usize;
    let mut prev_cluster: Option<usize> = None;
    for glyph in &shaped.glyphs {
        let cluster = glyph.text_range.start;
        let w = glyph.x_advance * size;
        let new_cluster = prev_cluster != Some(cluster);
        if new_cluster && cluster > chunk_start && acc + w > max_width {
            cuts.push(cluster);
            chunk_start = cluster;
            acc = 0.0;
        }
        acc += w;
        prev_cluster = Some(cluster);
    }
    if cuts.is_empty() {
        return Ok(vec![token]);
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0usize;
    for (i, end) in cuts
        .into_iter()
        .chain(std::iter::once(token.text.len()))
        .enumerate()
    {
        let text = token.text.get(start..end).unwrap_or_default().to_owned();
        start = end;
        if text.is_empty() {
            continue;
        }
        let width = fonts.width(token.style, &text, size)?;
        pieces.push(Token {
            style: token.style,
            text,
            width,
            space_before: i == 0 && token.space_before,
            breakable: i != 0 || token.breakable,
        });
    }
    Ok(pieces)
}

/// Greedy line breaking of `runs` into lines of at most `max_width` points.
pub(crate) fn wrap(
    fonts: &Fonts,
    runs: &[Run<'_>],
    size: f32,
    max_width: f32,
) -> Result<Vec<Line>, NoticeError> {
    // Measure, and split over-long words.
    let mut items = Vec::new();
    for item in tokenize(runs) {
        match item {
            Item::Break => items.push(Item::Break),
            Item::Token(mut token) => {
                token.width = fonts.width(token.style, &token.text, size)?;
                if token.width > max_width {
                    items.extend(
                        split_token(fonts, token, size, max_width)?
                            .into_iter()
                            .map(Item::Token),
                    );
                } else {
                    items.push(Item::Token(token));
                }
            }
        }
    }

    let space_regular = fonts.width(Style::Regular, " ", size)?;
    let space_bold = fonts.width(Style::Bold, " ", size)?;
    let space = |style: Style| match style {
        Style::Regular => space_regular,
        Style::Bold => space_bold,
    };

    // Group glued tokens into unbreakable units; a unit that cannot fit on a
    // line of its own is broken at its glue points instead.
    let mut units: Vec<Option<Vec<Token>>> = Vec::new(); // None = forced break
    for item in items {
        match item {
            Item::Break => units.push(None),
            Item::Token(token) => match units.last_mut() {
                Some(Some(unit)) if !token.breakable => unit.push(token),
                _ => units.push(Some(vec![token])),
            },
        }
    }
    let mut flat: Vec<Option<Vec<Token>>> = Vec::with_capacity(units.len());
    for unit in units {
        match unit {
            Some(unit) if unit.iter().map(|t| t.width).sum::<f32>() > max_width => {
                flat.extend(unit.into_iter().map(|t| Some(vec![t])));
            }
            other => flat.push(other),
        }
    }

    let mut lines = Vec::new();
    let mut line = Line::default();
    for unit in flat {
        let Some(unit) = unit else {
            lines.push(std::mem::take(&mut line));
            continue;
        };
        let unit_width: f32 = unit.iter().map(|t| t.width).sum();
        let lead = match (line.segments.last(), unit.first()) {
            (Some(last), Some(first)) if first.space_before => space(last.style),
            _ => 0.0,
        };
        if !line.segments.is_empty() && line.width + lead + unit_width > max_width {
            lines.push(std::mem::take(&mut line));
        }
        for (i, token) in unit.into_iter().enumerate() {
            let needs_space = i == 0 && token.space_before && !line.segments.is_empty();
            if needs_space && let Some(last) = line.segments.last_mut() {
                last.text.push(' ');
                line.width += space(last.style);
            }
            match line.segments.last_mut() {
                Some(last) if last.style == token.style => last.text.push_str(&token.text),
                _ => line.segments.push(Segment {
                    style: token.style,
                    text: token.text,
                    x: line.width,
                }),
            }
            line.width += token.width;
        }
    }
    if !line.segments.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Splits a text into paragraphs at blank lines; returns trimmed, non-empty paragraphs.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in normalized.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_within_width() {
        let fonts = Fonts::load().unwrap();
        let text =
            "Die Baugenehmigung wird nach Maßgabe der nachstehenden Nebenbestimmungen erteilt. "
                .repeat(5);
        let lines = wrap(&fonts, &[Run::regular(&text)], 10.0, 200.0).unwrap();
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(line.width <= 200.0 + 0.01, "{line:?}");
            let rejoined: String = line.segments.iter().map(|s| s.text.as_str()).collect();
            let measured = fonts.width(Style::Regular, &rejoined, 10.0).unwrap();
            assert!(
                (measured - line.width).abs() < 1.0,
                "{measured} vs {}",
                line.width
            );
        }
        let all: Vec<String> = lines
            .iter()
            .flat_map(|l| l.segments.iter().map(|s| s.text.clone()))
            .collect();
        assert_eq!(all.join(" "), text.trim_end());
    }

    #[test]
    fn splits_overlong_words_without_losing_text() {
        let fonts = Fonts::load().unwrap();
        let word = "Grundstücksentwässerungsanlagengenehmigungsverfahren".repeat(4);
        let lines = wrap(&fonts, &[Run::regular(&word)], 10.0, 150.0).unwrap();
        assert!(lines.len() > 1);
        let joined: String = lines
            .iter()
            .flat_map(|l| l.segments.iter().map(|s| s.text.clone()))
            .collect();
        assert_eq!(joined, word);
        assert!(lines.iter().all(|l| l.width <= 150.0 + 0.01));
    }

    #[test]
    fn combining_sequences_stay_together() {
        let fonts = Fonts::load().unwrap();
        // L + combining ring below + combining macron, repeated, no spaces.
        let word = "L\u{0325}\u{0304}".repeat(40);
        let lines = wrap(&fonts, &[Run::regular(&word)], 10.0, 60.0).unwrap();
        assert!(lines.len() > 1);
        for line in &lines {
            for seg in &line.segments {
                assert!(seg.text.starts_with('L'), "{:?}", seg.text);
                assert!(seg.text.ends_with('\u{0304}'), "{:?}", seg.text);
            }
        }
    }

    #[test]
    fn mixed_styles_and_forced_breaks() {
        let fonts = Fonts::load().unwrap();
        let lines = wrap(
            &fonts,
            &[
                Run::bold("Auflage:"),
                Run::regular(" erste Zeile\nzweite Zeile"),
            ],
            10.0,
            400.0,
        )
        .unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].segments.len(), 2);
        assert_eq!(lines[0].segments[0].text, "Auflage: ");
        assert_eq!(lines[0].segments[0].style, Style::Bold);
        assert_eq!(lines[0].segments[1].text, "erste Zeile");
        assert_eq!(lines[1].segments[0].text, "zweite Zeile");
    }

    #[test]
    fn unsupported_character_is_reported() {
        let fonts = Fonts::load().unwrap();
        let err = fonts.shape(Style::Regular, "Name 漢字").unwrap_err();
        assert!(matches!(
            err,
            NoticeError::UnsupportedCharacter { character: '漢' }
        ));
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs("a\nb\n\n\n  \nc\r\n\r\nd  "),
            vec!["a\nb".to_owned(), "c".to_owned(), "d".to_owned()]
        );
        assert!(paragraphs("  \n ").is_empty());
    }
}
