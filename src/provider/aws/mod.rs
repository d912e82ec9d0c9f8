//! The AWS SDK adapter of the provider trait.
//!
//! Configuration comes from aws-config, the way every AWS tool reads it: the
//! default credential chain, named and SSO profiles, `AWS_REGION`, and the
//! standard endpoint settings (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_ORGANIZATIONS`, `AWS_ENDPOINT_URL_CONTROLTOWER`, a
//! profile's `endpoint_url`), which the SDK applies by itself. orgtop adds
//! what its own settings say on top: profile, region, an explicit endpoint
//! URL, retries and timeouts.
//!
//! Throttled calls are retried by the SDK's own retry strategy; orgtop never
//! loops around a call itself. The SDK classifies Organizations'
//! `TooManyRequestsException` (HTTP 400) as throttling by its error code,
//! and Control Tower's `ThrottlingException` (HTTP 429) by its model.
//!
//! Control Tower answers only in its home region, which may differ from the
//! region Organizations is asked in: `[aws.control_tower] region` names it.
//! Cost Explorer answers only in us-east-1, whatever the region; the Billing
//! API is global, and the SDK sends it to us-east-1 by itself. Both take
//! the explicit endpoint URL too (`AWS_ENDPOINT_URL_COST_EXPLORER` and
//! `AWS_ENDPOINT_URL_BILLING` are the SDK's own settings).

mod billing;
mod control_tower;
mod cost_explorer;
mod error;
mod organizations;
pub mod sso;

use std::time::Duration;

use async_trait::async_trait;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{ErrorKind, Page, Provider, ProviderError, Result};
use crate::model::action::{Action, Handshake};
use crate::model::control_tower::{EnabledBaseline, EnabledControl, LandingZone};
use crate::model::cost::{
    CostMetric, CostPeriod, Credit, Forecast, Month, MonthlyCosts, ServiceCost,
};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag,
};
use crate::worker::Limits;

use billing::Billing;
use control_tower::ControlTower;
use cost_explorer::CostExplorer;
pub use organizations::Organizations;

/// Organizations is a global service that answers from us-east-1; asked
/// from nowhere in particular, orgtop asks there.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The `[aws]` table of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AwsSettings {
    /// The named profile; unset, aws-config follows `AWS_PROFILE`, then
    /// `default`.
    pub profile: Option<String>,
    /// The region; unset, aws-config follows `AWS_REGION` and the profile,
    /// then orgtop asks us-east-1, where Organizations answers.
    pub region: Option<String>,
    /// One endpoint for every AWS service, such as an emulator's. It wins
    /// over `AWS_ENDPOINT_URL*` and a profile's `endpoint_url`.
    pub endpoint_url: Option<String>,
    /// How the SDK retries throttled and failed calls.
    pub retry_mode: RetryMode,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// How long to wait for a connection before giving up.
    pub connect_timeout_secs: u64,
    /// How long one call may take, all its retries included.
    pub operation_timeout_secs: u64,
    /// How many calls may be in flight at once, per service.
    pub concurrency: Concurrency,
    /// The `[aws.control_tower]` table: where Control Tower is asked.
    pub control_tower: ControlTowerSettings,
}

/// The `[aws.control_tower]` table of the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ControlTowerSettings {
    /// Control Tower's home region, the one its landing zone was set up
    /// in; unset, Control Tower is asked in the region Organizations is.
    pub region: Option<String>,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            endpoint_url: None,
            retry_mode: RetryMode::Standard,
            // Control Tower's own scans share Organizations' rate limits:
            // two attempts more than the SDK's default ride out a busy minute.
            max_attempts: 5,
            connect_timeout_secs: 5,
            operation_timeout_secs: 60,
            concurrency: Concurrency::default(),
            control_tower: ControlTowerSettings::default(),
        }
    }
}

/// The SDK's retry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetryMode {
    /// Exponential backoff with jitter, and a retry quota.
    Standard,
    /// Standard, plus a client-side rate limiter that slows down every call
    /// once AWS has throttled one.
    Adaptive,
}

/// Calls in flight at once, per AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Concurrency {
    /// Organizations calls in flight at once.
    pub organizations: usize,
    /// Control Tower calls in flight at once.
    pub control_tower: usize,
}

impl Default for Concurrency {
    fn default() -> Self {
        let limits = Limits::default();
        Self {
            organizations: limits.organizations,
            control_tower: limits.control_tower,
        }
    }
}

