//! The drift engine, rule by rule: each rule on a small organization
//! governed by Control Tower, once where it fires and once where it nearly
//! does but must not.
//!
//! Every test starts from [`Spec::governed`], an organization with no drift
//! at all, changes one thing, and reads the report.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, TimeZone, Utc};
use orgtop::model::control_tower::{
    ControlTower, ControlTowerState, DriftStatus, EnabledBaseline, EnabledControl,
    LandingZone, LandingZoneManifest,
};
use orgtop::model::drift::{
    self, DriftInput, DriftReport, Finding, FindingKind, Severity, Source,
};
use orgtop::model::{
    Account, AccountState, JoinedMethod, Org, Organization, OrganizationalUnit,
    PolicySummary, PolicyType, Root,
};

const ORG_ID: &str = "o-abc";
const MANAGEMENT: &str = "111111111111";
const LOG_ARCHIVE: &str = "222222222222";
const AUDIT: &str = "333333333333";
const PAYMENTS: &str = "444444444444";
const ROOT: &str = "r-ab12";
const SECURITY: &str = "ou-ab12-security";
const SANDBOX: &str = "ou-ab12-sandbox1";
const WORKLOADS: &str = "ou-ab12-workload";
const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
const LANDING_ZONE: &str =
    "arn:aws:controltower:us-east-1:111111111111:landingzone/1A2B3C4D5E6F7G8H";
const BASELINE: &str = "arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2";
const DEFAULT_SCP_LIMIT: usize = 5;

const DENY_LEAVING: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
  ]
}"#;

const ALLOW_EC2: &str = r#"{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
}"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()
}

/// An organization and Control Tower's view of it, as plain data that a
/// test edits before building the inputs of the engine.
struct Spec {
    units: Vec<Unit>,
    accounts: Vec<Member>,
    policies: Vec<(PolicySummary, Option<String>)>,
    attachments: Vec<(String, String)>,
    failed: Vec<String>,
    trusted_services: Option<Vec<String>>,
    control_tower: ControlTowerState,
    known_guardrails: HashMap<String, String>,
    scp_limit: usize,
}

struct Unit {
    id: String,
    name: String,
    parent: String,
}

struct Member {
    id: String,
    name: String,
    parent: String,
}

impl Spec {
    /// A root; Security (Log Archive, Audit), Sandbox and Workloads (Payments
    /// Prod) registered with Control Tower, each with its own managed SCP;
    /// FullAWSAccess attached everywhere; every member account enrolled; a
    /// landing zone in sync and two controls in sync on Workloads.
    fn governed() -> Self {
        let mut spec = Spec {
            units: Vec::new(),
            accounts: Vec::new(),
            policies: Vec::new(),
            attachments: Vec::new(),
            failed: Vec::new(),
            trusted_services: Some(vec![
                "controltower.amazonaws.com".into(),
                "sso.amazonaws.com".into(),
            ]),
            control_tower: ControlTowerState {
                landing_zone: Some(landing_zone()),
                baselines: Vec::new(),
                controls: Vec::new(),
            },
            known_guardrails: HashMap::new(),
            scp_limit: DEFAULT_SCP_LIMIT,
        };
        spec.policies.push((full_aws_access(), None));
        spec.attach(FULL_AWS_ACCESS, ROOT);
        spec.add_account(ROOT, MANAGEMENT, "Management");

        for (id, name) in [
            (SECURITY, "Security"),
            (SANDBOX, "Sandbox"),
            (WORKLOADS, "Workloads"),
        ] {
            spec.add_unit(ROOT, id, name);
            spec.register(id);
            let guardrail = guardrail_id(id);
            spec.add_scp(&guardrail, &format!("aws-guardrails-{name}"), DENY_LEAVING);
            spec.attach(&guardrail, id);
            spec.known_guardrails
                .insert(guardrail, drift::content_digest(DENY_LEAVING));
        }
        for (parent, id, name) in [
            (SECURITY, LOG_ARCHIVE, "Log Archive"),
            (SECURITY, AUDIT, "Audit"),
            (WORKLOADS, PAYMENTS, "Payments Prod"),
        ] {
            spec.add_account(parent, id, name);
            spec.enroll(id, parent);
        }
        for control in [
            "AWS-GR_RESTRICT_ROOT_USER",
            "AWS-GR_AUDIT_BUCKET_PUBLIC_READ",
        ] {
            spec.control_tower.controls.push(control_on(
                control,
                WORKLOADS,
                DriftStatus::InSync,
            ));
        }
        spec
    }

