//! Terminal setup and teardown, done so the user's shell is never left broken: a guard that
//! restores on drop (covering returned errors), a panic hook that restores before the panic
//! message prints, flags set by SIGHUP/SIGTERM/SIGINT/SIGQUIT, and a check for a terminal that
//! went away (a dropped SSH connection) so the loop exits instead of spinning.

use std::io::{self, Stdout, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Backend = CrosstermBackend<Basic16<Stdout>>;

/// Mouse reporting for `--mouse`: button presses and the wheel only (xterm mode 1000) in SGR
/// encoding (1006). Not crossterm's `EnableMouseCapture`, which also asks for every motion
/// (1003): over SSH that would send bytes upstream, and wake the loop, on each mouse move.
pub const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
pub const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";

/// Restore the terminal: mouse reporting off, leave raw mode and the alternate screen, show
/// the cursor. Errors are ignored: on a dead terminal there is nothing left to restore.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = out.write_all(MOUSE_OFF.as_bytes());
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
}

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
pub struct Guard {
    pub terminal: Terminal<Backend>,
}

impl Guard {
    /// Take over the terminal; with `mouse`, also ask it to report clicks and the wheel.
    pub fn enter(mouse: bool) -> io::Result<Guard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        if mouse
            && let Err(e) = out
                .write_all(MOUSE_ON.as_bytes())
                .and_then(|()| out.flush())
        {
            restore();
            return Err(e);
        }
        // One write per frame: `Basic16` holds the frame until ratatui flushes after a draw.
        let backend = CrosstermBackend::new(Basic16::new(io::stdout()));
        match Terminal::new(backend) {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

/// A writer that holds a frame until it is flushed, then sends it with the 16 named colours as
/// the basic SGR codes (30–37, 90–97, 40–47, 100–107). crossterm writes them as 256-colour
/// indices (`38;5;6`), which a 16-colour terminal may not understand.
pub struct Basic16<W: Write> {
    inner: W,
    frame: Vec<u8>,
}

impl<W: Write> Basic16<W> {
    pub fn new(inner: W) -> Self {
        Basic16 {
            inner,
            frame: Vec::new(),
        }
    }
}

impl<W: Write> Write for Basic16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.frame.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let out = basic_colours(&self.frame);
        self.frame.clear();
        self.inner.write_all(&out)?;
        self.inner.flush()
    }
}

/// `bytes` with every SGR sequence's 256-colour index below 16 (`38;5;N`, `48;5;N`) written
/// as the basic code for the same colour; everything else as it was.
pub fn basic_colours(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\x1b[") {
            let start = i + 2;
            let end = bytes[start..]
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b';'))
                .map(|n| start + n);
            if let Some(end) = end
                && bytes[end] == b'm'
            {
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(sgr_params(&bytes[start..end]).as_bytes());
                out.push(b'm');
                i = end + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn sgr_params(params: &[u8]) -> String {
    let text = String::from_utf8_lossy(params);
    let p: Vec<&str> = text.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(p.len());
    let mut k = 0;
    while k < p.len() {
        let index = |at: usize| p.get(at).and_then(|n| n.parse::<u8>().ok());
        match (p[k], p.get(k + 1).copied(), index(k + 2)) {
            (which @ ("38" | "48"), Some("5"), Some(n)) if n < 16 => {
                let base = if which == "38" { 30 } else { 40 };
                let code = if n < 8 { base + n } else { base + 60 + n - 8 };
                out.push(code.to_string());
                k += 3;
            }
            // True colour: the five parameters pass as they are.
            ("38" | "48", Some("2"), _) => {
                out.extend(p[k..(k + 5).min(p.len())].iter().map(|s| s.to_string()));
                k += 5;
            }
            ("38" | "48", Some("5"), _) => {
                out.extend(p[k..(k + 3).min(p.len())].iter().map(|s| s.to_string()));
                k += 3;
            }
            (other, _, _) => {
                out.push(other.to_string());
                k += 1;
            }
        }
    }
    out.join(";")
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Set when a signal asks the process to end.
pub fn signal_flag() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    Ok(flag)
}

pub fn signalled(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}

/// A thread that ends the process when the terminal is gone or a signal asked to stop and the
/// UI thread has not managed to exit by itself shortly after.
///
/// Needed because crossterm's `event::poll` loops forever, at full CPU, once the tty read
/// returns 0 or EIO (a dropped SSH connection): the UI thread never gets control back. The TUI
/// only reads the store, so ending the process there loses nothing.
pub fn spawn_watchdog(flag: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let tick = std::time::Duration::from_millis(100);
        loop {
            std::thread::sleep(tick);
            let gone = tty_gone();
            if gone || signalled(&flag) {
                if !gone {
                    // Give the UI thread a moment to restore the terminal and exit normally.
                    std::thread::sleep(std::time::Duration::from_millis(400));
                    if !tty_gone() {
                        restore();
                    }
                }
                // SAFETY: _exit ends the process at once; nothing is being written.
                unsafe { libc::_exit(if gone { 129 } else { 143 }) };
            }
        }
    });
}

