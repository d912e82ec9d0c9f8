//! The console end to end, as a person meets it: the built binary in a real
//! pseudo-terminal of 80×24 on the demo organization, read back as a grid.

mod common;

use common::console::{
    DETAILS_PANE, STATUS_LINE, TREE_PANE, select, selected_name, tree_names,
};
use common::pty::Pty;
use common::pty::keys::{ENTER, RIGHT};

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
