//! Reads the demo organization from `organization.toml`, the one place that
//! describes it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::state::{DemoState, Sent};
use super::{control_tower, costs, ids};
use crate::model::action::InviteTarget;
use crate::model::{
    Account, AccountState, JoinedMethod, Organization, Policy, PolicySummary, PolicyType,
};

const DESCRIPTION: &str = include_str!("organization.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Description {
    organization: OrganizationEntry,
    root: RootEntry,
    #[serde(default)]
    unit: Vec<UnitEntry>,
    #[serde(default)]
    account: Vec<AccountEntry>,
    #[serde(default)]
    policy: Vec<PolicyEntry>,
    #[serde(default)]
    handshake: Vec<HandshakeEntry>,
    control_tower: Option<control_tower::ControlTowerEntry>,
    costs: Option<costs::CostsEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationEntry {
    id: String,
    management_account: String,
    attached_to_every_target: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootEntry {
    id: String,
    policies: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitEntry {
    path: String,
    #[serde(default)]
    policies: Vec<String>,
    /// Policies of `attached_to_every_target` someone detached here.
    #[serde(default)]
    detached: Vec<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    name: String,
    email: String,
    joined: DateTime<Utc>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default = "created")]
    method: JoinedMethod,
    #[serde(default = "active")]
    state: AccountState,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

fn created() -> JoinedMethod {
    JoinedMethod::Created
}

fn active() -> AccountState {
    AccountState::Active
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry {
    name: String,
    #[serde(rename = "type")]
    policy_type: PolicyType,
    description: String,
    content: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    aws_managed: bool,
}

/// An invitation the organization sent: to an account id or to an email
/// address, so many days before the demo's today.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandshakeEntry {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    email: Option<String>,
    sent_days_ago: u32,
    #[serde(default = "open")]
    state: String,
}

fn open() -> String {
    "OPEN".to_string()
}

/// The demo organization, as `organization.toml` describes it. The file
/// ships inside the binary, so an error here is a defect of the build.
pub fn northwind() -> Result<DemoState, String> {
    let description: Description = toml::from_str(DESCRIPTION)
        .map_err(|e| format!("the bundled demo organization does not parse: {e}"))?;
    build(description)
}

fn build(description: Description) -> Result<DemoState, String> {
    let mut account_ids = ids::AccountIds::default();
    let management = description
        .account
        .iter()
        .find(|a| a.name == description.organization.management_account)
        .ok_or("the demo's management account is not among its accounts")?;
    let management_id = account_ids.take(management.id.as_deref(), &management.name);
    let organization = Organization {
        arn: format!(
            "arn:aws:organizations::{management_id}:organization/{}",
            description.organization.id
        ),
        id: description.organization.id.clone(),
        management_account_id: management_id.clone(),
        management_account_email: management.email.clone(),
    };
    let mut state = DemoState::new(organization, &description.root.id);

    let policy_ids = add_policies(&mut state, &description.policy);
    let everywhere = &description.organization.attached_to_every_target;
    let root_id = state.root.id.clone();
    attach_by_name(&mut state, &policy_ids, everywhere, &root_id)?;
    attach_by_name(
        &mut state,
        &policy_ids,
        &description.root.policies,
        &root_id,
    )?;

    let unit_ids = add_units(&mut state, &description.unit, &policy_ids, everywhere)?;
    let mut account_ids_by_name = HashMap::new();
    for entry in &description.account {
        let id = if entry.name == management.name {
            management_id.clone()
        } else {
            account_ids.take(entry.id.as_deref(), &entry.name)
        };
        let parent = match &entry.unit {
            Some(path) => unit_ids
                .get(path.as_str())
                .ok_or_else(|| {
                    format!("account {} names unknown unit {path}", entry.name)
                })?
                .clone(),
            None => root_id.clone(),
        };
        account_ids_by_name.insert(entry.name.as_str(), id.clone());
        state.add_account(&parent, account(entry, id.clone()));
        attach_by_name(&mut state, &policy_ids, everywhere, &id)?;
        attach_by_name(&mut state, &policy_ids, &entry.policies, &id)?;
        tag(&mut state, &id, &entry.tags);
    }
    if let Some(entry) = &description.control_tower {
        let names = control_tower::Names {
            units: &unit_ids,
            accounts: &account_ids_by_name,
        };
        control_tower::build(&mut state, entry, &names)?;
    }
    if let Some(entry) = &description.costs {
        costs::build(&mut state, entry, &unit_ids, &account_ids_by_name)?;
    }
    for entry in &description.handshake {
        add_handshake(&mut state, entry)?;
    }
    Ok(state)
}

fn add_handshake(state: &mut DemoState, entry: &HandshakeEntry) -> Result<(), String> {
    let target = match (&entry.account, &entry.email) {
        (Some(id), None) => InviteTarget::Account(id.clone()),
        (None, Some(email)) => InviteTarget::Email(email.clone()),
        _ => return Err("a handshake names either an account or an email".into()),
    };
    const STATES: [&str; 6] = [
        "REQUESTED",
        "OPEN",
        "CANCELED",
        "ACCEPTED",
        "DECLINED",
        "EXPIRED",
    ];
    if !STATES.contains(&entry.state.as_str()) {
        return Err(format!("handshake state {} is not AWS's", entry.state));
    }
    let sent = Sent::Before(chrono::Duration::days(entry.sent_days_ago.into()));
    state.add_handshake(target, sent, &entry.state);
    Ok(())
}

fn add_policies(
    state: &mut DemoState,
    entries: &[PolicyEntry],
) -> HashMap<String, String> {
    let mut by_name = HashMap::new();
    for entry in entries {
        let id = entry
            .id
            .clone()
            .unwrap_or_else(|| ids::policy_id(&entry.name));
        by_name.insert(entry.name.clone(), id.clone());
        state.add_policy(Policy {
            summary: PolicySummary {
                id,
                arn: String::new(),
                name: entry.name.clone(),
                description: entry.description.clone(),
                policy_type: entry.policy_type,
                aws_managed: entry.aws_managed,
            },
            content: entry.content.clone(),
        });
    }
    by_name
}

fn add_units<'a>(
    state: &mut DemoState,
    entries: &'a [UnitEntry],
    policy_ids: &HashMap<String, String>,
    everywhere: &[String],
) -> Result<HashMap<&'a str, String>, String> {
    let root_suffix = state.root.id.trim_start_matches("r-").to_string();
    let mut unit_ids: HashMap<&str, String> = HashMap::new();
    for entry in entries {
        let (parent, name) = match entry.path.rsplit_once('/') {
            Some((parent_path, name)) => {
                let parent = unit_ids.get(parent_path).ok_or_else(|| {
                    format!("unit {} comes before its parent", entry.path)
                })?;
                (parent.clone(), name)
            }
            None => (state.root.id.clone(), entry.path.as_str()),
        };
        let id = ids::organizational_unit_id(&root_suffix, &entry.path);
        state.add_unit(&parent, id.clone(), name);
        let kept: Vec<String> = everywhere
            .iter()
            .filter(|p| !entry.detached.contains(p))
            .cloned()
            .collect();
        attach_by_name(state, policy_ids, &kept, &id)?;
        attach_by_name(state, policy_ids, &entry.policies, &id)?;
        tag(state, &id, &entry.tags);
        unit_ids.insert(&entry.path, id);
    }
    Ok(unit_ids)
}