    /// Adds an organizational unit with FullAWSAccess, as AWS creates it.
    fn add_unit(&mut self, parent: &str, id: &str, name: &str) {
        self.units.push(Unit {
            id: id.into(),
            name: name.into(),
            parent: parent.into(),
        });
        self.attach(FULL_AWS_ACCESS, id);
    }

    /// Adds an account with FullAWSAccess, as AWS creates it.
    fn add_account(&mut self, parent: &str, id: &str, name: &str) {
        self.accounts.push(Member {
            id: id.into(),
            name: name.into(),
            parent: parent.into(),
        });
        self.attach(FULL_AWS_ACCESS, id);
    }

    fn add_scp(&mut self, id: &str, name: &str, content: &str) {
        self.add_scp_unread(id, name);
        if let Some(last) = self.policies.last_mut() {
            last.1 = Some(content.into());
        }
    }

    /// A customer-managed SCP whose document the crawl did not read.
    fn add_scp_unread(&mut self, id: &str, name: &str) {
        let summary = PolicySummary {
            id: id.into(),
            arn: format!(
                "arn:aws:organizations::{MANAGEMENT}:policy/{ORG_ID}/service_control_policy/{id}"
            ),
            name: name.into(),
            description: String::new(),
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed: false,
        };
        self.policies.push((summary, None));
    }

    fn set_content(&mut self, policy_id: &str, content: &str) {
        for (summary, document) in &mut self.policies {
            if summary.id == policy_id {
                *document = Some(content.into());
            }
        }
    }

    fn attach(&mut self, policy_id: &str, target_id: &str) {
        self.attachments.push((policy_id.into(), target_id.into()));
    }

    fn detach(&mut self, policy_id: &str, target_id: &str) {
        self.attachments
            .retain(|(p, t)| !(p == policy_id && t == target_id));
    }

    fn move_account(&mut self, id: &str, new_parent: &str) {
        for account in self.accounts.iter_mut().filter(|a| a.id == id) {
            account.parent = new_parent.into();
        }
    }

    /// The account leaves the organization; Control Tower's records of it
    /// stay as they were.
    fn remove_account(&mut self, id: &str) {
        self.accounts.retain(|a| a.id != id);
        self.attachments.retain(|(_, t)| t != id);
    }

    /// The OU is deleted from the organization; Control Tower's records of
    /// it stay as they were.
    fn delete_unit(&mut self, id: &str) {
        self.units.retain(|u| u.id != id);
        self.attachments.retain(|(_, t)| t != id);
    }

    /// Registers the OU: Control Tower's baseline enabled on it.
    fn register(&mut self, unit_id: &str) {
        self.control_tower.baselines.push(EnabledBaseline {
            arn: enabled_baseline_arn(unit_id),
            baseline_identifier: BASELINE.into(),
            target_identifier: unit_arn(unit_id),
            parent_identifier: None,
            status: "SUCCEEDED".into(),
            inheritance_drift: Some(DriftStatus::InSync),
        });
    }

    /// Enrolls the account under the registered OU `unit_id`.
    fn enroll(&mut self, account_id: &str, unit_id: &str) {
        self.control_tower.baselines.push(EnabledBaseline {
            arn: enabled_baseline_arn(account_id),
            baseline_identifier: BASELINE.into(),
            target_identifier: account_arn(account_id),
            parent_identifier: Some(enabled_baseline_arn(unit_id)),
            status: "SUCCEEDED".into(),
            inheritance_drift: Some(DriftStatus::InSync),
        });
    }

    fn baseline_of(&mut self, target_id: &str) -> &mut EnabledBaseline {
        let arn = enabled_baseline_arn(target_id);
        self.control_tower
            .baselines
            .iter_mut()
            .find(|b| b.arn == arn)
            .unwrap()
    }

    fn landing_zone(&mut self) -> &mut LandingZone {
        self.control_tower.landing_zone.as_mut().unwrap()
    }

