//! Operating the binary: it runs from any folder (the shipped service definitions are built
//! in, `--services-dir` reads a folder instead), and its log is JSON lines with request ids
//! and without personal data or secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use std::process::Stdio;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn demo_in_an_empty_folder_serves_the_built_in_services() {
    let empty = tempfile::tempdir().expect("dir");
    let mut child = amtsweg()
        .current_dir(empty.path())
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start amtsweg demo");
    let base = listening_address(&mut child);
    let services: Value = reqwest::get(format!("{base}/api/v1/services"))
        .await
        .expect("services")
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = services
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&"baugenehmigung"), "{services}");
    assert!(ids.contains(&"gewerbeanmeldung"), "{services}");
    let ready = reqwest::get(format!("{base}/readyz"))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    let _ = child.kill();
    let _ = child.wait();
    // its data went to ./amtsweg-data of that folder
    assert!(empty.path().join("amtsweg-data/amtsweg.db").exists());
}

#[test]
fn config_check_names_where_the_services_come_from() {
    let empty = tempfile::tempdir().expect("dir");
    let built_in = amtsweg()
        .current_dir(empty.path())
        .args(["config", "check"])
        .output()
        .expect("config check");
    assert!(built_in.status.success());
    assert!(
        String::from_utf8_lossy(&built_in.stdout).contains("services built in"),
        "{}",
        String::from_utf8_lossy(&built_in.stdout)
    );
    let missing = amtsweg()
        .current_dir(empty.path())
        .args(["config", "check", "--services-dir", "gibt-es-nicht"])
        .output()
        .expect("config check");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("services_dir"));
    let folder = amtsweg()
        .args(["config", "check", "--services-dir", "services"])
        .output()
        .expect("config check");
    assert!(folder.status.success());
    assert!(String::from_utf8_lossy(&folder.stdout).contains("services folder services"));
}

/// The log of a whole case — registration, a failed and a good login, submission with
/// personal data, a denied read by someone else, the decision and the notice — is JSON lines
/// that carry the request id, and holds no password, token, e-mail address, name or address.
#[tokio::test]
async fn the_log_of_a_whole_case_has_request_ids_and_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("server.log");
    let mut server = Server::start_logging(&log, "debug");
    let applicant = register(&server, "zoe.protokoll@example.org", "Zoë Protokoll").await;
    let wrong = reqwest::Client::new()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({ "email": "zoe.protokoll@example.org", "password": "falsches-Passwort-9" }))
        .send()
        .await
        .expect("login");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST, "wrong password");
    let (case_id, _) = submitted_case(&applicant).await;
    let stranger = register(&server, "fremd@example.org", "Fritz Fremd").await;
    assert_eq!(
        stranger
            .get(&format!("/api/v1/cases/{case_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    for action in [
        json!({ "action": "take_over" }),
        json!({ "action": "confirm_complete" }),
        json!({ "action": "approve" }),
        json!({ "action": "issue_notice" }),
    ] {
        let r = caseworker.act(&case_id, action.clone()).await;
        assert_eq!(r.status(), StatusCode::OK, "{action}");
    }
    let notice = applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await;
    assert_eq!(notice.status(), StatusCode::OK);
    let secrets = [
        applicant.token.clone(),
        stranger.token.clone(),
        caseworker.token.clone(),
    ];
    server.kill();

    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(lines.len() > 20, "a journey logs: {}", lines.len());
    let with_request_id = lines
        .iter()
        .filter(|l| {
            l["span"]["request_id"]
                .as_str()
                .is_some_and(|id| id.len() == 36)
        })
        .count();
    assert!(
        with_request_id > 10,
        "{with_request_id} lines name their request"
    );
    let forbidden = [
        "ein-langes-Passwort-1",
        "falsches-Passwort-9",
        PASSWORD,
        "zoe.protokoll@example.org",
        "fremd@example.org",
        "Protokoll",
        "Fremd",
        "Dvořák",
        "Nguyễn",
        "Hauptstraße",
        "Am Weinberg",
        "1234/5",
        "zoe@example.org",
    ];
    for word in forbidden.iter().map(|w| w.to_string()).chain(secrets) {
        assert!(!text.contains(&word), "the log contains {word:?}");
    }
    assert!(!text.contains('\u{1b}'), "no colour codes in a log file");
}
