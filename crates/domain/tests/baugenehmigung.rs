//! The shipped building permit definition: it loads, its code lists match the official ones,
//! and no sequence of commands brings a case outside its process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use amtsweg_domain::case::{self, ActionKind, Actor, Case, Command, ConditionItem, Event};
use amtsweg_domain::form::{self, FormData, Mode};
use amtsweg_domain::policy::Role;
use amtsweg_domain::service::{self, DefinitionSources, ServiceDefinition};
use proptest::prelude::*;
use time::macros::date;
use uuid::Uuid;

fn sources() -> DefinitionSources<'static> {
    DefinitionSources {
        service: include_str!("../../../services/baugenehmigung/service.toml"),
        form: include_str!("../../../services/baugenehmigung/form.toml"),
        documents: include_str!("../../../services/baugenehmigung/documents.toml"),
        process: include_str!("../../../services/baugenehmigung/process.toml"),
    }
}

fn definition() -> ServiceDefinition {
    match service::load("services/baugenehmigung", &sources()) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_shipped_definition_loads() {
    let d = definition();
    assert_eq!(d.id, "baugenehmigung");
    assert!(d.field("site_parcel").is_some());
    assert!(d.document_type("lageplan").is_some_and(|t| t.required));
}

#[test]
fn condition_kinds_match_the_xbau_code_list() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/xbau-2.6/codelists/nebenbestimmungart_3.0.xml"
    );
    // the official code list is the judge: without it the test cannot say anything, so it fails
    let xml = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (the XBau 2.6 code lists of ../shared)"));
    let d = definition();
    for kind in &d.condition_kinds {
        let row = format!("<SimpleValue>{}</SimpleValue>", kind.code);
        let at = xml
            .find(&row)
            .unwrap_or_else(|| panic!("code {} not in the code list", kind.code));
        let next = &xml[at + row.len()..];
        let label_start = next
            .find("<SimpleValue>")
            .map(|i| i + "<SimpleValue>".len())
            .unwrap_or(0);
        let label = next[label_start..].split('<').next().unwrap_or_default();
        assert_eq!(
            label, kind.label.de,
            "label of code {} differs from the code list",
            kind.code
        );
    }
}

fn check(sources: DefinitionSources<'_>, expected: &str) {
    match service::load("svc", &sources) {
        Ok(_) => panic!("expected error {expected}"),
        Err(e) => assert_eq!(e.to_string(), expected),
    }
}

