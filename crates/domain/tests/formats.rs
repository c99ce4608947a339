//! The stored formats, frozen by golden files (`tests/snapshots/`): the JSON of a case and of
//! every kind of event as the store keeps them, and the XBau code lists the shipped services
//! use. A change that alters them fails here; old databases hold the old form, so such a
//! change needs a migration — accept a new snapshot (`cargo insta review`) only with one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use amtsweg_domain::case::{Case, ConditionItem, Decision, DocumentRequest, Event, Hearing};
use amtsweg_domain::deadlines::Consequence;
use amtsweg_domain::participation::{
    Answer, ExtensionRequest, ParticipationRequest, PartyKind, Statement,
};
use amtsweg_domain::service::{self, DefinitionSources};
use time::macros::date;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn condition() -> ConditionItem {
    ConditionItem {
        kind: "2".into(),
        text: "Die Zufahrt ist für die Feuerwehr freizuhalten.".into(),
        source: Some("Kreisbrandmeister".into()),
    }
}

fn request(answer: Option<Answer>) -> ParticipationRequest {
    ParticipationRequest {
        id: id(30),
        party_id: id(31),
        party_kind: PartyKind::Agency,
        party_name: "Kreisbrandmeister".into(),
        rule: "agency_statements".into(),
        question: "Bestehen Bedenken aus Sicht des Brandschutzes?".into(),
        shared_document_ids: vec![id(40), id(41)],
        requested_on: date!(2026 - 12 - 03),
        due: date!(2027 - 01 - 04),
        extensions: 1,
        pending_extension: Some(ExtensionRequest {
            until: date!(2027 - 01 - 18),
            reason: "Ortstermin nötig".into(),
        }),
        answer,
    }
}

/// One event of every kind; the match below fails to compile when a kind is added, so that
/// its sample (and golden file) is added too.
fn every_event() -> Vec<Event> {
    let events = vec![
        Event::Submitted {
            file_number: "BG-2026-00042".into(),
        },
        Event::TakenOver { assignee_id: id(2) },
        Event::MarkedComplete,
        Event::DocumentsRequested {
            defects: vec!["Lageplan fehlt".into()],
            deadline: date!(2026 - 12 - 17),
        },
        Event::DocumentsSupplied {
            document_ids: vec![id(42)],
        },
        Event::Approved {
            conditions: vec![condition()],
        },
        Event::Refused {
            reasons: "Das Vorhaben widerspricht dem Bebauungsplan.".into(),
        },
        Event::NoticeIssued {
            notice_document_id: id(43),
        },
        Event::NoticeRetrieved,
        Event::Withdrawn,
        Event::DeemedWithdrawn {
            rule: "supplement".into(),
            due: date!(2026 - 12 - 17),
        },
        Event::DeadlineReminder {
            rule: "decision".into(),
            due: date!(2027 - 03 - 01),
            lead_working_days: Some(5),
        },
        Event::ParticipationStarted {
            question: "Bestehen Bedenken?".into(),
            shared_document_ids: vec![id(40)],
            requests: vec![request(None)],
        },
        Event::StatementGiven {
            request_id: id(30),
            statement: Statement::Conditions {
                conditions: vec![condition()],
                remarks: "Nur mit Auflage.".into(),
            },
            attachment_ids: vec![id(44)],
            on: date!(2026 - 12 - 20),
            completes_round: false,
        },
        Event::ExtensionRequested {
            request_id: id(30),
            until: date!(2027 - 01 - 18),
            reason: "Ortstermin nötig".into(),
        },
        Event::ExtensionDecided {
            request_id: id(30),
            granted: true,
            due: date!(2027 - 01 - 18),
        },
        Event::StatementDeemed {
            request_id: id(32),
            consequence: Consequence::DeemedConsent,
            due: date!(2027 - 02 - 03),
            completes_round: true,
        },
        Event::HearingStarted {
            reasons: "Abstandsflächen nicht eingehalten.".into(),
            deadline: date!(2027 - 02 - 17),
        },
        Event::HearingResponded {
            text: "Wir ändern die Planung.".into(),
        },
        Event::DeemedApprovalWaived,
        Event::DeemedApproved {
            rule: "decision".into(),
            due: date!(2027 - 03 - 01),
        },
    ];
    for event in &events {
        match event {
            Event::Submitted { .. }
            | Event::TakenOver { .. }
            | Event::MarkedComplete
            | Event::DocumentsRequested { .. }
            | Event::DocumentsSupplied { .. }
            | Event::Approved { .. }
            | Event::Refused { .. }
            | Event::NoticeIssued { .. }
            | Event::NoticeRetrieved
            | Event::Withdrawn
            | Event::DeemedWithdrawn { .. }
            | Event::DeadlineReminder { .. }
            | Event::ParticipationStarted { .. }
            | Event::StatementGiven { .. }
            | Event::ExtensionRequested { .. }
            | Event::ExtensionDecided { .. }
            | Event::StatementDeemed { .. }
            | Event::HearingStarted { .. }
            | Event::HearingResponded { .. }
            | Event::DeemedApprovalWaived
            | Event::DeemedApproved { .. } => {}
        }
    }
    events
}

