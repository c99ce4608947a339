//! Participation: the directory of parties an authority may ask, the index by which a party
//! finds the requests to it, statement attachments, and the scheduler's own date.

use super::*;

async fn party(store: &dyn Store, kind: AuthorityKind, name: &str) -> Authority {
    let party = Authority {
        id: Uuid::now_v7(),
        name: name.into(),
        address: "Amtsweg 2".into(),
        kind,
        state: amtsweg_domain::calendar::State::BW,
        created_at: AT,
    };
    store
        .insert_authority(&party, audit("authority.created"))
        .await
        .expect("party");
    party
}

pub async fn check_directory_and_party_requests(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let fire = party(store, AuthorityKind::Agency, "Brandschutz").await;
    let town = party(store, AuthorityKind::Municipality, "Gemeinde").await;
    for (p, topic) in [(&fire, "fire_protection"), (&town, "municipal_consent")] {
        store
            .put_directory_entry(
                &DirectoryEntry {
                    authority_id: f.authority,
                    party_id: p.id,
                    topic: topic.into(),
                },
                audit("directory.entry_put"),
            )
            .await
            .expect("directory");
    }
    // putting again changes the topic, not the number of entries
    store
        .put_directory_entry(
            &DirectoryEntry {
                authority_id: f.authority,
                party_id: fire.id,
                topic: "roads".into(),
            },
            audit("directory.entry_put"),
        )
        .await
        .expect("directory again");
    let directory = store.directory(f.authority).await.expect("directory");
    assert_eq!(directory.len(), 2);
    let fire_entry = directory
        .iter()
        .find(|d| d.party.id == fire.id)
        .expect("fire in directory");
    assert_eq!(fire_entry.topic, "roads");
    assert_eq!(fire_entry.party.kind, AuthorityKind::Agency);
    assert!(
        store.directory(fire.id).await.expect("empty").is_empty(),
        "a directory belongs to its authority"
    );

    let d = draft(store, &f).await;
    let case = created(store.submit(submission(&f, d, None)).await.expect("submit"));
    let request = |party_id: Uuid, open: bool, due: &str| ParticipationRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        party_id,
        open,
        due: day(due),
        requested_on: day("2026-11-27"),
    };
    let to_fire = request(fire.id, true, "2026-12-28");
    let to_town = request(town.id, true, "2027-01-27");
    let attachment = document(&f, None, Some(case.id), DocumentOrigin::PendingStatement);
    store
        .insert_document(&attachment, audit("document.uploaded"))
        .await
        .expect("attachment");
    let mut change = marked_complete(&case, f.applicant, 1);
    change.participation = vec![to_fire.clone(), to_town.clone()];
    store.commit_change(change).await.expect("start");
    let fire_inbox = store.party_requests(fire.id, 50).await.expect("inbox");
    assert_eq!(fire_inbox.len(), 1, "a party sees only its own requests");
    assert_eq!(fire_inbox[0].request_id, to_fire.id);
    assert_eq!(fire_inbox[0].file_number, case.file_number);
    assert!(fire_inbox[0].open);
    assert_eq!(
        store
            .participation_request(to_town.id)
            .await
            .expect("row")
            .expect("exists"),
        to_town
    );
    assert!(
        store
            .participation_request(Uuid::now_v7())
            .await
            .expect("none")
            .is_none()
    );

    // the answer closes the request and hands in the attachment, in one change
    let mut answer = marked_complete(&case, f.applicant, 2);
    answer.participation = vec![ParticipationRow {
        open: false,
        ..to_fire.clone()
    }];
    answer.promote_attachments = vec![attachment.id];
    store.commit_change(answer).await.expect("answer");
    let row = store
        .participation_request(to_fire.id)
        .await
        .expect("row")
        .expect("exists");
    assert!(!row.open);
    assert_eq!(
        store
            .document(attachment.id)
            .await
            .expect("doc")
            .expect("exists")
            .origin,
        DocumentOrigin::Statement
    );
    // an attachment cannot be handed in twice, and a failed change leaves nothing behind
    let mut again = marked_complete(&case, f.applicant, 3);
    again.promote_attachments = vec![attachment.id];
    again.participation = vec![ParticipationRow {
        open: false,
        ..to_town.clone()
    }];
    assert!(store.commit_change(again).await.is_err());
    assert!(
        store
            .participation_request(to_town.id)
            .await
            .expect("row")
            .expect("exists")
            .open
    );
    // a request row of another case is refused
    let mut foreign = marked_complete(&case, f.applicant, 3);
    foreign.participation = vec![ParticipationRow {
        case_id: Uuid::now_v7(),
        ..to_town.clone()
    }];
    assert!(store.commit_change(foreign).await.is_err());
}

pub async fn check_scheduler_dates(shared: Arc<dyn Store>) {
    let store = &*shared;
    let f = fixture(store).await;
    let mut cases = Vec::new();
    for job_on in [Some("2026-12-01"), Some("2026-12-20"), None] {
        let d = draft(store, &f).await;
        let mut s = submission(&f, d, None);
        s.next_job_on = job_on.map(day);
        // the inbox date is not what the scheduler goes by
        s.next_deadline = Some(day("2026-11-28"));
        cases.push(created(store.submit(s).await.expect("submit")));
    }
    assert_eq!(
        store.cases_due(day("2026-12-10"), 10).await.expect("due"),
        [cases[0].id]
    );
    assert_eq!(
        store.cases_due(day("2026-12-31"), 10).await.expect("due"),
        [cases[0].id, cases[1].id],
        "oldest first"
    );
    // nothing to do yet: the scheduler moves its date without changing the case
    store
        .reschedule(cases[0].id, 1, Some(day("2027-01-05")))
        .await
        .expect("reschedule");
    assert_eq!(
        store.cases_due(day("2026-12-31"), 10).await.expect("due"),
        [cases[1].id]
    );
    let after = store.case(cases[0].id).await.expect("load").expect("case");
    assert_eq!(after.version, 1);
    assert_eq!(after.next_deadline, Some(day("2026-11-28")));
    // a stale version leaves the date alone
    store
        .reschedule(cases[1].id, 7, None)
        .await
        .expect("stale reschedule is no error");
    assert_eq!(
        store.cases_due(day("2026-12-31"), 10).await.expect("due"),
        [cases[1].id]
    );
    // a change sets the date with the case
    let mut change = marked_complete(&cases[1], f.applicant, 1);
    change.next_job_on = None;
    store.commit_change(change).await.expect("change");
    assert!(
        store
            .cases_due(day("2026-12-31"), 10)
            .await
            .expect("due")
            .is_empty()
    );
}