impl AwsSettings {
    /// The SDK retry configuration these settings ask for.
    pub fn retry_config(&self) -> RetryConfig {
        let config = match self.retry_mode {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        };
        config.with_max_attempts(self.max_attempts.max(1))
    }

    /// The SDK timeout configuration these settings ask for.
    pub fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(self.connect_timeout_secs))
            .operation_timeout(Duration::from_secs(self.operation_timeout_secs))
            .build()
    }

    /// The worker pool's concurrency limits.
    pub fn limits(&self) -> Limits {
        Limits {
            organizations: self.concurrency.organizations,
            control_tower: self.concurrency.control_tower,
        }
    }

    /// The profile name a person would pass to `aws sso login`.
    fn profile_name(&self) -> String {
        self.profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .unwrap_or_else(|| "default".to_string())
    }
}

/// An aws-config loader set up from `settings`; [`AwsProvider::connect`]
/// loads it. Tests add their own profile files or credentials to it.
pub fn config_loader(settings: &AwsSettings) -> ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(settings.retry_config())
        .timeout_config(settings.timeout_config());
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    let region = RegionProviderChain::first_try(settings.region.clone().map(Region::new))
        .or_default_provider()
        .or_else(Region::from_static(DEFAULT_REGION));
    loader.region(region)
}

/// The Organizations client configuration for `sdk` and `settings`. The
/// endpoint URL is set here, not on the loader, because the SDK ranks
/// `AWS_ENDPOINT_URL_ORGANIZATIONS` above the loader's endpoint, and an
/// explicit `--endpoint-url` must win over both.
pub fn organizations_config(
    sdk: &SdkConfig,
    settings: &AwsSettings,
) -> aws_sdk_organizations::config::Builder {
    let builder = aws_sdk_organizations::config::Builder::from(sdk);
    match &settings.endpoint_url {
        Some(url) => builder.endpoint_url(url),
        None => builder,
    }
}

/// The Control Tower client configuration for `sdk` and `settings`: the
/// same credentials, retries, timeouts and endpoint URL as Organizations',
/// in Control Tower's home region when the settings name one.
pub fn control_tower_config(
    sdk: &SdkConfig,
    settings: &AwsSettings,
) -> aws_sdk_controltower::config::Builder {
    let mut builder = aws_sdk_controltower::config::Builder::from(sdk);
    if let Some(region) = &settings.control_tower.region {
        builder = builder.region(Region::new(region.clone()));
    }
    match &settings.endpoint_url {
        Some(url) => builder.endpoint_url(url),
        None => builder,
    }
}

/// The region Cost Explorer answers in, whatever the configured one.
pub const COST_EXPLORER_REGION: &str = "us-east-1";

/// The Cost Explorer client configuration for `sdk` and `settings`: the
/// same credentials, retries, timeouts and endpoint URL as Organizations',
/// always in us-east-1, the only region Cost Explorer answers in.
pub fn cost_explorer_config(
    sdk: &SdkConfig,
    settings: &AwsSettings,
) -> aws_sdk_costexplorer::config::Builder {
    let builder = aws_sdk_costexplorer::config::Builder::from(sdk)
        .region(Region::from_static(COST_EXPLORER_REGION));
    match &settings.endpoint_url {
        Some(url) => builder.endpoint_url(url),
        None => builder,
    }
}

/// The Billing client configuration for `sdk` and `settings`: the same
/// credentials, retries, timeouts and endpoint URL as Organizations'. The
/// region stays the configured one: Billing's endpoint rules send every
/// region of a partition to that partition's global endpoint (us-east-1
/// for `aws`).
pub fn billing_config(
    sdk: &SdkConfig,
    settings: &AwsSettings,
) -> aws_sdk_billing::config::Builder {
    let builder = aws_sdk_billing::config::Builder::from(sdk);
    match &settings.endpoint_url {
        Some(url) => builder.endpoint_url(url),
        None => builder,
    }
}

/// Why no credentials could be had before the first call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsProblem {
    /// Nothing in the credential chain: no profile, no environment.
    NotFound,
    /// A source was found but failed, e.g. an expired SSO token.
    Failed(String),
}

/// The provider that asks AWS.
pub struct AwsProvider {
    organizations: Organizations,
    /// Absent when the provider was built around an Organizations client
    /// alone: Control Tower is then reported unavailable.
    control_tower: Option<ControlTower>,
    /// Absent likewise: costs are then reported unavailable.
    cost_explorer: Option<CostExplorer>,
    /// Absent likewise: the caller falls back to configured credits.
    billing: Option<Billing>,
    /// The management account, asked of Organizations once: `GetCredits`
    /// asks for its credits.
    management_account_id: OnceCell<String>,
    source: String,
    profile: String,
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// For `GetCallerIdentity`, which the journal records.
    sts: Option<aws_sdk_sts::Client>,
}

