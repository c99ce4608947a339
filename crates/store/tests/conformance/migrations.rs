//! A database written by every earlier schema version opens, migrates and serves its cases,
//! on both engines: for each version k, the migrations up to k (the files as they are in the
//! repository: applied migrations never change, sqlx checks their checksums) and a case with
//! its event, document, message and audit entries written the way the first schema stored
//! them; then the current store opens it, runs the rest and must read everything back, find
//! it by search, verify the audit chain and go on numbering.

use std::path::{Path, PathBuf};

use amtsweg_domain::audit::{AuditContent, chain};

use super::*;

const AUTHORITY: &str = "0190a000-0000-7000-8000-000000000001";
const APPLICANT: &str = "0190a000-0000-7000-8000-000000000002";
const DRAFT: &str = "0190a000-0000-7000-8000-000000000003";
const CASE: &str = "0190a000-0000-7000-8000-000000000004";
const DOCUMENT: &str = "0190a000-0000-7000-8000-000000000005";
const MESSAGE: &str = "0190a000-0000-7000-8000-000000000006";

/// The migration files of an engine, in order.
fn migration_files(engine: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// A folder with the first `k` migrations, as an older build shipped them.
fn first_migrations(engine: &str, k: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in migration_files(engine).iter().take(k) {
        std::fs::copy(file, dir.path().join(file.file_name().expect("name"))).expect("copy");
    }
    dir
}

/// What the first schema stored for one submitted case. Plain SQL with literal values: both
/// engines read a quoted literal into a `uuid` column.
fn written_by_the_first_schema() -> Vec<String> {
    let at = "2026-01-05T09:00:00.5Z";
    let case_json = format!(
        r#"{{"state":"submitted","applicant_id":"{APPLICANT}","assignee_id":null,"open_request":null,"decision":null,"notice_document_id":null}}"#
    );
    let contents = [
        AuditContent {
            at: at.into(),
            actor: APPLICANT.into(),
            action: "account.created".into(),
            object: format!("user:{APPLICANT}"),
            detail: "{}".into(),
        },
        AuditContent {
            at: at.into(),
            actor: APPLICANT.into(),
            action: "case.submitted".into(),
            object: format!("case:{CASE}"),
            detail: r#"{"file_number":"BG-2026-00001"}"#.into(),
        },
    ];
    let mut entries: Vec<amtsweg_domain::audit::AuditEntry> = Vec::new();
    for content in contents {
        let head = entries.last().map(|e| (e.seq, e.hash.as_str()));
        let entry = chain(head, content);
        entries.push(entry);
    }
    let head = entries.last().expect("entries");
    let mut sql = vec![
        format!(
            "INSERT INTO authorities (id, name, address, kind, state_code, created_at) VALUES ('{AUTHORITY}', 'Landratsamt Altkreis', 'Markt 1', 'building_authority', 'BW', '{at}')"
        ),
        format!(
            "INSERT INTO users (id, email, display_name, password_hash, role, authority_id, created_at) VALUES ('{APPLICANT}', 'alt@example.org', 'Agathe Altbau', 'x', 'applicant', NULL, '{at}')"
        ),
        format!(
            "INSERT INTO drafts (id, owner_id, authority_id, service_id, service_version, form_json, created_at, updated_at, case_id) VALUES ('{DRAFT}', '{APPLICANT}', '{AUTHORITY}', 'baugenehmigung', '2026.11.1', '{{}}', '{at}', '{at}', '{CASE}')"
        ),
        format!(
            "INSERT INTO cases (id, authority_id, file_number, service_id, service_version, applicant_id, draft_id, idempotency_key, state, assignee_id, applicant_name, site_address, search_text, next_deadline, submitted_at, updated_at, version, case_json, form_json) VALUES ('{CASE}', '{AUTHORITY}', 'BG-2026-00001', 'baugenehmigung', '2026.11.1', '{APPLICANT}', '{DRAFT}', NULL, 'submitted', NULL, 'Agathe Altbau', 'Weinsteige 5, 70597 Stuttgart', 'bg-2026-00001 agathe altbau weinsteige 5, 70597 stuttgart', '2026-02-05', '{at}', '{at}', 1, '{case_json}', '{{}}')"
        ),
        format!(
            "INSERT INTO file_number_counters (authority_id, prefix, year, last_number) VALUES ('{AUTHORITY}', 'BG', 2026, 1)"
        ),
        format!(
            "INSERT INTO documents (id, draft_id, case_id, document_type, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, origin) VALUES ('{DOCUMENT}', '{DRAFT}', '{CASE}', 'lageplan', 'lageplan.pdf', 'application/pdf', 1234, '{}', '{APPLICANT}', '{at}', 'application')",
            "ab".repeat(32)
        ),
        format!(
            "INSERT INTO events (case_id, case_version, kind, payload, state_after, actor_id, at) VALUES ('{CASE}', 1, 'submitted', '{{\"type\":\"submitted\",\"file_number\":\"BG-2026-00001\"}}', 'submitted', '{APPLICANT}', '{at}')"
        ),
        format!(
            "INSERT INTO messages (id, recipient_id, case_id, kind, subject_de, subject_en, body_de, body_en, document_id, created_at, read_at) VALUES ('{MESSAGE}', '{APPLICANT}', '{CASE}', 'receipt', 'Eingang BG-2026-00001', 'Receipt BG-2026-00001', 'Eingegangen.', 'Received.', NULL, '{at}', NULL)"
        ),
    ];
    for e in &entries {
        let c = &e.content;
        sql.push(format!(
            "INSERT INTO audit_entries (seq, at, actor, action, object, detail, prev_hash, hash) VALUES ({}, '{}', '{}', '{}', '{}', '{}', '{}', '{}')",
            e.seq, c.at, c.actor, c.action, c.object, c.detail, e.prev_hash, e.hash
        ));
    }
    // PostgreSQL made the head row with its first migration, SQLite with the first entry
    sql.push(format!(
        "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
        head.seq, head.hash
    ));
    sql.push(format!(
        "INSERT INTO audit_head (id, seq, hash) SELECT 1, {}, '{}' WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)",
        head.seq, head.hash
    ));
    sql
}

/// What the current store must serve from the old database.
async fn check_served(store: &dyn Store, version: usize) {
    let ctx = |what: &str| format!("written at schema version {version}: {what}");
    let case_id = Uuid::parse_str(CASE).expect("id");
    let authority = Uuid::parse_str(AUTHORITY).expect("id");
    let applicant = Uuid::parse_str(APPLICANT).expect("id");
    let case = store
        .case(case_id)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", ctx("case")))
        .unwrap_or_else(|| panic!("{}", ctx("case missing")));
    assert_eq!(
        case.file_number.as_str(),
        "BG-2026-00001",
        "{}",
        ctx("file number")
    );
    assert_eq!(
        case.next_deadline,
        Some(day("2026-02-05")),
        "{}",
        ctx("deadline")
    );
    assert_eq!(case.case.state, "submitted");
    assert!(case.case.participations.is_empty());
    let events = store.events(case_id).await.expect("events");
    assert_eq!(events.len(), 1, "{}", ctx("events"));
    assert_eq!(events[0].actor, ActorId::User(applicant));
    assert_eq!(
        store
            .documents_of_case(case_id)
            .await
            .expect("documents")
            .len(),
        1
    );
    assert_eq!(store.messages(applicant).await.expect("messages").len(), 1);
    // the search index of later versions knows the old case
    let found = store
        .inbox(&InboxQuery {
            authority_id: authority,
            state: None,
            search: Some("altbau".into()),
            due_by: None,
            limit: 10,
            offset: 0,
        })
        .await
        .expect("search");
    assert_eq!(found.len(), 1, "{}", ctx("search by name"));
    match verify(store).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 2, "{}", ctx("audit")),
        other => panic!("{}: {other:?}", ctx("audit chain")),
    }
    // and it goes on: the next file number follows, the chain grows
    let f = Fixture {
        authority,
        applicant,
    };
    let next = created(
        store
            .submit(submission(&f, draft(store, &f).await, None))
            .await
            .expect("submit"),
    );
    assert_eq!(
        next.file_number.as_str(),
        "BG-2026-00002",
        "{}",
        ctx("numbering")
    );
    assert!(matches!(
        verify(store).await,
        Verification::Ok { entries: 3, .. }
    ));
}

