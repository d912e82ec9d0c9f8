//! Colours and text attributes for every role the UI draws, read from a
//! theme file, and adapted to what the terminal can show. The bundled
//! themes ship in the binary; a person's own live in the configuration
//! directory's `themes` folder.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use thiserror::Error;

use crate::config::line_and_column;

/// Every role the UI draws, and so every role a bundled theme names.
pub const ROLES: &[&str] = &[
    "border",
    "border_focused",
    "title",
    "selection",
    "selection_unfocused",
    "root",
    "organizational_unit",
    "account",
    "account_inactive",
    "state_warning",
    "state_bad",
    "id",
    "badge",
    "match",
    "label",
    "value",
    "heading",
    "inherited",
    "failure",
    "status",
    "status_accent",
    "dialog",
    "key",
    "severity_critical",
    "severity_high",
    "severity_medium",
    "severity_low",
    "drift_badge",
    "cost_usage",
    "credits",
    "cost_up",
    "cost_down",
];

/// The themes shipped in the binary, by name; the first is the default,
/// which fills in the roles any other theme leaves out.
const BUNDLED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// Roles that mean something only by standing out: when colours are
/// dropped, each needs one of the attributes in the middle, and takes the
/// last if the theme gave it none of them.
const VISIBLE_WITHOUT_COLOUR: &[(&str, Modifier, Modifier)] = &[
    ("selection", STRONG, Modifier::REVERSED),
    ("selection_unfocused", STRONG, Modifier::REVERSED),
    ("match", NOTICED, Modifier::UNDERLINED),
];

/// The attributes that mark a selection as plainly as colour does.
const STRONG: Modifier = Modifier::REVERSED.union(Modifier::BOLD);
/// The attributes that set a piece of text apart from its line.
const NOTICED: Modifier = STRONG.union(Modifier::UNDERLINED);

/// Why a theme could not be had.
#[derive(Debug, Error)]
pub enum ThemeError {
    /// Not TOML, or a key, role or colour a theme does not have.
    #[error("{path}:{line}:{column}: {message}", path = .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file could not be read.
    #[error("{path}: {source}", path = .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Neither a bundled theme nor one of the person's own.
    #[error(
        "no theme named `{name}`: the bundled themes are {bundled}, and {own} \
         would be your own",
        bundled = bundled_names().join(", "),
        own = .own.display()
    )]
    Unknown { name: String, own: PathBuf },
}

/// The names of the bundled themes, the default first.
pub fn bundled_names() -> Vec<&'static str> {
    BUNDLED.iter().map(|(name, _)| *name).collect()
}

/// The styles of the UI's roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    roles: HashMap<&'static str, Style>,
}

impl Default for Theme {
    fn default() -> Self {
        // The bundled themes are parsed by a test; should the default ever
        // fail here, plain text is still a usable console.
        let (name, text) = BUNDLED[0];
        Self::parse(text, Path::new(name)).unwrap_or(Self {
            roles: HashMap::new(),
        })
    }
}

