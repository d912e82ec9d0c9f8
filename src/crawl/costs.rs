//! Reads costs and credits: Cost Explorer's grouped and ungrouped monthly
//! costs, its forecast for the rest of the month, and the Billing API's
//! credits. Every Cost Explorer request is billed, so the reader plans
//! first: a month Cost Explorer has finalized is never asked again, a fresh
//! cache is not asked at all, and the plan says how many billed requests it
//! will make before it makes them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::cost::{CostMetric, CostPeriod, Credit, Forecast, Month, MonthlyCosts};
use crate::provider::{ErrorKind, Provider, ProviderError};

/// Bumped whenever the cached shape changes.
const FORMAT: u32 = 1;

/// Where the credits shown came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    /// The Billing API's `GetCredits`.
    Billing,
    /// The configuration file, because the Billing API could not be asked.
    Configuration,
}

/// Credits and whether they are shared, with where they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credits {
    pub source: CreditSource,
    pub credits: Vec<Credit>,
    /// Whether credits are shared across the organization, if known.
    pub sharing: Option<bool>,
    /// Why the Billing API was not used, when it was not.
    pub note: Option<String>,
}

/// Everything read about costs, as cached between runs and shared by the
/// console and `orgtop cost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostData {
    pub format: u32,
    pub metric: CostMetric,
    /// The closed months and the current one, oldest first.
    pub months: Vec<Month>,
    /// Grouped answers, by LINKED_ACCOUNT and RECORD_TYPE: several entries
    /// may share a month when its groups spilled onto another page.
    pub grouped: Vec<MonthlyCosts>,
    /// Ungrouped totals, one per month.
    pub totals: Vec<MonthlyCosts>,
    pub forecast: Option<Forecast>,
    pub credits: Credits,
    pub read_at: DateTime<Utc>,
}

/// What a refresh will ask Cost Explorer, before it asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostPlan {
    pub metric: CostMetric,
    pub months: Vec<Month>,
    /// The months to ask again: not yet read, or still estimated.
    pub ask: Option<CostPeriod>,
    /// Whether the forecast is asked (only while a month is under way).
    pub forecast: bool,
}

impl CostPlan {
    /// The billed requests the plan makes at the least: one grouped, one
    /// ungrouped and the forecast; more when answers run to several pages.
    pub fn billed_requests(&self) -> usize {
        match self.ask {
            Some(_) => 2 + usize::from(self.forecast),
            None => 0,
        }
    }
}

/// What to read: `closed_months` closed months and the current one, as of
/// `today`, re-asking only what `cached` lacks or holds as estimated, and
/// nothing at all while `cached` is younger than `ttl`.
pub fn plan(
    cached: Option<&CostData>,
    metric: CostMetric,
    closed_months: u32,
    today: NaiveDate,
    now: DateTime<Utc>,
    ttl: Duration,
) -> CostPlan {
    let current = Month::of(today);
    let mut months = vec![current];
    for _ in 0..closed_months {
        let earlier = months[0].previous();
        months.insert(0, earlier);
    }
    let usable = cached.filter(|c| c.format == FORMAT && c.metric == metric);
    let fresh = usable.is_some_and(|c| now - c.read_at < ttl && c.months == months);
    let first_open = months
        .iter()
        .copied()
        .find(|&month| !fresh && !usable.is_some_and(|c| c.is_final(month)));
    let ask = first_open.map(|start| CostPeriod {
        start,
        end: current.next(),
        metric,
    });
    CostPlan {
        metric,
        months,
        forecast: ask.is_some(),
        ask,
    }
}

impl CostData {
    /// Whether `month` is held and Cost Explorer called it final.
    pub fn is_final(&self, month: Month) -> bool {
        let held: Vec<&MonthlyCosts> =
            self.totals.iter().filter(|m| m.month == month).collect();
        !held.is_empty() && held.iter().all(|m| !m.estimated)
    }
}

/// The result of a refresh, and how many billed requests it made.
#[derive(Debug, Clone)]
pub struct CostRead {
    pub data: CostData,
    pub billed_requests: usize,
}

