//! The interactive runtime: owns the terminal, waits on keys, worker results
//! and timers in one select, feeds them to the app, runs the app's effects,
//! and draws when something changed — never on a fixed timer, so an idle
//! console over a slow link sends next to nothing. The terminal is restored
//! on every exit, a panic and Ctrl-Z included.

use std::io::{Stdout, Write, stdout};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use color_eyre::eyre::Result;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream, KeyCode,
    KeyEventKind, KeyModifiers, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::{App, CostOptions, DriftView, Effect, Event};
use crate::cache;
use crate::clock::SharedClock;
use crate::config::Dirs;
use crate::provider::Provider;
use crate::provider::aws::{AwsProvider, AwsSettings, CredentialsProblem};
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
    /// Where files that outlive the console go; none in tests.
    pub dirs: Option<Dirs>,
    /// How many SCPs a root, OU or account may have attached.
    pub scp_limit: usize,
    pub cost_options: CostOptions,
    /// Whether actions are disabled.
    pub read_only: bool,
    pub theme: Theme,
    /// Names `:theme` offers.
    pub theme_names: Vec<String>,
    /// Loads a theme by name or path for `:theme`.
    pub load_theme: fn(&str) -> std::result::Result<Theme, String>,
    /// The AWS settings `:profile` starts from; none on the demo.
    pub aws: Option<AwsSettings>,
    /// Whether clicks and the wheel are read (they break text selection).
    pub mouse: bool,
    /// Re-read the organization and drift this often; never costs.
    pub watch: Option<Duration>,
    /// Which accounts and roles the person may use, and their credentials.
    pub access: Option<Arc<dyn crate::provider::access::Access>>,
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

impl Files {
    /// The files of `source` under `dirs`.
    pub fn for_source(dirs: &Dirs, source: &str) -> Self {
        Self {
            tree_cache: Some(cache::tree_path(&dirs.cache, source)),
            drift_memory: Some(store::file_for(&dirs.state, "drift", source)),
            costs: Some(store::file_for(&dirs.cache, "costs", source)),
            journal: Some(crate::journal::file_in(&dirs.state)),
        }
    }
}

/// How one source's run ended.
enum Next {
    Quit,
    /// Show another organization.
    Switch(Arc<dyn Provider>),
}

/// Runs the console until the person quits.
pub async fn run(mut session: Session) -> Result<()> {
    install_panic_hook(session.mouse);
    let mut terminal = match enter(session.mouse) {
        Ok(terminal) => terminal,
        Err(error) => {
            let _ = leave(session.mouse);
            return Err(error);
        }
    };
    let mut provider = Arc::clone(&session.provider);
    let outcome = loop {
        match run_source(&mut terminal, &mut session, Arc::clone(&provider)).await {
            Ok(Next::Quit) => break Ok(()),
            Ok(Next::Switch(next)) => provider = next,
            Err(error) => break Err(error),
        }
    };
    leave(session.mouse)?;
    outcome
}

/// Runs the console on one source until the person quits or switches.
async fn run_source(
    terminal: &mut Term,
    session: &mut Session,
    provider: Arc<dyn Provider>,
) -> Result<Next> {
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let source = provider.source();
    let files = session
        .dirs
        .as_ref()
        .map(|d| Files::for_source(d, &source))
        .unwrap_or_default();
    let mut pool = WorkerPool::new(provider, session.limits, events_tx);
    if let Some(path) = &files.journal {
        pool = pool.with_journal(crate::journal::Journal::open(path.clone()));
    }
    if let Some(access) = &session.access {
        pool = pool.with_access(Arc::clone(access));
    }
    let mut app = new_app(session, source, &files);
    let outcome =
        event_loop(terminal, &mut app, &pool, &mut events_rx, &files, session).await;
    pool.shutdown().await;
    outcome
}

