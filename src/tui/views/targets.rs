//! The Targets screen: each target's progress (computed from the records and reported in the
//! documents, side by side), its status, and on Enter the breakdown by county with the
//! enterprises that count and those close to counting.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::text::display_width;
use crate::targets::TargetStatus;
use crate::tui::state::{Pane, State, TargetLine};
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, clean, num};

fn status_style(status: TargetStatus, t: &Theme) -> Style {
    match status {
        TargetStatus::Met => t.good(),
        TargetStatus::OnTrack => t.warn(),
        TargetStatus::Behind | TargetStatus::Missed => t.bad(),
        TargetStatus::NotStarted | TargetStatus::NoData => t.dim(),
    }
}

pub fn draw_list(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let ts = &state.targets;
    let focused = state.focus() == Pane::List && state.search.is_none();
    let title = if ts.rows.is_empty() {
        " 目标 ".to_string()
    } else {
        format!(" 目标 {}/{} ", ts.cursor.selected + 1, ts.rows.len())
    };
    let block = t.block(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let cols = columns(w);
    let widths: Vec<usize> = cols.iter().map(|c| c.width(w, &cols)).collect();
    let mut lines = vec![widgets::row(
        cols.iter()
            .map(|c| (c.head().to_string(), t.heading()))
            .collect(),
        &widths,
        w,
        t,
    )];
    if let Some(why) = &ts.unavailable {
        lines.push(Line::styled(clean(why, t), t.dim()));
    } else if ts.rows.is_empty() {
        lines.push(Line::styled("库中还没有目标。", t.dim()));
    }
    let bar_column = cols.contains(&Col::Bar);
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, r) in ts.rows.iter().enumerate().skip(ts.cursor.top).take(rows) {
        let base = if i == ts.cursor.selected {
            t.selected(focused)
        } else {
            Style::default()
        };
        // The real figure, however far past the target: "3996%" reads as "40倍" (times).
        let pct = r.progress.map(|p| {
            if p >= 10.0 {
                format!("{:.0}倍", p.min(99_999.0))
            } else {
                format!("{:>3.0}%", p * 100.0)
            }
        });
        let cells = cols
            .iter()
            .map(|c| match c {
                Col::Name => (clean(&r.name, t), base),
                Col::Scope => (clean(&r.scope, t), base),
                Col::Period => (clean(&r.period, t), base),
                Col::Target => (clean(&r.target, t), base),
                Col::Computed => (r.computed.map(num).unwrap_or_else(|| "-".into()), base),
                Col::Reported => (clean(r.reported.as_deref().unwrap_or("-"), t), base),
                Col::Bar => match (r.progress, &pct) {
                    (Some(p), Some(pct)) => (
                        format!(
                            "{} {pct}",
                            widgets::bar(p, 12usize.saturating_sub(display_width(pct)).max(4), t)
                        ),
                        base.patch(t.good()),
                    ),
                    _ => ("-".to_string(), base),
                },
                Col::Status => {
                    // Without the bar column the status carries the percentage.
                    let label = match (&pct, bar_column) {
                        (Some(pct), false) => format!("{} {}", pct.trim_start(), r.status.label()),
                        _ => r.status.label().to_string(),
                    };
                    (label, base.patch(status_style(r.status, t)))
                }
            })
            .collect();
        lines.push(widgets::row(cells, &widths, w, t));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// From this inner width on, the targets list draws a progress bar.
const BAR_COLUMN_FROM: usize = 96;

/// The targets name column gets at least this many columns; narrower, the least needed
/// columns go first.
const NAME_MIN: usize = 24;

/// The columns of the targets list, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Scope,
    Period,
    Target,
    Computed,
    Reported,
    Bar,
    Status,
}

impl Col {
    fn head(self) -> &'static str {
        match self {
            Col::Name => "目标",
            Col::Scope => "范围",
            Col::Period => "期间",
            Col::Target => "目标值",
            Col::Computed => "计算",
            Col::Reported => "填报",
            Col::Bar => "进度",
            Col::Status => "状态",
        }
    }

    /// The column's width; the name takes what the others leave (one space between columns).
    fn width(self, w: usize, cols: &[Col]) -> usize {
        match self {
            Col::Name => w.saturating_sub(
                cols.iter()
                    .filter(|c| **c != Col::Name)
                    .map(|c| c.width(w, cols) + 1)
                    .sum(),
            ),
            // The label alone beside the bar; "100% 进行中" without it.
            Col::Status if cols.contains(&Col::Bar) => 8,
            c => c.fixed(),
        }
    }

    fn fixed(self) -> usize {
        match self {
            Col::Name => 0,
            Col::Scope => 12,
            // "2022–2023*"
            Col::Period => 10,
            Col::Target => 10,
            Col::Computed => 5,
            Col::Reported => 9,
            Col::Bar => 13,
            // "3996% 已完成"
            Col::Status => 12,
        }
    }
}

