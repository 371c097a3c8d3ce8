"""Typing is never lost: what is typed in an open note editor is in the library
within about a second, and the whole editing session is still one undo step.

The offscreen tests read the SQLite file through a second connection while the
editor is still open; the real-window test kills the app (SIGKILL) while a note
is being typed and reopens the file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.typing_draft import SAVE_MS

from .test_note_editing import LEFT, NONE, db_cell, db_notes, empty_spot, ids_in, key, window

__all__ = ["window"]  # the fixture, imported for pytest


def _wait_saved(qtbot, ms: int = SAVE_MS + 400) -> None:
    qtbot.wait(ms)


def test_a_new_note_is_in_the_library_while_it_is_typed(window, demo, qtbot):
    library = demo[0]
    d = window.data
    cell = (d.stages[2].id, d.lanes[2].id)  # Purchase × Thoughts: empty
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    QTest.keyClicks(window.view, "Pay at the")
    _wait_saved(qtbot)
    assert window.note_actions.editor is not None  # still editing
    assert db_cell(library.path, window.map_id, cell) == ["Pay at the"]
    QTest.keyClicks(window.view, " counter")
    _wait_saved(qtbot)
    assert db_cell(library.path, window.map_id, cell) == ["Pay at the counter"]
    assert window.undo_stack.count() == 0  # drafts are not steps
    key(window, Qt.Key.Key_Escape)
    assert window.note_actions.editor is None
    assert db_cell(library.path, window.map_id, cell) == ["Pay at the counter"]
    assert window.undo_stack.count() == 1
    (note_id,) = ids_in(window, 2, 2)
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_cell(library.path, window.map_id, cell) == []
    key(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert db_notes(library.path, window.map_id)[note_id][3] == "Pay at the counter"


def test_editing_a_note_saves_along_the_way_and_undoes_in_one_step(window, demo, qtbot):
    library = demo[0]
    note_id = ids_in(window, 0, 1)[0]
    old = window.doc.note(note_id).text
    window.note_actions.edit_note(note_id)
    QTest.keyClicks(window.view, " (twice)")
    _wait_saved(qtbot)
    assert db_notes(library.path, window.map_id)[note_id][3] == old + " (twice)"
    QTest.keyClicks(window.view, "!")
    key(window, Qt.Key.Key_Escape)
    assert db_notes(library.path, window.map_id)[note_id][3] == old + " (twice)!"
    assert window.undo_stack.count() == 1
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_notes(library.path, window.map_id)[note_id][3] == old


def test_a_new_note_typed_and_erased_leaves_no_row(window, demo, qtbot):
    library = demo[0]
    before = db_notes(library.path, window.map_id)
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    QTest.keyClicks(window.view, "oops")
    _wait_saved(qtbot)
    assert len(db_notes(library.path, window.map_id)) == len(before) + 1
    for _ in range(4):
        key(window, Qt.Key.Key_Backspace)
    key(window, Qt.Key.Key_Escape)
    assert db_notes(library.path, window.map_id) == before
    assert window.undo_stack.count() == 0


def test_typing_back_the_original_text_is_no_step(window, demo, qtbot):
    library = demo[0]
    note_id = ids_in(window, 0, 1)[0]
    old = window.doc.note(note_id).text
    window.note_actions.edit_note(note_id)
    QTest.keyClicks(window.view, "xy")
    _wait_saved(qtbot)
    key(window, Qt.Key.Key_Backspace)
    key(window, Qt.Key.Key_Backspace)
    key(window, Qt.Key.Key_Escape)
    assert db_notes(library.path, window.map_id)[note_id][3] == old
    assert window.undo_stack.count() == 0


def _texts(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT text FROM note")]
    finally:
        con.close()


def test_killed_while_typing_keeps_what_was_typed(tmp_path):
    """Real window: type for 1.5 s, SIGKILL, reopen — the text is there."""
    from .realwin.conftest import require_real_window
    from .realwin.harness import App, display

    require_real_window()
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.settle(1.0)
            app.key("ctrl+n")
            app.wait_active("New session")
            app.type("Kill test")
            app.key("Return")
            app.wait_gone("New session")
            app.wait_active("Waymark")
            app.settle(0.5)
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