impl Theme {
    /// Parses a theme file's text; `path` names it in errors. The theme
    /// holds only the roles the file names: see [`Theme::over`].
    pub fn parse(text: &str, path: &Path) -> Result<Self, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            let (line, column) = line_and_column(text, offset);
            ThemeError::Invalid {
                path: path.into(),
                line,
                column,
                message: error.message().trim().to_string(),
            }
        })?;
        let roles = file
            .roles
            .into_iter()
            .map(|(role, entry)| (role.0, entry.style()))
            .collect();
        Ok(Self { roles })
    }

    /// A bundled theme, complete.
    pub fn bundled(name: &str) -> Option<Self> {
        let (_, text) = BUNDLED.iter().find(|(bundled, _)| *bundled == name)?;
        let theme = Self::parse(text, Path::new(name)).ok()?;
        Some(theme.over(&Self::default()))
    }

    /// Reads a theme file, completed from the default theme.
    pub fn read(path: &Path) -> Result<Self, ThemeError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ThemeError::Unreadable {
                path: path.into(),
                source,
            })?;
        Ok(Self::parse(&text, path)?.over(&Self::default()))
    }

    /// The theme `choice` names: a file's path when it holds a `/` or ends
    /// in `.toml`; otherwise `NAME.toml` in `own_dir`, then a bundled theme.
    pub fn load(choice: &str, own_dir: &Path) -> Result<Self, ThemeError> {
        if choice.contains(std::path::MAIN_SEPARATOR) || choice.ends_with(".toml") {
            return Self::read(Path::new(choice));
        }
        let own = own_dir.join(format!("{choice}.toml"));
        if own.is_file() {
            return Self::read(&own);
        }
        Self::bundled(choice).ok_or_else(|| ThemeError::Unknown {
            name: choice.into(),
            own,
        })
    }

    /// The names `load` takes: the bundled themes, then the `.toml` files
    /// in `own_dir`, sorted, without repeats.
    pub fn names(own_dir: &Path) -> Vec<String> {
        let mut own: Vec<String> = std::fs::read_dir(own_dir)
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let stem = path.file_stem()?.to_str()?.to_string();
                (path.extension()? == "toml").then_some(stem)
            })
            .collect();
        own.sort();
        let mut names: Vec<String> =
            bundled_names().into_iter().map(String::from).collect();
        own.retain(|name| !names.contains(name));
        names.append(&mut own);
        names
    }

    /// The roles this theme names.
    pub fn roles(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.roles.keys().copied()
    }

    /// This theme, with the roles it leaves out taken from `base`.
    pub fn over(mut self, base: &Theme) -> Self {
        for (role, style) in &base.roles {
            self.roles.entry(*role).or_insert(*style);
        }
        self
    }

    /// The style of `role`; the terminal's default for a role not named.
    pub fn get(&self, role: &str) -> Style {
        self.roles.get(role).copied().unwrap_or_default()
    }

    /// This theme in the colours the terminal can show: `#rrggbb` brought
    /// down to the nearest of 256 or 16 colours, or no colour at all with
    /// the selection kept visible by an attribute.
    pub fn for_terminal(self, capabilities: Capabilities) -> Self {
        let depth = capabilities.depth;
        let mut roles: HashMap<_, _> = self
            .roles
            .into_iter()
            .map(|(role, style)| (role, in_depth(style, depth)))
            .collect();
        if depth == ColourDepth::None {
            for &(role, enough, fallback) in VISIBLE_WITHOUT_COLOUR {
                let style = roles.entry(role).or_default();
                if !style.add_modifier.intersects(enough) {
                    *style = style.add_modifier(fallback);
                }
            }
        }
        Self { roles }
    }
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    /// None: `NO_COLOR` is set.
    None,
    /// The 16 ANSI colours.
    Ansi16,
    /// The 256 xterm colours.
    Indexed256,
    /// Any `#rrggbb`.
    TrueColour,
}

/// What the terminal can show, as its environment says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// How many colours it shows.
    pub depth: ColourDepth,
}

impl Capabilities {
    /// Reads `NO_COLOR`, `COLORTERM` and `TERM` through `var`, which the
    /// binary points at the process environment and a test at its own.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let true_colour = set("COLORTERM").is_some_and(|value| {
            value.eq_ignore_ascii_case("truecolor") || value.eq_ignore_ascii_case("24bit")
        });
        let depth = if set("NO_COLOR").is_some() {
            ColourDepth::None
        } else if true_colour {
            ColourDepth::TrueColour
        } else if set("TERM").is_some_and(|term| term.contains("256color")) {
            ColourDepth::Indexed256
        } else {
            ColourDepth::Ansi16
        };
        Self { depth }
    }
}

fn in_depth(mut style: Style, depth: ColourDepth) -> Style {
    style.fg = style.fg.and_then(|colour| colour_in_depth(colour, depth));
    style.bg = style.bg.and_then(|colour| colour_in_depth(colour, depth));
    style
}