fn attach_by_name(
    state: &mut DemoState,
    policy_ids: &HashMap<String, String>,
    names: &[String],
    target_id: &str,
) -> Result<(), String> {
    for name in names {
        let id = policy_ids
            .get(name)
            .ok_or_else(|| format!("unknown policy {name}"))?;
        state.attach(id, target_id);
    }
    Ok(())
}

fn tag(state: &mut DemoState, resource_id: &str, tags: &BTreeMap<String, String>) {
    for (key, value) in tags {
        state.tag(resource_id, key, value);
    }
}

fn account(entry: &AccountEntry, id: String) -> Account {
    Account {
        id,
        arn: String::new(),
        name: entry.name.clone(),
        email: entry.email.clone(),
        state: entry.state,
        joined_method: entry.method,
        joined_timestamp: entry.joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_description_builds() {
        let state = northwind().unwrap();
        assert_eq!(state.accounts.len(), 43);
        assert_eq!(state.organization.management_account_id, "210987654321");
    }

    #[test]
    fn the_demo_has_an_open_invitation_and_a_cancelled_one() {
        let state = northwind().unwrap();
        let states: Vec<&str> =
            state.handshakes.iter().map(|h| h.state.as_str()).collect();
        assert_eq!(states, ["CANCELED", "OPEN"]);
        assert!(matches!(state.handshakes[1].sent, Sent::Before(_)));
    }
}