impl AwsProvider {
    /// Loads the AWS configuration `settings` describe and builds the
    /// clients. Nothing is sent yet: a missing credential or an unreachable
    /// endpoint shows on the first call.
    pub async fn connect(settings: &AwsSettings) -> Self {
        let sdk = config_loader(settings).load().await;
        let client = aws_sdk_organizations::Client::from_conf(
            organizations_config(&sdk, settings).build(),
        );
        let control_tower = aws_sdk_controltower::Client::from_conf(
            control_tower_config(&sdk, settings).build(),
        );
        let cost_explorer = aws_sdk_costexplorer::Client::from_conf(
            cost_explorer_config(&sdk, settings).build(),
        );
        let billing =
            aws_sdk_billing::Client::from_conf(billing_config(&sdk, settings).build());
        let mut provider = Self::from_client(client, settings)
            .with_control_tower(control_tower)
            .with_cost_explorer(cost_explorer)
            .with_billing(billing);
        provider.credentials = sdk.credentials_provider();
        let sts = aws_sdk_sts::config::Builder::from(&sdk);
        let sts = match &settings.endpoint_url {
            Some(url) => sts.endpoint_url(url),
            None => sts,
        };
        provider.sts = Some(aws_sdk_sts::Client::from_conf(sts.build()));
        provider
    }

    /// The provider with `client` for its Cost Explorer calls, e.g. a client
    /// pointed at moto.
    pub fn with_cost_explorer(self, client: aws_sdk_costexplorer::Client) -> Self {
        let cost_explorer = CostExplorer::new(client, self.profile.clone());
        Self {
            cost_explorer: Some(cost_explorer),
            ..self
        }
    }

    /// The provider with `client` for its Billing calls, e.g. a client with
    /// a test's mocked answers.
    pub fn with_billing(self, client: aws_sdk_billing::Client) -> Self {
        let billing = Billing::new(client, self.profile.clone());
        Self {
            billing: Some(billing),
            ..self
        }
    }

    /// The provider with `client` for its Control Tower calls, e.g. a
    /// client with a test's mocked answers.
    pub fn with_control_tower(self, client: aws_sdk_controltower::Client) -> Self {
        let control_tower = ControlTower::new(client, self.profile.clone());
        Self {
            control_tower: Some(control_tower),
            ..self
        }
    }

    /// A provider over an Organizations client built elsewhere, e.g. with a
    /// test's interceptors.
    pub fn from_client(
        client: aws_sdk_organizations::Client,
        settings: &AwsSettings,
    ) -> Self {
        let profile = settings.profile_name();
        let region = client.config().region().map(ToString::to_string);
        let source = source(
            &profile,
            region.as_deref(),
            settings.endpoint_url.as_deref(),
        );
        Self {
            organizations: Organizations::new(client, profile.clone()),
            control_tower: None,
            cost_explorer: None,
            billing: None,
            management_account_id: OnceCell::new(),
            source,
            profile,
            credentials: None,
            sts: None,
        }
    }

    /// The Control Tower adapter, or why there is none.
    fn control_tower(&self, operation: &'static str) -> Result<&ControlTower> {
        self.control_tower
            .as_ref()
            .ok_or_else(|| no_client(operation, "Control Tower"))
    }

    /// The Cost Explorer adapter, or why there is none.
    fn cost_explorer(&self, operation: &'static str) -> Result<&CostExplorer> {
        self.cost_explorer
            .as_ref()
            .ok_or_else(|| no_client(operation, "Cost Explorer"))
    }

    /// The Billing adapter, or why there is none.
    fn billing(&self, operation: &'static str) -> Result<&Billing> {
        self.billing
            .as_ref()
            .ok_or_else(|| no_client(operation, "Billing"))
    }

    /// The management account's id, from `DescribeOrganization` the first
    /// time only.
    async fn management_account_id(&self) -> Result<&str> {
        let id = self
            .management_account_id
            .get_or_try_init(|| async {
                let organization = self.organizations.describe_organization().await?;
                Ok::<_, ProviderError>(organization.management_account_id)
            })
            .await?;
        Ok(id)
    }

