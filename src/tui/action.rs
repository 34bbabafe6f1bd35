//! Actions and the key table.
//!
//! Keys map to [`Action`]s through [`BINDINGS`], a table of data: the `?` help overlay is
//! generated from the same table, so it always lists every key. Actions that do not come from
//! keys (typing into the search box, a resize, a finished background index) are variants too,
//! and all of them go through [`super::update::update`].

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::search::SearchIndex;
use crate::store::{Facet, FacetValue, Filter};

/// The three screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Parks,
    Enterprises,
    Targets,
}

impl Screen {
    pub const ALL: [Screen; 3] = [Screen::Parks, Screen::Enterprises, Screen::Targets];

    pub fn label(self) -> &'static str {
        match self {
            Screen::Parks => "园区",
            Screen::Enterprises => "企业",
            Screen::Targets => "目标",
        }
    }
}

/// Everything that can change the state.
#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Enter: open the selected item (or apply the facet value, or open the search hit).
    Open,
    /// Esc: close the overlay, leave the search, or go back from a detail.
    Back,
    NextPane,
    PrevPane,
    Show(Screen),
    NextScreen,
    PrevScreen,
    StartSearch,
    /// A character typed into the search box.
    Input(char),
    /// Several characters typed (or pasted) before the previous keystroke was handled: one
    /// search for all of them.
    InputText(String),
    Backspace,
    ClearInput,
    ToggleFacets,
    PrevFacet,
    NextFacet,
    ClearFilters,
    Copy,
    CopyCode,
    Export,
    ExportXlsx,
    Help,
    Refresh,
    /// The terminal has this many columns and rows now.
    Resize(u16, u16),
    /// A left click at (column, row) of the terminal (`--mouse`): selects the row under it,
    /// opens it when it was already selected, switches screens on the tab line.
    Click(u16, u16),
    /// The wheel turned over (column, row): `down` scrolls toward the end.
    Wheel {
        x: u16,
        y: u16,
        down: bool,
    },
    /// Idle poll: see whether another user changed the store.
    CheckData,
    /// The search index built off the UI thread is ready.
    IndexReady(IndexHandle),
    /// Facet values counted off the UI thread, for this dimension under this filter.
    FacetsReady(Facet, Filter, Result<Vec<FacetValue>, String>),
    /// An export written off the UI thread: what to say on the status line, or the error.
    Exported(Result<String, String>),
}

/// A finished search index (a handle so [`Action`] stays cheap to clone).
#[derive(Clone)]
pub struct IndexHandle(pub Arc<SearchIndex>);

impl std::fmt::Debug for IndexHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndexHandle({} entries)", self.0.len())
    }
}

/// Where keys are looked up: the context's own bindings first, then the global ones (except in
/// the search box, where plain characters are text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere outside the search box and the help overlay.
    Global,
    /// A list or detail pane.
    Browse,
    /// The facet (filter) pane.
    Facets,
    /// Typing into the search box.
    Search,
    /// The help overlay.
    Help,
}

impl Context {
    pub fn label(self) -> &'static str {
        match self {
            Context::Global => "通用",
            Context::Browse => "列表与详情",
            Context::Facets => "筛选栏",
            Context::Search => "搜索框",
            Context::Help => "帮助",
        }
    }
}

