//! Runs the orgtop binary in a real pseudo-terminal and reads its screen as
//! a grid, through a VT parser, the way a person sees it.
//!
//! Tests wait for screens rather than sleep: a wait polls the screen until
//! it shows what the test expects, and fails with the whole screen when a
//! generous deadline passes, so a slow machine only makes a test slower.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{
    Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system,
};
use tempfile::TempDir;

/// Rows of the pseudo-terminal: the smallest size orgtop is usable in.
pub const ROWS: u16 = 24;
/// Columns of the pseudo-terminal.
pub const COLUMNS: u16 = 80;

/// How long a wait lasts before it fails. A wait ends as soon as the screen
/// is right, so only a broken run waits this long.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How often a wait looks at the screen again.
const POLL: Duration = Duration::from_millis(20);

/// Keys as a terminal sends them to the program.
pub mod keys {
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const ENTER: &str = "\r";
    /// Esc reads as Alt with the next key when both arrive together: send
    /// it alone, and wait for what it does before sending more.
    pub const ESC: &str = "\x1b";
}

/// A fresh home directory holding the XDG directories, so that a run reads
/// no one's real configuration and writes its logs somewhere temporary.
pub struct Home {
    dir: TempDir,
}

impl Default for Home {
    fn default() -> Self {
        Self {
            dir: TempDir::new().expect("a temporary home directory"),
        }
    }
}

impl Home {
    /// An empty home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// The home directory itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where orgtop looks for its configuration file when not told.
    pub fn config_file(&self) -> PathBuf {
        self.path().join("config/orgtop/config.toml")
    }

    /// Writes `text` as orgtop's configuration file; returns its path.
    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.config_file();
        let folder = path.parent().expect("the configuration file has a folder");
        std::fs::create_dir_all(folder).expect("the configuration folder is created");
        std::fs::write(&path, text).expect("the configuration file is written");
        path
    }

    /// The environment that points a program at this home: `HOME` and the
    /// XDG configuration, state and cache directories.
    pub fn vars(&self) -> Vec<(&'static str, PathBuf)> {
        let home = self.path();
        vec![
            ("HOME", home.to_path_buf()),
            ("XDG_CONFIG_HOME", home.join("config")),
            ("XDG_STATE_HOME", home.join("state")),
            ("XDG_CACHE_HOME", home.join("cache")),
        ]
    }
}

/// What the terminal shows at one moment.
pub struct Screen {
    vt: vt100::Screen,
}

impl Screen {
    /// Every row, top to bottom, one line each.
    pub fn text(&self) -> String {
        self.rows(0..COLUMNS).join("\n")
    }

    /// Whether any row shows `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.rows(0..COLUMNS).iter().any(|row| row.contains(text))
    }

    /// Row `n` (from 0 at the top), without trailing blanks.
    pub fn row(&self, n: u16) -> String {
        self.rows(0..COLUMNS)
            .into_iter()
            .nth(usize::from(n))
            .unwrap_or_default()
    }

    /// Each row cut to `columns`, without trailing blanks: one pane of a
    /// screen split side by side.
    pub fn rows(&self, columns: Range<u16>) -> Vec<String> {
        let width = columns.end.saturating_sub(columns.start);
        self.vt
            .rows(columns.start, width)
            .map(|row| row.trim_end().to_string())
            .collect()
    }

    /// Whether the program is on the terminal's alternate screen.
    pub fn alternate_screen(&self) -> bool {
        self.vt.alternate_screen()
    }

    /// Whether the program has hidden the cursor.
    pub fn hide_cursor(&self) -> bool {
        self.vt.hide_cursor()
    }
}

/// orgtop running in a pseudo-terminal of [`COLUMNS`] × [`ROWS`], with a
/// fresh [`Home`]. The program is killed when this is dropped.
pub struct Pty {
    terminal: Arc<Mutex<vt100::Parser>>,
    keyboard: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Says when the program's output has ended and all of it is parsed.
    output_ended: mpsc::Receiver<()>,
    /// Holds the pseudo-terminal open for as long as the program runs.
    _master: Box<dyn MasterPty + Send>,
    home: Home,
    /// The program's output as bytes, for what the screen grid hides.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// Starts orgtop with `args` and, on top of a clean environment, `envs`.
    pub fn spawn(args: &[&str], envs: &[(&str, &str)]) -> Self {
        Self::spawn_in(Home::new(), args, envs)
    }

