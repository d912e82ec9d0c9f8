//! The cost model on exact, hand-computed cases: Cost Explorer's pages
//! merged into per-account amounts, subtree totals, the unallocated
//! difference, month-to-date, credit burn, runway and flags, trends.
//!
//! Every test analyses a small organization as of 11 June 2025: June has 30
//! days, ten of them whole, so the current pace is a tenth of a month's
//! days; March to May are the last three closed months.

use chrono::{NaiveDate, TimeZone, Utc};
use orgtop::model::cost::{
    AccountNet, CostAnalysis, CostAnswers, CostGroup, CostMetric, Credit, CreditFlag,
    CurrencyMismatch, Forecast, Month, MonthlyAmount, MonthlyCosts, Runway,
};
use orgtop::model::{
    Account, AccountState, JoinedMethod, NodeIdx, Org, OrganizationalUnit, Root,
};
use rust_decimal::Decimal;
use serde_json::json;

const ROOT: &str = "r-ab12";
const WORKLOADS: &str = "ou-ab12-workload";
const PRODUCTION_OU: &str = "ou-ab12-prod";
const SANDBOX: &str = "ou-ab12-sandbox";
const MANAGEMENT: &str = "111111111111";
const PRODUCTION: &str = "222222222222";
const STAGING: &str = "333333333333";
const ALICE: &str = "444444444444";
const DEPARTED: &str = "999999999999";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 11).unwrap()
}

fn amount(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn month(text: &str) -> Month {
    Month::try_from(text.to_string()).unwrap()
}

/// One month of the grouped answer: (account, record type, amount) groups.
fn grouped(month_text: &str, groups: &[(&str, &str, &str)]) -> MonthlyCosts {
    MonthlyCosts {
        month: month(month_text),
        estimated: false,
        groups: groups
            .iter()
            .map(|&(account_id, record_type, value)| CostGroup {
                account_id: account_id.to_string(),
                record_type: record_type.to_string(),
                amount: amount(value),
            })
            .collect(),
        total: None,
        currency: "USD".to_string(),
    }
}

/// One month of the ungrouped answer.
fn ungrouped(month_text: &str, total: &str) -> MonthlyCosts {
    MonthlyCosts {
        month: month(month_text),
        estimated: false,
        groups: Vec::new(),
        total: Some(amount(total)),
        currency: "USD".to_string(),
    }
}

fn credit(id: &str, remaining: &str, expiry: Option<(i32, u32, u32)>) -> Credit {
    Credit {
        credit_id: id.to_string(),
        account_id: PRODUCTION.to_string(),
        description: "AWS Activate credits".to_string(),
        initial: amount("10000"),
        remaining: amount(remaining),
        currency: "USD".to_string(),
        start: Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).unwrap(),
        expiry: expiry.map(|(y, m, d)| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()),
        shareable: None,
    }
}

/// Root ─ management
///      ├ Workloads ─ Production ─ production
///      │           └ staging
///      └ Sandbox ─ alice
fn org() -> Org {
    let mut org = Org::new();
    org.add_root(Root {
        id: ROOT.to_string(),
        arn: format!("arn:aws:organizations::{MANAGEMENT}:root/o-abc/{ROOT}"),
        name: "Root".to_string(),
    })
    .unwrap();
    add_unit(&mut org, ROOT, WORKLOADS, "Workloads");
    add_unit(&mut org, WORKLOADS, PRODUCTION_OU, "Production");
    add_unit(&mut org, ROOT, SANDBOX, "Sandbox");
    add_account(&mut org, ROOT, MANAGEMENT, "management");
    add_account(&mut org, PRODUCTION_OU, PRODUCTION, "production");
    add_account(&mut org, WORKLOADS, STAGING, "staging");
    add_account(&mut org, SANDBOX, ALICE, "sandbox-alice");
    org
}

fn add_unit(org: &mut Org, parent: &str, id: &str, name: &str) {
    let unit = OrganizationalUnit {
        id: id.to_string(),
        arn: format!("arn:aws:organizations::{MANAGEMENT}:ou/o-abc/{id}"),
        name: name.to_string(),
    };
    org.add_organizational_unit(parent, unit).unwrap();
}

fn add_account(org: &mut Org, parent: &str, id: &str, name: &str) {
    let account = Account {
        id: id.to_string(),
        arn: format!("arn:aws:organizations::{MANAGEMENT}:account/o-abc/{id}"),
        name: name.to_string(),
        email: format!("{name}@example.com"),
        state: AccountState::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap(),
    };
    org.add_account(parent, account).unwrap();
}

