//! The action dialogs: pickers for a move's destination and for an SCP,
//! the invitation form, the invitations view, and the confirm dialog that
//! shows the exact AWS call with the preflight's warnings and blockers. The
//! action value built here is the one previewed, confirmed and run.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect, Overlay};
use crate::model::action::{
    Action, Handshake, InviteTarget, Preflight, PreflightContext, preflight,
};
use crate::model::{NodeIdx, PolicyType};
use crate::worker::Job;

/// Whether an SCP picker attaches or detaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyMode {
    Attach,
    Detach,
}

/// A dialog on the way to an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Where to move `account_id`: the root and every OU, shaped like the
    /// tree, narrowed by `filter`.
    PickDestination {
        account_id: String,
        filter: String,
        typing: bool,
        cursor: usize,
    },
    /// Which SCP to attach to, or detach from, `target_id`.
    PickPolicy {
        target_id: String,
        mode: PolicyMode,
        filter: String,
        typing: bool,
        cursor: usize,
    },
    /// Whom to invite: an account id or an email, and notes.
    Invite {
        target: String,
        notes: String,
        on_notes: bool,
    },
    /// Open and recent invitations; `c` cancels the one under the cursor.
    Invitations { cursor: usize },
    /// The action as it will run, with its preflight. `typed` holds what
    /// the person typed where a high-risk action needs the target's id.
    Confirm {
        action: Action,
        preflight: Preflight,
        typed: String,
    },
    /// The action is running on the worker pool.
    Running { action: Action },
    /// Which role to use in `account_id`: `s` for a subshell, `c` to copy
    /// `export` lines.
    PickRole { account_id: String, cursor: usize },
}

/// One row of the destination picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub node: NodeIdx,
    pub depth: usize,
}

impl App {
    /// `m`, `a`, `d`, `i` and `I`: opens the dialog for the action, or says
    /// why it cannot.
    pub(super) fn begin_action(&mut self, key: char) -> Vec<Effect> {
        // Listing invitations changes nothing: only acting is refused.
        if self.read_only && key != 'I' {
            self.message = Some(format!(
                "read-only: {key} is disabled (started with --read-only or read_only = true)"
            ));
            return Vec::new();
        }
        let selected = self.selected().map(|node| self.org.node(node).id.clone());
        let dialog = match (key, selected) {
            ('m', Some(id))
                if self
                    .org
                    .find(&id)
                    .is_some_and(|n| self.org.node(n).account().is_some()) =>
            {
                Dialog::PickDestination {
                    account_id: id,
                    filter: String::new(),
                    typing: false,
                    cursor: 0,
                }
            }
            ('m', _) => {
                self.message = Some("m moves an account: select an account first".into());
                return Vec::new();
            }
            ('a', Some(id)) => policy_picker(id, PolicyMode::Attach),
            ('d', Some(id)) => policy_picker(id, PolicyMode::Detach),
            ('i', _) => Dialog::Invite {
                target: String::new(),
                notes: String::new(),
                on_notes: false,
            },
            ('I', _) => Dialog::Invitations { cursor: 0 },
            _ => return Vec::new(),
        };
        let fetch_handshakes =
            matches!(dialog, Dialog::Invite { .. } | Dialog::Invitations { .. });
        self.overlay = Some(Overlay::Action(dialog));
        if fetch_handshakes {
            self.fetch_handshakes()
        } else {
            Vec::new()
        }
    }

    /// Reads the invitations again, for the view and the invite preflight.
    fn fetch_handshakes(&mut self) -> Vec<Effect> {
        self.jobs_in_flight += 1;
        vec![Effect::Run(Job::ListHandshakes)]
    }

