//! Deadlines with a moved clock: the application is deemed withdrawn when the requested
//! documents do not arrive, and the caseworker is reminded once of a passed deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn deadline<'v>(case: &'v Value, rule: &str) -> Option<&'v Value> {
    case["deadlines"]
        .as_array()?
        .iter()
        .find(|d| d["rule"] == rule)
}

#[tokio::test]
async fn deemed_withdrawal_and_reminders_fire_once_when_the_clock_passes_them() {
    // the Friday before Christmas: the completeness check's ten working days run over
    // Christmas and New Year
    let start = time::macros::date!(2026 - 12 - 18);
    let server = Server::start_on_day(start);
    let mut clock = TestClock::new(&server, start);
    let completeness_end = period_end(start, "10wd");
    assert_eq!(completeness_end, time::macros::date!(2027 - 01 - 05));
    let applicant = register(&server, "frist@example.org", "Frieda Frist").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let admin = login(&server, "admin@demo.amtsweg.de", PASSWORD).await;

    // only an administrator of a test/demo server may move the clock
    assert_eq!(
        caseworker
            .post("/api/v1/test/clock", json!({ "advance_days": 1 }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post("/api/v1/test/clock", json!({ "advance_days": 0 }))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // case A: documents requested with a deadline in ten days
    let (case_a, _) = submitted_case(&applicant).await;
    assert_eq!(
        caseworker
            .act(&case_a, json!({ "action": "take_over" }))
            .await
            .status(),
        StatusCode::OK
    );
    let today: Value = caseworker.json(&format!("/api/v1/cases/{case_a}")).await;
    let submitted_at = today["submitted_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let supplement_due = start + time::Duration::days(10);
    let due = supplement_due.to_string();
    let r = caseworker.act(&case_a, json!({ "action": "request_documents", "defects": ["Lageplan fehlt"], "deadline": due })).await;
    assert_eq!(r.status(), StatusCode::OK);
    // case B: taken over, then nobody checks it
    let (case_b, file_b) = submitted_case(&applicant).await;
    assert_eq!(
        caseworker
            .act(&case_b, json!({ "action": "take_over" }))
            .await
            .status(),
        StatusCode::OK
    );

    // five days on: nothing has run out, and no reminder is due yet (the first lead time is
    // five working days before the end of the completeness check)
    let first_reminder_day = {
        let calendar = demo_calendar();
        let mut day = completeness_end;
        let mut left = 5;
        while left > 0 {
            day -= time::Duration::days(1);
            if calendar.is_working_day(day).expect("calendar") {
                left -= 1;
            }
        }
        day
    };
    assert!(start + time::Duration::days(5) < first_reminder_day);
    let moved = clock.advance(5).await;
    let applicant = login(&server, "frist@example.org", "ein-langes-Passwort-1").await;
    assert_eq!(moved["deemed_withdrawals"], 0);
    assert_eq!(moved["reminders"], 0);
    let a = applicant.json(&format!("/api/v1/cases/{case_a}")).await;
    assert_eq!(a["state"], "documents_requested");
    assert_eq!(
        deadline(&a, "supplement").map(|d| d["status"].clone()),
        Some(json!("running"))
    );

    // the day after both the supplement deadline and the completeness check (10 working days)
    let moved = clock
        .move_to(completeness_end.max(supplement_due) + time::Duration::days(1))
        .await;
    // the logins of weeks ago have expired
    assert_eq!(
        caseworker.get("/api/v1/cases").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let applicant = login(&server, "frist@example.org", "ein-langes-Passwort-1").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    assert_eq!(moved["deemed_withdrawals"], 1, "{moved}");
    assert_eq!(moved["reminders"], 1, "{moved}");
    let a = applicant.json(&format!("/api/v1/cases/{case_a}")).await;
    assert_eq!(a["state"], "deemed_withdrawn");
    assert_eq!(a["portal_status"], "12");
    assert!(
        a["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["kind"] == "deemed_withdrawn")
    );
    let mailbox = applicant.json("/api/v1/mailbox").await;
    assert!(mailbox.as_array().expect("messages").iter().any(|m| {
        m["subject"]
            .as_str()
            .unwrap_or("")
            .starts_with("Antrag gilt als zurückgenommen")
    }));
    // too late to hand anything in
    let late = applicant
        .upload(
            &format!("/api/v1/cases/{case_a}/supplements"),
            "lageplan",
            "spaet.pdf",
            pdf("spät"),
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(
        applicant
            .act(&case_a, json!({ "action": "supply_documents" }))
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // the caseworker was reminded of case B, in the mailbox and on the record
    let b = caseworker.json(&format!("/api/v1/cases/{case_b}")).await;
    assert_eq!(b["state"], "completeness_check");
    assert_eq!(
        deadline(&b, "completeness_check").map(|d| d["status"].clone()),
        Some(json!("expired"))
    );
    let reminders = |case: &Value| {
        case["events"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter(|e| e["kind"] == "deadline_reminder")
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(reminders(&b), 1);
    let inbox_mail = caseworker.json("/api/v1/mailbox").await;
    assert!(
        inbox_mail
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m["subject"].as_str().unwrap_or("").contains(&file_b))
    );
    // the applicant does not see internal reminders
    let own_b = applicant.json(&format!("/api/v1/cases/{case_b}")).await;
    assert_eq!(reminders(&own_b), 0);
    // the jobs run again: nothing fires twice
    let again = clock.advance(1).await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    assert_eq!(again["deemed_withdrawals"], 0);
    assert_eq!(again["reminders"], 0);
    let b = caseworker.json(&format!("/api/v1/cases/{case_b}")).await;
    assert_eq!(reminders(&b), 1);
    // the overdue case leads the inbox
    let overdue: Value = caseworker
        .http
        .get(server.url("/api/v1/cases"))
        .query(&[("due_within", "0")])
        .bearer_auth(&caseworker.token)
        .send()
        .await
        .expect("inbox")
        .json()
        .await
        .expect("json");
    assert_eq!(overdue[0]["id"], case_b.as_str());
    assert!(!submitted_at.is_empty());

    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}
