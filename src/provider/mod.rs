//! Where the organization comes from. One trait, shaped like the AWS
//! Organizations operations the console needs; the AWS SDK adapter and the
//! built-in demo organization both implement it, so everything above this
//! layer runs the same on either.

pub mod access;
pub mod aws;
pub mod demo;
mod error;

use async_trait::async_trait;

use crate::model::action::{Action, Handshake};
use crate::model::control_tower::{EnabledBaseline, EnabledControl, LandingZone};
use crate::model::cost::{
    CostMetric, CostPeriod, Credit, Forecast, MonthlyCosts, ServiceCost,
};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag,
};
use chrono::NaiveDate;

pub use error::{ErrorKind, ProviderError};

/// A result from a provider call.
pub type Result<T> = std::result::Result<T, ProviderError>;

/// One page of a paged listing. `next_token` is present while more pages
/// follow; a page may be empty and still carry one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// The last page of a listing.
    pub fn last(items: Vec<T>) -> Self {
        Self {
            items,
            next_token: None,
        }
    }
}

/// Every page of a listing: `ask` is called with each next token until a
/// page comes without one.
pub async fn all_pages<T, F, Fut>(mut ask: F) -> Result<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let page = ask(token).await?;
        items.extend(page.items);
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

/// The AWS services orgtop calls; each has its own concurrency limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Organizations,
    ControlTower,
    CostExplorer,
    Billing,
}

/// The AWS Organizations operations the console needs, one method each,
/// named after the operation. Listings return one page per call: callers
/// follow `next_token` until it is absent.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Where the data comes from, for the status line: "demo", or the
    /// profile and region.
    fn source(&self) -> String;

    /// `DescribeOrganization`.
    async fn describe_organization(&self) -> Result<Organization>;

    /// `ListRoots`.
    async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>>;

    /// `ListOrganizationalUnitsForParent`.
    async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>>;

    /// `ListAccountsForParent`.
    async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>>;

    /// `ListPolicies` with a type filter.
    async fn list_policies(
        &self,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>>;

    /// `ListTargetsForPolicy`.
    async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>>;

    /// `ListPoliciesForTarget` with a type filter. The crawl does not use it
    /// (it asks per policy, not per node); the benchmark compares the two.
    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>>;

    /// `DescribePolicy`: the policy with its document.
    async fn describe_policy(&self, policy_id: &str) -> Result<Policy>;

    /// `ListTagsForResource`: the tags of a root, organizational unit,
    /// account or policy. Asked for the selected node only, never for every
    /// account up front.
    async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>>;

    /// `ListAWSServiceAccessForOrganization`: the service principals with
    /// trusted access, such as `controltower.amazonaws.com`.
    async fn list_aws_service_access_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<String>>;

    /// Control Tower's `ListLandingZones`, then `GetLandingZone`: the
    /// landing zone, or `None` where Control Tower has none.
    async fn get_landing_zone(&self) -> Result<Option<LandingZone>>;

    /// Control Tower's `ListEnabledBaselines` with `includeChildren`: every
    /// enabled baseline, those of enrolled accounts included.
    async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>>;

    /// Control Tower's `ListEnabledControls` on the OU `target_identifier`
    /// (an ARN) with `includeChildren`: its controls and its nested OUs'.
    async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>>;

    /// Cost Explorer's `GetCostAndUsage`, monthly, grouped by
    /// `LINKED_ACCOUNT` and `RECORD_TYPE`. Every request is billed.
    async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>>;

    /// Cost Explorer's `GetCostAndUsage`, monthly, without grouping: the
    /// totals the grouped sum is reconciled with. Billed.
    async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>>;

    /// Cost Explorer's `GetCostAndUsage` for one linked account, monthly,
    /// grouped by `SERVICE`. Billed.
    async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>>;

    /// Cost Explorer's `GetCostForecast` from `start` up to, not including,
    /// `end`. Billed.
    async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        metric: CostMetric,
    ) -> Result<Forecast>;

    /// The Billing API's `GetCredits`: every credit of the organization.
    async fn get_credits(&self) -> Result<Vec<Credit>>;

    /// The Billing API's `GetBillingPreferences`: whether credits are
    /// shared across the organization.
    async fn get_credit_sharing(&self) -> Result<bool>;

    /// `ListHandshakesForOrganization`: invitations, open and recent.
    async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>>;

    /// Carries out `action`: `MoveAccount`, `InviteAccountToOrganization`,
    /// `CancelHandshake`, `AttachPolicy` or `DetachPolicy`. Returns AWS's
    /// request id, for the journal, when the answer carried one.
    async fn perform(&self, action: &Action) -> Result<Option<String>>;

    /// STS `GetCallerIdentity`: the ARN the calls are made as, for the
    /// journal. A provider that cannot tell says so.
    async fn get_caller_identity(&self) -> Result<String> {
        Err(ProviderError::new(
            "GetCallerIdentity",
            None,
            ErrorKind::Unavailable,
            "NotSupported",
            "this source cannot tell who is calling",
        ))
    }
}
