//! The TUI rendered through ratatui's TestBackend: each screen at 80×24 and wider, ASCII
//! borders, monochrome, long and hostile names, empty results, and the state transitions of
//! `update`. Assertions read the buffer as a user would read the screen.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;
use yuanqi::model::text::display_width;
use yuanqi::store::{Facet, Filter, ParkRow, Store};
use yuanqi::tui::action::{Action, BINDINGS, Screen};
use yuanqi::tui::export::Format;
use yuanqi::tui::state::{Detail, Pane, State};
use yuanqi::tui::theme::Theme;
use yuanqi::tui::update::{Effect, build_index_now, update};
use yuanqi::tui::views;

fn state_with(store: Store, w: u16, h: u16, theme: Theme) -> State {
    State::new(store, theme, (w, h)).expect("state")
}

fn seeded(w: u16, h: u16) -> State {
    state_with(
        Store::open_in_memory().expect("seeded store"),
        w,
        h,
        Theme::default(),
    )
}

fn terminal(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| views::draw(f, state)).unwrap();
    t
}

/// The screen as text, one line per row, wide characters once (their second cell skipped).
fn text(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    let mut lines = Vec::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < area.width {
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += (sym.width() as u16).max(1);
        }
        lines.push(line);
    }
    lines
}

fn screen(state: &State) -> String {
    text(terminal(state).backend().buffer()).join("\n")
}

fn act(state: &mut State, actions: impl IntoIterator<Item = Action>) {
    for a in actions {
        update(state, a);
    }
}

/// Build the search index, open the search box and type `query`, as a user would.
fn search_for(state: &mut State, query: &str) {
    build_index_now(state).unwrap();
    act(state, [Action::StartSearch]);
    type_str(state, query);
}

fn type_str(state: &mut State, s: &str) {
    for c in s.chars() {
        update(state, Action::Input(c));
    }
}

fn insert_enterprise(store: &Store, name: &str) {
    let forms = yuanqi::search::forms_for(name, &[]);
    store
        .conn()
        .execute(
            "INSERT INTO enterprises (name, name_norm, search_forms) VALUES (?1, ?2, ?3)",
            rusqlite::params![name, yuanqi::model::text::normalize_name(name), forms],
        )
        .unwrap();
}

#[test]
fn enterprises_screen_at_80x24_shows_table_tabs_status_and_hints() {
    let s = seeded(80, 24);
    let total = s.store.count_enterprises(&Filter::default()).unwrap();
    let out = screen(&s);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("1 园区") && lines[0].contains("2 企业") && lines[0].contains("3 目标")
    );
    assert!(out.contains("企业名称") && out.contains("区县") && out.contains("认定"));
    assert!(
        lines[22].contains(&format!("共 {total} 家")),
        "status: {}",
        lines[22]
    );
    assert!(lines[23].contains("搜索") && lines[23].contains("帮助"));
    // The first rows of the list are the first page the store returns.
    let first = s.store.enterprise_rows(&Filter::default(), 0, 3).unwrap();
    for r in &first {
        let shown: String = yuanqi::model::text::truncate_to_width(&r.name, 12);
        assert!(
            out.contains(shown.trim_end_matches('…')),
            "{} missing",
            r.name
        );
    }
    // Every line fills the terminal exactly: nothing wider than the screen.
    for l in &lines {
        assert_eq!(display_width(l), 80, "line width: {l}");
    }
}

#[test]
fn search_by_initials_opens_the_profile_with_designations() {
    let mut s = seeded(100, 30);
    search_for(&mut s, "zywbx");
    let results = screen(&s);
    assert!(results.contains("正原微玻纤"), "{results}");
    act(&mut s, [Action::Open]);
    assert!(s.search.is_none());
    assert_eq!(s.screen, Screen::Enterprises);
    assert_eq!(s.focus(), Pane::Detail);
    let out = screen(&s);
    assert!(out.contains("宣汉正原微玻纤有限公司"), "{out}");
    assert!(out.contains("制造业单项冠军"), "{out}");
    // The validity is never cut in two, even in the 40-column pane.
    assert!(out.contains("单项冠军 [有效]"), "{out}");
    assert!(out.contains("有效期至2027年"), "{out}");
    assert!(out.contains("来源"), "provenance shown: {out}");
    // Back in the list, the cursor is on the enterprise that was opened (so y copies it).
    act(&mut s, [Action::Back]);
    assert_eq!(
        s.enterprises.selected_row().map(|r| r.name.as_str()),
        Some("宣汉正原微玻纤有限公司")
    );
}

#[test]
fn search_highlights_matches_and_puts_the_cursor_after_wide_text() {
    let mut s = seeded(80, 24);
    search_for(&mut s, "达钢");
    let mut t = terminal(&s);
    let buf = t.backend().buffer().clone();
    let lines = text(&buf);
    // Input line is row 2 (tabs, border, input): "/ " then two double-width characters.
    assert!(lines[2].contains("/ 达钢"), "{}", lines[2]);
    let pos = t.get_cursor_position().unwrap();
    assert_eq!((pos.x, pos.y), (1 + 2 + 4, 2));
    // The first hit shows 达钢 with the matched characters in the highlight style.
    let hits = s.search.as_ref().unwrap().hits.clone();
    assert!(!hits.is_empty());
    let row = 4u16;
    let styled: Vec<(String, bool)> = (0..80)
        .map(|x| {
            let c = &buf[(x, row)];
            (
                c.symbol().to_string(),
                c.modifier.contains(Modifier::BOLD) && c.fg == Color::Yellow,
            )
        })
        .collect();
    let highlighted: String = styled
        .iter()
        .filter(|(_, h)| *h)
        .map(|(s, _)| s.as_str())
        .collect();
    assert!(
        highlighted.contains('达') && highlighted.contains('钢'),
        "highlighted: {highlighted:?}"
    );
}

#[test]
fn search_without_matches_says_so() {
    let mut s = seeded(80, 24);
    search_for(&mut s, "qqqqzzzz");
    assert!(screen(&s).contains("没有与“qqqqzzzz”匹配的企业或园区"));
    // Esc closes the search and keeps the list where it was.
    act(&mut s, [Action::Back]);
    assert!(s.search.is_none());
    assert!(screen(&s).contains("企业名称"));
}

#[test]
fn ascii_mode_draws_no_box_or_ambiguous_glyphs() {
    let mut s = state_with(
        Store::open_in_memory().unwrap(),
        80,
        24,
        Theme::new(true, true),
    );
    for screen_actions in [
        vec![],
        vec![Action::ToggleFacets],
        vec![Action::Show(Screen::Parks)],
        vec![Action::Show(Screen::Parks), Action::Open],
        vec![Action::Show(Screen::Targets)],
        vec![Action::Help],
    ] {
        act(&mut s, screen_actions);
        let out = screen(&s);
        for bad in [
            '─', '│', '┌', '┐', '└', '┘', '━', '┃', '┏', '…', '›', '█', '░', '●', '◀', '▶',
        ] {
            assert!(!out.contains(bad), "{bad:?} in ASCII mode:\n{out}");
        }
        assert!(out.contains('+') && out.contains('|') && (out.contains('-') || out.contains('=')));
        act(&mut s, [Action::Back, Action::Back]);
    }
    // The focused pane shows it without colour or bold: `=` rules on its border.
    let mut s = state_with(
        Store::open_in_memory().unwrap(),
        100,
        30,
        Theme::new(false, true),
    );
    // The top border of the list and of the profile beside it.
    let tops = |s: &State| {
        let row = screen(s).lines().nth(1).unwrap().to_string();
        let (list, detail) = row.split_once("++").expect("two panes side by side");
        (list.contains("==="), detail.contains("==="))
    };
    assert_eq!(tops(&s), (true, false));
    act(&mut s, [Action::NextPane]);
    assert_eq!(tops(&s), (false, true));
}

