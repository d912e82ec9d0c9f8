//! orgtop's crawl (policy attachments per policy) against the per-node
//! strategy (`ListPoliciesForTarget` on every OU and account), for an
//! organization of 1,000 accounts, about 100 OUs and 20 SCPs, on the demo
//! provider (which pages like AWS) and on moto's server.
//!
//! A counting run at the start prints the requests each strategy sends;
//! divan then times them. Without `moto_server` the moto part is skipped.

#[allow(dead_code)]
#[path = "../tests/common/moto.rs"]
mod moto;
#[path = "../tests/common/per_node.rs"]
mod per_node;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::config::Credentials;
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType as SdkPolicyType};
use divan::Bencher;
use orgtop::crawl;
use orgtop::model::PolicyType;
use orgtop::provider::Provider;
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};
use orgtop::provider::demo::{self, DemoProvider, DemoState};
use orgtop::worker::{Limited, Limits};
use tokio::runtime::Runtime;

const ACCOUNTS: usize = 1_000;
const POLICIES: usize = 20;
const BOTH: [PolicyType; 2] = [
    PolicyType::ServiceControlPolicy,
    PolicyType::ResourceControlPolicy,
];

/// The providers under test, built once.
struct Fixture {
    runtime: Runtime,
    demo: Arc<DemoProvider>,
    moto: Option<(moto::Moto, Arc<AwsProvider>)>,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let runtime = Runtime::new().expect("a tokio runtime");
        let state = demo::generated(ACCOUNTS, POLICIES);
        let demo = Arc::new(DemoProvider::new(state.clone(), Duration::ZERO));
        let moto = runtime.block_on(start_moto(&state));
        Fixture {
            runtime,
            demo,
            moto,
        }
    })
}

fn main() {
    let fixture = fixture();
    println!(
        "organization: {}",
        describe(&demo::generated(ACCOUNTS, POLICIES))
    );
    fixture
        .runtime
        .block_on(count("demo", fixture.demo.clone()));
    if let Some((_, provider)) = &fixture.moto {
        fixture.runtime.block_on(count("moto", provider.clone()));
    }
    divan::main();
    // The fixture is static and never dropped: stop moto here.
    if let Some((moto, _)) = &fixture.moto {
        moto.stop();
    }
}

fn describe(state: &DemoState) -> String {
    let custom = state
        .policies
        .iter()
        .filter(|p| !p.summary.aws_managed)
        .count();
    format!(
        "{} accounts, {} OUs, {custom} custom SCPs",
        state.accounts.len(),
        state.units.len()
    )
}

/// Prints the requests each strategy sends through a counting wrapper.
async fn count(name: &str, provider: Arc<dyn Provider>) {
    let limited = Limited::new(provider.clone(), Limits::default());
    let org = crawl::load(&limited).await.expect("per-policy crawl");
    let per_policy = limited.calls_done();

    let limited = Limited::new(provider, Limits::default());
    let tree = crawl::load(&per_node::TreeOnly(&limited))
        .await
        .expect("tree");
    let tree_requests = limited.calls_done();
    per_node::attachments(&limited, &tree, &BOTH)
        .await
        .expect("per-node attachments");
    let per_node = limited.calls_done();

    println!(
        "{name}: {} nodes; per-policy crawl {per_policy} requests; per-node {per_node} \
         requests ({tree_requests} for the tree, {} ListPoliciesForTarget); ratio {:.1}x",
        org.len(),
        per_node - tree_requests,
        per_node as f64 / per_policy as f64,
    );
}

fn crawl_per_policy(bencher: Bencher, provider: Arc<dyn Provider>) {
    let runtime = &fixture().runtime;
    bencher.bench(|| {
        let limited = Limited::new(provider.clone(), Limits::default());
        runtime
            .block_on(crawl::load(&limited))
            .expect("per-policy crawl")
    });
}

fn crawl_per_node(bencher: Bencher, provider: Arc<dyn Provider>) {
    let runtime = &fixture().runtime;
    bencher.bench(|| {
        let limited = Limited::new(provider.clone(), Limits::default());
        runtime
            .block_on(per_node::load(&limited, &BOTH))
            .expect("per-node crawl")
    });
}

