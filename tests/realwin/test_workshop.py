"""A scripted workshop in the real window, with real X events only (xdotool):
the set-up that used to crash, notes by keyboard, Ctrl+D, Delete, undo and
redo, a drag between cells, a voting round picked by chip then V, a timer,
presentation mode (F5, PageDown, End, Esc), Fit, a poster export, quit and
reopen. The library file is read after each part."""

from __future__ import annotations

from pathlib import Path

from .flows import notes_by_keyboard, set_up
from .harness import App, display, query


def _notes(db: Path, map_id: str) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in query(db, "SELECT id, text, stage_id, lane_id FROM note "
                                           "WHERE map_id = ?", map_id)}


def test_a_workshop_in_the_real_window(tmp_path):
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready()
            # 1. Set-up: session, details, persona (the sequence that crashed).
            set_up(app, "Workshop run", "Find the drop-offs", "Amira, Ben, Chloe",
                   ["Maya", "Commuter", "Simple please", "Start fast", "Steps"])
            map_id = app.state()["map_id"]
            typed = notes_by_keyboard(app, [("", 2), ("Right", 2), ("Right", 1)])
            notes = _notes(db, map_id)
            assert len(notes) == typed == 5
            assert {t for t, _s, _l in notes.values()} == {f"note {i}" for i in range(1, 6)}

            # 2. Ctrl+D, Delete, undo, redo on a clicked note.
            note = next(n for n in app.state()["notes"] if n["text"] == "note 1")
            app.click_on(note)
            app.key("ctrl+d")
            app.until(lambda: len(_notes(db, map_id)) == 6, "Ctrl+D to duplicate")
            app.key("Delete")
            app.until(lambda: len(_notes(db, map_id)) == 5, "Delete to delete")
            app.key("ctrl+z")
            app.until(lambda: len(_notes(db, map_id)) == 6, "Ctrl+Z to undo the delete")
            app.key("ctrl+shift+z")
            app.until(lambda: len(_notes(db, map_id)) == 5, "Ctrl+Shift+Z to redo it")

            # 3. A drag from its cell to the cell below.
            st = app.state()
            note = next(n for n in st["notes"] if n["text"] == "note 1")
            target = next(c for c in st["cells"] if c["stage_id"] == note["stage_id"]
                          and c["lane_id"] != note["lane_id"])
            x, y, w, h = note["rect"]
            tx, ty, tw, th = target["rect"]
            app.drag(x + w // 2, y + h // 2, tx + tw // 2, ty + th // 2, steps=20)
            app.until(lambda: _notes(db, map_id)[note["id"]][2] == target["lane_id"],
                  "the drag to move the note")

            # 4. A voting round: the chip picks Ben, V votes on the selected note.
            app.click_on(next(n for n in app.state()["notes"] if n["text"] == "note 3"))
            app.click_on(app.button("Vote", window="Waymark"))
            app.wait_active("voting round")
            app.key("Return")
            app.wait_active("Waymark")
            app.click_on(app.button("Ben ·", window="Waymark", prefix=True))
            app.key("v")  # on the selected note 3
            app.key("Right")  # the keyboard is still on the map: note 4
            app.key("v")
            ben = query(db, "SELECT id FROM participant WHERE name = 'Ben' AND session_id = ?",
                        app.state()["session_id"])[0][0]
            voted = app.until(lambda: query(db, "SELECT n.text FROM vote v JOIN note n ON "
                                            "v.note_id = n.id WHERE v.participant_id = ?", ben),
                          "V to place Ben's dot")
            app.until(lambda: len(query(db, "SELECT id FROM vote WHERE participant_id = ?",
                                    ben)) == 2, "the second dot")
            voted = query(db, "SELECT n.text FROM vote v JOIN note n ON v.note_id = n.id "
                              "WHERE v.participant_id = ? ORDER BY n.text", ben)
            assert voted == [("note 3",), ("note 4",)]

            # 5. A timer, then presentation mode.
            app.key("F9")
            app.settle(1.2)
            zoom_before = app.state()["zoom"]
            app.key("F5")
            app.settle(0.5)
            app.key("Next")
            app.key("End")
            disp.screenshot(tmp_path / "presenting.png")
            assert app.state()["zoom"] != zoom_before
            app.key("Escape")
            app.key("F9")  # pause

            # 6. Fit all.
            app.key("ctrl+0")
            assert app.state()["zoom"] < zoom_before

            # 7. A poster: the dialog, then its file dialog's suggested name.
            app.click_on(app.button("Poster PDF", window="Waymark"))
            app.click_on(app.button("Export…"))
            app.wait_active("Export poster")
            app.key("Return")
            pdf = app.until(lambda: [p for p in tmp_path.rglob("*.pdf") if p.stat().st_size > 1000],
                        "the poster file", timeout=30)[0]
            assert pdf.read_bytes().startswith(b"%PDF")
            app.key("Escape")  # the export dialog

            # 8. Quit and reopen: the same session and map, with every note.
            before = _notes(db, map_id)
            assert app.quit() == 0
            assert app.stderr.strip() == "", app.stderr
        except BaseException:
            disp.screenshot(tmp_path / "failed.png")
            app.kill()
            raise
        app = App(disp, db, tmp_path)
        try:
            app.ready(maximize=False)
            st = app.state()
            assert st["map_id"] == map_id
            shown = {n["id"]: (n["text"], n["stage_id"], n["lane_id"]) for n in st["notes"]}
            assert shown == before == _notes(db, map_id)
            assert app.quit() == 0
        finally:
            app.kill()
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
