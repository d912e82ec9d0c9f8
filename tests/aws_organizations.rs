//! The AWS adapter on the wire against moto's server: the organization
//! orgtop crawls is exactly the one created through the SDK, every page
//! followed, and policy attachments read per policy, not per node.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType as SdkPolicyType};
use orgtop::crawl;
use orgtop::model::{NodeKind, Org, PolicyType};
use orgtop::provider::Provider;
use orgtop::worker::{Limited, Limits};

use common::moto::Moto;
use common::{Wire, per_node};

const ALLOW_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

/// An organization as it was created, to compare the crawl with.
#[derive(Debug, Default)]
struct Created {
    organization_id: String,
    root_id: String,
    /// Unit id to (name, parent id).
    units: BTreeMap<String, (String, String)>,
    /// Account id to (name, email, parent id).
    accounts: BTreeMap<String, (String, String, String)>,
    /// The SCPs created, id to name.
    policies: BTreeMap<String, String>,
    /// (policy id, target id) for the SCPs created.
    attachments: BTreeSet<(String, String)>,
}

impl Created {
    fn parents(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.root_id).chain(self.units.keys())
    }

    fn children_of(&self, parent_id: &str) -> (usize, usize) {
        let units = self.units.values().filter(|(_, p)| p == parent_id).count();
        let accounts = self
            .accounts
            .values()
            .filter(|(_, _, p)| p == parent_id)
            .count();
        (units, accounts)
    }
}

/// Creates 4 levels of nested organizational units (2 under the root, 2
/// under each), 130 accounts (105 of them in one unit, the rest spread over
/// every level) and 8 SCPs attached at every level.
async fn create_organization(client: &Client) -> Created {
    let organization = client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let organization = organization.organization().unwrap();
    let roots = client.list_roots().send().await.unwrap();
    let mut created = Created {
        organization_id: organization.id().unwrap().to_string(),
        root_id: roots.roots()[0].id().unwrap().to_string(),
        ..Created::default()
    };
    let management = (
        "master".to_string(),
        organization.master_account_email().unwrap().to_string(),
        created.root_id.clone(),
    );
    created.accounts.insert(
        organization.master_account_id().unwrap().to_string(),
        management,
    );

    create_units(client, &mut created).await;
    create_accounts(client, &mut created).await;
    create_policies(client, &mut created).await;
    attach_policies(client, &mut created).await;
    created
}

async fn create_units(client: &Client, created: &mut Created) {
    let mut level = vec![created.root_id.clone()];
    for depth in 1..=4 {
        let mut next = Vec::new();
        for (n, parent) in level.iter().enumerate() {
            for child in 0..2 {
                let name = format!("L{depth}-{n}-{child}");
                let output = client
                    .create_organizational_unit()
                    .parent_id(parent)
                    .name(&name)
                    .send()
                    .await
                    .unwrap();
                let id = output
                    .organizational_unit()
                    .unwrap()
                    .id()
                    .unwrap()
                    .to_string();
                created.units.insert(id.clone(), (name, parent.clone()));
                next.push(id);
            }
        }
        level = next;
    }
}

async fn create_accounts(client: &Client, created: &mut Created) {
    let crowded = created.units.iter().find(|(_, (name, _))| name == "L4-0-0");
    let crowded = crowded.unwrap().0.clone();
    let others: Vec<String> = created.parents().cloned().collect();
    for n in 0..130 {
        let name = format!("account-{n:03}");
        let email = format!("{name}@example.com");
        let output = client
            .create_account()
            .account_name(&name)
            .email(&email)
            .send()
            .await
            .unwrap();
        let id = output
            .create_account_status()
            .unwrap()
            .account_id()
            .unwrap()
            .to_string();
        let parent = if n < 105 {
            crowded.clone()
        } else {
            others[n % others.len()].clone()
        };
        if parent != created.root_id {
            client
                .move_account()
                .account_id(&id)
                .source_parent_id(&created.root_id)
                .destination_parent_id(&parent)
                .send()
                .await
                .unwrap();
        }
        created.accounts.insert(id, (name, email, parent));
    }
}

