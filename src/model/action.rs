//! Actions on the organization, as values: the value a person previews and
//! confirms is exactly the value that runs. Each has a preflight, pure and
//! tested, that blocks what AWS would refuse or what makes no sense, and
//! warns about what AWS allows but a person should know.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::control_tower::{ControlTower, ControlTowerState, id_from_arn};
use super::drift::{GUARDRAIL_PREFIX, allows_actions};
use super::org::{NodeIdx, Org};
use super::records::{PolicySummary, PolicyType};

/// Something orgtop can do to the organization.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// `MoveAccount`: the account, the parent it is under now, and where it
    /// goes (an OU or the root).
    MoveAccount {
        account_id: String,
        source_parent_id: String,
        destination_parent_id: String,
    },
    /// `InviteAccountToOrganization`: by 12-digit account id or by email.
    InviteAccount {
        target: InviteTarget,
        notes: Option<String>,
    },
    /// `CancelHandshake`: withdraws an open invitation.
    CancelHandshake { handshake_id: String },
    /// `AttachPolicy`: a service control policy to a root, OU or account.
    AttachPolicy {
        policy_id: String,
        target_id: String,
    },
    /// `DetachPolicy`.
    DetachPolicy {
        policy_id: String,
        target_id: String,
    },
}

/// Whom an invitation goes to, as `Target.Type` names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InviteTarget {
    Account(String),
    Email(String),
}

impl InviteTarget {
    /// The target's id, an account id or an email address.
    pub fn id(&self) -> &str {
        match self {
            Self::Account(id) | Self::Email(id) => id,
        }
    }
}

impl Action {
    /// The AWS operation the action calls.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::MoveAccount { .. } => "MoveAccount",
            Self::InviteAccount { .. } => "InviteAccountToOrganization",
            Self::CancelHandshake { .. } => "CancelHandshake",
            Self::AttachPolicy { .. } => "AttachPolicy",
            Self::DetachPolicy { .. } => "DetachPolicy",
        }
    }

    /// The call's parameters, as AWS names them, in the order a person
    /// reads them.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::MoveAccount {
                account_id,
                source_parent_id,
                destination_parent_id,
            } => vec![
                ("AccountId", account_id.clone()),
                ("SourceParentId", source_parent_id.clone()),
                ("DestinationParentId", destination_parent_id.clone()),
            ],
            Self::InviteAccount { target, notes } => {
                let kind = match target {
                    InviteTarget::Account(_) => "ACCOUNT",
                    InviteTarget::Email(_) => "EMAIL",
                };
                let mut parameters = vec![
                    ("Target.Type", kind.to_string()),
                    ("Target.Id", target.id().to_string()),
                ];
                if let Some(notes) = notes {
                    parameters.push(("Notes", notes.clone()));
                }
                parameters
            }
            Self::CancelHandshake { handshake_id } => {
                vec![("HandshakeId", handshake_id.clone())]
            }
            Self::AttachPolicy {
                policy_id,
                target_id,
            }
            | Self::DetachPolicy {
                policy_id,
                target_id,
            } => {
                vec![
                    ("PolicyId", policy_id.clone()),
                    ("TargetId", target_id.clone()),
                ]
            }
        }
    }

    /// The id a person types to confirm a high-risk action: the account
    /// for a move, the target of an attach or detach.
    pub fn confirmation_id(&self) -> &str {
        match self {
            Self::MoveAccount { account_id, .. } => account_id,
            Self::InviteAccount { target, .. } => target.id(),
            Self::CancelHandshake { handshake_id } => handshake_id,
            Self::AttachPolicy { target_id, .. }
            | Self::DetachPolicy { target_id, .. } => target_id,
        }
    }
}

/// How much a warning matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Worth knowing.
    Notice,
    /// Can cut a team off or put accounts outside their guardrails: the
    /// person must type the target's id to confirm.
    High,
}

/// Something AWS allows but a person should know before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub risk: Risk,
    /// What will happen, in words.
    pub message: String,
    /// What repairs it afterwards, if anything.
    pub remedy: Option<String>,
}

/// The preflight's verdict on an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preflight {
    /// Why the action cannot run; it runs only when this is empty.
    pub blockers: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The accounts the action changes what applies to, by id.
    pub affected_accounts: Vec<String>,
}

impl Preflight {
    /// Whether the action may run.
    pub fn allowed(&self) -> bool {
        self.blockers.is_empty()
    }

