//! Colours and text attributes for every role the UI draws, read from a
//! theme file. The default theme ships in the binary.

use std::collections::HashMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const DARK: &str = include_str!("../../themes/dark.toml");

/// How one role is drawn, as a theme file writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEntry {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    roles: HashMap<String, RoleEntry>,
}

/// The styles of every UI role.
#[derive(Debug, Clone)]
pub struct Theme {
    roles: HashMap<String, Style>,
}

impl Default for Theme {
    fn default() -> Self {
        // The bundled theme is parsed by a test; should it ever fail here,
        // plain text is still a usable console.
        Self::parse(DARK).unwrap_or(Self {
            roles: HashMap::new(),
        })
    }
}

impl Theme {
    /// Parses a theme file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let roles = file
            .roles
            .into_iter()
            .map(|(name, entry)| Ok((name.clone(), style(&name, &entry)?)))
            .collect::<Result<_, String>>()?;
        Ok(Self { roles })
    }

    /// The style of `role`; the terminal's default for a role not named.
    pub fn get(&self, role: &str) -> Style {
        self.roles.get(role).copied().unwrap_or_default()
    }
}

fn style(name: &str, entry: &RoleEntry) -> Result<Style, String> {
    let colour = |value: &Option<String>| -> Result<Option<Color>, String> {
        value
            .as_deref()
            .map(|v| {
                Color::from_str(v).map_err(|_| format!("role {name}: bad colour {v:?}"))
            })
            .transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = colour(&entry.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = colour(&entry.bg)? {
        style = style.bg(bg);
    }
    let flags = [
        (entry.bold, Modifier::BOLD),
        (entry.underline, Modifier::UNDERLINED),
        (entry.reversed, Modifier::REVERSED),
        (entry.dim, Modifier::DIM),
    ];
    for (on, modifier) in flags {
        if on {
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_theme_parses() {
        let theme = Theme::parse(DARK).unwrap();
        assert_eq!(theme.get("border_focused").fg, Some(Color::Cyan));
        assert_eq!(theme.get("status").bg, Some(Color::Indexed(236)));
    }

    #[test]
    fn a_bad_colour_names_its_role() {
        let error =
            Theme::parse("[roles]\nborder = { fg = \"purplish\" }\n").unwrap_err();
        assert!(error.contains("border"), "{error}");
    }
}
