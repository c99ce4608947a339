//! Two `amtsweg serve` processes on one PostgreSQL database and one document folder behave as
//! one: a session made on one works on the other; submissions spread over both (some sent to
//! both at once) get unique, gap-free file numbers and make one case per draft; concurrent
//! actions on the same case from both instances lose no update (the loser gets 409 `conflict`
//! and nothing changes); every case's events are gap-free; the audit chain verifies.
//! This test always runs on PostgreSQL, whatever `AMTSWEG_TEST_BACKEND` says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use std::collections::{BTreeMap, BTreeSet};

use amtsweg_test_support::postgres::PostgresServer;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::{Connection, Row};

const CLIENTS: usize = 8;
const SUBMISSIONS_PER_CLIENT: usize = 10;
const ACTION_ROUNDS: usize = 12;

/// Submits a draft; returns the status and the body.
async fn submit(http: &Client, url: String, token: &str, key: &str) -> (StatusCode, Value) {
    let response = http
        .post(url)
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .send()
        .await
        .expect("submit");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_behave_as_one() {
    let a = Server::start_postgres();
    let b = a.another_instance();
    let instances = [&a, &b];

    // a session made on A works on B, and ends on both when it ends on B
    let on_a = login(&a, CASEWORKER, PASSWORD).await;
    let on_b = Api {
        server: &b,
        http: Client::new(),
        token: on_a.token.clone(),
        user_id: on_a.user_id.clone(),
    };
    assert_eq!(on_b.get("/api/v1/cases").await.status(), StatusCode::OK);
    let ended = on_b.delete("/api/v1/sessions").await.status();
    assert!(ended.is_success(), "logout on B: {ended}");
    assert_eq!(
        on_a.get("/api/v1/cases").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // applicants registered alternately on A and B, each with complete drafts made on both
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let applicant = register(
            instances[i % 2],
            &format!("viele{i}@example.org"),
            "Vera Viele",
        )
        .await;
        let mut drafts = Vec::new();
        for j in 0..SUBMISSIONS_PER_CLIENT {
            let on = Api {
                server: instances[(i + j) % 2],
                http: applicant.http.clone(),
                token: applicant.token.clone(),
                user_id: applicant.user_id.clone(),
            };
            drafts.push(complete_draft(&on).await);
        }
        clients.push((applicant.http.clone(), applicant.token.clone(), drafts));
    }

    // one case that staff on both instances will fight over
    let owner = register(&b, "streit@example.org", "Stella Streit").await;
    let (contested, _) = submitted_case(&owner).await;
    let staff = [
        login(&a, CASEWORKER, PASSWORD).await.token,
        login(&b, CASEWORKER2, PASSWORD).await.token,
        login(&a, HEAD, PASSWORD).await.token,
    ];

    // the burst: every client submits its drafts one after another, alternating instances,
    // every fifth one to both instances at once ...
    let mut tasks = Vec::new();
    for (i, (http, token, drafts)) in clients.into_iter().enumerate() {
        let bases = [a.base.clone(), b.base.clone()];
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for (j, draft) in drafts.iter().enumerate() {
                let key = format!("key-{draft}");
                let path = format!("/api/v1/drafts/{draft}/submit");
                let here = format!("{}{path}", bases[(i + j) % 2]);
                if j % 5 == 0 {
                    let there = format!("{}{path}", bases[(i + j + 1) % 2]);
                    let (first, second) = tokio::join!(
                        submit(&http, here, &token, &key),
                        submit(&http, there, &token, &key)
                    );
                    answers.push((draft.clone(), first));
                    answers.push((draft.clone(), second));
                } else {
                    answers.push((draft.clone(), submit(&http, here, &token, &key).await));
                }
            }
            answers
        }));
    }
    // ... while staff on both instances take over the same case again and again
    let bases = [a.base.clone(), b.base.clone()];
    let actions = tokio::spawn(async move {
        let http = Client::new();
        let mut outcomes = Vec::new();
        for _ in 0..ACTION_ROUNDS {
            let round: Vec<_> = staff
                .iter()
                .flat_map(|token| bases.iter().map(move |base| (token.clone(), base.clone())))
                .map(|(token, base)| {
                    let http = http.clone();
                    let url = format!("{base}/api/v1/cases/{contested}/actions");
                    tokio::spawn(async move {
                        let response = http
                            .post(url)
                            .bearer_auth(token)
                            .json(&json!({ "action": "take_over" }))
                            .send()
                            .await
                            .expect("action");
                        let status = response.status();
                        let body: Value = response.json().await.unwrap_or(Value::Null);
                        (status, body["code"].as_str().unwrap_or("").to_string())
                    })
                })
                .collect();
            for task in round {
                outcomes.push(task.await.expect("action task"));
            }
        }
        (contested, outcomes)
    });

    let mut case_of_draft: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut file_numbers = BTreeMap::new();
    for task in tasks {
        for (draft, (status, body)) in task.await.expect("client task") {
            assert!(
                status == StatusCode::CREATED || status == StatusCode::OK,
                "submission answered {status}: {body}"
            );
            let case_id = body["case_id"].as_str().expect("case id").to_string();
            let number = body["file_number"]
                .as_str()
                .expect("file number")
                .to_string();
            if let Some(other) = file_numbers.insert(number.clone(), case_id.clone()) {
                assert_eq!(other, case_id, "file number {number} given to two cases");
            }
            case_of_draft.entry(draft).or_default().insert(case_id);
        }
    }
    assert_eq!(case_of_draft.len(), CLIENTS * SUBMISSIONS_PER_CLIENT);
    assert!(
        case_of_draft.values().all(|cases| cases.len() == 1),
        "a draft sent to both instances at once made one case"
    );
    let (contested, outcomes) = actions.await.expect("action task");
    let won = outcomes
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .count();
    let conflicts = outcomes
        .iter()
        .filter(|(status, code)| *status == StatusCode::CONFLICT && code == "conflict")
        .count();
    for (status, code) in &outcomes {
        assert!(
            *status == StatusCode::OK
                || (*status == StatusCode::CONFLICT
                    && (code == "conflict" || code == "already_assigned")),
            "take over answered {status} {code}"
        );
    }
    assert!(won >= 1, "someone took the case over");
    assert!(
        conflicts >= 1,
        "concurrent changes from two instances met at least once ({won} won of {})",
        outcomes.len()
    );
    eprintln!(
        "{} take-overs: {won} done, {conflicts} refused as conflicts, the rest already assigned",
        outcomes.len()
    );

    // the database: every number once and without gaps, every case's events without gaps,
    // one event and one audit entry per successful take-over, nothing from the refused ones
    let database = a.database.as_ref().expect("PostgreSQL");
    let mut conn = database.connect().await;
    let rows = sqlx::query("SELECT file_number FROM cases")
        .fetch_all(&mut conn)
        .await
        .expect("cases");
    let mut numbers: Vec<u64> = rows
        .iter()
        .map(|row| {
            let number: String = row.get("file_number");
            number
                .rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("file number ends in a number")
        })
        .collect();
    numbers.sort_unstable();
    let expected: Vec<u64> = (1..=(CLIENTS * SUBMISSIONS_PER_CLIENT + 1) as u64).collect();
    assert_eq!(numbers, expected, "file numbers are unique and gap-free");
    let rows = sqlx::query(
        "SELECT c.id::text AS id, c.version, COUNT(e.id) AS events, MIN(e.case_version) AS first, MAX(e.case_version) AS last \
         FROM cases c LEFT JOIN events e ON e.case_id = c.id GROUP BY c.id, c.version",
    )
    .fetch_all(&mut conn)
    .await
    .expect("events");
    for row in &rows {
        let (version, events): (i64, i64) = (row.get("version"), row.get("events"));
        let (first, last): (Option<i64>, Option<i64>) = (row.get("first"), row.get("last"));
        assert_eq!(
            (events, first, last),
            (version, Some(1), Some(version)),
            "events of case {} are 1..={version}, once each",
            row.get::<String, _>("id")
        );
        if row.get::<String, _>("id") == contested {
            assert_eq!(
                version,
                1 + won as i64,
                "every successful take-over, no other"
            );
        }
    }
    let taken_over: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_entries WHERE action = 'case.taken_over' AND object = $1",
    )
    .bind(format!("case:{contested}"))
    .fetch_one(&mut conn)
    .await
    .expect("audit");
    assert_eq!(taken_over, won as i64);
    drop(conn);

    // a case submitted through one instance is there, with its documents, on the other
    let caseworker = login(&b, CASEWORKER, PASSWORD).await;
    let (number, case_id) = file_numbers.iter().next().expect("a case");
    let case = caseworker.json(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["file_number"], number.as_str());
    for document in case["documents"].as_array().expect("documents") {
        let id = document["id"].as_str().expect("document id");
        for server in instances {
            let on = Api {
                server,
                http: caseworker.http.clone(),
                token: caseworker.token.clone(),
                user_id: caseworker.user_id.clone(),
            };
            assert_eq!(
                on.get(&format!("/api/v1/documents/{id}")).await.status(),
                StatusCode::OK
            );
        }
    }

    let (ok, report) = audit_verify(&a);
    assert!(ok, "{report}");
}

