//! The settings in force and where each came from. Every setting is listed
//! once, in [`SETTINGS`]: its dotted key, one line on what it does, how to
//! read it from a configuration, and the flag or environment variable that
//! overrides the file. The same list layers the command line and the
//! environment over the file for every command, so `orgtop config` shows
//! exactly what orgtop runs with, and `orgtop config --example` writes a
//! file with every default.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde::Deserialize;
use toml::{Table, Value};

use super::Cli;
use crate::config::{self, Config, ConfigError, ConfiguredCredit, Dirs};
use crate::provider::aws::RetryMode;

/// Every setting of the configuration file, in the order `orgtop config`
/// and `--example` show them. Adding a setting is adding its line here.
pub const SETTINGS: &[Setting] = &[
    Setting::new(
        "read_only",
        "Disables every action that changes the organization; --read-only sets it.",
        |c| switch(c.read_only),
    )
    .over(|given| given.switch("read_only")),
    Setting::new(
        "log.level",
        "The log file's detail, a tracing filter; RUST_LOG and --log-level override it.",
        |c| text(&c.log.level),
    )
    .over(|given| given.text("log_level").or_else(|| given.env("RUST_LOG"))),
    Setting::new(
        "demo.latency_ms",
        "Milliseconds each call to the demo organization takes, to feel like a network.",
        |c| number(c.demo.latency_ms),
    ),
    Setting::new(
        "organizations.scp_attachment_limit",
        "SCPs one root, OU or account may have attached (10 since May 2026, 5 before).",
        |c| number(c.organizations.scp_attachment_limit),
    ),
    Setting::new(
        "cost.months",
        "Closed months shown before the current one.",
        |c| number(c.cost.months),
    ),
    Setting::new(
        "cost.metric",
        r#"The metric: "UnblendedCost", "NetUnblendedCost" or "AmortizedCost"."#,
        |c| text(c.cost.metric.as_aws_str()),
    ),
    Setting::new(
        "cost.cache_ttl_hours",
        "Hours read costs are reused; each Cost Explorer request is billed ($0.01).",
        |c| number(c.cost.cache_ttl_hours),
    ),
    Setting::new(
        "cost.read_on_start",
        "Whether the console reads costs at start when its cache is missing or stale.",
        |c| switch(c.cost.read_on_start),
    ),
    Setting::new(
        "cost.credit",
        "Credits to show where the Billing API can't be asked, one [[cost.credit]] each.",
        |c| credits(&c.cost.credit),
    )
    .example(CREDIT_EXAMPLE),
    Setting::new(
        "aws.profile",
        "The AWS profile; AWS_PROFILE and --profile override it; unset, \"default\".",
        |c| maybe_text(c.aws.profile.as_deref()),
    )
    .over(|given| given.text("profile"))
    .example("profile = \"management\""),
    Setting::new(
        "aws.region",
        "Unset, the profile's region or us-east-1; AWS_REGION and --region override it.",
        |c| maybe_text(c.aws.region.as_deref()),
    )
    .over(|given| {
        given
            .text("region")
            .or_else(|| given.env("AWS_DEFAULT_REGION"))
    })
    .example("region = \"eu-west-1\""),
    Setting::new(
        "aws.endpoint_url",
        "One endpoint for all of AWS; AWS_ENDPOINT_URL* and --endpoint-url override it.",
        |c| maybe_text(c.aws.endpoint_url.as_deref()),
    )
    .over(|given| {
        let sdk = ["AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL"];
        given
            .text("endpoint_url")
            .or_else(|| given.read_by_sdk(&sdk))
    })
    .example("endpoint_url = \"http://127.0.0.1:5000\""),
    Setting::new(
        "aws.retry_mode",
        r#"How the SDK retries: "standard", or "adaptive", slowing once throttled."#,
        |c| text(retry_mode(c.aws.retry_mode)),
    ),
    Setting::new(
        "aws.max_attempts",
        "Attempts per AWS call, the first included.",
        |c| number(c.aws.max_attempts),
    ),
    Setting::new(
        "aws.connect_timeout_secs",
        "Seconds to wait for a connection before giving up.",
        |c| number(c.aws.connect_timeout_secs),
    ),
    Setting::new(
        "aws.operation_timeout_secs",
        "Seconds one AWS call may take, all its retries included.",
        |c| number(c.aws.operation_timeout_secs),
    ),
    Setting::new(
        "aws.concurrency.organizations",
        "Organizations calls in flight at once.",
        |c| number(c.aws.concurrency.organizations),
    ),
    Setting::new(
        "aws.concurrency.control_tower",
        "Control Tower calls in flight at once.",
        |c| number(c.aws.concurrency.control_tower),
    ),
    Setting::new(
        "aws.control_tower.region",
        "Control Tower's home region, where its landing zone is; unset, aws.region.",
        |c| maybe_text(c.aws.control_tower.region.as_deref()),
    )
    .example("region = \"eu-west-1\""),
    Setting::new(
        "ui.theme",
        "A bundled theme, one in the themes folder beside this file, or a theme's path.",
        |c| maybe_text(c.ui.theme.as_deref()),
    )
    .over(|given| given.text("theme"))
    .example("theme = \"light\""),
    Setting::new(
        "ui.mouse",
        "Click to select and wheel to scroll; it stops the terminal's own selection.",
        |c| switch(c.ui.mouse),
    )
    .over(|given| given.switch("mouse")),
    Setting::new(
        "ui.watch_seconds",
        "Re-read the organization and drift this often (never Cost Explorer).",
        |c| c.ui.watch_seconds.and_then(number),
    )
    .over(|given| given.number("watch"))
    .example("watch_seconds = 300"),
];

