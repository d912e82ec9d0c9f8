//! Assembles an organization from provider calls, written once over the
//! provider trait so it runs the same on the demo, on an emulator and on
//! AWS.
//!
//! Policy attachments are crawled per policy (`ListPolicies`, then
//! `ListTargetsForPolicy` for each), not per node: an organization has far
//! fewer policies than organizational units and accounts.
//!
//! Every answer becomes a [`CrawlEvent`] as soon as it arrives, so the
//! console can draw the tree while the crawl goes on; [`apply`] folds the
//! events into an [`Org`].

pub mod control_tower;
pub mod costs;

use std::future::Future;
use std::pin::Pin;

use futures::stream::{FuturesUnordered, StreamExt};

use crate::model::{
    Account, Org, Organization, OrganizationalUnit, PolicySummary, PolicyTarget,
    PolicyType, Root,
};
use crate::provider::{Page, Provider, ProviderError};

/// One piece of the organization, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrawlEvent {
    Organization(Organization),
    Root(Root),
    /// A page of the organizational units directly under `parent_id`.
    Units {
        parent_id: String,
        units: Vec<OrganizationalUnit>,
    },
    /// A page of the accounts directly under `parent_id`.
    Accounts {
        parent_id: String,
        accounts: Vec<Account>,
    },
    /// A page of policies.
    Policies(Vec<PolicySummary>),
    /// A page of the targets `policy_id` is attached to.
    Targets {
        policy_id: String,
        targets: Vec<PolicyTarget>,
    },
    /// The document of a service control policy, which the drift rules read.
    Document {
        policy_id: String,
        content: String,
    },
    /// A page of the service principals with trusted access.
    TrustedServices(Vec<String>),
    /// A listing failed; the rest of the crawl goes on. `target_id` names the
    /// node or policy whose listing failed.
    Failed {
        target_id: String,
        error: ProviderError,
    },
}

impl CrawlEvent {
    /// How many records the event carries, for progress counts.
    pub fn item_count(&self) -> usize {
        match self {
            Self::Organization(_) | Self::Root(_) => 1,
            Self::Units { units, .. } => units.len(),
            Self::Accounts { accounts, .. } => accounts.len(),
            Self::Policies(policies) => policies.len(),
            Self::Targets { targets, .. } => targets.len(),
            Self::Document { .. } => 1,
            Self::TrustedServices(services) => services.len(),
            Self::Failed { .. } => 0,
        }
    }
}

/// The policy types whose attachments the crawl reads.
const POLICY_TYPES: [PolicyType; 2] = [
    PolicyType::ServiceControlPolicy,
    PolicyType::ResourceControlPolicy,
];

/// One listing the crawl follows page by page.
#[derive(Debug, Clone)]
enum Listing {
    Units(String),
    Accounts(String),
    Policies(PolicyType),
    Targets(String),
    /// `DescribePolicy`: one answer, no pages.
    Document(String),
    ServiceAccess,
}

impl Listing {
    fn subject(&self) -> String {
        match self {
            Self::Units(id)
            | Self::Accounts(id)
            | Self::Targets(id)
            | Self::Document(id) => id.clone(),
            Self::Policies(policy_type) => policy_type.as_aws_str().to_string(),
            Self::ServiceAccess => TRUSTED_ACCESS.to_string(),
        }
    }
}

/// The subject of a failed `ListAWSServiceAccessForOrganization`.
pub const TRUSTED_ACCESS: &str = "trusted-access";

enum Answer {
    Units(Page<OrganizationalUnit>),
    Accounts(Page<Account>),
    Policies(Page<PolicySummary>),
    Targets(Page<PolicyTarget>),
    Document(String),
    ServiceAccess(Page<String>),
}

type Fetch<'a> =
    Pin<Box<dyn Future<Output = (Listing, Result<Answer, ProviderError>)> + Send + 'a>>;

fn fetch(provider: &dyn Provider, listing: Listing, token: Option<String>) -> Fetch<'_> {
    Box::pin(async move {
        let answer = match &listing {
            Listing::Units(parent) => provider
                .list_organizational_units_for_parent(parent, token)
                .await
                .map(Answer::Units),
            Listing::Accounts(parent) => provider
                .list_accounts_for_parent(parent, token)
                .await
                .map(Answer::Accounts),
            Listing::Policies(policy_type) => provider
                .list_policies(*policy_type, token)
                .await
                .map(Answer::Policies),
            Listing::Targets(policy) => provider
                .list_targets_for_policy(policy, token)
                .await
                .map(Answer::Targets),
            Listing::Document(policy) => provider
                .describe_policy(policy)
                .await
                .map(|p| Answer::Document(p.content)),
            Listing::ServiceAccess => provider
                .list_aws_service_access_for_organization(token)
                .await
                .map(Answer::ServiceAccess),
        };
        (listing, answer)
    })
}

