//! The organization as a tree: the root, organizational units and accounts,
//! with the policies attached to each. It is filled in piece by piece as the
//! crawl's answers arrive, so every piece may come in any order the crawl
//! allows: a parent before its children, attachments at any time.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::records::{
    Account, Organization, OrganizationalUnit, PolicySummary, PolicyType, Root,
};

/// The position of a node in its organization.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct NodeIdx(pub usize);

/// What a node of the tree is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    Root,
    OrganizationalUnit,
    Account(Box<Account>),
}

impl NodeKind {
    /// The kind as the headless output names it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Root => "root",
            Self::OrganizationalUnit => "organizational_unit",
            Self::Account(_) => "account",
        }
    }
}

/// One root, organizational unit or account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub kind: NodeKind,
    pub parent: Option<NodeIdx>,
    /// Organizational units first, then accounts, each by name.
    pub children: Vec<NodeIdx>,
    /// Why part of this node's children could not be read, if it failed.
    pub failure: Option<String>,
    /// How many accounts stand below this node, at any depth.
    pub accounts_below: usize,
}

impl Node {
    /// The account behind this node, if it is one.
    pub fn account(&self) -> Option<&Account> {
        match &self.kind {
            NodeKind::Account(account) => Some(account),
            _ => None,
        }
    }

    /// Whether this node can have children.
    pub fn is_container(&self) -> bool {
        !matches!(self.kind, NodeKind::Account(_))
    }

    fn sort_key(&self) -> (bool, String, &str) {
        let is_account = !self.is_container();
        (is_account, self.name.to_lowercase(), self.id.as_str())
    }
}

/// A policy that applies to a node, and the node it is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedPolicy<'a> {
    pub policy: &'a PolicySummary,
    pub attached_to: NodeIdx,
}

/// A piece of the organization that does not fit what is already known.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrgError {
    #[error("parent {0} is not in the organization")]
    UnknownParent(String),
    #[error("{0} is already in the organization")]
    Duplicate(String),
}

/// The whole organization: its nodes, policies and attachments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub organization: Option<Organization>,
    nodes: Vec<Node>,
    by_id: HashMap<String, NodeIdx>,
    policies: Vec<PolicySummary>,
    policy_by_id: HashMap<String, usize>,
    /// Target id to the ids of the policies attached to it, in arrival order.
    attachments: HashMap<String, Vec<String>>,
    /// Policy documents read so far, by policy id.
    policy_contents: HashMap<String, String>,
    /// Policies whose targets could not be read: the attachments of every
    /// node are then incomplete.
    unread_attachments: Vec<String>,
    /// The service principals with trusted access to the organization, once
    /// read (`ListAWSServiceAccessForOrganization`).
    pub trusted_services: Option<Vec<String>>,
    account_count: usize,
}

impl Org {
    /// An empty organization, waiting for its root.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the organization's root; it becomes the top of the tree.
    pub fn add_root(&mut self, root: Root) -> Result<NodeIdx, OrgError> {
        let node = Node {
            id: root.id,
            arn: root.arn,
            name: root.name,
            kind: NodeKind::Root,
            parent: None,
            children: Vec::new(),
            failure: None,
            accounts_below: 0,
        };
        self.insert(node)
    }

    /// Adds an organizational unit under the node `parent_id`.
    pub fn add_organizational_unit(
        &mut self,
        parent_id: &str,
        unit: OrganizationalUnit,
    ) -> Result<NodeIdx, OrgError> {
        let parent = self.require(parent_id)?;
        let node = Node {
            id: unit.id,
            arn: unit.arn,
            name: unit.name,
            kind: NodeKind::OrganizationalUnit,
            parent: Some(parent),
            children: Vec::new(),
            failure: None,
            accounts_below: 0,
        };
        self.insert(node)
    }

