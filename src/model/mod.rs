//! Pure data and rules: the organization and how to search it. No I/O, no
//! async; most of orgtop's logic and tests live here.

pub mod access;
pub mod action;
pub mod control_tower;
pub mod cost;
pub mod drift;
pub mod filter;
pub mod org;
pub mod records;

pub use filter::Filter;
pub use org::{AppliedPolicy, Node, NodeIdx, NodeKind, Org, OrgError};
pub use records::{
    Account, AccountState, JoinedMethod, Organization, OrganizationalUnit, Policy,
    PolicySummary, PolicyTarget, PolicyType, Root, Tag, TargetType,
};
