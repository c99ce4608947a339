//! `amtsweg`: the one binary. `serve` runs the platform, `demo` runs it with demo data,
//! `migrate` prepares the database, `audit verify` checks the audit chain, `config check`
//! explains configuration mistakes.
// One exception, argued where it is: `memory` tunes glibc's allocator.
#![deny(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use amtsweg_domain::audit::{Finding, Verification, Verifier};
use amtsweg_server::bootstrap::{self, DEMO_LOGINS, DEMO_PASSWORD};
use amtsweg_server::clock::SystemClock;
use amtsweg_server::config::{Config, DatabaseUrl};
use clap::{Args, Parser, Subcommand};

mod calendar;
mod memory;

#[derive(Parser)]
#[command(
    name = "amtsweg",
    version,
    about = "amtsweg – digitale Verwaltungsleistungen Ende-zu-Ende / end-to-end e-government"
)]
struct Cli {
    /// Log lines as JSON (one object a line, with the request's id) or as text; `auto`: JSON
    /// unless the log goes to a terminal
    #[arg(long, env = "AMTSWEG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Auto,
    Json,
    Text,
}

/// Logs go to standard error: JSON lines when they go to a file or a collector, text with
/// colours only on a terminal. `AMTSWEG_LOG` filters (default `info,sqlx=warn`).
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("AMTSWEG_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let terminal = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = match format {
        LogFormat::Auto => !terminal,
        LogFormat::Json => true,
        LogFormat::Text => false,
    };
    if json {
        // the request span (request id, method, path) is in every line written inside it
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        builder.with_ansi(terminal).init();
    }
}