    fn org(&self) -> Org {
        let mut org = Org::new();
        org.organization = Some(Organization {
            id: ORG_ID.into(),
            arn: format!("arn:aws:organizations::{MANAGEMENT}:organization/{ORG_ID}"),
            management_account_id: MANAGEMENT.into(),
            management_account_email: "root@example.com".into(),
        });
        org.add_root(Root {
            id: ROOT.into(),
            arn: format!("arn:aws:organizations::{MANAGEMENT}:root/{ORG_ID}/{ROOT}"),
            name: "Root".into(),
        })
        .unwrap();
        // Units are added parents first, so every parent is known.
        for unit in &self.units {
            let record = OrganizationalUnit {
                id: unit.id.clone(),
                arn: unit_arn(&unit.id),
                name: unit.name.clone(),
            };
            org.add_organizational_unit(&unit.parent, record).unwrap();
        }
        for member in &self.accounts {
            org.add_account(&member.parent, account(member)).unwrap();
        }
        for (summary, content) in &self.policies {
            org.add_policy(summary.clone());
            if let Some(content) = content {
                org.set_policy_content(&summary.id, content.clone());
            }
        }
        for (policy, target) in &self.attachments {
            org.attach(policy, target);
        }
        for id in &self.failed {
            org.mark_failed(id, "ListAccountsForParent: TooManyRequestsException");
        }
        org.trusted_services = self.trusted_services.clone();
        org
    }

    fn evaluate(&self) -> DriftReport {
        let control_tower = ControlTower::Available(Box::new(self.control_tower.clone()));
        self.evaluate_with(&control_tower, now())
    }

    fn evaluate_with(
        &self,
        control_tower: &ControlTower,
        at: DateTime<Utc>,
    ) -> DriftReport {
        let org = self.org();
        drift::evaluate(&DriftInput {
            org: &org,
            control_tower,
            known_guardrails: &self.known_guardrails,
            scp_limit: self.scp_limit,
            now: at,
        })
    }
}

fn landing_zone() -> LandingZone {
    LandingZone {
        arn: LANDING_ZONE.into(),
        version: "3.3".into(),
        latest_available_version: Some("3.3".into()),
        status: "ACTIVE".into(),
        drift_status: DriftStatus::InSync,
        manifest: LandingZoneManifest {
            security_ou_name: Some("Security".into()),
            sandbox_ou_name: Some("Sandbox".into()),
            log_archive_account_id: Some(LOG_ARCHIVE.into()),
            audit_account_id: Some(AUDIT.into()),
            governed_regions: vec!["us-east-1".into(), "eu-west-1".into()],
        },
    }
}

fn full_aws_access() -> PolicySummary {
    PolicySummary {
        id: FULL_AWS_ACCESS.into(),
        arn: "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
            .into(),
        name: "FullAWSAccess".into(),
        description: "Allows access to every operation".into(),
        policy_type: PolicyType::ServiceControlPolicy,
        aws_managed: true,
    }
}

fn account(member: &Member) -> Account {
    Account {
        id: member.id.clone(),
        arn: account_arn(&member.id),
        name: member.name.clone(),
        email: format!("{}@example.com", member.id),
        state: AccountState::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap(),
    }
}

fn control_on(control: &str, unit_id: &str, drift: DriftStatus) -> EnabledControl {
    EnabledControl {
        arn: format!(
            "arn:aws:controltower:us-east-1:{MANAGEMENT}:enabledcontrol/{control}-{unit_id}"
        ),
        control_identifier: format!("arn:aws:controltower:us-east-1::control/{control}"),
        target_identifier: unit_arn(unit_id),
        status: "SUCCEEDED".into(),
        drift_status: drift,
        inheritance_drift: Some(DriftStatus::InSync),
        resource_drift: Some(drift),
    }
}

fn guardrail_id(unit_id: &str) -> String {
    format!("p-guard-{}", unit_id.trim_start_matches("ou-ab12-"))
}

fn unit_arn(id: &str) -> String {
    format!("arn:aws:organizations::{MANAGEMENT}:ou/{ORG_ID}/{id}")
}

fn account_arn(id: &str) -> String {
    format!("arn:aws:organizations::{MANAGEMENT}:account/{ORG_ID}/{id}")
}

fn enabled_baseline_arn(target_id: &str) -> String {
    format!("arn:aws:controltower:us-east-1:{MANAGEMENT}:enabledbaseline/EB-{target_id}")
}

