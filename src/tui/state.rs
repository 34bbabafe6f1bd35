//! The application state: what is on screen, where the cursor is, which filters apply.
//!
//! The state holds the [`Store`] handle and calls its query functions (never SQL of its own).
//! Nothing outside [`super::update`] mutates it; the loaders here are called from there.

use std::path::PathBuf;
use std::sync::Arc;

use crate::model::HolderKind;
use crate::search::{Hit, SearchIndex, Searcher};
use crate::store::{
    EnterpriseProfile, EnterpriseRow, Facet, FacetValue, Filter, ParkProfile, ParkRow, Store,
    StoreError,
};
use crate::targets::TargetStatus;

use super::action::Screen;
use super::theme::Theme;
use super::views;

/// Which pane of a screen has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Facets,
    List,
    Detail,
}

/// A message on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// A window onto a long list: the selected index and the first visible row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub top: usize,
}

impl Cursor {
    /// Move by `delta` within `len` items and scroll so the selection stays in `rows` visible.
    pub fn move_by(&mut self, delta: isize, len: usize, rows: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let s = self.selected as isize + delta;
        self.selected = s.clamp(0, len as isize - 1) as usize;
        self.scroll_into_view(len, rows);
    }

    pub fn to(&mut self, index: usize, len: usize, rows: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.scroll_into_view(len, rows);
    }

    pub fn scroll_into_view(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + rows {
            self.top = self.selected + 1 - rows;
        }
        // Do not leave empty space below the end when the list shrank.
        let max_top = len.saturating_sub(rows);
        self.top = self.top.min(max_top);
    }
}

/// The enterprise list: a count and one fetched page around the visible window.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseList {
    pub total: usize,
    pub cursor: Cursor,
    pub page_start: usize,
    pub page: Vec<EnterpriseRow>,
}

impl EnterpriseList {
    /// The row at absolute index `i`, when it is in the fetched page.
    pub fn row(&self, i: usize) -> Option<&EnterpriseRow> {
        i.checked_sub(self.page_start)
            .and_then(|j| self.page.get(j))
    }

    pub fn selected_row(&self) -> Option<&EnterpriseRow> {
        self.row(self.cursor.selected)
    }
}

/// The facet pane: one dimension at a time, with its values counted under the other filters.
#[derive(Debug, Clone, Default)]
pub struct FacetPane {
    pub dimension: usize,
    pub values: Vec<FacetValue>,
    pub cursor: Cursor,
    /// Counts for the current filter are on their way.
    pub loading: bool,
    /// Put the cursor on this value when the counts arrive.
    pub keep: Option<String>,
}

impl FacetPane {
    pub fn facet(&self) -> Facet {
        Facet::ALL[self.dimension % Facet::ALL.len()]
    }
}

/// One target as the Targets screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    pub id: i64,
    /// The code users type back (`yuanqi targets show D000-T16`).
    pub code: String,
    pub name: String,
    pub scope: String,
    /// "2025", "2021–2025", or "2025*" when the year comes from the article's context.
    pub period: String,
    /// Where a "*" period's year comes from.
    pub period_note: Option<String>,
    pub kind: String,
    /// A recorded target: a figure no enterprise record can compute, only reported.
    pub recorded: bool,
    /// The figure progress starts from (存量 targets: "116 → 150").
    pub baseline: Option<f64>,
    /// The target as written ("50户以上", "【10】个").
    pub target: String,
    /// The target's figure, when it has one.
    pub target_value: Option<f64>,
    /// What is still missing to reach the target (for a ceiling, how far over it).
    pub gap: Option<f64>,
    /// What counts, in words ("省级及以上 专精特新中小企业").
    pub counts: String,
    pub computed: Option<f64>,
    /// The latest reported figure with its date, and where it was reported.
    pub reported: Option<String>,
    pub reported_source: Option<String>,
    /// The reported figure with its date spelled out, for the detail.
    pub reported_in_full: Option<String>,
    pub progress: Option<f64>,
    pub status: TargetStatus,
    pub source: String,
    /// The plan's remarks on the target.
    pub notes: String,
}

