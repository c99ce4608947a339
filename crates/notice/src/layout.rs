//! Page layout: turns a [`NoticeData`] into positioned text per page.
//!
//! Coordinates are in PDF points with the origin at the top left of the page
//! and y growing downwards (krilla's convention). Text ops carry the baseline.

use crate::text::{Fonts, Line, Run, Style, paragraphs, wrap};
use crate::{Decision, NoticeData, NoticeError};

const MM: f32 = 72.0 / 25.4;
/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 210.0 * MM;
pub(crate) const PAGE_HEIGHT: f32 = 297.0 * MM;
const LEFT: f32 = 25.0 * MM;
const RIGHT: f32 = 20.0 * MM;
pub(crate) const CONTENT_RIGHT: f32 = PAGE_WIDTH - RIGHT;
const CONTENT_WIDTH: f32 = CONTENT_RIGHT - LEFT;
const TOP: f32 = 15.0 * MM;
/// Lowest y a text line may reach; the footer lives below.
const BOTTOM: f32 = PAGE_HEIGHT - 22.0 * MM;
pub(crate) const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 12.0 * MM;
pub(crate) const FOOTER_SIZE: f32 = 8.0;

/// DIN 5008 (form B) address field: 45 mm from the top, 85 mm wide.
const ADDRESS_TOP: f32 = 45.0 * MM;
const ADDRESS_WIDTH: f32 = 85.0 * MM;
/// Information block right of the address field.
const INFO_LEFT: f32 = 125.0 * MM;
const BODY_MIN_TOP: f32 = 98.0 * MM;

const BODY_SIZE: f32 = 10.0;
const HEADING_SIZE: f32 = 11.0;
const TITLE_SIZE: f32 = 16.0;
const LEADING: f32 = 1.35;
/// Baseline offset from the top of a line box, as a fraction of the font size.
const ASCENT: f32 = 1.0;
const PARAGRAPH_GAP: f32 = 5.0;
const SECTION_GAP: f32 = 12.0;

/// Something to draw on a page.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        style: Style,
        text: String,
    },
    /// A horizontal rule (filled rectangle).
    Rule {
        x: f32,
        y: f32,
        width: f32,
        thickness: f32,
    },
}

pub(crate) type Page = Vec<Op>;

struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    y: f32,
    /// Header lines repeated at the top of every continuation page.
    continuation_header: Vec<Line>,
}

fn line_height(size: f32) -> f32 {
    size * LEADING
}

impl<'f> Flow<'f> {
    fn new(fonts: &'f Fonts, continuation_header: Vec<Line>) -> Self {
        Self {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            continuation_header,
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        let header = std::mem::take(&mut self.continuation_header);
        for line in &header {
            self.emit_line(line, LEFT, FOOTER_SIZE);
        }
        if !header.is_empty() {
            let y = self.y + 2.0;
            self.page().push(Op::Rule {
                x: LEFT,
                y,
                width: CONTENT_WIDTH,
                thickness: 0.4,
            });
            self.y = y + SECTION_GAP;
        }
        self.continuation_header = header;
    }

    /// Makes sure `height` points fit below the cursor, starting a new page if not.
    /// Requests larger than a whole page are not honoured (the content then simply
    /// flows over the page break line by line).
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && height <= BOTTOM - TOP - 60.0 {
            self.new_page();
        }
    }

    fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// Places one line at absolute `x` without any page-break check.
    fn emit_line(&mut self, line: &Line, x: f32, size: f32) {
        let baseline = self.y + size * ASCENT;
        let ops: Vec<Op> = line
            .segments
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| Op::Text {
                x: x + s.x,
                baseline,
                size,
                style: s.style,
                text: s.text.trim_end().to_owned(),
            })
            .collect();
        self.page().extend(ops);
        self.y += line_height(size);
    }

    /// Places one line, breaking the page first if it does not fit.
    fn line(&mut self, line: &Line, x: f32, size: f32) {
        if self.y + line_height(size) > BOTTOM {
            self.new_page();
        }
        self.emit_line(line, x, size);
    }

    /// Wraps and places a paragraph. `indent` is relative to the left margin.
    /// `label` (e.g. a list number) is drawn at the left margin on the first line.
    /// Paragraphs are broken across pages without orphans or widows where possible.
    fn paragraph(
        &mut self,
        runs: &[Run<'_>],
        size: f32,
        indent: f32,
        width: f32,
        label: Option<&str>,
    ) -> Result<(), NoticeError> {
        let lines = wrap(self.fonts, runs, size, width)?;
        let lh = line_height(size);
        let count = lines.len();
        // No orphans: short paragraphs stay whole, longer ones keep two lines together.
        let keep = if count <= 3 { count } else { 2 };
        self.ensure(keep as f32 * lh);
        for (i, line) in lines.iter().enumerate() {
            // No widows: never leave just the last line for the next page.
            let widow = i >= 2 && count - i == 2 && self.y + 2.0 * lh > BOTTOM;
            if self.y + lh > BOTTOM || widow {
                self.new_page();
            }
            if i == 0
                && let Some(label) = label
            {
                let label_line = wrap(self.fonts, &[Run::regular(label)], size, f32::MAX)?;
                if let Some(first) = label_line.first() {
                    let y = self.y;
                    self.emit_line(first, LEFT, size);
                    self.y = y;
                }
            }
            self.emit_line(line, LEFT + indent, size);
        }
        Ok(())
    }

    /// A text that may contain several paragraphs (separated by blank lines) and
    /// line breaks.
    fn text_block(
        &mut self,
        text: &str,
        style: Style,
        size: f32,
        indent: f32,
    ) -> Result<(), NoticeError> {
        for (i, para) in paragraphs(text).iter().enumerate() {
            if i > 0 {
                self.gap(PARAGRAPH_GAP);
            }
            self.paragraph(
                &[Run { style, text: para }],
                size,
                indent,
                CONTENT_WIDTH - indent,
                None,
            )?;
        }
        Ok(())
    }

    /// A section heading, kept together with the first lines of what follows.
    fn heading(&mut self, text: &str) -> Result<(), NoticeError> {
        self.gap(SECTION_GAP);
        self.ensure(line_height(HEADING_SIZE) + 3.0 + 2.0 * line_height(BODY_SIZE));
        self.paragraph(&[Run::bold(text)], HEADING_SIZE, 0.0, CONTENT_WIDTH, None)?;
        self.gap(3.0);
        Ok(())
    }

    /// Lines placed at an absolute position on the current page (no page breaks);
    /// returns the y below the last line.
    fn column(&mut self, lines: &[Line], x: f32, y: f32, size: f32) -> f32 {
        let saved = self.y;
        self.y = y;
        for line in lines {
            self.emit_line(line, x, size);
        }
        let end = self.y;
        self.y = saved;
        end
    }
}

