//! The Control Tower adapter, which moto lacks, against aws-smithy-mocks:
//! the client is built the way `AwsProvider::connect` builds it (dummy
//! credentials, an explicit region, orgtop's retries), but every answer
//! comes from the mock rules, so nothing leaves the process.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_controltower::Client;
use aws_sdk_controltower::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_controltower::config::{
    ConfigBag, Credentials, Intercept, RuntimeComponents,
};
use aws_sdk_controltower::error::BoxError;
use aws_sdk_controltower::operation::get_landing_zone::GetLandingZoneOutput;
use aws_sdk_controltower::operation::list_enabled_baselines::ListEnabledBaselinesOutput;
use aws_sdk_controltower::operation::list_enabled_controls::ListEnabledControlsOutput;
use aws_sdk_controltower::operation::list_landing_zones::ListLandingZonesOutput;
use aws_sdk_controltower::types as sdk;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock, mock_client};
use aws_smithy_types::{Document, Number};
use orgtop::model::control_tower::{
    DriftStatus, EnabledBaseline, EnabledControl, LandingZone, LandingZoneManifest,
};
use orgtop::provider::aws::{self, AwsProvider, AwsSettings, ControlTowerSettings};
use orgtop::provider::{ErrorKind, Page, Provider, Result};
use serde_json::{Value, json};

const LANDING_ZONE: &str =
    "arn:aws:controltower:eu-west-1:111122223333:landingzone/1A2B3C4D5E6F7G8H";
const ROOT_OU: &str =
    "arn:aws:organizations::111122223333:ou/o-exampleorg1/ou-root-workloads";
const PROD_OU: &str =
    "arn:aws:organizations::111122223333:ou/o-exampleorg1/ou-prod-12345678";
const BASELINE: &str = "arn:aws:controltower:eu-west-1::baseline/17BSJV3IGJ2QSGA2";

/// What Control Tower answers when its rate limit is exceeded.
const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

/// Settings that ask Organizations in us-east-1 and Control Tower in its
/// home region, eu-west-1.
fn settings() -> AwsSettings {
    AwsSettings {
        profile: Some("orgtop-tests".into()),
        region: Some("us-east-1".into()),
        control_tower: ControlTowerSettings {
            region: Some("eu-west-1".into()),
        },
        ..AwsSettings::default()
    }
}

/// Records the address of every request sent, retries included.
#[derive(Debug, Clone, Default)]
struct Sent(Arc<Mutex<Vec<String>>>);

impl Sent {
    fn uris(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Intercept for Sent {
    fn name(&self) -> &'static str {
        "Sent"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let uri = context.request().uri().to_string();
        self.0.lock().unwrap().push(uri);
        Ok(())
    }
}

/// A Control Tower client configured from `settings` as orgtop configures
/// it, answering from `rules`, with backoff short enough for a test.
async fn control_tower_client(
    rules: &[Rule],
    settings: &AwsSettings,
    sent: &Sent,
) -> Client {
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-tests");
    let sdk = aws::config_loader(settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let mocks = rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |m, r| m.with_rule(r),
    );
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let config = aws::control_tower_config(&sdk, settings)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks)
        .interceptor(sent.clone());
    Client::from_conf(config.build())
}

/// An Organizations client with no rules: any request to it panics rather
/// than leave the process.
fn organizations_client() -> aws_sdk_organizations::Client {
    let none: &[Rule] = &[];
    mock_client!(aws_sdk_organizations, RuleMode::MatchAny, none)
}

/// The provider under test, its Control Tower calls answered from `rules`.
async fn provider(rules: &[Rule], sent: &Sent) -> AwsProvider {
    let settings = settings();
    let control_tower = control_tower_client(rules, &settings, sent).await;
    AwsProvider::from_client(organizations_client(), &settings)
        .with_control_tower(control_tower)
}

/// Every item of a listing, following `next_token` page by page.
async fn every_page<T, F>(mut list: impl FnMut(Option<String>) -> F) -> Vec<T>
where
    F: Future<Output = Result<Page<T>>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let page = list(token).await.unwrap();
        items.extend(page.items);
        token = match page.next_token {
            Some(next) => Some(next),
            None => return items,
        };
    }
}

