//! The interactive runtime: owns the terminal, waits on keys, worker results
//! and timers in one select, feeds them to the app, runs the app's effects,
//! and draws when something changed. The terminal is restored on every exit,
//! a panic included.

use std::io::{Stdout, stdout};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::Result;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::{App, Effect, Event};
use crate::app::{CostOptions, DriftView};
use crate::cache;
use crate::clock::SharedClock;
use crate::provider::Provider;
use crate::store;
use crate::ui::{self, Theme, UiState};
use crate::worker::{Limits, WorkerEvent, WorkerPool};

/// How often the spinner turns while jobs run.
const SPIN: Duration = Duration::from_millis(120);
/// Ages on screen are shown to the minute; an idle console redraws this often.
const AGE: Duration = Duration::from_secs(60);

type Term = Terminal<CrosstermBackend<Stdout>>;

/// What the console runs on.
pub struct Session {
    pub provider: Arc<dyn Provider>,
    pub limits: Limits,
    pub clock: SharedClock,
    pub files: Files,
    /// How many SCPs a root, OU or account may have attached.
    pub scp_limit: usize,
    pub cost_options: CostOptions,
    /// Whether actions are disabled.
    pub read_only: bool,
}

/// Where the console keeps what outlives it, if anywhere.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// The warm-start cache of this source's tree.
    pub tree_cache: Option<PathBuf>,
    /// What the drift engine remembers: first-seen times, SCP digests.
    pub drift_memory: Option<PathBuf>,
    /// The costs last read, shared with `orgtop cost`.
    pub costs: Option<PathBuf>,
    /// Where confirmed actions are recorded.
    pub journal: Option<PathBuf>,
}

/// Runs the console until the person quits.
pub async fn run(session: Session) -> Result<()> {
    install_panic_hook();
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let source = session.provider.source();
    let mut pool =
        WorkerPool::new(Arc::clone(&session.provider), session.limits, events_tx);
    if let Some(path) = &session.files.journal {
        pool = pool.with_journal(crate::journal::Journal::open(path.clone()));
    }
    let mut app = App::new(source.clone(), session.clock);
    let files = session.files;
    if let Some((org, read_at)) = files
        .tree_cache
        .as_deref()
        .and_then(|path| cache::load_tree(path, &source))
    {
        app.show_cached(org, read_at);
    }
    let memory = files.drift_memory.as_deref().and_then(store::read_json);
    app.drift = DriftView::new(memory.unwrap_or_default(), session.scp_limit);
    app.cost.options = session.cost_options;
    app.read_only = session.read_only;
    if let Some(costs) = files.costs.as_deref().and_then(store::read_json) {
        app.show_cached_costs(costs);
    }
    let mut terminal = match enter() {
        Ok(terminal) => terminal,
        Err(error) => {
            let _ = leave();
            return Err(error);
        }
    };
    let outcome =
        event_loop(&mut terminal, &mut app, &pool, &mut events_rx, &files).await;
    pool.shutdown().await;
    leave()?;
    outcome
}

async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    pool: &WorkerPool,
    events_rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    files: &Files,
) -> Result<()> {
    let theme = Theme::default();
    let mut ui_state = UiState::default();
    let mut keys = EventStream::new();
    let mut spin = tokio::time::interval(SPIN);
    let mut minute = tokio::time::interval(AGE);
    let mut pending = app.start();
    let mut dirty = true;

    loop {
        for effect in pending.drain(..) {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Run(job) => pool.spawn(job),
                Effect::SaveTree => save_tree(app, files.tree_cache.as_ref()),
                Effect::SaveDriftMemory => {
                    save_drift_memory(app, files.drift_memory.as_ref())
                }
                Effect::SaveCosts => save_costs(app, files.costs.as_ref()),
            }
        }
        if dirty {
            terminal.draw(|frame| ui::draw(frame, app, &theme, &mut ui_state))?;
            app.tree.page_height = ui_state.tree_height;
            dirty = false;
        }
        let busy = app.jobs_in_flight() > 0;
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => Event::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Event::Resize,
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(()),
            },
            Some(result) = events_rx.recv() => {
                // Apply everything that is waiting before drawing once.
                pending.extend(app.update(Event::Worker(result)));
                while let Ok(more) = events_rx.try_recv() {
                    pending.extend(app.update(Event::Worker(more)));
                }
                dirty = true;
                continue;
            }
            _ = spin.tick(), if busy => Event::Tick,
            _ = minute.tick() => Event::Tick,
        };
        pending.extend(app.update(event));
        dirty = true;
    }
}

/// Writes the cache off the UI thread; a failure costs only the warm start.
fn save_tree(app: &App, path: Option<&PathBuf>) {
    let (Some(path), Some(read_at)) = (path.cloned(), app.last_refresh) else {
        return;
    };
    let org = app.org.clone();
    let source = app.source.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = cache::store_tree(&path, &source, org, read_at) {
            tracing::warn!(path = %path.display(), %error, "could not keep the cache");
        }
    });
}

/// Takes over the terminal. The screen is cleared by an escape sequence
/// rather than `Terminal::clear`, which asks the terminal for the cursor
/// position and waits for an answer a slow link or a bare terminal may
/// never send.
/// Writes what the drift engine remembers; a failure costs only the
/// first-seen times.
fn save_drift_memory(app: &App, path: Option<&PathBuf>) {
    let Some(path) = path.cloned() else { return };
    let memory = app.drift.memory.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = store::write_json(&path, &memory) {
            tracing::warn!(path = %path.display(), %error, "could not keep the drift memory");
        }
    });
}

/// Writes the costs just read for the next start and `orgtop cost`.
fn save_costs(app: &App, path: Option<&PathBuf>) {
    let (Some(path), Some(data)) = (path.cloned(), app.cost.data.clone()) else {
        return;
    };
    tokio::task::spawn_blocking(move || {
        if let Err(error) = store::write_json(&path, &data) {
            tracing::warn!(path = %path.display(), %error, "could not keep the costs");
        }
    });
}

fn enter() -> Result<Term> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.hide_cursor()?;
    Ok(terminal)
}

fn leave() -> Result<()> {
    disable_raw_mode()?;
    execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show)?;
    Ok(())
}

/// Restores the terminal before a panic's report prints, so the report is
/// readable and the shell usable.
fn install_panic_hook() {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    let _ = eyre_hook.install();
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = leave();
        panic_hook(info);
    }));
}
