//! The drift engine: turns the organization and Control Tower's state into
//! findings — what drifted from the guardrails, where, how badly, and what
//! repairs it. Pure: the same inputs give the same findings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{
    DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};

use super::control_tower::{ControlTower, ControlTowerState, DriftStatus, id_from_arn};
use super::org::{NodeIdx, NodeKind, Org};
use super::records::{PolicySummary, PolicyType};

/// Control Tower names the SCPs it manages with this prefix.
pub const GUARDRAIL_PREFIX: &str = "aws-guardrails-";
/// The service principal whose trusted access Control Tower needs.
pub const CONTROL_TOWER_SERVICE: &str = "controltower.amazonaws.com";

/// What kind of drift a finding reports, in AWS's words where AWS has them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingKind {
    LandingZoneDrifted,
    ControlDrifted,
    BaselineInheritanceDrift,
    AccountMovedBetweenOus,
    AccountRemovedFromOrganization,
    TrustedAccessDisabled,
    ScpDetachedFromOu,
    ScpUpdated,
    OrganizationalUnitDeleted,
    SharedAccountOutsideSecurityOu,
    GuardrailScpOnUnregisteredTarget,
    NoAllowPath,
    ScpLimitReached,
}

impl FindingKind {
    /// Every kind, in the order rules run.
    pub const ALL: [FindingKind; 13] = [
        Self::LandingZoneDrifted,
        Self::ControlDrifted,
        Self::BaselineInheritanceDrift,
        Self::AccountMovedBetweenOus,
        Self::AccountRemovedFromOrganization,
        Self::TrustedAccessDisabled,
        Self::ScpDetachedFromOu,
        Self::ScpUpdated,
        Self::OrganizationalUnitDeleted,
        Self::SharedAccountOutsideSecurityOu,
        Self::GuardrailScpOnUnregisteredTarget,
        Self::NoAllowPath,
        Self::ScpLimitReached,
    ];

    /// The kind as the JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LandingZoneDrifted => "LANDING_ZONE_DRIFTED",
            Self::ControlDrifted => "CONTROL_DRIFTED",
            Self::BaselineInheritanceDrift => "BASELINE_INHERITANCE_DRIFT",
            Self::AccountMovedBetweenOus => "ACCOUNT_MOVED_BETWEEN_OUS",
            Self::AccountRemovedFromOrganization => "ACCOUNT_REMOVED_FROM_ORGANIZATION",
            Self::TrustedAccessDisabled => "TRUSTED_ACCESS_DISABLED",
            Self::ScpDetachedFromOu => "SCP_DETACHED_FROM_OU",
            Self::ScpUpdated => "SCP_UPDATED",
            Self::OrganizationalUnitDeleted => "ORGANIZATIONAL_UNIT_DELETED",
            Self::SharedAccountOutsideSecurityOu => "SHARED_ACCOUNT_OUTSIDE_SECURITY_OU",
            Self::GuardrailScpOnUnregisteredTarget => {
                "GUARDRAIL_SCP_ON_UNREGISTERED_TARGET"
            }
            Self::NoAllowPath => "NO_ALLOW_PATH",
            Self::ScpLimitReached => "SCP_LIMIT_REACHED",
        }
    }

    /// How bad this kind of drift is unless configured otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            Self::NoAllowPath
            | Self::TrustedAccessDisabled
            | Self::OrganizationalUnitDeleted
            | Self::SharedAccountOutsideSecurityOu => Severity::Critical,
            Self::LandingZoneDrifted
            | Self::ScpDetachedFromOu
            | Self::ScpUpdated
            | Self::AccountMovedBetweenOus
            | Self::AccountRemovedFromOrganization => Severity::High,
            Self::ControlDrifted
            | Self::BaselineInheritanceDrift
            | Self::GuardrailScpOnUnregisteredTarget => Severity::Medium,
            Self::ScpLimitReached => Severity::Low,
        }
    }

    /// Whether the rule needs Control Tower's state to be evaluated.
    pub fn needs_control_tower(self) -> bool {
        !matches!(self, Self::NoAllowPath | Self::ScpLimitReached)
    }
}