fn node(org: &Org, id: &str) -> NodeIdx {
    org.find(id).unwrap()
}

/// The answers a test varies; the rest stays empty.
#[derive(Default)]
struct Answers {
    grouped: Vec<MonthlyCosts>,
    ungrouped: Vec<MonthlyCosts>,
    forecast: Option<Forecast>,
    credits: Vec<Credit>,
    credit_sharing: Option<bool>,
}

impl Answers {
    fn grouped(months: Vec<MonthlyCosts>) -> Self {
        Self {
            grouped: months,
            ..Self::default()
        }
    }

    fn analyse(&self) -> CostAnalysis {
        self.analyse_on(today())
    }

    fn analyse_on(&self, today: NaiveDate) -> CostAnalysis {
        let answers = CostAnswers {
            metric: CostMetric::UnblendedCost,
            grouped: &self.grouped,
            ungrouped: &self.ungrouped,
            forecast: self.forecast.as_ref(),
            credits: &self.credits,
            credit_sharing: self.credit_sharing,
        };
        CostAnalysis::new(&answers, &org(), today)
    }
}

/// Production burns exactly 300 of credits a month: 300 in each of March,
/// April and May, and 100 in June's first ten days.
fn burning_300_a_month(credits: Vec<Credit>) -> Answers {
    let mut answers = Answers::grouped(vec![
        grouped(
            "2025-03",
            &[(PRODUCTION, "Usage", "400"), (PRODUCTION, "Credit", "-300")],
        ),
        grouped(
            "2025-04",
            &[(PRODUCTION, "Usage", "400"), (PRODUCTION, "Credit", "-300")],
        ),
        grouped(
            "2025-05",
            &[(PRODUCTION, "Usage", "400"), (PRODUCTION, "Credit", "-300")],
        ),
        grouped(
            "2025-06",
            &[(PRODUCTION, "Usage", "150"), (PRODUCTION, "Credit", "-100")],
        ),
    ]);
    answers.credits = credits;
    answers
}

#[test]
fn a_month_split_over_two_pages_is_merged() {
    let mut first_page = grouped(
        "2025-05",
        &[
            (PRODUCTION, "Usage", "100.10"),
            (PRODUCTION, "Credit", "-40"),
        ],
    );
    first_page.estimated = false;
    let mut second_page = grouped(
        "2025-05",
        &[(PRODUCTION, "Tax", "5.25"), (STAGING, "Usage", "30")],
    );
    second_page.estimated = true;

    let analysis = Answers::grouped(vec![first_page, second_page]).analyse();

    let may = month("2025-05");
    let production = analysis.breakdown.amounts(PRODUCTION, may);
    assert_eq!(production.usage, amount("100.10"));
    assert_eq!(production.credits, amount("-40"));
    assert_eq!(production.tax, amount("5.25"));
    assert_eq!(production.net, amount("65.35"));
    assert_eq!(analysis.breakdown.amounts(STAGING, may).usage, amount("30"));
    assert_eq!(analysis.breakdown.months(), vec![may]);
    assert!(analysis.breakdown.is_estimated(may));
}

#[test]
fn other_sums_every_record_type_but_usage_credit_refund_and_tax() {
    let analysis = Answers::grouped(vec![grouped(
        "2025-05",
        &[
            (PRODUCTION, "Support", "10"),
            (PRODUCTION, "Fee", "2.50"),
            (PRODUCTION, "DiscountedUsage", "3.25"),
            (PRODUCTION, "SavingsPlanCoveredUsage", "4"),
            (PRODUCTION, "RIFee", "1.01"),
        ],
    )])
    .analyse();

    let production = analysis.breakdown.amounts(PRODUCTION, month("2025-05"));
    assert_eq!(production.other, amount("20.76"));
    assert_eq!(production.usage, Decimal::ZERO);
    assert_eq!(production.net, amount("20.76"));
}

#[test]
fn net_is_the_sum_of_usage_credits_refunds_tax_and_other() {
    let analysis = Answers::grouped(vec![grouped(
        "2025-05",
        &[
            (PRODUCTION, "Usage", "1000.00"),
            (PRODUCTION, "Credit", "-750.50"),
            (PRODUCTION, "Refund", "-12.25"),
            (PRODUCTION, "Tax", "47.03"),
            (PRODUCTION, "Support", "29.00"),
        ],
    )])
    .analyse();

    let production = analysis.breakdown.amounts(PRODUCTION, month("2025-05"));
    assert_eq!(production.usage, amount("1000"));
    assert_eq!(production.credits, amount("-750.50"));
    assert_eq!(production.refunds, amount("-12.25"));
    assert_eq!(production.tax, amount("47.03"));
    assert_eq!(production.other, amount("29"));
    assert_eq!(production.net, amount("313.28"));
}

