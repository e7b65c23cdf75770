//! `madoguchi`: the command line. It defines the interface and glues it to the API crate; no rule lives here.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use madoguchi_api::quote::{kinds, quote_json};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::clock;

/// A request the user can fix (exit 2), or a failure of the installation (exit 1).
enum Failure {
    Request(String),
    Setup(String),
}

#[derive(Parser)]
#[command(name = "madoguchi", version, about = "窓口: the service counter's back office")]
struct Cli {
    /// Read the tariffs from this folder (one <service>.toml each) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    tariffs: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Quote a fee or deadline: one JSON request on standard input, one JSON answer on standard output.
    Quote {
        /// List every service and kind with its fields instead.
        #[arg(long)]
        kinds: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(Failure::Request(line)) => {
            eprintln!("{line}");
            ExitCode::from(2)
        }
        Err(Failure::Setup(line)) => {
            eprintln!("{line}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<String, Failure> {
    let tariffs = match &cli.tariffs {
        Some(dir) => Tariffs::from_dir(dir),
        None => Tariffs::embedded(),
    }
    .map_err(|e| Failure::Setup(e.to_string()))?;
    match cli.command {
        Command::Quote { kinds: true } => pretty(&kinds(&tariffs)),
        Command::Quote { kinds: false } => {
            let mut request = String::new();
            std::io::stdin()
                .read_to_string(&mut request)
                .map_err(|e| Failure::Request(format!("request: cannot read standard input ({e})")))?;
            let answer = quote_json(&request, clock::now(), &tariffs).map_err(|e| Failure::Request(e.to_string()))?;
            pretty(&answer)
        }
    }
}

fn pretty(value: &serde_json::Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Setup(format!("cannot write the answer ({e})")))
}
