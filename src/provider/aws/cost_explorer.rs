//! AWS Cost Explorer through aws-sdk-costexplorer: monthly cost and usage
//! by linked account and record type, the ungrouped totals they are
//! reconciled with, one account's cost by service, and the forecast. Every
//! request is billed by AWS: each call sends exactly one, a page, and
//! caching is left to the caller.
//!
//! Amounts come as decimal strings and stay exact decimals: a missing or
//! unreadable amount makes the whole answer malformed, never zero.

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_costexplorer::operation::get_cost_and_usage::GetCostAndUsageOutput;
use aws_sdk_costexplorer::types as sdk;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::Call;
use crate::model::cost::{
    CostGroup, CostMetric, CostPeriod, Forecast, Month, MonthlyCosts, ServiceCost,
};
use crate::provider::{ErrorKind, Page, ProviderError, Result};

/// Cost Explorer answers in US dollars; a month without a single amount
/// names no unit, and this stands in.
const DEFAULT_CURRENCY: &str = "USD";

/// How Cost Explorer writes a day.
const DAY_FORMAT: &str = "%Y-%m-%d";

/// The Cost Explorer client, in us-east-1, and the profile it signs in
/// with.
pub struct CostExplorer {
    client: Client,
    profile: String,
}

impl CostExplorer {
    /// Wraps `client`; `profile` names the profile in sign-in hints.
    pub fn new(client: Client, profile: String) -> Self {
        Self { client, profile }
    }

    fn call<'a>(&'a self, operation: &'static str, target: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            target,
            profile: &self.profile,
        }
    }

    /// `GetCostAndUsage`, monthly, grouped by `LINKED_ACCOUNT` then
    /// `RECORD_TYPE`. A month's groups may go on over the next page: each
    /// page gives its own `MonthlyCosts` for that month.
    pub async fn get_cost_and_usage_by_account(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let call = self.call("GetCostAndUsage", None);
        let request = self
            .client
            .get_cost_and_usage()
            .time_period(interval(period.start, period.end, &call)?)
            .granularity(sdk::Granularity::Monthly)
            .metrics(period.metric.as_aws_str())
            .group_by(dimension_group(sdk::Dimension::LinkedAccount))
            .group_by(dimension_group(sdk::Dimension::RecordType))
            .set_next_page_token(next_token);
        let output = request.send().await.map_err(|e| error(&call, e))?;
        let metric = period.metric.as_aws_str();
        let months = results(&output)
            .map(|result| monthly_by_account(result, metric, &call))
            .collect::<Result<_>>()?;
        Ok(page(months, &output))
    }

    /// `GetCostAndUsage`, monthly, ungrouped: each month's total alone.
    pub async fn get_cost_and_usage_total(
        &self,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<MonthlyCosts>> {
        let call = self.call("GetCostAndUsage", None);
        let request = self
            .client
            .get_cost_and_usage()
            .time_period(interval(period.start, period.end, &call)?)
            .granularity(sdk::Granularity::Monthly)
            .metrics(period.metric.as_aws_str())
            .set_next_page_token(next_token);
        let output = request.send().await.map_err(|e| error(&call, e))?;
        let metric = period.metric.as_aws_str();
        let months = results(&output)
            .map(|result| monthly_total(result, metric, &call))
            .collect::<Result<_>>()?;
        Ok(page(months, &output))
    }

    /// `GetCostAndUsage` filtered to the linked account `account_id`,
    /// monthly, grouped by `SERVICE`.
    pub async fn get_cost_by_service(
        &self,
        account_id: &str,
        period: &CostPeriod,
        next_token: Option<String>,
    ) -> Result<Page<ServiceCost>> {
        let call = self.call("GetCostAndUsage", Some(account_id));
        let linked_account = sdk::DimensionValues::builder()
            .key(sdk::Dimension::LinkedAccount)
            .values(account_id)
            .build();
        let request = self
            .client
            .get_cost_and_usage()
            .time_period(interval(period.start, period.end, &call)?)
            .granularity(sdk::Granularity::Monthly)
            .metrics(period.metric.as_aws_str())
            .filter(
                sdk::Expression::builder()
                    .dimensions(linked_account)
                    .build(),
            )
            .group_by(dimension_group(sdk::Dimension::Service))
            .set_next_page_token(next_token);
        let output = request.send().await.map_err(|e| error(&call, e))?;
        let metric = period.metric.as_aws_str();
        let mut services = Vec::new();
        for result in results(&output) {
            let month = month_of(result, &call)?;
            for group in result.groups() {
                services.push(service_cost(group, month, metric, &call)?);
            }
        }
        Ok(page(services, &output))
    }

    /// `GetCostForecast`, monthly, from `start` up to, not including, `end`.
    pub async fn get_cost_forecast(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        metric: CostMetric,
    ) -> Result<Forecast> {
        let call = self.call("GetCostForecast", None);
        let period = sdk::DateInterval::builder()
            .start(start.format(DAY_FORMAT).to_string())
            .end(end.format(DAY_FORMAT).to_string())
            .build()
            .map_err(|e| invalid_request(&call, &e))?;
        let request = self
            .client
            .get_cost_forecast()
            .time_period(period)
            .granularity(sdk::Granularity::Monthly)
            .metric(forecast_metric(metric));
        let output = request.send().await.map_err(|e| error(&call, e))?;
        let total = output.total().ok_or_else(|| call.missing("Total"))?;
        let (amount, currency) = metric_value(total, &call, "Total")?;
        Ok(Forecast {
            start,
            end,
            amount,
            currency,
        })
    }
}

