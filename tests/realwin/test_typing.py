"""Typing is never lost, in the real window: the app is killed (SIGKILL) while a
note is being typed, and the text is in the library file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .flows import new_session
from .harness import App, display


def _texts(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT text FROM note")]
    finally:
        con.close()


def test_killed_while_typing_keeps_what_was_typed(tmp_path):
    """Real window: type for 1.5 s, SIGKILL, reopen — the text is there."""
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready(maximize=False)
            new_session(app, "Kill test")
            app.key("Return")  # a new note in the first cell
            text = "Customers cannot find the price"
            start = time.monotonic()
            for i in range(0, len(text), 4):  # a steady typist, for 1.5 s
                app.type(text[i:i + 4], delay_ms=10)
                time.sleep(max(0.0, start + 1.5 * (i + 4) / len(text) - time.monotonic()))
            typed_for = time.monotonic() - start
            time.sleep(1.0)  # within about a second of the last keystroke
        finally:
            app.kill()
    assert typed_for >= 1.2
    assert text in _texts(db)