/// The findings of `kind`, in report order.
fn of_kind(report: &DriftReport, kind: FindingKind) -> Vec<&Finding> {
    report.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The one finding of `kind`; fails the test if there are none or several.
fn only(report: &DriftReport, kind: FindingKind) -> &Finding {
    let found = of_kind(report, kind);
    assert_eq!(found.len(), 1, "one {kind:?} expected in {report:#?}");
    found[0]
}

fn assert_none(report: &DriftReport, kind: FindingKind) {
    assert!(
        of_kind(report, kind).is_empty(),
        "no {kind:?} expected in {report:#?}"
    );
}

/// Checks the fields every finding of a rule shares.
fn assert_finding(finding: &Finding, severity: Severity, target: &str, source: Source) {
    assert_eq!(finding.severity, severity, "{finding:#?}");
    assert_eq!(finding.severity, finding.kind.default_severity());
    assert_eq!(finding.target, target, "{finding:#?}");
    assert_eq!(finding.source, source, "{finding:#?}");
    assert_eq!(finding.first_seen, now());
}

fn assert_mentions(text: &str, words: &[&str]) {
    for word in words {
        assert!(text.contains(word), "{word:?} missing from {text:?}");
    }
}

#[test]
fn a_governed_organization_without_drift_has_no_findings() {
    let report = Spec::governed().evaluate();

    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.skipped_rules, Vec::new());
}

// LANDING_ZONE_DRIFTED

#[test]
fn a_drifted_landing_zone_is_reported_with_reset_landing_zone_as_the_repair() {
    let mut spec = Spec::governed();
    spec.landing_zone().drift_status = DriftStatus::Drifted;

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::LandingZoneDrifted);
    assert_finding(finding, Severity::High, LANDING_ZONE, Source::ControlTower);
    assert_mentions(&finding.detail, &["3.3", "DRIFTED", "IN_SYNC"]);
    assert_mentions(&finding.remediation, &["ResetLandingZone"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn a_landing_zone_whose_drift_is_not_checked_is_not_reported_as_drifted() {
    for status in [DriftStatus::NotChecking, DriftStatus::Unknown] {
        let mut spec = Spec::governed();
        spec.landing_zone().drift_status = status;

        assert_eq!(spec.evaluate().findings, Vec::new(), "{status:?}");
    }
}

// CONTROL_DRIFTED

#[test]
fn a_drifted_control_is_reported_on_its_ou_with_the_kind_of_drift() {
    let mut spec = Spec::governed();
    spec.control_tower.controls[0].drift_status = DriftStatus::Drifted;
    spec.control_tower.controls[0].resource_drift = Some(DriftStatus::Drifted);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::ControlDrifted);
    assert_finding(finding, Severity::Medium, WORKLOADS, Source::ControlTower);
    assert_mentions(
        &finding.detail,
        &["AWS-GR_RESTRICT_ROOT_USER", "Workloads", "resource drift"],
    );
    assert!(
        !finding.detail.contains("inheritance"),
        "{}",
        finding.detail
    );
    assert_mentions(&finding.remediation, &["ResetEnabledControl"]);
}

#[test]
fn every_drifted_control_on_one_ou_is_named_in_its_finding() {
    let mut spec = Spec::governed();
    for control in &mut spec.control_tower.controls {
        control.drift_status = DriftStatus::Drifted;
    }

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::ControlDrifted);
    assert_mentions(
        &finding.detail,
        &[
            "AWS-GR_RESTRICT_ROOT_USER",
            "AWS-GR_AUDIT_BUCKET_PUBLIC_READ",
        ],
    );
}

#[test]
fn a_control_that_is_not_checked_for_drift_is_not_reported() {
    let mut spec = Spec::governed();
    spec.control_tower.controls[0].drift_status = DriftStatus::NotChecking;
    spec.control_tower.controls[1].drift_status = DriftStatus::Unknown;

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// BASELINE_INHERITANCE_DRIFT

#[test]
fn an_ou_whose_accounts_drifted_from_its_baseline_is_reported() {
    let mut spec = Spec::governed();
    spec.baseline_of(WORKLOADS).inheritance_drift = Some(DriftStatus::Drifted);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::BaselineInheritanceDrift);
    assert_finding(finding, Severity::Medium, WORKLOADS, Source::ControlTower);
    assert_mentions(&finding.detail, &["Workloads", "DRIFTED"]);
    assert_mentions(&finding.remediation, &["ResetEnabledBaseline"]);
}

