//! The status line: source, organization, size, freshness and work in
//! flight. It abbreviates as the terminal narrows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::App;
use crate::clock::age;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the status line into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let narrow = area.width < 100;
    let mut parts = vec![app.source.clone()];
    if let Some(organization) = &app.org.organization {
        parts.push(organization.id.clone());
    }
    let accounts = app.org.account_count();
    parts.push(if narrow {
        format!("{accounts} acct")
    } else {
        format!("{accounts} accounts")
    });
    match app.last_refresh {
        Some(at) => {
            let ago = age(app.now(), at);
            let word = if app.from_cache {
                "cached"
            } else {
                "refreshed"
            };
            parts.push(match (narrow, app.from_cache) {
                (true, false) => ago,
                _ => format!("{word} {ago}"),
            });
        }
        None => parts.push("not read yet".into()),
    }
    let mut line = vec![Span::styled(" orgtop ", theme.get("status_accent"))];
    line.push(Span::styled(parts.join(" │ "), theme.get("status")));
    if let Some(loading) = &app.loading {
        let spin = SPINNER[app.spinner % SPINNER.len()];
        let text = if narrow {
            format!(" │ {spin} {}", loading.items)
        } else {
            format!(
                " │ {spin} reading: {} calls, {} items",
                loading.answers, loading.items
            )
        };
        line.push(Span::styled(text, theme.get("status_accent")));
    }
    let jobs = app.jobs_in_flight();
    if jobs > 0 && !narrow {
        line.push(Span::styled(format!(" │ {jobs} jobs"), theme.get("status")));
    }
    if let Some(message) = app.message.as_ref().or(app.error.as_ref()) {
        line.push(Span::styled(
            format!(" │ {message}"),
            theme.get("status_accent"),
        ));
    }
    let hint = if narrow { " │ ?" } else { " │ ? help" };
    line.push(Span::styled(hint, theme.get("status")));
    let paragraph = Paragraph::new(Line::from(line)).style(theme.get("status"));
    frame.render_widget(paragraph, area);
}
