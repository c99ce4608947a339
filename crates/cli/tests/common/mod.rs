//! Starts the real `amtsweg` binary on a free port with a fresh data folder, and drives it
//! over HTTP like any client. The backend is chosen by `AMTSWEG_TEST_BACKEND` (`sqlite`, the
//! default, or `postgres`): with PostgreSQL every server gets a fresh database, made through
//! the admin connection in `AMTSWEG_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped when the last server on it ends.
#![allow(dead_code)]
// the tests read the wall clock to name databases and to know the authority's day
#![allow(clippy::disallowed_methods)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "Demo-Passwort-2026";
pub const CASEWORKER: &str = "sachbearbeitung@demo.amtsweg.de";
pub const CASEWORKER2: &str = "sachbearbeitung2@demo.amtsweg.de";
pub const HEAD: &str = "sachgebietsleitung@demo.amtsweg.de";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend of this test run, from `AMTSWEG_TEST_BACKEND`.
pub fn backend() -> Backend {
    match std::env::var("AMTSWEG_TEST_BACKEND").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
        Ok("postgres") | Ok("postgresql") => Backend::Postgres,
        Ok(other) => panic!("AMTSWEG_TEST_BACKEND={other}: use sqlite or postgres"),
    }
}

pub use amtsweg_test_support::postgres::TestDatabase;

pub struct Server {
    pub base: String,
    /// The data folder (documents; the SQLite file when there is no PostgreSQL database).
    pub data: Arc<tempfile::TempDir>,
    /// The PostgreSQL database, shared by all instances started on it.
    pub database: Option<Arc<TestDatabase>>,
    /// Environment variables of the server process beyond the test's own.
    env: Vec<(String, String)>,
    /// Where the server's log (standard error) goes, when a test reads it.
    log: Option<PathBuf>,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn amtsweg() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_amtsweg"));
    cmd.current_dir(repo_root())
        .env("AMTSWEG_LOG", "error")
        .env("AMTSWEG_ACTOR", CLI_OPERATOR)
        .env_remove("AMTSWEG_DATABASE");
    cmd
}

/// The operator the admin commands of the tests name in the audit trail.
pub const CLI_OPERATOR: &str = "test-operator";
/// The password of accounts made with `amtsweg user add` in the tests.
pub const CLI_PASSWORD: &str = "ein-langes-Passwort-2";

/// Runs an admin command of `amtsweg` against the server's database.
#[allow(dead_code)]
pub fn cli(server: &Server, args: &[&str]) -> std::process::Output {
    amtsweg()
        .args(args)
        .args(server.store_args())
        .env("AMTSWEG_NEW_PASSWORD", CLI_PASSWORD)
        .output()
        .expect("run amtsweg")
}

/// (actor, action, object) of every audit entry, read from the server's database.
#[allow(dead_code)]
pub async fn audit_entries(server: &Server) -> Vec<(String, String, String)> {
    use sqlx::{Connection, Row};
    let sql = "SELECT actor, action, object FROM audit_entries ORDER BY seq";
    let rows: Vec<(String, String, String)> = match &server.database {
        Some(database) => {
            let mut conn = database.connect().await;
            sqlx::query(sql)
                .fetch_all(&mut conn)
                .await
                .expect("audit entries")
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect()
        }
        None => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(server.data.path().join("amtsweg.db"))
                .read_only(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("open db");
            sqlx::query(sql)
                .fetch_all(&mut conn)
                .await
                .expect("audit entries")
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect()
        }
    };
    rows
}