/// A configured credit, as `--example` shows it.
const CREDIT_EXAMPLE: &str = "[[cost.credit]]
account_id = \"482910375566\"
description = \"AWS Activate credits\"
amount = \"100000.00\"
remaining = \"6412.37\"
currency = \"USD\"
start = \"2025-11-01\"
expiry = \"2027-10-31\"";

/// The lines above the settings in `--example`.
const EXAMPLE_HEADING: &str = "\
# orgtop's configuration file, every setting at its default.
# orgtop reads config.toml in its configuration directory (usually
# ~/.config/orgtop/), or the file --config or ORGTOP_CONFIG names.
# A setting left out keeps its default; `orgtop config` shows those in force.
";

/// One setting of the configuration file.
pub struct Setting {
    /// Its dotted key: `aws.retry_mode` is `retry_mode` in `[aws]`.
    pub key: &'static str,
    /// What it does, in one line: its comment in `--example`.
    pub about: &'static str,
    /// Its value in a configuration, `None` when unset.
    read: fn(&Config) -> Option<Value>,
    /// The flag or environment variable that overrides the file, if set.
    layer: fn(&Invocation) -> Option<Layer>,
    /// TOML that sets it, shown commented out in `--example` where the
    /// default sets nothing.
    example: Option<&'static str>,
}

impl Setting {
    /// A setting only the file sets.
    const fn new(
        key: &'static str,
        about: &'static str,
        read: fn(&Config) -> Option<Value>,
    ) -> Self {
        Self {
            key,
            about,
            read,
            layer: no_layer,
            example: None,
        }
    }

    /// The same setting, which `layer` overrides when it says something.
    const fn over(self, layer: fn(&Invocation) -> Option<Layer>) -> Self {
        Self { layer, ..self }
    }

    /// The same setting, shown in `--example` as `example`, commented out.
    const fn example(self, example: &'static str) -> Self {
        Self {
            example: Some(example),
            ..self
        }
    }

    /// The table it sits in (empty at the top) and its key there.
    fn table_and_name(&self) -> (&'static str, &'static str) {
        self.key.rsplit_once('.').unwrap_or(("", self.key))
    }
}

fn no_layer(_: &Invocation) -> Option<Layer> {
    None
}

/// Where a setting in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built into orgtop.
    Default,
    /// Set in the configuration file.
    File,
    /// The environment variable named.
    Environment(String),
    /// The command-line flag named.
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File => f.write_str("file"),
            Self::Environment(name) => write!(f, "environment ({name})"),
            Self::Flag(name) => write!(f, "flag ({name})"),
        }
    }
}

/// A value from the command line or the environment that beats the file's.
pub struct Layer {
    value: Value,
    origin: Origin,
    /// The AWS SDK reads this variable itself, in its own order, so orgtop
    /// leaves the setting unset rather than hand the SDK one value for all.
    read_by_sdk: bool,
}