    /// Whether the person must type the target's id to confirm.
    pub fn needs_typed_confirmation(&self) -> bool {
        self.warnings.iter().any(|w| w.risk == Risk::High)
    }
}

/// An invitation to join the organization (`ListHandshakesForOrganization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    pub id: String,
    pub arn: String,
    /// REQUESTED, OPEN, CANCELED, ACCEPTED, DECLINED or EXPIRED.
    pub state: String,
    /// Whom it went to: an account id or an email address.
    pub target: InviteTarget,
    pub requested: chrono::DateTime<chrono::Utc>,
    /// Handshakes expire 15 days after they are sent.
    pub expires: chrono::DateTime<chrono::Utc>,
}

impl Handshake {
    /// Whether it may still be accepted or cancelled.
    pub fn is_open(&self) -> bool {
        matches!(self.state.as_str(), "REQUESTED" | "OPEN")
    }
}

/// What the preflight reads: the organization as last crawled, Control
/// Tower's view of it, the invitations, the SCP limit and the date.
#[derive(Debug, Clone, Copy)]
pub struct PreflightContext<'a> {
    /// The organization as last crawled.
    pub org: &'a Org,
    /// `None` while Control Tower's state has not been read yet.
    pub control_tower: Option<&'a ControlTower>,
    /// The organization's handshakes, open and recent.
    pub handshakes: &'a [Handshake],
    /// How many SCPs a root, OU or account may have attached.
    pub scp_limit: usize,
    /// Today, in UTC, as billing counts days.
    pub today: NaiveDate,
}

/// Checks `action` against the organization: what blocks it, what it risks
/// and which accounts it changes. Warnings and affected accounts are given
/// only for an action that may run: a blocked one changes nothing.
pub fn preflight(action: &Action, context: &PreflightContext) -> Preflight {
    let mut check = Check {
        context,
        org: context.org,
        verdict: Preflight::default(),
    };
    match action {
        Action::MoveAccount {
            account_id,
            source_parent_id,
            destination_parent_id,
        } => {
            check.move_account(account_id, source_parent_id, destination_parent_id);
        }
        Action::InviteAccount { target, .. } => check.invite(target),
        Action::CancelHandshake { handshake_id } => check.cancel(handshake_id),
        Action::AttachPolicy {
            policy_id,
            target_id,
        } => {
            check.policy_change(policy_id, target_id, Change::Attach);
        }
        Action::DetachPolicy {
            policy_id,
            target_id,
        } => {
            check.policy_change(policy_id, target_id, Change::Detach);
        }
    }
    check.verdict
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Attach,
    Detach,
}

/// Whether the SCPs attached at one level of the tree allow anything.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allows {
    Yes,
    No,
    /// Some document is unread, or no SCP is known there.
    Unknown,
}

/// The preflight of one action, as it is worked out.
struct Check<'a> {
    context: &'a PreflightContext<'a>,
    org: &'a Org,
    verdict: Preflight,
}

impl<'a> Check<'a> {
    fn block(&mut self, reason: String) {
        self.verdict.blockers.push(reason);
    }

    fn warn(&mut self, risk: Risk, message: String, remedy: Option<String>) {
        self.verdict.warnings.push(Warning {
            risk,
            message,
            remedy,
        });
    }