/// Crawls the whole organization, handing each piece to `sink` as it
/// arrives. Fails only when the organization or its root cannot be read; a
/// listing that fails below that becomes a [`CrawlEvent::Failed`].
pub async fn crawl(
    provider: &dyn Provider,
    sink: &mut (dyn FnMut(CrawlEvent) + Send),
) -> Result<(), ProviderError> {
    sink(CrawlEvent::Organization(
        provider.describe_organization().await?,
    ));
    let roots = all_roots(provider).await?;

    let mut pending = FuturesUnordered::new();
    for root in roots {
        pending.push(fetch(provider, Listing::Units(root.id.clone()), None));
        pending.push(fetch(provider, Listing::Accounts(root.id.clone()), None));
        sink(CrawlEvent::Root(root));
    }
    for policy_type in POLICY_TYPES {
        pending.push(fetch(provider, Listing::Policies(policy_type), None));
    }
    pending.push(fetch(provider, Listing::ServiceAccess, None));

    while let Some((listing, answer)) = pending.next().await {
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                tracing::warn!(%error, "part of the organization could not be read");
                sink(CrawlEvent::Failed {
                    target_id: listing.subject(),
                    error,
                });
                continue;
            }
        };
        let (event, next_token, follow_ups) = digest(&listing, answer);
        if let Some(token) = next_token {
            pending.push(fetch(provider, listing, Some(token)));
        }
        for follow_up in follow_ups {
            pending.push(fetch(provider, follow_up, None));
        }
        sink(event);
    }
    Ok(())
}

/// Turns one answer into its event, the token of the next page, and the
/// listings it opens: the children of each new unit, the targets of each new
/// policy.
fn digest(
    listing: &Listing,
    answer: Answer,
) -> (CrawlEvent, Option<String>, Vec<Listing>) {
    match answer {
        Answer::Units(page) => {
            let opens = page
                .items
                .iter()
                .flat_map(|u| {
                    [
                        Listing::Units(u.id.clone()),
                        Listing::Accounts(u.id.clone()),
                    ]
                })
                .collect();
            let parent_id = listing.subject();
            (
                CrawlEvent::Units {
                    parent_id,
                    units: page.items,
                },
                page.next_token,
                opens,
            )
        }
        Answer::Accounts(page) => {
            let parent_id = listing.subject();
            (
                CrawlEvent::Accounts {
                    parent_id,
                    accounts: page.items,
                },
                page.next_token,
                vec![],
            )
        }
        Answer::Policies(page) => {
            let opens = page.items.iter().flat_map(policy_listings).collect();
            (CrawlEvent::Policies(page.items), page.next_token, opens)
        }
        Answer::Document(content) => {
            let policy_id = listing.subject();
            (CrawlEvent::Document { policy_id, content }, None, vec![])
        }
        Answer::ServiceAccess(page) => (
            CrawlEvent::TrustedServices(page.items),
            page.next_token,
            vec![],
        ),
        Answer::Targets(page) => {
            let policy_id = listing.subject();
            (
                CrawlEvent::Targets {
                    policy_id,
                    targets: page.items,
                },
                page.next_token,
                vec![],
            )
        }
    }
}

/// What to read about a policy: its targets always; its document too when
/// it is a service control policy that AWS does not manage, since the drift
/// rules ask whether it allows anything and whether a managed guardrail
/// changed. FullAWSAccess is known without asking.
fn policy_listings(policy: &PolicySummary) -> Vec<Listing> {
    let mut listings = vec![Listing::Targets(policy.id.clone())];
    if policy.policy_type == PolicyType::ServiceControlPolicy && !policy.aws_managed {
        listings.push(Listing::Document(policy.id.clone()));
    }
    listings
}

async fn all_roots(provider: &dyn Provider) -> Result<Vec<Root>, ProviderError> {
    crate::provider::all_pages(|token| provider.list_roots(token)).await
}

/// Folds one crawl event into `org`.
pub fn apply(org: &mut Org, event: CrawlEvent) {
    match event {
        CrawlEvent::Organization(organization) => org.organization = Some(organization),
        CrawlEvent::Root(root) => log_misfit(org.add_root(root).map(drop)),
        CrawlEvent::Units { parent_id, units } => {
            for unit in units {
                log_misfit(org.add_organizational_unit(&parent_id, unit).map(drop));
            }
            sort_children_of(org, &parent_id);
        }
        CrawlEvent::Accounts {
            parent_id,
            accounts,
        } => {
            for account in accounts {
                log_misfit(org.add_account(&parent_id, account).map(drop));
            }
            sort_children_of(org, &parent_id);
        }
        CrawlEvent::Policies(policies) => {
            policies.into_iter().for_each(|p| org.add_policy(p))
        }
        CrawlEvent::Targets { policy_id, targets } => {
            for target in targets {
                org.attach(&policy_id, &target.target_id);
            }
        }
        CrawlEvent::Document { policy_id, content } => {
            org.set_policy_content(&policy_id, content)
        }
        CrawlEvent::TrustedServices(services) => org
            .trusted_services
            .get_or_insert_with(Vec::new)
            .extend(services),
        CrawlEvent::Failed { target_id, error }
            if error.operation == "ListTargetsForPolicy" =>
        {
            org.mark_attachments_unread(&target_id)
        }
        CrawlEvent::Failed { target_id, error } => {
            org.mark_failed(&target_id, format!("{error} ({})", error.hint()))
        }
    }
}

fn sort_children_of(org: &mut Org, parent_id: &str) {
    if let Some(parent) = org.find(parent_id) {
        org.sort_children(parent);
    }
}

/// An answer that does not fit the tree (a duplicate, an unknown parent) is
/// a provider's inconsistency: logged, never fatal.
fn log_misfit(result: Result<(), crate::model::OrgError>) {
    if let Err(error) = result {
        tracing::warn!(%error, "crawl answer does not fit the organization");
    }
}

/// Crawls the whole organization into an [`Org`], for headless commands.
pub async fn load(provider: &dyn Provider) -> Result<Org, ProviderError> {
    let mut org = Org::new();
    crawl(provider, &mut |event| apply(&mut org, event)).await?;
    Ok(org)
}
