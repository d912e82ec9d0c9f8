//! The cost pane: the selection's cost by month with usage and credits
//! apart, this month against the last, the costliest accounts below it, and
//! the credits with their burn and runway. Amounts carry their currency and
//! are right-aligned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Theme, pane};
use crate::app::{App, Pane, Services};
use crate::crawl::costs::CreditSource;
use crate::model::NodeIdx;
use crate::model::cost::{CostAnalysis, CreditStatus, Month, Runway};

/// Draws the cost pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Pane::Cost;
    let currency = app
        .cost
        .analysis
        .as_ref()
        .and_then(|a| a.breakdown.currency())
        .unwrap_or("");
    let title = format!(" Cost {currency} · c drift ");
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let lines = match (app.selected(), &app.cost.analysis) {
        (Some(node), Some(analysis)) => {
            lines(app, analysis, node, inner.width as usize, theme)
        }
        _ => placeholder(app, theme),
    };
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.cost.scroll, 0));
    frame.render_widget(paragraph, inner);
}

fn placeholder<'a>(app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let text = match (&app.cost.error, app.cost.reading) {
        (Some(error), _) => format!("Costs could not be read: {error}"),
        (None, true) => "reading costs from Cost Explorer…".to_string(),
        (None, false) => {
            "no costs read yet: r here reads them (billed requests)".to_string()
        }
    };
    vec![Line::styled(text, theme.get("inherited"))]
}

fn lines<'a>(
    app: &App,
    analysis: &CostAnalysis,
    node: NodeIdx,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = month_bars(analysis, node, width, theme);
    lines.push(legend(theme));
    let is_root = app.org.root() == Some(node);
    lines.extend(this_month(analysis, node, is_root, theme));
    match app.org.node(node).account() {
        Some(account) => lines.extend(services(app, &account.id, theme)),
        None => lines.extend(top_accounts(app, analysis, node, width, theme)),
    }
    lines.extend(credits(app, analysis, theme));
    for unallocated in analysis
        .breakdown
        .unallocated()
        .iter()
        .filter(|u| !u.amount.is_zero())
    {
        lines.push(Line::styled(
            format!(
                "unallocated {}: {}",
                unallocated.month,
                money(unallocated.amount)
            ),
            theme.get("state_warning"),
        ));
    }
    if let Some(error) = &app.cost.error {
        lines.push(Line::styled(
            format!("! last refresh failed: {error}"),
            theme.get("failure"),
        ));
    }
    lines
}

/// One bar a month: usage drawn with `█`, the part credits paid with `▒`,
/// the net at the right; `~` marks a month Cost Explorer still estimates.
fn month_bars<'a>(
    analysis: &CostAnalysis,
    node: NodeIdx,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let months = analysis.breakdown.months();
    let amounts: Vec<_> = months
        .iter()
        .map(|&m| (m, analysis.totals.get(node, m)))
        .collect();
    let largest = amounts
        .iter()
        .map(|(_, a)| a.usage)
        .max()
        .unwrap_or_default();
    let bar_width = width.saturating_sub(8 + 14 + 2).max(4);
    amounts
        .into_iter()
        .map(|(month, amount)| {
            let (paid, covered) =
                bar(amount.usage, amount.credits_applied(), largest, bar_width);
            let estimated = if analysis.breakdown.is_estimated(month) {
                "~"
            } else {
                " "
            };
            Line::from(vec![
                Span::styled(format!("{month} "), theme.get("label")),
                Span::styled("█".repeat(paid), theme.get("cost_usage")),
                Span::styled("▒".repeat(covered), theme.get("credits")),
                Span::raw(" ".repeat(bar_width - paid - covered)),
                Span::styled(format!("{:>13}", money(amount.net)), theme.get("value")),
                Span::styled(estimated, theme.get("inherited")),
            ])
        })
        .collect()
}

/// The cells of a bar: usage less credits, then the credits.
fn bar(
    usage: Decimal,
    credits: Decimal,
    largest: Decimal,
    width: usize,
) -> (usize, usize) {
    if largest <= Decimal::ZERO || usage <= Decimal::ZERO {
        return (0, 0);
    }
    let cells = |amount: Decimal| -> usize {
        (amount * Decimal::from(width as u64) / largest)
            .round()
            .to_usize()
            .unwrap_or(0)
    };
    let total = cells(usage).min(width);
    let covered = cells(credits.min(usage)).min(total);
    (total - covered, covered)
}

