//! The command line: the interactive console by default, and headless
//! subcommands that print text or JSON from the same model for scripts and
//! incident channels. Errors go to stderr with exit status 2.

mod access;
mod config;
mod cost;
mod drift;
mod journal;
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::clock::SystemClock;
use crate::config::{Config, Dirs};
use crate::provider::Provider;
use crate::provider::aws::{AwsProvider, CredentialsProblem};
use crate::provider::demo::DemoProvider;
use crate::tui::{Files, Session};
use crate::ui::theme::{Capabilities, Theme};

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

    /// Read clicks and the wheel (it stops the terminal's own text
    /// selection).
    #[arg(long, global = true)]
    pub mouse: bool,

    /// Re-read the organization and drift every SECONDS and mark what
    /// changed; never costs.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub watch: Option<u64>,

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

    /// The console's colours: a bundled theme (dark, light, high-contrast,
    /// monochrome), NAME.toml in the configuration directory's `themes`
    /// folder, or a theme file's PATH (overrides the file's `[ui] theme`).
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,

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
    /// List the accounts and roles IAM Identity Center lets the SSO
    /// profile's sign-in use; asks the AWS access portal only.
    Access {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print temporary credentials for ROLE_NAME in ACCOUNT_ID from IAM
    /// Identity Center, as `export` lines or a credential_process answer.
    Credentials {
        /// The account to enter.
        account_id: String,
        /// The role (permission set) to assume there.
        role_name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = access::CredentialsFormat::Env)]
        format: access::CredentialsFormat,
    },
    /// Print the configuration file's path and every setting in force, with
    /// where it came from (default, file, environment or flag); asks AWS
    /// nothing.
    Config {
        /// Print a commented configuration file with every setting at its
        /// default instead.
        #[arg(long)]
        example: bool,
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
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.format(&mut Cli::command()).exit(),
    };
    match run(cli, &matches) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("orgtop: {message}");
            ExitCode::from(FAILURE)
        }
    }
}

/// Runs the command `cli` names; `matches` tells which settings came from
/// flags and which from the environment.
fn run(cli: Cli, matches: &ArgMatches) -> Result<u8, String> {
    if let Some(Command::Config { example: true }) = cli.command {
        return emit(&config::example()).map(|()| 0);
    }
    let dirs = Dirs::locate();
    let resolved = config::resolve(&config::Invocation::new(matches), &dirs)?;
    // Printed before the log file is opened: it reads nothing but the file.
    if let Some(Command::Config { .. }) = cli.command {
        return emit(&resolved.explain()).map(|()| 0);
    }
    let config = resolved.config;
    if let Err(error) = crate::logging::init(&dirs.state, &config.log.level) {
        eprintln!("orgtop: no log file in {}: {error}", dirs.state.display());
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "orgtop starts");
    if let Some(Command::Journal { format }) = cli.command {
        let path = crate::journal::file_in(&dirs.state);
        return journal::print(&path, format).map(|()| 0);
    }
    // The portal takes the SSO token, not the credentials a provider checks.
    if let Some(request) = cli.command.as_ref().and_then(access::request) {
        return access::run(&config.aws, request);
    }
    // Resolved before the provider and the terminal, so that a bad theme
    // is reported at once, on a screen the person can read.
    let theme = match cli.command {
        None => console_theme(&cli, &config)?,
        Some(_) => Theme::default(),
    };

    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async {
        let provider = provider(&cli, &config).await?;
        match cli.command {
            Some(Command::Tree { format }) => {
                tree::print(provider.as_ref(), format).await.map(|()| 0)
            }
            Some(Command::Drift { format, min_severity, exit_code }) => {
                let files = Files::for_source(&dirs, &provider.source());
                let path = files.drift_memory.unwrap_or_default();
                let (memory, note) = crate::store::read_json_keeping_damaged(&path);
                if let Some(note) = note {
                    eprintln!("orgtop: {note}");
                }
                let mut memory = memory.unwrap_or_default();
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
                let files = Files::for_source(&dirs, &provider.source());
                let path = files.costs.unwrap_or_default();
                let options = cost_options(&config);
                cost::run(provider.as_ref(), &options, &path, format).await.map(|()| 0)
            }
            // Printed above, before any provider is built.
            Some(
                Command::Journal { .. }
                | Command::Config { .. }
                | Command::Access { .. }
                | Command::Credentials { .. },
            ) => Ok(0),
            None => console(provider, &config, &dirs, &cli, theme).await.map(|()| 0),
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
    let provider = AwsProvider::connect(&config.aws).await;
    match provider.check_credentials().await {
        Ok(()) => Ok(Arc::new(provider)),
        Err(CredentialsProblem::NotFound) => match &config.aws.profile {
            Some(profile) => Err(format!(
                "profile {profile} gives no credentials: is it in the AWS config file \
                 (aws configure --profile {profile}, or aws sso login --profile {profile})?"
            )),
            None => Err(NO_CREDENTIALS.into()),
        },
        Err(CredentialsProblem::Failed(reason)) => Err(reason),
    }
}

const NO_CREDENTIALS: &str = "no AWS credentials found. Try the built-in demo with \
    `orgtop --demo`, or set up an AWS profile (`aws configure`, or `aws sso login`) \
    and pass --profile NAME.";

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

/// The console's theme: `--theme`, else the file's `[ui] theme`, else the
/// default; in the colours the terminal can show.
fn console_theme(cli: &Cli, config: &Config) -> Result<Theme, String> {
    match cli.theme.as_deref().or(config.ui.theme.as_deref()) {
        Some(choice) => load_theme(choice),
        None => Ok(Theme::default().for_terminal(capabilities())),
    }
}

/// A theme by name or path, for the terminal; `:theme` loads with it too.
fn load_theme(choice: &str) -> Result<Theme, String> {
    let theme = Theme::load(choice, &Dirs::locate().themes())
        .map_err(|error| format!("theme: {error}"))?;
    Ok(theme.for_terminal(capabilities()))
}

/// What this process's terminal can show, as its environment says.
fn capabilities() -> Capabilities {
    Capabilities::from_env(|name| std::env::var(name).ok())
}

/// The demo's IAM Identity Center: roles in every active account.
fn demo_access() -> Result<Arc<dyn crate::provider::access::Access>, String> {
    let state = crate::provider::demo::northwind_state()?;
    let accounts = state
        .accounts
        .values()
        .filter(|a| a.state == crate::model::AccountState::Active)
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    Ok(crate::provider::access::DemoAccess::new(
        accounts,
        Arc::new(SystemClock),
    ))
}

async fn console(
    provider: Arc<dyn Provider>,
    config: &Config,
    dirs: &Dirs,
    cli: &Cli,
    theme: Theme,
) -> Result<(), String> {
    let access: Arc<dyn crate::provider::access::Access> = if cli.demo {
        demo_access()?
    } else {
        crate::provider::access::for_profile(&config.aws).await
    };
    let session = Session {
        limits: config.aws.limits(),
        clock: Arc::new(SystemClock),
        dirs: Some(dirs.clone()),
        scp_limit: config.organizations.scp_attachment_limit,
        cost_options: cost_options(config),
        read_only: cli.read_only || config.read_only,
        theme,
        theme_names: Theme::names(&dirs.themes()),
        load_theme,
        aws: (!cli.demo).then(|| config.aws.clone()),
        mouse: config.ui.mouse,
        watch: config
            .ui
            .watch_seconds
            .map(|s| std::time::Duration::from_secs(s.max(5))),
        access: Some(access),
        provider,
    };
    crate::tui::run(session)
        .await
        .map_err(|e| format!("the console stopped: {e}"))
}
