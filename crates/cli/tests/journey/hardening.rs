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
    for query in ["page=1000001", "page=-1", "due_within=4000", "page=abc"] {
        let response = caseworker.get(&format!("/api/v1/cases?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["code"], "invalid_query", "{query}");
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