    /// Adds an account under the node `parent_id`.
    pub fn add_account(
        &mut self,
        parent_id: &str,
        account: Account,
    ) -> Result<NodeIdx, OrgError> {
        let parent = self.require(parent_id)?;
        let node = Node {
            id: account.id.clone(),
            arn: account.arn.clone(),
            name: account.name.clone(),
            kind: NodeKind::Account(Box::new(account)),
            parent: Some(parent),
            children: Vec::new(),
            failure: None,
            accounts_below: 0,
        };
        let idx = self.insert(node)?;
        self.account_count += 1;
        let mut at = Some(parent);
        while let Some(ancestor) = at {
            self.nodes[ancestor.0].accounts_below += 1;
            at = self.nodes[ancestor.0].parent;
        }
        Ok(idx)
    }

    /// Records a policy; attachments may name it before or after.
    pub fn add_policy(&mut self, policy: PolicySummary) {
        match self.policy_by_id.get(&policy.id) {
            Some(&at) => self.policies[at] = policy,
            None => {
                self.policy_by_id
                    .insert(policy.id.clone(), self.policies.len());
                self.policies.push(policy);
            }
        }
    }

    /// Records that `policy_id` is attached to `target_id`.
    pub fn attach(&mut self, policy_id: &str, target_id: &str) {
        let attached = self.attachments.entry(target_id.to_string()).or_default();
        if !attached.iter().any(|id| id == policy_id) {
            attached.push(policy_id.to_string());
        }
    }

    /// Records that the targets of `policy_id` could not be read.
    pub fn mark_attachments_unread(&mut self, policy_id: &str) {
        self.unread_attachments.push(policy_id.to_string());
    }

    /// The policies whose targets could not be read.
    pub fn unread_attachments(&self) -> &[String] {
        &self.unread_attachments
    }

    /// Records the document of policy `policy_id`.
    pub fn set_policy_content(&mut self, policy_id: &str, content: String) {
        self.policy_contents.insert(policy_id.to_string(), content);
    }

    /// The document of policy `policy_id`, if it has been read.
    pub fn policy_content(&self, policy_id: &str) -> Option<&str> {
        self.policy_contents.get(policy_id).map(String::as_str)
    }

    /// Marks the node `id` as partly unread, with the reason.
    pub fn mark_failed(&mut self, id: &str, reason: impl Into<String>) {
        if let Some(&idx) = self.by_id.get(id) {
            self.nodes[idx.0].failure = Some(reason.into());
        }
    }

    /// Sorts the children of `idx`: organizational units first, then
    /// accounts, each by name.
    pub fn sort_children(&mut self, idx: NodeIdx) {
        let mut children = std::mem::take(&mut self.nodes[idx.0].children);
        children
            .sort_by(|a, b| self.nodes[a.0].sort_key().cmp(&self.nodes[b.0].sort_key()));
        self.nodes[idx.0].children = children;
    }

    /// The root, once it is known.
    pub fn root(&self) -> Option<NodeIdx> {
        self.nodes
            .iter()
            .position(|n| n.kind == NodeKind::Root)
            .map(NodeIdx)
    }

    /// The node at `idx`.
    pub fn node(&self, idx: NodeIdx) -> &Node {
        &self.nodes[idx.0]
    }

