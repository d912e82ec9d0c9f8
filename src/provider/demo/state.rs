//! The demo organization's state, held the way AWS holds it: records by id,
//! children by parent, targets by policy. The demo provider answers every
//! listing from here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::costs::DemoCosts;
use super::ids;
use crate::model::action::InviteTarget;
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
    /// Invitations the organization sent, in the order it sent them.
    pub handshakes: Vec<DemoHandshake>,
    /// Service control policies AWS lets one root, OU or account have
    /// attached: 10 since May 2026, 5 before.
    pub scp_limit: usize,
    /// Actions carried out so far; each request id is drawn from it, so ids
    /// never repeat within a run and are the same on every run.
    pub actions_performed: u64,
}

/// An invitation to join the organization, as the demo keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHandshake {
    pub id: String,
    pub arn: String,
    /// As AWS spells it. Nobody answers the demo's invitations: those it
    /// sends stay OPEN until cancelled.
    pub state: String,
    pub target: InviteTarget,
    pub sent: Sent,
}

/// When a handshake was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// At this instant: an invitation the demo was asked to send.
    At(DateTime<Utc>),
    /// This long before whatever the clock says now: the description's
    /// invitations look as recent on any day the demo runs.
    Before(Duration),
}

impl Sent {
    /// The instant it was sent, when the clock says `now`.
    pub fn at(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::At(at) => at,
            Self::Before(age) => now - age,
        }
    }
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
            handshakes: Vec::new(),
            scp_limit: 10,
            actions_performed: 0,
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

    /// Detaches `policy_id` from `target_id`, if it is attached.
    pub fn detach(&mut self, policy_id: &str, target_id: &str) {
        if let Some(targets) = self.targets_of.get_mut(policy_id) {
            targets.retain(|t| t != target_id);
        }
    }

    /// Moves the account or unit `child_id` under `parent_id`, last among
    /// its new siblings.
    pub fn move_child(&mut self, child_id: &str, parent_id: &str) {
        if let Some(old) = self.parent_of.get(child_id)
            && let Some(siblings) = self.children.get_mut(old)
        {
            siblings.retain(|c| c != child_id);
        }
        self.link(parent_id, child_id);
    }

    /// Records an invitation to `target` in `state`, sent `sent`; its id
    /// and ARN are drawn here. Returns the id.
    pub fn add_handshake(
        &mut self,
        target: InviteTarget,
        sent: Sent,
        state: &str,
    ) -> String {
        let mut seed = self.handshakes.len();
        let id = loop {
            let id = ids::handshake_id(&format!("{}#{seed}", target.id()));
            if !self.handshakes.iter().any(|h| h.id == id) {
                break id;
            }
            seed += 1;
        };
        self.handshakes.push(DemoHandshake {
            arn: self.arn("handshake", &format!("invite/{id}")),
            id: id.clone(),
            state: state.to_string(),
            target,
            sent,
        });
        id
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
