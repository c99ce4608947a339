//! Writes sample notices for visual inspection:
//! `cargo run -p amtsweg-notice --example sample_notice -- /tmp/out` writes
//! `approval.pdf`, `refusal.pdf`, `long.pdf` and `din91379.pdf` into that directory.

use std::path::PathBuf;

use amtsweg_notice::{Condition, Decision, NoticeData, render_pdf};

fn data(decision: Decision) -> NoticeData {
    NoticeData {
        authority_name: "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde".into(),
        authority_address: "Am Marktplatz 1\n12345 Musterstadt".into(),
        file_number: "BG-2026-000042".into(),
        date: time::macros::date!(2026 - 11 - 27),
        applicant_name: "Antonín Dvořák".into(),
        applicant_address:
            "c/o Nguyễn Thị Ḱ\u{0301}L\u{0325}\u{0304}\nHauptstraße 5\n12345 Musterstadt".into(),
        representative: Some(
            "Architekturbüro Łódź & Partner, Ringstraße 3, 12345 Musterstadt".into(),
        ),
        project: "Neubau eines Einfamilienhauses mit Doppelgarage und Photovoltaikanlage".into(),
        site: "Hauptstraße 7, 12345 Musterstadt\nGemarkung Musterdorf, Flur 3, Flurstück 117/4"
            .into(),
        decision,
        legal_remedies:
            "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe \
            Klage bei dem Verwaltungsgericht Musterstadt, Gerichtsstraße 1, 12345 Musterstadt, \
            schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle erhoben \
            werden.\n\nDie Klage kann auch elektronisch nach Maßgabe des § 55a der \
            Verwaltungsgerichtsordnung (VwGO) eingereicht werden."
                .into(),
        signatory: "Im Auftrag\nErika Mustermann".into(),
        wording: amtsweg_notice::Wording::building_permit(true),
    }
}

/// Sample names/letters from DIN 91379, including combining sequences.
const DIN_91379_SAMPLES: &[&str] = &[
    "Dvořák Łódź Nguyễn Ḱ Þórunn Guðmundsdóttir Șerban Țițeica ẞ Ǯǯ Ʒʒ Ŋŋ ʹʺʻʼʽˈˌ",
    "A\u{030B} C\u{0300} C\u{0304} C\u{0306} C\u{0308} C\u{0315} C\u{0323} C\u{0326} Ç\u{0306} D\u{0302}",
    "K\u{0326} K\u{035F}H k\u{035F}h L\u{0302} L\u{0325} L\u{0325}\u{0304} L\u{0326} M\u{0310} N\u{035F}G",
    "Ō\u{0302} P\u{0315} R\u{0325}\u{0304} Ṡ\u{0304} S\u{035F}H Ṭ\u{0304} V\u{0303} Z\u{0327} ḡ\u{0304} x\u{0331}",
];

fn condition(kind: &str, text: &str) -> Condition {
    Condition {
        kind_label: kind.into(),
        text: text.into(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;

    let approval = data(Decision::Approval {
        conditions: vec![
            condition(
                "Auflage",
                "Die Stellplätze sind vor Nutzungsaufnahme herzustellen und dauerhaft freizuhalten.",
            ),
            condition(
                "Bedingung",
                "Mit den Bauarbeiten darf erst begonnen werden, wenn der geprüfte \
                 Standsicherheitsnachweis vorliegt.",
            ),
            condition(
                "Hinweis",
                "Die Baugenehmigung erlischt, wenn nicht innerhalb von drei Jahren nach ihrer \
                 Erteilung mit der Ausführung begonnen wird.\n\nDies gilt auch für Teilbaugenehmigungen.",
            ),
        ],
    });
    let refusal = data(Decision::Refusal {
        reasons: "Das Vorhaben fügt sich nicht in die Eigenart der näheren Umgebung ein \
                  (§ 34 Abs. 1 BauGB).\n\nDie erforderliche Erschließung ist nicht gesichert."
            .into(),
    });
    let long = data(Decision::Approval {
        conditions: (1..=40)
            .map(|i| {
                condition(
                    ["Auflage", "Bedingung", "Befristung", "Hinweis"][i % 4],
                    &format!(
                        "Nebenbestimmung {i}: Die Abstandsflächen sind einzuhalten; die \
                         Entwässerung des Grundstücks hat im Trennsystem zu erfolgen, wobei das \
                         Niederschlagswasser auf dem eigenen Grundstück zu versickern ist, soweit \
                         die Bodenverhältnisse dies zulassen."
                    ),
                )
            })
            .collect(),
    });
    let mut names = data(Decision::Refusal {
        reasons: DIN_91379_SAMPLES.join("\n"),
    });
    names.applicant_name = "Nguyễn Thị Ḱim Łódź-Dvořák".into();
    let notices = [
        ("approval", approval),
        ("refusal", refusal),
        ("long", long),
        ("din91379", names),
    ];
    for (name, notice) in notices {
        let pdf = render_pdf(&notice)?;
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf)?;
        println!("{} ({} bytes)", path.display(), pdf.len());
    }
    Ok(())
}
