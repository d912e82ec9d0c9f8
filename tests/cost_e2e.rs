//! Costs end to end. `orgtop cost` against moto with canned Cost Explorer
//! answers comes out to the cent of what was queued, and a second run from
//! the fresh cache asks Cost Explorer nothing (counted on the wire). In
//! process, over the demo: a cache hit sends no billed request, a stale
//! cache is asked again only from the month Cost Explorer still estimates,
//! and a denied Billing API falls back to the configured credits. In the
//! console, `r` in the cost pane says what a refresh bills before it runs.
//! Every request stays on the loopback.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use aws_sdk_organizations::types::OrganizationFeatureSet;
use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};
use orgtop::clock::{Clock, FixedClock};
use orgtop::config::ConfiguredCredit;
use orgtop::crawl::costs::{self, CostData, CostPlan, CostRead, CreditSource};
use orgtop::model::cost::{CostMetric, CostPeriod, Credit, Month, MonthlyCosts};
use orgtop::provider::demo::DemoProvider;
use orgtop::provider::{ErrorKind, Provider, ProviderError};
use orgtop::worker::{Limited, Limits};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use common::Wire;
use common::console::STATUS_LINE;
use common::moto::Moto;
use common::pty::{Home, Pty, Screen};

/// moto's default account. orgtop sends no `x-moto-account-id` header, so
/// its requests speak as this account: the organization is created as it
/// and the answers are queued for it.
const MOTO_ACCOUNT: &str = "123456789012";

/// Whose cost a queued record is; moto picks the members' account ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Management,
    Production,
    Sandbox,
}

/// The member accounts created, with their names.
const MEMBERS: [(Who, &str); 2] =
    [(Who::Production, "production"), (Who::Sandbox, "sandbox")];

/// One account's records of one type over the seven months, oldest first:
/// six closed months, then the current one. "" is no record at all.
type Series = (Who, &'static str, [&'static str; 7]);

/// The grouped answer, by linked account and record type. Support is a
/// record type of its own that orgtop counts as "other"; production pays
/// with credits; the sandbox costs nothing in the first month.
#[rustfmt::skip]
const QUEUED: [Series; 8] = [
    (Who::Management, "Usage",
        ["412.34", "398.10", "405.00", "420.77", "431.18", "440.09", "120.45"]),
    (Who::Management, "Support",
        ["100.00", "100.00", "100.00", "100.00", "100.00", "100.00", "33.33"]),
    (Who::Management, "Tax",
        ["41.23", "39.81", "40.50", "42.08", "43.12", "44.01", "12.05"]),
    (Who::Production, "Usage",
        ["8123.45", "8410.99", "8702.10", "9011.57", "9320.80", "9644.33", "2904.01"]),
    (Who::Production, "Credit",
        ["-7800.00", "-8410.99", "-8702.10", "-9011.57", "-6000.00", "-2500.00", "-1200.00"]),
    (Who::Production, "Tax",
        ["32.35", "0.00", "0.00", "0.00", "332.08", "714.43", "170.40"]),
    (Who::Sandbox, "Usage",
        ["", "12.01", "9.50", "11.30", "10.70", "13.13", "3.99"]),
    (Who::Sandbox, "Tax",
        ["", "", "0.95", "1.13", "1.07", "1.31", "0.40"]),
];

/// Cost Explorer's `Estimated` per month: the last closed month is still
/// estimated, as a closed month is for a few days, and so is the current.
const ESTIMATED: [bool; 7] = [false, false, false, false, false, true, true];

/// The month whose groups go on over the second page: the first page ends
/// after the management account's records of it.
const SPLIT_MONTH: usize = 4;

/// The month whose ungrouped total exceeds the grouped sum, and by how
/// much: a charge no linked account's group carries.
const UNALLOCATED: (usize, &str) = (5, "66.67");

/// What the export prints for a month whose total is the grouped sum: the
/// difference keeps the scale of the amounts, here cents.
const NO_UNALLOCATED: &str = "0.00";