/// A JSON value as a smithy document, as the SDK hands over a manifest.
fn document(value: Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Document::Number(Number::PosInt(u)),
            (None, Some(i)) => Document::Number(Number::NegInt(i)),
            _ => Document::Number(Number::Float(n.as_f64().unwrap())),
        },
        Value::String(s) => Document::String(s),
        Value::Array(items) => Document::Array(items.into_iter().map(document).collect()),
        Value::Object(fields) => {
            Document::Object(fields.into_iter().map(|(k, v)| (k, document(v))).collect())
        }
    }
}

fn enablement(status: &str) -> sdk::EnablementStatusSummary {
    sdk::EnablementStatusSummary::builder()
        .status(sdk::EnablementStatus::from(status))
        .build()
}

fn baseline(
    target: &str,
    parent: Option<&str>,
    drift: Option<&str>,
) -> sdk::EnabledBaselineSummary {
    let drift = drift.map(|status| {
        let inheritance = sdk::EnabledBaselineInheritanceDrift::builder()
            .status(sdk::EnabledBaselineDriftStatus::from(status))
            .build();
        let types = sdk::EnabledBaselineDriftTypes::builder()
            .inheritance(inheritance)
            .build();
        sdk::EnabledBaselineDriftStatusSummary::builder()
            .types(types)
            .build()
    });
    sdk::EnabledBaselineSummary::builder()
        .arn(format!("{target}/enabledbaseline"))
        .baseline_identifier(BASELINE)
        .target_identifier(target)
        .set_parent_identifier(parent.map(str::to_string))
        .status_summary(enablement("SUCCEEDED"))
        .set_drift_status_summary(drift)
        .build()
        .unwrap()
}

/// A control with the drift status `drift` and, when given, its
/// inheritance and resource drift.
fn control(
    name: &str,
    drift: &str,
    types: Option<(&str, &str)>,
) -> sdk::EnabledControlSummary {
    let types = types.map(|(inheritance, resource)| {
        sdk::EnabledControlDriftTypes::builder()
            .inheritance(
                sdk::EnabledControlInheritanceDrift::builder()
                    .status(sdk::DriftStatus::from(inheritance))
                    .build(),
            )
            .resource(
                sdk::EnabledControlResourceDrift::builder()
                    .status(sdk::DriftStatus::from(resource))
                    .build(),
            )
            .build()
    });
    let summary = sdk::DriftStatusSummary::builder()
        .drift_status(sdk::DriftStatus::from(drift))
        .set_types(types)
        .build();
    sdk::EnabledControlSummary::builder()
        .arn(format!(
            "arn:aws:controltower:eu-west-1:111122223333:enabledcontrol/{name}"
        ))
        .control_identifier(format!("arn:aws:controlcatalog:::control/{name}"))
        .target_identifier(PROD_OU)
        .status_summary(enablement("SUCCEEDED"))
        .drift_status_summary(summary)
        .build()
}

fn baselines_page(
    items: Vec<sdk::EnabledBaselineSummary>,
    next: Option<&str>,
) -> ListEnabledBaselinesOutput {
    ListEnabledBaselinesOutput::builder()
        .set_enabled_baselines(Some(items))
        .set_next_token(next.map(str::to_string))
        .build()
        .unwrap()
}

fn controls_page(
    items: Vec<sdk::EnabledControlSummary>,
    next: Option<&str>,
) -> ListEnabledControlsOutput {
    ListEnabledControlsOutput::builder()
        .set_enabled_controls(Some(items))
        .set_next_token(next.map(str::to_string))
        .build()
        .unwrap()
}

fn landing_zones(arns: &[&str], next: Option<&str>) -> ListLandingZonesOutput {
    let zones = arns
        .iter()
        .map(|arn| sdk::LandingZoneSummary::builder().arn(*arn).build())
        .collect();
    ListLandingZonesOutput::builder()
        .set_landing_zones(Some(zones))
        .set_next_token(next.map(str::to_string))
        .build()
        .unwrap()
}

/// The page of baselines Control Tower answers to `token`, only when the
/// request asks for children too.
fn baselines_rule(token: Option<&str>, output: ListEnabledBaselinesOutput) -> Rule {
    let asked = token.map(str::to_string);
    mock!(Client::list_enabled_baselines)
        .match_requests(move |r| {
            r.include_children() == Some(true) && r.next_token() == asked.as_deref()
        })
        .then_output(move || output.clone())
}

