//! Store conformance tests: what every `Store` implementation must do. They run against
//! SQLite here; a PostgreSQL implementation runs the same `check_*` functions.

use amtsweg_domain::audit::{AuditContent, Verification, Verifier};
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::policy::Role;
use amtsweg_store::sqlite::SqliteStore;
use amtsweg_store::*;
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

async fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("t.db"))
        .await
        .expect("open");
    (store, dir)
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

pub async fn check_submission_is_once_and_numbers_are_unique(store: &dyn Store) {
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

pub async fn check_stale_changes_are_refused(store: &dyn Store) {
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

pub async fn check_audit_chain_spans_all_writes(store: &dyn Store) {
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

pub async fn check_inbox_search_and_order(store: &dyn Store) {
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
    let other = InboxQuery {
        authority_id: Uuid::now_v7(),
        ..query(None)
    };
    assert!(store.inbox(&other).await.expect("inbox").is_empty());
}

#[tokio::test]
async fn sqlite_submission_is_once_and_numbers_are_unique() {
    let (store, _dir) = sqlite().await;
    check_submission_is_once_and_numbers_are_unique(&store).await;
}

#[tokio::test]
async fn sqlite_stale_changes_are_refused() {
    let (store, _dir) = sqlite().await;
    check_stale_changes_are_refused(&store).await;
}

#[tokio::test]
async fn sqlite_audit_chain_spans_all_writes() {
    let (store, _dir) = sqlite().await;
    check_audit_chain_spans_all_writes(&store).await;
}

#[tokio::test]
async fn sqlite_inbox_search_and_order() {
    let (store, _dir) = sqlite().await;
    check_inbox_search_and_order(&store).await;
}

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
