//! The status line (store path, demo/read-only markers, active filters, result count, the last
//! message such as what was copied) and the key hints below it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::text::display_width;
use crate::tui::action::Screen;
use crate::tui::state::{Pane, State};
use crate::tui::widgets::{self, clean};

/// The status line as plain text pieces, most important first.
pub fn status_text(state: &State) -> (Vec<String>, Option<(String, bool)>) {
    let t = &state.theme;
    let mut parts = Vec::new();
    if state.demo {
        parts.push("【演示数据】".to_string());
    }
    if state.read_only {
        parts.push("【只读】".to_string());
    }
    match state.screen {
        Screen::Enterprises => parts.push(format!("共 {} 家", state.enterprises.total)),
        Screen::Parks => parts.push(format!("共 {} 个园区", state.parks.rows.len())),
        Screen::Targets => parts.push(format!("共 {} 项目标", state.targets.rows.len())),
    }
    if let (Screen::Targets, Some(scope)) = (state.screen, &state.targets.scope) {
        parts.push(format!("范围：{}", clean(scope, t)));
    } else if let (Screen::Parks, Some((_, county))) = (state.screen, &state.parks.county) {
        parts.push(format!("筛选：县（市、区）={}", clean(county, t)));
    } else if !state.filter_labels.is_empty() && state.screen == Screen::Enterprises {
        let labels: Vec<String> = state
            .filter_labels
            .iter()
            .map(|(f, l)| format!("{}={}", f.label(), clean(l, t)))
            .collect();
        parts.push(format!("筛选：{}", labels.join("，")));
    }
    let path = match &state.db_path {
        Some(p) => clean(&p.display().to_string(), t),
        None => "（内存）".to_string(),
    };
    parts.push(path);
    let msg = state.message.as_ref().map(|m| (clean(&m.text, t), m.error));
    (parts, msg)
}

pub fn draw_status(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let w = area.width as usize;
    let (parts, msg) = status_text(state);
    let sep = t.separator();
    let mut spans = vec![Span::styled(" ", t.status())];
    let mut used = 1;
    if let Some((m, error)) = msg {
        // The message first: it is what the user just asked for (and may want to select).
        let m = widgets::truncate(&m, w.saturating_sub(2), t);
        used += display_width(&m);
        spans.push(Span::styled(
            m,
            if error {
                t.status().patch(t.bad())
            } else {
                t.status()
            },
        ));
    }
    for p in parts {
        let s = if used > 1 { format!("{sep}{p}") } else { p };
        let sw = display_width(&s);
        if used + sw > w {
            let left = w.saturating_sub(used);
            if left > 3 {
                let cut = widgets::truncate(&s, left, t);
                used += display_width(&cut);
                spans.push(Span::styled(cut, t.status()));
            }
            break;
        }
        used += sw;
        spans.push(Span::styled(s, t.status()));
    }
    if used < w {
        spans.push(Span::styled(" ".repeat(w - used), t.status()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_hints(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let hints: &[(&str, &str)] = if state.help.is_some() {
        &[("Esc", "关闭"), ("j/k", "滚动")]
    } else if state.search.is_some() {
        &[
            ("Enter", "打开"),
            ("Up/Down", "选择"),
            ("Esc", "关闭"),
            ("Ctrl-u", "清空"),
        ]
    } else {
        match state.focus() {
            // The targets' scope pane and the parks' county pane have one dimension only.
            Pane::Facets if state.screen != Screen::Enterprises => &[
                ("Enter", "选用"),
                ("x", "清除"),
                ("Tab", "窗格"),
                ("f", "关闭"),
                ("?", "帮助"),
                ("q", "退出"),
            ],
            Pane::Facets => &[
                ("Enter", "选用"),
                ("h/l", "维度"),
                ("x", "清除"),
                ("Tab", "窗格"),
                ("f", "关闭"),
                ("?", "帮助"),
                ("q", "退出"),
            ],
            _ => &[
                ("/", "搜索"),
                ("Enter", "打开"),
                ("Esc", "返回"),
                ("f", "筛选"),
                ("x", "清除"),
                ("1/2/3", "画面"),
                ("y", "复制"),
                ("e", "导出"),
                ("?", "帮助"),
                ("q", "退出"),
            ],
        }
    };
    // On a narrow terminal the hints in the middle give way: "? 帮助" and "q 退出" (the last
    // two, where present) stay, since they lead to everything else.
    let width = |(k, h): &(&str, &str)| display_width(k) + display_width(h) + 2;
    let kept_tail = hints
        .iter()
        .rposition(|(k, _)| !matches!(*k, "?" | "q"))
        .map_or(0, |i| i + 1);
    let (head, tail) = hints.split_at(kept_tail);
    let mut room = (area.width as usize).saturating_sub(tail.iter().map(width).sum());
    let mut shown: Vec<&(&str, &str)> = Vec::new();
    for hint in head {
        if width(hint) > room {
            break;
        }
        room -= width(hint);
        shown.push(hint);
    }
    shown.extend(tail);
    let mut spans = Vec::new();
    let mut used = 0;
    for hint @ (k, h) in shown {
        if used + width(hint) > area.width as usize {
            break;
        }
        used += width(hint);
        spans.push(Span::styled(format!(" {k}"), t.key_hint()));
        spans.push(Span::styled(format!(" {h}"), t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
