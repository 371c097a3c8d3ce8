"""Editing notes in the real window with real mouse and key events: create, edit,
drag, reorder, delete, duplicate, colour, copy and paste, keyboard only — each
checked in the SQLite file through a fresh connection, with undo and redo."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from canvas.note_item import NoteItem
from journey import ops
from journey.palette import NOTE_COLOURS
from ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


# -- helpers -----------------------------------------------------------------------

@pytest.fixture
def window(qtbot, demo):
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    w = MainWindow(demo[0], QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    qtbot.wait(20)
    w.view.fit_all()
    w.view.setFocus()
    yield w
    w.scene.clearSelection()
    w.scene.blockSignals(True)  # nothing listens while the window is torn down


def db_notes(path: Path, map_id: str) -> dict[str, tuple]:
    """id -> (stage_id, lane_id, position, text, colour, tags), read through a new connection."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT id, stage_id, lane_id, position, text, colour, tags "
                            "FROM note WHERE map_id = ?", (map_id,)).fetchall()
    finally:
        conn.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def db_cell(path: Path, map_id: str, cell: tuple[str, str]) -> list[str]:
    """The texts of a cell's notes in order."""
    rows = [v for v in db_notes(path, map_id).values() if (v[0], v[1]) == cell]
    return [v[3] for v in sorted(rows, key=lambda v: v[2])]


def vp(window: MainWindow, x: float, y: float) -> QPoint:
    """The viewport point showing scene point (x, y)."""
    return window.view.mapFromScene(QPointF(x, y))


def centre(window: MainWindow, note_id: str) -> QPoint:
    r = window.layout.note_by_id[note_id].rect
    return vp(window, r.x + r.w / 2, r.y + r.h / 2)


def cell_box(window: MainWindow, stage: int, lane: int):
    d = window.data
    return window.layout.cell(d.stages[stage].id, d.lanes[lane].id)


def empty_spot(window: MainWindow, stage: int, lane: int) -> QPoint:
    """A point in the cell below its notes (the lower right corner area)."""
    r = cell_box(window, stage, lane).rect
    return vp(window, r.x + r.w - 12, r.y + r.h - 8)


def ids_in(window: MainWindow, stage: int, lane: int) -> list[str]:
    d = window.data
    return [n.id for n in d.notes.get((d.stages[stage].id, d.lanes[lane].id), [])]


def key(window: MainWindow, k: Qt.Key, mods=NONE) -> None:
    QTest.keyClick(window.view, k, mods)


def drag(window: MainWindow, start: QPoint, end: QPoint, steps: int = 6, release=True) -> None:
    port = window.view.viewport()
    QTest.mousePress(port, LEFT, NONE, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(port, start + (end - start) * (i / steps))
    if release:
        QTest.mouseRelease(port, LEFT, NONE, end)


def items_match_layout(window: MainWindow) -> bool:
    items = [i for i in window.scene.items() if isinstance(i, NoteItem)]
    if {i.note_id for i in items} != set(window.layout.note_by_id):
        return False
    return all((i.pos().x(), i.pos().y()) == (window.layout.note_by_id[i.note_id].rect.x,
                                              window.layout.note_by_id[i.note_id].rect.y)
               for i in items)


# -- creating and editing ----------------------------------------------------------------

def test_double_click_type_and_ctrl_enter_adds_one_undoable_note(window, demo):
    library = demo[0]
    d = window.data
    cell = (d.stages[2].id, d.lanes[2].id)  # Purchase × Thoughts: empty
    assert not d.notes.get(cell)
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    assert window.note_actions.editor is not None
    QTest.keyClicks(window.view, "Pay at the counter")
    key(window, Qt.Key.Key_Return)  # a new line, not the end
    QTest.keyClicks(window.view, "then leave 1")  # digits type, they do not colour
    assert window.undo_stack.count() == 0 and not db_cell(library.path, window.map_id, cell)
    key(window, Qt.Key.Key_Return, CTRL)
    assert window.note_actions.editor is None
    assert db_cell(library.path, window.map_id, cell) == ["Pay at the counter\nthen leave 1"]
    assert window.undo_stack.count() == 1
    (note_id,) = ids_in(window, 2, 2)
    assert window.scene.selected_note_ids() == [note_id]
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_cell(library.path, window.map_id, cell) == []
    key(window, Qt.Key.Key_Y, CTRL)
    assert db_notes(library.path, window.map_id)[note_id][3] == "Pay at the counter\nthen leave 1"
    assert items_match_layout(window)


def test_an_empty_new_note_vanishes_without_a_trace(window, demo):
    library = demo[0]
    before = db_notes(library.path, window.map_id)
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    assert window.note_actions.editor is not None
    key(window, Qt.Key.Key_Escape)
    assert window.note_actions.editor is None
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 0, 7))
    QTest.keyClicks(window.view, "   ")
    key(window, Qt.Key.Key_Return, CTRL)
    assert db_notes(library.path, window.map_id) == before
    assert window.undo_stack.count() == 0
    assert items_match_layout(window)


