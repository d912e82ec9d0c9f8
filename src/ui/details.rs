//! The details pane: what the selected account, organizational unit or root
//! is, where it sits, and every policy that applies to it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, UiState, pane};
use crate::app::{AccessState, App, Pane, Tags};
use crate::clock::age;
use crate::model::{AppliedPolicy, NodeIdx, NodeKind, Org, PolicyType};

/// Draws the details pane into `area`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    state: &mut UiState,
) {
    let focused = app.focus == Pane::Details;
    let block = pane(" Details ".to_string(), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(node) = app.selected() else { return };

    let (lines, cursor_line) = lines(app, node, focused, theme);
    let height = inner.height as usize;
    state.details_offset = match cursor_line {
        Some(at) if at >= state.details_offset + height => at + 1 - height,
        Some(at) if at < state.details_offset => at,
        Some(_) => state.details_offset,
        None => 0,
    };
    let offset = u16::try_from(state.details_offset).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
}

/// The pane's lines, and which of them holds the policy cursor.
fn lines<'a>(
    app: &'a App,
    idx: NodeIdx,
    focused: bool,
    theme: &Theme,
) -> (Vec<Line<'a>>, Option<usize>) {
    let org = &app.org;
    let node = org.node(idx);
    let field = |label: &'static str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<9}"), theme.get("label")),
            Span::styled(value, theme.get("value")),
        ])
    };
    let mut lines = vec![
        field("Name", node.name.clone()),
        field("Id", node.id.clone()),
    ];
    match &node.kind {
        NodeKind::Account(account) => {
            lines.push(field("Email", account.email.clone()));
            lines.push(field("State", account.state.as_aws_str().to_string()));
            let joined = account.joined_timestamp;
            lines.push(field(
                "Joined",
                format!(
                    "{} {} ({} ago)",
                    account.joined_method.as_aws_str().to_lowercase(),
                    joined.format("%Y-%m-%d %H:%M UTC"),
                    age(app.now(), joined)
                ),
            ));
        }
        NodeKind::Root | NodeKind::OrganizationalUnit => {
            let (units, accounts) = org.child_counts(idx);
            let children =
                format!("{} · {}", count(units, "OU"), count(accounts, "account"));
            lines.push(field("Children", children));
            lines.push(field(
                "Below",
                format!("{} in all", count(node.accounts_below, "account")),
            ));
        }
    }
    lines.push(field("Path", org.path(idx)));
    lines.push(field("ARN", node.arn.clone()));
    if let Some(failure) = &node.failure {
        lines.push(Line::styled(
            format!("! Not fully read: {failure}"),
            theme.get("failure"),
        ));
    }

    lines.extend(tag_lines(app, &node.id, theme));
    if node.account().is_some() {
        lines.extend(role_lines(app, &node.id, theme));
    }

    let mut cursor_line = None;
    let mut listed = 0;
    for (policy_type, heading) in [
        (PolicyType::ServiceControlPolicy, "Service control policies"),
        (
            PolicyType::ResourceControlPolicy,
            "Resource control policies",
        ),
    ] {
        lines.push(Line::raw(""));
        lines.push(Line::styled(heading, theme.get("heading")));
        let applied = org.applied(idx, policy_type);
        if applied.is_empty() {
            lines.push(Line::styled("  none", theme.get("inherited")));
        }
        let mut level = None;
        for policy in applied {
            if level != Some(policy.attached_to) {
                level = Some(policy.attached_to);
                lines.push(level_heading(org, idx, policy.attached_to, theme));
            }
            let chosen = focused && listed == app.details_cursor;
            if chosen {
                cursor_line = Some(lines.len());
            }
            lines.push(policy_line(policy, chosen, theme));
            listed += 1;
        }
    }
    (lines, cursor_line)
}

/// The Tags section: fetched when the node is first selected.
fn tag_lines<'a>(app: &App, id: &str, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::raw(""), Line::styled("Tags", theme.get("heading"))];
    match app.tags.get(id) {
        None | Some(Tags::Loading) => {
            lines.push(Line::styled("  loading…", theme.get("inherited")))
        }
        Some(Tags::Failed(reason)) => {
            lines.push(Line::styled(format!("  ! {reason}"), theme.get("failure")))
        }
        Some(Tags::Loaded(tags)) if tags.is_empty() => {
            lines.push(Line::styled("  none", theme.get("inherited")))
        }
        Some(Tags::Loaded(tags)) => lines.extend(tags.iter().map(|tag| {
            Line::from(vec![
                Span::styled(format!("  {} ", tag.key), theme.get("label")),
                Span::styled(tag.value.clone(), theme.get("value")),
            ])
        })),
    }
    lines
}

/// The roles IAM Identity Center gives the person here; `s` uses one.
fn role_lines<'a>(app: &App, account_id: &str, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![
        Line::raw(""),
        Line::styled("Your roles (s)", theme.get("heading")),
    ];
    let text = match (&app.access, app.access.roles(account_id)) {
        (_, Some([])) => "  none".to_string(),
        (_, Some(roles)) => format!("  {}", roles.join(", ")),
        (AccessState::Unavailable(reason), _) => format!("  {reason}"),
        _ => "  reading…".to_string(),
    };
    lines.push(Line::styled(text, theme.get("value")));
    lines
}

/// "1 account", "2 accounts".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// "attached here", or where an inherited policy is attached.
fn level_heading<'a>(org: &Org, idx: NodeIdx, level: NodeIdx, theme: &Theme) -> Line<'a> {
    let text = if level == idx {
        "  attached here".to_string()
    } else {
        format!("  inherited from {}", org.node(level).name)
    };
    Line::styled(text, theme.get("label"))
}

fn policy_line<'a>(applied: AppliedPolicy<'_>, chosen: bool, theme: &Theme) -> Line<'a> {
    let pointer = if chosen { "  ▶ " } else { "    " };
    let managed = if applied.policy.aws_managed {
        " (AWS managed)"
    } else {
        ""
    };
    let line = Line::from(vec![
        Span::raw(pointer),
        Span::styled(applied.policy.name.clone(), theme.get("value")),
        Span::styled(managed, theme.get("inherited")),
    ]);
    if chosen {
        line.style(theme.get("selection"))
    } else {
        line
    }
}