fn colour_in_depth(colour: Color, depth: ColourDepth) -> Option<Color> {
    match (depth, colour) {
        (ColourDepth::None, _) => None,
        (ColourDepth::Indexed256, Color::Rgb(r, g, b)) => {
            Some(Color::Indexed(nearest_xterm([r, g, b])))
        }
        (ColourDepth::Ansi16, Color::Rgb(r, g, b)) => Some(nearest_ansi([r, g, b])),
        (ColourDepth::Ansi16, Color::Indexed(index)) => Some(ansi_of_index(index)),
        (_, colour) => Some(colour),
    }
}

/// The 16 ANSI colours in index order, with xterm's default values.
const ANSI: [(Color, [u8; 3]); 16] = [
    (Color::Black, [0, 0, 0]),
    (Color::Red, [205, 0, 0]),
    (Color::Green, [0, 205, 0]),
    (Color::Yellow, [205, 205, 0]),
    (Color::Blue, [0, 0, 238]),
    (Color::Magenta, [205, 0, 205]),
    (Color::Cyan, [0, 205, 205]),
    (Color::Gray, [229, 229, 229]),
    (Color::DarkGray, [127, 127, 127]),
    (Color::LightRed, [255, 0, 0]),
    (Color::LightGreen, [0, 255, 0]),
    (Color::LightYellow, [255, 255, 0]),
    (Color::LightBlue, [92, 92, 255]),
    (Color::LightMagenta, [255, 0, 255]),
    (Color::LightCyan, [0, 255, 255]),
    (Color::White, [255, 255, 255]),
];

/// The channel values of the xterm 6×6×6 colour cube.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The ANSI colour an xterm index stands for, or is nearest to.
fn ansi_of_index(index: u8) -> Color {
    match ANSI.get(usize::from(index)) {
        Some(&(colour, _)) => colour,
        None => nearest_ansi(xterm_rgb(index)),
    }
}

/// The value of a 256-colour index past the 16 ANSI ones.
fn xterm_rgb(index: u8) -> [u8; 3] {
    if index >= 232 {
        let grey = 8 + 10 * (index - 232);
        return [grey; 3];
    }
    let cube = index.saturating_sub(16);
    let level = |n: u8| CUBE[usize::from(n % 6)];
    [level(cube / 36), level(cube / 6), level(cube)]
}

fn nearest_ansi(rgb: [u8; 3]) -> Color {
    ANSI.iter()
        .min_by_key(|(_, value)| distance(rgb, *value))
        .map_or(Color::Reset, |&(colour, _)| colour)
}

/// The nearest colour of the cube (16–231) or the grey ramp (232–255); the
/// first 16 are left out because terminals differ on them.
fn nearest_xterm(rgb: [u8; 3]) -> u8 {
    let [r, g, b] = rgb.map(nearest_level);
    let cube = 16 + 36 * r + 6 * g + b;
    let mean = rgb.iter().map(|&c| u32::from(c)).sum::<u32>() / 3;
    let step = (mean.saturating_sub(3) / 10).min(23);
    let grey = 232 + u8::try_from(step).unwrap_or(23);
    if distance(rgb, xterm_rgb(grey)) < distance(rgb, xterm_rgb(cube)) {
        grey
    } else {
        cube
    }
}

/// The index of the cube level nearest to one channel's value.
fn nearest_level(value: u8) -> u8 {
    let nearest = (0u8..6).min_by_key(|&at| CUBE[usize::from(at)].abs_diff(value));
    nearest.unwrap_or(0)
}

fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| u32::from(x.abs_diff(y)).pow(2))
        .sum()
}

/// A theme file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    roles: HashMap<Role, RoleEntry>,
}

/// A role's name, one of [`ROLES`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct Role(&'static str);

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match ROLES.iter().find(|role| **role == name) {
            Some(role) => Ok(Role(role)),
            None => Err(de::Error::custom(format!(
                "unknown role `{name}`: the roles are {}",
                ROLES.join(", ")
            ))),
        }
    }
}

/// How one role is drawn. A role a theme names is drawn as written: an
/// attribute left out is off, a colour left out is the terminal's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEntry {
    fg: Option<Colour>,
    bg: Option<Colour>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

