//! What orgtop derives from Cost Explorer's and the Billing API's answers:
//! each linked account's cost by record type, subtree totals, the
//! unallocated difference, month-to-date and forecast, credit burn and
//! runway, trends. Pure: the same answers and the same day give the same
//! analysis, so the console and `orgtop cost` always agree.

use std::collections::BTreeMap;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use thiserror::Error;

use super::records::{CostMetric, Credit, Forecast, Month, MonthlyCosts};
use crate::model::org::{NodeIdx, NodeKind, Org};

/// How far ahead a credit running out is worth a warning.
pub const RUNS_OUT_WARNING_DAYS: u64 = 30;

/// How many closed months the average credit burn looks back on.
pub const BURN_AVERAGE_MONTHS: u32 = 3;

/// One month's cost of an account or a subtree, by record type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Amounts {
    /// Record type `Usage`.
    pub usage: Decimal,
    /// Record type `Credit`: negative, since credits lower the bill.
    pub credits: Decimal,
    /// Record type `Refund`.
    pub refunds: Decimal,
    /// Record type `Tax`.
    pub tax: Decimal,
    /// Every other record type summed: `Support`, `Fee`, `RIFee`,
    /// `DiscountedUsage`, `SavingsPlanCoveredUsage` and the like.
    pub other: Decimal,
    /// The sum of the five above: what the month costs.
    pub net: Decimal,
}

impl Amounts {
    /// Adds one amount of AWS's record type `record_type`.
    pub fn record(&mut self, record_type: &str, amount: Decimal) {
        let slot = match record_type {
            "Usage" => &mut self.usage,
            "Credit" => &mut self.credits,
            "Refund" => &mut self.refunds,
            "Tax" => &mut self.tax,
            _ => &mut self.other,
        };
        *slot += amount;
        self.net += amount;
    }

    /// The credits applied, as a positive amount: burn reads better that
    /// way round.
    pub fn credits_applied(&self) -> Decimal {
        -self.credits
    }
}

impl AddAssign for Amounts {
    fn add_assign(&mut self, other: Self) {
        self.usage += other.usage;
        self.credits += other.credits;
        self.refunds += other.refunds;
        self.tax += other.tax;
        self.other += other.other;
        self.net += other.net;
    }
}

impl Add for Amounts {
    type Output = Self;

    fn add(mut self, other: Self) -> Self {
        self += other;
        self
    }
}

impl Sum for Amounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

/// One amount for one month, as the headless output lists the unallocated
/// difference and the credits applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthlyAmount {
    pub month: Month,
    pub amount: Decimal,
}

/// One account's month, as the headless output lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccountMonth {
    pub month: Month,
    #[serde(flatten)]
    pub amounts: Amounts,
    /// Cost Explorer's `Estimated`: the month's bill is not final yet.
    pub estimated: bool,
}

/// An answer in a second currency, left out rather than added to amounts
/// in the first: orgtop does not convert currencies.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error(
    "{answer} is in {found}, not {expected}: it is left out of the totals; \
     check the billing currency of the organization's accounts"
)]
pub struct CurrencyMismatch {
    /// Which answer, e.g. `GetCostAndUsage by account for 2025-05`.
    pub answer: String,
    /// The currency of the first answer, which every amount is in.
    pub expected: String,
    pub found: String,
}

/// Each linked account's cost per month by record type, merged from every
/// page of the grouped `GetCostAndUsage` answer and reconciled with the
/// ungrouped one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostBreakdown {
    currency: Option<String>,
    /// Every month answered, with whether it is still `Estimated`.
    months: BTreeMap<Month, bool>,
    accounts: BTreeMap<String, BTreeMap<Month, Amounts>>,
    unallocated: Vec<MonthlyAmount>,
    mismatches: Vec<CurrencyMismatch>,
}

impl CostBreakdown {
    /// Builds the breakdown from the months of every page of the grouped
    /// answer (by `LINKED_ACCOUNT` and `RECORD_TYPE`) and of the ungrouped
    /// one. A month's groups may continue over several pages: they add up.
    pub fn from_answers(grouped: &[MonthlyCosts], ungrouped: &[MonthlyCosts]) -> Self {
        let mut breakdown = Self::default();
        for month in grouped {
            breakdown.add_grouped(month);
        }
        let totals = breakdown.ungrouped_totals(ungrouped);
        breakdown.unallocated = totals
            .into_iter()
            .map(|(month, total)| MonthlyAmount {
                month,
                amount: total - breakdown.month_total(month).net,
            })
            .collect();
        breakdown
    }