/// `--database` on the commands that are not `serve`: checked at start with a clear message,
/// `migrate` twice is fine, and the password never shows.
#[test]
fn the_database_setting_is_checked_and_its_password_never_shown() {
    let data = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str], database: &str| {
        let out = amtsweg()
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .args(["--database", database])
            .output()
            .expect("run amtsweg");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, _, err) = run(&["config", "check"], "mysql://amt:geheim@localhost/amtsweg");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("database: 'mysql://amt:***@localhost/amtsweg' is not a PostgreSQL URL"),
        "{err}"
    );
    let (code, _, err) = run(&["migrate"], "postgres://amt:geheim@127.0.0.1:1/amtsweg");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("cannot open the database postgres://amt:***@127.0.0.1:1/amtsweg")
            && err.contains("refused"),
        "{err}"
    );
    assert!(!err.contains("geheim"), "{err}");

    let database = TestDatabase::create();
    for _ in 0..2 {
        let (code, out, err) = run(&["migrate"], &database.url);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.starts_with("database is up to date (PostgreSQL postgres://"),
            "{out}"
        );
    }
    let (code, id, err) = run(
        &[
            "authority",
            "add",
            "--name",
            "Landratsamt Beispielkreis",
            "--address",
            "Markt 1",
            "--state",
            "BY",
        ],
        &database.url,
    );
    assert_eq!(code, Some(0), "{err}");
    let (_, list, _) = run(&["authority", "list"], &database.url);
    assert!(list.contains(id.trim()), "{list}");
    let (code, report, _) = run(&["audit", "verify"], &database.url);
    assert_eq!(code, Some(0));
    // the new authority is the one entry, made by the console's operator
    assert!(report.starts_with("OK: 1 entries"), "{report}");
    // nothing of it went to the SQLite file
    assert!(!data.path().join("amtsweg.db").exists());
}

