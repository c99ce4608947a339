//! The measurements. Each result is set against a baseline taken in the same run on the same
//! machine (raw engine commits, dd, sha256sum) or against the same measurement at a smaller
//! N, so that the ratios, not the absolute numbers, carry over between machines.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::baselines::{
    PgDatabase, TempDir, audit_verify, dd_rate, raw_commit_rate, sha256sum_rate,
};
use crate::client::{case_views, intake, latencies, login, upload, urlencode};
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
        // every view by staff is on record: it used to be one synced audit write each;
        // measured against the raw commit rate at the same concurrency
        if n == *args.sizes.last().unwrap_or(&n) {
            let readers = 16;
            let views = case_views(&server, &worker, readers, args.baseline_secs as f64).await?;
            let raw = raw_commit_rate(db, data, readers, args.baseline_secs).await?;
            report.add(
                backend,
                format!("case views c={readers} at {n}"),
                views,
                "views/s",
                Some((raw, "raw 1-row commits/s")),
                "≫ raw commits (reads are not commits)",
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
