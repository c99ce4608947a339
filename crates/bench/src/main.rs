//! `amtsweg-bench`: seeds realistic cases in bulk and measures amtsweg against baselines
//! taken in the same run (see docs/benchmarks.md). It drives the real `amtsweg` binary as a
//! separate process, so its memory can be read from /proc and nothing is measured in-process.
//!
//! ```text
//! amtsweg-bench seed --cases 100000 --data-dir /tmp/d [--database postgres://…]
//! amtsweg-bench run --backend sqlite --sizes 10000,100000 --out bench.json
//! amtsweg-bench run --smoke        # seconds: tiny sizes, every measurement once (CI)
//! ```
#![forbid(unsafe_code)]

mod baselines;
mod bulk;
mod client;
mod measure;
mod sample;
mod seed;
mod server;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The database the cases go to.
#[derive(Debug, Clone)]
pub enum Db {
    Postgres(String),
    Sqlite(PathBuf),
}

#[derive(Parser)]
#[command(name = "amtsweg-bench", about = "Seed and benchmark suite of amtsweg")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Adds N realistic cases to a data folder (SQLite) or PostgreSQL database; prepares the
    /// schema and the demo authority first if needed.
    Seed {
        #[arg(long)]
        cases: u64,
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, env = "AMTSWEG_DATABASE")]
        database: Option<String>,
        /// The amtsweg binary (default: next to this one).
        #[arg(long)]
        amtsweg: Option<PathBuf>,
    },
    /// Runs the measurements, prints a table and writes JSON.
    Run(measure::RunArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The amtsweg binary: given, or next to this executable.
pub fn amtsweg_binary(given: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return Ok(path);
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = me.with_file_name("amtsweg");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found: build it (cargo build --release -p amtsweg-cli) or pass --amtsweg",
            path.display()
        ))
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Seed {
            cases,
            data_dir,
            database,
            amtsweg,
        } => {
            async {
                let binary = amtsweg_binary(amtsweg)?;
                let db = match database {
                    Some(url) => Db::Postgres(url),
                    None => Db::Sqlite(data_dir.join("amtsweg.db")),
                };
                // the schema, the service versions and the demo authority and accounts
                server::Server::start(&binary, &data_dir, &db, 10)
                    .await?
                    .stop();
                let report = seed::seed(&db, cases, 5_000).await?;
                println!(
                    "seeded {} cases ({} rows) in {:.1} s: {:.0} cases/s",
                    report.cases,
                    report.rows,
                    report.seconds,
                    report.cases as f64 / report.seconds
                );
                Ok::<_, String>(())
            }
            .await
        }
        Command::Run(args) => measure::run(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amtsweg-bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
