//! The journal: every confirmed action, appended to `journal.jsonl` in the
//! state directory as a `started` line before the AWS call and a `finished`
//! line after it. Both lines carry the same attempt id, so a run killed
//! mid-call still leaves a record of what it set out to do.
//!
//! Each line stands alone: the time, the profile, the caller, the action
//! with its parameters and the preflight's warnings, and on `finished` the
//! result and AWS's request id. Every line is written with one `write_all`
//! on a file opened for appending, so writers in other processes never
//! interleave within a line.
//!
//! The journal holds no credentials, and must not: a profile is a name, a
//! caller an account id or ARN, and an action only ids and notes. Nothing
//! that holds keys, tokens or session data belongs in an [`Entry`].

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::{SharedClock, SystemClock};
use crate::model::action::{Action, Warning};

/// The journal's file name in the state directory.
pub const FILE_NAME: &str = "journal.jsonl";

/// Where the journal is kept in `state_dir`.
pub fn file_in(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE_NAME)
}

/// What a `started` line records: the confirmed action and who runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The provider's source, e.g. "profile prod · us-east-1".
    pub profile: String,
    /// Who the call runs as (an account id or ARN), when known.
    pub caller: Option<String>,
    /// The action exactly as it was confirmed.
    pub action: Action,
    /// The preflight's warnings the person confirmed past.
    pub warnings: Vec<Warning>,
}

/// One run of one action, named the same on its two lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttemptId(String);

impl AttemptId {
    /// A new id, unique across processes and runs: the time in
    /// milliseconds, the process id, a count within the process, and a
    /// per-process random salt against clocks that jump back.
    fn next() -> Self {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let count = COUNT.fetch_add(1, Ordering::Relaxed);
        let millis = Utc::now().timestamp_millis();
        let salt = RandomState::new().hash_one(count) & 0xffff_ffff;
        Self(format!(
            "{millis:x}-{:x}-{count}-{salt:08x}",
            std::process::id()
        ))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AttemptId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// AWS's answer to a call, as AWS states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded {
        request_id: Option<String>,
    },
    Failed {
        error: CallError,
        request_id: Option<String>,
    },
}

/// The error AWS gave, e.g. `ConstraintViolationException`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallError {
    pub code: String,
    pub message: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Succeeded,
    Failed,
    /// A `started` line with no `finished` line: the run stopped mid-call,
    /// and whether AWS carried the action out is unknown.
    Interrupted,
}

/// Whether a line opens or closes an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Event {
    Started,
    Finished,
}

/// What a `finished` line adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Finish<'a> {
    result: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a CallError>,
    request_id: Option<&'a str>,
}

/// A line as it is written.
#[derive(Debug, Serialize)]
struct Written<'a> {
    event: Event,
    attempt: &'a AttemptId,
    time: DateTime<Utc>,
    profile: &'a str,
    caller: Option<&'a str>,
    action: &'a Action,
    warnings: &'a [Warning],
    #[serde(flatten)]
    finish: Option<Finish<'a>>,
}

/// The journal file, shared by whatever runs actions.
#[derive(Clone)]
pub struct Journal {
    path: PathBuf,
    clock: SharedClock,
    /// The entries of attempts started and not yet finished, so the
    /// `finished` line repeats them.
    open: Arc<Mutex<HashMap<AttemptId, Entry>>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

impl Journal {
    /// The journal at `path`; nothing is written until an action starts.
    pub fn open(path: impl Into<PathBuf>) -> Self {
        Self::with_clock(path, Arc::new(SystemClock))
    }

    /// The journal at `path`, timing its lines by `clock`.
    pub fn with_clock(path: impl Into<PathBuf>, clock: SharedClock) -> Self {
        Self {
            path: path.into(),
            clock,
            open: Arc::default(),
        }
    }

    /// Where the journal is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that `entry`'s call is about to be sent. An error means no
    /// record exists, and the caller should not send the call.
    pub fn started(&self, entry: &Entry) -> io::Result<AttemptId> {
        let attempt = AttemptId::next();
        self.append(Event::Started, &attempt, entry, None)?;
        self.pending().insert(attempt.clone(), entry.clone());
        Ok(attempt)
    }

    /// Records how the call of `attempt` ended. An attempt this journal did
    /// not start, or already finished, is an `InvalidInput` error.
    pub fn finished(&self, attempt: &AttemptId, outcome: &Outcome) -> io::Result<()> {
        let entry = self.pending().remove(attempt).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("attempt {attempt} was not started in this journal"),
            )
        })?;
        let finish = match outcome {
            Outcome::Succeeded { request_id } => Finish {
                result: Status::Succeeded,
                error: None,
                request_id: request_id.as_deref(),
            },
            Outcome::Failed { error, request_id } => Finish {
                result: Status::Failed,
                error: Some(error),
                request_id: request_id.as_deref(),
            },
        };
        let written = self.append(Event::Finished, attempt, &entry, Some(finish));
        if written.is_err() {
            // Kept open, so the caller may try again.
            self.pending().insert(attempt.clone(), entry);
        }
        written
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<AttemptId, Entry>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn append(
        &self,
        event: Event,
        attempt: &AttemptId,
        entry: &Entry,
        finish: Option<Finish<'_>>,
    ) -> io::Result<()> {
        let line = Written {
            event,
            attempt,
            time: self.clock.now(),
            profile: &entry.profile,
            caller: entry.caller.as_deref(),
            action: &entry.action,
            warnings: &entry.warnings,
            finish,
        };
        let mut text = serde_json::to_string(&line).map_err(io::Error::other)?;
        text.push('\n');
        append_line(&self.path, text)
    }
}

