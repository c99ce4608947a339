//! `amtsweg`: the one binary. `serve` runs the platform, `demo` runs it with demo data,
//! `migrate` prepares the database, `audit verify` checks the audit chain, `config check`
//! explains configuration mistakes.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use amtsweg_domain::audit::{Finding, Verification, Verifier};
use amtsweg_server::bootstrap::{self, DEMO_LOGINS, DEMO_PASSWORD};
use amtsweg_server::clock::SystemClock;
use amtsweg_server::config::Config;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "amtsweg",
    version,
    about = "amtsweg – digitale Verwaltungsleistungen Ende-zu-Ende / end-to-end e-government"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// Configuration file (TOML); flags override it.
    #[arg(long, env = "AMTSWEG_CONFIG")]
    config: Option<PathBuf>,
    /// Folder for the database and the documents [default: ./amtsweg-data]
    #[arg(long, env = "AMTSWEG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Folder with the service definitions [default: ./services]
    #[arg(long, env = "AMTSWEG_SERVICES_DIR")]
    services_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "AMTSWEG_LISTEN")]
        listen: Option<String>,
        /// Seed demo data (an authority, a municipality, one account per role) and print the logins.
        #[arg(long)]
        demo: bool,
    },
    /// Run the server with demo data (same as `serve --demo`).
    Demo {
        #[command(flatten)]
        common: Common,
        #[arg(long, env = "AMTSWEG_LISTEN")]
        listen: Option<String>,
    },
    /// Create or upgrade the database.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the audit trail: OK, or the first entry that was changed, removed, inserted or reordered.
    Verify {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Check the configuration and say what is wrong.
    Check {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        listen: Option<String>,
    },
}

fn config(common: &Common, listen: Option<&String>) -> Result<Config, String> {
    let mut config = match &common.config {
        Some(path) => Config::from_file(path).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    if let Some(dir) = &common.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(dir) = &common.services_dir {
        config.services_dir = dir.clone();
    }
    if let Some(listen) = listen {
        config.listen = listen.clone();
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

async fn serve(config: Config, demo: bool) -> Result<(), String> {
    let addr = config.validate().map_err(|e| e.to_string())?;
    let app = bootstrap::open(config, Arc::new(SystemClock)).await?;
    if demo {
        bootstrap::seed_demo(&app).await?;
    }
    let routes = amtsweg_server::api::router(app.clone()).merge(amtsweg_web::router(app.clone()));
    let router = amtsweg_server::http::finish(routes);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if demo {
        println!("Demo-Zugänge / demo logins (Passwort / password: {DEMO_PASSWORD}):");
        for login in DEMO_LOGINS {
            println!("  {:<38} {}", login.email, login.role.label().de);
        }
    }
    println!("amtsweg listening on http://{local}/");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

async fn audit_verify(config: Config) -> Result<bool, String> {
    let store = amtsweg_store::sqlite::SqliteStore::open(&config.data_dir.join("amtsweg.db"))
        .await
        .map_err(|e| e.to_string())?;
    let mut verifier = Verifier::new();
    let head = amtsweg_store::Store::scan_audit(&store, &mut |entry| verifier.push(entry))
        .await
        .map_err(|e| e.to_string())?;
    match verifier.finish(head) {
        Verification::Ok { entries, head_hash } => {
            println!("OK: {entries} entries, chain head {head_hash}");
            Ok(true)
        }
        Verification::Failed {
            seq,
            finding,
            checked,
        } => {
            let what = match finding {
                Finding::Changed => "its content was changed (hash does not match)".to_string(),
                Finding::Broken { expected_seq, .. } => {
                    format!(
                        "it does not follow the entry before (expected entry {expected_seq}): an entry was removed, inserted or reordered"
                    )
                }
                Finding::Truncated { expected_last_seq } => {
                    format!("the chain ends early: entries up to {expected_last_seq} were recorded")
                }
            };
            println!("FAILED at entry {seq}: {what} ({checked} entries before it are intact)");
            Ok(false)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AMTSWEG_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            common,
            listen,
            demo,
        } => match config(&common, listen.as_ref()) {
            Ok(c) => serve(c, demo).await,
            Err(e) => Err(e),
        },
        Command::Demo { common, listen } => match config(&common, listen.as_ref()) {
            Ok(c) => serve(c, true).await,
            Err(e) => Err(e),
        },
        Command::Migrate { common } => match config(&common, None) {
            Ok(c) => bootstrap::open(c, Arc::new(SystemClock))
                .await
                .map(|_| println!("database is up to date")),
            Err(e) => Err(e),
        },
        Command::Audit {
            command: AuditCommand::Verify { common },
        } => match config(&common, None) {
            Ok(c) => match audit_verify(c).await {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::from(1),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Command::Config {
            command: ConfigCommand::Check { common, listen },
        } => config(&common, listen.as_ref()).map(|c| {
            println!(
                "configuration OK: listen {}, data {}, services {}",
                c.listen,
                c.data_dir.display(),
                c.services_dir.display()
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amtsweg: {e}");
            ExitCode::from(2)
        }
    }
}
