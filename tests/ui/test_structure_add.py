"""Adding a stage or lane with its name is one commit (issue 12, item 6).

The new stage or lane is named over a ghost header where it will appear; nothing is
in the library until Enter, which pushes one add command: one `Library.run` (one
`Committed` told to the library's listeners), one undo step. Esc, or an empty name,
writes nothing. Real window (offscreen), real keys, the SQLite file read back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from canvas.provisional_header import provisional_slot
from journey.changes import Committed
from journey.queries import load_map
from ui.main_window import MainWindow
from ui.structure.structure_actions import NEW_LANE, NEW_STAGE

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]


@pytest.fixture
def window(open_window, demo) -> MainWindow:
    library, _ = demo
    w = open_window(library, size=(1600, 1000))
    w.view.fit_all()
    w.view.setFocus()
    return w


@pytest.fixture
def commits(window: MainWindow) -> list[Committed]:
    """Every Committed the library tells its listeners from now on."""
    told: list[Committed] = []
    unsubscribe = window.library.subscribe(told.append)
    yield told
    unsubscribe()


def stored(window: MainWindow):
    return window.library.read(load_map, window.map_id)


def select_header(window: MainWindow, kind: str, name: str) -> None:
    rows = window.data.stages if kind == "stage" else window.data.lanes
    table = window.scene.stages if kind == "stage" else window.scene.lanes
    window.structure.select(table[next(r.id for r in rows if r.name == name)])


def header_text(window: MainWindow, stage_id: str) -> str:
    header = next(h for h in window.layout.stages if h.id == stage_id)
    return " ".join(line.text for line in header.lines)


def test_adding_and_naming_a_stage_is_one_commit_and_one_undo_step(qtbot, window, commits):
    select_header(window, "stage", "Purchase")
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    editor, ghost = window.structure.editor, window.structure.ghost
    # The name is open where the column will appear, and nothing is written yet.
    assert editor.is_open and editor.kind == NEW_STAGE
    assert editor.edit.text() == "New stage" and editor.edit.selectedText() == "New stage"
    assert ghost is not None and ghost.isVisible() and ghost.index == 3
    purchase = window.layout.stages[2].rect
    assert ghost.bar.center().x() == pytest.approx(purchase.right)  # after Purchase
    assert editor.proxy.sceneBoundingRect().intersects(ghost.header)
    assert commits == [] and [s.name for s in stored(window).stages] == STAGES
    qtbot.keyClicks(editor.edit, "Delivery")
    assert commits == []
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)

    assert not editor.is_open and not ghost.isVisible()
    assert len(commits) == 1  # one Library.run for adding it with its name
    data = stored(window)
    assert [s.name for s in data.stages] == STAGES[:3] + ["Delivery"] + STAGES[3:]
    new_id = data.stages[3].id
    assert new_id in commits[0].changes.stages  # (with the renumbered stages after it)
    assert window.undo_stack.count() == 1
    assert window.undo_stack.text(0) == "Add stage “Delivery”"
    assert header_text(window, new_id) == "Delivery"  # the header on the canvas
    assert window.structure.selected_stage() == new_id

    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # one step removes it
    assert len(commits) == 2
    assert [s.name for s in stored(window).stages] == STAGES
    assert new_id not in window.scene.stages
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)  # redo: the same row, the same name
    assert len(commits) == 3
    assert [(s.id, s.name) for s in stored(window).stages][3] == (new_id, "Delivery")


def test_escape_writes_nothing(qtbot, window, commits):
    before = window.library.path.read_bytes()
    select_header(window, "stage", "Awareness")
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    editor = window.structure.editor
    qtbot.keyClicks(editor.edit, "Never")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Escape)
    assert not editor.is_open and not window.structure.ghost.isVisible()
    assert commits == [] and window.undo_stack.count() == 0
    assert [s.name for s in stored(window).stages] == STAGES
    assert window.library.path.read_bytes() == before
    assert window.statusBar().currentMessage() == "Nothing added"
    assert window.structure.selected_stage() == window.data.stages[0].id  # still selected
    # The map's keys are the map's again: the next add opens as before.
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    assert editor.is_open and editor.kind == NEW_STAGE


def test_an_empty_name_adds_nothing(qtbot, window, commits):
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    editor = window.structure.editor
    qtbot.keyClick(editor.edit, Qt.Key.Key_Backspace)  # the default name was selected
    qtbot.keyClicks(editor.edit, "   ")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    assert not editor.is_open
    assert commits == [] and window.undo_stack.count() == 0
    assert len(stored(window).stages) == 5
    assert window.statusBar().currentMessage() == "No name: no stage added"


def test_enter_keeps_the_default_name(qtbot, window, commits):
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)  # nothing selected: at the end
    ghost = window.structure.ghost
    last = window.layout.stages[-1].rect
    assert ghost.index == 5 and ghost.header.x() == pytest.approx(last.right)
    where = QPointF(ghost.header.x(), ghost.header.y())
    qtbot.keyClick(window.structure.editor.edit, Qt.Key.Key_Return)
    assert len(commits) == 1
    data = stored(window)
    assert data.stages[-1].name == "New stage"
    new = window.layout.stages[-1].rect
    assert (new.x, new.y) == (where.x(), where.y())  # it appeared where its ghost stood


def test_a_lane_of_a_kind_from_the_headers_menu_is_one_commit(qtbot, window, commits):
    lane = window.data.lanes[0]  # Touchpoints
    menu = window.structure.menus.lane_menu(lane.id)
    below = next(a.menu() for a in menu.actions() if a.text() == "Add Lane &Below")
    next(a for a in below.actions() if a.text() == "Quotes").trigger()
    editor, ghost = window.structure.editor, window.structure.ghost
    assert editor.is_open and editor.kind == NEW_LANE and editor.edit.text() == "Quotes"
    assert ghost.index == 1 and ghost.lane_kind == "quotes"
    assert ghost.bar.center().y() == pytest.approx(window.layout.lanes[1].rect.y)
    assert ghost.header.bottom() <= window.layout.lanes[1].rect.y  # "Actions" stays readable
    assert window.structure.editor.proxy.sceneBoundingRect().intersects(ghost.header)
    assert commits == []
    qtbot.keyClicks(editor.edit, "What they said")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Enter)
    assert len(commits) == 1
    lanes = stored(window).lanes
    assert (lanes[1].name, lanes[1].kind) == ("What they said", "quotes")
    assert window.undo_stack.count() == 1 and window.structure.selected_lane() == lanes[1].id
    window.undo_stack.undo()
    assert len(commits) == 2 and len(stored(window).lanes) == 8
    menu.deleteLater()


def test_add_stage_before_the_first(qtbot, window, commits):
    first = window.data.stages[0]
    menu = window.structure.menus.stage_menu(first.id)
    next(a for a in menu.actions() if a.text() == "Add Stage &Before").trigger()
    ghost = window.structure.ghost
    assert ghost.index == 0 and ghost.header.x() == pytest.approx(window.layout.stages[0].rect.x)
    qtbot.keyClicks(window.structure.editor.edit, "Trigger")
    qtbot.keyClick(window.structure.editor.edit, Qt.Key.Key_Return)
    assert len(commits) == 1 and stored(window).stages[0].name == "Trigger"
    menu.deleteLater()


def test_clicking_elsewhere_adds_what_was_typed(qtbot, window, commits):
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.keyClicks(window.structure.editor.edit, "Onboarding")
    cell = window.layout.cells[0].rect  # a click on the map, away from the editor
    pos = window.view.mapFromScene(QPointF(cell.x + 5, cell.bottom - 5))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))
    assert not window.structure.editor.is_open
    assert len(commits) == 1 and stored(window).stages[-1].name == "Onboarding"


def test_another_add_while_naming_adds_the_first_then_names_the_second(qtbot, window,
                                                                        commits):
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.keyClicks(window.structure.editor.edit, "Sixth")
    qtbot.keyClick(window.structure.editor.edit, Qt.Key.Key_T, CTRL_SHIFT)
    assert len(commits) == 1 and stored(window).stages[-1].name == "Sixth"
    editor = window.structure.editor
    assert editor.is_open and editor.kind == NEW_STAGE
    assert window.structure.ghost.index == 6  # after the new, selected Sixth
    qtbot.keyClicks(editor.edit, "Seventh")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    assert len(commits) == 2 and [s.name for s in stored(window).stages][-2:] == [
        "Sixth", "Seventh"]
    assert window.undo_stack.count() == 2


def test_the_ghost_follows_a_commit_from_elsewhere(qtbot, window, commits):
    from journey import ops

    select_header(window, "stage", "Awareness")
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.keyClicks(window.structure.editor.edit, "Research")
    # Another program widens the first column while the name is typed.
    window.library.run(ops.set_stage_width, window.data.stages[0].id, 400)
    window.library.notify("outside")
    qtbot.waitUntil(lambda: window.layout.stages[0].rect.w == 400)
    ghost, editor = window.structure.ghost, window.structure.editor
    assert editor.is_open and editor.text() == "Research"
    assert ghost.bar.center().x() == pytest.approx(window.layout.stages[0].rect.right)
    assert editor.proxy.sceneBoundingRect().intersects(ghost.header)
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    assert [s.name for s in stored(window).stages][:2] == ["Awareness", "Research"]


def test_the_slot_index_is_clamped(qtbot, window):
    layout = window.layout
    index, header, bar = provisional_slot(layout, "stage", 99)
    assert index == len(layout.stages) and header.x() == layout.stages[-1].rect.right
    index, header, bar = provisional_slot(layout, "lane", -3)
    assert index == 0 and header.bottom() == layout.lanes[0].rect.y  # the empty corner
    assert header.y() >= layout.stages[0].rect.y


def test_a_long_name_stops_at_the_limit_instead_of_failing(qtbot, window, commits):
    from journey.limits import MAX_NAME

    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.keyClicks(window.structure.editor.edit, "x" * (MAX_NAME + 20))
    qtbot.keyClick(window.structure.editor.edit, Qt.Key.Key_Return)
    assert len(commits) == 1 and stored(window).stages[-1].name == "x" * MAX_NAME