#[test]
fn definition_errors_name_file_and_field() {
    let broken_process = sources()
        .process
        .replace("to = \"documents_requested\"", "to = \"nowhere\"");
    check(
        DefinitionSources {
            process: &broken_process,
            ..sources()
        },
        "svc/process.toml: transitions[3].to: 'nowhere' is not a state",
    );
    let broken_form = sources()
        .form
        .replace("equals = \"person\"", "equals = \"alien\"");
    check(
        DefinitionSources {
            form: &broken_form,
            ..sources()
        },
        "svc/form.toml: steps[0].fields[1].only_if.equals: 'alien' is not a value of 'applicant_kind'",
    );
    let broken_docs = sources().documents.replacen(
        "accept = [\"application/pdf\"]",
        "accept = [\"application/msword\"]",
        1,
    );
    let err = service::load(
        "svc",
        &DefinitionSources {
            documents: &broken_docs,
            ..sources()
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        err.starts_with(
            "svc/documents.toml: documents[2].accept[0]: 'application/msword' cannot be recognised"
        ),
        "{err}"
    );
    check(
        DefinitionSources {
            service: "id = 1",
            ..sources()
        },
        "svc/service.toml: line 1: invalid type: integer `1`, expected a string",
    );
}

fn valid_form() -> FormData {
    [
        ("applicant_kind", "person"),
        ("applicant_given_name", "Zoë"),
        ("applicant_family_name", "Dvořák-Łódź"),
        ("applicant_street", "Hauptstraße 12a"),
        ("applicant_postal_code", "70173"),
        ("applicant_city", "Stuttgart"),
        ("applicant_email", "zoe@example.org"),
        ("architect_name", "Erika Mustermann"),
        ("architect_chamber_number", "BW-12345"),
        ("representative_present", "false"),
        ("project_description", "Neubau eines Einfamilienhauses"),
        ("building_class", "1"),
        ("storeys", "2"),
        ("dwelling_units", "1"),
        ("gross_floor_area", "180"),
        ("construction_cost", "350.000,00"),
        ("site_street", "Am Weinberg 3"),
        ("site_postal_code", "70597"),
        ("site_city", "Stuttgart"),
        ("site_cadastral_district", "Degerloch"),
        ("site_flur", "4"),
        ("site_parcel", "1234/5"),
        ("procedure_type", "simplified"),
        ("deviations_requested", "false"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn a_complete_form_passes_and_inapplicable_fields_are_dropped() {
    let d = definition();
    let mut data = valid_form();
    data.insert("applicant_company".into(), "Ignored GmbH".into());
    let clean = form::validate(&d, &data, Mode::Submit).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!clean.contains_key("applicant_company"));
}

#[test]
fn form_errors_name_the_field_and_the_character() {
    let d = definition();
    let mut data = valid_form();
    data.insert("applicant_family_name".into(), "Иванов".into());
    data.remove("site_parcel");
    data.insert("storeys".into(), "0".into());
    data.insert("deviations_requested".into(), "true".into());
    data.insert("hacked".into(), "x".into());
    let errors = form::validate(&d, &data, Mode::Submit)
        .err()
        .unwrap_or_default();
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert!(
        codes.contains(&("applicant_family_name", "invalid_character")),
        "{codes:?}"
    );
    assert!(codes.contains(&("site_parcel", "required")));
    assert!(codes.contains(&("storeys", "too_small")));
    assert!(codes.contains(&("deviations_description", "required")));
    assert!(codes.contains(&("hacked", "unknown_field")));
    let name_error = errors
        .iter()
        .find(|e| e.field == "applicant_family_name")
        .map(|e| e.message.de.clone())
        .unwrap_or_default();
    assert!(name_error.contains("„И“"), "{name_error}");
    // a draft only checks what is there
    let draft: FormData = [("storeys".to_string(), "2".to_string())]
        .into_iter()
        .collect();
    assert!(form::validate(&d, &draft, Mode::Draft).is_ok());
}

#[test]
fn required_documents_follow_the_form() {
    let d = definition();
    let mut data = valid_form();
    let missing: Vec<&str> = form::missing_documents(&d, &data, &["lageplan"])
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "bauzeichnungen",
            "baubeschreibung",
            "bauvorlageberechtigung"
        ]
    );
    data.insert("representative_present".into(), "true".into());
    let missing: Vec<&str> = form::missing_documents(
        &d,
        &data,
        &[
            "lageplan",
            "bauzeichnungen",
            "baubeschreibung",
            "bauvorlageberechtigung",
        ],
    )
    .iter()
    .map(|t| t.id.as_str())
    .collect();
    assert_eq!(missing, ["vollmacht"]);
}

const APPLICANT: Uuid = Uuid::from_u128(1);
const CASEWORKER: Uuid = Uuid::from_u128(2);
const OTHER_CASEWORKER: Uuid = Uuid::from_u128(3);
const HEAD: Uuid = Uuid::from_u128(4);

fn actor(user_id: Uuid, role: Role) -> Actor {
    Actor { user_id, role }
}

fn run(
    d: &ServiceDefinition,
    mut case: Case,
    steps: Vec<(Actor, Command)>,
) -> Result<Case, String> {
    for (who, command) in steps {
        let decided = case::decide(d, &case, who, command, date!(2026 - 11 - 27))
            .map_err(|e| e.to_string())?;
        case = case::evolve(case, &decided.event, &decided.to_state);
    }
    Ok(case)
}

#[test]
fn the_approval_path_with_a_document_request() {
    let d = definition();
    let cw = actor(CASEWORKER, Role::Caseworker);
    let case = run(
        &d,
        Case::new(&d, APPLICANT),
        vec![
            (cw, Command::TakeOver),
            (
                cw,
                Command::RequestDocuments {
                    defects: vec!["Lageplan unlesbar".into()],
                    deadline: date!(2026 - 12 - 11),
                },
            ),
            (
                actor(APPLICANT, Role::Applicant),
                Command::SupplyDocuments {
                    document_ids: vec![Uuid::from_u128(77)],
                },
            ),
            (cw, Command::ConfirmComplete),
            (
                cw,
                Command::Approve {
                    conditions: vec![ConditionItem {
                        kind: "2".into(),
                        text: "Stellplätze herstellen".into(),
                        source: None,
                    }],
                    adopt_statement_conditions: true,
                },
            ),
            (
                cw,
                Command::IssueNotice {
                    notice_document_id: Uuid::from_u128(99),
                },
            ),
        ],
    );
    let case = case.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(case.state, "approved");
    assert_eq!(case.notice_document_id, Some(Uuid::from_u128(99)));

    // the applicant's first retrieval is the event from which the notice counts as made
    // known; a second one, or staff opening it, is no event
    let applicant = actor(APPLICANT, Role::Applicant);
    let first = case::decide_notice_retrieval(&case, applicant, false).expect("first retrieval");
    assert_eq!(first.event, Event::NoticeRetrieved);
    assert_eq!(first.to_state, "approved");
    assert_eq!(case::decide_notice_retrieval(&case, applicant, true), None);
    assert_eq!(case::decide_notice_retrieval(&case, cw, false), None);
    let stranger = actor(Uuid::from_u128(66), Role::Applicant);
    assert_eq!(case::decide_notice_retrieval(&case, stranger, false), None);
    let no_notice = Case::new(&d, APPLICANT);
    assert_eq!(
        case::decide_notice_retrieval(&no_notice, applicant, false),
        None
    );
}

#[test]
fn rules_that_are_not_in_the_state_table() {
    let d = definition();
    let cw = actor(CASEWORKER, Role::Caseworker);
    let taken = run(&d, Case::new(&d, APPLICANT), vec![(cw, Command::TakeOver)])
        .unwrap_or_else(|e| panic!("{e}"));
    let today = date!(2026 - 11 - 27);
    let err = |c: &Case, a: Actor, cmd: Command| {
        case::decide(&d, c, a, cmd, today).err().map(|e| e.code())
    };
    assert_eq!(
        err(
            &taken,
            actor(OTHER_CASEWORKER, Role::Caseworker),
            Command::ConfirmComplete
        ),
        Some("not_assignee")
    );
    assert_eq!(
        err(
            &taken,
            actor(HEAD, Role::HeadOfUnit),
            Command::ConfirmComplete
        ),
        None
    );
    assert_eq!(err(&taken, cw, Command::TakeOver), Some("already_assigned"));
    assert_eq!(
        err(
            &taken,
            cw,
            Command::RequestDocuments {
                defects: vec!["x".into()],
                deadline: today
            }
        ),
        Some("invalid_input")
    );
    assert_eq!(
        err(
            &taken,
            cw,
            Command::RequestDocuments {
                defects: vec![" ".into()],
                deadline: date!(2026 - 12 - 01)
            }
        ),
        Some("invalid_input")
    );
    assert_eq!(
        err(
            &taken,
            cw,
            Command::IssueNotice {
                notice_document_id: Uuid::nil()
            }
        ),
        Some("action_not_possible_in_state")
    );
    assert_eq!(
        err(
            &taken,
            actor(Uuid::from_u128(50), Role::Applicant),
            Command::Withdraw
        ),
        Some("role_may_not_act")
    );
    assert_eq!(
        err(&taken, actor(APPLICANT, Role::Applicant), Command::Withdraw),
        None
    );
    let complete =
        run(&d, taken, vec![(cw, Command::ConfirmComplete)]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        err(
            &complete,
            cw,
            Command::Approve {
                conditions: vec![ConditionItem {
                    kind: "99".into(),
                    text: "x".into(),
                    source: None,
                }],
                adopt_statement_conditions: true,
            }
        ),
        Some("invalid_input")
    );
    assert_eq!(
        err(
            &complete,
            cw,
            Command::Refuse {
                reasons: "   ".into()
            }
        ),
        // the applicant is heard before any refusal (§ 28 VwVfG)
        Some("hearing_required")
    );
}

fn any_actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(actor(APPLICANT, Role::Applicant)),
        Just(actor(Uuid::from_u128(9), Role::Architect)),
        Just(actor(CASEWORKER, Role::Caseworker)),
        Just(actor(OTHER_CASEWORKER, Role::Caseworker)),
        Just(actor(HEAD, Role::HeadOfUnit)),
        Just(actor(Uuid::from_u128(5), Role::Admin)),
    ]
}

