//! The demo organization's Control Tower: its landing zone, which OUs are
//! registered and which accounts enrolled, the controls enabled on them, and
//! the drift people caused since, as `organization.toml` describes it.

use std::collections::HashMap;

use serde::Deserialize;

use super::state::{DemoControlTower, DemoState};
use crate::model::control_tower::{
    DriftStatus, EnabledBaseline, EnabledControl, LandingZone, LandingZoneManifest,
};

/// Control Tower's own baseline, the mark of a registered OU.
const BASELINE_ARN: &str = "arn:aws:controltower:{region}::baseline/17BSJV3IGJ2QSGA2";

/// The `[control_tower]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlTowerEntry {
    home_region: String,
    version: String,
    latest_version: String,
    drift: DriftStatus,
    trusted_services: Vec<String>,
    security_ou: String,
    sandbox_ou: String,
    log_archive: String,
    audit: String,
    governed_regions: Vec<String>,
    registered: Vec<RegisteredEntry>,
    #[serde(default)]
    enrolled_elsewhere: Vec<EnrolledElsewhereEntry>,
    #[serde(default)]
    departed: Vec<DepartedEntry>,
    #[serde(default)]
    control: Vec<ControlEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisteredEntry {
    unit: String,
    #[serde(default = "in_sync")]
    inheritance_drift: DriftStatus,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolledElsewhereEntry {
    account: String,
    enrolled_under: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartedEntry {
    id: String,
    enrolled_under: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlEntry {
    unit: String,
    control: String,
    #[serde(default = "in_sync")]
    drift: DriftStatus,
    #[serde(default)]
    resource_drift: Option<DriftStatus>,
    #[serde(default)]
    inheritance_drift: Option<DriftStatus>,
}

fn in_sync() -> DriftStatus {
    DriftStatus::InSync
}

/// Ids of the description's units (by path) and accounts (by name).
pub struct Names<'a> {
    pub units: &'a HashMap<&'a str, String>,
    pub accounts: &'a HashMap<&'a str, String>,
}

impl Names<'_> {
    fn unit(&self, path: &str) -> Result<&str, String> {
        self.units
            .get(path)
            .map(String::as_str)
            .ok_or_else(|| format!("control_tower names unknown unit {path}"))
    }

    fn account(&self, name: &str) -> Result<&str, String> {
        self.accounts
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("control_tower names unknown account {name}"))
    }
}

/// Adds the described Control Tower to `state`.
pub fn build(
    state: &mut DemoState,
    entry: &ControlTowerEntry,
    names: &Names,
) -> Result<(), String> {
    let region = &entry.home_region;
    let management = state.organization.management_account_id.clone();
    let landing_zone = LandingZone {
        arn: format!(
            "arn:aws:controltower:{region}:{management}:landingzone/1A2B3C4D5E6F7G8H"
        ),
        version: entry.version.clone(),
        latest_available_version: Some(entry.latest_version.clone()),
        status: "ACTIVE".into(),
        drift_status: entry.drift,
        manifest: LandingZoneManifest {
            security_ou_name: Some(entry.security_ou.clone()),
            sandbox_ou_name: Some(entry.sandbox_ou.clone()),
            log_archive_account_id: Some(names.account(&entry.log_archive)?.to_string()),
            audit_account_id: Some(names.account(&entry.audit)?.to_string()),
            governed_regions: entry.governed_regions.clone(),
        },
    };
    let mut baselines = Vec::new();
    let mut baseline_of_unit = HashMap::new();
    for registered in &entry.registered {
        let unit = names.unit(&registered.unit)?;
        let baseline = enabled_baseline(
            state,
            region,
            unit,
            None,
            Some(registered.inheritance_drift),
        );
        baseline_of_unit.insert(unit.to_string(), baseline.arn.clone());
        baselines.push(baseline);
    }
    enroll_accounts(
        state,
        entry,
        names,
        region,
        &baseline_of_unit,
        &mut baselines,
    )?;

    let controls = entry
        .control
        .iter()
        .map(|control| enabled_control(state, region, control, names))
        .collect::<Result<_, _>>()?;
    state.trusted_services = entry.trusted_services.clone();
    state.control_tower = Some(DemoControlTower {
        landing_zone,
        baselines,
        controls,
    });
    Ok(())
}

