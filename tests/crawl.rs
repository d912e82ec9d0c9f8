//! The crawl over the demo provider yields exactly the organization the
//! demo describes, every attachment included, across paging.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use orgtop::crawl::{self, CrawlEvent};
use orgtop::model::{NodeKind, Org, PolicyType};
use orgtop::provider::demo::{DemoProvider, DemoState, generated};
use orgtop::provider::{ErrorKind, Provider, ProviderError};
use orgtop::worker::{Limited, Limits};

/// Every (parent, child) pair the demo state holds.
fn expected_edges(state: &DemoState) -> BTreeSet<(String, String)> {
    state
        .parent_of
        .iter()
        .map(|(child, parent)| (parent.clone(), child.clone()))
        .collect()
}

fn crawled_edges(org: &Org) -> BTreeSet<(String, String)> {
    org.nodes()
        .filter_map(|(_, node)| {
            let parent = org.node(node.parent?);
            Some((parent.id.clone(), node.id.clone()))
        })
        .collect()
}

fn expected_attachments(state: &DemoState) -> BTreeSet<(String, String)> {
    state
        .targets_of
        .iter()
        .flat_map(|(policy, targets)| {
            targets.iter().map(move |t| (policy.clone(), t.clone()))
        })
        .collect()
}

fn crawled_attachments(org: &Org) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (_, node) in org.nodes() {
        for kind in [
            PolicyType::ServiceControlPolicy,
            PolicyType::ResourceControlPolicy,
        ] {
            for policy in org.attached(&node.id, kind) {
                found.insert((policy.id.clone(), node.id.clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_crawl_reads_the_demo_organization_exactly() {
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    let org = crawl::load(&demo).await.unwrap();

    let description = orgtop::provider::demo::northwind_state().unwrap();
    assert_eq!(org.account_count(), 43);
    assert_eq!(org.account_count(), description.accounts.len());
    assert_eq!(org.organizational_unit_count(), description.units.len());
    assert_eq!(crawled_edges(&org), expected_edges(&description));
    assert_eq!(
        crawled_attachments(&org),
        expected_attachments(&description)
    );
    assert_eq!(org.policies().len(), description.policies.len());

    let log_archive = org.find(&account_id(&org, "Log Archive")).unwrap();
    assert_eq!(org.path(log_archive), "Root / Security / Log Archive");
    let organization = org.organization.as_ref().unwrap();
    assert_eq!(organization.management_account_id, "210987654321");
}

fn account_id(org: &Org, name: &str) -> String {
    org.nodes()
        .find(|(_, n)| n.name == name && matches!(n.kind, NodeKind::Account(_)))
        .map(|(_, n)| n.id.clone())
        .unwrap()
}

#[tokio::test]
async fn the_crawl_follows_every_page_of_a_large_organization() {
    // 2,000 accounts: 80 OUs of 25, FullAWSAccess on more than 2,000 targets,
    // so every listing of attachments runs to a hundred pages.
    let state = generated(2_000, 12);
    let demo = DemoProvider::new(state.clone(), Duration::ZERO);
    let org = crawl::load(&demo).await.unwrap();

    assert_eq!(org.account_count(), state.accounts.len());
    assert_eq!(crawled_edges(&org), expected_edges(&state));
    assert_eq!(crawled_attachments(&org), expected_attachments(&state));
}

#[tokio::test]
async fn attachments_are_read_per_policy_not_per_node() {
    let state = generated(1_000, 20);
    let nodes = state.units.len() + state.accounts.len() + 1;
    let counted = Limited::new(
        Arc::new(DemoProvider::new(state, Duration::ZERO)),
        Limits::default(),
    );
    crawl::load(&counted).await.unwrap();

    // One ListPoliciesForTarget per node would be `nodes` calls for the
    // attachments alone; the whole per-policy crawl makes far fewer.
    assert!(
        (counted.calls_done() as usize) < nodes / 2,
        "{} calls for {nodes} nodes",
        counted.calls_done()
    );
}

#[tokio::test]
async fn children_arrive_sorted_units_first_then_accounts_by_name() {
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    let org = crawl::load(&demo).await.unwrap();
    let root = org.node(org.root().unwrap());
    let names: Vec<&str> = root
        .children
        .iter()
        .map(|&c| org.node(c).name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Infrastructure",
            "Sandbox",
            "Security",
            "Suspended",
            "Workloads",
            "Northwind Management"
        ]
    );
}

#[tokio::test]
async fn a_failed_listing_marks_its_subtree_and_the_rest_still_loads() {
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    demo.inject_fault(
        "ListAccountsForParent",
        ProviderError::new(
            "ListAccountsForParent",
            None,
            ErrorKind::AccessDenied,
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        ),
    );
    let mut events = Vec::new();
    crawl::crawl(&demo, &mut |event| events.push(event))
        .await
        .unwrap();
    let failed: Vec<&CrawlEvent> = events
        .iter()
        .filter(|e| matches!(e, CrawlEvent::Failed { .. }))
        .collect();
    assert_eq!(failed.len(), 1);

    let mut org = Org::new();
    for event in events {
        crawl::apply(&mut org, event);
    }
    let marked: Vec<_> = org.nodes().filter(|(_, n)| n.failure.is_some()).collect();
    assert_eq!(marked.len(), 1);
    assert!(
        marked[0]
            .1
            .failure
            .as_ref()
            .unwrap()
            .contains("AccessDeniedException")
    );
    // Every other parent's accounts arrived.
    assert!(org.account_count() > 30, "{}", org.account_count());
}

#[tokio::test]
async fn a_root_that_cannot_be_read_fails_the_crawl() {
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    demo.inject_fault(
        "ListRoots",
        ProviderError::new(
            "ListRoots",
            None,
            ErrorKind::AccessDenied,
            "AccessDeniedException",
            "no",
        ),
    );
    let error = crawl::load(&demo).await.unwrap_err();
    assert_eq!(error.operation, "ListRoots");
    assert_eq!(demo.source(), "demo");
}
