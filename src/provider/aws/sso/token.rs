//! The access token `aws sso login` leaves in the SSO token cache, found
//! from the active profile in the AWS config file.
//!
//! aws-config's own `SsoTokenProvider` does hand out the raw token, but it
//! does not serve here: it takes only `sso-session` profiles (it panics
//! without a session name, so legacy `sso_start_url` profiles are out), it
//! finds the home directory in the process environment only (the tests need
//! another home), and its errors do not say whether the token is missing,
//! expired or unreadable. So orgtop reads the cache file itself, the way the
//! AWS CLI writes it.
// TODO: refresh a nearly expired session token through SSO OIDC, as
// aws-config does; until then an expired token asks for `aws sso login`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::SsoError;

/// The AWS files orgtop reads for IAM Identity Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFiles {
    /// The AWS config file, which names the profiles and SSO sessions.
    pub config: PathBuf,
    /// The home directory, which holds `.aws/sso/cache`.
    pub home: PathBuf,
}

impl AwsFiles {
    /// The files under `home`, as the AWS CLI lays them out.
    pub fn in_home(home: impl Into<PathBuf>) -> Self {
        let home = home.into();
        Self {
            config: home.join(".aws").join("config"),
            home,
        }
    }

    /// The files the AWS CLI would read: `AWS_CONFIG_FILE` or
    /// `~/.aws/config`. `None` without a home directory.
    pub fn from_environment() -> Option<Self> {
        let home = std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
            })?;
        let mut files = Self::in_home(home);
        if let Some(config) =
            std::env::var_os("AWS_CONFIG_FILE").filter(|f| !f.is_empty())
        {
            files.config = PathBuf::from(config);
        }
        Some(files)
    }

    /// The token cache file for `key`: the SHA-1 of the session name, or of
    /// the start URL for a legacy profile.
    fn cache_file(&self, key: &str) -> PathBuf {
        use sha1::Digest;
        let digest: String = sha1::Sha1::digest(key.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        self.home
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{digest}.json"))
    }
}

/// An SSO profile: where its access portal is and how to sign in to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoProfile {
    /// The profile's name.
    pub profile: String,
    /// The `sso-session` the profile names; `None` for a legacy profile
    /// with its own `sso_start_url`.
    pub session: Option<String>,
    /// The AWS access portal's URL.
    pub start_url: String,
    /// The region IAM Identity Center runs in, where the portal is asked.
    pub sso_region: String,
    /// The profile's own `region`, for the credentials' `AWS_REGION`.
    pub region: Option<String>,
}

impl SsoProfile {
    /// Reads `profile` from the AWS config file. A profile without
    /// `sso_session` or `sso_start_url` is [`SsoError::NotSso`].
    pub fn read(files: &AwsFiles, profile: &str) -> Result<Self, SsoError> {
        let text = match std::fs::read_to_string(&files.config) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(not_sso(profile, &files.config));
            }
            Err(error) => return Err(config_error(&files.config, error.to_string())),
        };
        Self::parse(&text, profile, &files.config)
    }

    /// `profile` from the config file's `text`, read from `path`.
    fn parse(text: &str, profile: &str, path: &Path) -> Result<Self, SsoError> {
        let sections = sections(text);
        let section = sections
            .get(&(SectionKind::Profile, profile.to_string()))
            .ok_or_else(|| not_sso(profile, path))?;
        let region = section.get("region").cloned();
        if let Some(session) = section.get("sso_session") {
            let key = (SectionKind::SsoSession, session.clone());
            let settings = sections.get(&key).ok_or_else(|| {
                config_error(path, format!("no [sso-session {session}] section"))
            })?;
            let setting = |name: &str| {
                settings.get(name).cloned().ok_or_else(|| {
                    config_error(path, format!("[sso-session {session}] has no {name}"))
                })
            };
            return Ok(Self {
                profile: profile.to_string(),
                session: Some(session.clone()),
                start_url: setting("sso_start_url")?,
                sso_region: setting("sso_region")?,
                region,
            });
        }
        let Some(start_url) = section.get("sso_start_url") else {
            return Err(not_sso(profile, path));
        };
        let sso_region = section.get("sso_region").cloned().ok_or_else(|| {
            config_error(path, format!("profile {profile} has no sso_region"))
        })?;
        Ok(Self {
            profile: profile.to_string(),
            session: None,
            start_url: start_url.clone(),
            sso_region,
            region,
        })
    }

    /// The command that signs in again.
    pub fn login_command(&self) -> String {
        match &self.session {
            Some(session) => format!("aws sso login --sso-session {session}"),
            None => format!("aws sso login --profile {}", self.profile),
        }
    }

    /// What the token cache file is named after.
    fn cache_key(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }

    /// The [`SsoError::SignIn`] for `reason`.
    pub(super) fn sign_in(&self, reason: impl Into<String>) -> SsoError {
        SsoError::SignIn {
            reason: reason.into(),
            command: self.login_command(),
        }
    }
}

/// An access token for the AWS access portal. Its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoToken {
    access_token: String,
    /// When the portal stops taking the token.
    pub expires_at: DateTime<Utc>,
}

impl SsoToken {
    /// A token as the cache holds it.
    pub fn new(access_token: impl Into<String>, expires_at: DateTime<Utc>) -> Self {
        Self {
            access_token: access_token.into(),
            expires_at,
        }
    }