/// Runs an admin command that must succeed; its output, trimmed.
#[allow(dead_code)]
pub fn cli_ok(server: &Server, args: &[&str]) -> String {
    let out = cli(server, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Server {
    /// A server on the backend of this test run.
    pub fn start() -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        Self::start_in(data)
    }

    pub fn start_in(data: tempfile::TempDir) -> Server {
        Self::start_with(data, "")
    }

    /// Starts with a configuration file of the given TOML text.
    pub fn start_with(data: tempfile::TempDir, config_toml: &str) -> Server {
        Self::start_with_env(data, config_toml, Vec::new())
    }

    /// Starts with a configuration file and extra environment variables (e.g. credentials).
    pub fn start_with_env(
        data: tempfile::TempDir,
        config_toml: &str,
        env: Vec<(String, String)>,
    ) -> Server {
        let database = (backend() == Backend::Postgres).then(|| Arc::new(TestDatabase::create()));
        Self::start_on(Arc::new(data), database, config_toml, env)
    }

    /// A server on a fresh PostgreSQL database, whatever the backend of this test run.
    pub fn start_postgres() -> Server {
        Self::start_on_database(TestDatabase::create())
    }

    /// A server on the given PostgreSQL database.
    pub fn start_on_database(database: TestDatabase) -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        Self::start_on(Arc::new(data), Some(Arc::new(database)), "", Vec::new())
    }

    /// A server whose movable clock shows 09:00 German time on `day` at start, so a journey
    /// that moves the clock meets the same weekends and holidays whenever it is run.
    pub fn start_on_day(day: time::Date) -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        let offset = amtsweg_server::clock::german_offset(day.midnight().assume_utc());
        let start = day
            .with_hms(9, 0, 0)
            .expect("09:00")
            .assume_offset(offset)
            .format(&time::format_description::well_known::Rfc3339)
            .expect("RFC 3339");
        Self::start_with(
            data,
            &format!("test_clock = true\ntest_clock_start = \"{start}\"\n"),
        )
    }

    /// Another instance on the same database and data folder.
    pub fn another_instance(&self) -> Server {
        let config = self.data.path().join("amtsweg.toml");
        let (child, base) = Self::spawn(
            &self.data,
            self.database.as_deref(),
            &config,
            &self.env,
            None,
        );
        Server {
            base,
            data: self.data.clone(),
            database: self.database.clone(),
            env: self.env.clone(),
            log: None,
            child,
        }
    }

    fn start_on(
        data: Arc<tempfile::TempDir>,
        database: Option<Arc<TestDatabase>>,
        config_toml: &str,
        env: Vec<(String, String)>,
    ) -> Server {
        let config = data.path().join("amtsweg.toml");
        std::fs::write(&config, config_toml).expect("write config");
        let (child, base) = Self::spawn(&data, database.as_deref(), &config, &env, None);
        Server {
            base,
            data,
            database,
            env,
            log: None,
            child,
        }
    }

    /// A server on the backend of this test run whose log (standard error, JSON lines, at
    /// `filter`) is written to `log`.
    pub fn start_logging(log: &Path, filter: &str) -> Server {
        let data = Arc::new(tempfile::tempdir().expect("temp dir"));
        let database = (backend() == Backend::Postgres).then(|| Arc::new(TestDatabase::create()));
        let config = data.path().join("amtsweg.toml");
        std::fs::write(&config, "").expect("write config");
        let env = vec![
            ("AMTSWEG_LOG".to_string(), filter.to_string()),
            ("AMTSWEG_LOG_FORMAT".to_string(), "json".to_string()),
        ];
        let (child, base) = Self::spawn(&data, database.as_deref(), &config, &env, Some(log));
        Server {
            base,
            data,
            database,
            env,
            log: Some(log.to_path_buf()),
            child,
        }
    }

    /// Starts the server again on the same data (after [`Server::kill`]).
    pub fn restart(&mut self) {
        let config = self.data.path().join("amtsweg.toml");
        let (child, base) = Self::spawn(
            &self.data,
            self.database.as_deref(),
            &config,
            &self.env,
            self.log.as_deref(),
        );
        self.child = child;
        self.base = base;
    }

    /// The arguments that point an `amtsweg` command at this server's data: `--data-dir`, and
    /// `--database` on PostgreSQL.
    pub fn store_args(&self) -> Vec<OsString> {
        store_args(self.data.path(), self.database.as_deref())
    }

    fn spawn(
        data: &tempfile::TempDir,
        database: Option<&TestDatabase>,
        config: &Path,
        env: &[(String, String)],
        log: Option<&Path>,
    ) -> (Child, String) {
        let mut command = amtsweg();
        command
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .args(store_args(data.path(), database))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped());
        if let Some(log) = log {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .expect("log file");
            command.stderr(file);
        }
        let mut child = command.spawn().expect("start amtsweg");
        let base = listening_address(&mut child);
        (child, base)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM (as a service manager stops a service).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM");
    }

    /// The resident memory of the server process, in KiB (Linux: /proc/<pid>/status).
    pub fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status of the server");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// The exit status, once the process has ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("wait")
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn store_args(data: &Path, database: Option<&TestDatabase>) -> Vec<OsString> {
    let mut args = vec![OsString::from("--data-dir"), data.as_os_str().to_owned()];
    if let Some(db) = database {
        args.push("--database".into());
        args.push(db.url.clone().into());
    }
    args
}

