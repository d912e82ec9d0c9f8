//! Access through IAM Identity Center in the console: the roles the person
//! may assume in each account, read after the tree, and `s` to get into an
//! account: a subshell with the role's credentials, or `export` lines on
//! the clipboard. Credentials pass through here on their way out and are
//! never kept.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Dialog, Effect, Overlay};
use crate::model::access::{AccountAccess, RoleCredentials};
use crate::worker::{CredentialUse, Job};

/// What the console knows of the person's access.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AccessState {
    /// Not asked yet.
    #[default]
    Unknown,
    Loading,
    /// Role names by account id.
    Loaded(HashMap<String, Vec<String>>),
    /// Why there is no access data: not an SSO profile, a token to renew.
    Unavailable(String),
}

impl AccessState {
    /// The roles the person may assume in `account_id`, once read.
    pub fn roles(&self, account_id: &str) -> Option<&[String]> {
        match self {
            Self::Loaded(roles) => {
                Some(roles.get(account_id).map(Vec::as_slice).unwrap_or_default())
            }
            _ => None,
        }
    }
}

impl App {
    /// Asks for the access data once the tree is read.
    pub(super) fn fetch_access(&mut self) -> Vec<Effect> {
        if self.access != AccessState::Unknown {
            return Vec::new();
        }
        self.access = AccessState::Loading;
        self.jobs_in_flight += 1;
        vec![Effect::Run(Job::ReadAccess)]
    }

    pub(super) fn on_access_read(&mut self, result: Result<Vec<AccountAccess>, String>) {
        self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
        self.access = match result {
            Ok(accounts) => AccessState::Loaded(
                accounts
                    .into_iter()
                    .map(|a| {
                        (
                            a.account.account_id,
                            a.roles.into_iter().map(|r| r.role_name).collect(),
                        )
                    })
                    .collect(),
            ),
            Err(reason) => AccessState::Unavailable(reason),
        };
    }

    /// `s` on an account: pick a role.
    pub(super) fn begin_access(&mut self) -> Vec<Effect> {
        let Some(account) = self.selected().and_then(|n| self.org.node(n).account())
        else {
            self.message = Some("s gets into an account: select an account".into());
            return Vec::new();
        };
        let account_id = account.id.clone();
        match self.access.roles(&account_id) {
            Some([]) => {
                self.message = Some(format!("no role for you in {}", account.name))
            }
            Some(_) => {
                self.overlay = Some(Overlay::Action(Dialog::PickRole {
                    account_id,
                    cursor: 0,
                }))
            }
            None => {
                let why = match &self.access {
                    AccessState::Unavailable(reason) => reason.clone(),
                    _ => "the roles are still being read".into(),
                };
                self.message = Some(format!("no access data: {why}"));
            }
        }
        Vec::new()
    }

    pub(super) fn step_pick_role(
        &mut self,
        account_id: String,
        cursor: usize,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let roles = self
            .access
            .roles(&account_id)
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        let last = roles.len().saturating_sub(1);
        let cursor = match key.code {
            KeyCode::Esc => return (None, Vec::new()),
            KeyCode::Up | KeyCode::Char('k') => cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (cursor + 1).min(last),
            KeyCode::Char(use_key @ ('s' | 'c')) | KeyCode::Char(use_key @ 'e') => {
                let Some(role_name) = roles.get(cursor).cloned() else {
                    return (None, Vec::new());
                };
                let purpose = if use_key == 's' {
                    CredentialUse::Shell
                } else {
                    CredentialUse::Copy
                };
                self.jobs_in_flight += 1;
                let job = Job::RoleCredentials {
                    account_id,
                    role_name,
                    purpose,
                };
                return (None, vec![Effect::Run(job)]);
            }
            _ => cursor,
        };
        (Some(Dialog::PickRole { account_id, cursor }), Vec::new())
    }

    pub(super) fn on_credentials(
        &mut self,
        account_id: String,
        role_name: String,
        purpose: CredentialUse,
        result: Result<RoleCredentials, String>,
        region: Option<String>,
    ) -> Vec<Effect> {
        self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
        let credentials = match result {
            Ok(credentials) if !credentials.is_expired(self.now()) => credentials,
            Ok(_) => {
                self.message =
                    Some("the credentials arrived already expired: try again".into());
                return Vec::new();
            }
            Err(reason) => {
                self.message = Some(format!("no credentials for {role_name}: {reason}"));
                return Vec::new();
            }
        };
        let expires = credentials.expiration.format("%H:%M UTC");
        match purpose {
            CredentialUse::Shell => {
                self.message = Some(format!("back from {role_name} in {account_id}"));
                vec![Effect::Shell {
                    credentials,
                    region,
                }]
            }
            CredentialUse::Copy => {
                self.message = Some(format!(
                    "copied export lines for {role_name}, valid until {expires}"
                ));
                vec![Effect::Copy(export_lines(&credentials, region.as_deref()))]
            }
        }
    }
}

/// `export` lines a shell reads: the credentials, the region, and no
/// profile to override them.
pub fn export_lines(credentials: &RoleCredentials, region: Option<&str>) -> String {
    let mut lines = format!(
        "export AWS_ACCESS_KEY_ID='{}'\nexport AWS_SECRET_ACCESS_KEY='{}'\nexport AWS_SESSION_TOKEN='{}'\n",
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token
    );
    if let Some(region) = region {
        lines.push_str(&format!("export AWS_REGION='{region}'\n"));
    }
    lines.push_str("unset AWS_PROFILE\n");
    lines
}
