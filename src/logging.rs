//! Logs go to a file in the state directory, never to the terminal the
//! console owns.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Starts logging to `orgtop.log` in `dir` at `level` (a tracing filter).
/// Returns the log file's path.
pub fn init(dir: &Path, level: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("orgtop.log");
    let file = OpenOptions::new().create(true).append(true).open(&path)?;
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    if installed.is_err() {
        tracing::debug!("logging was already set up");
    }
    Ok(path)
}
