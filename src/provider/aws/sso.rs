//! The AWS access portal of IAM Identity Center (SSO): the accounts and
//! roles the signed-in person may use, and credentials for one role.
//!
//! The portal takes the bearer token `aws sso login` cached, not AWS
//! credentials; its calls are unsigned. It pages at most 100 and throttles
//! at about 20 requests per second for the whole directory, so every call
//! waits its turn with the [`Pacing`] given, and `TooManyRequestsException`
//! is retried by the SDK's retry configuration, as for the other services.

mod pacer;
mod token;

use std::path::PathBuf;

use aws_config::{Region, SdkConfig};
use aws_sdk_sso::Client;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sso::types::{AccountInfo, RoleInfo};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};

use super::error::Call;
use super::{AwsSettings, config_loader};
use crate::model::access::{AccessibleAccount, AccountAccess, Role, RoleCredentials};
use crate::provider::ProviderError;

use pacer::Pacer;
pub use pacer::Pacing;
pub use token::{AwsFiles, SsoProfile, SsoToken};

/// The most a portal listing returns per page; it rejects more.
pub const PAGE_SIZE: i32 = 100;

/// Why the portal could not be asked, or what it refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsoError {
    /// The profile signs in some other way; not a failure, just no portal.
    #[error(
        "profile {profile} is not an SSO profile: {} gives it no sso_session \
         or sso_start_url",
        config.display()
    )]
    NotSso { profile: String, config: PathBuf },
    /// No usable token, or the portal refused it: sign in again.
    #[error("{reason}; sign in with `{command}`")]
    SignIn { reason: String, command: String },
    /// The AWS config file names an SSO setup orgtop cannot use.
    #[error("AWS config file {}: {reason}", path.display())]
    Config { path: PathBuf, reason: String },
    /// The portal failed otherwise.
    #[error(transparent)]
    Portal(#[from] ProviderError),
}

impl SsoError {
    /// The command that signs in again, where that is the remedy.
    pub fn login_command(&self) -> Option<&str> {
        match self {
            Self::SignIn { command, .. } => Some(command),
            _ => None,
        }
    }
}

/// The SSO profile these settings select (`--profile`, `AWS_PROFILE`, then
/// `default`), read from `files`.
pub fn active_profile(
    settings: &AwsSettings,
    files: &AwsFiles,
) -> Result<SsoProfile, SsoError> {
    SsoProfile::read(files, &settings.profile_name())
}

/// The portal client configuration for `sdk` and `settings`: the same
/// retries, timeouts and explicit endpoint URL as the other services', in
/// the region IAM Identity Center runs in.
pub fn sso_config(
    sdk: &SdkConfig,
    settings: &AwsSettings,
    profile: &SsoProfile,
) -> aws_sdk_sso::config::Builder {
    let builder = aws_sdk_sso::config::Builder::from(sdk)
        .region(Region::new(profile.sso_region.clone()));
    match &settings.endpoint_url {
        Some(url) => builder.endpoint_url(url),
        None => builder,
    }
}

/// The AWS access portal, asked with one access token.
#[derive(Debug)]
pub struct SsoPortal {
    client: Client,
    profile: SsoProfile,
    token: SsoToken,
    pacer: Pacer,
    concurrency: usize,
}

impl SsoPortal {
    /// The portal of `profile`, with a client configured from `settings`.
    pub async fn connect(
        settings: &AwsSettings,
        profile: SsoProfile,
        token: SsoToken,
        pacing: Pacing,
    ) -> Self {
        let sdk = config_loader(settings).load().await;
        let client = Client::from_conf(sso_config(&sdk, settings, &profile).build());
        Self::new(client, profile, token, pacing)
    }

    /// The portal through `client`, e.g. one with a test's mocked answers.
    pub fn new(
        client: Client,
        profile: SsoProfile,
        token: SsoToken,
        pacing: Pacing,
    ) -> Self {
        Self {
            client,
            profile,
            token,
            pacer: Pacer::new(pacing),
            concurrency: pacing.concurrency.max(1),
        }
    }

    /// The portal of the active profile (`--profile`, `AWS_PROFILE`, then
    /// `default`) with the token `aws sso login` cached for it, or why there
    /// is none, in words that name the command to run.
    pub async fn for_active_profile(settings: &AwsSettings) -> Result<Self, String> {
        let files = AwsFiles::from_environment()
            .ok_or("no home directory: set HOME to find the AWS config and SSO token")?;
        let profile = active_profile(settings, &files).map_err(|e| e.to_string())?;
        let token =
            SsoToken::read(&files, &profile, Utc::now()).map_err(|e| e.to_string())?;
        Ok(Self::connect(settings, profile, token, Pacing::default()).await)
    }

    /// The profile the portal belongs to.
    pub fn profile(&self) -> &SsoProfile {
        &self.profile
    }

    /// When the access token stops working: what the portal answered may be
    /// kept until then.
    pub fn token_expires_at(&self) -> DateTime<Utc> {
        self.token.expires_at
    }