/// Detail of one target: breakdown by county, the enterprises that count and those close.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetDetail {
    pub id: i64,
    pub by_region: Vec<(String, f64)>,
    pub counting: Vec<crate::targets::Counted>,
    pub close: Vec<crate::targets::Counted>,
    /// Every figure reported against the target, newest first: (figure with its date, source).
    pub reports: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct TargetsScreen {
    pub loaded: bool,
    /// Why there are no targets to show (the module is missing, or a query failed).
    pub unavailable: Option<String>,
    /// The targets shown: all of them, or those within `scope`.
    pub rows: Vec<TargetLine>,
    /// Every target in the store.
    pub all: Vec<TargetLine>,
    /// Show only the targets within this region or park (its own, its counties', its parks').
    pub scope: Option<String>,
    /// A scope cleared to show a target found by search; Esc from that target brings it back.
    pub scope_set_aside: Option<String>,
    /// The scope pane (`f` on this screen): every scope with its number of targets.
    pub show_scopes: bool,
    pub scopes: Vec<crate::store::FacetValue>,
    pub scope_cursor: Cursor,
    pub cursor: Cursor,
    pub detail: Option<TargetDetail>,
    /// The holder selected in the detail: an index into `counting` followed by `close`.
    pub holder: usize,
}

impl TargetDetail {
    /// The holders listed (those that count, then those close), in the order shown.
    pub fn holders(&self) -> impl Iterator<Item = &crate::targets::Counted> {
        self.counting.iter().chain(&self.close)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ParksScreen {
    pub loaded: bool,
    /// The parks shown: all of them, or those in `county`.
    pub rows: Vec<ParkRow>,
    /// Every park in the store, as a tree in display order.
    pub all: Vec<ParkRow>,
    /// Show only the parks in this region (or under it), by id and name; [`NO_REGION`] for
    /// parks no region claims.
    ///
    /// [`NO_REGION`]: crate::store::NO_REGION
    pub county: Option<(i64, String)>,
    /// The county pane (`f` on this screen): every region with its number of parks.
    pub show_counties: bool,
    pub counties: Vec<crate::store::FacetValue>,
    pub county_cursor: Cursor,
    pub cursor: Cursor,
}

/// The search box and its results.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    /// On the targets screen `/` also searches the targets: this holds their index, and the
    /// first `target_hits` hits are targets (their ids target ids), listed before the
    /// enterprises and parks.
    pub targets: Option<crate::tui::action::IndexHandle>,
    pub target_hits: usize,
    pub query: String,
    pub hits: Vec<Hit>,
    /// Every match of the query; `hits` holds only the closest of them.
    pub matched: usize,
    pub cursor: Cursor,
}

/// Where Esc on a list goes back to after the user went through a detail to another screen
/// (a park's enterprises, a target's holder): that screen's detail, with the enterprise
/// filter as it was before.
#[derive(Debug, Clone)]
pub struct BackTo {
    pub screen: Screen,
    pub filter: Option<(Filter, Vec<(Facet, String)>)>,
    /// How far that screen's detail was scrolled, to scroll it back to.
    pub scroll: u16,
    /// Whether the keyboard was in that screen's detail (else in its list).
    pub to_detail: bool,
}

/// What the detail pane of a screen shows.
#[derive(Debug, Clone)]
pub enum Detail {
    Enterprise(Box<EnterpriseProfile>),
    Park(Box<ParkProfile>),
}

/// The whole application state.
pub struct State {
    pub store: Store,
    pub theme: Theme,
    pub db_path: Option<PathBuf>,
    pub demo: bool,
    pub read_only: bool,
    pub now_year: i32,
    /// Terminal size in columns and rows.
    pub size: (u16, u16),
    pub screen: Screen,
    /// The focused pane of each screen (index by [`screen_index`]).
    pub focus: [Pane; 3],
    pub show_facets: bool,
    /// Slow reads go to a background connection (a file store); in memory they run inline.
    pub background: bool,
    pub filter: Filter,
    /// Labels of the active filters, for the status line.
    pub filter_labels: Vec<(Facet, String)>,
    /// Pushed when a detail led to another screen; Esc on that screen's list pops the way
    /// back (a target → a park → its enterprises unwinds in turn).
    pub back_to: Vec<BackTo>,
    pub enterprises: EnterpriseList,
    pub facets: FacetPane,
    pub parks: ParksScreen,
    pub targets: TargetsScreen,
    /// Detail pane of the enterprises screen and of the parks screen.
    pub enterprise_detail: Option<Detail>,
    pub park_detail: Option<Detail>,
    /// Targets the shown profile counts toward: (target, why); `None` until the profile is
    /// opened with Enter (evaluating every target on each cursor move would be too slow).
    pub detail_targets: Option<Vec<(String, String)>>,
    /// Targets set for the shown park (or a park inside it), with Enter like `detail_targets`.
    pub detail_park_targets: Option<Vec<(String, String)>>,
    pub detail_scroll: u16,
    pub search: Option<SearchState>,
    pub index: Option<Arc<SearchIndex>>,
    /// Narrows the previous results when the query grows by a keystroke.
    pub searcher: Searcher,
    pub index_building: bool,
    /// Scroll offset of the help overlay when it is open.
    pub help: Option<u16>,
    pub message: Option<Message>,
    pub data_version: i64,
    /// (enterprises, parks, designations) in the whole store.
    pub totals: (i64, i64, i64),
}

pub fn screen_index(s: Screen) -> usize {
    match s {
        Screen::Parks => 0,
        Screen::Enterprises => 1,
        Screen::Targets => 2,
    }
}

impl State {
    /// A state on `store`, showing the enterprise list. Only counts and the first page are
    /// read; the search index and the other screens load when first needed.
    pub fn new(store: Store, theme: Theme, size: (u16, u16)) -> Result<State, StoreError> {
        let mut s = State {
            db_path: store.path().map(|p| p.to_path_buf()),
            demo: store.is_demo(),
            read_only: store.is_read_only(),
            data_version: store.data_version()?,
            store,
            theme,
            now_year: crate::model::current_year(),
            size,
            screen: Screen::Enterprises,
            focus: [Pane::List; 3],
            show_facets: false,
            background: false,
            filter: Filter::default(),
            filter_labels: Vec::new(),
            back_to: Vec::new(),
            enterprises: EnterpriseList::default(),
            facets: FacetPane::default(),
            parks: ParksScreen::default(),
            targets: TargetsScreen::default(),
            enterprise_detail: None,
            park_detail: None,
            detail_targets: None,
            detail_park_targets: None,
            detail_scroll: 0,
            search: None,
            index: None,
            searcher: Searcher::new(),
            index_building: false,
            help: None,
            message: None,
            totals: (0, 0, 0),
        };
        s.totals = s.store.totals()?;
        s.reload_enterprises()?;
        if let Some(id) = s
            .enterprises
            .selected_row()
            .map(|r| r.id)
            .filter(|_| s.wide())
        {
            s.open_profile(HolderKind::Enterprise, id, false)?;
        }
        Ok(s)
    }

