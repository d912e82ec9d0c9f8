//! The built-in demo organization: in memory, paged like AWS (at most 20
//! items a page), a few milliseconds per call, AWS's error codes for bad
//! requests, and faults that tests can inject.

mod actions;
mod control_tower;
mod costs;
mod description;
mod generate;
mod ids;
mod state;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;

use super::{ErrorKind, Page, Provider, ProviderError, Result};
use crate::clock::{SharedClock, SystemClock};
use crate::model::action::{Action, Handshake};
use crate::model::control_tower::{
    EnabledBaseline, EnabledControl, LandingZone, id_from_arn,
};
use crate::model::cost::{
    CostMetric, CostPeriod, Credit, Forecast, MonthlyCosts, ServiceCost,
};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag, TargetType,
};

pub use description::northwind as northwind_state;
pub use generate::generated;
pub use state::{DemoHandshake, DemoState, Sent};

/// AWS Organizations pages every listing by at most 20 items.
pub const PAGE_SIZE: usize = 20;

/// At most this many groups on a page of the demo's grouped costs: few
/// enough that a month's groups go on over the next page, as on AWS.
pub const COST_GROUPS_PER_PAGE: usize = 40;

/// A provider that answers from an organization held in memory.
pub struct DemoProvider {
    state: Mutex<DemoState>,
    latency: Duration,
    faults: Mutex<Vec<(&'static str, ProviderError)>>,
    /// Where "today" comes from: costs are of the months before it.
    clock: SharedClock,
}

impl DemoProvider {
    /// The Northwind demo organization with `latency` per call.
    pub fn northwind(latency: Duration) -> std::result::Result<Self, String> {
        Ok(Self::new(description::northwind()?, latency))
    }

