//! Turns SDK errors into the provider's error type, with a kind that says
//! what a person can do about it.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_organizations::error::{ProvideErrorMetadata, SdkError};

use crate::provider::{ErrorKind, ProviderError};

/// What a failed call was, for the error it becomes.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub operation: &'static str,
    pub target: Option<&'a str>,
    /// The profile in use, for the `aws sso login` hint.
    pub profile: &'a str,
}

impl Call<'_> {
    /// The provider error for `error`.
    pub fn error<E>(&self, error: SdkError<E>) -> ProviderError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let (kind, code, message) = classify(&error);
        let message = match kind {
            ErrorKind::Credentials => format!("{message}; {}", self.sign_in_hint()),
            _ => message,
        };
        ProviderError::new(self.operation, self.target, kind, code, message)
    }

    /// The provider error for `error`, its message followed by the `Reason`
    /// AWS answers alongside some codes (`ConstraintViolationException`,
    /// `HandshakeConstraintViolationException`): which limit was hit.
    pub fn error_with_reason<E>(
        &self,
        error: SdkError<E>,
        reason: impl FnOnce(&E) -> Option<String>,
    ) -> ProviderError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let reason = error.as_service_error().and_then(reason);
        let mut provider_error = self.error(error);
        if let Some(reason) = reason
            && !provider_error.message.contains(&reason)
        {
            provider_error.message = with_reason(&provider_error.message, &reason);
        }
        provider_error
    }

    /// A request that could not be built from what orgtop was given.
    pub fn unbuildable(&self, error: impl std::fmt::Display) -> ProviderError {
        ProviderError::new(
            self.operation,
            self.target,
            ErrorKind::InvalidInput,
            "InvalidRequest",
            error.to_string(),
        )
    }

    /// A malformed answer: a record without the id every record carries.
    pub fn missing(&self, field: &str) -> ProviderError {
        let message = format!("the answer has a record without {field}");
        ProviderError::new(
            self.operation,
            self.target,
            ErrorKind::Unavailable,
            "MalformedAnswer",
            message,
        )
    }

    fn sign_in_hint(&self) -> String {
        format!(
            "sign in with `aws sso login --profile {}` or choose another profile",
            self.profile
        )
    }
}

fn classify<E>(error: &SdkError<E>) -> (ErrorKind, String, String)
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let details = chain(error);
    match error {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            service_error(context.err().code(), context.err().message(), status)
        }
        SdkError::TimeoutError(_) => {
            let message = format!("no answer within the operation timeout: {details}");
            (ErrorKind::Network, "TimeoutError".into(), message)
        }
        SdkError::DispatchFailure(_) if has_source::<CredentialsError>(error) => {
            (ErrorKind::Credentials, "CredentialsError".into(), details)
        }
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            (ErrorKind::Network, "ConnectTimeout".into(), details)
        }
        SdkError::DispatchFailure(_) => {
            (ErrorKind::Network, "DispatchFailure".into(), details)
        }
        SdkError::ResponseError(context) => {
            let status = context.raw().status().as_u16();
            let reason = error.source().map(chain).unwrap_or_default();
            let message = format!("HTTP {status} is not an AWS answer: {reason}");
            (ErrorKind::Unavailable, "ResponseError".into(), message)
        }
        _ => (ErrorKind::Other, "SdkError".into(), details),
    }
}

/// An error AWS answered. An answer without an error code is not AWS's (an
/// emulator's HTML page, a proxy's): the service is not there.
fn service_error(
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
) -> (ErrorKind, String, String) {
    let message = message.unwrap_or_default().to_string();
    match code {
        Some(code) => (kind_of_code(code), code.to_string(), message),
        None => {
            let message = format!("HTTP {status} without an AWS error code {message}");
            (
                ErrorKind::Unavailable,
                "UnknownError".into(),
                message.trim_end().to_string(),
            )
        }
    }
}