impl Layer {
    fn new(value: Value, origin: Origin) -> Self {
        Self {
            value,
            origin,
            read_by_sdk: false,
        }
    }
}

/// This process's command line and environment, as the settings read them.
pub struct Invocation<'a> {
    matches: &'a ArgMatches,
    command: clap::Command,
}

impl<'a> Invocation<'a> {
    /// Reads `matches`, which clap parsed from [`Cli`].
    pub fn new(matches: &'a ArgMatches) -> Self {
        Self {
            matches,
            command: Cli::command(),
        }
    }

    /// The flag `id` (clap's name for it) that takes text, given on the
    /// command line or by its environment variable.
    fn text(&self, id: &str) -> Option<Layer> {
        let (value, origin) = self.raw(id)?;
        Some(Layer::new(Value::String(value), origin))
    }

    /// The flag `id` that takes a whole number.
    fn number(&self, id: &str) -> Option<Layer> {
        let (value, origin) = self.raw(id)?;
        let number = value.parse::<i64>().ok()?;
        Some(Layer::new(Value::Integer(number), origin))
    }

    /// The flag `id` that turns a setting on.
    fn switch(&self, id: &str) -> Option<Layer> {
        let (value, origin) = self.raw(id)?;
        (value == "true").then(|| Layer::new(Value::Boolean(true), origin))
    }

    /// The environment variable `name`, when set and not empty.
    fn env(&self, name: &str) -> Option<Layer> {
        let value = std::env::var(name).ok().filter(|value| !value.is_empty())?;
        Some(Layer::new(
            Value::String(value),
            Origin::Environment(name.into()),
        ))
    }

    /// The first of `names` that is set; the AWS SDK reads them itself.
    fn read_by_sdk(&self, names: &[&str]) -> Option<Layer> {
        let layer = names.iter().find_map(|name| self.env(name))?;
        Some(Layer {
            read_by_sdk: true,
            ..layer
        })
    }

    /// The flag `id`'s text and where it came from; a default clap filled
    /// in, or an empty variable, is no layer.
    fn raw(&self, id: &str) -> Option<(String, Origin)> {
        let arg = self
            .command
            .get_arguments()
            .find(|arg| arg.get_id() == id)?;
        let mut values = self.matches.try_get_raw(id).ok()??;
        let value = values.next()?.to_string_lossy().into_owned();
        let origin = match self.matches.value_source(id)? {
            ValueSource::CommandLine => Origin::Flag(format!("--{}", arg.get_long()?)),
            ValueSource::EnvVariable if !value.is_empty() => {
                Origin::Environment(arg.get_env()?.to_string_lossy().into_owned())
            }
            _ => return None,
        };
        Some((value, origin))
    }
}

/// The configuration in force: the file's, with the environment and the
/// command line on top, and where each setting came from.
pub struct Resolved {
    /// The configuration file, found or not.
    path: PathBuf,
    path_origin: Origin,
    exists: bool,
    /// What orgtop runs with.
    pub config: Config,
    /// Each of [`SETTINGS`], in order: its value (`None` when unset) and
    /// where it came from.
    values: Vec<(Option<Value>, Origin)>,
}

/// Reads the configuration file `given` names (or the default one) and
/// layers `given` over it. A broken file is named with its line and column.
pub fn resolve(given: &Invocation, dirs: &Dirs) -> Result<Resolved, String> {
    let (path, path_origin) = match given.raw("config") {
        Some((path, origin)) => (PathBuf::from(path), origin),
        None => (dirs.config_file(), Origin::Default),
    };
    let (file, exists) = read(&path).map_err(|e| format!("configuration: {e}"))?;
    if !exists && path_origin != Origin::Default {
        // A path someone named and mistyped must not silently fall back to
        // defaults: read_only = true would be lost.
        return Err(format!(
            "configuration: {} does not exist (named by {}); fix the path or leave it out",
            path.display(),
            path_origin
        ));
    }

    let layers: Vec<Option<Layer>> = SETTINGS
        .iter()
        .map(|setting| (setting.layer)(given))
        .collect();
    let config = layered(&file, &layers)
        .map_err(|e| format!("configuration: {}: {e}", path.display()))?;
    config::validate(&config)
        .map_err(|e| format!("configuration: {}: {e}", path.display()))?;

    let values = SETTINGS
        .iter()
        .zip(layers)
        .map(|(setting, layer)| in_force(setting, layer, &file, &config))
        .collect();
    Ok(Resolved {
        path,
        path_origin,
        exists,
        config,
        values,
    })
}