async fn create_policies(client: &Client, created: &mut Created) {
    for n in 0..8 {
        let name = format!("Guardrail{n}");
        let output = client
            .create_policy()
            .name(&name)
            .description(format!("guardrail number {n}"))
            .content(ALLOW_S3)
            .r#type(SdkPolicyType::ServiceControlPolicy)
            .send()
            .await
            .unwrap();
        let id = output
            .policy()
            .unwrap()
            .policy_summary()
            .unwrap()
            .id()
            .unwrap();
        created.policies.insert(id.to_string(), name);
    }
}

/// Two policies on the root and on every unit, one on every seventh
/// account, chosen so that every policy lands on several levels.
async fn attach_policies(client: &Client, created: &mut Created) {
    let policies: Vec<String> = created.policies.keys().cloned().collect();
    let mut targets: Vec<(String, usize)> = created
        .parents()
        .enumerate()
        .flat_map(|(n, id)| [(id.clone(), n), (id.clone(), n + 3)])
        .collect();
    let accounts = created
        .accounts
        .keys()
        .enumerate()
        .filter(|(n, _)| n % 7 == 0);
    targets.extend(accounts.map(|(n, id)| (id.clone(), n)));
    for (target, n) in targets {
        let policy = &policies[n % policies.len()];
        client
            .attach_policy()
            .policy_id(policy)
            .target_id(&target)
            .send()
            .await
            .unwrap();
        created.attachments.insert((policy.clone(), target));
    }
}

/// What the crawl found, in the shape of [`Created`].
fn units_of(org: &Org) -> BTreeMap<String, (String, String)> {
    org.nodes()
        .filter(|(_, node)| node.kind == NodeKind::OrganizationalUnit)
        .map(|(_, node)| {
            let parent = org.node(node.parent.unwrap()).id.clone();
            (node.id.clone(), (node.name.clone(), parent))
        })
        .collect()
}

fn accounts_of(org: &Org) -> BTreeMap<String, (String, String, String)> {
    org.nodes()
        .filter_map(|(_, node)| {
            let account = node.account()?;
            let parent = org.node(node.parent?).id.clone();
            Some((
                node.id.clone(),
                (account.name.clone(), account.email.clone(), parent),
            ))
        })
        .collect()
}

