//! The demo organization's costs: what the `[costs]` table of
//! `organization.toml` says Northwind spends, turned into Cost Explorer's and
//! the Billing API's answers for whatever day the provider's clock says it is.
//!
//! Every record (one account's usage, credit, tax or support in one month,
//! one service line, a forecast) is computed exactly and rounded to the cent
//! once, half to even (banker's rounding, Cost Explorer's own). Sums are of
//! rounded records, so every total adds up to the cent.
//!
//! The demo has no reservations, savings plans or discounts, so the three
//! metrics (`UnblendedCost`, `NetUnblendedCost`, `AmortizedCost`) agree.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use super::state::DemoState;
use crate::model::AccountState;
use crate::model::cost::{
    CostGroup, CostPeriod, Credit, Month, MonthlyCosts, ServiceCost,
};

/// The closed months the demo has costs for, before the current one.
const CLOSED_MONTHS: u32 = 6;

/// Days after a month closes until its bill is final; until then Cost
/// Explorer marks it `Estimated`.
const FINAL_AFTER_DAYS: u64 = 4;

/// The `[costs]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsEntry {
    currency: String,
    monthly_growth: Percent,
    tax_rate: Percent,
    credit_sharing: bool,
    services: BTreeMap<String, Percent>,
    #[serde(default)]
    account: Vec<AccountCostEntry>,
    #[serde(default)]
    unit: Vec<UnitCostEntry>,
    support: Option<SupportEntry>,
    credit: Option<CreditEntry>,
    unallocated: Option<UnallocatedEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountCostEntry {
    name: String,
    usage: Amount,
    growth: Option<Percent>,
    services: Option<BTreeMap<String, Percent>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitCostEntry {
    path: String,
    usage_each: UsageEach,
    growth: Option<Percent>,
    services: Option<BTreeMap<String, Percent>>,
}

/// One figure for every account of a unit, or a range each account's
/// figure is drawn from by its name.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum UsageEach {
    Same(Amount),
    Between([Amount; 2]),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportEntry {
    plan: String,
    account: String,
    minimum: Amount,
    tiers: Vec<TierEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierEntry {
    up_to: Option<Amount>,
    rate: Percent,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditEntry {
    account: String,
    id: String,
    description: String,
    issued: DateTime<Utc>,
    expires: DateTime<Utc>,
    pays: Percent,
    remaining_today: Amount,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnallocatedEntry {
    months_ago: u32,
    amount: Amount,
}

/// An amount of money written as a string, e.g. `"11800"`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct Amount(Decimal);

impl TryFrom<String> for Amount {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
            .map(Self)
            .map_err(|_| format!("{text:?} is not an amount"))
    }
}

/// A percentage written as a string, e.g. `"3.5%"`, held as a fraction.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct Percent(Decimal);

impl TryFrom<String> for Percent {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.strip_suffix('%')
            .and_then(|number| number.trim().parse::<Decimal>().ok())
            .map(|number| Self(number / Decimal::ONE_HUNDRED))
            .ok_or_else(|| format!("{text:?} is not a percentage like \"12%\""))
    }
}

/// What the demo's Cost Explorer and Billing API answer from.
#[derive(Debug, Clone)]
pub struct DemoCosts {
    currency: String,
    tax_rate: Decimal,
    credit_sharing: bool,
    /// The active accounts that use anything, by id, as Cost Explorer sorts
    /// its groups.
    accounts: Vec<AccountSpend>,
    support: Option<Support>,
    credit: Option<PromotionalCredit>,
    unallocated: Option<Unallocated>,
}

/// One account's spending.
#[derive(Debug, Clone)]
struct AccountSpend {
    id: String,
    joined: NaiveDate,
    /// Its usage in a full month at the current month's pace.
    usage_now: Decimal,
    monthly_growth: Decimal,
    /// Service and share of its usage, largest share first.
    services: Vec<(String, Decimal)>,
}

/// A support plan: the greater of a minimum and a tiered share of the
/// organization's usage, billed to one account.
#[derive(Debug, Clone)]
struct Support {
    /// Cost Explorer's service name for it, e.g. `AWS Support (Business)`.
    service: String,
    account_id: String,
    minimum: Decimal,
    /// Upper bound of each tier (none for the last) and its rate.
    tiers: Vec<(Option<Decimal>, Decimal)>,
}

/// A promotional credit that pays a share of one account's usage.
#[derive(Debug, Clone)]
struct PromotionalCredit {
    id: String,
    account_id: String,
    description: String,
    issued: DateTime<Utc>,
    expires: DateTime<Utc>,
    pays: Decimal,
    remaining_today: Decimal,
}

/// A charge in Cost Explorer's total that no account's groups carry.
#[derive(Debug, Clone)]
struct Unallocated {
    months_ago: u32,
    amount: Decimal,
}

/// One account's charges in one month, each rounded to the cent.
#[derive(Debug, Default)]
struct Charges {
    usage: Decimal,
    credit: Decimal,
    support: Decimal,
    tax: Decimal,
}

/// One slot of a grouped answer: a group of a month, or a month without
/// groups, which still takes a place so that every month is answered.
#[derive(Debug, Clone)]
pub struct CostSlot {
    month: Month,
    estimated: bool,
    group: Option<CostGroup>,
}

impl Default for DemoCosts {
    /// An organization that spends nothing.
    fn default() -> Self {
        Self {
            currency: "USD".into(),
            tax_rate: Decimal::ZERO,
            credit_sharing: false,
            accounts: Vec::new(),
            support: None,
            credit: None,
            unallocated: None,
        }
    }
}

/// Reads the `[costs]` table into `state`. `units` maps the description's
/// unit paths to ids, `accounts` its account names.
pub fn build(
    state: &mut DemoState,
    entry: &CostsEntry,
    units: &HashMap<&str, String>,
    accounts: &HashMap<&str, String>,
) -> Result<(), String> {
    let account_id = |name: &str| {
        accounts
            .get(name)
            .cloned()
            .ok_or_else(|| format!("costs name unknown account {name}"))
    };
    let mut by_account = HashMap::new();
    for spend in &entry.account {
        by_account.insert(account_id(&spend.name)?, spend);
    }
    let mut by_unit = HashMap::new();
    for spend in &entry.unit {
        let id = units
            .get(spend.path.as_str())
            .ok_or_else(|| format!("costs name unknown unit {}", spend.path))?;
        by_unit.insert(id.clone(), spend);
    }
    let accounts = spends(state, entry, &by_account, &by_unit)?;

    state.costs = Some(DemoCosts {
        currency: entry.currency.clone(),
        tax_rate: entry.tax_rate.0,
        credit_sharing: entry.credit_sharing,
        accounts,
        support: entry
            .support
            .as_ref()
            .map(|s| support(s, account_id(&s.account)?))
            .transpose()?,
        credit: entry
            .credit
            .as_ref()
            .map(|c| credit(c, account_id(&c.account)?))
            .transpose()?,
        unallocated: entry.unallocated.as_ref().map(|u| Unallocated {
            months_ago: u.months_ago,
            amount: u.amount.0,
        }),
    });
    Ok(())
}

/// What each active account spends: its own figures where the description
/// names it, else those of the nearest unit above it that has some.
fn spends(
    state: &DemoState,
    entry: &CostsEntry,
    by_account: &HashMap<String, &AccountCostEntry>,
    by_unit: &HashMap<String, &UnitCostEntry>,
) -> Result<Vec<AccountSpend>, String> {
    let default_services = shares(&entry.services)?;
    let mut spends = Vec::new();
    for account in state.accounts.values() {
        if account.state != AccountState::Active {
            continue;
        }
        let (usage_now, growth, services) = match by_account.get(&account.id) {
            Some(named) => (named.usage.0, named.growth, &named.services),
            None => match nearest_unit(state, &account.id, by_unit) {
                Some(unit) => (unit.usage_of(&account.name), unit.growth, &unit.services),
                None => continue,
            },
        };
        spends.push(AccountSpend {
            id: account.id.clone(),
            joined: account.joined_timestamp.date_naive(),
            usage_now,
            monthly_growth: growth.unwrap_or(entry.monthly_growth).0,
            services: match services {
                Some(services) => shares(services)?,
                None => default_services.clone(),
            },
        });
    }
    spends.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(spends)
}

impl UnitCostEntry {
    /// The usage of the account named `name` in this unit.
    fn usage_of(&self, name: &str) -> Decimal {
        match self.usage_each {
            UsageEach::Same(amount) => amount.0,
            UsageEach::Between([low, high]) => {
                cents(low.0 + (high.0 - low.0) * spread(name))
            }
        }
    }
}

/// The described unit nearest above `account_id`.
fn nearest_unit<'a>(
    state: &DemoState,
    account_id: &str,
    by_unit: &HashMap<String, &'a UnitCostEntry>,
) -> Option<&'a UnitCostEntry> {
    let mut at = state.parent_of.get(account_id);
    while let Some(parent) = at {
        if let Some(unit) = by_unit.get(parent) {
            return Some(unit);
        }
        at = state.parent_of.get(parent);
    }
    None
}

