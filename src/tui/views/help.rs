//! The `?` overlay: every key, generated from the key table in [`crate::tui::action`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::text::wrap_text;
use crate::tui::action::{Context, help_entries};
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::widgets;

const KEY_WIDTH: usize = 26;

/// The notes under the key table.
const NOTES: [&str; 2] = [
    "以 yuanqi --mouse 启动可用鼠标：单击选中（再次单击打开）、滚轮滚动、单击标签切换画面",
    "经 tmux 复制需在 ~/.tmux.conf 中设置 set -g set-clipboard on",
];

/// The overlay's lines laid out for `width` columns inside its border: a heading per context,
/// then one line per binding whose description, when too long, continues under itself (not
/// under the keys). Lines break between characters, never inside an option such as
/// `yuanqi --mouse`, before closing punctuation or after opening punctuation.
pub fn wrapped<'a>(t: &Theme, width: usize) -> Vec<Line<'a>> {
    let indent = KEY_WIDTH + 2;
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
        let mut parts = wrap_text(help, width.saturating_sub(indent).max(8)).into_iter();
        out.push(Line::from(vec![
            Span::styled(
                format!("  {}", widgets::fit(&keys, KEY_WIDTH, t)),
                t.key_hint(),
            ),
            Span::raw(parts.next().unwrap_or_default()),
        ]));
        out.extend(parts.map(|p| Line::raw(format!("{}{p}", " ".repeat(indent)))));
    }
    out.push(Line::raw(""));
    for note in NOTES {
        out.extend(
            wrap_text(note, width.max(8))
                .into_iter()
                .map(|p| Line::styled(p, t.dim())),
        );
    }
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
