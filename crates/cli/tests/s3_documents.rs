//! Documents in an S3-compatible bucket: the real binary with `[documents] store = "s3"`
//! against moto (started here; the test fails, not skips, when moto is not installed —
//! `scripts/install-test-deps` installs it). Upload, download, a refused upload, submission.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use amtsweg_test_support::s3 as s3_server;

use common::*;
use reqwest::StatusCode;
use s3_server::S3Server;
use serde_json::{Value, json};

#[tokio::test]
async fn documents_go_to_the_bucket_and_come_back() {
    let s3 = S3Server::start();
    s3.create_bucket("amtsweg-docs");
    let config = format!(
        "max_upload_mib = 8\n[documents]\nstore = \"s3\"\nbucket = \"amtsweg-docs\"\nendpoint = \"{}\"\nregion = \"eu-central-1\"\nprefix = \"landkreis/\"\n",
        s3.endpoint
    );
    let env = vec![
        ("AWS_ACCESS_KEY_ID".into(), s3_server::ACCESS_KEY_ID.into()),
        (
            "AWS_SECRET_ACCESS_KEY".into(),
            s3_server::SECRET_ACCESS_KEY.into(),
        ),
    ];
    let server = Server::start_with_env(tempfile::tempdir().expect("dir"), &config, env);
    let applicant = register(&server, "s3@example.org", "Susanne Speicher").await;
    let draft: Value = applicant
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id");

    // 6 MiB: more than one multipart part
    let mut big = pdf("lageplan");
    big.resize(6 * 1024 * 1024, b' ');
    let uploaded = applicant
        .upload(
            &format!("/api/v1/drafts/{draft_id}/documents"),
            "lageplan",
            "lageplan.pdf",
            big.clone(),
        )
        .await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let uploaded: Value = uploaded.json().await.expect("json");
    let document_id = uploaded["id"].as_str().expect("document id");

    let download = applicant
        .get(&format!("/api/v1/documents/{document_id}"))
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.content_length(),
        Some(big.len() as u64),
        "the length is known before the body"
    );
    let bytes = download.bytes().await.expect("body");
    assert!(bytes.as_ref() == big.as_slice(), "the same bytes come back");

    // refused uploads (too large; not a PDF) leave nothing in the bucket
    let mut too_big = pdf("gross");
    too_big.resize(9 * 1024 * 1024, b' ');
    for (bytes, status) in [
        (too_big, StatusCode::PAYLOAD_TOO_LARGE),
        (png(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ] {
        let refused = applicant
            .upload(
                &format!("/api/v1/drafts/{draft_id}/documents"),
                "baubeschreibung",
                "x.pdf",
                bytes,
            )
            .await;
        assert_eq!(refused.status(), status);
    }
    let keys = s3.keys("amtsweg-docs");
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with("landkreis/sha256/"),
        "under the prefix, by hash: {keys:?}"
    );
    assert_eq!(s3.open_multipart_uploads("amtsweg-docs"), 0);
    // nothing went to the local folder
    let local = server.data.path().join("documents/sha256");
    assert!(
        !local.exists() || std::fs::read_dir(&local).expect("dir").count() == 0,
        "no document on local disk"
    );
}

#[tokio::test]
async fn an_unreachable_bucket_stops_the_start_with_a_clear_message() {
    let s3 = S3Server::start();
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("amtsweg.toml");
    std::fs::write(
        &config,
        format!(
            "[documents]\nstore = \"s3\"\nbucket = \"no-such-bucket\"\nendpoint = \"{}\"\n",
            s3.endpoint
        ),
    )
    .expect("config");
    let output = amtsweg()
        .args(["migrate", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .env("AWS_ACCESS_KEY_ID", s3_server::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", "very-secret-value")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-bucket"), "{stderr}");
    assert!(!stderr.contains("very-secret-value"), "{stderr}");
}