#[test]
fn monochrome_uses_no_colour_and_selects_by_reverse_video() {
    let s = state_with(
        Store::open_in_memory().unwrap(),
        80,
        24,
        Theme::new(false, false),
    );
    let t = terminal(&s);
    let buf = t.backend().buffer();
    for c in buf.content() {
        assert_eq!(c.fg, Color::Reset, "fg colour at {:?}", c.symbol());
        assert_eq!(c.bg, Color::Reset, "bg colour at {:?}", c.symbol());
    }
    // The selected row (first data row, y = 3) is reverse video.
    assert!(buf[(1, 3)].modifier.contains(Modifier::REVERSED));
    assert!(
        buf[(60, 3)].modifier.contains(Modifier::REVERSED),
        "the whole row"
    );
    assert!(!buf[(1, 4)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn long_and_hostile_names_are_cut_cleanly_and_sanitised() {
    let store = Store::open_in_memory().unwrap();
    let long = "阿阿阿超长名称的四川省达州市某某某某某某新材料科技股份有限公司第一分公司";
    insert_enterprise(&store, long);
    insert_enterprise(&store, "阿恶意\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}公司");
    let s = state_with(store, 80, 24, Theme::default());
    let out = screen(&s);
    assert!(!out.contains('\u{1b}'));
    assert!(out.contains("阿恶意公司"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains("阿阿阿超长"))
        .expect("long name row");
    assert!(row.contains('…'), "{row}");
    for l in out.lines() {
        assert_eq!(display_width(l), 80, "{l}");
    }
}

#[test]
fn an_empty_store_shows_empty_states_not_garbage() {
    let mut s = state_with(Store::empty_in_memory().unwrap(), 80, 24, Theme::default());
    assert!(screen(&s).contains("库中还没有企业"));
    act(&mut s, [Action::Show(Screen::Parks)]);
    assert!(screen(&s).contains("库中还没有园区"));
    act(&mut s, [Action::Show(Screen::Targets)]);
    assert!(screen(&s).contains("目标"));
    act(
        &mut s,
        [Action::Show(Screen::Enterprises), Action::ToggleFacets],
    );
    assert!(screen(&s).contains("当前筛选下无可选值"));
}

#[test]
fn parks_screen_shows_children_under_their_parent_and_a_detail() {
    let mut s = seeded(120, 40);
    act(&mut s, [Action::Show(Screen::Parks)]);
    let rows = s.parks.rows.clone();
    let child = rows
        .iter()
        .position(|p| p.depth > 0)
        .expect("a park inside a park");
    let parent_id = rows[child].parent_id.unwrap();
    let parent = rows.iter().position(|p| p.id == parent_id).unwrap();
    assert!(parent < child);
    // Walk to the child and open it.
    for _ in 0..child {
        act(&mut s, [Action::Down]);
    }
    let out = screen(&s);
    assert!(out.contains(&format!("└ {}", rows[child].name)), "{out}");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(
        out.contains("园区档案") && out.contains("上级园区"),
        "{out}"
    );
    assert!(out.contains(&rows[parent].name));
}

#[test]
fn facets_filter_combine_count_and_clear_with_one_key() {
    let mut s = seeded(80, 24);
    let all = s.enterprises.total;
    act(&mut s, [Action::ToggleFacets]);
    assert_eq!(s.focus(), Pane::Facets);
    let first = s.facets.values[0].clone();
    act(&mut s, [Action::Open]);
    assert_eq!(s.enterprises.total as i64, first.count);
    assert!(screen(&s).contains(&format!("共 {} 家", first.count)));
    assert!(screen(&s).contains(&first.label));
    // A second dimension narrows further; its counts are under the first filter.
    act(
        &mut s,
        [Action::NextFacet, Action::NextFacet, Action::NextFacet],
    );
    assert_eq!(s.facets.facet(), Facet::Type);
    if let Some(v) = s.facets.values.first().cloned() {
        act(&mut s, [Action::Open]);
        assert_eq!(s.enterprises.total as i64, v.count);
        assert_eq!(
            s.enterprises.total as i64,
            s.store.count_enterprises(&s.filter).unwrap()
        );
        assert_eq!(s.filter_labels.len(), 2);
    }
    act(&mut s, [Action::ClearFilters]);
    assert_eq!(s.enterprises.total, all);
    assert!(s.filter.is_empty());
    assert!(screen(&s).contains("已清除全部筛选"));
}

#[test]
fn position_and_filters_survive_switching_screens() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Down, Action::Down, Action::Down]);
    act(
        &mut s,
        [
            Action::Show(Screen::Parks),
            Action::Down,
            Action::Show(Screen::Targets),
        ],
    );
    act(&mut s, [Action::Show(Screen::Enterprises)]);
    assert_eq!(s.enterprises.cursor.selected, 3);
    act(&mut s, [Action::Show(Screen::Parks)]);
    assert_eq!(s.parks.cursor.selected, 1);
}

#[test]
fn paging_reads_only_the_window_and_reaches_the_end() {
    let mut s = seeded(80, 24);
    let total = s.enterprises.total;
    let rows = s.list_rows();
    assert!(s.enterprises.page.len() <= rows * 3, "no full-table load");
    act(&mut s, [Action::PageDown]);
    assert_eq!(s.enterprises.cursor.selected, rows.min(total - 1));
    act(&mut s, [Action::End]);
    assert_eq!(s.enterprises.cursor.selected, total - 1);
    let last = s
        .store
        .enterprise_rows(&Filter::default(), total - 1, 1)
        .unwrap();
    assert_eq!(s.enterprises.selected_row().map(|r| r.id), Some(last[0].id));
    assert!(screen(&s).contains(&format!("企业 {total}/{total}")));
    act(&mut s, [Action::Home]);
    assert_eq!(
        (s.enterprises.cursor.selected, s.enterprises.cursor.top),
        (0, 0)
    );
}

#[test]
fn help_overlay_lists_every_binding() {
    // As wide as the popup, so its lines are the screen's; long descriptions wrap onto the
    // next line, so compare without line breaks, borders and spaces.
    let mut s = seeded(84, 90);
    act(&mut s, [Action::Help]);
    let flat = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '┃' | '│' | '|'))
            .collect()
    };
    let out = flat(&screen(&s));
    for b in BINDINGS {
        assert!(out.contains(&flat(b.help)), "help lacks {:?}", b.help);
    }
    act(&mut s, [Action::Back]);
    assert!(s.help.is_none());
}

#[test]
fn tiny_terminal_gets_a_clear_message_and_resize_relays_out() {
    let mut s = seeded(50, 10);
    assert!(screen(&s).contains("窗口太小"));
    // Each phrase whole on its own line, even in a window too narrow for the sentence.
    for w in [20, 30] {
        act(&mut s, [Action::Resize(w, 10)]);
        let out = screen(&s);
        for phrase in ["至少需要 60×15", &format!("当前 {w}×10"), "请放大终端窗口"] {
            assert!(out.contains(phrase), "{phrase} at {w} columns:\n{out}");
        }
    }
    act(&mut s, [Action::Resize(120, 40)]);
    let out = screen(&s);
    assert!(
        out.contains("企业名称") && out.contains("企业档案"),
        "wide layout shows the profile"
    );
    act(&mut s, [Action::Resize(80, 24)]);
    let out = screen(&s);
    assert!(!out.contains("企业档案"), "narrow layout shows one pane");
}

#[test]
fn narrow_layout_opens_the_profile_full_width_and_esc_returns() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Open]);
    assert!(matches!(s.enterprise_detail, Some(Detail::Enterprise(_))));
    assert!(screen(&s).contains("企业档案"));
    act(&mut s, [Action::Back]);
    assert_eq!(s.focus(), Pane::List);
    assert!(screen(&s).contains("企业名称"));
}

#[test]
fn copy_puts_the_name_on_the_clipboard_and_the_status_line() {
    let mut s = seeded(80, 24);
    let name = s.enterprises.selected_row().unwrap().name.clone();
    let fx = update(&mut s, Action::Copy);
    assert!(fx.contains(&Effect::Copy(name.clone())));
    assert!(screen(&s).contains(&format!("已复制：{name}")));
    // A credit code that is not recorded is said so, nothing copied.
    let fx = update(&mut s, Action::CopyCode);
    if s.enterprises.selected_row().unwrap().uscc.is_none() {
        assert!(!fx.iter().any(|f| matches!(f, Effect::Copy(_))));
        assert!(screen(&s).contains("没有登记统一社会信用代码"));
    }
}

#[test]
fn export_writes_the_filtered_view_and_falls_back_when_not_writable() {
    let store = Store::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir");
    let filter = Filter::default();
    let dirs = [missing, dir.path().to_path_buf()];
    let (path, n) =
        yuanqi::tui::export::export_enterprises_in(&store, &filter, Format::Csv, &dirs).unwrap();
    assert_eq!(path.parent().unwrap(), dir.path());
    assert_eq!(n as i64, store.count_enterprises(&filter).unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("\u{feff}企业名称,"));
    assert_eq!(text.lines().count(), n + 1);
    assert!(text.contains("宣汉正原微玻纤有限公司"));
    let (xlsx, m) =
        yuanqi::tui::export::export_enterprises_in(&store, &filter, Format::Xlsx, &dirs).unwrap();
    assert_eq!(
        (xlsx.extension().unwrap(), m),
        (std::ffi::OsStr::new("xlsx"), n)
    );
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 0);
    // A second export in the same second goes beside the first, under its own name.
    let (again, _) =
        yuanqi::tui::export::export_enterprises_in(&store, &filter, Format::Csv, &dirs).unwrap();
    assert_eq!(again.parent(), path.parent());
    assert_ne!(again, path);
    assert!(
        yuanqi::tui::export::saved_at(&again).starts_with("yuanqi-企业-"),
        "the file name comes first"
    );
    // On the parks screen: the parks it lists.
    let (parks, p) = yuanqi::tui::export::export_parks_in(&store, Format::Csv, &dirs).unwrap();
    assert_eq!(p, store.park_rows().unwrap().len());
    let text = std::fs::read_to_string(&parks).unwrap();
    assert!(text.starts_with("\u{feff}园区名称,"), "{text}");
    assert_eq!(text.lines().count(), p + 1);
}

#[test]
fn another_users_write_is_noticed_without_idle_redraws() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let opts = yuanqi::store::OpenOptions {
        read_only: false,
        shared: false,
        create: true,
    };
    let store = Store::open(&path, &opts).unwrap();
    let mut s = state_with(store, 80, 24, Theme::default());
    let before = s.enterprises.total;
    act(&mut s, [Action::Down, Action::Down, Action::Down]);
    let selected = s.enterprises.selected_row().unwrap().name.clone();
    // Nothing changed: the idle check asks for no frame.
    assert!(!update(&mut s, Action::CheckData).contains(&Effect::Redraw));
    let other = Store::open(&path, &opts).unwrap();
    insert_enterprise(&other, "阿新导入测试有限公司");
    let fx = update(&mut s, Action::CheckData);
    assert!(fx.contains(&Effect::Redraw));
    assert_eq!(s.enterprises.total, before + 1);
    assert!(screen(&s).contains("库中数据已在别处更新"));
    // A row added above the selection does not move it to another enterprise.
    assert_eq!(s.enterprises.selected_row().unwrap().name, selected);
}

#[test]
fn read_only_store_browses_and_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let rw = yuanqi::store::OpenOptions {
        read_only: false,
        shared: false,
        create: true,
    };
    drop(Store::open(&path, &rw).unwrap());
    let ro = yuanqi::store::OpenOptions {
        read_only: true,
        shared: false,
        create: false,
    };
    let mut s = state_with(Store::open(&path, &ro).unwrap(), 80, 24, Theme::default());
    act(
        &mut s,
        [
            Action::Down,
            Action::Open,
            Action::Show(Screen::Parks),
            Action::Open,
        ],
    );
    let out = screen(&s);
    assert!(out.contains("【只读】"), "{out}");
    assert!(out.contains("园区档案"));
}