fn legend<'a>(theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled("█", theme.get("cost_usage")),
        Span::styled(" usage ", theme.get("inherited")),
        Span::styled("▒", theme.get("credits")),
        Span::styled(" credits  net  ~estimated", theme.get("inherited")),
    ])
}

fn this_month<'a>(
    analysis: &CostAnalysis,
    node: NodeIdx,
    is_root: bool,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let current = analysis.current_month();
    let previous = current.previous();
    let trend = analysis.trend(node, previous);
    let change = match trend.percent {
        Some(percent) => format!(
            "{}{percent}%",
            if percent > Decimal::ZERO { "+" } else { "" }
        ),
        None => "new".to_string(),
    };
    let mut line = vec![
        Span::styled(format!("{} so far ", current), theme.get("label")),
        Span::styled(
            money(analysis.totals.get(node, current).net),
            theme.get("value"),
        ),
    ];
    // The forecast is of the whole bill, so it is shown for the root only.
    if let Some(total) = analysis
        .month_to_date
        .as_ref()
        .and_then(|m| m.forecast_total)
        .filter(|_| is_root)
    {
        line.push(Span::styled(
            format!(" · forecast {}", money(total)),
            theme.get("label"),
        ));
    }
    let style = if trend.difference > Decimal::ZERO {
        "cost_up"
    } else {
        "cost_down"
    };
    vec![
        Line::from(vec![
            Span::styled(
                format!("{previous} vs {}: ", previous.previous()),
                theme.get("label"),
            ),
            Span::styled(
                format!("{} ({change})", signed(trend.difference)),
                theme.get(style),
            ),
        ]),
        Line::from(line),
    ]
}

fn top_accounts<'a>(
    app: &App,
    analysis: &CostAnalysis,
    node: NodeIdx,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let month = analysis.current_month().previous();
    let top = analysis.top_accounts(&app.org, node, month, 3);
    if top.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(
        format!("costliest in {month}"),
        theme.get("heading"),
    )];
    lines.extend(top.into_iter().map(|account| {
        let name = account.name.unwrap_or(account.account_id);
        let room = width.saturating_sub(2 + 13).max(8);
        let name = shorten(&name, room);
        Line::from(vec![
            Span::styled(format!("  {name:<room$}"), theme.get("value")),
            Span::styled(format!("{:>13}", money(account.net)), theme.get("value")),
        ])
    }));
    lines
}

fn services<'a>(app: &App, account_id: &str, theme: &Theme) -> Vec<Line<'a>> {
    let heading = Line::styled("by service (b)", theme.get("heading"));
    match app.cost.services.get(account_id) {
        None => vec![Line::styled(
            "b: this account's cost by service (1 billed request)",
            theme.get("inherited"),
        )],
        Some(Services::Loading) => {
            vec![heading, Line::styled("  reading…", theme.get("inherited"))]
        }
        Some(Services::Failed(reason)) => vec![
            heading,
            Line::styled(format!("  ! {reason}"), theme.get("failure")),
        ],
        Some(Services::Loaded(costs)) => {
            // The last closed month: the current one has only begun.
            let latest = costs.iter().map(|c| c.month).max();
            let month = latest
                .map(Month::previous)
                .filter(|m| costs.iter().any(|c| c.month == *m));
            let month = month.or(latest);
            let mut rows: Vec<_> =
                costs.iter().filter(|c| Some(c.month) == month).collect();
            rows.sort_by_key(|cost| std::cmp::Reverse(cost.amount));
            let heading = match month {
                Some(month) => {
                    Line::styled(format!("by service in {month}"), theme.get("heading"))
                }
                None => heading,
            };
            let mut lines = vec![heading];
            lines.extend(rows.iter().take(6).map(|cost| {
                Line::from(vec![
                    Span::styled(
                        format!("  {:<28}", shorten(&cost.service, 28)),
                        theme.get("value"),
                    ),
                    Span::styled(
                        format!("{:>12}", money(cost.amount)),
                        theme.get("value"),
                    ),
                ])
            }));
            // The rest in one line, so the lines add up to the month.
            let rest: Decimal = rows[6.min(rows.len())..]
                .iter()
                .map(|cost| cost.amount)
                .sum();
            if rows.len() > 6 {
                let others = format!("{} other services", rows.len() - 6);
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<28}", others), theme.get("inherited")),
                    Span::styled(format!("{:>12}", money(rest)), theme.get("inherited")),
                ]));
            }
            lines
        }
    }
}

