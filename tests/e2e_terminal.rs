//! How orgtop behaves towards the terminal itself, over SSH and in tmux:
//! quiet when idle, the clipboard through OSC 52, colours as the terminal
//! can take them.

mod common;

use std::thread;
use std::time::Duration;

use common::console::{STATUS_LINE, tree_names};
use common::pty::Pty;

fn demo(envs: &[(&str, &str)]) -> Pty {
    demo_with(&["--demo"], envs)
}

fn demo_with(args: &[&str], envs: &[(&str, &str)]) -> Pty {
    let console = Pty::spawn(args, envs);
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

/// Whether `output` holds an SGR sequence that sets a colour: 30–37,
/// 38;…, 39–47, 48;…, 90–97 or 100–107 among its parameters.
fn sets_colour(output: &str) -> bool {
    output.split("\x1b[").skip(1).any(|rest| {
        let Some(end) = rest.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            return false;
        };
        if !rest[end..].starts_with('m') {
            return false;
        }
        rest[..end].split(';').any(|p| {
            matches!(
                p.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        })
    })
}

#[test]
fn no_color_sends_no_colour_and_still_marks_the_selection() {
    let mut console = demo(&[("NO_COLOR", "1")]);
    let output = String::from_utf8_lossy(&console.output()).to_string();
    assert!(
        !sets_colour(&output),
        "a colour escape was sent with NO_COLOR set"
    );
    let screen = console.screen();
    assert!(
        screen
            .rows(common::console::TREE_PANE)
            .iter()
            .any(|row| row.contains('›')),
        "the selection is marked without colour"
    );
    console.send("q");
    assert!(console.wait_exit().success());
}

#[test]
fn a_256_colour_terminal_without_colorterm_gets_no_true_colour() {
    // The PTY's TERM is xterm-256color and COLORTERM is unset; the light
    // theme is written in #rrggbb.
    let mut console = demo_with(&["--demo", "--theme", "light"], &[]);
    let output = String::from_utf8_lossy(&console.output()).to_string();
    assert!(sets_colour(&output), "colours are drawn at all");
    assert!(
        !output.contains("38;2;") && !output.contains("48;2;"),
        "a true-colour escape"
    );
    console.send("q");
    assert!(console.wait_exit().success());
}