    /// The currency of every amount, once an answer named one.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// Every month answered, oldest first.
    pub fn months(&self) -> Vec<Month> {
        self.months.keys().copied().collect()
    }

    /// Whether the answers cover `month`.
    pub fn covers(&self, month: Month) -> bool {
        self.months.contains_key(&month)
    }

    /// Whether Cost Explorer still estimates `month`'s bill.
    pub fn is_estimated(&self, month: Month) -> bool {
        self.months.get(&month).copied().unwrap_or(false)
    }

    /// Every linked account with costs, by account id.
    pub fn account_ids(&self) -> impl Iterator<Item = &str> {
        self.accounts.keys().map(String::as_str)
    }

    /// What `account_id` cost in `month`; zero where nothing was recorded.
    pub fn amounts(&self, account_id: &str, month: Month) -> Amounts {
        self.accounts
            .get(account_id)
            .and_then(|months| months.get(&month))
            .copied()
            .unwrap_or_default()
    }

    /// Every answered month of `account_id`, zero where it had no costs, so
    /// every account lists the same months.
    pub fn account_months(&self, account_id: &str) -> Vec<AccountMonth> {
        self.months
            .iter()
            .map(|(&month, &estimated)| AccountMonth {
                month,
                amounts: self.amounts(account_id, month),
                estimated,
            })
            .collect()
    }

    /// The grouped sum of `month` over every account.
    pub fn month_total(&self, month: Month) -> Amounts {
        self.accounts
            .values()
            .filter_map(|months| months.get(&month))
            .copied()
            .sum()
    }

    /// Per month the ungrouped total minus the grouped sum, for every
    /// month the ungrouped answer covers, zero and negative included.
    pub fn unallocated(&self) -> &[MonthlyAmount] {
        &self.unallocated
    }

    /// The unallocated difference of `month`, if the ungrouped answer
    /// covers it.
    pub fn unallocated_in(&self, month: Month) -> Option<Decimal> {
        self.unallocated
            .iter()
            .find(|entry| entry.month == month)
            .map(|entry| entry.amount)
    }

    /// The answers left out for being in a second currency.
    pub fn mismatches(&self) -> &[CurrencyMismatch] {
        &self.mismatches
    }

    fn add_grouped(&mut self, costs: &MonthlyCosts) {
        self.note_month(costs);
        let answer = format!("GetCostAndUsage by account for {}", costs.month);
        if !self.accepts(&costs.currency, answer) {
            return;
        }
        for group in &costs.groups {
            self.accounts
                .entry(group.account_id.clone())
                .or_default()
                .entry(costs.month)
                .or_default()
                .record(&group.record_type, group.amount);
        }
    }

    /// The first total of each month: Cost Explorer answers an ungrouped
    /// month once, so a repeat is not more cost.
    fn ungrouped_totals(
        &mut self,
        ungrouped: &[MonthlyCosts],
    ) -> BTreeMap<Month, Decimal> {
        let mut totals = BTreeMap::new();
        for costs in ungrouped {
            self.note_month(costs);
            let answer = format!("GetCostAndUsage total for {}", costs.month);
            let Some(total) = costs.total else { continue };
            if self.accepts(&costs.currency, answer) {
                totals.entry(costs.month).or_insert(total);
            }
        }
        totals
    }

    fn note_month(&mut self, costs: &MonthlyCosts) {
        *self.months.entry(costs.month).or_default() |= costs.estimated;
    }

    /// Whether amounts in `currency` can join the others; the first
    /// currency named sets it. An empty month names none.
    fn accepts(&mut self, currency: &str, answer: String) -> bool {
        match check_currency(&mut self.currency, currency, answer) {
            Ok(()) => true,
            Err(mismatch) => {
                self.mismatches.push(mismatch);
                false
            }
        }
    }
}