fn attachments_of(org: &Org, policy_type: PolicyType) -> BTreeSet<(String, String)> {
    org.nodes()
        .flat_map(|(_, node)| {
            let attached = org.attached(&node.id, policy_type);
            attached
                .into_iter()
                .map(|p| (p.id.clone(), node.id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_returns_exactly_the_organization_created_in_moto() {
    let moto = Moto::start();
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account("111111111111");
    let created = create_organization(&common::client(&settings, &wire).await).await;
    wire.reset();

    let provider = Limited::new(
        Arc::new(common::provider(&settings, &wire).await),
        Limits::default(),
    );
    let org = crawl::load(&provider).await.unwrap();

    assert_eq!(
        org.organization.as_ref().unwrap().id,
        created.organization_id
    );
    assert_eq!(org.node(org.root().unwrap()).id, created.root_id);
    assert_eq!(units_of(&org), created.units);
    assert_eq!(accounts_of(&org), created.accounts);
    assert!(org.nodes().all(|(_, node)| node.failure.is_none()));

    let scps = attachments_of(&org, PolicyType::ServiceControlPolicy);
    let custom: BTreeSet<_> = scps
        .iter()
        .filter(|(policy, _)| created.policies.contains_key(policy))
        .cloned()
        .collect();
    assert_eq!(custom, created.attachments);
    // moto, like AWS, attaches FullAWSAccess to the root and every new
    // unit and account.
    for (_, node) in org.nodes() {
        assert!(
            scps.contains(&("p-FullAWSAccess".to_string(), node.id.clone())),
            "{}",
            node.id
        );
    }
    assert_eq!(provider.calls_done() as usize, wire.total());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_followed_and_attachments_cost_one_request_per_policy_page() {
    let moto = Moto::start();
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account("222222222222");
    let created = create_organization(&common::client(&settings, &wire).await).await;
    wire.reset();
    let provider = common::provider(&settings, &wire).await;

    let org = crawl::load(&provider).await.unwrap();
    let per_policy = wire.requests();
    wire.reset();
    let both = [
        PolicyType::ServiceControlPolicy,
        PolicyType::ResourceControlPolicy,
    ];
    let per_node_attachments =
        per_node::attachments(&provider, &org, &both).await.unwrap();
    let per_node = wire.requests();
    println!("per-policy crawl: {per_policy:?}\nper-node attachments: {per_node:?}");

    // moto pages these listings by 20, as AWS does.
    let pages = |n: usize| n.div_ceil(20).max(1);
    let account_pages: usize = created
        .parents()
        .map(|p| pages(created.children_of(p).1))
        .sum();
    let unit_pages: usize = created
        .parents()
        .map(|p| pages(created.children_of(p).0))
        .sum();
    assert_eq!(per_policy["ListAccountsForParent"], account_pages);
    assert_eq!(per_policy["ListOrganizationalUnitsForParent"], unit_pages);
    assert!(!per_policy.contains_key("ListPoliciesForTarget"));

    let attachment_requests =
        per_policy["ListPolicies"] + per_policy["ListTargetsForPolicy"];
    let nodes = 1 + created.units.len() + created.accounts.len();
    assert!(per_node["ListPoliciesForTarget"] >= 2 * nodes);
    assert!(attachment_requests * 10 < per_node["ListPoliciesForTarget"]);

    // Both strategies see the same attachments.
    let per_policy_attachments: BTreeSet<_> =
        both.iter().flat_map(|t| attachments_of(&org, *t)).collect();
    assert_eq!(per_policy_attachments, per_node_attachments);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_are_read_from_moto_for_one_resource() {
    let moto = Moto::start();
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account("333333333333");
    let client = common::client(&settings, &wire).await;
    client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let account = client
        .create_account()
        .account_name("prod-web")
        .email("prod-web@example.com")
        .tags(tag("CostCenter", "CC-2100"))
        .tags(tag("Owner", "sre@example.com"))
        .send()
        .await
        .unwrap();
    let account_id = account
        .create_account_status()
        .unwrap()
        .account_id()
        .unwrap();
    let provider = common::provider(&settings, &wire).await;

    let tags = provider
        .list_tags_for_resource(account_id, None)
        .await
        .unwrap();

    let tags: BTreeMap<_, _> = tags.items.into_iter().map(|t| (t.key, t.value)).collect();
    let expected = [("CostCenter", "CC-2100"), ("Owner", "sre@example.com")];
    assert_eq!(
        tags,
        expected.map(|(k, v)| (k.to_string(), v.to_string())).into()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_errors_keep_the_operation_target_and_aws_code() {
    let moto = Moto::start();
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account("444444444444");
    let client = common::client(&settings, &wire).await;
    client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let provider = common::provider(&settings, &wire).await;

    let missing = "ou-abcd-12345678";
    let error = provider
        .list_accounts_for_parent(missing, None)
        .await
        .unwrap_err();

    assert_eq!(error.operation, "ListAccountsForParent");
    assert_eq!(error.target.as_deref(), Some(missing));
    assert_eq!(error.code, "ParentNotFoundException");
    assert_eq!(error.kind, orgtop::provider::ErrorKind::NotFound);
}

fn tag(key: &str, value: &str) -> aws_sdk_organizations::types::Tag {
    aws_sdk_organizations::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .unwrap()
}