/// The app for one source, with what earlier runs left.
fn new_app(session: &Session, source: String, files: &Files) -> App {
    let mut app = App::new(source.clone(), Arc::clone(&session.clock));
    if let Some((org, read_at)) = files
        .tree_cache
        .as_deref()
        .and_then(|path| cache::load_tree(path, &source))
    {
        app.show_cached(org, read_at);
    }
    let (memory, note) = match files.drift_memory.as_deref() {
        Some(path) => store::read_json_keeping_damaged(path),
        None => (None, None),
    };
    app.drift = DriftView::new(memory.unwrap_or_default(), session.scp_limit);
    app.message = note;
    app.cost.options = session.cost_options.clone();
    app.read_only = session.read_only;
    app.theme_names = session.theme_names.clone();
    app.profile_names = aws_profile_names();
    if let Some(costs) = files.costs.as_deref().and_then(store::read_json) {
        app.show_cached_costs(costs);
    }
    app
}

async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    pool: &WorkerPool,
    events_rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    files: &Files,
    session: &mut Session,
) -> Result<Next> {
    let mut ui_state = UiState::default();
    let mut keys = EventStream::new();
    let mut spin = tokio::time::interval(SPIN);
    let mut minute = tokio::time::interval(AGE);
    let watch_every = session.watch.unwrap_or(Duration::from_secs(3600));
    let mut watch =
        tokio::time::interval_at(tokio::time::Instant::now() + watch_every, watch_every);
    let mut pending = app.start();
    let mut dirty = true;

    loop {
        for effect in std::mem::take(&mut pending) {
            match effect {
                Effect::Quit => return Ok(Next::Quit),
                Effect::Run(job) => pool.spawn(job),
                Effect::SaveTree => save_tree(app, files.tree_cache.as_ref()),
                Effect::SaveDriftMemory => {
                    save_drift_memory(app, files.drift_memory.as_ref())
                }
                Effect::SaveCosts => save_costs(app, files.costs.as_ref()),
                Effect::Copy(text) => copy(&text),
                Effect::SetTheme(name) => match (session.load_theme)(&name) {
                    Ok(theme) => session.theme = theme,
                    Err(error) => app.message = Some(error),
                },
                Effect::Shell {
                    credentials,
                    region,
                } => {
                    shell(terminal, session.mouse, &credentials, region.as_deref())
                        .await?;
                }
                Effect::SwitchProfile(name) => match switch_profile(session, &name).await
                {
                    Ok(provider) => return Ok(Next::Switch(provider)),
                    Err(error) => app.message = Some(error),
                },
            }
        }
        if dirty {
            let theme = &session.theme;
            terminal.draw(|frame| ui::draw(frame, app, theme, &mut ui_state))?;
            app.tree.page_height = ui_state.tree_height;
            dirty = false;
        }
        let busy = app.jobs_in_flight() > 0;
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) if is_suspend(&key) => {
                    suspend(terminal, session.mouse)?;
                    Event::Resize
                }
                Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => Event::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Event::Resize,
                Some(Ok(TermEvent::Mouse(mouse))) if session.mouse => match mouse.kind {
                    MouseEventKind::Down(_) => match ui_state.tree_row_at(mouse.column, mouse.row) {
                        Some(row) => Event::Click { row },
                        None => continue,
                    },
                    MouseEventKind::ScrollUp => Event::Scroll(-3),
                    MouseEventKind::ScrollDown => Event::Scroll(3),
                    _ => continue,
                },
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(Next::Quit),
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
            _ = watch.tick(), if session.watch.is_some() => Event::Watch,
        };
        pending.extend(app.update(event));
        dirty = true;
    }
}

fn is_suspend(key: &crossterm::event::KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('z')
}

/// Ctrl-Z: gives the terminal back to the shell and stops; `fg` resumes
/// here, and the screen is drawn again whole.
fn suspend(terminal: &mut Term, mouse: bool) -> Result<()> {
    leave(mouse)?;
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    if mouse {
        execute!(stdout(), EnableMouseCapture)?;
    }
    // A fresh terminal has no previous frame, so the next draw paints every
    // cell. Terminal::clear would ask for the cursor position, whose answer
    // the key reader would swallow.
    *terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.hide_cursor()?;
    Ok(())
}