    /// The destinations a move may pick: the root and every OU, in tree
    /// order, narrowed to those whose name or id holds `filter`.
    pub fn destinations(&self, filter: &str) -> Vec<Destination> {
        let Some(root) = self.org.root() else {
            return Vec::new();
        };
        let needle = filter.to_lowercase();
        let mut found = Vec::new();
        let mut stack = vec![(root, 0)];
        while let Some((at, depth)) = stack.pop() {
            let node = self.org.node(at);
            if !node.is_container() {
                continue;
            }
            let matches =
                node.name.to_lowercase().contains(&needle) || node.id.contains(&needle);
            if needle.is_empty() || matches {
                found.push(Destination { node: at, depth });
            }
            stack.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
        }
        found
    }

    /// The SCPs a policy picker offers, with their attachment counts:
    /// every SCP for an attach, those attached to the target for a detach.
    pub fn policy_choices(
        &self,
        target_id: &str,
        mode: PolicyMode,
        filter: &str,
    ) -> Vec<(String, String, usize)> {
        let needle = filter.to_lowercase();
        let attached: Vec<String> = self
            .org
            .attached(target_id, PolicyType::ServiceControlPolicy)
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let mut choices: Vec<(String, String, usize)> = self
            .org
            .policies()
            .iter()
            .filter(|p| p.policy_type == PolicyType::ServiceControlPolicy)
            .filter(|p| mode == PolicyMode::Attach || attached.contains(&p.id))
            .filter(|p| needle.is_empty() || p.name.to_lowercase().contains(&needle))
            .map(|p| {
                (
                    p.id.clone(),
                    p.name.clone(),
                    self.org.attachment_count(&p.id),
                )
            })
            .collect();
        choices.sort_by_key(|(_, name, _)| name.to_lowercase());
        choices
    }

    /// The preflight of `action` against what the console knows now.
    pub fn preflight_of(&self, action: &Action) -> Preflight {
        let handshakes: &[Handshake] = self.handshakes.as_deref().unwrap_or_default();
        let context = PreflightContext {
            org: &self.org,
            control_tower: self.drift.control_tower.as_ref(),
            handshakes,
            scp_limit: self.drift.scp_limit,
            today: self.now().date_naive(),
        };
        preflight(action, &context)
    }