fn check_currency(
    expected: &mut Option<String>,
    found: &str,
    answer: String,
) -> Result<(), CurrencyMismatch> {
    match expected {
        _ if found.is_empty() => Ok(()),
        None => {
            *expected = Some(found.to_string());
            Ok(())
        }
        Some(expected) if expected == found => Ok(()),
        Some(expected) => Err(CurrencyMismatch {
            answer,
            expected: expected.clone(),
            found: found.to_string(),
        }),
    }
}

/// Every node's cost per month: an account's own, an organizational unit's
/// and the root's summed over every account below them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubtreeTotals {
    by_node: Vec<BTreeMap<Month, Amounts>>,
    /// Where each account with costs counts: its own node, or the root.
    homes: BTreeMap<String, NodeIdx>,
    departed: Vec<String>,
}

impl SubtreeTotals {
    /// Sums `breakdown` over `org`. Accounts with costs that are not in the
    /// tree (they left the organization, or the crawl has not reached
    /// them) count at the root: the organization paid for them.
    pub fn new(org: &Org, breakdown: &CostBreakdown) -> Self {
        let mut totals = Self {
            by_node: vec![BTreeMap::new(); org.len()],
            ..Self::default()
        };
        for account_id in breakdown.account_ids() {
            totals.add_account(org, breakdown, account_id);
        }
        totals
    }

    /// What the subtree at `node` cost in `month`.
    pub fn get(&self, node: NodeIdx, month: Month) -> Amounts {
        self.by_node
            .get(node.0)
            .and_then(|months| months.get(&month))
            .copied()
            .unwrap_or_default()
    }

    /// The accounts with costs that are not in the tree, counted at the
    /// root.
    pub fn departed(&self) -> &[String] {
        &self.departed
    }

    /// Whether `account_id`'s costs count in the subtree at `node`.
    pub fn counts_in(&self, org: &Org, account_id: &str, node: NodeIdx) -> bool {
        self.homes
            .get(account_id)
            .is_some_and(|&home| home == node || org.ancestors(home).contains(&node))
    }

    /// Net of the subtree at `node` in `month` against the month before.
    pub fn trend(&self, node: NodeIdx, month: Month) -> Trend {
        let previous = self.get(node, month.previous()).net;
        Trend::between(month, self.get(node, month).net, previous)
    }

    fn add_account(&mut self, org: &Org, breakdown: &CostBreakdown, account_id: &str) {
        let Some(home) = self.home(org, account_id) else {
            return;
        };
        self.homes.insert(account_id.to_string(), home);
        let mut levels = org.ancestors(home);
        levels.push(home);
        for month in breakdown.months.keys() {
            let amounts = breakdown.amounts(account_id, *month);
            for level in &levels {
                *self.by_node[level.0].entry(*month).or_default() += amounts;
            }
        }
    }

    fn home(&mut self, org: &Org, account_id: &str) -> Option<NodeIdx> {
        let own = org
            .find(account_id)
            .filter(|&idx| matches!(org.node(idx).kind, NodeKind::Account(_)));
        if own.is_none() {
            self.departed.push(account_id.to_string());
        }
        own.or_else(|| org.root())
    }
}

/// A month's net against the month before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trend {
    pub month: Month,
    pub net: Decimal,
    pub previous: Decimal,
    /// `net - previous`.
    pub difference: Decimal,
    /// The difference in percent of the previous month's size, to a tenth;
    /// none when the previous month cost nothing.
    pub percent: Option<Decimal>,
}

impl Trend {
    /// Compares `net` of `month` with `previous`. The percentage is taken of
    /// the previous month's size so that its sign always says up or down,
    /// even where credits made the previous month negative.
    pub fn between(month: Month, net: Decimal, previous: Decimal) -> Self {
        let difference = net - previous;
        let percent = difference
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|scaled| scaled.checked_div(previous.abs()))
            .map(|percent| round_to(percent, 1));
        Self {
            month,
            net,
            previous,
            difference,
            percent,
        }
    }
}

/// One account's net in a month, for a subtree's top accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountNet {
    pub account_id: String,
    /// The account's name, unless it is no longer in the tree.
    pub name: Option<String>,
    pub net: Decimal,
}

