//! Configuration: a TOML file, overridden by command-line flags; validated at start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Folder for the documents, and for the database file when `database` is not set.
    pub data_dir: PathBuf,
    /// PostgreSQL connection URL (`postgres://user:password@host:5432/database`); when absent,
    /// the SQLite file `amtsweg.db` in `data_dir` is the database.
    pub database: Option<DatabaseUrl>,
    /// Folder with the service definitions; absent: the definitions built into the binary
    /// (the repository's `services/`).
    pub services_dir: Option<PathBuf>,
    /// Largest accepted document, in MiB.
    pub max_upload_mib: u64,
    /// Lifetime of a login, in hours.
    pub session_hours: i64,
    /// Public address (`https://…` makes session cookies `Secure`).
    pub public_url: String,
    /// Tests and demos only: an administrator may move the clock (`POST /api/v1/test/clock`).
    /// Refused together with an `https://` public address.
    pub test_clock: bool,
    /// Tests and demos only, with `test_clock`: the instant (RFC 3339, e.g.
    /// `2026-12-14T09:00:00+01:00`) the clock shows at start, so a journey that moves the clock
    /// runs over the same calendar days whenever it is run.
    pub test_clock_start: Option<String>,
    /// How often the scheduler looks for deadlines that ran out, in seconds.
    pub scheduler_interval_secs: u64,
    /// How many working days before a deadline of the authority the caseworker is reminded
    /// (one reminder per lead time; the closest one that applies is sent).
    pub reminder_lead_days: Vec<u32>,
    /// Where document bytes are kept (`[documents]`): the local folder by default.
    pub documents: DocumentsConfig,
    /// What one client may hold of the server (`[limits]`): slow requests, uploads at once,
    /// login attempts, case reads.
    pub limits: LimitsConfig,
}

/// `[limits]`: the defaults fit a public site; tests shorten the times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Seconds a client has to send a request's header (idle keep-alive connections included).
    pub header_timeout_secs: u64,
    /// Seconds a request body may pause between two pieces.
    pub body_idle_timeout_secs: u64,
    /// Bytes per second a body must arrive at on average, after the first `body_grace_secs`
    /// (a slow mobile link sends far more; one byte a second does not).
    pub body_min_bytes_per_sec: u64,
    pub body_grace_secs: u64,
    /// Requests with a body (uploads, forms) one client may have in flight at once.
    pub bodies_per_client: usize,
    /// Case views one account may open per minute (the audit of who read what stays exact).
    pub case_reads_per_minute: u32,
    /// Peers whose `X-Forwarded-For` names the client (a reverse proxy in front of amtsweg);
    /// from everyone else the peer address is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            header_timeout_secs: 10,
            body_idle_timeout_secs: 30,
            body_min_bytes_per_sec: 4096,
            body_grace_secs: 10,
            bodies_per_client: 8,
            case_reads_per_minute: 600,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `[documents]`: `store = "local"` (the folder `documents/` in `data_dir`, the default) or
/// `store = "s3"` with `bucket` (and `endpoint`, `region`, `prefix` as needed). S3 credentials
/// come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` in the environment, never from here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    pub store: DocumentStoreKind,
    pub bucket: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub prefix: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentStoreKind {
    #[default]
    Local,
    S3,
}