/// The base URL a started `amtsweg serve`/`demo` prints on its standard output (piped); keeps
/// draining that output afterwards, so the server never blocks on a full pipe.
pub fn listening_address(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("server ended before listening")
            .expect("read stdout");
        if let Some(rest) = line.strip_prefix("amtsweg listening on ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    base
}

/// Today at the authority (German civil time), for servers on the system clock.
pub fn authority_today() -> time::Date {
    amtsweg_server::clock::german_today(time::OffsetDateTime::now_utc())
}

/// The calendar of the demo's building authority (Baden-Württemberg).
pub fn demo_calendar() -> amtsweg_domain::calendar::Calendar {
    amtsweg_domain::calendar::Calendar::new(amtsweg_domain::calendar::State::BW)
}

/// The last day of `period` (e.g. `"1M"`) started on `from`, at the demo authority's place
/// (§§ 187–193 BGB), computed by the calendar independently of the server's answer.
pub fn period_end(from: time::Date, period: &str) -> time::Date {
    let period = amtsweg_domain::calendar::Period::parse(period).expect("period");
    amtsweg_domain::calendar::deadline(&demo_calendar(), from, period)
        .expect("deadline")
        .end
}

pub fn parse_day(text: &str) -> time::Date {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap_or_else(|_| panic!("'{text}' is not a date"))
}

/// The movable clock of a server started with [`Server::start_on_day`]; knows the day the
/// server is at. Logins older than the session lifetime end when it moves.
pub struct TestClock<'s> {
    server: &'s Server,
    pub today: time::Date,
}

impl<'s> TestClock<'s> {
    pub fn new(server: &'s Server, today: time::Date) -> Self {
        Self { server, today }
    }

    /// Moves the clock forward by `days` and runs the deadline jobs; their report.
    pub async fn advance(&mut self, days: i64) -> Value {
        assert!(days > 0, "the clock moves forward only ({days} days)");
        let admin = login(self.server, "admin@demo.amtsweg.de", PASSWORD).await;
        let r = admin
            .post("/api/v1/test/clock", json!({ "advance_days": days }))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "move the clock");
        let report: Value = r.json().await.expect("json");
        self.today += time::Duration::days(days);
        let now = report["now"].as_str().expect("now");
        let shown =
            time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339)
                .expect("RFC 3339");
        assert_eq!(
            amtsweg_server::clock::german_today(shown),
            self.today,
            "the server's day"
        );
        report
    }

    /// Moves the clock forward to `day`.
    pub async fn move_to(&mut self, day: time::Date) -> Value {
        let days = (day - self.today).whole_days();
        self.advance(days).await
    }
}

/// A logged-in API client.
pub struct Api<'a> {
    pub server: &'a Server,
    pub http: Client,
    pub token: String,
    pub user_id: String,
}

pub async fn login<'a>(server: &'a Server, email: &str, password: &str) -> Api<'a> {
    let http = Client::new();
    let response = http
        .post(server.url("/api/v1/sessions"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::CREATED, "login of {email}");
    let body: Value = response.json().await.expect("json");
    Api {
        server,
        http,
        token: body["token"].as_str().expect("token").to_string(),
        user_id: body["user"]["id"].as_str().expect("user id").to_string(),
    }
}

