//! An acknowledged submission survives `kill -9` of the server: after a restart every
//! acknowledged case is there exactly once, and the audit chain verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn acknowledged_submissions_survive_kill_9() {
    let mut server = Server::start();
    let applicant = register(&server, "durable@example.org", "Dora Dauer").await;
    let mut drafts = Vec::new();
    for _ in 0..24 {
        let id = complete_draft(&applicant).await;
        drafts.push(id);
    }
    let (token, http) = (applicant.token.clone(), applicant.http.clone());
    let (acknowledge, mut acknowledgements) = tokio::sync::mpsc::unbounded_channel::<()>();
    let tasks: Vec<_> = drafts
        .iter()
        .map(|id| {
            let (http, token, acknowledge) = (http.clone(), token.clone(), acknowledge.clone());
            let url = server.url(&format!("/api/v1/drafts/{id}/submit"));
            tokio::spawn(async move {
                let response = http.post(url).bearer_auth(token).send().await.ok()?;
                if response.status() != StatusCode::CREATED {
                    return None;
                }
                let body: Value = response.json().await.ok()?;
                let _ = acknowledge.send(());
                Some((
                    body["case_id"].as_str()?.to_string(),
                    body["file_number"].as_str()?.to_string(),
                ))
            })
        })
        .collect();
    // kill the server while the burst is under way: once a third of the submissions is
    // acknowledged (whatever the backend's speed), with the others still in flight
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        for _ in 0..drafts.len() / 3 {
            acknowledgements.recv().await;
        }
    })
    .await;
    server.kill();
    let mut acknowledged = Vec::new();
    for task in tasks {
        if let Some(ack) = task.await.expect("task") {
            acknowledged.push(ack);
        }
    }
    assert!(
        !acknowledged.is_empty(),
        "the server was killed before it acknowledged anything"
    );
    server.restart();
    let applicant = login(&server, "durable@example.org", "ein-langes-Passwort-1").await;
    let cases = applicant.json("/api/v1/cases").await;
    let cases = cases.as_array().expect("cases");
    for (case_id, file_number) in &acknowledged {
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
    eprintln!(
        "{} of {} submissions acknowledged before the kill; {} cases after restart",
        acknowledged.len(),
        drafts.len(),
        total
    );
    // every draft can still be submitted, exactly once
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
