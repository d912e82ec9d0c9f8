//! A provider wrapper that holds every call to its service's concurrency
//! limit, counts calls, and logs one line per call.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use tokio::sync::Semaphore;

use crate::model::action::{Action, Handshake};
use crate::model::control_tower::{EnabledBaseline, EnabledControl, LandingZone};
use crate::model::cost::{
    CostMetric, CostPeriod, Credit, Forecast, MonthlyCosts, ServiceCost,
};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag,
};
use crate::provider::{ErrorKind, Page, Provider, ProviderError, Result, Service};
use chrono::NaiveDate;

/// How many calls may be in flight at once, per service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub organizations: usize,
    pub control_tower: usize,
}

impl Default for Limits {
    /// Organizations allows about 5 requests a second per listing API for
    /// the whole organization: 4 in flight stays near that. Control Tower
    /// throttles on its own and runs its scans on the same organization:
    /// orgtop reads it two calls at a time.
    fn default() -> Self {
        Self {
            organizations: 4,
            control_tower: 2,
        }
    }
}

/// A provider whose calls wait for a place under their service's limit.
pub struct Limited {
    inner: Arc<dyn Provider>,
    organizations: Semaphore,
    control_tower: Semaphore,
    /// Cost Explorer and Billing requests go one at a time: every Cost
    /// Explorer request is billed, both throttle early, and one at a time
    /// keeps their order reproducible.
    billed: Semaphore,
    calls: AtomicU64,
}

impl Limited {
    /// Wraps `inner` with `limits`.
    pub fn new(inner: Arc<dyn Provider>, limits: Limits) -> Self {
        Self {
            inner,
            organizations: Semaphore::new(limits.organizations.max(1)),
            control_tower: Semaphore::new(limits.control_tower.max(1)),
            billed: Semaphore::new(1),
            calls: AtomicU64::new(0),
        }
    }

    /// How many calls have finished, successful or not.
    pub fn calls_done(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    async fn limited<T>(
        &self,
        service: Service,
        operation: &'static str,
        target: &str,
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let semaphore = match service {
            Service::Organizations => &self.organizations,
            Service::ControlTower => &self.control_tower,
            Service::CostExplorer | Service::Billing => &self.billed,
        };
        let _permit = semaphore.acquire().await.map_err(|_| {
            ProviderError::new(
                operation,
                Some(target),
                ErrorKind::Other,
                "Cancelled",
                "shutting down",
            )
        })?;
        let started = Instant::now();
        let result = call.await;
        self.calls.fetch_add(1, Ordering::Relaxed);
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(operation, target, elapsed_ms, "call"),
            Err(error) => {
                tracing::warn!(operation, target, elapsed_ms, %error, "call failed")
            }
        }
        result
    }
}

const ORGS: Service = Service::Organizations;
const CONTROL_TOWER: Service = Service::ControlTower;
const COST_EXPLORER: Service = Service::CostExplorer;
const BILLING: Service = Service::Billing;

#[async_trait]
impl Provider for Limited {
    fn source(&self) -> String {
        self.inner.source()
    }

    async fn describe_organization(&self) -> Result<Organization> {
        self.limited(
            ORGS,
            "DescribeOrganization",
            "",
            self.inner.describe_organization(),
        )
        .await
    }

    async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>> {
        self.limited(ORGS, "ListRoots", "", self.inner.list_roots(next_token))
            .await
    }

    async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>> {
        let call = self
            .inner
            .list_organizational_units_for_parent(parent_id, next_token);
        self.limited(ORGS, "ListOrganizationalUnitsForParent", parent_id, call)
            .await
    }

    async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>> {
        let call = self.inner.list_accounts_for_parent(parent_id, next_token);
        self.limited(ORGS, "ListAccountsForParent", parent_id, call)
            .await
    }

    async fn list_policies(
        &self,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let call = self.inner.list_policies(policy_type, next_token);
        self.limited(ORGS, "ListPolicies", policy_type.as_aws_str(), call)
            .await
    }

    async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>> {
        let call = self.inner.list_targets_for_policy(policy_id, next_token);
        self.limited(ORGS, "ListTargetsForPolicy", policy_id, call)
            .await
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let call =
            self.inner
                .list_policies_for_target(target_id, policy_type, next_token);
        self.limited(ORGS, "ListPoliciesForTarget", target_id, call)
            .await
    }

    async fn describe_policy(&self, policy_id: &str) -> Result<Policy> {
        self.limited(
            ORGS,
            "DescribePolicy",
            policy_id,
            self.inner.describe_policy(policy_id),
        )
        .await
    }

    async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>> {
        let call = self.inner.list_tags_for_resource(resource_id, next_token);
        self.limited(ORGS, "ListTagsForResource", resource_id, call)
            .await
    }

    async fn list_aws_service_access_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<String>> {
        let call = self
            .inner
            .list_aws_service_access_for_organization(next_token);
        self.limited(ORGS, "ListAWSServiceAccessForOrganization", "", call)
            .await
    }

    async fn get_landing_zone(&self) -> Result<Option<LandingZone>> {
        let call = self.inner.get_landing_zone();
        self.limited(CONTROL_TOWER, "GetLandingZone", "", call)
            .await
    }

    async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>> {
        let call = self.inner.list_enabled_baselines(next_token);
        self.limited(CONTROL_TOWER, "ListEnabledBaselines", "", call)
            .await
    }

    async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>> {
        let call = self
            .inner
            .list_enabled_controls(target_identifier, next_token);
        self.limited(
            CONTROL_TOWER,
            "ListEnabledControls",
            target_identifier,
            call,
        )
        .await
    }

    async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let call = self.inner.get_cost_and_usage_by_account(period, next_token);
        self.limited(
            COST_EXPLORER,
            "GetCostAndUsage",
            "LINKED_ACCOUNT,RECORD_TYPE",
            call,
        )
        .await
    }

    async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let call = self.inner.get_cost_and_usage_total(period, next_token);
        self.limited(COST_EXPLORER, "GetCostAndUsage", "total", call)
            .await
    }

    async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>> {
        let call = self
            .inner
            .get_cost_by_service(account_id, period, next_token);
        self.limited(COST_EXPLORER, "GetCostAndUsage", account_id, call)
            .await
    }

    async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        metric: CostMetric,
    ) -> Result<Forecast> {
        let call = self.inner.get_cost_forecast(start, end, metric);
        self.limited(COST_EXPLORER, "GetCostForecast", "", call)
            .await
    }

    async fn get_credits(&self) -> Result<Vec<Credit>> {
        self.limited(BILLING, "GetCredits", "", self.inner.get_credits())
            .await
    }

    async fn get_credit_sharing(&self) -> Result<bool> {
        let call = self.inner.get_credit_sharing();
        self.limited(BILLING, "GetBillingPreferences", "", call)
            .await
    }

    async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>> {
        let call = self.inner.list_handshakes_for_organization(next_token);
        self.limited(ORGS, "ListHandshakesForOrganization", "", call)
            .await
    }

    async fn perform(&self, action: &Action) -> Result<Option<String>> {
        let target = action.confirmation_id().to_string();
        self.limited(
            ORGS,
            action.operation(),
            &target,
            self.inner.perform(action),
        )
        .await
    }

    async fn get_caller_identity(&self) -> Result<String> {
        self.limited(
            ORGS,
            "GetCallerIdentity",
            "",
            self.inner.get_caller_identity(),
        )
        .await
    }
}
