"""The parking lot dock in the real window: capture, edit, delete, drag onto the map
and back — each checked in the library through a fresh SQLite connection."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from journey.models import LaneKind
from ui.main_window import MainWindow
from ui.workshop.parking_lot import PARKED_MIME, ids_from_mime


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    w = open_window(demo[0])
    w.workshop.parking.dock.show()
    return w


def rows(window: MainWindow, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(window.library.path) as con:
        return con.execute(sql, args).fetchall()


def park(qtbot, window: MainWindow, text: str) -> None:
    lot = window.workshop.parking
    lot.entry.setFocus()
    qtbot.keyClicks(lot.entry, text)
    qtbot.keyClick(lot.entry, Qt.Key.Key_Return)


def cell(window: MainWindow, stage: str, kind: str) -> tuple[str, str]:
    return (next(s.id for s in window.data.stages if s.name == stage),
            next(la.id for la in window.data.lanes if la.kind == kind))


def test_capture_edit_delete(qtbot, window):
    lot = window.workshop.parking
    park(qtbot, window, "Gift subscriptions?")
    park(qtbot, window, "Office plan")
    assert lot.entry.text() == ""
    assert rows(window, "select text, position from parked_note order by position") == [
        ("Gift subscriptions?", 0), ("Office plan", 1)]
    assert lot.list.count() == 2 and lot.dock.windowTitle() == "Parking lot (2)"
    lot.list.item(1).setText("Office plan for teams")  # what an in-place edit commits
    assert rows(window, "select text from parked_note order by position")[1] == (
        "Office plan for teams",)
    window.undo_stack.undo()
    assert rows(window, "select text from parked_note order by position")[1] == (
        "Office plan",)
    lot.list.clearSelection()
    lot.list.item(0).setSelected(True)
    lot.list.setFocus()
    qtbot.keyClick(lot.list, Qt.Key.Key_Delete)
    assert rows(window, "select text from parked_note") == [("Office plan",)]
    window.undo_stack.undo()
    assert rows(window, "select text, position from parked_note order by position") == [
        ("Gift subscriptions?", 0), ("Office plan", 1)]


def drop_at(window: MainWindow, mime, scene_point: QPointF) -> None:
    viewport = window.view.viewport()
    pos = window.view.mapFromScene(scene_point)
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    assert window.workshop.parking.indicator.visible  # the cell and the bar are shown
    drop = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()


def test_drag_from_the_lot_onto_a_cell_and_back(qtbot, window):
    lot = window.workshop.parking
    park(qtbot, window, "Cold brew option")
    (parked_id,) = [r[0] for r in rows(window, "select id from parked_note")]
    mime = lot.list.mimeData([lot.list.item(0)])
    assert mime.hasFormat(PARKED_MIME) and ids_from_mime(mime) == [parked_id]

    # Drop before the second note of Purchase · Opportunities.
    target = cell(window, "Purchase", LaneKind.OPPORTUNITIES)
    before = [n.text for n in window.data.notes[target]]
    second = window.layout.note_by_id[window.data.notes[target][1].id].rect
    window.view.centerOn(second.x, second.y)
    steps = window.undo_stack.count()
    drop_at(window, mime, QPointF(second.x + 2, second.y + second.h / 2))
    qtbot.waitUntil(lambda: not rows(window, "select id from parked_note"))
    texts = [r[0] for r in rows(window, "select text from note where stage_id=? and "
                                        "lane_id=? order by position", *target)]
    assert texts == before[:1] + ["Cold brew option"] + before[1:]
    assert window.undo_stack.count() == steps + 1  # one command
    assert not lot.indicator.visible
    window.undo_stack.undo()
    assert rows(window, "select id, text from parked_note") == [(parked_id,
                                                                 "Cold brew option")]
    assert "Cold brew option" not in [r[0] for r in rows(window, "select text from note")]
    window.undo_stack.redo()
    assert rows(window, "select count(*) from note where text='Cold brew option'") == [(1,)]

    # And back: Park Selected Notes takes a note (and its dots) off the map.
    fee = next(n for n in window.data.all_notes()
               if n.text == "Surprise shipping fee at the last step")
    assert rows(window, "select count(*) from vote where note_id=?", fee.id) == [(4,)]
    window.scene.clearSelection()
    window.scene.note_item(fee.id).setSelected(True)
    lot.park_action.trigger()
    assert rows(window, "select count(*) from note where id=?", fee.id) == [(0,)]
    assert rows(window, "select text, colour from parked_note") == [(fee.text, fee.colour)]
    assert lot.list.count() == 1
    window.undo_stack.undo()
    assert rows(window, "select count(*) from vote where note_id=?", fee.id) == [(4,)]
    assert rows(window, "select count(*) from parked_note") == [(0,)]


def test_drag_a_map_note_onto_the_dock(qtbot, window):
    lot = window.workshop.parking
    note = next(n for n in window.data.all_notes() if n.text == "Roaster meet-ups")
    item = window.scene.note_item(note.id)
    window.view.ensureVisible(item, 30, 30)
    viewport = window.view.viewport()
    start = window.view.mapFromScene(item.sceneBoundingRect().center())
    over_dock = viewport.mapFromGlobal(lot.list.mapToGlobal(lot.list.rect().center()))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(30, 0))
    qtbot.mouseMove(viewport, over_dock)
    assert lot._lit  # the dock shows it would take the note
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=over_dock)
    qtbot.waitUntil(lambda: rows(window, "select text from parked_note") == [
        ("Roaster meet-ups",)])
    assert rows(window, "select count(*) from note where id=?", note.id) == [(0,)]
    assert not lot._lit
    window.undo_stack.undo()
    assert rows(window, "select count(*) from note where id=?", note.id) == [(1,)]
