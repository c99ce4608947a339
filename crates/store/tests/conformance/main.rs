//! Store conformance tests: what every `Store` implementation must do. Every `check_*`
//! function runs against SQLite (a fresh file) and against PostgreSQL (a fresh database per
//! test, made through the admin connection in `AMTSWEG_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, and dropped afterwards). PostgreSQL must be
//! reachable: these tests fail, not skip, without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::collections::BTreeSet;
use std::sync::Arc;

use amtsweg_domain::audit::{ActorId, AuditContent, Verification, Verifier};
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::file_number::FileNumber;
use amtsweg_domain::policy::Role;
use amtsweg_store::postgres::PostgresStore;
use amtsweg_store::sqlite::SqliteStore;
use amtsweg_store::*;
use sqlx::{Connection, PgConnection};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

const AT: OffsetDateTime = time::macros::datetime!(2026-11-27 10:00 UTC);

/// A date as tests write it.
fn day(iso: &str) -> Date {
    amtsweg_store::sql::parse_date_text(iso).expect("a date YYYY-MM-DD")
}

/// An instant as tests write it.
fn instant(rfc3339: &str) -> OffsetDateTime {
    OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 time")
}

fn audit(action: &str) -> AuditContent {
    AuditContent {
        at: "2026-11-27T10:00:00Z".into(),
        actor: "test".into(),
        action: action.into(),
        object: "x".into(),
        detail: "{}".into(),
    }
}

async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("t.db"))
        .await
        .expect("open");
    (Arc::new(store), dir)
}

use amtsweg_test_support::postgres::TestDatabase as PgDatabase;

async fn postgres() -> (Arc<dyn Store>, PgDatabase) {
    let db = empty_postgres().await;
    let store = PostgresStore::open(&db.url)
        .await
        .expect("open PostgreSQL store");
    (Arc::new(store), db)
}

/// A fresh PostgreSQL database without any schema, dropped with the returned value.
async fn empty_postgres() -> PgDatabase {
    // made on a thread of its own (it blocks on its own runtime)
    tokio::task::spawn_blocking(PgDatabase::create)
        .await
        .expect("test database")
}

struct Fixture {
    authority: Uuid,
    applicant: Uuid,
}

async fn fixture(store: &dyn Store) -> Fixture {
    let authority = Authority {
        id: Uuid::now_v7(),
        name: "Bauamt".into(),
        address: "Markt 1".into(),
        kind: AuthorityKind::BuildingAuthority,
        state: amtsweg_domain::calendar::State::BW,
        created_at: AT,
    };
    store
        .insert_authority(&authority, audit("authority.created"))
        .await
        .expect("authority");
    let applicant = User {
        id: Uuid::now_v7(),
        email: format!("{}@example.org", Uuid::now_v7()),
        display_name: "Anna".into(),
        password_hash: "x".into(),
        role: Role::Applicant,
        authority_id: None,
        created_at: AT,
    };
    store
        .insert_user(&applicant, audit("account.created"))
        .await
        .expect("user");
    Fixture {
        authority: authority.id,
        applicant: applicant.id,
    }
}

async fn draft(store: &dyn Store, f: &Fixture) -> Uuid {
    let draft = Draft {
        id: Uuid::now_v7(),
        owner_id: f.applicant,
        authority_id: f.authority,
        service_id: "svc".into(),
        service_version: "1".into(),
        form_json: "{}".into(),
        created_at: AT,
        updated_at: AT,
        case_id: None,
    };
    store.insert_draft(&draft).await.expect("draft");
    draft.id
}

fn submission(f: &Fixture, draft_id: Uuid, key: Option<&str>) -> Submission {
    Submission {
        case_id: Uuid::now_v7(),
        draft_id,
        authority_id: f.authority,
        service_id: "svc".into(),
        service_version: "1".into(),
        file_number_prefix: "BG".into(),
        year: 2026,
        applicant_id: f.applicant,
        idempotency_key: key.map(str::to_string),
        applicant_name: "Anna".into(),
        site_address: "Weg 1".into(),
        case: Case {
            state: "submitted".into(),
            applicant_id: f.applicant,
            assignee_id: None,
            open_request: None,
            decision: None,
            notice_document_id: None,
            deadline_profile: None,
            participations: vec![],
            hearing: None,
            deemed_approval_waived: false,
        },
        next_deadline: None,
        next_job_on: None,
        form_json: "{}".into(),
        at: AT,
        receipt: NewMessage {
            id: Uuid::now_v7(),
            recipient_id: f.applicant,
            kind: "receipt".into(),
            subject: amtsweg_domain::Text::new("Eingang {file_number}", "Receipt {file_number}"),
            body: amtsweg_domain::Text::new("{file_number}", "{file_number}"),
            document_id: None,
        },
        audit: audit("case.submitted"),
    }
}

fn created(outcome: SubmitOutcome) -> CaseRecord {
    match outcome {
        SubmitOutcome::Created(c) => c,
        SubmitOutcome::AlreadySubmitted(c) => panic!("expected a new case, got {}", c.file_number),
    }
}

async fn verify(store: &dyn Store) -> Verification {
    let head = store.audit_head().await.expect("head");
    let mut v = Verifier::new(head);
    store.scan_audit(&mut |e| v.push(e)).await.expect("scan");
    v.finish()
}

mod cases;
mod concurrency;
mod migrations;
mod participation;
mod records;
use cases::*;
use concurrency::*;
use participation::*;
use records::*;

/// Runs every check against both backends: `on_sqlite::check_…` and `on_postgres::check_…`.
macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    let (store, _dir) = super::sqlite().await;
                    super::$check(store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    let (store, _db) = super::postgres().await;
                    super::$check(store).await;
                }
            )*
        }
    };
}

conformance!(
    check_submission_is_once_and_numbers_are_unique,
    check_stale_changes_are_refused,
    check_audit_chain_spans_all_writes,
    check_audit_scan_over_many_pages,
    check_inbox_search_and_order,
    check_search_by_part_of_name_or_address,
    check_accounts_sessions_and_service_versions,
    check_documents_and_messages,
    check_concurrent_submissions_are_numbered_without_gaps,
    check_concurrent_changes_have_one_winner,
    check_concurrent_audit_appends_keep_one_chain,
    check_directory_and_party_requests,
    check_scheduler_dates,
    check_an_empty_chain_has_no_head,
    check_every_session_kind_round_trips,
    check_coverage_round_trips,
);

#[tokio::test]
async fn corrupt_values_are_named_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("t.db"))
        .await
        .expect("open");
    let pool = store.writer_pool().clone();
    check_corrupt_values_are_named(&store, async |sql: &str, id: Uuid| {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(id.to_string())
            .execute(&pool)
            .await
            .expect("tamper");
    })
    .await;
}

#[tokio::test]
async fn corrupt_values_are_named_on_postgres() {
    let (_, db) = postgres().await;
    let store = PostgresStore::open(&db.url).await.expect("open");
    let pool = store.pool().clone();
    check_corrupt_values_are_named(&store, async |sql: &str, id: Uuid| {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(id)
            .execute(&pool)
            .await
            .expect("tamper");
    })
    .await;
}

mod blobs;
