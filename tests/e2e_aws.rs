//! orgtop end to end against moto, as a person runs it: the built binary,
//! pointed with `--endpoint-url` at a moto server of its own holding an
//! organization the test created, in a fresh home. Every request stays on
//! the loopback.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
use serde_json::Value;

use common::Wire;
use common::console::{STATUS_LINE, TREE_PANE, select, tree_names, tree_shows};
use common::moto::{self, Moto};
use common::pty::keys::RIGHT;
use common::pty::{Home, Pty, Screen};

/// Units created, each under its parent ("" is the root), parents first and
/// siblings out of name order, so orgtop's ordering shows.
const UNITS: [(&str, &str); 7] = [
    ("Workloads", ""),
    ("Security", ""),
    ("Sandbox", ""),
    ("Infrastructure", ""),
    ("Staging", "Workloads"),
    ("Production", "Workloads"),
    ("Payments", "Production"),
];

/// The units directly under the root.
const TOP_LEVEL_UNITS: [&str; 4] = ["Infrastructure", "Sandbox", "Security", "Workloads"];

/// Accounts created outside the sandbox, each in its unit ("" is the root).
const ACCOUNTS: [(&str, &str); 4] = [
    ("shared-services", ""),
    ("network-hub", "Infrastructure"),
    ("log-archive", "Security"),
    ("payments-prod", "Payments"),
];

/// Accounts in the Sandbox unit: one more than a page of 20, so listing
/// them takes two pages.
const SANDBOX_ACCOUNTS: usize = 21;

/// Custom SCPs and the units or accounts they are attached to ("" is the
/// root): on every level from the root down to an account.
const GUARDRAILS: [(&str, &[&str]); 3] = [
    ("DenyLeavingTheOrganization", &["", "Sandbox"]),
    (
        "DenyRegionsOutsideEurope",
        &["Workloads", "Payments", "sandbox-07"],
    ),
    (
        "RequireImdsV2",
        &["Production", "payments-prod", "network-hub"],
    ),
];

const DENY_ALL_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;

/// The SCP moto attaches, as AWS does, to the root and to every unit and
/// account when they are created.
const FULL_AWS_ACCESS: (&str, &str) = ("p-FullAWSAccess", "FullAWSAccess");

/// Timeouts short enough that a failing endpoint shows within seconds.
const IMPATIENT: &str =
    "[aws]\nconnect_timeout_secs = 1\noperation_timeout_secs = 3\nmax_attempts = 1\n";

/// How long a headless run may take before the test gives up on it.
const HEADLESS_PATIENCE: Duration = Duration::from_secs(30);

/// A root, unit or account as created.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    /// "root", "organizational_unit" or "account", as orgtop's JSON says.
    kind: &'static str,
    parent: Option<String>,
    /// Accounts only.
    email: Option<String>,
}

/// An organization as it was created, to compare orgtop's view with.
#[derive(Debug, Default)]
struct Created {
    organization_id: String,
    root_id: String,
    /// Every root, unit and account, by id.
    members: BTreeMap<String, Member>,
    /// SCP names by id.
    policies: BTreeMap<String, String>,
    /// The SCP ids attached to each root, unit or account.
    attachments: BTreeMap<String, BTreeSet<String>>,
}

impl Created {
    /// The id of the root, unit or account called `name` ("" is the root).
    fn id_of(&self, name: &str) -> String {
        if name.is_empty() {
            return self.root_id.clone();
        }
        let found = self.members.iter().find(|(_, m)| m.name == name);
        found
            .map(|(id, _)| id.clone())
            .expect("a member by that name")
    }

    fn account_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.kind == "account")
            .count()
    }

    fn add(&mut self, id: &str, member: Member) {
        self.members.insert(id.to_string(), member);
        self.attach(FULL_AWS_ACCESS.0, id);
    }

    fn attach(&mut self, policy_id: &str, target_id: &str) {
        let attached = self.attachments.entry(target_id.to_string()).or_default();
        attached.insert(policy_id.to_string());
    }

    /// The tree below `id` as [`outline`] writes it: units first, then
    /// accounts, each by name.
    fn outline(&self, id: &str, depth: usize, lines: &mut Vec<String>) {
        let member = &self.members[id];
        let policies = self.attachments.get(id).into_iter().flatten();
        let policies = policies.map(|p| (self.policies[p].clone(), p.clone()));
        lines.push(line(
            depth,
            member.kind,
            id,
            &member.name,
            member.email.as_deref().map(|email| (email, "ACTIVE")),
            policies.collect(),
        ));

        let mut children: Vec<(&String, &Member)> = self
            .members
            .iter()
            .filter(|(_, m)| m.parent.as_deref() == Some(id))
            .collect();
        children.sort_by_key(|(_, m)| (m.kind == "account", m.name.clone()));
        for (child, _) in children {
            self.outline(child, depth + 1, lines);
        }
    }
}

