//! What moto lacks, against aws-smithy-mocks: Cost Explorer's
//! `GetCostForecast` and the Billing API. The clients are built the way
//! `AwsProvider::connect` builds them (dummy credentials, an explicit
//! region, orgtop's retries), but every answer comes from the mock rules,
//! so nothing leaves the process.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_billing::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_billing::config::{ConfigBag, Credentials, Intercept, RuntimeComponents};
use aws_sdk_billing::error::BoxError;
use aws_sdk_billing::operation::get_billing_preferences::GetBillingPreferencesOutput;
use aws_sdk_billing::operation::get_credits::GetCreditsOutput;
use aws_sdk_billing::types as billing;
use aws_sdk_costexplorer::operation::get_cost_forecast::GetCostForecastOutput;
use aws_sdk_costexplorer::types as ce;
use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime as SmithyTime;
use chrono::{DateTime, Months, NaiveDate, NaiveTime, Utc};
use orgtop::model::cost::{CostMetric, Credit, Forecast, Month};
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};
use orgtop::provider::{ErrorKind, Provider};
use rust_decimal::Decimal;
use serde_json::json;

const MANAGEMENT: &str = "111111111111";
const PRODUCTION: &str = "222222222222";
const SANDBOX: &str = "333333333333";

/// What the Billing API answers when its rate limit is exceeded.
const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

/// Settings that ask in eu-west-1, where neither Cost Explorer nor Billing
/// answers: their clients must find us-east-1 by themselves.
fn settings() -> AwsSettings {
    AwsSettings {
        profile: Some("orgtop-tests".into()),
        region: Some("eu-west-1".into()),
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
    ) -> Result<(), BoxError> {
        let uri = context.request().uri().to_string();
        self.0.lock().unwrap().push(uri);
        Ok(())
    }
}

/// The SDK configuration `settings` load to, with dummy credentials.
async fn sdk_config(settings: &AwsSettings) -> aws_config::SdkConfig {
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-tests");
    aws::config_loader(settings)
        .credentials_provider(credentials)
        .load()
        .await
}

fn mocks(rules: &[Rule]) -> MockResponseInterceptor {
    rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |mocks, rule| mocks.with_rule(rule),
    )
}

/// A Cost Explorer client configured from `settings` as orgtop configures
/// it, answering from `rules`, with backoff short enough for a test.
async fn cost_explorer_client(
    rules: &[Rule],
    settings: &AwsSettings,
    sent: &Sent,
) -> aws_sdk_costexplorer::Client {
    let sdk = sdk_config(settings).await;
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let config = aws::cost_explorer_config(&sdk, settings)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks(rules))
        .interceptor(sent.clone());
    aws_sdk_costexplorer::Client::from_conf(config.build())
}

/// A Billing client configured from `settings` as orgtop configures it,
/// answering from `rules`.
async fn billing_client(
    rules: &[Rule],
    settings: &AwsSettings,
    sent: &Sent,
) -> aws_sdk_billing::Client {
    let sdk = sdk_config(settings).await;
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let config = aws::billing_config(&sdk, settings)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks(rules))
        .interceptor(sent.clone());
    aws_sdk_billing::Client::from_conf(config.build())
}

/// `DescribeOrganization`, naming `MANAGEMENT` the management account.
fn describe_organization() -> Rule {
    let organization = aws_sdk_organizations::types::Organization::builder()
        .id("o-exampleorg1")
        .master_account_id(MANAGEMENT)
        .build();
    let output = DescribeOrganizationOutput::builder()
        .organization(organization)
        .build();
    mock!(aws_sdk_organizations::Client::describe_organization)
        .then_output(move || output.clone())
}

