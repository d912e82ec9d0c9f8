//! The binary's refusals: what orgtop says, and the status it exits with,
//! when it cannot start, before it touches the terminal.

mod common;

use std::process::{Command, Output};

use common::pty::Home;

/// Runs orgtop with `args` in `home`, with an environment that holds
/// nothing else: no AWS settings, no `RUST_LOG`.
fn orgtop(home: &Home, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .envs(home.vars())
        // Were orgtop ever to look for credentials here, it must not wait on
        // the instance metadata service of whatever machine runs the tests.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("orgtop runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that orgtop refused to start with status 2, saying so on stderr
/// and writing nothing to the terminal.
fn assert_refused(output: &Output) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert!(
        output.stdout.is_empty(),
        "orgtop wrote to the terminal: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn an_unknown_key_in_the_config_file_stops_orgtop_naming_its_path_line_and_column() {
    let home = Home::new();
    let path = home.write_config("[log]\nlevel = \"debug\"\n\n[demo]\nlatency = 3\n");

    let output = orgtop(&home, &["--demo"]);

    assert_refused(&output);
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:5:1", path.display())),
        "{message}"
    );
    assert!(
        message.contains("latency"),
        "the unknown key is not named: {message}"
    );
}

#[test]
fn a_syntax_error_in_the_config_file_stops_orgtop_naming_its_path_line_and_column() {
    let home = Home::new();
    let path = home.write_config("[demo]\nlatency_ms = 8\n\n[crawl\nconcurrency = 2\n");

    let output = orgtop(&home, &["--demo"]);

    assert_refused(&output);
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:4:7", path.display())),
        "{message}"
    );
}

#[test]
fn without_demo_or_aws_setup_the_tree_command_exits_2_suggesting_the_demo() {
    let home = Home::new();

    let output = orgtop(&home, &["tree"]);

    assert_refused(&output);
    let message = stderr(&output);
    assert!(message.contains("--demo"), "{message}");
    assert!(
        message.lines().count() <= 2,
        "more than two lines: {message}"
    );
}

#[test]
fn a_configuration_file_named_but_missing_stops_orgtop_instead_of_using_defaults() {
    let home = Home::new();
    let missing = home.path().join("typo.toml").display().to_string();
    let output = orgtop(&home, &["--config", &missing, "--demo", "tree"]);
    assert_refused(&output);
    let message = stderr(&output);
    assert!(message.contains("typo.toml does not exist"), "{message}");
}

#[test]
fn a_setting_that_parses_but_makes_no_sense_is_refused_by_name() {
    let home = Home::new();
    home.write_config("[cost]\nmonths = 100000\n");
    let output = orgtop(&home, &["--demo", "cost"]);
    assert_refused(&output);
    let message = stderr(&output);
    assert!(message.contains("cost.months is 100000"), "{message}");
}
