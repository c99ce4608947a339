//! Participation with a moved clock, over HTTP: the document request stops the completeness
//! check and the supplement starts it anew; two agencies and the municipality are asked —
//! the fire service answers with a condition that reaches the notice, the monument authority
//! stays silent and is deemed to have no concerns, the municipality stays silent and its
//! consent is deemed given — then the permit. And what an agency user may see: only what
//! was shared with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

#[path = "../common/mod.rs"]
mod common;
mod three_parties;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use three_parties::two_agencies_and_the_municipality_one_answers_two_stay_silent_then_the_permit;

const FIRE: &str = "brandschutz@demo.amtsweg.de";
const MONUMENT: &str = "denkmalschutz@demo.amtsweg.de";
const TOWN: &str = "gemeinde@demo.amtsweg.de";

fn deadline_status(case: &Value, rule: &str) -> Value {
    case["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == rule))
        .map(|d| d["status"].clone())
        .unwrap_or(Value::Null)
}

fn document_id(case: &Value, document_type: &str) -> String {
    case["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["document_type"] == document_type)
        .and_then(|d| d["id"].as_str())
        .unwrap_or_else(|| panic!("no {document_type}"))
        .to_string()
}

fn party_id(directory: &Value, topic: &str) -> String {
    directory
        .as_array()
        .expect("directory")
        .iter()
        .find(|p| p["topic"] == topic)
        .and_then(|p| p["id"].as_str())
        .unwrap_or_else(|| panic!("no {topic} in the directory"))
        .to_string()
}

/// The request of the logged-in agency user (there is one per case here).
async fn my_request(agency: &Api<'_>) -> String {
    let inbox = agency.json("/api/v1/participation").await;
    let list = inbox.as_array().expect("requests");
    assert_eq!(list.len(), 1, "{inbox}");
    list[0]["id"].as_str().expect("id").to_string()
}

// The journey runs from fixed start days whose periods meet weekends and holidays: an agency's
// month ending on a Sunday before New Year's holidays, one ending on Good Friday, one starting
// on 29 February. The expected ends come from the calendar, not from fixed day counts.

#[tokio::test]
async fn participation_from_early_december_over_new_year() {
    two_agencies_and_the_municipality_one_answers_two_stay_silent_then_the_permit(
        time::macros::date!(2026 - 12 - 03),
    )
    .await;
}

#[tokio::test]
async fn participation_from_late_february_over_easter() {
    two_agencies_and_the_municipality_one_answers_two_stay_silent_then_the_permit(
        time::macros::date!(2027 - 02 - 26),
    )
    .await;
}

#[tokio::test]
async fn participation_from_29_february_of_a_leap_year() {
    two_agencies_and_the_municipality_one_answers_two_stay_silent_then_the_permit(
        time::macros::date!(2028 - 02 - 29),
    )
    .await;
}

#[tokio::test]
async fn an_agency_user_reads_only_what_was_shared_with_its_agency() {
    let server = Server::start();
    let applicant = register(&server, "nachbar@example.org", "Jürgen Schäfer").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let (case_id, _) = submitted_case(&applicant).await;
    let (other_case, _) = submitted_case(&applicant).await;
    for action in ["take_over", "confirm_complete"] {
        assert_eq!(
            caseworker
                .act(&case_id, json!({ "action": action }))
                .await
                .status(),
            StatusCode::OK
        );
    }
    let directory = caseworker.json("/api/v1/directory").await;
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    let site_plan = document_id(&case, "lageplan");
    let drawings = document_id(&case, "bauzeichnungen");
    let other = caseworker
        .json(&format!("/api/v1/cases/{other_case}"))
        .await;
    let other_plan = document_id(&other, "lageplan");
    let r = caseworker
        .act(
            &case_id,
            json!({
                "action": "start_participation",
                "parties": [party_id(&directory, "fire_protection")],
                "question": "Brandschutz?",
                "documents": [site_plan],
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let fire = login(&server, FIRE, PASSWORD).await;
    let request = my_request(&fire).await;
    let monument = login(&server, MONUMENT, PASSWORD).await;
    let town = login(&server, TOWN, PASSWORD).await;
    // not asked: nothing in the inbox, and the fire service's request is "not found"
    for outsider in [&monument, &town] {
        assert_eq!(outsider.json("/api/v1/participation").await, json!([]));
        for path in [
            format!("/api/v1/participation/{request}"),
            format!("/api/v1/participation/{request}/documents/{site_plan}"),
        ] {
            assert_eq!(
                outsider.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        assert_eq!(
            outsider
                .post(
                    &format!("/api/v1/participation/{request}/statement"),
                    json!({ "verdict": "no_concerns" })
                )
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    // the asked agency: no case, no unshared document, no other case, no staff functions
    for path in [
        format!("/api/v1/cases/{case_id}"),
        format!("/api/v1/cases/{other_case}"),
        format!("/api/v1/documents/{site_plan}"),
        format!("/api/v1/documents/{drawings}"),
        format!("/api/v1/participation/{request}/documents/{drawings}"),
        format!("/api/v1/participation/{request}/documents/{other_plan}"),
    ] {
        assert_eq!(
            fire.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in ["/api/v1/cases", "/api/v1/directory"] {
        assert_eq!(
            fire.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        fire.act(&case_id, json!({ "action": "approve" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fire.post(
            &format!("/api/v1/cases/{case_id}/participation/{request}/extension"),
            json!({ "grant": true })
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // staff and applicants are no agency
    for other_user in [&caseworker, &applicant] {
        assert_eq!(
            other_user
                .get(&format!("/api/v1/participation/{request}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    // what the agency may read, it reads; each read is on the audit trail
    assert_eq!(
        fire.get(&format!(
            "/api/v1/participation/{request}/documents/{site_plan}"
        ))
        .await
        .status(),
        StatusCode::OK
    );
    let view = fire.json(&format!("/api/v1/participation/{request}")).await;
    assert_eq!(view["answerable"], true);
    // the applicant withdraws: the request closes for the agency too
    assert_eq!(
        applicant
            .act(&case_id, json!({ "action": "withdraw" }))
            .await
            .status(),
        StatusCode::OK
    );
    let inbox = fire.json("/api/v1/participation").await;
    assert_eq!(inbox[0]["open"], false, "{inbox}");
    let view = fire.json(&format!("/api/v1/participation/{request}")).await;
    assert_eq!(view["answerable"], false);
    assert_eq!(view["extension_limit"], Value::Null);
    assert_eq!(
        fire.post(
            &format!("/api/v1/participation/{request}/statement"),
            json!({ "verdict": "no_concerns" })
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}

#[tokio::test]
async fn a_deemed_approval_is_warned_ahead_and_fires_unless_waived() {
    // complete on 17 December: the month ends on a Sunday after the New Year holidays
    let start = time::macros::date!(2026 - 12 - 17);
    let server = Server::start_on_day(start);
    let mut clock = TestClock::new(&server, start);
    let applicant = register(&server, "fiktion@example.org", "Erika Fiktion").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let (waived, _) = submitted_case(&applicant).await;
    let (deemed, deemed_number) = submitted_case(&applicant).await;
    for case in [&waived, &deemed] {
        for action in ["take_over", "confirm_complete"] {
            assert_eq!(
                caseworker
                    .act(case, json!({ "action": action }))
                    .await
                    .status(),
                StatusCode::OK
            );
        }
    }
    // the applicant may waive the deemed approval (§ 42a(1) VwVfG), once
    assert_eq!(
        applicant
            .act(&waived, json!({ "action": "waive_deemed_approval" }))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        applicant
            .act(&waived, json!({ "action": "waive_deemed_approval" }))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let own = applicant.json(&format!("/api/v1/cases/{waived}")).await;
    assert_eq!(own["deemed_approval_waived"], true);
    assert_eq!(deadline_status(&own, "decision"), "ended");

    // close to the end of the month: the caseworker is warned ahead
    let case = caseworker.json(&format!("/api/v1/cases/{deemed}")).await;
    let due = case["deadlines"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == "decision"))
        .and_then(|d| d["due"].as_str())
        .expect("decision due")
        .to_string();
    // the decision period of the BW profile (§ 54 Abs. 5 LBO BW: one month), by the calendar
    let due_date = period_end(start, "1M");
    assert_eq!(due, due_date.to_string());
    let moved = clock.move_to(due_date - time::Duration::days(1)).await;
    assert!(moved["reminders"].as_u64().unwrap_or(0) >= 1, "{moved}");
    assert_eq!(moved["deemed_approvals"], 0);
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let mail = caseworker.json("/api/v1/mailbox").await;
    assert!(
        mail.as_array().expect("messages").iter().any(|m| {
            let subject = m["subject"].as_str().unwrap_or("");
            subject.starts_with("Genehmigungsfiktion droht") && subject.contains(&deemed_number)
        }),
        "{mail}"
    );
    // on its last day nothing is deemed yet
    let moved = clock.advance(1).await;
    assert_eq!(moved["deemed_approvals"], 0, "{moved}");
    // the day after the deadline: the permit is deemed granted; the waived case goes on
    let moved = clock.advance(1).await;
    assert_eq!(moved["deemed_approvals"], 1, "{moved}");
    let applicant = login(&server, "fiktion@example.org", "ein-langes-Passwort-1").await;
    let own = applicant.json(&format!("/api/v1/cases/{deemed}")).await;
    assert_eq!(own["state"], "deemed_approved");
    assert_eq!(own["portal_status"], "58");
    let mailbox = applicant.json("/api/v1/mailbox").await;
    assert!(mailbox.as_array().expect("messages").iter().any(|m| {
        m["subject"]
            .as_str()
            .unwrap_or("")
            .starts_with("Genehmigung gilt als erteilt")
    }));
    let other = applicant.json(&format!("/api/v1/cases/{waived}")).await;
    assert_eq!(other["state"], "substantive_check");
    // nothing fires twice
    let again = clock.advance(1).await;
    assert_eq!(again["deemed_approvals"], 0);
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}

#[tokio::test]
async fn an_agency_added_on_the_command_line_is_asked_and_answers() {
    let server = Server::start();
    let authorities = cli_ok(&server, &["authority", "list"]);
    let building_authority = authorities
        .lines()
        .find(|l| l.contains("\tbuilding_authority\t"))
        .and_then(|l| l.split('\t').next())
        .expect("the demo building authority")
        .to_string();
    let agency = cli_ok(
        &server,
        &[
            "authority",
            "add",
            "--agency",
            "--name",
            "Straßenbauamt Musterkreis",
            "--address",
            "Ringstraße 1\\n70173 Musterstadt",
            "--state",
            "BW",
        ],
    );
    // the console's changes are on record with the operator's name
    let operator = format!("operator:{CLI_OPERATOR}");
    assert!(
        audit_entries(&server)
            .await
            .iter()
            .any(|(actor, action, object)| {
                *actor == operator
                    && action == "authority.created"
                    && *object == format!("authority:{agency}")
            }),
        "the new agency is on record as made by {operator}"
    );
    // a building authority is no party, a topic must be known
    assert!(
        !cli(
            &server,
            &[
                "authority",
                "directory",
                "--authority",
                &building_authority,
                "--party",
                &building_authority,
                "--topic",
                "roads"
            ]
        )
        .status
        .success()
    );
    assert!(
        !cli(
            &server,
            &[
                "authority",
                "directory",
                "--authority",
                &building_authority,
                "--party",
                &agency,
                "--topic",
                "wetter"
            ]
        )
        .status
        .success()
    );
    cli_ok(
        &server,
        &[
            "authority",
            "directory",
            "--authority",
            &building_authority,
            "--party",
            &agency,
            "--topic",
            "roads",
        ],
    );
    // an agency user belongs to an agency, staff to a building authority
    let wrong = cli(
        &server,
        &[
            "user",
            "add",
            "--email",
            "falsch@example.org",
            "--name",
            "Falk Falsch",
            "--role",
            "agency",
            "--authority",
            &building_authority,
        ],
    );
    assert!(!wrong.status.success());
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "--email",
            "strasse@example.org",
            "--name",
            "Stefan Straße",
            "--role",
            "agency",
            "--authority",
            &agency,
        ],
    );

    let applicant = register(&server, "strassen@example.org", "Rita Rand").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let (case_id, _) = submitted_case(&applicant).await;
    for action in ["take_over", "confirm_complete"] {
        assert_eq!(
            caseworker
                .act(&case_id, json!({ "action": action }))
                .await
                .status(),
            StatusCode::OK
        );
    }
    let directory = caseworker.json("/api/v1/directory").await;
    assert_eq!(directory.as_array().map(Vec::len), Some(5));
    let r = caseworker
        .act(
            &case_id,
            json!({
                "action": "start_participation",
                "parties": [party_id(&directory, "roads")],
                "question": "Zufahrt zur Kreisstraße?",
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let roads = login(&server, "strasse@example.org", CLI_PASSWORD).await;
    let request = my_request(&roads).await;
    let view = roads
        .json(&format!("/api/v1/participation/{request}"))
        .await;
    assert_eq!(view["shared_documents"], json!([]), "nothing was shared");
    // an objection needs reasons; then it is on record for the caseworker
    assert_eq!(
        roads
            .post(
                &format!("/api/v1/participation/{request}/statement"),
                json!({ "verdict": "objection", "reasons": " " })
            )
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let answered: Value = roads
        .post(
            &format!("/api/v1/participation/{request}/statement"),
            json!({ "verdict": "objection", "reasons": "Die Zufahrt liegt im Sichtdreieck der Einmündung." }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(answered["answer"]["verdict"], "objection");
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["state"], "participation_complete");
    assert_eq!(
        case["participations"][0]["answer"]["reasons"],
        "Die Zufahrt liegt im Sichtdreieck der Einmündung."
    );
    let mail = caseworker.json("/api/v1/mailbox").await;
    assert!(mail.as_array().expect("messages").iter().any(|m| {
        m["subject"]
            .as_str()
            .unwrap_or("")
            .starts_with("Stellungnahme eingegangen")
    }));
}