#[test]
fn targets_screen_has_its_tab_and_navigation() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Show(Screen::Targets)]);
    let out = screen(&s);
    assert!(out.lines().next().unwrap().contains("3 目标"));
    assert!(out.contains("目标值") && out.contains("状态"), "{out}");
    act(&mut s, [Action::NextScreen]);
    assert_eq!(s.screen, Screen::Parks);
    act(&mut s, [Action::PrevScreen]);
    assert_eq!(s.screen, Screen::Targets);
}

#[test]
fn keys_map_by_context() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use yuanqi::tui::action::{Context, action_for};
    let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert!(matches!(
        action_for(Context::Browse, &k('j')),
        Some(Action::Down)
    ));
    assert!(matches!(
        action_for(Context::Browse, &k('q')),
        Some(Action::Quit)
    ));
    // In the search box letters are text, not commands.
    assert!(matches!(
        action_for(Context::Search, &k('j')),
        Some(Action::Input('j'))
    ));
    assert!(matches!(
        action_for(Context::Search, &k('q')),
        Some(Action::Input('q'))
    ));
    assert!(matches!(
        action_for(
            Context::Browse,
            &KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)
        ),
        Some(Action::PageDown)
    ));
    assert!(matches!(
        action_for(
            Context::Search,
            &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Action::Quit)
    ));
    // The help scrolls with the keys that move in a list (the help lists them as such).
    use yuanqi::tui::action::BINDINGS;
    for b in BINDINGS.iter().filter(|b| b.context == Context::Browse) {
        if !matches!(
            b.action,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
        ) {
            continue;
        }
        for (code, mods) in b.keys {
            let got = action_for(Context::Help, &KeyEvent::new(*code, *mods));
            assert_eq!(
                format!("{got:?}"),
                format!("{:?}", Some(b.action.clone())),
                "{code:?} in the help"
            );
        }
    }
}

#[test]
fn an_open_target_detail_follows_another_users_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let opts = yuanqi::store::OpenOptions {
        read_only: false,
        shared: false,
        create: true,
    };
    let mut s = state_with(
        Store::open(&path, &opts).unwrap(),
        100,
        40,
        Theme::default(),
    );
    select_target(&mut s, "D000-T16");
    act(&mut s, [Action::Open]);
    let before = s.targets.detail.clone().expect("detail").counting.len();
    // Another window records a new provincial 专精特新 for this year.
    let other = Store::open(&path, &opts).unwrap();
    other
        .conn()
        .execute(
            "INSERT INTO designations (enterprise_id, type, level, year)
             SELECT id, '专精特新中小企业', '省级', ?1 FROM enterprises WHERE name = '四川达州钢铁集团公司'",
            [s.now_year],
        )
        .unwrap();
    act(&mut s, [Action::CheckData]);
    let detail = s.targets.detail.clone().expect("the detail stays open");
    assert_eq!(detail.counting.len(), before + 1);
    let out = screen(&s);
    assert!(out.contains(&format!("计入（{}）", before + 1)), "{out}");
    assert!(out.contains("四川达州钢铁集团公司"), "{out}");
}

#[test]
fn targets_show_progress_status_and_on_enter_who_counts() {
    let mut s = seeded(100, 40);
    act(&mut s, [Action::Show(Screen::Targets)]);
    let rows = s.targets.rows.clone();
    assert!(!rows.is_empty(), "the seed dataset has targets");
    let out = screen(&s);
    assert!(out.contains(rows[0].status.label()), "{out}");
    let i = rows
        .iter()
        .position(|r| r.computed.unwrap_or(0.0) > 0.0)
        .expect("a seeded target that some enterprise counts toward");
    for _ in 0..i {
        act(&mut s, [Action::Down]);
    }
    act(&mut s, [Action::Open]);
    assert_eq!(s.focus(), Pane::Detail);
    let detail = s.targets.detail.clone().expect("detail");
    assert!(!detail.counting.is_empty());
    let out = screen(&s);
    assert!(
        out.contains("目标详情") && out.contains("分县（市、区）"),
        "{out}"
    );
    assert!(
        out.contains(&format!("计入（{}）", detail.counting.len())),
        "{out}"
    );
    assert!(out.contains(&detail.counting[0].name), "{out}");
    // The enterprise's own profile names the target it counts toward.
    let name = detail.counting[0].name.clone();
    search_for(&mut s, &name);
    act(&mut s, [Action::Open]);
    let listed = s
        .detail_targets
        .clone()
        .expect("targets evaluated on Enter");
    assert!(!listed.is_empty());
    assert!(screen(&s).contains(&format!("计入目标（{}）", listed.len())));
}

#[test]
fn a_demo_store_is_marked_in_the_status_line() {
    let store = Store::open_in_memory().unwrap();
    assert!(
        !screen(&state_with(
            Store::open_in_memory().unwrap(),
            80,
            24,
            Theme::default()
        ))
        .contains("【演示数据】")
    );
    store.set_meta("demo", "100000").unwrap();
    let s = state_with(store, 80, 24, Theme::default());
    assert!(screen(&s).contains("【演示数据】"));
}

#[test]
fn enter_on_a_park_profile_lists_its_enterprises() {
    let mut s = seeded(80, 24);
    let park = select_park(&mut s, "a park with enterprises", |p| p.enterprises > 0);
    // The enterprises close the profile.
    act(&mut s, [Action::Open, Action::End]);
    assert!(
        screen(&s).contains(&format!("园区企业（{} 家", park.enterprises)),
        "{} {}\n{}",
        park.name,
        park.enterprises,
        screen(&s)
    );
    act(&mut s, [Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    assert_eq!(s.filter.park, Some(park.id));
    assert_eq!(s.enterprises.total as i64, park.enterprises);
    assert!(screen(&s).contains(&format!("园区={}", park.name)));
}

/// Filter the enterprises to one county, as a user does with f.
fn filter_county(s: &mut State, county: &str) {
    act(s, [Action::Show(Screen::Enterprises), Action::ToggleFacets]);
    let i = s
        .facets
        .values
        .iter()
        .position(|v| v.label == county)
        .unwrap_or_else(|| panic!("{county} among the counties"));
    for _ in 0..i {
        act(s, [Action::Down]);
    }
    act(s, [Action::Open, Action::Back]);
    assert!(!s.filter.is_empty());
}

/// Every county is listed in the enterprise filter, those with none dimmed at 0, in the
/// official order; the targets' scope pane lists its counties in the same order.
#[test]
fn counties_list_whole_and_in_one_order_on_both_screens() {
    let mut s = seeded(100, 40);
    act(
        &mut s,
        [Action::Show(Screen::Enterprises), Action::ToggleFacets],
    );
    let counties: Vec<(String, i64)> = s
        .facets
        .values
        .iter()
        .map(|v| (v.label.clone(), v.count))
        .collect();
    for name in ["通川区", "达川区", "达州东部经开区"] {
        assert!(
            counties.iter().any(|(n, _)| n == name),
            "{name} listed: {counties:?}"
        );
    }
    let official: Vec<String> = s
        .store
        .conn()
        .prepare("SELECT name FROM regions ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let rank = |n: &str| official.iter().position(|o| o == n);
    let ranks: Vec<usize> = counties.iter().filter_map(|(n, _)| rank(n)).collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{counties:?}");

    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    let under_city: Vec<usize> = s
        .targets
        .scopes
        .iter()
        .filter(|v| v.depth == 1)
        .filter_map(|v| rank(&v.label))
        .collect();
    assert!(under_city.len() > 3, "{:?}", s.targets.scopes);
    assert!(
        under_city.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        s.targets.scopes
    );
}

/// A profile opened from another screen may have to clear the enterprise filter; Esc back to
/// that screen restores it.
#[test]
fn a_filter_cleared_to_show_a_holder_comes_back_with_esc() {
    // From a target's holder.
    let mut s = seeded(100, 30);
    filter_county(&mut s, "开江县");
    let filter = s.filter.clone();
    select_target(&mut s, "D003-T25");
    act(&mut s, [Action::Open, Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    assert!(s.filter.is_empty(), "大足区's holder is outside 开江县");
    assert!(screen(&s).contains("Esc 返回时恢复"), "{}", screen(&s));
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets);
    assert_eq!(s.filter, filter);
    act(&mut s, [Action::Show(Screen::Enterprises)]);
    assert!(screen(&s).contains("开江县"), "{}", screen(&s));

    // From a search started on the parks screen.
    let mut s = seeded(100, 30);
    filter_county(&mut s, "开江县");
    let filter = s.filter.clone();
    act(&mut s, [Action::Show(Screen::Parks)]);
    search_for(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    assert!(s.filter.is_empty());
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Parks);
    assert_eq!(s.filter, filter);
}

/// Move the Targets screen's cursor to the target with `code`.
fn select_target(s: &mut State, code: &str) {
    act(s, [Action::Show(Screen::Targets)]);
    while s.focus() != Pane::List {
        act(s, [Action::Back]);
    }
    act(s, [Action::Home]);
    let i = s
        .targets
        .rows
        .iter()
        .position(|r| r.code == code)
        .unwrap_or_else(|| panic!("seeded target {code}"));
    for _ in 0..i {
        act(s, [Action::Down]);
    }
}

/// Go to the parks screen and select the first park `which` accepts; returns it.
fn select_park(s: &mut State, what: &str, which: impl Fn(&ParkRow) -> bool) -> ParkRow {
    act(s, [Action::Show(Screen::Parks)]);
    while s.focus() != Pane::List {
        act(s, [Action::Back]);
    }
    act(s, [Action::Home]);
    let i = s
        .parks
        .rows
        .iter()
        .position(which)
        .unwrap_or_else(|| panic!("{what} in the seeds"));
    for _ in 0..i {
        act(s, [Action::Down]);
    }
    s.parks.rows[i].clone()
}

#[test]
fn target_detail_names_code_and_scope_and_a_recorded_target_lists_its_reports() {
    let mut s = seeded(80, 24);
    // A counted target: code, scope and, on Enter, who counts.
    select_target(&mut s, "D003-T25");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("代码：D003-T25"), "{out}");
    assert!(out.contains("范围：大足区"), "{out}");
    assert!(out.contains("目标：400家以上（基数 256）"), "{out}");
    assert!(out.contains("填报：256（时间不详） — D003"), "{out}");
    assert!(out.contains("填报记录（"), "{out}");
    // A recorded target (a rate no record computes): its reports, not empty county sections.
    select_target(&mut s, "D002-T05");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("代码：D002-T05"), "{out}");
    assert!(out.contains("填报类目标"), "{out}");
    assert!(out.contains("填报记录（1）"), "{out}");
    assert!(out.contains("7.3"), "the reported figure: {out}");
    assert!(!out.contains("分县（市、区）"), "{out}");
    assert!(!out.contains("计入的企业（0）"), "{out}");
    // One that nobody reported yet says how to report it.
    select_target(&mut s, "D000-T01");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("yuanqi targets report D000-T01"), "{out}");
}

#[test]
fn a_year_taken_from_the_articles_context_is_marked_and_explained() {
    let mut s = seeded(100, 30);
    select_target(&mut s, "D003-T10");
    assert!(screen(&s).contains("2025*"), "the list marks the period");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("*年份：文中未写年份"), "{out}");
    // A year the document states beside the target carries no mark.
    select_target(&mut s, "D003-T50");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(!out.contains("*年份"), "{out}");
}

