//! Random sequences of every kind of step — the caseworker's and the applicant's commands,
//! participation with statements, extensions and silence, the hearing, and the deadline
//! consequences the scheduler decides — never bring a case outside its process.
use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// A command by the caseworker (true) or the applicant (false).
    Act(bool, Command),
    /// A party answers request n (modulo the requests made); by its own officer or not.
    Answer(usize, bool, Statement),
    AskMoreTime(usize, i64),
    DecideMoreTime(usize, bool),
    /// Request n stays silent until its deadline.
    Silence(usize),
    DeemWithdrawal,
    DeemApproval,
}

fn any_statement() -> impl Strategy<Value = Statement> {
    prop_oneof![
        Just(Statement::NoConcerns {
            remarks: String::new()
        }),
        "[a-z ]{0,8}".prop_map(|text| Statement::Conditions {
            conditions: vec![ConditionItem {
                kind: "2".into(),
                text,
                source: None,
            }],
            remarks: String::new(),
        }),
        "[a-z ]{0,8}".prop_map(|reasons| Statement::Objection { reasons }),
        Just(Statement::ConsentGiven {
            remarks: String::new()
        }),
        "[a-z ]{0,8}".prop_map(|reasons| Statement::ConsentRefused { reasons }),
    ]
}

fn any_command() -> impl Strategy<Value = Command> {
    let day = |days: i64| TODAY + time::Duration::days(days);
    prop_oneof![
        Just(Command::TakeOver),
        Just(Command::ConfirmComplete),
        (1i64..30).prop_map(move |d| Command::RequestDocuments {
            defects: vec!["Lageplan".into()],
            deadline: day(d),
        }),
        Just(Command::SupplyDocuments {
            document_ids: vec![Uuid::from_u128(77)]
        }),
        (1usize..4, any::<u16>()).prop_map(move |(n, seed)| {
            let parties = [
                (FIRE, PartyKind::Agency, "agency_statements"),
                (MONUMENT, PartyKind::Agency, "agency_statements"),
                (TOWN, PartyKind::Municipality, "municipal_consent"),
            ];
            Command::StartParticipation {
                requests: parties[..n]
                    .iter()
                    .enumerate()
                    .map(|(i, (party, kind, rule))| {
                        request(
                            u128::from(seed) * 10 + i as u128 + 1000,
                            *party,
                            *kind,
                            rule,
                            day(30),
                        )
                    })
                    .collect(),
                question: "Bedenken?".into(),
                shared_document_ids: vec![],
            }
        }),
        (1i64..30).prop_map(move |d| Command::StartHearing {
            reasons: "Abstandsflächen".into(),
            deadline: day(d),
        }),
        Just(Command::RespondToHearing {
            text: "Wir ändern die Planung".into()
        }),
        any::<bool>().prop_map(|adopt| Command::Approve {
            conditions: vec![],
            adopt_statement_conditions: adopt,
        }),
        Just(Command::Refuse {
            reasons: "Widerspricht dem Bebauungsplan".into()
        }),
        Just(Command::IssueNotice {
            notice_document_id: Uuid::from_u128(99)
        }),
        Just(Command::Withdraw),
        Just(Command::WaiveDeemedApproval),
    ]
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<bool>(), any_command()).prop_map(|(cw, c)| Step::Act(cw, c)),
        2 => (0usize..4, prop::bool::weighted(0.8), any_statement())
            .prop_map(|(n, own, s)| Step::Answer(n, own, s)),
        1 => (0usize..4, 1i64..40).prop_map(|(n, d)| Step::AskMoreTime(n, d)),
        1 => (0usize..4, any::<bool>()).prop_map(|(n, g)| Step::DecideMoreTime(n, g)),
        1 => (0usize..4).prop_map(Step::Silence),
        1 => Just(Step::DeemWithdrawal),
        1 => Just(Step::DeemApproval),
    ]
}

/// What a step decides on the case, or why not.
fn decide(d: &ServiceDefinition, case: &Case, step: Step) -> Option<case::Decided> {
    let nth = |n: usize| {
        (!case.participations.is_empty())
            .then(|| &case.participations[n % case.participations.len()])
    };
    match step {
        Step::Act(cw, command) => {
            let who = if cw { caseworker() } else { applicant() };
            case::decide(d, case, who, command, TODAY).ok()
        }
        Step::Answer(n, own, statement) => {
            let request = nth(n)?;
            let who = if own {
                officer(request.party_id)
            } else {
                officer(TOWN)
            };
            participation::decide_statement(d, case, who, request.id, statement, vec![], TODAY).ok()
        }
        Step::AskMoreTime(n, days) => {
            let request = nth(n)?;
            participation::decide_extension_request(
                d,
                case,
                officer(request.party_id),
                request.id,
                request.due + time::Duration::days(days),
                "Ortstermin",
                Some(request.due + time::Duration::days(30)),
            )
            .ok()
        }
        Step::DecideMoreTime(n, grant) => {
            let request = nth(n)?;
            participation::decide_extension(d, case, caseworker(), request.id, grant).ok()
        }
        Step::Silence(n) => {
            let request = nth(n)?;
            let consequence = match request.party_kind {
                PartyKind::Municipality => Consequence::DeemedConsent,
                PartyKind::Agency => Consequence::DeemedNoConcerns,
            };
            participation::decide_deemed_statement(
                d,
                case,
                request.id,
                consequence,
                request.due + time::Duration::days(1),
            )
        }
        Step::DeemWithdrawal => case::decide_deemed_withdrawal(d, case, "supplement", TODAY).ok(),
        Step::DeemApproval => case::decide_deemed_approval(d, case, "decision", TODAY).ok(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_steps_never_leave_the_process(steps in prop::collection::vec(any_step(), 1..60)) {
        let d = definition();
        let mut case = Case::new(&d, APPLICANT);
        case.deadline_profile = Some("bw_simplified".into());
        let mut closed = false;
        for step in steps {
            let Some(decided) = decide(&d, &case, step.clone()) else {
                continue;
            };
            prop_assert!(!closed, "{step:?} was accepted after the case was closed");
            prop_assert!(d.process.state(&decided.to_state).is_some());
            match &decided.event {
                // no refusal without a hearing first (§ 28 VwVfG)
                Event::Refused { .. } => prop_assert!(case.hearing.is_some()),
                // no decision while agencies are still asked
                Event::Approved { .. } => {
                    prop_assert!(case.participations.iter().all(|p| !p.is_open()));
                }
                Event::NoticeIssued { .. } => prop_assert!(case.decision.is_some()),
                _ => {}
            }
            let before = case.participations.clone();
            case = case::evolve(case, &decided.event, &decided.to_state);
            // requests are only added, and an answer once given stays
            prop_assert!(case.participations.len() >= before.len());
            for (old, new) in before.iter().zip(&case.participations) {
                prop_assert_eq!(old.id, new.id);
                if old.answer.is_some() {
                    prop_assert_eq!(&old.answer, &new.answer);
                }
            }
            closed = d.process.state(&case.state).is_some_and(|s| s.terminal);
        }
    }
}