/// Two credits in the configuration file, for moto has no Billing API: one
/// as a letter states it in full, one with only its amount and start.
fn credits_config(production_id: &str) -> String {
    format!(
        "[aws]\nmax_attempts = 1\nconnect_timeout_secs = 2\noperation_timeout_secs = 10\n\n\
         [[cost.credit]]\naccount_id = \"{production_id}\"\n\
         description = \"AWS Activate credits\"\namount = \"25000.00\"\n\
         remaining = \"4321.09\"\nstart = \"2025-07-01\"\nexpiry = \"2027-06-30\"\n\n\
         [[cost.credit]]\naccount_id = \"{production_id}\"\n\
         description = \"Migration credits\"\namount = \"5000.00\"\n\
         start = \"2026-01-15\"\n"
    )
}

/// The configured credits as `orgtop cost --format json` lists them.
fn configured_credits_json(production_id: &str) -> Vec<Value> {
    vec![
        json!({
            "credit_id": "configured-1",
            "account_id": production_id,
            "description": "AWS Activate credits",
            "initial": "25000.00",
            "remaining": "4321.09",
            "currency": "USD",
            "start": "2025-07-01T00:00:00Z",
            "expiry": "2027-06-30T00:00:00Z",
            "shareable": null,
        }),
        json!({
            "credit_id": "configured-2",
            "account_id": production_id,
            "description": "Migration credits",
            "initial": "5000.00",
            "remaining": "5000.00",
            "currency": "USD",
            "start": "2026-01-15T00:00:00Z",
            "expiry": null,
            "shareable": null,
        }),
    ]
}

/// Dummy credentials and a region, and no instance metadata to fall back on.
const CREDENTIALS: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

/// How long a headless run may take; GetCostForecast and the Billing API,
/// which moto lacks, fail at once with one attempt.
const HEADLESS_PATIENCE: Duration = Duration::from_secs(60);

/// The first day of each of the six closed months and the current one,
/// oldest first, as of `today`.
fn seven_months(today: NaiveDate) -> Vec<NaiveDate> {
    let current = today.with_day(1).expect("every month has a first day");
    (0..7u32)
        .rev()
        .map(|back| current - Months::new(back))
        .collect()
}

fn yyyy_mm(first_day: NaiveDate) -> String {
    first_day.format("%Y-%m").to_string()
}

fn amount(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal amount")
}

/// The accounts of the organization created in moto.
struct Accounts {
    ids: BTreeMap<String, (Who, String)>,
}

impl Accounts {
    fn id_of(&self, who: Who) -> &str {
        let found = self.ids.iter().find(|(_, (w, _))| *w == who);
        found
            .map(|(id, _)| id.as_str())
            .expect("the account exists")
    }
}

/// An organization with its management account and [`MEMBERS`], created
/// as moto's default account.
fn create_organization(moto: &Moto) -> Accounts {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the SDK");
    runtime.block_on(async {
        let settings = common::settings(&moto.endpoint_url());
        let client = common::client(&settings, &Wire::default()).await;
        let output = client
            .create_organization()
            .feature_set(OrganizationFeatureSet::All)
            .send()
            .await
            .expect("moto creates the organization");
        let organization = output.organization().expect("an organization");
        let management = organization.master_account_id().expect("a management id");
        let mut ids = BTreeMap::new();
        ids.insert(management.to_string(), (Who::Management, "master".into()));
        for (who, name) in MEMBERS {
            let output = client
                .create_account()
                .account_name(name)
                .email(format!("{name}@example.com"))
                .send()
                .await
                .expect("moto creates the account");
            let status = output.create_account_status().expect("a creation status");
            let id = status.account_id().expect("an account id");
            ids.insert(id.to_string(), (who, name.to_string()));
        }
        Accounts { ids }
    })
}

/// The records of month `at`, in [`QUEUED`]'s order.
fn records(accounts: &Accounts, at: usize) -> Vec<(String, &'static str, &'static str)> {
    QUEUED
        .iter()
        .filter(|(_, _, amounts)| !amounts[at].is_empty())
        .map(|(who, kind, amounts)| {
            (accounts.id_of(*who).to_string(), *kind, amounts[at])
        })
        .collect()
}

/// One month of a `GetCostAndUsage` answer.
fn month_result(
    first_day: NaiveDate,
    at: usize,
    total: Value,
    groups: Vec<Value>,
) -> Value {
    let end = first_day + Months::new(1);
    json!({
        "TimePeriod": {"Start": first_day.to_string(), "End": end.to_string()},
        "Total": total,
        "Groups": groups,
        "Estimated": ESTIMATED[at],
    })
}