/// How urgent a finding is; ordered from least to most.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The severity's name, as the output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// One letter that reads without colour.
    pub fn letter(self) -> char {
        match self {
            Self::Low => 'L',
            Self::Medium => 'M',
            Self::High => 'H',
            Self::Critical => 'C',
        }
    }
}

/// Where a finding's evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    ControlTower,
    Organizations,
}

/// One drift from the guardrails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// The id of the OU, account or policy, or the landing zone's ARN.
    pub target: String,
    /// What was expected and what was found.
    pub detail: String,
    /// What repairs it.
    pub remediation: String,
    pub source: Source,
    /// When orgtop first saw this finding; kept across runs.
    pub first_seen: DateTime<Utc>,
}

impl Finding {
    /// The key that identifies the same finding across runs.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.target)
    }
}

/// A rule that could not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRule {
    pub kind: FindingKind,
    pub reason: String,
}

/// Everything the engine reads.
pub struct DriftInput<'a> {
    pub org: &'a Org,
    pub control_tower: &'a ControlTower,
    /// The content digest of each managed SCP when it was last seen.
    pub known_guardrails: &'a HashMap<String, String>,
    /// How many SCPs a root, OU or account may have attached.
    pub scp_limit: usize,
    pub now: DateTime<Utc>,
}

/// The engine's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftReport {
    /// Most severe first, then by kind and target.
    pub findings: Vec<Finding>,
    pub skipped_rules: Vec<SkippedRule>,
}

/// Evaluates every rule that its inputs allow.
pub fn evaluate(input: &DriftInput) -> DriftReport {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    match input.control_tower {
        ControlTower::Available(state) => {
            control_tower_rules(input, state, &mut found, &mut skipped)
        }
        ControlTower::Unavailable { reason } => {
            for kind in FindingKind::ALL
                .into_iter()
                .filter(|k| k.needs_control_tower())
            {
                skipped.push(SkippedRule {
                    kind,
                    reason: format!("Control Tower unavailable: {reason}"),
                });
            }
        }
    }
    let scps = AttachedScps::of(input.org);
    no_allow_path(input, &scps, &mut found, &mut skipped);
    scp_limit_reached(input, &scps, &mut found);

    let mut findings: Vec<Finding> = found
        .into_iter()
        .map(|draft| draft.into_finding(input.now))
        .collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.target.cmp(&b.target))
    });
    findings.dedup_by(|a, b| a.key() == b.key());
    DriftReport {
        findings,
        skipped_rules: skipped,
    }
}

/// What the drift engine remembers between runs: when each finding was
/// first seen, and the managed SCPs' documents as last accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftMemory {
    /// Finding key to the time it was first seen.
    pub first_seen: BTreeMap<String, DateTime<Utc>>,
    /// The landing zone version the digests were taken under: an update of
    /// the landing zone rewrites managed SCPs, so it starts them afresh.
    pub landing_zone_version: Option<String>,
    /// Managed SCP id to the digest of its document.
    pub guardrail_digests: HashMap<String, String>,
}

impl DriftMemory {
    /// Evaluates `org` against `control_tower` with what is remembered,
    /// stamps first-seen times, and remembers this run.
    pub fn evaluate(
        &mut self,
        org: &Org,
        control_tower: &ControlTower,
        scp_limit: usize,
        now: DateTime<Utc>,
    ) -> DriftReport {
        self.rebaseline_on_update(control_tower);
        let input = DriftInput {
            org,
            control_tower,
            known_guardrails: &self.guardrail_digests,
            scp_limit,
            now,
        };
        let mut report = evaluate(&input);
        stamp_first_seen(&mut report, &mut self.first_seen);
        self.remember_new_guardrails(org);
        report
    }

    fn rebaseline_on_update(&mut self, control_tower: &ControlTower) {
        let ControlTower::Available(state) = control_tower else {
            return;
        };
        let Some(zone) = &state.landing_zone else {
            return;
        };
        if self.landing_zone_version.as_deref() != Some(zone.version.as_str()) {
            self.guardrail_digests.clear();
            self.landing_zone_version = Some(zone.version.clone());
        }
    }

