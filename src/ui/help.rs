//! The help overlay: every key and what it does. When the list is taller
//! than the terminal it is laid out in two columns, so an 80×24 terminal
//! shows every key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, fit, popup};
use crate::app::{HELP, KeyHelp};

/// Draws the help window over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let rows_needed = HELP.len() as u16 + 2;
    let two_columns = rows_needed > area.height;
    let (width, height) = if two_columns {
        (area.width, (HELP.len() as u16).div_ceil(2) + 2)
    } else {
        (64, rows_needed)
    };
    let (rect, block) = popup(
        frame,
        area,
        width,
        height,
        " Keys · Esc closes ".into(),
        theme,
    );
    let inner = usize::from(rect.width.saturating_sub(2));
    let lines: Vec<Line> = if two_columns {
        let half = HELP.len().div_ceil(2);
        let column = inner / 2;
        (0..half)
            .map(|row| {
                let mut spans = entry(&HELP[row], column, theme);
                if let Some(right) = HELP.get(row + half) {
                    spans.extend(entry(right, column, theme));
                }
                Line::from(spans)
            })
            .collect()
    } else {
        HELP.iter()
            .map(|help| Line::from(entry(help, inner, theme)))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// One key and its action in `width` columns.
fn entry<'a>(help: &KeyHelp, width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let keys = format!(" {:<14}", help.keys);
    let room = width.saturating_sub(keys.chars().count());
    let action = fit(help.action, room);
    let pad = room.saturating_sub(unicode_width::UnicodeWidthStr::width(action.as_str()));
    vec![
        Span::styled(keys, theme.get("key")),
        Span::raw(action),
        Span::raw(" ".repeat(pad)),
    ]
}