    pub fn focus(&self) -> Pane {
        self.focus[screen_index(self.screen)]
    }

    pub fn set_focus(&mut self, p: Pane) {
        self.focus[screen_index(self.screen)] = p;
    }

    /// Rows of the list pane of the current layout (for paging and scrolling).
    pub fn list_rows(&self) -> usize {
        views::list_rows(self)
    }

    /// Count the enterprises under the filter and fetch the page around the cursor.
    pub fn reload_enterprises(&mut self) -> Result<(), StoreError> {
        self.enterprises.total = self.store.count_enterprises(&self.filter)? as usize;
        self.enterprises.page.clear();
        let rows = self.list_rows();
        let total = self.enterprises.total;
        self.enterprises.cursor.scroll_into_view(total, rows);
        self.ensure_page()
    }

    /// Make sure the visible window of the enterprise list is fetched (one page query).
    pub fn ensure_page(&mut self) -> Result<(), StoreError> {
        let rows = self.list_rows().max(1);
        let list = &self.enterprises;
        let top = list.cursor.top;
        let want_end = (top + rows).min(list.total);
        let have = top >= list.page_start
            && want_end <= list.page_start + list.page.len()
            && !(list.page.is_empty() && list.total > 0);
        if have {
            return Ok(());
        }
        let start = top.saturating_sub(rows);
        let page = self.store.enterprise_rows(&self.filter, start, rows * 3)?;
        self.enterprises.page_start = start;
        self.enterprises.page = page;
        Ok(())
    }