/// One node as a line of an outline: indented by depth, with its kind, id,
/// name, email and state for an account, and SCPs by name.
fn line(
    depth: usize,
    kind: &str,
    id: &str,
    name: &str,
    account: Option<(&str, &str)>,
    mut policies: Vec<(String, String)>,
) -> String {
    policies.sort();
    let policies: Vec<String> = policies
        .iter()
        .map(|(name, id)| format!("{name}={id}"))
        .collect();
    let account = account
        .map(|(email, state)| format!(" <{email}> {state}"))
        .unwrap_or_default();
    format!(
        "{}{kind} {id} {name}{account} [{}]",
        "  ".repeat(depth),
        policies.join(", ")
    )
}

/// The tree `orgtop tree --format json` printed, as an outline in the
/// order printed.
fn outline(node: &Value, depth: usize, lines: &mut Vec<String>) {
    let text = |key: &str| node.get(key).and_then(Value::as_str);
    let field = |key: &str| text(key).unwrap_or_else(|| panic!("no {key} in {node}"));
    let policies = node["policies"].as_array().expect("policies are a list");
    let policies = policies
        .iter()
        .map(|p| (p["name"].as_str(), p["id"].as_str()))
        .map(|(name, id)| (name.expect("a policy name"), id.expect("a policy id")))
        .map(|(name, id)| (name.to_string(), id.to_string()))
        .collect();
    let account = text("email").map(|email| (email, text("state").unwrap_or("?")));
    lines.push(line(
        depth,
        field("kind"),
        field("id"),
        field("name"),
        account,
        policies,
    ));

    let children = node.get("children").and_then(Value::as_array);
    for child in children.into_iter().flatten() {
        outline(child, depth + 1, lines);
    }
}

/// Creates the organization of [`UNITS`], [`ACCOUNTS`], the sandbox
/// accounts and [`GUARDRAILS`] in `moto`, as moto's default account, the
/// one orgtop speaks as.
fn create_organization(moto: &Moto) -> Created {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the SDK");
    runtime.block_on(async {
        let settings = common::settings(&moto.endpoint_url());
        let client = common::client(&settings, &Wire::default()).await;
        let mut created = create_root(&client).await;
        for (name, parent) in UNITS {
            create_unit(&client, &mut created, name, parent).await;
        }
        for (name, unit) in ACCOUNTS {
            create_account(&client, &mut created, name, unit).await;
        }
        // In reverse, so that orgtop's order is its own, not moto's.
        for n in (1..=SANDBOX_ACCOUNTS).rev() {
            let name = format!("sandbox-{n:02}");
            create_account(&client, &mut created, &name, "Sandbox").await;
        }
        for (name, targets) in GUARDRAILS {
            create_guardrail(&client, &mut created, name, targets).await;
        }
        created
    })
}

/// The organization with its root and management account, which moto
/// names `master`.
async fn create_root(client: &Client) -> Created {
    let output = client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("moto creates the organization");
    let organization = output.organization().expect("an organization");
    let roots = client
        .list_roots()
        .send()
        .await
        .expect("moto lists the root");
    let root = &roots.roots()[0];
    let mut created = Created {
        organization_id: organization.id().expect("an id").to_string(),
        root_id: root.id().expect("a root id").to_string(),
        policies: BTreeMap::from([(
            FULL_AWS_ACCESS.0.to_string(),
            FULL_AWS_ACCESS.1.to_string(),
        )]),
        ..Created::default()
    };
    let root_member = Member {
        name: root.name().expect("a root name").to_string(),
        kind: "root",
        parent: None,
        email: None,
    };
    created.add(&created.root_id.clone(), root_member);
    let management = Member {
        name: "master".into(),
        kind: "account",
        parent: Some(created.root_id.clone()),
        email: organization.master_account_email().map(str::to_string),
    };
    let management_id = organization
        .master_account_id()
        .expect("a management account");
    created.add(management_id, management);
    created
}

async fn create_unit(client: &Client, created: &mut Created, name: &str, parent: &str) {
    let parent_id = created.id_of(parent);
    let output = client
        .create_organizational_unit()
        .parent_id(&parent_id)
        .name(name)
        .send()
        .await
        .expect("moto creates the unit");
    let unit = output.organizational_unit().expect("a unit");
    let member = Member {
        name: name.into(),
        kind: "organizational_unit",
        parent: Some(parent_id),
        email: None,
    };
    created.add(unit.id().expect("a unit id"), member);
}

