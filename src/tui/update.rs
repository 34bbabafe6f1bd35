//! `update(&mut State, Action)`: the only place the state changes.
//!
//! Returns the effects the run loop must carry out (draw, quit, write an OSC 52 sequence, build
//! the search index off the UI thread); `update` itself never touches the terminal.

use std::sync::Arc;

use crate::model::HolderKind;
use crate::store::{Facet, Store, StoreError};

use super::action::{Action, IndexHandle, Screen};
use super::state::{BackTo, Cursor, Detail, Pane, SearchState, State, screen_index};
use super::{export, targets_data, views};

/// What the run loop must do after an action.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    /// The screen changed: draw a frame.
    Redraw,
    Quit,
    /// Put this text on the user's clipboard (OSC 52).
    Copy(String),
    /// (Re)build the search index in the background.
    BuildIndex,
    /// Run a slow read on the background connection; its result comes back as an action.
    Query(Job),
}

/// A read to run off the UI thread, on a connection of its own.
pub struct Job(pub Box<dyn FnOnce(&Store) -> Action + Send>);

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl PartialEq for Job {
    /// Jobs are closures: no two are the same.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl Eq for Job {}

/// Count the values of the facet dimension on show under the current filters: on the
/// background connection when there is one (slow at 100 000 enterprises), else at once.
fn request_facets(state: &mut State, fx: &mut Vec<Effect>) {
    if !state.show_facets {
        return;
    }
    let facet = state.facets.facet();
    let filter = state.filter.clone();
    state.facets.loading = true;
    let job = move |store: &Store| {
        let values = store.facet(facet, &filter).map_err(|e| e.to_string());
        Action::FacetsReady(facet, filter, values)
    };
    if state.background {
        fx.push(Effect::Query(Job(Box::new(job))));
    } else {
        let action = job(&state.store);
        let _ = apply(state, action, fx);
    }
}

/// Apply `action` to `state`. A failing store query becomes an error on the status line.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    let quiet = matches!(action, Action::CheckData | Action::IndexReady(_));
    if !quiet {
        fx.push(Effect::Redraw);
    }
    if let Err(e) = apply(state, action, &mut fx) {
        state.error(format!("读取数据失败：{e}"));
        if !fx.contains(&Effect::Redraw) {
            fx.push(Effect::Redraw);
        }
    }
    fx
}

