//! What the demo organization does when asked to act: every action changes
//! the state as AWS would, or fails with the error code AWS would answer,
//! so that `orgtop --demo` can be explored safely. Nobody ever answers the
//! demo's invitations: they stay open until cancelled.

use chrono::{DateTime, Duration, Utc};

use super::ids;
use super::state::{DemoState, Sent};
use crate::model::PolicyType;
use crate::model::action::{Action, Handshake, InviteTarget};
use crate::provider::{ErrorKind, ProviderError, Result};

/// Handshakes expire 15 days after they are sent.
pub const HANDSHAKE_LIFETIME: Duration = Duration::days(15);

/// Resource control policies AWS lets one root, OU or account have attached.
pub const RCP_LIMIT: usize = 5;

/// The longest `Notes` AWS takes with an invitation.
const NOTES_LIMIT: usize = 1024;

impl DemoState {
    /// Carries out `action` at `now`. The answer is the request id.
    pub fn perform(&mut self, action: &Action, now: DateTime<Utc>) -> Result<String> {
        let failed = Failed {
            operation: action.operation(),
            target: action.confirmation_id(),
        };
        match action {
            Action::MoveAccount {
                account_id,
                source_parent_id,
                destination_parent_id,
            } => self.move_account(
                &failed,
                account_id,
                source_parent_id,
                destination_parent_id,
            ),
            Action::AttachPolicy {
                policy_id,
                target_id,
            } => self.attach_policy(&failed, policy_id, target_id),
            Action::DetachPolicy {
                policy_id,
                target_id,
            } => self.detach_policy(&failed, policy_id, target_id),
            Action::InviteAccount { target, notes } => {
                self.invite_account(&failed, target, notes.as_deref(), now)
            }
            Action::CancelHandshake { handshake_id } => {
                self.cancel_handshake(&failed, handshake_id)
            }
        }?;
        Ok(self.next_request_id(action))
    }

    /// Every handshake, as `ListHandshakesForOrganization` shows them when
    /// the clock says `now`.
    pub fn handshakes_at(&self, now: DateTime<Utc>) -> Vec<Handshake> {
        self.handshakes
            .iter()
            .map(|h| {
                let requested = h.sent.at(now);
                Handshake {
                    id: h.id.clone(),
                    arn: h.arn.clone(),
                    state: h.state.clone(),
                    target: h.target.clone(),
                    requested,
                    expires: requested + HANDSHAKE_LIFETIME,
                }
            })
            .collect()
    }

    fn move_account(
        &mut self,
        failed: &Failed<'_>,
        account_id: &str,
        source_parent_id: &str,
        destination_parent_id: &str,
    ) -> Result<()> {
        if !self.accounts.contains_key(account_id) {
            return Err(failed.not_found(
                "AccountNotFoundException",
                "We can't find an AWS account with the AccountId that you specified.",
            ));
        }
        let parent = self.parent_of.get(account_id).map(String::as_str);
        if parent != Some(source_parent_id) {
            return Err(failed.not_found(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ));
        }
        if !self.is_parent(destination_parent_id) {
            return Err(failed.not_found(
                "DestinationParentNotFoundException",
                "We can't find the destination container (a root or OU) with the \
                 ParentId that you specified.",
            ));
        }
        if source_parent_id == destination_parent_id {
            return Err(failed.invalid(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ));
        }
        self.move_child(account_id, destination_parent_id);
        Ok(())
    }