/// A fraction between 0 and 1 drawn from `name`, the same on every run.
fn spread(name: &str) -> Decimal {
    let hash = name
        .bytes()
        .fold(7_u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    Decimal::from(hash % 1001) / Decimal::from(1000)
}

/// Service shares, largest first; they must add up to 100%.
fn shares(
    services: &BTreeMap<String, Percent>,
) -> Result<Vec<(String, Decimal)>, String> {
    let total: Decimal = services.values().map(|p| p.0).sum();
    if total != Decimal::ONE {
        return Err(format!(
            "costs services add up to {}%, not 100%",
            total * Decimal::ONE_HUNDRED
        ));
    }
    let mut shares: Vec<_> = services.iter().map(|(s, p)| (s.clone(), p.0)).collect();
    shares.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(shares)
}

fn support(entry: &SupportEntry, account_id: String) -> Result<Support, String> {
    let tiers: Vec<_> = entry
        .tiers
        .iter()
        .map(|t| (t.up_to.map(|a| a.0), t.rate.0))
        .collect();
    if tiers.last().is_none_or(|(up_to, _)| up_to.is_some()) {
        return Err("costs support needs a last tier without up_to".into());
    }
    Ok(Support {
        service: format!("AWS Support ({})", entry.plan),
        account_id,
        minimum: entry.minimum.0,
        tiers,
    })
}

fn credit(entry: &CreditEntry, account_id: String) -> Result<PromotionalCredit, String> {
    if entry.expires <= entry.issued {
        return Err(format!(
            "costs credit {} expires before it was issued",
            entry.id
        ));
    }
    Ok(PromotionalCredit {
        id: entry.id.clone(),
        account_id,
        description: entry.description.clone(),
        issued: entry.issued,
        expires: entry.expires,
        pays: entry.pays.0,
        remaining_today: entry.remaining_today.0,
    })
}

/// Rounds to the cent, half to even.
fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// Days from `from` up to, not including, `to`; none if `to` comes first.
fn days(from: NaiveDate, to: NaiveDate) -> Decimal {
    Decimal::from((to - from).num_days().max(0))
}

/// How many months `later` comes after `earlier`; negative if it comes
/// before.
fn months_between(earlier: Month, later: Month) -> i32 {
    let index = |m: Month| m.first_day().year() * 12 + m.first_day().month0() as i32;
    index(later) - index(earlier)
}

/// The first and the last month the demo has costs for: the six closed
/// months before `today`'s, then the current one.
fn window(today: NaiveDate) -> (Month, Month) {
    let current = Month::of(today);
    let first = (0..CLOSED_MONTHS).fold(current, |m, _| m.previous());
    (first, current)
}

/// Whole months of `period`, oldest first.
fn months(period: &CostPeriod) -> impl Iterator<Item = Month> {
    let end = period.end;
    std::iter::successors(Some(period.start), |m| Some(m.next()))
        .take_while(move |m| *m < end)
}

/// Cost Explorer marks a month `Estimated` until a few days after it closes.
fn estimated(month: Month, today: NaiveDate) -> bool {
    let final_on = month.next().first_day() + Days::new(FINAL_AFTER_DAYS);
    today < final_on
}

/// The span of `month` that has happened by `today`, today excluded: its
/// data is not in yet.
fn elapsed(month: Month, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = month.next().first_day().min(today).max(month.first_day());
    (month.first_day(), end)
}

impl AccountSpend {
    /// Its usage in a full `month` at that month's pace, joined or not.
    fn pace(&self, month: Month, current: Month) -> Decimal {
        let growth = Decimal::ONE + self.monthly_growth;
        let steps = months_between(month, current);
        let mut pace = self.usage_now;
        for _ in 0..steps.unsigned_abs() {
            pace = if steps > 0 {
                pace / growth
            } else {
                pace * growth
            };
        }
        pace
    }

    /// Its usage over `from..to` within `month`, counting only days it was
    /// a member; not rounded.
    fn usage_over(
        &self,
        month: Month,
        current: Month,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Decimal {
        let member_days = days(from.max(self.joined), to);
        self.pace(month, current) * member_days / Decimal::from(month.days())
    }
}

impl Support {
    /// The monthly fee on `usage`: the greater of the minimum and the
    /// tiered share.
    fn fee(&self, usage: Decimal) -> Decimal {
        let mut fee = Decimal::ZERO;
        let mut floor = Decimal::ZERO;
        for (up_to, rate) in &self.tiers {
            let ceiling = up_to.unwrap_or(usage).min(usage);
            fee += (ceiling - floor).max(Decimal::ZERO) * rate;
            floor = floor.max(ceiling);
        }
        fee.max(self.minimum)
    }
}

impl PromotionalCredit {
    /// The last day it pays for, and the first it no longer does.
    fn days_valid(&self) -> (NaiveDate, NaiveDate) {
        let until = self.expires.date_naive() + Days::new(1);
        (self.issued.date_naive(), until)
    }

    /// The share of `from..to` (member days of its account) it pays for.
    fn coverage(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
        let all = days(from, to);
        if all.is_zero() {
            return Decimal::ZERO;
        }
        let (first, until) = self.days_valid();
        days(from.max(first), to.min(until)) / all
    }
}

impl DemoCosts {
    /// The unit of every amount.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Whether credits are shared across the organization.
    pub fn credit_sharing(&self) -> bool {
        self.credit_sharing
    }

    /// Every month of `period`: the groups of each, and a place for each month
    /// without any. Months outside the six closed months and the current
    /// one have none, like the months before an account existed.
    pub fn grouped_slots(&self, period: &CostPeriod, today: NaiveDate) -> Vec<CostSlot> {
        let mut slots = Vec::new();
        for month in months(period) {
            let estimated = estimated(month, today);
            let groups = self.groups(month, today);
            if groups.is_empty() {
                slots.push(CostSlot {
                    month,
                    estimated,
                    group: None,
                });
            }
            slots.extend(groups.into_iter().map(|group| CostSlot {
                month,
                estimated,
                group: Some(group),
            }));
        }
        slots
    }

    /// A page of slots as Cost Explorer's `ResultsByTime`: one entry per
    /// month on the page, holding that month's groups on this page.
    pub fn results_by_time(&self, slots: Vec<CostSlot>) -> Vec<MonthlyCosts> {
        let mut results: Vec<MonthlyCosts> = Vec::new();
        for slot in slots {
            let same_month = results.last().is_some_and(|r| r.month == slot.month);
            if !same_month {
                results.push(MonthlyCosts {
                    month: slot.month,
                    estimated: slot.estimated,
                    groups: Vec::new(),
                    total: None,
                    currency: self.currency.clone(),
                });
            }
            if let (Some(result), Some(group)) = (results.last_mut(), slot.group) {
                result.groups.push(group);
            }
        }
        results
    }

    /// The ungrouped totals of every month of `period`: the grouped sum, plus
    /// the charge no account carries where there is one.
    pub fn totals(&self, period: &CostPeriod, today: NaiveDate) -> Vec<MonthlyCosts> {
        months(period)
            .map(|month| {
                let grouped: Decimal =
                    self.groups(month, today).iter().map(|g| g.amount).sum();
                MonthlyCosts {
                    month,
                    estimated: estimated(month, today),
                    groups: Vec::new(),
                    total: Some(grouped + self.unallocated_in(month, today)),
                    currency: self.currency.clone(),
                }
            })
            .collect()
    }

    /// The charge in `month`'s total that no account's groups carry.
    fn unallocated_in(&self, month: Month, today: NaiveDate) -> Decimal {
        let current = Month::of(today);
        self.unallocated
            .as_ref()
            .filter(|u| (1..=CLOSED_MONTHS).contains(&u.months_ago))
            .filter(|u| months_between(month, current) == u.months_ago as i32)
            .map_or(Decimal::ZERO, |u| u.amount)
    }

    /// `account_id`'s cost by service in every month of `period`, largest
    /// first, as Cost Explorer groups it without a record type filter: the
    /// credit is netted against the services it paid for, tax and support
    /// are services of their own. The lines add up to the account's groups.
    pub fn by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        today: NaiveDate,
    ) -> Vec<ServiceCost> {
        let Some(spend) = self.accounts.iter().find(|a| a.id == account_id) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for month in months(period).filter(|m| in_window(*m, today)) {
            let mut services = self.services_in(spend, month, today);
            services.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            lines.extend(services.into_iter().map(|(service, amount)| ServiceCost {
                month,
                service,
                amount,
                currency: self.currency.clone(),
            }));
        }
        lines
    }

    /// `spend`'s charges in `month` by service, none of zero.
    fn services_in(
        &self,
        spend: &AccountSpend,
        month: Month,
        today: NaiveDate,
    ) -> Vec<(String, Decimal)> {
        let charges = self.charges(spend, month, today);
        let usage = split(charges.usage, &spend.services);
        let credit = split(charges.credit, &spend.services);
        let mut lines: Vec<(String, Decimal)> = usage
            .into_iter()
            .zip(credit)
            .map(|((service, used), (_, paid))| (service, used + paid))
            .collect();
        lines.push(("Tax".into(), charges.tax));
        if let Some(support) = &self.support {
            lines.push((support.service.clone(), charges.support));
        }
        lines.retain(|(_, amount)| !amount.is_zero());
        lines
    }

    /// The organization's net cost from `start` (or today, if later) up to,
    /// not including, `end`, at each month's pace: usage, less what the
    /// credit still left pays, plus support and tax.
    pub fn forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> Decimal {
        let current = Month::of(today);
        let from = start.max(today);
        let mut balance = self
            .credit
            .as_ref()
            .map_or(Decimal::ZERO, |c| c.remaining_today);
        let mut total = Decimal::ZERO;
        let mut month = Month::of(from);
        while month.first_day() < end {
            let span_from = from.max(month.first_day());
            let span_to = end.min(month.next().first_day());
            let mut net = Decimal::ZERO;
            for spend in &self.accounts {
                let usage = spend.usage_over(month, current, span_from, span_to);
                let credit = self
                    .credit_for(spend, usage, span_from, span_to)
                    .min(balance);
                balance -= credit;
                net += usage - credit
                    + self.support_over(spend, month, current, span_from, span_to);
            }
            total += net * (Decimal::ONE + self.tax_rate);
            month = month.next();
        }
        cents(total)
    }

    /// The promotional credits, with what they had at first: what remains
    /// today plus everything they paid from their issue to today.
    pub fn credits(&self, today: NaiveDate) -> Vec<Credit> {
        let Some(credit) = &self.credit else {
            return Vec::new();
        };
        let current = Month::of(today);
        let first = Month::of(credit.issued.date_naive());
        let paid: Decimal = std::iter::successors(Some(first), |m| Some(m.next()))
            .take_while(|m| *m <= current)
            .map(|month| self.credit_paid_in(month, today))
            .sum();
        vec![Credit {
            credit_id: credit.id.clone(),
            account_id: credit.account_id.clone(),
            description: credit.description.clone(),
            initial: credit.remaining_today + paid,
            remaining: credit.remaining_today,
            currency: self.currency.clone(),
            start: credit.issued,
            expiry: Some(credit.expires),
            shareable: Some(self.credit_sharing),
        }]
    }

    /// What the credit paid in `month`: on the organization's bill once its
    /// account joined, on the account's own bill before.
    fn credit_paid_in(&self, month: Month, today: NaiveDate) -> Decimal {
        let Some(credit) = &self.credit else {
            return Decimal::ZERO;
        };
        let Some(spend) = self.accounts.iter().find(|a| a.id == credit.account_id) else {
            return Decimal::ZERO;
        };
        let current = Month::of(today);
        let in_organization = -self.charges(spend, month, today).credit;
        let (from, to) = elapsed(month, today);
        let alone_to = to.min(spend.joined);
        let alone = spend.pace(month, current) * days(from, alone_to)
            / Decimal::from(month.days());
        in_organization + cents(alone * credit.pays * credit.coverage(from, alone_to))
    }

    /// `month`'s groups, by account, then `Usage`, `Credit`, `Tax`,
    /// `Support`; none outside the window, none of zero.
    fn groups(&self, month: Month, today: NaiveDate) -> Vec<CostGroup> {
        if !in_window(month, today) {
            return Vec::new();
        }
        let mut groups = Vec::new();
        for spend in &self.accounts {
            let charges = self.charges(spend, month, today);
            let records = [
                ("Usage", charges.usage),
                ("Credit", charges.credit),
                ("Tax", charges.tax),
                ("Support", charges.support),
            ];
            groups.extend(records.into_iter().filter(|(_, a)| !a.is_zero()).map(
                |(record_type, amount)| CostGroup {
                    account_id: spend.id.clone(),
                    record_type: record_type.into(),
                    amount,
                },
            ));
        }
        groups
    }

    /// One account's charges in `month` up to today.
    fn charges(&self, spend: &AccountSpend, month: Month, today: NaiveDate) -> Charges {
        let current = Month::of(today);
        let (from, to) = elapsed(month, today);
        let usage = cents(spend.usage_over(month, current, from, to));
        let credit = -cents(self.credit_for(spend, usage, from, to));
        let support = cents(self.support_over(spend, month, current, from, to));
        let tax = cents((usage + credit + support) * self.tax_rate);
        Charges {
            usage,
            credit,
            support,
            tax,
        }
    }

    /// What the credit pays of `usage`, `spend`'s usage over `from..to`.
    fn credit_for(
        &self,
        spend: &AccountSpend,
        usage: Decimal,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Decimal {
        match &self.credit {
            Some(credit) if credit.account_id == spend.id => {
                usage * credit.pays * credit.coverage(from.max(spend.joined), to)
            }
            _ => Decimal::ZERO,
        }
    }

    /// The support fee over `from..to` of `month`, if `spend` is the account
    /// it is billed to: the month's fee on the organization's usage in the
    /// whole month, for the days the account was a member.
    fn support_over(
        &self,
        spend: &AccountSpend,
        month: Month,
        current: Month,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Decimal {
        let Some(support) = self.support.as_ref().filter(|s| s.account_id == spend.id)
        else {
            return Decimal::ZERO;
        };
        let (first, end) = (month.first_day(), month.next().first_day());
        let usage: Decimal = self
            .accounts
            .iter()
            .map(|a| a.usage_over(month, current, first, end))
            .sum();
        if usage.is_zero() {
            return Decimal::ZERO;
        }
        support.fee(usage) * days(from.max(spend.joined), to)
            / Decimal::from(month.days())
    }
}

/// Whether `month` is one of the six closed months or the current one.
fn in_window(month: Month, today: NaiveDate) -> bool {
    let (first, current) = window(today);
    (first..=current).contains(&month)
}

/// `amount` split by `shares`, a line for each, rounded to the cent; the
/// largest takes what rounding leaves, so the lines add up to `amount`.
fn split(amount: Decimal, shares: &[(String, Decimal)]) -> Vec<(String, Decimal)> {
    let mut lines: Vec<(String, Decimal)> = shares
        .iter()
        .map(|(service, share)| (service.clone(), cents(amount * share)))
        .collect();
    let rest = amount - lines.iter().map(|(_, a)| *a).sum::<Decimal>();
    if let Some(largest) = lines.first_mut() {
        largest.1 += rest;
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::time::Duration;

    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal::Decimal;

    use super::super::{COST_GROUPS_PER_PAGE, DemoProvider, generated};
    use crate::clock::FixedClock;
    use crate::model::cost::{CostMetric, CostPeriod, Month, MonthlyCosts};
    use crate::provider::Provider;

    const LEGACY_PRODUCTION: &str = "482910375566";
    const MANAGEMENT: &str = "210987654321";

    fn on(year: i32, month: u32, day: u32) -> DemoProvider {
        let at = Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).unwrap();
        DemoProvider::northwind(Duration::ZERO)
            .unwrap()
            .with_clock(Arc::new(FixedClock::new(at)))
    }

    fn month(text: &str) -> Month {
        Month::try_from(text.to_string()).unwrap()
    }

    fn period(start: &str, end: &str) -> CostPeriod {
        CostPeriod {
            start: month(start),
            end: month(end),
            metric: CostMetric::UnblendedCost,
        }
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// Every page of the grouped answer, as the pages came.
    async fn grouped_pages(
        demo: &DemoProvider,
        period: &CostPeriod,
    ) -> Vec<Vec<MonthlyCosts>> {
        let mut pages = Vec::new();
        let mut token = None;
        loop {
            let page = demo
                .get_cost_and_usage_by_account(period, token)
                .await
                .unwrap();
            pages.push(page.items);
            token = page.next_token;
            if token.is_none() {
                return pages;
            }
        }
    }

    /// Amounts by month, account and record type, pages merged.
    type Grouped = BTreeMap<Month, BTreeMap<(String, String), Decimal>>;

    async fn grouped(demo: &DemoProvider, period: &CostPeriod) -> Grouped {
        let mut merged = Grouped::new();
        for costs in grouped_pages(demo, period).await.into_iter().flatten() {
            let month = merged.entry(costs.month).or_default();
            for group in costs.groups {
                let key = (group.account_id, group.record_type);
                assert!(
                    month.insert(key, group.amount).is_none(),
                    "a group came twice"
                );
            }
        }
        merged
    }

    fn sum(groups: &BTreeMap<(String, String), Decimal>) -> Decimal {
        groups.values().copied().sum()
    }

    fn amount(
        groups: &BTreeMap<(String, String), Decimal>,
        account: &str,
        record: &str,
    ) -> Decimal {
        groups
            .get(&(account.to_string(), record.to_string()))
            .copied()
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn the_six_closed_months_and_the_current_one_have_costs() {
        let demo = on(2026, 12, 4);
        let costs = grouped(&demo, &period("2026-03", "2027-01")).await;

        let with_groups: Vec<String> = costs
            .iter()
            .filter(|(_, groups)| !groups.is_empty())
            .map(|(m, _)| m.to_string())
            .collect();
        assert_eq!(
            with_groups,
            [
                "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
                "2026-12"
            ]
        );
        assert_eq!(costs.len(), 10, "months without costs are answered too");
    }

    #[tokio::test]
    async fn grouped_sums_reconcile_except_the_month_with_unallocated_support() {
        let demo = on(2026, 12, 4);
        let period = period("2026-06", "2027-01");
        let costs = grouped(&demo, &period).await;
        let totals = demo.get_cost_and_usage_total(&period, None).await.unwrap();
        assert_eq!(totals.next_token, None);
        assert_eq!(totals.items.len(), 7);

        for total in &totals.items {
            let difference = total.total.unwrap() - sum(&costs[&total.month]);
            let expected = if total.month == month("2026-10") {
                dec("386.40")
            } else {
                Decimal::ZERO
            };
            assert_eq!(difference, expected, "{}", total.month);
        }
    }

    #[tokio::test]
    async fn credits_pay_most_of_legacy_production_while_they_last() {
        let demo = on(2026, 12, 4);
        let costs = grouped(&demo, &period("2026-06", "2027-01")).await;

        for (month, groups) in &costs {
            let usage = amount(groups, LEGACY_PRODUCTION, "Usage");
            let credit = amount(groups, LEGACY_PRODUCTION, "Credit");
            assert!(credit < Decimal::ZERO, "{month}: credits are negative");
            let share = -credit / usage;
            assert!(
                share >= dec("0.85") && share <= dec("0.90"),
                "{month}: {share}"
            );
        }
        let others_credited = costs
            .values()
            .flat_map(|groups| groups.keys())
            .any(|(account, record)| record == "Credit" && account != LEGACY_PRODUCTION);
        assert!(!others_credited);
    }

    #[tokio::test]
    async fn what_remains_today_is_the_description_and_the_rest_was_applied() {
        let demo = on(2026, 12, 4);
        let credits = demo.get_credits().await.unwrap();
        assert_eq!(credits.len(), 1);
        let credit = &credits[0];
        assert_eq!(credit.remaining, dec("6412.37"));
        assert_eq!(credit.account_id, LEGACY_PRODUCTION);
        assert_eq!(credit.shareable, Some(true));
        assert!(demo.get_credit_sharing().await.unwrap());

        // Paid on the account's own bill until it joined on 2026-06-02,
        // in the organization since: the credit records.
        let costs = demo.state.lock().unwrap().costs.clone().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let issued = month("2025-11");
        let history: Vec<Month> = std::iter::successors(Some(issued), |m| Some(m.next()))
            .take_while(|m| *m <= month("2026-12"))
            .collect();
        let paid: Decimal = history
            .iter()
            .map(|m| costs.credit_paid_in(*m, today))
            .sum();
        assert_eq!(credit.initial - paid, credit.remaining);

        let window = grouped(&demo, &period("2026-07", "2027-01")).await;
        for (month, groups) in &window {
            let record = -amount(groups, LEGACY_PRODUCTION, "Credit");
            assert_eq!(costs.credit_paid_in(*month, today), record, "{month}");
        }
    }

    #[tokio::test]
    async fn rds_is_the_largest_service_of_legacy_production() {
        let demo = on(2026, 12, 4);
        let period = period("2026-11", "2027-01");
        let services = demo
            .get_cost_by_service(LEGACY_PRODUCTION, &period, None)
            .await
            .unwrap()
            .items;

        for month in [month("2026-11"), month("2026-12")] {
            let lines: Vec<_> = services.iter().filter(|s| s.month == month).collect();
            assert_eq!(lines[0].service, "Amazon Relational Database Service");
            let total: Decimal = lines.iter().map(|s| s.amount).sum();
            assert!(
                lines[0].amount * Decimal::TWO > total,
                "{month}: more than half"
            );
        }
    }

    #[tokio::test]
    async fn service_lines_add_up_to_the_account_groups() {
        let demo = on(2026, 12, 4);
        let november = period("2026-11", "2026-12");
        let costs = grouped(&demo, &november).await;
        let groups = &costs[&month("2026-11")];

        for account in [LEGACY_PRODUCTION, MANAGEMENT] {
            let services = demo
                .get_cost_by_service(account, &november, None)
                .await
                .unwrap();
            let by_service: Decimal = services.items.iter().map(|s| s.amount).sum();
            let by_record: Decimal = ["Usage", "Credit", "Tax", "Support"]
                .iter()
                .map(|r| amount(groups, account, r))
                .sum();
            assert_eq!(by_service, by_record, "{account}");
        }
        let management = demo
            .get_cost_by_service(MANAGEMENT, &november, None)
            .await
            .unwrap();
        assert!(
            management
                .items
                .iter()
                .any(|s| s.service == "AWS Support (Business)")
        );
    }

    #[tokio::test]
    async fn sandbox_accounts_cost_little() {
        let demo = on(2026, 12, 4);
        let state = demo.state.lock().unwrap().clone();
        let sandboxes: Vec<&str> = state
            .accounts
            .values()
            .filter(|a| a.name.starts_with("sandbox-"))
            .map(|a| a.id.as_str())
            .collect();
        let costs = grouped(&demo, &period("2026-06", "2026-12")).await;

        for (month, groups) in &costs {
            for sandbox in &sandboxes {
                let net: Decimal = groups
                    .iter()
                    .filter(|((account, _), _)| account == sandbox)
                    .map(|(_, a)| *a)
                    .sum();
                assert!(net < dec("60"), "{month} {sandbox}: {net}");
            }
        }
        let november = &costs[&month("2026-11")];
        let active_sandboxes = sandboxes
            .iter()
            .filter(|s| amount(november, s, "Usage") > dec("15"))
            .count();
        assert!(active_sandboxes >= 18, "{active_sandboxes}");
    }

    #[tokio::test]
    async fn a_month_spills_onto_the_next_page() {
        let demo = on(2026, 12, 4);
        let pages = grouped_pages(&demo, &period("2026-06", "2027-01")).await;

        assert!(pages.len() > 7);
        for page in &pages {
            let groups: usize = page.iter().map(|m| m.groups.len()).sum();
            assert!(groups <= COST_GROUPS_PER_PAGE);
        }
        let spills = pages
            .windows(2)
            .filter(|two| {
                two[0].last().map(|m| m.month) == two[1].first().map(|m| m.month)
            })
            .count();
        assert!(spills > 0);

        let foreign = demo
            .get_cost_and_usage_by_account(
                &period("2026-06", "2026-07"),
                Some("40:costs/x".into()),
            )
            .await;
        assert_eq!(foreign.unwrap_err().code, "InvalidInputException");
    }

    #[tokio::test]
    async fn another_day_shifts_the_months() {
        let demo = on(2027, 3, 15);
        let period = period("2026-08", "2027-04");
        let costs = grouped(&demo, &period).await;
        assert!(costs[&month("2026-08")].is_empty());
        assert!(!costs[&month("2026-09")].is_empty());
        assert!(!costs[&month("2027-03")].is_empty());

        let totals = demo.get_cost_and_usage_total(&period, None).await.unwrap();
        let unallocated: Vec<String> = totals
            .items
            .iter()
            .filter(|t| t.total.unwrap() != sum(&costs[&t.month]))
            .map(|t| t.month.to_string())
            .collect();
        assert_eq!(unallocated, ["2027-01"]);
        let credits = demo.get_credits().await.unwrap();
        assert_eq!(credits[0].remaining, dec("6412.37"));
    }

    #[tokio::test]
    async fn the_last_closed_month_stays_estimated_for_its_first_days() {
        let period = period("2026-10", "2027-01");
        let estimated = |totals: Vec<MonthlyCosts>| -> Vec<bool> {
            totals.iter().map(|t| t.estimated).collect()
        };
        let fourth = on(2026, 12, 4)
            .get_cost_and_usage_total(&period, None)
            .await;
        assert_eq!(estimated(fourth.unwrap().items), [false, true, true]);
        let fifth = on(2026, 12, 5)
            .get_cost_and_usage_total(&period, None)
            .await;
        assert_eq!(estimated(fifth.unwrap().items), [false, false, true]);
    }

    #[tokio::test]
    async fn month_to_date_runs_at_the_month_pace() {
        let demo = on(2026, 12, 4);
        let costs = grouped(&demo, &period("2026-12", "2027-01")).await;
        let december = &costs[&month("2026-12")];
        // Three days of a full month of $11,800.
        let usage = amount(december, LEGACY_PRODUCTION, "Usage");
        assert_eq!(usage, dec("1141.94"));
        assert_eq!(
            amount(december, LEGACY_PRODUCTION, "Credit"),
            dec("-1004.91")
        );
    }

    #[tokio::test]
    async fn the_forecast_covers_the_rest_of_the_month_once_credits_run_out() {
        let demo = on(2026, 12, 4);
        let start = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let end = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let forecast = demo
            .get_cost_forecast(start, end, CostMetric::UnblendedCost)
            .await
            .unwrap();
        assert_eq!(forecast.currency, "USD");

        let period = period("2026-12", "2027-01");
        let to_date = demo.get_cost_and_usage_total(&period, None).await.unwrap();
        let to_date = to_date.items[0].total.unwrap();
        // 28 of 31 days remain; the credit pays only what is left of it.
        let at_pace = to_date / Decimal::from(3) * Decimal::from(28);
        assert!(forecast.amount > at_pace, "{} {at_pace}", forecast.amount);

        let backwards = demo
            .get_cost_forecast(end, start, CostMetric::UnblendedCost)
            .await;
        assert_eq!(backwards.unwrap_err().code, "ValidationException");
    }

    #[tokio::test]
    async fn an_organization_without_costs_answers_empty_months() {
        let demo = DemoProvider::new(generated(30, 2), Duration::ZERO);
        let costs = grouped(&demo, &period("2026-06", "2027-01")).await;
        assert_eq!(costs.len(), 7);
        assert!(costs.values().all(BTreeMap::is_empty));
        assert!(demo.get_credits().await.unwrap().is_empty());
    }
}
