//! The command line on `:`: commands with completion, and a history that
//! ↑ and ↓ walk.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Bottom, Effect, Pane};

/// Every command, as completion offers them.
pub const COMMANDS: &[&str] = &[
    "tree",
    "drift",
    "cost",
    "invitations",
    "theme",
    "profile",
    "quit",
];

/// The command being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    pub text: String,
    /// Where ↑/↓ stand in the history; `None` while editing new text.
    pub recalled: Option<usize>,
    /// What Tab offered, when more than one command fits.
    pub choices: Vec<String>,
}

impl App {
    /// Keys while the command line is open.
    pub(super) fn on_command_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut line) = self.command_line.take() else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => return self.run_command(line.text.trim().to_string()),
            KeyCode::Tab => line = self.complete(line),
            KeyCode::Up => line = self.recall(line, true),
            KeyCode::Down => line = self.recall(line, false),
            KeyCode::Backspace => {
                line.text.pop();
                line.recalled = None;
            }
            KeyCode::Char(c) => {
                line.text.push(c);
                line.recalled = None;
                line.choices.clear();
            }
            _ => {}
        }
        self.command_line = Some(line);
        Vec::new()
    }

    fn complete(&self, mut line: CommandLine) -> CommandLine {
        let (word, rest) = match line.text.split_once(' ') {
            Some((word, rest)) => (word.to_string(), Some(rest.to_string())),
            None => (line.text.clone(), None),
        };
        let (prefix, candidates): (String, Vec<String>) = match (&rest, word.as_str()) {
            (None, _) => (
                String::new(),
                COMMANDS.iter().map(|c| c.to_string()).collect(),
            ),
            (Some(_), "theme") => (format!("{word} "), self.theme_names.clone()),
            (Some(_), "profile") => (format!("{word} "), self.profile_names.clone()),
            _ => return line,
        };
        let typed = rest.unwrap_or(word);
        let fits: Vec<String> = candidates
            .into_iter()
            .filter(|c| c.starts_with(&typed))
            .collect();
        match fits.as_slice() {
            [only] => line.text = format!("{prefix}{only}"),
            [] => {}
            _ => line.text = format!("{prefix}{}", common_prefix(&fits)),
        }
        line.choices = if fits.len() > 1 { fits } else { Vec::new() };
        line
    }

    fn recall(&self, mut line: CommandLine, older: bool) -> CommandLine {
        let count = self.command_history.len();
        if count == 0 {
            return line;
        }
        let at = match (line.recalled, older) {
            (None, true) => Some(count - 1),
            (None, false) => None,
            (Some(at), true) => Some(at.saturating_sub(1)),
            (Some(at), false) if at + 1 < count => Some(at + 1),
            (Some(_), false) => None,
        };
        line.recalled = at;
        line.text = at
            .map(|at| self.command_history[at].clone())
            .unwrap_or_default();
        line
    }

    fn run_command(&mut self, text: String) -> Vec<Effect> {
        if text.is_empty() {
            return Vec::new();
        }
        if self.command_history.last() != Some(&text) {
            self.command_history.push(text.clone());
        }
        let (word, argument) = match text.split_once(' ') {
            Some((word, argument)) => (word, argument.trim()),
            None => (text.as_str(), ""),
        };
        match (word, argument) {
            ("q" | "quit", _) => return vec![Effect::Quit],
            ("tree", _) => {
                self.zoomed = false;
                self.focus = Pane::Tree;
            }
            ("drift", _) => {
                self.bottom = Bottom::Drift;
                self.focus = Pane::Drift;
            }
            ("cost", _) => {
                self.bottom = Bottom::Cost;
                self.focus = Pane::Cost;
            }
            ("invitations", _) => return self.begin_action('I'),
            ("theme", "") => {
                self.message = Some(format!("themes: {}", self.theme_names.join(", ")))
            }
            ("theme", name) => return vec![Effect::SetTheme(name.to_string())],
            ("profile", "") => {
                self.message =
                    Some(format!("profiles: {}", self.profile_names.join(", ")))
            }
            ("profile", name) => return vec![Effect::SwitchProfile(name.to_string())],
            _ => {
                self.message = Some(format!(
                    "unknown command :{word}; the commands are :{}",
                    COMMANDS.join(", :")
                ))
            }
        }
        Vec::new()
    }
}

/// The longest start every text shares.
fn common_prefix(texts: &[String]) -> String {
    let Some(first) = texts.first() else {
        return String::new();
    };
    let mut prefix = first.clone();
    for text in &texts[1..] {
        while !text.starts_with(&prefix) {
            prefix.pop();
        }
    }
    prefix
}