/// Suspends the console for the person's `$SHELL` with the role's
/// credentials in its environment and `AWS_PROFILE` removed, and comes back
/// exactly where it was when the shell exits. The credentials live only in
/// that process's environment.
async fn shell(
    terminal: &mut Term,
    mouse: bool,
    credentials: &crate::model::access::RoleCredentials,
    region: Option<&str>,
) -> Result<()> {
    leave(mouse)?;
    let program = std::env::var("SHELL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or("/bin/sh".into());
    let mut command = tokio::process::Command::new(&program);
    command
        .env("AWS_ACCESS_KEY_ID", &credentials.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key)
        .env("AWS_SESSION_TOKEN", &credentials.session_token)
        .env_remove("AWS_PROFILE");
    if let Some(region) = region {
        command.env("AWS_REGION", region);
    }
    if let Err(error) = command.status().await {
        tracing::warn!(%program, %error, "the subshell did not start");
    }
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    if mouse {
        execute!(stdout(), EnableMouseCapture)?;
    }
    // A fresh terminal has no previous frame, so the next draw paints every
    // cell. Terminal::clear would ask for the cursor position, whose answer
    // the key reader would swallow.
    *terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.hide_cursor()?;
    Ok(())
}

/// Puts `text` on the clipboard with OSC 52, which the terminal carries out:
/// it works over SSH and, with `set-clipboard on`, inside tmux.
fn copy(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// A provider for the profile `name`, if its credentials can be had.
async fn switch_profile(
    session: &Session,
    name: &str,
) -> std::result::Result<Arc<dyn Provider>, String> {
    let Some(base) = &session.aws else {
        return Err("the demo has no profiles: start orgtop without --demo".into());
    };
    let settings = AwsSettings {
        profile: Some(name.to_string()),
        ..base.clone()
    };
    let provider = AwsProvider::connect(&settings).await;
    match provider.check_credentials().await {
        Ok(()) => Ok(Arc::new(provider)),
        Err(CredentialsProblem::NotFound) => {
            Err(format!("profile {name}: no credentials found"))
        }
        Err(CredentialsProblem::Failed(reason)) => Err(reason),
    }
}

/// The profile names in the AWS config file, for `:profile` completion.
fn aws_profile_names() -> Vec<String> {
    let path = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".aws/config"))
        });
    let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            line.trim()
                .strip_prefix('[')?
                .strip_suffix(']')
                .map(str::trim)
        })
        .filter_map(|section| match section {
            "default" => Some("default".to_string()),
            other => other
                .strip_prefix("profile ")
                .map(|name| name.trim().to_string()),
        })
        .collect()
}

/// Writes the cache off the UI thread; a failure costs only the warm start.
fn save_tree(app: &App, path: Option<&PathBuf>) {
    let (Some(path), Some(read_at)) = (path.cloned(), app.last_refresh) else {
        return;
    };
    let org = app.org.clone();
    let source = app.source.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = cache::store_tree(&path, &source, (*org).clone(), read_at) {
            tracing::warn!(path = %path.display(), %error, "could not keep the cache");
        }
    });
}

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

/// Takes over the terminal. The screen is cleared by an escape sequence
/// rather than `Terminal::clear`, which asks the terminal for the cursor
/// position and waits for an answer a slow link or a bare terminal may
/// never send.
fn enter(mouse: bool) -> Result<Term> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    if mouse {
        execute!(stdout(), EnableMouseCapture)?;
    }
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.hide_cursor()?;
    Ok(terminal)
}

fn leave(mouse: bool) -> Result<()> {
    if mouse {
        execute!(stdout(), DisableMouseCapture)?;
    }
    disable_raw_mode()?;
    execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show)?;
    Ok(())
}

/// Restores the terminal before a panic's report prints, so the report is
/// readable and the shell usable.
fn install_panic_hook(mouse: bool) {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    let _ = eyre_hook.install();
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = leave(mouse);
        panic_hook(info);
    }));
}
