//! The enterprises table: name, county, park, cluster and designation badges, paged from the
//! store so only the visible rows are ever read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::text::display_width;
use crate::store::EnterpriseRow;
use crate::tui::state::{Pane, State};
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, clean};

/// Column widths for an inner width: (name, region, park, cluster, badges); a zero width
/// drops the column.
pub fn columns(inner: usize) -> [usize; 5] {
    let (region, mut park, mut cluster, badges) = (8usize, 12usize, 10usize, 14usize);
    let sep = |n: usize| n;
    let mut name = inner.saturating_sub(region + park + cluster + badges + sep(4));
    if name < 16 {
        cluster = 0;
        name = inner.saturating_sub(region + park + badges + sep(3));
    }
    if name < 16 {
        park = 0;
        name = inner.saturating_sub(region + badges + sep(2));
    }
    if inner >= 110 {
        // Spare room goes to the name first, up to 36, then to park and cluster.
        let extra = name.saturating_sub(36);
        name -= extra;
        park += extra / 3;
        cluster += extra / 3;
        name += extra - 2 * (extra / 3);
    }
    [name, region, park, cluster, badges]
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let list = &state.enterprises;
    let focused = state.focus() == Pane::List && state.search.is_none();
    let title = if list.total == 0 {
        " 企业 ".to_string()
    } else {
        format!(" 企业 {}/{} ", list.cursor.selected + 1, list.total)
    };
    let block = t.block(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let cols = columns(w);
    let mut lines: Vec<Line> = Vec::with_capacity(inner.height as usize);
    lines.push(header(&cols, w, t));
    if list.total == 0 {
        lines.push(Line::styled(
            if state.filter.is_empty() {
                "库中还没有企业。可用 yuanqi import 导入名单。"
            } else {
                "没有符合当前筛选的企业。按 x 清除筛选。"
            },
            t.dim(),
        ));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for i in list.cursor.top..(list.cursor.top + rows).min(list.total) {
        let selected = i == list.cursor.selected;
        let line = match list.row(i) {
            Some(r) => row_line(r, &cols, w, t, selected.then(|| t.selected(focused))),
            None => Line::styled("…", t.dim()),
        };
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn header<'a>(cols: &[usize; 5], w: usize, t: &Theme) -> Line<'a> {
    let names = ["企业名称", "区县", "园区", "产业集群", "认定"];
    let cells: Vec<(String, Style)> = names
        .iter()
        .zip(cols)
        .filter(|(_, w)| **w > 0)
        .map(|(n, _)| (n.to_string(), t.heading()))
        .collect();
    let widths: Vec<usize> = cols.iter().copied().filter(|w| *w > 0).collect();
    widgets::row(cells, &widths, w, t)
}

fn row_line<'a>(
    r: &EnterpriseRow,
    cols: &[usize; 5],
    w: usize,
    t: &Theme,
    selected: Option<Style>,
) -> Line<'a> {
    let base = selected.unwrap_or_default();
    let mut spans: Vec<Span> = Vec::new();
    let values = [
        clean(&r.name, t),
        clean(r.region.as_deref().unwrap_or(""), t),
        clean(r.park.as_deref().unwrap_or(""), t),
        clean(&r.clusters.join("、"), t),
    ];
    let mut used = 0;
    for (v, cw) in values.iter().zip(cols.iter()) {
        if *cw == 0 {
            continue;
        }
        spans.push(Span::styled(widgets::fit(v, *cw, t), base));
        spans.push(Span::styled(" ", base));
        used += cw + 1;
    }
    let room = w.saturating_sub(used);
    spans.extend(badge_spans(&r.badges, room, t, base));
    Line::from(spans)
}

/// Designation badges, each coloured by level, cut to `width` columns.
pub fn badge_spans<'a>(badges: &[String], width: usize, t: &Theme, base: Style) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, b) in badges.iter().enumerate() {
        let b = clean(b, t);
        let sep = usize::from(i > 0);
        let bw = display_width(&b);
        if used + sep + bw > width {
            let left = width.saturating_sub(used + sep);
            if left > 0 {
                if sep == 1 {
                    spans.push(Span::styled(" ", base));
                }
                let cut = widgets::truncate(&b, left, t);
                used += sep + display_width(&cut);
                spans.push(Span::styled(cut, base.patch(t.badge(&b))));
            }
            break;
        }
        if sep == 1 {
            spans.push(Span::styled(" ", base));
        }
        used += sep + bw;
        spans.push(Span::styled(b.clone(), base.patch(t.badge(&b))));
    }
    if used < width {
        spans.push(Span::styled(" ".repeat(width - used), base));
    }
    spans
}