fn credits<'a>(app: &App, analysis: &CostAnalysis, theme: &Theme) -> Vec<Line<'a>> {
    let Some(data) = &app.cost.data else {
        return Vec::new();
    };
    let source = match data.credits.source {
        CreditSource::Billing => "Billing API",
        CreditSource::Configuration => "configuration file",
    };
    let sharing = match data.credits.sharing {
        Some(true) => "sharing on",
        Some(false) => "sharing OFF",
        None => "sharing unknown",
    };
    let mut lines = vec![Line::styled(
        format!("credits ({source}, {sharing})"),
        theme.get("heading"),
    )];
    if let Some(note) = &data.credits.note {
        lines.push(Line::styled(format!("  {note}"), theme.get("inherited")));
    }
    if analysis.credits.is_empty() {
        lines.push(Line::styled("  none", theme.get("inherited")));
    }
    for status in &analysis.credits {
        lines.extend(credit_lines(status, theme));
    }
    lines
}

fn credit_lines<'a>(status: &CreditStatus, theme: &Theme) -> Vec<Line<'a>> {
    let credit = &status.credit;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("  {} ", credit.description), theme.get("value")),
        Span::styled(
            format!(
                "{} of {} left",
                money(credit.remaining),
                money(credit.initial)
            ),
            theme.get("credits"),
        ),
    ])];
    let burn = status.burn.map_or("no burn".to_string(), |b| {
        format!("burn {}/month", money(b))
    });
    let runway = match status.runway {
        Runway::Exhausted => "used up".to_string(),
        Runway::Unbounded => "lasts until it expires".to_string(),
        Runway::Until {
            months,
            runs_out_on,
        } => format!("runs out {runs_out_on} ({months} months)"),
        Runway::OtherCurrency => "burn unknown (other currency)".to_string(),
    };
    let expiry = credit.expiry.map_or("no expiry".to_string(), |e| {
        format!("expires {}", e.date_naive())
    });
    lines.push(Line::styled(
        format!("    {burn} · {runway} · {expiry}"),
        theme.get("label"),
    ));
    for flag in &status.flags {
        lines.push(Line::styled(
            format!("    ⚑ {}", flag.describe()),
            theme.get("state_warning"),
        ));
    }
    lines
}

/// An amount with thousands separators and cents: `21,410.33`.
pub fn money(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (at, digit) in whole.chars().enumerate() {
        if at > 0 && (whole.len() - at) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}{grouped}.{cents}", if negative { "-" } else { "" })
}

/// A short amount for tree rows: `21.4k`, `950`.
pub fn money_short(amount: Decimal) -> String {
    let whole = amount.round();
    if whole.abs() >= Decimal::from(10_000) {
        format!("{}k", (amount / Decimal::from(1000)).round())
    } else if whole.abs() >= Decimal::from(1000) {
        format!("{}k", (amount / Decimal::from(1000)).round_dp(1))
    } else {
        whole.to_string()
    }
}

fn signed(amount: Decimal) -> String {
    if amount > Decimal::ZERO {
        format!("+{}", money(amount))
    } else {
        money(amount)
    }
}

fn shorten(text: &str, width: usize) -> String {
    super::fit(text, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_cents() {
        assert_eq!(money("21410.333".parse().unwrap()), "21,410.33");
        assert_eq!(money("-1004.91".parse().unwrap()), "-1,004.91");
        assert_eq!(money("0".parse().unwrap()), "0.00");
        assert_eq!(money("999".parse().unwrap()), "999.00");
        assert_eq!(money("1234567.5".parse().unwrap()), "1,234,567.50");
    }

    #[test]
    fn short_amounts_fit_a_tree_row() {
        assert_eq!(money_short("21410.33".parse().unwrap()), "21k");
        assert_eq!(money_short("2193.2".parse().unwrap()), "2.2k");
        assert_eq!(money_short("38.40".parse().unwrap()), "38");
    }

    #[test]
    fn bars_show_the_credit_share_of_usage() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(bar(d("100"), d("50"), d("100"), 10), (5, 5));
        assert_eq!(bar(d("50"), d("0"), d("100"), 10), (5, 0));
        assert_eq!(bar(d("0"), d("0"), d("100"), 10), (0, 0));
        assert_eq!(bar(d("100"), d("200"), d("100"), 10), (0, 10));
    }
}
