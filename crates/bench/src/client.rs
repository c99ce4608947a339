//! The HTTP client side of the measurements: sessions, drafts, documents, and the timed
//! intake, upload and latency runs against a running `amtsweg` server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::seed::err;
use crate::server::Server;

pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) struct Session {
    http: Client,
    token: String,
}

pub(crate) async fn login(server: &Server, email: &str, password: &str) -> Result<Session, String> {
    let http = Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .map_err(err)?;
    let r = http
        .post(format!("{}/api/v1/sessions", server.base))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .map_err(err)?;
    if r.status() != StatusCode::CREATED {
        return Err(format!("login {email}: {}", r.status()));
    }
    let body: Value = r.json().await.map_err(err)?;
    Ok(Session {
        http,
        token: body["token"].as_str().unwrap_or_default().to_string(),
    })
}

async fn register(server: &Server, email: &str) -> Result<Session, String> {
    let r = Client::new()
        .post(format!("{}/api/v1/accounts", server.base))
        .json(&json!({ "email": email, "password": "ein-langes-Passwort-1", "display_name": "Bettina Bench", "role": "applicant" }))
        .send()
        .await
        .map_err(err)?;
    // 202 since registration answers alike for new and taken addresses; 201 from older builds
    if r.status() != StatusCode::ACCEPTED && r.status() != StatusCode::CREATED {
        return Err(format!("register {email}: {}", r.status()));
    }
    login(server, email, "ein-langes-Passwort-1").await
}

