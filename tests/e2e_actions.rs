//! Actions end to end, as a person takes them: the built binary in a
//! pseudo-terminal on the demo organization, keys in, the screen read back.

mod common;

use common::console::{DETAILS_PANE, STATUS_LINE, select, tree_names};
use common::pty::Pty;
use common::pty::keys::{DOWN, ENTER};

/// The demo, filtered to one account and with it selected.
fn console_on(account: &str, args: &[&str]) -> Pty {
    let mut console = Pty::spawn(args, &[]);
    console.wait_for("the demo organization, read in full", |screen| {
        tree_names(screen).contains(&"Security".to_string())
            && !screen.row(STATUS_LINE).contains("not read yet")
    });
    console.send("/");
    console.send(account);
    console.send(ENTER);
    console.wait_for(&format!("{account} in the filtered tree"), |screen| {
        tree_names(screen).contains(&account.to_string())
    });
    select(&mut console, account);
    console
}

#[test]
fn moving_an_account_out_of_a_registered_ou_needs_its_id_typed_and_then_moves_it() {
    let mut console = console_on("prod-web", &["--demo"]);
    let id = shown_id(&console);
    console.send("m");
    console.wait_for("the destination picker", |screen| {
        screen.contains("Move prod-web to")
    });
    // Root, then Infrastructure: the second row of the picker.
    console.send(DOWN);
    console.send(ENTER);
    console.wait_for(
        "the confirm dialog with the call and the high risk",
        |screen| {
            screen.contains("aws organizations MoveAccount")
                && screen.contains("HIGH RISK")
                && screen.contains("Infrastructure")
        },
    );

    // y is text here, not a yes; a wrong id is refused.
    console.send("y");
    console.send(ENTER);
    console.wait_for("the wrong id refused", |screen| {
        screen
            .row(STATUS_LINE)
            .contains(&format!("that is not {id}"))
    });
    assert!(
        console.screen().contains("Confirm"),
        "the dialog stays open"
    );

    console.send("\x7f");
    console.send(&id);
    console.send(ENTER);
    console.wait_for("the account under Infrastructure", |screen| {
        let names = tree_names(screen);
        let infrastructure = names.iter().position(|n| n == "Infrastructure");
        let account = names.iter().position(|n| n == "prod-web");
        matches!((infrastructure, account), (Some(i), Some(a)) if a == i + 1)
            && screen.row(STATUS_LINE).contains("MoveAccount succeeded")
    });
    console.send("q");
    assert!(console.wait_exit().success());

    let journal = console.home().path().join("state/orgtop/journal.jsonl");
    let lines = std::fs::read_to_string(&journal).expect("the journal");
    let events: Vec<&str> = lines
        .lines()
        .map(|line| {
            if line.contains("\"started\"") {
                "started"
            } else {
                "finished"
            }
        })
        .collect();
    assert_eq!(events, ["started", "finished"], "{lines}");
    assert!(
        lines.contains("\"move_account\"") && lines.contains("succeeded"),
        "{lines}"
    );
}

/// The selected node's id, as the details pane shows it.
fn shown_id(console: &Pty) -> String {
    let screen = console.screen();
    screen
        .rows(DETAILS_PANE)
        .iter()
        .map(|row| {
            row.trim_matches(|c: char| c == '│' || c.is_whitespace())
                .to_string()
        })
        .find_map(|row| row.strip_prefix("Id ").map(|id| id.trim().to_string()))
        .expect("an Id line in the details pane")
}

#[test]
fn read_only_refuses_the_move_key_and_says_why() {
    let mut console = console_on("ci-cd", &["--demo", "--read-only"]);
    assert!(console.screen().row(STATUS_LINE).contains("READ-ONLY"));
    console.send("m");
    console.wait_for("the refusal", |screen| {
        screen.row(STATUS_LINE).contains("read-only: m is disabled")
    });
    assert!(
        !console.screen().contains("Move ci-cd to"),
        "no picker opened"
    );
    console.send("q");
    assert!(console.wait_exit().success());
}
