//! The `?` overlay: every key, generated from the key table in [`crate::tui::action`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::{Context, help_entries};
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::widgets;

const KEY_WIDTH: usize = 26;

/// The overlay's lines laid out for `width` columns inside its border: a description too long
/// for one line continues under itself (not under the keys), and the notes at the end break
/// between characters rather than at the spaces around `yuanqi --mouse`.
pub fn wrapped<'a>(t: &Theme, width: usize) -> Vec<Line<'a>> {
    let indent = KEY_WIDTH + 2;
    let mut out = Vec::new();
    for line in lines(t) {
        let spans = line.spans;
        match spans.as_slice() {
            [keys, help] if keys.content.starts_with("  ") => {
                let mut parts = split_width(&help.content, width.saturating_sub(indent).max(8));
                let first = parts.remove(0);
                out.push(Line::from(vec![keys.clone(), Span::raw(first)]));
                for p in parts {
                    out.push(Line::raw(format!("{}{p}", " ".repeat(indent))));
                }
            }
            _ => {
                let style = line
                    .style
                    .patch(spans.first().map(|s| s.style).unwrap_or_default());
                let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
                for p in split_width(&text, width.max(8)) {
                    out.push(Line::styled(p, style));
                }
            }
        }
    }
    out
}

/// `s` cut into pieces of at most `width` columns, between characters.
fn split_width(s: &str, width: usize) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            parts.push(String::new());
            used = 0;
        }
        parts.last_mut().expect("a part").push(c);
        used += w;
    }
    parts
}

/// The overlay's lines: a heading per context, then one line per binding.
pub fn lines<'a>(t: &Theme) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut last: Option<Context> = None;
    for (ctx, keys, help) in help_entries() {
        if last != Some(ctx) {
            if last.is_some() {
                out.push(Line::raw(""));
            }
            out.push(Line::styled(ctx.label().to_string(), t.heading()));
            last = Some(ctx);
        }
        out.push(Line::from(vec![
            Span::styled(
                format!("  {}", widgets::fit(&keys, KEY_WIDTH, t)),
                t.key_hint(),
            ),
            Span::raw(help),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "以 yuanqi --mouse 启动可用鼠标：单击选中（再次单击打开）、滚轮滚动、单击标签切换画面"
            .to_string(),
        t.dim(),
    ));
    out.push(Line::styled(
        "经 tmux 复制需在 ~/.tmux.conf 中设置 set -g set-clipboard on".to_string(),
        t.dim(),
    ));
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let t = &state.theme;
    let r = super::centered(area, 84, area.height);
    crate::tui::widgets::clear_popup(frame, r);
    let block = t.block(" 按键帮助（Esc 关闭，j/k 滚动）", true);
    let inner = block.inner(r);
    let lines = wrapped(t, inner.width as usize);
    // Scrolling stops once the last line is in view.
    let end = lines.len().saturating_sub(inner.height as usize) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(end), 0)),
        r,
    );
}