#[derive(Args, Clone)]
struct Common {
    /// Configuration file (TOML); flags override it.
    #[arg(long, env = "AMTSWEG_CONFIG")]
    config: Option<PathBuf>,
    /// Folder for the documents, and for the SQLite database unless --database is given [default: ./amtsweg-data]
    #[arg(long, env = "AMTSWEG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:password@host:5432/database) instead of the SQLite file
    /// in the data folder. Prefer the environment variable or the config file for a password.
    #[arg(long, env = "AMTSWEG_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// Folder with the service definitions [default: the ones built into the binary]
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
    /// Manage authorities (building authorities and municipalities).
    Authority {
        #[command(subcommand)]
        command: AuthorityCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Public holidays and statutory deadlines.
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarArgs,
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
enum AuthorityCommand {
    /// Add an authority; prints its id.
    Add {
        #[command(flatten)]
        common: Common,
        /// Who runs this command, for the audit trail [default: the login name]
        #[arg(long, env = "AMTSWEG_ACTOR")]
        actor: Option<String>,
        /// e.g. "Landratsamt Beispielkreis – Untere Bauaufsichtsbehörde"
        #[arg(long)]
        name: String,
        /// Postal address; "\n" separates lines.
        #[arg(long)]
        address: String,
        /// Land (two letters, e.g. BW).
        #[arg(long)]
        state: String,
        /// A municipality (Gemeinde) rather than a building authority.
        #[arg(long, conflicts_with = "agency")]
        municipality: bool,
        /// An agency (Träger öffentlicher Belange, Fachstelle) that gives statements.
        #[arg(long, conflicts_with = "trade_office")]
        agency: bool,
        /// A trade office (Gewerbeamt) that receives business registrations.
        #[arg(long, conflicts_with = "municipality")]
        trade_office: bool,
        /// Postal codes it is responsible for, comma-separated (deciding authorities only).
        #[arg(long, value_delimiter = ',')]
        postal_codes: Vec<String>,
        /// Official municipality keys (AGS, 8 digits) it is responsible for, or leading parts of
        /// them (2 digits a Land, 3 a Regierungsbezirk, 5 a Kreis), comma-separated.
        #[arg(long, value_delimiter = ',')]
        municipality_keys: Vec<String>,
    },
    /// Set what a building authority or trade office is responsible for (replaces the list).
    Cover {
        #[command(flatten)]
        common: Common,
        /// Who runs this command, for the audit trail [default: the login name]
        #[arg(long, env = "AMTSWEG_ACTOR")]
        actor: Option<String>,
        /// The authority's id.
        #[arg(long)]
        authority: String,
        #[arg(long, value_delimiter = ',')]
        postal_codes: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        municipality_keys: Vec<String>,
    },
    /// List authorities with their ids.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Put an agency or municipality into a building authority's directory of parties it may ask.
    Directory {
        #[command(flatten)]
        common: Common,
        /// Who runs this command, for the audit trail [default: the login name]
        #[arg(long, env = "AMTSWEG_ACTOR")]
        actor: Option<String>,
        /// The building authority's id.
        #[arg(long)]
        authority: String,
        /// The agency's or municipality's id.
        #[arg(long)]
        party: String,
        /// What it is asked about: fire_protection, monument_protection, environment_water,
        /// nature_conservation, roads, health, occupational_safety, municipal_consent.
        #[arg(long)]
        topic: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from AMTSWEG_NEW_PASSWORD or the first line of stdin.
    Add {
        #[command(flatten)]
        common: Common,
        /// Who runs this command, for the audit trail [default: the login name]
        #[arg(long, env = "AMTSWEG_ACTOR")]
        actor: Option<String>,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// applicant, architect, caseworker, head_of_unit, admin or agency
        #[arg(long)]
        role: String,
        /// The authority of staff and admins; for agency users their agency or municipality.
        #[arg(long)]
        authority: Option<String>,
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
        config.services_dir = Some(dir.clone());
    }
    if let Some(url) = &common.database {
        config.database = Some(DatabaseUrl::new(url.clone()));
    }
    if let Some(listen) = listen {
        config.listen = listen.clone();
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

/// Looks for deadlines that ran out, now and then at every interval.
fn spawn_scheduler(app: Arc<amtsweg_server::App>, interval: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app.run_deadline_jobs().await {
                Ok(report)
                    if report.deemed_withdrawals
                        + report.deemed_approvals
                        + report.deemed_statements
                        + report.reminders
                        > 0 =>
                {
                    tracing::info!(?report, "deadline jobs");
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "deadline jobs failed"),
            }
        }
    });
}

async fn serve(mut config: Config, demo: bool) -> Result<(), String> {
    // a demo may show deadlines running out: its clock can be moved (never behind https)
    if demo && !config.secure_cookies() {
        config.test_clock = true;
    }
    let addr = config.validate().map_err(|e| e.to_string())?;
    let interval = std::time::Duration::from_secs(config.scheduler_interval_secs);
    tracing::info!(
        database = %config.describe_database(),
        documents = %config.describe_documents(),
        "opening"
    );
    let app = bootstrap::open(config, Arc::new(SystemClock)).await?;
    if demo {
        bootstrap::seed_demo(&app).await?;
    }
    spawn_scheduler(app.clone(), interval);
    let routes = amtsweg_server::api::router(app.clone()).merge(amtsweg_web::router(app.clone()));
    let limits = amtsweg_server::limits::Limits::new(app.config.limits.clone());
    let router = amtsweg_server::http::finish(routes, app.config.secure_cookies(), limits);
    let header_timeout = std::time::Duration::from_secs(app.config.limits.header_timeout_secs);
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
    if app.test_clock.is_some() {
        println!(
            "Testuhr aktiv / test clock on: POST /api/v1/test/clock (admin) moves time forward"
        );
    }
    println!("amtsweg listening on http://{local}/");
    amtsweg_server::listen::serve(listener, router, header_timeout, stop_signal()).await;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers and container runtimes send to stop).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("stopping: no new connections, finishing the requests in flight");
}

async fn audit_verify(config: Config) -> Result<bool, String> {
    let store = bootstrap::open_store(&config).await?;
    let head = store.audit_head().await.map_err(|e| e.to_string())?;
    let mut verifier = Verifier::new(head);
    store
        .scan_audit(&mut |entry| verifier.push(entry))
        .await
        .map_err(|e| e.to_string())?;
    match verifier.finish() {
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
                Finding::HeadMismatch { recorded_hash } => format!(
                    "it is not the entry the recorded chain head names (hash {recorded_hash}): the newest entries were removed or replaced"
                ),
            };
            println!("FAILED at entry {seq}: {what} ({checked} entries before it are intact)");
            Ok(false)
        }
    }
}

