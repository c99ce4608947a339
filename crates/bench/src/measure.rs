//! The measurements. Each result is set against a baseline taken in the same run on the same
//! machine (raw engine commits, dd, sha256sum) or against the same measurement at a smaller
//! N, so that the ratios, not the absolute numbers, carry over between machines.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Connection;

use crate::seed::{self, err};
use crate::server::Server;
use crate::{Backend, Db};

#[derive(clap::Args)]
pub struct RunArgs {
    /// sqlite, postgres (repeat for both)
    #[arg(long, value_enum, default_values_t = [Backend::Sqlite])]
    backend: Vec<Backend>,
    /// Case counts, ascending: the inbox and search are measured at each.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000u64, 100_000])]
    sizes: Vec<u64>,
    /// Submissions per intake measurement.
    #[arg(long, default_value_t = 256)]
    intake: usize,
    /// Requests per inbox/search measurement.
    #[arg(long, default_value_t = 300)]
    samples: usize,
    /// Size of the upload measurement in MiB (0 skips it).
    #[arg(long, default_value_t = 1024)]
    upload_mib: u64,
    /// Seconds per raw-engine baseline run.
    #[arg(long, default_value_t = 5)]
    baseline_secs: u64,
    /// Tiny sizes and counts, for CI: checks that every measurement still runs.
    #[arg(long)]
    smoke: bool,
    /// Where the JSON goes.
    #[arg(long, default_value = "bench-results.json")]
    out: PathBuf,
    /// Work folder (data folders, the dd file); default a fresh temporary folder.
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Admin connection for making and dropping the bench database.
    #[arg(
        long,
        env = "AMTSWEG_TEST_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_admin: String,
    #[arg(long)]
    amtsweg: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    backend: String,
    measure: String,
    value: f64,
    unit: String,
    baseline: Option<f64>,
    baseline_name: Option<String>,
    /// value / baseline
    ratio: Option<f64>,
    target: String,
}

struct Report(Vec<Row>);

impl Report {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        backend: Backend,
        measure: impl Into<String>,
        value: f64,
        unit: &str,
        baseline: Option<(f64, &str)>,
        target: &str,
    ) {
        let row = Row {
            backend: format!("{backend:?}").to_lowercase(),
            measure: measure.into(),
            value,
            unit: unit.into(),
            baseline: baseline.map(|b| b.0),
            baseline_name: baseline.map(|b| b.1.to_string()),
            ratio: baseline.and_then(|(b, _)| (b > 0.0).then(|| value / b)),
            target: target.into(),
        };
        eprintln!(
            "  {:<9} {:<52} {:>10.2} {:<8} {}",
            row.backend,
            row.measure,
            row.value,
            row.unit,
            row.ratio
                .map(|r| format!("ratio {r:.2}"))
                .unwrap_or_default()
        );
        self.0.push(row);
    }

    fn print(&self) {
        println!(
            "\n| backend | measure | value | unit | baseline | ratio | target |\n|---|---|---:|---|---|---:|---|"
        );
        for r in &self.0 {
            println!(
                "| {} | {} | {:.2} | {} | {} | {} | {} |",
                r.backend,
                r.measure,
                r.value,
                r.unit,
                match (&r.baseline, &r.baseline_name) {
                    (Some(b), Some(n)) => format!("{b:.2} ({n})"),
                    _ => String::new(),
                },
                r.ratio.map(|x| format!("{x:.2}")).unwrap_or_default(),
                r.target
            );
        }
    }
}

pub async fn run(mut args: RunArgs) -> Result<(), String> {
    if args.smoke {
        args.sizes = vec![200, 400];
        args.intake = 8;
        args.samples = 10;
        args.upload_mib = args.upload_mib.min(8);
        args.baseline_secs = 1;
    }
    let binary = crate::amtsweg_binary(args.amtsweg.clone())?;
    let temp;
    let work = match &args.work_dir {
        Some(dir) => dir.clone(),
        None => {
            temp = TempDir::new()?;
            temp.0.clone()
        }
    };
    let mut report = Report(Vec::new());
    let backends = args.backend.clone();
    for backend in backends {
        eprintln!("== {backend:?}");
        let data = work.join(format!("{backend:?}").to_lowercase());
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).map_err(err)?;
        let (db, pg) = match backend {
            Backend::Sqlite => (Db::Sqlite(data.join("amtsweg.db")), None),
            Backend::Postgres => {
                let pg = PgDatabase::create(&args.postgres_admin).await?;
                (Db::Postgres(pg.url.clone()), Some(pg))
            }
        };
        let result = run_backend(&args, &binary, backend, &data, &db, &mut report).await;
        if let Some(pg) = pg {
            pg.drop_it().await;
        }
        result?;
    }
    report.print();
    let json = serde_json::to_string_pretty(&json!({
        "machine": machine(),
        "arguments": {
            "sizes": args.sizes, "intake": args.intake, "samples": args.samples,
            "upload_mib": args.upload_mib, "smoke": args.smoke
        },
        "results": report.0,
    }))
    .map_err(err)?;
    std::fs::write(&args.out, json).map_err(err)?;
    eprintln!("results written to {}", args.out.display());
    Ok(())
}