/// The file at `path` as a table, once the configuration has accepted it,
/// and whether it exists: no file is an empty table.
fn read(path: &Path) -> Result<(Table, bool), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            let path = path.into();
            return Err(ConfigError::Unreadable { path, source }.to_string());
        }
    };
    let exists = text.is_some();
    let text = text.unwrap_or_default();
    config::parse(&text, path).map_err(|e| e.to_string())?;
    let table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((table, exists))
}

/// The value of `setting` in force, and where it came from.
fn in_force(
    setting: &Setting,
    layer: Option<Layer>,
    file: &Table,
    config: &Config,
) -> (Option<Value>, Origin) {
    match layer {
        Some(layer) if layer.read_by_sdk => (Some(layer.value), layer.origin),
        Some(layer) => ((setting.read)(config), layer.origin),
        None if lookup(file, setting.key).is_some() => {
            ((setting.read)(config), Origin::File)
        }
        None => ((setting.read)(config), Origin::Default),
    }
}

/// The configuration `file` says, with `layers` (one per setting) on top.
fn layered(file: &Table, layers: &[Option<Layer>]) -> Result<Config, toml::de::Error> {
    let mut table = file.clone();
    for (setting, layer) in SETTINGS.iter().zip(layers) {
        match layer {
            Some(layer) if layer.read_by_sdk => remove(&mut table, setting.key),
            Some(layer) => insert(&mut table, setting.key, layer.value.clone()),
            None => {}
        }
    }
    Config::deserialize(Value::Table(table))
}

/// The value at dotted `key` in `table`, if set.
fn lookup<'t>(table: &'t Table, key: &str) -> Option<&'t Value> {
    let (path, name) = key.rsplit_once('.').unwrap_or(("", key));
    let mut table = table;
    for part in path.split('.').filter(|part| !part.is_empty()) {
        table = table.get(part)?.as_table()?;
    }
    table.get(name)
}

/// Sets dotted `key` in `table` to `value`, making the tables above it.
fn insert(table: &mut Table, key: &str, value: Value) {
    let (path, name) = key.rsplit_once('.').unwrap_or(("", key));
    let mut table = table;
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let entry = table
            .entry(part)
            .or_insert_with(|| Value::Table(Table::new()));
        // A parsed file has a table wherever the configuration takes one.
        let Some(inner) = entry.as_table_mut() else {
            return;
        };
        table = inner;
    }
    table.insert(name.into(), value);
}

/// Unsets dotted `key` in `table`.
fn remove(table: &mut Table, key: &str) {
    let (path, name) = key.rsplit_once('.').unwrap_or(("", key));
    let mut table = table;
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let Some(inner) = table.get_mut(part).and_then(Value::as_table_mut) else {
            return;
        };
        table = inner;
    }
    table.remove(name);
}

/// Settings lines longer than this do not push the others' origins right.
const ALIGN_UP_TO: usize = 56;

