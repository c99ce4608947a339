//! Shapes both engines must agree on: the empty audit chain, every session kind, and a
//! stored value that does not read as its type.

use super::*;

pub async fn check_an_empty_chain_has_no_head(shared: Arc<dyn Store>) {
    let store = &*shared;
    let mut seen = 0;
    let head = store
        .scan_audit(&mut |_| {
            seen += 1;
            true
        })
        .await
        .expect("scan");
    assert_eq!((head, seen), (None, 0), "an empty chain");
    assert!(matches!(
        verify(store).await,
        Verification::Ok { entries: 0, .. }
    ));
    store
        .append_audit(vec![audit("first")])
        .await
        .expect("append");
    assert!(matches!(
        verify(store).await,
        Verification::Ok { entries: 1, .. }
    ));
    let head = store.scan_audit(&mut |_| true).await.expect("scan");
    assert_eq!(head, Some(1));
}

pub async fn check_every_session_kind_round_trips(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    for kind in [SessionKind::Web, SessionKind::Api] {
        let session = Session {
            token_hash: format!("hash-{}", kind.code()),
            user_id: f.applicant,
            kind,
            csrf_token: "csrf".into(),
            created_at: AT,
            expires_at: instant("2026-11-27T18:00:00Z"),
        };
        store.insert_session(&session).await.expect("insert");
        let read = store
            .session(&session.token_hash)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(read, session);
        assert_eq!(SessionKind::parse(kind.code()), Some(kind));
    }
    assert_eq!(SessionKind::parse("admin"), None);
}

/// What an authority covers is replaced as a whole and read back per kind of authority.
pub async fn check_coverage_round_trips(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let keys = |list: &[(&str, &str)]| -> Vec<Coverage> {
        list.iter()
            .map(|(k, v)| Coverage::from_parts(k, v).expect("key"))
            .collect()
    };
    store
        .set_coverage(
            f.authority,
            &keys(&[("postal_code", "70597"), ("municipality_key", "08111000")]),
            audit("authority.coverage_set"),
        )
        .await
        .expect("set");
    store
        .set_coverage(
            f.authority,
            &keys(&[("postal_code", "70173"), ("municipality_key", "08111000")]),
            audit("authority.coverage_set"),
        )
        .await
        .expect("replace");
    let found = store
        .authorities_of_kind(AuthorityKind::BuildingAuthority)
        .await
        .expect("read");
    let ours = found
        .iter()
        .find(|c| c.authority.id == f.authority)
        .expect("ours");
    assert_eq!(
        ours.coverage,
        keys(&[("municipality_key", "08111000"), ("postal_code", "70173")])
    );
    assert!(
        store
            .authorities_of_kind(AuthorityKind::TradeOffice)
            .await
            .expect("read")
            .is_empty()
    );
}

/// A value that does not read as its type fails the read with `Corrupt`, naming table, row
/// and column; it is never skipped or defaulted.
pub async fn check_corrupt_values_are_named(store: &dyn Store, tamper: impl AsyncFn(&str, Uuid)) {
    let f = fixture(store).await;
    tamper(
        "UPDATE users SET role = 'kaiser' WHERE id = $1",
        f.applicant,
    )
    .await;
    let error = store.user(f.applicant).await.expect_err("corrupt role");
    let text = error.to_string();
    assert!(matches!(error, StoreError::Corrupt(_)), "{text}");
    assert!(text.contains("table users"), "{text}");
    assert!(text.contains(&f.applicant.to_string()), "{text}");
    assert!(text.contains("column role"), "{text}");
    tamper(
        "UPDATE authorities SET kind = 'kingdom' WHERE id = $1",
        f.authority,
    )
    .await;
    let error = store
        .authorities()
        .await
        .expect_err("a list with one corrupt row fails whole");
    assert!(error.to_string().contains("column kind"), "{error}");

    // times, dates, file numbers and Länder are typed in the records: a stored value that
    // does not read as one fails the read, it is not left out (an event time that could not
    // be read once dropped out of the deadline computation)
    let f = fixture(store).await;
    let case = created(
        store
            .submit(submission(&f, draft(store, &f).await, None))
            .await
            .expect("submit"),
    );
    let corrupt = |error: StoreError, table: &str, column: &str| {
        let text = error.to_string();
        assert!(matches!(error, StoreError::Corrupt(_)), "{text}");
        assert!(text.contains(&format!("table {table}")), "{text}");
        assert!(text.contains(&format!("column {column}")), "{text}");
    };
    tamper(
        "UPDATE events SET at = 'gestern' WHERE case_id = $1",
        case.id,
    )
    .await;
    corrupt(
        store.events(case.id).await.expect_err("event time"),
        "events",
        "at",
    );
    tamper(
        "UPDATE cases SET next_deadline = '2026-02-30' WHERE id = $1",
        case.id,
    )
    .await;
    corrupt(
        store.case(case.id).await.expect_err("deadline"),
        "cases",
        "next_deadline",
    );
    tamper(
        "UPDATE cases SET next_deadline = NULL, file_number = 'BG-26-1' WHERE id = $1",
        case.id,
    )
    .await;
    corrupt(
        store.case(case.id).await.expect_err("file number"),
        "cases",
        "file_number",
    );
    let d = draft(store, &f).await;
    store
        .insert_document(
            &document(&f, Some(d), None, DocumentOrigin::Application),
            audit("document.uploaded"),
        )
        .await
        .expect("document");
    tamper(
        "UPDATE documents SET sha256 = 'not-a-hash' WHERE draft_id = $1",
        d,
    )
    .await;
    corrupt(
        store
            .documents_of_draft(d)
            .await
            .expect_err("document hash"),
        "documents",
        "sha256",
    );
    tamper(
        "UPDATE authorities SET state_code = 'XX' WHERE id = $1",
        f.authority,
    )
    .await;
    corrupt(
        store.authority(f.authority).await.expect_err("Land"),
        "authorities",
        "state_code",
    );
}
