//! The Targets screen: each target's progress (computed from the records and reported in the
//! documents, side by side), its status, and on Enter the breakdown by county with the
//! enterprises that count and those close to counting.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Wrap};

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
    // name, period, target, computed, reported, bar, status
    let fixed = [9usize, 10, 5, 9, 13, 8];
    let mut widths = vec![w.saturating_sub(fixed.iter().sum::<usize>() + fixed.len())];
    widths.extend(fixed);
    let heads = ["目标", "期间", "目标值", "计算", "填报", "进度", "状态"];
    let mut lines = vec![widgets::row(
        heads.iter().map(|h| (h.to_string(), t.heading())).collect(),
        &widths,
        w,
        t,
    )];
    if let Some(why) = &ts.unavailable {
        lines.push(Line::styled(clean(why, t), t.dim()));
    } else if ts.rows.is_empty() {
        lines.push(Line::styled("库中还没有目标。", t.dim()));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for (i, r) in ts.rows.iter().enumerate().skip(ts.cursor.top).take(rows) {
        let base = if i == ts.cursor.selected {
            t.selected(focused)
        } else {
            Style::default()
        };
        let bar = match r.progress {
            Some(p) => format!("{} {:>3.0}%", widgets::bar(p, 8, t), (p * 100.0).min(999.0)),
            None => "-".to_string(),
        };
        let cells = vec![
            (clean(&r.name, t), base),
            (clean(&r.period, t), base),
            (clean(&r.target, t), base),
            (r.computed.map(num).unwrap_or_else(|| "-".into()), base),
            (clean(r.reported.as_deref().unwrap_or("-"), t), base),
            (bar, base.patch(t.good())),
            (
                r.status.label().to_string(),
                base.patch(status_style(r.status, t)),
            ),
        ];
        lines.push(widgets::row(cells, &widths, w, t));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn selected(state: &State) -> Option<&TargetLine> {
    state.targets.rows.get(state.targets.cursor.selected)
}

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
    let [head, gauge, body] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k}："), t.label()),
            Span::raw(v),
        ])
    };
    let dot = if t.ascii { " - " } else { " · " };
    let reported = match (&r.reported, &r.reported_source) {
        (Some(v), Some(src)) => format!("{}（{}）", clean(v, t), clean(src, t)),
        (Some(v), None) => clean(v, t),
        _ => "无".to_string(),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(clean(&r.name, t), t.title()),
            kv(
                "范围",
                format!(
                    "{}{dot}{}{dot}{}",
                    clean(&r.scope, t),
                    clean(&r.period, t),
                    clean(&r.kind, t)
                ),
            ),
            kv(
                "目标 / 计算",
                format!(
                    "{} / {}",
                    clean(&r.target, t),
                    r.computed.map(num).unwrap_or_else(|| "-".into()),
                ),
            ),
            kv("填报", reported),
            kv("口径", clean(&r.counts, t)),
            kv("来源", clean(&r.source, t)),
        ])
        .wrap(Wrap { trim: false }),
        head,
    );
    let ratio = r.progress.unwrap_or(0.0);
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut g = LineGauge::default()
        .ratio(ratio)
        .label(format!(
            "{} {:.0}%",
            r.status.label(),
            r.progress.unwrap_or(0.0) * 100.0
        ))
        .filled_style(status_style(r.status, t))
        .unfilled_style(t.dim());
    if t.ascii {
        g = g.filled_symbol("#").unfilled_symbol("-");
    }
    frame.render_widget(g, gauge);

    let mut lines = Vec::new();
    if let Some(d) = &state.targets.detail {
        lines.push(Line::styled("分县（市、区）", t.heading()));
        let max = d.by_region.iter().map(|(_, v)| *v).fold(0.0, f64::max);
        for (region, v) in &d.by_region {
            let ratio = if max > 0.0 { v / max } else { 0.0 };
            lines.push(Line::from(vec![
                Span::raw(format!("  {} ", widgets::fit(&clean(region, t), 12, t))),
                Span::styled(widgets::bar(ratio, 12, t), t.good()),
                Span::raw(format!(" {}", num(*v))),
            ]));
        }
        if d.by_region.is_empty() {
            lines.push(Line::styled("  无", t.dim()));
        }
        lines.push(Line::styled(
            format!("计入的企业（{}）", d.counting.len()),
            t.heading(),
        ));
        for (name, why) in &d.counting {
            lines.push(Line::from(vec![
                Span::raw(format!("  {}", clean(name, t))),
                Span::styled(format!("  {}", clean(why, t)), t.dim()),
            ]));
        }
        lines.push(Line::styled(
            format!("接近达标（{}）", d.close.len()),
            t.heading(),
        ));
        for (name, why) in &d.close {
            lines.push(Line::from(vec![
                Span::raw(format!("  {}", clean(name, t))),
                Span::styled(format!("  {}", clean(why, t)), t.dim()),
            ]));
        }
    } else {
        lines.push(Line::styled(
            "按 Enter 查看分县情况、计入企业与接近达标的企业。",
            t.dim(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll, 0)),
        body,
    );
}