impl DocumentsConfig {
    /// The S3 settings, when documents go to S3.
    pub fn s3(&self) -> Option<amtsweg_store::blob::S3Config> {
        (self.store == DocumentStoreKind::S3).then(|| amtsweg_store::blob::S3Config {
            bucket: self.bucket.clone().unwrap_or_default(),
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            prefix: self.prefix.clone(),
            credentials: None,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./amtsweg-data"),
            database: None,
            services_dir: None,
            max_upload_mib: 100,
            session_hours: 8,
            public_url: "http://127.0.0.1:8080".into(),
            test_clock: false,
            test_clock_start: None,
            scheduler_interval_secs: 60,
            reminder_lead_days: vec![5, 1],
            documents: DocumentsConfig::default(),
            limits: LimitsConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {message}")]
    File { path: String, message: String },
    #[error("configuration: {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

impl Config {
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::File {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Where the service definitions come from, for people.
    pub fn describe_services(&self) -> String {
        match &self.services_dir {
            Some(dir) => format!("folder {}", dir.display()),
            None => "built in".into(),
        }
    }

    /// The start instant of the test clock, if one is configured and valid.
    pub fn test_clock_start_instant(&self) -> Option<time::OffsetDateTime> {
        let text = self.test_clock_start.as_deref()?;
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    }

    /// Checks the values and returns the listen address.
    pub fn validate(&self) -> Result<SocketAddr, ConfigError> {
        let addr = self
            .listen
            .parse::<SocketAddr>()
            .map_err(|_| ConfigError::Invalid {
                field: "listen",
                message: format!("'{}' is not an address like 127.0.0.1:8080", self.listen),
            })?;
        let limits = &self.limits;
        for (field, value) in [
            ("limits.header_timeout_secs", limits.header_timeout_secs),
            (
                "limits.body_idle_timeout_secs",
                limits.body_idle_timeout_secs,
            ),
            ("limits.bodies_per_client", limits.bodies_per_client as u64),
            (
                "limits.case_reads_per_minute",
                u64::from(limits.case_reads_per_minute),
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    field,
                    message: "must be at least 1".into(),
                });
            }
        }
        if self.max_upload_mib == 0 || self.max_upload_mib > 10 * 1024 {
            return Err(ConfigError::Invalid {
                field: "max_upload_mib",
                message: "must be between 1 and 10240".into(),
            });
        }
        if !(1..=24 * 30).contains(&self.session_hours) {
            return Err(ConfigError::Invalid {
                field: "session_hours",
                message: "must be between 1 and 720".into(),
            });
        }
        if self.test_clock && self.secure_cookies() {
            return Err(ConfigError::Invalid {
                field: "test_clock",
                message: "a movable clock is for tests and demos; it is refused with an https:// public_url".into(),
            });
        }
        if let Some(start) = &self.test_clock_start {
            if !self.test_clock {
                return Err(ConfigError::Invalid {
                    field: "test_clock_start",
                    message: "needs test_clock = true".into(),
                });
            }
            self.test_clock_start_instant()
                .ok_or_else(|| ConfigError::Invalid {
                    field: "test_clock_start",
                    message: format!(
                        "'{start}' is not an RFC 3339 instant like 2026-12-14T09:00:00+01:00"
                    ),
                })?;
        }
        if !(1..=86_400).contains(&self.scheduler_interval_secs) {
            return Err(ConfigError::Invalid {
                field: "scheduler_interval_secs",
                message: "must be between 1 and 86400".into(),
            });
        }
        if self.reminder_lead_days.len() > 5 || self.reminder_lead_days.iter().any(|d| *d > 60) {
            return Err(ConfigError::Invalid {
                field: "reminder_lead_days",
                message: "at most five lead times of at most 60 working days each".into(),
            });
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                field: "public_url",
                message: "must start with http:// or https://".into(),
            });
        }
        if let Some(url) = &self.database {
            amtsweg_store::postgres::check_url(url.expose()).map_err(|message| {
                ConfigError::Invalid {
                    field: "database",
                    message,
                }
            })?;
        }
        if self.documents.store == DocumentStoreKind::S3 {
            if self.documents.bucket.as_deref().unwrap_or("").is_empty() {
                return Err(ConfigError::Invalid {
                    field: "documents.bucket",
                    message: "store = \"s3\" needs a bucket".into(),
                });
            }
            if let Some(endpoint) = &self.documents.endpoint
                && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
            {
                return Err(ConfigError::Invalid {
                    field: "documents.endpoint",
                    message: "must start with http:// or https://".into(),
                });
            }
            if self.max_upload_bytes() > amtsweg_store::blob::s3::MAX_OBJECT_BYTES {
                return Err(ConfigError::Invalid {
                    field: "max_upload_mib",
                    message: "at most 5120 with store = \"s3\" (an upload is moved to its address with one copy, which S3 allows up to 5 GiB)".into(),
                });
            }
        } else if self.documents.bucket.is_some() || self.documents.endpoint.is_some() {
            return Err(ConfigError::Invalid {
                field: "documents.store",
                message: "bucket/endpoint are set but store is not \"s3\"".into(),
            });
        }
        if let Some(dir) = &self.services_dir
            && !dir.is_dir()
        {
            return Err(ConfigError::Invalid {
                field: "services_dir",
                message: format!("'{}' is not a folder", dir.display()),
            });
        }
        Ok(addr)
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mib * 1024 * 1024
    }

    /// Where the documents are, for people.
    pub fn describe_documents(&self) -> String {
        match self.documents.s3() {
            Some(s3) => format!(
                "S3 bucket {} at {}",
                s3.bucket,
                s3.endpoint.as_deref().unwrap_or("AWS")
            ),
            None => format!("folder {}", self.data_dir.join("documents").display()),
        }
    }

    /// Where the data is, for people (a database password never shows).
    pub fn describe_database(&self) -> String {
        match &self.database {
            Some(url) => format!("PostgreSQL {url}"),
            None => format!("SQLite {}", self.data_dir.join("amtsweg.db").display()),
        }
    }
}

/// A database URL. It may hold a password: `Debug` and `Display` show it as `***`; only
/// [`DatabaseUrl::expose`] gives the URL itself, for connecting.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&amtsweg_store::postgres::redact_url(&self.0))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_password_never_shows() {
        let config: Config =
            toml::from_str("database = \"postgres://amtsweg:geheim@db.example/amtsweg\"\n")
                .expect("config");
        let url = config.database.clone().expect("database");
        assert_eq!(url.expose(), "postgres://amtsweg:geheim@db.example/amtsweg");
        assert!(!format!("{config:?}").contains("geheim"));
        assert!(!config.describe_database().contains("geheim"));
        assert_eq!(url.to_string(), "postgres://amtsweg:***@db.example/amtsweg");
    }

    #[test]
    fn a_database_that_is_not_postgres_is_refused() {
        let config = Config {
            database: Some(DatabaseUrl::new("mysql://root:geheim@localhost/amtsweg")),
            services_dir: Some(PathBuf::from(".")),
            ..Config::default()
        };
        let error = config
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("configuration: database: "), "{error}");
        assert!(!error.contains("geheim"), "{error}");
    }

    #[test]
    fn the_s3_document_store_needs_a_bucket_and_fits_its_limits() {
        let check = |text: &str| {
            let mut config: Config = toml::from_str(text).expect("config");
            config.services_dir = Some(PathBuf::from("."));
            config.validate().err().map(|e| e.to_string())
        };
        assert_eq!(check("[documents]\nstore = \"local\"\n"), None);
        assert_eq!(
            check(
                "[documents]\nstore = \"s3\"\nbucket = \"b\"\nendpoint = \"http://127.0.0.1:9000\"\n"
            ),
            None
        );
        let missing = check("[documents]\nstore = \"s3\"\n").unwrap_or_default();
        assert!(missing.contains("documents.bucket"), "{missing}");
        let stray = check("[documents]\nbucket = \"b\"\n").unwrap_or_default();
        assert!(stray.contains("documents.store"), "{stray}");
        let big = check("max_upload_mib = 6000\n[documents]\nstore = \"s3\"\nbucket = \"b\"\n")
            .unwrap_or_default();
        assert!(big.contains("max_upload_mib"), "{big}");
        assert!(toml::from_str::<Config>("[documents]\nstore = \"ftp\"\n").is_err());
    }

    #[test]
    fn a_test_clock_start_needs_the_test_clock_and_an_instant() {
        let check = |text: &str| {
            let mut config: Config = toml::from_str(text).expect("config");
            config.services_dir = Some(PathBuf::from("."));
            config.validate().err().map(|e| e.to_string())
        };
        let start = "test_clock_start = \"2026-12-14T09:00:00+01:00\"\n";
        assert_eq!(check(&format!("test_clock = true\n{start}")), None);
        let alone = check(start).unwrap_or_default();
        assert!(alone.contains("needs test_clock"), "{alone}");
        let day_only =
            check("test_clock = true\ntest_clock_start = \"2026-12-14\"\n").unwrap_or_default();
        assert!(day_only.contains("RFC 3339"), "{day_only}");
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "compares the clock with the wall clock"
    )]
    fn a_test_clock_started_at_an_instant_shows_it_and_moves_on() {
        use crate::clock::{Clock, OffsetClock};
        let start = time::macros::datetime!(2026-12-14 09:00 +01:00);
        let clock = OffsetClock::starting_at(start, time::OffsetDateTime::now_utc());
        let shown = clock.now();
        assert!(shown >= start && shown - start < time::Duration::minutes(1));
        clock.advance(time::Duration::days(20));
        assert!(clock.now() - start >= time::Duration::days(20));
    }
}