    /// Digests of managed SCPs not seen before become their accepted
    /// version; a known one keeps its old digest, so a change stays a
    /// finding until the SCP is restored.
    fn remember_new_guardrails(&mut self, org: &Org) {
        for policy in org.policies().iter().filter(|p| is_guardrail(p)) {
            if let Some(content) = org.policy_content(&policy.id) {
                self.guardrail_digests
                    .entry(policy.id.clone())
                    .or_insert_with(|| content_digest(content));
            }
        }
    }
}

/// Gives each finding the time it was first seen, from `memory`, and
/// updates `memory` to hold exactly the findings of this run.
pub fn stamp_first_seen(
    report: &mut DriftReport,
    memory: &mut BTreeMap<String, DateTime<Utc>>,
) {
    let mut kept = BTreeMap::new();
    for finding in &mut report.findings {
        let key = finding.key();
        let first = memory.get(&key).copied().unwrap_or(finding.first_seen);
        finding.first_seen = first;
        kept.insert(key, first);
    }
    *memory = kept;
}

/// A finding before it is stamped.
struct Draft {
    kind: FindingKind,
    target: String,
    detail: String,
    remediation: String,
    source: Source,
}

impl Draft {
    fn new(
        kind: FindingKind,
        target: &str,
        detail: String,
        remediation: impl Into<String>,
    ) -> Self {
        let source = if kind_is_reported_by_control_tower(kind) {
            Source::ControlTower
        } else {
            Source::Organizations
        };
        Self {
            kind,
            target: target.to_string(),
            detail,
            remediation: remediation.into(),
            source,
        }
    }

    fn into_finding(self, now: DateTime<Utc>) -> Finding {
        Finding {
            kind: self.kind,
            severity: self.kind.default_severity(),
            target: self.target,
            detail: self.detail,
            remediation: self.remediation,
            source: self.source,
            first_seen: now,
        }
    }
}

/// The kinds Control Tower itself reports, as opposed to those orgtop
/// derives from Organizations data.
fn kind_is_reported_by_control_tower(kind: FindingKind) -> bool {
    matches!(
        kind,
        FindingKind::LandingZoneDrifted
            | FindingKind::ControlDrifted
            | FindingKind::BaselineInheritanceDrift
            | FindingKind::AccountMovedBetweenOus
            | FindingKind::AccountRemovedFromOrganization
    )
}

/// A short digest of a policy document, to notice when it changes.
pub fn content_digest(content: &str) -> String {
    // FNV-1a over the document with white space removed, so reformatting
    // alone is not a change.
    let hash = content
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

fn is_guardrail(policy: &PolicySummary) -> bool {
    policy.name.starts_with(GUARDRAIL_PREFIX)
}

/// Ids of registered OUs (with Control Tower's baseline enabled) and of
/// enrolled accounts, from the enabled baselines.
fn registered_targets(state: &ControlTowerState) -> Vec<&str> {
    state
        .baselines
        .iter()
        .filter(|b| b.is_control_tower_baseline())
        .map(|b| id_from_arn(&b.target_identifier))
        .collect()
}

fn control_tower_rules(
    input: &DriftInput,
    state: &ControlTowerState,
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    let org = input.org;
    let registered = registered_targets(state);
    landing_zone_drifted(state, found);
    control_drifted(org, state, found);
    baseline_rules(org, state, found, skipped);
    trusted_access_disabled(org, state, found, skipped);
    scp_detached_from_ou(org, &registered, found, skipped);
    scp_updated(input, found);
    foundational_rules(org, state, found, skipped);
    guardrail_on_unregistered_target(org, &registered, found);
}

fn landing_zone_drifted(state: &ControlTowerState, found: &mut Vec<Draft>) {
    let Some(zone) = &state.landing_zone else {
        return;
    };
    if zone.drift_status == DriftStatus::Drifted {
        found.push(Draft::new(
            FindingKind::LandingZoneDrifted,
            &zone.arn,
            format!(
                "Control Tower reports the landing zone (version {}) as DRIFTED; expected IN_SYNC.",
                zone.version
            ),
            "Reset the landing zone: ResetLandingZone (Control Tower console: Landing zone settings → Repair).",
        ));
    }
}

fn control_drifted(org: &Org, state: &ControlTowerState, found: &mut Vec<Draft>) {
    // One finding per OU (its key is kind and target), naming every drifted
    // control on it, so that none hides behind another.
    let mut by_target: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for control in state
        .controls
        .iter()
        .filter(|c| c.drift_status == DriftStatus::Drifted)
    {
        let target = id_from_arn(&control.target_identifier);
        let control_name = id_from_arn(&control.control_identifier);
        let mut kinds = Vec::new();
        if control.inheritance_drift == Some(DriftStatus::Drifted) {
            kinds.push("inheritance");
        }
        if control.resource_drift == Some(DriftStatus::Drifted) {
            kinds.push("resource");
        }
        let what = if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({} drift)", kinds.join(" and "))
        };
        by_target
            .entry(target)
            .or_default()
            .push(format!("{control_name}{what}"));
    }
    for (target, controls) in by_target {
        let (noun, verb) = if controls.len() == 1 {
            ("Control", "is")
        } else {
            ("Controls", "are")
        };
        found.push(Draft::new(
            FindingKind::ControlDrifted,
            target,
            format!(
                "{noun} {} on {} {verb} DRIFTED; expected IN_SYNC.",
                controls.join(", "),
                name_of(org, target)
            ),
            "Reset the control: ResetEnabledControl. SCP-based controls cannot be reset: re-register the OU (ResetEnabledBaseline).",
        ));
    }
}

