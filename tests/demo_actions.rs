//! The demo organization acts as AWS does: every action changes what the
//! listings show, and every request AWS would refuse fails with AWS's error
//! code. Each test builds a small organization, acts through the provider
//! trait, and reads the result back the way the console does.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use orgtop::clock::FixedClock;
use orgtop::model::action::{Action, Handshake, InviteTarget};
use orgtop::model::{
    Account, AccountState, JoinedMethod, Organization, Policy, PolicySummary, PolicyType,
};
use orgtop::provider::demo::{DemoProvider, DemoState};
use orgtop::provider::{ErrorKind, Provider, ProviderError};

const ROOT: &str = "r-ab12";
const WORKLOADS: &str = "ou-ab12-workload";
const SANDBOX: &str = "ou-ab12-sandbox1";
const MANAGEMENT: &str = "100000000001";
const PROD_WEB: &str = "111111111111";
const SANDBOX_ANA: &str = "222222222222";
const FULL_ACCESS: &str = "p-FullAWSAccess";
const DENY_ROOT: &str = "p-denyroot";
const OUTSIDER: &str = "583920174466";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()
}

/// A root with two units, Workloads and Sandbox, an account in each and the
/// management account under the root. `FullAWSAccess` is on everything,
/// as AWS attaches it; `DenyRootUser` is on Workloads.
fn small_organization() -> DemoState {
    let organization = Organization {
        id: "o-ab12cd34ef".into(),
        arn: format!("arn:aws:organizations::{MANAGEMENT}:organization/o-ab12cd34ef"),
        management_account_id: MANAGEMENT.into(),
        management_account_email: "aws-management@example.com".into(),
    };
    let mut state = DemoState::new(organization, ROOT);
    state.add_unit(ROOT, WORKLOADS.into(), "Workloads");
    state.add_unit(ROOT, SANDBOX.into(), "Sandbox");
    state.add_account(ROOT, account(MANAGEMENT, "management"));
    state.add_account(WORKLOADS, account(PROD_WEB, "prod-web"));
    state.add_account(SANDBOX, account(SANDBOX_ANA, "sandbox-ana"));
    state.add_policy(scp(FULL_ACCESS, "FullAWSAccess"));
    state.add_policy(scp(DENY_ROOT, "DenyRootUser"));
    for target in [ROOT, WORKLOADS, SANDBOX, MANAGEMENT, PROD_WEB, SANDBOX_ANA] {
        state.attach(FULL_ACCESS, target);
    }
    state.attach(DENY_ROOT, WORKLOADS);
    state
}

fn account(id: &str, name: &str) -> Account {
    Account {
        id: id.into(),
        arn: String::new(),
        name: name.into(),
        email: format!("{name}@example.com"),
        state: AccountState::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: now() - chrono::Duration::days(90),
    }
}

fn scp(id: &str, name: &str) -> Policy {
    Policy {
        summary: PolicySummary {
            id: id.into(),
            arn: String::new(),
            name: name.into(),
            description: String::new(),
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed: id == FULL_ACCESS,
        },
        content: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
    }
}

