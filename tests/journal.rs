//! The journal: every confirmed action leaves a `started` line before its
//! call and a `finished` line after it, and `orgtop journal` reads them back
//! without any AWS setup.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use orgtop::clock::FixedClock;
use orgtop::journal::{self, CallError, Entry, Journal, Outcome, Status};
use orgtop::model::action::{Action, InviteTarget, Risk, Warning};
use serde_json::Value;
use tempfile::TempDir;

/// Names the file the child process journals into; unset, the child test
/// does nothing.
const CHILD_JOURNAL: &str = "ORGTOP_TEST_CHILD_JOURNAL";

fn move_account() -> Entry {
    Entry {
        profile: "profile prod · us-east-1".into(),
        caller: Some("arn:aws:sts::111111111111:assumed-role/Admin/ana".into()),
        action: Action::MoveAccount {
            account_id: "222222222222".into(),
            source_parent_id: "ou-ab12-sandbox".into(),
            destination_parent_id: "ou-ab12-workloads".into(),
        },
        warnings: vec![Warning {
            risk: Risk::High,
            message: "the account leaves a registered OU".into(),
            remedy: Some("re-register the OU in Control Tower".into()),
        }],
    }
}

fn detach_full_access() -> Entry {
    Entry {
        profile: "profile prod · us-east-1".into(),
        caller: None,
        action: Action::DetachPolicy {
            policy_id: "p-FullAWSAccess".into(),
            target_id: "ou-ab12-workloads".into(),
        },
        warnings: Vec::new(),
    }
}

fn invite() -> Entry {
    Entry {
        profile: "demo".into(),
        caller: Some("123456789012".into()),
        action: Action::InviteAccount {
            target: InviteTarget::Email("ops@example.com".into()),
            notes: Some("welcome".into()),
        },
        warnings: Vec::new(),
    }
}

fn succeeded(request_id: &str) -> Outcome {
    Outcome::Succeeded {
        request_id: Some(request_id.into()),
    }
}

fn constraint_violation() -> Outcome {
    Outcome::Failed {
        error: CallError {
            code: "ConstraintViolationException".into(),
            message: "the target must keep at least one SCP".into(),
        },
        request_id: Some("req-failed".into()),
    }
}

/// The file's lines, each parsed as JSON.
fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("the journal is written")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

fn journal_in(dir: &TempDir) -> (PathBuf, Journal) {
    let path = dir.path().join("state/orgtop").join(journal::FILE_NAME);
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 5, 4, 9, 30, 0).unwrap());
    let journal = Journal::with_clock(&path, std::sync::Arc::new(clock));
    (path, journal)
}

#[test]
fn each_attempt_writes_a_started_and_a_finished_line_with_the_result_and_request_id() {
    let dir = TempDir::new().unwrap();
    let (path, journal) = journal_in(&dir);

    let moved = journal.started(&move_account()).unwrap();
    journal.finished(&moved, &succeeded("req-moved")).unwrap();
    let detached = journal.started(&detach_full_access()).unwrap();
    journal
        .finished(&detached, &constraint_violation())
        .unwrap();

    let lines = lines(&path);
    assert_eq!(lines.len(), 4);
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["started", "finished", "started", "finished"]);
    assert_eq!(lines[0]["attempt"], moved.as_str());
    assert_eq!(lines[1]["attempt"], moved.as_str());
    assert_eq!(lines[0]["time"], "2026-05-04T09:30:00Z");
    assert_eq!(lines[0]["profile"], "profile prod · us-east-1");
    assert_eq!(
        lines[0]["caller"],
        "arn:aws:sts::111111111111:assumed-role/Admin/ana"
    );
    assert_eq!(lines[0]["action"]["action"], "move_account");
    assert_eq!(
        lines[0]["action"]["destination_parent_id"],
        "ou-ab12-workloads"
    );
    assert_eq!(lines[0]["warnings"][0]["risk"], "high");
    assert!(lines[0].get("result").is_none(), "{}", lines[0]);
    assert_eq!(lines[1]["result"], "succeeded");
    assert_eq!(lines[1]["request_id"], "req-moved");
    assert_eq!(lines[1]["action"], lines[0]["action"]);
    assert!(lines[1].get("error").is_none(), "{}", lines[1]);
    assert_eq!(lines[2]["caller"], Value::Null);
    assert_eq!(lines[3]["result"], "failed");
    assert_eq!(lines[3]["error"]["code"], "ConstraintViolationException");
    assert_eq!(lines[3]["request_id"], "req-failed");

    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.skipped, 0);
    let results: Vec<Status> = contents.attempts.iter().map(|a| a.result).collect();
    assert_eq!(results, [Status::Succeeded, Status::Failed]);
    assert_eq!(contents.attempts[0].action, move_account().action);
    assert_eq!(
        contents.attempts[1].request_id.as_deref(),
        Some("req-failed")
    );
}

