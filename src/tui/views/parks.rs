//! The parks list: a tree (parks inside a park under it) with kind, level, county and counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::state::{Pane, State};
use crate::tui::widgets::{self, clean};

/// Column widths (name, kind, level, region, enterprises, designations) for an inner width.
pub fn columns(inner: usize) -> Vec<usize> {
    let fixed = [10usize, 6, 8, 4, 4];
    let name = inner.saturating_sub(fixed.iter().sum::<usize>() + fixed.len());
    if name < 16 {
        // Narrow: keep name, level, enterprises.
        let name = inner.saturating_sub(6 + 4 + 2);
        return vec![name, 0, 6, 0, 4, 0];
    }
    // With room to spare, kind and county first get their longest values (特色产业园区,
    // 达州东部经开区) whole; the name keeps the rest.
    let mut fixed = fixed;
    let mut name = name;
    for (col, want) in [(0usize, 14usize), (2, 14)] {
        let give = want
            .saturating_sub(fixed[col])
            .min(name.saturating_sub(NAME_ROOM));
        fixed[col] += give;
        name -= give;
    }
    let mut v = vec![name];
    v.extend(fixed);
    v
}

/// Name width beyond which the other columns may grow.
const NAME_ROOM: usize = 30;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let parks = &state.parks;
    let focused = state.focus() == Pane::List && state.search.is_none();
    let title = if parks.rows.is_empty() {
        " 园区 ".to_string()
    } else {
        format!(" 园区 {}/{} ", parks.cursor.selected + 1, parks.rows.len())
    };
    let block = t.block(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let cols = columns(w);
    let heads = ["园区名称", "类型", "级别", "区县", "企业", "认定"];
    let keep: Vec<usize> = (0..cols.len()).filter(|&i| cols[i] > 0).collect();
    let widths: Vec<usize> = keep.iter().map(|&i| cols[i]).collect();
    let mut lines = vec![widgets::row(
        keep.iter()
            .map(|&i| (heads[i].to_string(), t.heading()))
            .collect(),
        &widths,
        w,
        t,
    )];
    if parks.rows.is_empty() {
        lines.push(Line::styled("库中还没有园区。", t.dim()));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, p) in parks
        .rows
        .iter()
        .enumerate()
        .skip(parks.cursor.top)
        .take(rows)
    {
        let style = if i == parks.cursor.selected {
            t.selected(focused)
        } else {
            Style::default()
        };
        let indent = if p.depth > 0 {
            format!("{}{}", "  ".repeat(p.depth - 1), t.tree_branch())
        } else {
            String::new()
        };
        let all = [
            format!("{indent}{}", clean(&p.name, t)),
            clean(&p.kind, t),
            clean(p.level.as_deref().unwrap_or("未定级"), t),
            clean(p.region.as_deref().unwrap_or(""), t),
            format!("{:>4}", p.enterprises),
            format!("{:>4}", p.designations),
        ];
        let cells = keep.iter().map(|&i| (all[i].clone(), style)).collect();
        lines.push(widgets::row(cells, &widths, w, t));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