    /// Resolves credentials once, before anything else is sent, so that a
    /// machine with no AWS setup hears how to start instead of an error per
    /// call.
    pub async fn check_credentials(&self) -> std::result::Result<(), CredentialsProblem> {
        use aws_credential_types::provider::ProvideCredentials;
        use aws_credential_types::provider::error::CredentialsError;
        // A client built elsewhere (a test's) brings its own credentials:
        // its first call will tell.
        let Some(provider) = &self.credentials else {
            return Ok(());
        };
        match provider.provide_credentials().await {
            Ok(_) => Ok(()),
            Err(CredentialsError::CredentialsNotLoaded(_)) => {
                Err(CredentialsProblem::NotFound)
            }
            Err(error) => Err(CredentialsProblem::Failed(format!(
                "the credentials of profile {} could not be loaded: {}. \
                 If it is an SSO profile, sign in with `aws sso login --profile {}`",
                self.profile,
                error_chain(&error),
                self.profile
            ))),
        }
    }
}

/// The error for a call to a service this provider has no client for.
fn no_client(operation: &'static str, service: &str) -> ProviderError {
    let code = format!("No{}Client", service.replace(' ', ""));
    let message = format!("this provider was built without a {service} client");
    ProviderError::new(operation, None, ErrorKind::Unavailable, code, message)
}

/// Where `GetCredits` starts looking on `today`: the first day of the
/// previous month. The API wants a past day at most a year back; the
/// credits valid since then are those whose balance and burn matter.
fn credits_since(today: NaiveDate) -> DateTime<Utc> {
    Month::of(today)
        .previous()
        .first_day()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
}

/// An error and its sources, joined: the SDK's top-level messages alone are
/// often too short to act on.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// "profile dev · us-east-1", with the endpoint when it is not AWS's.
fn source(profile: &str, region: Option<&str>, endpoint_url: Option<&str>) -> String {
    let mut source = format!("profile {profile} · {}", region.unwrap_or(DEFAULT_REGION));
    if let Some(url) = endpoint_url {
        source.push_str(" · ");
        source.push_str(url);
    }
    source
}

#[async_trait]
impl Provider for AwsProvider {
    fn source(&self) -> String {
        self.source.clone()
    }

    async fn describe_organization(&self) -> Result<Organization> {
        self.organizations.describe_organization().await
    }

    async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>> {
        self.organizations.list_roots(next_token).await
    }

    async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>> {
        self.organizations
            .list_organizational_units_for_parent(parent_id, next_token)
            .await
    }

    async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>> {
        self.organizations
            .list_accounts_for_parent(parent_id, next_token)
            .await
    }

    async fn list_policies(
        &self,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        self.organizations
            .list_policies(policy_type, next_token)
            .await
    }

    async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>> {
        self.organizations
            .list_targets_for_policy(policy_id, next_token)
            .await
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        self.organizations
            .list_policies_for_target(target_id, policy_type, next_token)
            .await
    }

    async fn describe_policy(&self, policy_id: &str) -> Result<Policy> {
        self.organizations.describe_policy(policy_id).await
    }

    async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>> {
        self.organizations
            .list_tags_for_resource(resource_id, next_token)
            .await
    }

    async fn list_aws_service_access_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<String>> {
        self.organizations
            .list_aws_service_access_for_organization(next_token)
            .await
    }

    async fn get_landing_zone(&self) -> Result<Option<LandingZone>> {
        let control_tower = self.control_tower("GetLandingZone")?;
        control_tower.get_landing_zone().await
    }

    async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>> {
        let control_tower = self.control_tower("ListEnabledBaselines")?;
        control_tower.list_enabled_baselines(next_token).await
    }

    async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>> {
        let control_tower = self.control_tower("ListEnabledControls")?;
        control_tower
            .list_enabled_controls(target_identifier, next_token)
            .await
    }

