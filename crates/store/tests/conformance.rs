//! Store conformance tests: what every `Store` implementation must do. Every `check_*`
//! function runs against SQLite (a fresh file) and against PostgreSQL (a fresh database per
//! test, made through the admin connection in `AMTSWEG_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, and dropped afterwards). PostgreSQL must be
//! reachable: these tests fail, not skip, without it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use amtsweg_domain::audit::{AuditContent, Verification, Verifier};
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::policy::Role;
use amtsweg_store::postgres::PostgresStore;
use amtsweg_store::sqlite::SqliteStore;
use amtsweg_store::*;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

const AT: &str = "2026-11-27T10:00:00Z";

fn audit(action: &str) -> AuditContent {
    AuditContent {
        at: AT.into(),
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

/// A fresh PostgreSQL database, dropped when this goes out of scope.
struct PgDatabase {
    admin: String,
    name: String,
}

fn admin_url() -> String {
    std::env::var("AMTSWEG_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The admin URL with another database.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[host_start..]
        .find('/')
        .map_or(base.len(), |i| i + host_start);
    format!("{}/{name}{query}", &base[..path_start])
}

async fn postgres() -> (Arc<dyn Store>, PgDatabase) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = admin_url();
    let name = format!(
        "amtsweg_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        Uuid::new_v4().simple().to_string().get(..6).unwrap_or("x")
    );
    let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable through AMTSWEG_TEST_POSTGRES ({}): {e}. \
             The store conformance suite runs against PostgreSQL too; start it \
             (scripts/install-test-deps does) or point AMTSWEG_TEST_POSTGRES at an admin connection.",
            amtsweg_store::postgres::redact_url(&admin)
        )
    });
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    let db = PgDatabase { admin, name };
    let store = PostgresStore::open(&with_database(&db.admin, &db.name))
        .await
        .expect("open PostgreSQL store");
    (Arc::new(store), db)
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // a runtime of its own: drop may run inside the test's runtime
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
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
        state_code: "BW".into(),
        created_at: AT.into(),
    };
    store.insert_authority(&authority).await.expect("authority");
    let applicant = User {
        id: Uuid::now_v7(),
        email: format!("{}@example.org", Uuid::now_v7()),
        display_name: "Anna".into(),
        password_hash: "x".into(),
        role: Role::Applicant,
        authority_id: None,
        created_at: AT.into(),
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
        created_at: AT.into(),
        updated_at: AT.into(),
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
        },
        next_deadline: None,
        form_json: "{}".into(),
        at: AT.into(),
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
    let mut v = Verifier::new();
    let head = store.scan_audit(&mut |e| v.push(e)).await.expect("scan");
    v.finish(head)
}

