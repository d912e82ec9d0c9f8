//! The main screen in each bundled theme, drawn on ratatui's TestBackend.
//! The backend's text shows no styles, so each snapshot lists, under every
//! row, the runs of cells that share a style: `start..end fg/bg attributes`
//! (`-` for the terminal's own colour; b bold, d dim, u underline, r
//! reversed). `cargo insta review` shows a change.

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orgtop::app::{App, Effect, Event};
use orgtop::clock::{Clock, FixedClock};
use orgtop::crawl;
use orgtop::provider::Provider;
use orgtop::provider::demo::DemoProvider;
use orgtop::ui::theme::{Capabilities, ColourDepth};
use orgtop::ui::{self, Theme, UiState};
use orgtop::worker::{Job, WorkerEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

/// The demo organization with its drift evaluated and its costs read, an
/// hour after the tree was read; Log Archive selected in the tree.
fn demo_app() -> App {
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    let demo = DemoProvider::northwind(Duration::ZERO).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let org = runtime.block_on(crawl::load(&demo)).unwrap();
    let control_tower = runtime.block_on(crawl::control_tower::read(&demo));
    let clock = FixedClock::new(now - chrono::Duration::days(2));
    let mut app = App::new("demo".into(), Arc::new(clock.clone()));
    app.show(org, now - chrono::Duration::hours(1));
    app.drift.control_tower = Some(control_tower);
    assert!(app.drift.evaluate(&app.org, clock.now()));
    clock.set(now);
    let demo = demo.with_clock(Arc::new(clock));
    let plan = app.cost.plan(now.date_naive(), now);
    let costs = crawl::costs::read(&demo, &plan, None, &[], now.date_naive(), now);
    app.show_cached_costs(runtime.block_on(costs).unwrap().data);

    let keys = [
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Down,
        KeyCode::Down,
    ];
    for code in keys {
        press(&mut app, &demo, &runtime, code);
    }
    app
}

/// Presses `code` and, as the runtime would, lists the tags the details
/// pane asks for.
fn press(
    app: &mut App,
    demo: &DemoProvider,
    runtime: &tokio::runtime::Runtime,
    code: KeyCode,
) {
    let effects = app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    for effect in effects {
        if let Effect::Run(Job::ListTags { resource_id }) = effect {
            let result = runtime
                .block_on(demo.list_tags_for_resource(&resource_id, None))
                .map(|page| page.items);
            app.update(Event::Worker(WorkerEvent::TagsListed {
                resource_id,
                result,
            }));
        }
    }
}

/// The main screen at 120 by 40 in `theme`: its text, then its styles.
fn render(theme: &Theme) -> String {
    let mut app = demo_app();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut state = UiState::default();
    terminal
        .draw(|frame| ui::draw(frame, &app, theme, &mut state))
        .unwrap();
    app.tree.page_height = state.tree_height;
    styled(terminal.backend().buffer())
}

/// Each row's text, and under it the runs of styled cells.
fn styled(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let cells: Vec<&Cell> = (0..buffer.area.width).map(|x| &buffer[(x, y)]).collect();
        let text: String = cells.iter().map(|cell| cell.symbol()).collect();
        writeln!(out, "{y:>2} {}", text.trim_end()).unwrap();
        let runs = runs(&cells);
        if !runs.is_empty() {
            writeln!(out, "   {}", runs.join("; ")).unwrap();
        }
    }
    out
}

/// The runs of cells that share a style other than the terminal's own.
fn runs(cells: &[&Cell]) -> Vec<String> {
    let mut runs = Vec::new();
    let mut start = 0;
    for end in 1..=cells.len() {
        if end < cells.len() && style_of(cells[end]) == style_of(cells[start]) {
            continue;
        }
        let style = style_of(cells[start]);
        if style != "-/-" {
            runs.push(format!("{start}..{end} {style}"));
        }
        start = end;
    }
    runs
}

fn style_of(cell: &Cell) -> String {
    let colour = |colour: Color| match colour {
        Color::Reset => "-".to_string(),
        other => other.to_string(),
    };
    let letters = [
        (Modifier::BOLD, 'b'),
        (Modifier::DIM, 'd'),
        (Modifier::ITALIC, 'i'),
        (Modifier::UNDERLINED, 'u'),
        (Modifier::REVERSED, 'r'),
        (Modifier::CROSSED_OUT, 'x'),
    ];
    let attributes: String = letters
        .iter()
        .filter(|(modifier, _)| cell.modifier.contains(*modifier))
        .map(|(_, letter)| *letter)
        .collect();
    let style = format!("{}/{}", colour(cell.fg), colour(cell.bg));
    if attributes.is_empty() {
        style
    } else {
        format!("{style} {attributes}")
    }
}

fn bundled(name: &str) -> Theme {
    Theme::bundled(name).unwrap()
}

#[test]
fn main_screen_in_the_dark_theme() {
    insta::assert_snapshot!(render(&bundled("dark")));
}

#[test]
fn main_screen_in_the_light_theme() {
    insta::assert_snapshot!(render(&bundled("light")));
}

#[test]
fn main_screen_in_the_high_contrast_theme() {
    insta::assert_snapshot!(render(&bundled("high-contrast")));
}

#[test]
fn main_screen_in_the_monochrome_theme() {
    insta::assert_snapshot!(render(&bundled("monochrome")));
}

#[test]
fn main_screen_in_the_light_theme_on_a_256_colour_terminal() {
    let capabilities = Capabilities {
        depth: ColourDepth::Indexed256,
    };
    insta::assert_snapshot!(render(&bundled("light").for_terminal(capabilities)));
}

#[test]
fn main_screen_in_the_dark_theme_with_no_color() {
    let capabilities = Capabilities {
        depth: ColourDepth::None,
    };
    insta::assert_snapshot!(render(&bundled("dark").for_terminal(capabilities)));
}
