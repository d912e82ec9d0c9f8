//! The preflight of every action, blocker by blocker and warning by warning:
//! each once where it fires and once where it nearly does but must not.
//!
//! Every test starts from [`World::governed`], a small organization under
//! Control Tower where every action below is allowed and quiet unless the
//! test says otherwise, changes one thing, and reads the verdict.

use chrono::{NaiveDate, TimeZone, Utc};
use orgtop::model::action::{
    Action, Handshake, InviteTarget, Preflight, PreflightContext, Risk, Warning,
    preflight,
};
use orgtop::model::control_tower::{ControlTower, DriftStatus, EnabledBaseline};
use orgtop::model::{
    Account, AccountState, JoinedMethod, Org, Organization, OrganizationalUnit,
    PolicySummary, PolicyType, Root,
};

const ORG_ID: &str = "o-abc";
const ROOT: &str = "r-ab12";
const WORKLOADS: &str = "ou-ab12-workload";
const PROD: &str = "ou-ab12-prod";
const SANDBOX: &str = "ou-ab12-sandbox";
const STAGING: &str = "ou-ab12-staging";
const ARCHIVE: &str = "ou-ab12-archive";
const MANAGEMENT: &str = "111111111111";
const PAYMENTS: &str = "444444444444";
const CHECKOUT: &str = "555555555555";
const DEV_SANDBOX: &str = "666666666666";
const LEGACY: &str = "777777777777";
const OLD_BUILD: &str = "888888888888";
const OUTSIDER: &str = "999999999999";
const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
const DENY_LEAVING: &str = "p-denyleave";
const DENY_PUBLIC_S3: &str = "p-denys3";
const GUARD_WORKLOADS: &str = "p-guard-workload";
const GUARD_PROD: &str = "p-guard-prod";
const GUARD_SANDBOX: &str = "p-guard-sandbox";
const BASELINE: &str = "arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2";
const SCP_LIMIT: usize = 5;

const DENY_DOCUMENT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
  ]
}"#;

const ALLOW_EC2_DOCUMENT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
}"#;

/// An organization, Control Tower's view of it, the invitations and the
/// date: everything a preflight reads.
struct World {
    org: Org,
    control_tower: Option<ControlTower>,
    handshakes: Vec<Handshake>,
    scp_limit: usize,
    today: NaiveDate,
}

impl World {
    /// The root (FullAWSAccess and a deny-only SCP) with the management
    /// account; Workloads (Payments Prod) with Prod under it (Checkout), and
    /// Sandbox (Dev Sandbox), registered with Control Tower, each with its
    /// own managed SCP, their accounts enrolled; Staging (Legacy), with a
    /// deny-only SCP, and Archive (Old Build), not registered. FullAWSAccess
    /// on every OU and account, as AWS creates them. The 31st of December.
    fn governed() -> Self {
        let mut world = World {
            org: Org::new(),
            control_tower: Some(ControlTower::Available(Box::default())),
            handshakes: Vec::new(),
            scp_limit: SCP_LIMIT,
            today: day(2026, 12, 31),
        };
        world.org.organization = Some(Organization {
            id: ORG_ID.into(),
            arn: format!("arn:aws:organizations::{MANAGEMENT}:organization/{ORG_ID}"),
            management_account_id: MANAGEMENT.into(),
            management_account_email: "root@example.com".into(),
        });
        world
            .org
            .add_root(Root {
                id: ROOT.into(),
                arn: format!("arn:aws:organizations::{MANAGEMENT}:root/{ORG_ID}/{ROOT}"),
                name: "Root".into(),
            })
            .unwrap();
        world.add_full_aws_access();
        world.add_scp(DENY_LEAVING, "DenyLeavingTheOrganization", DENY_DOCUMENT);
        world.add_scp(DENY_PUBLIC_S3, "DenyPublicS3", DENY_DOCUMENT);
        world.attach(FULL_AWS_ACCESS, ROOT);
        world.attach(DENY_LEAVING, ROOT);
        world.add_account(ROOT, MANAGEMENT, "Management");
        world.attach(DENY_LEAVING, MANAGEMENT);

        for (parent, id, name, guardrail) in [
            (ROOT, WORKLOADS, "Workloads", GUARD_WORKLOADS),
            (WORKLOADS, PROD, "Prod", GUARD_PROD),
            (ROOT, SANDBOX, "Sandbox", GUARD_SANDBOX),
        ] {
            world.add_unit(parent, id, name);
            world.add_scp(guardrail, &format!("aws-guardrails-{name}"), DENY_DOCUMENT);
            world.attach(guardrail, id);
            world.register(id);
        }
        for (parent, id, name) in [
            (WORKLOADS, PAYMENTS, "Payments Prod"),
            (PROD, CHECKOUT, "Checkout"),
            (SANDBOX, DEV_SANDBOX, "Dev Sandbox"),
        ] {
            world.add_account(parent, id, name);
            world.register(id);
        }
        world.add_unit(ROOT, STAGING, "Staging");
        world.attach(DENY_PUBLIC_S3, STAGING);
        world.add_account(STAGING, LEGACY, "Legacy");
        world.add_unit(ROOT, ARCHIVE, "Archive");
        world.add_account(ARCHIVE, OLD_BUILD, "Old Build");
        world
    }

