//! The demo organization's state, held the way AWS holds it: records by id,
//! children by parent, targets by policy. The demo provider answers every
//! listing from here.

use std::collections::HashMap;

use super::costs::DemoCosts;
use crate::model::control_tower::{EnabledBaseline, EnabledControl, LandingZone};
use crate::model::{
    Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyType, Root,
    Tag,
};

/// An organization in memory.
#[derive(Debug, Clone)]
pub struct DemoState {
    pub organization: Organization,
    pub root: Root,
    pub units: HashMap<String, OrganizationalUnit>,
    pub accounts: HashMap<String, Account>,
    pub parent_of: HashMap<String, String>,
    /// Child ids in the order they were created, as AWS lists them.
    pub children: HashMap<String, Vec<String>>,
    /// Policies in the order they were created.
    pub policies: Vec<Policy>,
    /// Policy id to target ids, in attachment order.
    pub targets_of: HashMap<String, Vec<String>>,
    /// Resource id to its tags, by key.
    pub tags: HashMap<String, Vec<Tag>>,
    /// Service principals with trusted access to the organization.
    pub trusted_services: Vec<String>,
    /// Control Tower, where the organization has a landing zone.
    pub control_tower: Option<DemoControlTower>,
    /// What the organization spends, where the description says.
    pub costs: Option<DemoCosts>,
}

/// What the demo's Control Tower answers.
#[derive(Debug, Clone)]
pub struct DemoControlTower {
    pub landing_zone: LandingZone,
    pub baselines: Vec<EnabledBaseline>,
    pub controls: Vec<EnabledControl>,
}

impl DemoState {
    /// An organization with only its root.
    pub fn new(organization: Organization, root_id: &str) -> Self {
        let root = Root {
            id: root_id.to_string(),
            arn: format!(
                "arn:aws:organizations::{}:root/{}/{}",
                organization.management_account_id, organization.id, root_id
            ),
            name: "Root".to_string(),
        };
        Self {
            organization,
            root,
            units: HashMap::new(),
            accounts: HashMap::new(),
            parent_of: HashMap::new(),
            children: HashMap::new(),
            policies: Vec::new(),
            targets_of: HashMap::new(),
            tags: HashMap::new(),
            trusted_services: Vec::new(),
            control_tower: None,
            costs: None,
        }
    }

    /// The ARN prefix of everything this organization owns.
    fn arn(&self, kind: &str, id: &str) -> String {
        let org = &self.organization;
        format!(
            "arn:aws:organizations::{}:{kind}/{}/{id}",
            org.management_account_id, org.id
        )
    }

    /// Creates an organizational unit named `name` with id `id` under
    /// `parent_id`.
    pub fn add_unit(&mut self, parent_id: &str, id: String, name: &str) {
        let unit = OrganizationalUnit {
            arn: self.arn("ou", &id),
            id: id.clone(),
            name: name.into(),
        };
        self.link(parent_id, &id);
        self.units.insert(id, unit);
    }

    /// Adds `account` under `parent_id`; its ARN is filled in here.
    pub fn add_account(&mut self, parent_id: &str, mut account: Account) {
        account.arn = self.arn("account", &account.id);
        self.link(parent_id, &account.id);
        self.accounts.insert(account.id.clone(), account);
    }

    /// Creates a policy; its ARN is filled in here.
    pub fn add_policy(&mut self, mut policy: Policy) {
        let summary = &mut policy.summary;
        let type_path = summary.policy_type.as_aws_str().to_lowercase();
        summary.arn = if summary.aws_managed {
            format!(
                "arn:aws:organizations::aws:policy/{type_path}/{}",
                summary.id
            )
        } else {
            self.arn("policy", &format!("{type_path}/{}", summary.id))
        };
        self.policies.push(policy);
    }

    /// Attaches `policy_id` to `target_id`, once.
    pub fn attach(&mut self, policy_id: &str, target_id: &str) {
        let targets = self.targets_of.entry(policy_id.to_string()).or_default();
        if !targets.iter().any(|t| t == target_id) {
            targets.push(target_id.to_string());
        }
    }

    /// Sets the tag `key` of the resource `resource_id` to `value`.
    pub fn tag(&mut self, resource_id: &str, key: &str, value: &str) {
        let tags = self.tags.entry(resource_id.to_string()).or_default();
        tags.retain(|t| t.key != key);
        tags.push(Tag {
            key: key.to_string(),
            value: value.to_string(),
        });
        tags.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// The policy with id `id`.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.summary.id == id)
    }

    /// The summaries of every policy of `policy_type`, in creation order.
    pub fn policy_summaries(&self, policy_type: PolicyType) -> Vec<PolicySummary> {
        self.policies
            .iter()
            .filter(|p| p.summary.policy_type == policy_type)
            .map(|p| p.summary.clone())
            .collect()
    }

    /// Whether `id` is `ancestor` or stands anywhere below it.
    pub fn is_within(&self, id: &str, ancestor: &str) -> bool {
        let mut at = Some(id);
        while let Some(current) = at {
            if current == ancestor {
                return true;
            }
            at = self.parent_of.get(current).map(String::as_str);
        }
        false
    }

    /// Whether `id` names the root or an organizational unit.
    pub fn is_parent(&self, id: &str) -> bool {
        id == self.root.id || self.units.contains_key(id)
    }

    /// Whether `id` names the root, an organizational unit or an account.
    pub fn is_target(&self, id: &str) -> bool {
        self.is_parent(id) || self.accounts.contains_key(id)
    }

    fn link(&mut self, parent_id: &str, child_id: &str) {
        self.parent_of
            .insert(child_id.to_string(), parent_id.to_string());
        self.children
            .entry(parent_id.to_string())
            .or_default()
            .push(child_id.to_string());
    }
}
