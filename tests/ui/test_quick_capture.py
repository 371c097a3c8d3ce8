"""Quick capture in the real window: typed notes land in the current cell, prefixes
route them to the lane of that kind in the same stage, park: to the parking lot."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from journey import ops
from journey.models import LaneKind
from ui.main_window import MainWindow
from ui.notes.quick_capture import PARK, parse_capture


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    return open_window(demo[0])


def cell_texts(window: MainWindow, stage: str, lane_kind: str) -> list[str]:
    s = next(x.id for x in window.data.stages if x.name == stage)
    lane = next(x.id for x in window.data.lanes if x.kind == lane_kind)
    with sqlite3.connect(window.library.path) as con:
        return [r[0] for r in con.execute(
            "select text from note where stage_id=? and lane_id=? order by position",
            (s, lane))]


def type_note(qtbot, window: MainWindow, text: str) -> None:
    box = window.workshop.capture.box
    if not box.hasFocus():
        window.workshop.focus_capture()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_five_notes_two_routed_by_prefix(qtbot, window):
    capture = window.workshop.capture
    consideration = next(s for s in window.data.stages if s.name == "Consideration")
    touch = next(la for la in window.data.lanes if la.kind == LaneKind.TOUCHPOINTS)
    window.note_actions.set_current_cell((consideration.id, touch.id))
    window.workshop.capture_action.trigger()  # Workshop › Quick Capture focuses the box
    assert capture.box.hasFocus()
    assert capture.target_label.text() == "→ Consideration · Touchpoints"
    before = {k: cell_texts(window, "Consideration", k) for k in
              (LaneKind.TOUCHPOINTS, LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES)}
    type_note(qtbot, window, "Podcast review")
    assert capture.box.text() == "" and capture.box.hasFocus()  # ready for the next one
    type_note(qtbot, window, "Price comparison site")
    qtbot.keyClicks(capture.box, "pain: ")
    assert capture.target_label.text() == "→ Consideration · Pain points"
    qtbot.keyClick(capture.box, Qt.Key.Key_Backspace)
    qtbot.keyClicks(capture.box, " Can't tell the plans apart")
    qtbot.keyClick(capture.box, Qt.Key.Key_Return)
    type_note(qtbot, window, "opp: A plan picker quiz")
    type_note(qtbot, window, "Note: friends' recommendations")  # not a route, just text
    assert cell_texts(window, "Consideration", LaneKind.TOUCHPOINTS) == \
        before[LaneKind.TOUCHPOINTS] + ["Podcast review", "Price comparison site",
                                        "Note: friends' recommendations"]
    assert cell_texts(window, "Consideration", LaneKind.PAIN_POINTS) == \
        before[LaneKind.PAIN_POINTS] + ["Can't tell the plans apart"]
    assert cell_texts(window, "Consideration", LaneKind.OPPORTUNITIES) == \
        before[LaneKind.OPPORTUNITIES] + ["A plan picker quiz"]
    assert window.undo_stack.count() == 5  # one step per note
    window.undo_stack.undo()
    assert "Note: friends' recommendations" not in cell_texts(window, "Consideration",
                                                              LaneKind.TOUCHPOINTS)
    assert capture.box.hasFocus()


def test_selected_note_and_first_cell_and_parking(qtbot, window):
    capture = window.workshop.capture
    window.note_actions.set_current_cell(None)
    window.scene.clearSelection()
    first_stage = window.data.stages[0]
    first_lane = window.data.lanes[0]
    assert capture.current_cell() == (first_stage.id, first_lane.id)
    type_note(qtbot, window, "park: Ask legal about the refund wording")
    with sqlite3.connect(window.library.path) as con:
        assert con.execute("select text from parked_note").fetchall() == [
            ("Ask legal about the refund wording",)]
    # A lane kind the map lacks: a clear message, the text stays in the box.
    type_note(qtbot, window, "kpi: Conversion rate")
    assert window.last_error == "This map has no metrics (kpis) lane"
    assert capture.box.text() == "kpi: Conversion rate"


def test_a_session_without_a_map_captures_into_the_parking_lot(qtbot, library, open_window):
    session = library.run(ops.create_session, "Kick-off", template=None, map_name=None)
    window = open_window(library)
    window.open_session(session.id)
    assert window.doc is None
    type_note(qtbot, window, "Who owns the onboarding emails?")
    assert window.workshop.capture.target_label.text() == "→ parking lot"
    with sqlite3.connect(library.path) as con:
        assert con.execute("select session_id, text from parked_note").fetchall() == [
            (session.id, "Who owns the onboarding emails?")]
    assert window.workshop.parking.list.count() == 1
    window.undo_stack.undo()
    assert window.workshop.parking.list.count() == 0


def test_prefixes():
    assert parse_capture("pain: Slow") == (LaneKind.PAIN_POINTS, "Slow")
    assert parse_capture("  OPP:Quiz") == (LaneKind.OPPORTUNITIES, "Quiz")
    assert parse_capture("idea: x") == (LaneKind.OPPORTUNITIES, "x")
    assert parse_capture("park: later") == (PARK, "later")
    assert parse_capture("Note: text") == (None, "Note: text")
    assert parse_capture("12:30 call") == (None, "12:30 call")