    fn preflight(&self, action: &Action) -> Preflight {
        preflight(
            action,
            &PreflightContext {
                org: &self.org,
                control_tower: self.control_tower.as_ref(),
                handshakes: &self.handshakes,
                scp_limit: self.scp_limit,
                today: self.today,
            },
        )
    }

    /// Adds an organizational unit with FullAWSAccess, as AWS creates it.
    fn add_unit(&mut self, parent: &str, id: &str, name: &str) {
        self.add_unit_without_scps(parent, id, name);
        self.attach(FULL_AWS_ACCESS, id);
    }

    /// Adds an organizational unit whose FullAWSAccess was since replaced:
    /// the test attaches what it holds.
    fn add_unit_without_scps(&mut self, parent: &str, id: &str, name: &str) {
        let unit = OrganizationalUnit {
            id: id.into(),
            arn: unit_arn(id),
            name: name.into(),
        };
        self.org.add_organizational_unit(parent, unit).unwrap();
    }

    /// Adds an account with FullAWSAccess, as AWS creates it.
    fn add_account(&mut self, parent: &str, id: &str, name: &str) {
        let account = Account {
            id: id.into(),
            arn: account_arn(id),
            name: name.into(),
            email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
            state: AccountState::Active,
            joined_method: JoinedMethod::Created,
            joined_timestamp: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap(),
        };
        self.org.add_account(parent, account).unwrap();
        self.attach(FULL_AWS_ACCESS, id);
    }

    fn add_full_aws_access(&mut self) {
        self.org.add_policy(PolicySummary {
            id: FULL_AWS_ACCESS.into(),
            arn:
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
                    .into(),
            name: "FullAWSAccess".into(),
            description: "Allows access to every operation".into(),
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed: true,
        });
    }

    fn add_scp(&mut self, id: &str, name: &str, document: &str) {
        self.add_scp_unread(id, name);
        self.org.set_policy_content(id, document.into());
    }

    /// A customer-managed SCP whose document the crawl did not read.
    fn add_scp_unread(&mut self, id: &str, name: &str) {
        self.org.add_policy(PolicySummary {
            id: id.into(),
            arn: format!(
                "arn:aws:organizations::{MANAGEMENT}:policy/{ORG_ID}/service_control_policy/{id}"
            ),
            name: name.into(),
            description: String::new(),
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed: false,
        });
    }

    fn attach(&mut self, policy_id: &str, target_id: &str) {
        self.org.attach(policy_id, target_id);
    }

    /// Enables Control Tower's baseline on the OU or account `target_id`:
    /// registers the OU, or enrolls the account.
    fn register(&mut self, target_id: &str) {
        let Some(ControlTower::Available(state)) = &mut self.control_tower else {
            panic!("Control Tower is not available in this world");
        };
        let target_identifier = if target_id.starts_with("ou-") {
            unit_arn(target_id)
        } else {
            account_arn(target_id)
        };
        state.baselines.push(EnabledBaseline {
            arn: format!(
                "arn:aws:controltower:us-east-1:{MANAGEMENT}:enabledbaseline/EB-{target_id}"
            ),
            baseline_identifier: BASELINE.into(),
            target_identifier,
            parent_identifier: None,
            status: "SUCCEEDED".into(),
            inheritance_drift: Some(DriftStatus::InSync),
        });
    }

