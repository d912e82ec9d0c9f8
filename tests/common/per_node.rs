//! The strategy orgtop does not use, for comparison: `ListPoliciesForTarget`
//! on the root, every organizational unit and every account. Shared by the
//! tests and the crawl benchmark.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::NaiveDate;
use futures::stream::{self, StreamExt, TryStreamExt};
use orgtop::model::action::{Action, Handshake};
use orgtop::model::control_tower::{EnabledBaseline, EnabledControl, LandingZone};
use orgtop::model::cost::{
    CostMetric, CostPeriod, Credit, Forecast, MonthlyCosts, ServiceCost,
};
use orgtop::model::{
    Account, Org, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag,
};
use orgtop::provider::{Page, Provider, ProviderError, Result};

/// Requests in flight at once; the provider's own limit holds them lower.
const IN_FLIGHT: usize = 8;

/// Every (policy id, target id) attachment of `policy_types`, asked node by
/// node over the tree in `org`.
pub async fn attachments(
    provider: &dyn Provider,
    org: &Org,
    policy_types: &[PolicyType],
) -> Result<BTreeSet<(String, String)>> {
    let asks = org.nodes().flat_map(|(_, node)| {
        policy_types
            .iter()
            .map(move |policy_type| (node.id.clone(), *policy_type))
    });
    let found: Vec<Vec<(String, String)>> = stream::iter(asks)
        .map(|(target_id, policy_type)| policies_of(provider, target_id, policy_type))
        .buffer_unordered(IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

async fn policies_of(
    provider: &dyn Provider,
    target_id: String,
    policy_type: PolicyType,
) -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let mut token = None;
    loop {
        let page = provider
            .list_policies_for_target(&target_id, policy_type, token)
            .await?;
        found.extend(page.items.into_iter().map(|p| (p.id, target_id.clone())));
        token = page.next_token;
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// The per-node strategy whole: the tree as orgtop's crawl reads it, then
/// the attachments node by node.
pub async fn load(
    provider: &dyn Provider,
    policy_types: &[PolicyType],
) -> Result<(Org, BTreeSet<(String, String)>)> {
    let org = orgtop::crawl::load(&TreeOnly(provider)).await?;
    let attachments = attachments(provider, &org, policy_types).await?;
    Ok((org, attachments))
}

/// A provider that shows the tree and hides the policy listings, so the
/// crawl reads no attachments.
pub struct TreeOnly<'a>(pub &'a dyn Provider);

#[async_trait]
impl Provider for TreeOnly<'_> {
    fn source(&self) -> String {
        self.0.source()
    }

    async fn describe_organization(&self) -> Result<Organization> {
        self.0.describe_organization().await
    }

    async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>> {
        self.0.list_roots(next_token).await
    }

    async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>> {
        self.0
            .list_organizational_units_for_parent(parent_id, next_token)
            .await
    }

    async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>> {
        self.0.list_accounts_for_parent(parent_id, next_token).await
    }

    async fn list_policies(
        &self,
        _policy_type: PolicyType,
        _next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        Ok(Page::last(Vec::new()))
    }

    async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        _next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>> {
        Err(hidden("ListTargetsForPolicy", policy_id))
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        self.0
            .list_policies_for_target(target_id, policy_type, next_token)
            .await
    }

    async fn describe_policy(&self, policy_id: &str) -> Result<Policy> {
        Err(hidden("DescribePolicy", policy_id))
    }

    async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>> {
        self.0.list_tags_for_resource(resource_id, next_token).await
    }

    async fn list_aws_service_access_for_organization(
        &self,
        _next_token: Option<String>,
    ) -> Result<Page<String>> {
        Ok(Page::last(Vec::new()))
    }

    async fn get_landing_zone(&self) -> Result<Option<LandingZone>> {
        self.0.get_landing_zone().await
    }

    async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>> {
        self.0.list_enabled_baselines(next_token).await
    }

    async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>> {
        self.0
            .list_enabled_controls(target_identifier, next_token)
            .await
    }

    async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        self.0
            .get_cost_and_usage_by_account(period, next_token)
            .await
    }

    async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        self.0.get_cost_and_usage_total(period, next_token).await
    }

    async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>> {
        self.0
            .get_cost_by_service(account_id, period, next_token)
            .await
    }

    async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        metric: CostMetric,
    ) -> Result<Forecast> {
        self.0.get_cost_forecast(start, end, metric).await
    }

    async fn get_credits(&self) -> Result<Vec<Credit>> {
        self.0.get_credits().await
    }

    async fn get_credit_sharing(&self) -> Result<bool> {
        self.0.get_credit_sharing().await
    }

    async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>> {
        self.0.list_handshakes_for_organization(next_token).await
    }

    async fn perform(&self, action: &Action) -> Result<Option<String>> {
        self.0.perform(action).await
    }
}

fn hidden(operation: &'static str, id: &str) -> ProviderError {
    ProviderError::new(
        operation,
        Some(id),
        orgtop::provider::ErrorKind::Other,
        "Hidden",
        "the per-node strategy does not list policies",
    )
}
