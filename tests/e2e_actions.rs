//! Actions end to end, as a person takes them: the built binary in a
//! pseudo-terminal on the demo organization, keys in, the screen read back.

mod common;

use common::console::{DETAILS_PANE, STATUS_LINE, selected_name, tree_names};
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
    // One match, selected by the filter itself.
    console.wait_for(
        &format!("{account} alone in the filtered tree, selected"),
        |screen| screen.row(0).contains("(1 found)") && selected_name(screen) == account,
    );
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
    assert!(
        lines.contains("\"caller\":\"arn:aws:sts::"),
        "the caller is recorded: {lines}"
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

#[test]
fn s_opens_a_shell_with_the_roles_credentials_and_the_console_comes_back() {
    let home = common::pty::Home::new();
    let script = home.path().join("show-aws.sh");
    let out = home.path().join("shell-saw.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"KEY=$AWS_ACCESS_KEY_ID SECRET=$AWS_SECRET_ACCESS_KEY \
             TOKEN=$AWS_SESSION_TOKEN REGION=$AWS_REGION PROFILE=${{AWS_PROFILE:-unset}}\" > {}\n",
            out.display()
        ),
    )
    .expect("the script is written");
    std::fs::set_permissions(
        &script,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("the script is executable");
    let shell = script.display().to_string();
    let mut console = Pty::spawn_in(
        home,
        &["--demo"],
        &[("SHELL", &shell), ("AWS_PROFILE", "x")],
    );
    console.wait_for("the demo, read in full", |screen| {
        tree_names(screen).contains(&"Security".to_string())
            && !screen.row(STATUS_LINE).contains("not read yet")
    });
    console.send("/");
    console.send("amara");
    console.send(ENTER);
    // The roles are read after the tree; once no job is in flight they are in.
    console.wait_for("every job done", |screen| {
        tree_names(screen)
            .iter()
            .any(|name| name.starts_with("sandbox-amar"))
            && !screen.row(STATUS_LINE).contains("job")
            && !screen.row(STATUS_LINE).contains("reading")
    });
    console.send("s");
    console.wait_for("the role picker", |screen| {
        screen.contains("Get into") && screen.contains("AdministratorAccess")
    });
    console.send("s");
    console.wait_for("the console back after the shell", |screen| {
        screen
            .row(STATUS_LINE)
            .contains("back from AdministratorAccess")
            && tree_names(screen)
                .iter()
                .any(|name| name.starts_with("sandbox-amar"))
    });

    let saw = std::fs::read_to_string(&out).expect("the shell ran");
    assert!(saw.starts_with("KEY=ASIADEMO"), "{saw}");
    assert!(
        saw.contains("SECRET=demo-secret-") && saw.contains("TOKEN=demo-session-token")
    );
    assert!(
        saw.contains("REGION=eu-west-1") && saw.contains("PROFILE=unset"),
        "{saw}"
    );
    console.send("q");
    assert!(console.wait_exit().success());

    // The secret reached the shell and nothing else: not the log, not the
    // journal, not a cache.
    for entry in walk(console.home().path()) {
        if entry == out || entry == script {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("demo-secret-"),
            "the secret is in {}",
            entry.display()
        );
    }
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files
}
