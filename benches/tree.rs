//! What the tree costs as an organization grows: one frame of the main
//! screen, and one filter keystroke, for generated organizations of 100,
//! 5,000 and 50,000 accounts read through the demo provider.
//!
//! A frame draws only the rows that fit, so it should cost about the same at
//! every size; a filter keystroke visits every node, so it grows with the
//! organization but must stay well under one frame at 60 Hz (16.7 ms).
//!
//! Run with `cargo bench --bench tree`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use divan::{Bencher, black_box};
use orgtop::app::{App, Event, TreeView};
use orgtop::clock::FixedClock;
use orgtop::model::Org;
use orgtop::provider::demo::{self, DemoProvider};
use orgtop::ui::{self, Theme, UiState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Member accounts in the generated organizations.
const SIZES: [usize; 3] = [100, 5_000, 50_000];

/// Service control policies in the generated organizations, besides
/// `FullAWSAccess`: enough that every node shows a few.
const POLICIES: usize = 20;

/// The terminal the frames are drawn on: a roomy desktop window, wide enough
/// for every column of the tree pane.
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn main() {
    divan::main();
}

/// One frame of the main screen, the tree pane full of rows.
mod frame {
    use super::*;

    /// The selection on the first row.
    #[divan::bench(args = SIZES)]
    fn top(bencher: Bencher, accounts: usize) {
        let mut app = expanded(accounts);
        press(&mut app, KeyCode::Home);
        bench_frames(bencher, &app);
    }

    /// The selection on the last row, so the pane shows the end of the list.
    #[divan::bench(args = SIZES)]
    fn end(bencher: Bencher, accounts: usize) {
        let mut app = expanded(accounts);
        press(&mut app, KeyCode::End);
        bench_frames(bencher, &app);
    }

    /// A filter that every account matches, the selection on the last row:
    /// the most rows the tree can hold.
    #[divan::bench(args = SIZES)]
    fn filtered_to_every_account(bencher: Bencher, accounts: usize) {
        let mut app = console(accounts);
        type_filter(&mut app, "account");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::End);
        bench_frames(bencher, &app);
    }

    /// Draws `app` again and again on one terminal, as the console does.
    fn bench_frames(bencher: Bencher, app: &App) {
        let theme = Theme::default();
        let mut state = UiState::default();
        let backend = TestBackend::new(WIDTH, HEIGHT);
        let mut terminal = Terminal::new(backend).expect("a test terminal");
        bencher.bench_local(|| {
            terminal
                .draw(|frame| ui::draw(frame, black_box(app), &theme, &mut state))
                .map(|completed| black_box(completed.area))
                .expect("a frame")
        });
    }
}

/// One more character typed into the filter: the tree's rows are laid out
/// again over the whole organization.
mod filter_keystroke {
    use super::*;

    /// "account-00004": ten accounts at every size.
    #[divan::bench(args = SIZES)]
    fn few_matches(bencher: Bencher, accounts: usize) {
        bench_keystroke(bencher, accounts, "account-00004");
    }

    /// "team": one organizational unit for every 25 accounts.
    #[divan::bench(args = SIZES)]
    fn some_matches(bencher: Bencher, accounts: usize) {
        bench_keystroke(bencher, accounts, "team");
    }

    /// "account": every account, so every account becomes a row.
    #[divan::bench(args = SIZES)]
    fn every_account(bencher: Bencher, accounts: usize) {
        bench_keystroke(bencher, accounts, "account");
    }

    /// Types all of `needle` but its last character, then times that last
    /// keystroke.
    fn bench_keystroke(bencher: Bencher, accounts: usize, needle: &str) {
        let (typed, last) = needle.split_at(needle.len() - 1);
        let last = last.chars().next().expect("a needle of ASCII letters");
        let mut app = console(accounts);
        type_filter(&mut app, typed);
        let before = Before {
            tree: app.tree.clone(),
            filter_input: app.filter_input.clone(),
        };

        // Each keystroke starts from the state before it. Swapping that state
        // in costs a few nanoseconds, and the state the keystroke leaves
        // behind is swapped out into the input, to be dropped untimed.
        bencher
            .with_inputs(|| before.clone())
            .bench_local_refs(|before| {
                std::mem::swap(&mut app.tree, &mut before.tree);
                std::mem::swap(&mut app.filter_input, &mut before.filter_input);
                app.update(Event::Key(key(KeyCode::Char(last))))
            });
    }

    /// The part of the console a filter keystroke changes.
    #[derive(Clone)]
    struct Before {
        tree: TreeView,
        filter_input: Option<String>,
    }
}

/// The console showing a generated organization of `accounts` accounts,
/// the root expanded and the selection on it.
fn console(accounts: usize) -> App {
    let read_at = read_at();
    let clock = Arc::new(FixedClock::new(read_at));
    let mut app = App::new("demo".into(), clock);
    app.show(organization(accounts), read_at);
    app
}

/// The console with enough of the tree expanded to fill the pane twice over:
/// walking down from the root, → opens each organizational unit it meets
/// (or steps into one already open), ↓ steps past accounts.
fn expanded(accounts: usize) -> App {
    let mut app = console(accounts);
    let wanted = 2 * usize::from(HEIGHT);
    while app.tree.rows().len() < wanted {
        let before = (app.tree.rows().len(), app.tree.selected_row());
        press(&mut app, KeyCode::Right);
        if (app.tree.rows().len(), app.tree.selected_row()) != before {
            continue;
        }
        press(&mut app, KeyCode::Down);
        if app.tree.selected_row() == before.1 {
            break;
        }
    }
    app
}

/// Opens the filter and types `text` into it, one key at a time.
fn type_filter(app: &mut App, text: &str) {
    press(app, KeyCode::Char('/'));
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(key(code)));
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A generated organization of `accounts` accounts, crawled through the
/// demo provider once per size and copied for each benchmark after that:
/// the crawl of 50,000 accounts takes far longer than any benchmark here.
fn organization(accounts: usize) -> Org {
    static CRAWLED: OnceLock<Mutex<HashMap<usize, Org>>> = OnceLock::new();
    let mut crawled = CRAWLED
        .get_or_init(Mutex::default)
        .lock()
        .expect("no benchmark panicked while crawling");
    crawled
        .entry(accounts)
        .or_insert_with(|| crawl(accounts))
        .clone()
}

fn crawl(accounts: usize) -> Org {
    let provider = DemoProvider::new(demo::generated(accounts, POLICIES), Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let org = runtime
        .block_on(orgtop::crawl::load(&provider))
        .expect("the demo organization can be read");
    assert_eq!(
        org.account_count(),
        accounts + 1,
        "members and the management account"
    );
    org
}

/// When the organization was read; the clock stands still there.
fn read_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .expect("a valid date")
}
