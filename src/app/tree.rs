//! The tree pane's view state: which nodes are expanded, the filter, the
//! flattened rows on screen and the selection. Rows are rebuilt only when
//! the tree, the expansion or the filter change, never per frame.

use std::collections::HashSet;

use crate::model::{Filter, NodeIdx, Org};

/// One visible line of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub node: NodeIdx,
    pub depth: u16,
    pub expanded: bool,
    pub has_children: bool,
    /// Whether the node itself matches the filter (parents are kept for
    /// context without matching).
    pub matched: bool,
}

/// The tree's expansion, filter, rows and selection.
#[derive(Debug, Clone, Default)]
pub struct TreeView {
    /// Expanded nodes by AWS id, so expansion survives a refresh.
    expanded: HashSet<String>,
    filter: Option<Filter>,
    rows: Vec<Row>,
    matches: usize,
    selected: usize,
    /// How many rows the pane showed last; PgUp/PgDn move by this much.
    pub page_height: usize,
}

impl TreeView {
    /// The visible rows, top to bottom.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The index of the selected row.
    pub fn selected_row(&self) -> usize {
        self.selected
    }

    /// The selected node, if the tree has any rows.
    pub fn selected(&self) -> Option<NodeIdx> {
        self.rows.get(self.selected).map(|row| row.node)
    }

    /// The active filter, if any.
    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// How many nodes match the active filter, counted when the rows were
    /// laid out rather than on every frame.
    pub fn match_count(&self) -> usize {
        self.matches
    }

    /// Expands `id` without rebuilding; callers rebuild.
    pub fn expand_id(&mut self, id: &str) {
        self.expanded.insert(id.to_string());
    }

    /// Sets the filter (`None` or empty text clears it) and rebuilds. The
    /// node selected while filtering stays selected, its parents expanded.
    pub fn set_filter(&mut self, org: &Org, filter: Option<Filter>) {
        self.filter = filter.filter(|f| !f.is_empty());
        if self.filter.is_none()
            && let Some(selected) = self.selected().filter(|s| s.0 < org.len())
        {
            for ancestor in org.ancestors(selected) {
                self.expanded.insert(org.node(ancestor).id.clone());
            }
        }
        self.rebuild(org);
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Selects the first row that matches the filter, if one does.
    pub fn select_first_match(&mut self) {
        if let Some(at) = self.rows.iter().position(|row| row.matched) {
            self.selected = at;
        }
    }

    /// Selects row `row`, if there is one.
    pub fn select_row(&mut self, row: usize) {
        if row < self.rows.len() {
            self.selected = row;
        }
    }

    /// Selects the first row.
    pub fn select_first(&mut self) {
        self.selected = 0;
    }

    /// Selects the last row.
    pub fn select_last(&mut self) {
        self.selected = self.rows.len().saturating_sub(1);
    }

    /// Selects the row of `node`, expanding its ancestors; clears the filter
    /// if the filter hides it.
    pub fn reveal(&mut self, org: &Org, node: NodeIdx) {
        for ancestor in org.ancestors(node) {
            self.expanded.insert(org.node(ancestor).id.clone());
        }
        self.rebuild(org);
        if !self.rows.iter().any(|row| row.node == node) {
            self.filter = None;
            self.rebuild(org);
        }
        if let Some(at) = self.rows.iter().position(|row| row.node == node) {
            self.selected = at;
        }
    }

    /// Expands or collapses the selected node.
    pub fn toggle(&mut self, org: &Org) {
        let Some(row) = self.rows.get(self.selected).copied() else {
            return;
        };
        if row.expanded {
            self.collapse(org);
        } else {
            self.expand(org);
        }
    }

    /// Expands the selected node; if it is expanded already, steps to its
    /// first child.
    pub fn expand(&mut self, org: &Org) {
        let Some(row) = self.rows.get(self.selected).copied() else {
            return;
        };
        if !row.has_children {
            return;
        }
        if row.expanded {
            self.move_by(1);
            return;
        }
        self.expanded.insert(org.node(row.node).id.clone());
        self.rebuild(org);
    }

    /// Collapses the selected node; if it is collapsed (or a leaf), steps to
    /// its parent.
    pub fn collapse(&mut self, org: &Org) {
        let Some(row) = self.rows.get(self.selected).copied() else {
            return;
        };
        if row.expanded && self.filter.is_none() {
            self.expanded.remove(&org.node(row.node).id);
            self.rebuild(org);
            return;
        }
        if let Some(parent) = org.node(row.node).parent
            && let Some(at) = self.rows.iter().position(|r| r.node == parent)
        {
            self.selected = at;
        }
    }

    /// Lays out the rows again from `org`, keeping the selected node
    /// selected when it is still visible.
    pub fn rebuild(&mut self, org: &Org) {
        let keep = self.selected();
        let selected_id = keep
            .filter(|k| k.0 < org.len())
            .map(|k| org.node(k).id.clone());
        self.rows.clear();
        self.matches = 0;
        let Some(root) = org.root() else {
            self.selected = 0;
            return;
        };
        match &self.filter {
            Some(filter) => self.lay_out_filtered(org, root, filter.clone()),
            None => self.lay_out(org, root),
        }
        let again = selected_id.and_then(|id| org.find(&id));
        self.selected = again
            .and_then(|node| self.rows.iter().position(|row| row.node == node))
            .unwrap_or_else(|| self.selected.min(self.rows.len().saturating_sub(1)));
    }

    fn lay_out(&mut self, org: &Org, root: NodeIdx) {
        let mut stack = vec![(root, 0u16)];
        while let Some((at, depth)) = stack.pop() {
            let node = org.node(at);
            let expanded = self.expanded.contains(&node.id);
            self.rows.push(Row {
                node: at,
                depth,
                expanded,
                has_children: !node.children.is_empty(),
                matched: false,
            });
            if expanded {
                stack.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
            }
        }
    }

    /// Shows every matching node with its ancestors, expanded, in tree
    /// order: one pass to mark, one to lay out.
    fn lay_out_filtered(&mut self, org: &Org, root: NodeIdx, filter: Filter) {
        let mut shown = vec![false; org.len()];
        let mut matched = vec![false; org.len()];
        for (idx, node) in org.nodes() {
            if !filter.matches(node) {
                continue;
            }
            matched[idx.0] = true;
            self.matches += 1;
            let mut at = Some(idx);
            while let Some(current) = at {
                if shown[current.0] {
                    break;
                }
                shown[current.0] = true;
                at = org.node(current).parent;
            }
        }
        let mut stack = vec![(root, 0u16)];
        while let Some((at, depth)) = stack.pop() {
            if !shown[at.0] {
                continue;
            }
            let node = org.node(at);
            let visible_children = node.children.iter().any(|c| shown[c.0]);
            self.rows.push(Row {
                node: at,
                depth,
                expanded: visible_children,
                has_children: !node.children.is_empty(),
                matched: matched[at.0],
            });
            stack.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
        }
    }
}
