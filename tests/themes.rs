//! Themes: the bundled files, a person's own, and how each is brought down
//! to what the terminal can show.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orgtop::ui::theme::{Capabilities, ColourDepth, ROLES, Theme, bundled_names};
use ratatui::style::{Color, Modifier, Style};
use tempfile::TempDir;

/// The bundled theme files, by path.
fn theme_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

fn bundled() -> Vec<(&'static str, Theme)> {
    bundled_names()
        .into_iter()
        .map(|name| (name, Theme::bundled(name).unwrap()))
        .collect()
}

fn depth(depth: ColourDepth) -> Capabilities {
    Capabilities { depth }
}

fn environment<'a>(
    vars: &'a [(&'a str, &'a str)],
) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    }
}

/// A theme naming only `border`, in the colour `colour`.
fn border_in(colour: &str) -> Theme {
    let text = format!("[roles]\nborder = {{ fg = \"{colour}\" }}\n");
    Theme::parse(&text, Path::new("t.toml")).unwrap()
}

fn has_colour(style: Style) -> bool {
    style.fg.is_some() || style.bg.is_some()
}

fn colours(theme: &Theme) -> Vec<Color> {
    ROLES
        .iter()
        .flat_map(|role| [theme.get(role).fg, theme.get(role).bg])
        .flatten()
        .collect()
}

#[test]
fn every_theme_file_parses_and_names_every_role() {
    let files = theme_files();
    assert!(files.len() >= 4, "{files:?}");

    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let theme = Theme::parse(&text, &path).unwrap_or_else(|e| panic!("{e}"));
        let named: BTreeSet<&str> = theme.roles().collect();
        let missing: Vec<&&str> = ROLES.iter().filter(|r| !named.contains(**r)).collect();
        assert!(
            missing.is_empty(),
            "{} leaves out {missing:?}",
            path.display()
        );
    }
}

#[test]
fn every_theme_file_is_bundled_in_the_binary_under_its_name() {
    let stems: BTreeSet<String> = theme_files()
        .iter()
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let names: BTreeSet<String> = bundled_names().into_iter().map(String::from).collect();

    assert_eq!(stems, names);
    assert_eq!(bundled_names()[0], "dark", "dark is the default");
    assert_eq!(Theme::bundled("dark"), Some(Theme::default()));
}

#[test]
fn every_role_the_ui_asks_for_is_listed_in_roles() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for asked in text.split("theme.get(\"").skip(1) {
            let role = asked.split('"').next().unwrap();
            assert!(ROLES.contains(&role), "{} asks for {role}", path.display());
        }
    }
}

#[test]
fn the_monochrome_theme_has_no_colour_and_marks_the_selection_by_reverse_video() {
    let theme = Theme::bundled("monochrome").unwrap();

    assert_eq!(colours(&theme), Vec::<Color>::new());
    assert!(
        theme
            .get("selection")
            .add_modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn a_bad_colour_in_a_theme_file_is_reported_with_its_path_line_and_column() {
    let folder = TempDir::new().unwrap();
    let path = folder.path().join("bad.toml");
    let text = "[roles]\nborder = { fg = \"cyan\" }\ntitle = { fg = \"purplish\" }\n";
    std::fs::write(&path, text).unwrap();

    let error = Theme::load(path.to_str().unwrap(), folder.path()).unwrap_err();

    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("{}:3:", path.display())),
        "{shown}"
    );
    assert!(shown.contains("purplish"), "{shown}");
}

#[test]
fn an_unknown_role_or_attribute_is_reported_with_its_line() {
    let typo = Theme::parse("[roles]\n\nbordr = {}\n", Path::new("t.toml")).unwrap_err();
    let italic =
        Theme::parse("[roles]\ntitle = { italic = true }\n", Path::new("t.toml"))
            .unwrap_err();

    assert!(typo.to_string().starts_with("t.toml:3:1:"), "{typo}");
    assert!(typo.to_string().contains("bordr"), "{typo}");
    assert!(italic.to_string().starts_with("t.toml:2:"), "{italic}");
    assert!(italic.to_string().contains("italic"), "{italic}");
}