/// One line of the key table.
pub struct Binding {
    pub context: Context,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub action: Action,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! bind {
    ($ctx:ident, [$($k:expr),+ $(,)?], $action:expr, $help:literal) => {
        Binding { context: Context::$ctx, keys: &[$($k),+], action: $action, help: $help }
    };
}

/// The key table. Order is the order of the help overlay.
pub static BINDINGS: &[Binding] = &[
    bind!(
        Global,
        [(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        Action::Quit,
        "退出"
    ),
    bind!(
        Global,
        [(KeyCode::Char('?'), NONE), (KeyCode::F(1), NONE)],
        Action::Help,
        "帮助：列出所有按键"
    ),
    bind!(
        Global,
        [(KeyCode::Char('/'), NONE)],
        Action::StartSearch,
        "搜索：中文、全拼、首字母、简称、信用代码（目标画面中搜索目标：名称、拼音、代码）"
    ),
    bind!(
        Global,
        [(KeyCode::Char('1'), NONE)],
        Action::Show(Screen::Parks),
        "园区"
    ),
    bind!(
        Global,
        [(KeyCode::Char('2'), NONE)],
        Action::Show(Screen::Enterprises),
        "企业"
    ),
    bind!(
        Global,
        [(KeyCode::Char('3'), NONE)],
        Action::Show(Screen::Targets),
        "目标"
    ),
    bind!(
        Global,
        [(KeyCode::Char(']'), NONE)],
        Action::NextScreen,
        "下一个画面"
    ),
    bind!(
        Global,
        [(KeyCode::Char('['), NONE)],
        Action::PrevScreen,
        "上一个画面"
    ),
    bind!(Global, [(KeyCode::Tab, NONE)], Action::NextPane, "切换窗格"),
    bind!(
        Global,
        [(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        Action::PrevPane,
        "反向切换窗格"
    ),
    bind!(
        Global,
        [(KeyCode::Char('f'), NONE)],
        Action::ToggleFacets,
        "打开/关闭筛选栏（企业：县区、园区、集群、认定、级别、年份；园区：县区；目标：范围）"
    ),
    bind!(
        Global,
        [(KeyCode::Char('x'), NONE)],
        Action::ClearFilters,
        "清除全部筛选"
    ),
    bind!(
        Global,
        [(KeyCode::Char('y'), NONE)],
        Action::Copy,
        "复制所选名称（OSC 52，经 SSH 也可用）"
    ),
    bind!(
        Global,
        [(KeyCode::Char('Y'), NONE), (KeyCode::Char('Y'), SHIFT)],
        Action::CopyCode,
        "复制所选统一社会信用代码（目标画面：目标代码）"
    ),
    bind!(
        Global,
        [(KeyCode::Char('e'), NONE)],
        Action::Export,
        "把当前画面所列导出为 CSV（企业按当前筛选；园区、目标画面导出所列园区、目标）"
    ),
    bind!(
        Global,
        [(KeyCode::Char('E'), NONE), (KeyCode::Char('E'), SHIFT)],
        Action::ExportXlsx,
        "同 e，导出为 xlsx"
    ),
    bind!(
        Global,
        [(KeyCode::Char('r'), NONE)],
        Action::Refresh,
        "重新读取数据"
    ),
    bind!(
        Browse,
        [(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        Action::Down,
        "下移"
    ),
    bind!(
        Browse,
        [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        Action::Up,
        "上移"
    ),
    bind!(
        Browse,
        [(KeyCode::PageDown, NONE), (KeyCode::Char('d'), CTRL)],
        Action::PageDown,
        "下翻一页"
    ),
    bind!(
        Browse,
        [(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        Action::PageUp,
        "上翻一页"
    ),
    bind!(
        Browse,
        [(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        Action::Home,
        "到开头"
    ),
    bind!(
        Browse,
        [
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), NONE),
            (KeyCode::Char('G'), SHIFT)
        ],
        Action::End,
        "到末尾"
    ),
    bind!(
        Browse,
        [
            (KeyCode::Enter, NONE),
            (KeyCode::Char('l'), NONE),
            (KeyCode::Right, NONE)
        ],
        Action::Open,
        "打开详情"
    ),
    bind!(
        Browse,
        [
            (KeyCode::Esc, NONE),
            (KeyCode::Char('h'), NONE),
            (KeyCode::Left, NONE)
        ],
        Action::Back,
        "返回（从园区的企业回到园区，从目标的企业回到目标）"
    ),
    bind!(
        Facets,
        [(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        Action::Down,
        "下一个值"
    ),
    bind!(
        Facets,
        [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        Action::Up,
        "上一个值"
    ),
    bind!(
        Facets,
        [(KeyCode::PageDown, NONE), (KeyCode::Char('d'), CTRL)],
        Action::PageDown,
        "下翻一页"
    ),
    bind!(
        Facets,
        [(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        Action::PageUp,
        "上翻一页"
    ),
    bind!(
        Facets,
        [(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        Action::Home,
        "到开头"
    ),
    bind!(
        Facets,
        [
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), NONE),
            (KeyCode::Char('G'), SHIFT)
        ],
        Action::End,
        "到末尾"
    ),
    bind!(
        Facets,
        [(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        Action::NextFacet,
        "下一个筛选维度"
    ),
    bind!(
        Facets,
        [(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)],
        Action::PrevFacet,
        "上一个筛选维度"
    ),
    bind!(
        Facets,
        [(KeyCode::Enter, NONE), (KeyCode::Char(' '), NONE)],
        Action::Open,
        "选用/取消该值"
    ),
    bind!(Facets, [(KeyCode::Esc, NONE)], Action::Back, "回到列表"),
    bind!(
        Search,
        [(KeyCode::Enter, NONE)],
        Action::Open,
        "打开所选结果的档案"
    ),
    bind!(Search, [(KeyCode::Esc, NONE)], Action::Back, "关闭搜索"),
    bind!(
        Search,
        [
            (KeyCode::Down, NONE),
            (KeyCode::Char('n'), CTRL),
            (KeyCode::Char('j'), CTRL)
        ],
        Action::Down,
        "下一个结果"
    ),
    bind!(
        Search,
        [
            (KeyCode::Up, NONE),
            (KeyCode::Char('p'), CTRL),
            (KeyCode::Char('k'), CTRL)
        ],
        Action::Up,
        "上一个结果"
    ),
    bind!(
        Search,
        [(KeyCode::Backspace, NONE)],
        Action::Backspace,
        "删除一个字"
    ),
    bind!(
        Search,
        [(KeyCode::Char('u'), CTRL)],
        Action::ClearInput,
        "清空输入"
    ),
    bind!(Search, [(KeyCode::Char('c'), CTRL)], Action::Quit, "退出"),
    bind!(
        Help,
        [(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        Action::Down,
        "向下滚动"
    ),
    bind!(
        Help,
        [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        Action::Up,
        "向上滚动"
    ),
    bind!(
        Help,
        [(KeyCode::PageDown, NONE), (KeyCode::Char('d'), CTRL)],
        Action::PageDown,
        "下翻一页"
    ),
    bind!(
        Help,
        [(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        Action::PageUp,
        "上翻一页"
    ),
    bind!(
        Help,
        [(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        Action::Home,
        "到开头"
    ),
    bind!(
        Help,
        [
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), NONE),
            (KeyCode::Char('G'), SHIFT)
        ],
        Action::End,
        "到末尾"
    ),
    bind!(
        Help,
        [
            (KeyCode::Esc, NONE),
            (KeyCode::Char('?'), NONE),
            (KeyCode::Char('q'), NONE)
        ],
        Action::Back,
        "关闭帮助"
    ),
];

fn matches(keys: &[(KeyCode, KeyModifiers)], ev: &KeyEvent) -> bool {
    // Shift is implied by an upper-case or symbol character; compare without it there.
    let mods = match ev.code {
        KeyCode::Char(_) => ev.modifiers - KeyModifiers::SHIFT,
        _ => ev.modifiers,
    };
    keys.iter().any(|(code, m)| {
        *code == ev.code
            && (match ev.code {
                KeyCode::Char(_) => *m - KeyModifiers::SHIFT,
                _ => *m,
            }) == mods
    })
}

/// The action for a key in a context, if any.
pub fn action_for(context: Context, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(b) = BINDINGS
        .iter()
        .find(|b| b.context == context && matches(b.keys, ev))
    {
        return Some(b.action.clone());
    }
    match context {
        Context::Search => match ev.code {
            KeyCode::Char(c)
                if !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control() =>
            {
                Some(Action::Input(c))
            }
            _ => None,
        },
        Context::Help => None,
        _ => BINDINGS
            .iter()
            .find(|b| b.context == Context::Global && matches(b.keys, ev))
            .map(|b| b.action.clone()),
    }
}

/// How a key is written in the help overlay (ASCII only, so it aligns in every terminal).
pub fn key_label(code: &KeyCode, mods: &KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// The help overlay's content: for each context, its keys and what they do.
pub fn help_entries() -> Vec<(Context, String, &'static str)> {
    BINDINGS
        .iter()
        .map(|b| {
            let mut labels: Vec<String> = Vec::new();
            for (c, m) in b.keys {
                let l = key_label(c, m);
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
            (b.context, labels.join(" / "), b.help)
        })
        .collect()
}