/// `message` followed by AWS's `Reason`; the demo shows it the same way.
fn with_reason(message: &str, reason: &str) -> String {
    if message.is_empty() {
        format!("(reason: {reason})")
    } else {
        format!("{message} (reason: {reason})")
    }
}

/// The kind of an AWS error code: Organizations' own, then the codes every
/// AWS service shares. The codes that say an action does not fit the
/// organization as it is now (already done, already a member, a limit) are
/// invalid input: orgtop's preflight should have caught them, and the tree
/// is re-read after any failed action.
fn kind_of_code(code: &str) -> ErrorKind {
    match code {
        "TooManyRequestsException" | "ThrottlingException" | "Throttling" => {
            ErrorKind::Throttling
        }
        "AccessDeniedException"
        | "AccessDeniedForDependencyException"
        | "AccessDenied" => ErrorKind::AccessDenied,
        "ExpiredTokenException"
        | "ExpiredToken"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "MissingAuthenticationToken" => ErrorKind::Credentials,
        "AWSOrganizationsNotInUseException" => ErrorKind::NotFound,
        "InvalidInputException"
        | "ValidationException"
        | "ConstraintViolationException"
        | "DuplicateAccountException"
        | "DuplicatePolicyAttachmentException"
        | "PolicyNotAttachedException"
        | "PolicyTypeNotEnabledException"
        | "DuplicateHandshakeException"
        | "HandshakeConstraintViolationException"
        | "InvalidHandshakeTransitionException" => ErrorKind::InvalidInput,
        "ServiceException" | "ServiceUnavailable" | "UnsupportedAPIEndpointException" => {
            ErrorKind::Unavailable
        }
        code if code.ends_with("NotFoundException") => ErrorKind::NotFound,
        _ => ErrorKind::Other,
    }
}

/// `error` and its sources, each said once: the SDK's wrappers often
/// repeat what they wrap.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(current) = next {
        let part = current.to_string();
        if !parts.iter().any(|seen| seen.contains(&part)) {
            parts.push(part);
        }
        next = current.source();
    }
    parts.join(": ")
}

/// Whether `T` is somewhere in `error`'s chain of sources.
fn has_source<T: StdError + 'static>(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(current) = next {
        if current.is::<T>() {
            return true;
        }
        next = current.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organizations_error_codes_get_their_kinds() {
        assert_eq!(
            kind_of_code("TooManyRequestsException"),
            ErrorKind::Throttling
        );
        assert_eq!(kind_of_code("ParentNotFoundException"), ErrorKind::NotFound);
        assert_eq!(
            kind_of_code("AccessDeniedException"),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_of_code("ExpiredTokenException"),
            ErrorKind::Credentials
        );
        assert_eq!(
            kind_of_code("InvalidInputException"),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            kind_of_code("ConcurrentModificationException"),
            ErrorKind::Other
        );
    }

    #[test]
    fn action_error_codes_get_their_kinds() {
        for code in [
            "SourceParentNotFoundException",
            "DestinationParentNotFoundException",
            "AccountNotFoundException",
            "TargetNotFoundException",
            "HandshakeNotFoundException",
        ] {
            assert_eq!(kind_of_code(code), ErrorKind::NotFound, "{code}");
        }
        for code in [
            "DuplicateAccountException",
            "DuplicatePolicyAttachmentException",
            "PolicyNotAttachedException",
            "DuplicateHandshakeException",
            "HandshakeConstraintViolationException",
            "InvalidHandshakeTransitionException",
        ] {
            assert_eq!(kind_of_code(code), ErrorKind::InvalidInput, "{code}");
        }
    }

    #[test]
    fn an_answer_without_an_error_code_means_the_service_is_not_there() {
        let (kind, code, message) = service_error(None, None, 404);
        assert_eq!(kind, ErrorKind::Unavailable);
        assert_eq!(code, "UnknownError");
        assert_eq!(message, "HTTP 404 without an AWS error code");
    }
}