fn may_of_every_account() -> Answers {
    Answers::grouped(vec![grouped(
        "2025-05",
        &[
            (MANAGEMENT, "Usage", "10"),
            (PRODUCTION, "Usage", "500"),
            (PRODUCTION, "Credit", "-300"),
            (STAGING, "Usage", "50"),
            (ALICE, "Usage", "5.40"),
        ],
    )])
}

#[test]
fn subtree_totals_add_up_every_account_below_each_unit_and_the_root() {
    let analysis = may_of_every_account().analyse();
    let org = org();
    let may = month("2025-05");
    let totals = &analysis.totals;

    let production_ou = totals.get(node(&org, PRODUCTION_OU), may);
    assert_eq!(production_ou.usage, amount("500"));
    assert_eq!(production_ou.credits, amount("-300"));
    assert_eq!(production_ou.net, amount("200"));
    let workloads = totals.get(node(&org, WORKLOADS), may);
    assert_eq!(workloads.usage, amount("550"));
    assert_eq!(workloads.net, amount("250"));
    assert_eq!(totals.get(node(&org, SANDBOX), may).net, amount("5.40"));
    assert_eq!(totals.get(node(&org, MANAGEMENT), may).net, amount("10"));
    let root = totals.get(node(&org, ROOT), may);
    assert_eq!(root.usage, amount("565.40"));
    assert_eq!(root.credits, amount("-300"));
    assert_eq!(root.net, amount("265.40"));
    assert!(totals.departed().is_empty());
}

#[test]
fn an_account_no_longer_in_the_tree_counts_at_the_root() {
    let mut answers = may_of_every_account();
    answers
        .grouped
        .push(grouped("2025-05", &[(DEPARTED, "Usage", "7.50")]));

    let analysis = answers.analyse();

    let org = org();
    let may = month("2025-05");
    assert_eq!(
        analysis.totals.get(node(&org, ROOT), may).net,
        amount("272.90")
    );
    assert_eq!(
        analysis.totals.get(node(&org, WORKLOADS), may).net,
        amount("250")
    );
    assert_eq!(analysis.totals.departed(), [DEPARTED.to_string()]);
    let export = analysis.export(&org);
    let departed = export.accounts.iter().find(|a| a.id == DEPARTED).unwrap();
    assert_eq!(departed.name, None);
}

/// The unallocated difference of May when the grouped sum is 100.
fn unallocated_against(total: &str) -> Vec<MonthlyAmount> {
    let mut answers = Answers::grouped(vec![grouped(
        "2025-05",
        &[(PRODUCTION, "Usage", "90"), (STAGING, "Usage", "10")],
    )]);
    answers.ungrouped = vec![ungrouped("2025-05", total)];
    answers.analyse().breakdown.unallocated().to_vec()
}

#[test]
fn unallocated_is_the_ungrouped_total_above_the_grouped_sum() {
    let unallocated = unallocated_against("112.40");

    assert_eq!(
        unallocated,
        [MonthlyAmount {
            month: month("2025-05"),
            amount: amount("12.40")
        }]
    );
}

#[test]
fn unallocated_is_kept_when_negative() {
    let unallocated = unallocated_against("99.99");

    assert_eq!(unallocated[0].amount, amount("-0.01"));
}

#[test]
fn unallocated_is_zero_when_the_totals_agree() {
    let unallocated = unallocated_against("100.00");

    assert_eq!(unallocated.len(), 1);
    assert_eq!(unallocated[0].amount, Decimal::ZERO);
}

#[test]
fn a_second_currency_is_reported_not_mixed() {
    let mut in_euros = grouped("2025-05", &[(STAGING, "Usage", "50")]);
    in_euros.currency = "EUR".to_string();
    let answers = Answers::grouped(vec![
        grouped("2025-05", &[(PRODUCTION, "Usage", "100")]),
        in_euros,
    ]);

    let analysis = answers.analyse();

    assert_eq!(analysis.breakdown.currency(), Some("USD"));
    let may = month("2025-05");
    assert_eq!(analysis.breakdown.month_total(may).net, amount("100"));
    assert_eq!(analysis.breakdown.amounts(STAGING, may).net, Decimal::ZERO);
    assert_eq!(
        analysis.mismatches,
        [CurrencyMismatch {
            answer: "GetCostAndUsage by account for 2025-05".to_string(),
            expected: "USD".to_string(),
            found: "EUR".to_string(),
        }]
    );
}

