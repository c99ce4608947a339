//! What every store must do, one writer at a time.

use super::*;

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
    assert_eq!(first.file_number.as_str(), "BG-2026-00001");
    assert_eq!(first.version, 1);
    // what submit answers is what is stored
    assert_eq!(
        store.case(first.id).await.expect("read").as_ref(),
        Some(&first)
    );
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
    assert_eq!(second.file_number.as_str(), "BG-2026-00002");
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
        next_deadline: Some(day("2026-12-11")),
        next_job_on: Some(day("2026-12-11")),
        event: Event::MarkedComplete,
        actor: ActorId::User(f.applicant),
        at: AT,
        audit: vec![audit("case.marked_complete")],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
        promote_attachments: vec![],
        participation: vec![],
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
    assert_eq!(now.next_deadline, Some(day("2026-12-11")));
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
    // authority, account, submission, two reads
    match verify(store).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 5),
        other => panic!("{other:?}"),
    }
}

/// A chain longer than a page of the scan (SQLite reads 10 000 at a time), with text that
/// needs escaping; a visitor can stop the scan early.
pub async fn check_audit_scan_over_many_pages(shared: Arc<dyn Store>) {
    let store = &*shared;
    for chunk in 0..5 {
        let entries = (0..5_000)
            .map(|i| AuditContent {
                detail: format!(r#"{{"n":{i},"text":"\"quoted\" \\ äöü 🏗"}}"#),
                object: format!("case:{chunk}-{i}"),
                ..audit("case.read")
            })
            .collect();
        store.append_audit(entries).await.expect("append");
    }
    match verify(store).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 25_000),
        other => panic!("{other:?}"),
    }
    let mut seen = Vec::new();
    store
        .scan_audit(&mut |e| {
            seen.push(e.seq);
            seen.len() < 12_345
        })
        .await
        .expect("scan");
    assert_eq!(seen.len(), 12_345);
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] + 1),
        "in order, none left out"
    );
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
        next_deadline: Some(day("2026-12-01")),
        next_job_on: None,
        event: Event::MarkedComplete,
        actor: ActorId::User(f.applicant),
        at: AT,
        audit: vec![],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
        promote_attachments: vec![],
        participation: vec![],
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
        due_by: Some(day(by)),
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
pub(crate) async fn audit_actions(store: &dyn Store) -> Vec<String> {
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

pub(crate) fn marked_complete(case: &CaseRecord, actor: Uuid, version: i64) -> CaseChange {
    CaseChange {
        case_id: case.id,
        expected_version: version,
        case: Case {
            state: "completeness_check".into(),
            ..case.case.clone()
        },
        next_deadline: None,
        next_job_on: None,
        event: Event::MarkedComplete,
        actor: ActorId::User(actor),
        at: AT,
        audit: vec![audit("case.marked_complete")],
        messages: vec![],
        new_documents: vec![],
        promote_documents: vec![],
        promote_attachments: vec![],
        participation: vec![],
    }
}

pub(crate) fn document(
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
        sha256: ContentHash::parse(&"ab".repeat(32)).expect("hash"),
        uploaded_by: f.applicant,
        uploaded_at: AT,
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
        created_at: AT,
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
        created_at: AT,
        expires_at: instant("2026-11-27T18:00:00Z"),
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
        .register_service_version(&version, instant("2026-11-28T10:00:00Z"))
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
        .update_draft_form(d, r#"{"a":"Zoë"}"#, instant("2026-11-27T11:00:00Z"))
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
        .mark_message_read(with_notice.id, instant("2026-11-28T09:00:00Z"))
        .await
        .expect("read");
    store
        .mark_message_read(with_notice.id, instant("2026-11-29T09:00:00Z"))
        .await
        .expect("read again");
    assert_eq!(
        store
            .message(with_notice.id)
            .await
            .expect("message")
            .and_then(|m| m.read_at),
        Some(instant("2026-11-28T09:00:00Z"))
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

/// Search by part of a name or an address: few matches (SQLite: from the trigram index),
/// many matches (the scan in inbox order), terms too short for trigrams, and wildcard
/// characters taken literally.
pub async fn check_search_by_part_of_name_or_address(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let submit = async |name: &str, address: &str| {
        let d = draft(store, &f).await;
        let s = Submission {
            applicant_name: name.into(),
            site_address: address.into(),
            ..submission(&f, d, None)
        };
        created(store.submit(s).await.expect("submit"))
    };
    let schaefer = submit("Jürgen Schäfer", "Lindenallee 17, 72764 Reutlingen").await;
    let oeztuerk = submit("Ayşe Öztürk", "Lindenallee 171, 72764 Reutlingen").await;
    let star = submit("Max Muster*mann", "Weg 1?").await;
    // more than a page of the trigram index's candidates
    for n in 0..1002 {
        submit("Erika Weber", &format!("Hauptstraße {n}")).await;
    }
    let query = |authority_id: Uuid, state: Option<&str>, term: &str, offset: u32| InboxQuery {
        authority_id,
        state: state.map(str::to_string),
        search: Some(term.into()),
        due_by: None,
        limit: 50,
        offset,
    };
    let search = async |term: &str, offset: u32| {
        store
            .inbox(&query(f.authority, None, term, offset))
            .await
            .expect("search")
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search("lindenallee 17", 0).await,
        [schaefer.id, oeztuerk.id]
    );
    assert_eq!(search("allee 171", 0).await, [oeztuerk.id]);
    assert_eq!(search("SCHÄFER", 0).await, [schaefer.id], "any case");
    assert_eq!(search("öz", 0).await, [oeztuerk.id], "two letters");
    assert_eq!(search("r*m", 0).await, [star.id], "* is a character");
    assert!(
        search("muster?mann", 0).await.is_empty(),
        "? is a character"
    );
    assert!(search("weg 1_", 0).await.is_empty(), "_ is a character");
    assert!(search("[a-z]", 0).await.is_empty(), "[ is a character");
    assert_eq!(search("weber", 0).await.len(), 50);
    assert_eq!(
        search("weber", 1000).await.len(),
        2,
        "all 1002, page by page"
    );
    let in_state = store
        .inbox(&query(
            f.authority,
            Some("completeness_check"),
            "lindenallee",
            0,
        ))
        .await
        .expect("search");
    assert!(
        in_state.is_empty(),
        "the state filter applies to found cases"
    );
    let elsewhere = store
        .inbox(&query(Uuid::now_v7(), None, "lindenallee", 0))
        .await
        .expect("search");
    assert!(elsewhere.is_empty(), "only the caseworker's authority");
}