    /// `ListAccounts`, every page: the accounts the person may enter.
    pub async fn list_accounts(&self) -> Result<Vec<AccessibleAccount>, SsoError> {
        let call = self.call("ListAccounts", None);
        let mut accounts = Vec::new();
        let mut next_token = None;
        loop {
            let turn = self.pacer.turn().await;
            let started = tokio::time::Instant::now();
            let answer = self
                .client
                .list_accounts()
                .access_token(self.token.access_token())
                .max_results(PAGE_SIZE)
                .set_next_token(next_token.take())
                .send()
                .await;
            drop(turn);
            log_call(&call, started);
            let page = answer.map_err(|error| self.error(&call, error))?;
            for info in page.account_list() {
                accounts.push(
                    accessible_account(info).ok_or_else(|| call.missing("accountId"))?,
                );
            }
            match page.next_token {
                Some(token) if !token.is_empty() => next_token = Some(token),
                _ => return Ok(accounts),
            }
        }
    }

    /// `ListAccountRoles`, every page: the roles the person may assume in
    /// `account_id`.
    pub async fn list_account_roles(
        &self,
        account_id: &str,
    ) -> Result<Vec<Role>, SsoError> {
        let call = self.call("ListAccountRoles", Some(account_id));
        let mut roles = Vec::new();
        let mut next_token = None;
        loop {
            let turn = self.pacer.turn().await;
            let started = tokio::time::Instant::now();
            let answer = self
                .client
                .list_account_roles()
                .access_token(self.token.access_token())
                .account_id(account_id)
                .max_results(PAGE_SIZE)
                .set_next_token(next_token.take())
                .send()
                .await;
            drop(turn);
            log_call(&call, started);
            let page = answer.map_err(|error| self.error(&call, error))?;
            for info in page.role_list() {
                roles.push(
                    role(info, account_id).ok_or_else(|| call.missing("roleName"))?,
                );
            }
            match page.next_token {
                Some(token) if !token.is_empty() => next_token = Some(token),
                _ => return Ok(roles),
            }
        }
    }

    /// Every accessible account with its roles, in the portal's order. The
    /// first failure stops the rest.
    pub async fn access(&self) -> Result<Vec<AccountAccess>, SsoError> {
        let accounts = self.list_accounts().await?;
        let roles: Vec<Vec<Role>> = futures::stream::iter(&accounts)
            .map(|account| self.list_account_roles(&account.account_id))
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        let access = accounts
            .into_iter()
            .zip(roles)
            .map(|(account, roles)| AccountAccess { account, roles })
            .collect();
        Ok(access)
    }

    /// `GetRoleCredentials`: temporary credentials for `role_name` in
    /// `account_id`. Never logged.
    pub async fn get_role_credentials(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, SsoError> {
        let target = format!("{role_name} in {account_id}");
        let call = self.call("GetRoleCredentials", Some(&target));
        let turn = self.pacer.turn().await;
        let started = tokio::time::Instant::now();
        let answer = self
            .client
            .get_role_credentials()
            .access_token(self.token.access_token())
            .account_id(account_id)
            .role_name(role_name)
            .send()
            .await;
        drop(turn);
        log_call(&call, started);
        let answer = answer.map_err(|error| self.error(&call, error))?;
        let credentials = answer
            .role_credentials()
            .ok_or_else(|| call.missing("roleCredentials"))?;
        role_credentials(credentials, &call)
    }

    fn call<'a>(&'a self, operation: &'static str, target: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            target,
            profile: &self.profile.profile,
        }
    }

    /// The error for a failed call: a refused token asks to sign in again.
    fn error<E>(&self, call: &Call<'_>, error: SdkError<E>) -> SsoError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let refused = match &error {
            SdkError::ServiceError(context) => {
                context.raw().status().as_u16() == 401
                    || context.err().code() == Some("UnauthorizedException")
            }
            _ => false,
        };
        if refused {
            let reason = format!(
                "the AWS access portal refused the SSO token ({})",
                call.operation
            );
            return self.profile.sign_in(reason);
        }
        SsoError::Portal(call.error(error))
    }
}

/// One line per portal call at debug level; never the token.
fn log_call(call: &Call<'_>, started: tokio::time::Instant) {
    tracing::debug!(
        operation = call.operation,
        target = call.target.unwrap_or(""),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "AWS access portal call"
    );
}

fn accessible_account(info: &AccountInfo) -> Option<AccessibleAccount> {
    Some(AccessibleAccount {
        account_id: info.account_id()?.to_string(),
        account_name: info.account_name().unwrap_or_default().to_string(),
        email_address: info.email_address().unwrap_or_default().to_string(),
    })
}

fn role(info: &RoleInfo, account_id: &str) -> Option<Role> {
    Some(Role {
        account_id: info.account_id().unwrap_or(account_id).to_string(),
        role_name: info.role_name()?.to_string(),
    })
}

fn role_credentials(
    credentials: &aws_sdk_sso::types::RoleCredentials,
    call: &Call<'_>,
) -> Result<RoleCredentials, SsoError> {
    let field = |value: Option<&str>, name: &str| {
        value
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .ok_or_else(|| call.missing(name))
    };
    let expiration = DateTime::from_timestamp_millis(credentials.expiration())
        .filter(|at| *at > DateTime::UNIX_EPOCH)
        .ok_or_else(|| call.missing("expiration"))?;
    Ok(RoleCredentials {
        access_key_id: field(credentials.access_key_id(), "accessKeyId")?,
        secret_access_key: field(credentials.secret_access_key(), "secretAccessKey")?,
        session_token: field(credentials.session_token(), "sessionToken")?,
        expiration,
    })
}
