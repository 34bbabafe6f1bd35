//! End-to-end: the real binary in tmux, driven by keys, read from the pane. Skipped with a
//! notice when tmux is not installed (CI installs it).

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> Option<String> {
    let out = Command::new("tmux").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux session running the TUI on a fresh store; killed on drop.
struct Session {
    name: String,
    socket: String,
    dir: tempfile::TempDir,
}

impl Session {
    fn start(w: u16, h: u16, extra: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("e2e.db");
        let name = format!("yq{}", std::process::id());
        let socket = dir.path().join("tmux.sock").display().to_string();
        let cmd = format!(
            "{} --db {} {extra}",
            env!("CARGO_BIN_EXE_yuanqi"),
            db.display()
        );
        let s = Session { name, socket, dir };
        let (ws, hs) = (w.to_string(), h.to_string());
        // Started in the temporary directory, so exports land there.
        let cwd = s.dir.path().display().to_string();
        s.run(&[
            "new-session",
            "-d",
            "-c",
            &cwd,
            "-s",
            &s.name.clone(),
            "-x",
            &ws,
            "-y",
            &hs,
            &cmd,
        ])
        .expect("tmux new-session");
        s
    }

    fn run(&self, args: &[&str]) -> Option<String> {
        let mut all = vec!["-S", self.socket.as_str()];
        all.extend_from_slice(args);
        tmux(&all)
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", &self.name, k])
                .expect("send-keys");
        }
    }

    fn pane(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.name])
            .unwrap_or_default()
    }

    /// Wait until the pane shows every one of `wanted`, or fail with what it shows.
    fn wait_for(&self, wanted: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let p = self.pane();
            if wanted.iter().all(|w| p.contains(w)) {
                return p;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("pane never showed {wanted:?}:\n{p}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid(&self) -> i32 {
        self.run(&["display-message", "-p", "-t", &self.name, "#{pane_pid}"])
            .and_then(|s| s.trim().parse().ok())
            .expect("pane pid")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Running (a zombie waiting for its parent to reap it has exited already).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        // No /proc: fall back to signal 0 (counts a zombie as alive: stricter).
        // SAFETY: signal 0 only checks that the process exists.
        Err(_) => !std::path::Path::new("/proc").exists() && unsafe { libc::kill(pid, 0) == 0 },
    }
}

#[test]
fn search_by_initials_opens_the_profile_in_the_real_terminal() {
    if !have_tmux() {
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let s = Session::start(100, 30, "");
    s.wait_for(&["企业名称", "2 企业"]);
    s.keys(&["/"]);
    s.wait_for(&["搜索"]);
    s.keys(&["-l", "zywbx"]);
    s.wait_for(&["正原微玻纤"]);
    s.keys(&["Enter"]);
    let p = s.wait_for(&["宣汉正原微玻纤有限公司", "制造业单项冠军"]);
    assert!(p.contains("企业档案"), "{p}");
    // Facets are counted on the background connection and apply on Enter.
    // Esc and f in one read arrive as Alt-f (as over a slow link); a user types them apart.
    s.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    s.keys(&["f"]);
    s.wait_for(&["◀ 县（市、区） ▶"]);
    let start = Instant::now();
    while s.pane().contains("统计中") && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    s.keys(&["Enter"]);
    s.wait_for(&["筛选：县（市、区）="]);
    s.keys(&["x"]);
    s.wait_for(&["已清除全部筛选"]);
    // Exports are written on the background connection and reported when done.
    s.keys(&["e"]);
    let p = s.wait_for(&["已导出"]);
    let written: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("yuanqi-企业-") && n.ends_with(".csv"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}\n{p}");
    assert!(p.contains(&written[0]), "{p}");
    // q quits and gives the shell back.
    let pid = s.pid();
    s.keys(&["q"]);
    let start = Instant::now();
    while alive(pid) && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(pid), "q did not quit");
}

#[test]
fn a_vanished_terminal_ends_the_process_within_a_second() {
    if !have_tmux() {
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let s = Session::start(80, 24, "--ascii --no-color");
    s.wait_for(&["企业名称"]);
    let pid = s.pid();
    assert!(alive(pid));
    // Killing the session closes the pty: SIGHUP and a dead descriptor.
    s.run(&["kill-session", "-t", &s.name]);
    let start = Instant::now();
    while alive(pid) && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    assert!(!alive(pid), "still running after the terminal went away");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn sighup_ends_the_process_within_a_second() {
    if !have_tmux() {
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let s = Session::start(80, 24, "");
    s.wait_for(&["企业名称"]);
    let pid = s.pid();
    // What sshd sends when the link drops, while the pty itself is still there.
    // SAFETY: sending a signal to a child process we started.
    unsafe {
        libc::kill(pid, libc::SIGHUP);
    }
    let start = Instant::now();
    while alive(pid) && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    assert!(!alive(pid), "still running after SIGHUP");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn with_mouse_a_click_selects_and_a_second_opens_in_the_real_terminal() {
    if !have_tmux() {
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let s = Session::start(80, 24, "--mouse");
    s.wait_for(&["企业名称", "2 企业"]);
    // Clicks and the wheel, in SGR encoding; never every mouse motion (upstream bytes over SSH).
    let flags = s
        .run(&[
            "display-message",
            "-p",
            "-t",
            &s.name,
            "#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag}#{mouse_sgr_flag}",
        ])
        .unwrap_or_default();
    assert_eq!(
        flags.trim(),
        "1001",
        "clicks on, drag and motion tracking off, SGR on"
    );
    // What the terminal sends for a left click at column 10, row 6 (1-based 11;7): the fourth
    // enterprise row.
    let click = "\u{1b}[<0;11;7M\u{1b}[<0;11;7m";
    s.keys(&["-l", click]);
    s.wait_for(&["企业 4/"]);
    s.keys(&["-l", click]);
    s.wait_for(&["企业档案"]);
    drop(s);
    // Without --mouse the terminal keeps its own mouse (selecting text to copy).
    let plain = Session::start(80, 24, "");
    plain.wait_for(&["企业名称"]);
    let flags = plain
        .run(&[
            "display-message",
            "-p",
            "-t",
            &plain.name,
            "#{mouse_any_flag}",
        ])
        .unwrap_or_default();
    assert_eq!(flags.trim(), "0");
}
