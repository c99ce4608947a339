//! PostgreSQL for tests: a fresh database per test on the machine's server (dropped with its
//! connections afterwards), and a private server of a test's own that it may stop and start.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh PostgreSQL database for one test, dropped (with its connections) when dropped.
pub struct TestDatabase {
    pub admin: String,
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        Self::create_on(
            std::env::var("AMTSWEG_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        )
    }

    /// A fresh database on the server behind the admin URL.
    #[allow(clippy::disallowed_methods)] // the clock only makes the name unique across runs
    pub fn create_on(admin: String) -> TestDatabase {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "amtsweg_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let created = on_own_runtime({
            let (admin, name) = (admin.clone(), name.clone());
            async move {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            }
        });
        if let Err(e) = created {
            panic!(
                "PostgreSQL is not reachable through AMTSWEG_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres): {e}. \
                 Start it (scripts/install-test-deps does) or run with AMTSWEG_TEST_BACKEND=sqlite."
            );
        }
        let url = with_database(&admin, &name);
        TestDatabase { admin, name, url }
    }

    /// The admin connection the database was made through.
    pub fn admin_url(&self) -> String {
        self.admin.clone()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A connection to this database, for tests that look at or tamper with stored data.
    pub async fn connect(&self) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = on_own_runtime(async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await?;
            conn.close().await
        });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// A PostgreSQL server of the test's own (initdb in a temporary folder, a free port), so that
/// a test can stop and start it without disturbing the other tests.
#[allow(dead_code)]
pub struct PostgresServer {
    dir: tempfile::TempDir,
    port: u16,
    bin: PathBuf,
}

#[allow(dead_code)]
impl PostgresServer {
    fn as_postgres(&self, program: &str) -> Command {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"])
            .arg(self.bin.join(program));
        cmd
    }

    pub fn start() -> PostgresServer {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())
            .expect("PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: scripts/install-test-deps");
        let dir = tempfile::tempdir().expect("temp dir");
        let owner = Command::new("id")
            .args(["-u", "postgres"])
            .output()
            .expect("id -u postgres");
        let uid: u32 = String::from_utf8_lossy(&owner.stdout)
            .trim()
            .parse()
            .expect("the postgres user");
        std::os::unix::fs::chown(dir.path(), Some(uid), None).expect("chown");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let server = PostgresServer { dir, port, bin };
        let data = server.data();
        let out = server
            .as_postgres("initdb")
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&data)
            .output()
            .expect("initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        server.resume();
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .as_postgres("pg_ctl")
            .args(["-w", "-D"])
            .arg(self.data())
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .arg("start")
            .output()
            .expect("pg_ctl start");
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server at once (`immediate`: connections are cut as in a crash).
    pub fn stop(&self) {
        let out = self
            .as_postgres("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output()
            .expect("pg_ctl stop");
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
    }
}

/// Runs a future on a runtime of its own in another thread (the caller may be inside the
/// test's runtime, where blocking on another future is not allowed).
fn on_own_runtime<F>(future: F) -> Result<(), sqlx::Error>
where
    F: std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    })
    .join()
    .expect("database thread")
}

/// The admin URL with another database.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[host_start..]
        .find('/')
        .map_or(base.len(), |i| i + host_start);
    format!("{}/{name}{query}", &base[..path_start])
}