#[tokio::test]
async fn every_earlier_sqlite_schema_migrates_and_serves() {
    use sqlx::Connection;
    let versions = migration_files("sqlite").len();
    for k in 1..versions {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.db");
        let mut conn = sqlx::SqliteConnection::connect_with(
            &sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("create");
        let old = first_migrations("sqlite", k);
        sqlx::migrate::Migrator::new(old.path())
            .await
            .expect("old migrations")
            .run(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("migrations 1..{k}: {e}"));
        for statement in written_by_the_first_schema() {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("version {k}: {statement}: {e}"));
        }
        conn.close().await.expect("close");
        let store = SqliteStore::open(&path)
            .await
            .unwrap_or_else(|e| panic!("opening a version {k} database: {e}"));
        store.ready().await.expect("migrated to the last version");
        check_served(&store, k).await;
    }
}

#[tokio::test]
async fn every_earlier_postgres_schema_migrates_and_serves() {
    let versions = migration_files("postgres").len();
    for k in 1..versions {
        let db = empty_postgres().await;
        let url = db.url.clone();
        let mut conn = PgConnection::connect(&url).await.expect("connect");
        let old = first_migrations("postgres", k);
        sqlx::migrate::Migrator::new(old.path())
            .await
            .expect("old migrations")
            .run(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("migrations 1..{k}: {e}"));
        for statement in written_by_the_first_schema() {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("version {k}: {statement}: {e}"));
        }
        conn.close().await.expect("close");
        let store = PostgresStore::open(&url)
            .await
            .unwrap_or_else(|e| panic!("opening a version {k} database: {e}"));
        store.ready().await.expect("migrated to the last version");
        check_served(&store, k).await;
    }
}
