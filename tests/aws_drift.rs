//! `orgtop drift` against moto, which has no Control Tower: the built
//! binary, pointed with `--endpoint-url` at a moto server of its own, finds
//! the drift that Organizations data alone shows, says why Control Tower
//! could not be read, and names the rules it had to skip. Every request
//! stays on the loopback.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
use serde_json::Value;

use common::Wire;
use common::moto::Moto;
use common::pty::Home;

/// Denies everything: a unit left with only this SCP can do nothing.
const DENY_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

/// The SCP moto attaches, as AWS does, to every new root, unit and account.
const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";

/// SCPs one target may carry by default (`[organizations]
/// scp_attachment_limit`).
const SCP_LIMIT: usize = 10;

/// The rules that need Control Tower's state, which moto cannot give.
const CONTROL_TOWER_RULES: [&str; 11] = [
    "LANDING_ZONE_DRIFTED",
    "CONTROL_DRIFTED",
    "BASELINE_INHERITANCE_DRIFT",
    "ACCOUNT_MOVED_BETWEEN_OUS",
    "ACCOUNT_REMOVED_FROM_ORGANIZATION",
    "TRUSTED_ACCESS_DISABLED",
    "SCP_DETACHED_FROM_OU",
    "SCP_UPDATED",
    "ORGANIZATIONAL_UNIT_DELETED",
    "SHARED_ACCOUNT_OUTSIDE_SECURITY_OU",
    "GUARDRAIL_SCP_ON_UNREGISTERED_TARGET",
];

/// The fields the issue asks of every finding.
const FINDING_FIELDS: [&str; 7] = [
    "kind",
    "severity",
    "target",
    "detail",
    "remediation",
    "source",
    "first_seen",
];

/// One attempt per call and short timeouts, so that Control Tower's
/// failure, and any other, shows within seconds.
const IMPATIENT: &str =
    "[aws]\nmax_attempts = 1\nconnect_timeout_secs = 2\noperation_timeout_secs = 10\n";

/// Dummy credentials and a region in the environment, and no instance
/// metadata service to fall back on.
const CREDENTIALS: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

/// How long one run of `orgtop drift` may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(30);

/// The units of the drifted organization, by their ids.
struct DriftedOrganization {
    /// Holds two accounts; its FullAWSAccess was replaced by a deny-all SCP.
    deny_only: String,
    /// Carries FullAWSAccess and nine custom SCPs: the attachment limit.
    crowded: String,
    /// Carries only FullAWSAccess, and holds an account.
    ordinary: String,
}

/// Creates, as moto's default account (the one orgtop speaks as), an
/// organization with a deny-only unit of two accounts, a unit at the SCP
/// attachment limit, and an ordinary unit.
fn create_drifted_organization(moto: &Moto) -> DriftedOrganization {
    in_moto(moto, |client| async move {
        let root = create_root(&client).await;

        let deny_only = create_unit(&client, &root, "Quarantine").await;
        for name in ["quarantined-1", "quarantined-2"] {
            create_account(&client, &root, &deny_only, name).await;
        }
        let deny_all = create_policy(&client, "DenyAll", DENY_ALL).await;
        attach(&client, &deny_all, &deny_only).await;
        detach(&client, FULL_AWS_ACCESS, &deny_only).await;

        let crowded = create_unit(&client, &root, "Crowded").await;
        for n in 1..SCP_LIMIT {
            let content = deny_one_service(n);
            let policy =
                create_policy(&client, &format!("DenyService{n}"), &content).await;
            attach(&client, &policy, &crowded).await;
        }

        let ordinary = create_unit(&client, &root, "Workloads").await;
        create_account(&client, &root, &ordinary, "workload-1").await;

        DriftedOrganization {
            deny_only,
            crowded,
            ordinary,
        }
    })
}

/// Creates an organization with one unit holding one account, each with
/// FullAWSAccess, as AWS leaves them: nothing has drifted.
fn create_clean_organization(moto: &Moto) {
    in_moto(moto, |client| async move {
        let root = create_root(&client).await;
        let unit = create_unit(&client, &root, "Workloads").await;
        create_account(&client, &root, &unit, "workload-1").await;
    });
}

/// Runs `setup` with an SDK client for `moto`, on a runtime of its own.
fn in_moto<F, T>(moto: &Moto, setup: impl FnOnce(Client) -> F) -> T
where
    F: Future<Output = T>,
{
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the SDK");
    runtime.block_on(async {
        let settings = common::settings(&moto.endpoint_url());
        let client = common::client(&settings, &Wire::default()).await;
        setup(client).await
    })
}

/// Creates the organization; returns its root's id.
async fn create_root(client: &Client) -> String {
    client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("moto creates the organization");
    let roots = client
        .list_roots()
        .send()
        .await
        .expect("moto lists the root");
    roots.roots()[0].id().expect("a root id").to_string()
}

