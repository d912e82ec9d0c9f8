//! What the drift engine costs over a large organization governed by
//! Control Tower: 50,000 member accounts in the demo generator's shape
//! (`generated(50_000, 20)`: 5,001 OUs, two and a half times the issue's
//! 2,000, so an upper bound for it), every OU registered with its own
//! managed `aws-guardrails-*` SCP and ten enabled controls, every account
//! enrolled, and a few controls drifted. The policy documents are read, as
//! the crawl reads them.
//!
//! The console evaluates drift on its UI thread when a crawl or Control
//! Tower's read ends, so one evaluation must stay a small fraction of a
//! frame at 60 Hz (16.7 ms).
//!
//! Run with `cargo bench --bench drift`.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use divan::{Bencher, black_box};
use orgtop::model::control_tower::{
    ControlTower, ControlTowerState, DriftStatus, EnabledBaseline, EnabledControl,
    LandingZone, LandingZoneManifest,
};
use orgtop::model::drift::{self, CONTROL_TOWER_SERVICE, DriftInput, DriftMemory};
use orgtop::model::{
    Account, AccountState, JoinedMethod, Node, NodeKind, Org, Policy, PolicySummary,
    PolicyType,
};
use orgtop::provider::demo::{self, DemoProvider, DemoState};

/// Member accounts in the generated organization.
const ACCOUNTS: usize = 50_000;

/// Custom SCPs besides the managed ones, two of them on every OU.
const POLICIES: usize = 20;

/// Controls enabled on every registered OU.
const CONTROLS_PER_UNIT: usize = 10;

/// One OU in this many has a drifted control.
const DRIFTED_EVERY: usize = 1_000;

/// SCPs one target may carry (`[organizations] scp_attachment_limit`).
const SCP_LIMIT: usize = 10;

/// Control Tower's home region.
const REGION: &str = "us-east-1";

/// The top-level OU the landing zone names as its Security OU; it holds
/// the shared accounts.
const SECURITY_OU: &str = "Group 0000";

/// The shared accounts, added to the generated organization.
const LOG_ARCHIVE: (&str, &str) = ("300000000001", "log-archive");
const AUDIT: (&str, &str) = ("300000000002", "audit");

fn main() {
    divan::main();
}

/// The pure engine, `drift::evaluate`, with every managed SCP known.
#[divan::bench]
fn engine(bencher: Bencher) {
    let fixture = fixture();
    let input = DriftInput {
        org: &fixture.org,
        control_tower: &fixture.control_tower,
        known_guardrails: &fixture.remembered.guardrail_digests,
        scp_limit: SCP_LIMIT,
        now: read_at(),
    };
    bencher.bench_local(|| drift::evaluate(black_box(&input)));
}

/// `DriftMemory::evaluate` as the console runs it after each refresh: the
/// engine, then first-seen times stamped and managed SCPs remembered.
#[divan::bench]
fn memory_after_a_refresh(bencher: Bencher) {
    let fixture = fixture();
    let mut memory = fixture.remembered.clone();
    bencher.bench_local(|| {
        memory.evaluate(
            black_box(&fixture.org),
            &fixture.control_tower,
            SCP_LIMIT,
            read_at(),
        )
    });
}

/// `DriftMemory::evaluate` with nothing remembered yet, as on the first
/// start: every managed SCP's digest is taken.
#[divan::bench]
fn memory_on_first_start(bencher: Bencher) {
    let fixture = fixture();
    bencher
        .with_inputs(DriftMemory::default)
        .bench_local_values(|mut memory| {
            let report = memory.evaluate(
                black_box(&fixture.org),
                &fixture.control_tower,
                SCP_LIMIT,
                read_at(),
            );
            (memory, report)
        });
}

/// The organization and Control Tower's state, built once.
struct Fixture {
    org: Org,
    control_tower: ControlTower,
    /// The memory after one evaluation: every managed SCP known.
    remembered: DriftMemory,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let org = crawl(governed_organization());
        let control_tower = ControlTower::Available(Box::new(control_tower(&org)));
        let mut remembered = DriftMemory::default();
        let report = remembered.evaluate(&org, &control_tower, SCP_LIMIT, read_at());
        eprintln!(
            "{} accounts, {} OUs, {} policies; {} findings, {} rules skipped",
            org.account_count(),
            org.organizational_unit_count(),
            org.policies().len(),
            report.findings.len(),
            report.skipped_rules.len()
        );
        Fixture {
            org,
            control_tower,
            remembered,
        }
    })
}

/// The generated organization with what Control Tower adds to it: a
/// managed SCP on every OU, the shared accounts in the Security OU, and
/// trusted access.
fn governed_organization() -> DemoState {
    let mut state = demo::generated(ACCOUNTS, POLICIES);
    let mut units: Vec<(String, String)> = state
        .units
        .values()
        .map(|unit| (unit.name.clone(), unit.id.clone()))
        .collect();
    units.sort();
    for (n, (_, unit)) in units.iter().enumerate() {
        let policy = managed_scp(n);
        let id = policy.summary.id.clone();
        state.add_policy(policy);
        state.attach(&id, unit);
    }

    let security = units
        .iter()
        .find(|(name, _)| name == SECURITY_OU)
        .map(|(_, id)| id.clone())
        .expect("the generator makes a Group 0000");
    for (id, name) in [LOG_ARCHIVE, AUDIT] {
        state.add_account(&security, account(id, name));
        state.attach("p-FullAWSAccess", id);
    }
    state.trusted_services = vec![CONTROL_TOWER_SERVICE.to_string()];
    state
}

