//! Views: pure functions of `&State` that draw into a `Frame`.
//!
//! The layout arithmetic lives here too ([`list_rows`], [`facet_rows`] …) so that `update`
//! pages and scrolls by exactly what the views show.

pub mod enterprises;
pub mod facets;
pub mod help;
pub mod parks;
pub mod profile;
pub mod search;
pub mod status;
pub mod targets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::action::Screen;
use super::state::{Pane, State};

/// From this many columns on, list and detail are shown side by side.
pub const WIDE: u16 = 100;
/// The same for the Targets screen, whose table has more columns.
pub const TARGETS_WIDE: u16 = 150;
/// Below this size the interface shows a message instead of a layout that cannot fit.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// Width of the facet pane.
pub const FACET_WIDTH: u16 = 30;

/// Rows above and below the body: the tab line, the status line and the key hints.
const CHROME: u16 = 3;

/// Where the panes of the current screen go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Body {
    pub facets: Option<Rect>,
    pub list: Option<Rect>,
    pub detail: Option<Rect>,
}

pub fn body_layout(area: Rect, state: &State) -> Body {
    let mut body = Body::default();
    let focus = state.focus();
    let has_detail = match state.screen {
        Screen::Targets => state.targets.detail.is_some(),
        _ => state.detail().is_some(),
    };
    let mut rest = area;
    let facets = facets_shown(state);
    // The targets table needs the width more than the detail does.
    let wide = area.width
        >= if state.screen == Screen::Targets {
            TARGETS_WIDE
        } else {
            WIDE
        };
    if !wide && focus == Pane::Detail && has_detail {
        body.detail = Some(area);
        return body;
    }
    if facets {
        // The targets table needs about 80 columns to keep its name column readable.
        let list_min = if state.screen == Screen::Targets {
            80
        } else {
            40
        };
        if area.width < FACET_WIDTH + list_min {
            // Too narrow for both: whichever has the keyboard takes the body.
            if focus == Pane::Facets {
                body.facets = Some(area);
            } else {
                body.list = Some(area);
            }
            return body;
        }
        let [f, r] =
            Layout::horizontal([Constraint::Length(FACET_WIDTH), Constraint::Min(0)]).areas(area);
        body.facets = Some(f);
        rest = r;
    }
    if wide {
        let [l, d] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
            .areas(rest);
        body.list = Some(l);
        body.detail = Some(d);
    } else {
        body.list = Some(rest);
    }
    body
}

/// Where the body (between the tab line and the status lines) is on the terminal.
pub fn body_rect(state: &State) -> Rect {
    let (w, h) = state.size;
    Rect::new(0, 1, w, h.saturating_sub(CHROME))
}

const BRAND: &str = " 园企 ";

fn tab_label(i: usize, s: Screen) -> String {
    format!(" {} {} ", i + 1, s.label())
}

/// The screen whose tab is at column `x` of the tab line.
pub fn tab_at(x: u16) -> Option<Screen> {
    let mut at = crate::model::text::display_width(BRAND);
    for (i, s) in Screen::ALL.iter().enumerate() {
        at += 1;
        let w = crate::model::text::display_width(&tab_label(i, *s));
        if (at..at + w).contains(&(x as usize)) {
            return Some(*s);
        }
        at += w;
    }
    None
}

fn body_height(state: &State) -> usize {
    state.size.1.saturating_sub(CHROME) as usize
}

/// Data rows visible in a list pane (border and header excluded).
pub fn list_rows(state: &State) -> usize {
    body_height(state).saturating_sub(3).max(1)
}

/// Values visible in the facet pane (border and dimension header excluded).
/// Whether the current screen shows a filter pane: the enterprises' facets, the parks'
/// counties or the targets' scopes.
pub fn facets_shown(state: &State) -> bool {
    match state.screen {
        Screen::Enterprises => state.show_facets,
        Screen::Targets => state.targets.show_scopes,
        Screen::Parks => state.parks.show_counties,
    }
}

pub fn facet_rows(state: &State) -> usize {
    body_height(state).saturating_sub(3).max(1)
}

