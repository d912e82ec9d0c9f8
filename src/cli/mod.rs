//! The command line: the interactive console by default, and headless
//! subcommands that print text or JSON from the same model for scripts and
//! incident channels. Errors go to stderr with exit status 2.

mod cost;
mod drift;
mod journal;
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cache;
use crate::clock::SystemClock;
use crate::config::{self, Config, Dirs};
use crate::provider::Provider;
use crate::provider::aws::{AwsProvider, AwsSettings, CredentialsProblem};
use crate::provider::demo::DemoProvider;
use crate::tui::{Files, Session};

/// A terminal operations console for AWS Organizations governed by AWS
/// Control Tower.
#[derive(Debug, Parser)]
#[command(name = "orgtop", version, about)]
pub struct Cli {
    /// Show the built-in demo organization instead of AWS.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Read the configuration from PATH instead of the default location.
    #[arg(long, global = true, env = "ORGTOP_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Log detail, as a tracing filter (overrides RUST_LOG and the file).
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,

    /// Disable every action that changes the organization.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// The AWS profile to use (overrides AWS_PROFILE and the file).
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS region to ask; Organizations answers from us-east-1.
    #[arg(long, global = true, env = "AWS_REGION", value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS request to URL, e.g. an emulator on the loopback
    /// (overrides AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ORGANIZATIONS and the
    /// profile's endpoint_url).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the organization as a tree.
    Tree {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print cost per account and month, with credits; reads Cost
    /// Explorer (billed) only for what the cache lacks.
    Cost {
        /// Output format.
        #[arg(long, value_enum, default_value_t = cost::CostFormat::Text)]
        format: cost::CostFormat,
    },
    /// Print the guardrail drift findings.
    Drift {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show only findings at or above this severity.
        #[arg(long, value_enum, default_value_t = drift::MinSeverity::Low)]
        min_severity: drift::MinSeverity,
        /// Exit 1 when a finding at or above --min-severity exists, 0 when
        /// none does (2 stays for errors).
        #[arg(long)]
        exit_code: bool,
    },
    /// Print the journal of actions run, one row per attempt; asks AWS
    /// nothing.
    Journal {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// How a headless command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Exit status for every error orgtop reports.
const FAILURE: u8 = 2;

/// Runs orgtop with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("orgtop: {message}");
            ExitCode::from(FAILURE)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    let dirs = Dirs::locate();
    let config_path = cli.config.clone().unwrap_or_else(|| dirs.config_file());
    let config = config::load(&config_path).map_err(|e| format!("configuration: {e}"))?;
    let level = cli
        .log_level
        .clone()
        .or_else(|| std::env::var("RUST_LOG").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| config.log.level.clone());
    if let Err(error) = crate::logging::init(&dirs.state, &level) {
        eprintln!("orgtop: no log file in {}: {error}", dirs.state.display());
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "orgtop starts");
    if let Some(Command::Journal { format }) = cli.command {
        let path = crate::journal::file_in(&dirs.state);
        return journal::print(&path, format).map(|()| 0);
    }

    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async {
        let provider = provider(&cli, &config).await?;
        match cli.command {
            Some(Command::Tree { format }) => {
                tree::print(provider.as_ref(), format).await.map(|()| 0)
            }
            Some(Command::Drift { format, min_severity, exit_code }) => {
                let path = drift_memory_path(&dirs, &provider.source());
                let mut memory = crate::store::read_json(&path).unwrap_or_default();
                let request = drift::Request {
                    format,
                    min_severity: min_severity.into(),
                    scp_limit: config.organizations.scp_attachment_limit,
                    memory: &mut memory,
                };
                let outcome = drift::run(provider.as_ref(), request).await?;
                if let Err(error) = crate::store::write_json(&path, &memory) {
                    tracing::warn!(path = %path.display(), %error, "could not keep the drift memory");
                }
                Ok(match (exit_code, outcome) {
                    (true, drift::Outcome::Drifted) => 1,
                    _ => 0,
                })
            }
            Some(Command::Cost { format }) => {
                let path = costs_path(&dirs, &provider.source());
                let options = cost_options(&config);
                cost::run(provider.as_ref(), &options, &path, format).await.map(|()| 0)
            }
            // Printed above, before any provider is built.
            Some(Command::Journal { .. }) => Ok(0),
            None => {
                let read_only = cli.read_only || config.read_only;
                console(provider, &config, &dirs, read_only).await.map(|()| 0)
            }
        }
    })
}

/// Prints a headless command's output. A reader that stops early (`| head`)
/// is not an error.
fn emit(text: &str) -> Result<(), String> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {error}"))
        }
        _ => Ok(()),
    }
}

