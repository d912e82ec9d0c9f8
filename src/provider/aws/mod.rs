//! The AWS SDK adapter of the provider trait.
//!
//! Configuration comes from aws-config, the way every AWS tool reads it: the
//! default credential chain, named and SSO profiles, `AWS_REGION`, and the
//! standard endpoint settings (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_ORGANIZATIONS`, a profile's `endpoint_url`), which the
//! SDK applies by itself. orgtop adds what its own settings say on top:
//! profile, region, an explicit endpoint URL, retries and timeouts.
//!
//! Throttled calls are retried by the SDK's own retry strategy; orgtop never
//! loops around a call itself. The SDK classifies Organizations'
//! `TooManyRequestsException` (HTTP 400) as throttling by its error code.

mod error;
mod organizations;

use std::time::Duration;

use async_trait::async_trait;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use serde::Deserialize;

use super::{Page, Provider, Result};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTarget,
    PolicyType, Root, Tag,
};
use crate::worker::Limits;

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
}

impl Default for Concurrency {
    fn default() -> Self {
        Self {
            organizations: Limits::default().organizations,
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
    source: String,
    profile: String,
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
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
        let mut provider = Self::from_client(client, settings);
        provider.credentials = sdk.credentials_provider();
        provider
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
            source,
            profile,
            credentials: None,
        }
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