def test_clicking_elsewhere_commits_the_editor(window, demo):
    library = demo[0]
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    QTest.keyClicks(window.view, "Queue too long")
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 4, 7))
    d = window.data
    assert db_cell(library.path, window.map_id, (d.stages[2].id, d.lanes[2].id)) == [
        "Queue too long"]
    assert window.undo_stack.count() == 1


def test_f2_and_double_click_edit_a_note(window, demo):
    library = demo[0]
    note_id = ids_in(window, 0, 1)[0]
    old = window.doc.note(note_id).text
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, centre(window, note_id))
    assert window.scene.selected_note_ids() == [note_id]
    key(window, Qt.Key.Key_F2)
    editor = window.note_actions.editor
    assert editor is not None and editor.text() == old
    QTest.keyClicks(window.view, " (twice)")
    key(window, Qt.Key.Key_Escape)  # Esc ends and keeps the text
    assert db_notes(library.path, window.map_id)[note_id][3] == old + " (twice)"
    assert window.undo_stack.count() == 1
    # Unchanged text: no command.
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, centre(window, note_id))
    assert window.note_actions.editor is not None
    key(window, Qt.Key.Key_Return, CTRL)
    assert window.undo_stack.count() == 1
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_notes(library.path, window.map_id)[note_id][3] == old
    key(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert db_notes(library.path, window.map_id)[note_id][3] == old + " (twice)"


def test_delete_duplicate_and_colour_keys(window, demo):
    library = demo[0]
    a, b = ids_in(window, 0, 0)
    port = window.view.viewport()
    QTest.mouseClick(port, LEFT, NONE, centre(window, a))
    QTest.mouseClick(port, LEFT, CTRL, centre(window, b))
    assert sorted(window.scene.selected_note_ids()) == sorted([a, b])
    key(window, Qt.Key.Key_D, CTRL)
    texts = [window.doc.note(a).text, window.doc.note(b).text]
    cell = (window.data.stages[0].id, window.data.lanes[0].id)
    assert db_cell(library.path, window.map_id, cell) == [texts[0], texts[0], texts[1], texts[1]]
    copies = [i for i in ids_in(window, 0, 0) if i not in (a, b)]
    assert sorted(window.scene.selected_note_ids()) == sorted(copies)
    key(window, Qt.Key.Key_4)
    rows = db_notes(library.path, window.map_id)
    assert [rows[i][4] for i in copies] == [NOTE_COLOURS[3]] * 2
    assert rows[a][4] != NOTE_COLOURS[3]
    key(window, Qt.Key.Key_Delete)
    assert db_cell(library.path, window.map_id, cell) == texts
    assert window.undo_stack.count() == 3
    key(window, Qt.Key.Key_Z, CTRL)
    assert len(db_cell(library.path, window.map_id, cell)) == 4
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_notes(library.path, window.map_id)[copies[0]][4] != NOTE_COLOURS[3]
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_cell(library.path, window.map_id, cell) == texts
    for _ in range(3):
        key(window, Qt.Key.Key_Y, CTRL)
    assert db_cell(library.path, window.map_id, cell) == texts
    assert items_match_layout(window)


def test_delete_restores_votes_on_undo(window, demo):
    library = demo[0]
    voted = next(n for n in window.data.all_notes() if window.data.votes.get(n.id))
    dots = list(window.data.votes[voted.id])
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, centre(window, voted.id))
    key(window, Qt.Key.Key_Delete)
    assert voted.id not in db_notes(library.path, window.map_id)
    key(window, Qt.Key.Key_Z, CTRL)
    assert voted.id in db_notes(library.path, window.map_id)
    assert window.data.votes[voted.id] == dots