impl Resolved {
    /// The file's path and every setting in force, one line each, with
    /// where it came from.
    pub fn explain(&self) -> String {
        let found = if self.exists { "exists" } else { "not found" };
        let heading = format!(
            "config file: {} ({found})   ({})",
            self.path.display(),
            self.path_origin
        );
        let settings: Vec<String> = SETTINGS
            .iter()
            .zip(&self.values)
            .map(|(setting, (value, _))| match value {
                Some(value) => format!("{} = {value}", setting.key),
                None => format!("{} is unset", setting.key),
            })
            .collect();
        let width = settings
            .iter()
            .map(|line| line.chars().count())
            .filter(|&width| width <= ALIGN_UP_TO)
            .max()
            .unwrap_or(0);
        let lines = settings
            .iter()
            .zip(&self.values)
            .map(|(line, (_, origin))| format!("{line:<width$}   ({origin})"));
        std::iter::once(heading)
            .chain(std::iter::once(String::new()))
            .chain(lines)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A commented configuration file with every setting at its default.
pub fn example() -> String {
    let defaults = Config::default();
    let sections = sections().into_iter().map(|(table, settings)| {
        let heading = match table {
            "" => String::new(),
            table => format!("[{table}]\n"),
        };
        let entries: Vec<String> = settings
            .iter()
            .map(|setting| example_of(setting, &defaults))
            .collect();
        format!("{heading}{}", entries.join("\n"))
    });
    let text: Vec<String> = std::iter::once(EXAMPLE_HEADING.to_string())
        .chain(sections)
        .collect();
    text.join("\n").trim_end().to_string()
}

/// The settings grouped by table, the top-level ones first, since TOML
/// puts a key after a `[table]` heading into that table.
fn sections() -> Vec<(&'static str, Vec<&'static Setting>)> {
    let mut sections: Vec<(&str, Vec<&Setting>)> = vec![("", Vec::new())];
    for setting in SETTINGS {
        let (table, _) = setting.table_and_name();
        match sections.iter_mut().find(|(name, _)| *name == table) {
            Some((_, members)) => members.push(setting),
            None => sections.push((table, vec![setting])),
        }
    }
    sections
}

/// One setting in `--example`: its comment, then its default, or its
/// example commented out.
fn example_of(setting: &Setting, defaults: &Config) -> String {
    let (_, name) = setting.table_and_name();
    let body: String = match (setting.example, (setting.read)(defaults)) {
        (Some(example), _) => example.lines().map(|line| format!("# {line}\n")).collect(),
        (None, Some(value)) => format!("{name} = {value}\n"),
        (None, None) => format!("# {name} is unset by default\n"),
    };
    format!("# {}\n{body}", setting.about)
}

fn text(value: &str) -> Option<Value> {
    Some(Value::String(value.into()))
}

fn maybe_text(value: Option<&str>) -> Option<Value> {
    value.and_then(text)
}

fn number(value: impl TryInto<i64>) -> Option<Value> {
    value.try_into().ok().map(Value::Integer)
}

fn switch(value: bool) -> Option<Value> {
    Some(Value::Boolean(value))
}

fn retry_mode(mode: RetryMode) -> &'static str {
    match mode {
        RetryMode::Standard => "standard",
        RetryMode::Adaptive => "adaptive",
    }
}

/// Configured credits as the file spells them.
fn credits(credits: &[ConfiguredCredit]) -> Option<Value> {
    Some(Value::Array(credits.iter().map(credit).collect()))
}

fn credit(credit: &ConfiguredCredit) -> Value {
    let mut table = Table::new();
    let mut set = |key: &str, value: String| {
        table.insert(key.into(), Value::String(value));
    };
    set("account_id", credit.account_id.clone());
    set("description", credit.description.clone());
    set("amount", credit.amount.to_string());
    if let Some(remaining) = credit.remaining {
        set("remaining", remaining.to_string());
    }
    set("currency", credit.currency.clone());
    set("start", credit.start.to_string());
    if let Some(expiry) = credit.expiry {
        set("expiry", expiry.to_string());
    }
    Value::Table(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(args: &[&str]) -> ArgMatches {
        let args = std::iter::once("orgtop").chain(args.iter().copied());
        Cli::command().try_get_matches_from(args).unwrap()
    }

    fn dirs_in(folder: &Path) -> Dirs {
        Dirs {
            config: folder.to_path_buf(),
            state: folder.join("state"),
            cache: folder.join("cache"),
        }
    }

    fn path(folder: &Path) -> String {
        folder.join("config.toml").display().to_string()
    }

    fn origin_of(resolved: &Resolved, key: &str) -> Origin {
        let at = SETTINGS.iter().position(|s| s.key == key).unwrap();
        resolved.values[at].1.clone()
    }

    /// The fields a table of the configuration takes, as serde lists them
    /// when it meets one it does not know.
    fn fields_of(table: &str) -> Vec<String> {
        let text = match table {
            "" => "no_such_setting = 1\n".to_string(),
            table => format!("[{table}]\nno_such_setting = 1\n"),
        };
        let error = config::parse(&text, Path::new("probe.toml")).unwrap_err();
        let message = error.to_string();
        let (_, expected) = message.split_once("expected").unwrap();
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    }

    fn assert_every_field_listed(table: &str) {
        for field in fields_of(table) {
            let key = match table {
                "" => field,
                table => format!("{table}.{field}"),
            };
            if SETTINGS.iter().any(|setting| setting.key == key) {
                continue;
            }
            let below = format!("{key}.");
            assert!(
                SETTINGS
                    .iter()
                    .any(|setting| setting.key.starts_with(&below)),
                "{key} has no line in SETTINGS"
            );
            assert_every_field_listed(&key);
        }
    }

    #[test]
    fn every_field_of_the_configuration_has_a_line_in_the_settings() {
        assert_every_field_listed("");
    }

    #[test]
    fn the_example_parses_back_into_the_defaults() {
        let config = config::parse(&example(), Path::new("example.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn every_example_uncommented_sets_its_setting() {
        for setting in SETTINGS.iter().filter(|s| s.example.is_some()) {
            let (table, _) = setting.table_and_name();
            let example = setting.example.unwrap();
            let text = format!("[{table}]\n{example}\n");
            let config = config::parse(&text, Path::new("example.toml"))
                .unwrap_or_else(|e| panic!("{}: {e}", setting.key));
            assert_ne!(
                (setting.read)(&config),
                (setting.read)(&Config::default()),
                "{}",
                setting.key
            );
        }
    }

    #[test]
    fn a_setting_unset_by_default_has_an_example() {
        let defaults = Config::default();
        for setting in SETTINGS {
            let unset = (setting.read)(&defaults).is_none();
            assert!(!unset || setting.example.is_some(), "{}", setting.key);
        }
    }

    #[test]
    fn each_comment_fits_a_line_of_88_columns() {
        for setting in SETTINGS {
            assert!(setting.about.chars().count() <= 86, "{}", setting.key);
        }
    }

    #[test]
    fn each_key_is_listed_once() {
        for (at, setting) in SETTINGS.iter().enumerate() {
            let again = SETTINGS[at + 1..].iter().any(|s| s.key == setting.key);
            assert!(!again, "{} is listed twice", setting.key);
        }
    }

    #[test]
    fn a_value_set_in_the_file_comes_from_the_file_even_when_it_is_the_default() {
        let folder = tempfile::tempdir().unwrap();
        let text = "[demo]\nlatency_ms = 8\n\n[cost]\nmonths = 3\n";
        std::fs::write(folder.path().join("config.toml"), text).unwrap();
        let matches = invocation(&["--config", &path(folder.path())]);

        let resolved =
            resolve(&Invocation::new(&matches), &dirs_in(folder.path())).unwrap();

        assert_eq!(resolved.config.cost.months, 3);
        assert_eq!(origin_of(&resolved, "demo.latency_ms"), Origin::File);
        assert_eq!(origin_of(&resolved, "cost.months"), Origin::File);
        assert_eq!(origin_of(&resolved, "cost.metric"), Origin::Default);
    }

    #[test]
    fn a_flag_beats_the_file_and_is_named() {
        let folder = tempfile::tempdir().unwrap();
        let text = "read_only = false\n[aws]\nprofile = \"from-file\"\n";
        std::fs::write(folder.path().join("config.toml"), text).unwrap();
        let config = path(folder.path());
        let args = [
            "--read-only",
            "config",
            "--config",
            &config,
            "--profile",
            "from-flag",
        ];
        let matches = invocation(&args);

        let resolved =
            resolve(&Invocation::new(&matches), &dirs_in(folder.path())).unwrap();

        assert!(resolved.config.read_only);
        assert_eq!(resolved.config.aws.profile.as_deref(), Some("from-flag"));
        let flag = |name: &str| Origin::Flag(name.into());
        assert_eq!(origin_of(&resolved, "aws.profile"), flag("--profile"));
        assert_eq!(origin_of(&resolved, "read_only"), flag("--read-only"));
    }

    #[test]
    fn configured_credits_are_shown_as_the_file_spells_them() {
        let text = format!("[cost]\n{CREDIT_EXAMPLE}\n");
        let config = config::parse(&text, Path::new("c.toml")).unwrap();

        let shown = credits(&config.cost.credit).unwrap().to_string();

        assert!(shown.contains("amount = \"100000.00\""), "{shown}");
        assert!(shown.contains("start = \"2025-11-01\""), "{shown}");
    }
}