/// Appends `line` to `path` in one write, creating the file and its
/// directory. A line cut short by a crash is ended first, so it damages
/// only itself.
fn append_line(path: &Path, mut line: String) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    if ends_mid_line(&mut file)? {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())?;
    file.flush()?;
    file.sync_data()
}

/// Whether the file's last byte is not a newline.
fn ends_mid_line(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// One attempt as the journal tells it: its `started` line, paired with its
/// `finished` line if one was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub attempt: AttemptId,
    /// When the call was about to be sent.
    pub started: Option<DateTime<Utc>>,
    /// When AWS's answer was recorded.
    pub finished: Option<DateTime<Utc>>,
    pub profile: String,
    pub caller: Option<String>,
    pub action: Action,
    pub warnings: Vec<Warning>,
    pub result: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CallError>,
    pub request_id: Option<String>,
}

impl Attempt {
    /// When the attempt began, or ended if its `started` line was lost.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.started.or(self.finished)
    }
}

/// The journal as read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// In the order they started.
    pub attempts: Vec<Attempt>,
    /// Lines that could not be read, or repeat a line already read.
    pub skipped: usize,
}

/// A line as it is read: lenient about what a `started` line lacks.
#[derive(Debug, Deserialize)]
struct ReadLine {
    event: Event,
    attempt: AttemptId,
    time: DateTime<Utc>,
    profile: String,
    #[serde(default)]
    caller: Option<String>,
    action: Action,
    #[serde(default)]
    warnings: Vec<Warning>,
    #[serde(default)]
    result: Option<Status>,
    #[serde(default)]
    error: Option<CallError>,
    #[serde(default)]
    request_id: Option<String>,
}

/// Reads the journal at `path`. A missing file is an empty journal; a line
/// that is damaged or does not fit is skipped and counted, never fatal.
pub fn read(path: &Path) -> io::Result<Contents> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok(Contents::default());
        }
        Err(error) => return Err(error),
    };
    Ok(parse(&bytes))
}

/// Pairs the lines of a journal by attempt id.
pub fn parse(bytes: &[u8]) -> Contents {
    let mut contents = Contents::default();
    let mut index: HashMap<AttemptId, usize> = HashMap::new();
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    for line in lines {
        let Ok(line) = serde_json::from_slice::<ReadLine>(line) else {
            contents.skipped += 1;
            continue;
        };
        let fitted = match index.entry(line.attempt.clone()) {
            Slot::Vacant(slot) if opens(&line) => {
                slot.insert(contents.attempts.len());
                contents.attempts.push(begin(line));
                true
            }
            Slot::Vacant(_) => false,
            Slot::Occupied(slot) => close(&mut contents.attempts[*slot.get()], line),
        };
        if !fitted {
            contents.skipped += 1;
        }
    }
    contents
}

/// Whether `line` can open an attempt: any `started` line, or a
/// `finished` line that says how the call ended.
fn opens(line: &ReadLine) -> bool {
    match line.event {
        Event::Started => true,
        Event::Finished => {
            matches!(line.result, Some(Status::Succeeded | Status::Failed))
        }
    }
}

/// The attempt a first line opens: interrupted until it is finished. A
/// first line that is a `finished` line means the `started` line was lost;
/// the finished line tells the rest.
fn begin(line: ReadLine) -> Attempt {
    let mut attempt = Attempt {
        attempt: line.attempt.clone(),
        started: None,
        finished: None,
        profile: line.profile.clone(),
        caller: line.caller.clone(),
        action: line.action.clone(),
        warnings: line.warnings.clone(),
        result: Status::Interrupted,
        error: None,
        request_id: None,
    };
    close(&mut attempt, line);
    attempt
}

/// Adds `line` to `attempt`; false when it does not fit: a second
/// `started` or `finished` line, or a `finished` line without a result.
fn close(attempt: &mut Attempt, line: ReadLine) -> bool {
    match (line.event, line.result) {
        (Event::Started, _) if attempt.started.is_none() => {
            attempt.started = Some(line.time);
            true
        }
        (Event::Finished, Some(result @ (Status::Succeeded | Status::Failed)))
            if attempt.finished.is_none() =>
        {
            attempt.finished = Some(line.time);
            attempt.result = result;
            attempt.error = line.error;
            attempt.request_id = line.request_id;
            true
        }
        _ => false,
    }
}