/// The page of controls on the OU `ROOT_OU` Control Tower answers to
/// `token`, only when the request asks for children too.
fn controls_rule(token: Option<&str>, output: ListEnabledControlsOutput) -> Rule {
    let asked = token.map(str::to_string);
    mock!(Client::list_enabled_controls)
        .match_requests(move |r| {
            r.target_identifier() == Some(ROOT_OU)
                && r.include_children() == Some(true)
                && r.next_token() == asked.as_deref()
        })
        .then_output(move || output.clone())
}

fn get_landing_zone_rule(detail: sdk::LandingZoneDetail) -> Rule {
    let output = GetLandingZoneOutput::builder().landing_zone(detail).build();
    mock!(Client::get_landing_zone)
        .match_requests(|r| r.landing_zone_identifier() == Some(LANDING_ZONE))
        .then_output(move || output.clone())
}

#[tokio::test]
async fn enabled_baselines_are_listed_with_children_page_by_page() {
    let account =
        "arn:aws:organizations::111122223333:account/o-exampleorg1/444455556666";
    let ou_baseline = format!("{PROD_OU}/enabledbaseline");
    let first = baselines_rule(
        None,
        baselines_page(
            vec![baseline(PROD_OU, None, Some("IN_SYNC"))],
            Some("page-2"),
        ),
    );
    let second = baselines_rule(
        Some("page-2"),
        baselines_page(
            vec![baseline(account, Some(&ou_baseline), Some("DRIFTED"))],
            None,
        ),
    );
    let rules = [first.clone(), second.clone()];
    let provider = provider(&rules, &Sent::default()).await;

    let baselines = every_page(|token| provider.list_enabled_baselines(token)).await;

    assert_eq!(
        baselines,
        vec![
            EnabledBaseline {
                arn: ou_baseline.clone(),
                baseline_identifier: BASELINE.into(),
                target_identifier: PROD_OU.into(),
                parent_identifier: None,
                status: "SUCCEEDED".into(),
                inheritance_drift: Some(DriftStatus::InSync),
            },
            EnabledBaseline {
                arn: format!("{account}/enabledbaseline"),
                baseline_identifier: BASELINE.into(),
                target_identifier: account.into(),
                parent_identifier: Some(ou_baseline),
                status: "SUCCEEDED".into(),
                inheritance_drift: Some(DriftStatus::Drifted),
            },
        ]
    );
    assert!(
        baselines
            .iter()
            .all(EnabledBaseline::is_control_tower_baseline)
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_baseline_without_a_drift_summary_has_no_inheritance_drift() {
    let rules = [baselines_rule(
        None,
        baselines_page(vec![baseline(PROD_OU, None, None)], None),
    )];
    let provider = provider(&rules, &Sent::default()).await;

    let page = provider.list_enabled_baselines(None).await.unwrap();

    assert_eq!(page.items[0].inheritance_drift, None);
    assert_eq!(page.next_token, None);
}

#[tokio::test]
async fn enabled_controls_are_listed_with_children_page_by_page() {
    let first = controls_rule(
        None,
        controls_page(
            vec![control("AWS-GR_ROOT_ACCOUNT_MFA_ENABLED", "IN_SYNC", None)],
            Some("page-2"),
        ),
    );
    let empty_but_more =
        controls_rule(Some("page-2"), controls_page(vec![], Some("page-3")));
    let last = controls_rule(
        Some("page-3"),
        controls_page(
            vec![control("AWS-GR_RESTRICT_ROOT_USER", "DRIFTED", None)],
            None,
        ),
    );
    let rules = [first.clone(), empty_but_more.clone(), last.clone()];
    let provider = provider(&rules, &Sent::default()).await;

    let controls =
        every_page(|token| provider.list_enabled_controls(ROOT_OU, token)).await;

    let names: Vec<_> = controls
        .iter()
        .map(|c| c.control_identifier.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "arn:aws:controlcatalog:::control/AWS-GR_ROOT_ACCOUNT_MFA_ENABLED",
            "arn:aws:controlcatalog:::control/AWS-GR_RESTRICT_ROOT_USER",
        ]
    );
    assert!(controls.iter().all(|c| c.target_identifier == PROD_OU));
    let calls = [first, empty_but_more, last].map(|rule| rule.num_calls());
    assert_eq!(calls, [1, 1, 1]);
}

#[tokio::test]
async fn every_control_drift_status_is_mapped_with_its_inheritance_and_resource_drift() {
    let page = controls_page(
        vec![
            control("DRIFTED_ONE", "DRIFTED", Some(("IN_SYNC", "DRIFTED"))),
            control("IN_SYNC_ONE", "IN_SYNC", Some(("IN_SYNC", "IN_SYNC"))),
            control(
                "NOT_CHECKING_ONE",
                "NOT_CHECKING",
                Some(("NOT_CHECKING", "NOT_CHECKING")),
            ),
            control("UNKNOWN_ONE", "UNKNOWN", Some(("UNKNOWN", "UNKNOWN"))),
            control("NO_TYPES", "DRIFTED", None),
        ],
        None,
    );
    let provider = provider(&[controls_rule(None, page)], &Sent::default()).await;

    let controls = provider
        .list_enabled_controls(ROOT_OU, None)
        .await
        .unwrap()
        .items;

    let drift: Vec<_> = controls
        .iter()
        .map(|c| (c.drift_status, c.inheritance_drift, c.resource_drift))
        .collect();
    use DriftStatus::{Drifted, InSync, NotChecking, Unknown};
    assert_eq!(
        drift,
        [
            (Drifted, Some(InSync), Some(Drifted)),
            (InSync, Some(InSync), Some(InSync)),
            (NotChecking, Some(NotChecking), Some(NotChecking)),
            (Unknown, Some(Unknown), Some(Unknown)),
            (Drifted, None, None),
        ]
    );
    assert_eq!(
        controls[0],
        EnabledControl {
            arn: "arn:aws:controltower:eu-west-1:111122223333:enabledcontrol/DRIFTED_ONE"
                .into(),
            control_identifier: "arn:aws:controlcatalog:::control/DRIFTED_ONE".into(),
            target_identifier: PROD_OU.into(),
            status: "SUCCEEDED".into(),
            drift_status: Drifted,
            inheritance_drift: Some(InSync),
            resource_drift: Some(Drifted),
        }
    );
}

#[tokio::test]
async fn a_control_without_a_drift_summary_has_an_unknown_drift_status() {
    let bare = sdk::EnabledControlSummary::builder()
        .arn("arn:aws:controltower:eu-west-1:111122223333:enabledcontrol/BARE")
        .build();
    let rules = [controls_rule(None, controls_page(vec![bare], None))];
    let provider = provider(&rules, &Sent::default()).await;

    let control = &provider
        .list_enabled_controls(ROOT_OU, None)
        .await
        .unwrap()
        .items[0];

    assert_eq!(control.drift_status, DriftStatus::Unknown);
    assert_eq!(
        (control.inheritance_drift, control.resource_drift),
        (None, None)
    );
    assert_eq!(control.status, "");
}

#[tokio::test]
async fn the_landing_zone_is_read_with_its_manifest() {
    let manifest = json!({
        "governedRegions": ["eu-west-1", "us-east-1"],
        "organizationStructure": {
            "security": {"name": "Security"},
            "sandbox": {"name": "Sandbox"}
        },
        "centralizedLogging": {
            "accountId": "222222222222",
            "configurations": {"loggingBucket": {"retentionDays": 60}},
            "enabled": true
        },
        "securityRoles": {"accountId": "333333333333"},
        "accessManagement": {"enabled": true}
    });
    let detail = sdk::LandingZoneDetail::builder()
        .arn(LANDING_ZONE)
        .version("3.3")
        .latest_available_version("4.0")
        .status(sdk::LandingZoneStatus::Active)
        .drift_status(
            sdk::LandingZoneDriftStatusSummary::builder()
                .status(sdk::LandingZoneDriftStatus::Drifted)
                .build(),
        )
        .manifest(document(manifest))
        .build()
        .unwrap();
    let list = mock!(Client::list_landing_zones)
        .then_output(|| landing_zones(&[LANDING_ZONE], None));
    let provider =
        provider(&[list, get_landing_zone_rule(detail)], &Sent::default()).await;

    let landing_zone = provider.get_landing_zone().await.unwrap();

    assert_eq!(
        landing_zone,
        Some(LandingZone {
            arn: LANDING_ZONE.into(),
            version: "3.3".into(),
            latest_available_version: Some("4.0".into()),
            status: "ACTIVE".into(),
            drift_status: DriftStatus::Drifted,
            manifest: LandingZoneManifest {
                security_ou_name: Some("Security".into()),
                sandbox_ou_name: Some("Sandbox".into()),
                log_archive_account_id: Some("222222222222".into()),
                audit_account_id: Some("333333333333".into()),
                governed_regions: vec!["eu-west-1".into(), "us-east-1".into()],
            },
        })
    );
}

#[tokio::test]
async fn a_manifest_missing_fields_reads_as_none_and_empty() {
    let manifest = json!({
        "organizationStructure": {"security": {}},
        "centralizedLogging": {"enabled": false},
        "governedRegions": ["eu-west-1", 7]
    });
    let detail = sdk::LandingZoneDetail::builder()
        .version("3.3")
        .manifest(document(manifest))
        .build()
        .unwrap();
    let list = mock!(Client::list_landing_zones)
        .then_output(|| landing_zones(&[LANDING_ZONE], None));
    let provider =
        provider(&[list, get_landing_zone_rule(detail)], &Sent::default()).await;

    let landing_zone = provider.get_landing_zone().await.unwrap().unwrap();

    assert_eq!(landing_zone.arn, LANDING_ZONE, "the listed ARN stands in");
    assert_eq!(landing_zone.drift_status, DriftStatus::Unknown);
    assert_eq!(landing_zone.latest_available_version, None);
    assert_eq!(
        landing_zone.manifest,
        LandingZoneManifest {
            governed_regions: vec!["eu-west-1".into()],
            ..LandingZoneManifest::default()
        }
    );
}

#[tokio::test]
async fn no_landing_zone_listed_means_none_without_asking_for_one() {
    let list = mock!(Client::list_landing_zones).then_output(|| landing_zones(&[], None));
    // No rule for GetLandingZone: asking for one would panic.
    let provider = provider(std::slice::from_ref(&list), &Sent::default()).await;

    let landing_zone = provider.get_landing_zone().await.unwrap();

    assert_eq!(landing_zone, None);
    assert_eq!(list.num_calls(), 1);
}

#[tokio::test]
async fn an_empty_landing_zone_page_with_a_token_is_followed() {
    let empty = mock!(Client::list_landing_zones)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| landing_zones(&[], Some("more")));
    let listed = mock!(Client::list_landing_zones)
        .match_requests(|r| r.next_token() == Some("more"))
        .then_output(|| landing_zones(&[LANDING_ZONE], None));
    let detail = sdk::LandingZoneDetail::builder()
        .version("3.3")
        .manifest(Document::Null)
        .build()
        .unwrap();
    let rules = [empty, listed, get_landing_zone_rule(detail)];
    let provider = provider(&rules, &Sent::default()).await;

    let landing_zone = provider.get_landing_zone().await.unwrap().unwrap();

    assert_eq!(landing_zone.arn, LANDING_ZONE);
    assert_eq!(landing_zone.manifest, LandingZoneManifest::default());
}