    fn name(&self, idx: NodeIdx) -> &'a str {
        &self.org.node(idx).name
    }

    fn management_id(&self) -> Option<&'a str> {
        let organization = self.org.organization.as_ref()?;
        Some(organization.management_account_id.as_str())
    }

    fn move_account(&mut self, account_id: &str, source_id: &str, destination_id: &str) {
        let org = self.org;
        let account = org
            .find(account_id)
            .filter(|&i| org.node(i).account().is_some());
        let destination = self.destination(destination_id);
        let Some(account) = account else {
            self.block(format!(
                "There is no account {account_id} in the organization."
            ));
            return;
        };
        let name = self.name(account);
        if self.management_id() == Some(account_id) {
            self.block(format!(
                "{name} is the management account: it stays at the root and cannot be moved."
            ));
        }
        let Some(current) = org.node(account).parent else {
            return;
        };
        if org.node(current).id != source_id {
            let claimed = org.find(source_id).map_or(source_id, |i| self.name(i));
            self.block(format!(
                "{name} is in {}, not in {claimed}: the tree is out of date. Refresh and try again.",
                self.name(current)
            ));
        }
        let Some(destination) = destination else {
            return;
        };
        if destination == current {
            self.block(format!("{name} is already in {}.", self.name(current)));
        }
        if !self.verdict.allowed() {
            return;
        }

        self.verdict.affected_accounts.push(account_id.to_string());
        self.control_tower_on_move(account, current, destination);
        self.allow_path_on_move(account, destination);
        self.scps_on_move(account, current, destination);
    }

    /// The parent an account may move into: the root or an OU.
    fn destination(&mut self, id: &str) -> Option<NodeIdx> {
        let Some(idx) = self.org.find(id) else {
            self.block(format!(
                "There is no root or OU {id} to move the account into."
            ));
            return None;
        };
        if !self.org.node(idx).is_container() {
            self.block(format!(
                "{} is an account: an account can only move into the root or an OU.",
                self.name(idx)
            ));
            return None;
        }
        Some(idx)
    }

    fn control_tower_on_move(&mut self, account: NodeIdx, from: NodeIdx, to: NodeIdx) {
        let name = self.name(account);
        let state = match self.context.control_tower {
            Some(ControlTower::Available(state)) => state,
            Some(ControlTower::Unavailable { reason }) => {
                let message = format!(
                    "Control Tower could not be read ({reason}): whether moving {name} drifts from its guardrails was not checked."
                );
                self.warn(Risk::Notice, message, None);
                return;
            }
            None => {
                let message = format!(
                    "Control Tower has not been read yet: whether moving {name} drifts from its guardrails was not checked."
                );
                self.warn(Risk::Notice, message, None);
                return;
            }
        };
        let governed = governed_targets(state);
        let registered = |idx: NodeIdx| governed.contains(self.org.node(idx).id.as_str());
        let (from_name, to_name) = (self.name(from), self.name(to));
        if registered(from) {
            let mut message = format!(
                "{name} leaves {from_name}, an OU registered with Control Tower: Control Tower will report drift (ACCOUNT_MOVED_BETWEEN_OUS)."
            );
            let remedy = if registered(to) {
                format!(
                    "Afterwards re-register {to_name} (ResetEnabledBaseline) to enroll {name} there, or move it back to {from_name}."
                )
            } else {
                message.push_str(&format!(
                    " {to_name} is not registered, so Control Tower stops governing {name}."
                ));
                format!(
                    "Register {to_name} with Control Tower and enroll {name} there, or move it back to {from_name}."
                )
            };
            self.warn(Risk::High, message, Some(remedy));
        } else if !registered(to) && registered(account) {
            let message = format!(
                "{name} is enrolled in Control Tower, but {to_name} is not registered: Control Tower will report drift and stop governing it."
            );
            let remedy = format!(
                "Register {to_name} with Control Tower (its accounts are then enrolled), or move {name} into a registered OU."
            );
            self.warn(Risk::Notice, message, Some(remedy));
        }
    }

    fn allow_path_on_move(&mut self, account: NodeIdx, to: NodeIdx) {
        let org = self.org;
        let mut before = org.ancestors(account);
        before.push(account);
        let mut after = org.ancestors(to);
        after.extend([to, account]);
        if self.first_denying(&before).is_some() {
            return;
        }
        let Some(level) = self.first_denying(&after) else {
            return;
        };
        let (name, level_name) = (self.name(account), self.name(level));
        let message = format!(
            "No SCP attached to {level_name} allows any action: once moved, everything {name} does is denied."
        );
        let remedy = format!(
            "Attach FullAWSAccess (or another allowing SCP) to {level_name} first, or choose another OU."
        );
        self.warn(Risk::High, message, Some(remedy));
    }

    /// The first level, from the top, whose SCPs allow nothing.
    fn first_denying(&self, levels: &[NodeIdx]) -> Option<NodeIdx> {
        levels.iter().copied().find(|&level| {
            let attached = self.org.attached(&self.org.node(level).id, SCP);
            self.allows(&attached) == Allows::No
        })
    }

    fn allows(&self, policies: &[&PolicySummary]) -> Allows {
        let verdicts: Vec<Option<bool>> = policies
            .iter()
            .map(|p| allows_actions(self.org, p))
            .collect();
        if verdicts.contains(&Some(true)) {
            Allows::Yes
        } else if verdicts.is_empty() || verdicts.contains(&None) {
            Allows::Unknown
        } else {
            Allows::No
        }
    }

    fn scps_on_move(&mut self, account: NodeIdx, from: NodeIdx, to: NodeIdx) {
        let applied = |idx: NodeIdx| -> BTreeMap<&'a str, &'a str> {
            let applied = self.org.applied(idx, SCP);
            applied
                .iter()
                .map(|a| (a.policy.id.as_str(), a.policy.name.as_str()))
                .collect()
        };
        let (before, after) = (applied(from), applied(to));
        let names = |of: &BTreeMap<&str, &'a str>, not_in: &BTreeMap<&str, &str>| {
            let mut names: Vec<&str> = of
                .iter()
                .filter(|(id, _)| !not_in.contains_key(*id))
                .map(|(_, n)| *n)
                .collect();
            names.sort_unstable();
            names
        };
        let (gained, lost) = (names(&after, &before), names(&before, &after));
        if gained.is_empty() && lost.is_empty() {
            return;
        }

        let mut changes = Vec::new();
        if !gained.is_empty() {
            changes.push(format!("gains {}", scps(&gained)));
        }
        if !lost.is_empty() {
            changes.push(format!("loses {}", scps(&lost)));
        }
        let message = format!(
            "In {}, {} {}.",
            self.name(to),
            self.name(account),
            changes.join(" and ")
        );
        self.warn(Risk::Notice, message, None);
    }

    fn policy_change(&mut self, policy_id: &str, target_id: &str, change: Change) {
        let org = self.org;
        let policy = org.policy(policy_id);
        let target = org.find(target_id);
        if policy.is_none() {
            self.block(format!(
                "There is no policy {policy_id} in the organization."
            ));
        }
        if target.is_none() {
            self.block(format!("There is no root, OU or account {target_id}."));
        }
        let (Some(policy), Some(target)) = (policy, target) else {
            return;
        };
        if org.unread_attachments().iter().any(|id| id == policy_id) {
            self.block(format!(
                "Where {} is attached could not be read: refresh before changing it.",
                policy.name
            ));
            return;
        }
        match change {
            Change::Attach => self.attach_blockers(policy, target),
            Change::Detach => self.detach_blockers(policy, target),
        }
        if !self.verdict.allowed() {
            return;
        }

        self.verdict.affected_accounts = self.accounts_at_or_below(target);
        if policy.policy_type != SCP {
            return;
        }
        match change {
            Change::Attach => self.guardrail_attached(policy, target),
            Change::Detach => {
                self.guardrail_detached(policy, target);
                self.allow_path_on_detach(policy, target);
            }
        }
    }

    fn attach_blockers(&mut self, policy: &PolicySummary, target: NodeIdx) {
        let node = self.org.node(target);
        let attached = self.org.attached(&node.id, policy.policy_type);
        let kind = policy.policy_type.short_name();
        if attached.iter().any(|p| p.id == policy.id) {
            self.block(format!(
                "{} is already attached to {}.",
                policy.name, node.name
            ));
        } else if policy.policy_type == SCP && attached.len() >= self.context.scp_limit {
            self.block(format!(
                "{} already has {} {kind}s attached, the limit of {}: detach one first, or attach {} one level up.",
                node.name,
                attached.len(),
                self.context.scp_limit,
                policy.name
            ));
        }
    }

    fn detach_blockers(&mut self, policy: &PolicySummary, target: NodeIdx) {
        let node = self.org.node(target);
        let attached = self.org.attached(&node.id, policy.policy_type);
        let kind = policy.policy_type.short_name();
        if !attached.iter().any(|p| p.id == policy.id) {
            let inherited = self
                .org
                .applied(target, policy.policy_type)
                .into_iter()
                .find(|a| a.policy.id == policy.id && a.attached_to != target);
            let mut reason = format!("{} is not attached to {}", policy.name, node.name);
            if let Some(inherited) = inherited {
                reason.push_str(&format!(
                    ": it applies there because it is attached to {}",
                    self.name(inherited.attached_to)
                ));
            }
            reason.push('.');
            self.block(reason);
        } else if attached.len() == 1 {
            self.block(format!(
                "{} is the only {kind} attached to {}, and AWS requires every root, OU and account to keep at least one: attach another there first.",
                policy.name, node.name
            ));
        }
    }

    /// The accounts at `target` or below it, in tree order.
    fn accounts_at_or_below(&self, target: NodeIdx) -> Vec<String> {
        let mut accounts = Vec::new();
        let mut stack = vec![target];
        while let Some(at) = stack.pop() {
            let node = self.org.node(at);
            if node.account().is_some() {
                accounts.push(node.id.clone());
            }
            stack.extend(node.children.iter().rev().copied());
        }
        accounts
    }

    /// How many accounts at or below `target` SCPs restrict, in words: all
    /// but the management account.
    fn restricted_accounts(&self, target: NodeIdx) -> String {
        let management = self.management_id();
        let accounts = self.accounts_at_or_below(target);
        let restricted = accounts
            .iter()
            .filter(|id| Some(id.as_str()) != management)
            .count();
        let mut words = plural(restricted, "account");
        if restricted < accounts.len() {
            words.push_str(
                ", not counting the management account, which SCPs never restrict",
            );
        }
        words
    }

    /// The targets of Control Tower's baseline, if its state was read.
    fn governed(&self) -> Option<HashSet<&'a str>> {
        match self.context.control_tower {
            Some(ControlTower::Available(state)) => Some(governed_targets(state)),
            _ => None,
        }
    }

    fn guardrail_attached(&mut self, policy: &PolicySummary, target: NodeIdx) {
        if !policy.name.starts_with(GUARDRAIL_PREFIX) {
            return;
        }
        let target_name = self.name(target);
        let mut message = format!(
            "{} is managed by Control Tower: attached by hand to {target_name}, it is not one of the controls Control Tower tracks there.",
            policy.name
        );
        let registered = self
            .governed()
            .map(|g| g.contains(self.org.node(target).id.as_str()));
        if registered == Some(false) {
            message.push_str(&format!(
                " {target_name} is not registered, so orgtop will report it as drift (GUARDRAIL_SCP_ON_UNREGISTERED_TARGET)."
            ));
        }
        let remedy = format!(
            "Enable the control through Control Tower instead (EnableControl), or register {target_name} with Control Tower."
        );
        self.warn(Risk::Notice, message, Some(remedy));
    }

    fn guardrail_detached(&mut self, policy: &PolicySummary, target: NodeIdx) {
        if !policy.name.starts_with(GUARDRAIL_PREFIX) {
            return;
        }
        let target_name = self.name(target);
        let message = format!(
            "{} is an SCP managed by Control Tower: detaching it removes its guardrails from {} and is drift (SCP_DETACHED_FROM_OU).",
            policy.name,
            self.restricted_accounts(target)
        );
        let remedy = format!(
            "Re-register {target_name} (ResetEnabledBaseline), which attaches {} again.",
            policy.name
        );
        self.warn(Risk::High, message, Some(remedy));
    }

    fn allow_path_on_detach(&mut self, policy: &PolicySummary, target: NodeIdx) {
        let node = self.org.node(target);
        if self.management_id() == Some(node.id.as_str())
            || allows_actions(self.org, policy) == Some(false)
        {
            return;
        }
        let mut remaining = self.org.attached(&node.id, SCP);
        remaining.retain(|p| p.id != policy.id);
        let everything = if node.is_container() {
            format!("everything in {}", node.name)
        } else {
            format!("everything {} does", node.name)
        };
        let accounts = self.restricted_accounts(target);

        match self.allows(&remaining) {
            Allows::No => {
                let message = format!(
                    "Once {} is detached, no SCP attached to {} allows any action: {everything} is denied ({accounts}).",
                    policy.name, node.name
                );
                let remedy = if is_full_aws_access(policy) {
                    format!(
                        "Keep FullAWSAccess on {}, or first attach another SCP there that allows what its accounts need.",
                        node.name
                    )
                } else {
                    format!(
                        "First attach FullAWSAccess (or another allowing SCP) to {}, then detach {}.",
                        node.name, policy.name
                    )
                };
                self.warn(Risk::High, message, Some(remedy));
            }
            Allows::Unknown => {
                let message = format!(
                    "The documents of the other SCPs on {} were not read: whether anything stays allowed there once {} is detached is unknown ({accounts}).",
                    node.name, policy.name
                );
                self.warn(Risk::Notice, message, None);
            }
            Allows::Yes if is_full_aws_access(policy) => {
                let allowing: Vec<&str> = remaining
                    .iter()
                    .filter(|p| allows_actions(self.org, p) == Some(true))
                    .map(|p| p.name.as_str())
                    .collect();
                let message = format!(
                    "Without FullAWSAccess, only what {} allows stays allowed in {} ({accounts}).",
                    allowing.join(" and "),
                    node.name
                );
                self.warn(Risk::Notice, message, None);
            }
            Allows::Yes => {}
        }
    }

    fn invite(&mut self, target: &InviteTarget) {
        match target {
            InviteTarget::Account(id) => self.invite_account(id),
            InviteTarget::Email(email) => self.invite_email(email),
        }
        if let Some(open) = self
            .context
            .handshakes
            .iter()
            .find(|h| h.is_open() && same_invite_target(&h.target, target))
        {
            self.block(format!(
                "An invitation to {} is already open ({}, expires {}): cancel it, or wait for an answer.",
                target.id(),
                open.id,
                open.expires.format("%Y-%m-%d")
            ));
        }
        if self.verdict.allowed() {
            self.mid_month_invite(target);
        }
    }

    fn invite_account(&mut self, id: &str) {
        if !is_account_id(id) {
            self.block(format!(
                "{id:?} is not an account id: an account id is 12 digits."
            ));
            return;
        }
        let member = self
            .org
            .find(id)
            .filter(|&i| self.org.node(i).account().is_some());
        if let Some(member) = member {
            self.block(format!("{id} is already a member: {}.", self.name(member)));
        } else if self.management_id() == Some(id) {
            self.block(format!(
                "{id} is the management account of this organization."
            ));
        }
    }

    fn invite_email(&mut self, email: &str) {
        if !is_email(email) {
            self.block(format!("{email:?} is not an email address."));
            return;
        }
        let member = self.org.nodes().find_map(|(_, node)| {
            node.account()
                .filter(|a| a.email.eq_ignore_ascii_case(email))
        });
        let management = self
            .org
            .organization
            .as_ref()
            .filter(|o| o.management_account_email.eq_ignore_ascii_case(email));
        if let Some(member) = member {
            self.block(format!(
                "{email} is the email of {} ({}), already a member.",
                member.name, member.id
            ));
        } else if management.is_some() {
            self.block(format!("{email} is the email of the management account."));
        }
    }

    /// An account that joins mid-month keeps using its credits on its own
    /// bill until the next full billing cycle.
    fn mid_month_invite(&mut self, target: &InviteTarget) {
        let today = self.context.today;
        let Some(next_month) = today
            .with_day(1)
            .and_then(|first| first.checked_add_months(Months::new(1)))
        else {
            return;
        };
        let Some(last_day) = next_month.pred_opt() else {
            return;
        };
        if today == last_day {
            return;
        }

        let message = format!(
            "If {} joins now, in the middle of the month, any credits it has stay on its own bill until the next full billing cycle, from {next_month}.",
            target.id()
        );
        let days_left = (last_day - today).num_days();
        let remedy = if days_left < i64::from(HANDSHAKE_DAYS) {
            format!(
                "Have it accept on {last_day}, the day before the month starts: the invitation stays open {HANDSHAKE_DAYS} days."
            )
        } else {
            let send_from = last_day - Days::new(u64::from(HANDSHAKE_DAYS - 1));
            format!(
                "Invitations expire after {HANDSHAKE_DAYS} days: send it on or after {send_from} and have it accepted on {last_day}, the day before the month starts."
            )
        };
        self.warn(Risk::Notice, message, Some(remedy));
    }

    fn cancel(&mut self, handshake_id: &str) {
        match self.context.handshakes.iter().find(|h| h.id == handshake_id) {
            None => self.block(format!(
                "There is no invitation {handshake_id}: refresh the invitations and try again."
            )),
            Some(handshake) if !handshake.is_open() => self.block(format!(
                "The invitation {handshake_id} to {} is {}: only an open invitation can be cancelled.",
                handshake.target.id(),
                handshake.state
            )),
            Some(_) => {}
        }
    }
}

