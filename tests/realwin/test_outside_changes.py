"""The library changed by another program while the real window has it open (issue 10).

The CLI runs as its own process on the same library file while Waymark shows it
under Xvfb: the notes it imports appear on the canvas (the probe lists what the
scene holds), the status bar says the map was reloaded and the undo history
cleared, Ctrl+Z afterwards does nothing harmful, and a note being typed when
the CLI writes keeps every character. A library opened read-only says so in
the title and the status bar, and an edit is refused in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ui.library.library_watch import READ_ONLY_BANNER, RESET_MESSAGE

from .harness import ROOT, App, display, query

SHOTS = Path(os.environ.get("WAYMARK_SHOTS", "")) if os.environ.get("WAYMARK_SHOTS") else None


def cli(db: Path, *args: str) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                         cwd=str(ROOT), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def import_notes(app: App, tmp: Path, name: str, *texts: str) -> None:
    """`waymark import csv` of `texts` into the open map's first stage and lane."""
    st = app.state()
    (stage,) = query(app.db, "SELECT name FROM stage WHERE map_id = ? AND position = 0",
                     st["map_id"])[0]
    (lane,) = query(app.db, "SELECT name FROM lane WHERE map_id = ? AND position = 0",
                    st["map_id"])[0]
    path = tmp / name
    path.write_text("stage,lane,text\n" + "".join(f"{stage},{lane},{t}\n" for t in texts),
                    encoding="utf-8")
    cli(app.db, "import", "csv", str(path), "--session", st["session_id"],
        "--map", st["map_id"])


def shown(app: App) -> set[str]:
    return {n["text"] for n in app.state()["notes"]}


def test_the_cli_writes_while_the_window_is_open(tmp_path):
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready()
            st = app.state()
            map_id = st["map_id"]
            before = len(st["notes"])
            assert before > 0  # the demo map

            # An edit of our own, so there is undo history to keep or clear.
            app.click_on(st["notes"][0])
            app.key("ctrl+d")
            app.until(lambda: app.state()["undo"]["count"] == 1, "Ctrl+D to duplicate")

            import_notes(app, tmp_path, "a.csv", "Heard at the counter", "Asked twice")
            app.until(lambda: {"Heard at the counter", "Asked twice"} <= shown(app),
                      "the notes the CLI imported never showed on the canvas", timeout=20)
            st = app.state()
            assert len(st["notes"]) == before + 3
            assert st["status"] == RESET_MESSAGE
            assert st["undo"]["count"] == 0
            if SHOTS:
                disp.screenshot(SHOTS / "outside-change.png")

            app.key("ctrl+z")  # nothing to undo: the window is still there, notes too
            app.settle(0.5)
            assert {"Heard at the counter", "Asked twice"} <= shown(app)
            n_db = len(query(db, "SELECT id FROM note WHERE map_id = ?", map_id))
            assert n_db == before + 3

            # A note being typed when the CLI writes keeps every character.
            app.key("Return")
            app.type("Typed while the CLI")
            app.until(lambda: app.state()["editor_open"], "the note editor to open")
            import_notes(app, tmp_path, "b.csv", "Imported meanwhile")
            app.until(lambda: "Imported meanwhile" in shown(app),
                      "the second import never showed", timeout=20)
            assert app.state()["editor_open"]
            app.type(" wrote")
            app.key("Escape")
            app.until(lambda: not app.state()["editor_open"], "Escape to end the editing")
            app.until(lambda: query(db, "SELECT id FROM note WHERE text = ?",
                                    "Typed while the CLI wrote"),
                      "the typed note in the library")
            app.key("ctrl+z")  # undoes the typed note: the history after the reset is good
            app.until(lambda: not query(db, "SELECT id FROM note WHERE text = ?",
                                        "Typed while the CLI wrote"), "Ctrl+Z of the typed note")
            assert "Imported meanwhile" in shown(app)
            assert app.quit() == 0
            assert "Traceback" not in app.stderr
        finally:
            app.kill()


def test_a_read_only_library_in_the_real_window(tmp_path):
    db = tmp_path / "lib.sqlite"
    cli(db, "demo")
    notes = query(db, "SELECT count(*) FROM note")[0][0]
    with display() as disp:
        app = App(disp, db, tmp_path, extra_env={"WAYMARK_READ_ONLY": "1"})
        try:
            app.ready()
            st = app.state()
            main = next(w for w in st["windows"] if w["class"] == "MainWindow")
            assert main["title"].endswith("— Waymark (read-only)")
            assert st["status"] == READ_ONLY_BANNER
            app.click_on(st["notes"][0])
            app.key("Delete")  # an edit: refused in one line, in a box
            box = app.until(lambda: [w for w in app.state()["windows"]
                                     if w["class"] == "QMessageBox"], "no message box")
            assert box[0]["title"] == "Waymark"
            if SHOTS:
                disp.screenshot(SHOTS / "read-only.png")
            app.key("Return")
            app.until(lambda: not [w for w in app.state()["windows"]
                                   if w["class"] == "QMessageBox"], "the box to close")
            app.key("ctrl+z")
            app.settle(0.3)
            assert query(db, "SELECT count(*) FROM note")[0][0] == notes
            assert len(app.state()["notes"]) == notes
            assert app.quit() == 0
            assert "Traceback" not in app.stderr
        finally:
            app.kill()