/// Lays out the whole notice.
pub(crate) fn layout(fonts: &Fonts, data: &NoticeData) -> Result<Vec<Page>, NoticeError> {
    let date = amtsweg_domain::text::german_date(data.date);
    let header_text = format!(
        "Bescheid vom {} – Aktenzeichen: {}",
        date,
        single_line(&data.file_number)
    );
    let continuation_header = wrap(
        fonts,
        &[Run::regular(&header_text)],
        FOOTER_SIZE,
        CONTENT_WIDTH,
    )?;
    let mut flow = Flow::new(fonts, continuation_header);

    // Letterhead.
    flow.paragraph(
        &[Run::bold(&data.authority_name)],
        12.0,
        0.0,
        CONTENT_WIDTH,
        None,
    )?;
    flow.text_block(&data.authority_address, Style::Regular, 9.0, 0.0)?;
    flow.gap(2.0);
    let rule_y = flow.y;
    flow.page().push(Op::Rule {
        x: LEFT,
        y: rule_y,
        width: CONTENT_WIDTH,
        thickness: 0.5,
    });
    flow.gap(8.0 * MM);

    // Address field: return address line, then the addressee.
    flow.y = flow.y.max(ADDRESS_TOP);
    let address_page = flow.pages.len();
    let address_top = flow.y;
    let return_address = format!(
        "{} · {}",
        single_line(&data.authority_name),
        data.authority_address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    );
    flow.paragraph(
        &[Run::regular(&return_address)],
        7.0,
        0.0,
        ADDRESS_WIDTH,
        None,
    )?;
    flow.gap(4.0);
    let mut addressee = data.applicant_name.trim().to_owned();
    for line in paragraphs(&data.applicant_address) {
        addressee.push('\n');
        addressee.push_str(&line);
    }
    flow.paragraph(
        &[Run::regular(&addressee)],
        BODY_SIZE,
        0.0,
        ADDRESS_WIDTH,
        None,
    )?;

    // Information block to the right of the address field (same page as its top).
    let info_width = CONTENT_RIGHT - INFO_LEFT;
    let mut info_lines = wrap(
        fonts,
        &[Run::regular("Aktenzeichen: "), Run::bold(&data.file_number)],
        BODY_SIZE,
        info_width,
    )?;
    info_lines.extend(wrap(
        fonts,
        &[Run::regular("Datum: "), Run::bold(&date)],
        BODY_SIZE,
        info_width,
    )?);
    let info_end = if flow.pages.len() == address_page {
        flow.column(&info_lines, INFO_LEFT, address_top, BODY_SIZE)
    } else {
        // Pathological letterhead/address lengths: the address field already spilled
        // over; put the info block into the flow instead of losing it.
        for line in &info_lines {
            flow.line(line, LEFT, BODY_SIZE);
        }
        flow.y
    };
    flow.y = flow.y.max(info_end).max(BODY_MIN_TOP);

    // Title.
    let title = data.wording.title.as_str();
    flow.paragraph(&[Run::bold(title)], TITLE_SIZE, 0.0, CONTENT_WIDTH, None)?;

    if let Some(representative) = data
        .representative
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        flow.heading("Vertreten durch")?;
        flow.text_block(representative, Style::Regular, BODY_SIZE, 0.0)?;
    }
    flow.heading(&data.wording.subject_heading)?;
    flow.text_block(&data.project, Style::Regular, BODY_SIZE, 0.0)?;
    if !data.site.trim().is_empty() {
        flow.heading(&data.wording.site_heading)?;
        flow.text_block(&data.site, Style::Regular, BODY_SIZE, 0.0)?;
    }

    match &data.decision {
        Decision::Approval { conditions } => {
            flow.gap(SECTION_GAP);
            flow.text_block(&data.wording.decision_sentence, Style::Bold, BODY_SIZE, 0.0)?;
            if !conditions.is_empty() {
                flow.heading("Nebenbestimmungen")?;
                let widest = format!("{}.", conditions.len());
                let indent = fonts.width(Style::Regular, &widest, BODY_SIZE)? + 8.0;
                for (i, condition) in conditions.iter().enumerate() {
                    if i > 0 {
                        flow.gap(PARAGRAPH_GAP);
                    }
                    let number = format!("{}.", i + 1);
                    let label = condition.kind_label.trim();
                    let label = if label.is_empty() {
                        String::new()
                    } else {
                        format!("{label}:")
                    };
                    let paras = paragraphs(&condition.text);
                    let first = paras.first().map(String::as_str).unwrap_or_default();
                    let sep = if label.is_empty() || first.is_empty() {
                        ""
                    } else {
                        " "
                    };
                    let runs = [Run::bold(&label), Run::regular(sep), Run::regular(first)];
                    flow.paragraph(
                        &runs,
                        BODY_SIZE,
                        indent,
                        CONTENT_WIDTH - indent,
                        Some(&number),
                    )?;
                    for para in paras.iter().skip(1) {
                        flow.gap(PARAGRAPH_GAP / 2.0);
                        flow.paragraph(
                            &[Run::regular(para)],
                            BODY_SIZE,
                            indent,
                            CONTENT_WIDTH - indent,
                            None,
                        )?;
                    }
                }
            }
        }
        Decision::Refusal { reasons } => {
            flow.gap(SECTION_GAP);
            flow.text_block(&data.wording.decision_sentence, Style::Bold, BODY_SIZE, 0.0)?;
            flow.heading("Begründung")?;
            flow.text_block(reasons, Style::Regular, BODY_SIZE, 0.0)?;
        }
    }

    flow.heading("Rechtsbehelfsbelehrung")?;
    flow.text_block(&data.legal_remedies, Style::Regular, BODY_SIZE, 0.0)?;

    // Signature block, kept together.
    flow.gap(2.0 * SECTION_GAP);
    let signatory: Vec<Line> = paragraphs(&data.signatory)
        .iter()
        .map(|p| wrap(fonts, &[Run::regular(p)], BODY_SIZE, CONTENT_WIDTH))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    flow.ensure(signatory.len() as f32 * line_height(BODY_SIZE));
    for line in &signatory {
        flow.line(line, LEFT, BODY_SIZE);
    }

    Ok(flow.pages)
}

/// Collapses line breaks into ", " for one-line contexts.
fn single_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}
