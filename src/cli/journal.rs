//! `orgtop journal`: the actions orgtop has run, one row per attempt, read
//! from the journal in the state directory. It asks AWS nothing, so it works
//! without credentials and without `--demo`.

use std::path::Path;

use chrono::SecondsFormat;
use unicode_width::UnicodeWidthStr;

use super::Format;
use crate::journal::{self, Attempt, Status};

const HEADINGS: [&str; 5] = ["TIME", "PROFILE", "ACTION", "RESULT", "REQUEST ID"];

/// Reads the journal at `path` and prints its attempts; damaged lines are
/// counted on stderr, so the JSON on stdout stays whole.
pub fn print(path: &Path, format: Format) -> Result<(), String> {
    let contents = journal::read(path)
        .map_err(|e| format!("cannot read the journal {}: {e}", path.display()))?;
    if contents.skipped > 0 {
        eprintln!(
            "orgtop: {} damaged line(s) in the journal {} skipped",
            contents.skipped,
            path.display()
        );
    }
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&contents.attempts).map_err(|e| e.to_string())?
        }
        Format::Text if contents.attempts.is_empty() => {
            format!("no actions in the journal {}", path.display())
        }
        Format::Text => table(&contents.attempts),
    };
    super::emit(&text)
}

/// The attempts as aligned columns under a heading.
pub fn table(attempts: &[Attempt]) -> String {
    let headings = HEADINGS.map(String::from);
    let rows: Vec<[String; 5]> = std::iter::once(headings)
        .chain(attempts.iter().map(row))
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells = row.iter().zip(widths).map(|(cell, width)| {
                format!("{cell}{}", " ".repeat(width - cell.width()))
            });
            cells.collect::<Vec<_>>().join("  ").trim_end().to_string()
        })
        .collect();
    lines.join("\n")
}

/// One attempt's cells: time, profile, call, result, request id.
fn row(attempt: &Attempt) -> [String; 5] {
    let time = attempt.time().map_or_else(
        || "-".to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    [
        time,
        clean(&attempt.profile),
        clean(&call(attempt)),
        clean(&result(attempt)),
        clean(attempt.request_id.as_deref().unwrap_or("-")),
    ]
}

/// The operation and its key parameters; an invitation's notes are left to
/// the JSON.
fn call(attempt: &Attempt) -> String {
    let action = &attempt.action;
    let parameters = action
        .parameters()
        .into_iter()
        .filter(|(name, _)| *name != "Notes")
        .map(|(name, value)| format!(" {name}={value}"));
    std::iter::once(action.operation().to_string())
        .chain(parameters)
        .collect()
}

/// "succeeded", "failed: CODE" or "interrupted".
fn result(attempt: &Attempt) -> String {
    match (attempt.result, &attempt.error) {
        (Status::Succeeded, _) => "succeeded".into(),
        (Status::Failed, Some(error)) => format!("failed: {}", error.code),
        (Status::Failed, None) => "failed".into(),
        (Status::Interrupted, _) => "interrupted".into(),
    }
}

/// `text` without control characters, which a damaged or foreign journal
/// could use to drive the terminal.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
