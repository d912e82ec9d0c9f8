//! Actions through the AWS adapter: against moto's server, a move, an
//! attachment and a detachment change what moto holds, read back with the
//! adapter's own listings and a fresh crawl. moto accepts what AWS refuses
//! (a duplicate attachment, removing a target's last SCP), so AWS's answers
//! to those come from aws-smithy-mocks.

mod common;

use std::time::Duration;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType as SdkPolicyType};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
use orgtop::crawl;
use orgtop::model::action::Action;
use orgtop::model::{Org, PolicyType};
use orgtop::provider::aws::{self, AwsProvider};
use orgtop::provider::{ErrorKind, Provider};

use common::Wire;
use common::moto::Moto;

const DENY_S3_DELETE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;

/// What was created in moto for a test.
struct Created {
    root: String,
    workloads: String,
    sandbox: String,
    account: String,
    policy: String,
}

/// An organization with two units under the root, Workloads and Sandbox,
/// one member account under the root and one custom SCP attached nowhere.
async fn create_organization(client: &Client) -> Created {
    client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let roots = client.list_roots().send().await.unwrap();
    let root = roots.roots()[0].id().unwrap().to_string();
    let workloads = create_unit(client, &root, "Workloads").await;
    let sandbox = create_unit(client, &root, "Sandbox").await;
    let account = client
        .create_account()
        .account_name("prod-web")
        .email("prod-web@example.com")
        .send()
        .await
        .unwrap();
    let account = account
        .create_account_status()
        .unwrap()
        .account_id()
        .unwrap();
    let policy = client
        .create_policy()
        .name("DenyS3BucketDeletion")
        .description("keeps buckets")
        .content(DENY_S3_DELETE)
        .r#type(SdkPolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap();
    let policy = policy
        .policy()
        .unwrap()
        .policy_summary()
        .unwrap()
        .id()
        .unwrap();
    Created {
        root,
        workloads,
        sandbox,
        account: account.to_string(),
        policy: policy.to_string(),
    }
}

async fn create_unit(client: &Client, parent: &str, name: &str) -> String {
    let output = client
        .create_organizational_unit()
        .parent_id(parent)
        .name(name)
        .send()
        .await
        .unwrap();
    output
        .organizational_unit()
        .unwrap()
        .id()
        .unwrap()
        .to_string()
}

/// moto with an organization of its own, and the adapter pointed at it.
async fn moto_organization(moto: &Moto, account: &str) -> (AwsProvider, Created) {
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account(account);
    let created = create_organization(&common::client(&settings, &wire).await).await;
    (common::provider(&settings, &wire).await, created)
}

/// The id of the parent the crawl found `id` under.
fn parent_in(org: &Org, id: &str) -> String {
    let (_, node) = org.nodes().find(|(_, node)| node.id == id).unwrap();
    org.node(node.parent.unwrap()).id.clone()
}

fn has_scp(org: &Org, target: &str, policy: &str) -> bool {
    let attached = org.attached(target, PolicyType::ServiceControlPolicy);
    attached.iter().any(|p| p.id == policy)
}

async fn accounts_under(provider: &AwsProvider, parent: &str) -> Vec<String> {
    let page = provider
        .list_accounts_for_parent(parent, None)
        .await
        .unwrap();
    page.items.into_iter().map(|a| a.id).collect()
}