#[tokio::test]
async fn throttling_answered_twice_is_retried_by_the_sdk_and_the_call_succeeds() {
    let throttled_twice = mock!(Client::list_enabled_baselines)
        .sequence()
        .http_status(429, Some(THROTTLED.to_string()))
        .times(2)
        .output(|| baselines_page(vec![baseline(PROD_OU, None, Some("IN_SYNC"))], None))
        .build();
    let sent = Sent::default();
    let provider = provider(&[throttled_twice], &sent).await;

    let page = provider.list_enabled_baselines(None).await.unwrap();

    assert_eq!(page.items.len(), 1);
    assert_eq!(
        sent.uris().len(),
        3,
        "two throttled attempts, then the answer"
    );
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_reported_as_throttling() {
    let always = mock!(Client::list_enabled_controls)
        .sequence()
        .http_status(429, Some(THROTTLED.to_string()))
        .repeatedly()
        .build();
    let sent = Sent::default();
    let provider = provider(&[always], &sent).await;

    let error = provider
        .list_enabled_controls(ROOT_OU, None)
        .await
        .unwrap_err();

    assert_eq!(error.kind, ErrorKind::Throttling);
    assert_eq!(error.code, "ThrottlingException");
    assert_eq!(error.target.as_deref(), Some(ROOT_OU));
    assert_eq!(sent.uris().len(), settings().max_attempts as usize);
}

#[tokio::test]
async fn access_denied_keeps_its_code_and_message_and_is_not_retried() {
    let message = "User: arn:aws:sts::111122223333:assumed-role/ReadOnly/dev \
                   is not authorized to perform: controltower:ListEnabledBaselines";
    let body = json!({"__type": "AccessDeniedException", "message": message}).to_string();
    let denied = mock!(Client::list_enabled_baselines)
        .sequence()
        .http_status(403, Some(body))
        .build();
    let sent = Sent::default();
    let provider = provider(&[denied], &sent).await;

    let error = provider.list_enabled_baselines(None).await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.code, "AccessDeniedException");
    assert_eq!(error.message, message);
    assert_eq!(error.operation, "ListEnabledBaselines");
    assert_eq!(sent.uris().len(), 1);
}