/// The organization's current month so far and as forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthToDate {
    pub month: Month,
    /// The net so far: every account's net plus the unallocated difference,
    /// the whole bill, since that is what `GetCostForecast` projects.
    pub net: Decimal,
    /// `GetCostForecast` for the rest of the month, if it was asked.
    pub forecast_rest: Option<Decimal>,
    /// `net` plus `forecast_rest`.
    pub forecast_total: Option<Decimal>,
}

impl MonthToDate {
    /// The month `today` falls in, if the answers cover it.
    pub fn new(
        breakdown: &CostBreakdown,
        forecast_rest: Option<Decimal>,
        today: NaiveDate,
    ) -> Option<Self> {
        let month = Month::of(today);
        if !breakdown.covers(month) {
            return None;
        }
        let unallocated = breakdown.unallocated_in(month).unwrap_or_default();
        let net = breakdown.month_total(month).net + unallocated;
        Some(Self {
            month,
            net,
            forecast_rest,
            forecast_total: forecast_rest.map(|rest| net + rest),
        })
    }
}

/// The part of `forecast` that is the rest of `today`'s month, in the
/// costs' currency. A forecast of another month is not this one's rest.
pub fn forecast_rest(
    forecast: Option<&Forecast>,
    currency: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Decimal>, CurrencyMismatch> {
    let Some(forecast) = forecast.filter(|f| Month::of(f.start) == Month::of(today))
    else {
        return Ok(None);
    };
    let mut expected = currency.map(str::to_string);
    check_currency(
        &mut expected,
        &forecast.currency,
        "GetCostForecast".to_string(),
    )?;
    Ok(Some(forecast.amount))
}

/// How fast the organization's credits are applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditBurn {
    /// Credits applied per answered month over every account, as positive
    /// amounts.
    pub applied: Vec<MonthlyAmount>,
    /// The average over the last three closed months the answers cover, to
    /// the cent; none when they cover no closed month.
    pub closed_average: Option<Decimal>,
    /// The current month's credits so far, scaled from the whole days
    /// elapsed to the whole month, to the cent; none on its first day (Cost
    /// Explorer has no whole day of it yet) or when it is not answered.
    pub current_pace: Option<Decimal>,
}

impl CreditBurn {
    /// Measures the burn in `breakdown` as of `today`.
    pub fn new(breakdown: &CostBreakdown, today: NaiveDate) -> Self {
        let applied: Vec<MonthlyAmount> = breakdown
            .months
            .keys()
            .map(|&month| MonthlyAmount {
                month,
                amount: breakdown.month_total(month).credits_applied(),
            })
            .collect();
        Self {
            closed_average: closed_average(&applied, Month::of(today)),
            current_pace: current_pace(&applied, today),
            applied,
        }
    }

    /// The credits applied in `month`; zero where none were.
    pub fn applied_in(&self, month: Month) -> Decimal {
        self.applied
            .iter()
            .find(|entry| entry.month == month)
            .map(|entry| entry.amount)
            .unwrap_or_default()
    }

    /// The monthly burn a runway is measured with: the higher of the closed
    /// months' average and the current pace, so that a rise this month
    /// shortens the runway at once and a quiet start of the month does not
    /// lengthen it. None when no credit is being applied.
    pub fn rate(&self) -> Option<Decimal> {
        self.closed_average
            .into_iter()
            .chain(self.current_pace)
            .max()
            .filter(|rate| *rate > Decimal::ZERO)
    }
}

fn closed_average(applied: &[MonthlyAmount], current: Month) -> Option<Decimal> {
    let oldest = (0..BURN_AVERAGE_MONTHS).fold(current, |month, _| month.previous());
    let closed: Vec<Decimal> = applied
        .iter()
        .filter(|entry| entry.month >= oldest && entry.month < current)
        .map(|entry| entry.amount)
        .collect();
    let count = Decimal::from(closed.len());
    let sum: Decimal = closed.into_iter().sum();
    sum.checked_div(count).map(cents)
}

fn current_pace(applied: &[MonthlyAmount], today: NaiveDate) -> Option<Decimal> {
    let month = Month::of(today);
    let so_far = applied.iter().find(|entry| entry.month == month)?.amount;
    let elapsed = Decimal::from(today.day() - 1);
    let whole_month = so_far.checked_mul(Decimal::from(month.days()))?;
    whole_month.checked_div(elapsed).map(cents)
}

