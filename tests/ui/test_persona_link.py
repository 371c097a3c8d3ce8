"""File › Session Details: a persona made for a workshop ends up on its map.

The session's first persona becomes the persona of the maps that are for nobody
in particular; the Maps tab opens on the map on screen and stores the persona
its combo shows, however the combo got there. Checked in the SQLite file."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from journey import ops
from ui.library.session_details import SessionDetailsDialog
from ui.main_window import MainWindow


def q(path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


@pytest.fixture
def workshop(qtbot, library, settings):
    """A new session with two maps and no persona, its second map on screen."""
    session = library.run(ops.create_session, "Workshop")
    library.run(ops.add_map, session.id, "Future state")
    w = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    w.open_session(session.id, w.maps[1].id)
    return w


def details(qtbot, window: MainWindow, tab: str) -> SessionDetailsDialog:
    dialog = window.library_tools.show_details(tab)
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def button(dialog: SessionDetailsDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def personas_of_maps(window: MainWindow) -> list[tuple]:
    return q(window.library.path, "select m.name, p.name from journey_map m left join persona p "
             "on p.id = m.persona_id where m.session_id = ? order by m.position",
             window.session_id)


def test_the_first_persona_becomes_the_persona_of_maps_for_nobody(qtbot, workshop):
    w = workshop
    dialog = details(qtbot, w, "personas")
    QTest.mouseClick(button(dialog, "&New persona"), Qt.MouseButton.LeftButton)
    QTest.keyClicks(dialog.personas.name_edit, "Maya")
    QTest.keyClick(dialog.personas.name_edit, Qt.Key.Key_Tab)
    assert personas_of_maps(w) == [("Current state", "Maya"), ("Future state", "Maya")]
    assert w.data.persona is not None and w.data.persona.name == "Maya"  # the window follows
    # A second persona is for whichever map the facilitator says: nothing moves.
    QTest.mouseClick(button(dialog, "&New persona"), Qt.MouseButton.LeftButton)
    assert personas_of_maps(w) == [("Current state", "Maya"), ("Future state", "Maya")]
    dialog.close()
    # Undo takes the persona and its links away; redo brings both back, same rows.
    maya = q(w.library.path, "select id from persona where name = 'Maya'")[0][0]
    texts = [w.undo_stack.text(i) for i in range(w.undo_stack.count())]
    assert texts == ["Add persona New persona", "Edit persona New persona",
                     "Add persona New persona"]
    for _ in texts:
        w.undo_stack.undo()
    assert personas_of_maps(w) == [("Current state", None), ("Future state", None)]
    w.undo_stack.redo()
    assert q(w.library.path, "select persona_id from journey_map where session_id = ?",
             w.session_id) == [(maya,), (maya,)]


def test_the_maps_tab_stores_the_persona_it_shows_for_the_map_on_screen(qtbot, workshop):
    w = workshop
    w.library.run(ops.add_persona, w.session_id, "Maya")  # not linked: no link_maps
    w.library.run(ops.add_persona, w.session_id, "Leo")
    dialog = details(qtbot, w, "maps")
    tab = dialog.maps
    assert tab.current_id() == w.map_id  # the map on screen, not the first in the list
    box = tab.persona_box
    assert box.currentText() == "Nobody in particular"
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Down)  # the keyboard's way: the next entry
    assert box.currentText() == "Maya"
    dialog.close()
    assert personas_of_maps(w) == [("Current state", None), ("Future state", "Maya")]
    assert w.data.map.persona_id is not None  # the window shows it too

    dialog = details(qtbot, w, "maps")
    box = dialog.maps.persona_box
    assert box.currentText() == "Maya"
    box.setCurrentIndex(box.findText("Leo"))  # not through `activated` (a screen reader)
    dialog.close()
    assert personas_of_maps(w) == [("Current state", None), ("Future state", "Leo")]