fn baseline_rules(
    org: &Org,
    state: &ControlTowerState,
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    // An account missing from a partly read organization may only be unread.
    let unread: Vec<&str> = org
        .nodes()
        .filter(|(_, n)| n.failure.is_some())
        .map(|(_, n)| n.name.as_str())
        .collect();
    let mut missing_but_unread = 0;
    let by_arn: HashMap<&str, &str> = state
        .baselines
        .iter()
        .map(|b| (b.arn.as_str(), id_from_arn(&b.target_identifier)))
        .collect();
    for baseline in &state.baselines {
        let target = id_from_arn(&baseline.target_identifier);
        if baseline.inheritance_drift == Some(DriftStatus::Drifted)
            && target.starts_with("ou-")
        {
            found.push(Draft::new(
                FindingKind::BaselineInheritanceDrift,
                target,
                format!(
                    "Accounts in {} do not match the baseline enabled on it (inheritance DRIFTED).",
                    name_of(org, target)
                ),
                "Re-register the OU: ResetEnabledBaseline on its enabled baseline.",
            ));
        }
        if !is_account_id(target) {
            continue;
        }
        let Some(account) = org.find(target) else {
            if !unread.is_empty() {
                missing_but_unread += 1;
                continue;
            }
            found.push(Draft::new(
                FindingKind::AccountRemovedFromOrganization,
                target,
                format!("Account {target} is enrolled in Control Tower but is no longer in the organization."),
                "Invite the account back, or remove its enrollment: DisableBaseline on its enabled baseline.",
            ));
            continue;
        };
        let enrolled_under = baseline
            .parent_identifier
            .as_deref()
            .and_then(|p| by_arn.get(p))
            .copied();
        let real_parent = org.node(account).parent.map(|p| org.node(p).id.as_str());
        if let (Some(expected), Some(actual)) = (enrolled_under, real_parent)
            && expected != actual
        {
            found.push(Draft::new(
                FindingKind::AccountMovedBetweenOus,
                target,
                format!(
                    "{} was enrolled under {} but now sits in {}.",
                    name_of(org, target),
                    name_of(org, expected),
                    name_of(org, actual)
                ),
                format!(
                    "Move it back to {}, or keep it where it is and re-register {} (ResetEnabledBaseline).",
                    name_of(org, expected),
                    name_of(org, actual)
                ),
            ));
        }
    }
    if missing_but_unread > 0 {
        skipped.push(SkippedRule {
            kind: FindingKind::AccountRemovedFromOrganization,
            reason: format!(
                "partly: {} enrolled but not found, and {} could not be read in full",
                plural(missing_but_unread, "account"),
                unread.join(", ")
            ),
        });
    }
}

fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