/// Renames the server's database away (its connections ended) or back.
async fn rename_database(server: &Server, from: &str, to: &str) {
    let db = server.database.as_ref().expect("PostgreSQL");
    let admin = db.admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("admin");
    // the pool reconnects at once: end its connections until the rename goes through
    for attempt in 0.. {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(from)
            .execute(&mut conn)
            .await
            .expect("terminate");
        let renamed = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {from} RENAME TO {to}"
        )))
        .execute(&mut conn)
        .await;
        match renamed {
            Ok(_) => break,
            Err(e) if attempt < 50 => {
                eprintln!("rename {from}: {e}, again");
                tokio::task::yield_now().await;
            }
            Err(e) => panic!("rename {from} to {to}: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_answers_503_and_the_server_recovers_by_itself() {
    let server = Server::start_postgres();
    let http = Client::new();
    let ready = http
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.expect("text"), "ready");
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    assert_eq!(
        caseworker.get("/api/v1/cases").await.status(),
        StatusCode::OK
    );

    let name = server
        .database
        .as_ref()
        .expect("PostgreSQL")
        .name()
        .to_string();
    let away = format!("{name}_away");
    rename_database(&server, &name, &away).await;
    let ready = http
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.headers().contains_key("retry-after"));
    assert!(
        ready
            .text()
            .await
            .expect("text")
            .contains("database unreachable")
    );
    let refused = caseworker.get("/api/v1/cases").await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let problem: Value = refused.json().await.expect("problem");
    assert_eq!(problem["code"], "service_unavailable");
    let page = http.get(server.url("/login")).send().await.expect("page");
    assert!(page.status() == StatusCode::OK || page.status() == StatusCode::SERVICE_UNAVAILABLE);

    // back: the same server serves again without a restart
    rename_database(&server, &away, &name).await;
    let mut attempts = 0;
    loop {
        let ready = http
            .get(server.url("/readyz"))
            .send()
            .await
            .expect("readyz");
        if ready.status() == StatusCode::OK {
            break;
        }
        attempts += 1;
        assert!(attempts < 100, "not ready again: {}", ready.status());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        caseworker.get("/api/v1/cases").await.status(),
        StatusCode::OK
    );
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}