    fn invitation(&mut self, id: &str, target: InviteTarget, state: &str) {
        self.handshakes.push(Handshake {
            id: id.into(),
            arn: format!(
                "arn:aws:organizations::{MANAGEMENT}:handshake/{ORG_ID}/invite/{id}"
            ),
            state: state.into(),
            target,
            requested: Utc.with_ymd_and_hms(2026, 12, 20, 8, 0, 0).unwrap(),
            expires: Utc.with_ymd_and_hms(2027, 1, 4, 8, 0, 0).unwrap(),
        });
    }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn unit_arn(id: &str) -> String {
    format!("arn:aws:organizations::{MANAGEMENT}:ou/{ORG_ID}/{id}")
}

fn account_arn(id: &str) -> String {
    format!("arn:aws:organizations::{MANAGEMENT}:account/{ORG_ID}/{id}")
}

fn move_account(account: &str, from: &str, to: &str) -> Action {
    Action::MoveAccount {
        account_id: account.into(),
        source_parent_id: from.into(),
        destination_parent_id: to.into(),
    }
}

fn attach(policy: &str, target: &str) -> Action {
    Action::AttachPolicy {
        policy_id: policy.into(),
        target_id: target.into(),
    }
}

fn detach(policy: &str, target: &str) -> Action {
    Action::DetachPolicy {
        policy_id: policy.into(),
        target_id: target.into(),
    }
}

fn invite_account(id: &str) -> Action {
    Action::InviteAccount {
        target: InviteTarget::Account(id.into()),
        notes: None,
    }
}

fn invite_email(email: &str) -> Action {
    Action::InviteAccount {
        target: InviteTarget::Email(email.into()),
        notes: Some("Welcome aboard".into()),
    }
}

fn cancel(handshake: &str) -> Action {
    Action::CancelHandshake {
        handshake_id: handshake.into(),
    }
}

/// Fails unless the action is blocked by exactly one reason naming every
/// fragment.
#[track_caller]
fn assert_blocked(verdict: &Preflight, fragments: &[&str]) {
    assert_eq!(
        verdict.blockers.len(),
        1,
        "one blocker expected in {verdict:#?}"
    );
    assert!(!verdict.allowed());
    let reason = &verdict.blockers[0];
    for fragment in fragments {
        assert!(
            reason.contains(fragment),
            "{fragment:?} missing from {reason:?}"
        );
    }
    assert!(
        verdict.warnings.is_empty(),
        "a blocked action warns of nothing"
    );
    assert!(
        verdict.affected_accounts.is_empty(),
        "a blocked action changes nothing"
    );
}

#[track_caller]
fn assert_allowed(verdict: &Preflight) {
    assert!(verdict.allowed(), "no blocker expected in {verdict:#?}");
}

#[track_caller]
fn assert_quiet(verdict: &Preflight) {
    assert_allowed(verdict);
    assert!(
        verdict.warnings.is_empty(),
        "no warning expected in {verdict:#?}"
    );
}

/// The one warning whose message holds `fragment`; fails the test if there
/// are none or several.
#[track_caller]
fn warning<'a>(verdict: &'a Preflight, fragment: &str) -> &'a Warning {
    let found: Vec<&Warning> = verdict
        .warnings
        .iter()
        .filter(|w| w.message.contains(fragment))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one warning with {fragment:?} expected in {verdict:#?}"
    );
    found[0]
}

#[track_caller]
fn assert_no_warning(verdict: &Preflight, fragment: &str) {
    let found = verdict
        .warnings
        .iter()
        .find(|w| w.message.contains(fragment));
    assert!(
        found.is_none(),
        "no warning with {fragment:?} expected: {found:#?}"
    );
}

fn sorted(accounts: &[String]) -> Vec<&str> {
    let mut accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
    accounts.sort_unstable();
    accounts
}

// Attaching a service control policy.

#[test]
fn attaching_to_a_target_at_the_scp_limit_is_blocked() {
    let mut world = World::governed();
    world.scp_limit = 3;
    world.attach(DENY_PUBLIC_S3, WORKLOADS);

    let verdict = world.preflight(&attach(DENY_LEAVING, WORKLOADS));

    assert_blocked(&verdict, &["Workloads", "3 SCPs", "limit of 3"]);
}

#[test]
fn attaching_one_below_the_scp_limit_is_allowed() {
    let mut world = World::governed();
    world.scp_limit = 3;

    let verdict = world.preflight(&attach(DENY_LEAVING, WORKLOADS));

    assert_quiet(&verdict);
}

#[test]
fn attaching_a_policy_already_attached_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, STAGING));

    assert_blocked(&verdict, &["DenyPublicS3", "already attached", "Staging"]);
}