async fn create_unit(client: &Client, root: &str, name: &str) -> String {
    let output = client
        .create_organizational_unit()
        .parent_id(root)
        .name(name)
        .send()
        .await
        .expect("moto creates the unit");
    let unit = output.organizational_unit().expect("a unit");
    unit.id().expect("a unit id").to_string()
}

/// Creates an account, which starts under the root, and moves it to `unit`.
async fn create_account(client: &Client, root: &str, unit: &str, name: &str) {
    let output = client
        .create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .expect("moto creates the account");
    let status = output.create_account_status().expect("a creation status");
    let id = status.account_id().expect("an account id");
    client
        .move_account()
        .account_id(id)
        .source_parent_id(root)
        .destination_parent_id(unit)
        .send()
        .await
        .expect("moto moves the account");
}

/// Creates a service control policy; returns its id.
async fn create_policy(client: &Client, name: &str, content: &str) -> String {
    let output = client
        .create_policy()
        .name(name)
        .description(format!("{name}, for orgtop's drift tests"))
        .content(content)
        .r#type(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .expect("moto creates the policy");
    let summary = output.policy().and_then(|p| p.policy_summary());
    summary
        .and_then(|s| s.id())
        .expect("a policy id")
        .to_string()
}

async fn attach(client: &Client, policy: &str, target: &str) {
    client
        .attach_policy()
        .policy_id(policy)
        .target_id(target)
        .send()
        .await
        .expect("moto attaches the policy");
}

async fn detach(client: &Client, policy: &str, target: &str) {
    client
        .detach_policy()
        .policy_id(policy)
        .target_id(target)
        .send()
        .await
        .expect("moto detaches the policy");
}

/// A deny statement for one made-up service: a custom SCP that is neither
/// FullAWSAccess nor deny-all.
fn deny_one_service(n: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"service{n}:*","Resource":"*"}}]}}"#
    )
}

/// A fresh home whose configuration file holds [`IMPATIENT`].
fn impatient_home() -> Home {
    let home = Home::new();
    home.write_config(IMPATIENT);
    home
}

/// How a run of orgtop ended and what it printed.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    /// The output as JSON; fails showing both streams if it is not.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `orgtop --config … --endpoint-url … drift` with `args` in `home`,
/// with nothing in its environment but `home`'s directories and
/// [`CREDENTIALS`]; fails if it runs longer than [`PATIENCE`].
fn drift(moto: &Moto, home: &Home, args: &[&str]) -> Finished {
    let stdout_path = home.path().join("stdout");
    let stderr_path = home.path().join("stderr");
    let output = |path: &Path| File::create(path).expect("an output file");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .arg("--config")
        .arg(home.config_file())
        .args(["--endpoint-url", &moto.endpoint_url(), "drift"])
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .envs(home.vars())
        .envs(CREDENTIALS)
        .stdin(Stdio::null())
        .stdout(output(&stdout_path))
        .stderr(output(&stderr_path))
        .spawn()
        .expect("orgtop starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("orgtop's status") {
            break status;
        }
        if started.elapsed() >= PATIENCE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orgtop drift {args:?} still ran after {PATIENCE:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let read = |path: &Path| std::fs::read_to_string(path).expect("the output is text");
    Finished {
        status,
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
    }
}

/// The findings of a `--format json` report.
fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array in {report:#}"))
}

/// The findings on `target`, by kind.
fn findings_on<'a>(report: &'a Value, target: &str) -> BTreeMap<&'a str, &'a Value> {
    findings(report)
        .iter()
        .filter(|f| f["target"] == target)
        .map(|f| (f["kind"].as_str().expect("a kind"), f))
        .collect()
}

/// Each finding's first-seen time, by kind and target.
fn first_seen(report: &Value) -> BTreeMap<(String, String), String> {
    findings(report)
        .iter()
        .map(|f| {
            let text = |field: &str| f[field].as_str().unwrap_or_default().to_string();
            ((text("kind"), text("target")), text("first_seen"))
        })
        .collect()
}

#[test]
fn a_unit_left_with_only_a_deny_scp_is_a_critical_no_allow_path_naming_its_accounts() {
    let moto = Moto::start();
    let organization = create_drifted_organization(&moto);

    let run = drift(&moto, &impatient_home(), &["--format", "json"]);

    assert!(run.status.success(), "{}", run.stderr);
    let report = run.json();
    let on_unit = findings_on(&report, &organization.deny_only);
    let finding = on_unit
        .get("NO_ALLOW_PATH")
        .unwrap_or_else(|| panic!("no NO_ALLOW_PATH on the deny-only unit: {report:#}"));
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["source"], "organizations");
    let detail = finding["detail"].as_str().expect("a detail");
    assert!(detail.contains("2 accounts"), "{detail}");
}