/// How long a credit's remaining amount lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "runway", rename_all = "snake_case")]
pub enum Runway {
    /// Nothing remains.
    Exhausted,
    /// No credits are being applied: the credit lasts until it expires.
    Unbounded,
    /// At the burn rate the remaining amount lasts `months` (to a
    /// hundredth) and is used up on `runs_out_on`.
    Until {
        months: Decimal,
        runs_out_on: NaiveDate,
    },
    /// The credit is in another currency than the costs, so its burn is
    /// not known.
    OtherCurrency,
}

/// Something about a credit that needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CreditFlag {
    /// It expires before the burn uses it up: the rest is lost.
    #[serde(rename = "EXPIRES_BEFORE_USED")]
    ExpiresBeforeUsed,
    /// It stops paying within 30 days, used up or expired, while credits
    /// are being applied: the bill is about to rise.
    #[serde(rename = "RUNS_OUT_WITHIN_30_DAYS")]
    RunsOutWithin30Days,
    /// Credit sharing is off while member accounts have usage: their usage
    /// is billed in full while the credit waits.
    #[serde(rename = "SHARING_OFF_WITH_MEMBER_USAGE")]
    SharingOffWithMemberUsage,
}

impl CreditFlag {
    /// What the flag means, for a person.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ExpiresBeforeUsed => "expires before it is used up",
            Self::RunsOutWithin30Days => "runs out within 30 days",
            Self::SharingOffWithMemberUsage => {
                "credit sharing is off while member accounts have usage"
            }
        }
    }
}

/// A credit with its burn, runway and flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditStatus {
    #[serde(flatten)]
    pub credit: Credit,
    /// Whether the credit is shared across the organization: off when the
    /// credit cannot be shared, else the billing preference, if known.
    pub sharing: Option<bool>,
    /// The monthly burn the runway was measured with.
    pub burn: Option<Decimal>,
    #[serde(flatten)]
    pub runway: Runway,
    pub flags: Vec<CreditFlag>,
}

/// What every credit is assessed against.
#[derive(Debug, Clone, Copy)]
pub struct CreditContext<'a> {
    pub breakdown: &'a CostBreakdown,
    pub burn: &'a CreditBurn,
    /// `GetBillingPreferences`: whether credits are shared across the
    /// organization, if known.
    pub sharing: Option<bool>,
    pub today: NaiveDate,
}

impl CreditStatus {
    /// Assesses `credit`. Each credit is measured against the whole
    /// organization's burn, as if it alone paid it.
    // TODO: with several credits AWS applies them one after another, so
    // all but the first last longer than shown; modelling that order needs
    // AWS's rules for which credit goes first.
    pub fn assess(credit: &Credit, context: &CreditContext<'_>) -> Self {
        let sharing = effective_sharing(credit.shareable, context.sharing);
        let comparable = context
            .breakdown
            .currency()
            .is_none_or(|currency| currency == credit.currency);
        let burn = context.burn.rate().filter(|_| comparable);
        let runway = if comparable {
            runway(credit.remaining, burn, context.today)
        } else {
            Runway::OtherCurrency
        };
        let mut status = Self {
            credit: credit.clone(),
            sharing,
            burn,
            runway,
            flags: Vec::new(),
        };
        status.flags = status.raise_flags(context);
        status
    }

    fn raise_flags(&self, context: &CreditContext<'_>) -> Vec<CreditFlag> {
        let candidates = [
            (CreditFlag::ExpiresBeforeUsed, self.expires_before_used()),
            (
                CreditFlag::RunsOutWithin30Days,
                self.runs_out_within_warning(context.today),
            ),
            (
                CreditFlag::SharingOffWithMemberUsage,
                self.sharing_off_with_member_usage(context),
            ),
        ];
        candidates
            .into_iter()
            .filter_map(|(flag, raised)| raised.then_some(flag))
            .collect()
    }