async fn create_account(client: &Client, created: &mut Created, name: &str, unit: &str) {
    let email = format!("{name}@example.com");
    let output = client
        .create_account()
        .account_name(name)
        .email(&email)
        .send()
        .await
        .expect("moto creates the account");
    let status = output.create_account_status().expect("a creation status");
    let id = status.account_id().expect("an account id").to_string();
    let parent_id = created.id_of(unit);
    if parent_id != created.root_id {
        client
            .move_account()
            .account_id(&id)
            .source_parent_id(&created.root_id)
            .destination_parent_id(&parent_id)
            .send()
            .await
            .expect("moto moves the account");
    }
    let member = Member {
        name: name.into(),
        kind: "account",
        parent: Some(parent_id),
        email: Some(email),
    };
    created.add(&id, member);
}

async fn create_guardrail(
    client: &Client,
    created: &mut Created,
    name: &str,
    targets: &[&str],
) {
    let output = client
        .create_policy()
        .name(name)
        .description(format!("{name}, for orgtop's end-to-end tests"))
        .content(DENY_ALL_S3)
        .r#type(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .expect("moto creates the policy");
    let summary = output.policy().and_then(|p| p.policy_summary());
    let policy_id = summary
        .and_then(|s| s.id())
        .expect("a policy id")
        .to_string();
    created.policies.insert(policy_id.clone(), name.into());
    for target in targets {
        let target_id = created.id_of(target);
        client
            .attach_policy()
            .policy_id(&policy_id)
            .target_id(&target_id)
            .send()
            .await
            .expect("moto attaches the policy");
        created.attach(&policy_id, &target_id);
    }
}

/// Dummy credentials and a region in the environment, and no instance
/// metadata service to fall back on.
const CREDENTIALS: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