async fn targets_of(provider: &AwsProvider, policy: &str) -> Vec<String> {
    let page = provider
        .list_targets_for_policy(policy, None)
        .await
        .unwrap();
    page.items.into_iter().map(|t| t.target_id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_through_the_adapter_changes_where_moto_holds_the_account() {
    let moto = Moto::start();
    let (provider, created) = moto_organization(&moto, "555555555555").await;

    let into_workloads = Action::MoveAccount {
        account_id: created.account.clone(),
        source_parent_id: created.root.clone(),
        destination_parent_id: created.workloads.clone(),
    };
    let request_id = provider.perform(&into_workloads).await.unwrap();

    assert!(request_id.is_some_and(|id| !id.is_empty()));
    assert_eq!(
        accounts_under(&provider, &created.workloads).await,
        [created.account.as_str()]
    );
    assert!(
        !accounts_under(&provider, &created.root)
            .await
            .contains(&created.account)
    );

    let into_sandbox = Action::MoveAccount {
        account_id: created.account.clone(),
        source_parent_id: created.workloads.clone(),
        destination_parent_id: created.sandbox.clone(),
    };
    provider.perform(&into_sandbox).await.unwrap();

    let org = crawl::load(&provider).await.unwrap();
    assert_eq!(parent_in(&org, &created.account), created.sandbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attaching_then_detaching_an_scp_changes_what_moto_holds() {
    let moto = Moto::start();
    let (provider, created) = moto_organization(&moto, "666666666666").await;
    let attach = Action::AttachPolicy {
        policy_id: created.policy.clone(),
        target_id: created.workloads.clone(),
    };

    let request_id = provider.perform(&attach).await.unwrap();

    assert!(request_id.is_some_and(|id| !id.is_empty()));
    assert_eq!(
        targets_of(&provider, &created.policy).await,
        [created.workloads.as_str()]
    );
    let org = crawl::load(&provider).await.unwrap();
    assert!(has_scp(&org, &created.workloads, &created.policy));
    assert!(!has_scp(&org, &created.sandbox, &created.policy));

    let detach = Action::DetachPolicy {
        policy_id: created.policy.clone(),
        target_id: created.workloads.clone(),
    };
    provider.perform(&detach).await.unwrap();

    assert!(targets_of(&provider, &created.policy).await.is_empty());
    let org = crawl::load(&provider).await.unwrap();
    assert!(!has_scp(&org, &created.workloads, &created.policy));
    assert!(has_scp(&org, &created.workloads, "p-FullAWSAccess"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_to_a_parent_that_does_not_exist_comes_back_with_awss_code() {
    let moto = Moto::start();
    let (provider, created) = moto_organization(&moto, "777777777777").await;
    let nowhere = "ou-abcd-12345678";
    let action = Action::MoveAccount {
        account_id: created.account.clone(),
        source_parent_id: created.root.clone(),
        destination_parent_id: nowhere.to_string(),
    };

    let error = provider.perform(&action).await.unwrap_err();

    assert_eq!(error.operation, "MoveAccount");
    assert_eq!(error.target.as_deref(), Some(created.account.as_str()));
    // AWS answers DestinationParentNotFoundException; moto, its generic
    // ParentNotFoundException. Either way the code is AWS's, kept as sent.
    let codes = [
        "DestinationParentNotFoundException",
        "ParentNotFoundException",
    ];
    assert!(codes.contains(&error.code.as_str()), "{error}");
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(!error.message.is_empty());
    assert!(
        accounts_under(&provider, &created.root)
            .await
            .contains(&created.account)
    );
}

/// An adapter whose Organizations client answers from `rules`, configured
/// as orgtop configures it, with dummy credentials and short backoff.
async fn mocked_provider(rules: &[Rule]) -> AwsProvider {
    let settings = common::settings("http://127.0.0.1:9");
    let credentials = aws_sdk_organizations::config::Credentials::new(
        "testing",
        "testing",
        None,
        None,
        "orgtop-tests",
    );
    let sdk = aws::config_loader(&settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let mocks = rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |mocks, rule| mocks.with_rule(rule),
    );
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let config = aws::organizations_config(&sdk, &settings)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks);
    AwsProvider::from_client(Client::from_conf(config.build()), &settings)
}

#[tokio::test]
async fn constraint_violations_moto_lets_through_keep_awss_code_message_and_reason() {
    let too_many = r#"{"__type":"ConstraintViolationException","Message":"You have attached the maximum number of policies of this type.","Reason":"MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"}"#;
    let last_one = r#"{"__type":"ConstraintViolationException","Message":"A target must keep at least one policy of this type.","Reason":"MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"}"#;
    let attach = mock!(Client::attach_policy)
        .sequence()
        .http_status(400, Some(too_many.to_string()))
        .build();
    let detach = mock!(Client::detach_policy)
        .sequence()
        .http_status(400, Some(last_one.to_string()))
        .build();
    let provider = mocked_provider(&[attach, detach]).await;

    let eleventh = Action::AttachPolicy {
        policy_id: "p-examplepol".into(),
        target_id: "ou-abcd-12345678".into(),
    };
    let error = provider.perform(&eleventh).await.unwrap_err();

    assert_eq!(error.code, "ConstraintViolationException");
    assert_eq!(
        error.message,
        "You have attached the maximum number of policies of this type. \
         (reason: MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED)"
    );
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert_eq!(error.target.as_deref(), Some("ou-abcd-12345678"));

    let last = Action::DetachPolicy {
        policy_id: "p-FullAWSAccess".into(),
        target_id: "ou-abcd-12345678".into(),
    };
    let error = provider.perform(&last).await.unwrap_err();

    assert_eq!(error.operation, "DetachPolicy");
    assert!(
        error
            .message
            .starts_with("A target must keep at least one policy of this type.")
    );
    assert!(
        error
            .message
            .ends_with("(reason: MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED)")
    );
}

#[tokio::test]
async fn a_duplicate_attachment_is_kept_as_awss_code_with_a_clear_kind() {
    let body = r#"{"__type":"DuplicatePolicyAttachmentException","Message":"The selected policy is already attached to the specified target."}"#;
    let attach = mock!(Client::attach_policy)
        .sequence()
        .http_status(400, Some(body.to_string()))
        .build();
    let provider = mocked_provider(&[attach]).await;
    let action = Action::AttachPolicy {
        policy_id: "p-examplepol".into(),
        target_id: "111111111111".into(),
    };

    let error = provider.perform(&action).await.unwrap_err();

    assert_eq!(error.code, "DuplicatePolicyAttachmentException");
    assert_eq!(
        error.message,
        "The selected policy is already attached to the specified target."
    );
    assert_eq!(error.kind, ErrorKind::InvalidInput);
}
