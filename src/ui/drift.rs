//! The drift pane: the guardrail findings for the selected subtree, most
//! severe first, each with its age; the one under the cursor with what was
//! found and what repairs it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane};
use crate::app::{App, Pane};
use crate::clock::age;
use crate::model::control_tower::ControlTower;
use crate::model::drift::{Finding, Severity};

/// Draws the drift pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Pane::Drift;
    let Some(node) = app.selected() else {
        frame.render_widget(pane(" Drift ".into(), focused, theme), area);
        return;
    };
    let findings = app.drift.findings_for(&app.org, node);
    let floor = match app.drift.min_severity {
        Severity::Low => String::new(),
        other => format!(" ≥ {}", other.as_str()),
    };
    let title = format!(" Drift · {}{floor} ", findings.len());
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines = header(app, theme);
    let cursor = app.drift.cursor.min(findings.len().saturating_sub(1));
    let mut cursor_line = 0;
    for (at, finding) in findings.iter().enumerate() {
        let chosen = at == cursor;
        if chosen {
            cursor_line = lines.len();
        }
        lines.push(finding_line(app, finding, chosen && focused, theme));
        if chosen {
            lines.extend(explanation(finding, theme));
        }
    }
    if findings.is_empty() && app.drift.report.is_some() {
        lines.push(Line::styled("  no drift here", theme.get("inherited")));
    }
    // Keep the chosen finding and its explanation in view.
    let height = inner.height as usize;
    let offset = (cursor_line + 3).saturating_sub(height);
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0));
    frame.render_widget(paragraph, inner);
}

/// One line on where the findings come from, when that needs saying.
fn header<'a>(app: &App, theme: &Theme) -> Vec<Line<'a>> {
    match (
        &app.drift.control_tower,
        app.drift.reading,
        &app.drift.report,
    ) {
        (_, true, None) | (None, _, _) => {
            vec![Line::styled(
                "reading Control Tower…",
                theme.get("inherited"),
            )]
        }
        (Some(ControlTower::Unavailable { reason }), _, _) => vec![Line::styled(
            format!("Control Tower unavailable ({reason}): Organizations rules only"),
            theme.get("state_warning"),
        )],
        _ => Vec::new(),
    }
}

fn finding_line<'a>(
    app: &App,
    finding: &Finding,
    chosen: bool,
    theme: &Theme,
) -> Line<'a> {
    let target = target_name(app, &finding.target);
    let line = Line::from(vec![
        Span::styled(
            format!("{} ", finding.severity.letter()),
            severity_style(finding.severity, theme),
        ),
        Span::styled(format!("{} ", finding.kind.as_str()), theme.get("value")),
        Span::styled(target, theme.get("label")),
        Span::styled(
            format!(" {}", age(app.now(), finding.first_seen)),
            theme.get("inherited"),
        ),
    ]);
    if chosen {
        line.style(theme.get("selection"))
    } else {
        line
    }
}

/// What a finding's target is called: a node's or policy's name, "landing
/// zone" for Control Tower's ARN, or the target itself.
fn target_name(app: &App, target: &str) -> String {
    if let Some(idx) = app.org.find(target) {
        return app.org.node(idx).name.clone();
    }
    if let Some(policy) = app.org.policy(target) {
        return policy.name.clone();
    }
    if target.contains(":landingzone/") {
        return "landing zone".into();
    }
    target.to_string()
}

fn explanation<'a>(finding: &Finding, theme: &Theme) -> Vec<Line<'a>> {
    vec![
        Line::styled(format!("  {}", finding.detail), theme.get("value")),
        Line::styled(
            format!("  repair: {}", finding.remediation),
            theme.get("inherited"),
        ),
    ]
}

/// Severity styles from the theme's roles.
fn severity_style(severity: Severity, theme: &Theme) -> Style {
    theme.get(match severity {
        Severity::Critical => "severity_critical",
        Severity::High => "severity_high",
        Severity::Medium => "severity_medium",
        Severity::Low => "severity_low",
    })
}
