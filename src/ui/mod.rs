//! Draws the app's state with ratatui. Holds no state of its own beyond
//! scroll offsets, and draws only the rows that fit on screen, so a frame
//! costs the same for a hundred accounts as for fifty thousand.

mod details;
mod drift;
mod help;
mod policy;
mod status;
pub mod theme;
mod tree;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use crate::app::{App, Overlay, Pane};
pub use theme::Theme;

/// Scroll offsets the widgets keep between frames.
#[derive(Debug, Clone, Default)]
pub struct UiState {
    /// The first tree row on screen.
    pub tree_offset: usize,
    /// How many tree rows fit, as last drawn.
    pub tree_height: usize,
    /// The first details line on screen.
    pub details_offset: usize,
}

/// Draws one frame.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, state: &mut UiState) {
    let [main, status_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());

    match (app.zoomed, app.focus) {
        (true, Pane::Tree) => tree::draw(frame, main, app, theme, state),
        (true, Pane::Details) => details::draw(frame, main, app, theme, state),
        (true, Pane::Drift) => drift::draw(frame, main, app, theme),
        (false, _) => {
            let [left, right] =
                Layout::horizontal([split(main.width), Constraint::Fill(1)]).areas(main);
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)])
                    .areas(right);
            tree::draw(frame, left, app, theme, state);
            details::draw(frame, top, app, theme, state);
            drift::draw(frame, bottom, app, theme);
        }
    }
    status::draw(frame, status_area, app, theme);

    match &app.overlay {
        Some(Overlay::Help) => help::draw(frame, main, theme),
        Some(Overlay::PolicyDocument { policy_id, scroll }) => {
            policy::draw(frame, main, app, policy_id, *scroll, theme)
        }
        None => {}
    }
}

/// The tree's share of the width: more of it on narrow terminals, where
/// names need the room.
fn split(width: u16) -> Constraint {
    if width < 100 {
        Constraint::Percentage(55)
    } else {
        Constraint::Percentage(60)
    }
}

/// A bordered pane, its border lit when it has the focus.
fn pane<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let border = if focused {
        theme.get("border_focused")
    } else {
        theme.get("border")
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(title)
        .title_style(theme.get("title"))
}

/// A window centred over `area`, cleared, with a border.
fn popup<'a>(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    height: u16,
    title: String,
    theme: &Theme,
) -> (Rect, Block<'a>) {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let x = area.x + (area.width - width) / 2;
    let y = area.y + (area.height - height) / 2;
    let rect = Rect {
        x,
        y,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = pane(title, true, theme).style(theme.get("dialog"));
    (rect, block)
}

/// Cuts `text` to `width` columns, marking the cut with an ellipsis.
fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}