#[test]
fn parks_filter_by_county_in_their_own_pane() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Show(Screen::Parks), Action::ToggleFacets]);
    assert_eq!(s.screen, Screen::Parks);
    assert_eq!(s.focus(), Pane::Facets);
    assert!(screen(&s).contains("筛选园区"), "{}", screen(&s));
    assert!(!screen(&s).contains("维度"), "one dimension: no h/l hint");
    let all = s.parks.rows.len();
    let pick = |s: &mut State, county: &str| {
        let i = s
            .parks
            .counties
            .iter()
            .position(|v| v.label == county)
            .unwrap_or_else(|| panic!("{county} listed"));
        act(s, [Action::Home]);
        for _ in 0..i {
            act(s, [Action::Down]);
        }
        let count = s.parks.counties[i].count as usize;
        act(s, [Action::Open]);
        count
    };
    // A county: its parks only, as many as the pane said, and the status line says which.
    let n = pick(&mut s, "大竹县");
    assert!(n > 0);
    assert_eq!(s.parks.rows.len(), n);
    assert!(
        s.parks
            .rows
            .iter()
            .all(|p| p.region.as_deref() == Some("大竹县"))
    );
    assert_eq!(s.focus(), Pane::List);
    assert!(
        screen(&s).contains("筛选：县（市、区）=大竹县"),
        "{}",
        screen(&s)
    );
    // The city takes its counties' parks; parks inside 达州高新区 stay under it.
    act(&mut s, [Action::PrevPane]);
    assert_eq!(s.focus(), Pane::Facets);
    let n = pick(&mut s, "达州市");
    assert_eq!(s.parks.rows.len(), n);
    assert!(
        s.parks
            .rows
            .iter()
            .any(|p| p.region.as_deref() == Some("大竹县"))
    );
    let zone = s
        .parks
        .rows
        .iter()
        .position(|p| p.name == "达州高新区")
        .unwrap();
    assert_eq!(s.parks.rows[zone + 1].depth, 1);
    assert!(
        !s.parks
            .rows
            .iter()
            .any(|p| p.region.as_deref() == Some("大足区")),
        "大足区 is not in 达州市"
    );
    // Parks no region claims have their own value.
    act(&mut s, [Action::PrevPane]);
    let n = pick(&mut s, "（未载明县区）");
    assert!(n > 0);
    assert_eq!(s.parks.rows.len(), n);
    assert!(s.parks.rows.iter().all(|p| p.region.is_none()));
    // x shows every park again.
    act(&mut s, [Action::ClearFilters]);
    assert_eq!(s.parks.rows.len(), all);
    assert!(!screen(&s).contains("县（市、区）=达州市"));
}

/// On the targets screen f filters targets by scope: a county keeps its own targets and
/// those of its parks and zones; Enter again or x shows all.
#[test]
fn targets_filter_by_scope() {
    let mut s = seeded(120, 40);
    act(&mut s, [Action::Show(Screen::Targets)]);
    let all = s.targets.rows.len();
    act(&mut s, [Action::ToggleFacets]);
    assert_eq!(s.screen, Screen::Targets);
    assert_eq!(s.focus(), Pane::Facets);
    let i = s
        .targets
        .scopes
        .iter()
        .position(|v| v.key == "大足区")
        .expect("大足区 sets targets");
    let want = s.targets.scopes[i].count as usize;
    for _ in 0..i {
        act(&mut s, [Action::Down]);
    }
    act(&mut s, [Action::Open]);
    assert_eq!(s.targets.rows.len(), want);
    assert!(want < all);
    let scopes: std::collections::BTreeSet<&str> =
        s.targets.rows.iter().map(|r| r.scope.as_str()).collect();
    assert!(
        scopes.contains("大足区") && scopes.contains("双桥工业园区"),
        "{scopes:?}"
    );
    assert!(!scopes.contains("达州市"), "{scopes:?}");
    let out = screen(&s);
    assert!(
        out.contains("范围：大足区") && out.contains(&format!("共 {want} 项目标")),
        "{out}"
    );
    assert_eq!(s.focus(), Pane::List, "on to the scope's targets");
    act(&mut s, [Action::ClearFilters]);
    assert_eq!(s.targets.rows.len(), all);
    // At 80 columns the pane and the table take turns, so target names stay readable.
    let mut s = seeded(80, 24);
    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    let out = screen(&s);
    assert!(out.contains("筛选目标") && !out.contains("目标值"), "{out}");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("目标值") && !out.contains("筛选目标"), "{out}");
    assert!(out.contains(&s.targets.rows[0].name), "{out}");
}

#[test]
fn wrapped_provenance_keeps_its_indent_and_ascii_header_separators_read_well() {
    let mut s = state_with(
        Store::open_in_memory().unwrap(),
        80,
        24,
        Theme::new(false, true),
    );
    search_for(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("来源：D002"))
        .unwrap_or_else(|| panic!("the designation's source line:\n{out}"));
    assert!(lines[at].starts_with("|       "), "{out}");
    assert!(
        lines[at + 1].starts_with("|       ") && !lines[at + 1].starts_with("|        "),
        "the continuation sits under the text above it:\n{out}"
    );
    // Further down the profile.
    act(
        &mut s,
        [Action::Down, Action::Down, Action::Down, Action::Down],
    );
    let out = screen(&s);
    let lines: Vec<&str> = out.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.starts_with("|资料来源："))
        .unwrap_or_else(|| panic!("资料来源:\n{out}"));
    assert!(
        lines[src + 1].starts_with("|          ") && !lines[src + 1].starts_with("|           "),
        "continues under the value, not the label:\n{out}"
    );
    let header = lines[0];
    assert!(
        header.contains(" | 园区 ") && header.contains(" | 认定 "),
        "{header}"
    );
    assert!(!header.contains(" - "), "{header}");
}

#[test]
fn mouse_click_selects_then_opens_wheel_scrolls_and_tabs_switch() {
    use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut s = seeded(80, 24);
    // Terminal events become actions.
    let ev = |kind, column, row| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let click =
        yuanqi::tui::action_for_event(&s, &ev(MouseEventKind::Down(MouseButton::Left), 10, 6));
    assert!(matches!(click, Some(Action::Click(10, 6))), "{click:?}");
    let wheel = yuanqi::tui::action_for_event(&s, &ev(MouseEventKind::ScrollDown, 10, 6));
    assert!(
        matches!(wheel, Some(Action::Wheel { down: true, .. })),
        "{wheel:?}"
    );
    assert!(yuanqi::tui::action_for_event(&s, &ev(MouseEventKind::Moved, 10, 6)).is_none());

    // Row y = 3 is the first enterprise (border, header above): y = 6 is the fourth.
    let fourth = s.enterprises.row(3).unwrap().name.clone();
    act(&mut s, [Action::Click(10, 6)]);
    assert_eq!(s.enterprises.cursor.selected, 3);
    assert_eq!(s.focus(), Pane::List);
    let buf = terminal(&s).backend().buffer().clone();
    assert!(buf[(1, 6)].modifier.contains(Modifier::REVERSED) || buf[(1, 6)].bg != Color::Reset);
    assert!(text(&buf)[6].contains(&fourth), "{}", text(&buf)[6]);
    // A second click on the selected row opens it.
    act(&mut s, [Action::Click(10, 6)]);
    assert_eq!(s.focus(), Pane::Detail);
    assert!(screen(&s).contains("企业档案"));
    assert!(screen(&s).contains(&fourth));
    act(&mut s, [Action::Back]);
    assert_eq!(s.focus(), Pane::List);

    // The wheel moves the selection three rows per turn; below the last item nothing happens.
    act(
        &mut s,
        [Action::Wheel {
            x: 10,
            y: 6,
            down: true,
        }],
    );
    assert_eq!(s.enterprises.cursor.selected, 6);
    act(
        &mut s,
        [
            Action::Wheel {
                x: 10,
                y: 6,
                down: false,
            },
            Action::Wheel {
                x: 10,
                y: 6,
                down: false,
            },
        ],
    );
    assert_eq!(s.enterprises.cursor.selected, 0);
    act(&mut s, [Action::Click(10, 2)]);
    assert_eq!(
        s.enterprises.cursor.selected, 0,
        "the header row selects nothing"
    );

    // A click on a tab switches screens; rows there select the same way.
    let tabs = text(terminal(&s).backend().buffer())[0].clone();
    let col = display_width(&tabs[..tabs.find("1 园区").unwrap()]) as u16;
    act(&mut s, [Action::Click(col + 1, 0)]);
    assert_eq!(s.screen, Screen::Parks);
    act(&mut s, [Action::Click(10, 4)]);
    assert_eq!(s.parks.cursor.selected, 1);

    // In the search overlay a click picks a hit (rows from y = 4: border, input, rule).
    search_for(&mut s, "dg");
    let hits = s.search.as_ref().unwrap().hits.clone();
    assert!(hits.len() > 1, "dg finds several");
    let row = text(terminal(&s).backend().buffer())[5].clone();
    assert!(row.contains(&hits[1].matched), "{row}");
    act(&mut s, [Action::Click(10, 5)]);
    assert_eq!(s.search.as_ref().unwrap().cursor.selected, 1);
    act(&mut s, [Action::Click(10, 5)]);
    assert!(s.search.is_none(), "a second click opens the hit");
    assert!(screen(&s).contains(&hits[1].name));
    act(&mut s, [Action::Show(Screen::Parks)]);
    while s.focus() != Pane::List {
        act(&mut s, [Action::Back]);
    }

    // With help open the wheel scrolls the help, and nothing behind it moves.
    act(
        &mut s,
        [
            Action::Help,
            Action::Wheel {
                x: 10,
                y: 6,
                down: true,
            },
        ],
    );
    assert_eq!(s.help, Some(3));
    assert_eq!(s.parks.cursor.selected, 1);
}

