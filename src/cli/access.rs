//! `orgtop access` and `orgtop credentials`: the accounts and roles IAM
//! Identity Center lets the signed-in person use, and credentials for one
//! role, as `export` lines or a `credential_process` answer. They ask the
//! AWS access portal only, with the token `aws sso login` cached.

use chrono::SecondsFormat;
use clap::ValueEnum;
use serde_json::json;

use super::{Command, Format};
use crate::model::access::{AccountAccess, RoleCredentials};
use crate::provider::aws::AwsSettings;
use crate::provider::aws::sso::SsoPortal;

/// How `orgtop credentials` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CredentialsFormat {
    /// `export` lines for a POSIX shell.
    Env,
    /// The JSON a profile's `credential_process` answers.
    Json,
}

/// What to print.
#[derive(Debug, Clone)]
pub enum Request {
    /// Accounts and roles.
    Access { format: Format },
    /// One role's credentials.
    Credentials {
        account_id: String,
        role_name: String,
        format: CredentialsFormat,
    },
}

/// The request `command` makes, if it is `access` or `credentials`.
pub fn request(command: &Command) -> Option<Request> {
    match command {
        Command::Access { format } => Some(Request::Access { format: *format }),
        Command::Credentials {
            account_id,
            role_name,
            format,
        } => Some(Request::Credentials {
            account_id: account_id.clone(),
            role_name: role_name.clone(),
            format: *format,
        }),
        _ => None,
    }
}

/// Asks the portal for what `request` names and prints it.
pub fn run(settings: &AwsSettings, request: Request) -> Result<u8, String> {
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async {
        let portal = SsoPortal::for_active_profile(settings).await?;
        let text = match request {
            Request::Access { format } => {
                let access = portal.access().await.map_err(|e| e.to_string())?;
                access_text(&access, format)?
            }
            Request::Credentials {
                account_id,
                role_name,
                format,
            } => {
                let credentials = portal
                    .get_role_credentials(&account_id, &role_name)
                    .await
                    .map_err(|e| e.to_string())?;
                // As aws-config ranks them: AWS_REGION or --region, then the profile.
                let region = settings.region.as_deref();
                let region = region.or(portal.profile().region.as_deref());
                credentials_text(&credentials, region, format)?
            }
        };
        super::emit(&text).map(|()| 0)
    })
}

/// Accounts and roles as text (one account per line, its roles indented)
/// or JSON.
fn access_text(access: &[AccountAccess], format: Format) -> Result<String, String> {
    if format == Format::Json {
        return serde_json::to_string_pretty(access).map_err(|e| e.to_string());
    }
    let mut lines = Vec::new();
    for entry in access {
        let account = &entry.account;
        lines.push(format!(
            "{}  {}  {}",
            account.account_id, account.account_name, account.email_address
        ));
        lines.extend(
            entry
                .roles
                .iter()
                .map(|role| format!("    {}", role.role_name)),
        );
    }
    if lines.is_empty() {
        lines.push("no accounts: the portal gives this sign-in none".into());
    }
    Ok(lines.join("\n"))
}

/// The credentials as `export` lines or a `credential_process` answer.
fn credentials_text(
    credentials: &RoleCredentials,
    region: Option<&str>,
    format: CredentialsFormat,
) -> Result<String, String> {
    let expiration = credentials
        .expiration
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    if format == CredentialsFormat::Json {
        let answer = json!({
            "Version": 1,
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "SessionToken": credentials.session_token,
            "Expiration": expiration,
        });
        return serde_json::to_string_pretty(&answer).map_err(|e| e.to_string());
    }
    let mut lines = vec![
        export("AWS_ACCESS_KEY_ID", &credentials.access_key_id),
        export("AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key),
        export("AWS_SESSION_TOKEN", &credentials.session_token),
    ];
    if let Some(region) = region {
        lines.push(export("AWS_REGION", region));
    }
    // The profile would otherwise send the AWS CLI back to the SSO profile.
    lines.push("unset AWS_PROFILE".into());
    lines.push(format!("# expires {expiration}"));
    Ok(lines.join("\n"))
}

/// `export NAME='value'`, quoted for a POSIX shell.
fn export(name: &str, value: &str) -> String {
    format!("export {name}='{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_lines_quote_their_values_for_the_shell() {
        assert_eq!(export("A", "x'y"), r"export A='x'\''y'");
    }
}