fn group(account_id: &str, record_type: &str, amount: &str) -> Value {
    json!({
        "Keys": [account_id, record_type],
        "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}},
    })
}

/// The grouped answer over two pages, then the ungrouped one.
fn answers(accounts: &Accounts, months: &[NaiveDate]) -> Vec<Value> {
    let mut first_page = Vec::new();
    let mut second_page = Vec::new();
    for (at, first_day) in months.iter().enumerate() {
        let groups = records(accounts, at);
        let (on_first, on_second): (Vec<_>, Vec<_>) = match at {
            _ if at < SPLIT_MONTH => (groups, Vec::new()),
            SPLIT_MONTH => groups
                .into_iter()
                .partition(|(id, _, _)| id == accounts.id_of(Who::Management)),
            _ => (Vec::new(), groups),
        };
        for (page, groups) in [(&mut first_page, on_first), (&mut second_page, on_second)]
        {
            if !groups.is_empty() {
                let groups = groups.iter().map(|(id, kind, a)| group(id, kind, a));
                page.push(month_result(*first_day, at, json!({}), groups.collect()));
            }
        }
    }
    let totals = months.iter().enumerate().map(|(at, first_day)| {
        let total = ungrouped_total(accounts, at).to_string();
        let metric = json!({"UnblendedCost": {"Amount": total, "Unit": "USD"}});
        month_result(*first_day, at, metric, Vec::new())
    });
    vec![
        json!({"ResultsByTime": first_page, "NextPageToken": "page-2"}),
        json!({"ResultsByTime": second_page}),
        json!({"ResultsByTime": totals.collect::<Vec<_>>()}),
    ]
}

/// The grouped sum of month `at`, plus the unallocated charge in its month.
fn ungrouped_total(accounts: &Accounts, at: usize) -> Decimal {
    let sum: Decimal = records(accounts, at).iter().map(|r| amount(r.2)).sum();
    match UNALLOCATED {
        (month, extra) if month == at => sum + amount(extra),
        _ => sum,
    }
}