/// Whether the terminal we read from has gone away: poll reports hang-up or error, or the fd
/// is no longer a terminal. crossterm reads from stdin when it is a tty, else /dev/tty.
pub fn tty_gone() -> bool {
    let stdin = io::stdin();
    let fd = stdin.as_raw_fd();
    // SAFETY: isatty and poll only inspect the descriptor; pfd lives for the call.
    unsafe {
        if libc::isatty(fd) == 1 {
            return fd_hung_up(fd);
        }
    }
    match std::fs::File::open("/dev/tty") {
        Ok(f) => fd_hung_up(f.as_raw_fd()),
        Err(_) => true,
    }
}

fn fd_hung_up(fd: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let n = unsafe { libc::poll(&mut pfd, 1, 0) };
    if n < 0 {
        return io::Error::last_os_error().kind() != io::ErrorKind::Interrupted;
    }
    pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// The OSC 52 sequence that puts `text` on the clipboard. Inside tmux the plain sequence is
/// taken by tmux itself when `set-clipboard on`; the DCS-wrapped copy is passed through to
/// the outer terminal when `allow-passthrough on`. Outside tmux no DCS is ever sent.
pub fn osc52(text: &str, in_tmux: bool) -> String {
    let b64 = base64(text.as_bytes());
    let plain = format!("\x1b]52;c;{b64}\x07");
    if in_tmux {
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\")
    } else {
        plain
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_colours_go_out_as_basic_sgr_codes() {
        let b = |s: &str| String::from_utf8(basic_colours(s.as_bytes())).unwrap();
        assert_eq!(b("\x1b[38;5;6m达钢"), "\x1b[36m达钢");
        assert_eq!(b("\x1b[48;5;4m\x1b[38;5;15m"), "\x1b[44m\x1b[97m");
        assert_eq!(b("\x1b[38;5;8;48;5;12m"), "\x1b[90;104m");
        // Other sequences and colours pass unchanged.
        for same in [
            "\x1b[38;5;200m",
            "\x1b[38;2;1;2;3m",
            "\x1b[1m\x1b[39m\x1b[m",
            "\x1b[?1000h",
            "\x1b[5;10H",
            "38;5;6m",
            "\x1b[38;5;6",
        ] {
            assert_eq!(b(same), same);
        }
    }

    #[test]
    fn a_drawn_frame_uses_only_basic_colour_codes() {
        use ratatui::style::{Color, Style};
        use ratatui::widgets::Paragraph;
        #[derive(Clone, Default)]
        struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let tty = Shared::default();
        let mut term =
            Terminal::new(CrosstermBackend::new(Basic16::new(tty.clone()))).expect("terminal");
        term.draw(|f| {
            let p = Paragraph::new("园企").style(Style::new().fg(Color::Cyan).bg(Color::Blue));
            f.render_widget(p, f.area());
        })
        .expect("draw");
        let sent = String::from_utf8_lossy(&tty.0.borrow()).into_owned();
        assert!(sent.contains("园") && sent.contains("企"), "{sent:?}");
        assert!(sent.contains("36") && sent.contains("44"), "{sent:?}");
        assert!(
            !sent.contains("38;5;") && !sent.contains("48;5;"),
            "{sent:?}"
        );
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("达钢".as_bytes()), "6L6+6ZKi");
    }

    #[test]
    fn osc52_is_wrapped_only_inside_tmux() {
        assert_eq!(osc52("foo", false), "\x1b]52;c;Zm9v\x07");
        let t = osc52("foo", true);
        assert!(t.starts_with("\x1b]52;c;Zm9v\x07\x1bPtmux;"));
        assert!(t.ends_with("\x1b\\"));
    }
}