fn machine() -> Value {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    json!({ "cpus": cpus, "cpu": model })
}

async fn run_backend(
    args: &RunArgs,
    binary: &Path,
    backend: Backend,
    data: &Path,
    db: &Db,
    report: &mut Report,
) -> Result<(), String> {
    let upload_limit = args.upload_mib + 2;
    // schema, service versions, demo authority and accounts
    Server::start(binary, data, db, upload_limit).await?.stop();
    let mut seeded = 0;
    let mut p99_at_smallest = None;
    for &n in &args.sizes {
        let started = Instant::now();
        let r = seed::seed(db, n.saturating_sub(seeded), 5_000).await?;
        seeded = n;
        report.add(
            backend,
            format!("seed rate (up to {n} cases)"),
            r.cases as f64 / started.elapsed().as_secs_f64().max(1e-9),
            "cases/s",
            None,
            "1M cases in minutes",
        );
        let server = Server::start(binary, data, db, upload_limit).await?;
        let worker = login(
            &server,
            "sachbearbeitung@demo.amtsweg.de",
            "Demo-Passwort-2026",
        )
        .await?;
        let inbox = latencies(&server, &worker, args.samples, |_| {
            "/api/v1/cases?state=substantive_check".to_string()
        })
        .await?;
        report.add(
            backend,
            format!("inbox p50 at {n}"),
            inbox.0,
            "ms",
            None,
            "≤ 5 ms at 1M",
        );
        report.add(
            backend,
            format!("inbox p99 at {n}"),
            inbox.1,
            "ms",
            p99_at_smallest.map(|p| (p, "p99 at smallest N")),
            "≤ 25 ms at 1M; ≤ 2× p99 at 10k",
        );
        if p99_at_smallest.is_none() {
            p99_at_smallest = Some(inbox.1);
        }
        let searches: [(&str, SearchTerm); 3] = [
            ("file number", |i, n| {
                format!("BG-2025-{:05}", 1 + i * 7919 % n)
            }),
            ("name", |i, _| {
                ["Schäfer", "Dvořák", "Öztürk", "Zimmermann", "Nguyễn"][(i % 5) as usize]
                    .to_string()
            }),
            ("address", |i, _| format!("Lindenallee {}", 1 + i % 120)),
        ];
        for (what, query) in searches {
            let (p50, p99) = latencies(&server, &worker, args.samples, |i| {
                format!("/api/v1/cases?q={}", urlencode(&query(i as u64, n)))
            })
            .await?;
            report.add(
                backend,
                format!("search by {what} p50 at {n}"),
                p50,
                "ms",
                None,
                "(as inbox)",
            );
            report.add(
                backend,
                format!("search by {what} p99 at {n}"),
                p99,
                "ms",
                None,
                "(as inbox)",
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (rss, _) = server.memory();
        report.add(
            backend,
            format!("idle RSS at {n} cases"),
            rss,
            "MiB",
            None,
            "≤ 50 MiB at 1M",
        );
        server.stop();
    }

    // intake through HTTP against the raw engine at the same concurrency
    let server = Server::start(binary, data, db, upload_limit).await?;
    for concurrency in [1usize, 8, 32] {
        let raw = raw_commit_rate(db, data, concurrency, args.baseline_secs).await?;
        for with_document in [false, true] {
            let rate = intake(
                &server,
                concurrency,
                args.intake.max(concurrency),
                with_document,
            )
            .await?;
            let (rss, peak) = server.memory();
            eprintln!("    server RSS after this run {rss:.1} MiB (peak so far {peak:.1} MiB)");
            report.add(
                backend,
                format!(
                    "intake c={concurrency}{}",
                    if with_document {
                        " + 1 MB document"
                    } else {
                        ""
                    }
                ),
                rate,
                "subm/s",
                Some((raw, "raw 1-row commits/s")),
                "≥ 50% of raw",
            );
        }
    }
    let (_, peak) = server.memory();
    report.add(
        backend,
        "RSS peak under intake load",
        peak,
        "MiB",
        None,
        "(reported)",
    );
    server.stop();

    if args.upload_mib > 0 {
        let server = Server::start(binary, data, db, upload_limit).await?;
        let (mb_s, before, peak) = upload(&server, args.upload_mib).await?;
        server.stop();
        let disk = dd_rate(data, args.upload_mib)?;
        report.add(
            backend,
            format!("upload {} MiB", args.upload_mib),
            mb_s,
            "MB/s",
            Some((disk, "dd conv=fdatasync MB/s")),
            "≥ 50% of dd",
        );
        report.add(
            backend,
            format!("upload {} MiB: RSS growth", args.upload_mib),
            peak - before,
            "MiB",
            None,
            "≤ +32 MiB",
        );
    }

    let (entries, bytes, seconds) = audit_verify(binary, data, db).await?;
    let sha = sha256sum_rate(db, data).await?;
    report.add(
        backend,
        format!("audit verify ({entries} entries)"),
        entries as f64 / seconds,
        "entries/s",
        None,
        "(reported)",
    );
    report.add(
        backend,
        "audit verify MB/s",
        bytes as f64 / 1e6 / seconds,
        "MB/s",
        Some((sha, "sha256sum MB/s")),
        "≥ 50% of sha256sum",
    );
    Ok(())
}

/// The i-th search term at N cases.
type SearchTerm = fn(u64, u64) -> String;

fn urlencode(s: &str) -> String {
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

struct Session {
    http: Client,
    token: String,
}

async fn login(server: &Server, email: &str, password: &str) -> Result<Session, String> {
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
    if r.status() != StatusCode::CREATED {
        return Err(format!("register {email}: {}", r.status()));
    }
    login(server, email, "ein-langes-Passwort-1").await
}

/// p50 and p99 of GET requests, in milliseconds (after a few warm-up requests).
async fn latencies(
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
async fn intake(
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

/// The engine's single-row commit rate at `concurrency`: pgbench with a one-row insert
/// script; for SQLite a loop of one-row transactions on one connection with the app's
/// settings (WAL, synchronous=FULL), `concurrency` tasks sharing it as the app's writer does.
async fn raw_commit_rate(
    db: &Db,
    data: &Path,
    concurrency: usize,
    seconds: u64,
) -> Result<f64, String> {
    match db {
        Db::Postgres(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.map_err(err)?;
            sqlx::raw_sql("CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)")
                .execute(&mut c)
                .await
                .map_err(err)?;
            let script = data.join("raw-insert.sql");
            std::fs::write(
                &script,
                "INSERT INTO bench_raw (payload) VALUES ('eine Zeile');\n",
            )
            .map_err(err)?;
            // the same durability as the store's connections (which switch it on if needed)
            let out = std::process::Command::new("pgbench")
                .env("PGOPTIONS", "-c synchronous_commit=on")
                .args([
                    "-n",
                    "-c",
                    &concurrency.to_string(),
                    "-j",
                    &concurrency.min(2).to_string(),
                ])
                .args(["-T", &seconds.to_string(), "-f"])
                .arg(&script)
                .arg(url)
                .output()
                .map_err(|e| format!("pgbench: {e} (Debian: postgresql-client)"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            text.lines()
                .find(|l| l.starts_with("tps = "))
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| {
                    format!(
                        "pgbench said: {text} {}",
                        String::from_utf8_lossy(&out.stderr)
                    )
                })
        }
        Db::Sqlite(_) => {
            let path = data.join("raw.db");
            let _ = std::fs::remove_file(&path);
            let mut c =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display()))
                    .await
                    .map_err(err)?;
            sqlx::raw_sql("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);")
                .execute(&mut c)
                .await
                .map_err(err)?;
            let conn = Arc::new(tokio::sync::Mutex::new(c));
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for _ in 0..concurrency {
                let conn = conn.clone();
                tasks.push(tokio::spawn(async move {
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        let mut c = conn.lock().await;
                        sqlx::query("INSERT INTO raw (payload) VALUES ('eine Zeile')")
                            .execute(&mut *c)
                            .await
                            .map_err(err)?;
                        n += 1;
                    }
                    Ok::<_, String>(n)
                }));
            }
            let started = Instant::now();
            let mut total = 0;
            for t in tasks {
                total += t.await.map_err(err)??;
            }
            Ok(total as f64 / started.elapsed().as_secs_f64().max(seconds as f64))
        }
    }
}

/// Uploads `mib` MiB as one document, streamed; returns MB/s, RSS before and peak RSS.
async fn upload(server: &Server, mib: u64) -> Result<(f64, f64, f64), String> {
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

/// `dd if=/dev/zero of=<data>/dd.bin bs=1M count=<mib> conv=fdatasync`, in MB/s.
fn dd_rate(data: &Path, mib: u64) -> Result<f64, String> {
    let file = data.join("dd.bin");
    let started = Instant::now();
    let out = std::process::Command::new("dd")
        .args([
            "if=/dev/zero",
            "bs=1M",
            &format!("count={mib}"),
            "conv=fdatasync",
        ])
        .arg(format!("of={}", file.display()))
        .output()
        .map_err(|e| format!("dd: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        return Err(format!("dd: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok((mib * 1024 * 1024) as f64 / 1e6 / seconds)
}

/// Runs `amtsweg audit verify`; returns entries, hashed bytes and seconds.
async fn audit_verify(binary: &Path, data: &Path, db: &Db) -> Result<(u64, u64, f64), String> {
    let mut cmd = std::process::Command::new(binary);
    cmd.args(["audit", "verify", "--data-dir"])
        .arg(data)
        .env_remove("AMTSWEG_DATABASE");
    if let Db::Postgres(url) = db {
        cmd.arg("--database").arg(url);
    }
    let started = Instant::now();
    let out = cmd.output().map_err(err)?;
    let seconds = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !text.starts_with("OK: ") {
        return Err(format!(
            "audit verify: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let entries: u64 = text
        .trim_start_matches("OK: ")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let bytes = audit_bytes(db, data, None).await?;
    Ok((entries, bytes, seconds))
}

const AUDIT_FIELDS: &str =
    "SELECT at, actor, action, object, detail, prev_hash FROM audit_entries ORDER BY seq";

/// The bytes the audit hashes cover (the entries' fields); written to `file` when given.
async fn audit_bytes(db: &Db, _data: &Path, file: Option<&Path>) -> Result<u64, String> {
    use futures_util::TryStreamExt;
    use std::io::Write;
    let mut out = match file {
        Some(f) => Some(std::io::BufWriter::new(
            std::fs::File::create(f).map_err(err)?,
        )),
        None => None,
    };
    let mut total = 0u64;
    let mut take = |row: (String, String, String, String, String, String)| -> Result<(), String> {
        for field in [&row.0, &row.1, &row.2, &row.3, &row.4, &row.5] {
            total += field.len() as u64 + 8;
            if let Some(out) = out.as_mut() {
                out.write_all(&(field.len() as u64).to_be_bytes())
                    .map_err(err)?;
                out.write_all(field.as_bytes()).map_err(err)?;
            }
        }
        Ok(())
    };
    match db {
        Db::Postgres(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.map_err(err)?;
            let mut rows = sqlx::query_as(AUDIT_FIELDS).fetch(&mut c);
            while let Some(row) = rows.try_next().await.map_err(err)? {
                take(row)?;
            }
        }
        Db::Sqlite(path) => {
            let mut c = seed::sqlite(path).await?;
            let mut rows = sqlx::query_as(AUDIT_FIELDS).fetch(&mut c);
            while let Some(row) = rows.try_next().await.map_err(err)? {
                take(row)?;
            }
        }
    }
    if let Some(mut out) = out {
        out.flush().map_err(err)?;
    }
    Ok(total)
}

/// `sha256sum` over the same bytes (written to a file first, then read from the page cache).
async fn sha256sum_rate(db: &Db, data: &Path) -> Result<f64, String> {
    let file = data.join("audit.bin");
    let bytes = audit_bytes(db, data, Some(&file)).await?;
    // once to warm the page cache, then timed
    let _ = std::process::Command::new("cat")
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .status();
    let started = Instant::now();
    let out = std::process::Command::new("sha256sum")
        .arg(&file)
        .output()
        .map_err(err)?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        return Err("sha256sum failed".into());
    }
    Ok(bytes as f64 / 1e6 / seconds)
}

/// A fresh PostgreSQL database for one run, dropped at the end.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(admin: &str) -> Result<Self, String> {
        let name = format!("amtsweg_bench_{}", std::process::id());
        let mut c = sqlx::PgConnection::connect(admin)
            .await
            .map_err(|e| format!("PostgreSQL admin connection {admin}: {e}"))?;
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut c)
                .await
                .map_err(err)?;
        }
        let (base, query) = admin
            .split_once('?')
            .map_or((admin, String::new()), |(b, q)| (b, format!("?{q}")));
        let host_start = base.find("://").map_or(0, |i| i + 3);
        let path_start = base[host_start..]
            .find('/')
            .map_or(base.len(), |i| i + host_start);
        let url = format!("{}/{name}{query}", &base[..path_start]);
        Ok(Self {
            admin: admin.to_string(),
            name,
            url,
        })
    }

    async fn drop_it(self) {
        if let Ok(mut c) = sqlx::PgConnection::connect(&self.admin).await {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut c)
            .await;
        }
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("amtsweg-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(err)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
