//! The action windows: the destination and SCP pickers, the invitation
//! form, the invitations view, and the confirm dialog with the exact AWS
//! call, the preflight's warnings and blockers, and the accounts affected.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, popup};
use crate::app::{App, Dialog, PolicyMode};
use crate::clock::age;
use crate::model::action::{Action, Preflight, Risk};

/// Draws `dialog` over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, dialog: &Dialog, theme: &Theme) {
    let (title, lines) = match dialog {
        Dialog::PickDestination {
            account_id,
            filter,
            typing,
            cursor,
        } => destination(app, account_id, filter, *typing, *cursor, theme),
        Dialog::PickPolicy {
            target_id,
            mode,
            filter,
            typing,
            cursor,
        } => policy(app, target_id, *mode, filter, *typing, *cursor, theme),
        Dialog::Invite {
            target,
            notes,
            on_notes,
        } => invite(target, notes, *on_notes, theme),
        Dialog::Invitations { cursor } => invitations(app, *cursor, theme),
        Dialog::Confirm {
            action,
            preflight,
            typed,
        } => confirm(app, action, preflight, typed, theme),
        Dialog::PickRole { account_id, cursor } => {
            pick_role(app, account_id, *cursor, theme)
        }
        Dialog::Running { action } => (
            format!(" {} ", action.operation()),
            vec![Line::raw(format!("Calling {} on AWS…", action.operation()))],
        ),
    };
    let width = area.width.saturating_sub(4).min(90);
    // Lines wrap inside the border: count the rows they take.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|line| line.width().max(1).div_ceil(inner))
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let (rect, block) = popup(frame, area, width, height, title, theme);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

fn name_of(app: &App, id: &str) -> String {
    app.org
        .find(id)
        .map_or(id.to_string(), |n| app.org.node(n).name.clone())
}

fn filter_line<'a>(filter: &str, typing: bool, theme: &Theme) -> Line<'a> {
    let text = if typing {
        format!("/{filter}▏  (Enter ends the filter)")
    } else if filter.is_empty() {
        "↑↓ choose · / filter · Enter pick · Esc cancel".to_string()
    } else {
        format!("/{filter} · ↑↓ choose · Enter pick · Esc cancel")
    };
    Line::styled(text, theme.get("inherited"))
}

fn chosen<'a>(line: Line<'a>, is: bool, theme: &Theme) -> Line<'a> {
    if is {
        line.style(theme.get("selection"))
    } else {
        line
    }
}

fn destination<'a>(
    app: &App,
    account_id: &str,
    filter: &str,
    typing: bool,
    cursor: usize,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let title = format!(" Move {} to… ", name_of(app, account_id));
    let mut lines = vec![filter_line(filter, typing, theme)];
    let destinations = app.destinations(filter);
    let start = cursor.saturating_sub(12);
    for (at, destination) in destinations.iter().enumerate().skip(start).take(16) {
        let node = app.org.node(destination.node);
        let mark = if at == cursor { "› " } else { "  " };
        let line = Line::raw(format!(
            "{mark}{}{}  {}",
            "  ".repeat(destination.depth),
            node.name,
            node.id
        ));
        lines.push(chosen(line, at == cursor, theme));
    }
    if destinations.is_empty() {
        lines.push(Line::styled("  nothing matches", theme.get("inherited")));
    }
    (title, lines)
}

fn policy<'a>(
    app: &App,
    target_id: &str,
    mode: PolicyMode,
    filter: &str,
    typing: bool,
    cursor: usize,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let verb = match mode {
        PolicyMode::Attach => "Attach an SCP to",
        PolicyMode::Detach => "Detach an SCP from",
    };
    let title = format!(" {verb} {} ", name_of(app, target_id));
    let mut lines = vec![filter_line(filter, typing, theme)];
    let choices = app.policy_choices(target_id, mode, filter);
    let start = cursor.saturating_sub(12);
    for (at, (id, name, count)) in choices.iter().enumerate().skip(start).take(16) {
        let mark = if at == cursor { "› " } else { "  " };
        let targets = if *count == 1 { "target" } else { "targets" };
        let line = Line::raw(format!("{mark}{name}  {id}  ({count} {targets})"));
        lines.push(chosen(line, at == cursor, theme));
    }
    if choices.is_empty() {
        lines.push(Line::styled("  no SCP to choose", theme.get("inherited")));
    }
    (title, lines)
}