#[test]
fn attaching_a_policy_that_only_applies_by_inheritance_is_allowed() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_LEAVING, STAGING));

    assert_quiet(&verdict);
}

#[test]
fn attaching_a_policy_that_does_not_exist_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&attach("p-nosuchpolicy", STAGING));

    assert_blocked(&verdict, &["no policy p-nosuchpolicy"]);
}

#[test]
fn attaching_to_a_target_that_does_not_exist_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, "ou-ab12-gone"));

    assert_blocked(&verdict, &["ou-ab12-gone"]);
}

#[test]
fn attaching_a_policy_whose_targets_could_not_be_read_is_blocked() {
    let mut world = World::governed();
    world.org.mark_attachments_unread(DENY_PUBLIC_S3);

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, ARCHIVE));

    assert_blocked(&verdict, &["DenyPublicS3", "could not be read", "refresh"]);
}

#[test]
fn attaching_a_managed_guardrail_scp_by_hand_is_a_notice() {
    let world = World::governed();

    let verdict = world.preflight(&attach(GUARD_SANDBOX, ARCHIVE));

    assert_allowed(&verdict);
    let found = warning(&verdict, "aws-guardrails-Sandbox");
    assert_eq!(found.risk, Risk::Notice);
    assert!(found.message.contains("managed by Control Tower"));
    assert!(found.message.contains("Archive is not registered"));
    assert!(
        found
            .message
            .contains("GUARDRAIL_SCP_ON_UNREGISTERED_TARGET")
    );
    assert!(found.remedy.as_deref().unwrap().contains("EnableControl"));
    assert!(!verdict.needs_typed_confirmation());
}

#[test]
fn attaching_a_managed_guardrail_scp_to_a_registered_ou_is_a_notice_without_drift() {
    let world = World::governed();

    let verdict = world.preflight(&attach(GUARD_WORKLOADS, SANDBOX));

    let found = warning(
        &verdict,
        "aws-guardrails-Workloads is managed by Control Tower",
    );
    assert_eq!(found.risk, Risk::Notice);
    assert!(
        !found
            .message
            .contains("GUARDRAIL_SCP_ON_UNREGISTERED_TARGET")
    );
}

#[test]
fn attaching_a_customer_scp_named_like_a_guardrail_is_quiet() {
    let mut world = World::governed();
    world.add_scp("p-copy", "team-aws-guardrails-copy", DENY_DOCUMENT);

    let verdict = world.preflight(&attach("p-copy", ARCHIVE));

    assert_quiet(&verdict);
}

// Detaching a service control policy.

#[test]
fn detaching_the_last_scp_of_a_target_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&detach(FULL_AWS_ACCESS, ARCHIVE));

    assert_blocked(&verdict, &["FullAWSAccess", "only SCP", "Archive"]);
}

#[test]
fn detaching_one_of_two_scps_is_allowed() {
    let world = World::governed();

    let verdict = world.preflight(&detach(DENY_PUBLIC_S3, STAGING));

    assert_quiet(&verdict);
}

#[test]
fn detaching_a_policy_that_is_not_attached_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&detach(DENY_PUBLIC_S3, SANDBOX));

    assert_blocked(&verdict, &["DenyPublicS3", "not attached to Sandbox"]);
}

#[test]
fn detaching_a_policy_that_only_applies_by_inheritance_is_blocked_naming_where_it_is() {
    let world = World::governed();

    let verdict = world.preflight(&detach(DENY_LEAVING, ARCHIVE));

    assert_blocked(&verdict, &["not attached to Archive", "attached to Root"]);
}

#[test]
fn detaching_a_policy_or_from_a_target_that_does_not_exist_is_blocked() {
    let world = World::governed();

    let no_policy = world.preflight(&detach("p-nosuchpolicy", STAGING));
    let no_target = world.preflight(&detach(DENY_PUBLIC_S3, "999999999998"));

    assert_blocked(&no_policy, &["no policy p-nosuchpolicy"]);
    assert_blocked(&no_target, &["999999999998"]);
}

#[test]
fn detaching_full_aws_access_without_another_allow_denies_everything_below() {
    let world = World::governed();

    let verdict = world.preflight(&detach(FULL_AWS_ACCESS, ROOT));

    assert_allowed(&verdict);
    let found = warning(&verdict, "no SCP attached to Root allows any action");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("everything in Root is denied"));
    assert!(
        found
            .message
            .contains("5 accounts, not counting the management account"),
        "{found:?}"
    );
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("Keep FullAWSAccess on Root"), "{remedy}");
    assert!(verdict.needs_typed_confirmation());
}