    /// Starts orgtop in `home`, which a test may have prepared (with a
    /// configuration file, say). The environment holds only `home`'s
    /// variables, `TERM` and `envs`: nothing of the caller's AWS setup or
    /// `RUST_LOG` reaches the program.
    pub fn spawn_in(home: Home, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let size = PtySize {
            rows: ROWS,
            cols: COLUMNS,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system()
            .openpty(size)
            .expect("a pseudo-terminal opens");

        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_orgtop"));
        command.args(args);
        command.cwd(home.path());
        command.env_clear();
        for (name, value) in home.vars() {
            command.env(name, value);
        }
        command.env("TERM", "xterm-256color");
        for (name, value) in envs {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("orgtop starts");
        // Only the program may hold the terminal's other end, so that its
        // output ends when it exits.
        drop(pair.slave);

        let grid = (NonZeroU16::new(ROWS), NonZeroU16::new(COLUMNS));
        let (Some(rows), Some(columns)) = grid else {
            unreachable!("the terminal has a size")
        };
        let terminal = Arc::new(Mutex::new(vt100::Parser::new(rows, columns, 0)));
        let output = pair
            .master
            .try_clone_reader()
            .expect("the terminal's output");
        let raw = Arc::new(Mutex::new(Vec::new()));
        let output_ended =
            parse_in_background(output, Arc::clone(&terminal), Arc::clone(&raw));
        let keyboard = pair.master.take_writer().expect("the terminal's input");
        Self {
            terminal,
            keyboard,
            child,
            output_ended,
            _master: pair.master,
            home,
            raw,
        }
    }

    /// Every byte the program has written so far, escape sequences
    /// included: what a terminal over a slow link would receive.
    pub fn output(&self) -> Vec<u8> {
        self.raw
            .lock()
            .expect("the byte log is not poisoned")
            .clone()
    }

    /// The home directory the program runs in.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// Ends the run, killing the program if it still runs, and gives back
    /// its home, so that a second run can start where the first left off
    /// (with its warm-start cache, say).
    pub fn into_home(mut self) -> Home {
        std::mem::take(&mut self.home)
    }

    /// Types `keys`: text, or the sequences in [`keys`].
    pub fn send(&mut self, keys: &str) {
        self.keyboard
            .write_all(keys.as_bytes())
            .expect("keys reach the program");
        self.keyboard.flush().expect("keys reach the program");
    }

    /// What the terminal shows now.
    pub fn screen(&self) -> Screen {
        let terminal = self.terminal.lock().expect("the parser is not poisoned");
        Screen {
            vt: terminal.screen().clone(),
        }
    }

    /// Every row of the screen now, one line each.
    pub fn screen_text(&self) -> String {
        self.screen().text()
    }

    /// Row `n` of the screen now.
    pub fn row(&self, n: u16) -> String {
        self.screen().row(n)
    }

    /// Waits until the screen shows `what`, as `shown` tells, and returns
    /// that screen; fails with the screen after [`PATIENCE`], or at once if
    /// the program has gone.
    pub fn wait_for(&self, what: &str, shown: impl Fn(&Screen) -> bool) -> Screen {
        self.wait_for_within(PATIENCE, what, shown)
    }

    /// [`Pty::wait_for`] with a deadline of its own.
    pub fn wait_for_within(
        &self,
        patience: Duration,
        what: &str,
        shown: impl Fn(&Screen) -> bool,
    ) -> Screen {
        let deadline = Instant::now() + patience;
        loop {
            // Once the output has ended, the screen read after is the last.
            let ended = self.output_has_ended();
            let screen = self.screen();
            if shown(&screen) {
                return screen;
            }
            if ended {
                panic!(
                    "orgtop's output ended while waiting for {what}; the last screen:\n{}",
                    framed(&screen)
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "waited {patience:?} for {what}; the screen shows:\n{}",
                    framed(&screen)
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits for the program to exit and for the last of its output to
    /// reach the screen; fails with the screen after [`PATIENCE`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the program's status") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "waited {PATIENCE:?} for orgtop to exit; the screen shows:\n{}",
                    framed(&self.screen())
                );
            }
            thread::sleep(POLL);
        };
        let left = deadline.saturating_duration_since(Instant::now()).max(POLL);
        if let Err(mpsc::RecvTimeoutError::Timeout) = self.output_ended.recv_timeout(left)
        {
            panic!("orgtop exited ({status}) but its terminal output did not end");
        }
        status
    }

    /// Whether all the program's output has reached the screen. The answer
    /// is said once, then the channel closes: either means it has.
    fn output_has_ended(&self) -> bool {
        !matches!(self.output_ended.try_recv(), Err(mpsc::TryRecvError::Empty))
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Feeds everything the program writes into `terminal` until the output
/// ends; the receiver hears when it has.
fn parse_in_background(
    mut output: Box<dyn Read + Send>,
    terminal: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
) -> mpsc::Receiver<()> {
    let (ended, output_ended) = mpsc::channel();
    thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        // The output ends with end-of-file, or with EIO on Linux once the
        // program and its terminal are gone.
        loop {
            match output.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    raw.lock()
                        .expect("the byte log is not poisoned")
                        .extend_from_slice(&buffer[..read]);
                    let mut terminal =
                        terminal.lock().expect("the parser is not poisoned");
                    terminal.process(&buffer[..read]);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = ended.send(());
    });
    output_ended
}

/// The screen's rows between two rules, numbered, for a failure message.
fn framed(screen: &Screen) -> String {
    let rule = "─".repeat(usize::from(COLUMNS));
    let rows: Vec<String> = screen
        .rows(0..COLUMNS)
        .iter()
        .enumerate()
        .map(|(n, row)| format!("{n:>2} {row}"))
        .collect();
    format!("   {rule}\n{}\n   {rule}", rows.join("\n"))
}