/// A home with [`IMPATIENT`] settings, and the arguments that point orgtop
/// at `endpoint_url` with them, ahead of `more`.
fn impatient_home(endpoint_url: &str, more: &[&str]) -> (Home, Vec<String>) {
    let home = Home::new();
    let config = home.write_config(IMPATIENT);
    let mut args = vec![
        "--config".to_string(),
        config.display().to_string(),
        "--endpoint-url".to_string(),
        endpoint_url.to_string(),
    ];
    args.extend(more.iter().map(|arg| arg.to_string()));
    (home, args)
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// How a headless run ended and what it printed.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs orgtop headless with `args` in `home`, with only `home`'s
/// variables and `envs` in its environment; fails if it runs longer than
/// [`HEADLESS_PATIENCE`].
fn run_headless(home: &Home, args: &[&str], envs: &[(&str, &str)]) -> Finished {
    let stdout_path = home.path().join("stdout");
    let stderr_path = home.path().join("stderr");
    let output = |path: &Path| File::create(path).expect("an output file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .envs(home.vars())
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(output(&stdout_path))
        .stderr(output(&stderr_path))
        .spawn()
        .expect("orgtop starts");
    let deadline = Instant::now() + HEADLESS_PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("orgtop's status") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orgtop {args:?} still ran after {HEADLESS_PATIENCE:?}");
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

/// The tree pane's row for the node called `name`, badges included.
fn tree_row(screen: &Screen, name: &str) -> Option<String> {
    let rows = screen.rows(TREE_PANE);
    rows.into_iter()
        .find(|row| row.split_whitespace().any(|word| word == name))
}

/// The warm-start cache files in `home`.
/// The warm-start tree caches in `home` (the costs have a cache of their
/// own beside them).
fn cache_files(home: &Home) -> Vec<PathBuf> {
    let dir = home.path().join("cache/orgtop");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.expect("a cache entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("tree-"))
        })
        .collect()
}

/// Waits for the first crawl's cache file to appear in `home`.
fn wait_for_cache(console: &Pty) {
    let deadline = Instant::now() + common::pty::PATIENCE;
    while cache_files(console.home()).is_empty() {
        assert!(
            Instant::now() < deadline,
            "no cache file after {:?}; the screen shows:\n{}",
            common::pty::PATIENCE,
            console.screen_text()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Quits with `q` and checks that orgtop exits cleanly and gives the
/// terminal back as it found it.
fn quit(console: &mut Pty) {
    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "orgtop exited with {status}");
    let screen = console.screen();
    assert!(
        !screen.alternate_screen(),
        "orgtop left the alternate screen on"
    );
    assert!(!screen.hide_cursor(), "orgtop left the cursor hidden");
}

#[test]
fn the_tree_command_prints_exactly_the_organization_created_in_moto_as_json() {
    let moto = Moto::start();
    let created = create_organization(&moto);
    let (home, args) =
        impatient_home(&moto.endpoint_url(), &["tree", "--format", "json"]);

    let finished = run_headless(&home, &strs(&args), &CREDENTIALS);

    assert!(
        finished.status.success(),
        "orgtop exited with {}: {}",
        finished.status,
        finished.stderr
    );
    let printed: Value = serde_json::from_str(&finished.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", finished.stdout));
    let mut shown = Vec::new();
    outline(&printed, 0, &mut shown);
    let mut expected = Vec::new();
    created.outline(&created.root_id, 0, &mut expected);
    assert_eq!(
        shown.join("\n"),
        expected.join("\n"),
        "\nprinted (left) and created (right) differ"
    );
}

#[test]
fn the_console_shows_the_organization_created_in_moto() {
    let moto = Moto::start();
    let created = create_organization(&moto);
    let (home, args) = impatient_home(&moto.endpoint_url(), &[]);

    let mut console = Pty::spawn_in(home, &strs(&args), &CREDENTIALS);

    console.wait_for("the top-level units and the organization id", |screen| {
        tree_shows(screen, &TOP_LEVEL_UNITS)
            && screen.row(STATUS_LINE).contains(&created.organization_id)
    });
    // A unit whose accounts have not arrived yet has nothing to expand.
    let accounts = format!("{} acct", created.account_count());
    console.wait_for(&format!("{accounts} on the root's row"), |screen| {
        tree_row(screen, "Root").is_some_and(|row| row.contains(&accounts))
    });
    select(&mut console, "Security");
    console.send(RIGHT);
    console.wait_for("log-archive under the expanded Security unit", |screen| {
        let names = tree_names(screen);
        let security = names.iter().position(|n| n == "Security");
        let account = names.iter().position(|n| n == "log-archive");
        matches!((security, account), (Some(s), Some(a)) if a == s + 1)
    });
    quit(&mut console);
}

#[test]
fn a_second_start_with_moto_gone_shows_the_cached_tree_and_the_failed_refresh() {
    let moto = Moto::start();
    create_organization(&moto);
    let endpoint_url = moto.endpoint_url();
    let (home, args) = impatient_home(&endpoint_url, &[]);
    let mut console = Pty::spawn_in(home, &strs(&args), &CREDENTIALS);
    console.wait_for("the top-level units", |screen| {
        tree_shows(screen, &TOP_LEVEL_UNITS)
    });
    wait_for_cache(&console);
    quit(&mut console);
    let home = console.into_home();
    assert_eq!(cache_files(&home).len(), 1, "{:?}", cache_files(&home));
    // The cache belongs to the endpoint URL: the second start keeps it, and
    // nothing listens there any more.
    drop(moto);

    let started = Instant::now();
    let mut console = Pty::spawn_in(home, &strs(&args), &CREDENTIALS);

    console.wait_for("the cached tree, marked cached", |screen| {
        tree_shows(screen, &TOP_LEVEL_UNITS) && screen.row(STATUS_LINE).contains("cached")
    });
    // Connect 1 s, operation 3 s, one attempt: the refresh has failed well
    // within 5 s of the start.
    let failed = console.wait_for_within(
        Duration::from_secs(5).saturating_sub(started.elapsed()),
        "the failed refresh in the status line",
        |screen| screen.row(STATUS_LINE).contains("failed"),
    );
    assert!(
        tree_shows(&failed, &TOP_LEVEL_UNITS),
        "the failed refresh took the tree away:\n{}",
        failed.rows(TREE_PANE).join("\n")
    );
    quit(&mut console);
}

#[test]
fn without_credentials_the_tree_command_exits_2_suggesting_the_demo_or_a_profile() {
    let home = Home::new();
    let nowhere = |file: &str| home.path().join("nowhere").join(file);
    let (config_file, credentials_file) = (nowhere("config"), nowhere("credentials"));
    let port = moto::free_port().expect("a free loopback port");
    let endpoint_url = format!("http://127.0.0.1:{port}");
    let envs = [
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", &config_file.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            &credentials_file.display().to_string(),
        ),
    ];

    let finished = run_headless(&home, &["--endpoint-url", &endpoint_url, "tree"], &envs);

    assert_eq!(
        finished.status.code(),
        Some(2),
        "stderr: {}",
        finished.stderr
    );
    assert!(finished.stdout.is_empty(), "stdout: {}", finished.stdout);
    let message = finished.stderr.trim_end();
    assert!(
        (1..=2).contains(&message.lines().count()),
        "not one or two lines: {message}"
    );
    assert!(message.contains("--demo"), "{message}");
    assert!(message.contains("--profile"), "{message}");
    for sign_of_a_crash in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!message.contains(sign_of_a_crash), "{message}");
    }
}