#[test]
fn targets_list_tells_same_named_targets_apart_by_scope() {
    let mut s = seeded(120, 32);
    act(&mut s, [Action::Show(Screen::Targets)]);
    let out = screen(&s);
    let header = out.lines().nth(2).unwrap();
    assert!(header.contains("范围"), "{header}");
    let first = out.lines().nth(3).unwrap();
    assert!(first.contains(&s.targets.rows[0].scope), "{first}");
    let scopes: Vec<&str> = s
        .targets
        .rows
        .iter()
        .filter(|r| r.name == "工业投资增长" && r.period == "2025")
        .map(|r| r.scope.as_str())
        .collect();
    assert!(scopes.len() > 1, "the seed data sets it for several scopes");
    // At 80 columns too: the progress bar gives way (the status keeps the percentage).
    let mut narrow = seeded(80, 24);
    act(&mut narrow, [Action::Show(Screen::Targets)]);
    let out = screen(&narrow);
    let header = out.lines().nth(2).unwrap();
    assert!(
        header.contains("范围") && !header.contains("进度"),
        "{header}"
    );
    let first = out.lines().nth(3).unwrap();
    assert!(first.contains(&narrow.targets.rows[0].scope), "{first}");
    let with_progress = narrow
        .targets
        .rows
        .iter()
        .position(|r| r.progress.is_some())
        .expect("a target with progress");
    let pct = format!(
        "{:.0}% {}",
        narrow.targets.rows[with_progress].progress.unwrap() * 100.0,
        narrow.targets.rows[with_progress].status.label()
    );
    for _ in 0..with_progress {
        act(&mut narrow, [Action::Down]);
    }
    assert!(screen(&narrow).contains(&pct), "{pct}");
}

/// A popup over the list: a double-width character just left of its border would be drawn
/// whole by the terminal, over the border (the list's names start at column 1, so at 100
/// columns a wide character of nearly every row straddles the help popup's left edge).
#[test]
fn popups_keep_their_left_border_over_wide_text() {
    let mut s = seeded(100, 30);
    act(&mut s, [Action::Help]);
    let t = terminal(&s);
    let buf = t.backend().buffer();
    let rows = text(buf);
    let top = rows
        .iter()
        .position(|l| l.contains("按键帮助"))
        .expect("help title");
    let left = (1..buf.area.width)
        .find(|&x| buf[(x, top as u16)].symbol() == "┏")
        .expect("help popup corner");
    let bottom = (top as u16..buf.area.height)
        .find(|&y| buf[(left, y)].symbol() == "┗")
        .expect("help popup bottom");
    for y in top as u16..=bottom {
        assert!(
            buf[(left - 1, y)].symbol().width() < 2,
            "row {y}: a wide character covers the popup's border: {:?}",
            rows[y as usize]
        );
    }
}

/// At 80×24 the help's longest descriptions wrap instead of being cut off.
#[test]
fn help_at_80x24_keeps_long_descriptions_whole() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Help]);
    let mut seen = String::new();
    for _ in 0..60 {
        seen.push_str(&screen(&s));
        act(&mut s, [Action::Down]);
    }
    assert!(seen.contains("目标：范围）"), "{seen}");
    // A wrapped description continues under itself, not at the left edge.
    let cont = seen
        .lines()
        .find(|l| l.contains("目标：范围）"))
        .unwrap()
        .to_string();
    let inner: String = cont.chars().skip(1).collect();
    assert!(inner.starts_with(&" ".repeat(20)), "{cont}");
    // Scrolling stops with the last line in view, not in blank space.
    let out = screen(&s);
    assert!(out.contains("set-clipboard on"), "{out}");
    let blank = out
        .lines()
        .filter(|l| l.chars().skip(1).all(|c| c == ' ' || c == '┃'))
        .count();
    assert!(blank < 5, "{out}");
}

/// The profile beside the list always shows the list's selection, also after the list changed
/// under it (filters cleared, a park's enterprises listed), and nothing when the list is empty.
#[test]
fn the_profile_follows_the_list_when_the_list_changes() {
    let mut s = seeded(120, 40);
    let shown = |s: &State| match &s.enterprise_detail {
        Some(Detail::Enterprise(p)) => Some(p.name.clone()),
        _ => None,
    };
    let selected = |s: &State| s.enterprises.selected_row().map(|r| r.name.clone());
    act(&mut s, [Action::ToggleFacets, Action::Down, Action::Open]);
    let filtered = selected(&s);
    assert_eq!(shown(&s), filtered);
    act(&mut s, [Action::ClearFilters]);
    assert_ne!(selected(&s), filtered, "the list starts over");
    assert_eq!(shown(&s), selected(&s));
    let name = selected(&s).unwrap();
    assert!(
        screen(&s).matches(name.as_str()).count() >= 2,
        "list and profile"
    );

    // A park whose enterprises are none: the profile pane empties with the list.
    select_park(&mut s, "a park without enterprises", |p| p.enterprises == 0);
    act(&mut s, [Action::Open, Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    assert_eq!(s.enterprises.total, 0);
    assert_eq!(shown(&s), None);
    assert!(!screen(&s).contains(&name), "no stale profile");
}

/// At 80×24 a target's holders run past the pane: moving in the detail walks them (the pane
/// scrolls along) and Enter opens the chosen one's profile.
#[test]
fn a_targets_holders_can_be_walked_and_opened_at_80x24() {
    // Twelve enterprises that gained 专精特新 in 2025 count toward D002-T29.
    let store = Store::open_in_memory().unwrap();
    let region: i64 = store
        .conn()
        .query_row("SELECT id FROM regions WHERE name = '通川区'", [], |r| {
            r.get(0)
        })
        .unwrap();
    for i in 0..12 {
        let name = format!("通川示例{i:02}有限公司");
        store
            .conn()
            .execute(
                "INSERT INTO enterprises(name, name_norm, region_id) VALUES (?1, ?1, ?2)",
                rusqlite::params![name, region],
            )
            .unwrap();
        let id = store.conn().last_insert_rowid();
        store
            .conn()
            .execute(
                "INSERT INTO designations(enterprise_id, type, level, year)
                 VALUES (?1, '专精特新中小企业', '省级', 2025)",
                [id],
            )
            .unwrap();
    }
    let mut s = state_with(store, 80, 24, Theme::default());
    let code = "D002-T29";
    select_target(&mut s, code);
    act(&mut s, [Action::Open]);
    assert_eq!(s.focus(), Pane::Detail);
    let d = s.targets.detail.clone().expect("detail");
    let holders: Vec<_> = d.holders().cloned().collect();
    assert!(holders.len() >= 12, "{code}: {}", holders.len());
    let last = holders.last().unwrap();
    let out = screen(&s);
    assert!(
        !out.contains(&last.name),
        "the last holder starts out of view"
    );
    assert!(
        out.contains("代码：D002-T29"),
        "the detail opens at its top: {out}"
    );
    for _ in 1..holders.len() {
        act(&mut s, [Action::Down]);
    }
    let out = screen(&s);
    assert!(out.contains(&last.name), "scrolled into view: {out}");
    // Moving on past the last holder scrolls to the reports below; back up returns.
    for _ in 0..15 {
        act(&mut s, [Action::Down]);
    }
    assert!(screen(&s).contains("填报记录（"), "{}", screen(&s));
    for _ in 0..60 {
        act(&mut s, [Action::Up]);
    }
    assert!(screen(&s).contains("代码：D002-T29"), "{}", screen(&s));
    for _ in 1..holders.len() {
        act(&mut s, [Action::Down]);
    }
    // y copies the holder selected in the detail, not the target.
    let fx = update(&mut s, Action::Copy);
    assert!(fx.contains(&Effect::Copy(last.name.clone())), "{fx:?}");
    act(&mut s, [Action::Open]);
    let want = match last.kind {
        yuanqi::model::HolderKind::Enterprise => Screen::Enterprises,
        yuanqi::model::HolderKind::Park => Screen::Parks,
    };
    assert_eq!(s.screen, want);
    let shown = match s.detail() {
        Some(Detail::Enterprise(p)) => p.name.clone(),
        Some(Detail::Park(p)) => p.name.clone(),
        None => String::new(),
    };
    assert_eq!(shown, last.name);
    assert!(screen(&s).contains(&last.name));
}

/// ü is typed as v in every pinyin input method: "lvse" finds 绿色…, and so does "lüse".
#[test]
fn pinyin_v_stands_for_u_umlaut() {
    for q in ["lvse", "lüse", "wyshesls"] {
        let mut s = seeded(100, 30);
        search_for(&mut s, q);
        let hits = &s.search.as_ref().unwrap().hits;
        assert!(
            hits.iter().any(|h| h.name.contains("绿色")),
            "{q}: {:?}",
            hits.iter().map(|h| &h.name).collect::<Vec<_>>()
        );
    }
}

/// ASCII mode is for terminals that draw characters of ambiguous width (curly quotes, dashes,
/// the ellipsis, arrows, box drawing) two cells wide: none of them may reach the screen, from
/// the data (“万达开”…) or from the app's own words.
#[test]
fn ascii_mode_leaves_no_character_of_ambiguous_width_on_screen() {
    use unicode_width::UnicodeWidthChar;
    let ambiguous = |s: &State| -> Vec<String> {
        let term = terminal(s);
        term.backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol().to_string())
            .filter(|sym| {
                sym.chars()
                    .any(|c| !c.is_ascii() && c.width() != c.width_cjk())
            })
            .collect()
    };
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(
            Store::open_in_memory().unwrap(),
            w,
            h,
            Theme::new(true, true),
        );
        build_index_now(&mut s).unwrap();
        let mut seen = Vec::new();
        for step in [
            vec![Action::Show(Screen::Parks)],
            vec![Action::Down, Action::Down, Action::Open],
            vec![Action::Show(Screen::Enterprises), Action::ToggleFacets],
            vec![
                Action::ToggleFacets,
                Action::Show(Screen::Targets),
                Action::Open,
            ],
            vec![Action::Back, Action::Help],
            vec![Action::Back, Action::StartSearch],
        ] {
            act(&mut s, step);
            seen.extend(ambiguous(&s));
        }
        type_str(&mut s, "“无此企业”");
        seen.extend(ambiguous(&s));
        assert!(seen.is_empty(), "{w}x{h}: {seen:?}");
    }
    // The seeded park “万达开”绿色能源工业园区 keeps readable quotes.
    let mut s = state_with(
        Store::open_in_memory().unwrap(),
        120,
        40,
        Theme::new(true, true),
    );
    select_park(&mut s, "a park with quotes", |p| p.name.contains('“'));
    assert!(screen(&s).contains("\"万达开\""), "{}", screen(&s));
}