#[test]
fn month_to_date_is_the_whole_bill_so_far_and_the_forecast_adds_the_rest() {
    let mut answers = Answers::grouped(vec![grouped(
        "2025-06",
        &[(PRODUCTION, "Usage", "200"), (PRODUCTION, "Credit", "-50")],
    )]);
    answers.ungrouped = vec![ungrouped("2025-06", "160")];
    answers.forecast = Some(Forecast {
        start: today(),
        end: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        amount: amount("300.25"),
        currency: "USD".to_string(),
    });

    let month_to_date = answers.analyse().month_to_date.unwrap();

    assert_eq!(month_to_date.month, month("2025-06"));
    assert_eq!(month_to_date.net, amount("160"));
    assert_eq!(month_to_date.forecast_rest, Some(amount("300.25")));
    assert_eq!(month_to_date.forecast_total, Some(amount("460.25")));
}

#[test]
fn month_to_date_without_a_forecast_has_no_forecast_total() {
    let answers =
        Answers::grouped(vec![grouped("2025-06", &[(PRODUCTION, "Usage", "200")])]);

    let month_to_date = answers.analyse().month_to_date.unwrap();

    assert_eq!(month_to_date.net, amount("200"));
    assert_eq!(month_to_date.forecast_total, None);
}

#[test]
fn burn_averages_the_last_three_closed_months_and_paces_the_current_one() {
    let answers = Answers::grouped(vec![
        grouped("2025-02", &[(PRODUCTION, "Credit", "-1000")]),
        grouped("2025-03", &[(PRODUCTION, "Credit", "-300")]),
        grouped("2025-04", &[(PRODUCTION, "Credit", "-250.50")]),
        grouped(
            "2025-05",
            &[
                (PRODUCTION, "Credit", "-300"),
                (STAGING, "Credit", "-49.50"),
            ],
        ),
        grouped("2025-06", &[(PRODUCTION, "Credit", "-120")]),
    ]);

    let burn = answers.analyse().burn;

    assert_eq!(burn.applied_in(month("2025-05")), amount("349.50"));
    // (300 + 250.50 + 349.50) / 3; February is older than three months.
    assert_eq!(burn.closed_average, Some(amount("300")));
    // 120 in 10 whole days of June's 30.
    assert_eq!(burn.current_pace, Some(amount("360")));
    assert_eq!(burn.rate(), Some(amount("360")));
}

#[test]
fn the_average_burn_is_rounded_to_the_cent() {
    let answers = Answers::grouped(vec![
        grouped("2025-03", &[(PRODUCTION, "Credit", "-100")]),
        grouped("2025-04", &[(PRODUCTION, "Credit", "-100")]),
        grouped("2025-05", &[(PRODUCTION, "Credit", "-101")]),
    ]);

    let burn = answers.analyse().burn;

    assert_eq!(burn.closed_average, Some(amount("100.33")));
    assert_eq!(burn.current_pace, None);
}

