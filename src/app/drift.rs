//! The drift pane's state: Control Tower's answer, the findings, what the
//! engine remembers between runs, and the pane's own cursor and severity
//! floor.

use chrono::{DateTime, Utc};

use crate::model::control_tower::ControlTower;
use crate::model::drift::{DriftMemory, DriftReport, Finding, Severity};
use crate::model::{NodeIdx, Org};

/// Everything the drift pane shows and remembers.
#[derive(Debug, Clone)]
pub struct DriftView {
    /// Control Tower's state; `None` until it has been read.
    pub control_tower: Option<ControlTower>,
    /// Whether a read of Control Tower is under way.
    pub reading: bool,
    /// The findings of the last evaluation.
    pub report: Option<DriftReport>,
    pub memory: DriftMemory,
    /// Findings below this severity are hidden; `f` cycles it.
    pub min_severity: Severity,
    /// The finding under the cursor, among those shown.
    pub cursor: usize,
    /// How many SCPs a target may have attached.
    pub scp_limit: usize,
    /// Findings at or below each node, by node index, for the tree badges.
    counts: Vec<usize>,
}

impl DriftView {
    /// Nothing read yet; `memory` from earlier runs.
    pub fn new(memory: DriftMemory, scp_limit: usize) -> Self {
        Self {
            control_tower: None,
            reading: false,
            report: None,
            memory,
            min_severity: Severity::Low,
            cursor: 0,
            scp_limit,
            counts: Vec::new(),
        }
    }

    /// Evaluates the rules on `org` if Control Tower has been read; says
    /// whether it did.
    pub fn evaluate(&mut self, org: &Org, now: DateTime<Utc>) -> bool {
        let Some(control_tower) = &self.control_tower else {
            return false;
        };
        let report = self
            .memory
            .evaluate(org, control_tower, self.scp_limit, now);
        self.counts = counts(org, &report);
        self.report = Some(report);
        self.cursor = 0;
        true
    }

    /// Counts the findings again over `org`, whose node indices changed: a
    /// refresh must not leave flags on the rows the old indices now name.
    pub fn recount(&mut self, org: &Org) {
        self.counts = match &self.report {
            Some(report) => counts(org, report),
            None => Vec::new(),
        };
    }

    /// Takes a report the worker pool evaluated, with the memory it left.
    pub fn accept(&mut self, org: &Org, report: DriftReport, memory: DriftMemory) {
        self.counts = counts(org, &report);
        self.report = Some(report);
        self.memory = memory;
        self.cursor = 0;
    }

    /// The findings at or below `node` that meet the severity floor, most
    /// severe first. Findings about no node (the landing zone, a policy)
    /// belong to the root.
    pub fn findings_for<'a>(&'a self, org: &Org, node: NodeIdx) -> Vec<&'a Finding> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        report
            .findings
            .iter()
            .filter(|f| f.severity >= self.min_severity)
            .filter(|f| {
                let at = org.find(&f.target).or(org.root());
                at.is_some_and(|at| at == node || org.ancestors(at).contains(&node))
            })
            .collect()
    }

    /// How many findings stand at or below `node`.
    pub fn count(&self, node: NodeIdx) -> usize {
        self.counts.get(node.0).copied().unwrap_or(0)
    }

    /// Moves the severity floor up one step, from critical back to low.
    pub fn cycle_min_severity(&mut self) {
        self.min_severity = match self.min_severity {
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High => Severity::Critical,
            Severity::Critical => Severity::Low,
        };
        self.cursor = 0;
    }
}

/// Findings per node, each counted on its target and every ancestor.
fn counts(org: &Org, report: &DriftReport) -> Vec<usize> {
    let mut counts = vec![0; org.len()];
    for finding in &report.findings {
        let Some(at) = org.find(&finding.target).or(org.root()) else {
            continue;
        };
        counts[at.0] += 1;
        for ancestor in org.ancestors(at) {
            counts[ancestor.0] += 1;
        }
    }
    counts
}