#[test]
fn an_attempt_never_finished_reads_back_as_interrupted() {
    let dir = TempDir::new().unwrap();
    let (path, journal) = journal_in(&dir);

    journal.started(&move_account()).unwrap();
    drop(journal);

    let lines = lines(&path);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"], "started");
    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.attempts.len(), 1);
    let attempt = &contents.attempts[0];
    assert_eq!(attempt.result, Status::Interrupted);
    assert_eq!(attempt.finished, None);
    assert_eq!(attempt.request_id, None);
}

#[test]
fn an_attempt_killed_mid_call_leaves_its_started_line_and_reads_back_as_interrupted() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(journal::FILE_NAME);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_starts_an_action_and_hangs_in_its_call"])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_JOURNAL, &path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&path).map_or(true, |text| !text.ends_with('\n')) {
        assert!(Instant::now() < deadline, "the child wrote no started line");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let lines = lines(&path);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "started");
    assert_eq!(lines[0]["action"]["action"], "move_account");
    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.skipped, 0);
    assert_eq!(contents.attempts[0].result, Status::Interrupted);
    assert_eq!(contents.attempts[0].action, move_account().action);

    let journal = Journal::open(&path);
    let next = journal.started(&detach_full_access()).unwrap();
    journal.finished(&next, &succeeded("req-next")).unwrap();
    let results: Vec<Status> = journal::read(&path)
        .unwrap()
        .attempts
        .iter()
        .map(|a| a.result)
        .collect();
    assert_eq!(results, [Status::Interrupted, Status::Succeeded]);
}

/// The child of the test above: starts an action, then hangs "in the call"
/// until it is killed. Without the variable it is an empty test.
#[test]
fn child_starts_an_action_and_hangs_in_its_call() {
    let Some(path) = std::env::var_os(CHILD_JOURNAL) else {
        return;
    };
    let journal = Journal::open(PathBuf::from(path));
    journal.started(&move_account()).unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

#[test]
fn a_damaged_line_is_skipped_and_counted() {
    let dir = TempDir::new().unwrap();
    let (path, journal) = journal_in(&dir);
    let first = journal.started(&move_account()).unwrap();
    journal.finished(&first, &succeeded("req-1")).unwrap();
    let written = std::fs::read(&path).unwrap();
    append(&path, b"this is not JSON\n{\"event\":\"started\"}\n");
    append(&path, &written[..written.len() / 3]);

    let second = journal.started(&detach_full_access()).unwrap();
    journal.finished(&second, &succeeded("req-2")).unwrap();

    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.skipped, 3);
    let requests: Vec<_> = contents
        .attempts
        .iter()
        .map(|a| a.request_id.as_deref())
        .collect();
    assert_eq!(requests, [Some("req-1"), Some("req-2")]);
}

/// Appends `bytes` as they are, the way a crashed or foreign writer might.
fn append(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

#[test]
fn two_attempts_of_the_same_action_keep_distinct_ids() {
    let dir = TempDir::new().unwrap();
    let (path, journal) = journal_in(&dir);

    let first = journal.started(&move_account()).unwrap();
    let second = journal.started(&move_account()).unwrap();
    journal.finished(&second, &constraint_violation()).unwrap();
    journal.finished(&first, &succeeded("req-first")).unwrap();

    assert_ne!(first, second);
    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.attempts.len(), 2);
    assert_eq!(contents.attempts[0].attempt, first);
    assert_eq!(contents.attempts[0].result, Status::Succeeded);
    assert_eq!(contents.attempts[1].attempt, second);
    assert_eq!(contents.attempts[1].result, Status::Failed);
}