/// The provider error for `sdk_error`. Cost Explorer says it is throttling
/// with `LimitExceededException`, which the SDK retries as throttling; once
/// the retries run out it is throttling for the caller too.
fn error<E>(call: &Call<'_>, sdk_error: SdkError<E>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut error = call.error(sdk_error);
    if error.code == "LimitExceededException" {
        error.kind = ErrorKind::Throttling;
    }
    error
}

/// `GetCostForecast` spells its metrics apart from `GetCostAndUsage`:
/// `UNBLENDED_COST` where the other says `UnblendedCost`.
fn forecast_metric(metric: CostMetric) -> sdk::Metric {
    match metric {
        CostMetric::UnblendedCost => sdk::Metric::UnblendedCost,
        CostMetric::NetUnblendedCost => sdk::Metric::NetUnblendedCost,
        CostMetric::AmortizedCost => sdk::Metric::AmortizedCost,
    }
}

/// The whole months from `start` up to, not including, `end`, as Cost
/// Explorer's first days.
fn interval(start: Month, end: Month, call: &Call<'_>) -> Result<sdk::DateInterval> {
    sdk::DateInterval::builder()
        .start(start.first_day().format(DAY_FORMAT).to_string())
        .end(end.first_day().format(DAY_FORMAT).to_string())
        .build()
        .map_err(|e| invalid_request(call, &e))
}

fn invalid_request(call: &Call<'_>, error: &dyn std::error::Error) -> ProviderError {
    ProviderError::new(
        call.operation,
        call.target,
        ErrorKind::InvalidInput,
        "InvalidRequest",
        error.to_string(),
    )
}

fn dimension_group(dimension: sdk::Dimension) -> sdk::GroupDefinition {
    sdk::GroupDefinition::builder()
        .r#type(sdk::GroupDefinitionType::Dimension)
        .key(dimension.as_str())
        .build()
}

fn results(output: &GetCostAndUsageOutput) -> impl Iterator<Item = &sdk::ResultByTime> {
    output.results_by_time().iter()
}

fn page<T>(items: Vec<T>, output: &GetCostAndUsageOutput) -> Page<T> {
    Page {
        items,
        next_token: output.next_page_token().map(str::to_string),
    }
}