#[test]
fn detaching_the_only_allowing_custom_scp_denies_everything_below() {
    let mut world = World::governed();
    world.add_scp("p-allowec2", "AllowEc2Only", ALLOW_EC2_DOCUMENT);
    world.add_unit_without_scps(ROOT, "ou-ab12-compute", "Compute");
    world.attach("p-allowec2", "ou-ab12-compute");
    world.attach(DENY_PUBLIC_S3, "ou-ab12-compute");
    world.add_account("ou-ab12-compute", OUTSIDER, "Batch");

    let verdict = world.preflight(&detach("p-allowec2", "ou-ab12-compute"));

    let found = warning(&verdict, "no SCP attached to Compute allows any action");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("(1 account)"), "{found:?}");
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("First attach FullAWSAccess"), "{remedy}");
}

#[test]
fn detaching_full_aws_access_beside_another_allowing_scp_narrows_what_is_allowed() {
    let mut world = World::governed();
    world.add_scp("p-allowec2", "AllowEc2Only", ALLOW_EC2_DOCUMENT);
    world.attach("p-allowec2", STAGING);

    let verdict = world.preflight(&detach(FULL_AWS_ACCESS, STAGING));

    assert_allowed(&verdict);
    let found = warning(&verdict, "Without FullAWSAccess");
    assert_eq!(found.risk, Risk::Notice);
    assert!(found.message.contains("only what AllowEc2Only allows"));
    assert!(found.message.contains("Staging"));
    assert_no_warning(&verdict, "allows any action");
}

#[test]
fn detaching_an_scp_beside_unread_documents_says_the_allow_path_is_unknown() {
    let mut world = World::governed();
    world.add_scp_unread("p-unread", "TeamBoundary");
    world.attach("p-unread", STAGING);

    let verdict = world.preflight(&detach(FULL_AWS_ACCESS, STAGING));

    let found = warning(&verdict, "were not read");
    assert_eq!(found.risk, Risk::Notice);
    assert!(!verdict.needs_typed_confirmation());
}

#[test]
fn detaching_a_deny_only_scp_keeps_the_allow_path() {
    let world = World::governed();

    let verdict = world.preflight(&detach(DENY_LEAVING, ROOT));

    assert_quiet(&verdict);
}

#[test]
fn detaching_full_aws_access_from_the_management_account_warns_of_nothing() {
    let world = World::governed();

    let verdict = world.preflight(&detach(FULL_AWS_ACCESS, MANAGEMENT));

    assert_quiet(&verdict);
    assert_eq!(verdict.affected_accounts, [MANAGEMENT]);
}

#[test]
fn detaching_a_managed_guardrail_scp_is_high_risk_drift() {
    let world = World::governed();

    let verdict = world.preflight(&detach(GUARD_WORKLOADS, WORKLOADS));

    assert_allowed(&verdict);
    let found = warning(&verdict, "aws-guardrails-Workloads");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("SCP_DETACHED_FROM_OU"));
    assert!(found.message.contains("2 accounts"));
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("Re-register Workloads (ResetEnabledBaseline)"));
    assert_eq!(
        verdict.warnings.len(),
        1,
        "a deny-only guardrail keeps the allow path"
    );
}

#[test]
fn detaching_a_customer_scp_named_like_a_guardrail_is_quiet() {
    let mut world = World::governed();
    world.add_scp("p-copy", "team-aws-guardrails-copy", DENY_DOCUMENT);
    world.attach("p-copy", WORKLOADS);

    let verdict = world.preflight(&detach("p-copy", WORKLOADS));

    assert_quiet(&verdict);
}

// Moving an account.

#[test]
fn moving_an_account_to_where_it_already_is_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, STAGING));

    assert_blocked(&verdict, &["Legacy is already in Staging"]);
}

#[test]
fn moving_the_management_account_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(MANAGEMENT, ROOT, ARCHIVE));

    assert_blocked(&verdict, &["Management is the management account"]);
}

#[test]
fn moving_into_a_parent_that_does_not_exist_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, "ou-ab12-gone"));

    assert_blocked(&verdict, &["ou-ab12-gone"]);
}

