//! The baselines the measurements are set against, taken in the same run: raw engine commits,
//! dd, sha256sum over the audit bytes; plus the throwaway PostgreSQL database and work folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::Db;
use crate::seed::{self, err};

/// The engine's single-row commit rate at `concurrency`: pgbench with a one-row insert
/// script; for SQLite a loop of one-row transactions on one connection with the app's
/// settings (WAL, synchronous=FULL), `concurrency` tasks sharing it as the app's writer does.
pub(crate) async fn raw_commit_rate(
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

/// `dd if=/dev/zero of=<data>/dd.bin bs=1M count=<mib> conv=fdatasync`, in MB/s.
pub(crate) fn dd_rate(data: &Path, mib: u64) -> Result<f64, String> {
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
pub(crate) async fn audit_verify(
    binary: &Path,
    data: &Path,
    db: &Db,
) -> Result<(u64, u64, f64), String> {
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
pub(crate) async fn sha256sum_rate(db: &Db, data: &Path) -> Result<f64, String> {
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
pub(crate) struct PgDatabase {
    admin: String,
    name: String,
    pub(crate) url: String,
}

impl PgDatabase {
    pub(crate) async fn create(admin: &str) -> Result<Self, String> {
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

    pub(crate) async fn drop_it(self) {
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

pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> Result<Self, String> {
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
