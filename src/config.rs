//! The configuration file, `config.toml` in the platform's configuration
//! directory, read strictly: a syntax error or an unknown key stops orgtop
//! with the file's path, line and column, rather than let it start
//! half-configured. Flags and environment variables override the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::cost::{CostMetric, Credit};
use crate::provider::aws::AwsSettings;
use thiserror::Error;

/// Every setting orgtop reads from its file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Disables every action (move, invite, attach, detach, cancel).
    pub read_only: bool,
    pub log: LogSettings,
    pub demo: DemoSettings,
    pub organizations: OrganizationsSettings,
    pub cost: CostSettings,
    pub aws: AwsSettings,
    pub ui: UiSettings,
}

/// `[ui]`: how the console looks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiSettings {
    /// A bundled theme's name, the name of one in the `themes` folder beside
    /// this file, or a theme file's path; `--theme` overrides it.
    pub theme: Option<String>,
    /// Whether clicks and the wheel are read; `--mouse` turns it on. Off by
    /// default: it stops the terminal's own text selection.
    pub mouse: bool,
    /// Re-read the organization and drift this often, in seconds (never
    /// Cost Explorer); `--watch` overrides it. Unset: no auto-refresh.
    pub watch_seconds: Option<u64>,
}

/// `[cost]`: what orgtop asks Cost Explorer, and how often. Every Cost
/// Explorer request is billed ($0.01).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostSettings {
    /// Closed months shown before the current one.
    pub months: u32,
    /// `UnblendedCost`, `NetUnblendedCost` or `AmortizedCost`.
    pub metric: CostMetric,
    /// How long read costs are reused before a start reads them again.
    pub cache_ttl_hours: u32,
    /// Whether the console reads costs at start when the cache is missing
    /// or older than the time-to-live. Nothing reads them on a timer.
    pub read_on_start: bool,
    /// Credits to show where the Billing API cannot be asked.
    pub credit: Vec<ConfiguredCredit>,
}

impl Default for CostSettings {
    fn default() -> Self {
        Self {
            months: 6,
            metric: CostMetric::UnblendedCost,
            cache_ttl_hours: 4,
            read_on_start: true,
            credit: Vec::new(),
        }
    }
}

/// A `[[cost.credit]]` entry: one credit as its issuer's letter states it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfiguredCredit {
    /// The account the credit was issued to.
    pub account_id: String,
    pub description: String,
    /// The amount issued, e.g. "100000.00".
    pub amount: Decimal,
    /// What remains, if known; otherwise the amount issued.
    #[serde(default)]
    pub remaining: Option<Decimal>,
    #[serde(default = "usd")]
    pub currency: String,
    pub start: NaiveDate,
    #[serde(default)]
    pub expiry: Option<NaiveDate>,
}

fn usd() -> String {
    "USD".into()
}

impl ConfiguredCredit {
    /// The credit as the cost model takes it.
    pub fn to_credit(&self, index: usize) -> Credit {
        let midnight =
            |date: NaiveDate| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        Credit {
            credit_id: format!("configured-{}", index + 1),
            account_id: self.account_id.clone(),
            description: self.description.clone(),
            initial: self.amount,
            remaining: self.remaining.unwrap_or(self.amount),
            currency: self.currency.clone(),
            start: midnight(self.start),
            expiry: self.expiry.map(midnight),
            shareable: None,
        }
    }
}

/// `[organizations]`: the organization's quotas, which AWS changes over
/// time, so they are read rather than built in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrganizationsSettings {
    /// SCPs that may be attached to one root, OU or account (10 since May
    /// 2026, 5 before).
    pub scp_attachment_limit: usize,
}

impl Default for OrganizationsSettings {
    fn default() -> Self {
        Self {
            scp_attachment_limit: crate::app::DEFAULT_SCP_LIMIT,
        }
    }
}

/// `[log]`: the log file's detail.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// A tracing filter such as `info` or `orgtop=debug`; `RUST_LOG` and
    /// `--log-level` override it.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".into(),
        }
    }
}

