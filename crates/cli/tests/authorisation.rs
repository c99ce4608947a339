//! A second applicant and a caseworker of another authority try every case-related route
//! with the first applicant's ids: all are refused with 404 (or 401/403 where the role is
//! wrong), nothing leaks and nothing changes. The access matrix (`authorisation/matrix.rs`)
//! tries every API operation and page route with every role.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

#[path = "csrf/browser.rs"]
mod browser;
#[path = "authorisation/matrix.rs"]
mod matrix;
#[path = "csrf/router.rs"]
mod router;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SESSION_COOKIE: &str = "amtsweg_session";
const CSRF_COOKIE: &str = "amtsweg_csrf";

/// Every API operation and page route × every role (applicant, second applicant, caseworker
/// and head of unit of the authority, caseworker of another authority, the asked agency,
/// another agency, admin, anonymous) with the first applicant's ids: each gets what its row
/// says, and no one else gets a 2xx or any of the data.
#[tokio::test]
async fn the_access_matrix_holds_for_every_route_and_role() {
    let server = Server::start();
    let owner = register(&server, "owner@example.org", "Olga Owner").await;
    let other = register(&server, "mallory@example.org", "Mallory Muster").await;
    let draft = new_draft(&owner).await;
    let draft_doc: Value = owner
        .upload(
            &format!("/api/v1/drafts/{draft}/documents"),
            "lageplan",
            "p.pdf",
            pdf("p"),
        )
        .await
        .json()
        .await
        .expect("json");
    let (case, file_number) = submitted_case(&owner).await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let fire_party = caseworker
        .json("/api/v1/directory")
        .await
        .as_array()
        .expect("directory")
        .iter()
        .find(|p| p["topic"] == "fire_protection")
        .and_then(|p| p["id"].as_str())
        .expect("the fire service")
        .to_string();
    let case_view = caseworker.json(&format!("/api/v1/cases/{case}")).await;
    let shared_doc = case_view["documents"][0]["id"]
        .as_str()
        .expect("doc")
        .to_string();
    for action in [
        json!({ "action": "take_over" }),
        json!({ "action": "confirm_complete" }),
        json!({ "action": "start_participation", "parties": [fire_party],
                "question": "Bitte nehmen Sie zum Brandschutz Stellung.", "documents": [shared_doc] }),
    ] {
        assert_eq!(
            caseworker.act(&case, action.clone()).await.status(),
            StatusCode::OK,
            "{action}"
        );
    }
    let case_view = caseworker.json(&format!("/api/v1/cases/{case}")).await;
    let request = case_view["participations"][0]["id"]
        .as_str()
        .expect("request")
        .to_string();
    let message = owner.json("/api/v1/mailbox").await[0]["id"]
        .as_str()
        .expect("message")
        .to_string();
    let ids = matrix::Ids {
        draft_doc: draft_doc["id"].as_str().expect("id").to_string(),
        secrets: vec![
            file_number.clone(),
            "Olga Owner".into(),
            "owner@example.org".into(),
        ],
        listed: vec![
            draft.clone(),
            case.clone(),
            message.clone(),
            request.clone(),
        ],
        draft,
        case,
        case_doc: shared_doc.clone(),
        message,
        request,
        shared_doc,
    };
    let people = matrix::people(&server, owner, other).await;
    let (problems, cells) = matrix::run(&server, &people, &ids).await;
    assert!(cells > 300, "only {cells} cells tried");
    assert!(
        problems.is_empty(),
        "{} of {cells} cells do not fit their row:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn foreign_users_get_nothing_of_the_first_applicants_data() {
    let server = Server::start();
    let owner = register(&server, "owner@example.org", "Olga Owner").await;
    let (case_id, file_number) = submitted_case(&owner).await;
    // an open draft with a document, too
    let draft: Value = owner
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id").to_string();
    let doc: Value = owner
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "lageplan",
            "p.pdf",
            pdf("p"),
        )
        .await
        .json()
        .await
        .expect("json");
    let draft_doc = doc["id"].as_str().expect("doc id").to_string();
    // take the case to an open document request and then to an issued notice later
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "take_over" }))
            .await
            .status(),
        StatusCode::OK
    );
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    let case_doc = case["documents"][0]["id"]
        .as_str()
        .expect("case doc")
        .to_string();
    let message_id = owner.json("/api/v1/mailbox").await[0]["id"]
        .as_str()
        .expect("message")
        .to_string();

    let other_authority = cli_ok(
        &server,
        &[
            "authority",
            "add",
            "--name",
            "Stadt Anderswo – Bauordnungsamt",
            "--address",
            "Markt 1\\n10115 Anderswo",
            "--state",
            "BE",
        ],
    );
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "--email",
            "fremd@anderswo.de",
            "--name",
            "Fritz Fremd",
            "--role",
            "caseworker",
            "--authority",
            &other_authority,
        ],
    );
    let intruders = [
        register(&server, "mallory@example.org", "Mallory Muster").await,
        login(&server, "fremd@anderswo.de", CLI_PASSWORD).await,
    ];

    let version_before =
        caseworker.json(&format!("/api/v1/cases/{case_id}")).await["version"].clone();
    for intruder in &intruders {
        let who = &intruder.user_id;
        let reads = [
            format!("/api/v1/drafts/{draft_id}"),
            format!("/api/v1/cases/{case_id}"),
            format!("/api/v1/cases/{case_id}/notice"),
            format!("/api/v1/documents/{draft_doc}"),
            format!("/api/v1/documents/{case_doc}"),
            format!("/api/v1/mailbox/{message_id}"),
        ];
        for path in &reads {
            let r = intruder.get(path).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} GET {path}");
            let body = r.text().await.unwrap_or_default();
            assert!(
                !body.contains("Olga") && !body.contains(&file_number),
                "{path} leaks data"
            );
        }
        let writes = [
            intruder
                .patch(
                    &format!("/api/v1/drafts/{draft_id}"),
                    json!({ "fields": { "storeys": "9" } }),
                )
                .await,
            intruder
                .upload(
                    &format!("/api/v1/drafts/{draft_id}/documents"),
                    "lageplan",
                    "x.pdf",
                    pdf("x"),
                )
                .await,
            intruder
                .delete(&format!("/api/v1/drafts/{draft_id}/documents/{draft_doc}"))
                .await,
            intruder
                .post(&format!("/api/v1/drafts/{draft_id}/submit"), json!({}))
                .await,
            intruder
                .upload(
                    &format!("/api/v1/cases/{case_id}/supplements"),
                    "sonstiges",
                    "x.pdf",
                    pdf("x"),
                )
                .await,
        ];
        for r in writes {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {}", r.url());
        }
        for action in [
            json!({ "action": "take_over" }),
            json!({ "action": "confirm_complete" }),
            json!({ "action": "request_documents", "defects": ["x"], "deadline": "2099-01-01" }),
            json!({ "action": "supply_documents" }),
            json!({ "action": "approve", "conditions": [] }),
            json!({ "action": "refuse", "reasons": "x" }),
            json!({ "action": "issue_notice" }),
            json!({ "action": "withdraw" }),
        ] {
            let r = intruder.act(&case_id, action.clone()).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {action}");
        }
        // lists and searches show nothing of it
        let list = intruder.get("/api/v1/cases").await;
        let text = list.text().await.unwrap_or_default();
        assert!(
            !text.contains(&case_id) && !text.contains(&file_number),
            "case list leaks"
        );
        let search = intruder
            .http
            .get(server.url("/api/v1/cases"))
            .query(&[("q", file_number.as_str())])
            .bearer_auth(&intruder.token)
            .send()
            .await
            .expect("search");
        assert!(!search.text().await.unwrap_or_default().contains(&case_id));
        assert!(
            !intruder
                .get("/api/v1/drafts")
                .await
                .text()
                .await
                .unwrap_or_default()
                .contains(&draft_id)
        );
        assert!(
            !intruder
                .get("/api/v1/mailbox")
                .await
                .text()
                .await
                .unwrap_or_default()
                .contains(&message_id)
        );
    }
    // applicants never reach staff functions, even on their own case
    assert_eq!(
        owner
            .act(&case_id, json!({ "action": "confirm_complete" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // staff cannot act as the applicant
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "withdraw" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // nothing changed
    let after = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(after["version"], version_before);
    let draft = owner.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(draft["documents"].as_array().map(Vec::len), Some(1));
    assert_eq!(draft["fields"], json!({}));
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}