/// The provider under test: Organizations answering `organizations`,
/// Billing answering `rules`, Cost Explorer answering `forecasts`.
async fn provider(
    organizations: &[Rule],
    rules: &[Rule],
    forecasts: &[Rule],
    sent: &Sent,
) -> AwsProvider {
    let settings = settings();
    let organizations =
        mock_client!(aws_sdk_organizations, RuleMode::MatchAny, organizations);
    AwsProvider::from_client(organizations, &settings)
        .with_billing(billing_client(rules, &settings, sent).await)
        .with_cost_explorer(cost_explorer_client(forecasts, &settings, sent).await)
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn usd(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn smithy(time: DateTime<Utc>) -> SmithyTime {
    SmithyTime::from_secs(time.timestamp())
}

#[tokio::test]
async fn the_forecast_is_asked_monthly_for_the_rest_of_the_month_and_mapped() {
    let forecast = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .match_requests(|r| {
            let period = r.time_period().unwrap();
            (period.start(), period.end()) == ("2026-06-18", "2026-07-01")
                && r.granularity() == Some(&ce::Granularity::Monthly)
                && r.metric() == Some(&ce::Metric::UnblendedCost)
        })
        .then_output(|| {
            let total = ce::MetricValue::builder()
                .amount("1834.5612345678")
                .unit("USD")
                .build();
            GetCostForecastOutput::builder().total(total).build()
        });
    let sent = Sent::default();
    let provider = provider(&[], &[], std::slice::from_ref(&forecast), &sent).await;

    let answer = provider
        .get_cost_forecast(day(2026, 6, 18), day(2026, 7, 1), CostMetric::UnblendedCost)
        .await
        .unwrap();

    assert_eq!(
        answer,
        Forecast {
            start: day(2026, 6, 18),
            end: day(2026, 7, 1),
            amount: usd("1834.5612345678"),
            currency: "USD".into(),
        }
    );
    assert_eq!(forecast.num_calls(), 1);
}

#[tokio::test]
async fn the_forecast_asks_for_the_configured_metric_as_get_cost_forecast_spells_it() {
    let forecast = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .match_requests(|r| r.metric() == Some(&ce::Metric::NetUnblendedCost))
        .then_output(|| {
            let total = ce::MetricValue::builder().amount("10").unit("USD").build();
            GetCostForecastOutput::builder().total(total).build()
        });
    let provider =
        provider(&[], &[], std::slice::from_ref(&forecast), &Sent::default()).await;

    let answer = provider
        .get_cost_forecast(
            day(2026, 6, 1),
            day(2026, 7, 1),
            CostMetric::NetUnblendedCost,
        )
        .await
        .unwrap();

    assert_eq!(answer.amount, usd("10"));
}

#[tokio::test]
async fn a_forecast_without_a_total_is_a_malformed_answer_not_zero() {
    let empty = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .then_output(|| GetCostForecastOutput::builder().build());
    let provider = provider(&[], &[], &[empty], &Sent::default()).await;

    let error = provider
        .get_cost_forecast(day(2026, 6, 1), day(2026, 7, 1), CostMetric::UnblendedCost)
        .await
        .unwrap_err();

    assert_eq!(error.code, "MalformedAnswer");
    assert_eq!(error.operation, "GetCostForecast");
}

#[tokio::test]
async fn cost_explorer_throttling_is_retried_by_the_sdk_then_reported_as_throttling() {
    let body = json!({"__type": "LimitExceededException", "message": "Rate exceeded"});
    let throttled_twice = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .sequence()
        .http_status(400, Some(body.to_string()))
        .times(2)
        .output(|| {
            let total = ce::MetricValue::builder().amount("5.5").unit("USD").build();
            GetCostForecastOutput::builder().total(total).build()
        })
        .build();
    let sent = Sent::default();
    let patient = provider(&[], &[], &[throttled_twice], &sent).await;
    let period = (day(2026, 6, 1), day(2026, 7, 1), CostMetric::UnblendedCost);

    let answer = patient
        .get_cost_forecast(period.0, period.1, period.2)
        .await
        .unwrap();

    assert_eq!(answer.amount, usd("5.5"));
    assert_eq!(
        sent.uris().len(),
        3,
        "two throttled attempts, then the answer"
    );

    let always = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .sequence()
        .http_status(400, Some(body.to_string()))
        .repeatedly()
        .build();
    let sent = Sent::default();
    let outlasted = provider(&[], &[], &[always], &sent).await;

    let error = outlasted
        .get_cost_forecast(period.0, period.1, period.2)
        .await
        .unwrap_err();

    assert_eq!(error.kind, ErrorKind::Throttling);
    assert_eq!(error.code, "LimitExceededException");
    assert_eq!(sent.uris().len(), settings().max_attempts as usize);
}

fn amount(text: &str) -> billing::Amount {
    billing::Amount::builder()
        .currency_code("USD")
        .currency_amount(text)
        .build()
        .unwrap()
}

/// The first day of the month before this one, at midnight UTC: where
/// orgtop asks `GetCredits` to start.
fn previous_month_start() -> SmithyTime {
    let first = Month::of(Utc::now().date_naive()).first_day() - Months::new(1);
    smithy(first.and_time(NaiveTime::MIN).and_utc())
}

/// The organization's credits: production's promotional credit, running
/// low and shared as the organization's preference says; the sandbox's,
/// expiring at the end of the month, kept to itself; and a switched-off
/// one that no bill uses.
fn credits() -> GetCreditsOutput {
    let promotion = billing::CreditData::builder()
        .credit_id("PC-PROD-2025")
        .account_id(PRODUCTION)
        .credit_type("Promotion")
        .description("AWS Activate Portfolio")
        .initial_amount(amount("100000.00"))
        .remaining_amount(amount("4210.37"))
        .estimated_amount(amount("3100.00"))
        .start_date(smithy(instant("2025-07-01T00:00:00Z")))
        .end_date(smithy(instant("2027-06-30T23:59:59Z")))
        .credit_sharing_type(billing::CreditSharingType::Default)
        .credit_status(billing::CreditStatus::Enabled)
        .build()
        .unwrap();
    let expiring = billing::CreditData::builder()
        .credit_id("PC-SANDBOX-EVENT")
        .account_id(SANDBOX)
        .credit_type("Promotion")
        .description("")
        .initial_amount(amount("500"))
        .remaining_amount(amount("487.25"))
        .start_date(smithy(instant("2026-01-15T00:00:00Z")))
        .end_date(smithy(instant("2026-06-30T23:59:59Z")))
        .credit_sharing_type(billing::CreditSharingType::Disabled)
        .build()
        .unwrap();
    let switched_off = billing::CreditData::builder()
        .credit_id("PC-OFF")
        .account_id(MANAGEMENT)
        .credit_type("Promotion")
        .description("Paused")
        .initial_amount(amount("1000"))
        .remaining_amount(amount("1000"))
        .start_date(smithy(instant("2026-01-01T00:00:00Z")))
        .credit_status(billing::CreditStatus::Disabled)
        .build()
        .unwrap();
    GetCreditsOutput::builder()
        .credits(promotion)
        .credits(expiring)
        .credits(switched_off)
        .build()
}

#[tokio::test]
async fn credits_are_asked_for_the_whole_organization_and_mapped_exactly() {
    let since = previous_month_start();
    let get_credits = mock!(aws_sdk_billing::Client::get_credits)
        .match_requests(move |r| {
            r.account_id() == Some(MANAGEMENT)
                && r.payer_account_flag() == Some(true)
                && r.start_date() == Some(&since)
                && r.end_date().is_none()
        })
        .then_output(credits);
    let organization = describe_organization();
    let sent = Sent::default();
    let provider = provider(
        std::slice::from_ref(&organization),
        std::slice::from_ref(&get_credits),
        &[],
        &sent,
    )
    .await;

    let credits = provider.get_credits().await.unwrap();
    let again = provider.get_credits().await.unwrap();

    assert_eq!(
        credits,
        [
            Credit {
                credit_id: "PC-PROD-2025".into(),
                account_id: PRODUCTION.into(),
                description: "AWS Activate Portfolio".into(),
                initial: usd("100000.00"),
                remaining: usd("4210.37"),
                currency: "USD".into(),
                start: instant("2025-07-01T00:00:00Z"),
                expiry: Some(instant("2027-06-30T23:59:59Z")),
                shareable: Some(true),
            },
            Credit {
                credit_id: "PC-SANDBOX-EVENT".into(),
                account_id: SANDBOX.into(),
                description: "Promotion".into(),
                initial: usd("500"),
                remaining: usd("487.25"),
                currency: "USD".into(),
                start: instant("2026-01-15T00:00:00Z"),
                expiry: Some(instant("2026-06-30T23:59:59Z")),
                shareable: Some(false),
            },
        ]
    );
    assert_eq!(again, credits);
    assert_eq!(get_credits.num_calls(), 2);
    assert_eq!(
        organization.num_calls(),
        1,
        "the management account is asked once"
    );
}

#[tokio::test]
async fn a_credit_with_an_unreadable_balance_is_a_malformed_answer_not_zero() {
    let broken = mock!(aws_sdk_billing::Client::get_credits).then_output(|| {
        let credit = billing::CreditData::builder()
            .credit_id("PC-1")
            .account_id(PRODUCTION)
            .credit_type("Promotion")
            .description("Broken")
            .initial_amount(amount("100"))
            .remaining_amount(amount("about 40"))
            .start_date(SmithyTime::from_secs(0))
            .build()
            .unwrap();
        GetCreditsOutput::builder().credits(credit).build()
    });
    let provider =
        provider(&[describe_organization()], &[broken], &[], &Sent::default()).await;

    let error = provider.get_credits().await.unwrap_err();

    assert_eq!(error.code, "MalformedAnswer");
    assert_eq!(error.operation, "GetCredits");
}

#[tokio::test]
async fn access_denied_from_get_credits_is_access_denied_and_not_retried() {
    let message = "User: arn:aws:sts::111111111111:assumed-role/ReadOnly/dev \
                   is not authorized to perform: billing:GetCredits";
    let body = json!({"__type": "AccessDeniedException", "message": message}).to_string();
    let denied = mock!(aws_sdk_billing::Client::get_credits)
        .sequence()
        .http_status(403, Some(body))
        .build();
    let sent = Sent::default();
    let provider = provider(&[describe_organization()], &[denied], &[], &sent).await;

    let error = provider.get_credits().await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.code, "AccessDeniedException");
    assert_eq!(error.message, message);
    assert_eq!(error.operation, "GetCredits");
    assert_eq!(error.target.as_deref(), Some(MANAGEMENT));
    assert_eq!(sent.uris().len(), 1);
}

fn preference(account: Option<&str>, value: &str) -> billing::BillingPreferenceSummary {
    let key = account.map_or("creditSharing".to_string(), |id| format!("account/{id}"));
    billing::BillingPreferenceSummary::builder()
        .feature(billing::BillingFeature::CreditSharing)
        .key(key)
        .value(billing::PreferenceValue::from(value))
        .set_account_id(account.map(str::to_string))
        .build()
        .unwrap()
}

fn preferences_page(
    items: Vec<billing::BillingPreferenceSummary>,
    next: Option<&str>,
) -> GetBillingPreferencesOutput {
    GetBillingPreferencesOutput::builder()
        .set_billing_preferences(Some(items))
        .set_next_token(next.map(str::to_string))
        .build()
        .unwrap()
}

/// The page of `CREDIT_SHARING` preferences answered to `token`.
fn preferences_rule(token: Option<&str>, output: GetBillingPreferencesOutput) -> Rule {
    let asked = token.map(str::to_string);
    mock!(aws_sdk_billing::Client::get_billing_preferences)
        .match_requests(move |r| {
            r.features() == [billing::BillingFeature::CreditSharing]
                && r.next_token() == asked.as_deref()
        })
        .then_output(move || output.clone())
}

#[tokio::test]
async fn credit_sharing_is_read_from_every_page_of_the_account_list() {
    let off = |account| preference(Some(account), "DISABLED");
    let first = preferences_rule(
        None,
        preferences_page(vec![off(MANAGEMENT)], Some("page-2")),
    );
    let empty_but_more =
        preferences_rule(Some("page-2"), preferences_page(vec![], Some("page-3")));
    let last = preferences_rule(
        Some("page-3"),
        preferences_page(
            vec![off(SANDBOX), preference(Some(PRODUCTION), "ENABLED")],
            None,
        ),
    );
    let rules = [first.clone(), empty_but_more.clone(), last.clone()];
    let provider = provider(&[], &rules, &[], &Sent::default()).await;

    let sharing = provider.get_credit_sharing().await.unwrap();

    assert!(sharing, "production shares: sharing is on");
    let calls = [first, empty_but_more, last].map(|rule| rule.num_calls());
    assert_eq!(calls, [1, 1, 1]);
}

#[tokio::test]
async fn credit_sharing_is_off_when_every_listed_account_has_it_off() {
    let off = |account| preference(Some(account), "DISABLED");
    let first = preferences_rule(
        None,
        preferences_page(vec![off(MANAGEMENT), off(PRODUCTION)], Some("page-2")),
    );
    let last =
        preferences_rule(Some("page-2"), preferences_page(vec![off(SANDBOX)], None));
    let provider = provider(&[], &[first, last], &[], &Sent::default()).await;

    assert!(!provider.get_credit_sharing().await.unwrap());
}

#[tokio::test]
async fn the_organization_wide_switch_decides_without_reading_further_pages() {
    let first = preferences_rule(
        None,
        preferences_page(
            vec![
                preference(Some(PRODUCTION), "ENABLED"),
                preference(None, "DISABLED"),
            ],
            Some("page-2"),
        ),
    );
    let second = preferences_rule(
        Some("page-2"),
        preferences_page(vec![preference(Some(SANDBOX), "ENABLED")], None),
    );
    let rules = [first.clone(), second.clone()];
    let provider = provider(&[], &rules, &[], &Sent::default()).await;

    let sharing = provider.get_credit_sharing().await.unwrap();

    assert!(!sharing);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 0));
}

