//! The `amtsweg` binary as a child process, and what the bench reads of it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::Db;

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// `amtsweg serve --demo` on a free port, with uploads up to `max_upload_mib`.
    pub async fn start(
        binary: &Path,
        data: &Path,
        db: &Db,
        max_upload_mib: u64,
    ) -> Result<Server, String> {
        std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
        let config = data.join("bench.toml");
        let plain = format!(
            "max_upload_mib = {max_upload_mib}\nscheduler_interval_secs = 86400\nsession_hours = 24\n"
        );
        // the per-account limits would measure themselves, not the server: lifted, where the
        // binary knows them (an older build measured for comparison does not)
        let lifted = format!(
            "{plain}[limits]\ncase_reads_per_minute = 4000000000\nbodies_per_client = 10000\n"
        );
        std::fs::write(&config, &lifted).map_err(|e| e.to_string())?;
        let knows_limits = Command::new(binary)
            .args(["config", "check", "--config"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !knows_limits {
            std::fs::write(&config, &plain).map_err(|e| e.to_string())?;
        }
        let mut cmd = Command::new(binary);
        cmd.args(["serve", "--demo", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(data)
            .env("AMTSWEG_LOG", "error")
            .env_remove("AMTSWEG_DATABASE")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Db::Postgres(url) = db {
            cmd.arg("--database").arg(url);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("amtsweg listening on ")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
            }
        });
        let base = tokio::time::timeout(std::time::Duration::from_secs(600), rx)
            .await
            .map_err(|_| "amtsweg did not start within 10 minutes".to_string())?
            .map_err(|_| "amtsweg ended before it listened".to_string())?;
        Ok(Server { child, base })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now and at its peak, in MiB (from /proc).
    pub fn memory(&self) -> (f64, f64) {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
