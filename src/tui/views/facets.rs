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
    let facet = pane.facet();
    let (l, r) = if t.ascii { ("<", ">") } else { ("◀", "▶") };
    let mut header = format!("{l} {} {r}", facet.label());
    if pane.loading {
        header.push_str(" 统计中");
        header.push_str(t.ellipsis());
    }
    draw_values(
        frame,
        area,
        state,
        Values {
            title: " 筛选 ",
            header,
            header_active: facet.is_set(&state.filter),
            empty: (!pane.loading).then_some("（当前筛选下无可选值）"),
            values: &pane.values,
            cursor: &pane.cursor,
            active: &|v| is_active(state, facet, &v.key),
        },
    );
}

/// The targets' scope pane: every region or park targets are set for, with the number of
/// targets within it; Enter shows only those, Enter again (or x) all.
pub fn draw_scopes(frame: &mut Frame, area: Rect, state: &State) {
    let ts = &state.targets;
    draw_values(
        frame,
        area,
        state,
        Values {
            title: " 筛选目标 ",
            header: "范围".to_string(),
            header_active: ts.scope.is_some(),
            empty: Some("（没有目标）"),
            values: &ts.scopes,
            cursor: &ts.scope_cursor,
            active: &|v| ts.scope.as_deref() == Some(v.key.as_str()),
        },
    );
}

/// The parks' county pane: every region with the number of parks in it; Enter shows only
/// those, Enter again (or x) all.
pub fn draw_counties(frame: &mut Frame, area: Rect, state: &State) {
    let ps = &state.parks;
    draw_values(
        frame,
        area,
        state,
        Values {
            title: " 筛选园区 ",
            header: "县（市、区）".to_string(),
            header_active: ps.county.is_some(),
            empty: Some("（没有园区）"),
            values: &ps.counties,
            cursor: &ps.county_cursor,
            active: &|v| ps.county.as_ref().map(|c| c.0.to_string()).as_ref() == Some(&v.key),
        },
    );
}

/// A pane of values to choose from, each with its count.
struct Values<'a> {
    title: &'static str,
    header: String,
    /// The header is highlighted while one of its values is in use.
    header_active: bool,
    /// What to say when there are no values (`None`: say nothing yet).
    empty: Option<&'static str>,
    values: &'a [FacetValue],
    cursor: &'a Cursor,
    active: &'a dyn Fn(&FacetValue) -> bool,
}

/// The pane: its header, then one line per value — a check mark when active, the label, its
/// count.
fn draw_values(frame: &mut Frame, area: Rect, state: &State, pane: Values<'_>) {
    let t = &state.theme;
    let focused = state.focus() == Pane::Facets && state.search.is_none();
    let block = t.block(pane.title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines = vec![Line::styled(
        widgets::fit(&pane.header, w, t),
        if pane.header_active {
            t.active()
        } else {
            t.heading()
        },
    )];
    if pane.values.is_empty()
        && let Some(empty) = pane.empty
    {
        lines.push(Line::styled(empty, t.dim()));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, v) in pane
        .values
        .iter()
        .enumerate()
        .skip(pane.cursor.top)
        .take(rows)
    {
        let on = (pane.active)(v);
        let mut style = if on {
            t.active()
        } else if v.count == 0 {
            t.dim()
        } else {
            Style::default()
        };
        let selected = i == pane.cursor.selected;
        if selected {
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
                if selected {
                    style
                } else {
                    style.patch(t.dim())
                },
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
