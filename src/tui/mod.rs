//! The terminal interface, in the Elm style of gitui and television:
//! - [`action`]: the `Action` enum and the key table (data; the help overlay is made from it);
//! - [`update`]: `update(&mut State, Action)`, the only place the state changes;
//! - [`state`]: the application state, which calls the store's query functions;
//! - [`views`]: pure functions of `&State` drawing into a `Frame`;
//! - [`widgets`], [`theme`]: width-aware cells, colours and glyphs;
//! - [`terminal`]: setup/restore, panic hook, signals, dead-terminal detection.
//!
//! The run loop redraws only after an event that changed something (nothing is sent while
//! idle), builds the search index on a thread after the first frame, and every two seconds
//! checks quietly whether another user changed the store.

pub mod action;
pub mod export;
pub mod state;
pub mod targets_data;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod views;
pub mod widgets;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use crossterm::event::{self, Event, MouseButton, MouseEventKind};

use crate::cli::Cli;
use crate::search::SearchIndex;
use crate::store::{OpenOptions, Store};

use action::{Action, Context, IndexHandle};
use state::{Pane, State};
use update::{Effect, update};

/// How long the loop waits for input before doing its idle checks.
const TICK: Duration = Duration::from_millis(250);
/// How often the idle loop asks whether the store changed.
const DATA_CHECK: Duration = Duration::from_secs(2);

/// Start the TUI on the store the flags name.
pub fn run(cli: &Cli) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("界面需要在终端中运行；在脚本中请使用子命令（见 yuanqi --help）");
    }
    let store = cli.open_store()?;
    let theme = theme::Theme::from_flags(cli.no_color, cli.ascii);
    let signals = terminal::signal_flag().context("无法设置信号处理")?;
    terminal::spawn_watchdog(Arc::clone(&signals));
    let mut guard = terminal::Guard::enter(cli.mouse).context("无法初始化终端")?;
    let size = guard.terminal.size()?;
    let mut state = State::new(store, theme, (size.width, size.height))?;
    let result = event_loop(&mut guard, &mut state, &signals);
    drop(guard);
    result
}

/// Which part of the key table applies now.
pub fn context(state: &State) -> Context {
    if state.help.is_some() {
        Context::Help
    } else if state.search.is_some() {
        Context::Search
    } else if state.focus() == Pane::Facets {
        Context::Facets
    } else {
        Context::Browse
    }
}

/// Translate a terminal event into an action.
pub fn action_for_event(state: &State, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) => action::action_for(context(state), k),
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        Event::Mouse(m) => {
            let (x, y) = (m.column, m.row);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(x, y)),
                MouseEventKind::ScrollDown => Some(Action::Wheel { x, y, down: true }),
                MouseEventKind::ScrollUp => Some(Action::Wheel { x, y, down: false }),
                _ => None,
            }
        }
        _ => None,
    }
}

