//! Render every TUI screen through ratatui's TestBackend and write SVG pictures of them to
//! `screenshots/` (per-cell colours, double-width CJK cells): `cargo run --example screenshots`.
//!
//! The pictures come from the real views on the embedded seed data, so they change when the
//! interface does; rerun this after changing a view.

use std::fmt::Write as _;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;
use yuanqi::store::Store;
use yuanqi::tui::action::{Action, Screen};
use yuanqi::tui::state::State;
use yuanqi::tui::theme::Theme;
use yuanqi::tui::update::{build_index_now, update};
use yuanqi::tui::views;

const CELL_W: u32 = 9;
const CELL_H: u32 = 18;
const FG: &str = "#d0d0d0";
const BG: &str = "#1c1c1c";

fn hex(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Black => "#000000".into(),
        Color::Red => "#cd3131".into(),
        Color::Green => "#0dbc79".into(),
        Color::Yellow => "#e5e510".into(),
        Color::Blue => "#2472c8".into(),
        Color::Magenta => "#bc3fbc".into(),
        Color::Cyan => "#11a8cd".into(),
        Color::Gray => "#bbbbbb".into(),
        Color::DarkGray => "#767676".into(),
        Color::LightRed => "#f14c4c".into(),
        Color::LightGreen => "#23d18b".into(),
        Color::LightYellow => "#f5f543".into(),
        Color::LightBlue => "#3b8eea".into(),
        Color::LightMagenta => "#d670d6".into(),
        Color::LightCyan => "#29b8db".into(),
        Color::White => "#e5e5e5".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(_) => default.to_string(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The buffer as an SVG: a background rectangle per coloured cell, one text element per
/// visible character, wide characters spanning two cells; the cursor as an underline.
fn svg(buf: &Buffer, cursor: Option<(u16, u16)>) -> String {
    let (w, h) = (buf.area.width as u32, buf.area.height as u32);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}">"#,
        w * CELL_W,
        h * CELL_H,
        w * CELL_W,
        h * CELL_H
    );
    let _ = writeln!(
        out,
        r#"<style>text{{font-family:"Noto Sans Mono CJK SC","Noto Sans CJK SC","DejaVu Sans Mono",monospace;font-size:15px;white-space:pre}}</style>"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{BG}"/>"#);
    for y in 0..buf.area.height {
        let mut x = 0u16;
        while x < buf.area.width {
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            let cw = (sym.width() as u16).max(1);
            let (mut fg, mut bg) = (hex(cell.fg, FG), hex(cell.bg, BG));
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let px = x as u32 * CELL_W;
            let py = y as u32 * CELL_H;
            if bg != BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{px}" y="{py}" width="{}" height="{CELL_H}" fill="{bg}"/>"#,
                    cw as u32 * CELL_W
                );
            }
            if !sym.trim().is_empty() {
                let mut attrs = String::new();
                if cell.modifier.contains(Modifier::BOLD) {
                    attrs.push_str(r#" font-weight="bold""#);
                }
                if cell.modifier.contains(Modifier::UNDERLINED) {
                    attrs.push_str(r#" text-decoration="underline""#);
                }
                let _ = writeln!(
                    out,
                    r#"<text x="{px}" y="{}" fill="{fg}" textLength="{}" lengthAdjust="spacingAndGlyphs"{attrs}>{}</text>"#,
                    py + CELL_H - 4,
                    cw as u32 * CELL_W,
                    esc(sym)
                );
            }
            x += cw;
        }
    }
    if let Some((cx, cy)) = cursor {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{CELL_W}" height="2" fill="{FG}"/>"#,
            cx as u32 * CELL_W,
            cy as u32 * CELL_H + CELL_H - 2
        );
    }
    out.push_str("</svg>\n");
    out
}

struct Scene {
    file: &'static str,
    size: (u16, u16),
    theme: Theme,
    actions: Vec<Action>,
    typed: &'static str,
    /// On the Targets screen: select this target (by code) and open it.
    target: Option<&'static str>,
}

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir)?;
    let color = Theme::new(true, false);
    let scenes = vec![
        Scene {
            file: "enterprises.svg",
            size: (120, 32),
            theme: color,
            actions: vec![Action::StartSearch],
            typed: "zywbx\n",
            target: None,
        },
        Scene {
            file: "search.svg",
            size: (80, 24),
            theme: color,
            actions: vec![Action::StartSearch],
            typed: "dg",
            target: None,
        },
        Scene {
            file: "facets.svg",
            size: (100, 30),
            theme: color,
            actions: vec![
                Action::ToggleFacets,
                Action::NextFacet,
                Action::NextFacet,
                Action::NextFacet,
            ],
            typed: "",
            target: None,
        },
        Scene {
            file: "parks.svg",
            size: (120, 32),
            theme: color,
            actions: vec![Action::Show(Screen::Parks)]
                .into_iter()
                .chain(std::iter::repeat_n(Action::Down, 13))
                .collect(),
            typed: "",
            target: None,
        },
        Scene {
            file: "targets.svg",
            size: (120, 32),
            theme: color,
            actions: vec![Action::Show(Screen::Targets)],
            typed: "",
            // 大足区's count of 高新技术企业: computed from the records beside the reported
            // figure, with a county breakdown and the enterprises that count.
            target: Some("D003-T25"),
        },
        Scene {
            file: "help.svg",
            size: (100, 30),
            theme: color,
            actions: vec![Action::Help],
            typed: "",
            target: None,
        },
        Scene {
            file: "ascii-mono-80x24.svg",
            size: (80, 24),
            theme: Theme::new(false, true),
            actions: vec![Action::Down, Action::Down, Action::Open],
            typed: "",
            target: None,
        },
    ];
    for scene in scenes {
        let store = Store::open_in_memory()?;
        let mut state = State::new(store, scene.theme, scene.size)?;
        build_index_now(&mut state)?;
        for a in scene.actions {
            update(&mut state, a);
        }
        for c in scene.typed.chars() {
            update(
                &mut state,
                if c == '\n' {
                    Action::Open
                } else {
                    Action::Input(c)
                },
            );
        }
        if let Some(code) = scene.target {
            let i = state
                .targets
                .rows
                .iter()
                .position(|r| r.code == code)
                .ok_or_else(|| anyhow::anyhow!("no target {code} in the seed data"))?;
            for _ in 0..i {
                update(&mut state, Action::Down);
            }
            update(&mut state, Action::Open);
        }
        let mut term = Terminal::new(TestBackend::new(scene.size.0, scene.size.1))?;
        let frame = term.draw(|f| views::draw(f, &state))?;
        let buf = frame.buffer.clone();
        let cursor = if state.search.is_some() {
            let p = term.get_cursor_position()?;
            Some((p.x, p.y))
        } else {
            None
        };
        let path = dir.join(scene.file);
        std::fs::write(&path, svg(&buf, cursor))?;
        println!("{}", path.display());
    }
    Ok(())
}
