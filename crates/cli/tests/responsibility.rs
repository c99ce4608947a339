//! The place of an application selects the authority that receives it (issue #9 § 5): a
//! service names the kind of authority, each authority covers postal codes and municipality
//! keys; one candidate receives it, several let the applicant choose, none stops the
//! submission with a clear message — a new authority elsewhere never draws applications
//! from here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn draft_at(applicant: &Api<'_>, postal_code: &str) -> String {
    let draft_id = complete_draft(applicant).await;
    assert_eq!(
        applicant
            .patch(
                &format!("/api/v1/drafts/{draft_id}"),
                json!({ "fields": { "site_postal_code": postal_code } }),
            )
            .await
            .status(),
        StatusCode::OK
    );
    draft_id
}

async fn responsible(applicant: &Api<'_>, draft_id: &str) -> Value {
    applicant.json(&format!("/api/v1/drafts/{draft_id}")).await["responsible"].clone()
}

#[tokio::test]
async fn the_place_of_the_application_selects_the_authority() {
    let server = Server::start();
    let berlin = cli_ok(
        &server,
        &[
            "authority",
            "add",
            "--name",
            "Bezirksamt Mitte von Berlin – Bauaufsicht",
            "--address",
            "Müllerstraße 146\\n13353 Berlin",
            "--state",
            "BE",
            "--postal-codes",
            "10115,10117",
        ],
    );
    let applicant = register(&server, "orte@example.org", "Ortrud Ort").await;
    let stuttgart_staff = login(&server, CASEWORKER, PASSWORD).await;

    // a building site in the demo city goes to the Landratsamt, whatever was added elsewhere
    let here = draft_at(&applicant, "70597").await;
    let one = responsible(&applicant, &here).await;
    assert_eq!(one["status"], "one");
    assert_eq!(
        one["authorities"][0]["name"],
        "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde"
    );
    let receipt = applicant
        .post(&format!("/api/v1/drafts/{here}/submit"), json!({}))
        .await;
    assert_eq!(receipt.status(), StatusCode::CREATED);
    let case_here = receipt.json::<Value>().await.expect("json")["case_id"].clone();
    assert_eq!(
        stuttgart_staff
            .get(&format!(
                "/api/v1/cases/{}",
                case_here.as_str().expect("id")
            ))
            .await
            .status(),
        StatusCode::OK
    );

    // a site in Berlin goes to Berlin, under Berlin's rules, and not to the Landratsamt
    let there = draft_at(&applicant, "10115").await;
    assert_eq!(
        responsible(&applicant, &there).await["authorities"][0]["id"],
        berlin.as_str()
    );
    let receipt = applicant
        .post(&format!("/api/v1/drafts/{there}/submit"), json!({}))
        .await;
    assert_eq!(receipt.status(), StatusCode::CREATED);
    let case_there = receipt.json::<Value>().await.expect("json")["case_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        stuttgart_staff
            .get(&format!("/api/v1/cases/{case_there}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // nobody here covers Dresden: the applicant is told before and at submission, nothing made
    let nowhere = draft_at(&applicant, "01067").await;
    assert_eq!(responsible(&applicant, &nowhere).await["status"], "nobody");
    let refused = applicant
        .post(&format!("/api/v1/drafts/{nowhere}/submit"), json!({}))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["field"], "site_postal_code");
    assert_eq!(problem["errors"][0]["code"], "no_responsible_authority");
    assert!(
        applicant.json(&format!("/api/v1/drafts/{nowhere}")).await["case_id"].is_null(),
        "no case was made"
    );

    // a second building authority for the same postal code: the applicant chooses
    let second = cli_ok(
        &server,
        &[
            "authority",
            "add",
            "--name",
            "Stadt Musterstadt – Baurechtsamt",
            "--address",
            "Eberhardstraße 10\\n70173 Musterstadt",
            "--state",
            "BW",
            "--postal-codes",
            "70597",
        ],
    );
    let both = draft_at(&applicant, "70597").await;
    let choice = responsible(&applicant, &both).await;
    assert_eq!(choice["status"], "choice");
    assert_eq!(choice["authorities"].as_array().expect("list").len(), 2);
    let unchosen = applicant
        .post(&format!("/api/v1/drafts/{both}/submit"), json!({}))
        .await;
    assert_eq!(unchosen.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = unchosen.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["code"], "choose_authority");
    // a choice outside the candidates is refused as well
    let wrong = applicant
        .post(
            &format!("/api/v1/drafts/{both}/submit?authority_id={berlin}"),
            json!({}),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let chosen = applicant
        .post(
            &format!("/api/v1/drafts/{both}/submit?authority_id={second}"),
            json!({}),
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::CREATED);
    let case_chosen = chosen.json::<Value>().await.expect("json")["case_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        stuttgart_staff
            .get(&format!("/api/v1/cases/{case_chosen}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "it went to the chosen authority"
    );

    // coverage is checked and changed at the console, and the change is on record
    let bad = cli(
        &server,
        &[
            "authority",
            "cover",
            "--authority",
            &second,
            "--postal-codes",
            "7059",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a postal code"));
    cli_ok(
        &server,
        &[
            "authority",
            "cover",
            "--authority",
            &second,
            "--postal-codes",
            "70173",
        ],
    );
    assert_eq!(
        responsible(&applicant, &draft_at(&applicant, "70597").await).await["status"],
        "one"
    );
    assert!(
        audit_entries(&server)
            .await
            .iter()
            .any(|(actor, action, object)| {
                actor == "operator:test-operator"
                    && action == "authority.coverage_set"
                    && *object == format!("authority:{second}")
            })
    );
}
