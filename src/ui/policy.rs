//! The policy window: one policy's document, pretty-printed and scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, popup};
use crate::app::{App, Document};

/// Draws the document of `policy_id` over `area`, scrolled by `scroll`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    policy_id: &str,
    scroll: u16,
    theme: &Theme,
) {
    let name = app
        .org
        .policy(policy_id)
        .map_or(policy_id, |p| p.name.as_str());
    let title = format!(" {name} · {policy_id} · Esc closes ");
    let width = area.width.saturating_sub(4).max(20);
    let height = area.height.saturating_sub(2).max(5);
    let (rect, block) = popup(frame, area, width, height, title, theme);

    let lines: Vec<Line> = match app.documents.get(policy_id) {
        None | Some(Document::Loading) => {
            vec![Line::raw("Fetching the policy (DescribePolicy)…")]
        }
        Some(Document::Failed(reason)) => {
            vec![Line::styled(
                format!("Could not fetch the policy: {reason}"),
                theme.get("failure"),
            )]
        }
        Some(Document::Loaded(policy)) => {
            let mut lines = vec![
                Line::styled(policy.summary.description.clone(), theme.get("label")),
                Line::raw(""),
            ];
            lines.extend(
                pretty(&policy.content)
                    .lines()
                    .map(|l| Line::raw(l.to_string())),
            );
            lines
        }
    };
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(paragraph, rect);
}

/// The document indented for reading; as AWS sent it if it is not JSON.
fn pretty(content: &str) -> String {
    serde_json::from_str::<serde_json::Value>(content)
        .and_then(|value| serde_json::to_string_pretty(&value))
        .unwrap_or_else(|_| content.to_string())
}
