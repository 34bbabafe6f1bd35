//! Colours and glyphs: a 16-colour default theme, a monochrome theme for `NO_COLOR` /
//! `--no-color` (selection by reverse video, emphasis by bold/underline), and ASCII borders for
//! terminals that draw box characters double-wide.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};

/// Borders drawn with `+ - |` only.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// The focused pane's ASCII border: `=` rules, so focus shows without colour or bold (the
/// thick box-drawing border of the normal mode has no ASCII counterpart).
pub const ASCII_FOCUSED: border::Set<'static> = border::Set {
    horizontal_top: "=",
    horizontal_bottom: "=",
    ..ASCII_BORDER
};

/// How the interface looks; chosen once at start from the flags and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Use colours (false under NO_COLOR or `--no-color`).
    pub color: bool,
    /// Only ASCII in borders and decorations.
    pub ascii: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(true, false)
    }
}

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Self {
        Theme { color, ascii }
    }

    /// From the command-line flags and `NO_COLOR` (any non-empty value disables colour).
    pub fn from_flags(no_color: bool, ascii: bool) -> Self {
        let env_no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(!(no_color || env_no_color), ascii)
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// A bordered block in this theme's border glyphs; focused blocks stand out.
    pub fn block<'a>(&self, title: impl Into<ratatui::text::Line<'a>>, focused: bool) -> Block<'a> {
        let mut b = Block::new().borders(Borders::ALL).title(title);
        if self.ascii {
            b = b.border_set(if focused { ASCII_FOCUSED } else { ASCII_BORDER });
        } else if focused {
            b = b.border_set(border::THICK);
        }
        let style = if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        };
        b.border_style(style)
    }

    /// The selected row: reverse video in monochrome so it never depends on colour.
    pub fn selected(&self, focused: bool) -> Style {
        if self.color {
            if focused {
                Style::new()
                    .bg(Color::Blue)
                    .fg(Color::White)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::new().bg(Color::DarkGray).fg(Color::White)
            }
        } else if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// Matched characters in search results.
    pub fn matched(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// A designation badge, coloured by level: national red, provincial yellow, others green.
    pub fn badge(&self, badge: &str) -> Style {
        if !self.color {
            return Style::new();
        }
        if badge.starts_with('国') {
            Style::new().fg(Color::LightRed)
        } else if badge.starts_with('省') {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new().fg(Color::Green)
        }
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn bad(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// The active tab.
    pub fn tab_active(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Cyan)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn status(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn key_hint(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A filter chip or an active facet value.
    pub fn active(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    // Glyphs that have ASCII stand-ins.

    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "~" } else { "…" }
    }

    pub fn tree_branch(&self) -> &'static str {
        if self.ascii { "`-" } else { "└ " }
    }

    pub fn bar_full(&self) -> &'static str {
        if self.ascii { "#" } else { "█" }
    }

    pub fn bar_empty(&self) -> &'static str {
        if self.ascii { "." } else { "░" }
    }

    pub fn separator(&self) -> &'static str {
        if self.ascii { " | " } else { " │ " }
    }

    pub fn check(&self) -> &'static str {
        if self.ascii { "*" } else { "●" }
    }

    pub fn path_sep(&self) -> &'static str {
        if self.ascii { " > " } else { " › " }
    }
}
