//! The one error type every provider returns.

use thiserror::Error;

/// What sort of failure a provider call met, for deciding what to tell the
/// person and whether to carry on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request was wrong: a bad id, token or parameter.
    InvalidInput,
    /// What the request named does not exist.
    NotFound,
    /// The caller may not do this.
    AccessDenied,
    /// No credentials, or expired ones.
    Credentials,
    /// AWS asked to slow down and the retries ran out.
    Throttling,
    /// The connection failed or timed out.
    Network,
    /// The service does not answer here (an emulator without it, a region
    /// without it).
    Unavailable,
    /// Anything else.
    Other,
}

/// A failed provider call: the operation, what it was about, and AWS's own
/// error code and message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{operation}{} failed: {code}: {message}", target_suffix(.target))]
pub struct ProviderError {
    /// The AWS operation, e.g. `ListAccountsForParent`.
    pub operation: &'static str,
    /// The id the operation was about, if any.
    pub target: Option<String>,
    /// AWS's error code, e.g. `ParentNotFoundException`.
    pub code: String,
    /// AWS's message.
    pub message: String,
    pub kind: ErrorKind,
}

fn target_suffix(target: &Option<String>) -> String {
    target
        .as_ref()
        .map(|t| format!(" for {t}"))
        .unwrap_or_default()
}

impl ProviderError {
    /// An error for `operation` on `target`.
    pub fn new(
        operation: &'static str,
        target: Option<&str>,
        kind: ErrorKind,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            operation,
            target: target.map(str::to_string),
            code: code.into(),
            message: message.into(),
            kind,
        }
    }

    /// What a person can try next.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            ErrorKind::InvalidInput => "check the id or value given",
            ErrorKind::NotFound => {
                "it may have changed since it was read: read it again (r in the console)"
            }
            ErrorKind::AccessDenied => {
                "the credentials lack this permission: see the README's IAM policy"
            }
            ErrorKind::Credentials => {
                "sign in again (aws sso login --profile NAME) or pick another --profile"
            }
            ErrorKind::Throttling => {
                "AWS is throttling: wait a moment and refresh with r"
            }
            ErrorKind::Network => "check the network, the region and the endpoint URL",
            ErrorKind::Unavailable => {
                "the service does not answer at this endpoint or region"
            }
            ErrorKind::Other => "refresh with r; the log file has the details",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_operation_target_and_aws_code() {
        let error = ProviderError::new(
            "ListAccountsForParent",
            Some("ou-ab12-cd34ef56"),
            ErrorKind::NotFound,
            "ParentNotFoundException",
            "We can't find a root or OU with the ParentId that you specified.",
        );
        assert_eq!(
            error.to_string(),
            "ListAccountsForParent for ou-ab12-cd34ef56 failed: ParentNotFoundException: \
             We can't find a root or OU with the ParentId that you specified."
        );
    }
}