fn apply(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    // Non-key actions first: they apply whatever overlay is open.
    match action {
        Action::Resize(w, h) => {
            state.size = (w, h);
            relayout(state)?;
            // Side by side again, the profile shows what the list has selected (the cursor
            // may have moved while the terminal was narrow and the profile hidden).
            if state.wide() && (state.detail().is_none() || state.focus() == Pane::List) {
                follow_selection(state)?;
            }
            return Ok(());
        }
        Action::CheckData => return check_data(state, fx),
        Action::FacetsReady(facet, filter, values) => {
            if facet != state.facets.facet() || filter != state.filter {
                return Ok(()); // Stale: the user has moved on.
            }
            state.facets.loading = false;
            match values {
                Ok(v) => state.facets.values = v,
                Err(e) => state.error(format!("无法统计筛选项：{e}")),
            }
            let rows = views::facet_rows(state);
            let len = state.facets.values.len();
            let keep = state.facets.keep.take();
            if let Some(i) = keep.and_then(|k| state.facets.values.iter().position(|x| x.key == k))
            {
                state.facets.cursor.to(i, len, rows);
            }
            state.facets.cursor.scroll_into_view(len, rows);
            fx.push(Effect::Redraw);
            return Ok(());
        }
        Action::IndexReady(handle) => {
            state.index = Some(handle.0);
            state.index_building = false;
            if state.search.as_ref().is_some_and(|s| !s.query.is_empty()) {
                run_search(state, fx);
                fx.push(Effect::Redraw);
            }
            return Ok(());
        }
        Action::Quit => {
            fx.push(Effect::Quit);
            return Ok(());
        }
        Action::Click(..) | Action::Wheel { .. } => return mouse(state, action, fx),
        _ => {}
    }

    if let Some(scroll) = state.help {
        let page = views::help_rows(state) as u16;
        state.help = match action {
            Action::Up => Some(scroll.saturating_sub(1)),
            Action::Down => Some(scroll.saturating_add(1).min(views::help_len(state) as u16)),
            Action::PageUp => Some(scroll.saturating_sub(page)),
            Action::PageDown => Some(
                scroll
                    .saturating_add(page)
                    .min(views::help_len(state) as u16),
            ),
            Action::Home => Some(0),
            Action::End => Some(views::help_len(state) as u16),
            Action::Back | Action::Help => None,
            _ => Some(scroll),
        };
        return Ok(());
    }

    if state.search.is_some() {
        return search_action(state, action, fx);
    }

    // A new key press retires the last message, except the one it is about to set.
    state.message = None;

    match action {
        Action::Help => state.help = Some(0),
        Action::StartSearch if state.screen == Screen::Targets => {
            state.ensure_targets();
            state.search = Some(SearchState {
                targets: Some(IndexHandle(std::sync::Arc::new(
                    targets_data::search_index(state),
                ))),
                ..SearchState::default()
            });
            if state.index.is_none() && !state.index_building {
                state.index_building = true;
                fx.push(Effect::BuildIndex);
            }
        }
        Action::StartSearch => {
            state.search = Some(SearchState::default());
            if state.index.is_none() && !state.index_building {
                state.index_building = true;
                fx.push(Effect::BuildIndex);
            }
        }
        Action::Show(s) => show(state, s)?,
        Action::NextScreen | Action::PrevScreen => {
            let i = screen_index(state.screen);
            let n = Screen::ALL.len();
            let j = if matches!(action, Action::NextScreen) {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            show(state, Screen::ALL[j])?;
        }
        Action::NextPane | Action::PrevPane => {
            cycle_pane(state, matches!(action, Action::NextPane))?
        }
        Action::ToggleFacets if state.screen != Screen::Enterprises => {
            // Targets filter by their scope and parks by their county, each in a pane of its
            // own. Where the pane and the table take turns (a narrow terminal), a pane that is
            // open but out of sight is brought back rather than closed.
            let shown = match state.screen {
                Screen::Targets => state.targets.show_scopes,
                _ => state.parks.show_counties,
            };
            let show = out_of_sight(state, shown) || !shown;
            match state.screen {
                Screen::Targets => state.targets.show_scopes = show,
                _ => state.parks.show_counties = show,
            }
            if show {
                state.set_focus(Pane::Facets);
            } else if state.focus() == Pane::Facets {
                state.set_focus(Pane::List);
            }
            relayout(state)?;
        }
        Action::ToggleFacets => {
            // As for the scope pane: a pane open but out of sight comes back.
            let hidden = out_of_sight(state, state.show_facets);
            state.show_facets = hidden || !state.show_facets;
            if state.show_facets {
                state.set_focus(Pane::Facets);
                request_facets(state, fx);
            } else if state.focus() == Pane::Facets {
                state.set_focus(Pane::List);
            }
            relayout(state)?;
        }
        Action::NextFacet | Action::PrevFacet if state.screen != Screen::Enterprises => {}
        Action::ClearFilters if state.screen == Screen::Parks => {
            if state.parks.county.take().is_some() {
                state.apply_county()?;
                state.info("已清除园区的区县筛选");
            } else {
                state.info("没有生效的筛选");
            }
        }
        Action::ClearFilters if state.screen == Screen::Targets => {
            state.targets.scope_set_aside = None;
            if state.targets.scope.take().is_some() {
                targets_data::apply_scope(state);
                state.targets.detail = None;
                state.info("已清除目标的范围筛选");
            } else {
                state.info("没有生效的筛选");
            }
        }
        Action::NextFacet | Action::PrevFacet => {
            let n = Facet::ALL.len();
            let d = state.facets.dimension;
            state.facets.dimension = if matches!(action, Action::NextFacet) {
                (d + 1) % n
            } else {
                (d + n - 1) % n
            };
            state.facets.cursor = Cursor::default();
            request_facets(state, fx);
        }
        Action::ClearFilters => {
            if state.filter.is_empty() {
                state.info("没有生效的筛选");
            } else {
                set_filter(state, Default::default(), Vec::new(), fx)?;
                state.info("已清除全部筛选");
            }
        }
        Action::Up => move_by(state, -1)?,
        Action::Down => move_by(state, 1)?,
        Action::PageUp => {
            let p = page(state);
            move_by(state, -(p as isize))?
        }
        Action::PageDown => {
            let p = page(state);
            move_by(state, p as isize)?
        }
        Action::Home => move_by(state, isize::MIN / 2)?,
        Action::End => move_by(state, isize::MAX / 2)?,
        Action::Open => open(state, fx)?,
        Action::Back => match state.focus() {
            // A profile reached from elsewhere (a target's holder) goes straight back there;
            // otherwise Esc leaves the pane for the list.
            Pane::Detail
                if !state
                    .back_to
                    .last()
                    .is_some_and(|b| b.screen != state.screen) =>
            {
                state.set_focus(Pane::List);
                restore_scope(state);
            }
            Pane::Facets => state.set_focus(Pane::List),
            Pane::List | Pane::Detail => {
                if let Some(back) = state.back_to.pop().filter(|b| b.screen != state.screen) {
                    if let Some((filter, labels)) = back.filter {
                        set_filter(state, filter, labels, fx)?;
                    }
                    enter(state, back.screen)?;
                    // Back to the detail it came from, or to the list when none was open
                    // (a search started there).
                    let detail_open = match back.screen {
                        Screen::Targets => state.targets.detail.is_some(),
                        _ => state.detail().is_some(),
                    };
                    if back.to_detail && detail_open {
                        state.set_focus(Pane::Detail);
                        state.detail_scroll = back.scroll;
                    } else {
                        state.set_focus(Pane::List);
                    }
                } else if state.screen == Screen::Targets {
                    state.targets.detail = None;
                }
            }
        },
        Action::Copy => match selected_name(state) {
            Some(name) => {
                state.info(format!("已复制：{name}"));
                fx.push(Effect::Copy(name));
            }
            None => state.info("没有可复制的内容"),
        },
        Action::CopyCode if state.screen == Screen::Targets => {
            // A target's code is what `yuanqi targets show|report` takes.
            match state.targets.rows.get(state.targets.cursor.selected) {
                Some(t) => {
                    let code = crate::model::text::sanitize(&t.code);
                    state.info(format!("已复制目标代码：{code}"));
                    fx.push(Effect::Copy(code));
                }
                None => state.info("请先选择一项目标"),
            }
        }
        Action::CopyCode => match selected_code(state) {
            Some(Some(code)) => {
                state.info(format!("已复制信用代码：{code}"));
                fx.push(Effect::Copy(code));
            }
            Some(None) => state.info("该企业没有登记统一社会信用代码"),
            None => state.info("请先选择一家企业"),
        },
        Action::Export | Action::ExportXlsx => {
            let format = if matches!(action, Action::Export) {
                export::Format::Csv
            } else {
                export::Format::Xlsx
            };
            // Each screen exports what it lists. The targets are in memory; enterprises and
            // parks are read from the store, which takes a while at 100 000 rows: off the UI
            // thread when there is a background connection.
            let job: Box<dyn FnOnce(&Store) -> Action + Send> = match state.screen {
                Screen::Targets => {
                    let done = export::export_targets(&state.targets.rows, format);
                    return apply(state, exported(done, "项目标"), fx);
                }
                Screen::Parks => Box::new(move |store: &Store| {
                    exported(export::export_parks(store, format), "个园区")
                }),
                Screen::Enterprises => {
                    let filter = state.filter.clone();
                    Box::new(move |store: &Store| {
                        exported(export::export_enterprises(store, &filter, format), "家企业")
                    })
                }
            };
            if state.background {
                state.info("正在导出…");
                fx.push(Effect::Query(Job(job)));
            } else {
                let action = job(&state.store);
                apply(state, action, fx)?;
            }
        }
        Action::Exported(done) => match done {
            Ok(msg) => state.info(msg),
            Err(e) => state.error(format!("导出失败：{e}")),
        },
        Action::Refresh => {
            refresh(state, fx)?;
            state.info("已重新读取数据");
        }
        _ => {}
    }
    Ok(())
}

/// Whether a filter pane that is open (`shown`) is out of sight: where the pane and the table
/// take turns (a narrow terminal), the table has the room while the keyboard is in it.
fn out_of_sight(state: &State, shown: bool) -> bool {
    shown
        && state.focus() != Pane::Facets
        && views::body_layout(views::body_rect(state), state)
            .facets
            .is_none()
}

fn search_action(
    state: &mut State,
    action: Action,
    fx: &mut Vec<Effect>,
) -> Result<(), StoreError> {
    let rows = views::search_rows(state);
    let Some(search) = state.search.as_mut() else {
        return Ok(());
    };
    match action {
        Action::Input(c) => {
            search.query.push(c);
            run_search(state, fx);
        }
        Action::InputText(text) => {
            search.query.push_str(&text);
            run_search(state, fx);
        }
        Action::Backspace => {
            search.query.pop();
            run_search(state, fx);
        }
        Action::ClearInput => {
            search.query.clear();
            run_search(state, fx);
        }
        Action::Up => {
            let len = search.hits.len();
            search.cursor.move_by(-1, len, rows);
        }
        Action::Down => {
            let len = search.hits.len();
            search.cursor.move_by(1, len, rows);
        }
        Action::Back => state.search = None,
        Action::Open => {
            let hit = search
                .hits
                .get(search.cursor.selected)
                .map(|h| (h.kind, h.id));
            let is_target = search.cursor.selected < search.target_hits;
            if let Some((kind, id)) = hit {
                state.search = None;
                if is_target {
                    show_target(state, id);
                } else {
                    let (from, focus, scroll) = (state.screen, state.focus(), state.detail_scroll);
                    let before = (state.filter.clone(), state.filter_labels.clone());
                    open_holder(state, kind, id, fx)?;
                    // Esc from the profile goes back to the screen the search started on, with
                    // the enterprise filter the profile had to clear.
                    if state.screen != from {
                        let cleared = state.filter != before.0;
                        state.back_to.push(BackTo {
                            screen: from,
                            filter: cleared.then_some(before),
                            scroll,
                            to_detail: focus == Pane::Detail,
                        });
                        if cleared {
                            state.info(FILTER_SET_ASIDE);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// An export's outcome as the status line says it: "已导出 12 家企业：file（在 dir）".
fn exported(done: anyhow::Result<(std::path::PathBuf, usize)>, what: &str) -> Action {
    Action::Exported(
        done.map(|(path, n)| format!("已导出 {n} {what}：{}", export::saved_at(&path)))
            .map_err(|e| format!("{e:#}")),
    )
}

/// How many of a search's closest matches the overlay lists.
const SEARCH_SHOWN: usize = 200;

fn run_search(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(search) = state.search.as_mut() else {
        return;
    };
    search.cursor = Cursor::default();
    // On the targets screen, the targets first: a few hundred, every match at once.
    let targets = match &search.targets {
        Some(IndexHandle(index)) => index.search(&search.query, index.len()),
        None => Vec::new(),
    };
    search.target_hits = targets.len();
    match &state.index {
        Some(index) => {
            search.hits = state.searcher.search(index, &search.query, SEARCH_SHOWN);
            search.matched = state.searcher.matched();
        }
        None => {
            search.hits.clear();
            search.matched = 0;
            if !state.index_building {
                state.index_building = true;
                fx.push(Effect::BuildIndex);
            }
        }
    }
    search.matched += targets.len();
    search.hits.splice(0..0, targets);
}

/// The status line when a profile opened from another screen had to clear the enterprise
/// filter, which Esc back to that screen restores.
const FILTER_SET_ASIDE: &str = "所选企业不在当前筛选结果中，已暂时清除筛选，Esc 返回时恢复";

/// Show a search hit's profile on its screen, with the keyboard in the detail pane.
fn open_holder(
    state: &mut State,
    kind: HolderKind,
    id: i64,
    fx: &mut Vec<Effect>,
) -> Result<(), StoreError> {
    state.open_profile(kind, id, true)?;
    match kind {
        HolderKind::Enterprise => {
            state.screen = Screen::Enterprises;
            state.ensure_page()?;
            // An enterprise the filter hides would stand beside a list without it: the filter
            // goes (and the user is told), so the list can select it.
            if !state.filter.is_empty()
                && state
                    .store
                    .enterprise_position(&state.filter, id)?
                    .is_none()
            {
                state.filter = Default::default();
                state.filter_labels.clear();
                state.reload_enterprises()?;
                request_facets(state, fx);
                state.info("所选企业不在当前筛选结果中，已清除筛选");
            }
            // Put the list's cursor on the opened enterprise, so Esc, y and e act on it.
            if let Some(i) = state.store.enterprise_position(&state.filter, id)? {
                let rows = state.list_rows();
                let len = state.enterprises.total;
                state.enterprises.cursor.to(i, len, rows);
                state.ensure_page()?;
            }
        }
        HolderKind::Park => {
            state.screen = Screen::Parks;
            state.ensure_parks()?;
            if let Some(i) = state.parks.rows.iter().position(|p| p.id == id) {
                let rows = state.list_rows();
                let len = state.parks.rows.len();
                state.parks.cursor.to(i, len, rows);
            }
        }
    }
    state.set_focus(Pane::Detail);
    Ok(())
}

fn show(state: &mut State, screen: Screen) -> Result<(), StoreError> {
    if screen != state.screen {
        // Choosing a screen is a fresh start: Esc no longer goes back through a detail, and
        // its profile shows from the top (the scroll was another pane's).
        state.back_to.clear();
        state.detail_scroll = 0;
    }
    enter(state, screen)
}

/// Switch to `screen`, loading what it shows.
fn enter(state: &mut State, screen: Screen) -> Result<(), StoreError> {
    state.screen = screen;
    match screen {
        Screen::Parks => {
            state.ensure_parks()?;
            if state.wide() && state.park_detail.is_none() {
                follow_selection(state)?;
            }
        }
        Screen::Enterprises => {
            state.ensure_page()?;
            // The terminal may have grown while another screen was on show.
            if state.wide() && state.enterprise_detail.is_none() {
                follow_selection(state)?;
            }
        }
        Screen::Targets => state.ensure_targets(),
    }
    Ok(())
}

fn cycle_pane(state: &mut State, forward: bool) -> Result<(), StoreError> {
    let mut panes = Vec::new();
    if views::facets_shown(state) {
        panes.push(Pane::Facets);
    }
    panes.push(Pane::List);
    panes.push(Pane::Detail);
    let i = panes.iter().position(|p| *p == state.focus()).unwrap_or(0);
    let n = panes.len();
    let next = panes[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }];
    if next == Pane::Detail && state.detail().is_none() && state.screen != Screen::Targets {
        follow_selection(state)?;
    }
    if next == Pane::Detail && state.screen == Screen::Targets && state.targets.detail.is_none() {
        open_target(state);
    }
    state.set_focus(next);
    Ok(())
}

fn page(state: &State) -> usize {
    match state.focus() {
        Pane::Facets => views::facet_rows(state),
        Pane::Detail => views::detail_rows(state),
        Pane::List => state.list_rows(),
    }
    .max(1)
}

fn move_by(state: &mut State, delta: isize) -> Result<(), StoreError> {
    match state.focus() {
        Pane::Facets if state.screen == Screen::Targets => {
            let rows = views::facet_rows(state);
            let len = state.targets.scopes.len();
            state.targets.scope_cursor.move_by(delta, len, rows);
        }
        Pane::Facets if state.screen == Screen::Parks => {
            let rows = views::facet_rows(state);
            let len = state.parks.counties.len();
            state.parks.county_cursor.move_by(delta, len, rows);
        }
        Pane::Facets => {
            let rows = views::facet_rows(state);
            let len = state.facets.values.len();
            state.facets.cursor.move_by(delta, len, rows);
        }
        Pane::Detail => {
            // A target's detail moves over the holders it lists (Enter opens one); any other
            // detail, or one without holders, scrolls.
            // Past the last holder the pane scrolls on (to the reports below the lists),
            // at most about as far as the detail has lines.
            let (holders, cap) = match (&state.targets.detail, state.screen) {
                (Some(d), Screen::Targets) => (
                    d.holders().count(),
                    d.by_region.len() + d.holders().count() + d.reports.len() + 30,
                ),
                _ => (0, views::profile_max_scroll(state)),
            };
            let last = holders.saturating_sub(1);
            let walking = holders > 0
                && state.detail_scroll == 0
                && !(delta > 0 && state.targets.holder == last);
            if walking {
                let h = state.targets.holder as isize + delta;
                state.targets.holder = h.clamp(0, last as isize) as usize;
            } else {
                let s = state.detail_scroll as isize + delta;
                state.detail_scroll = s.clamp(0, cap as isize) as u16;
            }
        }
        Pane::List => {
            let rows = state.list_rows();
            match state.screen {
                Screen::Enterprises => {
                    let len = state.enterprises.total;
                    state.enterprises.cursor.move_by(delta, len, rows);
                    state.ensure_page()?;
                }
                Screen::Parks => {
                    let len = state.parks.rows.len();
                    state.parks.cursor.move_by(delta, len, rows);
                }
                Screen::Targets => {
                    let len = state.targets.rows.len();
                    state.targets.cursor.move_by(delta, len, rows);
                    if state.targets.detail.is_some() {
                        open_target(state);
                    }
                }
            }
            if state.wide() && state.screen != Screen::Targets {
                follow_selection(state)?;
            }
        }
    }
    Ok(())
}

/// Rows one turn of the wheel moves.
const WHEEL_STEP: isize = 3;

/// A click or a turn of the wheel, applied to whatever is under the pointer: the help overlay
/// and the search results scroll; on the tab line a click switches screens; in a list a click
/// selects the row (a second click opens it); over a pane the wheel moves as the arrow keys do
/// there, giving that pane the keyboard.
fn mouse(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    let (x, y, wheel) = match action {
        Action::Click(x, y) => (x, y, None),
        Action::Wheel { x, y, down } => (x, y, Some(if down { WHEEL_STEP } else { -WHEEL_STEP })),
        _ => return Ok(()),
    };
    if state.help.is_some() {
        if let Some(d) = wheel {
            let step = if d > 0 { Action::Down } else { Action::Up };
            for _ in 0..d.abs() {
                apply(state, step.clone(), fx)?;
            }
        }
        return Ok(());
    }
    if state.search.is_some() {
        match wheel {
            Some(d) => {
                let step = if d > 0 { Action::Down } else { Action::Up };
                for _ in 0..d.abs() {
                    search_action(state, step.clone(), fx)?;
                }
            }
            None => return click_search_hit(state, y, fx),
        }
        return Ok(());
    }
    state.message = None;
    if y == 0 {
        if let (None, Some(screen)) = (wheel, views::tab_at(x)) {
            show(state, screen)?;
        }
        return Ok(());
    }
    let body = views::body_layout(views::body_rect(state), state);
    let inside = |r: &ratatui::layout::Rect| {
        (r.x..r.x + r.width).contains(&x) && (r.y..r.y + r.height).contains(&y)
    };
    let (pane, rect) = match (body.facets, body.list, body.detail) {
        (Some(r), _, _) if inside(&r) => (Pane::Facets, r),
        (_, Some(r), _) if inside(&r) => (Pane::List, r),
        (_, _, Some(r)) if inside(&r) => (Pane::Detail, r),
        _ => return Ok(()),
    };
    if pane == Pane::Detail && state.screen == Screen::Targets && state.targets.detail.is_none() {
        open_target(state);
    }
    state.set_focus(pane);
    if let Some(d) = wheel {
        return move_by(state, d);
    }
    // Lists and the facet pane: a border line, a header line, then one row per item.
    let first = rect.y + 2;
    if pane == Pane::Detail || y < first || y + 1 >= rect.y + rect.height {
        return Ok(());
    }
    let cursor = match (pane, state.screen) {
        (Pane::Facets, Screen::Targets) => {
            (&state.targets.scope_cursor, state.targets.scopes.len())
        }
        (Pane::Facets, Screen::Parks) => (&state.parks.county_cursor, state.parks.counties.len()),
        (Pane::Facets, _) => (&state.facets.cursor, state.facets.values.len()),
        (_, Screen::Enterprises) => (&state.enterprises.cursor, state.enterprises.total),
        (_, Screen::Parks) => (&state.parks.cursor, state.parks.rows.len()),
        (_, Screen::Targets) => (&state.targets.cursor, state.targets.rows.len()),
    };
    let (selected, index, len) = (
        cursor.0.selected,
        cursor.0.top + (y - first) as usize,
        cursor.1,
    );
    if index >= len {
        return Ok(());
    }
    if index == selected {
        return open(state, fx);
    }
    move_by(state, index as isize - selected as isize)
}

/// A click in the search overlay (drawn over the body: border, input line, rule, then one hit
/// per row): selects the hit under it, opens it when it was selected already.
fn click_search_hit(state: &mut State, y: u16, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    let first = views::body_rect(state).y + 3;
    let rows = views::search_rows(state);
    let Some(search) = state.search.as_mut() else {
        return Ok(());
    };
    if y < first {
        return Ok(());
    }
    let index = search.cursor.top + (y - first) as usize;
    let len = search.hits.len();
    if index >= len || (y - first) as usize >= rows {
        return Ok(());
    }
    if index == search.cursor.selected {
        return search_action(state, Action::Open, fx);
    }
    let delta = index as isize - search.cursor.selected as isize;
    search.cursor.move_by(delta, len, rows);
    Ok(())
}

/// In the wide layout the detail pane shows whatever the list has selected.
fn follow_selection(state: &mut State) -> Result<(), StoreError> {
    follow(state, false)
}

/// Show the selected item's profile; `with_targets` also evaluates the targets it counts
/// toward (on Enter, not on every cursor move).
fn follow(state: &mut State, with_targets: bool) -> Result<(), StoreError> {
    match state.screen {
        Screen::Enterprises => {
            if let Some(id) = state.enterprises.selected_row().map(|r| r.id) {
                state.open_profile(HolderKind::Enterprise, id, with_targets)?;
            } else {
                state.enterprise_detail = None;
            }
        }
        Screen::Parks => {
            if let Some(id) = state
                .parks
                .rows
                .get(state.parks.cursor.selected)
                .map(|r| r.id)
            {
                state.open_profile(HolderKind::Park, id, with_targets)?;
            } else {
                state.park_detail = None;
            }
        }
        Screen::Targets => {}
    }
    Ok(())
}

/// Select the target `id` in the list (showing all targets when the scope filter hides it)
/// and open its detail.
/// Bring back a scope set aside to show a target found by search, keeping the cursor on that
/// target when the scope holds it.
fn restore_scope(state: &mut State) {
    if state.screen != Screen::Targets {
        return;
    }
    let Some(scope) = state.targets.scope_set_aside.take() else {
        return;
    };
    let id = state
        .targets
        .rows
        .get(state.targets.cursor.selected)
        .map(|t| t.id);
    state.targets.scope = Some(scope.clone());
    state.targets.detail = None;
    targets_data::apply_scope(state);
    if let Some(i) = id.and_then(|id| state.targets.rows.iter().position(|t| t.id == id)) {
        let (n, rows) = (state.targets.rows.len(), state.list_rows());
        state.targets.cursor.to(i, n, rows);
    }
    state.info(format!("已恢复范围筛选“{scope}”"));
}

fn show_target(state: &mut State, id: i64) {
    if !state.targets.rows.iter().any(|t| t.id == id)
        && let Some(scope) = state.targets.scope.take()
    {
        targets_data::apply_scope(state);
        state.info(format!(
            "该目标不在“{scope}”范围内，已暂时清除范围筛选，Esc 返回时恢复"
        ));
        state.targets.scope_set_aside = Some(scope);
    }
    let Some(at) = state.targets.rows.iter().position(|t| t.id == id) else {
        return;
    };
    let rows = state.list_rows();
    let n = state.targets.rows.len();
    state.targets.cursor.selected = at;
    state.targets.cursor.scroll_into_view(n, rows);
    open_target(state);
    if state.targets.detail.is_some() {
        state.set_focus(Pane::Detail);
    }
}

fn open_target(state: &mut State) {
    if let Some(id) = state
        .targets
        .rows
        .get(state.targets.cursor.selected)
        .map(|t| t.id)
    {
        state.targets.detail = targets_data::detail(state, id);
        state.targets.holder = 0;
        state.detail_scroll = 0;
    }
}

fn open(state: &mut State, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    match state.focus() {
        Pane::Facets if state.screen == Screen::Targets => {
            let ts = &mut state.targets;
            if let Some(v) = ts.scopes.get(ts.scope_cursor.selected) {
                // Choosing the active scope again shows all targets.
                ts.scope = (ts.scope.as_deref() != Some(v.key.as_str())).then(|| v.key.clone());
                ts.scope_set_aside = None;
                ts.detail = None;
                targets_data::apply_scope(state);
                // One scope at a time: on to its targets.
                state.set_focus(Pane::List);
            }
            Ok(())
        }
        Pane::Facets if state.screen == Screen::Parks => {
            let ps = &mut state.parks;
            if let Some(v) = ps.counties.get(ps.county_cursor.selected) {
                let id = v.key.parse::<i64>().ok();
                // Choosing the active county again shows all parks.
                let again = ps.county.as_ref().map(|c| c.0) == id;
                ps.county = id.filter(|_| !again).map(|id| (id, v.label.clone()));
                state.park_detail = None;
                state.apply_county()?;
                state.set_focus(Pane::List);
            }
            Ok(())
        }
        Pane::Facets => toggle_facet_value(state, fx),
        Pane::List => match state.screen {
            Screen::Targets => {
                open_target(state);
                if state.targets.detail.is_some() {
                    state.set_focus(Pane::Detail);
                }
                Ok(())
            }
            _ => {
                follow(state, true)?;
                if state.detail().is_some() {
                    state.set_focus(Pane::Detail);
                }
                Ok(())
            }
        },
        Pane::Detail if state.screen == Screen::Targets => {
            // From a target's detail, Enter opens the selected holder's profile.
            let chosen = state
                .targets
                .detail
                .as_ref()
                .and_then(|d| d.holders().nth(state.targets.holder))
                .map(|c| (c.kind, c.id));
            if let Some((kind, id)) = chosen {
                let scroll = state.detail_scroll;
                let before = (state.filter.clone(), state.filter_labels.clone());
                open_holder(state, kind, id, fx)?;
                // A filter cleared to show the holder comes back with Esc.
                let cleared = state.filter != before.0;
                state.back_to.push(BackTo {
                    screen: Screen::Targets,
                    filter: cleared.then_some(before),
                    scroll,
                    to_detail: true,
                });
                if cleared {
                    state.info(FILTER_SET_ASIDE);
                }
            }
            Ok(())
        }
        Pane::Detail => {
            // From a park's profile, Enter lists its enterprises.
            if let (Screen::Parks, Some(Detail::Park(p))) = (state.screen, &state.park_detail) {
                let (id, name) = (p.id, p.name.clone());
                state.back_to.push(BackTo {
                    screen: Screen::Parks,
                    filter: Some((state.filter.clone(), state.filter_labels.clone())),
                    scroll: state.detail_scroll,
                    to_detail: true,
                });
                Facet::Park.apply(&mut state.filter, Some(&id.to_string()));
                set_label(state, Facet::Park, Some(name));
                state.enterprises.cursor = Cursor::default();
                state.screen = Screen::Enterprises;
                state.set_focus(Pane::List);
                state.reload_enterprises()?;
                enterprise_list_changed(state)?;
                request_facets(state, fx);
            }
            Ok(())
        }
    }
}

fn set_label(state: &mut State, facet: Facet, label: Option<String>) {
    state.filter_labels.retain(|(f, _)| *f != facet);
    if let Some(l) = label {
        state.filter_labels.push((facet, l));
    }
}

fn toggle_facet_value(state: &mut State, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    let facet = state.facets.facet();
    let Some(v) = state
        .facets
        .values
        .get(state.facets.cursor.selected)
        .cloned()
    else {
        return Ok(());
    };
    let before = state.filter.clone();
    Facet::apply(facet, &mut state.filter, Some(&v.key));
    if state.filter == before {
        // Selecting the active value again removes it.
        Facet::apply(facet, &mut state.filter, None);
        set_label(state, facet, None);
    } else {
        set_label(state, facet, Some(v.label.clone()));
    }
    state.enterprises.cursor = Cursor::default();
    state.reload_enterprises()?;
    // Stay on the same value once the new counts arrive.
    state.facets.keep = Some(v.key.clone());
    request_facets(state, fx);
    enterprise_list_changed(state)
}

/// Put `filter` (with its labels for the status line) on the enterprise list: the list starts
/// over, the profile follows it, and the facet counts are asked for anew.
fn set_filter(
    state: &mut State,
    filter: crate::store::Filter,
    labels: Vec<(Facet, String)>,
    fx: &mut Vec<Effect>,
) -> Result<(), StoreError> {
    state.filter = filter;
    state.filter_labels = labels;
    state.enterprises.cursor = Cursor::default();
    state.reload_enterprises()?;
    enterprise_list_changed(state)?;
    request_facets(state, fx);
    Ok(())
}

/// The enterprise list now holds other rows: the profile beside it shows the new selection
/// (or nothing when the list is empty), never an enterprise the list no longer has selected.
fn enterprise_list_changed(state: &mut State) -> Result<(), StoreError> {
    if state.wide() {
        let screen = std::mem::replace(&mut state.screen, Screen::Enterprises);
        let result = follow_selection(state);
        state.screen = screen;
        result
    } else {
        state.enterprise_detail = None;
        Ok(())
    }
}

fn selected_name(state: &State) -> Option<String> {
    if let Some(s) = &state.search {
        return s.hits.get(s.cursor.selected).map(|h| h.name.clone());
    }
    let name = match (state.screen, state.focus()) {
        (Screen::Enterprises | Screen::Parks, Pane::Detail) => match state.detail()? {
            Detail::Enterprise(p) => p.name.clone(),
            Detail::Park(p) => p.name.clone(),
        },
        (Screen::Enterprises, _) => state.enterprises.selected_row()?.name.clone(),
        (Screen::Parks, _) => state
            .parks
            .rows
            .get(state.parks.cursor.selected)?
            .name
            .clone(),
        // In a target's detail: the holder selected there.
        (Screen::Targets, Pane::Detail)
            if state
                .targets
                .detail
                .as_ref()
                .is_some_and(|d| d.holders().next().is_some()) =>
        {
            let d = state.targets.detail.as_ref()?;
            d.holders().nth(state.targets.holder)?.name.clone()
        }
        (Screen::Targets, _) => state
            .targets
            .rows
            .get(state.targets.cursor.selected)?
            .name
            .clone(),
    };
    Some(crate::model::text::sanitize(&name))
}

/// `Some(None)`: an enterprise without a code; `None`: no enterprise selected.
fn selected_code(state: &State) -> Option<Option<String>> {
    let code = match (state.screen, state.focus()) {
        (Screen::Enterprises, Pane::Detail) => match state.detail()? {
            Detail::Enterprise(p) => p.uscc.clone(),
            Detail::Park(_) => return None,
        },
        (Screen::Enterprises, _) => state.enterprises.selected_row()?.uscc.clone(),
        _ => return None,
    };
    Some(code.map(|c| crate::model::text::sanitize(&c)))
}

fn relayout(state: &mut State) -> Result<(), StoreError> {
    let rows = state.list_rows();
    let total = state.enterprises.total;
    state.enterprises.cursor.scroll_into_view(total, rows);
    let n = state.parks.rows.len();
    state.parks.cursor.scroll_into_view(n, rows);
    let n = state.targets.rows.len();
    state.targets.cursor.scroll_into_view(n, rows);
    let frows = views::facet_rows(state);
    let n = state.facets.values.len();
    state.facets.cursor.scroll_into_view(n, frows);
    clamp_profile_scroll(state);
    if state.screen == Screen::Enterprises {
        state.ensure_page()?;
    }
    Ok(())
}

/// Keep a profile's scroll within the profile (a wider pane, or a shorter profile after a
/// refresh, needs less). A target's detail scrolls by its own rule.
fn clamp_profile_scroll(state: &mut State) {
    if state.screen != Screen::Targets {
        let cap = views::profile_max_scroll(state) as u16;
        state.detail_scroll = state.detail_scroll.min(cap);
    }
}

fn check_data(state: &mut State, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    let v = state.store.data_version()?;
    if v != state.data_version {
        refresh(state, fx)?;
        state.info("库中数据已在别处更新（如另一窗口的导入），已刷新");
        fx.push(Effect::Redraw);
    }
    Ok(())
}

/// Re-read everything on screen (after another user's write, or on request).
fn refresh(state: &mut State, fx: &mut Vec<Effect>) -> Result<(), StoreError> {
    state.data_version = state.store.data_version()?;
    state.totals = state.store.totals()?;
    // The selection stays on the same enterprise, park and target, wherever new rows put them.
    let enterprise = state.enterprises.selected_row().map(|r| r.id);
    let park = state
        .parks
        .rows
        .get(state.parks.cursor.selected)
        .map(|p| p.id);
    let target = state
        .targets
        .rows
        .get(state.targets.cursor.selected)
        .map(|t| t.id);
    state.reload_enterprises()?;
    if let Some(id) = enterprise
        && let Some(i) = state.store.enterprise_position(&state.filter, id)?
    {
        let rows = state.list_rows();
        let len = state.enterprises.total;
        state.enterprises.cursor.to(i, len, rows);
        state.ensure_page()?;
    }
    request_facets(state, fx);
    if state.parks.loaded {
        state.parks.loaded = false;
        state.ensure_parks()?;
        let n = state.parks.rows.len();
        let rows = state.list_rows();
        match park.and_then(|id| state.parks.rows.iter().position(|p| p.id == id)) {
            Some(i) => state.parks.cursor.to(i, n, rows),
            None => state.parks.cursor.scroll_into_view(n, rows),
        }
    }
    if state.targets.loaded {
        state.targets.loaded = false;
        state.ensure_targets();
        if let Some(i) = target.and_then(|id| state.targets.rows.iter().position(|t| t.id == id)) {
            let n = state.targets.rows.len();
            let rows = state.list_rows();
            state.targets.cursor.to(i, n, rows);
        }
        // An open target's breakdown and holders follow the figures in its list.
        if let Some(id) = state.targets.detail.as_ref().map(|d| d.id) {
            let gone = !state.targets.all.iter().any(|t| t.id == id);
            state.targets.detail = if gone {
                None
            } else {
                targets_data::detail(state, id)
            };
            if state.targets.detail.is_none()
                && state.screen == Screen::Targets
                && state.focus() == Pane::Detail
            {
                state.set_focus(Pane::List);
            }
            let n = state
                .targets
                .detail
                .as_ref()
                .map_or(0, |d| d.holders().count());
            state.targets.holder = state.targets.holder.min(n.saturating_sub(1));
        }
    }
    let reopen = |d: &Option<Detail>| match d {
        Some(Detail::Enterprise(p)) => Some((HolderKind::Enterprise, p.id)),
        Some(Detail::Park(p)) => Some((HolderKind::Park, p.id)),
        None => None,
    };
    let scroll = state.detail_scroll;
    let with_targets = state.detail_targets.is_some();
    for d in [reopen(&state.enterprise_detail), reopen(&state.park_detail)]
        .into_iter()
        .flatten()
    {
        if state.open_profile(d.0, d.1, with_targets).is_err() {
            // Deleted meanwhile.
            match d.0 {
                HolderKind::Enterprise => state.enterprise_detail = None,
                HolderKind::Park => state.park_detail = None,
            }
        }
    }
    state.detail_scroll = scroll;
    clamp_profile_scroll(state);
    if state.index.is_some() || state.index_building {
        state.index_building = true;
        fx.push(Effect::BuildIndex);
    }
    Ok(())
}

/// Build a search index synchronously (tests; the run loop builds it on a thread).
pub fn build_index_now(state: &mut State) -> Result<(), StoreError> {
    let idx = crate::search::SearchIndex::new(state.store.search_candidates()?);
    update(
        state,
        Action::IndexReady(super::action::IndexHandle(Arc::new(idx))),
    );
    Ok(())
}
