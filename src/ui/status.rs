//! The status line: source, organization, size, freshness, work in flight
//! and the last message. When it does not fit, the least important parts go
//! first, so what changed (a message, a refresh that failed, "cached") stays
//! in view on an 80-column terminal.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{Theme, fit};
use crate::app::App;
use crate::clock::age;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SEPARATOR: &str = " │ ";
/// Parts of this rank and above stay whatever the width.
const KEEP: u8 = 7;

/// One part of the line; the lower its rank, the sooner it goes.
struct Part {
    text: String,
    rank: u8,
    accent: bool,
}

impl Part {
    fn new(text: impl Into<String>, rank: u8) -> Self {
        Self {
            text: text.into(),
            rank,
            accent: false,
        }
    }

    fn accented(text: impl Into<String>, rank: u8) -> Self {
        Self {
            text: text.into(),
            rank,
            accent: true,
        }
    }
}

/// Draws the status line into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(line) = &app.command_line {
        // While a command is typed, the status line is the command line.
        let choices = if line.choices.is_empty() {
            String::new()
        } else {
            format!("   {}", line.choices.join("  "))
        };
        let text = format!(":{}▏{choices}", line.text);
        let paragraph =
            Paragraph::new(Line::from(text)).style(theme.get("status_accent"));
        frame.render_widget(paragraph, area);
        return;
    }
    let width = area.width as usize;
    let mut parts = parts(app, width < 100);
    // Parts ranked KEEP or above are never dropped: a long message is cut
    // at the end of the line instead.
    while line_width(&parts) > width {
        let lowest = parts.iter().map(|p| p.rank).filter(|&r| r < KEEP).min();
        let Some(lowest) = lowest else { break };
        if let Some(at) = parts.iter().rposition(|p| p.rank == lowest) {
            parts.remove(at);
        }
    }
    let spans = spans(&parts, width, theme);
    let paragraph = Paragraph::new(Line::from(spans)).style(theme.get("status"));
    frame.render_widget(paragraph, area);
}

/// Every part, in the order shown.
fn parts(app: &App, narrow: bool) -> Vec<Part> {
    let mut parts = vec![Part::accented(" orgtop", 9)];
    if app.read_only {
        parts.push(Part::accented("READ-ONLY", 9));
    }
    // The source's first words (the profile) say most; the region and an
    // endpoint URL only when there is room.
    let short_source = app
        .source
        .split(" · ")
        .next()
        .unwrap_or_default()
        .to_string();
    parts.push(Part::new(short_source, 4));
    if app.source.contains(" · ") {
        let rest = app
            .source
            .split_once(" · ")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        parts.push(Part::new(rest.to_string(), 1));
    }
    if let Some(organization) = &app.org.organization {
        parts.push(Part::new(organization.id.clone(), 3));
    }
    let accounts = app.org.account_count();
    let noun = if narrow { "acct" } else { "accounts" };
    parts.push(Part::new(format!("{accounts} {noun}"), 5));
    parts.push(freshness(app));
    if let Some(loading) = &app.loading {
        let spin = SPINNER[app.spinner % SPINNER.len()];
        let text = if narrow {
            format!("{spin} {} items", loading.items)
        } else {
            format!(
                "{spin} reading: {} calls, {} items",
                loading.answers, loading.items
            )
        };
        parts.push(Part::accented(text, 7));
    }
    let jobs = app.jobs_in_flight();
    if jobs > 0 && app.loading.is_none() {
        let noun = if jobs == 1 { "job" } else { "jobs" };
        parts.push(Part::new(format!("{jobs} {noun}"), 2));
    }
    let billed = app.cost.billed_requests;
    if billed > 0 {
        parts.push(Part::new(format!("{billed} billed"), 3));
    }
    if let Some(message) = app.message.as_ref().or(app.error.as_ref()) {
        parts.push(Part::accented(message.clone(), 8));
    }
    parts.push(Part::new(if narrow { "?" } else { "? help" }, 0));
    parts
}

fn freshness(app: &App) -> Part {
    match app.last_refresh {
        Some(at) if app.from_cache => {
            Part::accented(format!("cached {}", age(app.now(), at)), 8)
        }
        Some(at) => Part::new(format!("refreshed {}", age(app.now(), at)), 8),
        None => Part::new("not read yet", 8),
    }
}

fn line_width(parts: &[Part]) -> usize {
    let text: usize = parts.iter().map(|p| p.text.width()).sum();
    text + SEPARATOR.width() * parts.len().saturating_sub(1)
}

/// The parts as spans; the last part is cut to what is left of the width,
/// so a long message still shows its beginning.
fn spans<'a>(parts: &[Part], width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (at, part) in parts.iter().enumerate() {
        if at > 0 {
            spans.push(Span::styled(SEPARATOR, theme.get("status")));
            used += SEPARATOR.width();
        }
        let text = fit(&part.text, width.saturating_sub(used));
        used += text.width();
        let style: Style = if part.accent {
            theme.get("status_accent")
        } else {
            theme.get("status")
        };
        spans.push(Span::styled(text, style));
    }
    spans
}
