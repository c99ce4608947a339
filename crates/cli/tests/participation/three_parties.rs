//! The journey the `participation_from_…` tests run from their start days: two agencies and
//! the municipality are asked, one answers, two stay silent, then the permit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;
use crate::{FIRE, MONUMENT, deadline_status, document_id, my_request, party_id};

async fn case_requests(caseworker: &Api<'_>, case_id: &str) -> Vec<Value> {
    caseworker.json(&format!("/api/v1/cases/{case_id}")).await["participations"]
        .as_array()
        .expect("participations")
        .clone()
}

fn date_plus(date: &str, days: i64) -> String {
    let d = time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("date");
    (d + time::Duration::days(days)).to_string()
}

pub(crate) async fn two_agencies_and_the_municipality_one_answers_two_stay_silent_then_the_permit(
    start: time::Date,
) {
    let server = Server::start_on_day(start);
    let mut clock = TestClock::new(&server, start);
    let applicant = register(&server, "bauherrin@example.org", "Zoë Dvořák").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let (case_id, file_number) = submitted_case(&applicant).await;
    let ok = |r: reqwest::Response| {
        let status = r.status();
        async move {
            let body = r.text().await.unwrap_or_default();
            assert_eq!(status, StatusCode::OK, "{body}");
            serde_json::from_str::<Value>(&body).unwrap_or(Value::Null)
        }
    };
    ok(caseworker
        .act(&case_id, json!({ "action": "take_over" }))
        .await)
    .await;

    // the document request stops the completeness check; the supplement starts it anew
    ok(caseworker
        .act(&case_id, json!({ "action": "request_documents", "defects": ["Lageplan mit Abstandsflächen"], "deadline": (clock.today + time::Duration::days(14)).to_string() }))
        .await)
    .await;
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(deadline_status(&case, "completeness_check"), "stopped");
    assert_eq!(deadline_status(&case, "supplement"), "running");
    let r = applicant
        .upload(
            &format!("/api/v1/cases/{case_id}/supplements"),
            "lageplan",
            "lageplan-neu.pdf",
            pdf("neu"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    ok(applicant
        .act(&case_id, json!({ "action": "supply_documents" }))
        .await)
    .await;
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(deadline_status(&case, "completeness_check"), "running");
    assert_eq!(deadline_status(&case, "supplement"), "ended");
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.ends_with(&["documents_requested", "documents_supplied"]));
    ok(caseworker
        .act(&case_id, json!({ "action": "confirm_complete" }))
        .await)
    .await;

    // the directory of the authority; applicants have none
    let directory = caseworker.json("/api/v1/directory").await;
    assert_eq!(directory.as_array().map(Vec::len), Some(4), "{directory}");
    assert_eq!(
        applicant.get("/api/v1/directory").await.status(),
        StatusCode::FORBIDDEN
    );
    let fire_id = party_id(&directory, "fire_protection");
    let monument_id = party_id(&directory, "monument_protection");
    let town_id = party_id(&directory, "municipal_consent");

    // ask: only the site plan is shared
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    let site_plan = document_id(&case, "lageplan");
    let drawings = document_id(&case, "bauzeichnungen");
    let unknown = caseworker
        .act(&case_id, json!({ "action": "start_participation", "parties": [fire_id, case_id], "question": "?" }))
        .await;
    assert_eq!(
        unknown.status(),
        StatusCode::BAD_REQUEST,
        "a party outside the directory"
    );
    let started = ok(caseworker
        .act(
            &case_id,
            json!({
                "action": "start_participation",
                "parties": [fire_id, monument_id, town_id],
                "question": "Bitte nehmen Sie zum Neubau eines Einfamilienhauses Stellung.",
                "documents": [site_plan],
            }),
        )
        .await)
    .await;
    assert_eq!(started["state"], "participation");
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["portal_status"], "08");
    let requests = case["participations"].as_array().expect("participations");
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|p| p["status"] == "open"));
    let town_request = requests
        .iter()
        .find(|p| p["party_kind"] == "municipality")
        .expect("municipality asked");
    assert_eq!(town_request["rule"], "municipal_consent");
    // the decision clock waits for the statements
    assert_eq!(deadline_status(&case, "decision"), "stopped");
    // the applicant learns that agencies were asked, not whom and what
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(own["portal_status"], "08");
    assert_eq!(own["participations"], json!([]));
    let event = own["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "participation_started")
        .expect("visible to the applicant");
    assert!(event["data"].get("requests").is_none());
    // no decision while the agencies are asked
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "approve" }))
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // the fire service: sees its request and the site plan, nothing else
    let fire = login(&server, FIRE, PASSWORD).await;
    let fire_request = my_request(&fire).await;
    let view = fire
        .json(&format!("/api/v1/participation/{fire_request}"))
        .await;
    assert_eq!(view["file_number"], file_number.as_str());
    assert_eq!(
        view["request"]["question"],
        "Bitte nehmen Sie zum Neubau eines Einfamilienhauses Stellung."
    );
    assert_eq!(view["consequence_de"], "Keine Bedenken (Fiktion)");
    let shared: Vec<&str> = view["shared_documents"]
        .as_array()
        .expect("shared")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(shared, [site_plan.as_str()]);
    assert_eq!(
        fire.get(&format!(
            "/api/v1/participation/{fire_request}/documents/{site_plan}"
        ))
        .await
        .status(),
        StatusCode::OK
    );
    // a request's deadline can be extended once by up to a month (§ 54(3) LBO BW)
    let due = view["request"]["due"].as_str().expect("due").to_string();
    let limit = view["extension_limit"].as_str().expect("extendable");
    assert_eq!(
        fire.post(
            &format!("/api/v1/participation/{fire_request}/extension"),
            json!({ "until": date_plus(limit, 1), "reason": "Ortstermin" })
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let asked = ok(fire
        .post(
            &format!("/api/v1/participation/{fire_request}/extension"),
            json!({ "until": date_plus(&due, 7), "reason": "Ortstermin mit der Feuerwehr nötig" }),
        )
        .await)
    .await;
    assert!(asked["pending_extension"].is_object());
    let granted = ok(caseworker
        .post(
            &format!("/api/v1/cases/{case_id}/participation/{fire_request}/extension"),
            json!({ "grant": true }),
        )
        .await)
    .await;
    assert_eq!(granted["due"], date_plus(&due, 7).as_str());
    assert_eq!(granted["extensions"], 1);
    // an attachment, then the statement with a condition
    let attached = fire
        .upload(
            &format!("/api/v1/participation/{fire_request}/attachments"),
            "",
            "stellungnahme-brandschutz.pdf",
            pdf("Brandschutz"),
        )
        .await;
    assert_eq!(attached.status(), StatusCode::CREATED);
    let condition = "Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.";
    let answered = ok(fire
        .post(
            &format!("/api/v1/participation/{fire_request}/statement"),
            json!({ "verdict": "conditions", "conditions": [{ "kind": "2", "text": condition }] }),
        )
        .await)
    .await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(
        answered["answer"]["attachment_ids"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let again = fire
        .post(
            &format!("/api/v1/participation/{fire_request}/statement"),
            json!({ "verdict": "no_concerns" }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "answered once");

    // the periods as the calendar computes them (§§ 187–193 BGB in Baden-Württemberg)
    let requests = case_requests(&caseworker, &case_id).await;
    let agency_due = period_end(start, "1M");
    let town_due = period_end(start, "2M");
    assert_eq!(requests[1]["due"], agency_due.to_string().as_str());
    assert_eq!(requests[2]["due"], town_due.to_string().as_str());
    // on its last day the silent agency still may answer: nothing is deemed
    let moved = clock.move_to(agency_due).await;
    assert_eq!(moved["deemed_statements"], 0, "{moved}");
    // the day after: the monument authority stayed silent — deemed no concerns
    let moved = clock.advance(1).await;
    assert_eq!(moved["deemed_statements"], 1, "{moved}");
    assert_eq!(moved["deemed_approvals"], 0, "{moved}");
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    let statuses: Vec<(&str, &str)> = case["participations"]
        .as_array()
        .expect("participations")
        .iter()
        .map(|p| {
            (
                p["party_kind"].as_str().unwrap_or(""),
                p["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("agency", "answered"),
            ("agency", "deemed"),
            ("municipality", "open")
        ]
    );
    assert_eq!(
        case["participations"][1]["answer"]["verdict"],
        "deemed_no_concerns"
    );
    assert_eq!(case["state"], "participation");
    // the silent agency can no longer answer
    let monument = login(&server, MONUMENT, PASSWORD).await;
    let monument_request = my_request(&monument).await;
    assert_eq!(
        monument
            .post(
                &format!("/api/v1/participation/{monument_request}/statement"),
                json!({ "verdict": "objection", "reasons": "zu spät" })
            )
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // two months: the municipality stayed silent — its consent is deemed given (§ 36(2) BauGB)
    let moved = clock.move_to(town_due).await;
    assert_eq!(moved["deemed_statements"], 0, "{moved}");
    let moved = clock.advance(1).await;
    assert_eq!(moved["deemed_statements"], 1, "{moved}");
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["state"], "participation_complete");
    assert_eq!(case["portal_status"], "09");
    assert_eq!(
        case["participations"][2]["answer"]["verdict"],
        "deemed_consent"
    );
    // the decision clock runs again, anew from the last statement
    assert_eq!(deadline_status(&case, "decision"), "running");

    // the permit: the fire service's condition comes first, with its source
    let approved = ok(caseworker
        .act(&case_id, json!({ "action": "approve", "conditions": [{ "kind": "4", "text": "Der Baubeginn ist anzuzeigen." }] }))
        .await)
    .await;
    assert_eq!(approved["state"], "approval_drafted");
    ok(caseworker
        .act(&case_id, json!({ "action": "issue_notice" }))
        .await)
    .await;
    let applicant = login(&server, "bauherrin@example.org", "ein-langes-Passwort-1").await;
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    let conditions = own["decision"]["conditions"]
        .as_array()
        .expect("conditions");
    assert_eq!(conditions.len(), 2);
    assert_eq!(conditions[0]["text"], condition);
    assert_eq!(
        conditions[0]["source"],
        "Kreisbrandmeister Musterkreis – Vorbeugender Brandschutz"
    );
    // the statement's attachment stays internal
    assert!(
        own["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .all(|d| d["origin"] != "statement")
    );
    let notice = applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await;
    assert_eq!(notice.status(), StatusCode::OK);
    let text = pdf_text(&notice.bytes().await.expect("pdf"));
    assert!(text.contains("Rauchwarnmelder"), "{text}");
    assert!(text.contains("Vorbeugender Brandschutz"), "{text}");
    assert!(text.contains("Baubeginn ist anzuzeigen"), "{text}");

    let _ = drawings;
    let (ok_chain, report) = audit_verify(&server);
    assert!(ok_chain, "{report}");
}
