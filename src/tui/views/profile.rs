//! The detail pane: an enterprise's or a park's profile, with its designations as a timeline
//! (level, year, validity, status, where each fact came from) and the targets it counts toward.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::designation::Status;
use crate::store::{DesignationView, EnterpriseProfile, ParkProfile, Provenance};
use crate::tui::state::{Detail, Pane, State};
use crate::tui::theme::Theme;
use crate::tui::widgets::clean;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let focused = state.focus() == Pane::Detail && state.search.is_none();
    let (title, lines) = content(state, area.width);
    let block = t.block(title, focused);
    let p = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((state.detail_scroll, 0));
    frame.render_widget(p, area);
}

/// How far the profile in a pane of `area` can scroll: until its last line is in view.
pub fn max_scroll(state: &State, area: Rect) -> usize {
    content(state, area.width)
        .1
        .len()
        .saturating_sub(area.height.saturating_sub(2) as usize)
}

/// The pane's title and its lines, cut to the inside of a pane `width` columns wide.
fn content(state: &State, width: u16) -> (&'static str, Vec<Line<'static>>) {
    let t = &state.theme;
    let (title, lines) = match state.detail() {
        Some(Detail::Enterprise(p)) => (
            " 企业档案 ",
            enterprise_lines(p, state.detail_targets.as_deref(), t),
        ),
        Some(Detail::Park(p)) => (
            " 园区档案 ",
            park_lines(
                p,
                state.detail_targets.as_deref(),
                state.detail_park_targets.as_deref(),
                t,
            ),
        ),
        None => (
            " 档案 ",
            vec![Line::styled("选中一项后按 Enter 查看档案。", t.dim())],
        ),
    };
    let lines = crate::tui::widgets::hanging(lines, width.saturating_sub(2) as usize);
    (title, lines)
}

fn kv<'a>(label: &str, value: String, t: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label}："), t.label()),
        Span::raw(value),
    ])
}

fn heading<'a>(text: &str, t: &Theme) -> Line<'a> {
    Line::styled(text.to_string(), t.heading())
}

fn status_style(s: Status, t: &Theme) -> Style {
    match s {
        Status::Active => t.good(),
        Status::ReviewDue | Status::Unknown => t.warn(),
        Status::Lapsed | Status::Revoked => t.bad(),
    }
}

/// The designation timeline, newest first: one line for the title, one for batch and source.
fn timeline<'a>(ds: &[DesignationView], t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading(&format!("认定记录（{}）", ds.len()), t));
    if ds.is_empty() {
        out.push(Line::styled("  暂无认定记录", t.dim()));
        return;
    }
    for d in ds {
        let year = d
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "----".into());
        let spans = vec![
            Span::raw("  "),
            Span::styled(year, Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(" "),
            Span::styled(clean(&d.title(), t), t.badge(&d.badge())),
            Span::raw(" "),
            Span::styled(format!("[{}]", d.status.label()), status_style(d.status, t)),
        ];
        out.push(Line::from(spans));
        // The validity opens the detail line: on the title's line a narrow pane would wrap
        // inside it.
        let mut detail = Vec::new();
        if let Some(v) = d.valid_until {
            detail.push(format!("有效期至{v}年"));
        }
        if let Some(b) = d.batch.as_deref().filter(|b| !b.is_empty()) {
            detail.push(clean(b, t));
        }
        if !d.notes.is_empty() {
            detail.push(clean(&d.notes, t));
        }
        let src = clean(&d.provenance.describe(), t);
        if !src.is_empty() {
            detail.push(format!("来源：{src}"));
        }
        if !detail.is_empty() {
            out.push(Line::styled(
                format!("       {}", detail.join("；")),
                t.dim(),
            ));
        }
    }
}

fn targets_block<'a>(targets: Option<&[(String, String)]>, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(Line::raw(""));
    let Some(targets) = targets else {
        out.push(Line::styled("计入目标：按 Enter 查看", t.dim()));
        return;
    };
    out.push(heading(&format!("计入目标（{}）", targets.len()), t));
    if targets.is_empty() {
        out.push(Line::styled("  不计入任何目标", t.dim()));
    }
    for (name, why) in targets {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::raw(clean(name, t)),
            Span::styled(format!("  {}", clean(why, t)), t.dim()),
        ]));
    }
}

fn provenance_line<'a>(p: &Provenance, t: &Theme) -> Option<Line<'a>> {
    let s = clean(&p.describe(), t);
    (!s.is_empty()).then(|| kv("资料来源", s, t))
}