/// Lines visible in the detail pane.
pub fn detail_rows(state: &State) -> usize {
    body_height(state).saturating_sub(2).max(1)
}

/// How far the profile in the detail pane can scroll (0 when no profile pane is on show).
pub fn profile_max_scroll(state: &State) -> usize {
    body_layout(body_rect(state), state)
        .detail
        .map_or(0, |area| profile::max_scroll(state, area))
}

/// Result lines visible under the search box.
pub fn search_rows(state: &State) -> usize {
    body_height(state).saturating_sub(4).max(1)
}

pub fn help_rows(state: &State) -> usize {
    body_height(state).saturating_sub(2).max(1)
}

/// How far the help can scroll: until its last line is in view.
pub fn help_len(state: &State) -> usize {
    let area = body_rect(state);
    let r = centered(area, 84, area.height);
    let inner_w = r.width.saturating_sub(2) as usize;
    help::wrapped(&state.theme, inner_w)
        .len()
        .saturating_sub(r.height.saturating_sub(2) as usize)
}

/// Draw the whole interface.
pub fn draw(frame: &mut Frame, state: &State) {
    draw_all(frame, state);
    if state.theme.ascii {
        super::widgets::asciify(frame.buffer_mut());
    }
}

fn draw_all(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [tabs, body, status_area, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_tabs(frame, tabs, state);
    let b = body_layout(body, state);
    match state.screen {
        Screen::Enterprises => {
            if let Some(r) = b.facets {
                facets::draw(frame, r, state);
            }
            if let Some(r) = b.list {
                enterprises::draw(frame, r, state);
            }
            if let Some(r) = b.detail {
                profile::draw(frame, r, state);
            }
        }
        Screen::Parks => {
            if let Some(r) = b.facets {
                facets::draw_counties(frame, r, state);
            }
            if let Some(r) = b.list {
                parks::draw(frame, r, state);
            }
            if let Some(r) = b.detail {
                profile::draw(frame, r, state);
            }
        }
        Screen::Targets => {
            if let Some(r) = b.facets {
                facets::draw_scopes(frame, r, state);
            }
            if let Some(r) = b.list {
                targets::draw_list(frame, r, state);
            }
            if let Some(r) = b.detail {
                targets::draw_detail(frame, r, state);
            }
        }
    }
    status::draw_status(frame, status_area, state);
    status::draw_hints(frame, hints, state);
    if state.search.is_some() {
        search::draw(frame, body, state);
    }
    if let Some(scroll) = state.help {
        help::draw(frame, body, state, scroll);
    }
}

fn draw_tabs(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let mut spans = vec![Span::styled(BRAND, t.title())];
    for (i, s) in Screen::ALL.iter().enumerate() {
        spans.push(Span::raw(" "));
        let label = tab_label(i, *s);
        if *s == state.screen {
            spans.push(Span::styled(label, t.tab_active()));
        } else {
            spans.push(Span::styled(label, t.dim()));
        }
    }
    let (e, p, d) = state.totals;
    let right = format!("企业 {e} · 园区 {p} · 认定 {d} ");
    let right = if t.ascii {
        right.replace('·', "|")
    } else {
        right
    };
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let rw = crate::model::text::display_width(&right);
    if used + rw < area.width as usize {
        spans.push(Span::raw(" ".repeat(area.width as usize - used - rw)));
        spans.push(Span::styled(right, t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One phrase per line, centred, so a narrow window never cuts a phrase in the middle.
fn too_small(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let phrases = [
        "窗口太小".to_string(),
        format!("至少需要 {MIN_WIDTH}×{MIN_HEIGHT}"),
        format!("当前 {}×{}", area.width, area.height),
        "请放大终端窗口".to_string(),
    ];
    let lines: Vec<Line> = phrases
        .iter()
        .flat_map(|p| crate::model::text::wrap_width(p, area.width.max(1) as usize))
        .map(Line::from)
        .collect();
    let h = (lines.len() as u16).min(area.height);
    let at = Rect::new(area.x, area.y + (area.height - h) / 2, area.width, h);
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), at);
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