#[tokio::test]
async fn billing_throttling_is_retried_by_the_sdk_and_the_call_succeeds() {
    let throttled_twice = mock!(aws_sdk_billing::Client::get_billing_preferences)
        .sequence()
        .http_status(400, Some(THROTTLED.to_string()))
        .times(2)
        .output(|| preferences_page(vec![preference(None, "ENABLED")], None))
        .build();
    let sent = Sent::default();
    let provider = provider(&[], &[throttled_twice], &[], &sent).await;

    let sharing = provider.get_credit_sharing().await.unwrap();

    assert!(sharing);
    assert_eq!(
        sent.uris().len(),
        3,
        "two throttled attempts, then the answer"
    );
}

#[tokio::test]
async fn billing_throttling_that_outlasts_the_retries_is_reported_as_throttling() {
    let always = mock!(aws_sdk_billing::Client::get_credits)
        .sequence()
        .http_status(400, Some(THROTTLED.to_string()))
        .repeatedly()
        .build();
    let sent = Sent::default();
    let provider = provider(&[describe_organization()], &[always], &[], &sent).await;

    let error = provider.get_credits().await.unwrap_err();

    assert_eq!(error.kind, ErrorKind::Throttling);
    assert_eq!(error.code, "ThrottlingException");
    assert_eq!(sent.uris().len(), settings().max_attempts as usize);
}

