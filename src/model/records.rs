//! Records as AWS Organizations describes them, in AWS's own words and
//! spellings, shared by every provider and by the organization tree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The organization itself (`DescribeOrganization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-` followed by 10 to 32 lowercase letters or digits.
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
    pub management_account_email: String,
}

/// The root of the organization (`ListRoots`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    pub id: String,
    pub arn: String,
    pub name: String,
}

/// An organizational unit (`ListOrganizationalUnitsForParent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
}

/// A member account (`ListAccountsForParent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Twelve digits.
    pub id: String,
    pub arn: String,
    pub name: String,
    pub email: String,
    pub state: AccountState,
    pub joined_method: JoinedMethod,
    pub joined_timestamp: DateTime<Utc>,
}

/// An account's lifecycle state, as AWS spells it in the `State` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountState {
    PendingActivation,
    Active,
    Suspended,
    PendingClosure,
    Closed,
    /// A state newer than this version of orgtop; shown, never guessed at.
    Unknown,
}

impl AccountState {
    /// AWS's spelling of the state.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Self::PendingActivation => "PENDING_ACTIVATION",
            Self::Active => "ACTIVE",
            Self::Suspended => "SUSPENDED",
            Self::PendingClosure => "PENDING_CLOSURE",
            Self::Closed => "CLOSED",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Parses AWS's spelling; `None` for a state this version does not know.
    pub fn from_aws_str(value: &str) -> Option<Self> {
        Some(match value {
            "PENDING_ACTIVATION" => Self::PendingActivation,
            "ACTIVE" => Self::Active,
            "SUSPENDED" => Self::Suspended,
            "PENDING_CLOSURE" => Self::PendingClosure,
            "CLOSED" => Self::Closed,
            _ => return None,
        })
    }
}

/// How an account became a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JoinedMethod {
    Invited,
    Created,
    /// A method newer than this version of orgtop.
    Unknown,
}

impl JoinedMethod {
    /// AWS's spelling of the method.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Self::Invited => "INVITED",
            Self::Created => "CREATED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// The kinds of organization policy orgtop distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PolicyType {
    ServiceControlPolicy,
    ResourceControlPolicy,
}

impl PolicyType {
    /// AWS's spelling of the type, as used in `Filter` parameters.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Self::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            Self::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// The short name people use: SCP or RCP.
    pub fn short_name(self) -> &'static str {
        match self {
            Self::ServiceControlPolicy => "SCP",
            Self::ResourceControlPolicy => "RCP",
        }
    }
}

/// A policy without its document (`ListPolicies`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// `p-` followed by 8 to 128 characters; AWS-managed ones such as
    /// `p-FullAWSAccess` read like their names.
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    pub policy_type: PolicyType,
    pub aws_managed: bool,
}

/// A policy with its JSON document (`DescribePolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub summary: PolicySummary,
    pub content: String,
}

/// What a policy can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetType {
    Root,
    OrganizationalUnit,
    Account,
}

/// One place a policy is attached (`ListTargetsForPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyTarget {
    pub target_id: String,
    pub arn: String,
    pub name: String,
    pub target_type: TargetType,
}

/// A tag on a root, organizational unit, account or policy
/// (`ListTagsForResource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}
