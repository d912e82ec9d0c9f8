//! How orgtop behaves towards the terminal itself, over SSH and in tmux:
//! quiet when idle, the clipboard through OSC 52, colours as the terminal
//! can take them.

mod common;

use std::thread;
use std::time::Duration;

use common::console::{STATUS_LINE, tree_names};
use common::pty::Pty;

fn demo(envs: &[(&str, &str)]) -> Pty {
    let console = Pty::spawn(&["--demo"], envs);
    console.wait_for("the demo, read in full", |screen| {
        tree_names(screen).contains(&"Security".to_string())
            && !screen.row(STATUS_LINE).contains("not read yet")
            && !screen.row(STATUS_LINE).contains("reading")
    });
    console
}

/// Waits until every job is done (the spinner has stopped), then a moment.
fn settle(console: &Pty) {
    console.wait_for("no job in flight", |screen| {
        !screen.row(STATUS_LINE).contains("jobs")
    });
    thread::sleep(Duration::from_millis(500));
}

#[test]
fn an_idle_console_writes_nothing_for_several_seconds() {
    let mut console = demo(&[]);
    settle(&console);
    let before = console.output().len();
    thread::sleep(Duration::from_secs(4));
    let written = console.output().len() - before;
    assert_eq!(written, 0, "an idle console wrote {written} bytes in 4 s");
    console.send("q");
    assert!(console.wait_exit().success());
}

#[test]
fn y_copies_the_selected_id_through_osc_52() {
    let mut console = demo(&[]);
    // The root is selected at start.
    console.send("y");
    console.wait_for("the copy confirmed", |screen| {
        screen.row(STATUS_LINE).contains("copied r-nw7k")
    });
    let output = String::from_utf8_lossy(&console.output()).to_string();
    // "r-nw7k" in base64.
    assert!(
        output.contains("\x1b]52;c;ci1udzdr\x07"),
        "no OSC 52 with the id"
    );
    console.send("q");
    assert!(console.wait_exit().success());
}
