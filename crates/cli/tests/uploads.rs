//! Uploads over the limit get 413 and leave nothing; double submissions make one case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413_and_leaves_nothing() {
    let server = Server::start_with(tempfile::tempdir().expect("dir"), "max_upload_mib = 1\n");
    let applicant = register(&server, "big@example.org", "Bertha Big").await;
    let draft_id = new_draft(&applicant).await;
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

/// A size-capped folder (tmpfs) as the data folder, unmounted when dropped. Needs root (the
/// tests and CI run as root); a failed mount fails the test rather than skipping it.
struct CappedFolder {
    dir: tempfile::TempDir,
}

impl CappedFolder {
    fn new(mib: u32) -> CappedFolder {
        let dir = tempfile::tempdir().expect("dir");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount (needs root)");
        assert!(
            status.success(),
            "mounting a {mib} MiB tmpfs failed (needs root)"
        );
        CappedFolder { dir }
    }
}

impl Drop for CappedFolder {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_answers_507_keeps_what_was_stored_and_serves_again() {
    let capped = CappedFolder::new(12);
    let data = tempfile::Builder::new()
        .prefix("data")
        .tempdir_in(capped.dir.path())
        .expect("data folder on the capped disk");
    let server = Server::start_with(data, "max_upload_mib = 64\n");
    let applicant = register(&server, "voll@example.org", "Volker Voll").await;
    let draft_id = new_draft(&applicant).await;
    let documents = format!("/api/v1/drafts/{draft_id}/documents");
    let first = applicant
        .upload(&documents, "lageplan", "lageplan.pdf", pdf("klein"))
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    // more than the disk holds
    let mut big = pdf("gross");
    big.resize(20 * 1024 * 1024, b' ');
    let full = applicant
        .upload(&documents, "bauzeichnungen", "gross.pdf", big)
        .await;
    assert_eq!(full.status(), StatusCode::INSUFFICIENT_STORAGE);
    let problem: Value = full.json().await.expect("problem");
    assert_eq!(problem["code"], "insufficient_storage");
    assert!(
        problem["title"]
            .as_str()
            .unwrap_or("")
            .contains("Speicher des Dienstes ist voll"),
        "{problem}"
    );
    // what was stored before is still there, nothing half-written was left
    let draft = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    let names: Vec<&str> = draft["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter_map(|d| d["file_name"].as_str())
        .collect();
    assert_eq!(names, ["lageplan.pdf"]);
    let tmp = server.data.path().join("documents/tmp");
    assert_eq!(std::fs::read_dir(&tmp).expect("tmp").count(), 0);
    // the space is free again: the server takes uploads and is ready, by itself
    let again = applicant
        .upload(&documents, "bauzeichnungen", "klein.pdf", pdf("wieder"))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let ready = reqwest::get(server.url("/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    drop(server);
}
