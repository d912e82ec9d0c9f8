//! Access through IAM Identity Center: the accounts and roles the signed-in
//! person may use, and the short-lived credentials of one role.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// An account the AWS access portal lets the signed-in person into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessibleAccount {
    pub account_id: String,
    /// Empty when the portal gives none.
    pub account_name: String,
    /// Empty when the portal gives none.
    pub email_address: String,
}

/// A permission set's role the signed-in person may assume in an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Role {
    pub account_id: String,
    pub role_name: String,
}

/// An accessible account with the roles the person may assume there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountAccess {
    #[serde(flatten)]
    pub account: AccessibleAccount,
    pub roles: Vec<Role>,
}

/// A role's temporary credentials from `GetRoleCredentials`.
///
/// Deliberately neither `Serialize` nor a derived `Debug`: the secrets are
/// never logged or written to disk, and are shown only where a person asks
/// for them (an `export` line, a `credential_process` answer, a subshell).
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: DateTime<Utc>,
}

impl RoleCredentials {
    /// Whether the credentials have expired at `now`: they are never reused
    /// after that.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expiration <= now
    }
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &"** redacted **")
            .field("expiration", &self.expiration)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secrets() {
        let credentials = RoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "very-secret".into(),
            session_token: "session-secret".into(),
            expiration: DateTime::<Utc>::UNIX_EPOCH,
        };
        let shown = format!("{credentials:?}");
        assert!(shown.contains("ASIAEXAMPLE"));
        assert!(!shown.contains("very-secret"));
        assert!(!shown.contains("session-secret"));
    }
}
