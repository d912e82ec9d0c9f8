//! Small JSON files in orgtop's cache and state directories, written through
//! a temporary file so a crash mid-write never leaves half a file, and read
//! so that a damaged or foreign file is ignored with a warning, never fatal.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A file name for `kind` and `source`: one file per source, named by the
/// source's letters and digits.
pub fn file_for(dir: &Path, kind: &str, source: &str) -> PathBuf {
    let name: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    dir.join(format!("{kind}-{name}.json"))
}

/// The value in `path`, or `None` (with a warning in the log) when it is
/// missing, unreadable or not of the expected shape.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "file unreadable, ignored");
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "file damaged, ignored");
            None
        }
    }
}

/// Writes `value` to `path` through a temporary file beside it.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

/// The value in `path` for a file that holds more than a cache: when it is
/// damaged it is moved aside to `<name>.damaged`, never overwritten, and
/// the second value says so, for the person.
pub fn read_json_keeping_damaged<T: DeserializeOwned>(
    path: &Path,
) -> (Option<T>, Option<String>) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return (None, None);
        }
        Err(error) => {
            return (
                None,
                Some(format!("{} cannot be read: {error}", path.display())),
            );
        }
    };
    match serde_json::from_str(&text) {
        Ok(value) => (Some(value), None),
        Err(error) => {
            let aside = path.with_extension("json.damaged");
            let moved = std::fs::rename(path, &aside);
            tracing::warn!(path = %path.display(), %error, "file damaged, moved aside");
            let note = match moved {
                Ok(()) => format!(
                    "{} was damaged ({error}); kept as {} and started afresh",
                    path.display(),
                    aside.display()
                ),
                Err(why) => format!(
                    "{} is damaged ({error}) and could not be moved: {why}",
                    path.display()
                ),
            };
            (None, Some(note))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_file_is_moved_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drift-demo.json");
        std::fs::write(&path, "{\"first_seen\": {} trailing").unwrap();
        let (value, note) = read_json_keeping_damaged::<serde_json::Value>(&path);
        assert!(value.is_none());
        assert!(note.unwrap().contains("drift-demo.json.damaged"));
        assert!(!path.exists());
        let kept =
            std::fs::read_to_string(dir.path().join("drift-demo.json.damaged")).unwrap();
        assert!(kept.contains("trailing"), "the damaged content is kept");
    }
}