/// PostgreSQL itself stops under load (cut as in a crash) and starts again: the server answers
/// 503 with Retry-After meanwhile — never 500 —, serves again by itself, and every submission
/// acknowledged before is still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stopped_postgresql_answers_503_under_load_and_nothing_acknowledged_is_lost() {
    let postgres = PostgresServer::start();
    let server = Server::start_on_database(TestDatabase::create_on(postgres.admin_url()));
    let applicant = register(&server, "olga.oben@example.org", "Olga Oben").await;
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let mut acknowledged = Vec::new();
    for _ in 0..3 {
        acknowledged.push(submitted_case(&applicant).await.0);
    }

    // readers keep asking while the database goes away and comes back
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let (http, url, token, stop) = (
            caseworker.http.clone(),
            server.url("/api/v1/cases"),
            caseworker.token.clone(),
            stop.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut seen: BTreeMap<u16, usize> = BTreeMap::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok(response) = http.get(&url).bearer_auth(&token).send().await else {
                    continue;
                };
                let status = response.status();
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    assert_eq!(
                        response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok()),
                        Some("5")
                    );
                }
                *seen.entry(status.as_u16()).or_default() += 1;
            }
            seen
        }));
    }
    let http = Client::new();
    let wait_for = |status: StatusCode| {
        let (http, url) = (http.clone(), server.url("/readyz"));
        async move {
            for _ in 0..300 {
                let answer = http.get(&url).send().await.expect("readyz").status();
                if answer == status {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("/readyz never answered {status}");
        }
    };
    wait_for(StatusCode::OK).await;
    postgres.stop();
    wait_for(StatusCode::SERVICE_UNAVAILABLE).await;
    // a write meanwhile is refused as unavailable, not half-done
    let draft = applicant
        .http
        .post(server.url("/api/v1/drafts"))
        .bearer_auth(&applicant.token)
        .json(&json!({ "service_id": "baugenehmigung" }))
        .send()
        .await
        .expect("draft");
    assert_eq!(draft.status(), StatusCode::SERVICE_UNAVAILABLE);
    let problem: Value = draft.json().await.expect("problem");
    assert_eq!(problem["code"], "service_unavailable");

    postgres.resume();
    wait_for(StatusCode::OK).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen: BTreeMap<u16, usize> = BTreeMap::new();
    for reader in readers {
        for (status, n) in reader.await.expect("reader") {
            *seen.entry(status).or_default() += n;
        }
    }
    assert!(
        seen.keys().all(|s| *s == 200 || *s == 503),
        "only 200 and 503 while the database was away: {seen:?}"
    );
    assert!(
        seen.contains_key(&503),
        "the readers met the outage: {seen:?}"
    );

    // the same server serves again, with everything it acknowledged
    assert_eq!(
        caseworker.get("/api/v1/cases").await.status(),
        StatusCode::OK
    );
    for case_id in &acknowledged {
        assert_eq!(
            applicant
                .get(&format!("/api/v1/cases/{case_id}"))
                .await
                .status(),
            StatusCode::OK
        );
    }
    submitted_case(&applicant).await;
    let (ok, report) = audit_verify(&server);
    assert!(ok, "{report}");
}