    async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let cost_explorer = self.cost_explorer("GetCostAndUsage")?;
        cost_explorer
            .get_cost_and_usage_by_account(period, next_token)
            .await
    }

    async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let cost_explorer = self.cost_explorer("GetCostAndUsage")?;
        cost_explorer
            .get_cost_and_usage_total(period, next_token)
            .await
    }

    async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>> {
        let cost_explorer = self.cost_explorer("GetCostAndUsage")?;
        cost_explorer
            .get_cost_by_service(account_id, period, next_token)
            .await
    }

    async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        metric: CostMetric,
    ) -> Result<Forecast> {
        let cost_explorer = self.cost_explorer("GetCostForecast")?;
        cost_explorer.get_cost_forecast(start, end, metric).await
    }

    async fn get_credits(&self) -> Result<Vec<Credit>> {
        let billing = self.billing("GetCredits")?;
        let management_account_id = self.management_account_id().await?;
        let since = credits_since(Utc::now().date_naive());
        billing.get_credits(management_account_id, since).await
    }

    async fn get_credit_sharing(&self) -> Result<bool> {
        let billing = self.billing("GetBillingPreferences")?;
        billing.get_credit_sharing().await
    }

    async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>> {
        self.organizations
            .list_handshakes_for_organization(next_token)
            .await
    }

    async fn perform(&self, action: &Action) -> Result<Option<String>> {
        self.organizations.perform(action).await
    }

    async fn get_caller_identity(&self) -> Result<String> {
        let Some(sts) = &self.sts else {
            return Err(super::ProviderError::new(
                "GetCallerIdentity",
                None,
                super::ErrorKind::Unavailable,
                "NoStsClient",
                "no STS client was configured",
            ));
        };
        let output = sts.get_caller_identity().send().await.map_err(|error| {
            super::ProviderError::new(
                "GetCallerIdentity",
                None,
                super::ErrorKind::Other,
                "CallerIdentityUnknown",
                error_chain(&error),
            )
        })?;
        Ok(output.arn().unwrap_or_default().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_from_toml_fill_in_defaults() {
        let settings: AwsSettings = toml::from_str(
            "profile = \"audit\"\nretry_mode = \"adaptive\"\n[concurrency]\norganizations = 2\n",
        )
        .unwrap();
        assert_eq!(settings.profile.as_deref(), Some("audit"));
        assert_eq!(settings.retry_mode, RetryMode::Adaptive);
        assert_eq!(settings.max_attempts, AwsSettings::default().max_attempts);
        assert_eq!(settings.limits().organizations, 2);
        assert_eq!(settings.retry_config().max_attempts(), 5);
    }

    #[test]
    fn the_control_tower_region_is_read_from_its_table_and_defaults_to_none() {
        let settings: AwsSettings = toml::from_str(
            "region = \"us-east-1\"\n[control_tower]\nregion = \"eu-west-1\"\n",
        )
        .unwrap();
        assert_eq!(settings.control_tower.region.as_deref(), Some("eu-west-1"));
        assert_eq!(settings.region.as_deref(), Some("us-east-1"));

        let settings: AwsSettings = toml::from_str("profile = \"audit\"\n").unwrap();
        assert_eq!(settings.control_tower.region, None);
        assert!(
            toml::from_str::<AwsSettings>("[control_tower]\nregoin = \"x\"").is_err()
        );
    }

    #[test]
    fn the_configuration_file_names_the_control_tower_region_under_aws() {
        let file = "[aws]\nregion = \"us-east-1\"\n\
                    [aws.control_tower]\nregion = \"eu-west-1\"\n";
        let config: crate::config::Config = toml::from_str(file).unwrap();
        assert_eq!(
            config.aws.control_tower.region.as_deref(),
            Some("eu-west-1")
        );

        let config: crate::config::Config = toml::from_str("[aws]\n").unwrap();
        assert_eq!(config.aws.control_tower.region, None);
    }

    #[test]
    fn settings_refuse_unknown_keys_and_modes() {
        assert!(toml::from_str::<AwsSettings>("retries = 3").is_err());
        assert!(toml::from_str::<AwsSettings>("retry_mode = \"legacy\"").is_err());
    }

    #[test]
    fn timeouts_reach_the_sdk_configuration() {
        let settings = AwsSettings {
            connect_timeout_secs: 2,
            operation_timeout_secs: 9,
            ..AwsSettings::default()
        };
        let timeouts = settings.timeout_config();
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(2)));
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(9)));
    }

    #[test]
    fn credits_are_asked_from_the_first_day_of_the_previous_month() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let midnight = |y, m, d| day(y, m, d).and_time(chrono::NaiveTime::MIN).and_utc();

        assert_eq!(credits_since(day(2026, 3, 15)), midnight(2026, 2, 1));
        assert_eq!(credits_since(day(2026, 1, 1)), midnight(2025, 12, 1));
    }

    #[test]
    fn the_source_names_profile_region_and_a_custom_endpoint() {
        assert_eq!(
            source("dev", Some("eu-west-1"), None),
            "profile dev · eu-west-1"
        );
        assert_eq!(
            source("default", None, Some("http://127.0.0.1:5000")),
            "profile default · us-east-1 · http://127.0.0.1:5000"
        );
    }
}