#[tokio::test]
async fn cost_explorer_and_billing_are_asked_in_us_east_1_from_any_region() {
    let forecast =
        mock!(aws_sdk_costexplorer::Client::get_cost_forecast).then_output(|| {
            let total = ce::MetricValue::builder().amount("1").unit("USD").build();
            GetCostForecastOutput::builder().total(total).build()
        });
    let preferences = preferences_rule(None, preferences_page(vec![], None));
    let sent = Sent::default();
    let provider = provider(&[], &[preferences], &[forecast], &sent).await;

    provider
        .get_cost_forecast(day(2026, 6, 1), day(2026, 7, 1), CostMetric::UnblendedCost)
        .await
        .unwrap();
    provider.get_credit_sharing().await.unwrap();

    let sdk = sdk_config(&settings()).await;
    let cost_explorer = aws::cost_explorer_config(&sdk, &settings()).build();
    let billing = aws::billing_config(&sdk, &settings()).build();
    assert_eq!(cost_explorer.region().unwrap().as_ref(), "us-east-1");
    assert_eq!(
        billing.region().unwrap().as_ref(),
        "eu-west-1",
        "Billing's endpoint rules find us-east-1 by themselves"
    );
    let uris = sent.uris();
    assert!(
        uris[0].starts_with("https://ce.us-east-1.amazonaws.com/"),
        "{uris:?}"
    );
    assert!(
        uris[1].starts_with("https://billing.us-east-1.api.aws/"),
        "{uris:?}"
    );
}

