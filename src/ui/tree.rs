//! The tree pane: one line per visible node, with its badges in columns that
//! drop out, least important first, as the pane narrows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, UiState, fit, pane};
use crate::app::{App, Pane, Row};
use crate::model::{AccountState, NodeKind, PolicyType};

/// Which columns fit beside the name.
struct Columns {
    drift: bool,
    state: bool,
    cost: bool,
    roles: bool,
    scps: bool,
    id: bool,
}

impl Columns {
    const DRIFT: usize = 5;
    const STATE: usize = 10;
    /// The roles the person may assume in an account: `↪2`.
    const ROLES: usize = 3;
    const COST: usize = 7;
    const SCPS: usize = 6;
    const ID: usize = 17;

    /// The columns that fit beside a name of at least 18 columns (28 for
    /// the id, which matters least): the drift count stays longest, then
    /// the account state, then the SCP count, then the id.
    fn for_width(width: usize) -> Self {
        let room = |name: usize, extra: usize| width > name + extra;
        let drift = Self::DRIFT;
        let state = drift + Self::STATE;
        let cost = state + Self::COST;
        let scps = cost + Self::SCPS;
        let roles = scps + Self::ROLES;
        Self {
            drift: room(12, drift),
            state: room(18, state),
            cost: room(18, cost),
            scps: room(18, scps),
            roles: room(18, roles),
            id: room(28, roles + Self::ID),
        }
    }

    fn width(&self) -> usize {
        let on = |flag: bool, w: usize| if flag { w } else { 0 };
        on(self.drift, Self::DRIFT)
            + on(self.state, Self::STATE)
            + on(self.cost, Self::COST)
            + on(self.scps, Self::SCPS)
            + on(self.roles, Self::ROLES)
            + on(self.id, Self::ID)
    }
}