pub async fn register<'a>(server: &'a Server, email: &str, name: &str) -> Api<'a> {
    let response = Client::new()
        .post(server.url("/api/v1/accounts"))
        .json(&json!({ "email": email, "password": "ein-langes-Passwort-1", "display_name": name, "role": "applicant" }))
        .send()
        .await
        .expect("register");
    assert_eq!(response.status(), StatusCode::ACCEPTED, "register {email}");
    login(server, email, "ein-langes-Passwort-1").await
}

impl Api<'_> {
    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(self.server.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(self.server.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.http
            .patch(self.server.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("PATCH")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.http
            .delete(self.server.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("DELETE")
    }

    pub async fn upload(
        &self,
        path: &str,
        document_type: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        self.http
            .post(self.server.url(path))
            .query(&[("document_type", document_type), ("file_name", file_name)])
            .bearer_auth(&self.token)
            .body(bytes)
            .send()
            .await
            .expect("upload")
    }

    pub async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("json")
    }

    pub async fn act(&self, case_id: &str, action: Value) -> Response {
        self.post(&format!("/api/v1/cases/{case_id}/actions"), action)
            .await
    }
}

pub fn pdf(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

pub fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

pub fn application_form() -> Value {
    json!({
        "applicant_kind": "person",
        "applicant_given_name": "Zoë",
        "applicant_family_name": "Dvořák",
        "applicant_street": "Hauptstraße 12a",
        "applicant_postal_code": "70173",
        "applicant_city": "Stuttgart",
        "applicant_email": "zoe@example.org",
        "architect_name": "Łucja Nguyễn",
        "architect_chamber_number": "BW-12345",
        "representative_present": "false",
        "project_description": "Neubau eines Einfamilienhauses mit Garage",
        "building_class": "1",
        "storeys": "2",
        "dwelling_units": "1",
        "gross_floor_area": "180",
        "construction_cost": "350000",
        "site_street": "Am Weinberg 3",
        "site_postal_code": "70597",
        "site_city": "Stuttgart",
        "site_cadastral_district": "Degerloch",
        "site_flur": "4",
        "site_parcel": "1234/5",
        "procedure_type": "simplified",
        "deviations_requested": "false"
    })
}

/// A new, empty building-permit draft; its id.
pub async fn new_draft(applicant: &Api<'_>) -> String {
    let draft: Value = applicant
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("draft");
    draft["id"].as_str().expect("draft id").to_string()
}

/// A draft with a complete form and the required documents; returns its id.
pub async fn complete_draft(applicant: &Api<'_>) -> String {
    let draft_id = new_draft(applicant).await;
    let saved = applicant
        .patch(
            &format!("/api/v1/drafts/{draft_id}"),
            json!({ "fields": application_form() }),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    for doc in [
        "lageplan",
        "bauzeichnungen",
        "baubeschreibung",
        "bauvorlageberechtigung",
    ] {
        let r = applicant
            .upload(
                &format!("/api/v1/drafts/{draft_id}/documents"),
                doc,
                &format!("{doc}.pdf"),
                pdf(doc),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "upload {doc}");
    }
    draft_id
}

/// A complete application, submitted; returns (case id, file number).
pub async fn submitted_case(applicant: &Api<'_>) -> (String, String) {
    let draft_id = complete_draft(applicant).await;
    let receipt: Value = applicant
        .http
        .post(
            applicant
                .server
                .url(&format!("/api/v1/drafts/{draft_id}/submit")),
        )
        .bearer_auth(&applicant.token)
        .header("Idempotency-Key", format!("key-{draft_id}"))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("receipt");
    (
        receipt["case_id"].as_str().expect("case id").to_string(),
        receipt["file_number"]
            .as_str()
            .expect("file number")
            .to_string(),
    )
}

/// Runs `amtsweg audit verify` on the server's data (on its backend).
pub fn audit_verify(server: &Server) -> (bool, String) {
    let out = amtsweg()
        .args(["audit", "verify"])
        .args(server.store_args())
        .output()
        .expect("audit verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// The text of a PDF by pdftotext (poppler-utils, installed by scripts/install-test-deps);
/// a missing pdftotext fails the test, it never passes it silently.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("n.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/install-test-deps)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).to_string()
}