/// Queues `answers` in moto for [`MOTO_ACCOUNT`], handed out one per
/// distinct request, in request order.
fn queue(moto: &Moto, answers: Vec<Value>) {
    let address = moto.endpoint_url().replace("http://", "");
    let body = json!({"account_id": MOTO_ACCOUNT, "results": answers}).to_string();
    let request = format!(
        "POST /moto-api/static/ce/cost-and-usage-results HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(&address).expect("moto listens");
    stream
        .write_all(request.as_bytes())
        .expect("moto takes the queue");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("moto answers");
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
}

/// What the export should say of account `id` in month `at`, as a line.
fn expected_row(
    accounts: &Accounts,
    id: &str,
    months: &[NaiveDate],
    at: usize,
) -> String {
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    let mut net = None::<Decimal>;
    for (who_id, kind, queued) in records(accounts, at) {
        if who_id != id {
            continue;
        }
        let field = match kind {
            "Usage" => "usage",
            "Credit" => "credits",
            "Refund" => "refunds",
            "Tax" => "tax",
            _ => "other",
        };
        assert!(fields.insert(field, queued).is_none(), "one record a field");
        net = Some(net.unwrap_or_default() + amount(queued));
    }
    let field = |name: &str| fields.get(name).copied().unwrap_or("0").to_string();
    let net = net.map_or_else(|| "0".to_string(), |net| net.to_string());
    let name = accounts.ids[id].1.as_str();
    row(
        [id, name, &yyyy_mm(months[at])],
        [
            &field("usage"),
            &field("credits"),
            &field("refunds"),
            &field("tax"),
            &field("other"),
            &net,
        ],
        &ESTIMATED[at].to_string(),
    )
}

fn row(who: [&str; 3], amounts: [&str; 6], estimated: &str) -> String {
    let [id, name, month] = who;
    let [usage, credits, refunds, tax, other, net] = amounts;
    format!(
        "{id} {name} {month}: usage {usage} credits {credits} refunds {refunds} \
         tax {tax} other {other} net {net} estimated {estimated}"
    )
}

/// A JSON string as it is, anything else marked, so that a number where a
/// decimal string belongs shows in the comparison.
fn text(value: &Value) -> String {
    match value.as_str() {
        Some(text) => text.to_string(),
        None => format!("<not a string: {value}>"),
    }
}

/// Every account's every month of the export, as lines.
fn printed_rows(printed: &Value) -> Vec<String> {
    let accounts = printed["accounts"].as_array().expect("a list of accounts");
    let mut rows = Vec::new();
    for account in accounts {
        let (id, name) = (text(&account["id"]), text(&account["name"]));
        for month in account["months"].as_array().expect("a list of months") {
            let amounts = ["usage", "credits", "refunds", "tax", "other", "net"]
                .map(|f| text(&month[f]));
            let amounts = amounts.each_ref().map(String::as_str);
            let month_name = text(&month["month"]);
            rows.push(row(
                [&id, &name, &month_name],
                amounts,
                &month["estimated"].to_string(),
            ));
        }
    }
    rows
}

/// Everything one connection sent, as it arrived.
type Transcript = Arc<Mutex<Vec<u8>>>;

/// A loopback relay in front of moto that notes the operation of every
/// request passing through, from its `X-Amz-Target` header: what orgtop
/// asked, counted without taking orgtop's word for it.
struct Relay {
    address: SocketAddr,
    /// Each connection's transcript, in the order they came.
    sent: Arc<Mutex<Vec<Transcript>>>,
}

impl Relay {
    fn start(moto: &Moto) -> Self {
        let upstream: SocketAddr = moto
            .endpoint_url()
            .replace("http://", "")
            .parse()
            .expect("moto's address");
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("a loopback port for the relay");
        let address = listener.local_addr().expect("the relay's address");
        let sent = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::clone(&sent);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = Arc::new(Mutex::new(Vec::new()));
                connections.lock().unwrap().push(Arc::clone(&log));
                thread::spawn(move || relay(client, upstream, log));
            }
        });
        Self { address, sent }
    }

    fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Requests relayed so far, by operation.
    fn requests(&self) -> BTreeMap<String, usize> {
        let mut counted = BTreeMap::new();
        for log in self.sent.lock().unwrap().iter() {
            let bytes = log.lock().unwrap();
            for line in String::from_utf8_lossy(&bytes).split("\r\n") {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                if name.eq_ignore_ascii_case("x-amz-target") {
                    let operation = value.trim().rsplit('.').next().unwrap_or_default();
                    *counted.entry(operation.to_string()).or_default() += 1;
                }
            }
        }
        counted
    }

    fn count(&self, operation: &str) -> usize {
        self.requests().get(operation).copied().unwrap_or(0)
    }
}

/// Passes one connection's bytes both ways, noting what the client sent
/// before it goes on.
fn relay(client: TcpStream, upstream: SocketAddr, log: Transcript) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let Ok(mut to_server) = server.try_clone() else {
        return;
    };
    let mut from_server = server;
    let Ok(mut to_client) = client.try_clone() else {
        return;
    };
    thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut to_client);
        let _ = to_client.shutdown(std::net::Shutdown::Write);
    });
    let mut from_client = client;
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(read) = from_client.read(&mut buffer) {
        if read == 0 {
            break;
        }
        log.lock().unwrap().extend_from_slice(&buffer[..read]);
        if to_server.write_all(&buffer[..read]).is_err() {
            break;
        }
    }
    let _ = to_server.shutdown(std::net::Shutdown::Write);
}