/// p50 and p99 of GET requests, in milliseconds (after a few warm-up requests).
pub(crate) async fn latencies(
    server: &Server,
    who: &Session,
    samples: usize,
    path: impl Fn(usize) -> String,
) -> Result<(f64, f64), String> {
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples + 5 {
        let started = Instant::now();
        let r = who
            .http
            .get(format!("{}{}", server.base, path(i)))
            .bearer_auth(&who.token)
            .send()
            .await
            .map_err(err)?;
        if r.status() != StatusCode::OK {
            return Err(format!("GET {}: {}", path(i), r.status()));
        }
        let _ = r.bytes().await.map_err(err)?;
        if i >= 5 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Ok((at(0.50), at(0.99)))
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n% amtsweg bench\n".to_vec();
    bytes.resize(size.max(bytes.len()), b' ');
    bytes
}

fn application_form() -> Value {
    json!({
        "applicant_kind": "person", "applicant_given_name": "Bettina", "applicant_family_name": "Bench",
        "applicant_street": "Königstraße 1", "applicant_postal_code": "70173", "applicant_city": "Stuttgart",
        "applicant_email": "bench@example.org", "architect_name": "Łucja Nguyễn",
        "architect_chamber_number": "BW-12345", "representative_present": "false",
        "project_description": "Neubau eines Einfamilienhauses mit Garage", "building_class": "1",
        "storeys": "2", "dwelling_units": "1", "gross_floor_area": "180", "construction_cost": "350000",
        "site_street": "Am Weinberg 3", "site_postal_code": "70597", "site_city": "Stuttgart",
        "site_cadastral_district": "Degerloch", "site_flur": "4", "site_parcel": "1234/5",
        "procedure_type": "simplified", "deviations_requested": "false"
    })
}

const DOCUMENTS: [&str; 4] = [
    "lageplan",
    "bauzeichnungen",
    "baubeschreibung",
    "bauvorlageberechtigung",
];

async fn upload_document(
    server: &Server,
    who: &Session,
    draft: &str,
    kind: &str,
    bytes: Vec<u8>,
) -> Result<(), String> {
    let r = who
        .http
        .post(format!("{}/api/v1/drafts/{draft}/documents", server.base))
        .query(&[
            ("document_type", kind),
            ("file_name", &format!("{kind}.pdf")),
        ])
        .bearer_auth(&who.token)
        .body(bytes)
        .send()
        .await
        .map_err(err)?;
    if r.status() != StatusCode::CREATED {
        return Err(format!("upload {kind}: {}", r.status()));
    }
    Ok(())
}

/// A draft with its form filled and all documents but the last (when `leave_one`).
async fn prepare_draft(server: &Server, who: &Session, leave_one: bool) -> Result<String, String> {
    let r = who
        .http
        .post(format!("{}/api/v1/drafts", server.base))
        .bearer_auth(&who.token)
        .json(&json!({ "service_id": "baugenehmigung" }))
        .send()
        .await
        .map_err(err)?;
    let draft: Value = r.json().await.map_err(err)?;
    let id = draft["id"].as_str().ok_or("draft without id")?.to_string();
    let r = who
        .http
        .patch(format!("{}/api/v1/drafts/{id}", server.base))
        .bearer_auth(&who.token)
        .json(&json!({ "fields": application_form() }))
        .send()
        .await
        .map_err(err)?;
    if r.status() != StatusCode::OK {
        return Err(format!("form: {}", r.status()));
    }
    let count = if leave_one { 3 } else { 4 };
    for kind in &DOCUMENTS[..count] {
        upload_document(server, who, &id, kind, pdf(2_000)).await?;
    }
    Ok(id)
}

static APPLICANTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Submissions per second through HTTP, `concurrency` clients at once; each submission
/// (and, with a document, the upload of its last 1 MB document) is what is timed; the drafts
/// are prepared before the clock starts.
pub(crate) async fn intake(
    server: &Server,
    concurrency: usize,
    total: usize,
    with_document: bool,
) -> Result<f64, String> {
    let per_worker = total.div_ceil(concurrency);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let k = APPLICANTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let who = register(
            server,
            &format!("bench-intake-{}-{k}@example.org", std::process::id()),
        )
        .await?;
        let mut drafts = Vec::new();
        for _ in 0..per_worker {
            drafts.push(prepare_draft(server, &who, with_document).await?);
        }
        workers.push((who, drafts));
    }
    let base = Arc::new(server.base.clone());
    let big = bytes::Bytes::from(pdf(1_000_000));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (who, drafts) in workers {
        let (base, big) = (base.clone(), big.clone());
        tasks.push(tokio::spawn(async move {
            for draft in drafts {
                if with_document {
                    let r = who
                        .http
                        .post(format!("{base}/api/v1/drafts/{draft}/documents"))
                        .query(&[
                            ("document_type", "bauvorlageberechtigung"),
                            ("file_name", "vollmacht.pdf"),
                        ])
                        .bearer_auth(&who.token)
                        .body(big.clone())
                        .send()
                        .await
                        .map_err(err)?;
                    if r.status() != StatusCode::CREATED {
                        return Err(format!("upload: {}", r.status()));
                    }
                }
                let r = who
                    .http
                    .post(format!("{base}/api/v1/drafts/{draft}/submit"))
                    .bearer_auth(&who.token)
                    .send()
                    .await
                    .map_err(err)?;
                if r.status() != StatusCode::CREATED {
                    return Err(format!(
                        "submit: {} {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    ));
                }
            }
            Ok::<_, String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(err)??;
    }
    Ok((per_worker * concurrency) as f64 / started.elapsed().as_secs_f64())
}

/// Uploads `mib` MiB as one document, streamed; returns MB/s, RSS before and peak RSS.
pub(crate) async fn upload(server: &Server, mib: u64) -> Result<(f64, f64, f64), String> {
    let k = APPLICANTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let who = register(
        server,
        &format!("bench-upload-{}-{k}@example.org", std::process::id()),
    )
    .await?;
    let draft = prepare_draft(server, &who, true).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (before, _) = server.memory();
    let chunk = bytes::Bytes::from(vec![b' '; 256 * 1024]);
    let head = bytes::Bytes::from(pdf(64));
    let chunks = (mib * 4) as usize;
    let body = futures_util::stream::iter(
        std::iter::once(head)
            .chain(std::iter::repeat_n(chunk, chunks))
            .map(Ok::<_, std::io::Error>),
    );
    let size = 64 + mib * 1024 * 1024;
    let started = Instant::now();
    let r = who
        .http
        .post(format!("{}/api/v1/drafts/{draft}/documents", server.base))
        .query(&[
            ("document_type", "bauvorlageberechtigung"),
            ("file_name", "gross.pdf"),
        ])
        .bearer_auth(&who.token)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(err)?;
    let seconds = started.elapsed().as_secs_f64();
    if r.status() != StatusCode::CREATED {
        return Err(format!("upload of {mib} MiB: {}", r.status()));
    }
    let (_, peak) = server.memory();
    Ok((size as f64 / 1e6 / seconds, before, peak))
}

/// Case views per second: `concurrency` readers open the case view of the first inbox page's
/// cases, one after another, for `secs` seconds (every view is answered 200; anything else
/// ends the measurement with an error).
pub(crate) async fn case_views(
    server: &Server,
    who: &Session,
    concurrency: usize,
    secs: f64,
) -> Result<f64, String> {
    let inbox: Vec<Value> = who
        .http
        .get(format!("{}/api/v1/cases?page=0", server.base))
        .bearer_auth(&who.token)
        .send()
        .await
        .map_err(err)?
        .json()
        .await
        .map_err(err)?;
    let ids: Arc<Vec<String>> = Arc::new(
        inbox
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_string))
            .collect(),
    );
    if ids.is_empty() {
        return Err("case views: the inbox is empty".into());
    }
    let base = Arc::new(server.base.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (base, ids, http, token) = (
            base.clone(),
            ids.clone(),
            who.http.clone(),
            who.token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut views = 0u64;
            while started.elapsed().as_secs_f64() < secs {
                let id = &ids[(worker + views as usize) % ids.len()];
                let r = http
                    .get(format!("{base}/api/v1/cases/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .map_err(err)?;
                if r.status() != StatusCode::OK {
                    return Err(format!("case view: {}", r.status()));
                }
                r.bytes().await.map_err(err)?;
                views += 1;
            }
            Ok::<u64, String>(views)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.map_err(err)??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}