    pub fn ensure_parks(&mut self) -> Result<(), StoreError> {
        if !self.parks.loaded {
            self.parks.all = self.store.park_rows()?;
            self.parks.counties = self.store.park_region_values(&self.parks.all)?;
            self.apply_county()?;
            self.parks.loaded = true;
        }
        Ok(())
    }

    /// Show the parks in the chosen county (all without one), each under its parent when the
    /// parent is shown too, else at the top level; the cursor stays in range.
    pub fn apply_county(&mut self) -> Result<(), StoreError> {
        // A park with no region is in NO_REGION, whose subtree is itself alone.
        let within = match &self.parks.county {
            Some((id, _)) => Some(self.store.region_subtree(*id)?),
            None => None,
        };
        let keep = |p: &ParkRow| {
            within
                .as_ref()
                .is_none_or(|ids| ids.contains(&p.region_id.unwrap_or(crate::store::NO_REGION)))
        };
        let mut depth: std::collections::HashMap<i64, usize> = Default::default();
        self.parks.rows = self
            .parks
            .all
            .iter()
            .filter(|p| keep(p))
            .map(|p| {
                let d = p
                    .parent_id
                    .and_then(|parent| depth.get(&parent))
                    .map_or(0, |d| d + 1);
                depth.insert(p.id, d);
                ParkRow {
                    depth: d,
                    ..p.clone()
                }
            })
            .collect();
        let n = self.parks.rows.len();
        if self.parks.cursor.selected >= n {
            self.parks.cursor = Cursor::default();
        }
        let rows = self.list_rows();
        self.parks.cursor.scroll_into_view(n, rows);
        Ok(())
    }

    pub fn ensure_targets(&mut self) {
        if !self.targets.loaded {
            super::targets_data::load(self);
            self.targets.loaded = true;
        }
    }

    /// Open the profile of an enterprise or park in the detail pane of its screen.
    pub fn open_profile(
        &mut self,
        kind: HolderKind,
        id: i64,
        with_targets: bool,
    ) -> Result<(), StoreError> {
        self.detail_scroll = 0;
        self.detail_targets = with_targets.then(|| super::targets_data::for_holder(self, kind, id));
        self.detail_park_targets = (with_targets && kind == HolderKind::Park)
            .then(|| crate::targets::set_for_park(&self.store, id).unwrap_or_default());
        match kind {
            HolderKind::Enterprise => {
                let p = self.store.enterprise_profile(id)?;
                self.enterprise_detail = Some(Detail::Enterprise(Box::new(p)));
            }
            HolderKind::Park => {
                let p = self.store.park_profile(id)?;
                self.park_detail = Some(Detail::Park(Box::new(p)));
            }
        }
        Ok(())
    }

    /// The detail shown on the current screen.
    pub fn detail(&self) -> Option<&Detail> {
        match self.screen {
            Screen::Enterprises => self.enterprise_detail.as_ref(),
            Screen::Parks => self.park_detail.as_ref(),
            Screen::Targets => None,
        }
    }

    /// Whether list and detail are side by side (wide terminals) rather than one at a time.
    pub fn wide(&self) -> bool {
        self.size.0 >= views::WIDE
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }
}
