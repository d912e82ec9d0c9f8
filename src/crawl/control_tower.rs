//! Reads Control Tower's view of the organization: the landing zone, every
//! enabled baseline and the controls enabled on each registered OU. Control
//! Tower may be missing, in another region, or not permitted; then the
//! answer says why, and the rules that need it are skipped, never guessed.

use std::collections::HashSet;

use crate::model::control_tower::{ControlTower, ControlTowerState, EnabledControl};
use crate::provider::{ErrorKind, Provider, ProviderError};

/// Reads Control Tower, or says why it could not be read.
pub async fn read(provider: &dyn Provider) -> ControlTower {
    match try_read(provider).await {
        Ok(state) => ControlTower::Available(Box::new(state)),
        Err(reason) => {
            tracing::warn!(%reason, "Control Tower unavailable");
            ControlTower::Unavailable { reason }
        }
    }
}

async fn try_read(provider: &dyn Provider) -> Result<ControlTowerState, String> {
    let landing_zone = provider.get_landing_zone().await.map_err(|e| reason(&e))?;
    if landing_zone.is_none() {
        return Err(
            "no landing zone in this region: Control Tower is not set up here \
                    (its home region goes in [aws.control_tower] region)"
                .into(),
        );
    }
    let baselines = all_baselines(provider).await.map_err(|e| reason(&e))?;
    let registered: Vec<&str> = baselines
        .iter()
        .filter(|b| b.is_control_tower_baseline() && b.target_identifier.contains(":ou/"))
        .map(|b| b.target_identifier.as_str())
        .collect();
    let mut controls = Vec::new();
    let mut seen = HashSet::new();
    for target in registered {
        // includeChildren lists a nested OU's controls under its parent too.
        for control in all_controls(provider, target)
            .await
            .map_err(|e| reason(&e))?
        {
            if seen.insert(control.arn.clone()) {
                controls.push(control);
            }
        }
    }
    Ok(ControlTowerState {
        landing_zone,
        baselines,
        controls,
    })
}

/// Why Control Tower could not be read, in one line.
fn reason(error: &ProviderError) -> String {
    match error.kind {
        ErrorKind::AccessDenied => format!("not permitted: {error}"),
        ErrorKind::Unavailable => format!("Control Tower does not answer here: {error}"),
        _ => format!("{error} ({})", error.hint()),
    }
}

async fn all_baselines(
    provider: &dyn Provider,
) -> Result<Vec<crate::model::control_tower::EnabledBaseline>, ProviderError> {
    crate::provider::all_pages(|token| provider.list_enabled_baselines(token)).await
}

async fn all_controls(
    provider: &dyn Provider,
    target: &str,
) -> Result<Vec<EnabledControl>, ProviderError> {
    crate::provider::all_pages(|token| provider.list_enabled_controls(target, token))
        .await
}
