//! The console end to end, as a person meets it: the built binary in a real
//! pseudo-terminal of 80×24 on the demo organization, read back as a grid.

mod common;

use std::ops::Range;

use common::pty::keys::{DOWN, ENTER, RIGHT, UP};
use common::pty::{Pty, Screen};

/// The tree pane's columns at 80 columns: the left 55 %.
const TREE_PANE: Range<u16> = 0..44;
/// The details pane's columns, right of the tree.
const DETAILS_PANE: Range<u16> = 44..80;
/// The status line, under both panes.
const STATUS_LINE: u16 = 23;

#[test]
fn demo_console_expands_security_filters_to_log_archive_shows_help_and_quits_cleanly() {
    let mut console = Pty::spawn(&["--demo"], &[]);
    // Rows still arriving would move under the keys. The fresh home has no
    // warm-start cache, so "not read yet" stays until the first crawl ends.
    console.wait_for("the demo organization, read in full", |screen| {
        tree_names(screen).contains(&"Security".to_string())
            && !screen.row(STATUS_LINE).contains("not read yet")
    });

    select(&mut console, "Security");
    console.send(RIGHT);
    console.wait_for("Log Archive under the expanded Security OU", |screen| {
        tree_names(screen).contains(&"Log Archive".to_string())
    });

    console.send("/");
    console.send("log arch");
    let filtered = console.wait_for("the tree filtered to Log Archive", |screen| {
        tree_names(screen) == ["Root", "Security", "Log Archive"]
    });
    let tree_pane = filtered.rows(TREE_PANE).join("\n");
    assert!(
        !tree_pane.contains("Audit"),
        "Audit is still in the tree:\n{tree_pane}"
    );

    console.send(ENTER);
    console.wait_for("the kept filter, with its one match", |screen| {
        screen.rows(TREE_PANE)[0].contains("/log arch (1 found)")
    });

    console.send("?");
    console.wait_for("the help window", |screen| {
        screen.contains("Keys") && screen.contains("quit")
    });

    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "orgtop exited with {status}");
    let screen = console.screen();
    assert!(
        !screen.alternate_screen(),
        "orgtop left the alternate screen on"
    );
    assert!(!screen.hide_cursor(), "orgtop left the cursor hidden");
}

/// Moves the tree's selection to the row named `name`, counting rows from
/// the selected one, and waits for the details pane to show it.
fn select(console: &mut Pty, name: &str) {
    let screen = console.screen();
    let names = tree_names(&screen);
    let row_of = |wanted: &str| {
        let at = names.iter().position(|shown| shown == wanted);
        at.unwrap_or_else(|| panic!("no row named {wanted} in the tree: {names:?}"))
    };
    let (from, to) = (row_of(&selected_name(&screen)), row_of(name));
    let key = if to > from { DOWN } else { UP };
    console.send(&key.repeat(from.abs_diff(to)));
    console.wait_for(&format!("{name} in the details pane"), |screen| {
        selected_name(screen) == name
    });
}

/// The names in the tree pane, top to bottom, without the border, the
/// selection mark, indents, expansion markers and the badges right of them.
fn tree_names(screen: &Screen) -> Vec<String> {
    let rows = screen.rows(TREE_PANE);
    let inside = &rows[1..rows.len().saturating_sub(2)];
    inside
        .iter()
        .map(|row| {
            row.trim_start_matches(|c: char| "│›▾▸".contains(c) || c.is_whitespace())
        })
        .map(|row| row.split("  ").next().unwrap_or_default())
        .map(|name| name.trim_end_matches(|c: char| c == '│' || c.is_whitespace()))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// The name the details pane shows: the selected node's.
fn selected_name(screen: &Screen) -> String {
    screen
        .rows(DETAILS_PANE)
        .iter()
        .map(|row| row.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .find_map(|row| row.strip_prefix("Name "))
        .map(|name| name.trim().to_string())
        .unwrap_or_default()
}

#[test]
fn demo_drift_pane_lists_findings_and_jumps_to_their_target() {
    let mut console = Pty::spawn(&["--demo"], &[]);
    console.wait_for("the drift pane with the demo's findings", |screen| {
        screen
            .rows(DETAILS_PANE)
            .iter()
            .any(|row| row.contains("Drift · 9"))
            && screen.contains("NO_ALLOW_PATH")
    });
    let flags = console.screen();
    let suspended = flags
        .rows(TREE_PANE)
        .into_iter()
        .find(|row| row.contains("Suspended"))
        .unwrap_or_default();
    assert!(
        suspended.contains("⚑1"),
        "the Suspended row carries its finding: {suspended}"
    );

    // Tab twice gives the drift pane the keys; Enter jumps to the finding's
    // target, the quarantined Suspended OU.
    console.send("\t\t");
    console.send(ENTER);
    console.wait_for("Suspended selected in the tree", |screen| {
        selected_name(screen) == "Suspended"
    });

    console.send("f");
    console.send("f");
    console.send("f");
    console.wait_for("the floor raised to critical", |screen| {
        screen
            .rows(DETAILS_PANE)
            .iter()
            .any(|row| row.contains("≥ critical"))
    });
    console.send("q");
    assert!(console.wait_exit().success());
}
