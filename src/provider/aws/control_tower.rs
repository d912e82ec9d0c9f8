//! AWS Control Tower through aws-sdk-controltower: the landing zone, the
//! enabled baselines and the enabled controls, one page per call, SDK types
//! turned into orgtop's records.
//!
//! The SDK classifies Control Tower's `ThrottlingException` (HTTP 429) as
//! throttling from its model, so its retry strategy retries it.

use aws_sdk_controltower::Client;
use aws_sdk_controltower::types as sdk;
use aws_smithy_types::Document;

use super::error::Call;
use crate::model::control_tower::{
    DriftStatus, EnabledBaseline, EnabledControl, LandingZone, LandingZoneManifest,
};
use crate::provider::{ErrorKind, Page, ProviderError, Result};

/// `ListLandingZones` pages read at most before giving up on finding one:
/// an organization has one landing zone, so a longer listing is a fault.
const MAX_LANDING_ZONE_PAGES: usize = 10;

/// The Control Tower client, in Control Tower's home region, and the
/// profile it signs in with.
pub struct ControlTower {
    client: Client,
    profile: String,
}

impl ControlTower {
    /// Wraps `client`; `profile` names the profile in sign-in hints.
    pub fn new(client: Client, profile: String) -> Self {
        Self { client, profile }
    }