#[divan::bench(sample_count = 20)]
fn demo_per_policy(bencher: Bencher) {
    crawl_per_policy(bencher, fixture().demo.clone());
}

#[divan::bench(sample_count = 20)]
fn demo_per_node(bencher: Bencher) {
    crawl_per_node(bencher, fixture().demo.clone());
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn moto_per_policy(bencher: Bencher) {
    match &fixture().moto {
        Some((_, provider)) => crawl_per_policy(bencher, provider.clone()),
        None => bencher.bench(|| ()),
    }
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn moto_per_node(bencher: Bencher) {
    match &fixture().moto {
        Some((_, provider)) => crawl_per_node(bencher, provider.clone()),
        None => bencher.bench(|| ()),
    }
}

/// Starts moto and builds `state` in it, or says why not.
async fn start_moto(state: &DemoState) -> Option<(moto::Moto, Arc<AwsProvider>)> {
    let Some(program) = moto::find() else {
        println!(
            "moto_server not found: skipping the moto benchmarks (run scripts/test first)"
        );
        return None;
    };
    let moto = match moto::Moto::start_with(&program) {
        Ok(moto) => moto,
        Err(error) => {
            println!("skipping the moto benchmarks: {error}");
            return None;
        }
    };
    let settings = AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.endpoint_url()),
        ..AwsSettings::default()
    };
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-bench");
    let sdk = aws::config_loader(&settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let client = Client::from_conf(aws::organizations_config(&sdk, &settings).build());
    build_in_moto(&client, state).await;
    Some((moto, Arc::new(AwsProvider::from_client(client, &settings))))
}

/// Creates `state`'s units, accounts, policies and attachments in moto.
/// moto attaches FullAWSAccess by itself.
async fn build_in_moto(client: &Client, state: &DemoState) {
    client
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let roots = client.list_roots().send().await.unwrap();
    let moto_root = roots.roots()[0].id().unwrap().to_string();
    let mut ids = HashMap::from([(state.root.id.clone(), moto_root.clone())]);

    let mut parents = vec![state.root.id.clone()];
    while let Some(parent) = parents.pop() {
        for child in state.children.get(&parent).into_iter().flatten() {
            let moto_parent = ids[&parent].clone();
            let moto_id = match (state.units.get(child), state.accounts.get(child)) {
                (Some(unit), _) => {
                    parents.push(child.clone());
                    let output = client
                        .create_organizational_unit()
                        .parent_id(&moto_parent)
                        .name(&unit.name)
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
                (None, Some(account))
                    if account.id == state.organization.management_account_id =>
                {
                    continue;
                }
                (None, Some(account)) => {
                    let output = client
                        .create_account()
                        .account_name(&account.name)
                        .email(&account.email)
                        .send()
                        .await
                        .unwrap();
                    let id = output
                        .create_account_status()
                        .unwrap()
                        .account_id()
                        .unwrap();
                    client
                        .move_account()
                        .account_id(id)
                        .source_parent_id(&moto_root)
                        .destination_parent_id(&moto_parent)
                        .send()
                        .await
                        .unwrap();
                    id.to_string()
                }
                (None, None) => continue,
            };
            ids.insert(child.clone(), moto_id);
        }
    }

    for policy in state.policies.iter().filter(|p| !p.summary.aws_managed) {
        let output = client
            .create_policy()
            .name(&policy.summary.name)
            .description(&policy.summary.description)
            .content(&policy.content)
            .r#type(SdkPolicyType::ServiceControlPolicy)
            .send()
            .await
            .unwrap();
        let moto_policy = output
            .policy()
            .unwrap()
            .policy_summary()
            .unwrap()
            .id()
            .unwrap();
        for target in state
            .targets_of
            .get(&policy.summary.id)
            .into_iter()
            .flatten()
        {
            let Some(moto_target) = ids.get(target) else {
                continue;
            };
            let attach = client
                .attach_policy()
                .policy_id(moto_policy)
                .target_id(moto_target);
            attach.send().await.unwrap();
        }
    }
}