#[tokio::test]
async fn an_explicit_endpoint_url_wins_for_cost_explorer_and_billing() {
    let emulator = AwsSettings {
        endpoint_url: Some("http://127.0.0.1:5000".into()),
        ..settings()
    };
    let forecast = mock!(aws_sdk_costexplorer::Client::get_cost_forecast)
        .then_output(|| GetCostForecastOutput::builder().build());
    let preferences = preferences_rule(None, preferences_page(vec![], None));
    let sent = Sent::default();

    let cost_explorer = cost_explorer_client(&[forecast], &emulator, &sent).await;
    cost_explorer.get_cost_forecast().send().await.unwrap();
    let billing = billing_client(&[preferences], &emulator, &sent).await;
    billing
        .get_billing_preferences()
        .features(billing::BillingFeature::CreditSharing)
        .send()
        .await
        .unwrap();

    let uris = sent.uris();
    assert_eq!(uris.len(), 2);
    assert!(
        uris.iter()
            .all(|uri| uri.starts_with("http://127.0.0.1:5000/")),
        "{uris:?}"
    );
}

#[tokio::test]
async fn a_provider_without_billing_or_cost_explorer_clients_says_they_are_unavailable() {
    let none: &[Rule] = &[];
    let organizations = mock_client!(aws_sdk_organizations, RuleMode::MatchAny, none);
    let provider = AwsProvider::from_client(organizations, &settings());

    let credits = provider.get_credits().await.unwrap_err();
    let sharing = provider.get_credit_sharing().await.unwrap_err();
    let forecast = provider
        .get_cost_forecast(day(2026, 6, 1), day(2026, 7, 1), CostMetric::UnblendedCost)
        .await
        .unwrap_err();

    assert_eq!(
        [credits.kind, sharing.kind, forecast.kind],
        [ErrorKind::Unavailable; 3]
    );
    assert_eq!(credits.operation, "GetCredits");
    assert_eq!(sharing.operation, "GetBillingPreferences");
    assert_eq!(forecast.code, "NoCostExplorerClient");
}
