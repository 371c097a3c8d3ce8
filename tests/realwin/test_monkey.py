"""A monkey in the real window: random keys from the action list, clicks, drags,
typing and dialogs opened and closed, on a real xcb window under Xvfb.

For each fixed seed: no crash, nothing on stderr, and at the end the library
passes `integrity_check` and the open map reloaded from the file equals what
the window shows. CI runs `WAYMARK_MONKEY_ACTIONS` (default 300) actions a
seed; `make soak` runs 3,000.
"""

from __future__ import annotations

import os
import random
import sqlite3

import pytest

from .harness import App, AppCrashed, display, query

ACTIONS = int(os.environ.get("WAYMARK_MONKEY_ACTIONS", "150"))
#: Keys a monkey must not press: they end the app or hand it to the system.
FORBIDDEN = {"Ctrl+Q", "Ctrl+W", "Ctrl+P", "Ctrl+Shift+P", "F1"}
FORBIDDEN_TEXT = ("Quit", "Print", "User Guide")
PLAIN_KEYS = ["Return", "Escape", "Tab", "shift+Tab", "Left", "Right", "Up", "Down",
              "Delete", "BackSpace", "F2", "space", "1", "2", "3", "v", "a", "z",
              "Page_Down", "Page_Up", "Home", "End"]
WORDS = ["queue", "too slow", "why?", "price", "ok", "Ünïcode ✓", "<b>bold</b>", "12%"]


def _xdo_key(seq: str) -> str:
    """A Qt key sequence ("Ctrl+Shift+D") in xdotool's words ("ctrl+shift+d")."""
    names = {"Del": "Delete", "Ins": "Insert", "PgDown": "Page_Down", "PgUp": "Page_Up",
             "Esc": "Escape", "Return": "Return", "Enter": "Return", "Backspace": "BackSpace",
             "+": "plus", "-": "minus", "=": "equal", ",": "comma", ".": "period",
             "/": "slash", "Left": "Left", "Right": "Right", "Up": "Up", "Down": "Down",
             "Space": "space", "Tab": "Tab", "Home": "Home", "End": "End",
             "]": "bracketright", "[": "bracketleft", ";": "semicolon", "'": "apostrophe",
             "\\": "backslash", "`": "grave", "*": "asterisk"}
    parts = seq.split("+") if seq != "+" else ["+"]
    if seq.endswith("++"):
        parts = seq[:-2].split("+") + ["+"]
    out = []
    for p in parts:
        if p in ("Ctrl", "Shift", "Alt", "Meta"):
            out.append({"Ctrl": "ctrl", "Shift": "shift", "Alt": "alt", "Meta": "super"}[p])
        else:
            out.append(names.get(p, p.lower() if len(p) == 1 else p))
    return "+".join(out)


def _shortcuts(state: dict) -> list[str]:
    keys = []
    for a in state["actions"]:
        if not a["enabled"] or any(t in a["text"] for t in FORBIDDEN_TEXT):
            continue
        for k in a["keys"][:1]:
            if k and k not in FORBIDDEN and "," not in k:
                keys.append(k)
    return sorted(set(keys))


def _calm(app: App) -> dict:
    """Close what is open (popups, dialogs, the note editor) until the map has the keys;
    a window Esc does not close (a floating dock, a tool window) is left behind the main one."""
    for i in range(12):
        st = app.state()
        main_active = any(w["active"] and w["class"] == "MainWindow" for w in st["windows"])
        if main_active and not st["popup"] and not st["modal"] and not st["editor_open"]:
            return st
        if i >= 5 and not st["modal"] and not st["popup"] and not main_active:
            app.disp.xdotool("windowactivate", "--sync", app.window, check=False)
            app.settle(0.3)
            continue
        app.key("Escape", delay=0.25)
    raise AssertionError(f"the window cannot be brought back: {st['windows']}")


