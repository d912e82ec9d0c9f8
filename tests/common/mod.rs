//! What the AWS adapter's tests share: moto, settings that keep every
//! request on the loopback, and an interceptor that counts requests and
//! picks moto's account.

#![allow(dead_code)]

pub mod console;
pub mod moto;
pub mod per_node;
pub mod pty;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_organizations::config::interceptors::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_organizations::config::{
    ConfigBag, Credentials, Intercept, RuntimeComponents,
};
use aws_sdk_organizations::error::BoxError;
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};

/// Settings for `endpoint_url` with dummy credentials' region set, so no
/// request leaves the machine, and short retries and timeouts.
pub fn settings(endpoint_url: &str) -> AwsSettings {
    AwsSettings {
        profile: Some("orgtop-tests".into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint_url.into()),
        max_attempts: 3,
        connect_timeout_secs: 2,
        operation_timeout_secs: 10,
        ..AwsSettings::default()
    }
}

/// An Organizations client configuration for `settings` with dummy
/// credentials and `wire` watching every request.
pub async fn organizations_config(
    settings: &AwsSettings,
    wire: &Wire,
) -> aws_sdk_organizations::config::Builder {
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-tests");
    let sdk = aws::config_loader(settings)
        .credentials_provider(credentials)
        .load()
        .await;
    aws::organizations_config(&sdk, settings).interceptor(wire.clone())
}

/// An SDK client for setting up an organization in moto.
pub async fn client(
    settings: &AwsSettings,
    wire: &Wire,
) -> aws_sdk_organizations::Client {
    aws_sdk_organizations::Client::from_conf(
        organizations_config(settings, wire).await.build(),
    )
}

/// The adapter under test, with `wire` watching its requests.
pub async fn provider(settings: &AwsSettings, wire: &Wire) -> AwsProvider {
    AwsProvider::from_client(client(settings, wire).await, settings)
}

/// Sends every request as moto's account `account_id`, so tests sharing a
/// server each get their own organization, and counts the requests that go
/// out, retries included, by operation.
#[derive(Debug, Clone, Default)]
pub struct Wire {
    account_id: Option<String>,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Wire {
    /// A wire that speaks as moto's account `account_id`.
    pub fn moto_account(account_id: &str) -> Self {
        Self {
            account_id: Some(account_id.into()),
            ..Self::default()
        }
    }

    /// Requests sent so far, by operation.
    pub fn requests(&self) -> BTreeMap<String, usize> {
        self.requests.lock().unwrap().clone()
    }

    /// Requests sent so far.
    pub fn total(&self) -> usize {
        self.requests().values().sum()
    }

    /// Forgets the requests counted so far.
    pub fn reset(&self) {
        self.requests.lock().unwrap().clear();
    }
}

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "Wire"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(account_id) = &self.account_id {
            context
                .request_mut()
                .headers_mut()
                .insert("x-moto-account-id", account_id.clone());
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The JSON protocol names the operation in X-Amz-Target:
        // `AWSOrganizationsV20161128.ListRoots`.
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target).to_string();
        *self.requests.lock().unwrap().entry(operation).or_default() += 1;
        Ok(())
    }
}
