//! Where things are on orgtop's console at 80×24, and how a test reads and
//! moves the tree there, as a person would.

use std::ops::Range;

use super::pty::keys::{DOWN, UP};
use super::pty::{Pty, Screen};

/// The tree pane's columns at 80 columns: the left 55 %.
pub const TREE_PANE: Range<u16> = 0..44;
/// The details pane's columns, right of the tree.
pub const DETAILS_PANE: Range<u16> = 44..80;
/// The status line, under both panes.
pub const STATUS_LINE: u16 = 23;

/// The names in the tree pane, top to bottom, without the border, the
/// selection mark, indents, expansion markers and the badges right of them.
pub fn tree_names(screen: &Screen) -> Vec<String> {
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

/// Whether the tree pane shows every one of `names`.
pub fn tree_shows(screen: &Screen, names: &[&str]) -> bool {
    let shown = tree_names(screen);
    names.iter().all(|name| shown.iter().any(|s| s == name))
}

/// The name the details pane shows: the selected node's.
pub fn selected_name(screen: &Screen) -> String {
    screen
        .rows(DETAILS_PANE)
        .iter()
        .map(|row| row.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .find_map(|row| row.strip_prefix("Name "))
        .map(|name| name.trim().to_string())
        .unwrap_or_default()
}

/// Moves the tree's selection to the row named `name`, counting rows from
/// the selected one, and waits for the details pane to show it.
pub fn select(console: &mut Pty, name: &str) {
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