fn any_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::TakeOver),
        Just(Command::ConfirmComplete),
        (0i64..40, prop::collection::vec("[a-z ]{0,12}", 0..3)).prop_map(|(days, defects)| {
            Command::RequestDocuments {
                defects,
                deadline: date!(2026 - 11 - 20) + time::Duration::days(days),
            }
        }),
        prop::collection::vec(any::<u128>().prop_map(Uuid::from_u128), 0..3)
            .prop_map(|document_ids| Command::SupplyDocuments { document_ids }),
        prop::collection::vec(
            ("[0-7]", "[a-z ]{0,8}").prop_map(|(kind, text)| ConditionItem {
                kind,
                text,
                source: None
            }),
            0..3
        )
        .prop_map(|conditions| Command::Approve {
            conditions,
            adopt_statement_conditions: true
        }),
        "[a-z ]{0,10}".prop_map(|reasons| Command::Refuse { reasons }),
        Just(Command::IssueNotice {
            notice_document_id: Uuid::from_u128(42)
        }),
        Just(Command::Withdraw),
        (0i64..40, "[a-z ]{0,10}").prop_map(|(days, reasons)| Command::StartHearing {
            reasons,
            deadline: date!(2026 - 11 - 20) + time::Duration::days(days),
        }),
        "[a-z ]{0,10}".prop_map(|text| Command::RespondToHearing { text }),
        Just(Command::WaiveDeemedApproval),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever is tried in whatever order, every accepted step is a transition of the
    /// definition taken by one of its roles, and the case never leaves the defined states.
    #[test]
    fn random_commands_never_leave_the_process(steps in prop::collection::vec((any_actor(), any_command()), 1..40)) {
        let d = definition();
        let mut case = Case::new(&d, APPLICANT);
        let mut terminal_reached = false;
        for (who, command) in steps {
            let kind: ActionKind = command.kind();
            let before = case.state.clone();
            match case::decide(&d, &case, who, command, date!(2026 - 11 - 27)) {
                Ok(decided) => {
                    prop_assert!(!terminal_reached, "an action was accepted after a terminal state");
                    let transition = d.process.transition(&before, kind);
                    prop_assert!(transition.is_some_and(|t| t.roles.contains(&who.role)));
                    let expected_to = transition.and_then(|t| t.to.clone()).unwrap_or(before.clone());
                    prop_assert_eq!(&decided.to_state, &expected_to);
                    if let Event::NoticeIssued { .. } = decided.event {
                        prop_assert!(case.decision.is_some());
                    }
                    case = case::evolve(case, &decided.event, &decided.to_state);
                    let state = d.process.state(&case.state);
                    prop_assert!(state.is_some());
                    terminal_reached = state.is_some_and(|s| s.terminal);
                }
                Err(_) => prop_assert_eq!(&case.state, &before),
            }
        }
    }
}

