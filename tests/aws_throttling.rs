//! Throttling, which moto cannot produce: aws-smithy-mocks answers the
//! adapter's requests from the demo organization, and a share of them first
//! with Organizations' `TooManyRequestsException` (HTTP 400). The SDK's own
//! retries, as orgtop configures them, must carry the crawl through.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput;
use aws_sdk_organizations::operation::describe_policy::DescribePolicyOutput;
use aws_sdk_organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput;
use aws_sdk_organizations::operation::list_aws_service_access_for_organization::ListAwsServiceAccessForOrganizationOutput;
use aws_sdk_organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput;
use aws_sdk_organizations::operation::list_policies::ListPoliciesOutput;
use aws_sdk_organizations::operation::list_roots::ListRootsOutput;
use aws_sdk_organizations::operation::list_targets_for_policy::ListTargetsForPolicyOutput;
use aws_sdk_organizations::types as sdk;
use aws_smithy_mocks::{Rule, RuleBuilder, RuleMode, mock, mock_client};
use orgtop::crawl;
use orgtop::model::{
    Account, NodeKind, Org, OrganizationalUnit, PolicySummary, PolicyTarget, PolicyType,
};
use orgtop::provider::aws::{AwsProvider, AwsSettings};
use orgtop::provider::demo::DemoProvider;
use orgtop::provider::{ErrorKind, Page, Provider};
use orgtop::worker::{Limited, Limits};

use common::Wire;

/// What Organizations answers when a rate limit is exceeded.
const THROTTLED: &str = r#"{"__type":"TooManyRequestsException","Message":"AWS Organizations can't complete your request because another request is already in progress. Try again later."}"#;

/// orgtop's retry settings, with backoff short enough for a test.
fn settings(max_attempts: u32) -> AwsSettings {
    AwsSettings {
        region: Some("us-east-1".into()),
        max_attempts,
        ..AwsSettings::default()
    }
}

fn throttled_client(rules: &[Rule], settings: &AwsSettings, wire: &Wire) -> Client {
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let wire = wire.clone();
    mock_client!(
        aws_sdk_organizations,
        RuleMode::MatchAny,
        rules,
        move |config| { config.retry_config(retry.clone()).interceptor(wire.clone()) }
    )
}

/// The answer `output` to one request, after one `TooManyRequestsException`
/// when `throttled`.
fn answer<I, O, E>(rule: RuleBuilder<I, O, E>, output: O, throttled: bool) -> Rule
where
    I: Debug + Send + Sync + 'static,
    O: Clone + Debug + Send + Sync + 'static,
    E: Debug + Send + Sync + std::error::Error + 'static,
{
    let sequence = rule.sequence();
    let sequence = match throttled {
        true => sequence.http_status(400, Some(THROTTLED.to_string())),
        false => sequence,
    };
    sequence.output(move || output.clone()).build()
}

/// One rule per request the crawl of the demo organization sends, every
/// third one throttled first.
struct Rules {
    rules: Vec<Rule>,
    throttled: usize,
}

impl Rules {
    fn add<I, O, E>(&mut self, rule: RuleBuilder<I, O, E>, output: O)
    where
        I: Debug + Send + Sync + 'static,
        O: Clone + Debug + Send + Sync + 'static,
        E: Debug + Send + Sync + std::error::Error + 'static,
    {
        let throttled = self.rules.len().is_multiple_of(3);
        self.throttled += usize::from(throttled);
        self.rules.push(answer(rule, output, throttled));
    }

    /// Rules for every page of every listing the crawl of `demo` reads.
    async fn for_crawl_of(demo: &DemoProvider, org: &Org) -> Self {
        let mut rules = Self {
            rules: Vec::new(),
            throttled: 0,
        };
        let organization = demo.describe_organization().await.unwrap();
        let organization = sdk::Organization::builder()
            .id(&organization.id)
            .arn(&organization.arn)
            .master_account_id(&organization.management_account_id)
            .master_account_email(&organization.management_account_email)
            .build();
        let output = DescribeOrganizationOutput::builder()
            .organization(organization)
            .build();
        rules.add(mock!(Client::describe_organization), output);

        let root = org.node(org.root().unwrap());
        let sdk_root = sdk::Root::builder()
            .id(&root.id)
            .arn(&root.arn)
            .name(&root.name)
            .build();
        rules.add(
            mock!(Client::list_roots),
            ListRootsOutput::builder().roots(sdk_root).build(),
        );

        let parents = org.nodes().filter(|(_, node)| node.is_container());
        for (_, parent) in parents {
            rules.add_unit_pages(demo, &parent.id).await;
            rules.add_account_pages(demo, &parent.id).await;
        }
        for policy_type in [
            PolicyType::ServiceControlPolicy,
            PolicyType::ResourceControlPolicy,
        ] {
            rules.add_policy_pages(demo, policy_type).await;
        }
        for policy in org.policies() {
            rules.add_target_pages(demo, &policy.id).await;
        }
        for policy in org.policies().iter().filter(|p| reads_document(p)) {
            rules.add_document(demo, policy).await;
        }
        let services = demo
            .list_aws_service_access_for_organization(None)
            .await
            .unwrap();
        let principals = services.items.iter().map(|service| {
            sdk::EnabledServicePrincipal::builder()
                .service_principal(service)
                .build()
        });
        rules.add(
            mock!(Client::list_aws_service_access_for_organization),
            ListAwsServiceAccessForOrganizationOutput::builder()
                .set_enabled_service_principals(Some(principals.collect()))
                .build(),
        );
        rules
    }

