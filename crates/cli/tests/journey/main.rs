//! Whole building permit cases through the real server's API, as a client would drive them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod api;
#[path = "../common/mod.rs"]
mod common;
mod edge;
mod hardening;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn approval_with_a_document_request_from_application_to_retrieved_notice() {
    let server = Server::start();
    let applicant = register(&server, "zoe.dvorak@example.org", "Zoë Dvořák").await;

    // draft: errors are named per field, and nothing invalid is stored
    let draft: Value = applicant
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id").to_string();
    let bad = applicant
        .patch(
            &format!("/api/v1/drafts/{draft_id}"),
            json!({ "fields": { "applicant_family_name": "Иванов", "storeys": "zwei" } }),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    let problem: Value = bad.json().await.expect("problem");
    assert_eq!(problem["code"], "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["applicant_family_name", "storeys"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("„И“")
    );
    let stored = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(stored["fields"], json!({}));

    // a draft saved and read back later
    let saved = applicant
        .patch(
            &format!("/api/v1/drafts/{draft_id}"),
            json!({ "fields": application_form() }),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let later = applicant.json("/api/v1/drafts").await;
    assert_eq!(later[0]["fields"]["applicant_family_name"], "Dvořák");

    // submitting without documents names what is missing
    let early = applicant
        .post(&format!("/api/v1/drafts/{draft_id}/submit"), json!({}))
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let early: Value = early.json().await.expect("problem");
    assert!(
        early["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == "document:lageplan")
    );

    // uploads: a PNG sent as .pdf for a PDF-only type is refused by its bytes
    let wrong = applicant
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "baubeschreibung",
            "beschreibung.pdf",
            png(),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for doc in [
        "lageplan",
        "bauzeichnungen",
        "baubeschreibung",
        "bauvorlageberechtigung",
    ] {
        let r = applicant
            .upload(
                &format!("/api/v1/drafts/{draft_id}/documents"),
                doc,
                &format!("{doc}.pdf"),
                pdf(doc),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "upload {doc}");
    }
    let draft = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(draft["documents"].as_array().map(Vec::len), Some(4));
    assert_eq!(draft["missing_documents"], json!([]));

    // submit twice with the same key: one case
    let submit = |key: &'static str| {
        applicant
            .http
            .post(server.url(&format!("/api/v1/drafts/{draft_id}/submit")))
            .bearer_auth(&applicant.token)
            .header("Idempotency-Key", key)
            .send()
    };
    let first = submit("journey-1").await.expect("submit");
    assert_eq!(first.status(), StatusCode::CREATED);
    let receipt: Value = first.json().await.expect("receipt");
    let second = submit("journey-1").await.expect("submit again");
    assert_eq!(second.status(), StatusCode::OK);
    let again: Value = second.json().await.expect("receipt");
    assert_eq!(again["case_id"], receipt["case_id"]);
    let case_id = receipt["case_id"].as_str().expect("case id").to_string();
    let file_number = receipt["file_number"]
        .as_str()
        .expect("file number")
        .to_string();
    assert!(
        file_number.starts_with("BG-2026-") || file_number.starts_with("BG-20"),
        "{file_number}"
    );
    assert_eq!(
        applicant
            .json("/api/v1/cases")
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // the draft can no longer change
    let late = applicant
        .patch(
            &format!("/api/v1/drafts/{draft_id}"),
            json!({ "fields": { "storeys": "3" } }),
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);

    // receipt in the mailbox
    let mailbox = applicant.json("/api/v1/mailbox").await;
    assert!(
        mailbox[0]["subject"]
            .as_str()
            .unwrap_or("")
            .contains(&file_number)
    );

    // caseworker: inbox, search, take over
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let inbox = caseworker.json("/api/v1/cases").await;
    assert_eq!(inbox[0]["file_number"], file_number.as_str());
    // the running number without its leading zeros finds the case too (exact lookup)
    let (head, number) = file_number.rsplit_once('-').expect("file number");
    let unpadded = format!("{head}-{}", number.trim_start_matches('0'));
    for q in [
        file_number.to_lowercase(),
        unpadded,
        "dvořák".to_string(),
        "weinberg".to_string(),
    ] {
        let found = caseworker
            .http
            .get(server.url("/api/v1/cases"))
            .query(&[("q", q.as_str())])
            .bearer_auth(&caseworker.token)
            .send()
            .await
            .expect("search");
        let found: Value = found.json().await.expect("json");
        assert_eq!(found.as_array().map(Vec::len), Some(1), "search {q}");
    }
    let nothing: Value = caseworker
        .http
        .get(server.url("/api/v1/cases"))
        .query(&[("q", "%")])
        .bearer_auth(&caseworker.token)
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(nothing, json!([]));
    // a caseworker acts only on cases taken over
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "confirm_complete" }))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "take_over" }))
            .await
            .status(),
        StatusCode::OK
    );
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["state"], "completeness_check");
    // the demo authority is in Baden-Württemberg: ten working days for the completeness check
    let check = case["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["rule"] == "completeness_check")
        .expect("completeness deadline")
        .clone();
    assert_eq!(check["status"], "running");
    assert_eq!(check["on_expiry"], "reminder");
    assert!(check["source"].as_str().unwrap_or("").contains("LBO BW"));
    assert!(check["working_days_left"].as_u64().is_some_and(|n| n <= 10));
    assert_eq!(case["fields"]["site_parcel"], "1234/5");

    // completeness check: documents requested with a deadline
    let past = caseworker
        .act(
            &case_id,
            json!({ "action": "request_documents", "defects": ["x"], "deadline": "2000-01-01" }),
        )
        .await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let deadline = (authority_today() + time::Duration::days(14)).to_string();
    let requested = caseworker
        .act(&case_id, json!({ "action": "request_documents", "defects": ["Der Lageplan ist nicht maßstäblich.", "Die Berechnung der Abstandsflächen fehlt."], "deadline": deadline }))
        .await;
    assert_eq!(requested.status(), StatusCode::OK);
    let requested: Value = requested.json().await.expect("json");
    assert_eq!(requested["state"], "documents_requested");
    // the applicant's date: the one set, or the next working day if it is none (§193 BGB)
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    let supplement = own["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["rule"] == "supplement")
        .expect("supplement deadline")
        .clone();
    assert_eq!(supplement["status"], "running");
    assert_eq!(supplement["on_expiry"], "deemed_withdrawal");
    assert!(supplement["due"].as_str().unwrap_or("") >= deadline.as_str());
    assert_eq!(requested["next_deadline"], supplement["due"]);
    // the inbox filters by the nearest deadline
    let within = |days: &'static str| {
        caseworker
            .http
            .get(server.url("/api/v1/cases"))
            .query(&[("due_within", days)])
            .bearer_auth(&caseworker.token)
            .send()
    };
    let soon: Value = within("30")
        .await
        .expect("filter")
        .json()
        .await
        .expect("json");
    assert_eq!(soon.as_array().map(Vec::len), Some(1));
    let overdue: Value = within("0")
        .await
        .expect("filter")
        .json()
        .await
        .expect("json");
    assert_eq!(overdue, json!([]));
    assert_eq!(
        within("400").await.expect("filter").status(),
        StatusCode::BAD_REQUEST
    );

    // the applicant sees the request in the mailbox and supplies documents
    let mailbox = applicant.json("/api/v1/mailbox").await;
    let request = mailbox
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["kind"] == "document_request")
        .expect("request message");
    assert!(
        request["body"]
            .as_str()
            .unwrap_or("")
            .contains("Abstandsflächen")
    );
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(own["portal_status"], "17");
    assert_eq!(own["actions"], json!(["supply_documents", "withdraw"]));
    let supplement = applicant
        .upload(
            &format!("/api/v1/cases/{case_id}/supplements"),
            "berechnungen",
            "abstandsflaechen.pdf",
            pdf("abstand"),
        )
        .await;
    assert_eq!(supplement.status(), StatusCode::CREATED);
    let supplied = applicant
        .act(&case_id, json!({ "action": "supply_documents" }))
        .await;
    assert_eq!(supplied.status(), StatusCode::OK);
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["state"], "completeness_check");
    assert!(
        case["documents"]
            .as_array()
            .expect("docs")
            .iter()
            .any(|d| d["origin"] == "supplement" && d["file_name"] == "abstandsflaechen.pdf")
    );
    // no further supplement without a request
    let unasked = applicant
        .upload(
            &format!("/api/v1/cases/{case_id}/supplements"),
            "sonstiges",
            "x.pdf",
            pdf("x"),
        )
        .await;
    assert_eq!(unasked.status(), StatusCode::CONFLICT);

    // complete, approve with conditions, issue the notice
    assert_eq!(
        caseworker
            .act(&case_id, json!({ "action": "confirm_complete" }))
            .await
            .status(),
        StatusCode::OK
    );
    let unknown_kind = caseworker
        .act(
            &case_id,
            json!({ "action": "approve", "conditions": [{ "kind": "99", "text": "x" }] }),
        )
        .await;
    assert_eq!(unknown_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let approved = caseworker
        .act(
            &case_id,
            json!({ "action": "approve", "conditions": [
                { "kind": "2", "text": "Vor Baubeginn sind zwei Stellplätze auf dem Grundstück herzustellen." },
                { "kind": "4", "text": "Die Baugenehmigung erlischt, wenn nicht innerhalb von drei Jahren mit dem Bau begonnen wird." }
            ] }),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    // the applicant does not see the decision before the notice
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(own["decision"], Value::Null);
    let issued: Value = caseworker
        .act(&case_id, json!({ "action": "issue_notice" }))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(issued["state"], "approved");
    assert_eq!(
        caseworker
            .act(
                &case_id,
                json!({ "action": "refuse", "reasons": "zu spät" })
            )
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // the notice: in the mailbox, retrievable as PDF, the first retrieval is recorded
    let mailbox = applicant.json("/api/v1/mailbox").await;
    let notice_message = mailbox
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["kind"] == "notice")
        .expect("notice message")
        .clone();
    assert!(notice_message["document_id"].is_string());
    let before = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert!(
        !before["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["kind"] == "notice_retrieved")
    );
    // the plain document download does not count as the retrieval
    let notice_id = notice_message["document_id"]
        .as_str()
        .expect("notice id")
        .to_string();
    let early = applicant
        .get(&format!("/api/v1/documents/{notice_id}"))
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let early: Value = early.json().await.expect("problem");
    assert_eq!(early["code"], "notice_not_retrieved");
    let pdf_response = applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await;
    assert_eq!(pdf_response.status(), StatusCode::OK);
    assert_eq!(pdf_response.headers()["content-type"], "application/pdf");
    let bytes = pdf_response.bytes().await.expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    {
        let text = pdf_text(&bytes);
        assert!(text.contains(&file_number), "notice names the file number");
        assert!(text.contains("Dvořák"), "notice names the applicant");
        assert!(
            text.contains("Stellplätze"),
            "notice carries the conditions"
        );
        assert!(text.contains("Rechtsbehelfsbelehrung"));
    }
    applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await;
    let after = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    let retrievals = after["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "notice_retrieved")
        .count();
    assert_eq!(retrievals, 1, "only the first retrieval is recorded");
    let later = applicant
        .get(&format!("/api/v1/documents/{notice_id}"))
        .await;
    assert_eq!(
        later.status(),
        StatusCode::OK,
        "after the retrieval the notice is a document like any other"
    );
    assert_eq!(after["portal_status"], "10");
    assert_eq!(
        after["decision"]["conditions"].as_array().map(Vec::len),
        Some(2)
    );

    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}

/// Text of a PDF by `pdftotext`, where it is installed.

#[tokio::test]
async fn refusal_path() {
    let server = Server::start();
    let applicant = register(&server, "ayse@example.org", "Ayşe Öztürk").await;
    let (case_id, _) = submitted_case(&applicant).await;
    let head = login(&server, HEAD, PASSWORD).await;
    // the head of unit may act without taking over
    assert_eq!(
        head.act(&case_id, json!({ "action": "take_over" }))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        head.act(&case_id, json!({ "action": "confirm_complete" }))
            .await
            .status(),
        StatusCode::OK
    );
    let reasons =
        "Das Vorhaben fügt sich nicht in die Eigenart der näheren Umgebung ein (§ 34 BauGB).";
    // no refusal without a hearing of the applicant (§ 28 VwVfG)
    let unheard = head
        .act(&case_id, json!({ "action": "refuse", "reasons": reasons }))
        .await;
    assert_eq!(unheard.status(), StatusCode::CONFLICT);
    let problem: Value = unheard.json().await.expect("problem");
    assert_eq!(problem["code"], "hearing_required");
    let in_days = |days: i64| (authority_today() + time::Duration::days(days)).to_string();
    assert_eq!(
        head.act(
            &case_id,
            json!({ "action": "start_hearing", "reasons": reasons, "deadline": in_days(3) })
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "at least a week to respond"
    );
    assert_eq!(
        head.act(
            &case_id,
            json!({ "action": "start_hearing", "reasons": reasons, "deadline": in_days(14) })
        )
        .await
        .status(),
        StatusCode::OK
    );
    let heard = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(heard["portal_status"], "03");
    assert_eq!(heard["hearing"]["reasons"], reasons);
    let mailbox = applicant.json("/api/v1/mailbox").await;
    assert!(
        mailbox
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m["kind"] == "hearing"
                && m["body"].as_str().unwrap_or("").contains("§ 34 BauGB"))
    );
    let early = head
        .act(&case_id, json!({ "action": "refuse", "reasons": reasons }))
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert_eq!(
        early.json::<Value>().await.expect("problem")["code"],
        "hearing_running"
    );
    assert_eq!(
        applicant
            .act(&case_id, json!({ "action": "respond_to_hearing", "text": "Wir halten an dem Vorhaben fest." }))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        head.act(&case_id, json!({ "action": "refuse", "reasons": "  " }))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        head.act(&case_id, json!({ "action": "refuse", "reasons": reasons }))
            .await
            .status(),
        StatusCode::OK
    );
    let issued: Value = head
        .act(&case_id, json!({ "action": "issue_notice" }))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(issued["state"], "refused");
    let own = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(own["portal_status"], "04");
    assert_eq!(own["decision"]["reasons"], reasons);
    let notice = applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await;
    assert_eq!(notice.status(), StatusCode::OK);
    let bytes = notice.bytes().await.expect("pdf");
    {
        let text = pdf_text(&bytes);
        assert!(text.contains("§ 34 BauGB"));
    }
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}

#[tokio::test]
async fn a_second_service_runs_on_the_same_engine() {
    let server = Server::start();
    let applicant = register(&server, "laden@example.org", "Şebnem Yılmaz").await;
    let services = applicant.json("/api/v1/services").await;
    assert!(
        services
            .as_array()
            .expect("services")
            .iter()
            .any(|s| s["id"] == "gewerbeanmeldung")
    );
    let draft: Value = applicant
        .post(
            "/api/v1/drafts",
            json!({ "service_id": "gewerbeanmeldung" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id").to_string();
    let fields = json!({
        "holder_given_name": "Şebnem", "holder_family_name": "Yılmaz", "holder_birth_date": "1988-04-12",
        "holder_street": "Königstraße 5", "holder_postal_code": "70173", "holder_city": "Stuttgart", "holder_email": "laden@example.org",
        "legal_form": "sole", "activity": "Einzelhandel mit Fahrrädern und Zubehör", "start_date": "2027-01-02", "employees": "2",
        "permit_required": "false", "premises_street": "Marienplatz 1", "premises_postal_code": "70178", "premises_city": "Stuttgart"
    });
    assert_eq!(
        applicant
            .patch(
                &format!("/api/v1/drafts/{draft_id}"),
                json!({ "fields": fields })
            )
            .await
            .status(),
        StatusCode::OK
    );
    let draft = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(draft["missing_documents"], json!(["identity"]));
    // the premises select the trade office, not the building authority, and the applicant
    // sees it before submitting
    assert_eq!(draft["responsible"]["status"], "one");
    assert_eq!(
        draft["responsible"]["authorities"][0]["name"],
        "Stadt Musterstadt – Gewerbeamt"
    );
    applicant
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "identity",
            "ausweis.png",
            png(),
        )
        .await;
    let receipt: Value = applicant
        .post(&format!("/api/v1/drafts/{draft_id}/submit"), json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        receipt["file_number"]
            .as_str()
            .unwrap_or("")
            .starts_with("GA-")
    );
    let case_id = receipt["case_id"].as_str().expect("case").to_string();
    // the building authority does not even see it; the trade office works on it
    let building_authority = login(&server, CASEWORKER, PASSWORD).await;
    assert_eq!(
        building_authority
            .get(&format!("/api/v1/cases/{case_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let caseworker = login(&server, "gewerbeamt@demo.amtsweg.de", PASSWORD).await;
    let inbox = caseworker.json("/api/v1/cases").await;
    assert!(
        inbox
            .as_array()
            .expect("inbox")
            .iter()
            .any(|c| c["id"] == case_id.as_str())
    );
    for action in [
        json!({ "action": "take_over" }),
        json!({ "action": "approve" }),
        json!({ "action": "issue_notice" }),
    ] {
        assert_eq!(
            caseworker.act(&case_id, action.clone()).await.status(),
            StatusCode::OK,
            "{action}"
        );
    }
    let case = applicant.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["state"], "acknowledged");
    let notice = applicant
        .get(&format!("/api/v1/cases/{case_id}/notice"))
        .await
        .bytes()
        .await
        .expect("pdf");
    {
        let text = pdf_text(&notice);
        assert!(
            text.contains("Empfangsbestätigung der Gewerbeanzeige"),
            "{text}"
        );
        assert!(text.contains("Yılmaz"));
        assert!(
            text.contains("Gewerbeamt"),
            "the trade office issues it: {text}"
        );
    }
}
