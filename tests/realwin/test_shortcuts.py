"""Shortcuts in a real X11 window (Xvfb + openbox + xdotool, the xcb platform).

Key bindings are the platform's: on X11 `StandardKey.Delete` is Del *and* Ctrl+D,
which the offscreen platform never shows, so the clash walk runs here on xcb too.
What the app did is read back from its library file; stderr must have no
"Ambiguous shortcut overload".
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.realwin.harness import ROOT, App, display, query


def _notes(db: Path) -> int:
    return query(db, "select count(*) from note")[0][0]


def _ambiguous(app: App) -> list[str]:
    return [line for line in app.stderr.splitlines() if "Ambiguous" in line]


def _start(d, tmp_path: Path) -> App:
    return App(d, tmp_path / "library.sqlite", tmp_path).ready()


def test_the_walk_on_xcb_finds_no_clash():
    """The clash walk of tests/shortcut_walk.py with the X11 key bindings."""
    with display() as d:
        env = {**d.env, "QT_QPA_PLATFORM": "xcb"}
        env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
        out = subprocess.run([sys.executable, str(ROOT / "tests" / "shortcut_walk.py")],
                             env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["platform"] == "xcb"
    assert "Ctrl+D" in result["delete_keys"]  # the X11 bindings really were in force
    bad = {s: p for s, p in result["states"].items() if p}
    assert not bad, "ambiguous shortcuts on xcb:\n" + "\n".join(
        f"  [{s}] {x}" for s, ps in bad.items() for x in ps)


def test_ctrl_d_duplicates_the_selected_note(tmp_path):
    with display() as d:
        app = _start(d, tmp_path)
        try:
            before = _notes(app.db)
            app.key("Tab", "Right")  # the first cell, then its first note
            app.key("ctrl+d")
            deadline = time.monotonic() + 5
            while _notes(app.db) == before and time.monotonic() < deadline:
                app.settle(0.1)
            assert _notes(app.db) == before + 1, app.stderr[-2000:]
            app.key("Delete")  # Delete still deletes (the duplicate, now selected)
            deadline = time.monotonic() + 5
            while _notes(app.db) != before and time.monotonic() < deadline:
                app.settle(0.1)
            assert _notes(app.db) == before
            # The menu bar's keyboard navigation (Alt) puts the focus where the Map
            # menu's entries are matched: Del and F2 must not be claimed twice there.
            app.key("alt", "Delete", "Escape", "alt", "F2", "Escape")
            assert _ambiguous(app) == []
        finally:
            app.kill()


def test_help_keyboard_shortcuts_and_user_guide_open_from_their_keys(tmp_path):
    with display() as d:
        app = _start(d, tmp_path)
        try:
            app.key("ctrl+slash")
            app.wait_window("Keyboard Shortcuts")
            app.wait_active("Keyboard Shortcuts")
            app.type("zoom")  # the search box has the keyboard
            shot = d.screenshot(tmp_path / "shortcuts.png")
            assert shot.stat().st_size > 10_000
            app.key("Escape")
            app.wait_gone("Keyboard Shortcuts")
            app.key("F1")
            app.wait_window("User Guide")
            app.key("Escape")
            app.wait_gone("User Guide")
            assert _ambiguous(app) == []
        finally:
            app.kill()


def test_tab_walks_the_new_session_dialog(tmp_path):
    """Title → Template → Date → Facilitator with real Tab presses; Create."""
    with display() as d:
        app = _start(d, tmp_path)
        try:
            app.key("ctrl+n")
            app.wait_window("New session")
            app.wait_active("New session")
            app.type("Tab check")
            app.key("Tab", "Tab", "Tab")  # template, date, then out of the date
            app.type("Ada Facilitator")
            app.key("shift+Tab", "shift+Tab")  # back through the date to the template
            app.key("Tab", "Tab", "End")  # into the facilitator again (Tab selects it all)
            app.type(" Jr")
            app.key("Return")
            app.wait_gone("New session")
            deadline = time.monotonic() + 5
            rows: list[tuple] = []
            while not rows and time.monotonic() < deadline:
                rows = query(app.db, "select facilitator from session where title=?",
                             "Tab check")
                app.settle(0.1)
            assert rows, app.stderr[-2000:]
            assert rows[0][0] == "Ada Facilitator Jr"
        finally:
            app.kill()


def test_quick_capture_feel_reaches_thoughts_and_feelings(tmp_path):
    from journey import ops
    from storage import Library

    db = tmp_path / "library.sqlite"
    library = Library(db)
    library.run(ops.start_session, "Checkout", "Purchase and use", (-3, 3), date="2026-12-02")
    library.close()
    with display() as d:
        app = App(d, db, tmp_path)
        app.maximize()
        app.wait_active("Checkout")
        app.settle(0.8)
        try:
            app.key("ctrl+shift+j")  # Workshop › Quick Capture
            app.type("feel: nervous at checkout")
            app.key("Return")
            app.type("think: is it the cheapest")
            app.key("Return")
            deadline = time.monotonic() + 5
            rows: list[tuple] = []
            while len(rows) < 2 and time.monotonic() < deadline:
                rows = query(db, "select n.text, l.name from note n join lane l "
                             "on l.id = n.lane_id order by n.text")
                app.settle(0.1)
            assert rows == [("is it the cheapest", "Thoughts & feelings"),
                            ("nervous at checkout", "Thoughts & feelings")], app.stderr[-2000:]
        finally:
            app.kill()
