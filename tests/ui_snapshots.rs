//! The console's screens, drawn on ratatui's TestBackend and compared with
//! the snapshots under tests/snapshots. `cargo insta review` shows a change.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orgtop::app::{App, Effect, Event};
use orgtop::clock::{Clock, FixedClock};
use orgtop::crawl;
use orgtop::provider::Provider;
use orgtop::provider::demo::DemoProvider;
use orgtop::ui::{self, Theme, UiState};
use orgtop::worker::{Job, WorkerEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The console on the demo organization, read an hour before "now".
fn demo_app() -> App {
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let org = runtime.block_on(crawl::load(&demo)).unwrap();
    let control_tower = runtime.block_on(crawl::control_tower::read(&demo));
    // The drift was first seen two days before "now".
    let clock = FixedClock::new(now - chrono::Duration::days(2));
    let mut app = App::new("demo".into(), Arc::new(clock.clone()));
    app.show(org, now - chrono::Duration::hours(1));
    app.drift.control_tower = Some(control_tower);
    let evaluated = app.drift.evaluate(&app.org, clock.now());
    assert!(evaluated);
    clock.set(now);
    let demo = demo.with_clock(Arc::new(clock));
    let plan = app.cost.plan(now.date_naive(), now);
    let read = runtime
        .block_on(crawl::costs::read(
            &demo,
            &plan,
            None,
            &[],
            now.date_naive(),
            now,
        ))
        .unwrap();
    app.show_cached_costs(read.data);
    app
}

/// Presses each key and, as the runtime would, runs the tag and service
/// cost fetches the app asks for against the demo, so the panes show them.
fn press(app: &mut App, codes: &[KeyCode]) {
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    let demo = DemoProvider::northwind(Duration::ZERO)
        .unwrap()
        .with_clock(Arc::new(FixedClock::new(now)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for &code in codes {
        let effects = app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        for effect in effects {
            match effect {
                Effect::Run(Job::ListTags { resource_id }) => {
                    let result = runtime
                        .block_on(demo.list_tags_for_resource(&resource_id, None))
                        .map(|page| page.items);
                    app.update(Event::Worker(WorkerEvent::TagsListed {
                        resource_id,
                        result,
                    }));
                }
                Effect::Run(Job::ReadServiceCosts { account_id, period }) => {
                    let result = runtime
                        .block_on(demo.get_cost_by_service(&account_id, &period, None))
                        .map(|page| page.items);
                    let event = WorkerEvent::ServiceCostsRead { account_id, result };
                    app.update(Event::Worker(event));
                }
                _ => {}
            }
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, &[KeyCode::Char(c)]);
    }
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut state = UiState::default();
    terminal
        .draw(|frame| ui::draw(frame, app, &Theme::default(), &mut state))
        .unwrap();
    app.tree.page_height = state.tree_height;
    terminal.backend().to_string()
}

/// Security expanded, Log Archive selected.
fn log_archive_selected() -> App {
    let mut app = demo_app();
    press(
        &mut app,
        &[KeyCode::Down, KeyCode::Down, KeyCode::Down, KeyCode::Enter],
    );
    press(&mut app, &[KeyCode::Down, KeyCode::Down]);
    app
}

#[test]
fn main_screen_at_120_by_40() {
    let mut app = log_archive_selected();
    insta::assert_snapshot!(render(&mut app, 120, 40));
}

#[test]
fn main_screen_at_80_by_24() {
    let mut app = log_archive_selected();
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = demo_app();
    press(&mut app, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn filtered_tree_keeps_parents_of_matches() {
    let mut app = demo_app();
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "staging");
    press(&mut app, &[KeyCode::Enter]);
    insta::assert_snapshot!(render(&mut app, 100, 30));
}

#[test]
fn zoomed_details_pane() {
    let mut app = log_archive_selected();
    press(&mut app, &[KeyCode::Tab, KeyCode::Char('z')]);
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn account_with_tags_found_through_the_filter() {
    let mut app = demo_app();
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "legacy");
    press(&mut app, &[KeyCode::Enter, KeyCode::Esc]);
    insta::assert_snapshot!(render(&mut app, 120, 40));
}

#[test]
fn drift_pane_zoomed_on_the_whole_organization() {
    let mut app = demo_app();
    press(
        &mut app,
        &[
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::Down,
            KeyCode::Char('z'),
        ],
    );
    insta::assert_snapshot!(render(&mut app, 100, 30));
}

#[test]
fn drift_pane_beside_the_tree_at_80_by_24() {
    let mut app = demo_app();
    press(
        &mut app,
        &[KeyCode::Down, KeyCode::Down, KeyCode::Down, KeyCode::Down],
    );
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn cost_pane_for_the_whole_organization() {
    let mut app = demo_app();
    press(
        &mut app,
        &[
            KeyCode::Char('c'),
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::Char('z'),
        ],
    );
    insta::assert_snapshot!(render(&mut app, 100, 36));
}

#[test]
fn cost_by_service_of_the_legacy_production_account() {
    let mut app = demo_app();
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "legacy");
    press(
        &mut app,
        &[KeyCode::Enter, KeyCode::Esc, KeyCode::Char('c')],
    );
    press(
        &mut app,
        &[
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::Char('b'),
            KeyCode::Char('z'),
        ],
    );
    insta::assert_snapshot!(render(&mut app, 100, 36));
}

#[test]
fn the_command_line_shows_what_is_typed_and_the_choices() {
    let mut app = demo_app();
    press(&mut app, &[KeyCode::Char(':')]);
    type_text(&mut app, "t");
    press(&mut app, &[KeyCode::Tab]);
    let screen = render(&mut app, 80, 24);
    let status = screen.lines().last().unwrap_or_default().to_string();
    assert!(
        status.contains(":t") && status.contains("tree") && status.contains("theme"),
        "{status}"
    );
}