async fn provider(cli: &Cli, config: &Config) -> Result<Arc<dyn Provider>, String> {
    if cli.demo {
        let latency = Duration::from_millis(config.demo.latency_ms);
        return Ok(Arc::new(DemoProvider::northwind(latency)?));
    }
    let settings = aws_settings(cli, config);
    let provider = AwsProvider::connect(&settings).await;
    match provider.check_credentials().await {
        Ok(()) => Ok(Arc::new(provider)),
        Err(CredentialsProblem::NotFound) => Err(NO_CREDENTIALS.into()),
        Err(CredentialsProblem::Failed(reason)) => Err(reason),
    }
}

const NO_CREDENTIALS: &str = "no AWS credentials found. Try the built-in demo with \
    `orgtop --demo`, or set up an AWS profile (`aws configure`, or `aws sso login`) \
    and pass --profile NAME.";

/// The `[aws]` settings with the command line and the environment on top:
/// a flag beats an environment variable, which beats the file.
fn aws_settings(cli: &Cli, config: &Config) -> AwsSettings {
    let mut settings = config.aws.clone();
    if cli.profile.is_some() {
        settings.profile = cli.profile.clone();
    }
    if let Some(region) = cli.region.clone().or_else(|| env("AWS_DEFAULT_REGION")) {
        settings.region = Some(region);
    }
    let endpoint_in_environment = env("AWS_ENDPOINT_URL").is_some()
        || env("AWS_ENDPOINT_URL_ORGANIZATIONS").is_some();
    match &cli.endpoint_url {
        Some(url) => settings.endpoint_url = Some(url.clone()),
        // The SDK reads the environment's endpoints itself, service first.
        None if endpoint_in_environment => settings.endpoint_url = None,
        None => {}
    }
    settings
}

/// Where the costs read from `source` are cached.
fn costs_path(dirs: &Dirs, source: &str) -> PathBuf {
    crate::store::file_for(&dirs.cache, "costs", source)
}

/// The `[cost]` settings as the console and `orgtop cost` plan with them.
fn cost_options(config: &Config) -> crate::app::CostOptions {
    let cost = &config.cost;
    crate::app::CostOptions {
        metric: cost.metric,
        closed_months: cost.months,
        ttl: chrono::Duration::hours(i64::from(cost.cache_ttl_hours)),
        read_on_start: cost.read_on_start,
        configured_credits: cost
            .credit
            .iter()
            .enumerate()
            .map(|(at, credit)| credit.to_credit(at))
            .collect(),
    }
}

/// Where the drift engine's memory of `source` is kept.
fn drift_memory_path(dirs: &Dirs, source: &str) -> PathBuf {
    crate::store::file_for(&dirs.state, "drift", source)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

async fn console(
    provider: Arc<dyn Provider>,
    config: &Config,
    dirs: &Dirs,
    read_only: bool,
) -> Result<(), String> {
    let source = provider.source();
    let session = Session {
        limits: config.aws.limits(),
        clock: Arc::new(SystemClock),
        files: Files {
            tree_cache: Some(cache::tree_path(&dirs.cache, &source)),
            drift_memory: Some(drift_memory_path(dirs, &source)),
            costs: Some(costs_path(dirs, &source)),
            journal: Some(crate::journal::file_in(&dirs.state)),
        },
        scp_limit: config.organizations.scp_attachment_limit,
        cost_options: cost_options(config),
        read_only,
        provider,
    };
    crate::tui::run(session)
        .await
        .map_err(|e| format!("the console stopped: {e}"))
}