/// `[demo]`: how the built-in demo organization behaves.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Milliseconds each demo call takes, to feel like a network.
    pub latency_ms: u64,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self { latency_ms: 8 }
    }
}

/// Why the configuration could not be read.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}", path = .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {source}", path = .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The platform's directories for orgtop (XDG on Linux).
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: PathBuf,
    pub state: PathBuf,
    pub cache: PathBuf,
}

impl Dirs {
    /// The platform's directories, or `./.orgtop` where it has none (no
    /// home directory).
    pub fn locate() -> Self {
        match directories::ProjectDirs::from("", "", "orgtop") {
            Some(dirs) => Self {
                config: dirs.config_dir().to_path_buf(),
                state: dirs
                    .state_dir()
                    .unwrap_or(dirs.data_local_dir())
                    .to_path_buf(),
                cache: dirs.cache_dir().to_path_buf(),
            },
            None => {
                let here = PathBuf::from(".orgtop");
                Self {
                    config: here.clone(),
                    state: here.clone(),
                    cache: here,
                }
            }
        }
    }

    /// Where the configuration file is looked for by default.
    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    /// Where a person's own themes are looked for by name.
    pub fn themes(&self) -> PathBuf {
        self.config.join("themes")
    }
}

/// Checks what the file's syntax cannot: values that parse but make no
/// sense, named by their dotted key.
pub fn validate(config: &Config) -> Result<(), String> {
    let cost = &config.cost;
    if !(1..=36).contains(&cost.months) {
        return Err(format!(
            "cost.months is {}: it must be from 1 to 36 (Cost Explorer keeps about three years)",
            cost.months
        ));
    }
    let positive = [
        (
            "organizations.scp_attachment_limit",
            config.organizations.scp_attachment_limit as u64,
        ),
        ("aws.max_attempts", u64::from(config.aws.max_attempts)),
        ("aws.connect_timeout_secs", config.aws.connect_timeout_secs),
        (
            "aws.operation_timeout_secs",
            config.aws.operation_timeout_secs,
        ),
    ];
    for (key, value) in positive {
        if value == 0 {
            return Err(format!("{key} is 0: it must be at least 1"));
        }
    }
    Ok(())
}

/// Reads the configuration from `path`; a missing file means defaults.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config::default());
        }
        Err(source) => {
            return Err(ConfigError::Unreadable {
                path: path.into(),
                source,
            });
        }
    };
    parse(&text, path)
}

/// Parses configuration text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = line_and_column(text, offset);
        ConfigError::Invalid {
            path: path.into(),
            line,
            column,
            message: error.message().trim().to_string(),
        }
    })
}

/// The 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |at| {
        before[at + 1..].chars().count()
    }) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_names_line_and_column() {
        let text = "[log]\nlevel = \"debug\"\n\n[demo]\nlatency = 3\n";
        let error = parse(text, Path::new("/etc/orgtop.toml")).unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with("/etc/orgtop.toml:5:1: unknown field `latency`"),
            "{shown}"
        );
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let error = parse("[log]\nlevel = \n", Path::new("c.toml")).unwrap_err();
        assert!(error.to_string().starts_with("c.toml:2:"), "{error}");
    }

    #[test]
    fn settings_left_out_keep_their_defaults() {
        let config = parse("[demo]\nlatency_ms = 0\n", Path::new("c.toml")).unwrap();
        assert_eq!(config.demo.latency_ms, 0);
        assert_eq!(config.log, LogSettings::default());
    }

    #[test]
    fn the_ui_table_names_a_theme() {
        let config = parse("[ui]\ntheme = \"light\"\n", Path::new("c.toml")).unwrap();
        assert_eq!(config.ui.theme.as_deref(), Some("light"));
    }

    #[test]
    fn a_missing_file_means_defaults() {
        let config = load(Path::new("/nonexistent/orgtop/config.toml")).unwrap();
        assert_eq!(config, Config::default());
    }
}