#[test]
fn summaries_are_filled_from_the_form() {
    let d = definition();
    let data = valid_form();
    assert_eq!(
        service::render_template(&d.case_summary.applicant_name, &data),
        "Zoë Dvořák-Łódź"
    );
    assert_eq!(
        service::render_template(&d.case_summary.site, &data),
        "Am Weinberg 3, 70597 Stuttgart\nGemarkung Degerloch, Flur 4, Flurstück 1234/5"
    );
    let broken = sources().service.replace("{project_description}", "{nope}");
    check(
        DefinitionSources {
            service: &broken,
            ..sources()
        },
        "svc/service.toml: case_summary.subject: '{nope}' is not a field of the form",
    );
}

#[test]
fn every_shipped_service_loads() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../services");
    let mut loaded = Vec::new();
    for entry in std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{root}: {e}"))
        .flatten()
    {
        let dir = entry.path();
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        };
        let (s, f, d, p) = (
            read("service.toml"),
            read("form.toml"),
            read("documents.toml"),
            read("process.toml"),
        );
        let sources = DefinitionSources {
            service: &s,
            form: &f,
            documents: &d,
            process: &p,
        };
        let definition =
            service::load(&dir.display().to_string(), &sources).unwrap_or_else(|e| panic!("{e}"));
        loaded.push(definition.id);
    }
    loaded.sort();
    assert_eq!(loaded, ["baugenehmigung", "gewerbeanmeldung"]);
}

mod deadlines {
    use amtsweg_domain::calendar::{Calendar, State};
    use amtsweg_domain::deadlines::{Occurrence, Status, Trigger, evaluate};
    use time::Date;
    use time::macros::date;

    fn at(on: Date, trigger: Trigger) -> Occurrence {
        Occurrence {
            on,
            trigger,
            set_date: None,
        }
    }

    /// (rule id, status, due) for a Land and a history, seen on `today`.
    fn check(
        state: State,
        history: &[Occurrence],
        today: Date,
        expected: &[(&str, Status, Option<&str>)],
    ) {
        let d = super::definition();
        let rules = d.process.deadlines.as_ref().expect("deadlines");
        let profile = rules.profile_for(state, "simplified").expect("profile");
        let calendar = Calendar::new(state);
        let got: Vec<(String, Status, Option<String>)> =
            evaluate(profile, &calendar, history, today)
                .expect("evaluate")
                .into_iter()
                .map(|c| {
                    (
                        c.rule.id.clone(),
                        c.status,
                        c.due.map(|d| d.end.to_string()),
                    )
                })
                .collect();
        let expected: Vec<(String, Status, Option<String>)> = expected
            .iter()
            .map(|(id, s, d)| (id.to_string(), *s, d.map(str::to_string)))
            .collect();
        assert_eq!(got, expected, "{state:?}");
    }

