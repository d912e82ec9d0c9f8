//! AWS Control Tower's view of the organization: the landing zone, the
//! enabled baselines (which OUs are registered, which accounts enrolled) and
//! the enabled controls, each with the drift status Control Tower reports.

use serde::{Deserialize, Serialize};

/// A drift status as Control Tower spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DriftStatus {
    Drifted,
    InSync,
    NotChecking,
    Unknown,
}

impl DriftStatus {
    /// Parses Control Tower's spelling; anything unknown is `Unknown`.
    pub fn from_aws_str(value: &str) -> Self {
        match value {
            "DRIFTED" => Self::Drifted,
            "IN_SYNC" => Self::InSync,
            "NOT_CHECKING" => Self::NotChecking,
            _ => Self::Unknown,
        }
    }

    /// Control Tower's spelling.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Self::Drifted => "DRIFTED",
            Self::InSync => "IN_SYNC",
            Self::NotChecking => "NOT_CHECKING",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// The landing zone (`GetLandingZone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingZone {
    pub arn: String,
    pub version: String,
    pub latest_available_version: Option<String>,
    /// `ACTIVE`, `PROCESSING` or `FAILED`.
    pub status: String,
    pub drift_status: DriftStatus,
    pub manifest: LandingZoneManifest,
}

/// What orgtop reads from the landing zone's manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingZoneManifest {
    /// The foundational OU that holds the shared accounts (`Security`).
    pub security_ou_name: Option<String>,
    /// The additional foundational OU (`Sandbox`), if the manifest names one.
    pub sandbox_ou_name: Option<String>,
    pub log_archive_account_id: Option<String>,
    pub audit_account_id: Option<String>,
    pub governed_regions: Vec<String>,
}

/// The baseline Control Tower enables on a registered OU and its accounts.
pub const CONTROL_TOWER_BASELINE: &str = "AWSControlTowerBaseline";

/// An enabled baseline (`ListEnabledBaselines` with `includeChildren`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledBaseline {
    pub arn: String,
    /// The baseline's ARN; its last segment names it.
    pub baseline_identifier: String,
    /// The ARN of the OU or account it is enabled on.
    pub target_identifier: String,
    /// The ARN of the enabled baseline this one inherits from: an account's
    /// baseline names its OU's.
    pub parent_identifier: Option<String>,
    /// `SUCCEEDED`, `FAILED`, `UNDER_CHANGE`.
    pub status: String,
    pub inheritance_drift: Option<DriftStatus>,
}

impl EnabledBaseline {
    /// Whether this is Control Tower's own baseline, the mark of a
    /// registered OU or an enrolled account.
    pub fn is_control_tower_baseline(&self) -> bool {
        self.baseline_identifier.contains(CONTROL_TOWER_BASELINE)
            || self.baseline_identifier.ends_with("/17BSJV3IGJ2QSGA2")
    }
}

/// An enabled control (`ListEnabledControls` with `includeChildren`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledControl {
    pub arn: String,
    pub control_identifier: String,
    /// The ARN of the OU the control is enabled on.
    pub target_identifier: String,
    /// `SUCCEEDED`, `FAILED`, `UNDER_CHANGE`.
    pub status: String,
    pub drift_status: DriftStatus,
    pub inheritance_drift: Option<DriftStatus>,
    pub resource_drift: Option<DriftStatus>,
}

/// Everything orgtop read from Control Tower.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlTowerState {
    pub landing_zone: Option<LandingZone>,
    pub baselines: Vec<EnabledBaseline>,
    pub controls: Vec<EnabledControl>,
}

/// Whether Control Tower's data could be read, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlTower {
    Available(Box<ControlTowerState>),
    Unavailable { reason: String },
}

/// The id at the end of an Organizations ARN: `…/ou-ab12-cd34ef56` gives
/// `ou-ab12-cd34ef56`.
pub fn id_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