#[test]
fn the_stored_json_of_every_event_kind() {
    let events = every_event();
    let mut codes: Vec<&str> = events.iter().map(Event::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), events.len(), "one sample per kind");
    let mut golden = String::new();
    for event in &events {
        let json = serde_json::to_string(event).expect("json");
        // what the store holds reads back as the same event
        assert_eq!(
            &serde_json::from_str::<Event>(&json).expect("reads back"),
            event
        );
        golden.push_str(&format!("{}\n{json}\n\n", event.code()));
    }
    insta::assert_snapshot!("events", golden);
}

#[test]
fn the_stored_json_of_a_case() {
    let case = Case {
        state: "in_participation".into(),
        applicant_id: id(1),
        assignee_id: Some(id(2)),
        open_request: Some(DocumentRequest {
            defects: vec!["Lageplan fehlt".into()],
            deadline: date!(2026 - 12 - 17),
        }),
        decision: Some(Decision::Approval {
            conditions: vec![condition()],
        }),
        notice_document_id: Some(id(43)),
        deadline_profile: Some("bw_regular".into()),
        participations: vec![
            request(Some(Answer::Party {
                statement: Statement::NoConcerns {
                    remarks: String::new(),
                },
                attachment_ids: vec![],
                on: date!(2026 - 12 - 20),
            })),
            request(Some(Answer::Deemed {
                consequence: Consequence::DeemedNoConcerns,
                on: date!(2027 - 01 - 04),
            })),
        ],
        hearing: Some(Hearing {
            reasons: "Abstandsflächen".into(),
            deadline: date!(2027 - 02 - 17),
            response: None,
        }),
        deemed_approval_waived: false,
    };
    let json = serde_json::to_string_pretty(&case).expect("json");
    assert_eq!(
        serde_json::from_str::<Case>(&json).expect("reads back"),
        case
    );
    insta::assert_snapshot!("case", json);
    // a case stored before the participation, hearing and waiver existed still reads
    let early = r#"{"state":"submitted","applicant_id":"00000000-0000-0000-0000-000000000001","assignee_id":null,"open_request":null,"decision":null,"notice_document_id":null}"#;
    let read: Case = serde_json::from_str(early).expect("an early case");
    assert!(read.participations.is_empty() && read.hearing.is_none());
}

#[test]
fn the_consequence_codes_are_their_stored_names() {
    for consequence in [
        Consequence::Reminder,
        Consequence::DeemedConsent,
        Consequence::DeemedNoConcerns,
        Consequence::DeemedWithdrawal,
        Consequence::DeemedApproval,
    ] {
        assert_eq!(
            serde_json::to_value(consequence).expect("json"),
            consequence.code()
        );
    }
}

/// The XBau code list values every shipped service uses (condition kinds: `nebenbestimmungart`).
#[test]
fn the_xbau_code_lists_in_use() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../services");
    let mut golden = String::new();
    let mut ids: Vec<_> = std::fs::read_dir(root)
        .expect("services")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    ids.sort();
    for id in ids {
        let dir = format!("{root}/{id}");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).expect(f);
        let (svc, form, docs, process) = (
            read("service.toml"),
            read("form.toml"),
            read("documents.toml"),
            read("process.toml"),
        );
        let sources = DefinitionSources {
            service: &svc,
            form: &form,
            documents: &docs,
            process: &process,
        };
        let definition = service::load(&format!("services/{id}"), &sources).expect("loads");
        golden.push_str(&format!("{id}: nebenbestimmungart\n"));
        for kind in &definition.condition_kinds {
            golden.push_str(&format!(
                "  {} | {} | {}\n",
                kind.code, kind.label.de, kind.label.en
            ));
        }
    }
    insta::assert_snapshot!("xbau_code_lists", golden);
}
