//! The search overlay: the input line (with the real cursor at the end of the text) and the
//! ranked results with matched characters highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::HolderKind;
use crate::model::text::display_width;
use crate::search::{MatchVia, highlight_in_original};
use crate::tui::state::State;
use crate::tui::widgets::{self, clean, search_box};

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let Some(search) = &state.search else { return };
    let t = &state.theme;
    widgets::clear_popup(frame, area);
    let targets = search.targets.is_some();
    let block = t.block(
        if targets {
            " 搜索目标、企业、园区：中文 / 拼音 / 首字母 / 简称 / 代码 "
        } else {
            " 搜索：中文 / 拼音 / 首字母 / 简称 / 信用代码 "
        },
        true,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 {
        return;
    }
    let input = Rect::new(inner.x, inner.y, inner.width, 1);
    let rule = Rect::new(inner.x, inner.y + 1, inner.width, 1);
    let list = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    let w = inner.width as usize;
    let dash = if t.ascii { "-" } else { "─" };
    let summary = if search.query.is_empty() {
        String::new()
    } else if state.index.is_none() {
        "正在建立搜索索引…".to_string()
    } else if search.matched > search.hits.len() {
        format!(
            " 共 {} 条，列出最接近的 {} 条 ",
            search.matched,
            search.hits.len()
        )
    } else {
        format!(" {} 条结果 ", search.hits.len())
    };
    let sw = display_width(&summary);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(dash.repeat(w.saturating_sub(sw + 2)), t.dim()),
            Span::styled(summary, t.dim()),
            Span::styled(dash.repeat(2.min(w)), t.dim()),
        ])),
        rule,
    );

    let mut lines: Vec<Line> = Vec::new();
    if search.query.is_empty() {
        lines.push(Line::styled(
            if targets {
                "输入目标、企业或园区的名称、全拼或首字母（如 5ggc、zywbx），或代码（如 D000-T16）。"
            } else {
                "输入企业或园区的名称、简称、全拼或首字母（如 dg、zywbx），或信用代码。"
            },
            t.dim(),
        ));
    } else if state.index.is_some() && search.hits.is_empty() {
        let what = if targets {
            "目标、企业或园区"
        } else {
            "企业或园区"
        };
        lines.push(Line::styled(
            widgets::fit(
                &format!("没有与“{}”匹配的{what}。", clean(&search.query, t)),
                w,
                t,
            ),
            t.dim(),
        ));
    }
    let rows = list.height as usize;
    for (i, h) in search
        .hits
        .iter()
        .enumerate()
        .skip(search.cursor.top)
        .take(rows)
    {
        let selected = i == search.cursor.selected;
        let base = if selected {
            t.selected(true)
        } else {
            Default::default()
        };
        let tag = match h.kind {
            _ if i < search.target_hits => "标 ",
            HolderKind::Enterprise => "企 ",
            HolderKind::Park => "园 ",
        };
        // Dim text is unreadable on the selection's background: the selected row keeps the
        // selection's own foreground throughout.
        let quiet = if selected { base } else { t.dim() };
        let mut spans = vec![Span::styled(tag, quiet)];
        let matched = clean(&h.matched, t);
        let name = clean(&h.name, t);
        let rest = w.saturating_sub(3);
        let arrow = if h.matched != h.name {
            format!(" → {name}")
        } else {
            String::new()
        };
        let tail = if i < search.target_hits {
            // Several scopes set targets of the same name: say whose and when.
            match state.targets.all.iter().find(|x| x.id == h.id) {
                Some(x) => format!("{arrow} · {} {}", clean(&x.scope, t), clean(&x.period, t)),
                None => arrow,
            }
        } else if h.via == MatchVia::Code {
            // The name shows; say why it matched.
            " · 信用代码相符".to_string()
        } else {
            arrow
        };
        let tail = if t.ascii {
            tail.replace('→', "->")
        } else {
            tail
        };
        let mw = display_width(&matched).min(rest);
        let marks = if matched != h.matched {
            // Cleaning removed something: the indices no longer line up, show no marks.
            Vec::new()
        } else if h.via == MatchVia::Name {
            highlight_in_original(&h.matched, &h.highlight)
        } else {
            h.highlight.clone()
        };
        spans.extend(widgets::highlighted(
            &matched,
            &marks,
            mw,
            base,
            base.patch(t.matched()),
            t,
        ));
        let left = rest.saturating_sub(mw);
        if left > 0 {
            spans.push(Span::styled(widgets::fit(&tail, left, t), quiet));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), list);
    // Last, so the cursor ends up in the input line.
    search_box::draw(frame, input, "/ ", &search.query, t);
}