    /// The document of a custom SCP, which the crawl reads for the drift
    /// rules.
    async fn add_document(&mut self, demo: &DemoProvider, policy: &PolicySummary) {
        let described = demo.describe_policy(&policy.id).await.unwrap();
        let id = policy.id.clone();
        let rule = mock!(Client::describe_policy)
            .match_requests(move |r| r.policy_id() == Some(id.as_str()));
        let output = DescribePolicyOutput::builder()
            .policy(
                sdk::Policy::builder()
                    .policy_summary(policy_summary(policy))
                    .content(described.content)
                    .build(),
            )
            .build();
        self.add(rule, output);
    }

    async fn add_unit_pages(&mut self, demo: &DemoProvider, parent_id: &str) {
        let mut token = None;
        loop {
            let page = demo
                .list_organizational_units_for_parent(parent_id, token.clone())
                .await;
            let page = page.unwrap();
            let (parent, asked) = (parent_id.to_string(), token.clone());
            let rule = mock!(Client::list_organizational_units_for_parent)
                .match_requests(move |r| {
                    r.parent_id() == Some(&parent) && r.next_token() == asked.as_deref()
                });
            let output = ListOrganizationalUnitsForParentOutput::builder()
                .set_organizational_units(Some(page.items.iter().map(unit).collect()))
                .set_next_token(page.next_token.clone())
                .build();
            self.add(rule, output);
            token = match page.next_token {
                Some(next) => Some(next),
                None => break,
            };
        }
    }

    async fn add_account_pages(&mut self, demo: &DemoProvider, parent_id: &str) {
        let mut token = None;
        loop {
            let page = demo
                .list_accounts_for_parent(parent_id, token.clone())
                .await
                .unwrap();
            let (parent, asked) = (parent_id.to_string(), token.clone());
            let rule = mock!(Client::list_accounts_for_parent).match_requests(move |r| {
                r.parent_id() == Some(&parent) && r.next_token() == asked.as_deref()
            });
            let output = ListAccountsForParentOutput::builder()
                .set_accounts(Some(page.items.iter().map(account).collect()))
                .set_next_token(page.next_token.clone())
                .build();
            self.add(rule, output);
            token = match page.next_token {
                Some(next) => Some(next),
                None => break,
            };
        }
    }

    async fn add_policy_pages(&mut self, demo: &DemoProvider, policy_type: PolicyType) {
        let mut token = None;
        loop {
            let page: Page<PolicySummary> = demo
                .list_policies(policy_type, token.clone())
                .await
                .unwrap();
            let asked = token.clone();
            let rule = mock!(Client::list_policies).match_requests(move |r| {
                r.filter().map(|f| f.as_str()) == Some(policy_type.as_aws_str())
                    && r.next_token() == asked.as_deref()
            });
            let output = ListPoliciesOutput::builder()
                .set_policies(Some(page.items.iter().map(policy_summary).collect()))
                .set_next_token(page.next_token.clone())
                .build();
            self.add(rule, output);
            token = match page.next_token {
                Some(next) => Some(next),
                None => break,
            };
        }
    }

    async fn add_target_pages(&mut self, demo: &DemoProvider, policy_id: &str) {
        let mut token = None;
        loop {
            let page = demo
                .list_targets_for_policy(policy_id, token.clone())
                .await
                .unwrap();
            let (policy, asked) = (policy_id.to_string(), token.clone());
            let rule = mock!(Client::list_targets_for_policy).match_requests(move |r| {
                r.policy_id() == Some(&policy) && r.next_token() == asked.as_deref()
            });
            let output = ListTargetsForPolicyOutput::builder()
                .set_targets(Some(page.items.iter().map(target).collect()))
                .set_next_token(page.next_token.clone())
                .build();
            self.add(rule, output);
            token = match page.next_token {
                Some(next) => Some(next),
                None => break,
            };
        }
    }
}

