//! Participation, hearing and deemed approval on the shipped building permit definition:
//! statements and their conditions, silence, extensions, the decision blocked while agencies
//! are still asked, the hearing before a refusal, and what the scheduler plans.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use amtsweg_domain::calendar::{Calendar, State};
use amtsweg_domain::case::{self, Actor, Case, CaseError, Command, ConditionItem, Decision, Event};
use amtsweg_domain::deadlines::{Consequence, Occurrence, Trigger, evaluate};
use amtsweg_domain::participation::{self, Answer, NewRequest, PartyActor, PartyKind, Statement};
use amtsweg_domain::policy::Role;
use amtsweg_domain::scheduling::{self, Job};
use amtsweg_domain::service::{self, DefinitionSources, ServiceDefinition};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const APPLICANT: Uuid = Uuid::from_u128(1);
const CASEWORKER: Uuid = Uuid::from_u128(2);
const FIRE: Uuid = Uuid::from_u128(20);
const MONUMENT: Uuid = Uuid::from_u128(21);
const TOWN: Uuid = Uuid::from_u128(22);
const TODAY: Date = date!(2026 - 11 - 27);

fn definition() -> ServiceDefinition {
    let sources = DefinitionSources {
        service: include_str!("../../../../services/baugenehmigung/service.toml"),
        form: include_str!("../../../../services/baugenehmigung/form.toml"),
        documents: include_str!("../../../../services/baugenehmigung/documents.toml"),
        process: include_str!("../../../../services/baugenehmigung/process.toml"),
    };
    service::load("services/baugenehmigung", &sources).unwrap_or_else(|e| panic!("{e}"))
}

fn caseworker() -> Actor {
    Actor {
        user_id: CASEWORKER,
        role: Role::Caseworker,
    }
}

fn applicant() -> Actor {
    Actor {
        user_id: APPLICANT,
        role: Role::Applicant,
    }
}

fn officer(party: Uuid) -> PartyActor {
    PartyActor {
        user_id: Uuid::from_u128(party.as_u128() + 100),
        role: Role::Agency,
        party_id: Some(party),
    }
}

fn step(d: &ServiceDefinition, case: Case, who: Actor, command: Command, today: Date) -> Case {
    let decided = case::decide(d, &case, who, command, today).unwrap_or_else(|e| panic!("{e}"));
    case::evolve(case, &decided.event, &decided.to_state)
}

fn apply(case: Case, decided: case::Decided) -> Case {
    case::evolve(case, &decided.event, &decided.to_state)
}

/// A case under substantive check, taken over by the caseworker, in the BW profile.
fn under_review(d: &ServiceDefinition) -> Case {
    let mut case = Case::new(d, APPLICANT);
    case.deadline_profile = Some("bw_simplified".into());
    let case = step(d, case, caseworker(), Command::TakeOver, TODAY);
    step(d, case, caseworker(), Command::ConfirmComplete, TODAY)
}

fn request(id: u128, party: Uuid, kind: PartyKind, rule: &str, due: Date) -> NewRequest {
    NewRequest {
        id: Uuid::from_u128(id),
        party_id: party,
        party_kind: kind,
        party_name: format!("Stelle {id}"),
        rule: rule.into(),
        due,
    }
}

fn asked(d: &ServiceDefinition) -> Case {
    step(
        d,
        under_review(d),
        caseworker(),
        Command::StartParticipation {
            requests: vec![
                request(
                    1,
                    FIRE,
                    PartyKind::Agency,
                    "agency_statements",
                    date!(2026 - 12 - 28),
                ),
                request(
                    2,
                    MONUMENT,
                    PartyKind::Agency,
                    "agency_statements",
                    date!(2026 - 12 - 28),
                ),
                request(
                    3,
                    TOWN,
                    PartyKind::Municipality,
                    "municipal_consent",
                    date!(2027 - 01 - 27),
                ),
            ],
            question: "Bitte um Stellungnahme zum Neubau".into(),
            shared_document_ids: vec![Uuid::from_u128(77)],
        },
        TODAY,
    )
}