fn trusted_access_disabled(
    org: &Org,
    state: &ControlTowerState,
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    let Some(services) = &org.trusted_services else {
        skipped.push(SkippedRule {
            kind: FindingKind::TrustedAccessDisabled,
            reason: "the organization's trusted services could not be read".into(),
        });
        return;
    };
    let Some(zone) = &state.landing_zone else {
        return;
    };
    if !services.iter().any(|s| s == CONTROL_TOWER_SERVICE) {
        found.push(Draft::new(
            FindingKind::TrustedAccessDisabled,
            &zone.arn,
            format!("Trusted access for {CONTROL_TOWER_SERVICE} is disabled, but a landing zone exists."),
            "Re-enable it: EnableAWSServiceAccess for controltower.amazonaws.com, then reset the landing zone (ResetLandingZone).",
        ));
    }
}

/// Why attachments cannot be trusted to be complete, if some policy's
/// targets could not be read: a rule that looks for a missing SCP would
/// then report what was merely unread.
fn unread_attachments(org: &Org) -> Option<String> {
    let unread = org.unread_attachments();
    (!unread.is_empty()).then(|| {
        format!(
            "the targets of {} could not be read",
            plural(unread.len(), "policy")
        )
        .replace("policys", "policies")
    })
}

fn scp_detached_from_ou(
    org: &Org,
    registered: &[&str],
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    if let Some(reason) = unread_attachments(org) {
        skipped.push(SkippedRule {
            kind: FindingKind::ScpDetachedFromOu,
            reason,
        });
        return;
    }
    for &target in registered.iter().filter(|t| t.starts_with("ou-")) {
        if org.find(target).is_none() {
            continue;
        }
        let attached = org.attached(target, PolicyType::ServiceControlPolicy);
        if !attached.iter().any(|p| is_guardrail(p)) {
            found.push(Draft::new(
                FindingKind::ScpDetachedFromOu,
                target,
                format!(
                    "{} is registered with Control Tower but has no {GUARDRAIL_PREFIX}* SCP attached.",
                    name_of(org, target)
                ),
                "Re-register the OU (ResetEnabledBaseline), which attaches the managed SCP again.",
            ));
        }
    }
}

fn scp_updated(input: &DriftInput, found: &mut Vec<Draft>) {
    for policy in input.org.policies().iter().filter(|p| is_guardrail(p)) {
        let (Some(content), Some(known)) = (
            input.org.policy_content(&policy.id),
            input.known_guardrails.get(&policy.id),
        ) else {
            continue;
        };
        if content_digest(content) != *known {
            found.push(Draft::new(
                FindingKind::ScpUpdated,
                &policy.id,
                format!("The managed SCP {} changed since orgtop last saw it.", policy.name),
                "Re-register the OUs it is attached to (ResetEnabledBaseline) to restore Control Tower's version.",
            ));
        }
    }
}

fn foundational_rules(
    org: &Org,
    state: &ControlTowerState,
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    let Some(zone) = &state.landing_zone else {
        for kind in [
            FindingKind::OrganizationalUnitDeleted,
            FindingKind::SharedAccountOutsideSecurityOu,
        ] {
            skipped.push(SkippedRule {
                kind,
                reason: "no landing zone was found".into(),
            });
        }
        return;
    };
    let manifest = &zone.manifest;
    let top_level = |name: &str| {
        org.root().and_then(|root| {
            org.node(root).children.iter().copied().find(|&c| {
                let node = org.node(c);
                node.kind == NodeKind::OrganizationalUnit && node.name == name
            })
        })
    };
    for name in [&manifest.security_ou_name, &manifest.sandbox_ou_name]
        .into_iter()
        .flatten()
    {
        if top_level(name).is_none() {
            found.push(Draft::new(
                FindingKind::OrganizationalUnitDeleted,
                name,
                format!("The landing zone names the foundational OU {name:?}, but the root has no OU of that name."),
                "Recreate the OU by resetting the landing zone (ResetLandingZone).",
            ));
        }
    }
    let Some(security) = manifest.security_ou_name.as_deref() else {
        return;
    };
    let security_ou = top_level(security);
    let shared = [
        ("Log Archive", &manifest.log_archive_account_id),
        ("Audit", &manifest.audit_account_id),
    ];
    for (role, id) in shared {
        let Some(account) = id.as_deref().and_then(|id| org.find(id)) else {
            continue;
        };
        // Compared by node, not by name: an OU elsewhere may share the name.
        let Some(parent) = org.node(account).parent else {
            continue;
        };
        if Some(parent) == security_ou {
            continue;
        }
        let node = org.node(account);
        found.push(Draft::new(
            FindingKind::SharedAccountOutsideSecurityOu,
            &node.id,
            format!(
                "The {role} account {} sits in {}, not in the top-level {security} OU.",
                node.name,
                org.path(parent)
            ),
            format!("Move it back to the {security} OU (MoveAccount), then reset the landing zone."),
        ));
    }
}

