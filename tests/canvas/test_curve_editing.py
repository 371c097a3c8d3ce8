"""The emotion curve edited on the real window: drag a point (snapped, one command on
release), add and remove points, label one, a second persona's curve with the legend,
the scale of the map. Every check reads the SQLite file back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt

from canvas.curve_drag import y_of
from canvas.curve_item import CurveItem
from canvas.legend_item import LegendItem
from journey import ops
from tests.canvas.test_structure_editing import (  # noqa: F401  (the window fixture)
    LEFT,
    NONE,
    at,
    click,
    drag,
    mouse,
    redo,
    stored,
    undo,
    window,
)


@pytest.fixture
def win(window):  # noqa: F811  (the imported fixture)
    """The real window on the demo map (the fixture of the structure tests)."""
    return window


def points_of(win, curve_index: int = 0) -> list:
    return stored(win).curves[curve_index].points


def point_box(win, point_id: str):
    return next(p for c in win.layout.curves for p in c.points if p.id == point_id)


def test_drag_a_point_snaps_to_the_scale_and_commits_once(qtbot, win):
    scale = win.layout.scales[0]
    awareness = points_of(win)[0]
    assert awareness.score == 1.0
    box = point_box(win, awareness.id)
    target_y = y_of(scale, -2) + 4  # a little off the step: it snaps
    seen = {}

    def during():
        item = win.scene.curves[win.layout.curves[0].id]
        seen["preview_y"] = next(p.y for p in item.curve.points if p.id == awareness.id)
        seen["stored"] = points_of(win)[0].score

    drag(win, at(win, box.x, box.y), at(win, box.x + 3, target_y), during=during)
    assert abs(seen["preview_y"] - y_of(scale, -2)) < 1e-6  # the point and path moved live
    assert seen["stored"] == 1.0  # nothing written while dragging
    assert points_of(win)[0].score == -2.0
    assert win.undo_stack.count() == 1
    assert abs(point_box(win, awareness.id).y - y_of(scale, -2)) < 1e-6
    undo(qtbot, win)
    assert points_of(win)[0].score == 1.0
    redo(qtbot, win)
    assert points_of(win)[0].score == -2.0


def test_escape_cancels_a_point_drag(qtbot, win):
    box = point_box(win, points_of(win)[2].id)
    start = at(win, box.x, box.y)
    mouse(win, QEvent.Type.MouseButtonPress, start)
    mouse(win, QEvent.Type.MouseMove, at(win, box.x, box.y - 40), NONE, LEFT)
    qtbot.keyClick(win.view, Qt.Key.Key_Escape)
    mouse(win, QEvent.Type.MouseButtonRelease, at(win, box.x, box.y - 40), LEFT, NONE)
    assert points_of(win)[2].score == 0.0 and win.undo_stack.count() == 0
    curve = win.scene.curves[win.layout.curves[0].id].curve
    assert curve == win.layout.curves[0]  # the preview is gone


def test_keys_move_a_selected_point(qtbot, win):
    box = point_box(win, points_of(win)[3].id)  # Service, −2
    click(win, at(win, box.x, box.y))
    qtbot.keyClick(win.view, Qt.Key.Key_Up)
    qtbot.keyClick(win.view, Qt.Key.Key_Up)
    assert points_of(win)[3].score == 0.0
    qtbot.keyClick(win.view, Qt.Key.Key_Right)  # the next point is selected
    assert win.structure.selected_points() == [points_of(win)[4].id]


def test_add_a_point_by_double_click_and_remove_it(qtbot, win):
    scale = win.layout.scales[0]
    purchase = win.layout.stages[2].rect
    before = len(points_of(win))
    pos = at(win, purchase.x + purchase.w * 0.8, y_of(scale, 2) + 3)
    qtbot.mouseDClick(win.view.viewport(), LEFT, pos=pos)
    points = points_of(win)
    assert len(points) == before + 1
    new = next(p for p in points if p.score == 2.0 and p.stage_id == win.data.stages[2].id)
    in_stage = [p for p in points if p.stage_id == new.stage_id]
    assert [p.id for p in in_stage][-1] == new.id  # right of the stage's other point
    assert win.structure.selected_points() == [new.id]
    qtbot.keyClick(win.view, Qt.Key.Key_Delete)
    assert len(points_of(win)) == before
    undo(qtbot, win)
    assert new.id in {p.id for p in points_of(win)}
    undo(qtbot, win)
    assert len(points_of(win)) == before
    redo(qtbot, win)
    assert len(points_of(win)) == before + 1


def test_label_a_point_in_place(qtbot, win):
    point = points_of(win)[4]  # Loyalty, "Part of the club"
    box = point_box(win, point.id)
    click(win, at(win, box.x, box.y))
    qtbot.keyClick(win.view, Qt.Key.Key_F2)
    editor = win.structure.editor
    assert editor.is_open and editor.kind == "point"
    assert editor.edit.text() == "Part of the club"
    qtbot.keyClicks(win.view, "Tells friends")
    qtbot.keyClick(win.view, Qt.Key.Key_Return)
    assert points_of(win)[4].label == "Tells friends"
    assert point_box(win, point.id).label.text == "Tells friends"
    undo(qtbot, win)
    assert points_of(win)[4].label == "Part of the club"


def test_point_context_menu_sets_a_score_and_removes(qtbot, win):
    point = points_of(win)[1]
    menu = win.structure.menus.point_menu(point.id)
    scores = next(a.menu() for a in menu.actions() if a.text() == "&Score")
    next(a for a in scores.actions() if a.text() == "+3").trigger()
    assert points_of(win)[1].score == 3.0
    next(a for a in menu.actions() if a.text() == "&Remove Point").trigger()
    assert point.id not in {p.id for p in points_of(win)}
    menu.deleteLater()


def test_a_second_persona_curve_with_a_legend(qtbot, win):
    library = win.library
    leo = library.run(ops.add_persona, win.data.session.id, "Leo, the gift buyer",
                      colour="#0072B2")
    assert not win.scene.legend  # one curve: no legend
    menus = win.structure.menus
    menus._fill_personas(menus.curve_menu)
    next(a for a in menus.curve_menu.actions() if a.text() == leo.name).trigger()
    data = stored(win)
    assert [cd.curve.name for cd in data.curves] == ["Maya, the busy commuter", leo.name]
    assert data.curves[1].curve.colour == "#0072B2"
    legend = [i for i in win.scene.items() if isinstance(i, LegendItem)]
    assert sorted(i.curve_id for i in legend) == sorted(cd.curve.id for cd in data.curves)
    assert {e.lines[0].text.split(",")[0] for e in win.layout.legend} == {"Maya", "Leo"}
    emotion = next(h for h in win.layout.lanes if h.id == win.layout.scales[0].lane_id)
    for entry in win.layout.legend:  # the legend sits in the emotion lane's header
        for line in entry.lines:
            assert emotion.rect.x < line.x and line.x + line.width < emotion.rect.right
            assert emotion.rect.y < line.baseline < emotion.rect.bottom
    # New points go to Leo's curve: one per stage, by double-click.
    scale = win.layout.scales[0]
    for stage, score in zip(win.layout.stages, (2, 1, -1, 0, 3), strict=True):
        qtbot.mouseDClick(win.view.viewport(), LEFT,
                          pos=at(win, stage.rect.x + stage.rect.w * 0.3, y_of(scale, score)))
    leo_points = stored(win).curves[1].points
    assert [p.score for p in leo_points] == [2.0, 1.0, -1.0, 0.0, 3.0]
    curves = [i for i in win.scene.items() if isinstance(i, CurveItem)]
    assert len(curves) == 2 and all(len(c.curve.segments) == 4 for c in curves)
    assert len(points_of(win, 0)) == 5  # Maya's curve is untouched
    for _ in range(5):
        undo(qtbot, win)
    undo(qtbot, win)
    assert len(stored(win).curves) == 1 and not win.scene.legend


def test_scale_change_maps_scores_and_undo_restores_them(qtbot, win):
    before = [p.score for p in points_of(win)]
    assert before == [1.0, -1.0, 0.0, -2.0, 2.0]
    menus = win.structure.menus
    menus._refresh()
    assert menus.scale_actions[(-3, 3)].isChecked()
    menus.scale_actions[(1, 5)].trigger()
    data = stored(win)
    assert (data.map.scale_min, data.map.scale_max) == (1, 5)
    expected = [1 + (s + 3) / 6 * 4 for s in before]
    assert [round(p.score, 4) for p in data.curves[0].points] == [round(e, 4) for e in expected]
    assert [t.value for t in win.layout.scales[0].ticks] == [1, 2, 3, 4, 5]
    undo(qtbot, win)
    data = stored(win)
    assert (data.map.scale_min, data.map.scale_max) == (-3, 3)
    assert [p.score for p in data.curves[0].points] == before
    redo(qtbot, win)
    assert stored(win).map.scale_max == 5
