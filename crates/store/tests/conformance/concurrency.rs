//! What every store must do when many writers act at once.

use super::*;

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
    let expected: Vec<FileNumber> = (1..=numbers.len())
        .map(|n| FileNumber::new("BG", 2026, n as u64))
        .collect();
    assert_eq!(numbers, expected, "unique and gap-free");
    match verify(&*shared).await {
        Verification::Ok { entries, .. } => assert_eq!(entries, 2 + 24 + 2),
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
        Verification::Ok { entries, .. } => assert_eq!(entries, 2 + 16 * 8 * 2 + 4),
        other => panic!("{other:?}"),
    }
}