/// The person at the console, by `--actor` or else their login name: named in the audit
/// trail for every change they make.
fn console_actor(
    actor: Option<String>,
) -> Result<amtsweg_server::app::AdminActor<'static>, String> {
    let name = actor
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .ok_or("--actor: say who runs this command (it is recorded in the audit trail)")?;
    amtsweg_domain::audit::ActorId::operator(&name)
        .map(amtsweg_server::app::AdminActor::Console)
        .ok_or_else(|| {
            format!("--actor: '{name}' is not a name (letters, digits, . _ - @; at most 64)")
        })
}

/// Postal codes and municipality keys as given on the command line, each checked.
fn coverage_of(
    postal_codes: &[String],
    municipality_keys: &[String],
) -> Result<Vec<amtsweg_domain::authority::Coverage>, String> {
    use amtsweg_domain::authority::Coverage;
    let mut coverage = Vec::new();
    for code in postal_codes.iter().filter(|c| !c.trim().is_empty()) {
        coverage.push(
            Coverage::from_parts("postal_code", code).ok_or_else(|| {
                format!("--postal-codes: '{code}' is not a postal code (5 digits)")
            })?,
        );
    }
    for key in municipality_keys.iter().filter(|k| !k.trim().is_empty()) {
        coverage.push(
            Coverage::from_parts("municipality_key", key).ok_or_else(|| {
                format!(
                    "--municipality-keys: '{key}' is not a municipality key (2, 3, 5 or 8 digits)"
                )
            })?,
        );
    }
    Ok(coverage)
}

async fn authority_command(command: AuthorityCommand) -> Result<(), String> {
    match command {
        AuthorityCommand::Add {
            common,
            actor,
            name,
            address,
            state,
            municipality,
            agency,
            trade_office,
            postal_codes,
            municipality_keys,
        } => {
            let by = console_actor(actor)?;
            let coverage = coverage_of(&postal_codes, &municipality_keys)?;
            let state = amtsweg_domain::calendar::State::parse(state.trim()).map_err(|_| {
                format!(
                    "--state: '{}' is not a Land code ({})",
                    state.trim(),
                    amtsweg_domain::calendar::State::ALL
                        .map(|s| s.code())
                        .join(", ")
                )
            })?;
            let app = bootstrap::open(config(&common, None)?, Arc::new(SystemClock)).await?;
            let new = amtsweg_server::app::NewAuthority {
                name,
                address: address.replace("\\n", "\n"),
                kind: if municipality {
                    amtsweg_domain::authority::AuthorityKind::Municipality
                } else if agency {
                    amtsweg_domain::authority::AuthorityKind::Agency
                } else if trade_office {
                    amtsweg_domain::authority::AuthorityKind::TradeOffice
                } else {
                    amtsweg_domain::authority::AuthorityKind::BuildingAuthority
                },
                state,
                coverage,
            };
            let authority = app
                .add_authority(&by, new)
                .await
                .map_err(|e| e.message().en)?;
            println!("{}", authority.id);
            Ok(())
        }
        AuthorityCommand::Cover {
            common,
            actor,
            authority,
            postal_codes,
            municipality_keys,
        } => {
            let by = console_actor(actor)?;
            let coverage = coverage_of(&postal_codes, &municipality_keys)?;
            let id = amtsweg_domain::Uuid::parse_str(authority.trim())
                .map_err(|_| format!("--authority: '{authority}' is not an authority id"))?;
            let app = bootstrap::open(config(&common, None)?, Arc::new(SystemClock)).await?;
            let count = coverage.len();
            app.set_coverage(&by, id, coverage)
                .await
                .map_err(|e| match e {
                    amtsweg_server::app::AppError::NotFound => {
                        format!("--authority: no authority {id}")
                    }
                    other => other.message().en,
                })?;
            println!("OK: {count} keys");
            Ok(())
        }
        AuthorityCommand::List { common } => {
            let app = bootstrap::open(config(&common, None)?, Arc::new(SystemClock)).await?;
            for a in app.authorities().await.map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{}\t{}",
                    a.id,
                    a.kind.code(),
                    a.state.code(),
                    a.name
                );
            }
            Ok(())
        }
        AuthorityCommand::Directory {
            common,
            actor,
            authority,
            party,
            topic,
        } => {
            let by = console_actor(actor)?;
            let app = bootstrap::open(config(&common, None)?, Arc::new(SystemClock)).await?;
            let id = |flag: &str, text: &str| {
                amtsweg_domain::Uuid::parse_str(text.trim())
                    .map_err(|_| format!("--{flag}: '{text}' is not an authority id"))
            };
            app.add_to_directory(
                &by,
                id("authority", &authority)?,
                id("party", &party)?,
                topic.trim(),
            )
            .await
            .map_err(|e| e.message().en)?;
            println!("OK");
            Ok(())
        }
    }
}