/// The columns that fit `w`: all of them when wide; narrower, the bar goes (its percentage
/// moves into the status), then what the detail pane also shows — the reported figure, the
/// period, the computed figure — until the name has [`NAME_MIN`] columns. The scope stays
/// longest: several scopes set targets of the same name (工业投资增长 for the city, 大足区
/// and two of its parks).
fn columns(w: usize) -> Vec<Col> {
    let mut cols = vec![
        Col::Name,
        Col::Scope,
        Col::Period,
        Col::Target,
        Col::Computed,
        Col::Reported,
        Col::Bar,
        Col::Status,
    ];
    if w < BAR_COLUMN_FROM {
        cols.retain(|c| *c != Col::Bar);
    }
    for drop in [
        Col::Reported,
        Col::Period,
        Col::Computed,
        Col::Target,
        Col::Scope,
    ] {
        if Col::Name.width(w, &cols) >= NAME_MIN {
            break;
        }
        cols.retain(|c| *c != drop);
    }
    cols
}

fn selected(state: &State) -> Option<&TargetLine> {
    state.targets.rows.get(state.targets.cursor.selected)
}

/// The detail pane: what the target is (code, scope, period, kind, target, what counts,
/// source), where it stands, and after Enter who counts — or, for a recorded target that no
/// record can compute, every figure reported against it.
pub fn draw_detail(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let focused = state.focus() == Pane::Detail && state.search.is_none();
    let block = t.block(" 目标详情 ", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(r) = selected(state) else {
        frame.render_widget(
            Paragraph::new(Line::styled("选中一项目标后按 Enter。", t.dim())),
            inner,
        );
        return;
    };
    let width = inner.width as usize;
    let (lines, holder_line) = detail_lines(state, r, width, focused);
    // Laid out line by line to know the row the selected holder lands on: the pane scrolls
    // to keep it in view; without holders it scrolls as the user moves.
    let mut rows = Vec::with_capacity(lines.len());
    let mut holder_row = None;
    for (i, line) in lines.into_iter().enumerate() {
        if Some(i) == holder_line {
            holder_row = Some(rows.len());
        }
        rows.extend(widgets::hanging(vec![line], width));
    }
    let visible = inner.height as usize;
    // The pane opens at its top; once the user walks the holders it keeps the selected one in
    // view (with a row below it), and moving on past the last one scrolls on to the end.
    let follow = match holder_row {
        Some(row) if state.targets.holder > 0 => (row + 2).saturating_sub(visible),
        _ => 0,
    };
    let end = rows.len().saturating_sub(visible);
    let scroll = (follow + state.detail_scroll as usize).min(end) as u16;
    frame.render_widget(
        Paragraph::new(rows)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// The detail's lines, and which of them is the selected holder (when the detail is focused
/// and lists holders).
fn detail_lines<'a>(
    state: &'a State,
    r: &'a TargetLine,
    width: usize,
    focused: bool,
) -> (Vec<Line<'a>>, Option<usize>) {
    let t = &state.theme;
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k}："), t.label()),
            Span::raw(v),
        ])
    };
    let reported = match (&r.reported_in_full, &r.reported_source) {
        (Some(v), Some(src)) => format!("{} — {}", clean(v, t), clean(src, t)),
        (Some(v), None) => clean(v, t),
        _ => "无".to_string(),
    };
    let computed = match (r.computed, r.recorded) {
        (Some(c), _) => num(c),
        (None, true) => "无（填报类，企业记录算不出）".into(),
        (None, false) => "-".into(),
    };
    let mut lines = vec![
        Line::styled(clean(&r.name, t), t.title()),
        kv("代码", clean(&r.code, t)),
        kv("范围", clean(&r.scope, t)),
        kv(
            "期间 / 口径",
            format!("{} / {}", clean(&r.period, t), clean(&r.kind, t)),
        ),
        kv(
            "目标",
            match r.baseline {
                Some(b) => format!("{}（基数 {}）", clean(&r.target, t), num(b)),
                None => clean(&r.target, t),
            },
        ),
        kv("计算", computed),
        kv("填报", reported),
    ];
    if let Some(n) = &r.period_note {
        lines.insert(4, kv("*年份", clean(n, t)));
    }
    if let Some(note) =
        crate::targets::below_baseline_note(r.baseline, r.computed, r.reported.is_some())
    {
        lines.push(Line::styled(format!("  {note}"), t.dim()));
    }
    if !r.counts.trim().is_empty() {
        lines.push(kv("计入", clean(&r.counts, t)));
    }
    lines.push(kv("来源", clean(&r.source, t)));
    if !r.notes.trim().is_empty() {
        lines.push(kv("备注", clean(&r.notes, t)));
    }
    let pct = r
        .progress
        .filter(|p| p.is_finite())
        .map(|p| format!(" {:.0}%", p * 100.0))
        .unwrap_or_default();
    // Which figure the bar follows: a reported one when there is one (it can differ from the
    // computed figure above), measured from the baseline when set.
    let basis = match r.progress {
        Some(_) => {
            let basis = if r.reported.is_some() {
                "填报"
            } else {
                "计算"
            };
            let from = r
                .baseline
                .map(|b| format!("，自基数 {} 起算", num(b)))
                .unwrap_or_default();
            format!("（按{basis}数{from}）")
        }
        None => String::new(),
    };
    let bar_w = width
        .saturating_sub(16 + display_width(&basis))
        .clamp(4, 40);
    lines.push(Line::from(vec![
        Span::styled(
            widgets::bar(r.progress.unwrap_or(0.0), bar_w, t),
            status_style(r.status, t),
        ),
        Span::styled(
            format!(" {}{pct}", r.status.label()),
            status_style(r.status, t),
        ),
        Span::styled(basis, t.dim()),
    ]));
    lines.push(Line::raw(""));

    let Some(d) = state.targets.detail.as_ref().filter(|d| d.id == r.id) else {
        let what = if r.recorded {
            "按 Enter 查看填报记录。"
        } else {
            "按 Enter 查看分县情况、计入企业与接近达标的企业。"
        };
        lines.push(Line::styled(what, t.dim()));
        return (lines, None);
    };
    let mut holder_line = None;
    if r.recorded {
        lines.push(Line::styled(
            "填报类目标：按库中的企业记录算不出，只列文件或用户填报的数。",
            t.dim(),
        ));
    } else {
        lines.push(Line::styled("分县（市、区）", t.heading()));
        // Each county's bar against the target (against the whole when the target has no
        // count): 2 of 400 is a sliver, not a full bar.
        let total: f64 = match r.target_value {
            Some(v) if v > 0.0 && !r.recorded => v,
            _ => d.by_region.iter().map(|(_, v)| *v).sum(),
        };
        // Labels as wide as the longest (未分县（市、区）), as far as the pane allows.
        let label_w = d
            .by_region
            .iter()
            .map(|(r, _)| crate::model::text::display_width(&clean(r, t)))
            .max()
            .unwrap_or(0)
            .clamp(8, width.saturating_sub(24).max(8));
        for (region, v) in &d.by_region {
            let ratio = if total > 0.0 {
                (v / total).min(1.0)
            } else {
                0.0
            };
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "  {} ",
                    widgets::fit(&clean(region, t), label_w, t)
                )),
                Span::styled(widgets::bar(ratio, 12, t), t.good()),
                Span::raw(format!(" {}", num(*v))),
            ]));
        }
        if d.by_region.is_empty() {
            lines.push(Line::styled("  无", t.dim()));
        }
        let mut k = 0;
        for (heading, list) in [("计入", &d.counting), ("接近计入或需关注", &d.close)] {
            lines.push(Line::styled(
                format!("{heading}（{}）", list.len()),
                t.heading(),
            ));
            if list.is_empty() && heading == "计入" {
                lines.push(Line::styled("  库中没有符合口径的记录", t.dim()));
            }
            for c in list {
                let chosen = focused && k == state.targets.holder;
                if chosen {
                    holder_line = Some(lines.len());
                }
                let sel = t.selected(true);
                let line = Line::from(vec![
                    Span::styled(
                        format!("  {}", clean(&c.name, t)),
                        if chosen { sel } else { Style::default() },
                    ),
                    Span::styled(
                        format!("  {}", clean(&c.reason, t)),
                        if chosen { sel } else { t.dim() },
                    ),
                ]);
                let line = if chosen { line.style(sel) } else { line };
                lines.push(line);
                k += 1;
            }
        }
    }
    lines.push(Line::styled(
        format!("填报记录（{}）", d.reports.len()),
        t.heading(),
    ));
    for (figure, source) in &d.reports {
        lines.push(Line::from(vec![
            Span::raw(format!("  {}", clean(figure, t))),
            Span::styled(format!("  {}", clean(source, t)), t.dim()),
        ]));
    }
    if d.reports.is_empty() {
        lines.push(Line::styled(
            format!(
                "  尚无。可用 yuanqi targets report {} 数值 --as-of 时间 填报。",
                clean(&r.code, t)
            ),
            t.dim(),
        ));
    }
    (lines, holder_line)
}
