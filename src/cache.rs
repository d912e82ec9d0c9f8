//! Warm start: the last complete crawl of each source is kept in the cache
//! directory, so the next start shows it at once and refreshes behind it.
//! A cache file that cannot be read, or was written by another version, is
//! ignored with a warning in the log: it is only ever a head start.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Org;
use crate::store;

/// Bumped whenever the cached shape of [`Org`] changes.
const FORMAT: u32 = 1;

/// A cached crawl, as written to disk.
#[derive(Debug, Serialize, Deserialize)]
struct CachedTree {
    format: u32,
    version: String,
    source: String,
    read_at: DateTime<Utc>,
    org: Org,
}

/// The cache file for `source` in `dir`.
pub fn tree_path(dir: &Path, source: &str) -> PathBuf {
    store::file_for(dir, "tree", source)
}

/// The organization last read from `source` and when, if a usable cache
/// file exists.
pub fn load_tree(path: &Path, source: &str) -> Option<(Org, DateTime<Utc>)> {
    let cached: CachedTree = store::read_json(path)?;
    if cached.format != FORMAT || cached.version != env!("CARGO_PKG_VERSION") {
        tracing::warn!(path = %path.display(), version = cached.version, "cache from another version, ignored");
        return None;
    }
    if !cached.org.is_consistent() {
        tracing::warn!(path = %path.display(), "cache does not hold together, ignored");
        return None;
    }
    if cached.source != source {
        tracing::warn!(path = %path.display(), "cache of another source, ignored");
        return None;
    }
    Some((cached.org, cached.read_at))
}

/// Writes `org` as the cache of `source`.
pub fn store_tree(
    path: &Path,
    source: &str,
    org: Org,
    read_at: DateTime<Utc>,
) -> std::io::Result<()> {
    let cached = CachedTree {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        source: source.to_string(),
        read_at,
        org,
    };
    store::write_json(path, &cached)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Root;

    fn small_org() -> Org {
        let mut org = Org::new();
        org.add_root(Root {
            id: "r-ab12".into(),
            arn: String::new(),
            name: "Root".into(),
        })
        .unwrap();
        org
    }

    #[test]
    fn a_stored_tree_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = tree_path(dir.path(), "demo");
        let at = Utc::now();
        store_tree(&path, "demo", small_org(), at).unwrap();
        let (org, read_at) = load_tree(&path, "demo").unwrap();
        assert_eq!(org, small_org());
        assert_eq!(read_at, at);
    }

    #[test]
    fn a_corrupt_or_foreign_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = tree_path(dir.path(), "demo");
        std::fs::write(&path, "{ not json").unwrap();
        assert!(load_tree(&path, "demo").is_none());

        store_tree(&path, "demo", small_org(), Utc::now()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let old = text.replace(env!("CARGO_PKG_VERSION"), "0.0.0-old");
        std::fs::write(&path, old).unwrap();
        assert!(load_tree(&path, "demo").is_none());
        assert!(load_tree(&tree_path(dir.path(), "other"), "other").is_none());
    }

    #[test]
    fn a_cache_whose_indices_do_not_hold_together_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = tree_path(dir.path(), "demo");
        store_tree(&path, "demo", small_org(), Utc::now()).unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        json["org"]["nodes"][0]["children"] = serde_json::json!([999]);
        std::fs::write(&path, json.to_string()).unwrap();
        assert!(load_tree(&path, "demo").is_none());
    }

    #[test]
    fn each_source_has_its_own_file() {
        let dir = Path::new("/cache");
        assert_ne!(
            tree_path(dir, "demo"),
            tree_path(dir, "profile prod, us-east-1")
        );
        assert_eq!(tree_path(dir, "demo"), Path::new("/cache/tree-demo.json"));
    }
}
