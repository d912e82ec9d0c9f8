//! The Cost Explorer adapter on the wire against moto's server. moto keeps
//! no costs: each test queues canned `GetCostAndUsage` answers through
//! `POST /moto-api/static/ce/cost-and-usage-results`, and moto hands them
//! out in request order, one per distinct request body (asked again, the
//! same body gets the same answer). The answers must come out of the
//! adapter to the cent of what was queued.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use aws_sdk_costexplorer::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_costexplorer::config::{
    ConfigBag, Credentials, Intercept, RuntimeComponents,
};
use aws_sdk_costexplorer::error::BoxError;
use orgtop::model::cost::{CostGroup, CostMetric, CostPeriod, Month, MonthlyCosts};
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};
use orgtop::provider::{ErrorKind, Provider};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use common::Wire;
use common::moto::Moto;

/// The moto account every request speaks as, and answers are queued for.
const MOTO_ACCOUNT: &str = "123456789012";

const MANAGEMENT: &str = "111111111111";
const PRODUCTION: &str = "222222222222";
const SANDBOX: &str = "333333333333";

/// Records the JSON body of every request sent.
#[derive(Debug, Clone, Default)]
struct Bodies(Arc<Mutex<Vec<Value>>>);

impl Bodies {
    fn sent(&self) -> Vec<Value> {
        self.0.lock().unwrap().clone()
    }
}

impl Intercept for Bodies {
    fn name(&self) -> &'static str {
        "Bodies"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let bytes = context.request().body().bytes().unwrap_or_default();
        let body = serde_json::from_slice(bytes).unwrap_or(Value::Null);
        self.0.lock().unwrap().push(body);
        Ok(())
    }
}

/// A moto server of the test's own, what the adapter sent to it, and the
/// provider under test.
struct Setup {
    moto: Moto,
    wire: Wire,
    bodies: Bodies,
    provider: AwsProvider,
}

/// Starts moto and builds the provider as `AwsProvider::connect` would,
/// with dummy credentials and every request on the loopback.
async fn setup() -> Setup {
    let moto = Moto::start();
    let settings = common::settings(&moto.endpoint_url());
    let wire = Wire::moto_account(MOTO_ACCOUNT);
    let bodies = Bodies::default();
    let cost_explorer = cost_explorer_client(&settings, &wire, &bodies).await;
    let provider =
        AwsProvider::from_client(common::client(&settings, &wire).await, &settings)
            .with_cost_explorer(cost_explorer);
    Setup {
        moto,
        wire,
        bodies,
        provider,
    }
}