/// Every account of a registered OU is enrolled under it, except those the
/// description says were enrolled elsewhere; departed accounts keep their
/// enrollment although they left.
fn enroll_accounts(
    state: &DemoState,
    entry: &ControlTowerEntry,
    names: &Names,
    region: &str,
    baseline_of_unit: &HashMap<String, String>,
    baselines: &mut Vec<EnabledBaseline>,
) -> Result<(), String> {
    let mut enrolled_under: HashMap<String, String> = HashMap::new();
    for unit in baseline_of_unit.keys() {
        for child in state.children.get(unit).into_iter().flatten() {
            if state.accounts.contains_key(child) {
                enrolled_under.insert(child.clone(), unit.clone());
            }
        }
    }
    for moved in &entry.enrolled_elsewhere {
        let account = names.account(&moved.account)?;
        enrolled_under.insert(
            account.to_string(),
            names.unit(&moved.enrolled_under)?.to_string(),
        );
    }
    for departed in &entry.departed {
        enrolled_under.insert(
            departed.id.clone(),
            names.unit(&departed.enrolled_under)?.to_string(),
        );
    }
    let mut accounts: Vec<_> = enrolled_under.into_iter().collect();
    accounts.sort();
    for (account, unit) in accounts {
        let parent = baseline_of_unit.get(&unit).cloned();
        baselines.push(enabled_baseline(state, region, &account, parent, None));
    }
    Ok(())
}

fn enabled_baseline(
    state: &DemoState,
    region: &str,
    target_id: &str,
    parent_identifier: Option<String>,
    inheritance_drift: Option<DriftStatus>,
) -> EnabledBaseline {
    let management = &state.organization.management_account_id;
    let kind = if target_id.starts_with("ou-") {
        "ou"
    } else {
        "account"
    };
    EnabledBaseline {
        arn: format!(
            "arn:aws:controltower:{region}:{management}:enabledbaseline/{}",
            suffix(target_id)
        ),
        baseline_identifier: BASELINE_ARN.replace("{region}", region),
        target_identifier: format!(
            "arn:aws:organizations::{management}:{kind}/{}/{target_id}",
            state.organization.id
        ),
        parent_identifier,
        status: "SUCCEEDED".into(),
        inheritance_drift,
    }
}

fn enabled_control(
    state: &DemoState,
    region: &str,
    entry: &ControlEntry,
    names: &Names,
) -> Result<EnabledControl, String> {
    let unit = names.unit(&entry.unit)?;
    let management = &state.organization.management_account_id;
    Ok(EnabledControl {
        arn: format!(
            "arn:aws:controltower:{region}:{management}:enabledcontrol/{}",
            suffix(&format!("{unit}{}", entry.control))
        ),
        control_identifier: format!(
            "arn:aws:controltower:{region}::control/{}",
            entry.control
        ),
        target_identifier: format!(
            "arn:aws:organizations::{management}:ou/{}/{unit}",
            state.organization.id
        ),
        status: "SUCCEEDED".into(),
        drift_status: entry.drift,
        inheritance_drift: entry.inheritance_drift,
        resource_drift: entry.resource_drift,
    })
}

/// A 16-character upper-case suffix derived from `seed`, shaped like
/// Control Tower's resource ids.
fn suffix(seed: &str) -> String {
    let mut hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (0..16)
        .map(|_| {
            let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(hash % 36) as usize] as char;
            hash = (hash / 36) ^ hash.rotate_left(23);
            c
        })
        .collect()
}