pub async fn check_submission_is_once_and_numbers_are_unique(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let d1 = draft(store, &f).await;
    let first = created(
        store
            .submit(submission(&f, d1, Some("k1")))
            .await
            .expect("submit"),
    );
    assert_eq!(first.file_number, "BG-2026-00001");
    assert_eq!(first.version, 1);
    // the same draft again, and the same key with another draft: the first case
    match store.submit(submission(&f, d1, None)).await.expect("again") {
        SubmitOutcome::AlreadySubmitted(c) => assert_eq!(c.id, first.id),
        other => panic!("{other:?}"),
    }
    let d2 = draft(store, &f).await;
    match store
        .submit(submission(&f, d2, Some("k1")))
        .await
        .expect("same key")
    {
        SubmitOutcome::AlreadySubmitted(c) => assert_eq!(c.id, first.id),
        other => panic!("{other:?}"),
    }
    let second = created(
        store
            .submit(submission(&f, d2, Some("k2")))
            .await
            .expect("second"),
    );
    assert_eq!(second.file_number, "BG-2026-00002");
    // the receipt carries the file number; the submitted event is there
    let messages = store.messages(f.applicant).await.expect("messages");
    assert!(messages.iter().any(
        |m| m.subject.de == "Eingang BG-2026-00001" && m.subject.en == "Receipt BG-2026-00001"
    ));
    let events = store.events(first.id).await.expect("events");
    assert_eq!(
        events[0].event,
        Event::Submitted {
            file_number: "BG-2026-00001".into()
        }
    );
    // a submitted draft takes no more changes or documents
    assert!(matches!(
        store.update_draft_form(d1, "{}", AT).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn check_stale_changes_are_refused(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let d = draft(store, &f).await;
    let case = created(store.submit(submission(&f, d, None)).await.expect("submit"));
    let change = |version: i64| CaseChange {
        case_id: case.id,
        expected_version: version,
        case: Case {
            state: "completeness_check".into(),
            ..case.case.clone()
        },
        next_deadline: Some("2026-12-11".into()),
        event: Event::MarkedComplete,
        actor_id: f.applicant,
        at: AT.into(),
        audit: vec![audit("case.marked_complete")],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
    };
    store.commit_change(change(1)).await.expect("first writer");
    let stale = store.commit_change(change(1)).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let now = store.case(case.id).await.expect("load").expect("case");
    assert_eq!(now.version, 2);
    assert_eq!(
        store.events(case.id).await.expect("events").len(),
        2,
        "the stale write left no event"
    );
    assert_eq!(now.next_deadline.as_deref(), Some("2026-12-11"));
    // promoting a document that is not a pending supplement fails the whole change
    let mut bad = change(2);
    bad.promote_documents = vec![Uuid::now_v7()];
    assert!(store.commit_change(bad).await.is_err());
    assert_eq!(
        store
            .case(case.id)
            .await
            .expect("load")
            .expect("case")
            .version,
        2
    );
}

pub async fn check_audit_chain_spans_all_writes(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let d = draft(store, &f).await;
    store.submit(submission(&f, d, None)).await.expect("submit");
    store
        .append_audit(vec![audit("case.read"), audit("case.read")])
        .await
        .expect("append");
    match verify(store).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 4),
        other => panic!("{other:?}"),
    }
}

pub async fn check_inbox_search_and_order(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let d = draft(store, &f).await;
        ids.push(created(
            store.submit(submission(&f, d, None)).await.expect("submit"),
        ));
    }
    // the second case gets a deadline: it comes first
    let second = &ids[1];
    let change = CaseChange {
        case_id: second.id,
        expected_version: 1,
        case: second.case.clone(),
        next_deadline: Some("2026-12-01".into()),
        event: Event::MarkedComplete,
        actor_id: f.applicant,
        at: AT.into(),
        audit: vec![],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
    };
    store.commit_change(change).await.expect("change");
    let query = |search: Option<&str>| InboxQuery {
        authority_id: f.authority,
        state: None,
        search: search.map(str::to_string),
        due_by: None,
        limit: 50,
        offset: 0,
    };
    let all = store.inbox(&query(None)).await.expect("inbox");
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].id, second.id);
    assert_eq!(
        store
            .inbox(&query(Some("bg-2026-00003")))
            .await
            .expect("search")
            .len(),
        1
    );
    assert_eq!(
        store.inbox(&query(Some("%"))).await.expect("search").len(),
        0,
        "LIKE wildcards are literal"
    );
    let due = |by: &str| InboxQuery {
        due_by: Some(by.to_string()),
        ..query(None)
    };
    let soon = store.inbox(&due("2026-12-05")).await.expect("due by");
    assert_eq!(
        soon.iter().map(|c| c.id).collect::<Vec<_>>(),
        [second.id],
        "only the case with a deadline by then"
    );
    assert!(
        store
            .inbox(&due("2026-11-30"))
            .await
            .expect("due by")
            .is_empty()
    );
    let other = InboxQuery {
        authority_id: Uuid::now_v7(),
        ..query(None)
    };
    assert!(store.inbox(&other).await.expect("inbox").is_empty());
}

/// The actions of all audit entries, in order.
async fn audit_actions(store: &dyn Store) -> Vec<String> {
    let mut actions = Vec::new();
    store
        .scan_audit(&mut |e| {
            actions.push(e.content.action.clone());
            true
        })
        .await
        .expect("scan");
    actions
}

fn marked_complete(case: &CaseRecord, actor: Uuid, version: i64) -> CaseChange {
    CaseChange {
        case_id: case.id,
        expected_version: version,
        case: Case {
            state: "completeness_check".into(),
            ..case.case.clone()
        },
        next_deadline: None,
        event: Event::MarkedComplete,
        actor_id: actor,
        at: AT.into(),
        audit: vec![audit("case.marked_complete")],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
    }
}

fn document(
    f: &Fixture,
    draft_id: Option<Uuid>,
    case_id: Option<Uuid>,
    origin: DocumentOrigin,
) -> Document {
    Document {
        id: Uuid::now_v7(),
        draft_id,
        case_id,
        document_type: "lageplan".into(),
        file_name: "plan.pdf".into(),
        content_type: "application/pdf".into(),
        size_bytes: 42,
        sha256: "ab".repeat(32),
        uploaded_by: f.applicant,
        uploaded_at: AT.into(),
        origin,
    }
}

