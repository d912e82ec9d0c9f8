//! The cost pane's state: what was read from Cost Explorer and Billing
//! (cached between runs), the analysis of it over the tree, the billed
//! requests this session made, and the by-service view of one account.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::crawl::costs::{CostData, CostPlan};
use crate::model::Org;
use crate::model::cost::{CostAnalysis, CostAnswers, CostMetric, Credit, ServiceCost};

/// The cost settings the console plans with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostOptions {
    pub metric: CostMetric,
    pub closed_months: u32,
    pub ttl: chrono::Duration,
    pub read_on_start: bool,
    /// Credits from the configuration file, for when Billing cannot answer.
    pub configured_credits: Vec<Credit>,
}

impl Default for CostOptions {
    fn default() -> Self {
        Self {
            metric: CostMetric::UnblendedCost,
            closed_months: 6,
            ttl: chrono::Duration::hours(4),
            read_on_start: true,
            configured_credits: Vec::new(),
        }
    }
}

/// One account's cost by service: asked for, read, or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Services {
    Loading,
    Loaded(Vec<ServiceCost>),
    Failed(String),
}

/// Everything the cost pane shows and remembers.
#[derive(Debug, Clone, Default)]
pub struct CostView {
    pub options: CostOptions,
    /// The last costs read, from this run or the cache.
    pub data: Option<CostData>,
    /// `data` analysed over the tree on screen.
    pub analysis: Option<CostAnalysis>,
    pub reading: bool,
    /// Billed Cost Explorer requests this session made.
    pub billed_requests: usize,
    /// Why the last read failed, if it did.
    pub error: Option<String>,
    /// Cost by service, by account id, asked for with `b`.
    pub services: HashMap<String, Services>,
    /// How far the pane is scrolled down, in lines.
    pub scroll: u16,
}

impl CostView {
    /// What a refresh would ask now.
    pub fn plan(&self, today: NaiveDate, now: DateTime<Utc>) -> CostPlan {
        let options = &self.options;
        crate::crawl::costs::plan(
            self.data.as_ref(),
            options.metric,
            options.closed_months,
            today,
            now,
            options.ttl,
        )
    }

    /// Analyses the data over `org` as of `today`.
    pub fn analyse(&mut self, org: &Org, today: NaiveDate) {
        let Some(data) = &self.data else { return };
        let answers = CostAnswers {
            metric: data.metric,
            grouped: &data.grouped,
            ungrouped: &data.totals,
            forecast: data.forecast.as_ref(),
            credits: &data.credits.credits,
            credit_sharing: data.credits.sharing,
        };
        self.analysis = Some(CostAnalysis::new(&answers, org, today));
    }
}
