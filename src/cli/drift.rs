//! `orgtop drift`: the guardrail findings, as text or JSON, with an exit
//! status scripts and incident bots can act on.

use clap::ValueEnum;
use serde::Serialize;

use super::Format;
use crate::crawl;
use crate::model::Org;
use crate::model::control_tower::ControlTower;
use crate::model::drift::{DriftMemory, Finding, Severity, SkippedRule};
use crate::provider::Provider;

/// The minimum severity, as `--min-severity` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl From<MinSeverity> for Severity {
    fn from(value: MinSeverity) -> Self {
        match value {
            MinSeverity::Low => Severity::Low,
            MinSeverity::Medium => Severity::Medium,
            MinSeverity::High => Severity::High,
            MinSeverity::Critical => Severity::Critical,
        }
    }
}

/// What `drift --format json` prints.
#[derive(Debug, Serialize)]
struct DriftOutput<'a> {
    findings: Vec<&'a Finding>,
    control_tower: ControlTowerOutput,
    skipped_rules: &'a [SkippedRule],
}

#[derive(Debug, Serialize)]
struct ControlTowerOutput {
    available: bool,
    reason: Option<String>,
}

/// How the findings came out, for the exit status.
pub enum Outcome {
    Clean,
    Drifted,
}

/// What the command needs besides the provider.
pub struct Request<'a> {
    pub format: Format,
    pub min_severity: Severity,
    pub scp_limit: usize,
    pub memory: &'a mut DriftMemory,
}

/// Reads the organization and Control Tower, evaluates the rules, prints
/// the findings at or above the minimum severity.
pub async fn run(
    provider: &dyn Provider,
    request: Request<'_>,
) -> Result<Outcome, String> {
    let org = crawl::load(provider)
        .await
        .map_err(|e| format!("{e} ({})", e.hint()))?;
    let control_tower = crawl::control_tower::read(provider).await;
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    let report = request
        .memory
        .evaluate(&org, &control_tower, request.scp_limit, now);
    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity >= request.min_severity)
        .collect();
    let outcome = if findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Drifted
    };

    let text = match request.format {
        Format::Json => {
            let output = DriftOutput {
                findings,
                control_tower: control_tower_output(&control_tower),
                skipped_rules: &report.skipped_rules,
            };
            serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?
        }
        Format::Text => text(&org, &findings, &control_tower, &report.skipped_rules),
    };
    super::emit(&text)?;
    Ok(outcome)
}

/// "Suspended (ou-…)" for a node or policy; the bare target otherwise.
fn target_name(org: &Org, target: &str) -> String {
    let name = org
        .find(target)
        .map(|idx| org.node(idx).name.as_str())
        .or_else(|| org.policy(target).map(|p| p.name.as_str()));
    match name {
        Some(name) => format!("{name} ({target})"),
        None => target.to_string(),
    }
}

fn control_tower_output(control_tower: &ControlTower) -> ControlTowerOutput {
    match control_tower {
        ControlTower::Available(_) => ControlTowerOutput {
            available: true,
            reason: None,
        },
        ControlTower::Unavailable { reason } => ControlTowerOutput {
            available: false,
            reason: Some(reason.clone()),
        },
    }
}

fn text(
    org: &Org,
    findings: &[&Finding],
    control_tower: &ControlTower,
    skipped: &[SkippedRule],
) -> String {
    let mut out = String::new();
    if let ControlTower::Unavailable { reason } = control_tower {
        out.push_str(&format!("Control Tower unavailable: {reason}\n"));
    }
    if findings.is_empty() {
        out.push_str("No drift found.\n");
    }
    for finding in findings {
        out.push_str(&format!(
            "{:<8} {} {}\n  {}\n  repair: {}\n  since {} ({})\n",
            finding.severity.as_str().to_uppercase(),
            finding.kind.as_str(),
            target_name(org, &finding.target),
            finding.detail,
            finding.remediation,
            finding.first_seen.format("%Y-%m-%d %H:%M UTC"),
            match finding.source {
                crate::model::drift::Source::ControlTower => "control_tower",
                crate::model::drift::Source::Organizations => "organizations",
            }
        ));
    }
    for rule in skipped {
        out.push_str(&format!(
            "skipped {}: {}\n",
            rule.kind.as_str(),
            rule.reason
        ));
    }
    out.pop();
    out
}
