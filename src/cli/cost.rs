//! `orgtop cost`: cost per account and month, as a table, JSON or CSV, from
//! the same cache the console keeps. It says on stderr how many billed Cost
//! Explorer requests it makes.

use std::path::Path;

use clap::ValueEnum;

use crate::app::CostOptions;
use crate::clock::{Clock, SystemClock};
use crate::crawl::{self, costs};
use crate::model::Org;
use crate::model::cost::{CostAnalysis, CostAnswers};
use crate::provider::Provider;
use crate::store;
use crate::ui::cost::money;

/// How `orgtop cost` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    Text,
    Json,
    Csv,
}

/// Reads what the cache lacks, keeps it, and prints the costs.
pub async fn run(
    provider: &dyn Provider,
    options: &CostOptions,
    cache: &Path,
    format: CostFormat,
) -> Result<(), String> {
    let cached: Option<costs::CostData> = store::read_json(cache);
    let now = SystemClock.now();
    let today = now.date_naive();
    let plan = costs::plan(
        cached.as_ref(),
        options.metric,
        options.closed_months,
        today,
        now,
        options.ttl,
    );
    if plan.ask.is_some() {
        eprintln!(
            "orgtop: reading costs: at least {} billed Cost Explorer requests",
            plan.billed_requests()
        );
    }
    let read = costs::read(
        provider,
        &plan,
        cached.as_ref(),
        &options.configured_credits,
        today,
        now,
    )
    .await
    .map_err(|e| format!("{e} ({})", e.hint()))?;
    if read.billed_requests > 0 {
        eprintln!(
            "orgtop: {} billed Cost Explorer requests made",
            read.billed_requests
        );
    }
    if let Err(error) = store::write_json(cache, &read.data) {
        tracing::warn!(path = %cache.display(), %error, "could not keep the costs");
    }
    let org = crawl::load(provider)
        .await
        .map_err(|e| format!("{e} ({})", e.hint()))?;
    let data = &read.data;
    let answers = CostAnswers {
        metric: data.metric,
        grouped: &data.grouped,
        ungrouped: &data.totals,
        forecast: data.forecast.as_ref(),
        credits: &data.credits.credits,
        credit_sharing: data.credits.sharing,
    };
    let analysis = CostAnalysis::new(&answers, &org, today);
    let text = match format {
        CostFormat::Json => serde_json::to_string_pretty(&analysis.export(&org))
            .map_err(|e| e.to_string())?,
        CostFormat::Csv => csv(&analysis, &org),
        CostFormat::Text => table(&analysis, &org, data),
    };
    super::emit(&text)
}

/// One row per account and month.
fn csv(analysis: &CostAnalysis, org: &Org) -> String {
    let mut out = String::from(
        "account_id,account_name,month,usage,credits,refunds,tax,other,net,estimated",
    );
    let export = analysis.export(org);
    for account in &export.accounts {
        let name = account.name.as_deref().unwrap_or("");
        for month in &account.months {
            let a = &month.amounts;
            out.push_str(&format!(
                "\n{},{},{},{},{},{},{},{},{},{}",
                account.id,
                quoted(name),
                month.month,
                a.usage,
                a.credits,
                a.refunds,
                a.tax,
                a.other,
                a.net,
                month.estimated
            ));
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma or a quote.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Net cost per account and month, with totals, the unallocated
/// difference, and the credits.
fn table(analysis: &CostAnalysis, org: &Org, data: &costs::CostData) -> String {
    let export = analysis.export(org);
    let currency = export.currency.clone().unwrap_or_default();
    let months = &export.months;
    let mut out = format!(
        "{:<32}",
        format!("net {currency} ({})", data.metric.as_aws_str())
    );
    for month in months {
        let mark = if analysis.breakdown.is_estimated(*month) {
            "~"
        } else {
            " "
        };
        out.push_str(&format!("{:>13}{mark}", month.to_string()));
    }
    // Costliest first, by the last closed month.
    let mut accounts: Vec<_> = export.accounts.iter().collect();
    let last_closed = analysis.current_month().previous();
    let net_in = |account: &&crate::model::cost::AccountExport| {
        account
            .months
            .iter()
            .find(|m| m.month == last_closed)
            .map(|m| m.amounts.net)
    };
    accounts.sort_by(|a, b| net_in(b).cmp(&net_in(a)).then(a.id.cmp(&b.id)));
    for account in accounts {
        let name = account
            .name
            .clone()
            .unwrap_or_else(|| format!("({})", account.id));
        out.push_str(&format!("\n{:<32}", crate::ui::fit(&name, 31)));
        for month in &account.months {
            out.push_str(&format!("{:>13} ", money(month.amounts.net)));
        }
    }
    out.push_str(&format!("\n{:<32}", "total of accounts"));
    for month in months {
        out.push_str(&format!(
            "{:>13} ",
            money(analysis.breakdown.month_total(*month).net)
        ));
    }
    out.push_str(&format!("\n{:<32}", "unallocated"));
    for month in months {
        let amount = analysis
            .breakdown
            .unallocated_in(*month)
            .unwrap_or_default();
        out.push_str(&format!("{:>13} ", money(amount)));
    }
    out.push_str("\n~ estimated by Cost Explorer");
    for status in &analysis.credits {
        let credit = &status.credit;
        out.push_str(&format!(
            "\ncredit {}: {} of {} {} left",
            credit.description,
            money(credit.remaining),
            money(credit.initial),
            credit.currency
        ));
        for flag in &status.flags {
            out.push_str(&format!(" [{}]", flag.describe()));
        }
    }
    out
}