fn provider(state: DemoState) -> (DemoProvider, FixedClock) {
    let clock = FixedClock::new(now());
    let demo =
        DemoProvider::new(state, Duration::ZERO).with_clock(Arc::new(clock.clone()));
    (demo, clock)
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

fn invite(target: InviteTarget) -> Action {
    Action::InviteAccount {
        target,
        notes: Some("Kestrel Data's account for the recommendation models".into()),
    }
}

fn cancel(handshake_id: &str) -> Action {
    Action::CancelHandshake {
        handshake_id: handshake_id.into(),
    }
}

async fn accounts_under(demo: &DemoProvider, parent: &str) -> Vec<String> {
    let page = demo.list_accounts_for_parent(parent, None).await.unwrap();
    page.items.into_iter().map(|a| a.id).collect()
}

async fn targets_of(demo: &DemoProvider, policy: &str) -> Vec<String> {
    let page = demo.list_targets_for_policy(policy, None).await.unwrap();
    page.items.into_iter().map(|t| t.target_id).collect()
}

async fn handshakes(demo: &DemoProvider) -> Vec<Handshake> {
    let mut all = Vec::new();
    let mut next_token = None;
    loop {
        let page = demo
            .list_handshakes_for_organization(next_token)
            .await
            .unwrap();
        all.extend(page.items);
        next_token = page.next_token;
        if next_token.is_none() {
            return all;
        }
    }
}

/// The error `action` fails with.
async fn refusal(demo: &DemoProvider, action: Action) -> ProviderError {
    demo.perform(&action).await.unwrap_err()
}

fn is_uuid_like(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn moving_an_account_lists_it_under_its_new_parent_only() {
    let (demo, _) = provider(small_organization());

    let request_id = demo
        .perform(&move_account(PROD_WEB, WORKLOADS, SANDBOX))
        .await
        .unwrap();

    assert!(is_uuid_like(&request_id.unwrap()));
    assert_eq!(
        accounts_under(&demo, SANDBOX).await,
        [SANDBOX_ANA, PROD_WEB]
    );
    assert!(accounts_under(&demo, WORKLOADS).await.is_empty());

    demo.perform(&move_account(PROD_WEB, SANDBOX, ROOT))
        .await
        .unwrap();
    assert_eq!(accounts_under(&demo, ROOT).await, [MANAGEMENT, PROD_WEB]);
}

#[tokio::test]
async fn a_move_aws_would_refuse_fails_with_its_code_and_changes_nothing() {
    let (demo, _) = provider(small_organization());

    let unknown = refusal(&demo, move_account(OUTSIDER, ROOT, SANDBOX)).await;
    let wrong_source = refusal(&demo, move_account(PROD_WEB, ROOT, SANDBOX)).await;
    let nowhere =
        refusal(&demo, move_account(PROD_WEB, WORKLOADS, "ou-ab12-nothere1")).await;
    let already_there =
        refusal(&demo, move_account(PROD_WEB, WORKLOADS, WORKLOADS)).await;

    assert_eq!(unknown.code, "AccountNotFoundException");
    assert_eq!(wrong_source.code, "SourceParentNotFoundException");
    assert_eq!(nowhere.code, "DestinationParentNotFoundException");
    assert_eq!(already_there.code, "DuplicateAccountException");
    for error in [&unknown, &wrong_source, &nowhere] {
        assert_eq!(error.kind, ErrorKind::NotFound, "{error}");
    }
    assert_eq!(already_there.kind, ErrorKind::InvalidInput);
    assert_eq!(wrong_source.operation, "MoveAccount");
    assert_eq!(wrong_source.target.as_deref(), Some(PROD_WEB));
    assert_eq!(accounts_under(&demo, WORKLOADS).await, [PROD_WEB]);
}

#[tokio::test]
async fn attaching_then_detaching_an_scp_changes_its_targets() {
    let (demo, _) = provider(small_organization());

    demo.perform(&attach(DENY_ROOT, SANDBOX_ANA)).await.unwrap();
    assert_eq!(targets_of(&demo, DENY_ROOT).await, [WORKLOADS, SANDBOX_ANA]);

    demo.perform(&detach(DENY_ROOT, WORKLOADS)).await.unwrap();
    assert_eq!(targets_of(&demo, DENY_ROOT).await, [SANDBOX_ANA]);
    let left = demo
        .list_policies_for_target(WORKLOADS, PolicyType::ServiceControlPolicy, None)
        .await
        .unwrap();
    let left: Vec<String> = left.items.into_iter().map(|p| p.id).collect();
    assert_eq!(left, [FULL_ACCESS]);
}

#[tokio::test]
async fn an_attachment_aws_would_refuse_fails_with_its_code() {
    let (demo, _) = provider(small_organization());

    let twice = refusal(&demo, attach(DENY_ROOT, WORKLOADS)).await;
    let no_policy = refusal(&demo, attach("p-nothere1", WORKLOADS)).await;
    let no_target = refusal(&demo, attach(DENY_ROOT, OUTSIDER)).await;

    assert_eq!(twice.code, "DuplicatePolicyAttachmentException");
    assert_eq!(twice.kind, ErrorKind::InvalidInput);
    assert_eq!(no_policy.code, "PolicyNotFoundException");
    assert_eq!(no_policy.kind, ErrorKind::NotFound);
    assert_eq!(no_target.code, "TargetNotFoundException");
    assert_eq!(no_target.kind, ErrorKind::NotFound);
    assert_eq!(targets_of(&demo, DENY_ROOT).await, [WORKLOADS]);
}

#[tokio::test]
async fn the_eleventh_scp_on_a_target_breaks_the_attachment_limit() {
    let mut state = small_organization();
    let extra: Vec<String> = (0..9).map(|n| format!("p-guardrl{n}")).collect();
    for (n, id) in extra.iter().enumerate() {
        state.add_policy(scp(id, &format!("Guardrail{n}")));
    }
    let (demo, _) = provider(state);
    // FullAWSAccess and DenyRootUser make two: eight more reach ten.
    for id in &extra[..8] {
        demo.perform(&attach(id, WORKLOADS)).await.unwrap();
    }

    let eleventh = refusal(&demo, attach(&extra[8], WORKLOADS)).await;

    assert_eq!(eleventh.code, "ConstraintViolationException");
    assert!(
        eleventh
            .message
            .contains("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"),
        "{}",
        eleventh.message
    );
    assert_eq!(eleventh.kind, ErrorKind::InvalidInput);
    assert!(
        !targets_of(&demo, &extra[8])
            .await
            .contains(&WORKLOADS.to_string())
    );
}

#[tokio::test]
async fn a_detachment_aws_would_refuse_fails_with_its_code() {
    let (demo, _) = provider(small_organization());

    let not_attached = refusal(&demo, detach(DENY_ROOT, SANDBOX)).await;
    let last_scp = refusal(&demo, detach(FULL_ACCESS, SANDBOX)).await;

    assert_eq!(not_attached.code, "PolicyNotAttachedException");
    assert_eq!(not_attached.kind, ErrorKind::InvalidInput);
    assert_eq!(last_scp.code, "ConstraintViolationException");
    assert!(
        last_scp
            .message
            .contains("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"),
        "{}",
        last_scp.message
    );
    assert!(
        targets_of(&demo, FULL_ACCESS)
            .await
            .contains(&SANDBOX.to_string())
    );

    // With another SCP beside it, FullAWSAccess may go.
    demo.perform(&detach(FULL_ACCESS, WORKLOADS)).await.unwrap();
    assert!(
        !targets_of(&demo, FULL_ACCESS)
            .await
            .contains(&WORKLOADS.to_string())
    );
}

#[tokio::test]
async fn an_invitation_opens_a_handshake_that_expires_in_fifteen_days() {
    let (demo, _) = provider(small_organization());

    let request_id = demo
        .perform(&invite(InviteTarget::Account(OUTSIDER.into())))
        .await
        .unwrap();
    demo.perform(&invite(InviteTarget::Email(
        "ops@kestrel.example.com".into(),
    )))
    .await
    .unwrap();

    assert!(is_uuid_like(&request_id.unwrap()));
    let sent = handshakes(&demo).await;
    assert_eq!(sent.len(), 2);
    let to_account = &sent[0];
    assert_eq!(to_account.target, InviteTarget::Account(OUTSIDER.into()));
    assert_eq!(to_account.state, "OPEN");
    assert!(to_account.is_open());
    assert_eq!(to_account.requested, now());
    assert_eq!(to_account.expires, now() + chrono::Duration::days(15));
    let suffix = to_account.id.strip_prefix("h-").unwrap();
    assert!((8..=32).contains(&suffix.len()));
    assert!(
        suffix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert!(
        to_account
            .arn
            .ends_with(&format!("/invite/{}", to_account.id))
    );
    assert_eq!(
        sent[1].target,
        InviteTarget::Email("ops@kestrel.example.com".into())
    );
}

#[tokio::test]
async fn an_invitation_aws_would_refuse_fails_with_its_code() {
    let (demo, _) = provider(small_organization());
    demo.perform(&invite(InviteTarget::Account(OUTSIDER.into())))
        .await
        .unwrap();
    demo.perform(&invite(InviteTarget::Email(
        "ops@kestrel.example.com".into(),
    )))
    .await
    .unwrap();

    let again = refusal(&demo, invite(InviteTarget::Account(OUTSIDER.into()))).await;
    let again_by_email = InviteTarget::Email("OPS@Kestrel.example.com".into());
    let again_by_email = refusal(&demo, invite(again_by_email)).await;
    let member = refusal(&demo, invite(InviteTarget::Account(PROD_WEB.into()))).await;
    let member_email = InviteTarget::Email("sandbox-ana@example.com".into());
    let member_by_email = refusal(&demo, invite(member_email)).await;
    let malformed =
        refusal(&demo, invite(InviteTarget::Account("58392017".into()))).await;

    assert_eq!(again.code, "DuplicateHandshakeException");
    assert_eq!(again_by_email.code, "DuplicateHandshakeException");
    assert_eq!(again.target.as_deref(), Some(OUTSIDER));
    for error in [&member, &member_by_email] {
        assert_eq!(error.code, "HandshakeConstraintViolationException");
        assert!(
            error.message.contains("ALREADY_IN_AN_ORGANIZATION"),
            "{error}"
        );
    }
    assert_eq!(malformed.code, "InvalidInputException");
    for error in [
        &again,
        &again_by_email,
        &member,
        &member_by_email,
        &malformed,
    ] {
        assert_eq!(error.kind, ErrorKind::InvalidInput, "{error}");
        assert_eq!(error.operation, "InviteAccountToOrganization");
    }
    assert_eq!(handshakes(&demo).await.len(), 2);
}

#[tokio::test]
async fn cancelling_closes_the_invitation_once_and_frees_its_target() {
    let (demo, _) = provider(small_organization());
    let target = InviteTarget::Account(OUTSIDER.into());
    demo.perform(&invite(target.clone())).await.unwrap();
    let id = handshakes(&demo).await[0].id.clone();

    let request_id = demo.perform(&cancel(&id)).await.unwrap();

    assert!(is_uuid_like(&request_id.unwrap()));
    assert_eq!(handshakes(&demo).await[0].state, "CANCELED");
    let twice = refusal(&demo, cancel(&id)).await;
    assert_eq!(twice.code, "InvalidHandshakeTransitionException");
    assert_eq!(twice.kind, ErrorKind::InvalidInput);
    let unknown = refusal(&demo, cancel("h-nothere123")).await;
    assert_eq!(unknown.code, "HandshakeNotFoundException");
    assert_eq!(unknown.kind, ErrorKind::NotFound);

    demo.perform(&invite(target)).await.unwrap();
    let states: Vec<String> = handshakes(&demo)
        .await
        .into_iter()
        .map(|h| h.state)
        .collect();
    assert_eq!(states, ["CANCELED", "OPEN"]);
}

#[tokio::test]
async fn the_demos_invitations_stay_open_past_their_expiry() {
    let (demo, clock) = provider(small_organization());
    demo.perform(&invite(InviteTarget::Account(OUTSIDER.into())))
        .await
        .unwrap();

    clock.set(now() + chrono::Duration::days(40));

    let handshake = &handshakes(&demo).await[0];
    assert_eq!(handshake.state, "OPEN");
    assert_eq!(handshake.requested, now());
}

#[tokio::test]
async fn handshakes_are_listed_twenty_a_page() {
    let (demo, _) = provider(small_organization());
    for n in 0..25u64 {
        let id = format!("{}", 300_000_000_000 + n);
        demo.perform(&invite(InviteTarget::Account(id)))
            .await
            .unwrap();
    }

    let first = demo.list_handshakes_for_organization(None).await.unwrap();
    let second = demo
        .list_handshakes_for_organization(first.next_token.clone())
        .await
        .unwrap();

    assert_eq!(first.items.len(), 20);
    assert!(first.next_token.is_some());
    assert_eq!(second.items.len(), 5);
    assert_eq!(second.next_token, None);
}

#[tokio::test]
async fn request_ids_differ_per_action_and_repeat_run_to_run() {
    let actions = [
        attach(DENY_ROOT, SANDBOX),
        detach(DENY_ROOT, SANDBOX),
        attach(DENY_ROOT, SANDBOX),
    ];
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (demo, _) = provider(small_organization());
        let mut ids = Vec::new();
        for action in &actions {
            ids.push(demo.perform(action).await.unwrap().unwrap());
        }
        runs.push(ids);
    }

    assert_eq!(runs[0], runs[1]);
    assert_ne!(runs[0][0], runs[0][2]);
}

#[tokio::test]
async fn the_northwind_demo_has_an_open_invitation_that_can_be_cancelled() {
    let clock = FixedClock::new(now());
    let demo = DemoProvider::northwind(Duration::ZERO)
        .unwrap()
        .with_clock(Arc::new(clock));

    let sent = handshakes(&demo).await;
    let open: Vec<&Handshake> = sent.iter().filter(|h| h.is_open()).collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].target, InviteTarget::Account(OUTSIDER.into()));
    assert!(
        open[0].requested < now()
            && open[0].requested > now() - chrono::Duration::days(15)
    );
    assert_eq!(
        open[0].expires - open[0].requested,
        chrono::Duration::days(15)
    );
    assert!(sent.iter().any(|h| h.state == "CANCELED"));

    let duplicate = refusal(&demo, invite(InviteTarget::Account(OUTSIDER.into()))).await;
    assert_eq!(duplicate.code, "DuplicateHandshakeException");
    demo.perform(&cancel(&open[0].id)).await.unwrap();
    assert!(handshakes(&demo).await.iter().all(|h| !h.is_open()));
}
