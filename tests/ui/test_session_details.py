"""Session details in the real window: the session's fields, participants, personas
with photos (and the photos refused), maps — every change one undoable step,
checked in the database through a fresh connection."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtTest import QTest

from journey import ops
from journey.queries import load_map
from ui.library.session_details import SessionDetailsDialog
from ui.main_window import MainWindow

from ..formats.test_persona_photo import bomb_png, truncated_jpeg


@pytest.fixture
def window(qtbot, demo, settings) -> MainWindow:
    library, _ = demo
    w = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    return w


def details(window: MainWindow, tab: str = "session") -> SessionDetailsDialog:
    dialog = window.library_tools.show_details(tab)
    assert dialog is not None
    dialog.activateWindow()
    return dialog


def q(window: MainWindow, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(window.library.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def dump(window: MainWindow) -> str:
    conn = sqlite3.connect(window.library.path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def rows_of(window: MainWindow) -> list[str]:
    """Every row of the library, in no particular order (a restore may renumber rowids)."""
    return sorted(dump(window).splitlines())


def test_session_fields_commit_on_leaving_and_undo(qtbot, window):
    sid = window.session_id
    dialog = details(window)
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.title_edit.setFocus()
    dialog.title_edit.selectAll()
    QTest.keyClicks(dialog.title_edit, "Coffee club relaunch")
    QTest.keyClick(dialog.title_edit, Qt.Key.Key_Tab)  # leaving the field commits it
    assert q(window, "SELECT title FROM session WHERE id = ?", sid) == [("Coffee club relaunch",)]
    assert "Coffee club relaunch" in window.windowTitle()
    dialog.goal_edit.setPlainText("Halve the drop-off after the first box")
    dialog.facilitator_edit.setText("Ada")
    dialog.date_edit.setDate(QDate(2027, 3, 4))
    dialog.commit_all()
    assert q(window, "SELECT goal, facilitator, date FROM session WHERE id = ?", sid) == [
        ("Halve the drop-off after the first box", "Ada", "2027-03-04")]
    texts = [window.undo_stack.text(i) for i in range(window.undo_stack.count())]
    assert texts == ["Change session title", "Change session details"]
    dialog.date_edit.setDate(dialog.date_edit.minimumDate())  # "No date"
    dialog.commit_session()
    assert q(window, "SELECT date FROM session WHERE id = ?", sid) == [("",)]
    # Undo works inside the dialog and the fields follow.
    QTest.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert q(window, "SELECT date FROM session WHERE id = ?", sid) == [("2027-03-04",)]
    assert dialog.date_edit.date() == QDate(2027, 3, 4)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert q(window, "SELECT title, facilitator FROM session WHERE id = ?", sid) == [
        ("Coffee subscription", "Sam Rivera")]
    assert dialog.title_edit.text() == "Coffee subscription"
    # A bad value is one line and changes nothing.
    dialog.title_edit.setText("   ")
    dialog.commit_session()
    assert dialog.last_error == "session name cannot be empty"
    dialog.error_box.close()
    assert dialog.title_edit.text() == "Coffee subscription"
    dialog.close()


def test_participants_added_edited_removed(qtbot, window):
    sid = window.session_id
    before = q(window, "SELECT count(*) FROM participant WHERE session_id = ?", sid)[0][0]
    dialog = details(window, "participants")
    tab = dialog.participants
    tab.add_edit.setFocus()
    QTest.keyClicks(tab.add_edit, "Fatima, Gustav; Hiro")
    QTest.keyClick(tab.add_edit, Qt.Key.Key_Return)
    assert tab.add_edit.text() == ""
    people = q(window, "SELECT name, colour, vote_budget FROM participant WHERE session_id = ? "
               "ORDER BY position", sid)
    assert [p[0] for p in people[-3:]] == ["Fatima", "Gustav", "Hiro"]
    assert len({p[1] for p in people[-3:]}) == 3 and {p[2] for p in people[-3:]} == {3}
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Add 3 participants"
    hiro = q(window, "SELECT id FROM participant WHERE name = 'Hiro'")[0][0]
    assert tab.current_id() == hiro
    tab.budget.setValue(5)
    tab.name_edit.setText("Hiro T.")
    tab.commit()
    assert q(window, "SELECT name, vote_budget FROM participant WHERE id = ?", hiro) == [
        ("Hiro T.", 5)]
    tab.colours.buttons["#009E73"].click()
    assert q(window, "SELECT colour FROM participant WHERE id = ?", hiro) == [("#009E73",)]
    # Removing someone who voted keeps their dots; undo gives them back.
    note = window.data.all_notes()[0]
    window.library.run(ops.vote, note.id, hiro)
    tab.remove_button.click()
    assert q(window, "SELECT count(*) FROM participant WHERE id = ?", hiro) == [(0,)]
    assert q(window, "SELECT participant_id FROM vote WHERE note_id = ? ORDER BY created_at "
             "DESC LIMIT 1", note.id) == [(None,)]
    window.undo_stack.undo()
    assert q(window, "SELECT name, colour, vote_budget FROM participant WHERE id = ?", hiro) == [
        ("Hiro T.", "#009E73", 5)]
    assert (hiro,) in q(window, "SELECT participant_id FROM vote WHERE note_id = ?", note.id)
    window.undo_stack.undo()  # the colour
    window.undo_stack.undo()  # name and budget
    window.undo_stack.undo()  # the three
    assert q(window, "SELECT count(*) FROM participant WHERE session_id = ?", sid) == [(before,)]
    window.undo_stack.redo()
    assert q(window, "SELECT count(*) FROM participant WHERE session_id = ?", sid) == [
        (before + 3,)]
    assert q(window, "SELECT id FROM participant WHERE name = 'Hiro'") == [(hiro,)]  # same row
    dialog.close()


def png_file(path: Path, size: tuple[int, int] = (90, 120)) -> Path:
    Image.new("RGB", size, (0, 158, 115)).save(path, format="PNG")
    return path


def test_persona_with_a_photo(qtbot, window, tmp_path):
    sid = window.session_id
    dialog = details(window, "personas")
    tab = dialog.personas
    pid = tab.add_persona()
    assert q(window, "SELECT name FROM persona WHERE id = ?", pid) == [("New persona",)]
    assert tab.name_edit.hasFocus() or tab.name_edit.selectedText() == "New persona"
    tab.name_edit.setText("Ravi, the gift buyer")
    tab.role_edit.setText("Buys for his parents")
    tab.quote_edit.setText("Is this a good present?")
    tab.goals_edit.setPlainText("Something they will use\nDelivered on time")
    tab.frustrations_edit.setPlainText("No gift wrap")
    tab.commit()
    assert q(window, "SELECT name, role, quote, goals, frustrations FROM persona WHERE id = ?",
             pid) == [("Ravi, the gift buyer", "Buys for his parents", "Is this a good present?",
                       "Something they will use\nDelivered on time", "No gift wrap")]
    assert tab.set_photo_from(png_file(tmp_path / "ravi.png"))
    (photo,), = q(window, "SELECT photo FROM persona WHERE id = ?", pid)
    img = Image.open(io.BytesIO(photo))
    assert img.format == "PNG" and img.size == (90, 120)
    assert tab.photo_label.pixmap() is not None and not tab.photo_label.pixmap().isNull()
    big = png_file(tmp_path / "big.png", (2000, 1500))
    assert tab.set_photo_from(big)
    (photo,), = q(window, "SELECT photo FROM persona WHERE id = ?", pid)
    assert Image.open(io.BytesIO(photo)).size == (512, 384)  # stored scaled
    window.undo_stack.undo()
    (photo,), = q(window, "SELECT photo FROM persona WHERE id = ?", pid)
    assert Image.open(io.BytesIO(photo)).size == (90, 120)
    assert q(window, "SELECT count(*) FROM persona WHERE session_id = ?", sid) == [(2,)]
    dialog.close()


@pytest.mark.parametrize(("kind", "expected"), [
    ("not_an_image", "notes.png is not an image Waymark can read"),
    ("bomb", "bomb.png is too large to open safely (2,500 megapixels"),
    ("truncated", "cut.jpg is damaged or incomplete (the file is truncated)"),
])
def test_bad_photos_are_refused_and_change_nothing(qtbot, window, tmp_path, kind, expected):
    if kind == "not_an_image":
        path = tmp_path / "notes.png"
        path.write_text("Shopping: milk, coffee beans\n")
    elif kind == "bomb":
        path = bomb_png(tmp_path / "bomb.png")
    else:
        path = truncated_jpeg(tmp_path / "cut.jpg")
    dialog = details(window, "personas")
    stack = window.undo_stack.count()
    before = dump(window)
    assert not dialog.personas.set_photo_from(path)
    assert dialog.last_error.startswith(expected), dialog.last_error
    assert "\n" not in dialog.last_error and window.last_error == dialog.last_error
    assert dialog.error_box.text() == dialog.last_error
    dialog.error_box.close()
    assert dump(window) == before and window.undo_stack.count() == stack
    dialog.close()


def test_deleting_a_persona_is_undone_with_its_curve_and_maps(qtbot, window):
    dialog = details(window, "personas")
    maya = window.data.persona
    assert maya is not None and dialog.personas.current_id() == maya.id
    curves = q(window, "SELECT count(*) FROM curve WHERE persona_id = ?", maya.id)
    points = q(window, "SELECT count(*) FROM curve_point p JOIN curve c ON c.id = p.curve_id "
               "WHERE c.persona_id = ?", maya.id)
    assert curves == [(1,)] and points[0][0] > 0
    before = rows_of(window)
    dialog.personas.delete_button.click()
    assert q(window, "SELECT count(*) FROM persona WHERE id = ?", maya.id) == [(0,)]
    assert q(window, "SELECT count(*) FROM curve") == [(0,)]
    assert q(window, "SELECT persona_id FROM journey_map") == [(None,)]
    window.undo_stack.undo()
    assert rows_of(window) == before
    dialog.close()


def test_maps_added_renamed_moved_duplicated_deleted(qtbot, window, settings):
    sid = window.session_id
    current = window.map_id
    dialog = details(window, "maps")
    tab = dialog.maps
    tab.name_edit.setText("Service blueprint")
    tab.template_box.setCurrentIndex(tab.template_box.findData("Four stages"))
    QTest.keyClick(tab.name_edit, Qt.Key.Key_Return)
    maps = "SELECT name FROM journey_map WHERE session_id = ? ORDER BY position"
    assert q(window, maps, sid) == [("Current state",), ("Service blueprint",)]
    new_id = tab.current_id()
    assert q(window, "SELECT count(*) FROM stage WHERE map_id = ?", new_id) == [(4,)]
    assert window.tabs.count() == 2 and not window.tabs.isHidden()
    tab.rename_current()
    editor = tab.list.findChild(type(tab.name_edit))
    assert editor is not None
    editor.setText("Blueprint")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the list commits its editor queued
    qtbot.waitUntil(lambda: q(window, maps, sid) == [("Current state",), ("Blueprint",)])
    tab.buttons["up"].click()
    assert q(window, maps, sid) == [("Blueprint",), ("Current state",)]
    tab.select(current)
    future = tab.duplicate_current()
    assert q(window, maps, sid) == [("Blueprint",), ("Current state",), ("Future state",)]
    notes = "SELECT count(*) FROM note WHERE map_id = ?"
    assert q(window, notes, future) == q(window, notes, current) == [(44,)]
    maya = window.data.persona.id
    tab.persona_box.setCurrentIndex(0)
    tab.persona_box.activated.emit(0)
    assert q(window, "SELECT persona_id FROM journey_map WHERE id = ?", future) == [(None,)]
    tab.persona_box.setCurrentIndex(tab.persona_box.findData(maya))
    tab.persona_box.activated.emit(tab.persona_box.currentIndex())
    assert q(window, "SELECT persona_id FROM journey_map WHERE id = ?", future) == [(maya,)]
    tab.select(current)
    before = rows_of(window)
    tab.buttons["delete"].click()
    assert q(window, maps, sid) == [("Blueprint",), ("Future state",)]
    assert q(window, notes, current) == [(0,)]
    assert window.map_id != current
    window.undo_stack.undo()
    assert rows_of(window) == before  # every row back, same ids and places
    window.show_map(current)
    assert len(window.library.read(load_map, current).all_notes()) == 44
    texts = [window.undo_stack.text(i) for i in range(window.undo_stack.count())]
    assert texts == ["Add map Service blueprint", "Rename map to Blueprint",
                     "Move map Blueprint", "Duplicate map as Future state",
                     "Set the persona of Future state", "Set the persona of Future state",
                     "Delete map Current state"]
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert q(window, maps, sid) == [("Current state",)]
    while window.undo_stack.canRedo():
        window.undo_stack.redo()
    assert q(window, maps, sid) == [("Blueprint",), ("Future state",)]
    assert q(window, "SELECT id FROM journey_map WHERE name = 'Future state'") == [(future,)]
    dialog.close()


def test_new_maps_use_the_preferred_scale(qtbot, window, settings):
    from ui.preferences import Preferences

    Preferences(scale=(1, 5)).save(window.settings)
    dialog = details(window, "maps")
    new_id = dialog.maps.add_map("Scored", "Customer lifecycle")
    assert q(window, "SELECT scale_min, scale_max FROM journey_map WHERE id = ?", new_id) == [
        (1, 5)]
    dialog.close()
