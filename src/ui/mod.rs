//! Draws the app's state with ratatui. Holds no state of its own beyond
//! scroll offsets, and draws only the rows that fit on screen, so a frame
//! costs the same for a hundred accounts as for fifty thousand.

mod action;
pub mod cost;
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

use crate::app::{App, Bottom, Overlay, Pane};
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
    /// Where the tree's rows were drawn last, for mouse clicks.
    pub tree_area: Rect,
}

impl UiState {
    /// The tree row under the screen cell (`column`, `row`), if any.
    pub fn tree_row_at(&self, column: u16, row: u16) -> Option<usize> {
        let area = self.tree_area;
        let inside = column >= area.x
            && column < area.x + area.width
            && row >= area.y
            && row < area.y + area.height;
        inside.then(|| self.tree_offset + usize::from(row - area.y))
    }
}

/// Draws one frame.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, state: &mut UiState) {
    let [main, status_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());

    match (app.zoomed, app.focus) {
        (true, Pane::Tree) => tree::draw(frame, main, app, theme, state),
        (true, Pane::Details) => details::draw(frame, main, app, theme, state),
        (true, Pane::Drift) => drift::draw(frame, main, app, theme),
        (true, Pane::Cost) => cost::draw(frame, main, app, theme),
        (false, _) => {
            let [left, right] =
                Layout::horizontal([split(main.width), Constraint::Fill(1)]).areas(main);
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)])
                    .areas(right);
            tree::draw(frame, left, app, theme, state);
            details::draw(frame, top, app, theme, state);
            match app.bottom {
                Bottom::Drift => drift::draw(frame, bottom, app, theme),
                Bottom::Cost => cost::draw(frame, bottom, app, theme),
            }
        }
    }
    status::draw(frame, status_area, app, theme);

    match &app.overlay {
        Some(Overlay::Help) => help::draw(frame, main, theme),
        Some(Overlay::Action(dialog)) => action::draw(frame, main, app, dialog, theme),
        Some(Overlay::ConfirmCostRefresh { billed_requests }) => {
            confirm_cost_refresh(frame, main, *billed_requests, theme)
        }
        Some(Overlay::PolicyDocument { policy_id, scroll }) => {
            policy::draw(frame, main, app, policy_id, *scroll, theme)
        }
        None => {}
    }
}

/// Says what a cost refresh will cost before it runs.
fn confirm_cost_refresh(
    frame: &mut Frame,
    area: Rect,
    billed_requests: usize,
    theme: &Theme,
) {
    use ratatui::widgets::{Paragraph, Wrap};
    let text = if billed_requests == 0 {
        "The cached costs are fresh: a refresh reads only the credits, \
         which is not billed.\n\ny refresh · any other key cancels"
            .to_string()
    } else {
        format!(
            "Reading costs makes at least {billed_requests} Cost Explorer requests, \
             each billed $0.01 by AWS (more when answers run to several pages). \
             Months Cost Explorer has finalized are not asked again.\n\n\
             y refresh · any other key cancels"
        )
    };
    let (rect, block) = popup(frame, area, 60, 9, " Refresh costs? ".into(), theme);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
        rect,
    );
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
pub fn fit(text: &str, width: usize) -> String {
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