pub fn enterprise_lines<'a>(
    p: &EnterpriseProfile,
    targets: Option<&[(String, String)]>,
    t: &Theme,
) -> Vec<Line<'a>> {
    let mut out = vec![Line::styled(clean(&p.name, t), t.title())];
    if !p.name_is_full {
        out.push(Line::styled("（文件中仅见简称，全称未载明）", t.dim()));
    }
    if !p.short_names.is_empty() {
        let names: Vec<String> = p.short_names.iter().map(|s| clean(s, t)).collect();
        out.push(kv("简称", names.join("、"), t));
    }
    out.push(kv(
        "信用代码",
        p.uscc
            .as_deref()
            .map(|c| clean(c, t))
            .unwrap_or_else(|| "未登记".into()),
        t,
    ));
    out.push(kv(
        "区县",
        clean(p.region_shown().as_deref().unwrap_or("未载明"), t),
        t,
    ));
    out.push(kv(
        "园区",
        clean(p.park.as_deref().unwrap_or("未载明"), t),
        t,
    ));
    if let Some(s) = &p.scale {
        out.push(kv("规模", clean(s, t), t));
    }
    if p.clusters.is_empty() {
        out.push(kv("产业集群", "未归类".into(), t));
    } else {
        for (i, c) in p.clusters.iter().enumerate() {
            let label = if i == 0 { "产业集群" } else { "        " };
            if i == 0 {
                out.push(kv(label, clean(c, t), t));
            } else {
                out.push(Line::raw(format!("          {}", clean(c, t))));
            }
        }
    }
    out.push(Line::raw(""));
    timeline(&p.designations, t, &mut out);
    targets_block(targets, t, &mut out);
    if !p.notes.is_empty() {
        out.push(Line::raw(""));
        out.push(kv("备注", clean(&p.notes, t), t));
    }
    if let Some(line) = provenance_line(&p.provenance, t) {
        out.push(Line::raw(""));
        out.push(line);
    }
    out
}

pub fn park_lines<'a>(
    p: &ParkProfile,
    targets: Option<&[(String, String)]>,
    set_for_it: Option<&[(String, String)]>,
    t: &Theme,
) -> Vec<Line<'a>> {
    let mut out = vec![Line::styled(clean(&p.name, t), t.title())];
    if !p.short_names.is_empty() {
        let names: Vec<String> = p.short_names.iter().map(|s| clean(s, t)).collect();
        out.push(kv("简称", names.join("、"), t));
    }
    out.push(kv("类型", clean(&p.kind, t), t));
    out.push(kv(
        "级别",
        clean(p.level.as_deref().unwrap_or("未定级"), t),
        t,
    ));
    out.push(kv(
        "区县",
        clean(p.region.as_deref().unwrap_or("未载明"), t),
        t,
    ));
    if let Some(parent) = &p.parent {
        out.push(kv("上级园区", clean(parent, t), t));
    }
    if !p.children.is_empty() {
        let c: Vec<String> = p.children.iter().map(|s| clean(s, t)).collect();
        out.push(kv("园中园", c.join("、"), t));
    }
    if !p.clusters.is_empty() {
        out.push(kv(
            "主导产业",
            p.clusters
                .iter()
                .map(|c| clean(c, t))
                .collect::<Vec<_>>()
                .join("；"),
            t,
        ));
    }
    out.push(Line::raw(""));
    timeline(&p.designations, t, &mut out);
    targets_block(targets, t, &mut out);
    if let Some(set) = set_for_it.filter(|s| !s.is_empty()) {
        out.push(Line::raw(""));
        out.push(heading(&format!("本园区的目标（{}）", set.len()), t));
        for (what, target) in set {
            out.push(Line::from(vec![
                Span::raw(format!("  {}", clean(what, t))),
                Span::styled(format!("  {}", clean(target, t)), t.dim()),
            ]));
        }
        if set.iter().any(|(what, _)| what.contains('*')) {
            out.push(Line::styled(
                format!("  {}", crate::targets::INFERRED_YEAR_NOTE),
                t.dim(),
            ));
        }
    }
    out.push(Line::raw(""));
    out.push(heading(
        &format!(
            "园区企业（{} 家，按 Enter 在企业画面列出）",
            p.enterprise_count
        ),
        t,
    ));
    if p.enterprises.is_empty() {
        out.push(Line::styled("  暂无企业记录", t.dim()));
    }
    for e in &p.enterprises {
        out.push(Line::raw(format!("  {}", clean(e, t))));
    }
    if (p.enterprises.len() as i64) < p.enterprise_count {
        out.push(Line::styled(
            format!(
                "  …… 另有 {} 家",
                p.enterprise_count - p.enterprises.len() as i64
            ),
            t.dim(),
        ));
    }
    if !p.notes.is_empty() {
        out.push(Line::raw(""));
        out.push(kv("备注", clean(&p.notes, t), t));
    }
    out.extend(provenance_line(&p.provenance, t));
    out
}