/// The selected search result is drawn in the selection's colours from end to end: the full
/// name after "→" is not dark grey on blue.
#[test]
fn the_selected_search_result_is_readable_to_its_end() {
    let mut s = seeded(100, 30);
    search_for(&mut s, "达钢");
    let term = terminal(&s);
    let buf = term.backend().buffer();
    let lines = text(buf);
    let y = lines
        .iter()
        .position(|l| l.contains("达钢") && l.contains("→"))
        .expect("the short name's hit with its full name");
    let x = lines[y]
        .chars()
        .take_while(|c| *c != '→')
        .map(|c| c.to_string().width())
        .sum::<usize>();
    let tail = &buf[(x as u16 + 2, y as u16)];
    assert_ne!(tail.fg, Color::DarkGray, "{:?}", tail);
    assert_eq!(
        tail.bg,
        Color::Blue,
        "the row is the selected one: {:?}",
        tail
    );
}

/// A park's profile lists the targets set for it, apart from those it counts toward.
#[test]
fn a_parks_profile_lists_the_targets_set_for_it() {
    let mut s = seeded(120, 40);
    select_park(&mut s, "大足高新区", |p| p.name == "大足高新区");
    act(&mut s, [Action::Open]);
    let set = s.detail_park_targets.clone().expect("evaluated on Enter");
    assert!(
        set.iter()
            .any(|(what, target)| what.contains("新增规上企业") && target == "15家"),
        "{set:?}"
    );
    let out = screen(&s);
    assert!(
        out.contains(&format!("本园区的目标（{}）", set.len())),
        "{out}"
    );
    assert!(out.contains("新增规上企业"), "{out}");
    // A park that is also a functional zone has the zone's targets.
    select_park(&mut s, "达州高新区", |p| p.name == "达州高新区");
    act(&mut s, [Action::Open]);
    let set = s.detail_park_targets.clone().unwrap();
    assert!(
        set.iter()
            .any(|(what, _)| what.contains("达州高新区争创国家高新区")),
        "{set:?}"
    );
}

/// Labels are cut only when the room is not there: at 180 columns the parks' kind and county,
/// and at 100 columns a target's county labels, show whole.
#[test]
fn labels_show_whole_when_there_is_room() {
    let mut s = seeded(180, 50);
    act(&mut s, [Action::Show(Screen::Parks)]);
    let out = screen(&s);
    for p in s.parks.rows.iter().take(40) {
        assert!(out.contains(&p.kind), "{}: {out}", p.kind);
        if let Some(r) = &p.region {
            assert!(out.contains(r.as_str()), "{r}: {out}");
        }
    }
    let mut s = seeded(100, 40);
    act(&mut s, [Action::Show(Screen::Targets)]);
    let code = s
        .targets
        .rows
        .iter()
        .filter(|r| r.scope == "达州市")
        .max_by_key(|r| r.computed.unwrap_or(0.0) as i64)
        .map(|r| r.code.clone())
        .unwrap();
    select_target(&mut s, &code);
    act(&mut s, [Action::Open]);
    let d = s.targets.detail.clone().unwrap();
    assert!(d.by_region.len() > 1);
    let out = screen(&s);
    for (label, _) in &d.by_region {
        assert!(out.contains(&format!("  {label} ")), "{label}: {out}");
    }
}

