//! AWS Organizations through aws-sdk-organizations: one method per
//! operation, one page per call, SDK types turned into orgtop's records.

use aws_sdk_organizations::Client;
use aws_sdk_organizations::operation::RequestId;
use aws_sdk_organizations::operation::attach_policy::AttachPolicyError;
use aws_sdk_organizations::operation::detach_policy::DetachPolicyError;
use aws_sdk_organizations::operation::invite_account_to_organization::InviteAccountToOrganizationError;
use aws_sdk_organizations::types as sdk;
use chrono::{DateTime, Duration, Utc};

use super::error::Call;
use crate::model::action::{Action, Handshake, InviteTarget};
use crate::model::{
    Account, AccountState, JoinedMethod, Organization, OrganizationalUnit, Policy,
    PolicySummary, PolicyTarget, PolicyType, Root, Tag, TargetType,
};
use crate::provider::{Page, Result};

/// The Organizations client and the profile it signs in with.
pub struct Organizations {
    client: Client,
    profile: String,
}

impl Organizations {
    /// Wraps `client`; `profile` names the profile in sign-in hints.
    pub fn new(client: Client, profile: String) -> Self {
        Self { client, profile }
    }

    fn call<'a>(&'a self, operation: &'static str, target: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            target,
            profile: &self.profile,
        }
    }

    /// `DescribeOrganization`.
    pub async fn describe_organization(&self) -> Result<Organization> {
        let call = self.call("DescribeOrganization", None);
        let output = self.client.describe_organization().send().await;
        let output = output.map_err(|e| call.error(e))?;
        let organization = output
            .organization()
            .ok_or_else(|| call.missing("Organization"))?;
        Ok(Organization {
            id: required(organization.id(), &call, "Id")?,
            arn: text(organization.arn()),
            management_account_id: text(organization.master_account_id()),
            management_account_email: text(organization.master_account_email()),
        })
    }

    /// `ListRoots`.
    pub async fn list_roots(&self, next_token: Option<String>) -> Result<Page<Root>> {
        let call = self.call("ListRoots", None);
        let request = self.client.list_roots().set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let roots = output.roots().iter().map(|root| {
            Ok(Root {
                id: required(root.id(), &call, "Id")?,
                arn: text(root.arn()),
                name: text(root.name()),
            })
        });
        page(roots, output.next_token())
    }

    /// `ListAWSServiceAccessForOrganization`.
    pub async fn list_aws_service_access_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<String>> {
        let call = self.call("ListAWSServiceAccessForOrganization", None);
        let request = self
            .client
            .list_aws_service_access_for_organization()
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let principals = output
            .enabled_service_principals()
            .iter()
            .map(|principal| Ok(text(principal.service_principal())));
        page(principals, output.next_token())
    }

    /// `ListOrganizationalUnitsForParent`.
    pub async fn list_organizational_units_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<OrganizationalUnit>> {
        let call = self.call("ListOrganizationalUnitsForParent", Some(parent_id));
        let request = self
            .client
            .list_organizational_units_for_parent()
            .parent_id(parent_id)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let units = output.organizational_units().iter().map(|unit| {
            Ok(OrganizationalUnit {
                id: required(unit.id(), &call, "Id")?,
                arn: text(unit.arn()),
                name: text(unit.name()),
            })
        });
        page(units, output.next_token())
    }

    /// `ListAccountsForParent`.
    pub async fn list_accounts_for_parent(
        &self,
        parent_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Account>> {
        let call = self.call("ListAccountsForParent", Some(parent_id));
        let request = self
            .client
            .list_accounts_for_parent()
            .parent_id(parent_id)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let accounts = output
            .accounts()
            .iter()
            .map(|account| self::account(account, &call));
        page(accounts, output.next_token())
    }

    /// `ListPolicies` with a type filter.
    pub async fn list_policies(
        &self,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let call = self.call("ListPolicies", Some(policy_type.as_aws_str()));
        let request = self
            .client
            .list_policies()
            .filter(policy_filter(policy_type))
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let policies = output
            .policies()
            .iter()
            .map(|p| policy_summary(p, policy_type, &call));
        page(policies, output.next_token())
    }

    /// `ListTargetsForPolicy`. A target of a kind orgtop does not know is
    /// left out, with a warning.
    pub async fn list_targets_for_policy(
        &self,
        policy_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<PolicyTarget>> {
        let call = self.call("ListTargetsForPolicy", Some(policy_id));
        let request = self
            .client
            .list_targets_for_policy()
            .policy_id(policy_id)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let targets = output
            .targets()
            .iter()
            .filter_map(|t| policy_target(t, &call).transpose());
        page(targets, output.next_token())
    }

    /// `ListPoliciesForTarget` with a type filter.
    pub async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: PolicyType,
        next_token: Option<String>,
    ) -> Result<Page<PolicySummary>> {
        let call = self.call("ListPoliciesForTarget", Some(target_id));
        let request = self
            .client
            .list_policies_for_target()
            .target_id(target_id)
            .filter(policy_filter(policy_type))
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let policies = output
            .policies()
            .iter()
            .map(|p| policy_summary(p, policy_type, &call));
        page(policies, output.next_token())
    }

    /// `DescribePolicy`.
    pub async fn describe_policy(&self, policy_id: &str) -> Result<Policy> {
        let call = self.call("DescribePolicy", Some(policy_id));
        let request = self.client.describe_policy().policy_id(policy_id);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let policy = output.policy().ok_or_else(|| call.missing("Policy"))?;
        let summary = policy
            .policy_summary()
            .ok_or_else(|| call.missing("PolicySummary"))?;
        let policy_type =
            summary_type(summary).unwrap_or(PolicyType::ServiceControlPolicy);
        Ok(Policy {
            summary: policy_summary(summary, policy_type, &call)?,
            content: text(policy.content()),
        })
    }

    /// `ListTagsForResource`.
    pub async fn list_tags_for_resource(
        &self,
        resource_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<Tag>> {
        let call = self.call("ListTagsForResource", Some(resource_id));
        let request = self
            .client
            .list_tags_for_resource()
            .resource_id(resource_id)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let tags = output.tags().iter().map(|tag| {
            Ok(Tag {
                key: tag.key().to_string(),
                value: tag.value().to_string(),
            })
        });
        page(tags, output.next_token())
    }
}

/// The actions: each returns AWS's request id, for the journal.
impl Organizations {
    /// Carries out `action`. An error names the id a person confirmed.
    pub async fn perform(&self, action: &Action) -> Result<Option<String>> {
        let call = self.call(action.operation(), Some(action.confirmation_id()));
        match action {
            Action::MoveAccount {
                account_id,
                source_parent_id,
                destination_parent_id,
            } => {
                let request = self
                    .client
                    .move_account()
                    .account_id(account_id)
                    .source_parent_id(source_parent_id)
                    .destination_parent_id(destination_parent_id);
                let output = request.send().await.map_err(|e| call.error(e))?;
                Ok(request_id(&output))
            }
            Action::AttachPolicy {
                policy_id,
                target_id,
            } => self.attach_policy(&call, policy_id, target_id).await,
            Action::DetachPolicy {
                policy_id,
                target_id,
            } => self.detach_policy(&call, policy_id, target_id).await,
            Action::InviteAccount { target, notes } => {
                self.invite_account(&call, target, notes.clone()).await
            }
            Action::CancelHandshake { handshake_id } => {
                let request = self.client.cancel_handshake().handshake_id(handshake_id);
                let output = request.send().await.map_err(|e| call.error(e))?;
                Ok(request_id(&output))
            }
        }
    }

    /// `AttachPolicy`; AWS's `Reason` for a constraint violation is kept.
    async fn attach_policy(
        &self,
        call: &Call<'_>,
        policy_id: &str,
        target_id: &str,
    ) -> Result<Option<String>> {
        let request = self
            .client
            .attach_policy()
            .policy_id(policy_id)
            .target_id(target_id);
        let output = request
            .send()
            .await
            .map_err(|e| call.error_with_reason(e, attach_reason))?;
        Ok(request_id(&output))
    }

    /// `DetachPolicy`; AWS's `Reason` for a constraint violation is kept.
    async fn detach_policy(
        &self,
        call: &Call<'_>,
        policy_id: &str,
        target_id: &str,
    ) -> Result<Option<String>> {
        let request = self
            .client
            .detach_policy()
            .policy_id(policy_id)
            .target_id(target_id);
        let output = request
            .send()
            .await
            .map_err(|e| call.error_with_reason(e, detach_reason))?;
        Ok(request_id(&output))
    }

    /// `InviteAccountToOrganization`, with `Target` of type ACCOUNT or EMAIL.
    async fn invite_account(
        &self,
        call: &Call<'_>,
        target: &InviteTarget,
        notes: Option<String>,
    ) -> Result<Option<String>> {
        let party_type = match target {
            InviteTarget::Account(_) => sdk::HandshakePartyType::Account,
            InviteTarget::Email(_) => sdk::HandshakePartyType::Email,
        };
        let party = sdk::HandshakeParty::builder()
            .id(target.id())
            .r#type(party_type)
            .build()
            .map_err(|e| call.unbuildable(e))?;
        let request = self
            .client
            .invite_account_to_organization()
            .target(party)
            .set_notes(notes);
        let output = request
            .send()
            .await
            .map_err(|e| call.error_with_reason(e, invite_reason))?;
        Ok(request_id(&output))
    }

    /// `ListHandshakesForOrganization`, invitations only.
    pub async fn list_handshakes_for_organization(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Handshake>> {
        let call = self.call("ListHandshakesForOrganization", None);
        let invitations = sdk::HandshakeFilter::builder()
            .action_type(sdk::ActionType::InviteAccountToOrganization)
            .build();
        let request = self
            .client
            .list_handshakes_for_organization()
            .filter(invitations)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let handshakes = output.handshakes().iter().map(|h| handshake(h, &call));
        page(handshakes, output.next_token())
    }
}

fn request_id(output: &impl RequestId) -> Option<String> {
    output.request_id().map(str::to_string)
}

fn attach_reason(error: &AttachPolicyError) -> Option<String> {
    match error {
        AttachPolicyError::ConstraintViolationException(e) => {
            e.reason().map(|r| r.as_str().to_string())
        }
        _ => None,
    }
}

fn detach_reason(error: &DetachPolicyError) -> Option<String> {
    match error {
        DetachPolicyError::ConstraintViolationException(e) => {
            e.reason().map(|r| r.as_str().to_string())
        }
        _ => None,
    }
}

fn invite_reason(error: &InviteAccountToOrganizationError) -> Option<String> {
    match error {
        InviteAccountToOrganizationError::ConstraintViolationException(e) => {
            e.reason().map(|r| r.as_str().to_string())
        }
        InviteAccountToOrganizationError::HandshakeConstraintViolationException(e) => {
            e.reason().map(|r| r.as_str().to_string())
        }
        _ => None,
    }
}

/// Handshakes expire 15 days after they are sent; an answer without the
/// expiry gets that.
const HANDSHAKE_LIFETIME: Duration = Duration::days(15);

fn handshake(handshake: &sdk::Handshake, call: &Call<'_>) -> Result<Handshake> {
    let id = required(handshake.id(), call, "Id")?;
    let target = invited_party(handshake.parties())
        .ok_or_else(|| call.missing("a party of type ACCOUNT or EMAIL"))?;
    let state = handshake.state().ok_or_else(|| call.missing("State"))?;
    let requested = handshake
        .requested_timestamp()
        .map(timestamp)
        .unwrap_or_default();
    let expires = handshake
        .expiration_timestamp()
        .map(timestamp)
        .unwrap_or(requested + HANDSHAKE_LIFETIME);
    Ok(Handshake {
        id,
        arn: text(handshake.arn()),
        state: state.as_str().to_string(),
        target,
        requested,
        expires,
    })
}

/// The party an invitation went to: the account or email address, not the
/// organization that sent it.
fn invited_party(parties: &[sdk::HandshakeParty]) -> Option<InviteTarget> {
    parties.iter().find_map(|party| match party.r#type() {
        sdk::HandshakePartyType::Account => {
            Some(InviteTarget::Account(party.id().into()))
        }
        sdk::HandshakePartyType::Email => Some(InviteTarget::Email(party.id().into())),
        _ => None,
    })
}

/// A page of records, failing if any record is malformed.
fn page<T>(
    items: impl Iterator<Item = Result<T>>,
    next_token: Option<&str>,
) -> Result<Page<T>> {
    Ok(Page {
        items: items.collect::<Result<_>>()?,
        next_token: next_token.map(str::to_string),
    })
}

fn required(value: Option<&str>, call: &Call<'_>, field: &str) -> Result<String> {
    value.map(str::to_string).ok_or_else(|| call.missing(field))
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

fn policy_filter(policy_type: PolicyType) -> sdk::PolicyType {
    sdk::PolicyType::from(policy_type.as_aws_str())
}

fn account(account: &sdk::Account, call: &Call<'_>) -> Result<Account> {
    let id = required(account.id(), call, "Id")?;
    Ok(Account {
        state: account_state(account, &id),
        joined_method: joined_method(account.joined_method(), &id),
        joined_timestamp: account
            .joined_timestamp()
            .map(timestamp)
            .unwrap_or_default(),
        arn: text(account.arn()),
        name: text(account.name()),
        email: text(account.email()),
        id,
    })
}

/// The account's `State`. An answer without one (an older emulator) falls
/// back on the retired `Status`, whose values `State` kept.
fn account_state(account: &sdk::Account, id: &str) -> AccountState {
    #[allow(deprecated)]
    let spelling = match (account.state(), account.status()) {
        (Some(state), _) => state.as_str(),
        (None, Some(status)) => status.as_str(),
        (None, None) => "",
    };
    AccountState::from_aws_str(spelling).unwrap_or_else(|| {
        tracing::warn!(
            account = id,
            state = spelling,
            "account state orgtop does not know"
        );
        AccountState::Unknown
    })
}

fn joined_method(method: Option<&sdk::AccountJoinedMethod>, id: &str) -> JoinedMethod {
    match method {
        Some(sdk::AccountJoinedMethod::Created) => JoinedMethod::Created,
        Some(sdk::AccountJoinedMethod::Invited) => JoinedMethod::Invited,
        other => {
            let spelling = other.map(sdk::AccountJoinedMethod::as_str);
            tracing::warn!(
                account = id,
                ?spelling,
                "joined method orgtop does not know"
            );
            JoinedMethod::Unknown
        }
    }
}

fn timestamp(value: &aws_smithy_types::DateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(value.secs(), value.subsec_nanos()).unwrap_or_default()
}

fn summary_type(summary: &sdk::PolicySummary) -> Option<PolicyType> {
    match summary.r#type()? {
        sdk::PolicyType::ServiceControlPolicy => Some(PolicyType::ServiceControlPolicy),
        sdk::PolicyType::ResourceControlPolicy => Some(PolicyType::ResourceControlPolicy),
        _ => None,
    }
}

/// A policy summary; `asked` is the type the listing filtered on, which
/// AWS leaves out of some answers.
fn policy_summary(
    summary: &sdk::PolicySummary,
    asked: PolicyType,
    call: &Call<'_>,
) -> Result<PolicySummary> {
    Ok(PolicySummary {
        id: required(summary.id(), call, "Id")?,
        arn: text(summary.arn()),
        name: text(summary.name()),
        description: text(summary.description()),
        policy_type: summary_type(summary).unwrap_or(asked),
        aws_managed: summary.aws_managed(),
    })
}

fn policy_target(
    target: &sdk::PolicyTargetSummary,
    call: &Call<'_>,
) -> Result<Option<PolicyTarget>> {
    let target_id = required(target.target_id(), call, "TargetId")?;
    let target_type = match target.r#type() {
        Some(sdk::TargetType::Root) => TargetType::Root,
        Some(sdk::TargetType::OrganizationalUnit) => TargetType::OrganizationalUnit,
        Some(sdk::TargetType::Account) => TargetType::Account,
        other => {
            tracing::warn!(
                target = target_id,
                ?other,
                "policy target of a kind orgtop does not know"
            );
            return Ok(None);
        }
    };
    Ok(Some(PolicyTarget {
        target_id,
        arn: text(target.arn()),
        name: text(target.name()),
        target_type,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_state_comes_from_state_and_unknown_states_are_kept_as_unknown() {
        let closed = sdk::Account::builder()
            .id("111111111111")
            .state(sdk::AccountState::Closed);
        assert_eq!(
            account_state(&closed.build(), "111111111111"),
            AccountState::Closed
        );

        let newer = sdk::Account::builder().state(sdk::AccountState::from("HIBERNATING"));
        assert_eq!(
            account_state(&newer.build(), "111111111111"),
            AccountState::Unknown
        );
    }

    #[test]
    #[allow(deprecated)]
    fn an_answer_with_only_the_retired_status_still_gives_a_state() {
        let older = sdk::Account::builder()
            .status(sdk::AccountStatus::Suspended)
            .build();
        assert_eq!(
            account_state(&older, "111111111111"),
            AccountState::Suspended
        );
    }

    #[test]
    fn the_invited_party_is_the_account_or_email_not_the_organization() {
        let party = |id: &str, kind| {
            sdk::HandshakeParty::builder()
                .id(id)
                .r#type(kind)
                .build()
                .unwrap()
        };
        let organization = party("o-exampleorg1", sdk::HandshakePartyType::Organization);
        let email = party("ops@example.com", sdk::HandshakePartyType::Email);
        assert_eq!(
            invited_party(&[organization.clone(), email]),
            Some(InviteTarget::Email("ops@example.com".into()))
        );
        assert_eq!(invited_party(&[organization]), None);
    }

    #[test]
    fn joined_methods_map_and_unknown_ones_do_not_panic() {
        let invited = sdk::AccountJoinedMethod::Invited;
        assert_eq!(joined_method(Some(&invited), "1"), JoinedMethod::Invited);
        let newer = sdk::AccountJoinedMethod::from("TRANSFERRED");
        assert_eq!(joined_method(Some(&newer), "1"), JoinedMethod::Unknown);
        assert_eq!(joined_method(None, "1"), JoinedMethod::Unknown);
    }
}
