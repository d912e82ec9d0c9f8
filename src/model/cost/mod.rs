//! Cost and credits: Cost Explorer's and the Billing API's records, and
//! what orgtop derives from them.

pub mod analysis;
pub mod records;

pub use analysis::{
    AccountExport, AccountMonth, AccountNet, Amounts, CostAnalysis, CostAnswers,
    CostBreakdown, CostExport, CreditBurn, CreditContext, CreditFlag, CreditStatus,
    CurrencyMismatch, MonthToDate, MonthlyAmount, Runway, SubtreeTotals, Trend,
};
pub use records::{
    CostGroup, CostMetric, CostPeriod, Credit, Forecast, Month, MonthlyCosts, ServiceCost,
};
