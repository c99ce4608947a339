//! `amtsweg audit verify` finds a changed, a removed, an inserted and two swapped entries, on
//! the backend of the test run (the tampering goes straight to that database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use common::*;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

async fn prepared() -> Server {
    let server = Server::start();
    let applicant = register(&server, "audit@example.org", "Anna Audit").await;
    submitted_case(&applicant).await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    caseworker.json("/api/v1/cases").await;
    server
}

async fn tamper(server: &mut Server, sql: &str) -> (bool, String) {
    server.kill();
    match &server.database {
        Some(database) => {
            let mut conn = database.connect().await;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut conn)
                .await
                .expect("tamper");
            conn.close().await.expect("close");
        }
        None => {
            let path = server.data.path().join("amtsweg.db");
            let mut conn = SqliteConnectOptions::new()
                .filename(&path)
                .connect()
                .await
                .expect("open db");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut conn)
                .await
                .expect("tamper");
            conn.close().await.expect("close");
        }
    }
    audit_verify(server)
}

#[tokio::test]
async fn an_untouched_trail_verifies() {
    let mut server = prepared().await;
    server.kill();
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
    assert!(report.starts_with("OK: "), "{report}");
}

#[tokio::test]
async fn a_changed_entry_is_named() {
    let mut server = prepared().await;
    let (ok, report) = tamper(
        &mut server,
        "UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 5",
    )
    .await;
    assert!(!ok);
    assert!(
        report.starts_with("FAILED at entry 5: its content was changed"),
        "{report}"
    );
}

#[tokio::test]
async fn a_deleted_entry_is_found() {
    let mut server = prepared().await;
    let (ok, report) = tamper(&mut server, "DELETE FROM audit_entries WHERE seq = 4").await;
    assert!(!ok);
    assert!(
        report.starts_with("FAILED at entry 5: it does not follow"),
        "{report}"
    );
}

#[tokio::test]
async fn a_deleted_last_entry_is_found() {
    let mut server = prepared().await;
    let (ok, report) = tamper(
        &mut server,
        "DELETE FROM audit_entries WHERE seq = (SELECT MAX(seq) FROM audit_entries)",
    )
    .await;
    assert!(!ok);
    assert!(report.contains("the chain ends early"), "{report}");
}

#[tokio::test]
async fn swapped_entries_are_found() {
    let mut server = prepared().await;
    // swap the content of entries 3 and 6, keeping their places
    let sql = "UPDATE audit_entries SET seq = -3 WHERE seq = 3; UPDATE audit_entries SET seq = 3 WHERE seq = 6; UPDATE audit_entries SET seq = 6 WHERE seq = -3;";
    let (ok, report) = tamper(&mut server, sql).await;
    assert!(!ok);
    assert!(report.starts_with("FAILED at entry 3"), "{report}");
}

#[tokio::test]
async fn an_inserted_entry_is_found() {
    let mut server = prepared().await;
    // shift entries from 4 on and insert a forged one, with a plausible hash of its own
    let sql = "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1004; \
               INSERT INTO audit_entries (seq, at, actor, action, object, detail, prev_hash, hash) \
               SELECT 4, at, 'forger', 'case.read', object, '{}', hash, hash FROM audit_entries WHERE seq = 3;";
    let (ok, report) = tamper(&mut server, sql).await;
    assert!(!ok);
    assert!(report.starts_with("FAILED at entry 4"), "{report}");
}

#[tokio::test]
async fn an_entry_moved_far_away_is_found() {
    let mut server = prepared().await;
    // the scan reads ranges of sequence numbers: a far-off one must not mean reading the
    // empty ranges in between (4 · 10^14 of them here), nor be skipped
    let sql = "UPDATE audit_entries SET seq = 4000000000000000000 WHERE seq = (SELECT MAX(seq) FROM audit_entries)";
    let (ok, report) = tamper(&mut server, sql).await;
    assert!(!ok);
    assert!(
        report.starts_with("FAILED at entry 4000000000000000000"),
        "{report}"
    );
}

#[tokio::test]
async fn removed_newest_entries_with_a_lowered_head_are_found() {
    let mut server = prepared().await;
    // what the attack run did: drop the two newest entries and lower the recorded head's
    // number to the new end, leaving its hash
    let sql = "DELETE FROM audit_entries WHERE seq > (SELECT seq - 2 FROM audit_head WHERE id = 1); \
               UPDATE audit_head SET seq = seq - 2 WHERE id = 1;";
    let (ok, report) = tamper(&mut server, sql).await;
    assert!(!ok);
    assert!(
        report.contains("is not the entry the recorded chain head names"),
        "{report}"
    );
}
