//! The server's edge against slow and greedy clients, and what every answer carries: slow
//! headers and bodies are cut off, a client holds only its share of uploads, a stop finishes
//! what runs and leaves no temporary file, and the headers a public site needs are there.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

/// Short limits, so that a test sees them act in seconds.
const SHORT_LIMITS: &str = "[limits]\nheader_timeout_secs = 2\nbody_idle_timeout_secs = 2\nbody_grace_secs = 1\nbody_min_bytes_per_sec = 2000\nbodies_per_client = 2\n";

fn address(server: &Server) -> String {
    server
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// Writes `bytes` one at a time, every `pause`, until the server answers or closes the
/// connection, or `give_up` passes; returns how many it could write and what the server said.
async fn trickle(
    stream: &mut TcpStream,
    bytes: &[u8],
    pause: Duration,
    give_up: Duration,
) -> (usize, String) {
    let started = tokio::time::Instant::now();
    for (i, byte) in bytes.iter().enumerate() {
        if started.elapsed() > give_up || stream.write_all(&[*byte]).await.is_err() {
            return (i, answer(stream).await);
        }
        let mut probe = [0u8; 4096];
        match tokio::time::timeout(pause, stream.read(&mut probe)).await {
            // closed, or an answer: the server gave up on us
            Ok(Ok(0)) | Ok(Err(_)) => return (i, String::new()),
            Ok(Ok(n)) => {
                let mut said = String::from_utf8_lossy(&probe[..n]).into_owned();
                said.push_str(&answer(stream).await);
                return (i, said);
            }
            Err(_) => {}
        }
    }
    (bytes.len(), answer(stream).await)
}

/// Reads what the server answers until it closes the connection.
async fn answer(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_header_sent_a_byte_at_a_time_is_cut_off() {
    let server = Server::start_with(tempfile::tempdir().expect("dir"), SHORT_LIMITS);
    let mut stream = TcpStream::connect(address(&server)).await.expect("connect");
    let header = format!(
        "GET /api/v1/services HTTP/1.1\r\nHost: {}\r\nX-Padding: {}\r\n\r\n",
        address(&server),
        "a".repeat(200)
    );
    let (written, _) = trickle(
        &mut stream,
        header.as_bytes(),
        Duration::from_millis(200),
        Duration::from_secs(30),
    )
    .await;
    assert!(
        written < header.len(),
        "the server waited for the whole slow header ({written} bytes over 200 ms each)"
    );
    // a connection that says nothing at all is closed too
    let mut idle = TcpStream::connect(address(&server)).await.expect("connect");
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(30), idle.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "an idle connection stays open: {read:?}"
    );
}

async fn raw_upload_start(server: &Server, token: &str, draft: &str, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(address(server)).await.expect("connect");
    let head = format!(
        "POST /api/v1/drafts/{draft}/documents?document_type=lageplan&file_name=lageplan.pdf HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\nContent-Length: {length}\r\n\r\n",
        address(server)
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let body = pdf("lageplan");
    stream.write_all(&body[..64]).await.expect("first bytes");
    stream
}

fn temp_files(server: &Server) -> usize {
    std::fs::read_dir(server.data.path().join("documents").join("tmp"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

/// Waits until the uploads being read have `n` temp files (at most 5 s).
async fn await_temp_files(server: &Server, n: usize) {
    for _ in 0..100 {
        if temp_files(server) == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(temp_files(server), n, "temp files of the uploads in flight");
}

#[tokio::test]
async fn a_body_trickling_in_is_cut_off_and_leaves_no_temporary_file() {
    let server = Server::start_with(tempfile::tempdir().expect("dir"), SHORT_LIMITS);
    let applicant = register(&server, "langsam@example.org", "Lars Langsam").await;
    let draft = new_draft(&applicant).await;
    let mut stream = raw_upload_start(&server, &applicant.token, &draft, 100_000).await;
    let rest = vec![b' '; 200];
    let (_, answer) = trickle(
        &mut stream,
        &rest,
        Duration::from_millis(300),
        Duration::from_secs(30),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_too_slow"), "{answer}");
    assert_eq!(
        temp_files(&server),
        0,
        "the cut-off upload left its temp file"
    );
    let draft = applicant.json(&format!("/api/v1/drafts/{draft}")).await;
    assert_eq!(draft["documents"], json!([]));
}

#[tokio::test]
async fn a_client_holds_only_its_share_of_uploads() {
    let server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        "[limits]\nbodies_per_client = 2\nbody_grace_secs = 60\nbody_idle_timeout_secs = 60\n",
    );
    let applicant = register(&server, "gierig@example.org", "Gerd Gierig").await;
    let draft = new_draft(&applicant).await;
    let mut first = raw_upload_start(&server, &applicant.token, &draft, 100_000).await;
    let mut second = raw_upload_start(&server, &applicant.token, &draft, 100_000).await;
    // both are being read (their temp files exist) before the third comes
    await_temp_files(&server, 2).await;
    let documents = format!("/api/v1/drafts/{draft}/documents");
    let upload = || applicant.upload(&documents, "lageplan", "lageplan.pdf", pdf("lageplan"));
    let third = upload().await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().get("retry-after").is_some());
    let problem: Value = third.json().await.expect("problem");
    assert_eq!(problem["code"], "too_many_uploads");
    // reading is not limited by it
    assert_eq!(
        applicant.get("/api/v1/drafts").await.status(),
        StatusCode::OK
    );
    // the abandoned uploads give their places back, and their temp files go
    first.shutdown().await.expect("close");
    second.shutdown().await.expect("close");
    drop((first, second));
    let mut accepted = None;
    for _ in 0..100 {
        let response = upload().await;
        if response.status() == StatusCode::CREATED {
            accepted = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        accepted.is_some(),
        "uploads stay refused after the others ended"
    );
    assert_eq!(temp_files(&server), 0);
}

/// SIGTERM (what systemd and container runtimes send) stops the server: it takes no new
/// connection, answers the request in flight, removes the temp file of an upload it cuts
/// off, and exits with success.
#[tokio::test]
async fn sigterm_stops_gracefully() {
    let mut server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        "[limits]\nbody_grace_secs = 60\nbody_idle_timeout_secs = 60\n",
    );
    let applicant = register(&server, "ende@example.org", "Edda Ende").await;
    let draft = new_draft(&applicant).await;
    let mut upload = raw_upload_start(&server, &applicant.token, &draft, 100_000).await;
    await_temp_files(&server, 1).await;
    server.terminate();
    // the stop waits for the upload; the client gives up, as a client whose server goes does
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(address(&server)).await.is_err(),
        "new connections are refused while stopping"
    );
    upload.shutdown().await.expect("close");
    drop(upload);
    let mut exit = None;
    for _ in 0..600 {
        if let Some(status) = server.exited() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exit = exit.expect("the server did not stop within 30 s of SIGTERM");
    assert!(exit.success(), "{exit:?}");
    assert_eq!(temp_files(&server), 0);
}

#[tokio::test]
async fn answers_carry_what_a_public_site_needs() {
    let server = Server::start();
    let http = reqwest::Client::new();
    // no HSTS over plain http (it would be ignored, and a test site would stick to https)
    let page = http.get(server.url("/login")).send().await.expect("get");
    assert!(page.headers().get("strict-transport-security").is_none());
    // API answers are not cached anywhere
    let caseworker = login(&server, CASEWORKER, PASSWORD).await;
    let cases = caseworker.get("/api/v1/cases").await;
    assert_eq!(cases.headers()["cache-control"], "no-store");
    // a plain request id is kept, anything else replaced before it reaches the log
    for (sent, kept) in [
        ("trace-4711", true),
        ("zeile;drop table", false),
        ("ä", false),
        (&*"x".repeat(100), false),
        ("a b", false),
    ] {
        let response = http
            .get(server.url("/api/v1/services"))
            .header("x-request-id", sent)
            .send()
            .await
            .expect("get");
        let echoed = response.headers()["x-request-id"].to_str().expect("ascii");
        assert_eq!(echoed == sent, kept, "{sent:?} → {echoed:?}");
        assert!(!echoed.is_empty() && echoed.len() <= 64);
    }
    // the bearer scheme is case-insensitive
    let lower = http
        .get(server.url("/api/v1/cases"))
        .header("authorization", format!("bearer {}", caseworker.token))
        .send()
        .await
        .expect("get");
    assert_eq!(lower.status(), StatusCode::OK);
}

#[tokio::test]
async fn under_https_cookies_are_host_bound_and_browsers_keep_to_https() {
    let server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        "public_url = \"https://bauportal.example\"\n",
    );
    let page = reqwest::Client::new()
        .get(server.url("/login"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = page.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.starts_with("__Host-amtsweg_csrf="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

/// Oversized inputs are refused before they are kept: 150 logins with 1.9 MB addresses
/// (what raised the memory from 32 to 319 MiB without authentication) and 50 JSON bodies over
/// the limit leave the server's resident memory where it was, give or take what one request
/// in flight needs.
#[tokio::test]
async fn memory_stays_flat_under_oversized_inputs() {
    let server = Server::start();
    let http = reqwest::Client::new();
    // warm up: the first requests allocate what every later one reuses
    for _ in 0..5 {
        let _ = http
            .post(server.url("/api/v1/sessions"))
            .json(&json!({ "email": "x".repeat(1_900_000), "password": "x" }))
            .send()
            .await
            .expect("login");
    }
    let before = server.resident_kib();
    let huge = format!("{}@example.org", "a".repeat(1_900_000));
    for _ in 0..150 {
        let response = http
            .post(server.url("/api/v1/sessions"))
            .json(&json!({ "email": huge, "password": "irgendwas" }))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let over = "y".repeat(3 * 1024 * 1024);
    for _ in 0..50 {
        let response = http
            .post(server.url("/api/v1/accounts"))
            .header("content-type", "application/json")
            .body(format!("{{\"email\":\"{over}\"}}"))
            .send()
            .await
            .expect("register");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    let after = server.resident_kib();
    let grown_mib = after.saturating_sub(before) / 1024;
    assert!(
        grown_mib <= 16,
        "resident memory grew by {grown_mib} MiB ({before} → {after} KiB)"
    );
}