    /// A provider over `state` with `latency` per call.
    pub fn new(state: DemoState, latency: Duration) -> Self {
        Self {
            state: Mutex::new(state),
            latency,
            faults: Mutex::new(Vec::new()),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same provider reading "today" from `clock`.
    pub fn with_clock(self, clock: SharedClock) -> Self {
        Self { clock, ..self }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Makes the next call of `operation` fail with `error`.
    pub fn inject_fault(&self, operation: &'static str, error: ProviderError) {
        if let Ok(mut faults) = self.faults.lock() {
            faults.push((operation, error));
        }
    }

    /// Waits the configured latency, then answers any injected fault.
    async fn call(&self, operation: &'static str) -> Result<()> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        let mut faults = self.faults.lock().map_err(|_| poisoned(operation))?;
        match faults.iter().position(|(op, _)| *op == operation) {
            Some(at) => Err(faults.remove(at).1),
            None => Ok(()),
        }
    }

    fn read<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&DemoState) -> Result<T>,
    ) -> Result<T> {
        let state = self.state.lock().map_err(|_| poisoned(operation))?;
        f(&state)
    }
}

fn poisoned(operation: &'static str) -> ProviderError {
    ProviderError::new(
        operation,
        None,
        ErrorKind::Other,
        "ServiceException",
        "demo state is unavailable",
    )
}

/// One page of `items` starting where `next_token` says. Tokens name the
/// listing they belong to, so a token from another listing is refused as
/// AWS refuses it.
fn page<T: Clone>(
    operation: &'static str,
    listing: &str,
    items: &[T],
    next_token: Option<String>,
) -> Result<Page<T>> {
    page_of(PAGE_SIZE, operation, listing, items, next_token)
}

/// [`page`] with at most `size` items a page.
fn page_of<T: Clone>(
    size: usize,
    operation: &'static str,
    listing: &str,
    items: &[T],
    next_token: Option<String>,
) -> Result<Page<T>> {
    let start = match next_token {
        None => 0,
        Some(token) => parse_token(&token, listing).ok_or_else(|| {
            ProviderError::new(
                operation,
                None,
                ErrorKind::InvalidInput,
                "InvalidInputException",
                "You specified an invalid value for nextToken.",
            )
        })?,
    };
    let end = (start + size).min(items.len());
    let next_token = (end < items.len()).then(|| format!("{end}:{listing}"));
    Ok(Page {
        items: items.get(start..end).unwrap_or_default().to_vec(),
        next_token,
    })
}

fn parse_token(token: &str, listing: &str) -> Option<usize> {
    let (offset, rest) = token.split_once(':')?;
    (rest == listing).then_some(())?;
    offset.parse().ok()
}

fn parent_not_found(operation: &'static str, parent_id: &str) -> ProviderError {
    ProviderError::new(
        operation,
        Some(parent_id),
        ErrorKind::NotFound,
        "ParentNotFoundException",
        "We can't find a root or OU with the ParentId that you specified.",
    )
}

fn policy_not_found(operation: &'static str, policy_id: &str) -> ProviderError {
    ProviderError::new(
        operation,
        Some(policy_id),
        ErrorKind::NotFound,
        "PolicyNotFoundException",
        "We can't find a policy with the PolicyId that you specified.",
    )
}

fn target_not_found(operation: &'static str, target_id: &str) -> ProviderError {
    ProviderError::new(
        operation,
        Some(target_id),
        ErrorKind::NotFound,
        "TargetNotFoundException",
        "We can't find a root, OU, account, or policy with the TargetId that you specified.",
    )
}

impl DemoState {
    fn child_ids(&self, parent_id: &str) -> &[String] {
        self.children
            .get(parent_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn target(&self, id: &str) -> Option<PolicyTarget> {
        let (name, arn, target_type) = if id == self.root.id {
            (&self.root.name, &self.root.arn, TargetType::Root)
        } else if let Some(unit) = self.units.get(id) {
            (&unit.name, &unit.arn, TargetType::OrganizationalUnit)
        } else {
            let account = self.accounts.get(id)?;
            (&account.name, &account.arn, TargetType::Account)
        };
        Some(PolicyTarget {
            target_id: id.to_string(),
            arn: arn.clone(),
            name: name.clone(),
            target_type,
        })
    }
}

#[async_trait]
impl Provider for DemoProvider {
    fn source(&self) -> String {
        "demo".to_string()
    }

    async fn describe_organization(&self) -> Result<Organization> {
        let operation = "DescribeOrganization";
        self.call(operation).await?;
        self.read(operation, |state| Ok(state.organization.clone()))
    }

    async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>> {
        let operation = "ListRoots";
        self.call(operation).await?;
        self.read(operation, |state| {
            page(
                operation,
                "roots",
                std::slice::from_ref(&state.root),
                next_token,
            )
        })
    }

    async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>> {
        let operation = "ListOrganizationalUnitsForParent";
        self.call(operation).await?;
        self.read(operation, |state| {
            if !state.is_parent(parent_id) {
                return Err(parent_not_found(operation, parent_id));
            }
            let units: Vec<OrganizationalUnit> = state
                .child_ids(parent_id)
                .iter()
                .filter_map(|id| state.units.get(id).cloned())
                .collect();
            page(operation, &format!("ous/{parent_id}"), &units, next_token)
        })
    }

    async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>> {
        let operation = "ListAccountsForParent";
        self.call(operation).await?;
        self.read(operation, |state| {
            if !state.is_parent(parent_id) {
                return Err(parent_not_found(operation, parent_id));
            }
            let accounts: Vec<Account> = state
                .child_ids(parent_id)
                .iter()
                .filter_map(|id| state.accounts.get(id).cloned())
                .collect();
            page(
                operation,
                &format!("accounts/{parent_id}"),
                &accounts,
                next_token,
            )
        })
    }

    async fn list_policies(
        &self,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let operation = "ListPolicies";
        self.call(operation).await?;
        self.read(operation, |state| {
            let listing = format!("policies/{}", policy_type.as_aws_str());
            page(
                operation,
                &listing,
                &state.policy_summaries(policy_type),
                next_token,
            )
        })
    }

    async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>> {
        let operation = "ListTargetsForPolicy";
        self.call(operation).await?;
        self.read(operation, |state| {
            state
                .policy(policy_id)
                .ok_or_else(|| policy_not_found(operation, policy_id))?;
            let targets: Vec<PolicyTarget> = state
                .targets_of
                .get(policy_id)
                .into_iter()
                .flatten()
                .filter_map(|id| state.target(id))
                .collect();
            page(
                operation,
                &format!("targets/{policy_id}"),
                &targets,
                next_token,
            )
        })
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let operation = "ListPoliciesForTarget";
        self.call(operation).await?;
        self.read(operation, |state| {
            if !state.is_target(target_id) {
                return Err(ProviderError::new(
                    operation,
                    Some(target_id),
                    ErrorKind::NotFound,
                    "TargetNotFoundException",
                    "We can't find a root, OU, account, or policy with the TargetId that you specified.",
                ));
            }
            let policies: Vec<PolicySummary> = state
                .policy_summaries(policy_type)
                .into_iter()
                .filter(|p| {
                    state.targets_of.get(&p.id).is_some_and(|t| t.iter().any(|t| t == target_id))
                })
                .collect();
            let listing = format!("policies/{target_id}/{}", policy_type.as_aws_str());
            page(operation, &listing, &policies, next_token)
        })
    }

    async fn describe_policy(&self, policy_id: &str) -> Result<Policy> {
        let operation = "DescribePolicy";
        self.call(operation).await?;
        self.read(operation, |state| {
            state
                .policy(policy_id)
                .cloned()
                .ok_or_else(|| policy_not_found(operation, policy_id))
        })
    }

    async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>> {
        let operation = "ListTagsForResource";
        self.call(operation).await?;
        self.read(operation, |state| {
            if !state.is_target(resource_id) && state.policy(resource_id).is_none() {
                return Err(target_not_found(operation, resource_id));
            }
            let tags = state
                .tags
                .get(resource_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            page(operation, &format!("tags/{resource_id}"), tags, next_token)
        })
    }

    async fn list_aws_service_access_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<String>> {
        let operation = "ListAWSServiceAccessForOrganization";
        self.call(operation).await?;
        self.read(operation, |state| {
            page(
                operation,
                "service-access",
                &state.trusted_services,
                next_token,
            )
        })
    }

    async fn get_landing_zone(&self) -> Result<Option<LandingZone>> {
        let operation = "GetLandingZone";
        self.call(operation).await?;
        self.read(operation, |state| {
            Ok(state
                .control_tower
                .as_ref()
                .map(|ct| ct.landing_zone.clone()))
        })
    }

    async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>> {
        let operation = "ListEnabledBaselines";
        self.call(operation).await?;
        self.read(operation, |state| {
            let baselines = state
                .control_tower
                .as_ref()
                .map(|ct| ct.baselines.as_slice());
            page(
                operation,
                "baselines",
                baselines.unwrap_or_default(),
                next_token,
            )
        })
    }

    async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>> {
        let operation = "ListEnabledControls";
        self.call(operation).await?;
        self.read(operation, |state| {
            let target = id_from_arn(target_identifier);
            if !state.units.contains_key(target) {
                return Err(ProviderError::new(
                    operation,
                    Some(target_identifier),
                    ErrorKind::NotFound,
                    "ResourceNotFoundException",
                    "The requested resource does not exist.",
                ));
            }
            // includeChildren: the OU's controls and its nested OUs'.
            let controls: Vec<EnabledControl> = state
                .control_tower
                .iter()
                .flat_map(|ct| ct.controls.iter())
                .filter(|c| state.is_within(id_from_arn(&c.target_identifier), target))
                .cloned()
                .collect();
            page(
                operation,
                &format!("controls/{target}"),
                &controls,
                next_token,
            )
        })
    }

    async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let operation = "GetCostAndUsage";
        self.call(operation).await?;
        let today = self.today();
        self.read(operation, |state| {
            check_period(operation, period)?;
            let costs = costs_of(state);
            let slots = costs.grouped_slots(period, today);
            let listing = format!("costs/{}", period_key(period));
            let page = page_of(
                COST_GROUPS_PER_PAGE,
                operation,
                &listing,
                &slots,
                next_token,
            )?;
            Ok(Page {
                items: costs.results_by_time(page.items),
                next_token: page.next_token,
            })
        })
    }

    async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let operation = "GetCostAndUsage";
        self.call(operation).await?;
        let today = self.today();
        self.read(operation, |state| {
            check_period(operation, period)?;
            let totals = costs_of(state).totals(period, today);
            let listing = format!("totals/{}", period_key(period));
            page(operation, &listing, &totals, next_token)
        })
    }

    async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>> {
        let operation = "GetCostAndUsage";
        self.call(operation).await?;
        let today = self.today();
        self.read(operation, |state| {
            check_period(operation, period)?;
            let services = costs_of(state).by_service(account_id, period, today);
            let listing = format!("services/{account_id}/{}", period_key(period));
            page(operation, &listing, &services, next_token)
        })
    }

    async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        _metric: CostMetric,
    ) -> Result<Forecast> {
        let operation = "GetCostForecast";
        self.call(operation).await?;
        let today = self.today();
        self.read(operation, |state| {
            if start >= end {
                return Err(invalid_period(operation));
            }
            let costs = costs_of(state);
            Ok(Forecast {
                start,
                end,
                amount: costs.forecast(start, end, today),
                currency: costs.currency().to_string(),
            })
        })
    }