    fn expires_before_used(&self) -> bool {
        let Some(expiry) = self.credit.expiry else {
            return false;
        };
        match self.runway {
            Runway::Unbounded => true,
            Runway::Until { runs_out_on, .. } => expiry < end_of_day(runs_out_on),
            Runway::Exhausted | Runway::OtherCurrency => false,
        }
    }

    fn runs_out_within_warning(&self, today: NaiveDate) -> bool {
        let Runway::Until { runs_out_on, .. } = self.runway else {
            return false;
        };
        let expires_on = self.credit.expiry.map(|expiry| expiry.date_naive());
        let stops_on = expires_on.map_or(runs_out_on, |day| day.min(runs_out_on));
        today
            .checked_add_days(Days::new(RUNS_OUT_WARNING_DAYS))
            .is_some_and(|limit| stops_on <= limit)
    }

    fn sharing_off_with_member_usage(&self, context: &CreditContext<'_>) -> bool {
        if self.sharing != Some(false) || self.credit.remaining <= Decimal::ZERO {
            return false;
        }
        let current = Month::of(context.today);
        let breakdown = context.breakdown;
        breakdown
            .account_ids()
            .filter(|&id| id != self.credit.account_id)
            .any(|id| {
                [current, current.previous()]
                    .into_iter()
                    .any(|month| breakdown.amounts(id, month).usage > Decimal::ZERO)
            })
    }
}

fn effective_sharing(credit: Option<bool>, organization: Option<bool>) -> Option<bool> {
    if credit == Some(false) {
        return Some(false);
    }
    organization
}

/// The first moment after `day`, when a credit used up on `day` is gone.
fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    next.and_time(NaiveTime::MIN).and_utc()
}

/// How long `remaining` lasts at `burn` a month from `today` on.
pub fn runway(remaining: Decimal, burn: Option<Decimal>, today: NaiveDate) -> Runway {
    if remaining <= Decimal::ZERO {
        return Runway::Exhausted;
    }
    let Some(burn) = burn.filter(|burn| *burn > Decimal::ZERO) else {
        return Runway::Unbounded;
    };
    let months = remaining
        .checked_div(burn)
        .map(|months| round_to(months, 2));
    match (months, runs_out_on(remaining, burn, today)) {
        (Some(months), Some(runs_out_on)) => Runway::Until {
            months,
            runs_out_on,
        },
        _ => Runway::Unbounded,
    }
}

/// The day `remaining` is used up, burning `burn` a month spread evenly
/// over each month's days, today included. Every month wholly used takes
/// exactly `burn`, so those are skipped at once; the arithmetic multiplies
/// rather than divides to stay exact. None beyond the calendar.
fn runs_out_on(remaining: Decimal, burn: Decimal, today: NaiveDate) -> Option<NaiveDate> {
    let month = Month::of(today);
    let days = Decimal::from(month.days());
    let days_left = Decimal::from(month.days() - today.day() + 1);
    // Amounts scaled by this month's days, so that a day of it costs `burn`.
    let needed = remaining.checked_mul(days)?;
    let this_month = burn.checked_mul(days_left)?;
    if needed <= this_month {
        return nth_day(today, ceil_div(needed, burn)?);
    }
    runs_out_after(month, needed - this_month, burn.checked_mul(days)?)
}

/// The day `left` runs out in the months after `month`, at `full_month` a
/// month, both scaled by `month`'s days.
fn runs_out_after(month: Month, left: Decimal, full_month: Decimal) -> Option<NaiveDate> {
    let whole_months = ceil_div(left, full_month)? - Decimal::ONE;
    let last = month
        .next()
        .first_day()
        .checked_add_months(Months::new(whole_months.to_u32()?))?;
    let left = left - full_month.checked_mul(whole_months)?;
    let last_days = Decimal::from(Month::of(last).days());
    nth_day(last, ceil_div(left.checked_mul(last_days)?, full_month)?)
}

/// The `n`th day counting `first` as the first.
fn nth_day(first: NaiveDate, n: Decimal) -> Option<NaiveDate> {
    let offset = n.to_u64()?.checked_sub(1)?;
    first.checked_add_days(Days::new(offset))
}