/// The managed SCP Control Tower puts on the `n`th registered OU, about
/// 2 KB like the real ones: deny statements that spare Control Tower's own
/// execution role.
fn managed_scp(n: usize) -> Policy {
    let protected = [
        "cloudtrail:DeleteTrail",
        "cloudtrail:StopLogging",
        "config:DeleteConfigRule",
        "config:StopConfigurationRecorder",
        "iam:DeleteRole",
        "lambda:DeleteFunction",
        "logs:DeleteLogGroup",
        "s3:PutBucketPolicy",
        "sns:DeleteTopic",
        "events:DeleteRule",
    ];
    let statements: Vec<String> = protected
        .iter()
        .enumerate()
        .map(|(s, action)| {
            format!(
                r#"{{"Sid":"GRPROTECT{s:02}","Effect":"Deny","Action":["{action}"],"Resource":["arn:aws:*:*:*:*aws-controltower-*"],"Condition":{{"ArnNotLike":{{"aws:PrincipalARN":"arn:aws:iam::*:role/AWSControlTowerExecution"}}}}}}"#
            )
        })
        .collect();
    let name = format!("aws-guardrails-{n:06}");
    Policy {
        summary: PolicySummary {
            id: format!("p-ctguard{n:06}"),
            arn: String::new(),
            description: format!("{name} (managed by Control Tower)"),
            name,
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed: false,
        },
        content: format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        ),
    }
}

fn account(id: &str, name: &str) -> Account {
    Account {
        id: id.into(),
        arn: String::new(),
        name: name.into(),
        email: format!("{name}@example.com"),
        state: AccountState::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: read_at(),
    }
}

/// Reads `state` through the demo provider, as the console would.
fn crawl(state: DemoState) -> Org {
    let provider = DemoProvider::new(state, Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    runtime
        .block_on(orgtop::crawl::load(&provider))
        .expect("the demo organization can be read")
}

/// Control Tower's view of `org`: every OU registered, every account in an
/// OU enrolled under it, ten controls on every OU, a few of them drifted.
fn control_tower(org: &Org) -> ControlTowerState {
    let management = &org
        .organization
        .as_ref()
        .expect("the organization is read")
        .management_account_id;
    let units = || {
        org.nodes()
            .filter(|(_, n)| n.kind == NodeKind::OrganizationalUnit)
    };

    let mut baselines = Vec::new();
    let mut baseline_of = HashMap::new();
    let mut controls = Vec::new();
    for (n, (idx, unit)) in units().enumerate() {
        let baseline = enabled_baseline(management, unit, None);
        baseline_of.insert(idx, baseline.arn.clone());
        baselines.push(baseline);
        let drifted = n % DRIFTED_EVERY == 0;
        controls.extend(
            (0..CONTROLS_PER_UNIT)
                .map(|c| enabled_control(management, unit, c, drifted && c == 0)),
        );
    }
    for (_, node) in org.nodes() {
        let parent = node.parent.and_then(|p| baseline_of.get(&p));
        if let (Some(parent), NodeKind::Account(_)) = (parent, &node.kind) {
            baselines.push(enabled_baseline(management, node, Some(parent.clone())));
        }
    }

    ControlTowerState {
        landing_zone: Some(landing_zone(management)),
        baselines,
        controls,
    }
}

fn landing_zone(management: &str) -> LandingZone {
    LandingZone {
        arn: format!("arn:aws:controltower:{REGION}:{management}:landingzone/BENCH"),
        version: "3.3".into(),
        latest_available_version: Some("3.3".into()),
        status: "ACTIVE".into(),
        drift_status: DriftStatus::InSync,
        manifest: LandingZoneManifest {
            security_ou_name: Some(SECURITY_OU.into()),
            sandbox_ou_name: None,
            log_archive_account_id: Some(LOG_ARCHIVE.0.into()),
            audit_account_id: Some(AUDIT.0.into()),
            governed_regions: vec![REGION.into(), "eu-west-1".into()],
        },
    }
}

/// Control Tower's baseline on `node`; an account's names its OU's as its
/// parent.
fn enabled_baseline(
    management: &str,
    node: &Node,
    parent: Option<String>,
) -> EnabledBaseline {
    EnabledBaseline {
        arn: format!(
            "arn:aws:controltower:{REGION}:{management}:enabledbaseline/{}",
            node.id
        ),
        baseline_identifier: format!(
            "arn:aws:controltower:{REGION}::baseline/17BSJV3IGJ2QSGA2"
        ),
        target_identifier: node.arn.clone(),
        parent_identifier: parent,
        status: "SUCCEEDED".into(),
        inheritance_drift: Some(DriftStatus::InSync),
    }
}

/// The `c`th control enabled on `unit`; a drifted one has drifted
/// resources.
fn enabled_control(
    management: &str,
    unit: &Node,
    c: usize,
    drifted: bool,
) -> EnabledControl {
    let (drift_status, resource_drift) = if drifted {
        (DriftStatus::Drifted, Some(DriftStatus::Drifted))
    } else {
        (DriftStatus::InSync, Some(DriftStatus::InSync))
    };
    EnabledControl {
        arn: format!(
            "arn:aws:controltower:{REGION}:{management}:enabledcontrol/{}-{c:02}",
            unit.id
        ),
        control_identifier: format!(
            "arn:aws:controlcatalog:::control/BENCHCONTROL{c:02}"
        ),
        target_identifier: unit.arn.clone(),
        status: "SUCCEEDED".into(),
        drift_status,
        inheritance_drift: Some(DriftStatus::InSync),
        resource_drift,
    }
}

/// When the organization was read; the clock stands still there.
fn read_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .expect("a valid date")
}