#[test]
fn moving_into_an_account_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, OLD_BUILD));

    assert_blocked(&verdict, &["Old Build is an account"]);
}

#[test]
fn moving_an_account_that_does_not_exist_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(OUTSIDER, STAGING, ARCHIVE));

    assert_blocked(&verdict, &["no account 999999999999"]);
}

#[test]
fn moving_an_ou_as_if_it_were_an_account_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(PROD, WORKLOADS, ROOT));

    assert_blocked(&verdict, &["no account ou-ab12-prod"]);
}

#[test]
fn moving_from_a_parent_the_account_is_no_longer_in_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, ARCHIVE, ROOT));

    assert_blocked(
        &verdict,
        &["Legacy is in Staging, not in Archive", "Refresh"],
    );
}

#[test]
fn moving_between_unregistered_ous_with_the_same_scps_is_quiet() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(OLD_BUILD, ARCHIVE, ROOT));

    assert_quiet(&verdict);
    assert_eq!(verdict.affected_accounts, [OLD_BUILD]);
}

#[test]
fn moving_out_of_a_registered_ou_into_a_registered_one_is_high_risk_drift() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(PAYMENTS, WORKLOADS, SANDBOX));

    assert_allowed(&verdict);
    let found = warning(&verdict, "Payments Prod leaves Workloads");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("ACCOUNT_MOVED_BETWEEN_OUS"));
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("re-register Sandbox (ResetEnabledBaseline)"));
    assert!(remedy.contains("move it back to Workloads"));
    assert!(verdict.needs_typed_confirmation());
}

#[test]
fn moving_out_of_a_registered_ou_into_an_unregistered_one_says_it_stops_being_governed() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(PAYMENTS, WORKLOADS, ARCHIVE));

    let found = warning(&verdict, "Payments Prod leaves Workloads");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("Archive is not registered"));
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("Register Archive with Control Tower"));
}

#[test]
fn moving_an_enrolled_account_from_an_unregistered_ou_into_another_is_a_drift_notice() {
    let mut world = World::governed();
    world.register(LEGACY);

    let verdict = world.preflight(&move_account(LEGACY, STAGING, ARCHIVE));

    let found = warning(&verdict, "Legacy is enrolled in Control Tower");
    assert_eq!(found.risk, Risk::Notice);
    assert!(found.message.contains("Archive is not registered"));
    assert!(
        found
            .remedy
            .as_deref()
            .unwrap()
            .contains("Register Archive")
    );
}

#[test]
fn moving_an_unenrolled_account_between_unregistered_ous_warns_of_no_drift() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, ARCHIVE));

    assert_no_warning(&verdict, "Control Tower");
}

#[test]
fn moving_into_a_registered_ou_from_an_unregistered_one_warns_of_no_drift() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(OLD_BUILD, ARCHIVE, SANDBOX));

    assert_no_warning(&verdict, "Control Tower");
    assert!(!verdict.needs_typed_confirmation());
}

#[test]
fn moving_without_control_tower_state_says_drift_was_not_checked() {
    let mut world = World::governed();
    world.control_tower = Some(ControlTower::Unavailable {
        reason: "AccessDeniedException".into(),
    });

    let verdict = world.preflight(&move_account(PAYMENTS, WORKLOADS, SANDBOX));

    let found = warning(&verdict, "Control Tower could not be read");
    assert_eq!(found.risk, Risk::Notice);
    assert!(found.message.contains("AccessDeniedException"));
    assert!(found.message.contains("not checked"));

    world.control_tower = None;
    let verdict = world.preflight(&move_account(PAYMENTS, WORKLOADS, SANDBOX));
    assert_eq!(warning(&verdict, "not been read yet").risk, Risk::Notice);
}

#[test]
fn moving_into_an_ou_with_other_scps_names_those_gained_and_lost() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, SANDBOX));

    let found = warning(&verdict, "In Sandbox, Legacy gains");
    assert_eq!(found.risk, Risk::Notice);
    assert!(
        found.message.contains(
            "gains the SCP aws-guardrails-Sandbox and loses the SCP DenyPublicS3"
        ),
        "{found:?}"
    );
}

#[test]
fn moving_into_a_nested_ou_names_every_scp_gained() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(OLD_BUILD, ARCHIVE, PROD));

    let found = warning(&verdict, "In Prod, Old Build gains");
    assert!(
        found
            .message
            .contains("the SCPs aws-guardrails-Prod and aws-guardrails-Workloads."),
        "{found:?}"
    );
    assert!(!found.message.contains("loses"));
}

