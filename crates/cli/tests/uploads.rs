//! Uploads over the limit get 413 and leave nothing; double submissions make one case.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413_and_leaves_nothing() {
    let server = Server::start_with(tempfile::tempdir().expect("dir"), "max_upload_mib = 1\n");
    let applicant = register(&server, "big@example.org", "Bertha Big").await;
    let draft: Value = applicant
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id");
    let mut big = pdf("big");
    big.resize(3 * 1024 * 1024, b' ');
    let response = applicant
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "lageplan",
            "gross.pdf",
            big,
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["code"], "payload_too_large");
    assert!(
        problem["title"].as_str().unwrap_or("").contains("1 MiB"),
        "{problem}"
    );
    let draft = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(draft["documents"], json!([]));
    let tmp = server.data.path().join("documents/tmp");
    assert_eq!(
        std::fs::read_dir(&tmp).expect("tmp").count(),
        0,
        "no partial file remains"
    );
    let stored = std::fs::read_dir(server.data.path().join("documents/sha256"))
        .expect("blobs")
        .count();
    assert_eq!(stored, 0);
    // just under the limit is fine
    let mut fits = pdf("fits");
    fits.resize(1024 * 1024, b' ');
    let ok = applicant
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "lageplan",
            "passt.pdf",
            fits,
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn concurrent_submissions_of_one_draft_make_one_case() {
    let server = Server::start();
    let applicant = register(&server, "double@example.org", "Doris Doppel").await;
    let draft_id = complete_draft(&applicant).await;
    // a double click: several submissions at once, without an idempotency key
    let url = server.url(&format!("/api/v1/drafts/{draft_id}/submit"));
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (http, url, token) = (applicant.http.clone(), url.clone(), applicant.token.clone());
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("submit")
            })
        })
        .collect();
    let mut responses = Vec::new();
    for task in tasks {
        responses.push(task.await.expect("task"));
    }
    let mut case_ids = Vec::new();
    let mut created = 0;
    for r in responses {
        let status = r.status();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}"
        );
        if status == StatusCode::CREATED {
            created += 1;
        }
        let body: Value = r.json().await.expect("json");
        case_ids.push(body["case_id"].as_str().expect("case").to_string());
    }
    assert_eq!(created, 1);
    case_ids.dedup();
    assert_eq!(case_ids.len(), 1);
    assert_eq!(
        applicant
            .json("/api/v1/cases")
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