#[test]
fn an_ou_baseline_whose_inheritance_is_not_checked_is_not_reported() {
    let mut spec = Spec::governed();
    spec.baseline_of(WORKLOADS).inheritance_drift = Some(DriftStatus::NotChecking);
    spec.baseline_of(SECURITY).inheritance_drift = None;

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// ACCOUNT_MOVED_BETWEEN_OUS

#[test]
fn an_enrolled_account_moved_out_of_its_ou_is_reported_with_both_ous() {
    let mut spec = Spec::governed();
    spec.move_account(PAYMENTS, SANDBOX);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::AccountMovedBetweenOus);
    assert_finding(finding, Severity::High, PAYMENTS, Source::ControlTower);
    assert_mentions(&finding.detail, &["Payments Prod", "Workloads", "Sandbox"]);
    assert_mentions(&finding.remediation, &["Workloads", "ResetEnabledBaseline"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_account_re_enrolled_under_its_new_ou_has_not_moved() {
    let mut spec = Spec::governed();
    spec.move_account(PAYMENTS, SANDBOX);
    spec.baseline_of(PAYMENTS).parent_identifier = Some(enabled_baseline_arn(SANDBOX));

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn an_account_that_was_never_enrolled_may_move_freely() {
    let mut spec = Spec::governed();
    spec.add_account(WORKLOADS, "555555555555", "Scratch");
    spec.move_account("555555555555", SANDBOX);

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// ACCOUNT_REMOVED_FROM_ORGANIZATION

#[test]
fn an_enrolled_account_that_left_the_organization_is_reported() {
    let mut spec = Spec::governed();
    spec.remove_account(PAYMENTS);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::AccountRemovedFromOrganization);
    assert_finding(finding, Severity::High, PAYMENTS, Source::ControlTower);
    assert_mentions(
        &finding.detail,
        &[PAYMENTS, "no longer in the organization"],
    );
    assert_mentions(&finding.remediation, &["DisableBaseline"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_account_that_left_with_its_enrollment_removed_is_not_reported() {
    let mut spec = Spec::governed();
    spec.remove_account(PAYMENTS);
    let removed = enabled_baseline_arn(PAYMENTS);
    spec.control_tower.baselines.retain(|b| b.arn != removed);

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn an_account_missing_from_a_partly_read_organization_is_not_called_removed() {
    let mut spec = Spec::governed();
    spec.remove_account(PAYMENTS);
    spec.failed.push(WORKLOADS.into());

    let report = spec.evaluate();

    assert_none(&report, FindingKind::AccountRemovedFromOrganization);
    let skipped: Vec<_> = report
        .skipped_rules
        .iter()
        .filter(|s| s.kind == FindingKind::AccountRemovedFromOrganization)
        .collect();
    assert_eq!(skipped.len(), 1, "{report:#?}");
    assert_mentions(&skipped[0].reason, &["Workloads"]);
}

// TRUSTED_ACCESS_DISABLED

#[test]
fn trusted_access_for_control_tower_disabled_is_reported_on_the_landing_zone() {
    let mut spec = Spec::governed();
    spec.trusted_services = Some(vec!["sso.amazonaws.com".into()]);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::TrustedAccessDisabled);
    assert_finding(
        finding,
        Severity::Critical,
        LANDING_ZONE,
        Source::Organizations,
    );
    assert_mentions(&finding.detail, &["controltower.amazonaws.com", "disabled"]);
    assert_mentions(
        &finding.remediation,
        &["EnableAWSServiceAccess", "ResetLandingZone"],
    );
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn unread_trusted_services_skip_the_rule_instead_of_guessing() {
    let mut spec = Spec::governed();
    spec.trusted_services = None;

    let report = spec.evaluate();

    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.skipped_rules.len(), 1);
    assert_eq!(
        report.skipped_rules[0].kind,
        FindingKind::TrustedAccessDisabled
    );
    assert_mentions(&report.skipped_rules[0].reason, &["trusted services"]);
}

// SCP_DETACHED_FROM_OU

#[test]
fn a_registered_ou_without_its_managed_scp_is_reported() {
    let mut spec = Spec::governed();
    spec.detach(&guardrail_id(WORKLOADS), WORKLOADS);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::ScpDetachedFromOu);
    assert_finding(finding, Severity::High, WORKLOADS, Source::Organizations);
    assert_mentions(
        &finding.detail,
        &["Workloads", "registered", "aws-guardrails-"],
    );
    assert_mentions(&finding.remediation, &["ResetEnabledBaseline"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_unregistered_ou_needs_no_managed_scp() {
    let mut spec = Spec::governed();
    spec.add_unit(ROOT, "ou-ab12-experime", "Experiments");

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// SCP_UPDATED

#[test]
fn a_managed_scp_whose_document_changed_is_reported() {
    let mut spec = Spec::governed();
    let guardrail = guardrail_id(WORKLOADS);
    spec.set_content(&guardrail, ALLOW_EC2);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::ScpUpdated);
    assert_finding(finding, Severity::High, &guardrail, Source::Organizations);
    assert_mentions(&finding.detail, &["aws-guardrails-Workloads", "changed"]);
    assert_mentions(&finding.remediation, &["ResetEnabledBaseline"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn a_managed_scp_only_reformatted_or_never_seen_before_is_not_reported() {
    let mut spec = Spec::governed();
    let reformatted: String = DENY_LEAVING
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    spec.set_content(&guardrail_id(WORKLOADS), &reformatted);
    spec.known_guardrails.remove(&guardrail_id(SANDBOX));
    spec.set_content(&guardrail_id(SANDBOX), ALLOW_EC2);

    assert_eq!(
        drift::content_digest(&reformatted),
        drift::content_digest(DENY_LEAVING)
    );
    assert_eq!(spec.evaluate().findings, Vec::new());
}

// ORGANIZATIONAL_UNIT_DELETED

#[test]
fn a_deleted_foundational_ou_is_reported_by_the_name_the_landing_zone_gives_it() {
    let mut spec = Spec::governed();
    spec.delete_unit(SANDBOX);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::OrganizationalUnitDeleted);
    assert_finding(
        finding,
        Severity::Critical,
        "Sandbox",
        Source::Organizations,
    );
    assert_mentions(&finding.detail, &["Sandbox", "landing zone"]);
    assert_mentions(&finding.remediation, &["ResetLandingZone"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_ou_the_landing_zone_does_not_name_may_be_deleted() {
    let mut spec = Spec::governed();
    spec.delete_unit(SANDBOX);
    spec.landing_zone().manifest.sandbox_ou_name = None;
    spec.control_tower
        .baselines
        .retain(|b| b.target_identifier != unit_arn(SANDBOX));

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// SHARED_ACCOUNT_OUTSIDE_SECURITY_OU

#[test]
fn the_audit_account_moved_out_of_the_security_ou_is_reported() {
    let mut spec = Spec::governed();
    spec.move_account(AUDIT, WORKLOADS);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::SharedAccountOutsideSecurityOu);
    assert_finding(finding, Severity::Critical, AUDIT, Source::Organizations);
    assert_mentions(&finding.detail, &["Audit", "Workloads", "Security"]);
    assert_mentions(&finding.remediation, &["Security", "MoveAccount"]);
}

#[test]
fn a_shared_account_in_a_nested_ou_also_named_security_is_outside_the_security_ou() {
    let mut spec = Spec::governed();
    spec.add_unit(WORKLOADS, "ou-ab12-wlsecure", "Security");
    spec.move_account(LOG_ARCHIVE, "ou-ab12-wlsecure");

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::SharedAccountOutsideSecurityOu);
    assert_finding(
        finding,
        Severity::Critical,
        LOG_ARCHIVE,
        Source::Organizations,
    );
    assert_mentions(&finding.detail, &["Log Archive"]);
}

#[test]
fn an_account_merely_named_audit_may_sit_outside_the_security_ou() {
    let mut spec = Spec::governed();
    spec.add_account(WORKLOADS, "666666666666", "Audit");

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// GUARDRAIL_SCP_ON_UNREGISTERED_TARGET

#[test]
fn a_managed_scp_on_an_unregistered_ou_is_reported() {
    let mut spec = Spec::governed();
    spec.add_unit(ROOT, "ou-ab12-experime", "Experiments");
    spec.attach(&guardrail_id(WORKLOADS), "ou-ab12-experime");

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::GuardrailScpOnUnregisteredTarget);
    assert_finding(
        finding,
        Severity::Medium,
        "ou-ab12-experime",
        Source::Organizations,
    );
    assert_mentions(
        &finding.detail,
        &["Experiments", "aws-guardrails-Workloads", "not registered"],
    );
    assert_mentions(&finding.remediation, &["DetachPolicy"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn every_managed_scp_on_an_unregistered_ou_is_named_in_its_finding() {
    let mut spec = Spec::governed();
    spec.add_unit(ROOT, "ou-ab12-experime", "Experiments");
    spec.attach(&guardrail_id(WORKLOADS), "ou-ab12-experime");
    spec.attach(&guardrail_id(SANDBOX), "ou-ab12-experime");

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::GuardrailScpOnUnregisteredTarget);
    assert_mentions(
        &finding.detail,
        &["aws-guardrails-Sandbox", "aws-guardrails-Workloads"],
    );
}

#[test]
fn a_customer_scp_whose_name_only_resembles_a_managed_one_is_not_reported() {
    let mut spec = Spec::governed();
    spec.add_unit(ROOT, "ou-ab12-experime", "Experiments");
    spec.add_scp(
        "p-lookalike",
        "copy-of-aws-guardrails-Workloads",
        DENY_LEAVING,
    );
    spec.attach("p-lookalike", "ou-ab12-experime");

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// NO_ALLOW_PATH

/// Adds an unregistered Quarantine OU with two accounts, where
/// FullAWSAccess was replaced by a deny-only SCP.
fn quarantine(spec: &mut Spec) {
    spec.add_unit(ROOT, "ou-ab12-quaranti", "Quarantine");
    spec.add_account("ou-ab12-quaranti", "777777777777", "Compromised");
    spec.add_account("ou-ab12-quaranti", "888888888888", "Forensics");
    spec.add_scp("p-denyleave", "deny-leaving", DENY_LEAVING);
    spec.attach("p-denyleave", "ou-ab12-quaranti");
    spec.detach(FULL_AWS_ACCESS, "ou-ab12-quaranti");
}

#[test]
fn an_ou_whose_only_scp_denies_is_reported_once_with_the_accounts_it_cuts_off() {
    let mut spec = Spec::governed();
    quarantine(&mut spec);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::NoAllowPath);
    assert_finding(
        finding,
        Severity::Critical,
        "ou-ab12-quaranti",
        Source::Organizations,
    );
    assert_mentions(&finding.detail, &["Quarantine", "denied", "2 accounts"]);
    assert_mentions(&finding.remediation, &["FullAWSAccess", "AttachPolicy"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_ou_with_a_customer_scp_that_allows_something_has_an_allow_path() {
    let mut spec = Spec::governed();
    quarantine(&mut spec);
    spec.add_scp("p-allowec2", "allow-ec2", ALLOW_EC2);
    spec.attach("p-allowec2", "ou-ab12-quaranti");

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn the_management_account_is_exempt_from_scps() {
    let mut spec = Spec::governed();
    spec.add_scp("p-denyleave", "deny-leaving", DENY_LEAVING);
    spec.attach("p-denyleave", MANAGEMENT);
    spec.detach(FULL_AWS_ACCESS, MANAGEMENT);

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn a_root_without_an_allow_counts_every_account_but_the_management_account() {
    let mut spec = Spec::governed();
    spec.add_scp("p-denyleave", "deny-leaving", DENY_LEAVING);
    spec.attach("p-denyleave", ROOT);
    spec.detach(FULL_AWS_ACCESS, ROOT);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::NoAllowPath);
    assert_finding(finding, Severity::Critical, ROOT, Source::Organizations);
    assert_mentions(&finding.detail, &["Root", "3 accounts"]);
}

#[test]
fn a_target_whose_scp_attachments_are_unknown_is_not_called_denied() {
    let mut spec = Spec::governed();
    spec.detach(FULL_AWS_ACCESS, PAYMENTS);

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn an_scp_whose_document_was_not_read_leaves_the_rule_partly_skipped() {
    let mut spec = Spec::governed();
    quarantine(&mut spec);
    spec.add_scp_unread("p-unread", "allow-maybe");
    spec.attach("p-unread", "ou-ab12-quaranti");

    let report = spec.evaluate();

    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.skipped_rules.len(), 1);
    assert_eq!(report.skipped_rules[0].kind, FindingKind::NoAllowPath);
    assert_mentions(&report.skipped_rules[0].reason, &["1 attachment "]);
}

// SCP_LIMIT_REACHED

/// Attaches customer SCPs to Workloads until it holds `count` SCPs.
fn fill_workloads(spec: &mut Spec, count: usize) {
    let already = 2; // FullAWSAccess and its managed SCP
    for n in already..count {
        let id = format!("p-custom{n}");
        spec.add_scp(&id, &format!("custom-{n}"), DENY_LEAVING);
        spec.attach(&id, WORKLOADS);
    }
}

#[test]
fn an_ou_at_exactly_the_scp_limit_is_reported() {
    let mut spec = Spec::governed();
    fill_workloads(&mut spec, DEFAULT_SCP_LIMIT);

    let report = spec.evaluate();

    let finding = only(&report, FindingKind::ScpLimitReached);
    assert_finding(finding, Severity::Low, WORKLOADS, Source::Organizations);
    assert_mentions(&finding.detail, &["Workloads", "5 SCPs", "limit of 5"]);
    assert_mentions(&finding.remediation, &["Merge"]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn an_ou_one_below_the_scp_limit_is_not_reported() {
    let mut spec = Spec::governed();
    fill_workloads(&mut spec, DEFAULT_SCP_LIMIT - 1);

    assert_eq!(spec.evaluate().findings, Vec::new());
}

#[test]
fn the_scp_limit_comes_from_the_input_not_the_code() {
    let mut spec = Spec::governed();
    fill_workloads(&mut spec, DEFAULT_SCP_LIMIT);
    spec.scp_limit = 10;

    assert_eq!(spec.evaluate().findings, Vec::new());
}

// Without Control Tower

#[test]
fn without_control_tower_its_rules_are_skipped_with_the_reason() {
    let mut spec = Spec::governed();
    quarantine(&mut spec);
    fill_workloads(&mut spec, DEFAULT_SCP_LIMIT);
    spec.trusted_services = Some(Vec::new());
    spec.delete_unit(SANDBOX);
    spec.move_account(AUDIT, WORKLOADS);
    let unavailable = ControlTower::Unavailable {
        reason: "AccessDeniedException: not authorized to call ListLandingZones".into(),
    };

    let report = spec.evaluate_with(&unavailable, now());

    let skipped: Vec<FindingKind> = report.skipped_rules.iter().map(|s| s.kind).collect();
    let needing: Vec<FindingKind> = FindingKind::ALL
        .into_iter()
        .filter(|k| k.needs_control_tower())
        .collect();
    assert_eq!(skipped, needing);
    assert_eq!(skipped.len(), 11);
    for rule in &report.skipped_rules {
        assert_mentions(&rule.reason, &["AccessDeniedException"]);
    }
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::NoAllowPath, FindingKind::ScpLimitReached]
    );
}

// Order and memory

#[test]
fn findings_come_most_severe_first() {
    let mut spec = Spec::governed();
    fill_workloads(&mut spec, DEFAULT_SCP_LIMIT);
    spec.control_tower.controls[0].drift_status = DriftStatus::Drifted;
    spec.landing_zone().drift_status = DriftStatus::Drifted;
    quarantine(&mut spec);

    let report = spec.evaluate();

    let severities: Vec<Severity> = report.findings.iter().map(|f| f.severity).collect();
    assert_eq!(
        severities,
        [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low
        ]
    );
}

#[test]
fn first_seen_survives_a_second_evaluation_and_is_forgotten_once_repaired() {
    let mut spec = Spec::governed();
    let in_sync = ControlTower::Available(Box::new(spec.control_tower.clone()));
    spec.landing_zone().drift_status = DriftStatus::Drifted;
    let drifted = ControlTower::Available(Box::new(spec.control_tower.clone()));
    let mut memory = BTreeMap::new();
    let hours = |n| now() + Duration::hours(n);

    let mut first = spec.evaluate_with(&drifted, hours(0));
    drift::stamp_first_seen(&mut first, &mut memory);
    quarantine(&mut spec);
    let mut second = spec.evaluate_with(&drifted, hours(1));
    drift::stamp_first_seen(&mut second, &mut memory);

    let zone = only(&second, FindingKind::LandingZoneDrifted);
    assert_eq!(zone.first_seen, hours(0));
    assert_eq!(only(&second, FindingKind::NoAllowPath).first_seen, hours(1));
    assert_eq!(memory.len(), 2);

    let mut repaired = spec.evaluate_with(&in_sync, hours(2));
    drift::stamp_first_seen(&mut repaired, &mut memory);
    assert_none(&repaired, FindingKind::LandingZoneDrifted);
    assert_eq!(memory.len(), 1);

    let mut drifted_again = spec.evaluate_with(&drifted, hours(3));
    drift::stamp_first_seen(&mut drifted_again, &mut memory);
    let zone = only(&drifted_again, FindingKind::LandingZoneDrifted);
    assert_eq!(zone.first_seen, hours(3));
    let cut_off = only(&drifted_again, FindingKind::NoAllowPath);
    assert_eq!(cut_off.first_seen, hours(1));
}

#[test]
fn kinds_and_severities_are_spelled_as_the_output_spells_them() {
    for kind in FindingKind::ALL {
        let json = serde_json::to_value(kind).unwrap();
        assert_eq!(json, kind.as_str());
    }
    let json = serde_json::to_value(Severity::Critical).unwrap();
    assert_eq!(json, "critical");
    let json = serde_json::to_value(Source::ControlTower).unwrap();
    assert_eq!(json, "control_tower");
}