#[test]
fn moving_into_an_ou_with_the_same_scps_names_none() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(OLD_BUILD, ARCHIVE, ROOT));

    assert_no_warning(&verdict, "gains");
    assert_no_warning(&verdict, "loses");
}

#[test]
fn moving_into_an_ou_without_an_allow_path_is_high_risk() {
    let mut world = World::governed();
    world.add_unit_without_scps(ROOT, "ou-ab12-locked", "Locked");
    world.attach(DENY_PUBLIC_S3, "ou-ab12-locked");

    let verdict = world.preflight(&move_account(LEGACY, STAGING, "ou-ab12-locked"));

    let found = warning(&verdict, "No SCP attached to Locked allows any action");
    assert_eq!(found.risk, Risk::High);
    assert!(found.message.contains("everything Legacy does is denied"));
}

#[test]
fn moving_into_an_ou_with_an_allow_path_is_not_high_risk() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(LEGACY, STAGING, ARCHIVE));

    assert_no_warning(&verdict, "allows any action");
    assert!(!verdict.needs_typed_confirmation());
}

// Inviting an account.

#[test]
fn inviting_an_account_that_is_already_a_member_is_blocked() {
    let world = World::governed();

    let verdict = world.preflight(&invite_account(PAYMENTS));

    assert_blocked(&verdict, &["already a member", "Payments Prod"]);
}

#[test]
fn inviting_the_email_of_a_member_is_blocked_whatever_its_case() {
    let world = World::governed();

    let member = world.preflight(&invite_email("Payments.Prod@Example.com"));
    let management = world.preflight(&invite_email("root@example.com"));

    assert_blocked(&member, &["Payments Prod", "already a member"]);
    assert_blocked(&management, &["management account"]);
}

#[test]
fn inviting_an_account_outside_the_organization_is_allowed() {
    let world = World::governed();

    assert_quiet(&world.preflight(&invite_account(OUTSIDER)));
    assert_quiet(&world.preflight(&invite_email("new.team@example.com")));
}

#[test]
fn inviting_while_an_invitation_to_the_same_account_is_open_is_blocked() {
    let mut world = World::governed();
    world.invitation("h-open", InviteTarget::Account(OUTSIDER.into()), "OPEN");
    world.invitation(
        "h-requested",
        InviteTarget::Email("new.team@example.com".into()),
        "REQUESTED",
    );

    let by_id = world.preflight(&invite_account(OUTSIDER));
    let by_email = world.preflight(&invite_email("New.Team@example.com"));

    assert_blocked(&by_id, &["already open", "h-open", "2027-01-04"]);
    assert_blocked(&by_email, &["already open", "h-requested"]);
}

#[test]
fn inviting_again_after_an_invitation_was_declined_or_expired_is_allowed() {
    let mut world = World::governed();
    world.invitation(
        "h-declined",
        InviteTarget::Account(OUTSIDER.into()),
        "DECLINED",
    );
    world.invitation(
        "h-expired",
        InviteTarget::Account(OUTSIDER.into()),
        "EXPIRED",
    );
    world.invitation(
        "h-other",
        InviteTarget::Account("999999999990".into()),
        "OPEN",
    );

    let verdict = world.preflight(&invite_account(OUTSIDER));

    assert_quiet(&verdict);
}

#[test]
fn inviting_an_account_id_that_is_not_12_digits_is_blocked() {
    let world = World::governed();

    for id in [
        "12345678901",
        "1234567890123",
        "12345678901a",
        " 12345678901",
    ] {
        let verdict = world.preflight(&invite_account(id));
        assert_blocked(&verdict, &["not an account id", "12 digits"]);
    }
}

#[test]
fn inviting_an_email_that_is_not_an_email_is_blocked() {
    let world = World::governed();

    for email in [
        "new.team.example.com",
        "@example.com",
        "new@team@example.com",
        "new.team@example",
        "new.team@example.",
        "new team@example.com",
        "new.team@example..com",
    ] {
        let verdict = world.preflight(&invite_email(email));
        assert_blocked(&verdict, &["not an email address"]);
    }
}

#[test]
fn inviting_a_plain_email_with_a_subdomain_is_allowed() {
    let world = World::governed();

    let verdict = world.preflight(&invite_email("aws+prod@mail.example.co.uk"));

    assert_quiet(&verdict);
}