/// One month of a grouped answer: a group's keys are its linked account,
/// then its record type, in the order they were asked.
fn monthly_by_account(
    result: &sdk::ResultByTime,
    metric: &str,
    call: &Call<'_>,
) -> Result<MonthlyCosts> {
    let month = month_of(result, call)?;
    let mut groups = Vec::new();
    let mut currency = None;
    for group in result.groups() {
        let [account_id, record_type] = group.keys() else {
            return Err(malformed(
                call,
                "a group without an account and a record type",
            ));
        };
        let (amount, unit) = group_amount(group, metric, call)?;
        same_currency(&mut currency, unit, month, call)?;
        groups.push(CostGroup {
            account_id: account_id.clone(),
            record_type: record_type.clone(),
            amount,
        });
    }
    Ok(MonthlyCosts {
        month,
        estimated: result.estimated(),
        groups,
        total: None,
        currency: currency.unwrap_or_else(|| DEFAULT_CURRENCY.to_string()),
    })
}

/// One month of an ungrouped answer: its total for `metric`.
fn monthly_total(
    result: &sdk::ResultByTime,
    metric: &str,
    call: &Call<'_>,
) -> Result<MonthlyCosts> {
    let month = month_of(result, call)?;
    let value = metric_in(result.total(), metric, call)?;
    let (total, currency) = metric_value(value, call, metric)?;
    Ok(MonthlyCosts {
        month,
        estimated: result.estimated(),
        groups: Vec::new(),
        total: Some(total),
        currency,
    })
}

fn service_cost(
    group: &sdk::Group,
    month: Month,
    metric: &str,
    call: &Call<'_>,
) -> Result<ServiceCost> {
    let [service] = group.keys() else {
        return Err(malformed(call, "a group without exactly one service"));
    };
    let (amount, currency) = group_amount(group, metric, call)?;
    Ok(ServiceCost {
        month,
        service: service.clone(),
        amount,
        currency,
    })
}

/// The month a result covers, read from its first day.
fn month_of(result: &sdk::ResultByTime, call: &Call<'_>) -> Result<Month> {
    let period = result
        .time_period()
        .ok_or_else(|| call.missing("TimePeriod"))?;
    NaiveDate::parse_from_str(period.start(), DAY_FORMAT)
        .map(Month::of)
        .map_err(|_| {
            let message = format!("TimePeriod.Start {:?} is not a day", period.start());
            malformed(call, &message)
        })
}

fn group_amount(
    group: &sdk::Group,
    metric: &str,
    call: &Call<'_>,
) -> Result<(Decimal, String)> {
    let value = metric_in(group.metrics(), metric, call)?;
    metric_value(value, call, metric)
}

fn metric_in<'a>(
    metrics: Option<&'a HashMap<String, sdk::MetricValue>>,
    metric: &str,
    call: &Call<'_>,
) -> Result<&'a sdk::MetricValue> {
    metrics
        .and_then(|metrics| metrics.get(metric))
        .ok_or_else(|| call.missing(metric))
}

/// An amount and its unit; `what` names it in the error.
fn metric_value(
    value: &sdk::MetricValue,
    call: &Call<'_>,
    what: &str,
) -> Result<(Decimal, String)> {
    let amount = decimal(value.amount(), call, what)?;
    let unit = value
        .unit()
        .ok_or_else(|| call.missing(&format!("the unit of {what}")))?;
    Ok((amount, unit.to_string()))
}

/// Every group of a month in one currency: a second one would make the
/// month's sum meaningless.
fn same_currency(
    currency: &mut Option<String>,
    unit: String,
    month: Month,
    call: &Call<'_>,
) -> Result<()> {
    match currency {
        Some(known) if *known != unit => {
            let message = format!("{month} has amounts in both {known} and {unit}");
            Err(malformed(call, &message))
        }
        Some(_) => Ok(()),
        None => {
            *currency = Some(unit);
            Ok(())
        }
    }
}

