#!/usr/bin/env python3
"""Run the real TUI in a pseudo-terminal and measure what an SSH user feels: time from process
start to the first frame, bytes written to the terminal per keystroke (moving the selection,
typing a search), bytes while idle, and the peak RSS of the whole session.

usage: tui_wire.py YUANQI_BINARY DB QUERY [COLS ROWS]
"""
import fcntl, os, select, struct, subprocess, sys, tempfile, termios, time

yuanqi, db, query = sys.argv[1], sys.argv[2], sys.argv[3]
cols, rows = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else (80, 24)

master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
rss_text = ""
rss_file = tempfile.NamedTemporaryFile(delete=False).name
env = dict(os.environ, TERM="xterm-256color")
env.pop("TMUX", None)


def child_setup():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


t0 = time.perf_counter()
proc = subprocess.Popen(
    ["/usr/bin/time", "-f", "%M", "-o", rss_file, yuanqi, "--db", db],
    stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=child_setup, close_fds=True,
)
os.close(slave)


def read_burst(quiet, limit=60.0, first_wait=None):
    """Read until nothing arrives for `quiet` seconds (waiting up to `first_wait` for the first
    byte); return (bytes, time of last byte)."""
    total, last, start = 0, None, time.perf_counter()
    while time.perf_counter() - start < limit:
        wait = first_wait if (total == 0 and first_wait) else quiet
        r, _, _ = select.select([master], [], [], wait)
        if not r:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        total += len(data)
        last = time.perf_counter()
    return total, last


def key(k, quiet=0.15):
    t = time.perf_counter()
    os.write(master, k.encode())
    n, last = read_burst(quiet, first_wait=5.0)
    return n, ((last - t) * 1000 if last else 0.0)


# The first frame: the first burst that brings a screenful (setup sequences come before it).
first_bytes, first_last = 0, None
while first_bytes < 1000:
    n, last = read_burst(0.03, limit=30, first_wait=30)
    if not n:
        break
    first_bytes, first_last = first_bytes + n, last
first_frame_ms = (first_last - t0) * 1000 if first_last else float("nan")
# Let the search index finish building on its thread (it may redraw the status line).
settle_bytes, _ = read_burst(2.0, limit=120)
# The index builds without redrawing: give a large store time (TUI_SETTLE seconds) before typing.
extra = float(os.environ.get("TUI_SETTLE", "0"))
if extra:
    settle_bytes += read_burst(extra, limit=extra)[0]
idle_bytes, _ = read_burst(3.0, limit=3.0)

moves = [key("j") for _ in range(10)]
search_open = key("/")
typed = [(c, *key(c, quiet=0.3)) for c in query]
key("\x1b")
os.write(master, b"q")
read_burst(0.5, limit=5)
try:
    proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
try:
    rss_text = open(rss_file).read()
    rss_mib = int(rss_text.strip().splitlines()[-1]) // 1024
except (OSError, ValueError, IndexError):
    print(f"(no RSS figure: {rss_text!r}, exit status {proc.returncode})")
    rss_mib = -1
os.unlink(rss_file)

avg = lambda xs: sum(xs) / len(xs) if xs else 0
print(f"terminal {cols}x{rows}, db {db}")
print(f"first frame: {first_frame_ms:.0f} ms after process start ({first_bytes} bytes)")
print(f"after first frame until idle (index built, status redrawn): {settle_bytes} bytes")
print(f"idle for 3 s: {idle_bytes} bytes")
print(f"move selection (j) x10: {avg([n for n, _ in moves]):.0f} bytes/keystroke (min {min(n for n, _ in moves)}, max {max(n for n, _ in moves)})")
print(f"open search (/): {search_open[0]} bytes")
print(f"typing {query!r}: " + ", ".join(f"{c}:{n}B/{ms:.0f}ms" for c, n, ms in typed))
print(f"typing: {avg([n for _, n, _ in typed]):.0f} bytes/keystroke, key-to-last-byte median {sorted(ms for *_, ms in typed)[len(typed)//2]:.0f} ms")
print(f"peak RSS of the TUI session: {rss_mib} MiB")