pub async fn check_accounts_sessions_and_service_versions(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let authority = store
        .authority(f.authority)
        .await
        .expect("authority")
        .expect("there");
    assert_eq!(authority.kind, AuthorityKind::BuildingAuthority);
    assert!(
        store
            .authorities()
            .await
            .expect("authorities")
            .iter()
            .any(|a| a.id == f.authority)
    );
    assert!(
        store
            .authority(Uuid::now_v7())
            .await
            .expect("none")
            .is_none()
    );
    let staff = User {
        id: Uuid::now_v7(),
        email: "sb@bauamt.example".into(),
        display_name: "Jürgen Schäfer".into(),
        password_hash: "$argon2id$x".into(),
        role: Role::Caseworker,
        authority_id: Some(f.authority),
        created_at: AT.into(),
    };
    store
        .insert_user(&staff, audit("account.created"))
        .await
        .expect("staff");
    assert_eq!(
        store.user(staff.id).await.expect("user"),
        Some(staff.clone())
    );
    assert_eq!(
        store
            .user_by_email("sb@bauamt.example")
            .await
            .expect("by email")
            .map(|u| u.id),
        Some(staff.id)
    );
    assert_eq!(
        store
            .users_of_authority(f.authority)
            .await
            .expect("staff of authority"),
        vec![staff.clone()]
    );
    // the same e-mail again: refused, and nothing is written (not even the audit entry)
    let before = audit_actions(store).await.len();
    let twin = User {
        id: Uuid::now_v7(),
        ..staff.clone()
    };
    assert!(matches!(
        store.insert_user(&twin, audit("account.created")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(audit_actions(store).await.len(), before);
    // sessions
    let session = Session {
        token_hash: "f".repeat(64),
        user_id: staff.id,
        kind: SessionKind::Api,
        csrf_token: "csrf".into(),
        created_at: AT.into(),
        expires_at: "2026-11-27T18:00:00Z".into(),
    };
    store.insert_session(&session).await.expect("session");
    assert_eq!(
        store.session(&session.token_hash).await.expect("load"),
        Some(session.clone())
    );
    store
        .delete_session(&session.token_hash)
        .await
        .expect("delete");
    assert_eq!(
        store.session(&session.token_hash).await.expect("gone"),
        None
    );
    // a service version is recorded once and may not change afterwards
    let version = ServiceVersion {
        service_id: "svc".into(),
        version: "1.0".into(),
        service_toml: "id = 'svc'".into(),
        form_toml: "".into(),
        documents_toml: "".into(),
        process_toml: "".into(),
    };
    store
        .register_service_version(&version, AT)
        .await
        .expect("register");
    store
        .register_service_version(&version, "2026-11-28T10:00:00Z")
        .await
        .expect("again, unchanged");
    let changed = ServiceVersion {
        form_toml: "[[fields]]".into(),
        ..version.clone()
    };
    assert!(matches!(
        store.register_service_version(&changed, AT).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.service_versions().await.expect("versions"),
        vec![version]
    );
}

pub async fn check_documents_and_messages(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let d = draft(store, &f).await;
    assert_eq!(
        store.draft(d).await.expect("draft").map(|x| x.case_id),
        Some(None)
    );
    store
        .update_draft_form(d, r#"{"a":"Zoë"}"#, "2026-11-27T11:00:00Z")
        .await
        .expect("save form");
    let drafts = store.drafts_of(f.applicant).await.expect("drafts");
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].form_json, r#"{"a":"Zoë"}"#);
    let kept = document(&f, Some(d), None, DocumentOrigin::Application);
    let removed = document(&f, Some(d), None, DocumentOrigin::Application);
    for doc in [&kept, &removed] {
        store
            .insert_document(doc, audit("document.uploaded"))
            .await
            .expect("upload");
    }
    assert_eq!(store.documents_of_draft(d).await.expect("docs").len(), 2);
    store
        .delete_draft_document(d, removed.id, audit("document.deleted"))
        .await
        .expect("delete");
    assert!(matches!(
        store
            .delete_draft_document(d, removed.id, audit("document.deleted"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.document(removed.id).await.expect("gone"), None);
    let case = created(store.submit(submission(&f, d, None)).await.expect("submit"));
    assert_eq!(
        store.draft(d).await.expect("draft").and_then(|x| x.case_id),
        Some(case.id)
    );
    assert!(
        store
            .drafts_of(f.applicant)
            .await
            .expect("drafts")
            .is_empty()
    );
    let in_case = store.documents_of_case(case.id).await.expect("case docs");
    assert_eq!(in_case.len(), 1);
    assert_eq!(in_case[0].id, kept.id);
    assert_eq!(in_case[0].case_id, Some(case.id));
    // a submitted draft takes no more documents, and its documents stay
    assert!(matches!(
        store
            .insert_document(
                &document(&f, Some(d), None, DocumentOrigin::Application),
                audit("document.uploaded")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .delete_draft_document(d, kept.id, audit("document.deleted"))
            .await
            .is_err()
    );
    // a supplement: uploaded pending, handed in by a change of the case
    let pending = document(&f, None, Some(case.id), DocumentOrigin::PendingSupplement);
    store
        .insert_document(&pending, audit("document.uploaded"))
        .await
        .expect("pending supplement");
    let notice = document(&f, None, Some(case.id), DocumentOrigin::Notice);
    let mut change = marked_complete(&case, f.applicant, 1);
    change.promote_documents = vec![pending.id];
    change.new_documents = vec![notice.clone()];
    change.messages = vec![NewMessage {
        id: Uuid::now_v7(),
        recipient_id: f.applicant,
        kind: "notice".into(),
        subject: amtsweg_domain::Text::new("Bescheid", "Notice"),
        body: amtsweg_domain::Text::new("Text", "Text"),
        document_id: Some(notice.id),
    }];
    store.commit_change(change).await.expect("change");
    let docs = store.documents_of_case(case.id).await.expect("case docs");
    assert_eq!(docs.len(), 3);
    assert_eq!(
        store
            .document(pending.id)
            .await
            .expect("doc")
            .map(|x| x.origin),
        Some(DocumentOrigin::Supplement)
    );
    // messages: the receipt and the notice, newest first; reading is recorded once
    let messages = store.messages(f.applicant).await.expect("messages");
    assert_eq!(messages.len(), 2);
    let with_notice = messages
        .iter()
        .find(|m| m.kind == "notice")
        .expect("notice message");
    assert_eq!(with_notice.document_id, Some(notice.id));
    assert_eq!(with_notice.case_id, Some(case.id));
    assert_eq!(with_notice.read_at, None);
    store
        .mark_message_read(with_notice.id, "2026-11-28T09:00:00Z")
        .await
        .expect("read");
    store
        .mark_message_read(with_notice.id, "2026-11-29T09:00:00Z")
        .await
        .expect("read again");
    assert_eq!(
        store
            .message(with_notice.id)
            .await
            .expect("message")
            .and_then(|m| m.read_at),
        Some("2026-11-28T09:00:00Z".into())
    );
    assert_eq!(
        store
            .case_by_file_number(f.authority, &case.file_number)
            .await
            .expect("by number")
            .map(|c| (c.id, c.version, c.state)),
        Some((case.id, 2, "completeness_check".to_string()))
    );
    assert_eq!(
        store
            .cases_of_applicant(f.applicant)
            .await
            .expect("mine")
            .len(),
        1
    );
    let events = store.events(case.id).await.expect("events");
    assert_eq!(
        events.iter().map(|e| e.case_version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(events[1].state_after, "completeness_check");
    match verify(store).await {
        Verification::Ok { .. } => {}
        other => panic!("{other:?}"),
    }
}

/// Many tasks submit different drafts at once: every number is handed out once, without gaps;
/// the same draft (or the same idempotency key) submitted by many tasks at once makes one case.
pub async fn check_concurrent_submissions_are_numbered_without_gaps(shared: Arc<dyn Store>) {
    let f = Arc::new(fixture(&*shared).await);
    let mut drafts = Vec::new();
    for _ in 0..24 {
        drafts.push(draft(&*shared, &f).await);
    }
    let tasks: Vec<_> = drafts
        .iter()
        .map(|&d| {
            let (store, f) = (shared.clone(), f.clone());
            tokio::spawn(async move { store.submit(submission(&f, d, None)).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(created(task.await.expect("task").expect("submit")).file_number);
    }
    // one draft from many tasks, and one idempotency key on many drafts
    let same_draft = draft(&*shared, &f).await;
    let mut keyed = Vec::new();
    for _ in 0..8 {
        keyed.push(draft(&*shared, &f).await);
    }
    let mut tasks = Vec::new();
    for &d in &keyed {
        let (store, fx) = (shared.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            store.submit(submission(&fx, same_draft, None)).await
        }));
        let (store, fx) = (shared.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            store.submit(submission(&fx, d, Some("one-key"))).await
        }));
    }
    let mut made = BTreeSet::new();
    let mut new_cases = 0;
    for task in tasks {
        match task.await.expect("task").expect("submit") {
            SubmitOutcome::Created(c) => {
                new_cases += 1;
                numbers.push(c.file_number.clone());
                made.insert(c.id);
            }
            SubmitOutcome::AlreadySubmitted(c) => {
                made.insert(c.id);
            }
        }
    }
    assert_eq!(new_cases, 2, "one case per draft and one per key");
    assert_eq!(made.len(), 2, "every answer names one of the two cases");
    numbers.sort();
    let expected: Vec<String> = (1..=numbers.len())
        .map(|n| format!("BG-2026-{n:05}"))
        .collect();
    assert_eq!(numbers, expected, "unique and gap-free");
    match verify(&*shared).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 1 + 24 + 2),
        other => panic!("{other:?}"),
    }
}

/// Many tasks change the same case from the same version at once: exactly one wins, the others
/// get a conflict and leave nothing behind.
pub async fn check_concurrent_changes_have_one_winner(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let d = draft(store, &f).await;
    let case = Arc::new(created(
        store.submit(submission(&f, d, None)).await.expect("submit"),
    ));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (store, case, actor) = (shared.clone(), case.clone(), f.applicant);
            tokio::spawn(async move { store.commit_change(marked_complete(&case, actor, 1)).await })
        })
        .collect();
    let (mut won, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => won += 1,
            Err(StoreError::Conflict(_)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((won, refused), (1, 15));
    let now = store.case(case.id).await.expect("load").expect("case");
    assert_eq!(now.version, 2);
    assert_eq!(store.events(case.id).await.expect("events").len(), 2);
    let actions = audit_actions(store).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "case.marked_complete")
            .count(),
        1,
        "the refused writers left no audit entry"
    );
}

/// Many tasks append to the audit trail at once (alone and together with case writes): one
/// chain, in order, that verifies.
pub async fn check_concurrent_audit_appends_keep_one_chain(shared: Arc<dyn Store>) {
    let f = Arc::new(fixture(&*shared).await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (store, f) = (shared.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..8 {
                store
                    .append_audit(vec![audit("case.read"), audit("case.read")])
                    .await
                    .expect("append");
            }
            if i % 4 == 0 {
                let d = draft(&*store, &f).await;
                store.submit(submission(&f, d, None)).await.expect("submit");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    match verify(&*shared).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 1 + 16 * 8 * 2 + 4),
        other => panic!("{other:?}"),
    }
}

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
    check_inbox_search_and_order,
    check_accounts_sessions_and_service_versions,
    check_documents_and_messages,
    check_concurrent_submissions_are_numbered_without_gaps,
    check_concurrent_changes_have_one_winner,
    check_concurrent_audit_appends_keep_one_chain,
);

#[tokio::test]
async fn blob_uploads_over_the_limit_leave_nothing_behind() {
    use amtsweg_store::blob::{BlobError, BlobStore};
    let dir = tempfile::tempdir().expect("dir");
    let blobs = BlobStore::open(dir.path()).await.expect("open");
    let chunks = (0..10).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'%'; 1000])));
    let result = blobs
        .put_stream(futures_util::stream::iter(chunks), 5_000, &|_| Ok(()))
        .await;
    assert!(matches!(result, Err(BlobError::TooLarge { limit: 5_000 })));
    let refused = blobs
        .put_stream(
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(
                b"MZ\x90\0 not a pdf at all",
            ))]),
            5_000,
            &|_| Err(None),
        )
        .await;
    assert!(matches!(
        refused,
        Err(BlobError::Rejected { sniffed: None })
    ));
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp"))
            .expect("tmp")
            .count(),
        0
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("sha256"))
            .expect("sha")
            .count(),
        0
    );
    let stored = blobs
        .put_bytes(b"%PDF-1.4 hello".to_vec())
        .await
        .expect("put");
    assert_eq!(stored.size, 14);
    assert!(blobs.open_blob(&stored.sha256).await.is_ok());
    assert!(blobs.open_blob("../../etc/passwd").await.is_err());
}
