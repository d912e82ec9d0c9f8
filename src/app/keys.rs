//! What each key does. The help overlay reads [`HELP`], so the keys and
//! their help stay in one file.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Bottom, Effect, Overlay, Pane, Services};
use crate::model::Filter;
use crate::model::cost::{CostPeriod, Month};
use crate::worker::Job;

/// One line of the help overlay.
pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
}

/// Every key the console answers to, as the help overlay lists them.
pub const HELP: &[KeyHelp] = &[
    KeyHelp {
        keys: "?",
        action: "this help",
    },
    KeyHelp {
        keys: "q  Ctrl-C",
        action: "quit",
    },
    KeyHelp {
        keys: "Ctrl-Z",
        action: "suspend to the shell (fg returns)",
    },
    KeyHelp {
        keys: "↑ ↓  k j",
        action: "move the selection",
    },
    KeyHelp {
        keys: "PgUp PgDn",
        action: "move by a page",
    },
    KeyHelp {
        keys: "Home End  g G",
        action: "first / last row",
    },
    KeyHelp {
        keys: "Enter Space",
        action: "expand or collapse",
    },
    KeyHelp {
        keys: "→ l  ← h",
        action: "expand / collapse, or go to child / parent",
    },
    KeyHelp {
        keys: "/",
        action: "filter by name, id or email",
    },
    KeyHelp {
        keys: "Esc",
        action: "clear the filter, close a window",
    },
    KeyHelp {
        keys: "Tab",
        action: "move focus: tree, details, drift",
    },
    KeyHelp {
        keys: "p",
        action: "open the policy under the details cursor",
    },
    KeyHelp {
        keys: "z",
        action: "zoom the focused pane",
    },
    KeyHelp {
        keys: "r",
        action: "refresh from the source",
    },
    KeyHelp {
        keys: ":",
        action: "command line (Tab completes, ↑↓ history)",
    },
    KeyHelp {
        keys: "y  Y",
        action: "copy the id / ARN (OSC 52)",
    },
    KeyHelp {
        keys: "s",
        action: "get into an account: a role's shell or exports",
    },
    KeyHelp {
        keys: "m",
        action: "move the selected account (picker: / filters)",
    },
    KeyHelp {
        keys: "a  d",
        action: "attach / detach an SCP on the selection",
    },
    KeyHelp {
        keys: "i  I",
        action: "invite / invitations (c cancels)",
    },
    KeyHelp {
        keys: "c",
        action: "show cost or drift under the details",
    },
    KeyHelp {
        keys: "r (cost pane)",
        action: "read costs again (asks first)",
    },
    KeyHelp {
        keys: "b (cost pane)",
        action: "the selected account's cost by service",
    },
    KeyHelp {
        keys: "f",
        action: "raise drift's minimum severity",
    },
    KeyHelp {
        keys: "Enter (drift)",
        action: "select the finding's target in the tree",
    },
];

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            return vec![Effect::Quit];
        }
        if self.command_line.is_some() {
            return self.on_command_key(key);
        }
        if self.filter_input.is_some() {
            self.on_filter_key(key);
            return Vec::new();
        }
        if matches!(self.overlay, Some(Overlay::Action(_))) {
            return self.on_action_key(key);
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key);
        }
        self.message = None;
        match key.code {
            KeyCode::Char('q') => return vec![Effect::Quit],
            KeyCode::Char('?') => self.overlay = Some(Overlay::Help),
            KeyCode::Char('r') if self.focus == Pane::Cost => {
                return self.ask_cost_refresh();
            }
            KeyCode::Char('r') => return self.begin_crawl(),
            KeyCode::Char('c') => self.toggle_bottom(),
            KeyCode::Char(':') => self.command_line = Some(super::CommandLine::default()),
            KeyCode::Char('s') => return self.begin_access(),
            KeyCode::Char('y') => return self.copy_selected(false),
            KeyCode::Char('Y') => return self.copy_selected(true),
            KeyCode::Char(key @ ('m' | 'a' | 'd' | 'i' | 'I')) => {
                return self.begin_action(key);
            }
            KeyCode::Char('z') => self.zoomed = !self.zoomed,
            KeyCode::Tab | KeyCode::BackTab => self.switch_focus(),
            KeyCode::Char('p') => return self.open_selected_policy(),
            KeyCode::Char('/') => {
                let text = self
                    .tree
                    .filter()
                    .map(|f| f.text().to_string())
                    .unwrap_or_default();
                self.filter_input = Some(text);
            }
            KeyCode::Esc => self.tree.set_filter(&self.org, None),
            KeyCode::Char('f') => self.drift.cycle_min_severity(),
            _ => match self.focus {
                Pane::Tree => self.on_tree_key(key),
                Pane::Details => return self.on_details_key(key),
                Pane::Drift => self.on_drift_key(key),
                Pane::Cost => return self.on_cost_key(key),
            },
        }
        Vec::new()
    }

    /// `y` copies the selected node's id, `Y` its ARN, through the
    /// terminal, which works over SSH and inside tmux.
    fn copy_selected(&mut self, arn: bool) -> Vec<Effect> {
        let Some(node) = self.selected().map(|n| self.org.node(n)) else {
            return Vec::new();
        };
        let text = if arn {
            node.arn.clone()
        } else {
            node.id.clone()
        };
        self.message = Some(format!("copied {text}"));
        vec![Effect::Copy(text)]
    }

    fn switch_focus(&mut self) {
        self.focus = match (self.focus, self.bottom) {
            (Pane::Tree, _) => Pane::Details,
            (Pane::Details, Bottom::Drift) => Pane::Drift,
            (Pane::Details, Bottom::Cost) => Pane::Cost,
            (Pane::Drift | Pane::Cost, _) => Pane::Tree,
        };
    }

    /// Switches the pane under the details between drift and cost, keeping
    /// the focus on it if it had it.
    fn toggle_bottom(&mut self) {
        self.bottom = match self.bottom {
            Bottom::Drift => Bottom::Cost,
            Bottom::Cost => Bottom::Drift,
        };
        self.focus = match (self.focus, self.bottom) {
            (Pane::Drift | Pane::Cost, Bottom::Drift) => Pane::Drift,
            (Pane::Drift | Pane::Cost, Bottom::Cost) => Pane::Cost,
            (focus, _) => focus,
        };
    }

    /// `r` in the cost pane: says what a refresh costs before it runs.
    fn ask_cost_refresh(&mut self) -> Vec<Effect> {
        let now = self.now();
        let plan = self.cost.plan(now.date_naive(), now);
        let billed_requests = plan.billed_requests();
        self.overlay = Some(Overlay::ConfirmCostRefresh { billed_requests });
        Vec::new()
    }

    fn on_cost_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let scroll = &mut self.cost.scroll;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown => *scroll = scroll.saturating_add(10),
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
            _ => {}
        }
        if key.code != KeyCode::Char('b') {
            return Vec::new();
        }
        let Some(account) = self.selected().and_then(|n| self.org.node(n).account())
        else {
            self.message =
                Some("b shows an account's cost by service: select an account".into());
            return Vec::new();
        };
        let account_id = account.id.clone();
        if matches!(
            self.cost.services.get(&account_id),
            Some(Services::Loaded(_) | Services::Loading)
        ) {
            return Vec::new();
        }
        let current = Month::of(self.now().date_naive());
        let period = CostPeriod {
            start: current.previous(),
            end: current.next(),
            metric: self.cost.options.metric,
        };
        self.cost
            .services
            .insert(account_id.clone(), Services::Loading);
        self.jobs_in_flight += 1;
        self.message = Some("cost by service: 1 billed Cost Explorer request".into());
        vec![Effect::Run(Job::ReadServiceCosts { account_id, period })]
    }

    fn on_drift_key(&mut self, key: KeyEvent) {
        let Some(node) = self.selected() else { return };
        let shown = self.drift.findings_for(&self.org, node).len();
        let last = shown.saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.drift.cursor = self.drift.cursor.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.drift.cursor = (self.drift.cursor + 1).min(last)
            }
            KeyCode::Home | KeyCode::Char('g') => self.drift.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.drift.cursor = last,
            KeyCode::Enter => self.jump_to_finding(node),
            _ => {}
        }
    }

    /// Selects the target of the finding under the cursor in the tree and
    /// gives the tree the focus.
    fn jump_to_finding(&mut self, node: crate::model::NodeIdx) {
        let findings = self.drift.findings_for(&self.org, node);
        let Some(finding) = findings.get(self.drift.cursor) else {
            return;
        };
        match self.org.find(&finding.target) {
            Some(target) => {
                self.tree.reveal(&self.org, target);
                self.focus = Pane::Tree;
                self.drift.cursor = 0;
            }
            None => {
                self.message =
                    Some(format!("{} is not a node of the tree", finding.target))
            }
        }
    }

    fn on_tree_key(&mut self, key: KeyEvent) {
        let before = self.tree.selected();
        let page = self.tree.page_height.max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.tree.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.tree.move_by(1),
            KeyCode::PageUp => self.tree.move_by(-page),
            KeyCode::PageDown => self.tree.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.tree.select_first(),
            KeyCode::End | KeyCode::Char('G') => self.tree.select_last(),
            KeyCode::Enter | KeyCode::Char(' ') => self.tree.toggle(&self.org),
            KeyCode::Right | KeyCode::Char('l') => self.tree.expand(&self.org),
            KeyCode::Left | KeyCode::Char('h') => self.tree.collapse(&self.org),
            _ => {}
        }
        if self.tree.selected() != before {
            self.details_cursor = 0;
        }
    }

    fn on_details_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let last = self.listed_policies().len().saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.details_cursor = self.details_cursor.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.details_cursor = (self.details_cursor + 1).min(last)
            }
            KeyCode::Home | KeyCode::Char('g') => self.details_cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.details_cursor = last,
            KeyCode::Enter => return self.open_selected_policy(),
            _ => {}
        }
        Vec::new()
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        let Some(text) = self.filter_input.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.filter_input = None;
                self.tree.set_filter(&self.org, None);
                return;
            }
            KeyCode::Enter => {
                self.filter_input = None;
                return;
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) => text.push(c),
            _ => return,
        }
        let filter = Filter::new(text);
        self.tree.set_filter(&self.org, Some(filter));
        self.tree.select_first_match();
    }

    fn on_overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(Overlay::ConfirmCostRefresh { .. }) = self.overlay {
            self.overlay = None;
            return match key.code {
                KeyCode::Char('y') | KeyCode::Enter => self.begin_cost_read(true),
                _ => Vec::new(),
            };
        }
        match (key.code, self.overlay.as_mut()) {
            (KeyCode::Char('q'), _) => return vec![Effect::Quit],
            (KeyCode::Esc | KeyCode::Char('?'), Some(Overlay::Help)) => {
                self.overlay = None
            }
            (KeyCode::Esc | KeyCode::Char('p'), Some(Overlay::PolicyDocument { .. })) => {
                self.overlay = None
            }
            (code, Some(Overlay::PolicyDocument { scroll, .. })) => {
                scroll_document(scroll, code)
            }
            _ => {}
        }
        Vec::new()
    }
}

fn scroll_document(scroll: &mut u16, code: KeyCode) {
    *scroll = match code {
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
        KeyCode::PageUp => scroll.saturating_sub(10),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(10),
        KeyCode::Home | KeyCode::Char('g') => 0,
        _ => *scroll,
    };
}