/// Esc goes back the way the user came: from a park's enterprises to the park (with the
/// filter as it was), from a target's holder to the target.
#[test]
fn esc_returns_through_the_detail_the_user_came_from() {
    let mut s = seeded(120, 40);
    let park = select_park(&mut s, "a park with enterprises", |p| p.enterprises > 0).name;
    act(&mut s, [Action::Open, Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    assert!(!s.filter.is_empty());
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Parks);
    assert_eq!(s.focus(), Pane::Detail);
    assert!(
        s.filter.is_empty(),
        "the park filter the drill-down set is gone"
    );
    assert!(screen(&s).contains(&park));

    // From a target's holder back to the target.
    select_target(&mut s, "D003-T25");
    act(&mut s, [Action::Open, Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    assert_eq!(s.focus(), Pane::Detail, "the holder's profile");
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets, "one Esc from the profile");
    assert!(screen(&s).contains("代码：D003-T25"));
    // Target → park → its enterprises unwinds step by step.
    select_target(&mut s, "D002-T34");
    act(&mut s, [Action::Open]);
    let park = s
        .targets
        .detail
        .as_ref()
        .and_then(|d| d.holders().next().cloned())
        .filter(|h| h.kind == yuanqi::model::HolderKind::Park)
        .expect("D002-T34's first holder is a park in the seeds");
    act(&mut s, [Action::Open]);
    assert_eq!(s.screen, Screen::Parks);
    act(&mut s, [Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Parks);
    assert!(screen(&s).contains(&park.name));
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets, "and on back to the target");
    assert!(screen(&s).contains("代码：D002-T34"));
    // Without such a detour Esc on a list stays put.
    act(&mut s, [Action::Show(Screen::Enterprises), Action::Back]);
    assert_eq!(s.screen, Screen::Enterprises);
}

/// A stock target whose computed count is below its baseline says why its progress is 0.
#[test]
fn a_computed_count_below_the_baseline_is_explained() {
    let mut s = seeded(100, 40);
    select_target(&mut s, "D001-T11");
    act(&mut s, [Action::Open]);
    let r = s.targets.rows[s.targets.cursor.selected].clone();
    assert!(r.computed.unwrap() < r.baseline.unwrap() && r.reported.is_none());
    let out = screen(&s);
    assert!(out.contains("低于基数"), "{out}");
    // Where the computed count is not below the baseline nothing is added.
    select_target(&mut s, "D003-T25");
    act(&mut s, [Action::Open]);
    assert!(!screen(&s).contains("低于基数"));
}

/// Opening an enterprise the filter hides clears the filter (and says so), so the list and
/// the profile agree; widening the terminal shows the profile of the row selected meanwhile.
#[test]
fn the_list_and_the_profile_agree_after_search_and_resize() {
    let mut s = seeded(120, 40);
    build_index_now(&mut s).unwrap();
    act(&mut s, [Action::ToggleFacets]);
    let i = s
        .facets
        .values
        .iter()
        .position(|v| v.label == "开江县")
        .expect("开江县 among the counties");
    for _ in 0..i {
        act(&mut s, [Action::Down]);
    }
    act(&mut s, [Action::Open, Action::ToggleFacets]);
    assert!(!s.filter.is_empty());
    act(&mut s, [Action::StartSearch]);
    type_str(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    assert!(s.filter.is_empty(), "宣汉县's enterprise is outside 开江县");
    let selected = s.enterprises.selected_row().map(|r| r.name.clone());
    assert_eq!(selected.as_deref(), Some("宣汉正原微玻纤有限公司"));
    assert!(screen(&s).contains("已清除筛选"), "{}", screen(&s));

    let mut s = seeded(80, 24);
    act(&mut s, [Action::Down, Action::Down, Action::Down]);
    let want = s.enterprises.selected_row().unwrap().name.clone();
    update(&mut s, Action::Resize(120, 40));
    match &s.enterprise_detail {
        Some(Detail::Enterprise(p)) => assert_eq!(p.name, want),
        other => panic!("{other:?}"),
    }
}

/// Without colour the selected search result is one reverse-video bar, matched letters too.
#[test]
fn without_colour_the_selected_result_is_reversed_end_to_end() {
    let mut s = state_with(
        Store::open_in_memory().unwrap(),
        100,
        30,
        Theme::new(false, false),
    );
    search_for(&mut s, "zywbx");
    let term = terminal(&s);
    let buf = term.backend().buffer();
    let lines = text(buf);
    let y = lines
        .iter()
        .position(|l| l.contains("宣汉正原微玻纤"))
        .expect("the hit");
    let row: Vec<_> = (0..buf.area.width)
        .map(|x| &buf[(x, y as u16)])
        .filter(|c| !c.symbol().trim().is_empty() && !matches!(c.symbol(), "┃" | "│"))
        .collect();
    assert!(
        row.iter().all(|c| c.modifier.contains(Modifier::REVERSED)),
        "{:?}",
        row.iter()
            .filter(|c| !c.modifier.contains(Modifier::REVERSED))
            .map(|c| c.symbol())
            .collect::<Vec<_>>()
    );
}

/// On the targets screen e writes the targets it shows (within the chosen scope), with the
/// period's basis and the figures as the table has them.
#[test]
fn targets_export_writes_the_targets_shown() {
    let mut s = seeded(120, 40);
    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    let i = s
        .targets
        .scopes
        .iter()
        .position(|v| v.key == "大足区")
        .unwrap();
    for _ in 0..i {
        act(&mut s, [Action::Down]);
    }
    act(&mut s, [Action::Open]);
    let shown = s.targets.rows.len();
    let dir = tempfile::tempdir().unwrap();
    let (path, n) = yuanqi::tui::export::export_targets_in(
        &s.targets.rows,
        Format::Csv,
        &[dir.path().to_path_buf()],
    )
    .unwrap();
    assert_eq!(n, shown);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .contains("代码,目标,范围,期间,期间说明")
    );
    assert_eq!(lines.clone().count(), shown);
    let t10 = lines
        .find(|l| l.starts_with("D003-T10,"))
        .expect("D003-T10 is in 大足区");
    assert!(
        t10.contains("2025*") && t10.contains("文中未写年份"),
        "{t10}"
    );
    assert!(
        !text.contains("D000-"),
        "达州 targets are outside the scope"
    );
    // Baseline and gap, so a row explains itself: 19 held against 30, 11 to go.
    assert!(text.contains(",口径,基数,目标值,") && text.contains(",进度,差距,状态,"));
    let t12 = text
        .lines()
        .find(|l| l.starts_with("D003-T12,"))
        .expect("D003-T12 is in 大足区");
    assert!(
        t12.contains(",19,30个,") && t12.contains(",0%,11,"),
        "{t12}"
    );
}

#[test]
fn search_says_how_many_match_when_it_lists_only_the_closest() {
    let store = Store::open_in_memory().unwrap();
    for i in 0..250 {
        insert_enterprise(&store, &format!("澜沧测试{i:03}有限公司"));
    }
    let mut s = state_with(store, 100, 30, Theme::default());
    search_for(&mut s, "澜沧测试");
    let out = screen(&s);
    assert!(out.contains("共 250 条，列出最接近的 200 条"), "{out}");
    // Narrowing until every match is listed: the count is the list's length.
    type_str(&mut s, "249");
    let out = screen(&s);
    assert!(out.contains(" 1 条结果 "), "{out}");
    assert!(!out.contains("最接近"), "{out}");
}

#[test]
fn target_scopes_are_listed_as_a_tree_under_what_encloses_them() {
    let mut s = seeded(120, 40);
    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    let scopes = &s.targets.scopes;
    let at = |key: &str| {
        scopes
            .iter()
            .position(|v| v.key == key)
            .unwrap_or_else(|| panic!("{key} sets targets: {scopes:?}"))
    };
    // Each scope comes after its enclosing scope, one level deeper, before the next sibling
    // of that scope.
    for (inner, outer) in [
        ("双桥工业园区", "大足区"),
        ("大足高新区", "大足区"),
        ("宣汉县", "达州市"),
        ("万源工业园区", "万源市"),
    ] {
        let (i, o) = (at(inner), at(outer));
        assert!(o < i, "{outer} before {inner}");
        assert_eq!(
            scopes[i].depth,
            scopes[o].depth + 1,
            "{inner} under {outer}"
        );
        assert!(
            scopes[o + 1..i].iter().all(|v| v.depth > scopes[o].depth),
            "{inner} within {outer}'s subtree"
        );
    }
    assert_eq!(scopes[at("达州市")].depth, 0);
    // One dimension only: the hints offer no h/l.
    let hints = screen(&s).lines().last().unwrap_or_default().to_string();
    assert!(hints.contains("选用") && !hints.contains("维度"), "{hints}");
    assert_eq!(scopes[at("大足区")].depth, 0);
    // On screen the nesting shows as indentation.
    let out = screen(&s);
    assert!(out.contains("  双桥工业园区"), "{out}");
    assert!(out.contains("    万源工业园区"), "{out}");
}

#[test]
fn a_profile_scrolls_to_its_last_line_and_no_further() {
    let mut s = seeded(80, 24);
    search_for(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    let top = screen(&s);
    assert!(top.contains("宣汉正原微玻纤有限公司"), "{top}");
    act(&mut s, [Action::End]);
    let end = screen(&s);
    // The pane still shows text, and its last row of text is the profile's last line.
    let body: Vec<&str> = end.lines().skip(2).take(20).collect();
    let text_in = |l: &&&str| {
        !l.trim_matches(|c: char| c == '┃' || c.is_whitespace())
            .is_empty()
    };
    let filled = body.iter().filter(text_in).count();
    assert!(filled >= 15, "the pane scrolled into blank:\n{end}");
    assert!(
        body.last().is_some_and(|l| text_in(&l)),
        "the last line sits at the bottom:\n{end}"
    );
    // Further presses change nothing; one Up moves back by one line.
    act(&mut s, std::iter::repeat_n(Action::Down, 10));
    assert_eq!(screen(&s), end);
    act(&mut s, [Action::Up]);
    assert_ne!(screen(&s), end);
    // A wider window shows more of the profile: the scroll shrinks with it, never past the end.
    act(&mut s, [Action::End, Action::Resize(80, 60)]);
    let tall = screen(&s);
    assert!(
        tall.contains("宣汉正原微玻纤有限公司"),
        "the whole profile fits:\n{tall}"
    );
}

#[test]
fn a_window_widened_on_another_screen_shows_the_selected_profile_on_return() {
    let mut s = seeded(80, 24);
    act(
        &mut s,
        [
            Action::Show(Screen::Targets),
            Action::Resize(100, 30),
            Action::Show(Screen::Enterprises),
        ],
    );
    let first = s.enterprises.selected_row().expect("a row").name.clone();
    let out = screen(&s);
    assert!(out.contains("企业档案"), "{out}");
    assert!(!out.contains("选中一项后按 Enter 查看档案"), "{out}");
    let shown: String = yuanqi::model::text::truncate_to_width(&first, 30);
    assert!(
        out.matches(shown.trim_end_matches('…')).count() >= 2,
        "list and profile: {out}"
    );
}

#[test]
fn the_targets_list_keeps_target_names_readable_on_narrow_terminals() {
    for (w, h) in [(64, 20), (80, 24), (100, 30)] {
        let mut s = seeded(w, h);
        act(&mut s, [Action::Show(Screen::Targets)]);
        let out = screen(&s);
        let shown = s.targets.rows.iter().take(5).collect::<Vec<_>>();
        for r in shown {
            // At least 11 characters (22 columns) of each name, or the whole name.
            let head: String = r.name.chars().take(11).collect();
            assert!(out.contains(&head), "{w}×{h}: {head} missing:\n{out}");
        }
        assert!(
            out.contains("范围") && out.contains("状态"),
            "{w}×{h}:\n{out}"
        );
        // A two-year period with its "*" mark fits its column whole.
        if w >= 80 {
            let marked = s
                .targets
                .rows
                .iter()
                .position(|r| r.period.contains('–') && r.period.ends_with('*'))
                .expect("a marked period in the seeds");
            let period = s.targets.rows[marked].period.clone();
            s.targets.cursor.selected = marked;
            s.targets.cursor.top = marked;
            let out = screen(&s);
            assert!(out.contains(&period), "{w}×{h}: {period}\n{out}");
        }
        for l in out.lines() {
            assert_eq!(display_width(l), w as usize, "{w}×{h}: {l}");
        }
    }
}

#[test]
fn a_profile_says_when_the_sources_name_only_the_city() {
    let mut s = seeded(120, 40);
    search_for(&mut s, "达钢");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("区县：达州市（未载明区县）"), "{out}");
    search_for(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(
        out.contains("区县：宣汉县") && !out.contains("未载明区县"),
        "{out}"
    );
}

#[test]
fn slash_on_the_targets_screen_finds_targets_by_name_pinyin_and_code() {
    let mut s = seeded(100, 30);
    act(&mut s, [Action::Show(Screen::Targets)]);
    // Narrowed to 大足区 first: a 达州市 target found by search is shown all the same.
    s.targets.scope = Some("大足区".into());
    yuanqi::tui::targets_data::apply_scope(&mut s);
    build_index_now(&mut s).unwrap();
    act(&mut s, [Action::StartSearch]);
    assert!(screen(&s).contains("搜索目标、企业、园区"));
    type_str(&mut s, "5G工厂");
    let out = screen(&s);
    assert!(out.contains("标 创建国家5G工厂"), "{out}");
    assert!(out.contains("达州市"), "the scope beside the name: {out}");
    let want = s.search.as_ref().unwrap().hits[0].id;
    act(&mut s, [Action::Open]);
    assert!(s.search.is_none());
    assert_eq!(s.screen, Screen::Targets);
    assert_eq!(s.focus(), Pane::Detail);
    assert_eq!(s.targets.scope, None);
    assert_eq!(s.targets.rows[s.targets.cursor.selected].id, want);
    let out = screen(&s);
    assert!(
        out.contains("创建国家5G工厂") && out.contains("代码"),
        "{out}"
    );
    // Initials and codes find targets too; a miss says so in the targets' words.
    for (q, name) in [("zjtx", "专精特新"), ("D000-T16", "新增省级专精特新企业")] {
        act(&mut s, [Action::Back, Action::StartSearch]);
        type_str(&mut s, q);
        let out = screen(&s);
        assert!(out.contains(name), "{q}: {out}");
    }
    // Enterprises are found from here too, after the targets.
    act(&mut s, [Action::ClearInput]);
    type_str(&mut s, "zywbx");
    let out = screen(&s);
    assert!(out.contains("企 正原微玻纤"), "{out}");
    act(&mut s, [Action::ClearInput]);
    type_str(&mut s, "没有这个目标");
    assert!(
        screen(&s).contains("匹配的目标、企业或园区"),
        "{}",
        screen(&s)
    );
}

#[test]
fn on_a_narrow_terminal_help_and_quit_stay_in_the_hints_and_long_lines_end_in_an_ellipsis() {
    let mut s = seeded(60, 20);
    let hints = screen(&s).lines().last().unwrap_or_default().to_string();
    assert!(
        hints.contains("? 帮助") && hints.contains("q 退出") && hints.contains("/ 搜索"),
        "{hints}"
    );
    search_for(
        &mut s,
        "没有这样的企业没有这样的企业没有这样的企业没有这样的企业",
    );
    let out = screen(&s);
    assert!(out.contains("没有与“") && out.contains("…"), "{out}");
    // In the help, End goes to its last line and Home back to the first.
    act(&mut s, [Action::Back, Action::Help, Action::End]);
    let end = screen(&s);
    act(&mut s, [Action::Home]);
    let home = screen(&s);
    assert_ne!(end, home);
    act(&mut s, [Action::Down, Action::Up]);
    assert_eq!(screen(&s), home);
}

#[test]
fn progress_far_past_the_target_shows_its_real_figure() {
    for w in [64, 80, 120] {
        let mut s = seeded(w, 24);
        act(&mut s, [Action::Show(Screen::Targets)]);
        s.targets.rows[0].progress = Some(39.96);
        s.targets.rows[0].status = yuanqi::targets::TargetStatus::Met;
        let out = screen(&s);
        // Forty times the target, with its status whole.
        let row = out.lines().find(|l| l.contains("40倍")).unwrap_or_default();
        assert!(row.contains("已完成"), "{w}:\n{out}");
        assert!(!out.contains("999%"), "{w}:\n{out}");
    }
}

#[test]
fn back_from_a_holder_returns_to_the_same_holder_in_the_target_detail() {
    let mut s = seeded(100, 30);
    act(&mut s, [Action::Show(Screen::Targets)]);
    search_for(&mut s, "D001-T36");
    // On the last holder, then on down the pane to the reports below.
    act(
        &mut s,
        [Action::Open, Action::End, Action::Down, Action::Down],
    );
    assert!(s.detail_scroll > 0);
    let holder = s.targets.holder;
    let before = screen(&s);
    act(&mut s, [Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets);
    assert_eq!(s.targets.holder, holder);
    assert_eq!(screen(&s), before);
}

#[test]
fn profile_sections_are_set_apart_by_a_blank_line() {
    let blank_above = |out: &str, heading: &str| {
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains(heading))
            .unwrap_or_else(|| panic!("{heading} missing:\n{out}"));
        // The pane is the right-hand one: what lies left of its border is the list.
        let above = lines[at - 1];
        let pane = above.rsplit('┃').nth(1).unwrap_or(above);
        assert!(pane.trim().is_empty(), "{heading}:\n{out}");
    };
    let mut s = seeded(120, 50);
    search_for(&mut s, "达州高新区");
    act(&mut s, [Action::Open]);
    blank_above(&screen(&s), "本园区的目标");
    search_for(&mut s, "zywbx");
    act(&mut s, [Action::Open]);
    blank_above(&screen(&s), "资料来源");
}

#[test]
fn the_parks_list_at_80_columns_shows_kinds_and_counties_whole() {
    let mut s = seeded(80, 24);
    act(&mut s, [Action::Show(Screen::Parks)]);
    let rows = s.parks.rows.clone();
    for (i, r) in rows.iter().enumerate() {
        s.parks.cursor.selected = i;
        s.parks.cursor.top = i;
        let out = screen(&s);
        let line = out.lines().nth(3).unwrap_or_default().to_string();
        if let Some(region) = &r.region {
            assert!(line.contains(region.as_str()), "{region}: {line}");
        }
        assert!(line.contains(r.kind.as_str()), "{}: {line}", r.kind);
    }
}

#[test]
fn a_search_hit_by_credit_code_says_so() {
    let store = Store::open_in_memory().unwrap();
    let name = "四川达州示例新材料有限公司";
    store
        .conn()
        .execute(
            "INSERT INTO enterprises (name, name_norm, uscc, search_forms) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                name,
                yuanqi::model::text::normalize_name(name),
                "91511700MA6ABCDE13",
                yuanqi::search::forms_for(name, &[])
            ],
        )
        .unwrap();
    let mut s = state_with(store, 100, 30, Theme::default());
    search_for(&mut s, "91511700MA6ABCDE13");
    let out = screen(&s);
    assert!(out.contains(name) && out.contains("信用代码相符"), "{out}");
}

#[test]
fn the_scope_pane_opens_with_one_key_and_shows_nothing_but_scopes() {
    // The enterprise filter's park list, longer than the scope list, open before.
    let mut s = seeded(100, 40);
    act(
        &mut s,
        [
            Action::Show(Screen::Enterprises),
            Action::ToggleFacets,
            Action::NextFacet,
        ],
    );
    assert!(screen(&s).contains("哈工大机器人达州科创城"));
    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    let out = screen(&s);
    assert!(out.contains("筛选目标"), "{out}");
    assert!(!out.contains("哈工大机器人达州科创城"), "{out}");
    // At 80 columns the pane gives way to the table after a choice; f brings it back at once.
    let mut s = seeded(80, 24);
    act(
        &mut s,
        [Action::Show(Screen::Targets), Action::ToggleFacets],
    );
    act(&mut s, [Action::Down, Action::Open]);
    assert!(!screen(&s).contains("筛选目标"));
    act(&mut s, [Action::ToggleFacets]);
    assert!(screen(&s).contains("筛选目标"), "{}", screen(&s));
    assert_eq!(s.focus(), Pane::Facets);
    // The same for the enterprise filter at 60 columns, after Esc from it.
    let mut s = seeded(60, 20);
    act(
        &mut s,
        [
            Action::Show(Screen::Enterprises),
            Action::ToggleFacets,
            Action::Back,
        ],
    );
    assert_eq!(s.focus(), Pane::List);
    let list = screen(&s);
    act(&mut s, [Action::ToggleFacets]);
    assert_eq!(s.focus(), Pane::Facets);
    assert_ne!(screen(&s), list, "the filter pane shows at once");
}

#[test]
fn from_the_targets_screen_a_searched_enterprise_goes_back_there_and_codes_copy() {
    let mut s = seeded(100, 30);
    act(&mut s, [Action::Show(Screen::Targets)]);
    // Y copies the selected target's code.
    let code = s.targets.rows[0].code.clone();
    let fx = update(&mut s, Action::CopyCode);
    assert!(fx.contains(&Effect::Copy(code.clone())), "{fx:?}");
    assert!(screen(&s).contains(&format!("已复制目标代码：{code}")));
    // A search from here that opens an enterprise: Esc comes back to the targets list.
    search_for(&mut s, "达钢");
    let hit = s.search.as_ref().unwrap().target_hits;
    for _ in 0..hit {
        act(&mut s, [Action::Down]);
    }
    act(&mut s, [Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises);
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets);
    assert_eq!(s.focus(), Pane::List);
    // A target hidden by the scope filter: the filter goes, and the status line says so.
    s.targets.scope = Some("大足区".into());
    yuanqi::tui::targets_data::apply_scope(&mut s);
    search_for(&mut s, "D000-T16");
    act(&mut s, [Action::Open]);
    assert_eq!(s.targets.scope, None);
    assert!(screen(&s).contains("已暂时清除范围筛选"), "{}", screen(&s));
    // Esc from that target brings the scope back.
    act(&mut s, [Action::Back]);
    assert_eq!(s.targets.scope.as_deref(), Some("大足区"));
    assert!(screen(&s).contains("已恢复范围筛选"), "{}", screen(&s));
    assert!(s.targets.rows.iter().all(|t| !t.code.starts_with("D000-")));
}

#[test]
fn a_target_detail_says_which_figure_its_progress_follows() {
    let mut s = seeded(120, 40);
    act(&mut s, [Action::Show(Screen::Targets)]);
    search_for(&mut s, "D004-T54");
    act(&mut s, [Action::Open]);
    let out = screen(&s);
    assert!(out.contains("（按填报数，自基数 157.18 起算）"), "{out}");
}

/// A click in a filter pane selects the value under it, in the pane of the screen shown.
#[test]
fn a_click_in_the_scope_or_county_pane_selects_its_value() {
    for screen in [Screen::Targets, Screen::Parks] {
        let mut s = seeded(120, 40);
        act(&mut s, [Action::Show(screen), Action::ToggleFacets]);
        let pane = views::body_layout(views::body_rect(&s), &s)
            .facets
            .expect("the pane is shown");
        act(&mut s, [Action::Click(pane.x + 2, pane.y + 2 + 3)]);
        let selected = match screen {
            Screen::Targets => s.targets.scope_cursor.selected,
            _ => s.parks.county_cursor.selected,
        };
        assert_eq!(selected, 3, "{screen:?}");
    }
}

/// The help, at any width, starts no line with closing punctuation, ends none with opening
/// punctuation, and keeps options whole.
#[test]
fn help_lines_break_where_chinese_typesetting_allows() {
    let t = Theme::default();
    for width in 30..=100 {
        let lines: Vec<String> = views::help::wrapped(&t, width)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        for l in &lines {
            let body = l.trim_start();
            assert!(
                !body.starts_with(['，', '。', '、', '；', '：', '）', '”']),
                "{width}: {l:?}"
            );
            assert!(!l.trim_end().ends_with(['（', '“']), "{width}: {l:?}");
            assert!(
                !l.trim_end().ends_with("--") && !body.starts_with("mouse"),
                "{width}: {l:?}"
            );
        }
    }
}

/// A screen chosen with 1/2/3 shows its profile from the top, not at the scroll another pane
/// was left at.
#[test]
fn a_profile_shown_anew_starts_at_its_top() {
    let mut s = seeded(100, 30);
    select_target(&mut s, "D003-T25");
    act(&mut s, [Action::Open, Action::Open]);
    assert_eq!(s.screen, Screen::Enterprises, "a holder's profile");
    act(&mut s, [Action::Back]);
    assert_eq!(s.screen, Screen::Targets);
    // The target's detail read further down (as j/G/PgDn leave it).
    s.detail_scroll = 7;
    act(&mut s, [Action::Show(Screen::Enterprises)]);
    assert_eq!(s.detail_scroll, 0);
}
