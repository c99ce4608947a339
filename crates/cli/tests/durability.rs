//! An acknowledged submission survives `kill -9` of the server: after a restart every
//! acknowledged case is there exactly once, and the audit chain verifies.
//!
//! The kill must hit submissions in flight — sent on an open connection and not answered —, or
//! the test would pass without having tested anything (a kill between requests). Each
//! submission's state is kept where the test can read it at the moment of the kill; a burst in
//! which no submission was cut off by the kill is run again, at most `BURSTS` times.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const EMAIL: &str = "durable@example.org";
const SUBMISSIONS_PER_BURST: usize = 24;
/// How many bursts may pass without a submission in flight at the kill.
const BURSTS: usize = 5;

/// A submission as the client sees it.
const NOT_SENT: u8 = 0;
/// Sent (its task is in `send`), no answer read yet.
const IN_FLIGHT: u8 = 1;
const ANSWERED: u8 = 2;
const NO_ANSWER: u8 = 3;

enum Outcome {
    /// 201 with the receipt: the server has committed the case.
    Acknowledged {
        case_id: String,
        file_number: String,
    },
    /// Another answer: nothing was promised.
    Refused(StatusCode),
    /// No (complete) answer. `connect`: the request never reached the server (the connection
    /// was refused); otherwise it was cut off on an open connection.
    NoAnswer { connect: bool },
}

struct Burst {
    drafts: Vec<String>,
    acknowledged: Vec<(String, String)>,
    /// Submissions in flight when the server was killed.
    in_flight: usize,
    /// Of those, the ones that never got an answer: the kill cut them off.
    cut_off: usize,
    not_sent: usize,
}

/// Submits `SUBMISSIONS_PER_BURST` complete drafts at once and kills the server once a third of
/// them is acknowledged (whatever the backend's speed), with the others still under way.
async fn burst_and_kill(server: &mut Server) -> Burst {
    let applicant = login(server, EMAIL, "ein-langes-Passwort-1").await;
    let mut drafts = Vec::new();
    for _ in 0..SUBMISSIONS_PER_BURST {
        drafts.push(complete_draft(&applicant).await);
    }
    let (token, http) = (applicant.token.clone(), applicant.http.clone());
    let states: Arc<Vec<AtomicU8>> =
        Arc::new(drafts.iter().map(|_| AtomicU8::new(NOT_SENT)).collect());
    let (acknowledge, mut acknowledgements) = tokio::sync::mpsc::unbounded_channel::<()>();
    let tasks: Vec<_> = drafts
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (http, token, acknowledge, states) = (
                http.clone(),
                token.clone(),
                acknowledge.clone(),
                states.clone(),
            );
            let url = server.url(&format!("/api/v1/drafts/{id}/submit"));
            tokio::spawn(async move {
                states[i].store(IN_FLIGHT, Ordering::SeqCst);
                let outcome = match http.post(url).bearer_auth(token).send().await {
                    Err(e) => Outcome::NoAnswer {
                        connect: e.is_connect(),
                    },
                    Ok(response) if response.status() != StatusCode::CREATED => {
                        Outcome::Refused(response.status())
                    }
                    Ok(response) => match response.json::<Value>().await {
                        Err(_) => Outcome::NoAnswer { connect: false },
                        Ok(body) => {
                            let _ = acknowledge.send(());
                            Outcome::Acknowledged {
                                case_id: body["case_id"].as_str().expect("case id").to_string(),
                                file_number: body["file_number"]
                                    .as_str()
                                    .expect("file number")
                                    .to_string(),
                            }
                        }
                    },
                };
                let state = match outcome {
                    Outcome::NoAnswer { .. } => NO_ANSWER,
                    _ => ANSWERED,
                };
                states[i].store(state, Ordering::SeqCst);
                outcome
            })
        })
        .collect();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        for _ in 0..drafts.len() / 3 {
            acknowledgements.recv().await;
        }
    })
    .await;
    // This test runs on tokio's single-threaded runtime: between this reading and the kill no
    // task of a request runs, so the states are those at the moment of the kill. (The server
    // may still answer a request in flight in between; such an answer is read afterwards and
    // counts as acknowledged, not as cut off.)
    let at_kill: Vec<u8> = states.iter().map(|s| s.load(Ordering::SeqCst)).collect();
    server.kill();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    let in_flight = at_kill.iter().filter(|s| **s == IN_FLIGHT).count();
    let not_sent = at_kill.iter().filter(|s| **s == NOT_SENT).count();
    let cut_off = at_kill
        .iter()
        .zip(&outcomes)
        .filter(|(state, outcome)| {
            **state == IN_FLIGHT && matches!(outcome, Outcome::NoAnswer { connect: false })
        })
        .count();
    let acknowledged = outcomes
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Acknowledged {
                case_id,
                file_number,
            } => Some((case_id, file_number)),
            Outcome::Refused(status) => {
                eprintln!("a submission was answered {status}");
                None
            }
            Outcome::NoAnswer { .. } => None,
        })
        .collect();
    Burst {
        drafts,
        acknowledged,
        in_flight,
        cut_off,
        not_sent,
    }
}

/// After a restart: every acknowledged case is there, once; file numbers are unique.
async fn acknowledged_cases_are_there(server: &Server, acknowledged: &[(String, String)]) {
    let applicant = login(server, EMAIL, "ein-langes-Passwort-1").await;
    let cases = applicant.json("/api/v1/cases").await;
    let cases = cases.as_array().expect("cases");
    for (case_id, file_number) in acknowledged {
        let found = cases.iter().filter(|c| c["id"] == case_id.as_str()).count();
        assert_eq!(found, 1, "acknowledged case {file_number} is there once");
    }
    let mut numbers: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["file_number"].as_str())
        .collect();
    let total = numbers.len();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), total, "file numbers are unique");
}

#[tokio::test]
async fn acknowledged_submissions_survive_kill_9() {
    let mut server = Server::start();
    register(&server, EMAIL, "Dora Dauer").await;
    let mut drafts = Vec::new();
    let mut hit = false;
    for attempt in 1..=BURSTS {
        let burst = burst_and_kill(&mut server).await;
        assert!(
            !burst.acknowledged.is_empty(),
            "the server was killed before it acknowledged anything"
        );
        server.restart();
        acknowledged_cases_are_there(&server, &burst.acknowledged).await;
        eprintln!(
            "burst {attempt}: {} of {} submissions acknowledged; at the kill {} in flight \
             ({} of them cut off by it), {} not yet sent",
            burst.acknowledged.len(),
            burst.drafts.len(),
            burst.in_flight,
            burst.cut_off,
            burst.not_sent
        );
        drafts.extend(burst.drafts);
        if burst.cut_off > 0 {
            hit = true;
            break;
        }
    }
    assert!(
        hit,
        "in none of {BURSTS} bursts was a submission in flight when the server was killed: \
         the test did not test a crash during a submission"
    );

    // every draft can still be submitted, exactly once
    let applicant = login(&server, EMAIL, "ein-langes-Passwort-1").await;
    for id in &drafts {
        let r = applicant
            .post(&format!("/api/v1/drafts/{id}/submit"), json!({}))
            .await;
        assert!(
            r.status() == StatusCode::CREATED || r.status() == StatusCode::OK,
            "{}",
            r.status()
        );
    }
    assert_eq!(
        applicant
            .json("/api/v1/cases")
            .await
            .as_array()
            .map(Vec::len),
        Some(drafts.len())
    );
    server.kill();
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}