    /// Every node, in the order they arrived.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = (NodeIdx, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeIdx(i), n))
    }

    /// The node with the AWS id `id`.
    pub fn find(&self, id: &str) -> Option<NodeIdx> {
        self.by_id.get(id).copied()
    }

    /// How many nodes the tree holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether nothing has arrived yet.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// How many accounts the tree holds.
    pub fn account_count(&self) -> usize {
        self.account_count
    }

    /// How many organizational units the tree holds.
    pub fn organizational_unit_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::OrganizationalUnit)
            .count()
    }

    /// Every policy known, in arrival order.
    pub fn policies(&self) -> &[PolicySummary] {
        &self.policies
    }

    /// The policy with id `id`.
    pub fn policy(&self, id: &str) -> Option<&PolicySummary> {
        self.policy_by_id.get(id).map(|&at| &self.policies[at])
    }

    /// The policies of type `policy_type` attached directly to `target_id`,
    /// by name.
    pub fn attached(
        &self,
        target_id: &str,
        policy_type: PolicyType,
    ) -> Vec<&PolicySummary> {
        let mut found: Vec<&PolicySummary> = self
            .attachments
            .get(target_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.policy(id))
            .filter(|p| p.policy_type == policy_type)
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// The policies of `policy_type` that apply to `idx`: those attached to
    /// it directly first, then those inherited from its parent, and so on up
    /// to the root.
    pub fn applied(
        &self,
        idx: NodeIdx,
        policy_type: PolicyType,
    ) -> Vec<AppliedPolicy<'_>> {
        let mut levels = self.ancestors(idx);
        levels.push(idx);
        levels
            .iter()
            .rev()
            .flat_map(|&level| {
                self.attached(&self.nodes[level.0].id, policy_type)
                    .into_iter()
                    .map(move |policy| AppliedPolicy {
                        policy,
                        attached_to: level,
                    })
            })
            .collect()
    }

    /// How many targets `policy_id` is attached to.
    pub fn attachment_count(&self, policy_id: &str) -> usize {
        self.attachments
            .values()
            .filter(|ids| ids.iter().any(|id| id == policy_id))
            .count()
    }

    /// The ancestors of `idx`, the root first, `idx` itself excluded.
    pub fn ancestors(&self, idx: NodeIdx) -> Vec<NodeIdx> {
        let mut chain = Vec::new();
        let mut at = self.nodes[idx.0].parent;
        while let Some(parent) = at {
            chain.push(parent);
            at = self.nodes[parent.0].parent;
        }
        chain.reverse();
        chain
    }

    /// The names from the root down to `idx`, joined by " / ".
    pub fn path(&self, idx: NodeIdx) -> String {
        let mut names: Vec<&str> = self
            .ancestors(idx)
            .iter()
            .map(|&a| self.nodes[a.0].name.as_str())
            .collect();
        names.push(&self.nodes[idx.0].name);
        names.join(" / ")
    }

    /// Counts the organizational units and accounts directly under `idx`.
    pub fn child_counts(&self, idx: NodeIdx) -> (usize, usize) {
        let children = &self.nodes[idx.0].children;
        let accounts = children
            .iter()
            .filter(|c| !self.nodes[c.0].is_container())
            .count();
        (children.len() - accounts, accounts)
    }

    /// Whether every index points inside the tree and every id finds its
    /// own node: what a file read back must hold before it is trusted.
    pub fn is_consistent(&self) -> bool {
        let inside = |idx: NodeIdx| idx.0 < self.nodes.len();
        let links = self.nodes.iter().enumerate().all(|(at, node)| {
            node.parent.is_none_or(|p| {
                inside(p) && self.nodes[p.0].children.contains(&NodeIdx(at))
            }) && node
                .children
                .iter()
                .all(|&c| inside(c) && self.nodes[c.0].parent == Some(NodeIdx(at)))
        });
        let ids = self.by_id.len() == self.nodes.len()
            && self
                .by_id
                .iter()
                .all(|(id, &idx)| inside(idx) && self.nodes[idx.0].id == *id);
        let roots = self.nodes.iter().filter(|n| n.parent.is_none()).count();
        links
            && ids
            && roots <= 1
            && self
                .policy_by_id
                .values()
                .all(|&at| at < self.policies.len())
    }

    fn require(&self, id: &str) -> Result<NodeIdx, OrgError> {
        self.find(id)
            .ok_or_else(|| OrgError::UnknownParent(id.to_string()))
    }

    fn insert(&mut self, node: Node) -> Result<NodeIdx, OrgError> {
        if self.by_id.contains_key(&node.id) {
            return Err(OrgError::Duplicate(node.id));
        }
        let idx = NodeIdx(self.nodes.len());
        if let Some(parent) = node.parent {
            self.nodes[parent.0].children.push(idx);
        }
        self.by_id.insert(node.id.clone(), idx);
        self.nodes.push(node);
        Ok(idx)
    }
}