/// An AWS amount, read exactly: plain decimal notation, or scientific
/// notation for the tiny remainders AWS sometimes writes that way (digits
/// past the 28th decimal place, rust_decimal's limit, are rounded). Never
/// through a float; a missing or unreadable amount is an error, not zero.
pub(super) fn decimal(
    text: Option<&str>,
    call: &Call<'_>,
    what: &str,
) -> Result<Decimal> {
    let text = text.ok_or_else(|| call.missing(&format!("the amount of {what}")))?;
    let text = text.trim();
    let scientific = || {
        text.contains(['e', 'E'])
            .then(|| Decimal::from_scientific(text).ok())
            .flatten()
    };
    Decimal::from_str(text)
        .ok()
        .or_else(scientific)
        .ok_or_else(|| malformed(call, &format!("{what} is not an amount: {text:?}")))
}

/// An answer orgtop cannot read as AWS documents it.
pub(super) fn malformed(call: &Call<'_>, message: &str) -> ProviderError {
    ProviderError::new(
        call.operation,
        call.target,
        ErrorKind::Unavailable,
        "MalformedAnswer",
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: Call<'static> = Call {
        operation: "GetCostAndUsage",
        target: None,
        profile: "test",
    };

    fn amount(text: &str) -> Result<Decimal> {
        decimal(Some(text), &CALL, "UnblendedCost")
    }

    #[test]
    fn amounts_are_read_exactly_to_every_digit() {
        assert_eq!(
            amount("1234.5678901234").unwrap(),
            Decimal::from_str("1234.5678901234").unwrap()
        );
        assert_eq!(amount("-0.01").unwrap(), Decimal::new(-1, 2));
        assert_eq!(
            amount("0.1").unwrap() + amount("0.2").unwrap(),
            amount("0.3").unwrap()
        );
    }

    #[test]
    fn a_tiny_remainder_in_scientific_notation_is_read_exactly() {
        assert_eq!(amount("1.5E-7").unwrap(), Decimal::new(15, 8));
        assert_eq!(amount("-2e-3").unwrap(), Decimal::new(-2, 3));
        // 29 places: the last falls beyond rust_decimal's 28, nowhere near a cent.
        assert_eq!(
            amount("-1.1368683772161603E-13").unwrap(),
            Decimal::from_str("-0.0000000000001136868377216160").unwrap()
        );
    }

    #[test]
    fn a_missing_or_unreadable_amount_is_a_malformed_answer_not_zero() {
        for text in ["", "twelve", "1,50", "NaN", "1.2.3"] {
            let error = amount(text).unwrap_err();
            assert_eq!(error.code, "MalformedAnswer", "{text:?}");
            assert_eq!(error.kind, ErrorKind::Unavailable);
        }
        let error = decimal(None, &CALL, "UnblendedCost").unwrap_err();
        assert_eq!(error.code, "MalformedAnswer");
    }

    #[test]
    fn the_forecast_asks_for_the_metric_as_get_cost_forecast_spells_it() {
        assert_eq!(
            forecast_metric(CostMetric::UnblendedCost).as_str(),
            "UNBLENDED_COST"
        );
        assert_eq!(
            forecast_metric(CostMetric::NetUnblendedCost).as_str(),
            "NET_UNBLENDED_COST"
        );
        assert_eq!(
            forecast_metric(CostMetric::AmortizedCost).as_str(),
            "AMORTIZED_COST"
        );
    }

    #[test]
    fn a_period_covers_whole_months_from_their_first_days() {
        let period = interval(
            Month::new(2026, 1).unwrap(),
            Month::new(2026, 8).unwrap(),
            &CALL,
        )
        .unwrap();
        assert_eq!((period.start(), period.end()), ("2026-01-01", "2026-08-01"));
    }
}