#[tokio::test]
async fn a_landing_zone_that_is_gone_is_not_found() {
    let body =
        r#"{"__type":"ResourceNotFoundException","message":"Landing zone not found"}"#;
    let list = mock!(Client::list_landing_zones)
        .then_output(|| landing_zones(&[LANDING_ZONE], None));
    let gone = mock!(Client::get_landing_zone)
        .sequence()
        .http_status(404, Some(body.to_string()))
        .build();
    let provider = provider(&[list, gone], &Sent::default()).await;

    let error = provider.get_landing_zone().await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.code, "ResourceNotFoundException");
    assert_eq!(error.target.as_deref(), Some(LANDING_ZONE));
}

#[tokio::test]
async fn an_html_page_instead_of_control_tower_means_it_is_unavailable() {
    let page = "<html><body><h1>404 Not Found</h1></body></html>";
    for status in [404, 200] {
        let html = mock!(Client::list_landing_zones)
            .sequence()
            .http_status(status, Some(page.to_string()))
            .build();
        let provider = provider(&[html], &Sent::default()).await;

        let error = provider.get_landing_zone().await.unwrap_err();
        println!("HTTP {status}: {error}");

        assert_eq!(error.kind, ErrorKind::Unavailable, "HTTP {status}: {error}");
        assert_eq!(error.operation, "ListLandingZones");
    }
}