#[test]
fn there_is_no_pace_on_the_first_day_of_the_month() {
    let answers = burning_300_a_month(Vec::new());

    let burn = answers
        .analyse_on(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
        .burn;

    assert_eq!(burn.current_pace, None);
    assert_eq!(burn.closed_average, Some(amount("300")));
}

#[test]
fn a_credit_without_burn_has_no_exhaustion_date_and_only_its_expiry_matters() {
    let mut answers =
        Answers::grouped(vec![grouped("2025-05", &[(PRODUCTION, "Usage", "400")])]);
    answers.credits = vec![
        credit("expiring", "500", Some((2025, 12, 31))),
        credit("lasting", "500", None),
    ];

    let credits = answers.analyse().credits;

    assert_eq!(credits[0].burn, None);
    assert_eq!(credits[0].runway, Runway::Unbounded);
    assert_eq!(credits[0].flags, [CreditFlag::ExpiresBeforeUsed]);
    assert_eq!(credits[1].runway, Runway::Unbounded);
    assert!(credits[1].flags.is_empty());
}

#[test]
fn a_credit_used_up_next_month_runs_out_on_the_exact_day() {
    // 200 lasts June's 20 days from the 11th at 10 a day; the other 150 of
    // July's 300 over 31 days takes 15.5 days, so the 16th.
    let answers = burning_300_a_month(vec![credit("activate", "350", None)]);

    let status = &answers.analyse().credits[0];

    assert_eq!(status.burn, Some(amount("300")));
    assert_eq!(
        status.runway,
        Runway::Until {
            months: amount("1.17"),
            runs_out_on: NaiveDate::from_ymd_opt(2025, 7, 16).unwrap(),
        }
    );
    assert!(status.flags.is_empty());
}

#[test]
fn a_credit_used_up_this_month_runs_out_within_30_days() {
    // 100 at 10 a day from the 11th: the 11th to the 20th.
    let answers = burning_300_a_month(vec![credit("activate", "100", None)]);

    let status = &answers.analyse().credits[0];

    assert_eq!(
        status.runway,
        Runway::Until {
            months: amount("0.33"),
            runs_out_on: NaiveDate::from_ymd_opt(2025, 6, 20).unwrap(),
        }
    );
    assert_eq!(status.flags, [CreditFlag::RunsOutWithin30Days]);
}

#[test]
fn a_credit_expiring_before_it_is_used_up_is_flagged() {
    // Used up on 16 July; one expires on the 14th, the other the moment
    // the 16th ends.
    let answers = burning_300_a_month(vec![
        credit("lost", "350", Some((2025, 7, 14))),
        credit("used", "350", Some((2025, 7, 17))),
    ]);

    let credits = answers.analyse().credits;

    assert_eq!(credits[0].flags, [CreditFlag::ExpiresBeforeUsed]);
    assert!(credits[1].flags.is_empty());
}

#[test]
fn a_credit_expiring_within_30_days_while_burning_runs_out_within_30_days() {
    let answers = burning_300_a_month(vec![credit("soon", "350", Some((2025, 7, 10)))]);

    let status = &answers.analyse().credits[0];

    assert_eq!(
        status.flags,
        [
            CreditFlag::ExpiresBeforeUsed,
            CreditFlag::RunsOutWithin30Days
        ]
    );
}

#[test]
fn a_used_up_credit_is_exhausted_and_raises_nothing() {
    let mut answers =
        burning_300_a_month(vec![credit("spent", "0", Some((2025, 6, 30)))]);
    answers.credit_sharing = Some(false);
    answers
        .grouped
        .push(grouped("2025-06", &[(STAGING, "Usage", "20")]));

    let status = &answers.analyse().credits[0];

    assert_eq!(status.runway, Runway::Exhausted);
    assert!(status.flags.is_empty());
}

/// Production holds the credit; staging uses AWS in May.
fn credit_with_member_usage(
    sharing: Option<bool>,
    shareable: Option<bool>,
) -> Vec<CreditFlag> {
    let mut answers = burning_300_a_month(vec![Credit {
        shareable,
        ..credit("activate", "5000", None)
    }]);
    answers
        .grouped
        .push(grouped("2025-05", &[(STAGING, "Usage", "20")]));
    answers.credit_sharing = sharing;
    answers.analyse().credits[0].flags.clone()
}

#[test]
fn sharing_off_while_member_accounts_have_usage_is_flagged() {
    let flags = credit_with_member_usage(Some(false), None);

    assert_eq!(flags, [CreditFlag::SharingOffWithMemberUsage]);
}

#[test]
fn sharing_on_while_member_accounts_have_usage_is_not_flagged() {
    assert!(credit_with_member_usage(Some(true), None).is_empty());
    assert!(credit_with_member_usage(None, None).is_empty());
}

#[test]
fn a_credit_that_cannot_be_shared_counts_as_sharing_off() {
    let flags = credit_with_member_usage(Some(true), Some(false));

    assert_eq!(flags, [CreditFlag::SharingOffWithMemberUsage]);
}

#[test]
fn sharing_off_with_usage_only_on_the_credits_own_account_is_not_flagged() {
    let mut answers = burning_300_a_month(vec![credit("activate", "5000", None)]);
    answers
        .grouped
        .push(grouped("2025-03", &[(STAGING, "Usage", "20")]));
    answers.credit_sharing = Some(false);

    // Staging's usage is older than the last closed month.
    assert!(answers.analyse().credits[0].flags.is_empty());
}

#[test]
fn the_trend_against_a_month_that_cost_nothing_has_no_percentage() {
    let analysis = may_of_every_account().analyse();
    let org = org();

    let trend = analysis.trend(node(&org, WORKLOADS), month("2025-05"));

    assert_eq!(trend.net, amount("250"));
    assert_eq!(trend.previous, Decimal::ZERO);
    assert_eq!(trend.difference, amount("250"));
    assert_eq!(trend.percent, None);
}

#[test]
fn the_trend_gives_the_difference_and_percentage_against_the_previous_month() {
    let analysis = Answers::grouped(vec![
        grouped(
            "2025-04",
            &[(PRODUCTION, "Usage", "200"), (STAGING, "Credit", "-300")],
        ),
        grouped(
            "2025-05",
            &[(PRODUCTION, "Usage", "250"), (STAGING, "Credit", "-300")],
        ),
    ])
    .analyse();
    let org = org();

    let production = analysis.trend(node(&org, PRODUCTION_OU), month("2025-05"));
    let staging = analysis.trend(node(&org, STAGING), month("2025-05"));
    let workloads = analysis.trend(node(&org, WORKLOADS), month("2025-05"));

    assert_eq!(production.difference, amount("50"));
    assert_eq!(production.percent, Some(amount("25.0")));
    assert_eq!(staging.percent, Some(Decimal::ZERO));
    // From -100 to -50: up by half of the previous month's size.
    assert_eq!(workloads.difference, amount("50"));
    assert_eq!(workloads.percent, Some(amount("50")));
}

#[test]
fn top_accounts_of_a_subtree_are_its_costliest_first() {
    let mut answers = may_of_every_account();
    answers
        .grouped
        .push(grouped("2025-05", &[(DEPARTED, "Usage", "200")]));
    let analysis = answers.analyse();
    let org = org();
    let may = month("2025-05");

    let workloads = analysis.top_accounts(&org, node(&org, WORKLOADS), may, 5);
    let root = analysis.top_accounts(&org, node(&org, ROOT), may, 3);

    let net = |id: &str, name: Option<&str>, value: &str| AccountNet {
        account_id: id.to_string(),
        name: name.map(str::to_string),
        net: amount(value),
    };
    assert_eq!(
        workloads,
        [
            net(PRODUCTION, Some("production"), "200"),
            net(STAGING, Some("staging"), "50")
        ]
    );
    // Production and the departed account tie at 200: by account id.
    assert_eq!(
        root,
        [
            net(PRODUCTION, Some("production"), "200"),
            net(DEPARTED, None, "200"),
            net(STAGING, Some("staging"), "50"),
        ]
    );
}

#[test]
fn the_export_lists_every_account_and_month_with_amounts_as_strings() {
    let mut answers = Answers::grouped(vec![
        grouped(
            "2025-05",
            &[
                (PRODUCTION, "Usage", "400.00"),
                (PRODUCTION, "Credit", "-300"),
            ],
        ),
        grouped("2025-06", &[(STAGING, "Usage", "12.5")]),
    ]);
    answers.grouped[1].estimated = true;
    answers.ungrouped =
        vec![ungrouped("2025-05", "101.00"), ungrouped("2025-06", "12.5")];
    answers.credits = vec![credit("activate", "350", None)];
    let org = org();

    let export = serde_json::to_value(answers.analyse().export(&org)).unwrap();

    assert_eq!(export["currency"], "USD");
    assert_eq!(export["metric"], "UnblendedCost");
    assert_eq!(export["months"], json!(["2025-05", "2025-06"]));
    assert_eq!(
        export["accounts"][0],
        json!({
            "id": PRODUCTION,
            "name": "production",
            "months": [
                {"month": "2025-05", "usage": "400.00", "credits": "-300", "refunds": "0",
                 "tax": "0", "other": "0", "net": "100.00", "estimated": false},
                {"month": "2025-06", "usage": "0", "credits": "0", "refunds": "0",
                 "tax": "0", "other": "0", "net": "0", "estimated": true},
            ],
        })
    );
    assert_eq!(export["accounts"][1]["id"], STAGING);
    assert_eq!(
        export["unallocated"],
        json!([
            {"month": "2025-05", "amount": "1.00"},
            {"month": "2025-06", "amount": "0.0"},
        ])
    );
    let credit = &export["credits"][0];
    assert_eq!(credit["credit_id"], "activate");
    assert_eq!(credit["remaining"], "350");
    assert_eq!(credit["runway"], "until");
    assert_eq!(credit["months"], "1.17");
    assert_eq!(credit["runs_out_on"], "2025-07-16");
    assert_eq!(credit["burn"], "300");
    assert_eq!(credit["flags"], json!([]));
}