/// The smallest whole `n` with `n × divisor ≥ dividend`, for positive
/// amounts; checked by multiplying, which is exact where dividing is not.
fn ceil_div(dividend: Decimal, divisor: Decimal) -> Option<Decimal> {
    let guess = dividend.checked_div(divisor)?.ceil();
    if divisor.checked_mul(guess)? < dividend {
        return Some(guess + Decimal::ONE);
    }
    let below = guess - Decimal::ONE;
    if below > Decimal::ZERO && divisor.checked_mul(below)? >= dividend {
        return Some(below);
    }
    Some(guess)
}

fn cents(amount: Decimal) -> Decimal {
    round_to(amount, 2)
}

fn round_to(amount: Decimal, places: u32) -> Decimal {
    amount.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// Everything Cost Explorer and the Billing API answered, as the analysis
/// takes it.
#[derive(Debug, Clone, Copy)]
pub struct CostAnswers<'a> {
    pub metric: CostMetric,
    /// Every page of `GetCostAndUsage` by `LINKED_ACCOUNT` and
    /// `RECORD_TYPE`.
    pub grouped: &'a [MonthlyCosts],
    /// Every page of the ungrouped `GetCostAndUsage`.
    pub ungrouped: &'a [MonthlyCosts],
    /// `GetCostForecast` for the rest of the current month, if asked.
    pub forecast: Option<&'a Forecast>,
    /// `GetCredits`, or the credits of the configuration file.
    pub credits: &'a [Credit],
    /// `GetBillingPreferences`: whether credits are shared across the
    /// organization, if known.
    pub credit_sharing: Option<bool>,
}

/// The whole cost analysis the cost pane and `orgtop cost` show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostAnalysis {
    pub metric: CostMetric,
    /// The day the analysis is made for; its month is the current one.
    pub today: NaiveDate,
    pub breakdown: CostBreakdown,
    pub totals: SubtreeTotals,
    pub month_to_date: Option<MonthToDate>,
    pub burn: CreditBurn,
    pub credits: Vec<CreditStatus>,
    /// Every answer left out for its currency.
    pub mismatches: Vec<CurrencyMismatch>,
}

impl CostAnalysis {
    /// Analyses `answers` over `org` as of `today`.
    pub fn new(answers: &CostAnswers<'_>, org: &Org, today: NaiveDate) -> Self {
        let breakdown = CostBreakdown::from_answers(answers.grouped, answers.ungrouped);
        let mut mismatches = breakdown.mismatches().to_vec();
        let rest = forecast_rest(answers.forecast, breakdown.currency(), today)
            .unwrap_or_else(|mismatch| {
                mismatches.push(mismatch);
                None
            });
        let burn = CreditBurn::new(&breakdown, today);
        let credits = assess_credits(answers, &breakdown, &burn, today);
        mismatches.extend(
            credits
                .iter()
                .filter_map(|status| credit_mismatch(status, breakdown.currency())),
        );
        Self {
            metric: answers.metric,
            today,
            totals: SubtreeTotals::new(org, &breakdown),
            month_to_date: MonthToDate::new(&breakdown, rest, today),
            burn,
            credits,
            mismatches,
            breakdown,
        }
    }

    /// The month `today` falls in.
    pub fn current_month(&self) -> Month {
        Month::of(self.today)
    }

    /// Sums the costs again over `org`, when the tree has changed.
    pub fn retotal(&mut self, org: &Org) {
        self.totals = SubtreeTotals::new(org, &self.breakdown);
    }

    /// The net of the subtree at `node` in `month` against the month
    /// before.
    pub fn trend(&self, node: NodeIdx, month: Month) -> Trend {
        self.totals.trend(node, month)
    }

    /// The `limit` accounts of the subtree at `node` that cost the most in
    /// `month`, the costliest first, ties by account id.
    pub fn top_accounts(
        &self,
        org: &Org,
        node: NodeIdx,
        month: Month,
        limit: usize,
    ) -> Vec<AccountNet> {
        let mut found: Vec<AccountNet> = self
            .breakdown
            .account_ids()
            .filter(|id| self.totals.counts_in(org, id, node))
            .map(|id| AccountNet {
                account_id: id.to_string(),
                name: account_name(org, id),
                net: self.breakdown.amounts(id, month).net,
            })
            .collect();
        found.sort_by(|a, b| {
            b.net
                .cmp(&a.net)
                .then_with(|| a.account_id.cmp(&b.account_id))
        });
        found.truncate(limit);
        found
    }