/// Draws the tree pane into `area`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    state: &mut UiState,
) {
    let block = pane(title(app), app.focus == Pane::Tree, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let height = inner.height as usize;
    state.tree_height = height;
    state.tree_area = inner;
    if app.org.is_empty() {
        frame.render_widget(
            Paragraph::new(placeholder(app)).wrap(Default::default()),
            inner,
        );
        return;
    }
    let rows = app.tree.rows();
    let selected = app.tree.selected_row();
    state.tree_offset = scrolled(state.tree_offset, selected, height, rows.len());

    let columns = Columns::for_width(inner.width as usize);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(state.tree_offset)
        .take(height)
        .map(|(at, row)| {
            let chosen = at == selected;
            line(app, row, chosen, &columns, inner.width as usize, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The first row to show so that `selected` stays on screen, moving the
/// view as little as possible.
fn scrolled(offset: usize, selected: usize, height: usize, rows: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let offset = offset.min(rows.saturating_sub(height));
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

fn title(app: &App) -> String {
    match (&app.filter_input, app.tree.filter()) {
        (Some(text), _) => format!(" Organization · /{text}▏ "),
        (None, Some(filter)) => {
            format!(
                " Organization · /{} ({} found) ",
                filter.text(),
                app.tree.match_count()
            )
        }
        (None, None) => " Organization ".to_string(),
    }
}

fn placeholder(app: &App) -> String {
    match (&app.error, &app.loading) {
        (Some(error), _) => format!("Could not read the organization.\n\n{error}"),
        (None, Some(loading)) => {
            format!("Reading the organization… {} items so far", loading.items)
        }
        (None, None) => {
            "Nothing loaded yet: press r to read the organization.".to_string()
        }
    }
}

fn line<'a>(
    app: &'a App,
    row: &Row,
    chosen: bool,
    columns: &Columns,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let org = &app.org;
    let node = org.node(row.node);
    let marker = match (row.has_children, row.expanded) {
        (false, _) => "  ",
        (true, true) => "▾ ",
        (true, false) => "▸ ",
    };
    let indent = "  ".repeat(row.depth as usize);
    let failure = if node.failure.is_some() { " !" } else { "" };
    // The gutter marks the selection in a way that survives without colour
    // and in a plain text capture.
    // A node that changed in the last refresh is marked `•` while it is
    // not selected.
    let gutter = match (chosen, app.changed.contains(&node.id)) {
        (true, _) => "›",
        (false, true) => "•",
        (false, false) => " ",
    };
    let name_width = width.saturating_sub(
        columns.width() + 1 + indent.len() + marker.chars().count() + failure.len(),
    );
    let name = fit(&node.name, name_width);

    let mut spans = vec![
        Span::raw(gutter),
        Span::raw(indent),
        Span::styled(marker, theme.get("badge")),
    ];
    spans.extend(name_spans(app, &name, row, theme));
    spans.push(Span::styled(failure, theme.get("failure")));
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(used + columns.width())),
    ));
    spans.extend(badges(app, row, columns, theme));

    let mut line = Line::from(spans);
    if chosen {
        let focused = app.focus == Pane::Tree;
        let style = if focused {
            theme.get("selection")
        } else {
            theme.get("selection_unfocused")
        };
        line = line.style(style);
        // Without colour the selection must still show: bold keeps it
        // visible where the theme's colours are dropped.
        line = line.patch_style(Style::default().add_modifier(Modifier::BOLD));
    }
    line
}

fn name_spans<'a>(app: &App, name: &str, row: &Row, theme: &Theme) -> Vec<Span<'a>> {
    let node = app.org.node(row.node);
    let style = match &node.kind {
        NodeKind::Root => theme.get("root"),
        NodeKind::OrganizationalUnit => theme.get("organizational_unit"),
        NodeKind::Account(account) if account.state == AccountState::Active => {
            theme.get("account")
        }
        NodeKind::Account(_) => theme.get("account_inactive"),
    };
    let highlight = app
        .tree
        .filter()
        .filter(|_| row.matched)
        .and_then(|f| f.highlight(name));
    match highlight {
        Some(range) => vec![
            Span::styled(name[..range.start].to_string(), style),
            Span::styled(name[range.clone()].to_string(), theme.get("match")),
            Span::styled(name[range.end..].to_string(), style),
        ],
        None => vec![Span::styled(name.to_string(), style)],
    }
}

fn badges<'a>(app: &App, row: &Row, columns: &Columns, theme: &Theme) -> Vec<Span<'a>> {
    let org = &app.org;
    let node = org.node(row.node);
    let mut spans = Vec::new();
    if columns.drift {
        // A flag and the count of findings at or below the node: the
        // count reads without colour too.
        let text = match app.drift.count(row.node) {
            0 => String::new(),
            n => format!("⚑{n}"),
        };
        spans.push(Span::styled(
            format!("{text:>4} "),
            theme.get("drift_badge"),
        ));
    }
    if columns.state {
        let (text, style) = match node.account() {
            Some(account) => state_badge(account.state, theme),
            None => (format!("{} acct", node.accounts_below), theme.get("badge")),
        };
        spans.push(Span::styled(format!("{text:>9} "), style));
    }
    if columns.roles {
        // The roles IAM Identity Center gives the person in an account.
        let text = node.account().and_then(|a| app.access.roles(&a.id)).map_or(
            String::new(),
            |roles| {
                if roles.is_empty() {
                    String::new()
                } else {
                    format!("↪{}", roles.len())
                }
            },
        );
        spans.push(Span::styled(format!("{text:>2} "), theme.get("badge")));
    }
    if columns.cost {
        // This month's net so far: read without colour, a currency-less
        // short amount; the cost pane has the exact figure.
        let text = app
            .cost
            .analysis
            .as_ref()
            .map_or(String::new(), |analysis| {
                let amounts = analysis.totals.get(row.node, analysis.current_month());
                if amounts.net.is_zero() {
                    String::new()
                } else {
                    super::cost::money_short(amounts.net)
                }
            });
        spans.push(Span::styled(format!("{text:>6} "), theme.get("badge")));
    }
    if columns.scps {
        let count = org
            .attached(&node.id, PolicyType::ServiceControlPolicy)
            .len();
        spans.push(Span::styled(
            format!("{:>5} ", format!("{count} SCP")),
            theme.get("badge"),
        ));
    }
    if columns.id {
        spans.push(Span::styled(format!("{:>16} ", node.id), theme.get("id")));
    }
    spans
}

/// An account state as a short word that reads without colour too.
fn state_badge(state: AccountState, theme: &Theme) -> (String, Style) {
    let (text, role) = match state {
        AccountState::Active => ("active", "badge"),
        AccountState::PendingActivation => ("pending", "state_warning"),
        AccountState::PendingClosure => ("closing", "state_warning"),
        AccountState::Suspended => ("SUSPENDED", "state_bad"),
        AccountState::Closed => ("CLOSED", "state_bad"),
        AccountState::Unknown => ("unknown", "state_warning"),
    };
    (text.to_string(), theme.get(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_keeps_the_selection_on_screen() {
        assert_eq!(scrolled(0, 5, 10, 100), 0);
        assert_eq!(scrolled(0, 10, 10, 100), 1);
        assert_eq!(scrolled(20, 5, 10, 100), 5);
        assert_eq!(scrolled(95, 99, 10, 100), 90);
    }

    #[test]
    fn columns_drop_id_first_and_drift_last() {
        let wide = Columns::for_width(80);
        assert!(wide.drift && wide.state && wide.scps && wide.id);
        let medium = Columns::for_width(52);
        assert!(medium.drift && medium.state && medium.cost && medium.scps && !medium.id);
        let narrow = Columns::for_width(34);
        assert!(
            narrow.drift && narrow.state && !narrow.cost && !narrow.scps && !narrow.id
        );
        let narrowest = Columns::for_width(20);
        assert!(narrowest.drift && !narrowest.state);
    }
}
