//! Access through IAM Identity Center, for the console: which accounts and
//! roles the signed-in person may use, and one role's credentials. The AWS
//! access portal answers on AWS; the demo has roles of its own.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::clock::SharedClock;
use crate::model::access::{AccessibleAccount, AccountAccess, Role, RoleCredentials};
use crate::provider::aws::sso::{SsoError, SsoPortal};

/// The accounts, roles and credentials the person may use.
#[async_trait]
pub trait Access: Send + Sync {
    /// Every accessible account with its roles.
    async fn access(&self) -> Result<Vec<AccountAccess>, String>;

    /// The credentials of `role_name` in `account_id`.
    async fn credentials(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, String>;

    /// The region a shell with these credentials should use, if known.
    fn region(&self) -> Option<String>;
}

#[async_trait]
impl Access for SsoPortal {
    async fn access(&self) -> Result<Vec<AccountAccess>, String> {
        // One account after another: the portal's pacer sets the rate
        // either way, and this future stays Send for the worker pool.
        let accounts = self.list_accounts().await.map_err(|e| explain(&e))?;
        let mut access = Vec::with_capacity(accounts.len());
        for account in accounts {
            let roles = self
                .list_account_roles(&account.account_id)
                .await
                .map_err(|e| explain(&e))?;
            access.push(AccountAccess { account, roles });
        }
        Ok(access)
    }

    async fn credentials(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, String> {
        self.get_role_credentials(account_id, role_name)
            .await
            .map_err(|e| explain(&e))
    }

    fn region(&self) -> Option<String> {
        self.profile().region.clone()
    }
}

fn explain(error: &SsoError) -> String {
    error.to_string()
}

/// The demo's access: every account offers ReadOnlyAccess, developers'
/// sandboxes AdministratorAccess too, production PowerUserAccess. Its
/// credentials are shaped like AWS's and work nowhere.
pub struct DemoAccess {
    accounts: Vec<AccessibleAccount>,
    clock: SharedClock,
}

impl DemoAccess {
    /// Access to `accounts` (id and name), with expiries from `clock`.
    pub fn new(accounts: Vec<(String, String)>, clock: SharedClock) -> Arc<Self> {
        let accounts = accounts
            .into_iter()
            .map(|(account_id, account_name)| AccessibleAccount {
                account_id,
                account_name,
                email_address: String::new(),
            })
            .collect();
        Arc::new(Self { accounts, clock })
    }
}

#[async_trait]
impl Access for DemoAccess {
    async fn access(&self) -> Result<Vec<AccountAccess>, String> {
        Ok(self
            .accounts
            .iter()
            .map(|account| {
                let mut roles = vec!["ReadOnlyAccess"];
                if account.account_name.starts_with("sandbox-") {
                    roles.insert(0, "AdministratorAccess");
                }
                if account.account_name.starts_with("prod-") {
                    roles.push("PowerUserAccess");
                }
                AccountAccess {
                    account: account.clone(),
                    roles: roles
                        .into_iter()
                        .map(|role_name| Role {
                            account_id: account.account_id.clone(),
                            role_name: role_name.to_string(),
                        })
                        .collect(),
                }
            })
            .collect())
    }

    async fn credentials(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, String> {
        if !self.accounts.iter().any(|a| a.account_id == account_id) {
            return Err(format!("no access to account {account_id}"));
        }
        let now: DateTime<Utc> = self.clock.now();
        let tail: String = account_id.chars().rev().take(8).collect();
        Ok(RoleCredentials {
            access_key_id: format!("ASIADEMO{tail}"),
            secret_access_key: format!("demo-secret-for-{role_name}-not-valid-anywhere"),
            session_token: "demo-session-token".into(),
            expiration: now + chrono::Duration::hours(1),
        })
    }

    fn region(&self) -> Option<String> {
        Some("eu-west-1".into())
    }
}

/// No access source, and why: the profile is not an SSO profile, the token
/// needs renewing, or the demo. The access column says so instead of
/// failing.
pub struct NoAccess(pub String);

#[async_trait]
impl Access for NoAccess {
    async fn access(&self) -> Result<Vec<AccountAccess>, String> {
        Err(self.0.clone())
    }

    async fn credentials(&self, _: &str, _: &str) -> Result<RoleCredentials, String> {
        Err(self.0.clone())
    }

    fn region(&self) -> Option<String> {
        None
    }
}

/// The access source for `settings`' profile: its SSO portal, or why
/// there is none (with the login command when a token is missing).
pub async fn for_profile(
    settings: &crate::provider::aws::AwsSettings,
) -> Arc<dyn Access> {
    match SsoPortal::for_active_profile(settings).await {
        Ok(portal) => Arc::new(portal),
        Err(reason) => Arc::new(NoAccess(reason)),
    }
}