def test_context_menu_and_tags(window, demo):
    library = demo[0]
    na = window.note_actions
    note_id = ids_in(window, 1, 1)[0]
    na.select([note_id])
    menu = na.context_menu(True)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Edit Note", "Colour", "Tags…", "Duplicate", "Cut", "Copy", "Delete"]
    colours = menu.actions()[1].menu().actions()
    assert [a.text().split()[-1] for a in colours] == [
        "Yellow", "Orange", "Sky", "Green", "Blue", "Rose"]
    dialog = na.make_tags_dialog([note_id])
    dialog.edit.setText("price,  Price , trial")
    assert dialog.tags() == "price, trial"
    assert na.set_tags([note_id], dialog.tags())
    assert db_notes(library.path, window.map_id)[note_id][5] == "price, trial"
    window.undo_stack.undo()
    assert db_notes(library.path, window.map_id)[note_id][5] != "price, trial"


# -- moving -------------------------------------------------------------------------------

def test_drag_a_note_to_another_stage(window, demo):
    library = demo[0]
    note_id = ids_in(window, 0, 1)[0]  # Awareness × Actions
    d = window.data
    target = (d.stages[2].id, d.lanes[2].id)  # Purchase × Thoughts (empty)
    drag(window, centre(window, note_id), empty_spot(window, 2, 2), release=False)
    na = window.note_actions
    assert na.indicator.visible and na.indicator.bar_rect() is not None
    assert db_notes(library.path, window.map_id)[note_id][:2] == (d.stages[0].id, d.lanes[1].id)
    QTest.mouseRelease(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    assert not na.indicator.visible
    assert db_notes(library.path, window.map_id)[note_id][:2] == target
    assert window.undo_stack.count() == 1
    assert items_match_layout(window)
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_notes(library.path, window.map_id)[note_id][:3] == (d.stages[0].id,
                                                                   d.lanes[1].id, 0)
    key(window, Qt.Key.Key_Y, CTRL)
    assert db_notes(library.path, window.map_id)[note_id][:2] == target
    assert items_match_layout(window)


def test_drag_two_notes_at_once(window, demo):
    library = demo[0]
    a = ids_in(window, 0, 0)[0]
    b = ids_in(window, 1, 3)[0]
    port = window.view.viewport()
    QTest.mouseClick(port, LEFT, NONE, centre(window, a))
    QTest.mouseClick(port, LEFT, Qt.KeyboardModifier.ShiftModifier, centre(window, b))
    drag(window, centre(window, b), empty_spot(window, 2, 2))
    d = window.data
    cell = (d.stages[2].id, d.lanes[2].id)
    rows = db_notes(library.path, window.map_id)
    assert [(rows[i][0], rows[i][1], rows[i][2]) for i in (a, b)] == [cell + (0,), cell + (1,)]
    assert window.undo_stack.count() == 1
    assert window.undo_stack.text(0) == "Move 2 notes"


def test_reorder_within_a_cell(window, demo):
    library = demo[0]
    d = window.data
    cell = (d.stages[0].id, d.lanes[0].id)
    library.run(ops.add_note, *cell, "Third")  # the window follows the library
    first, second, third = ids_in(window, 0, 0)
    texts = db_cell(library.path, window.map_id, cell)
    r = window.layout.note_by_id[third].rect
    drop = vp(window, r.x + r.w - 10, r.y + r.h / 2)  # the right half of the last note
    drag(window, centre(window, first), drop)
    assert db_cell(library.path, window.map_id, cell) == [texts[1], texts[2], texts[0]]
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_cell(library.path, window.map_id, cell) == texts
    key(window, Qt.Key.Key_Y, CTRL)
    assert db_cell(library.path, window.map_id, cell) == [texts[1], texts[2], texts[0]]
    # Dropping a note onto its own place changes nothing: no command.
    count = window.undo_stack.count()
    drag(window, centre(window, second), centre(window, second) + QPoint(3, 0))
    assert window.undo_stack.count() == count
    assert items_match_layout(window)


def test_esc_during_a_drag_snaps_back_without_a_command(window, demo):
    library = demo[0]
    before = db_notes(library.path, window.map_id)
    note_id = ids_in(window, 0, 1)[0]
    item = window.scene.note_item(note_id)
    home = QPointF(item.pos())
    drag(window, centre(window, note_id), empty_spot(window, 2, 2), release=False)
    assert item.pos() != home
    key(window, Qt.Key.Key_Escape)
    assert item.pos() == home and not window.note_actions.indicator.visible
    QTest.mouseRelease(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    assert window.undo_stack.count() == 0
    assert db_notes(library.path, window.map_id) == before
    # A release outside every cell (the title block) snaps back too.
    title = window.layout.title.rect
    drag(window, centre(window, note_id), vp(window, title.x + 40, title.y + 10))
    assert window.undo_stack.count() == 0 and item.pos() == home


def test_rubber_band_select_all_and_esc(window):
    port = window.view.viewport()
    d, layout = window.data, window.layout
    top_left = layout.cell(d.stages[0].id, d.lanes[0].id).rect
    bottom_right = layout.cell(d.stages[1].id, d.lanes[1].id).rect
    start = vp(window, top_left.x + 3, top_left.y + 3)
    end = vp(window, bottom_right.right - 3, bottom_right.bottom - 3)
    drag(window, start, end)
    expected = set(ids_in(window, 0, 0) + ids_in(window, 1, 0) + ids_in(window, 0, 1)
                   + ids_in(window, 1, 1))
    assert set(window.scene.selected_note_ids()) == expected
    key(window, Qt.Key.Key_A, CTRL)
    assert len(window.scene.selected_note_ids()) == len(layout.notes)
    key(window, Qt.Key.Key_Escape)
    assert window.scene.selected_note_ids() == []
    assert port is window.view.viewport()


# -- the keyboard alone -------------------------------------------------------------------

def test_the_map_can_be_built_from_the_keyboard(window, demo):
    library = demo[0]
    na = window.note_actions
    d = window.data
    key(window, Qt.Key.Key_Tab)  # Tab reaches the canvas, not the focus chain
    assert window.view.hasFocus()
    assert na.current_cell == (d.stages[0].id, d.lanes[0].id)
    key(window, Qt.Key.Key_Tab)
    key(window, Qt.Key.Key_Tab)
    key(window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    cell = (d.stages[1].id, d.lanes[0].id)
    assert na.current_cell == cell
    before = db_cell(library.path, window.map_id, cell)
    key(window, Qt.Key.Key_Return)
    QTest.keyClicks(window.view, "Friend's recommendation")
    key(window, Qt.Key.Key_Return, CTRL)
    assert db_cell(library.path, window.map_id, cell) == before + ["Friend's recommendation"]
    new_id = ids_in(window, 1, 0)[-1]
    assert window.scene.selected_note_ids() == [new_id]
    # Insert adds another, Tab inside the editor ends it and moves on.
    key(window, Qt.Key.Key_Insert)
    QTest.keyClicks(window.view, "Billboard")
    key(window, Qt.Key.Key_Tab)
    assert db_cell(library.path, window.map_id, cell)[-1] == "Billboard"
    assert na.current_cell == (d.stages[2].id, d.lanes[0].id)
    # Arrows: into the cell on the left picks a note there; Up from the top lane stays.
    key(window, Qt.Key.Key_Left)
    assert window.scene.selected_note_ids() == [ids_in(window, 1, 0)[0]]
    key(window, Qt.Key.Key_Right)
    assert window.scene.selected_note_ids() == [ids_in(window, 1, 0)[1]]
    key(window, Qt.Key.Key_Down)
    key(window, Qt.Key.Key_Down)
    selected = window.scene.selected_note_ids()
    assert len(selected) == 1 and window.layout.note_by_id[selected[0]].lane_id != d.lanes[0].id
    key(window, Qt.Key.Key_Up)
    key(window, Qt.Key.Key_Up)
    key(window, Qt.Key.Key_Up)
    (top,) = window.scene.selected_note_ids()
    assert window.layout.note_by_id[top].lane_id == d.lanes[0].id
    # F2, type, Ctrl+Enter; then Delete.
    key(window, Qt.Key.Key_F2)
    QTest.keyClicks(window.view, "!")
    key(window, Qt.Key.Key_Return, CTRL)
    assert db_notes(library.path, window.map_id)[top][3].endswith("!")
    key(window, Qt.Key.Key_Delete)
    assert top not in db_notes(library.path, window.map_id)
    # Arrows from an empty current cell move between cells.
    key(window, Qt.Key.Key_Escape)
    key(window, Qt.Key.Key_Escape)
    assert na.current_cell is None and not window.scene.selected_note_ids()
    for _ in range(1 + 2 * len(d.stages)):  # two lanes down from the first cell
        key(window, Qt.Key.Key_Tab)
    assert na.current_cell == (d.stages[0].id, d.lanes[2].id)
    key(window, Qt.Key.Key_Right)
    key(window, Qt.Key.Key_Right)
    assert na.current_cell == (d.stages[2].id, d.lanes[2].id)  # empty: a cell is current
    assert not window.scene.selected_note_ids()
    assert window.note_actions.cell_cursor.isVisible()


# -- the clipboard -------------------------------------------------------------------------

def test_copy_and_paste_across_maps_and_sessions(window, demo):
    library, session = demo
    source = ids_in(window, 0, 0)
    texts = [window.doc.note(i).text for i in source]
    colours = [window.doc.note(i).colour for i in source]
    window.note_actions.select(source)
    key(window, Qt.Key.Key_C, CTRL)
    other = library.run(ops.add_map, session.id, "Future state")  # default template
    window.show_map(other.id)
    assert window.map_id == other.id
    window.view.setFocus()
    key(window, Qt.Key.Key_Tab)
    key(window, Qt.Key.Key_V, CTRL)
    pasted = db_notes(library.path, other.id)
    assert sorted((v[3], v[4]) for v in pasted.values()) == sorted(zip(texts, colours,
                                                                        strict=True))
    assert window.undo_stack.count() == 1
    key(window, Qt.Key.Key_Z, CTRL)
    assert db_notes(library.path, other.id) == {}
    # Another session, the same system clipboard.
    new_session = library.run(ops.create_session, "Onboarding flow")
    window.open_session(new_session.id)
    window.view.setFocus()
    key(window, Qt.Key.Key_V, CTRL)
    new_map = window.map_id
    assert sorted(v[3] for v in db_notes(library.path, new_map).values()) == sorted(texts)


def test_paste_plain_text_makes_one_note_per_line(window, demo):
    library = demo[0]
    QGuiApplication.clipboard().setText("Long queue\n\n  Card reader broken  \nNo receipt\n")
    d = window.data
    cell = (d.stages[2].id, d.lanes[2].id)
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    assert window.note_actions.current_cell == cell
    key(window, Qt.Key.Key_V, CTRL)
    assert db_cell(library.path, window.map_id, cell) == [
        "Long queue", "Card reader broken", "No receipt"]
    assert window.undo_stack.count() == 1
    assert len(window.scene.selected_note_ids()) == 3
    # Cut, then paste into another cell: a move across the map in two steps.
    key(window, Qt.Key.Key_X, CTRL)
    assert db_cell(library.path, window.map_id, cell) == []
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 0, 7))
    key(window, Qt.Key.Key_V, CTRL)
    target = (d.stages[0].id, d.lanes[7].id)
    assert db_cell(library.path, window.map_id, target) == [
        "Long queue", "Card reader broken", "No receipt"]


def test_closing_the_window_keeps_what_is_being_typed(window, demo):
    library = demo[0]
    d = window.data
    QTest.mouseDClick(window.view.viewport(), LEFT, NONE, empty_spot(window, 2, 2))
    QTest.keyClicks(window.view, "Half-typed thought")
    window.close()
    assert db_cell(library.path, window.map_id, (d.stages[2].id, d.lanes[2].id)) == [
        "Half-typed thought"]


def test_right_click_opens_the_note_menu_on_that_note(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    note_id = ids_in(window, 3, 3)[0]
    seen: list[list[str]] = []

    def close_menu() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            seen.append([a.text().replace("&", "") for a in menu.actions() if a.text()])
            menu.close()
        else:
            QTimer.singleShot(20, close_menu)

    QTimer.singleShot(20, close_menu)
    port = window.view.viewport()
    pos = centre(window, note_id)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, port.mapToGlobal(pos))
    QApplication.sendEvent(port, event)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0][0] == "Edit Note" and "Delete" in seen[0]
    assert window.scene.selected_note_ids() == [note_id]
