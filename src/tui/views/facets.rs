//! The facet pane: one filter dimension at a time (county, park, cluster, designation type,
//! level, year), each value with its count under the other active filters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::text::display_width;
use crate::store::{Facet, FacetValue};
use crate::tui::state::{Cursor, Pane, State};
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
    value_lines(
        &pane.values,
        &pane.cursor,
        rows,
        w,
        focused,
        |v| is_active(state, facet, &v.key),
        state,
        &mut lines,
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The targets' scope pane: every region or park targets are set for, with the number of
/// targets within it; Enter shows only those, Enter again (or x) all.
pub fn draw_scopes(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let ts = &state.targets;
    let focused = state.focus() == Pane::Facets && state.search.is_none();
    let block = t.block(" 筛选目标 ", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines = vec![Line::styled(
        widgets::fit("范围", w, t),
        if ts.scope.is_some() {
            t.active()
        } else {
            t.heading()
        },
    )];
    if ts.scopes.is_empty() {
        lines.push(Line::styled("（没有目标）", t.dim()));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    value_lines(
        &ts.scopes,
        &ts.scope_cursor,
        rows,
        w,
        focused,
        |v| ts.scope.as_deref() == Some(v.key.as_str()),
        state,
        &mut lines,
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One line per value: a check mark when active, the label, its count.
#[allow(clippy::too_many_arguments)]
fn value_lines(
    values: &[FacetValue],
    cursor: &Cursor,
    rows: usize,
    w: usize,
    focused: bool,
    active: impl Fn(&FacetValue) -> bool,
    state: &State,
    lines: &mut Vec<Line<'_>>,
) {
    let t = &state.theme;
    for (i, v) in values.iter().enumerate().skip(cursor.top).take(rows) {
        let on = active(v);
        let mut style = if on { t.active() } else { Style::default() };
        if i == cursor.selected {
            style = style.patch(t.selected(focused));
        }
        let mark = if on { t.check() } else { " " };
        let count = v.count.to_string();
        let indent = "  ".repeat(v.depth.min(4));
        let label_w = w.saturating_sub(display_width(&count) + 3);
        let label = widgets::fit(&format!("{indent}{}", clean(&v.label, t)), label_w, t);
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{label} "), style),
            // Dim is unreadable on the selection's background.
            Span::styled(
                format!("{count} "),
                if i == cursor.selected {
                    style
                } else {
                    style.patch(t.dim())
                },
            ),
        ]));
    }
}
