//! Organizations of any size, shaped like a real one, for benchmarks and
//! load tests: workload OUs of 11 accounts, ten under each top-level OU,
//! nested three deep, with a handful of SCPs attached at every level. 1,000
//! accounts make about 100 OUs, the proportion of the benchmark's
//! organization.

use chrono::{TimeZone, Utc};

use super::ids;
use super::state::DemoState;
use crate::model::{
    Account, AccountState, JoinedMethod, Organization, Policy, PolicySummary, PolicyType,
};

/// Accounts in each generated leaf OU.
const ACCOUNTS_PER_UNIT: usize = 11;
/// Leaf OUs under each middle OU.
const UNITS_PER_GROUP: usize = 10;

const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// An organization of `accounts` member accounts plus the management
/// account, `policies` SCPs besides `FullAWSAccess`.
pub fn generated(accounts: usize, policies: usize) -> DemoState {
    let management_id = "100000000000".to_string();
    let organization = Organization {
        id: "o-generated01".into(),
        arn: format!("arn:aws:organizations::{management_id}:organization/o-generated01"),
        management_account_id: management_id.clone(),
        management_account_email: "management@example.com".into(),
    };
    let mut state = DemoState::new(organization, "r-gen1");
    let root = state.root.id.clone();
    let policy_ids = add_policies(&mut state, policies);
    state.attach("p-FullAWSAccess", &root);
    state.add_account(&root, account(management_id, "management".into()));

    let leaf_units = accounts.div_ceil(ACCOUNTS_PER_UNIT);
    let mut parent_of_group = String::new();
    for leaf in 0..leaf_units {
        if leaf % UNITS_PER_GROUP == 0 {
            parent_of_group = add_unit(
                &mut state,
                &root,
                &format!("Group {:04}", leaf / UNITS_PER_GROUP),
            );
            attach_some(&mut state, &policy_ids, &parent_of_group, leaf);
        }
        let unit = add_unit(&mut state, &parent_of_group, &format!("Team {leaf:05}"));
        attach_some(&mut state, &policy_ids, &unit, leaf + 1);
        let first = leaf * ACCOUNTS_PER_UNIT;
        for n in first..(first + ACCOUNTS_PER_UNIT).min(accounts) {
            let id = format!("{:012}", 200_000_000_000u64 + n as u64);
            state.add_account(&unit, account(id.clone(), format!("account-{n:06}")));
            state.attach("p-FullAWSAccess", &id);
        }
    }
    state
}

fn add_policies(state: &mut DemoState, count: usize) -> Vec<String> {
    let full = policy("FullAWSAccess".into(), "p-FullAWSAccess".into(), true);
    state.add_policy(full);
    (0..count)
        .map(|n| {
            let name = format!("Guardrail{n:03}");
            let id = ids::policy_id(&name);
            state.add_policy(policy(name, id.clone(), false));
            id
        })
        .collect()
}

fn add_unit(state: &mut DemoState, parent: &str, name: &str) -> String {
    let id = ids::organizational_unit_id("gen1", &format!("{parent}/{name}"));
    state.add_unit(parent, id.clone(), name);
    state.attach("p-FullAWSAccess", &id);
    id
}

/// Attaches two of the policies to `target`, chosen by `seed`, so every
/// policy ends up on many targets at every level.
fn attach_some(state: &mut DemoState, policy_ids: &[String], target: &str, seed: usize) {
    if policy_ids.is_empty() {
        return;
    }
    for offset in [0, policy_ids.len() / 2 + 1] {
        state.attach(&policy_ids[(seed + offset) % policy_ids.len()], target);
    }
}

fn policy(name: String, id: String, aws_managed: bool) -> Policy {
    Policy {
        summary: PolicySummary {
            id,
            arn: String::new(),
            description: format!("{name} (generated)"),
            name,
            policy_type: PolicyType::ServiceControlPolicy,
            aws_managed,
        },
        content: ALLOW_ALL.into(),
    }
}

fn account(id: String, name: String) -> Account {
    Account {
        email: format!("{name}@example.com"),
        id,
        arn: String::new(),
        name,
        state: AccountState::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: Utc
            .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_default(),
    }
}