#[tokio::test]
async fn control_tower_is_asked_in_its_home_region() {
    let list = mock!(Client::list_landing_zones).then_output(|| landing_zones(&[], None));
    let rules = [list];

    let sent = Sent::default();
    provider(&rules, &sent)
        .await
        .get_landing_zone()
        .await
        .unwrap();
    assert!(
        sent.uris()[0].starts_with("https://controltower.eu-west-1.amazonaws.com/"),
        "{:?}",
        sent.uris()
    );

    let sent = Sent::default();
    let without_home = AwsSettings {
        control_tower: ControlTowerSettings::default(),
        ..settings()
    };
    let client = control_tower_client(&rules, &without_home, &sent).await;
    client.list_landing_zones().send().await.unwrap();
    assert!(
        sent.uris()[0].starts_with("https://controltower.us-east-1.amazonaws.com/"),
        "{:?}",
        sent.uris()
    );
}

#[tokio::test]
async fn an_explicit_endpoint_url_wins_for_control_tower_too() {
    let list = mock!(Client::list_landing_zones).then_output(|| landing_zones(&[], None));
    let sent = Sent::default();
    let emulator = AwsSettings {
        endpoint_url: Some("http://127.0.0.1:5000".into()),
        ..settings()
    };

    let client = control_tower_client(&[list], &emulator, &sent).await;
    client.list_landing_zones().send().await.unwrap();

    assert!(
        sent.uris()[0].starts_with("http://127.0.0.1:5000/"),
        "{:?}",
        sent.uris()
    );
}

#[tokio::test]
async fn a_provider_without_a_control_tower_client_says_control_tower_is_unavailable() {
    let provider = AwsProvider::from_client(organizations_client(), &settings());

    let error = provider.get_landing_zone().await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(error.operation, "GetLandingZone");
}
