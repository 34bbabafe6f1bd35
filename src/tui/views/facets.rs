//! The facet pane: one filter dimension at a time (county, park, cluster, designation type,
//! level, year), each value with its count under the other active filters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::text::display_width;
use crate::store::Facet;
use crate::tui::state::{Pane, State};
use crate::tui::widgets::{self, clean};

/// Whether `key` is the active value of `facet` under the state's filter.
pub fn is_active(state: &State, facet: Facet, key: &str) -> bool {
    let mut f = state.filter.clone();
    facet.apply(&mut f, Some(key));
    facet.is_set(&state.filter) && f == state.filter
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let pane = &state.facets;
    let focused = state.focus() == Pane::Facets && state.search.is_none();
    let facet = pane.facet();
    let block = t.block(" 筛选 ", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let (l, r) = if t.ascii { ("<", ">") } else { ("◀", "▶") };
    let mut header = format!("{l} {} {r}", facet.label());
    if pane.loading {
        header.push_str(" 统计中");
        header.push_str(t.ellipsis());
    }
    let mut lines = vec![Line::from(vec![Span::styled(
        widgets::fit(&header, w, t),
        if facet.is_set(&state.filter) {
            t.active()
        } else {
            t.heading()
        },
    )])];
    if pane.values.is_empty() && !pane.loading {
        lines.push(Line::styled("（当前筛选下无可选值）", t.dim()));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, v) in pane
        .values
        .iter()
        .enumerate()
        .skip(pane.cursor.top)
        .take(rows)
    {
        let active = is_active(state, facet, &v.key);
        let mut style = if active { t.active() } else { Style::default() };
        if i == pane.cursor.selected {
            style = style.patch(t.selected(focused));
        }
        let mark = if active { t.check() } else { " " };
        let count = v.count.to_string();
        let indent = "  ".repeat(v.depth.min(4));
        let label_w = w.saturating_sub(display_width(&count) + 3);
        let label = widgets::fit(&format!("{indent}{}", clean(&v.label, t)), label_w, t);
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{label} "), style),
            Span::styled(format!("{count} "), style.patch(t.dim())),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
