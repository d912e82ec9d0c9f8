//! The tree filter: which nodes match what a person typed after `/`.

use super::org::{Node, NodeKind};

/// A case-insensitive search over a node's name, id and email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    text: String,
    needle: String,
}

impl Filter {
    /// A filter for `text`; matching ignores case.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            needle: text.to_lowercase(),
        }
    }

    /// What the person typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the filter is empty and so matches everything.
    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// Whether the node's name, id or email holds the text.
    pub fn matches(&self, node: &Node) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        let email = match &node.kind {
            NodeKind::Account(account) => account.email.as_str(),
            _ => "",
        };
        contains_ignoring_case(&node.name, &self.needle)
            || contains_ignoring_case(&node.id, &self.needle)
            || contains_ignoring_case(email, &self.needle)
    }

    /// Where the text stands in `name`, as a byte range, for highlighting.
    pub fn highlight(&self, name: &str) -> Option<std::ops::Range<usize>> {
        if self.needle.is_empty() {
            return None;
        }
        // Lowercasing can change byte lengths outside ASCII; highlight only
        // when it does not, rather than cut a character in half.
        let lower = name.to_lowercase();
        if lower.len() != name.len() {
            return None;
        }
        lower
            .find(&self.needle)
            .map(|start| start..start + self.needle.len())
    }
}

/// Whether `haystack` contains `needle` (already lowercase), ignoring case,
/// without allocating for ASCII haystacks: a filter keystroke runs this on
/// every node of the organization.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if needle.len() > haystack.len() {
        return false;
    }
    if haystack.is_ascii() && needle.is_ascii() {
        let needle = needle.as_bytes();
        return haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    haystack.to_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::{Account, AccountState, JoinedMethod};
    use chrono::TimeZone;

    fn account(name: &str, id: &str, email: &str) -> Node {
        let joined = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Node {
            id: id.into(),
            arn: String::new(),
            name: name.into(),
            kind: NodeKind::Account(Box::new(Account {
                id: id.into(),
                arn: String::new(),
                name: name.into(),
                email: email.into(),
                state: AccountState::Active,
                joined_method: JoinedMethod::Created,
                joined_timestamp: joined,
            })),
            parent: None,
            children: vec![],
            failure: None,
            accounts_below: 0,
        }
    }

    #[test]
    fn matches_name_id_or_email_ignoring_case() {
        let node = account("Log Archive", "111122223333", "aws+log-archive@example.com");
        assert!(Filter::new("log arch").matches(&node));
        assert!(Filter::new("LOG").matches(&node));
        assert!(Filter::new("2222").matches(&node));
        assert!(Filter::new("aws+log").matches(&node));
        assert!(!Filter::new("audit").matches(&node));
    }

    #[test]
    fn highlights_the_matching_part_of_the_name() {
        let filter = Filter::new("arch");
        assert_eq!(filter.highlight("Log Archive"), Some(4..8));
        assert_eq!(filter.highlight("Audit"), None);
    }

    #[test]
    fn an_empty_filter_matches_everything() {
        let node = account("Audit", "444455556666", "audit@example.com");
        assert!(Filter::new("").matches(&node));
        assert_eq!(Filter::new("").highlight("Audit"), None);
    }
}
