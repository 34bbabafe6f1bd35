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
    // Long descriptions wrap rather than being cut at narrow widths.
    frame.render_widget(
        Paragraph::new(lines(t))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        r,
    );
}