    /// Keys while an action dialog is open.
    pub(super) fn on_action_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Action(dialog)) = self.overlay.take() else {
            return Vec::new();
        };
        let (next, effects) = self.step(dialog, key);
        self.overlay = next.map(Overlay::Action);
        effects
    }

    fn step(&mut self, dialog: Dialog, key: KeyEvent) -> (Option<Dialog>, Vec<Effect>) {
        match dialog {
            Dialog::Running { .. } => (Some(dialog), Vec::new()),
            Dialog::PickRole { account_id, cursor } => {
                self.step_pick_role(account_id, cursor, key)
            }
            Dialog::PickDestination {
                account_id,
                filter,
                typing,
                cursor,
            } => self.step_destination(account_id, filter, typing, cursor, key),
            Dialog::PickPolicy {
                target_id,
                mode,
                filter,
                typing,
                cursor,
            } => self.step_policy(target_id, mode, filter, typing, cursor, key),
            Dialog::Invite {
                target,
                notes,
                on_notes,
            } => self.step_invite(target, notes, on_notes, key),
            Dialog::Invitations { cursor } => self.step_invitations(cursor, key),
            Dialog::Confirm {
                action,
                preflight,
                typed,
            } => self.step_confirm(action, preflight, typed, key),
        }
    }

    fn step_destination(
        &mut self,
        account_id: String,
        mut filter: String,
        mut typing: bool,
        cursor: usize,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let count = self.destinations(&filter).len();
        let mut cursor = cursor.min(count.saturating_sub(1));
        match (typing, key.code) {
            (true, KeyCode::Char(c)) => filter.push(c),
            (true, KeyCode::Backspace) => {
                filter.pop();
            }
            (true, KeyCode::Enter | KeyCode::Esc) => typing = false,
            (false, KeyCode::Esc) => return (None, Vec::new()),
            (false, KeyCode::Char('/')) => typing = true,
            (_, KeyCode::Up) | (false, KeyCode::Char('k')) => {
                cursor = cursor.saturating_sub(1)
            }
            (_, KeyCode::Down) | (false, KeyCode::Char('j')) => {
                cursor = (cursor + 1).min(count.saturating_sub(1))
            }
            (false, KeyCode::Enter) => {
                let Some(destination) = self.destinations(&filter).get(cursor).cloned()
                else {
                    return (
                        Some(Dialog::PickDestination {
                            account_id,
                            filter,
                            typing,
                            cursor,
                        }),
                        Vec::new(),
                    );
                };
                let source = self
                    .org
                    .find(&account_id)
                    .and_then(|n| self.org.node(n).parent);
                let action = Action::MoveAccount {
                    source_parent_id: source
                        .map(|p| self.org.node(p).id.clone())
                        .unwrap_or_default(),
                    destination_parent_id: self.org.node(destination.node).id.clone(),
                    account_id,
                };
                return (Some(self.confirm(action)), Vec::new());
            }
            _ => {}
        }
        if typing {
            cursor = 0;
        }
        (
            Some(Dialog::PickDestination {
                account_id,
                filter,
                typing,
                cursor,
            }),
            Vec::new(),
        )
    }

    fn step_policy(
        &mut self,
        target_id: String,
        mode: PolicyMode,
        mut filter: String,
        mut typing: bool,
        cursor: usize,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let count = self.policy_choices(&target_id, mode, &filter).len();
        let mut cursor = cursor.min(count.saturating_sub(1));
        match (typing, key.code) {
            (true, KeyCode::Char(c)) => filter.push(c),
            (true, KeyCode::Backspace) => {
                filter.pop();
            }
            (true, KeyCode::Enter | KeyCode::Esc) => typing = false,
            (false, KeyCode::Esc) => return (None, Vec::new()),
            (false, KeyCode::Char('/')) => typing = true,
            (_, KeyCode::Up) | (false, KeyCode::Char('k')) => {
                cursor = cursor.saturating_sub(1)
            }
            (_, KeyCode::Down) | (false, KeyCode::Char('j')) => {
                cursor = (cursor + 1).min(count.saturating_sub(1))
            }
            (false, KeyCode::Enter) => {
                let choices = self.policy_choices(&target_id, mode, &filter);
                if let Some((policy_id, _, _)) = choices.get(cursor).cloned() {
                    let action = match mode {
                        PolicyMode::Attach => Action::AttachPolicy {
                            policy_id,
                            target_id,
                        },
                        PolicyMode::Detach => Action::DetachPolicy {
                            policy_id,
                            target_id,
                        },
                    };
                    return (Some(self.confirm(action)), Vec::new());
                }
            }
            _ => {}
        }
        if typing {
            cursor = 0;
        }
        (
            Some(Dialog::PickPolicy {
                target_id,
                mode,
                filter,
                typing,
                cursor,
            }),
            Vec::new(),
        )
    }

    fn step_invite(
        &mut self,
        mut target: String,
        mut notes: String,
        mut on_notes: bool,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let field = if on_notes { &mut notes } else { &mut target };
        match key.code {
            KeyCode::Esc => return (None, Vec::new()),
            KeyCode::Tab | KeyCode::BackTab => on_notes = !on_notes,
            KeyCode::Backspace => {
                field.pop();
            }
            KeyCode::Char(c) => field.push(c),
            KeyCode::Enter if !target.trim().is_empty() => {
                let id = target.trim().to_string();
                let target = if id.contains('@') {
                    InviteTarget::Email(id)
                } else {
                    InviteTarget::Account(id)
                };
                let notes = Some(notes.trim().to_string()).filter(|n| !n.is_empty());
                return (
                    Some(self.confirm(Action::InviteAccount { target, notes })),
                    Vec::new(),
                );
            }
            _ => {}
        }
        (
            Some(Dialog::Invite {
                target,
                notes,
                on_notes,
            }),
            Vec::new(),
        )
    }

    fn step_invitations(
        &mut self,
        cursor: usize,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let handshakes = self.handshakes.clone().unwrap_or_default();
        let last = handshakes.len().saturating_sub(1);
        let cursor = match key.code {
            KeyCode::Esc | KeyCode::Char('I') => return (None, Vec::new()),
            KeyCode::Up | KeyCode::Char('k') => cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (cursor + 1).min(last),
            KeyCode::Char('r') => {
                return (
                    Some(Dialog::Invitations { cursor }),
                    self.fetch_handshakes(),
                );
            }
            KeyCode::Char('c') if self.read_only => {
                self.message = Some("read-only: cancelling is disabled".into());
                cursor
            }
            KeyCode::Char('c') => match handshakes.get(cursor) {
                Some(handshake) => {
                    let action = Action::CancelHandshake {
                        handshake_id: handshake.id.clone(),
                    };
                    return (Some(self.confirm(action)), Vec::new());
                }
                None => cursor,
            },
            _ => cursor,
        };
        (Some(Dialog::Invitations { cursor }), Vec::new())
    }

    fn confirm(&self, action: Action) -> Dialog {
        let preflight = self.preflight_of(&action);
        Dialog::Confirm {
            action,
            preflight,
            typed: String::new(),
        }
    }

    fn step_confirm(
        &mut self,
        action: Action,
        preflight: Preflight,
        mut typed: String,
        key: KeyEvent,
    ) -> (Option<Dialog>, Vec<Effect>) {
        let blocked = !preflight.allowed();
        if preflight.needs_typed_confirmation() && !blocked {
            // While typing the id, y and n are text.
            match key.code {
                KeyCode::Esc => return (None, Vec::new()),
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) => typed.push(c),
                KeyCode::Enter if typed.trim() == action.confirmation_id() => {
                    return self.run_action(action, &preflight);
                }
                KeyCode::Enter => {
                    self.message = Some(format!(
                        "that is not {}: type it exactly to confirm, or Esc",
                        action.confirmation_id()
                    ));
                }
                _ => {}
            }
            return (
                Some(Dialog::Confirm {
                    action,
                    preflight,
                    typed,
                }),
                Vec::new(),
            );
        }
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter if !blocked => {
                self.run_action(action, &preflight)
            }
            KeyCode::Esc | KeyCode::Char('n') => (None, Vec::new()),
            _ => (
                Some(Dialog::Confirm {
                    action,
                    preflight,
                    typed,
                }),
                Vec::new(),
            ),
        }
    }

    fn run_action(
        &mut self,
        action: Action,
        preflight: &Preflight,
    ) -> (Option<Dialog>, Vec<Effect>) {
        self.jobs_in_flight += 1;
        let job = Job::Perform {
            action: action.clone(),
            warnings: preflight.warnings.clone(),
        };
        (Some(Dialog::Running { action }), vec![Effect::Run(job)])
    }

    /// The result of an action: say it, close the dialog, and read the
    /// tree again from AWS so the screen shows the truth either way.
    pub(super) fn on_performed(
        &mut self,
        action: Action,
        result: Result<Option<String>, crate::provider::ProviderError>,
    ) -> Vec<Effect> {
        self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
        self.overlay = None;
        self.message = Some(match &result {
            Ok(_) => format!(
                "{} succeeded: reading the organization again",
                action.operation()
            ),
            Err(error) => format!(
                "{} failed: {}: {} ({})",
                action.operation(),
                error.code,
                error.message,
                error.hint()
            ),
        });
        if matches!(
            action,
            Action::InviteAccount { .. } | Action::CancelHandshake { .. }
        ) {
            return self.fetch_handshakes();
        }
        if let Action::MoveAccount { account_id, .. } = &action {
            self.follow = Some(account_id.clone());
        }
        self.begin_crawl()
    }
}

fn policy_picker(target_id: String, mode: PolicyMode) -> Dialog {
    Dialog::PickPolicy {
        target_id,
        mode,
        filter: String::new(),
        typing: false,
        cursor: 0,
    }
}