/// How a headless run ended and what it printed.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs orgtop with `args` in `home`, with only `home`'s variables and
/// [`CREDENTIALS`] in its environment.
fn run_orgtop(home: &Home, args: &[&str]) -> Finished {
    let (stdout, stderr) = (home.path().join("stdout"), home.path().join("stderr"));
    let file = |path: &Path| File::create(path).expect("an output file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .envs(home.vars())
        .envs(CREDENTIALS)
        .stdin(Stdio::null())
        .stdout(file(&stdout))
        .stderr(file(&stderr))
        .spawn()
        .expect("orgtop starts");
    let deadline = Instant::now() + HEADLESS_PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("orgtop's status") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orgtop {args:?} still ran after {HEADLESS_PATIENCE:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let read = |path: &Path| std::fs::read_to_string(path).expect("the output is text");
    Finished {
        status,
        stdout: read(&stdout),
        stderr: read(&stderr),
    }
}

fn parsed(finished: &Finished) -> Value {
    assert!(
        finished.status.success(),
        "orgtop exited with {}: {}",
        finished.status,
        finished.stderr
    );
    serde_json::from_str(&finished.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", finished.stdout))
}

/// The number in "orgtop: N billed Cost Explorer requests made".
fn billed_made(stderr: &str) -> Option<usize> {
    stderr.lines().find_map(|line| {
        let count = line.strip_prefix("orgtop: ")?;
        let count = count.strip_suffix(" billed Cost Explorer requests made")?;
        count.parse().ok()
    })
}

#[test]
fn the_cost_command_prints_moto_queued_costs_to_the_cent_then_reuses_its_cache() {
    let moto = Moto::start();
    let relay = Relay::start(&moto);
    let accounts = create_organization(&moto);
    let today = Utc::now().date_naive();
    let months = seven_months(today);
    queue(&moto, answers(&accounts, &months));
    let home = Home::new();
    let production = accounts.id_of(Who::Production).to_string();
    let config = home.write_config(&credits_config(&production));
    let config = config.display().to_string();
    let endpoint_url = relay.endpoint_url();
    let args = [
        "--config",
        &config,
        "--endpoint-url",
        &endpoint_url,
        "cost",
        "--format",
        "json",
    ];

    let first = run_orgtop(&home, &args);

    let printed = parsed(&first);
    assert_eq!(printed["currency"], "USD");
    assert_eq!(printed["metric"], "UnblendedCost");
    let month_names: Vec<String> = months.iter().copied().map(yyyy_mm).collect();
    assert_eq!(printed["months"], json!(month_names));
    let mut expected = Vec::new();
    for id in accounts.ids.keys() {
        expected.extend((0..7).map(|at| expected_row(&accounts, id, &months, at)));
    }
    assert_eq!(printed_rows(&printed), expected);
    let unallocated: Vec<Value> = month_names
        .iter()
        .enumerate()
        .map(|(at, month)| {
            let amount = if at == UNALLOCATED.0 {
                UNALLOCATED.1
            } else {
                NO_UNALLOCATED
            };
            json!({"month": month, "amount": amount})
        })
        .collect();
    assert_eq!(printed["unallocated"], json!(unallocated));
    let credits = printed["credits"].as_array().expect("a list of credits");
    let configured = configured_credits_json(&production);
    assert_eq!(credits.len(), configured.len(), "{credits:?}");
    for (credit, expected) in credits.iter().zip(&configured) {
        for (field, value) in expected.as_object().expect("an object") {
            assert_eq!(&credit[field], value, "{field} of {credit}");
        }
        // GetBillingPreferences failed too: whether credits are shared is
        // not known.
        assert_eq!(credit["sharing"], Value::Null, "{credit}");
    }
    let asked = relay.count("GetCostAndUsage");
    assert_eq!(
        asked,
        3,
        "two grouped pages and the totals: {:?}",
        relay.requests()
    );
    let billed = asked + relay.count("GetCostForecast");
    assert!(
        first
            .stderr
            .contains("at least 3 billed Cost Explorer requests"),
        "{}",
        first.stderr
    );
    assert_eq!(billed_made(&first.stderr), Some(billed), "{}", first.stderr);

    let second = run_orgtop(&home, &args);

    assert_eq!(parsed(&second), printed);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(
        relay.count("GetCostAndUsage"),
        asked,
        "{:?}",
        relay.requests()
    );
    assert_eq!(
        relay.count("GetCostAndUsage") + relay.count("GetCostForecast"),
        billed,
        "{:?}",
        relay.requests()
    );
    assert!(!second.stderr.contains("billed"), "{}", second.stderr);
}

/// The time-to-live the in-process tests plan with, as orgtop's default.
const TTL: chrono::Duration = chrono::Duration::hours(4);

/// The closed months before the current one, as orgtop's default.
const CLOSED_MONTHS: u32 = 6;

/// 2 December 2026, morning: November closed a day ago and Cost Explorer
/// still estimates it; October and before are final. The demo organization
/// has had all its accounts for a few months by then.
fn second_of_december() -> FixedClock {
    FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap())
}

fn month(year: i32, month: u32) -> Month {
    Month::new(year, month).expect("a month")
}

/// The demo organization, its "today" read from `clock`.
fn demo_on(clock: &FixedClock) -> Arc<DemoProvider> {
    let demo = DemoProvider::northwind(Duration::ZERO).expect("the demo organization");
    Arc::new(demo.with_clock(Arc::new(clock.clone())))
}

/// `demo` wrapped as the console wraps its provider: every call counted.
fn counted(demo: &Arc<DemoProvider>) -> Limited {
    let inner: Arc<dyn Provider> = demo.clone();
    Limited::new(inner, Limits::default())
}

fn plan_at(clock: &FixedClock, cached: Option<&CostData>) -> CostPlan {
    let now = clock.now();
    let metric = CostMetric::UnblendedCost;
    costs::plan(cached, metric, CLOSED_MONTHS, now.date_naive(), now, TTL)
}

async fn read_at(
    provider: &dyn Provider,
    clock: &FixedClock,
    plan: &CostPlan,
    cached: Option<&CostData>,
    configured: &[Credit],
) -> CostRead {
    let now = clock.now();
    costs::read(provider, plan, cached, configured, now.date_naive(), now)
        .await
        .expect("the demo answers")
}

/// The calls that read the credits: GetBillingPreferences and GetCredits.
const CREDIT_CALLS: u64 = 2;

/// The pages of the demo's grouped answer for `period`.
async fn grouped_pages(demo: &DemoProvider, period: &CostPeriod) -> u64 {
    let mut pages = 0;
    let mut token = None;
    loop {
        let page = demo
            .get_cost_and_usage_by_account(period, token)
            .await
            .expect("the demo answers");
        pages += 1;
        token = page.next_token;
        if token.is_none() {
            return pages;
        }
    }
}

fn before(month: Month, answers: &[MonthlyCosts]) -> Vec<MonthlyCosts> {
    answers
        .iter()
        .filter(|m| m.month < month)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_cache_within_its_time_to_live_sends_no_cost_explorer_request() {
    let clock = second_of_december();
    let demo = demo_on(&clock);
    let provider = counted(&demo);
    let plan = plan_at(&clock, None);
    let first = read_at(&provider, &clock, &plan, None, &[]).await;
    let after_first = provider.calls_done();
    assert!(first.billed_requests > 0);
    assert_eq!(after_first, first.billed_requests as u64 + CREDIT_CALLS);
    clock.set(clock.now() + chrono::Duration::hours(1));

    let plan = plan_at(&clock, Some(&first.data));
    let second = read_at(&provider, &clock, &plan, Some(&first.data), &[]).await;

    assert_eq!(plan.ask, None);
    assert_eq!(plan.billed_requests(), 0);
    assert_eq!(second.billed_requests, 0);
    // Two calls, and both were the credits' (answered by Billing, sharing
    // known): no Cost Explorer call at all.
    assert_eq!(provider.calls_done() - after_first, CREDIT_CALLS);
    assert_eq!(second.data.credits.source, CreditSource::Billing);
    assert!(second.data.credits.sharing.is_some());
    assert_eq!(second.data.grouped, first.data.grouped);
    assert_eq!(second.data.totals, first.data.totals);
    assert_eq!(second.data.forecast, first.data.forecast);
}

#[tokio::test]
async fn a_stale_cache_is_asked_again_only_from_the_month_still_estimated() {
    let clock = second_of_december();
    let demo = demo_on(&clock);
    let provider = counted(&demo);
    let first_plan = plan_at(&clock, None);
    let first = read_at(&provider, &clock, &first_plan, None, &[]).await;
    let after_first = provider.calls_done();
    let (november, january) = (month(2026, 11), month(2027, 1));
    assert!(first.data.is_final(month(2026, 10)));
    assert!(!first.data.is_final(november));
    clock.set(clock.now() + TTL + chrono::Duration::hours(1));

    let plan = plan_at(&clock, Some(&first.data));
    let second = read_at(&provider, &clock, &plan, Some(&first.data), &[]).await;

    let metric = CostMetric::UnblendedCost;
    let from_november = CostPeriod {
        start: november,
        end: january,
        metric,
    };
    assert_eq!(plan.ask, Some(from_november));
    assert_eq!(plan.months, first_plan.months);
    // The grouped pages from November, the totals, the forecast: not the
    // longer answer of all seven months.
    let pages = grouped_pages(&demo, &from_november).await;
    assert_eq!(second.billed_requests as u64, pages + 2);
    assert!(second.billed_requests < first.billed_requests);
    let made = provider.calls_done() - after_first;
    assert_eq!(made, pages + 2 + CREDIT_CALLS);
    assert_eq!(
        before(november, &second.data.grouped),
        before(november, &first.data.grouped)
    );
    assert_eq!(
        before(november, &second.data.totals),
        before(november, &first.data.totals)
    );
    let totals: Vec<Month> = second.data.totals.iter().map(|t| t.month).collect();
    assert_eq!(totals, first_plan.months, "one total a month, none twice");
}

#[tokio::test]
async fn a_denied_billing_api_falls_back_to_the_configured_credits_naming_the_denial() {
    let clock = second_of_december();
    let demo = demo_on(&clock);
    let denied = ProviderError::new(
        "GetCredits",
        None,
        ErrorKind::AccessDenied,
        "AccessDeniedException",
        "User is not authorized to perform: billing:GetCredits",
    );
    demo.inject_fault("GetCredits", denied);
    let configured = ConfiguredCredit {
        account_id: "482910375566".into(),
        description: "AWS Activate credits".into(),
        amount: amount("100000.00"),
        remaining: Some(amount("6412.37")),
        currency: "USD".into(),
        start: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
        expiry: NaiveDate::from_ymd_opt(2027, 10, 31),
    };
    let configured = [configured.to_credit(0)];
    let plan = plan_at(&clock, None);

    let read = read_at(demo.as_ref(), &clock, &plan, None, &configured).await;

    let credits = &read.data.credits;
    assert_eq!(credits.source, CreditSource::Configuration);
    assert_eq!(credits.credits, configured);
    let note = credits.note.as_deref().unwrap_or_default();
    assert!(note.contains("denied GetCredits"), "{note}");
    assert!(note.contains("AccessDeniedException"), "{note}");
    // GetBillingPreferences was not denied: sharing is still known.
    assert!(credits.sharing.is_some());
}

/// The confirmation's text, its lines joined: the dialog is 60 columns wide
/// in the middle of the 80-column screen.
fn dialog_text(screen: &Screen) -> String {
    let rows = screen.rows(10..70);
    let Some(title) = rows.iter().position(|row| row.contains("Refresh costs?")) else {
        return String::new();
    };
    let inside = rows[title + 1..]
        .iter()
        .take_while(|row| !row.starts_with('╰'))
        .map(|row| row.trim_matches(|c: char| c == '│' || c.is_whitespace()));
    inside
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "N billed" in the status line, if shown.
fn billed_in_status(screen: &Screen) -> Option<String> {
    let status = screen.row(STATUS_LINE);
    let part = status
        .split('│')
        .map(str::trim)
        .find(|p| p.ends_with(" billed"))?;
    Some(part.to_string())
}

#[test]
fn in_the_console_r_in_the_cost_pane_says_the_billed_requests_and_n_reads_nothing() {
    let home = Home::new();
    // Costs read at start go stale at once, so that a refresh asks Cost
    // Explorer again and has billed requests to announce.
    home.write_config("[cost]\ncache_ttl_hours = 0\n");
    let mut console = Pty::spawn_in(home, &["--demo"], &[]);
    let started = console.wait_for("the costs read at start", |screen| {
        billed_in_status(screen).is_some()
    });
    let billed = billed_in_status(&started);
    let current = yyyy_mm(seven_months(Utc::now().date_naive())[6]);

    console.send("c");
    console.wait_for("the cost pane with the current month", |screen| {
        screen.contains("Cost USD") && screen.contains(&format!("{current} "))
    });
    console.send("\t\t");
    console.send("r");
    let asked = console.wait_for("the confirmation", |s| s.contains("Refresh costs?"));

    // One grouped request, one ungrouped, and the forecast of the month.
    let said = dialog_text(&asked);
    assert!(
        said.contains("at least 3 Cost Explorer requests, each billed $0.01"),
        "{said}"
    );
    console.send("n");
    let closed =
        console.wait_for("the confirmation closed", |s| !s.contains("Refresh costs?"));
    assert_eq!(billed_in_status(&closed), billed);
    // A read of the demo takes a few calls of 8 ms: had one started, it
    // would have shown by now.
    thread::sleep(Duration::from_millis(500));
    let later = console.screen();
    assert_eq!(billed_in_status(&later), billed, "{}", later.text());
    assert!(!later.contains("reading costs"), "{}", later.text());
    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "orgtop exited with {status}");
}