async fn cost_explorer_client(
    settings: &AwsSettings,
    wire: &Wire,
    bodies: &Bodies,
) -> aws_sdk_costexplorer::Client {
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-tests");
    let sdk = aws::config_loader(settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let config = aws::cost_explorer_config(&sdk, settings)
        .interceptor(wire.clone())
        .interceptor(bodies.clone());
    aws_sdk_costexplorer::Client::from_conf(config.build())
}

/// Queues `answers` for `MOTO_ACCOUNT`, to be handed out in order.
fn queue(moto: &Moto, answers: Vec<Value>) {
    let address = moto.endpoint_url().replace("http://", "");
    let body = json!({"account_id": MOTO_ACCOUNT, "results": answers}).to_string();
    let request = format!(
        "POST /moto-api/static/ce/cost-and-usage-results HTTP/1.1\r\n\
         Host: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
}

fn month(year: i32, month: u32) -> Month {
    Month::new(year, month).unwrap()
}

fn usd(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Two closed months and the current one: April is final, May closed but
/// still estimated, as a closed month is for a few days, June in progress.
fn period() -> CostPeriod {
    CostPeriod {
        start: month(2026, 4),
        end: month(2026, 7),
        metric: CostMetric::UnblendedCost,
    }
}

/// Cost Explorer's answer for one month: `groups` of (account, record
/// type, amount).
fn grouped_month(start: &str, end: &str, estimated: bool, groups: &[Group]) -> Value {
    let groups: Vec<Value> = groups
        .iter()
        .map(|(account, record_type, amount)| {
            json!({
                "Keys": [account, record_type],
                "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}
            })
        })
        .collect();
    json!({
        "TimePeriod": {"Start": start, "End": end},
        "Total": {},
        "Groups": groups,
        "Estimated": estimated
    })
}

type Group = (&'static str, &'static str, &'static str);

const APRIL: &[Group] = &[
    (MANAGEMENT, "Usage", "412.3371"),
    (MANAGEMENT, "Support", "100.00"),
    (MANAGEMENT, "Tax", "41.23"),
    (PRODUCTION, "Usage", "8123.4567891234"),
    (PRODUCTION, "Credit", "-7800.00"),
    (PRODUCTION, "Tax", "32.35"),
    (SANDBOX, "Usage", "12.01"),
];

/// May, over two pages: its production and sandbox groups continue on the
/// second.
const MAY_FIRST_PAGE: &[Group] = &[
    (MANAGEMENT, "Usage", "398.10"),
    (MANAGEMENT, "Support", "100.00"),
    (MANAGEMENT, "Tax", "39.81"),
];
const MAY_SECOND_PAGE: &[Group] = &[
    (PRODUCTION, "Usage", "8410.99"),
    (PRODUCTION, "Credit", "-8410.99"),
    (PRODUCTION, "Tax", "0.00"),
    (SANDBOX, "Usage", "9.5"),
];

const JUNE: &[Group] = &[
    (MANAGEMENT, "Usage", "120.45"),
    (MANAGEMENT, "Support", "33.33"),
    (MANAGEMENT, "Tax", "12.05"),
    (PRODUCTION, "Usage", "2904.005"),
    (PRODUCTION, "Credit", "-1200.00"),
    (PRODUCTION, "Tax", "170.40"),
    (SANDBOX, "Usage", "3.99"),
];

/// The grouped answer over two pages, then the ungrouped one: June's total
/// carries 66.67 of pro-rated Support that no account's group holds.
fn answers() -> Vec<Value> {
    let first = json!({
        "NextPageToken": "page-2",
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
            {"Type": "DIMENSION", "Key": "RECORD_TYPE"}
        ],
        "ResultsByTime": [
            grouped_month("2026-04-01", "2026-05-01", false, APRIL),
            grouped_month("2026-05-01", "2026-06-01", true, MAY_FIRST_PAGE),
        ],
        "DimensionValueAttributes": []
    });
    let second = json!({
        "ResultsByTime": [
            grouped_month("2026-05-01", "2026-06-01", true, MAY_SECOND_PAGE),
            grouped_month("2026-06-01", "2026-07-01", true, JUNE),
        ],
        "DimensionValueAttributes": []
    });
    let total = |start: &str, end: &str, estimated: bool, amount: &str| {
        json!({
            "TimePeriod": {"Start": start, "End": end},
            "Total": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}},
            "Groups": [],
            "Estimated": estimated
        })
    };
    let ungrouped = json!({
        "ResultsByTime": [
            total("2026-04-01", "2026-05-01", false, "921.3838891234"),
            total("2026-05-01", "2026-06-01", true, "547.41"),
            total("2026-06-01", "2026-07-01", true, "2110.895"),
        ],
        "DimensionValueAttributes": []
    });
    vec![first, second, ungrouped]
}

fn groups(groups: &[Group]) -> Vec<CostGroup> {
    groups
        .iter()
        .map(|(account, record_type, amount)| CostGroup {
            account_id: account.to_string(),
            record_type: record_type.to_string(),
            amount: usd(amount),
        })
        .collect()
}

fn grouped(month: Month, estimated: bool, queued: &[Group]) -> MonthlyCosts {
    MonthlyCosts {
        month,
        estimated,
        groups: groups(queued),
        total: None,
        currency: "USD".into(),
    }
}

fn ungrouped(month: Month, estimated: bool, amount: &str) -> MonthlyCosts {
    MonthlyCosts {
        month,
        estimated,
        groups: Vec::new(),
        total: Some(usd(amount)),
        currency: "USD".into(),
    }
}

#[tokio::test]
async fn grouped_costs_come_out_to_the_cent_page_by_page_with_estimated_flags() {
    let setup = setup().await;
    queue(&setup.moto, answers());
    let provider = &setup.provider;

    let first = provider
        .get_cost_and_usage_by_account(&period(), None)
        .await
        .unwrap();
    let token = first.next_token.clone();
    let second = provider
        .get_cost_and_usage_by_account(&period(), token)
        .await
        .unwrap();

    assert_eq!(first.next_token.as_deref(), Some("page-2"));
    assert_eq!(
        first.items,
        [
            grouped(month(2026, 4), false, APRIL),
            grouped(month(2026, 5), true, MAY_FIRST_PAGE),
        ]
    );
    assert_eq!(second.next_token, None);
    assert_eq!(
        second.items,
        [
            grouped(month(2026, 5), true, MAY_SECOND_PAGE),
            grouped(month(2026, 6), true, JUNE),
        ]
    );
    assert_eq!(setup.wire.requests()["GetCostAndUsage"], 2);
}

#[tokio::test]
async fn the_ungrouped_totals_come_out_as_queued_and_reconcile_with_the_groups() {
    let setup = setup().await;
    queue(&setup.moto, answers());
    let provider = &setup.provider;
    let mut grouped = Vec::new();
    let mut token = None;
    loop {
        let page = provider
            .get_cost_and_usage_by_account(&period(), token)
            .await
            .unwrap();
        grouped.extend(page.items);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }

    let totals = provider
        .get_cost_and_usage_total(&period(), None)
        .await
        .unwrap();

    assert_eq!(totals.next_token, None);
    assert_eq!(
        totals.items,
        [
            ungrouped(month(2026, 4), false, "921.3838891234"),
            ungrouped(month(2026, 5), true, "547.41"),
            ungrouped(month(2026, 6), true, "2110.895"),
        ]
    );
    let mut grouped_sum: BTreeMap<Month, Decimal> = BTreeMap::new();
    for monthly in &grouped {
        let sum: Decimal = monthly.groups.iter().map(|group| group.amount).sum();
        *grouped_sum.entry(monthly.month).or_default() += sum;
    }
    let unallocated: Vec<_> = totals
        .items
        .iter()
        .map(|total| {
            (
                total.month,
                total.total.unwrap() - grouped_sum[&total.month],
            )
        })
        .collect();
    assert_eq!(
        unallocated,
        [
            (month(2026, 4), usd("0")),
            (month(2026, 5), usd("0")),
            (month(2026, 6), usd("66.67")),
        ]
    );
    assert_eq!(setup.wire.requests()["GetCostAndUsage"], 3);
}

#[tokio::test]
async fn requests_ask_monthly_by_linked_account_then_record_type_for_whole_months() {
    let setup = setup().await;
    queue(&setup.moto, answers());
    let provider = &setup.provider;
    let period = CostPeriod {
        metric: CostMetric::NetUnblendedCost,
        ..period()
    };

    // The metric asked is not the one queued: the answer reads as malformed,
    // but the requests are what this test is about.
    let _ = provider.get_cost_and_usage_by_account(&period, None).await;
    let _ = provider
        .get_cost_and_usage_by_account(&period, Some("page-2".into()))
        .await;
    let _ = provider.get_cost_and_usage_total(&period, None).await;

    let sent = setup.bodies.sent();
    let time_period = json!({"Start": "2026-04-01", "End": "2026-07-01"});
    let by_account = json!([
        {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
        {"Type": "DIMENSION", "Key": "RECORD_TYPE"}
    ]);
    assert_eq!(sent.len(), 3);
    for body in &sent {
        assert_eq!(body["TimePeriod"], time_period);
        assert_eq!(body["Granularity"], "MONTHLY");
        assert_eq!(body["Metrics"], json!(["NetUnblendedCost"]));
    }
    assert_eq!(sent[0]["GroupBy"], by_account);
    assert_eq!(sent[0].get("NextPageToken"), None);
    assert_eq!(sent[1]["GroupBy"], by_account);
    assert_eq!(sent[1]["NextPageToken"], "page-2");
    assert_eq!(sent[2].get("GroupBy"), None);
    assert_eq!(sent[2].get("Filter"), None);
}

#[tokio::test]
async fn cost_by_service_is_filtered_to_the_account_and_grouped_by_service() {
    let setup = setup().await;
    let service = |name: &str, amount: &str| {
        json!({
            "Keys": [name],
            "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}
        })
    };
    let answer = json!({
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2026-05-01", "End": "2026-06-01"},
                "Total": {},
                "Groups": [
                    service("Amazon Relational Database Service", "6120.42"),
                    service("Amazon Elastic Compute Cloud - Compute", "2290.57"),
                ],
                "Estimated": true
            },
            {
                "TimePeriod": {"Start": "2026-06-01", "End": "2026-07-01"},
                "Total": {},
                "Groups": [service("Amazon Relational Database Service", "2100.005")],
                "Estimated": true
            }
        ]
    });
    queue(&setup.moto, vec![answer]);
    let period = CostPeriod {
        start: month(2026, 5),
        ..period()
    };

    let page = setup
        .provider
        .get_cost_by_service(PRODUCTION, &period, None)
        .await
        .unwrap();

    let costs: Vec<_> = page
        .items
        .iter()
        .map(|c| (c.month, c.service.as_str(), c.amount, c.currency.as_str()))
        .collect();
    assert_eq!(
        costs,
        [
            (
                month(2026, 5),
                "Amazon Relational Database Service",
                usd("6120.42"),
                "USD"
            ),
            (
                month(2026, 5),
                "Amazon Elastic Compute Cloud - Compute",
                usd("2290.57"),
                "USD"
            ),
            (
                month(2026, 6),
                "Amazon Relational Database Service",
                usd("2100.005"),
                "USD"
            ),
        ]
    );
    let body = &setup.bodies.sent()[0];
    assert_eq!(
        body["Filter"],
        json!({"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [PRODUCTION]}})
    );
    assert_eq!(
        body["GroupBy"],
        json!([{"Type": "DIMENSION", "Key": "SERVICE"}])
    );
}

#[tokio::test]
async fn an_unreadable_or_missing_amount_is_a_malformed_answer_not_zero() {
    let setup = setup().await;
    let month_with = |metrics: Value| {
        json!({
            "ResultsByTime": [{
                "TimePeriod": {"Start": "2026-06-01", "End": "2026-07-01"},
                "Total": {},
                "Groups": [{"Keys": [SANDBOX, "Usage"], "Metrics": metrics}],
                "Estimated": true
            }]
        })
    };
    let unreadable =
        month_with(json!({"UnblendedCost": {"Amount": "12,50", "Unit": "USD"}}));
    let missing = month_with(json!({"UnblendedCost": {"Unit": "USD"}}));
    queue(&setup.moto, vec![unreadable, missing]);
    let provider = &setup.provider;

    let unreadable = provider
        .get_cost_and_usage_by_account(&period(), None)
        .await
        .unwrap_err();
    let missing = provider
        .get_cost_and_usage_by_account(&period(), Some("again".into()))
        .await
        .unwrap_err();

    for error in [unreadable, missing] {
        assert_eq!(error.code, "MalformedAnswer", "{error}");
        assert_eq!(error.kind, ErrorKind::Unavailable);
        assert_eq!(error.operation, "GetCostAndUsage");
    }
}

#[tokio::test]
async fn an_empty_queue_answers_no_months_and_nothing_more() {
    let setup = setup().await;

    let page = setup
        .provider
        .get_cost_and_usage_by_account(&period(), None)
        .await
        .unwrap();

    assert_eq!(page.items, []);
    assert_eq!(page.next_token, None);
    assert_eq!(setup.wire.total(), 1);
}