/// Carries out `plan`, keeping the finalized months of `cached`, and reads
/// the credits. Requests go one after another: they are billed, throttled,
/// and their order stays reproducible.
pub async fn read(
    provider: &dyn Provider,
    plan: &CostPlan,
    cached: Option<&CostData>,
    configured_credits: &[Credit],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CostRead, ProviderError> {
    let mut billed = 0;
    let (mut grouped, mut totals, mut forecast) = kept_from(cached, plan);
    if let Some(period) = &plan.ask {
        grouped.extend(
            all_pages(&mut billed, |token| {
                provider.get_cost_and_usage_by_account(period, token)
            })
            .await?,
        );
        totals.extend(
            all_pages(&mut billed, |token| {
                provider.get_cost_and_usage_total(period, token)
            })
            .await?,
        );
        forecast = rest_of_month(provider, &mut billed, plan.metric, today).await;
    }
    let credits = read_credits(provider, configured_credits).await;
    let data = CostData {
        format: FORMAT,
        metric: plan.metric,
        months: plan.months.clone(),
        grouped,
        totals,
        forecast,
        credits,
        read_at: now,
    };
    Ok(CostRead {
        data,
        billed_requests: billed,
    })
}

/// The cached answers for months the plan does not ask again.
fn kept_from(
    cached: Option<&CostData>,
    plan: &CostPlan,
) -> (Vec<MonthlyCosts>, Vec<MonthlyCosts>, Option<Forecast>) {
    let Some(cached) = cached else {
        return (Vec::new(), Vec::new(), None);
    };
    let kept = |m: &&MonthlyCosts| {
        plan.months.contains(&m.month) && plan.ask.is_none_or(|ask| m.month < ask.start)
    };
    let grouped = cached.grouped.iter().filter(kept).cloned().collect();
    let totals = cached.totals.iter().filter(kept).cloned().collect();
    let forecast = plan
        .ask
        .is_none()
        .then(|| cached.forecast.clone())
        .flatten();
    (grouped, totals, forecast)
}

/// Every page of one billed listing, counting each request.
async fn all_pages<F, Fut>(
    billed: &mut usize,
    mut ask: F,
) -> Result<Vec<MonthlyCosts>, ProviderError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<
            Output = crate::provider::Result<crate::provider::Page<MonthlyCosts>>,
        >,
{
    let mut months = Vec::new();
    let mut token = None;
    loop {
        *billed += 1;
        let page = ask(token).await?;
        months.extend(page.items);
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(months),
        }
    }
}

/// The forecast from tomorrow to the end of the month; none on the last
/// day, or when Cost Explorer has too little history to forecast.
async fn rest_of_month(
    provider: &dyn Provider,
    billed: &mut usize,
    metric: CostMetric,
    today: NaiveDate,
) -> Option<Forecast> {
    let start = today.succ_opt()?;
    let end = Month::of(today).next().first_day();
    if start >= end {
        return None;
    }
    *billed += 1;
    match provider.get_cost_forecast(start, end, metric).await {
        Ok(forecast) => Some(forecast),
        Err(error) => {
            tracing::warn!(%error, "no forecast");
            None
        }
    }
}

/// The Billing API's credits, or the configured ones when it cannot be
/// asked (denied, or not there).
async fn read_credits(provider: &dyn Provider, configured: &[Credit]) -> Credits {
    let sharing = provider.get_credit_sharing().await.ok();
    match provider.get_credits().await {
        Ok(credits) => Credits {
            source: CreditSource::Billing,
            credits,
            sharing,
            note: None,
        },
        Err(error) => {
            let why = match error.kind {
                ErrorKind::AccessDenied => "the Billing API denied GetCredits",
                _ => "the Billing API did not answer",
            };
            tracing::warn!(%error, "credits from the configuration file");
            Credits {
                source: CreditSource::Configuration,
                credits: configured.to_vec(),
                sharing,
                note: Some(format!("{why}: {error}")),
            }
        }
    }
}