const SCP: PolicyType = PolicyType::ServiceControlPolicy;

/// How many days an invitation stays open.
const HANDSHAKE_DAYS: u32 = 15;

/// Ids of the OUs registered with Control Tower and the accounts enrolled
/// in it: the targets of its baseline.
fn governed_targets(state: &ControlTowerState) -> HashSet<&str> {
    state
        .baselines
        .iter()
        .filter(|b| b.is_control_tower_baseline())
        .map(|b| id_from_arn(&b.target_identifier))
        .collect()
}

fn is_full_aws_access(policy: &PolicySummary) -> bool {
    policy.aws_managed && policy.name == "FullAWSAccess"
}

fn same_invite_target(a: &InviteTarget, b: &InviteTarget) -> bool {
    match (a, b) {
        (InviteTarget::Account(a), InviteTarget::Account(b)) => a == b,
        (InviteTarget::Email(a), InviteTarget::Email(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A reasonable check, not RFC 5322: one `@`, something before it, a
/// domain of dot-separated non-empty labels after it, and no white space.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(char::is_whitespace)
}

/// "the SCP A" or "the SCPs A, B and C".
fn scps(names: &[&str]) -> String {
    match names {
        [one] => format!("the SCP {one}"),
        [init @ .., last] => format!("the SCPs {} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
