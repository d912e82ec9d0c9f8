//! Cost and credit records as Cost Explorer and the Billing API give them.
//! Money is an exact decimal, never a float.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The metric asked of Cost Explorer, as AWS spells it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostMetric {
    #[default]
    UnblendedCost,
    NetUnblendedCost,
    AmortizedCost,
}

impl CostMetric {
    /// AWS's spelling, as the `Metrics` parameter takes it.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Self::UnblendedCost => "UnblendedCost",
            Self::NetUnblendedCost => "NetUnblendedCost",
            Self::AmortizedCost => "AmortizedCost",
        }
    }
}

/// A calendar month.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    first_day: NaiveDate,
}

impl Month {
    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            first_day: date.with_day(1).unwrap_or(date),
        }
    }

    /// The month of `year` and `month` (1–12), if it exists.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|first_day| Self { first_day })
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        self.first_day
    }

    /// The month after it.
    pub fn next(self) -> Self {
        Self::of(self.first_day + chrono::Months::new(1))
    }

    /// The month before it.
    pub fn previous(self) -> Self {
        Self::of(self.first_day - chrono::Months::new(1))
    }

    /// How many days it has.
    pub fn days(self) -> u32 {
        (self.next().first_day - self.first_day).num_days() as u32
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

impl From<Month> for String {
    fn from(month: Month) -> Self {
        month.to_string()
    }
}

impl TryFrom<String> for Month {
    type Error = String;

    /// Reads "YYYY-MM".
    fn try_from(text: String) -> Result<Self, Self::Error> {
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map(Self::of)
            .map_err(|_| format!("{text:?} is not a month (YYYY-MM)"))
    }
}

/// What one `GetCostAndUsage` request covers: whole months from `start` up
/// to, not including, `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CostPeriod {
    pub start: Month,
    pub end: Month,
    pub metric: CostMetric,
}

/// One linked account's cost of one record type in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostGroup {
    pub account_id: String,
    /// AWS's record type: `Usage`, `Credit`, `Refund`, `Tax`, and others.
    pub record_type: String,
    pub amount: Decimal,
}

/// One month of a `GetCostAndUsage` answer. A grouped answer may spread a
/// month's groups over several pages; an ungrouped one has only `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyCosts {
    pub month: Month,
    /// Cost Explorer's `Estimated`: the month's bill is not final yet.
    pub estimated: bool,
    pub groups: Vec<CostGroup>,
    pub total: Option<Decimal>,
    /// The unit of every amount, e.g. `USD`.
    pub currency: String,
}

/// One service's cost in one month, for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCost {
    pub month: Month,
    pub service: String,
    pub amount: Decimal,
    pub currency: String,
}

/// `GetCostForecast`'s answer for the rest of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub amount: Decimal,
    pub currency: String,
}

/// A credit, as the Billing API's `GetCredits` gives it, or as the
/// configuration file describes it where that API cannot be asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub credit_id: String,
    /// The account the credit was issued to.
    pub account_id: String,
    pub description: String,
    pub initial: Decimal,
    pub remaining: Decimal,
    pub currency: String,
    pub start: DateTime<Utc>,
    pub expiry: Option<DateTime<Utc>>,
    /// Whether the credit may be shared across the organization, if known.
    pub shareable: Option<bool>,
}