def _step(app: App, rnd: random.Random, keys: list[str], main: list[int]) -> str:
    st = app.state()
    x0, y0, w, h = main
    if st["modal"] or st["popup"] or not any(
            win["active"] and win["class"] == "MainWindow" for win in st["windows"]):
        # A dialog or a menu is up: poke at it a little, then leave it.
        active = next((win for win in st["windows"] if win["active"]), None)
        if active is not None and rnd.random() < 0.4:
            ax, ay, aw, ah = active["geometry"]
            app.click(ax + rnd.randrange(max(1, aw)), ay + rnd.randrange(max(1, ah)))
            return "dialog click"
        app.key("Escape")
        return "Escape"
    r = rnd.random()
    vx, vy, vw, vh = st["viewport"]
    if r < 0.30 and keys:
        k = rnd.choice(keys)
        try:
            app.key(_xdo_key(k))
        except RuntimeError as exc:  # a key this keyboard map cannot type: never again
            if "Invalid key sequence" not in str(exc):
                raise
            keys.remove(k)
        return k
    if r < 0.55:
        k = rnd.choice(PLAIN_KEYS)
        app.key(k)
        return k
    if r < 0.65:
        app.type(rnd.choice(WORDS))
        return "type"
    if r < 0.78:
        app.click(x0 + rnd.randrange(w), y0 + rnd.randrange(h))
        return "click"
    if r < 0.85 and st["notes"]:
        note = rnd.choice(st["notes"])
        app.click_on(note, double=rnd.random() < 0.4)
        return "note click"
    if r < 0.95:
        a = (vx + rnd.randrange(vw), vy + rnd.randrange(vh))
        if st["notes"] and rnd.random() < 0.6:
            nx, ny, nw, nh = rnd.choice(st["notes"])["rect"]
            a = (nx + nw // 2, ny + nh // 2)
        b = (vx + rnd.randrange(vw), vy + rnd.randrange(vh))
        app.drag(*a, *b, steps=6)
        return "drag"
    app.click(vx + rnd.randrange(vw), vy + rnd.randrange(vh), button=3)
    return "right click"


def _db_notes(db, map_id: str) -> set[tuple]:
    rows = query(db, "SELECT n.id, n.text, n.stage_id, n.lane_id FROM note n JOIN lane l "
                     "ON n.lane_id = l.id WHERE n.map_id = ? AND l.collapsed = 0", map_id)
    return set(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monkey(tmp_path, seed):
    rnd = random.Random(seed)
    db = tmp_path / "lib.sqlite"
    log: list[str] = []
    errors: list[str] = []  # what each process printed (a quit starts a new one)
    with display() as disp:
        app = App(disp, db, tmp_path).ready()
        try:
            main = list(app.geometry())
            keys = _shortcuts(app.state())
            for i in range(ACTIONS):
                try:
                    log.append(_step(app, rnd, keys, main))
                    if i % 50 == 49:
                        keys = _shortcuts(_calm(app)) or keys
                except AppCrashed as exc:
                    if exc.code != 0:
                        raise
                    # A click reached File › Quit (or the title bar's close button): as a
                    # person would, open Waymark again on the same library and go on.
                    errors.append(app.stderr)
                    log.append("quit, reopened")
                    app = App(disp, db, tmp_path).ready()
                    main = list(app.geometry())
            _calm(app)
            app.settle(1.0)  # the last draft save, then what the window shows
            st = app.state()
            if st["map_id"]:
                shown = {(n["id"], n["text"], n["stage_id"], n["lane_id"]) for n in st["notes"]}
                stored = _db_notes(db, st["map_id"])
                assert shown == stored, (f"window and library differ after {log[-20:]}:\n"
                                         f"only shown {shown - stored}\n"
                                         f"only stored {stored - shown}")
            else:  # the monkey trashed the open session: nothing may be shown
                assert st["notes"] == [], "notes shown without a map"
            errors.append(app.stderr)
            assert "".join(errors).strip() == "", "".join(errors)[-3000:]
            code = app.quit()
            assert code == 0
        except Exception as exc:
            app.kill()
            raise AssertionError(f"seed {seed}, last actions {log[-25:]}: {exc}") from exc
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