fn event_loop(
    guard: &mut terminal::Guard,
    state: &mut State,
    signals: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel::<(u64, Result<SearchIndex, String>)>();
    let mut generation = 0u64;
    let mut dirty = true;
    let mut first_frame = true;
    let mut last_check = Instant::now();
    let mut failures = 0u32;
    let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    let (done_tx, done_rx) = mpsc::channel::<Action>();
    let worker = spawn_worker(state, done_tx);
    state.background = worker.is_some();
    let mut pending: Vec<Action> = Vec::new();
    loop {
        if terminal::signalled(signals) {
            return Ok(());
        }
        if dirty {
            guard.terminal.draw(|f| views::draw(f, state))?;
            dirty = false;
            if first_frame {
                // The index builds while the user looks at the first frame.
                first_frame = false;
                if state.index.is_none() && !state.index_building {
                    generation += 1;
                    state.index_building = true;
                    spawn_index(state, generation, &tx);
                }
            }
        }
        // Never enter crossterm's poll on a dead terminal: it would spin there.
        if terminal::tty_gone() {
            return Ok(());
        }
        let mut actions: Vec<Action> = Vec::new();
        let mut events: Vec<Event> = Vec::new();
        match event::poll(TICK) {
            Ok(true) => match event::read() {
                Ok(ev) => {
                    failures = 0;
                    events.push(ev);
                    // Take whatever else is already waiting (fast typing, a paste) so that a
                    // burst of characters costs one search, not one per character.
                    while events.len() < 256
                        && !terminal::tty_gone()
                        && event::poll(Duration::ZERO).unwrap_or(false)
                    {
                        match event::read() {
                            Ok(ev) => events.push(ev),
                            Err(_) => break,
                        }
                    }
                }
                Err(e) => failures = failed(failures, e)?,
            },
            Ok(false) => {
                if last_check.elapsed() >= DATA_CHECK {
                    last_check = Instant::now();
                    actions.push(Action::CheckData);
                }
            }
            Err(e) => failures = failed(failures, e)?,
        }
        // A dropped SSH connection: exit rather than spin on a dead descriptor.
        if terminal::tty_gone() {
            return Ok(());
        }
        while let Ok((g, built)) = rx.try_recv() {
            if g != generation {
                continue;
            }
            match built {
                Ok(index) => actions.push(Action::IndexReady(IndexHandle(Arc::new(index)))),
                Err(e) => {
                    state.error(format!("无法建立搜索索引：{e}"));
                    dirty = true;
                }
            }
        }
        actions.extend(done_rx.try_iter());
        actions.append(&mut pending);
        // Key events are mapped one by one against the state the earlier ones left (a `/`
        // opens the search box before the letters after it arrive there).
        let mut events = events.into_iter().peekable();
        let mut queue: std::collections::VecDeque<Action> = actions.into();
        loop {
            let a = match queue.pop_front() {
                Some(a) => a,
                None => match events.next() {
                    Some(ev) => match action_for_event(state, &ev) {
                        Some(Action::Input(c)) => {
                            let mut text = c.to_string();
                            while let Some(Action::Input(c)) =
                                events.peek().and_then(|e| action_for_event(state, e))
                            {
                                text.push(c);
                                events.next();
                            }
                            Action::InputText(text)
                        }
                        Some(a) => a,
                        None => continue,
                    },
                    None => break,
                },
            };
            for fx in update(state, a) {
                match fx {
                    Effect::Redraw => dirty = true,
                    Effect::Quit => return Ok(()),
                    Effect::Copy(text) => {
                        let seq = terminal::osc52(&text, in_tmux);
                        let backend = guard.terminal.backend_mut();
                        backend.write_all(seq.as_bytes())?;
                        backend.flush()?;
                    }
                    Effect::Query(job) => match &worker {
                        Some(w) => {
                            if w.send(job).is_err() {
                                state.error("后台查询已停止；请重新启动");
                                dirty = true;
                            }
                        }
                        None => {
                            let a = (job.0)(&state.store);
                            pending.push(a);
                        }
                    },
                    Effect::BuildIndex => {
                        generation += 1;
                        spawn_index(state, generation, &tx);
                    }
                }
            }
        }
    }
}

/// Count a failed terminal read; after a few in a row (or at once when the terminal is gone)
/// stop with the error instead of looping.
fn failed(failures: u32, e: std::io::Error) -> anyhow::Result<u32> {
    if terminal::tty_gone() || failures >= 5 {
        return Err(anyhow::Error::new(e).context("终端读取失败"));
    }
    std::thread::sleep(Duration::from_millis(50));
    Ok(failures + 1)
}

/// A thread with its own read-only connection that runs slow reads ([`update::Job`]) and
/// sends their results back as actions. `None` for an in-memory store.
fn spawn_worker(state: &State, done: mpsc::Sender<Action>) -> Option<mpsc::Sender<update::Job>> {
    let path = state.db_path.clone()?;
    let opts = OpenOptions {
        read_only: true,
        shared: false,
        create: false,
    };
    let store = Store::open(&path, &opts).ok()?;
    let (tx, rx) = mpsc::channel::<update::Job>();
    std::thread::spawn(move || {
        while let Ok(job) = rx.recv() {
            // Only the newest request matters when several queued up meanwhile.
            let job = rx.try_iter().last().unwrap_or(job);
            if done.send((job.0)(&store)).is_err() {
                break;
            }
        }
    });
    Some(tx)
}

/// Build the search index on a thread with its own read-only connection; an in-memory store
/// (tests) is indexed in place.
fn spawn_index(
    state: &mut State,
    generation: u64,
    tx: &mpsc::Sender<(u64, Result<SearchIndex, String>)>,
) {
    let path: Option<PathBuf> = state.db_path.clone();
    match path {
        Some(path) => {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let opts = OpenOptions {
                    read_only: true,
                    shared: false,
                    create: false,
                };
                let built = Store::open(&path, &opts)
                    .and_then(|s| s.search_candidates())
                    .map(SearchIndex::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send((generation, built));
            });
        }
        None => {
            let built = state
                .store
                .search_candidates()
                .map(SearchIndex::new)
                .map_err(|e| e.to_string());
            let _ = tx.send((generation, built));
        }
    }
}
