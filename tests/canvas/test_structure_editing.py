"""Stages and lanes edited on the real window with mouse and keys: rename in place,
reorder by dragging headers, delete with notes (undoable), lane kind, fold a lane,
widen a column by its edge. Every check reads the SQLite file back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from canvas.header_items import chevron_rect
from journey.queries import load_map
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.MouseButton.NoButton
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, demo, tmp_path: Path) -> MainWindow:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    QSettings("Waymark", "Waymark").clear()
    library, _ = demo
    w = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    qtbot.wait(20)
    w.view.fit_all()  # maps open fitted to the width; these tests want all of it
    qtbot.waitUntil(lambda: w.view.zoom < 1.0)  # fitted: the whole map is in view
    w.view.setFocus()
    return w


def stored(window: MainWindow):
    """The map as the library has it now (a fresh read of the file)."""
    return window.library.read(load_map, window.map_id)


def at(window: MainWindow, x: float, y: float) -> QPoint:
    return window.view.mapFromScene(QPointF(x, y))


def mouse(window: MainWindow, kind: QEvent.Type, pos: QPoint, button=LEFT, buttons=LEFT,
          mods=Qt.KeyboardModifier.NoModifier) -> None:
    vp = window.view.viewport()
    event = QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(vp, event)


def drag(window: MainWindow, start: QPoint, end: QPoint, steps: int = 6, during=None) -> None:
    """Press, move in steps (with the button held), release: a real drag on the viewport."""
    mouse(window, QEvent.Type.MouseButtonPress, start)
    for i in range(1, steps + 1):
        p = start + (end - start) * (i / steps)
        mouse(window, QEvent.Type.MouseMove, p, NONE, LEFT)
    if during is not None:
        during()
    mouse(window, QEvent.Type.MouseButtonRelease, end, LEFT, NONE)


def click(window: MainWindow, pos: QPoint, mods=Qt.KeyboardModifier.NoModifier) -> None:
    mouse(window, QEvent.Type.MouseButtonPress, pos, mods=mods)
    mouse(window, QEvent.Type.MouseButtonRelease, pos, LEFT, NONE, mods=mods)


def header_centre(window: MainWindow, kind: str, name: str) -> QPoint:
    layout, data = window.layout, window.data
    rows = data.stages if kind == "stage" else data.lanes
    row_id = next(r.id for r in rows if r.name == name)
    headers = layout.stages if kind == "stage" else layout.lanes
    r = next(h for h in headers if h.id == row_id).rect
    return at(window, r.x + r.w / 2, r.y + min(r.h / 2, 20))


def undo(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)


def test_rename_a_stage_in_place(qtbot, window):
    qtbot.mouseDClick(window.view.viewport(), LEFT, pos=header_centre(window, "stage", "Purchase"))
    editor = window.structure.editor
    assert editor.is_open and editor.kind == "stage"
    assert editor.edit.text() == "Purchase" and editor.edit.selectedText() == "Purchase"
    qtbot.keyClicks(window.view, "Checkout")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert not editor.is_open
    names = [s.name for s in stored(window).stages]
    assert names == ["Awareness", "Consideration", "Checkout", "Service", "Loyalty"]
    assert window.undo_stack.count() == 1  # one command for the whole rename
    assert [h.lines[0].text for h in window.layout.stages][2] == "Checkout"
    undo(qtbot, window)
    assert stored(window).stages[2].name == "Purchase"
    redo(qtbot, window)
    assert stored(window).stages[2].name == "Checkout"


def test_escape_cancels_a_rename_and_f2_opens_it(qtbot, window):
    click(window, header_centre(window, "lane", "Thoughts"))
    assert window.structure.selected_lane() == window.data.lanes[2].id
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    editor = window.structure.editor
    assert editor.is_open and editor.kind == "lane"
    qtbot.keyClicks(window.view, "Worries")
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not editor.is_open
    assert stored(window).lanes[2].name == "Thoughts"
    assert window.undo_stack.count() == 0


def test_reorder_a_stage_by_dragging_its_header(qtbot, window):
    layout = window.layout
    start = header_centre(window, "stage", "Awareness")
    service = next(h for h in layout.stages if h.id == window.data.stages[3].id).rect
    end = at(window, service.x + service.w * 0.3, service.y + 20)  # left half of Service
    seen = {}

    def during():
        g = window.structure.gesture
        seen["bar"] = g.bar.isVisible() and g.bar.scene() is window.scene
        seen["stored"] = [s.name for s in stored(window).stages]

    drag(window, start, end, during=during)
    assert seen["bar"]  # the insertion indicator showed while dragging
    assert seen["stored"][0] == "Awareness"  # nothing written during the drag
    order = ["Consideration", "Purchase", "Awareness", "Service", "Loyalty"]
    data = stored(window)
    assert [s.name for s in data.stages] == order
    assert [s.position for s in data.stages] == [0, 1, 2, 3, 4]
    assert window.undo_stack.count() == 1
    undo(qtbot, window)
    assert [s.name for s in stored(window).stages][0] == "Awareness"
    redo(qtbot, window)
    assert [s.name for s in stored(window).stages] == order
    item = window.scene.stages[data.stages[2].id]
    r = window.layout.stages[2].rect
    assert (item.pos().x(), item.pos().y()) == (r.x, r.y)  # the header sits in its new column


def test_reorder_a_lane_by_dragging_its_header(qtbot, window):
    start = header_centre(window, "lane", "Backstage")
    first = window.layout.lanes[0].rect
    drag(window, start, at(window, first.x + 40, first.y + 10))
    names = [lane.name for lane in stored(window).lanes]
    assert names[0] == "Backstage" and names[1] == "Touchpoints" and len(names) == 8
    undo(qtbot, window)
    assert [lane.name for lane in stored(window).lanes][-1] == "Backstage"


def test_a_short_drag_only_selects(qtbot, window):
    start = header_centre(window, "stage", "Service")
    drag(window, start, start + QPoint(2, 1), steps=2)
    assert window.undo_stack.count() == 0
    assert window.structure.selected_stage() == window.data.stages[3].id


def test_delete_a_stage_with_its_notes_then_undo_and_redo(qtbot, window):
    stage = window.data.stages[1]  # Consideration: notes, a curve point
    n_notes = len(stored(window).all_notes())
    in_stage = sum(len(v) for (s, _), v in stored(window).notes.items() if s == stage.id)
    assert in_stage > 0
    click(window, header_centre(window, "stage", "Consideration"))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    box = window.structure.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert f"{in_stage} notes" in box.text()
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.mouseClick(delete, LEFT)
    data = stored(window)
    assert stage.id not in {s.id for s in data.stages}
    assert len(data.all_notes()) == n_notes - in_stage
    assert stage.id not in window.scene.stages
    undo(qtbot, window)
    data = stored(window)
    assert [s.name for s in data.stages][1] == "Consideration"
    assert len(data.all_notes()) == n_notes
    assert any(p.stage_id == stage.id for cd in data.curves for p in cd.points)
    redo(qtbot, window)
    assert len(stored(window).stages) == 4
    assert len(stored(window).all_notes()) == n_notes - in_stage


def test_cancelled_confirmation_deletes_nothing(qtbot, window):
    click(window, header_centre(window, "lane", "Actions"))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    box = window.structure.confirm_box
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), LEFT)
    assert len(stored(window).lanes) == 8 and window.undo_stack.count() == 0


def test_add_a_lane_of_a_kind_and_delete_it_without_asking(qtbot, window):
    click(window, header_centre(window, "lane", "Touchpoints"))
    menu = window.structure.menus.add_lane_menu
    next(a for a in menu.actions() if a.text() == "Quotes").trigger()
    editor = window.structure.editor
    assert editor.is_open and editor.edit.text() == "Quotes"  # the kind's label, ready to edit
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # keep the name
    lanes = stored(window).lanes
    assert (lanes[1].name, lanes[1].kind) == ("Quotes", "quotes")  # after the current lane
    assert window.structure.selected_lane() == lanes[1].id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # empty: no question
    assert [lane.name for lane in stored(window).lanes][1] == "Actions"
    undo(qtbot, window)
    assert stored(window).lanes[1].name == "Quotes"


def test_add_a_stage_from_the_keyboard(qtbot, window):
    click(window, header_centre(window, "stage", "Purchase"))
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    assert window.structure.editor.is_open
    qtbot.keyClicks(window.view, "Delivery")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    names = [s.name for s in stored(window).stages]
    assert names == ["Awareness", "Consideration", "Purchase", "Delivery", "Service", "Loyalty"]
    assert window.undo_stack.count() == 1  # adding and naming it is one step
    assert window.undo_stack.text(0) == "Add stage “Delivery”"
    undo(qtbot, window)
    assert len(stored(window).stages) == 5
    window.undo_stack.redo()  # redo brings it back with the typed name
    names = [s.name for s in stored(window).stages]
    assert names == ["Awareness", "Consideration", "Purchase", "Delivery", "Service", "Loyalty"]
    # Renaming later is a step of its own.
    window.structure.rename(stored(window).stages[3].id)
    qtbot.keyClick(window.structure.editor.edit, Qt.Key.Key_End)  # the name opens selected
    qtbot.keyClicks(window.structure.editor.edit, " days")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert [s.name for s in stored(window).stages][3] == "Delivery days"
    assert window.undo_stack.count() == 2


def test_keyboard_moves_and_steps_between_headers(qtbot, window):
    click(window, header_centre(window, "stage", "Awareness"))
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL_SHIFT)
    assert [s.name for s in stored(window).stages][:2] == ["Consideration", "Awareness"]
    qtbot.keyClick(window.view, Qt.Key.Key_Right)  # select the next header
    assert window.structure.selected_stage() == stored(window).stages[2].id
    click(window, header_centre(window, "lane", "Feelings"))
    qtbot.keyClick(window.view, Qt.Key.Key_Up, CTRL_SHIFT)
    assert [lane.name for lane in stored(window).lanes][2] == "Feelings"
    undo(qtbot, window)
    assert [lane.name for lane in stored(window).lanes][3] == "Feelings"


def test_change_a_lanes_kind_from_its_context_menu(qtbot, window):
    lane = window.data.lanes[2]  # Thoughts
    menu = window.structure.menus.lane_menu(lane.id)
    kinds = next(a.menu() for a in menu.actions() if a.text() == "Lane &Kind")
    next(a for a in kinds.actions() if a.text() == "Quotes").trigger()
    assert stored(window).lanes[2].kind == "quotes"
    assert window.layout.lanes[2].kind == "quotes"
    undo(qtbot, window)
    assert stored(window).lanes[2].kind == "thoughts"
    menu.deleteLater()


def test_collapse_and_expand_a_lane(qtbot, window):
    lane = window.data.lanes[5]  # Pain points
    header = next(h for h in window.layout.lanes if h.id == lane.id)
    notes = sum(len(v) for (_, ln), v in stored(window).notes.items() if ln == lane.id)
    c = chevron_rect(header).center()
    click(window, at(window, c.x(), c.y()))
    assert stored(window).lanes[5].collapsed
    header = next(h for h in window.layout.lanes if h.id == lane.id)
    assert header.collapsed and header.rect.h == window.layout.style.collapsed_lane_h
    hidden = sum(c.hidden_notes for c in window.layout.cells if c.lane_id == lane.id)
    assert hidden == notes
    assert not any(n.lane_id == lane.id for n in window.layout.notes)
    # The chevron stays on a folded lane; a click there unfolds it.
    c = chevron_rect(header).center()
    click(window, at(window, c.x(), c.y()))
    assert not stored(window).lanes[5].collapsed
    # The menu action (Ctrl+Shift+C) folds the current lane.
    click(window, header_centre(window, "lane", "Pain points"))
    qtbot.keyClick(window.view, Qt.Key.Key_C, CTRL_SHIFT)
    assert stored(window).lanes[5].collapsed
    undo(qtbot, window)
    assert not stored(window).lanes[5].collapsed


def test_widen_a_column_by_dragging_its_edge(qtbot, window):
    stage = window.data.stages[0]
    r = window.layout.stages[0].rect
    start = at(window, r.right, r.y + r.h / 2)
    end = at(window, r.right + 80, r.y + r.h / 2)
    seen = {}

    def during():
        seen["preview"] = window.structure.gesture.shade.scene() is window.scene
        seen["stored"] = stored(window).stages[0].width

    drag(window, start, end, during=during)
    assert seen == {"preview": True, "stored": None}
    width = stored(window).stages[0].width
    assert width is not None and abs(width - 340) <= 10 and width % 10 == 0
    assert window.layout.stages[0].rect.w == width
    assert window.undo_stack.count() == 1
    undo(qtbot, window)
    assert stored(window).stages[0].width is None
    redo(qtbot, window)
    assert stored(window).stages[0].width == width
    # Esc during the drag leaves the width alone.
    r = window.layout.stages[0].rect
    mouse(window, QEvent.Type.MouseButtonPress, at(window, r.right, r.y + 10))
    mouse(window, QEvent.Type.MouseMove, at(window, r.right + 60, r.y + 10), NONE, LEFT)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    mouse(window, QEvent.Type.MouseButtonRelease, at(window, r.right + 60, r.y + 10), LEFT, NONE)
    assert stored(window).stages[0].width == width
    assert stage.id in window.scene.stages


def test_wider_and_narrower_actions(qtbot, window):
    click(window, header_centre(window, "stage", "Service"))
    qtbot.keyClick(window.view, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert stored(window).stages[3].width == window.layout.style.stage_w + 40
    qtbot.keyClick(window.view, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert stored(window).stages[3].width == window.layout.style.stage_w - 40


def test_map_menu_lists_the_structure_actions(qtbot, window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Map" in menus and menus[:4] == ["&File", "&Edit", "&Export", "&View"]
    texts = [a.text().split("\t")[0] for a in window.structure.menus.menu.actions()]
    for wanted in ("Add &Stage", "Add &Lane", "&Rename", "Lane &Kind", "&Collapse Lane",
                   "&Wider Stage", "&Narrower Stage", "E&motion Scale",
                   "Add C&urve for Persona", "Add Curve &Point", "La&bel Point…"):
        assert wanted in texts, wanted


def test_cursors_show_what_can_be_dragged(qtbot, window):
    vp = window.view.viewport()
    r = window.layout.stages[1].rect
    point = window.layout.curves[0].points[0]
    lane = window.layout.lanes[0]
    c = chevron_rect(lane).center()
    cases = [(at(window, r.x + r.w / 2, r.y + 20), Qt.CursorShape.ArrowCursor),
             (at(window, r.right - 1, r.y + 20), Qt.CursorShape.SizeHorCursor),
             (at(window, r.x + 1, r.y + 20), Qt.CursorShape.SizeHorCursor),  # previous edge
             (at(window, point.x, point.y), Qt.CursorShape.SizeVerCursor),
             (at(window, c.x(), c.y()), Qt.CursorShape.PointingHandCursor)]
    for pos, shape in cases:
        mouse(window, QEvent.Type.MouseMove, pos, NONE, NONE)
        assert vp.cursor().shape() == shape, (pos, shape)
    # Hovering lights a header up (it repaints with the hover tint).
    assert window.scene.lanes[lane.id]._hover


def test_double_click_on_a_column_edge_restores_the_default_width(qtbot, window):
    click(window, header_centre(window, "stage", "Loyalty"))
    qtbot.keyClick(window.view, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    r = window.layout.stages[4].rect
    assert stored(window).stages[4].width == r.w == 300
    qtbot.mouseDClick(window.view.viewport(), LEFT, pos=at(window, r.right, r.y + 20))
    assert stored(window).stages[4].width is None


def test_right_click_opens_the_headers_menu(qtbot, window):
    from PySide6.QtGui import QContextMenuEvent

    pos = header_centre(window, "lane", "Feelings")
    vp = window.view.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, vp.mapToGlobal(pos))
    QApplication.sendEvent(vp, event)
    menu = QApplication.activePopupWidget()
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert "Lane &Kind" in texts and "&Delete Lane…" in texts
    assert window.structure.selected_lane() == window.data.lanes[3].id
    next(a for a in menu.actions() if a.text() == "Move &Up").trigger()
    menu.close()
    assert [lane.name for lane in stored(window).lanes][2] == "Feelings"


def test_from_a_note_to_its_headers_with_the_keyboard(qtbot, window):
    note = next(n for n in window.layout.notes if n.text == "Checkout page")
    click(window, at(window, note.rect.x + 20, note.rect.y + 20))
    assert window.scene.selected_note_ids() == [note.id]
    qtbot.keyClick(window.view, Qt.Key.Key_Up, CTRL_SHIFT)
    assert window.structure.selected_stage() == note.stage_id
    assert not window.scene.selected_note_ids()
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert window.structure.editor.is_open
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    click(window, at(window, note.rect.x + 20, note.rect.y + 20))
    qtbot.keyClick(window.view, Qt.Key.Key_Left, CTRL_SHIFT)
    assert window.structure.selected_lane() == note.lane_id