fn unit(unit: &OrganizationalUnit) -> sdk::OrganizationalUnit {
    sdk::OrganizationalUnit::builder()
        .id(&unit.id)
        .arn(&unit.arn)
        .name(&unit.name)
        .build()
}

fn account(account: &Account) -> sdk::Account {
    sdk::Account::builder()
        .id(&account.id)
        .arn(&account.arn)
        .name(&account.name)
        .email(&account.email)
        .state(sdk::AccountState::from(account.state.as_aws_str()))
        .joined_method(sdk::AccountJoinedMethod::from(
            account.joined_method.as_aws_str(),
        ))
        .joined_timestamp(aws_smithy_types::DateTime::from_secs(
            account.joined_timestamp.timestamp(),
        ))
        .build()
}

/// Whether the crawl reads this policy's document: custom SCPs only.
fn reads_document(policy: &PolicySummary) -> bool {
    policy.policy_type == PolicyType::ServiceControlPolicy && !policy.aws_managed
}

fn policy_summary(policy: &PolicySummary) -> sdk::PolicySummary {
    sdk::PolicySummary::builder()
        .id(&policy.id)
        .arn(&policy.arn)
        .name(&policy.name)
        .description(&policy.description)
        .r#type(sdk::PolicyType::from(policy.policy_type.as_aws_str()))
        .aws_managed(policy.aws_managed)
        .build()
}

fn target(target: &PolicyTarget) -> sdk::PolicyTargetSummary {
    let target_type = match target.target_type {
        orgtop::model::TargetType::Root => sdk::TargetType::Root,
        orgtop::model::TargetType::OrganizationalUnit => {
            sdk::TargetType::OrganizationalUnit
        }
        orgtop::model::TargetType::Account => sdk::TargetType::Account,
    };
    sdk::PolicyTargetSummary::builder()
        .target_id(&target.target_id)
        .arn(&target.arn)
        .name(&target.name)
        .r#type(target_type)
        .build()
}

/// Nodes by id (name, parent id, kind with the account record) and every
/// attachment: what a crawl found, whatever order its answers came in.
type View = (
    BTreeMap<String, (String, Option<String>, NodeKind)>,
    BTreeSet<(String, String)>,
);

fn view(org: &Org) -> View {
    let mut nodes = BTreeMap::new();
    let mut attachments = BTreeSet::new();
    for (_, node) in org.nodes() {
        let parent = node.parent.map(|p| org.node(p).id.clone());
        nodes.insert(
            node.id.clone(),
            (node.name.clone(), parent, node.kind.clone()),
        );
        for policy_type in [
            PolicyType::ServiceControlPolicy,
            PolicyType::ResourceControlPolicy,
        ] {
            let attached = org.attached(&node.id, policy_type);
            attachments.extend(
                attached
                    .into_iter()
                    .map(|p| (p.id.clone(), node.id.clone())),
            );
        }
    }
    (nodes, attachments)
}

#[tokio::test]
async fn a_crawl_throttled_on_every_third_request_still_loads_the_whole_organization() {
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    let expected = crawl::load(&demo).await.unwrap();
    let rules = Rules::for_crawl_of(&demo, &expected).await;
    let wire = Wire::default();
    let settings = settings(3);
    let client = throttled_client(&rules.rules, &settings, &wire);
    let provider = Limited::new(
        Arc::new(AwsProvider::from_client(client, &settings)),
        Limits::default(),
    );

    let org = crawl::load(&provider).await.unwrap();

    assert!(org.nodes().all(|(_, node)| node.failure.is_none()));
    assert_eq!(view(&org), view(&expected));
    assert_eq!(org.account_count(), 43);
    // Every throttled request was sent once more by the SDK, and only those.
    let calls = provider.calls_done() as usize;
    assert_eq!(calls, rules.rules.len());
    assert!(rules.throttled >= calls / 3);
    assert_eq!(wire.total(), calls + rules.throttled);
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_reported_as_throttling() {
    let always = mock!(Client::list_roots)
        .sequence()
        .http_status(400, Some(THROTTLED.to_string()))
        .repeatedly()
        .build();
    let wire = Wire::default();
    let settings = settings(4);
    let provider = AwsProvider::from_client(
        throttled_client(&[always], &settings, &wire),
        &settings,
    );

    let error = provider.list_roots(None).await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::Throttling);
    assert_eq!(error.code, "TooManyRequestsException");
    assert_eq!(error.operation, "ListRoots");
    assert_eq!(wire.total(), 4, "one request per configured attempt");
}