#[test]
fn inviting_in_the_middle_of_the_month_warns_that_credits_stay_on_their_own_bill() {
    let mut world = World::governed();
    world.today = day(2026, 12, 20);

    let verdict = world.preflight(&invite_account(OUTSIDER));

    assert_allowed(&verdict);
    let found = warning(&verdict, "credits");
    assert_eq!(found.risk, Risk::Notice);
    assert!(found.message.contains("999999999999"));
    assert!(found.message.contains("2027-01-01"));
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("accept on 2026-12-31"), "{remedy}");
    assert!(!verdict.needs_typed_confirmation());
}

#[test]
fn inviting_early_in_the_month_says_when_to_send_the_invitation() {
    let mut world = World::governed();
    world.today = day(2027, 2, 1);

    let verdict = world.preflight(&invite_email("new.team@example.com"));

    let found = warning(&verdict, "credits");
    assert!(found.message.contains("2027-03-01"));
    let remedy = found.remedy.as_deref().unwrap();
    assert!(remedy.contains("on or after 2027-02-14"), "{remedy}");
    assert!(remedy.contains("accepted on 2027-02-28"), "{remedy}");
}

#[test]
fn inviting_on_the_last_day_of_the_month_is_quiet() {
    let mut world = World::governed();

    for today in [day(2026, 12, 31), day(2028, 2, 29), day(2027, 4, 30)] {
        world.today = today;
        assert_quiet(&world.preflight(&invite_account(OUTSIDER)));
    }
}

// Cancelling an invitation.

#[test]
fn cancelling_an_invitation_that_does_not_exist_is_blocked() {
    let mut world = World::governed();
    world.invitation("h-open", InviteTarget::Account(OUTSIDER.into()), "OPEN");

    let verdict = world.preflight(&cancel("h-gone"));

    assert_blocked(&verdict, &["no invitation h-gone"]);
}

#[test]
fn cancelling_an_invitation_that_is_no_longer_open_is_blocked() {
    let mut world = World::governed();
    world.invitation(
        "h-accepted",
        InviteTarget::Account(OUTSIDER.into()),
        "ACCEPTED",
    );

    let verdict = world.preflight(&cancel("h-accepted"));

    assert_blocked(
        &verdict,
        &["h-accepted", "ACCEPTED", "only an open invitation"],
    );
}

#[test]
fn cancelling_an_open_or_requested_invitation_is_allowed() {
    let mut world = World::governed();
    world.invitation("h-open", InviteTarget::Account(OUTSIDER.into()), "OPEN");
    world.invitation(
        "h-req",
        InviteTarget::Email("a@example.com".into()),
        "REQUESTED",
    );

    assert_quiet(&world.preflight(&cancel("h-open")));
    assert_quiet(&world.preflight(&cancel("h-req")));
}

// The accounts an action changes.

#[test]
fn a_move_affects_only_the_account_moved() {
    let world = World::governed();

    let verdict = world.preflight(&move_account(PAYMENTS, WORKLOADS, SANDBOX));

    assert_eq!(verdict.affected_accounts, [PAYMENTS]);
}

#[test]
fn attaching_to_an_ou_affects_every_account_below_it_at_any_depth() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, WORKLOADS));

    assert_eq!(sorted(&verdict.affected_accounts), [PAYMENTS, CHECKOUT]);
}

#[test]
fn attaching_to_the_root_affects_every_account_including_the_management_account() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, ROOT));

    assert_eq!(
        sorted(&verdict.affected_accounts),
        [
            MANAGEMENT,
            PAYMENTS,
            CHECKOUT,
            DEV_SANDBOX,
            LEGACY,
            OLD_BUILD
        ]
    );
}

#[test]
fn attaching_to_an_account_affects_only_that_account() {
    let world = World::governed();

    let verdict = world.preflight(&attach(DENY_PUBLIC_S3, LEGACY));

    assert_eq!(verdict.affected_accounts, [LEGACY]);
}

#[test]
fn invitations_and_cancellations_affect_no_account() {
    let mut world = World::governed();
    world.invitation("h-open", InviteTarget::Account(OUTSIDER.into()), "OPEN");

    let invite = world.preflight(&invite_account("999999999990"));
    let cancel = world.preflight(&cancel("h-open"));

    assert_allowed(&invite);
    assert!(invite.affected_accounts.is_empty());
    assert_allowed(&cancel);
    assert!(cancel.affected_accounts.is_empty());
}