fn guardrail_on_unregistered_target(
    org: &Org,
    registered: &[&str],
    found: &mut Vec<Draft>,
) {
    let registered: HashSet<&str> = registered.iter().copied().collect();
    for (_, node) in org.nodes() {
        if node.kind != NodeKind::OrganizationalUnit
            || registered.contains(node.id.as_str())
        {
            continue;
        }
        // One finding per OU (its key is kind and target), naming them all.
        let guardrails: Vec<&str> = org
            .attached(&node.id, PolicyType::ServiceControlPolicy)
            .into_iter()
            .filter(|p| is_guardrail(p))
            .map(|p| p.name.as_str())
            .collect();
        if guardrails.is_empty() {
            continue;
        }
        let (noun, them) = if guardrails.len() == 1 {
            ("SCP", "it")
        } else {
            ("SCPs", "them")
        };
        let names = guardrails.join(", ");
        found.push(Draft::new(
            FindingKind::GuardrailScpOnUnregisteredTarget,
            &node.id,
            format!(
                "{} carries the managed {noun} {names} but is not registered with Control Tower.",
                node.name
            ),
            format!("Register the OU with Control Tower, or detach {them} (DetachPolicy): {names}."),
        ));
    }
}

/// Whether a policy allows anything: FullAWSAccess does; a custom policy
/// does when its document has an Allow statement. `None` when its document
/// is unknown.
pub fn allows_actions(org: &Org, policy: &PolicySummary) -> Option<bool> {
    if is_full_aws_access(policy) {
        return Some(true);
    }
    let content = org.policy_content(&policy.id)?;
    let mut reader = serde_json::Deserializer::from_str(content);
    let allows = DocumentPart::Document.deserialize(&mut reader).ok()?;
    reader.end().ok()?;
    Some(allows)
}

fn is_full_aws_access(policy: &PolicySummary) -> bool {
    policy.aws_managed && policy.name == "FullAWSAccess"
}

/// A part of a policy document, read in one pass for an Allow statement
/// without building the document: every SCP's document is read on each
/// evaluation, and Control Tower's run to kilobytes. Whatever is neither
/// `Statement` nor `Effect` is skipped; anything but an object where one is
/// expected allows nothing.
#[derive(Clone, Copy)]
enum DocumentPart {
    Document,
    /// `Statement`: one statement, or a list of them.
    Statements,
    Statement,
    Effect,
}

impl DocumentPart {
    /// The key of an object of this part worth reading, and its part.
    fn wanted(self) -> Option<(&'static str, DocumentPart)> {
        match self {
            Self::Document => Some(("Statement", Self::Statements)),
            Self::Statements | Self::Statement => Some(("Effect", Self::Effect)),
            Self::Effect => None,
        }
    }
}