#[test]
fn a_user_theme_naming_one_role_takes_the_rest_from_dark() {
    let own = TempDir::new().unwrap();
    let text = "[roles]\nborder_focused = { fg = \"#ff8700\", bold = true }\n";
    std::fs::write(own.path().join("mine.toml"), text).unwrap();

    let theme = Theme::load("mine", own.path()).unwrap();

    let focused = Style::default()
        .fg(Color::Rgb(0xff, 0x87, 0x00))
        .add_modifier(Modifier::BOLD);
    assert_eq!(theme.get("border_focused"), focused);
    let dark = Theme::default();
    for role in ROLES.iter().filter(|role| **role != "border_focused") {
        assert_eq!(theme.get(role), dark.get(role), "{role}");
    }
}

#[test]
fn a_user_theme_is_listed_after_the_bundled_ones_and_wins_over_one_of_their_names() {
    let own = TempDir::new().unwrap();
    std::fs::write(own.path().join("mine.toml"), "[roles]\n").unwrap();
    std::fs::write(own.path().join("light.toml"), "[roles]\ntitle = {}\n").unwrap();
    std::fs::write(own.path().join("notes.txt"), "not a theme").unwrap();

    let names = Theme::names(own.path());
    let light = Theme::load("light", own.path()).unwrap();

    assert_eq!(
        names,
        ["dark", "light", "high-contrast", "monochrome", "mine"]
    );
    assert_eq!(light.get("title"), Style::default());
}

#[test]
fn an_unknown_theme_name_lists_the_bundled_ones() {
    let own = TempDir::new().unwrap();

    let error = Theme::load("solarized", own.path())
        .unwrap_err()
        .to_string();

    assert!(error.contains("solarized"), "{error}");
    for name in bundled_names() {
        assert!(error.contains(name), "{name} is not listed: {error}");
    }
}

#[test]
fn the_environment_decides_the_colour_depth() {
    let cases: &[(&[(&str, &str)], ColourDepth)] = &[
        (
            &[("COLORTERM", "truecolor"), ("TERM", "xterm")],
            ColourDepth::TrueColour,
        ),
        (&[("COLORTERM", "24bit")], ColourDepth::TrueColour),
        (&[("TERM", "xterm-256color")], ColourDepth::Indexed256),
        (
            &[("TERM", "tmux-256color"), ("COLORTERM", "yes")],
            ColourDepth::Indexed256,
        ),
        (&[("TERM", "screen")], ColourDepth::Ansi16),
        (&[], ColourDepth::Ansi16),
        (
            &[("NO_COLOR", "1"), ("COLORTERM", "truecolor")],
            ColourDepth::None,
        ),
        (
            &[("NO_COLOR", ""), ("TERM", "xterm-256color")],
            ColourDepth::Indexed256,
        ),
    ];

    for (vars, expected) in cases {
        let capabilities = Capabilities::from_env(environment(vars));
        assert_eq!(capabilities.depth, *expected, "{vars:?}");
    }
}

#[test]
fn true_colour_keeps_rrggbb_as_written() {
    let theme = border_in("#ff8700").for_terminal(depth(ColourDepth::TrueColour));

    assert_eq!(theme.get("border").fg, Some(Color::Rgb(0xff, 0x87, 0x00)));
}

#[test]
fn on_256_colours_rrggbb_comes_down_to_the_nearest_xterm_index() {
    let red = border_in("#ff0000").for_terminal(depth(ColourDepth::Indexed256));
    let grey = border_in("#303030").for_terminal(depth(ColourDepth::Indexed256));
    let near_orange = border_in("#fe8801").for_terminal(depth(ColourDepth::Indexed256));
    let named = border_in("cyan").for_terminal(depth(ColourDepth::Indexed256));

    assert_eq!(red.get("border").fg, Some(Color::Indexed(196)));
    assert_eq!(grey.get("border").fg, Some(Color::Indexed(236)));
    assert_eq!(near_orange.get("border").fg, Some(Color::Indexed(208)));
    assert_eq!(named.get("border").fg, Some(Color::Cyan));
}

#[test]
fn on_16_colours_rrggbb_and_indexes_come_down_to_the_nearest_ansi_colour() {
    let red = border_in("#ff0000").for_terminal(depth(ColourDepth::Ansi16));
    let dark_grey = border_in("236").for_terminal(depth(ColourDepth::Ansi16));
    let navy = border_in("#0000af").for_terminal(depth(ColourDepth::Ansi16));

    let red = red.get("border").fg.unwrap();
    assert!(matches!(red, Color::Red | Color::LightRed), "{red:?}");
    assert_eq!(dark_grey.get("border").fg, Some(Color::Black));
    assert_eq!(navy.get("border").fg, Some(Color::Blue));
}