    #[test]
    fn every_land_has_a_profile_and_the_right_one() {
        let d = super::definition();
        let rules = d.process.deadlines.as_ref().expect("deadlines");
        for state in State::ALL {
            assert!(
                rules.profile_for(state, "simplified").is_some(),
                "{state:?}"
            );
        }
        assert_eq!(
            rules
                .profile_for(State::BW, "simplified")
                .map(|p| p.id.as_str()),
            Some("bw_simplified")
        );
        assert_eq!(
            rules
                .profile_for(State::SN, "simplified")
                .map(|p| p.id.as_str()),
            Some("mbo")
        );
        assert!(rules.profile_for(State::BW, "full").is_none());
    }

    #[test]
    fn completeness_check_in_working_days_and_weeks() {
        // Friday 27 Nov 2026: BW counts ten working days, Berlin two weeks
        let submitted = [at(date!(2026 - 11 - 27), Trigger::Submitted)];
        check(
            State::BW,
            &submitted,
            date!(2026 - 11 - 30),
            &[("completeness_check", Status::Running, Some("2026-12-11"))],
        );
        check(
            State::BE,
            &submitted,
            date!(2026 - 12 - 11),
            &[("completeness_check", Status::Running, Some("2026-12-11"))],
        );
        check(
            State::BE,
            &submitted,
            date!(2026 - 12 - 14),
            &[("completeness_check", Status::Expired, Some("2026-12-11"))],
        );
    }

    #[test]
    fn a_document_request_stops_the_check_and_sets_the_applicants_date() {
        let history = [
            at(date!(2026 - 11 - 27), Trigger::Submitted),
            // the authority sets Saturday 12 Dec: the date moves to Monday (§193 BGB)
            Occurrence {
                on: date!(2026 - 12 - 01),
                trigger: Trigger::DocumentsRequested,
                set_date: Some(date!(2026 - 12 - 12)),
            },
        ];
        check(
            State::BW,
            &history,
            date!(2026 - 12 - 02),
            &[
                ("completeness_check", Status::Stopped, None),
                ("supplement", Status::Running, Some("2026-12-14")),
            ],
        );
        check(
            State::BW,
            &history,
            date!(2026 - 12 - 15),
            &[
                ("completeness_check", Status::Stopped, None),
                ("supplement", Status::Expired, Some("2026-12-14")),
            ],
        );
        // the supplement arrives: the check starts anew (restart on resumption), the request is met
        let mut supplied = history.to_vec();
        supplied.push(at(date!(2026 - 12 - 10), Trigger::DocumentsSupplied));
        check(
            State::BW,
            &supplied,
            date!(2026 - 12 - 10),
            &[
                ("completeness_check", Status::Running, Some("2026-12-24")),
                ("supplement", Status::Ended, None),
            ],
        );
    }

    #[test]
    fn bavarian_deemed_approval_starts_three_weeks_after_receipt() {
        check(
            State::BY,
            &[at(date!(2026 - 11 - 27), Trigger::Submitted)],
            date!(2026 - 12 - 01),
            &[
                ("completeness_check", Status::Running, Some("2026-12-18")),
                ("deemed_approval", Status::Running, Some("2027-03-18")),
            ],
        );
    }

    #[test]
    fn the_decision_clock_of_berlin_counts_from_completeness() {
        let history = [
            at(date!(2026 - 11 - 27), Trigger::Submitted),
            at(date!(2026 - 12 - 03), Trigger::DocumentsComplete),
        ];
        // 3 Jan 2027 is a Sunday: the month ends on Monday 4 Jan
        check(
            State::BE,
            &history,
            date!(2026 - 12 - 04),
            &[
                ("completeness_check", Status::Ended, None),
                ("decision", Status::Running, Some("2027-01-04")),
            ],
        );
        let mut decided = history.to_vec();
        decided.push(at(date!(2026 - 12 - 20), Trigger::Decided));
        check(
            State::BE,
            &decided,
            date!(2027 - 02 - 01),
            &[
                ("completeness_check", Status::Ended, None),
                ("decision", Status::Ended, None),
            ],
        );
    }
}