impl RoleEntry {
    fn style(&self) -> Style {
        let mut style = Style::default();
        if let Some(Colour(fg)) = self.fg {
            style = style.fg(fg);
        }
        if let Some(Colour(bg)) = self.bg {
            style = style.bg(bg);
        }
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ];
        for (on, modifier) in flags {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        style
    }
}

/// A colour as a theme writes it: a name, a 0–255 index (a number or a
/// string) or `#rrggbb`.
#[derive(Debug, Clone, Copy)]
struct Colour(Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ColourVisitor)
    }
}

struct ColourVisitor;

impl Visitor<'_> for ColourVisitor {
    type Value = Colour;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a colour name such as \"cyan\", an index 0-255 or \"#rrggbb\"")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Colour, E> {
        Color::from_str(value)
            .map(Colour)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Colour, E> {
        u8::try_from(value)
            .map(|index| Colour(Color::Indexed(index)))
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Colour, E> {
        u8::try_from(value)
            .map(|index| Colour(Color::Indexed(index)))
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Theme, ThemeError> {
        Theme::parse(text, Path::new("t.toml"))
    }

    #[test]
    fn the_default_theme_is_the_bundled_dark_one() {
        let theme = Theme::default();
        assert_eq!(theme.get("border_focused").fg, Some(Color::Cyan));
        assert_eq!(theme.get("status").bg, Some(Color::Indexed(236)));
        assert_eq!(Theme::bundled("dark"), Some(theme));
    }

    #[test]
    fn every_bundled_theme_is_found_by_its_name() {
        for name in bundled_names() {
            assert!(Theme::bundled(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_bad_colour_is_reported_at_its_value() {
        let error = parse("[roles]\nborder = { fg = \"purplish\" }\n").unwrap_err();
        let shown = error.to_string();
        assert!(shown.starts_with("t.toml:2:17: "), "{shown}");
        assert!(shown.contains("purplish"), "{shown}");
    }

    #[test]
    fn an_unknown_role_is_reported_at_its_name() {
        let error = parse("[roles]\nborder = {}\nbordr = {}\n").unwrap_err();
        let shown = error.to_string();
        assert!(shown.starts_with("t.toml:3:1: "), "{shown}");
        assert!(shown.contains("bordr"), "{shown}");
    }

    #[test]
    fn an_unknown_attribute_is_reported() {
        let error = parse("[roles]\nborder = { italic = true }\n").unwrap_err();
        let shown = error.to_string();
        assert!(shown.starts_with("t.toml:2:"), "{shown}");
        assert!(shown.contains("italic"), "{shown}");
    }

    #[test]
    fn an_index_may_be_a_number_or_a_string() {
        let theme = parse("[roles]\nborder = { fg = 244, bg = \"17\" }\n").unwrap();
        assert_eq!(theme.get("border").fg, Some(Color::Indexed(244)));
        assert_eq!(theme.get("border").bg, Some(Color::Indexed(17)));
        assert!(parse("[roles]\nborder = { fg = 256 }\n").is_err());
    }

    #[test]
    fn xterm_indexes_map_to_their_values() {
        assert_eq!(xterm_rgb(16), [0, 0, 0]);
        assert_eq!(xterm_rgb(196), [255, 0, 0]);
        assert_eq!(xterm_rgb(231), [255, 255, 255]);
        assert_eq!(xterm_rgb(232), [8, 8, 8]);
        assert_eq!(xterm_rgb(255), [238, 238, 238]);
    }

    #[test]
    fn greys_come_down_to_the_grey_ramp() {
        assert_eq!(nearest_xterm([0x30, 0x30, 0x30]), 236);
        assert_eq!(nearest_xterm([0, 0, 0]), 16);
        assert_eq!(nearest_xterm([0xaf, 0x5f, 0x00]), 130);
    }

    #[test]
    fn indexes_past_sixteen_come_down_to_ansi_on_sixteen_colours() {
        assert_eq!(ansi_of_index(9), Color::LightRed);
        assert_eq!(ansi_of_index(236), Color::Black);
        assert_eq!(ansi_of_index(250), Color::Gray);
    }
}