#[test]
fn concurrent_writers_keep_distinct_ids_and_whole_lines() {
    let dir = TempDir::new().unwrap();
    let (path, _) = journal_in(&dir);

    std::thread::scope(|scope| {
        for _ in 0..4 {
            let journal = Journal::open(&path);
            scope.spawn(move || {
                for n in 0..25 {
                    let attempt = journal.started(&invite()).unwrap();
                    let request_id = format!("req-{}-{n}", attempt.as_str());
                    journal.finished(&attempt, &succeeded(&request_id)).unwrap();
                }
            });
        }
    });

    let contents = journal::read(&path).unwrap();
    assert_eq!(contents.skipped, 0);
    assert_eq!(contents.attempts.len(), 100);
    let ids: BTreeSet<_> = contents.attempts.iter().map(|a| &a.attempt).collect();
    assert_eq!(ids.len(), 100);
    assert!(
        contents
            .attempts
            .iter()
            .all(|a| a.result == Status::Succeeded)
    );
}

#[test]
fn finishing_an_attempt_this_journal_did_not_start_is_refused() {
    let dir = TempDir::new().unwrap();
    let (path, journal) = journal_in(&dir);
    let attempt = journal.started(&invite()).unwrap();
    journal.finished(&attempt, &succeeded("req")).unwrap();

    let again = journal.finished(&attempt, &succeeded("req"));

    assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(lines(&path).len(), 2);
}

/// Runs the built orgtop in `home` with nothing else in its environment:
/// no AWS profile, region or credentials.
fn orgtop(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

/// A journal in `dir`'s state directory: a move that succeeded, a detach
/// that failed, an invitation interrupted mid-call.
fn three_attempts(dir: &TempDir) {
    let (_, journal) = journal_in(dir);
    let moved = journal.started(&move_account()).unwrap();
    journal.finished(&moved, &succeeded("req-moved")).unwrap();
    let detached = journal.started(&detach_full_access()).unwrap();
    journal
        .finished(&detached, &constraint_violation())
        .unwrap();
    journal.started(&invite()).unwrap();
}

#[test]
fn the_journal_command_prints_the_attempts_as_json_without_any_aws_setup() {
    let home = TempDir::new().unwrap();
    three_attempts(&home);

    let output = orgtop(home.path(), &["journal", "--format", "json"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let attempts: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let results: Vec<&str> = attempts
        .iter()
        .map(|a| a["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["succeeded", "failed", "interrupted"]);
    assert_eq!(attempts[0]["request_id"], "req-moved");
    assert_eq!(attempts[0]["action"]["account_id"], "222222222222");
    assert_eq!(attempts[1]["error"]["code"], "ConstraintViolationException");
    assert_eq!(attempts[2]["request_id"], Value::Null);
}

#[test]
fn the_journal_command_prints_one_row_per_attempt_as_text() {
    let home = TempDir::new().unwrap();
    three_attempts(&home);

    let output = orgtop(home.path(), &["journal"]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert!(rows[0].starts_with("TIME"), "{stdout}");
    assert!(rows[1].starts_with("2026-05-04T09:30:00Z"), "{stdout}");
    assert!(
        rows[1].contains("MoveAccount AccountId=222222222222"),
        "{stdout}"
    );
    assert!(rows[1].contains("succeeded"), "{stdout}");
    assert!(rows[1].ends_with("req-moved"), "{stdout}");
    assert!(
        rows[2].contains("failed: ConstraintViolationException"),
        "{stdout}"
    );
    assert!(rows[3].contains("interrupted"), "{stdout}");
}

#[test]
fn the_journal_command_counts_damaged_lines_on_stderr_and_still_prints() {
    let home = TempDir::new().unwrap();
    three_attempts(&home);
    let (path, _) = journal_in(&home);
    append(&path, b"{\"event\": \"finished\", \"attem\n");

    let output = orgtop(home.path(), &["journal", "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let attempts: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(attempts.len(), 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 damaged line"), "{stderr}");
}
