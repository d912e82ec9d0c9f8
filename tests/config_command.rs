//! `orgtop config`: the settings in force and where each came from, and
//! `--example`, a commented file with every default. Run as the binary in a
//! home of its own, with nothing of the caller's environment.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::pty::Home;
use orgtop::config::{self, Config};

/// Runs orgtop with `args` in `home`, with `envs` and nothing else of the
/// caller's environment.
fn orgtop(home: &Home, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .envs(home.vars())
        .envs(envs.iter().copied())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("orgtop runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The settings `orgtop config` prints, after asserting it succeeded.
fn settings(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
    stdout(output)
}

/// The line that shows `key`, with its value and where it came from.
fn line_of<'a>(settings: &'a str, key: &str) -> &'a str {
    let shows_key = |line: &&str| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(" = ") || rest.starts_with(" is unset"))
    };
    settings
        .lines()
        .find(shows_key)
        .unwrap_or_else(|| panic!("no line for {key} in:\n{settings}"))
}

/// Where the line for `key` says its value came from.
fn origin_of<'a>(settings: &'a str, key: &str) -> &'a str {
    let line = line_of(settings, key);
    let (_, origin) = line
        .split_once("   (")
        .unwrap_or_else(|| panic!("no origin in {line:?}"));
    origin.strip_suffix(')').unwrap_or(origin).trim_start()
}

#[test]
fn without_a_file_every_setting_is_listed_as_its_default() {
    let home = Home::new();

    let output = orgtop(&home, &["config"], &[]);

    let settings = settings(&output);
    let heading = settings.lines().next().unwrap_or_default();
    let path = home.config_file();
    assert!(heading.contains(&path.display().to_string()), "{heading}");
    assert!(heading.contains("not found"), "{heading}");
    assert!(
        line_of(&settings, "aws.retry_mode").starts_with("aws.retry_mode = \"standard\""),
        "{settings}"
    );
    assert!(
        line_of(&settings, "aws.profile").contains("is unset"),
        "{settings}"
    );
    for key in [
        "read_only",
        "log.level",
        "cost.credit",
        "aws.concurrency.organizations",
    ] {
        assert_eq!(origin_of(&settings, key), "default");
    }
    for line in settings.lines().skip(2) {
        assert!(line.ends_with("(default)"), "not a default: {line}");
    }
}

#[test]
fn a_value_set_in_the_file_is_listed_as_from_the_file() {
    let home = Home::new();
    home.write_config("[aws]\nretry_mode = \"adaptive\"\nprofile = \"from-file\"\n");

    let output = orgtop(&home, &["config"], &[]);

    let settings = settings(&output);
    assert!(
        settings
            .lines()
            .next()
            .unwrap_or_default()
            .contains("(exists)")
    );
    let retry = line_of(&settings, "aws.retry_mode");
    assert!(
        retry.starts_with("aws.retry_mode = \"adaptive\""),
        "{retry}"
    );
    assert_eq!(origin_of(&settings, "aws.retry_mode"), "file");
    assert_eq!(origin_of(&settings, "aws.profile"), "file");
    assert_eq!(origin_of(&settings, "aws.max_attempts"), "default");
}

#[test]
fn aws_profile_in_the_environment_beats_the_file_and_is_named() {
    let home = Home::new();
    home.write_config("[aws]\nprofile = \"from-file\"\n");

    let output = orgtop(&home, &["config"], &[("AWS_PROFILE", "x")]);

    let settings = settings(&output);
    assert!(line_of(&settings, "aws.profile").starts_with("aws.profile = \"x\""));
    assert_eq!(
        origin_of(&settings, "aws.profile"),
        "environment (AWS_PROFILE)"
    );
}

#[test]
fn the_profile_flag_beats_the_environment_and_the_file() {
    let home = Home::new();
    home.write_config("[aws]\nprofile = \"from-file\"\n");

    let output = orgtop(
        &home,
        &["config", "--profile", "y"],
        &[("AWS_PROFILE", "x")],
    );

    let settings = settings(&output);
    assert!(line_of(&settings, "aws.profile").starts_with("aws.profile = \"y\""));
    assert_eq!(origin_of(&settings, "aws.profile"), "flag (--profile)");
}

#[test]
fn the_log_level_comes_from_rust_log_unless_a_flag_says_otherwise() {
    let home = Home::new();
    let rust_log = [("RUST_LOG", "orgtop=debug")];

    let from_environment = settings(&orgtop(&home, &["config"], &rust_log));
    let args = ["--log-level", "warn", "config"];
    let from_flag = settings(&orgtop(&home, &args, &rust_log));

    assert_eq!(
        origin_of(&from_environment, "log.level"),
        "environment (RUST_LOG)"
    );
    assert!(line_of(&from_flag, "log.level").starts_with("log.level = \"warn\""));
    assert_eq!(origin_of(&from_flag, "log.level"), "flag (--log-level)");
}

#[test]
fn a_file_named_by_orgtop_config_is_read_and_its_path_shown() {
    let home = Home::new();
    let path = home.path().join("elsewhere.toml");
    std::fs::write(&path, "[demo]\nlatency_ms = 0\n").expect("the file is written");
    let named = path.display().to_string();

    let output = orgtop(&home, &["config"], &[("ORGTOP_CONFIG", &named)]);

    let settings = settings(&output);
    let heading = settings.lines().next().unwrap_or_default();
    assert!(heading.contains(&named), "{heading}");
    assert!(
        heading.ends_with("(environment (ORGTOP_CONFIG))"),
        "{heading}"
    );
    assert_eq!(origin_of(&settings, "demo.latency_ms"), "file");
}

#[test]
fn the_example_parses_back_into_exactly_the_defaults() {
    let home = Home::new();

    let output = orgtop(&home, &["config", "--example"], &[]);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let example = stdout(&output);
    let parsed = config::parse(&example, Path::new("example.toml"))
        .unwrap_or_else(|error| panic!("{error}\n{example}"));
    assert_eq!(parsed, Config::default());
}

#[test]
fn the_example_explains_every_setting_it_sets() {
    let home = Home::new();

    let example = stdout(&orgtop(&home, &["config", "--example"], &[]));

    let lines: Vec<&str> = example.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let is_setting = !line.starts_with('#') && line.contains(" = ");
        let explained = at > 0 && lines[at - 1].starts_with("# ");
        assert!(!is_setting || explained, "{line} has no comment");
    }
    assert!(example.contains("# profile = "), "{example}");
}

#[test]
fn the_example_is_printed_even_when_the_file_is_broken() {
    let home = Home::new();
    home.write_config("[aws\n");

    let output = orgtop(&home, &["config", "--example"], &[]);

    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
}

#[test]
fn a_broken_file_exits_2_naming_its_path_line_and_column() {
    let home = Home::new();
    let path = home.write_config("[aws]\nretry_mode = adaptive\n");

    let output = orgtop(&home, &["config"], &[]);

    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:2:14", path.display())),
        "{message}"
    );
}
