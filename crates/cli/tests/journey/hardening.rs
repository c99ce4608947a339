//! What the attack run found at the API's edge, each kept closed by a test.

use super::*;

/// A JSON body over the limit names the real limit (it used to say "höchstens 0 MiB").
#[tokio::test]
async fn a_json_body_over_the_limit_names_the_limit() {
    let server = Server::start();
    let applicant = register(&server, "gross@example.org", "Greta Groß").await;
    let draft = new_draft(&applicant).await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = applicant
        .patch(
            &format!("/api/v1/drafts/{draft}"),
            json!({ "fields": { "project_description": huge } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["code"], "payload_too_large");
    let title = problem["title"].as_str().expect("title");
    assert!(title.contains("höchstens 2 MiB"), "{title}");
    assert!(title.contains("Anfrage"), "not a file: {title}");
}

/// Thousands of wrong fields do not get thousands of errors back; the message counts all,
/// and an echoed field name is never longer than a field name can be.
#[tokio::test]
async fn error_lists_are_capped() {
    let server = Server::start();
    let applicant = register(&server, "viele@example.org", "Vera Viele").await;
    let draft = new_draft(&applicant).await;
    let mut fields = serde_json::Map::new();
    for i in 0..500 {
        fields.insert(format!("unbekannt_{i:03}"), json!("x"));
    }
    fields.insert("y".repeat(10_000), json!("x"));
    let response = applicant
        .patch(
            &format!("/api/v1/drafts/{draft}"),
            json!({ "fields": fields }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().await.expect("problem");
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 50);
    assert!(
        problem["title"].as_str().expect("title").contains("501"),
        "{problem}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e["field"].as_str().expect("field").chars().count() <= 65)
    );
}

/// The list's bounds are the document's: a page beyond them is a bad request, not accepted.
#[tokio::test]
async fn case_list_parameters_out_of_bounds_are_refused() {
    let server = Server::start();
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    for query in ["page=1000001", "page=-1", "due_within=367", "page=abc"] {
        let response = caseworker.get(&format!("/api/v1/cases?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    assert_eq!(
        caseworker.get("/api/v1/cases?page=1000000").await.status(),
        StatusCode::OK
    );
}

/// The type check reads the name as it is stored and shown: `plan.png` followed by an
/// invisible character promised nothing before, so PDF bytes were kept as `plan.png`.
/// Direction overrides do not survive into a name either.
#[tokio::test]
async fn file_names_are_checked_and_kept_as_people_see_them() {
    let server = Server::start();
    let applicant = register(&server, "namen@example.org", "Nina Namen").await;
    let draft = new_draft(&applicant).await;
    let path = format!("/api/v1/drafts/{draft}/documents");
    let hidden = applicant
        .upload(&path, "lageplan", "lageplan.png\u{200B}", pdf("lageplan"))
        .await;
    assert_eq!(hidden.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let reversed = applicant
        .upload(
            &path,
            "lageplan",
            "lageplan\u{202E}fdp.pdf",
            pdf("lageplan"),
        )
        .await;
    assert_eq!(reversed.status(), StatusCode::CREATED);
    let document: Value = reversed.json().await.expect("json");
    assert_eq!(document["file_name"], "lageplanfdp.pdf");
}

/// Free text keeps no invisible direction overrides or zero-width spaces.
#[tokio::test]
async fn free_text_loses_its_invisible_controls() {
    let server = Server::start();
    let applicant = register(&server, "unsichtbar@example.org", "Uwe Unsichtbar").await;
    let draft = new_draft(&applicant).await;
    let response = applicant
        .patch(
            &format!("/api/v1/drafts/{draft}"),
            json!({ "fields": { "project_description": "Neubau\u{200B} \u{202E}tfahcstfähcseG\u{202C}" } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let draft: Value = response.json().await.expect("json");
    assert_eq!(
        draft["fields"]["project_description"],
        "Neubau tfahcstfähcseG"
    );
}

/// Reading a message changes nothing; marking it read is a POST of its own.
#[tokio::test]
async fn reading_a_message_changes_nothing() {
    let server = Server::start();
    let applicant = register(&server, "post@example.org", "Paula Post").await;
    submitted_case(&applicant).await;
    let mailbox = applicant.json("/api/v1/mailbox").await;
    let id = mailbox[0]["id"].as_str().expect("id").to_string();
    for _ in 0..2 {
        let message = applicant.json(&format!("/api/v1/mailbox/{id}")).await;
        assert!(message["read_at"].is_null(), "{message}");
    }
    let marked = applicant
        .post(&format!("/api/v1/mailbox/{id}/read"), json!({}))
        .await;
    assert_eq!(marked.status(), StatusCode::OK);
    let marked: Value = marked.json().await.expect("json");
    assert!(marked["read_at"].is_string());
    let again: Value = applicant
        .post(&format!("/api/v1/mailbox/{id}/read"), json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["read_at"], marked["read_at"], "the first time counts");
    // another person cannot mark it
    let other = register(&server, "fremd@example.org", "Fritz Fremd").await;
    assert_eq!(
        other
            .post(&format!("/api/v1/mailbox/{id}/read"), json!({}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// Who read a case stays on record, once per person, case and window, however often they
/// open it; an account opening cases faster than its limit is slowed down.
#[tokio::test]
async fn case_reads_are_on_record_once_per_window_and_limited() {
    let server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        "[limits]\ncase_reads_per_minute = 20\n",
    );
    let applicant = register(&server, "lesen@example.org", "Lena Lesen").await;
    let (case_id, _) = submitted_case(&applicant).await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    for _ in 0..15 {
        assert_eq!(
            caseworker
                .get(&format!("/api/v1/cases/{case_id}"))
                .await
                .status(),
            StatusCode::OK
        );
    }
    let object = format!("case:{case_id}");
    let reads = audit_entries(&server)
        .await
        .into_iter()
        .filter(|(actor, action, o)| {
            action == "case.read" && o == &object && actor == &caseworker.user_id
        })
        .count();
    assert_eq!(reads, 1);
    let mut limited = None;
    for _ in 0..10 {
        let response = caseworker.get(&format!("/api/v1/cases/{case_id}")).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the account is slowed down");
    assert!(limited.headers().get("retry-after").is_some());
    let problem: Value = limited.json().await.expect("problem");
    assert_eq!(problem["code"], "too_many_requests");
    // someone else reads as usual
    let applicant_view = applicant.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(applicant_view.status(), StatusCode::OK);
}

/// Refusals by role, documents a role does not see and a misused test clock are on record
/// (once per person, object and window).
#[tokio::test]
async fn denials_are_on_record() {
    let server = Server::start();
    let applicant = register(&server, "verboten@example.org", "Vera Verboten").await;
    for _ in 0..3 {
        assert_eq!(
            applicant.get("/api/v1/directory").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            applicant
                .post("/api/v1/test/clock", json!({ "advance_days": 1 }))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    let denied: Vec<_> = audit_entries(&server)
        .await
        .into_iter()
        .filter(|(actor, action, _)| action == "access.denied" && actor == &applicant.user_id)
        .map(|(_, _, object)| object)
        .collect();
    assert_eq!(denied, vec!["directory".to_string(), "clock".to_string()]);
}