    /// The headless output of `orgtop cost`.
    pub fn export(&self, org: &Org) -> CostExport {
        let accounts = self
            .breakdown
            .account_ids()
            .map(|id| AccountExport {
                id: id.to_string(),
                name: account_name(org, id),
                months: self.breakdown.account_months(id),
            })
            .collect();
        CostExport {
            currency: self.breakdown.currency().map(str::to_string),
            metric: self.metric,
            months: self.breakdown.months(),
            accounts,
            unallocated: self.breakdown.unallocated().to_vec(),
            credits: self.credits.clone(),
        }
    }
}

fn assess_credits(
    answers: &CostAnswers<'_>,
    breakdown: &CostBreakdown,
    burn: &CreditBurn,
    today: NaiveDate,
) -> Vec<CreditStatus> {
    let context = CreditContext {
        breakdown,
        burn,
        sharing: answers.credit_sharing,
        today,
    };
    answers
        .credits
        .iter()
        .map(|credit| CreditStatus::assess(credit, &context))
        .collect()
}

fn credit_mismatch(
    status: &CreditStatus,
    currency: Option<&str>,
) -> Option<CurrencyMismatch> {
    let expected = currency?;
    (status.runway == Runway::OtherCurrency).then(|| CurrencyMismatch {
        answer: format!("GetCredits credit {}", status.credit.credit_id),
        expected: expected.to_string(),
        found: status.credit.currency.clone(),
    })
}

/// The name of the account `account_id`, if it is in the tree.
fn account_name(org: &Org, account_id: &str) -> Option<String> {
    let idx = org.find(account_id)?;
    let node = org.node(idx);
    node.account().map(|_| node.name.clone())
}

/// `orgtop cost --format json`: amounts as decimal strings, months as
/// `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostExport {
    /// None until an answer named a currency.
    pub currency: Option<String>,
    pub metric: CostMetric,
    pub months: Vec<Month>,
    /// Every linked account with costs, the management account included, by
    /// account id.
    pub accounts: Vec<AccountExport>,
    pub unallocated: Vec<MonthlyAmount>,
    pub credits: Vec<CreditStatus>,
}

/// One linked account in the headless output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountExport {
    pub id: String,
    /// None when the account is no longer in the tree.
    pub name: Option<String>,
    pub months: Vec<AccountMonth>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn ceil_div_is_exact_where_division_is_not() {
        assert_eq!(ceil_div(amount("1"), amount("3")), Some(amount("1")));
        assert_eq!(ceil_div(amount("3"), amount("3")), Some(amount("1")));
        assert_eq!(ceil_div(amount("3.01"), amount("3")), Some(amount("2")));
        assert_eq!(ceil_div(amount("100"), amount("0.3")), Some(amount("334")));
    }

    #[test]
    fn runs_out_on_crosses_a_year_and_several_whole_months() {
        // 10 a day in December from the 22nd: 100 of it; then three whole
        // months of 310; then 20 more, at 310 over April's 30 days: 2 days.
        let today = day(2025, 12, 22);
        let remaining = amount("100") + amount("310") * Decimal::from(3) + amount("20");
        assert_eq!(
            runs_out_on(remaining, amount("310"), today),
            Some(day(2026, 4, 2))
        );
    }

    #[test]
    fn runs_out_on_the_last_day_of_a_month_exactly() {
        let today = day(2025, 6, 21);
        assert_eq!(
            runs_out_on(amount("100"), amount("300"), today),
            Some(day(2025, 6, 30))
        );
        assert_eq!(
            runs_out_on(amount("100.01"), amount("300"), today),
            Some(day(2025, 7, 1))
        );
    }

    #[test]
    fn unknown_record_types_count_as_other() {
        let mut amounts = Amounts::default();
        amounts.record("SavingsPlanNegation", amount("-1.5"));
        amounts.record("usage", amount("2"));
        assert_eq!(amounts.other, amount("0.5"));
        assert_eq!(amounts.net, amount("0.5"));
        assert_eq!(amounts.usage, Decimal::ZERO);
    }
}