fn approve() -> Command {
    Command::Approve {
        conditions: vec![ConditionItem {
            kind: "4".into(),
            text: "Baubeginn anzeigen".into(),
            source: Some("vorgetäuscht".into()),
        }],
        adopt_statement_conditions: true,
    }
}

#[test]
fn a_participation_asks_each_party_and_blocks_the_decision_until_all_have_answered() {
    let d = definition();
    let case = asked(&d);
    assert_eq!(case.state, "participation");
    assert_eq!(case.participations.len(), 3);
    assert!(case.participations.iter().all(|p| p.is_open()));
    assert_eq!(case.participations[0].requested_on, TODAY);
    // approval is not even a transition from "participation"; the engine says so
    assert!(case::decide(&d, &case, caseworker(), approve(), TODAY).is_err());
    // the same party cannot be asked twice while its request is open
    let twice = case::decide(
        &d,
        &case,
        caseworker(),
        Command::StartParticipation {
            requests: vec![request(
                4,
                FIRE,
                PartyKind::Agency,
                "agency_statements",
                date!(2026 - 12 - 28),
            )],
            question: "Nochmal".into(),
            shared_document_ids: vec![],
        },
        TODAY,
    );
    assert!(matches!(
        twice,
        Err(CaseError::Invalid {
            field: "parties",
            ..
        })
    ));

    // the fire service asks for conditions
    let conditions = Statement::Conditions {
        conditions: vec![ConditionItem {
            kind: "2".into(),
            text: "Rauchwarnmelder in allen Aufenthaltsräumen".into(),
            source: None,
        }],
        remarks: String::new(),
    };
    let decided = participation::decide_statement(
        &d,
        &case,
        officer(FIRE),
        Uuid::from_u128(1),
        conditions.clone(),
        vec![],
        date!(2026 - 12 - 10),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        decided.event,
        Event::StatementGiven {
            completes_round: false,
            ..
        }
    ));
    let case = apply(case, decided);
    // answered once is answered
    assert_eq!(
        participation::decide_statement(
            &d,
            &case,
            officer(FIRE),
            Uuid::from_u128(1),
            conditions,
            vec![],
            TODAY
        )
        .err(),
        Some(CaseError::RequestClosed)
    );
    // another agency cannot answer the fire service's request, and gets "no such request"
    assert_eq!(
        participation::decide_statement(
            &d,
            &case,
            officer(MONUMENT),
            Uuid::from_u128(3),
            Statement::NoConcerns {
                remarks: String::new()
            },
            vec![],
            TODAY
        )
        .err(),
        Some(CaseError::NoSuchRequest)
    );
    // a municipality gives consent, not an agency's verdict
    assert!(matches!(
        participation::decide_statement(
            &d,
            &case,
            officer(TOWN),
            Uuid::from_u128(3),
            Statement::NoConcerns {
                remarks: String::new()
            },
            vec![],
            TODAY
        ),
        Err(CaseError::Invalid {
            field: "verdict",
            ..
        })
    ));

    // the monument authority stays silent: after its deadline, no concerns are deemed
    assert!(
        participation::decide_deemed_statement(
            &d,
            &case,
            Uuid::from_u128(2),
            Consequence::DeemedNoConcerns,
            date!(2026 - 12 - 28)
        )
        .is_none(),
        "not before the deadline has passed"
    );
    let deemed = participation::decide_deemed_statement(
        &d,
        &case,
        Uuid::from_u128(2),
        Consequence::DeemedNoConcerns,
        date!(2026 - 12 - 29),
    )
    .unwrap_or_else(|| panic!("deemed"));
    let case = apply(case, deemed);
    // the municipality stays silent: its consent is deemed given, which completes the round
    let deemed = participation::decide_deemed_statement(
        &d,
        &case,
        Uuid::from_u128(3),
        Consequence::DeemedConsent,
        date!(2027 - 01 - 28),
    )
    .unwrap_or_else(|| panic!("deemed consent"));
    assert!(matches!(
        deemed.event,
        Event::StatementDeemed {
            completes_round: true,
            ..
        }
    ));
    assert_eq!(
        Trigger::of(&deemed.event),
        Some(Trigger::StatementsComplete)
    );
    let case = apply(case, deemed);
    assert_eq!(case.state, "participation_complete");
    assert!(matches!(
        case.participations[2].answer,
        Some(Answer::Deemed {
            consequence: Consequence::DeemedConsent,
            ..
        })
    ));

    // the approval takes the fire service's condition first, with its source; the
    // caseworker's own condition cannot pretend to come from an agency
    let approved = step(
        &d,
        case.clone(),
        caseworker(),
        approve(),
        date!(2027 - 01 - 28),
    );
    let Some(Decision::Approval { conditions }) = approved.decision else {
        panic!("approval expected");
    };
    assert_eq!(conditions.len(), 2);
    assert_eq!(
        conditions[0].text,
        "Rauchwarnmelder in allen Aufenthaltsräumen"
    );
    assert_eq!(conditions[0].source.as_deref(), Some("Stelle 1"));
    assert_eq!(conditions[1].source, None);
    // without adopting, only the caseworker's own
    let own_only = step(
        &d,
        case,
        caseworker(),
        Command::Approve {
            conditions: vec![],
            adopt_statement_conditions: false,
        },
        date!(2027 - 01 - 28),
    );
    assert_eq!(
        own_only.decision,
        Some(Decision::Approval { conditions: vec![] })
    );
}

