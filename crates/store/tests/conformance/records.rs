//! Shapes both engines must agree on: the empty audit chain, every session kind, and a
//! stored value that does not read as its type.

use super::*;

pub async fn check_an_empty_chain_has_no_head(shared: Arc<dyn Store>) {
    let store = &*shared;
    let mut seen = 0;
    store
        .scan_audit(&mut |_| {
            seen += 1;
            true
        })
        .await
        .expect("scan");
    let head = store.audit_head().await.expect("head");
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
    let mut first = None;
    store
        .scan_audit(&mut |e| {
            first = Some(e.hash.clone());
            true
        })
        .await
        .expect("scan");
    let head = store.audit_head().await.expect("head").expect("a head");
    assert_eq!((head.seq, Some(head.hash)), (1, first));
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
    assert!(
        store
            .authorities_of_kind(AuthorityKind::BuildingAuthority)
            .await
            .expect("read")
            .iter()
            .any(|a| a.id == f.authority)
    );
    let covering = |postal: Option<&'static str>, key: Option<&'static str>| {
        store.authorities_covering(AuthorityKind::BuildingAuthority, postal, key)
    };
    let found = covering(Some("70173"), Some("08111000"))
        .await
        .expect("read");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].authority.id, f.authority);
    assert_eq!(
        found[0].coverage,
        keys(&[("municipality_key", "08111000"), ("postal_code", "70173")])
    );
    // the replaced postal code no longer selects it; a postal code alone does
    assert!(
        covering(Some("70597"), None)
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(covering(Some("70173"), None).await.expect("read").len(), 1);
    // a Kreis-level key covers every municipality of the Kreis
    store
        .set_coverage(
            f.authority,
            &keys(&[("municipality_key", "08115")]),
            audit("authority.coverage_set"),
        )
        .await
        .expect("Kreis");
    let kreis = covering(None, Some("08115003")).await.expect("read");
    assert_eq!(kreis.len(), 1);
    assert!(
        covering(None, Some("08116003"))
            .await
            .expect("read")
            .is_empty()
    );
    assert!(
        store
            .authorities_covering(AuthorityKind::TradeOffice, Some("70173"), None)
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