impl<'de> DeserializeSeed<'de> for DocumentPart {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentPart {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a policy document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let wanted = self.wanted();
        let mut allows = false;
        while let Some(is_wanted) =
            map.next_key_seed(KeyIs(wanted.map(|(key, _)| key)))?
        {
            match wanted {
                // A repeated key counts as its last value, as when parsed whole.
                Some((_, part)) if is_wanted => allows = map.next_value_seed(part)?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(allows)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut allows = false;
        if let Self::Statements = self {
            while let Some(statement) = seq.next_element_seed(Self::Statement)? {
                allows |= statement;
            }
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(allows)
    }

    fn visit_str<E>(self, value: &str) -> Result<bool, E> {
        Ok(matches!(self, Self::Effect) && value == "Allow")
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Reads an object's key and says whether it is the one wanted.
struct KeyIs(Option<&'static str>);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(self.0 == Some(key))
    }
}

fn no_allow_path<'a>(
    input: &DriftInput<'a>,
    scps: &AttachedScps<'a>,
    found: &mut Vec<Draft>,
    skipped: &mut Vec<SkippedRule>,
) {
    let org = input.org;
    let Some(root) = org.root() else { return };
    if let Some(reason) = unread_attachments(org) {
        skipped.push(SkippedRule {
            kind: FindingKind::NoAllowPath,
            reason,
        });
        return;
    }
    let management = org
        .organization
        .as_ref()
        .and_then(|o| org.find(&o.management_account_id));
    let mut unknown = 0;
    // One SCP is often attached to many targets: read each document once.
    let mut read: HashMap<&str, Option<bool>> = HashMap::new();
    let mut verdict = |policy: &'a PolicySummary| {
        if is_full_aws_access(policy) {
            return Some(true);
        }
        *read
            .entry(&policy.id)
            .or_insert_with(|| allows_actions(org, policy))
    };
    // Walk down from the root; a level with no allowing SCP cuts off its
    // whole subtree, so report it once and do not descend.
    let mut stack = vec![root];
    while let Some(at) = stack.pop() {
        let node = org.node(at);
        if Some(at) == management {
            continue; // SCPs never restrict the management account.
        }
        let verdicts: Vec<Option<bool>> =
            scps.on(at).iter().copied().map(&mut verdict).collect();
        // AWS keeps at least one SCP on every target while SCPs are enabled:
        // none known means unread or SCPs disabled, not everything denied.
        if verdicts.is_empty()
            || verdicts.contains(&Some(true))
            || verdicts.contains(&None)
        {
            unknown += verdicts.iter().filter(|v| v.is_none()).count();
            stack.extend(node.children.iter().copied());
            continue;
        }
        let management_below = management.is_some_and(|m| org.ancestors(m).contains(&at));
        let denied = if node.is_container() {
            node.accounts_below - usize::from(management_below)
        } else {
            1
        };
        found.push(Draft::new(
            FindingKind::NoAllowPath,
            &node.id,
            format!(
                "No SCP attached to {} allows any action: everything in it is denied ({} affected).",
                node.name,
                plural(denied, "account")
            ),
            "Attach FullAWSAccess (or another allowing SCP) to it: AttachPolicy.",
        ));
    }
    if unknown > 0 {
        skipped.push(SkippedRule {
            kind: FindingKind::NoAllowPath,
            reason: format!(
                "partly: {} of SCPs whose documents were not read",
                plural(unknown, "attachment")
            ),
        });
    }
}

fn scp_limit_reached(input: &DriftInput, scps: &AttachedScps, found: &mut Vec<Draft>) {
    for (at, node) in input.org.nodes() {
        let count = scps.on(at).len();
        if count >= input.scp_limit {
            found.push(Draft::new(
                FindingKind::ScpLimitReached,
                &node.id,
                format!(
                    "{} has {count} SCPs attached, the limit of {}: no further control can be enabled there.",
                    node.name, input.scp_limit
                ),
                "Merge SCPs, or attach them one level up.",
            ));
        }
    }
}

/// The SCPs attached directly to each node, looked up once for the rules
/// that visit every node.
struct AttachedScps<'a>(Vec<Vec<&'a PolicySummary>>);

impl<'a> AttachedScps<'a> {
    fn of(org: &'a Org) -> Self {
        let by_node = org
            .nodes()
            .map(|(_, node)| org.attached(&node.id, PolicyType::ServiceControlPolicy));
        Self(by_node.collect())
    }

    /// The SCPs attached to `node`, by name.
    fn on(&self, node: NodeIdx) -> &[&'a PolicySummary] {
        &self.0[node.0]
    }
}

fn name_of<'a>(org: &'a Org, id: &'a str) -> &'a str {
    org.find(id)
        .map_or(id, |idx: NodeIdx| org.node(idx).name.as_str())
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