#[test]
fn a_unit_with_ten_scps_is_at_the_attachment_limit_and_an_ordinary_one_is_clean() {
    let moto = Moto::start();
    let organization = create_drifted_organization(&moto);

    let run = drift(&moto, &impatient_home(), &["--format", "json"]);

    assert!(run.status.success(), "{}", run.stderr);
    let report = run.json();
    let on_crowded = findings_on(&report, &organization.crowded);
    let finding = on_crowded.get("SCP_LIMIT_REACHED").unwrap_or_else(|| {
        panic!("no SCP_LIMIT_REACHED on the crowded unit: {report:#}")
    });
    assert_eq!(finding["severity"], "low");
    assert_eq!(finding["source"], "organizations");
    assert_eq!(findings_on(&report, &organization.ordinary).len(), 0);

    let found: BTreeSet<(&str, &str)> = findings(&report)
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["target"].as_str().unwrap()))
        .collect();
    let expected = BTreeSet::from([
        ("NO_ALLOW_PATH", organization.deny_only.as_str()),
        ("SCP_LIMIT_REACHED", organization.crowded.as_str()),
    ]);
    assert_eq!(found, expected, "{report:#}");
}

#[test]
fn without_control_tower_the_report_says_why_and_lists_the_eleven_rules_it_skipped() {
    let moto = Moto::start();
    create_drifted_organization(&moto);

    let run = drift(&moto, &impatient_home(), &["--format", "json"]);

    assert!(run.status.success(), "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["control_tower"]["available"], false, "{report:#}");
    let reason = report["control_tower"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(!reason.is_empty(), "no reason: {report:#}");

    let skipped = report["skipped_rules"].as_array().expect("skipped rules");
    let kinds: BTreeSet<&str> = skipped
        .iter()
        .map(|rule| rule["kind"].as_str().expect("a kind"))
        .collect();
    assert_eq!(kinds, BTreeSet::from(CONTROL_TOWER_RULES));
    assert_eq!(skipped.len(), CONTROL_TOWER_RULES.len(), "{report:#}");
    for rule in skipped {
        assert_ne!(rule["reason"].as_str().unwrap_or_default(), "", "{rule:#}");
    }
}

#[test]
fn every_finding_carries_kind_severity_target_detail_remediation_source_and_first_seen() {
    let moto = Moto::start();
    create_drifted_organization(&moto);

    let run = drift(&moto, &impatient_home(), &["--format", "json"]);

    assert!(run.status.success(), "{}", run.stderr);
    let report = run.json();
    assert!(!findings(&report).is_empty(), "{report:#}");
    for finding in findings(&report) {
        for field in FINDING_FIELDS {
            let value = finding[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "no {field} in {finding:#}");
        }
        let first_seen = finding["first_seen"].as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(first_seen).is_ok(),
            "first_seen is not a time: {first_seen}"
        );
    }
}

#[test]
fn exit_code_with_min_severity_critical_is_1_when_a_unit_has_no_allow_path() {
    let moto = Moto::start();
    create_drifted_organization(&moto);

    let args = [
        "--exit-code",
        "--min-severity",
        "critical",
        "--format",
        "json",
    ];
    let run = drift(&moto, &impatient_home(), &args);

    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    let report = run.json();
    assert!(!findings(&report).is_empty(), "{report:#}");
    for finding in findings(&report) {
        assert_eq!(finding["severity"], "critical", "{finding:#}");
    }
}

#[test]
fn exit_code_is_0_for_an_organization_without_drift() {
    let moto = Moto::start();
    create_clean_organization(&moto);

    let run = drift(
        &moto,
        &impatient_home(),
        &["--exit-code", "--format", "json"],
    );

    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    let report = run.json();
    assert_eq!(findings(&report).len(), 0, "{report:#}");
    assert_eq!(report["control_tower"]["available"], false, "{report:#}");
}

#[test]
fn a_second_run_keeps_when_each_finding_was_first_seen_in_the_state_directory() {
    let moto = Moto::start();
    create_drifted_organization(&moto);
    let home = impatient_home();

    let first = drift(&moto, &home, &["--format", "json"]);
    let second = drift(&moto, &home, &["--format", "json"]);

    assert!(first.status.success(), "{}", first.stderr);
    assert!(second.status.success(), "{}", second.stderr);
    let before = first_seen(&first.json());
    assert_eq!(before.len(), 2, "{}", first.stdout);
    assert_eq!(first_seen(&second.json()), before);
    let state = home.path().join("state/orgtop");
    let kept = std::fs::read_dir(&state)
        .expect("orgtop has a state directory")
        .filter_map(Result::ok)
        .any(|entry| entry.file_name().to_string_lossy().starts_with("drift"));
    assert!(kept, "no drift memory in {}", state.display());
}
