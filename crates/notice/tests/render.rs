#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking
use std::process::Command;

use amtsweg_notice::{Condition, Decision, NoticeData, NoticeError, render_pdf};

const LEGAL_REMEDIES: &str = "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner \
Bekanntgabe Klage bei dem Verwaltungsgericht Musterstadt, Gerichtsstraße 1, 12345 Musterstadt, \
schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle erhoben werden.\n\n\
Die Klage kann auch elektronisch nach Maßgabe des § 55a der Verwaltungsgerichtsordnung (VwGO) \
eingereicht werden. Die Klage muss den Kläger, den Beklagten und den Gegenstand des \
Klagebegehrens bezeichnen und soll einen bestimmten Antrag enthalten.";

fn sample(decision: Decision) -> NoticeData {
    NoticeData {
        authority_name: "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde".into(),
        authority_address: "Am Marktplatz 1\n12345 Musterstadt".into(),
        file_number: "BG-2026-000042".into(),
        date: time::macros::date!(2026 - 11 - 27),
        applicant_name: "Antonín Dvořák".into(),
        applicant_address: "Hauptstraße 5\n12345 Musterstadt".into(),
        representative: Some(
            "Architekturbüro Łódź & Partner, Ringstraße 3, 12345 Musterstadt".into(),
        ),
        project: "Neubau eines Einfamilienhauses mit Doppelgarage".into(),
        site: "Hauptstraße 7, 12345 Musterstadt\nGemarkung Musterdorf, Flur 3, Flurstück 117/4"
            .into(),
        decision,
        legal_remedies: LEGAL_REMEDIES.into(),
        signatory: "Im Auftrag\nErika Mustermann".into(),
        wording: amtsweg_notice::Wording::building_permit(true),
    }
}

fn three_conditions() -> Decision {
    Decision::Approval {
        conditions: vec![
            Condition {
                kind_label: "Auflage".into(),
                text: "Die Stellplätze sind vor Nutzungsaufnahme herzustellen und dauerhaft \
                       freizuhalten."
                    .into(),
            },
            Condition {
                kind_label: "Bedingung".into(),
                text: "Mit den Bauarbeiten darf erst begonnen werden, wenn der geprüfte \
                       Standsicherheitsnachweis vorliegt."
                    .into(),
            },
            Condition {
                kind_label: "Hinweis".into(),
                text: "Die Baugenehmigung erlischt, wenn nicht innerhalb von drei Jahren nach \
                       ihrer Erteilung mit der Ausführung begonnen wird."
                    .into(),
            },
        ],
    }
}

/// Number of pages, read from the `/Count` of krilla's (single, uncompressed) page tree.
fn pages_via_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.split("/Count ")
        .skip(1)
        .filter_map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<usize>()
                .ok()
        })
        .max()
        .expect("no /Count in PDF")
}

#[test]
fn renders_approval_with_three_conditions() {
    let pdf = render_pdf(&sample(three_conditions())).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pages_via_count(&pdf), 1);
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("pdfaid:part>2<"),
        "PDF/A identification missing"
    );
    assert!(
        text.contains("pdfaid:conformance>B<"),
        "PDF/A conformance missing"
    );
    assert!(text.contains("Bescheid BG-2026-000042"), "title missing");
    assert!(text.contains("de-DE"), "language missing");
}