async fn add_user(
    config: Config,
    actor: Option<String>,
    email: String,
    name: String,
    role: String,
    authority: Option<String>,
) -> Result<(), String> {
    let role = amtsweg_domain::policy::Role::parse(&role).ok_or_else(|| {
        format!(
            "--role: '{role}' is not one of applicant, architect, caseworker, head_of_unit, admin, agency"
        )
    })?;
    let by = console_actor(actor)?;
    let authority_id = match authority {
        Some(text) => Some(
            text.parse::<amtsweg_domain::Uuid>()
                .map_err(|_| format!("--authority: '{text}' is not an authority id"))?,
        ),
        None => None,
    };
    if role.is_applicant_side() == authority_id.is_some() {
        return Err(
            "staff and admins need --authority; applicants and architects must not have one".into(),
        );
    }
    let password = match std::env::var("AMTSWEG_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let app = bootstrap::open(config, Arc::new(SystemClock)).await?;
    let account = amtsweg_server::app::NewAccount {
        email,
        password,
        display_name: name,
        role,
        authority_id,
    };
    match app.create_account(&by, account).await {
        Ok(user) => {
            println!("{}", user.id);
            Ok(())
        }
        Err(amtsweg_server::app::AppError::Invalid(errors)) => Err(errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message.en))
            .collect::<Vec<_>>()
            .join("; ")),
        Err(amtsweg_server::app::AppError::NotFound) => Err(format!(
            "--authority: no authority {}",
            authority_id.unwrap_or_default()
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn main() -> ExitCode {
    memory::return_large_blocks_to_the_system();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("amtsweg: cannot start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
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
            Ok(c) => {
                let database = c.describe_database();
                bootstrap::open(c, Arc::new(SystemClock))
                    .await
                    .map(|_| println!("database is up to date ({database})"))
            }
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
        Command::Authority { command } => authority_command(command).await,
        Command::Calendar { command } => calendar::run(command),
        Command::User {
            command:
                UserCommand::Add {
                    common,
                    actor,
                    email,
                    name,
                    role,
                    authority,
                },
        } => match config(&common, None) {
            Ok(c) => add_user(c, actor, email, name, role, authority).await,
            Err(e) => Err(e),
        },
        Command::Config {
            command: ConfigCommand::Check { common, listen },
        } => config(&common, listen.as_ref()).map(|c| {
            println!(
                "configuration OK: listen {}, data {}, services {}, database {}, documents {}",
                c.listen,
                c.data_dir.display(),
                c.describe_services(),
                c.describe_database(),
                c.describe_documents()
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