#[test]
fn a_refused_consent_blocks_the_approval() {
    let d = definition();
    let mut case = asked(&d);
    for (id, party, statement) in [
        (
            1,
            FIRE,
            Statement::NoConcerns {
                remarks: String::new(),
            },
        ),
        (
            2,
            MONUMENT,
            Statement::Objection {
                reasons: "Sichtachse zum Schloss".into(),
            },
        ),
        (
            3,
            TOWN,
            Statement::ConsentRefused {
                reasons: "Widerspricht dem Bebauungsplan".into(),
            },
        ),
    ] {
        let decided = participation::decide_statement(
            &d,
            &case,
            officer(party),
            Uuid::from_u128(id),
            statement,
            vec![],
            TODAY,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        case = apply(case, decided);
    }
    assert_eq!(case.state, "participation_complete");
    assert_eq!(
        case::decide(&d, &case, caseworker(), approve(), TODAY).err(),
        Some(CaseError::ConsentRefused)
    );
}

#[test]
fn extensions_stay_within_what_the_rule_allows_and_the_caseworker_decides() {
    let d = definition();
    let case = asked(&d);
    let fire = Uuid::from_u128(1);
    let ask = |case: &Case, until: Date, latest: Option<Date>| {
        participation::decide_extension_request(
            &d,
            case,
            officer(FIRE),
            fire,
            until,
            "Ortstermin nötig",
            latest,
        )
    };
    // the rule allows no extension (latest: None), or the date lies outside what it allows
    assert!(matches!(
        ask(&case, date!(2027 - 01 - 10), None),
        Err(CaseError::Invalid { field: "until", .. })
    ));
    assert!(matches!(
        ask(&case, date!(2027 - 02 - 10), Some(date!(2027 - 01 - 28))),
        Err(CaseError::Invalid { field: "until", .. })
    ));
    assert!(matches!(
        ask(&case, date!(2026 - 12 - 20), Some(date!(2027 - 01 - 28))),
        Err(CaseError::Invalid { field: "until", .. })
    ));
    let case = apply(
        case.clone(),
        ask(&case, date!(2027 - 01 - 15), Some(date!(2027 - 01 - 28)))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert!(case.participations[0].pending_extension.is_some());
    // one open request at a time
    assert!(ask(&case, date!(2027 - 01 - 16), Some(date!(2027 - 01 - 28))).is_err());
    // only staff decide, and a caseworker only on their own case
    let stranger = Actor {
        user_id: Uuid::from_u128(99),
        role: Role::Caseworker,
    };
    assert_eq!(
        participation::decide_extension(&d, &case, stranger, fire, true).err(),
        Some(CaseError::NotAssignee)
    );
    assert!(participation::decide_extension(&d, &case, applicant(), fire, true).is_err());
    let granted = apply(
        case.clone(),
        participation::decide_extension(&d, &case, caseworker(), fire, true)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(granted.participations[0].due, date!(2027 - 01 - 15));
    assert_eq!(granted.participations[0].extensions, 1);
    assert!(granted.participations[0].pending_extension.is_none());
    let refused = apply(
        case.clone(),
        participation::decide_extension(&d, &case, caseworker(), fire, false)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(refused.participations[0].due, date!(2026 - 12 - 28));
    assert_eq!(refused.participations[0].extensions, 0);
}

#[test]
fn a_refusal_needs_a_hearing_first() {
    let d = definition();
    let case = under_review(&d);
    let refuse = || Command::Refuse {
        reasons: "Abstandsflächen nicht eingehalten".into(),
    };
    assert_eq!(
        case::decide(&d, &case, caseworker(), refuse(), TODAY).err(),
        Some(CaseError::HearingRequired)
    );
    // at least seven days to respond
    assert!(matches!(
        case::decide(
            &d,
            &case,
            caseworker(),
            Command::StartHearing {
                reasons: "Abstandsflächen".into(),
                deadline: date!(2026 - 11 - 30)
            },
            TODAY
        ),
        Err(CaseError::Invalid {
            field: "deadline",
            ..
        })
    ));
    let heard = step(
        &d,
        case,
        caseworker(),
        Command::StartHearing {
            reasons: "Abstandsflächen nicht eingehalten".into(),
            deadline: date!(2026 - 12 - 11),
        },
        TODAY,
    );
    assert_eq!(heard.state, "hearing");
    assert_eq!(
        case::decide(&d, &heard, caseworker(), refuse(), date!(2026 - 12 - 11)).err(),
        Some(CaseError::HearingRunning)
    );
    // after the period, or after the applicant's response, the refusal may follow
    assert!(case::decide(&d, &heard, caseworker(), refuse(), date!(2026 - 12 - 12)).is_ok());
    // only the applicant responds, once
    assert!(
        case::decide(
            &d,
            &heard,
            caseworker(),
            Command::RespondToHearing { text: "x".into() },
            TODAY
        )
        .is_err()
    );
    let responded = step(
        &d,
        heard,
        applicant(),
        Command::RespondToHearing {
            text: "Wir passen den Entwurf an.".into(),
        },
        TODAY,
    );
    assert!(
        case::decide(
            &d,
            &responded,
            applicant(),
            Command::RespondToHearing {
                text: "noch".into()
            },
            TODAY
        )
        .is_err()
    );
    let refused = step(&d, responded, caseworker(), refuse(), TODAY);
    assert_eq!(refused.state, "refusal_drafted");
}

fn history(events: &[(Date, Trigger)]) -> Vec<Occurrence> {
    events
        .iter()
        .map(|(on, trigger)| Occurrence {
            on: *on,
            trigger: *trigger,
            set_date: None,
        })
        .collect()
}

#[test]
fn the_scheduler_reminds_ahead_deems_approval_and_a_waiver_ends_it() {
    let d = definition();
    let rules = d
        .process
        .deadlines
        .as_ref()
        .unwrap_or_else(|| panic!("rules"));
    let profile = rules
        .profile("bw_simplified")
        .unwrap_or_else(|| panic!("bw"));
    let calendar = Calendar::new(State::BW);
    let case = under_review(&d);
    // documents complete and statements complete on 2026-11-27: the BW decision period of one
    // month (deemed approval) ends on Monday 2026-12-28
    let past = history(&[
        (TODAY, Trigger::Submitted),
        (TODAY, Trigger::DocumentsComplete),
        (TODAY, Trigger::StatementsComplete),
    ]);
    let plan_on =
        |today: Date, sent: &[(String, Date, Option<u32>)], history: &[Occurrence], case: &Case| {
            let deadlines =
                evaluate(profile, &calendar, history, today).unwrap_or_else(|e| panic!("{e}"));
            scheduling::plan(
                Some(profile),
                &deadlines,
                case,
                sent,
                &[5, 1],
                &calendar,
                today,
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
    let early = plan_on(date!(2026 - 12 - 01), &[], &past, &case);
    assert!(early.now.is_empty());
    // five working days before Monday 28 December (24–26 December are no working days in BW:
    // Christmas Eve is one, but 25 and 26 are holidays): Friday 18 December
    assert_eq!(early.next_on, Some(date!(2026 - 12 - 18)));
    let ahead = plan_on(date!(2026 - 12 - 18), &[], &past, &case);
    assert_eq!(
        ahead.now,
        [Job::Reminder {
            rule: "decision".into(),
            due: date!(2026 - 12 - 28),
            lead: Some(5)
        }]
    );
    // after the five-day reminder, the next is due one working day before
    let sent = vec![("decision".to_string(), date!(2026 - 12 - 28), Some(5))];
    let after = plan_on(date!(2026 - 12 - 18), &sent, &past, &case);
    assert!(after.now.is_empty());
    assert_eq!(after.next_on, Some(date!(2026 - 12 - 24)));
    // the day after the deadline the permit is deemed granted
    let expired = plan_on(date!(2026 - 12 - 29), &sent, &past, &case);
    assert_eq!(
        expired.now,
        [Job::DeemApproval {
            rule: "decision".into(),
            due: date!(2026 - 12 - 28)
        }]
    );
    let granted = case::decide_deemed_approval(&d, &case, "decision", date!(2026 - 12 - 28))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(granted.to_state, "deemed_approved");
    // the applicant waived it: the rule ends and nothing is planned
    let waived_case = step(
        &d,
        case.clone(),
        applicant(),
        Command::WaiveDeemedApproval,
        date!(2026 - 12 - 02),
    );
    let mut waived = past.clone();
    waived.push(Occurrence {
        on: date!(2026 - 12 - 02),
        trigger: Trigger::DeemedApprovalWaived,
        set_date: None,
    });
    let later = plan_on(date!(2026 - 12 - 29), &[], &waived, &waived_case);
    assert!(later.now.is_empty(), "{:?}", later.now);
    assert!(
        case::decide_deemed_approval(&d, &waived_case, "decision", date!(2026 - 12 - 28)).is_err()
    );
}

#[test]
fn silent_parties_are_planned_the_day_after_their_deadline() {
    let d = definition();
    let rules = d
        .process
        .deadlines
        .as_ref()
        .unwrap_or_else(|| panic!("rules"));
    let profile = rules
        .profile("bw_simplified")
        .unwrap_or_else(|| panic!("bw"));
    let calendar = Calendar::new(State::BW);
    let case = asked(&d);
    let plan = |today: Date| {
        scheduling::plan(Some(profile), &[], &case, &[], &[5, 1], &calendar, today)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let before = plan(date!(2026 - 12 - 28));
    assert!(before.now.is_empty());
    assert_eq!(before.next_on, Some(date!(2026 - 12 - 29)));
    let due = plan(date!(2026 - 12 - 29));
    assert_eq!(
        due.now,
        [
            Job::DeemStatement {
                request_id: Uuid::from_u128(1),
                consequence: Consequence::DeemedNoConcerns
            },
            Job::DeemStatement {
                request_id: Uuid::from_u128(2),
                consequence: Consequence::DeemedNoConcerns
            },
        ]
    );
    assert_eq!(due.next_on, Some(date!(2027 - 01 - 28)));
}

mod random_steps;