#[test]
fn renders_refusal() {
    let data = sample(Decision::Refusal {
        reasons: "Das Vorhaben fügt sich nicht in die Eigenart der näheren Umgebung ein \
                  (§ 34 Abs. 1 BauGB).\n\nDie erforderliche Erschließung ist nicht gesichert."
            .into(),
    });
    let pdf = render_pdf(&data).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn approval_without_conditions_and_representative() {
    let mut data = sample(Decision::Approval { conditions: vec![] });
    data.representative = None;
    let pdf = render_pdf(&data).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

fn many_conditions(n: usize) -> Decision {
    let kinds = ["Auflage", "Bedingung", "Befristung", "Hinweis"];
    Decision::Approval {
        conditions: (0..n)
            .map(|i| Condition {
                kind_label: kinds[i % kinds.len()].into(),
                text: format!(
                    "Nebenbestimmung Nummer {i}: Die Abstandsflächen nach Art. 6 BayBO sind \
                     einzuhalten; die Entwässerung des Grundstücks hat im Trennsystem zu \
                     erfolgen, wobei das Niederschlagswasser auf dem eigenen Grundstück zu \
                     versickern ist, soweit die Bodenverhältnisse dies zulassen. Der \
                     Baubeginn ist der Bauaufsichtsbehörde mindestens eine Woche vorher \
                     schriftlich anzuzeigen."
                ),
            })
            .collect(),
    }
}

#[test]
fn sixty_long_conditions_span_several_pages() {
    let pdf = render_pdf(&sample(many_conditions(60))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pages_via_count(&pdf);
    assert!(pages > 1, "expected several pages, got {pages}");
}

/// DIN 91379 sample names, precomposed letters as well as combining sequences.
const DIN_91379_NAMES: &[&str] = &[
    "Dvořák",
    "Łódź",
    "Nguyễn",
    "Ḱ",
    "Þórunn Guðmundsdóttir",
    "Şerban Ţiţeica / Șerban Țițeica",
    "Ærøskøbing Ångström Œuvre ẞ ß",
    "Ǯ ǯ Ʒ ʒ Ŋ ŋ Ŧ ŧ Ħ ħ ĸ ŉ",
    "Ǻ ǻ Ǽ ǽ Ǿ ǿ Ȟ ȟ Ḃ ḃ Ẁ ẁ Ỳ ỳ",
    "ʹ ʺ ʻ ʼ ʽ ˈ ˌ",
    // Combining sequences (base letter + U+0300..U+036F marks).
    "A\u{030B} C\u{0300} C\u{0304} C\u{0306} C\u{0308} C\u{0315} C\u{0323} C\u{0326}",
    "Ç\u{0306} D\u{0302} F\u{0300} F\u{0304} G\u{0300} H\u{0304} H\u{0326} H\u{0331}",
    "J\u{0301} J\u{030C} K\u{0300} K\u{0302} K\u{0304} K\u{0307} K\u{0315} K\u{031B}",
    "K\u{0326} K\u{035F}H k\u{035F}h L\u{0302} L\u{0325} L\u{0325}\u{0304} L\u{0326}",
    "M\u{0300} M\u{0302} M\u{0306} M\u{0310} N\u{0302} N\u{0304} N\u{0306} N\u{0326} N\u{035F}G",
    "Ō\u{0302} P\u{0300} P\u{0304} P\u{0315} P\u{0323} R\u{0306} R\u{0325} R\u{0325}\u{0304}",
    "S\u{0300} S\u{0304} Ṡ\u{0304} S\u{035F}H T\u{0300} T\u{0304} Ṭ\u{0304} V\u{0303} Y\u{0304}",
    "Z\u{0300} Z\u{0304} Z\u{0306} Z\u{0327} ḡ\u{0304} n\u{0304} x\u{0331} y\u{0304} z\u{0327}",
];

#[test]
fn din_91379_names_render() {
    for name in DIN_91379_NAMES {
        let mut data = sample(three_conditions());
        data.applicant_name = (*name).to_owned();
        if let Err(e) = render_pdf(&data) {
            panic!("{name:?} failed: {e}");
        }
    }
    // All at once, in every field that may hold names.
    let all = DIN_91379_NAMES.join(" ");
    let mut data = sample(three_conditions());
    data.applicant_name = all.clone();
    data.applicant_address = all.clone();
    data.representative = Some(all.clone());
    data.site = all.clone();
    data.signatory = format!("Im Auftrag\n{all}");
    render_pdf(&data).unwrap();
}

#[test]
fn unsupported_characters_are_an_error() {
    let mut data = sample(three_conditions());
    data.applicant_name = "王秀英".into();
    match render_pdf(&data) {
        Err(NoticeError::UnsupportedCharacter { character }) => assert_eq!(character, '王'),
        other => panic!("unexpected result: {other:?}"),
    }
}

#[test]
fn output_is_deterministic() {
    let data = sample(three_conditions());
    assert_eq!(render_pdf(&data).unwrap(), render_pdf(&data).unwrap());
}

fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("NOTE: pdftotext (poppler-utils) not installed; skipping text extraction check");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("amtsweg-notice-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "pdftotext failed: {output:?}");
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn extracted_text_contains_key_fields() {
    let data = sample(three_conditions());
    let pdf = render_pdf(&data).unwrap();
    let Some(text) = pdftotext(&pdf, "approval") else {
        return;
    };
    assert!(text.contains("BG-2026-000042"), "{text}");
    assert!(text.contains("Dvořák"), "{text}");
    assert!(text.contains("Łódź"), "{text}");
    assert!(text.contains("Baugenehmigung"), "{text}");
    assert!(text.contains("Standsicherheitsnachweis vorliegt"), "{text}");
    assert!(text.contains("Seite 1 von 1"), "{text}");
}

#[test]
fn long_notice_keeps_every_condition() {
    let pdf = render_pdf(&sample(many_conditions(60))).unwrap();
    let Some(text) = pdftotext(&pdf, "long") else {
        return;
    };
    let pages = pages_via_count(&pdf);
    for i in 0..60 {
        assert!(
            text.contains(&format!("Nebenbestimmung Nummer {i}:")),
            "condition {i} missing"
        );
    }
    assert!(
        text.contains(&format!("Seite {pages} von {pages}")),
        "{text}"
    );
    assert!(text.contains("Erika Mustermann"));
}

#[test]
fn degenerate_inputs_still_render() {
    let empty = NoticeData {
        authority_name: String::new(),
        authority_address: String::new(),
        file_number: String::new(),
        date: time::macros::date!(2027 - 01 - 01),
        applicant_name: String::new(),
        applicant_address: String::new(),
        representative: Some(" ".into()),
        project: String::new(),
        site: String::new(),
        decision: Decision::Refusal {
            reasons: String::new(),
        },
        legal_remedies: String::new(),
        signatory: String::new(),
        wording: amtsweg_notice::Wording::building_permit(true),
    };
    assert!(render_pdf(&empty).unwrap().starts_with(b"%PDF-"));

    let mut huge = sample(many_conditions(3));
    huge.file_number = "X".repeat(300);
    huge.authority_address = "Zeile\r\n".repeat(30);
    huge.applicant_address = "Grundstücksentwässerungsanlage".repeat(20);
    huge.legal_remedies = "Absatz mit Text.\n\n".repeat(200);
    let pdf = render_pdf(&huge).unwrap();
    assert!(pages_via_count(&pdf) > 2);
}