fn pick_role<'a>(
    app: &App,
    account_id: &str,
    cursor: usize,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let title = format!(" Get into {} ", name_of(app, account_id));
    let mut lines = vec![Line::styled(
        "↑↓ choose · s a shell with these credentials · c copy export lines · Esc",
        theme.get("inherited"),
    )];
    for (at, role) in app
        .access
        .roles(account_id)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mark = if at == cursor { "› " } else { "  " };
        lines.push(chosen(
            Line::raw(format!("{mark}{role}")),
            at == cursor,
            theme,
        ));
    }
    (title, lines)
}

fn invite<'a>(
    target: &str,
    notes: &str,
    on_notes: bool,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let cursor = |on: bool| if on { "▏" } else { "" };
    let lines = vec![
        Line::styled(
            "Invite an existing account by its 12-digit id or its email.",
            theme.get("label"),
        ),
        Line::raw(""),
        Line::raw(format!(
            "Account id or email: {target}{}",
            cursor(!on_notes)
        )),
        Line::raw(format!("Notes (optional):    {notes}{}", cursor(on_notes))),
        Line::raw(""),
        Line::styled(
            "Tab next field · Enter preview · Esc cancel",
            theme.get("inherited"),
        ),
    ];
    (" Invite an account ".into(), lines)
}

fn invitations<'a>(app: &App, cursor: usize, theme: &Theme) -> (String, Vec<Line<'a>>) {
    let mut lines = vec![Line::styled(
        "↑↓ choose · c cancel an open one · r reread · Esc close",
        theme.get("inherited"),
    )];
    match &app.handshakes {
        None => lines.push(Line::raw("reading invitations…")),
        Some(handshakes) if handshakes.is_empty() => {
            lines.push(Line::raw("no invitations"))
        }
        Some(handshakes) => {
            for (at, handshake) in handshakes.iter().enumerate() {
                let now = app.now();
                let when = if handshake.expires > now {
                    format!("expires in {}", age(handshake.expires, now))
                } else {
                    format!("expired {} ago", age(now, handshake.expires))
                };
                let mark = if at == cursor { "› " } else { "  " };
                let line = Line::raw(format!(
                    "{mark}{:<9} {:<36} {}  {when}",
                    handshake.state,
                    handshake.target.id(),
                    handshake.id
                ));
                lines.push(chosen(line, at == cursor, theme));
            }
        }
    }
    (" Invitations ".into(), lines)
}

fn confirm<'a>(
    app: &App,
    action: &Action,
    preflight: &Preflight,
    typed: &str,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let mut lines = vec![Line::styled(
        format!("aws organizations {}", action.operation()),
        theme.get("heading"),
    )];
    for (name, value) in action.parameters() {
        let shown = match app.org.find(&value) {
            Some(node) => format!("{value}  ({})", app.org.node(node).name),
            None => app
                .org
                .policy(&value)
                .map_or(value.clone(), |p| format!("{value}  ({})", p.name)),
        };
        lines.push(Line::raw(format!("  {name:<20} {shown}")));
    }
    for blocker in &preflight.blockers {
        lines.push(Line::styled(
            format!("✗ blocked: {blocker}"),
            theme.get("failure"),
        ));
    }
    for warning in &preflight.warnings {
        let mark = if warning.risk == Risk::High {
            "⚠ HIGH RISK"
        } else {
            "! note"
        };
        lines.push(Line::styled(
            format!("{mark}: {}", warning.message),
            theme.get("state_warning"),
        ));
        if let Some(remedy) = &warning.remedy {
            lines.push(Line::styled(
                format!("    repair: {remedy}"),
                theme.get("inherited"),
            ));
        }
    }
    let affected = preflight.affected_accounts.len();
    if affected > 0 {
        let names: Vec<String> = preflight
            .affected_accounts
            .iter()
            .take(5)
            .map(|id| name_of(app, id))
            .collect();
        let more = if affected > 5 {
            format!(" and {} more", affected - 5)
        } else {
            String::new()
        };
        lines.push(Line::raw(format!(
            "accounts affected ({affected}): {}{more}",
            names.join(", ")
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        prompt(action, preflight, typed),
        theme.get("key"),
    ));
    (" Confirm ".into(), lines)
}

fn prompt(action: &Action, preflight: &Preflight, typed: &str) -> String {
    if !preflight.allowed() {
        "This cannot run. Esc or n closes.".to_string()
    } else if preflight.needs_typed_confirmation() {
        format!(
            "Type {} and Enter to run, Esc to cancel: {typed}▏",
            action.confirmation_id()
        )
    } else {
        "y or Enter runs it · n or Esc cancels".to_string()
    }
}
