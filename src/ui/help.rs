//! The help overlay: every key and what it does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, popup};
use crate::app::HELP;

/// Draws the help window over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let height = HELP.len() as u16 + 4;
    let (rect, block) =
        popup(frame, area, 64, height, " Keys · Esc closes ".into(), theme);
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|entry| {
            Line::from(vec![
                Span::styled(format!(" {:<15}", entry.keys), theme.get("key")),
                Span::raw(entry.action),
            ])
        })
        .collect();
    lines.insert(0, Line::raw(""));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