    fn attach_policy(
        &mut self,
        failed: &Failed<'_>,
        policy_id: &str,
        target_id: &str,
    ) -> Result<()> {
        let policy_type = self.checked_policy(failed, policy_id, target_id)?;
        if self.is_attached(policy_id, target_id) {
            return Err(failed.invalid(
                "DuplicatePolicyAttachmentException",
                "The selected policy is already attached to the specified target.",
            ));
        }
        let limit = match policy_type {
            PolicyType::ServiceControlPolicy => self.scp_limit,
            PolicyType::ResourceControlPolicy => RCP_LIMIT,
        };
        if self.attached_count(target_id, policy_type) >= limit {
            return Err(failed.constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies of a certain type \
                 that can be attached to an entity at one time.",
            ));
        }
        self.attach(policy_id, target_id);
        Ok(())
    }

    fn detach_policy(
        &mut self,
        failed: &Failed<'_>,
        policy_id: &str,
        target_id: &str,
    ) -> Result<()> {
        let policy_type = self.checked_policy(failed, policy_id, target_id)?;
        if !self.is_attached(policy_id, target_id) {
            return Err(failed.invalid(
                "PolicyNotAttachedException",
                "The policy isn't attached to the specified target in the specified root.",
            ));
        }
        if self.attached_count(target_id, policy_type) <= 1 {
            return Err(failed.constraint(
                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to detach a policy from an entity that would cause \
                 the entity to have fewer than the minimum number of policies of a \
                 certain type required.",
            ));
        }
        self.detach(policy_id, target_id);
        Ok(())
    }

    /// The type of the policy `policy_id` when both it and the target exist.
    fn checked_policy(
        &self,
        failed: &Failed<'_>,
        policy_id: &str,
        target_id: &str,
    ) -> Result<PolicyType> {
        let policy = self.policy(policy_id).ok_or_else(|| {
            failed.not_found(
                "PolicyNotFoundException",
                "We can't find a policy with the PolicyId that you specified.",
            )
        })?;
        if !self.is_target(target_id) {
            return Err(failed.not_found(
                "TargetNotFoundException",
                "We can't find a root, OU, account, or policy with the TargetId that \
                 you specified.",
            ));
        }
        Ok(policy.summary.policy_type)
    }

    fn is_attached(&self, policy_id: &str, target_id: &str) -> bool {
        self.targets_of
            .get(policy_id)
            .is_some_and(|targets| targets.iter().any(|t| t == target_id))
    }

    /// How many policies of `policy_type` are attached to `target_id`.
    fn attached_count(&self, target_id: &str, policy_type: PolicyType) -> usize {
        self.policies
            .iter()
            .filter(|p| p.summary.policy_type == policy_type)
            .filter(|p| self.is_attached(&p.summary.id, target_id))
            .count()
    }

    fn invite_account(
        &mut self,
        failed: &Failed<'_>,
        target: &InviteTarget,
        notes: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let well_formed = match target {
            InviteTarget::Account(id) => is_account_id(id),
            InviteTarget::Email(email) => is_email(email),
        };
        if !well_formed || notes.is_some_and(|n| n.chars().count() > NOTES_LIMIT) {
            return Err(failed.invalid(
                "InvalidInputException",
                "You provided a value that does not match the required pattern.",
            ));
        }
        if self.is_member(target) {
            return Err(failed.invalid(
                "HandshakeConstraintViolationException",
                with_reason(
                    "The handshake request is invalid because the invited account is \
                     already a member of an organization.",
                    "ALREADY_IN_AN_ORGANIZATION",
                ),
            ));
        }
        let open = self
            .handshakes
            .iter()
            .any(|h| is_open(&h.state) && same_target(&h.target, target));
        if open {
            return Err(failed.invalid(
                "DuplicateHandshakeException",
                "A handshake with the same action and target already exists.",
            ));
        }
        self.add_handshake(target.clone(), Sent::At(now), "OPEN");
        Ok(())
    }

    /// Whether `target` names an account of the organization, by id or by
    /// its email address.
    fn is_member(&self, target: &InviteTarget) -> bool {
        match target {
            InviteTarget::Account(id) => self.accounts.contains_key(id),
            InviteTarget::Email(email) => self
                .accounts
                .values()
                .any(|a| a.email.eq_ignore_ascii_case(email)),
        }
    }

    fn cancel_handshake(
        &mut self,
        failed: &Failed<'_>,
        handshake_id: &str,
    ) -> Result<()> {
        let handshake = self
            .handshakes
            .iter_mut()
            .find(|h| h.id == handshake_id)
            .ok_or_else(|| {
                failed.not_found(
                    "HandshakeNotFoundException",
                    "We can't find a handshake with the HandshakeId that you specified.",
                )
            })?;
        if !is_open(&handshake.state) {
            return Err(failed.invalid(
                "InvalidHandshakeTransitionException",
                "You can't perform the operation on the handshake in its current \
                 state. For example, you can't cancel a handshake that was already \
                 accepted or accept a handshake that was already declined.",
            ));
        }
        handshake.state = "CANCELED".to_string();
        Ok(())
    }

    fn next_request_id(&mut self, action: &Action) -> String {
        let parameters: Vec<String> = action
            .parameters()
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let seed = format!(
            "{}:{}:{}",
            self.actions_performed,
            action.operation(),
            parameters.join("&")
        );
        self.actions_performed += 1;
        ids::request_id(&seed)
    }
}

/// The operation that failed and the id it was about: the id a person
/// confirms, as the AWS adapter names it.
struct Failed<'a> {
    operation: &'static str,
    target: &'a str,
}

impl Failed<'_> {
    fn error(
        &self,
        kind: ErrorKind,
        code: &str,
        message: impl Into<String>,
    ) -> ProviderError {
        ProviderError::new(self.operation, Some(self.target), kind, code, message)
    }

    fn not_found(&self, code: &str, message: &str) -> ProviderError {
        self.error(ErrorKind::NotFound, code, message)
    }

    fn invalid(&self, code: &str, message: impl Into<String>) -> ProviderError {
        self.error(ErrorKind::InvalidInput, code, message)
    }

    /// `ConstraintViolationException`, whose `Reason` names the limit.
    fn constraint(&self, reason: &str, message: &str) -> ProviderError {
        self.invalid("ConstraintViolationException", with_reason(message, reason))
    }
}

/// AWS's message with the `Reason` it answers alongside, as the AWS adapter
/// shows it.
fn with_reason(message: &str, reason: &str) -> String {
    format!("{message} (reason: {reason})")
}

fn is_open(state: &str) -> bool {
    matches!(state, "REQUESTED" | "OPEN")
}

/// Whether two invitations go to the same party; email addresses are
/// compared without regard to case.
fn same_target(a: &InviteTarget, b: &InviteTarget) -> bool {
    match (a, b) {
        (InviteTarget::Account(a), InviteTarget::Account(b)) => a == b,
        (InviteTarget::Email(a), InviteTarget::Email(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Something, an `@`, and a domain with a dot in it, without spaces.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let parts_ok = !local.is_empty() && !domain.contains('@');
    let domain_ok = domain
        .split_once('.')
        .is_some_and(|(name, rest)| !name.is_empty() && !rest.is_empty());
    parts_ok && domain_ok && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits_and_emails_need_a_domain() {
        assert!(is_account_id("583920174466"));
        assert!(!is_account_id("58392017446"));
        assert!(!is_account_id("58392017446x"));
        assert!(is_email("ops@kestrel-data.example.com"));
        assert!(!is_email("ops@localhost"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("ops at example.com"));
        assert!(!is_email("a@b@example.com"));
    }

    #[test]
    fn email_targets_are_the_same_whatever_their_case() {
        let lower = InviteTarget::Email("ops@example.com".into());
        let upper = InviteTarget::Email("OPS@Example.com".into());
        assert!(same_target(&lower, &upper));
        let account = InviteTarget::Account("583920174466".into());
        assert!(!same_target(&lower, &account));
    }
}