    async fn get_credits(&self) -> Result<Vec<Credit>> {
        let operation = "GetCredits";
        self.call(operation).await?;
        let today = self.today();
        self.read(operation, |state| Ok(costs_of(state).credits(today)))
    }

    async fn get_credit_sharing(&self) -> Result<bool> {
        let operation = "GetBillingPreferences";
        self.call(operation).await?;
        self.read(operation, |state| Ok(costs_of(state).credit_sharing()))
    }

    async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>> {
        let operation = "ListHandshakesForOrganization";
        self.call(operation).await?;
        let now = self.clock.now();
        self.read(operation, |state| {
            let handshakes = state.handshakes_at(now);
            page(operation, "handshakes", &handshakes, next_token)
        })
    }

    async fn perform(&self, action: &Action) -> Result<Option<String>> {
        let operation = action.operation();
        self.call(operation).await?;
        let now = self.clock.now();
        let mut state = self.state.lock().map_err(|_| poisoned(operation))?;
        state.perform(action, now).map(Some)
    }

    async fn get_caller_identity(&self) -> Result<String> {
        let operation = "GetCallerIdentity";
        self.call(operation).await?;
        self.read(operation, |state| {
            Ok(format!(
                "arn:aws:sts::{}:assumed-role/AWSReservedSSO_AdministratorAccess_demo/demo-user",
                state.organization.management_account_id
            ))
        })
    }
}

/// The state's costs; an organization the description gives none spends
/// nothing.
fn costs_of(state: &DemoState) -> &costs::DemoCosts {
    static NOTHING: std::sync::LazyLock<costs::DemoCosts> =
        std::sync::LazyLock::new(costs::DemoCosts::default);
    state.costs.as_ref().unwrap_or(&NOTHING)
}

/// Cost Explorer refuses a period that ends before it starts.
fn check_period(operation: &'static str, period: &CostPeriod) -> Result<()> {
    if period.start < period.end {
        Ok(())
    } else {
        Err(invalid_period(operation))
    }
}

fn invalid_period(operation: &'static str) -> ProviderError {
    ProviderError::new(
        operation,
        None,
        ErrorKind::InvalidInput,
        "ValidationException",
        "Start date (and hour) should be before end date (and hour)",
    )
}

/// What a cost listing's token names, so a token of another period or
/// metric is refused.
fn period_key(period: &CostPeriod) -> String {
    format!(
        "{}/{}/{}",
        period.start,
        period.end,
        period.metric.as_aws_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> DemoProvider {
        DemoProvider::northwind(Duration::ZERO).unwrap()
    }

    #[tokio::test]
    async fn pages_hold_at_most_twenty_items_and_chain_by_token() {
        let demo = provider();
        let root = demo.list_roots(None).await.unwrap().items[0].id.clone();
        let units = demo
            .list_organizational_units_for_parent(&root, None)
            .await
            .unwrap();
        let sandbox = units
            .items
            .iter()
            .find(|u| u.name == "Sandbox")
            .unwrap()
            .id
            .clone();

        let first = demo.list_accounts_for_parent(&sandbox, None).await.unwrap();
        assert_eq!(first.items.len(), PAGE_SIZE);
        let second = demo
            .list_accounts_for_parent(&sandbox, first.next_token)
            .await
            .unwrap();
        assert_eq!(second.items.len(), 1);
        assert_eq!(second.next_token, None);
    }

    #[tokio::test]
    async fn unknown_parents_and_tokens_get_aws_error_codes() {
        let demo = provider();
        let missing = demo
            .list_accounts_for_parent("ou-nw7k-00000000", None)
            .await;
        assert_eq!(missing.unwrap_err().code, "ParentNotFoundException");

        let root = demo.list_roots(None).await.unwrap().items[0].id.clone();
        let bad = demo
            .list_accounts_for_parent(&root, Some("7:elsewhere".into()))
            .await;
        assert_eq!(bad.unwrap_err().code, "InvalidInputException");

        let policy = demo.describe_policy("p-00000000").await;
        assert_eq!(policy.unwrap_err().code, "PolicyNotFoundException");
    }

    #[tokio::test]
    async fn tags_come_from_the_description_and_untagged_nodes_have_none() {
        let demo = provider();
        let root = demo.list_roots(None).await.unwrap().items[0].id.clone();
        let units = demo
            .list_organizational_units_for_parent(&root, None)
            .await
            .unwrap();
        let sandbox = units
            .items
            .iter()
            .find(|u| u.name == "Sandbox")
            .unwrap()
            .id
            .clone();

        let tags = demo.list_tags_for_resource(&sandbox, None).await.unwrap();
        let cost_center = tags.items.iter().find(|t| t.key == "CostCenter").unwrap();
        assert_eq!(cost_center.value, "CC-4100 Engineering");
        assert_eq!(tags.next_token, None);

        let untagged = demo.list_tags_for_resource(&root, None).await.unwrap();
        assert!(untagged.items.is_empty());
        let missing = demo.list_tags_for_resource("123456789012", None).await;
        assert_eq!(missing.unwrap_err().code, "TargetNotFoundException");
    }

    #[tokio::test]
    async fn an_injected_fault_fails_exactly_one_call() {
        let demo = provider();
        let fault = ProviderError::new(
            "ListRoots",
            None,
            ErrorKind::Throttling,
            "TooManyRequestsException",
            "Rate exceeded",
        );
        demo.inject_fault("ListRoots", fault);
        assert!(demo.list_roots(None).await.is_err());
        assert!(demo.list_roots(None).await.is_ok());
    }
}
