"""Typing is never lost: what is typed in an open note editor is in the library
within about a second, and the whole editing session is still one undo step.

The offscreen tests read the SQLite file through a second connection while the
editor is still open; tests/realwin/test_typing.py kills the real app (SIGKILL)
while a note is being typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.notes.typing_draft import SAVE_MS

from ..canvas.test_note_editing import (
    LEFT,
    NONE,
    db_cell,
    db_notes,
    empty_spot,
    ids_in,
    key,
    window,
)

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