#[test]
fn every_bundled_theme_needs_no_more_colours_than_the_terminal_has() {
    for (name, theme) in bundled() {
        let on_256 = theme.clone().for_terminal(depth(ColourDepth::Indexed256));
        let on_16 = theme.for_terminal(depth(ColourDepth::Ansi16));

        let rgb = colours(&on_256)
            .into_iter()
            .filter(|c| matches!(c, Color::Rgb(..)))
            .count();
        let beyond_16 = colours(&on_16)
            .into_iter()
            .filter(|c| matches!(c, Color::Rgb(..) | Color::Indexed(_)))
            .count();
        assert_eq!(rgb, 0, "{name} sends true colour to a 256-colour terminal");
        assert_eq!(beyond_16, 0, "{name} sends 256 colours to a 16-colour one");
    }
}

#[test]
fn no_color_drops_every_colour_but_keeps_attributes_and_a_visible_selection() {
    for (name, theme) in bundled() {
        let bold_title = theme.get("title").add_modifier;

        let plain = theme.for_terminal(depth(ColourDepth::None));

        let coloured: Vec<&&str> =
            ROLES.iter().filter(|r| has_colour(plain.get(r))).collect();
        assert!(coloured.is_empty(), "{name} keeps colour in {coloured:?}");
        assert_eq!(plain.get("title").add_modifier, bold_title, "{name}");
        let shown = Modifier::REVERSED | Modifier::BOLD;
        for role in ["selection", "selection_unfocused"] {
            let modifiers = plain.get(role).add_modifier;
            assert!(
                modifiers.intersects(shown),
                "{name}: {role} is {modifiers:?}"
            );
        }
    }
}

#[test]
fn no_color_makes_a_colour_only_selection_reversed() {
    let text = "[roles]\nselection = { fg = \"black\", bg = \"cyan\" }\n";
    let theme = Theme::parse(text, Path::new("t.toml")).unwrap();

    let plain = theme.for_terminal(depth(ColourDepth::None));

    let selection = Style::default().add_modifier(Modifier::REVERSED);
    assert_eq!(plain.get("selection"), selection);
}

/// A home directory of its own, so that no one's real configuration is read.
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: TempDir::new().unwrap(),
        }
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs orgtop with stdin and stdout not a terminal.
    fn orgtop(&self, args: &[&str]) -> Output {
        let home = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_orgtop"))
            .args(args)
            .current_dir(home)
            .env_clear()
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap()
    }
}

fn assert_refused(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "orgtop wrote to the terminal: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

#[test]
fn a_bad_theme_file_stops_orgtop_naming_its_path_and_line_before_the_terminal() {
    let home = Home::new();
    let path = home.write("bad.toml", "[roles]\ntitle = { fg = \"#12345\" }\n");

    let output = home.orgtop(&["--demo", "--theme", path.to_str().unwrap()]);

    let stderr = assert_refused(&output);
    assert!(
        stderr.contains(&format!("{}:2:", path.display())),
        "{stderr}"
    );
    assert!(stderr.lines().count() <= 2, "{stderr}");
}

#[test]
fn an_unknown_theme_name_stops_orgtop_listing_the_bundled_themes() {
    let home = Home::new();

    let output = home.orgtop(&["--demo", "--theme", "nosuch"]);

    let stderr = assert_refused(&output);
    for name in ["nosuch", "dark", "light", "high-contrast", "monochrome"] {
        assert!(stderr.contains(name), "{name} is not named: {stderr}");
    }
}

#[test]
fn the_config_files_theme_is_used_and_the_flag_beats_it() {
    let home = Home::new();
    let bad = home.write("config/orgtop/themes/broken.toml", "[roles]\nx = {}\n");
    home.write("config/orgtop/config.toml", "[ui]\ntheme = \"broken\"\n");
    let flagged = home.write("flagged.toml", "[roles]\n\nborder = 300\n");

    let from_file = home.orgtop(&["--demo"]);
    let from_flag = home.orgtop(&["--demo", "--theme", flagged.to_str().unwrap()]);

    let stderr = assert_refused(&from_file);
    assert!(
        stderr.contains(&format!("{}:2:1", bad.display())),
        "{stderr}"
    );
    let stderr = assert_refused(&from_flag);
    assert!(
        stderr.contains(&format!("{}:3:", flagged.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("broken"), "{stderr}");
}