    fn call<'a>(&'a self, operation: &'static str, target: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            target,
            profile: &self.profile,
        }
    }

    /// `ListLandingZones`, then `GetLandingZone` on the first one listed.
    pub async fn get_landing_zone(&self) -> Result<Option<LandingZone>> {
        let Some(listed_arn) = self.first_landing_zone_arn().await? else {
            return Ok(None);
        };

        let call = self.call("GetLandingZone", Some(&listed_arn));
        let request = self
            .client
            .get_landing_zone()
            .landing_zone_identifier(&listed_arn);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let detail = output
            .landing_zone()
            .ok_or_else(|| call.missing("landingZone"))?;
        Ok(Some(landing_zone(detail, &listed_arn)))
    }

    /// The ARN of the first landing zone `ListLandingZones` names, following
    /// its pages: an empty page may still carry a token.
    async fn first_landing_zone_arn(&self) -> Result<Option<String>> {
        let call = self.call("ListLandingZones", None);
        let mut next_token = None;
        for _ in 0..MAX_LANDING_ZONE_PAGES {
            let request = self.client.list_landing_zones().set_next_token(next_token);
            let output = request.send().await.map_err(|e| call.error(e))?;
            let first = output.landing_zones().iter().find_map(|zone| zone.arn());
            if let Some(arn) = first {
                return Ok(Some(arn.to_string()));
            }
            next_token = match output.next_token() {
                Some(token) => Some(token.to_string()),
                None => return Ok(None),
            };
        }
        let message = format!(
            "{MAX_LANDING_ZONE_PAGES} pages without a landing zone, and still a token"
        );
        Err(ProviderError::new(
            call.operation,
            None,
            ErrorKind::Other,
            "EndlessListing",
            message,
        ))
    }

    /// `ListEnabledBaselines` with `includeChildren`, so that the baselines
    /// of enrolled accounts come with their OUs'.
    pub async fn list_enabled_baselines(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<EnabledBaseline>> {
        let call = self.call("ListEnabledBaselines", None);
        let request = self
            .client
            .list_enabled_baselines()
            .include_children(true)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        Ok(Page {
            items: output
                .enabled_baselines()
                .iter()
                .map(enabled_baseline)
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }

    /// `ListEnabledControls` on `target_identifier` with `includeChildren`,
    /// so that the controls of nested OUs come with its own.
    pub async fn list_enabled_controls(
        &self,
        target_identifier: &str,
        next_token: Option<String>,
    ) -> Result<Page<EnabledControl>> {
        let call = self.call("ListEnabledControls", Some(target_identifier));
        let request = self
            .client
            .list_enabled_controls()
            .target_identifier(target_identifier)
            .include_children(true)
            .set_next_token(next_token);
        let output = request.send().await.map_err(|e| call.error(e))?;
        let controls = output.enabled_controls().iter();
        Ok(Page {
            items: controls
                .map(|control| enabled_control(control, &call))
                .collect::<Result<_>>()?,
            next_token: output.next_token().map(str::to_string),
        })
    }
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

/// A landing zone; `listed_arn` stands in when the detail leaves its ARN out.
fn landing_zone(detail: &sdk::LandingZoneDetail, listed_arn: &str) -> LandingZone {
    let drift_status = detail
        .drift_status()
        .and_then(|summary| summary.status())
        .map(|status| DriftStatus::from_aws_str(status.as_str()));
    LandingZone {
        arn: detail.arn().unwrap_or(listed_arn).to_string(),
        version: detail.version().to_string(),
        latest_available_version: detail.latest_available_version().map(str::to_string),
        status: text(detail.status().map(sdk::LandingZoneStatus::as_str)),
        drift_status: drift_status.unwrap_or(DriftStatus::Unknown),
        manifest: manifest(detail.manifest()),
    }
}

/// What orgtop reads from the manifest. A manifest is free-form JSON: a
/// field that is missing or of another type is left out, never a failure.
fn manifest(document: &Document) -> LandingZoneManifest {
    let name = |path: &[&str]| field(document, path).and_then(Document::as_string);
    let governed_regions = field(document, &["governedRegions"])
        .and_then(Document::as_array)
        .map(|regions| regions.iter().filter_map(Document::as_string))
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
    LandingZoneManifest {
        security_ou_name: name(&["organizationStructure", "security", "name"])
            .map(str::to_string),
        sandbox_ou_name: name(&["organizationStructure", "sandbox", "name"])
            .map(str::to_string),
        log_archive_account_id: name(&["centralizedLogging", "accountId"])
            .map(str::to_string),
        audit_account_id: name(&["securityRoles", "accountId"]).map(str::to_string),
        governed_regions,
    }
}

/// The value at `path` through nested objects, if every step is there.
fn field<'a>(document: &'a Document, path: &[&str]) -> Option<&'a Document> {
    path.iter()
        .try_fold(document, |value, key| value.as_object()?.get(*key))
}

fn enabled_baseline(baseline: &sdk::EnabledBaselineSummary) -> EnabledBaseline {
    let inheritance_drift = baseline
        .drift_status_summary()
        .and_then(|summary| summary.types())
        .and_then(|types| types.inheritance())
        .and_then(|inheritance| inheritance.status())
        .map(|status| DriftStatus::from_aws_str(status.as_str()));
    EnabledBaseline {
        arn: baseline.arn().to_string(),
        baseline_identifier: baseline.baseline_identifier().to_string(),
        target_identifier: baseline.target_identifier().to_string(),
        parent_identifier: baseline.parent_identifier().map(str::to_string),
        status: enablement_status(baseline.status_summary()),
        inheritance_drift,
    }
}

fn enabled_control(
    control: &sdk::EnabledControlSummary,
    call: &Call<'_>,
) -> Result<EnabledControl> {
    let arn = control.arn().ok_or_else(|| call.missing("arn"))?;
    let drift = control.drift_status_summary();
    let types = drift.and_then(sdk::DriftStatusSummary::types);
    let inheritance = types
        .and_then(|types| types.inheritance())
        .and_then(|inheritance| inheritance.status());
    let resource = types
        .and_then(|types| types.resource())
        .and_then(|resource| resource.status());
    Ok(EnabledControl {
        arn: arn.to_string(),
        control_identifier: text(control.control_identifier()),
        target_identifier: text(control.target_identifier()),
        status: enablement_status(control.status_summary()),
        drift_status: drift_status(drift.and_then(|d| d.drift_status()))
            .unwrap_or(DriftStatus::Unknown),
        inheritance_drift: drift_status(inheritance),
        resource_drift: drift_status(resource),
    })
}

fn drift_status(status: Option<&sdk::DriftStatus>) -> Option<DriftStatus> {
    status.map(|status| DriftStatus::from_aws_str(status.as_str()))
}

fn enablement_status(summary: Option<&sdk::EnablementStatusSummary>) -> String {
    text(
        summary
            .and_then(|summary| summary.status())
            .map(sdk::EnablementStatus::as_str),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn object(fields: Vec<(&str, Document)>) -> Document {
        let fields: HashMap<String, Document> = fields
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect();
        Document::Object(fields)
    }

    #[test]
    fn a_manifest_field_of_another_type_is_left_out() {
        let document = object(vec![
            ("governedRegions", Document::String("eu-west-1".into())),
            (
                "securityRoles",
                object(vec![("accountId", Document::Bool(true))]),
            ),
            ("centralizedLogging", Document::Null),
        ]);

        let manifest = manifest(&document);

        assert_eq!(manifest, LandingZoneManifest::default());
    }

    #[test]
    fn a_manifest_that_is_not_an_object_reads_as_empty() {
        let manifest = manifest(&Document::Array(vec![Document::Null]));

        assert_eq!(manifest, LandingZoneManifest::default());
    }
}