    /// The bearer token the portal takes.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// Reads the token `aws sso login` left for `profile`, usable at `now`.
    pub fn read(
        files: &AwsFiles,
        profile: &SsoProfile,
        now: DateTime<Utc>,
    ) -> Result<Self, SsoError> {
        let path = files.cache_file(profile.cache_key());
        let text = std::fs::read_to_string(&path).map_err(|error| {
            let reason = match error.kind() {
                std::io::ErrorKind::NotFound => "no SSO token cached".to_string(),
                _ => format!("the SSO token cache cannot be read: {error}"),
            };
            profile.sign_in(format!("{reason} ({})", path.display()))
        })?;
        let token = parse_cache(&text).map_err(|reason| {
            profile.sign_in(format!(
                "{} is not a usable SSO token: {reason}",
                path.display()
            ))
        })?;
        if token.expires_at <= now {
            let at = token.expires_at.to_rfc3339();
            return Err(profile.sign_in(format!("the SSO token expired at {at}")));
        }
        Ok(token)
    }
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("access_token", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A token cache file as the AWS CLI writes it; fields orgtop does not use
/// (`region`, `startUrl`, the refresh token) are left unread.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedToken {
    access_token: String,
    expires_at: String,
}

/// The token in a cache file's `text`, or why there is none.
fn parse_cache(text: &str) -> Result<SsoToken, String> {
    let cached: CachedToken = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if cached.access_token.is_empty() {
        return Err("accessToken is empty".into());
    }
    // Older AWS CLIs wrote `2019-11-14T04:05:45UTC` rather than RFC 3339.
    let expires_at = match cached.expires_at.strip_suffix("UTC") {
        Some(stem) => format!("{stem}Z"),
        None => cached.expires_at,
    };
    let expires_at = DateTime::parse_from_rfc3339(&expires_at)
        .map_err(|e| format!("expiresAt {expires_at:?} is not RFC 3339: {e}"))?;
    Ok(SsoToken::new(
        cached.access_token,
        expires_at.with_timezone(&Utc),
    ))
}

/// The sections of the AWS config file orgtop reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SectionKind {
    Profile,
    SsoSession,
}

type Sections = HashMap<(SectionKind, String), HashMap<String, String>>;

/// The profile and `sso-session` sections of a config file's `text`.
/// Indented lines (a nested setting such as `s3 =`'s) are skipped; a later
/// section of the same name adds to an earlier one, as in the AWS CLI.
fn sections(text: &str) -> Sections {
    let mut sections = Sections::new();
    let mut current = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            current = section_name(header.trim_end_matches(']'));
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, trimmed.split_once('='))
        else {
            continue;
        };
        let value = without_comment(value.trim());
        let settings = sections.entry(section.clone()).or_default();
        settings.insert(key.trim().to_string(), value.to_string());
    }
    sections
}

/// The section a header names: `default`, `profile NAME` or
/// `sso-session NAME`; other sections (`services …`) are not read.
fn section_name(header: &str) -> Option<(SectionKind, String)> {
    let header = header.trim();
    if header == "default" {
        return Some((SectionKind::Profile, "default".into()));
    }
    let (kind, name) = header.split_once(char::is_whitespace)?;
    let kind = match kind {
        "profile" => SectionKind::Profile,
        "sso-session" => SectionKind::SsoSession,
        _ => return None,
    };
    Some((kind, name.trim().to_string()))
}

/// `value` without a trailing ` # comment` or ` ; comment`.
fn without_comment(value: &str) -> &str {
    let end = value
        .match_indices([' ', '\t'])
        .find(|(at, _)| value[at + 1..].starts_with(['#', ';']))
        .map_or(value.len(), |(at, _)| at);
    value[..end].trim_end()
}

fn not_sso(profile: &str, path: &Path) -> SsoError {
    SsoError::NotSso {
        profile: profile.to_string(),
        config: path.to_path_buf(),
    }
}

fn config_error(path: &Path, reason: String) -> SsoError {
    SsoError::Config {
        path: path.to_path_buf(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[default]
region = eu-west-1

[profile dev]
sso_session = corp # the company's portal
sso_account_id = 111122223333
region = eu-central-1
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start#/
sso_region = eu-west-1
";

    #[test]
    fn a_session_profile_takes_its_portal_from_the_session() {
        let profile = SsoProfile::parse(CONFIG, "dev", Path::new("config")).unwrap();
        assert_eq!(profile.start_url, "https://corp.awsapps.com/start#/");
        assert_eq!(profile.sso_region, "eu-west-1");
        assert_eq!(profile.region.as_deref(), Some("eu-central-1"));
        assert_eq!(profile.login_command(), "aws sso login --sso-session corp");
    }

    #[test]
    fn a_profile_without_sso_settings_is_not_an_sso_profile() {
        let error =
            SsoProfile::parse(CONFIG, "default", Path::new("config")).unwrap_err();
        assert!(matches!(error, SsoError::NotSso { .. }), "{error}");
    }

    #[test]
    fn the_cache_file_is_named_by_the_sha1_of_the_session() {
        let files = AwsFiles::in_home("/home/me");
        let expected = "/home/me/.aws/sso/cache/\
            a94a8fe5ccb19ba61c4c0873d391e987982fbbd3.json";
        assert_eq!(files.cache_file("test"), PathBuf::from(expected));
    }

    #[test]
    fn an_old_style_expiry_is_read() {
        let text = r#"{"accessToken": "t", "expiresAt": "2030-01-02T03:04:05UTC"}"#;
        let token = parse_cache(text).unwrap();
        assert_eq!(token.expires_at.to_rfc3339(), "2030-01-02T03:04:05+00:00");
    }
}
