"""Drive Waymark in a real X11 window: Xvfb, a window manager, xdotool.

The offscreen suite cannot see what a person meets (native window events,
focus moving between a dialog and the map, paints racing scene rebuilds), so
these tests run the app as a separate process on the xcb platform with
`faulthandler` on and talk to it only through real X events, the way a
facilitator's keyboard and mouse do. What the app did is read back from its
library file.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "openbox", "xdotool", "wmctrl", "import")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@dataclass
class Display:
    """An Xvfb server with openbox on it; `env` is what a client needs."""

    number: int
    procs: list[subprocess.Popen] = field(default_factory=list)
    width: int = 1920
    height: int = 1080

    @property
    def name(self) -> str:
        return f":{self.number}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.name}

    def xdotool(self, *args: str, check: bool = True, timeout: float = 20) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True,
                             text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)}: {out.stderr.strip()}")
        return out.stdout

    def screenshot(self, path: Path) -> Path:
        """The whole screen as PNG (ImageMagick's `import`, else xwd + convert)."""
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], env=self.env,
                           check=True, timeout=30)
        else:  # pragma: no cover - the README's test set-up installs imagemagick
            raise RuntimeError("imagemagick's import is not installed")
        return path


@contextmanager
def display(width: int = 1920, height: int = 1080) -> Iterator[Display]:
    """Start Xvfb and openbox; stop both afterwards."""
    number = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    disp = Display(number, [xvfb], width, height)
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if xvfb.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=disp.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        disp.procs.append(wm)
        time.sleep(0.5)
        yield disp
    finally:
        for p in reversed(disp.procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


class AppCrashed(AssertionError):
    """The app's process ended; `code` is its exit status (0: it quit cleanly)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class App:
    """One Waymark process on `disp`, its library at `db`, settings in `home`."""

    def __init__(self, disp: Display, db: Path, home: Path, extra_env: dict | None = None):
        self.disp = disp
        self.db = db
        self.home = home
        self.stderr_path = home / f"stderr-{int(time.time() * 1000)}.txt"
        env = {**disp.env, "QT_QPA_PLATFORM": "xcb", "PYTHONFAULTHANDLER": "1",
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
               "HOME": str(home), "WAYMARK_DB": str(db), "PYTHONUNBUFFERED": "1",
               "QT_ACCESSIBILITY": "0", "NO_AT_BRIDGE": "1",
               "WAYMARK_PROBE": str(home / "probe.sock")}
        self.probe_path = home / "probe.sock"
        env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
        env.update(extra_env or {})
        self._stderr = open(self.stderr_path, "wb")
        wrap = os.environ.get("WAYMARK_HARNESS_WRAP", "").split()  # e.g. gdb for a C stack
        self.proc = subprocess.Popen([*wrap, sys.executable, "-X", "faulthandler",
                                      str(ROOT / "main.py"), "--db", str(db)],
                                     cwd=str(ROOT), env=env, stdout=self._stderr,
                                     stderr=subprocess.STDOUT)
        # Under a wrapper (gdb) the window belongs to a child: match by name only.
        self._pid_args = [] if wrap else ["--pid", str(self.proc.pid)]
        self.window = self.wait_window("Waymark", timeout=60)

    def ready(self, maximize: bool = True) -> App:
        """Wait until the app answers with its window showing a session (or the
        library), active; maximized through the window manager unless told not to."""
        self.until(lambda: any(w["active"] and w["class"] == "MainWindow"
                               for w in self.state()["windows"]),
                   "the main window never became active", timeout=30)
        if maximize:
            self.maximize()
        self.until(lambda: self.state()["viewport"][2] > 0, "the map view never showed")
        self.settle(0.3)  # the first layout's fit and paint
        return self

    # -- state -----------------------------------------------------------------
    def state(self, timeout: float = 10) -> dict:
        """What the window shows now (ui/probe.py answers over a local socket)."""
        import json
        import socket

        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(max(0.5, deadline - time.monotonic()))
                    sock.connect(str(self.probe_path))
                    sock.sendall(b"state\n")
                    data = b""
                    while not data.endswith(b"\n"):
                        chunk = sock.recv(1 << 20)
                        if not chunk:
                            break
                        data += chunk
                return json.loads(data)
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    @property
    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def check_alive(self) -> None:
        code = self.proc.poll()
        if code is not None:
            raise AppCrashed(f"Waymark exited with {code}:\n{self.stderr[-6000:]}", code)

    def windows_named(self, name: str) -> list[str]:
        """Ids of this app's visible windows whose title contains `name`."""
        self.check_alive()
        return self.disp.xdotool("search", "--all", "--onlyvisible", *self._pid_args,
                                 "--name", name, check=False).split()

    def until(self, cond, what: str, timeout: float = 10.0):
        """Poll `cond` until it is truthy (and return it); else fail saying `what`."""
        deadline = time.monotonic() + timeout
        while not (value := cond()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}\n{self.stderr[-3000:]}")
            time.sleep(0.1)
        return value

    def wait_window(self, name: str, timeout: float = 10) -> str:
        """The id of a visible window whose title contains `name`."""
        return self.until(lambda: self.windows_named(name),
                           f"no window named {name!r} appeared", timeout)[-1]

    def wait_gone(self, name: str, timeout: float = 10) -> None:
        self.until(lambda: not self.windows_named(name),
                    f"window {name!r} did not close", timeout)

    def wait_active(self, name: str, timeout: float = 10) -> None:
        """Wait until the window manager has given the keyboard to a window named `name`."""
        deadline = time.monotonic() + timeout
        while name not in self.active_title():
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"{name!r} never became active (active: "
                                     f"{self.active_title()!r})")
            time.sleep(0.05)
        self.settle(0.1)

    def active_title(self) -> str:
        wid = self.disp.xdotool("getactivewindow", check=False).strip()
        if not wid:
            return ""
        return self.disp.xdotool("getwindowname", wid, check=False).strip()

    # -- finding things on the screen (by what a person reads) ----------------------
    def _find(self, kind: str, pred, what: str, timeout: float = 20) -> dict:
        def found() -> list[dict]:
            st = self.state()
            if "error" in st:
                raise AssertionError(f"the probe failed: {st['error']}")
            return [x for x in st[kind] if pred(x)]

        return self.until(found, f"no {what} on screen", timeout)[-1]

    def button(self, text: str, window: str = "", prefix: bool = False) -> dict:
        return self._find("buttons", lambda b: (b["text"].startswith(text) if prefix
                                                else b["text"] == text)
                          and window in b["window"], f"button {text!r}")

    def tab(self, text: str, window: str = "") -> dict:
        return self._find("tabs", lambda t: t["text"] == text and window in t["window"],
                          f"tab {text!r}")

    def field(self, label: str = "", placeholder: str = "", window: str = "") -> dict:
        return self._find("fields", lambda f: (not label or f["label"] == label)
                          and (not placeholder or f["placeholder"].startswith(placeholder))
                          and window in f["window"], f"field {label or placeholder!r}")

    def click_on(self, thing: dict, button: int = 1, double: bool = False) -> None:
        x, y, w, h = thing.get("geometry") or thing["rect"]
        self.click(x + w // 2, y + h // 2, button, double)

    # -- input -------------------------------------------------------------------
    def settle(self, seconds: float = 0.15) -> None:
        time.sleep(seconds)
        self.check_alive()

    def key(self, *keys: str, delay: float = 0.12) -> None:
        for k in keys:
            self.disp.xdotool("key", "--clearmodifiers", k)
            self.settle(delay)

    def type(self, text: str, delay_ms: int = int(os.environ.get("XDO_TYPE_MS", "8"))) -> None:
        self.disp.xdotool("type", "--delay", str(delay_ms), "--", text)
        self.settle()

    def _clamp(self, x: int, y: int) -> tuple[int, int]:
        return (min(max(0, x), self.disp.width - 1), min(max(0, y), self.disp.height - 1))

    def click(self, x: int, y: int, button: int = 1, double: bool = False) -> None:
        x, y = self._clamp(x, y)
        self.disp.xdotool("mousemove", "--sync", str(x), str(y))
        self.disp.xdotool("click", *(["--repeat", "2", "--delay", "60"] if double else []),
                          str(button))
        self.settle()

    def drag(self, x0: int, y0: int, x1: int, y1: int, steps: int = 12) -> None:
        (x0, y0), (x1, y1) = self._clamp(x0, y0), self._clamp(x1, y1)
        self.disp.xdotool("mousemove", "--sync", str(x0), str(y0))
        self.disp.xdotool("mousedown", "1")
        for i in range(1, steps + 1):
            x = x0 + (x1 - x0) * i // steps
            y = y0 + (y1 - y0) * i // steps
            self.disp.xdotool("mousemove", "--sync", str(x), str(y))
            time.sleep(0.02)
        self.disp.xdotool("mouseup", "1")
        self.settle()

    def maximize(self) -> None:
        """Maximize through the window manager (EWMH, as the title bar's button does)."""
        self.disp.xdotool("windowactivate", "--sync", self.window, check=False)
        subprocess.run(["wmctrl", "-i", "-r", hex(int(self.window)), "-b",
                        "add,maximized_vert,maximized_horz"], env=self.disp.env, check=True,
                       timeout=10)
        self.settle(0.4)

    def geometry(self, wid: str | None = None) -> tuple[int, int, int, int]:
        out = self.disp.xdotool("getwindowgeometry", "--shell", wid or self.window)
        vals = dict(line.split("=", 1) for line in out.split() if "=" in line)
        return int(vals["X"]), int(vals["Y"]), int(vals["WIDTH"]), int(vals["HEIGHT"])

    # -- the end -------------------------------------------------------------------
    def quit(self, timeout: float = 20) -> int:
        self.check_alive()
        self.disp.xdotool("key", "--clearmodifiers", "ctrl+q")  # it may be gone at once
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"Waymark did not quit\n{self.stderr[-3000:]}") from None
        self._stderr.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._stderr.close()


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    """Read the library as a second SQLite connection would (read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()

