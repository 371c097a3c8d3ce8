"""The canvas draws the shared layout: one item per note at the layout's rect,
incremental updates after edits, real pixels, zoom and pan on a real view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from canvas.note_item import NoteItem
from canvas.scene import MapScene
from canvas.view import MAX_ZOOM, MapView
from journey import ops
from journey.layout import MapLayout, layout_map
from journey.queries import load_map, maps_of
from paint import qt_paint, qt_text


def _layout(library, session) -> MapLayout:
    jmap = library.read(maps_of, session.id)[0]
    return layout_map(library.read(load_map, jmap.id))


@pytest.fixture
def demo_scene(qtbot, demo):
    library, session = demo
    layout = _layout(library, session)
    scene = MapScene()
    scene.apply_layout(layout)
    yield library, session, layout, scene
    scene.clear_map()


@pytest.fixture
def demo_view(qtbot, demo_scene):
    library, session, layout, scene = demo_scene
    view = MapView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    return view, layout


def _note_items(scene: MapScene) -> list[NoteItem]:
    return [i for i in scene.items() if isinstance(i, NoteItem)]


def _scene_rect_of(item: NoteItem) -> QRectF:
    return item.mapRectToScene(item.note_rect())


def test_one_item_per_note_at_the_layout_rect(demo_scene):
    _, _, layout, scene = demo_scene
    items = _note_items(scene)
    assert len(items) == len(layout.notes) == 44
    by_id = {i.note_id: i for i in items}
    assert set(by_id) == {n.id for n in layout.notes}
    for note in layout.notes:
        item = by_id[note.id]
        r = note.rect
        assert (item.pos().x(), item.pos().y()) == (r.x, r.y)
        assert _scene_rect_of(item) == QRectF(r.x, r.y, r.w, r.h)
        assert item.flags() & NoteItem.GraphicsItemFlag.ItemIsSelectable
    assert scene.sceneRect() == QRectF(0, 0, layout.width, layout.height)
    assert len(scene.stages) == 5 and len(scene.lanes) == 8
    assert len(scene.cells) == 40 and len(scene.curves) == 1


def test_reapplying_the_same_layout_changes_nothing(demo_scene):
    _, _, layout, scene = demo_scene
    assert scene.apply_layout(layout) == {"added": 0, "changed": 0, "removed": 0}


def test_apply_layout_moves_exactly_the_moved_note(demo_scene):
    library, session, layout, scene = demo_scene
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    stage = {s.name: s for s in data.stages}
    lane = {ln.name: ln for ln in data.lanes}
    moving = next(n for n in layout.notes if n.text == "Friend's recommendation")
    before = {i.note_id: (i, i.pos()) for i in _note_items(scene)}

    library.run(ops.move_note, moving.id, stage["Purchase"].id, lane["Touchpoints"].id)
    new_layout = _layout(library, session)
    scene.apply_layout(new_layout)

    after = {i.note_id: i for i in _note_items(scene)}
    assert set(after) == set(before)
    moved = [nid for nid, (item, pos) in before.items() if after[nid].pos() != pos]
    assert moved == [moving.id]
    item = after[moving.id]
    assert item is before[moving.id][0]  # updated in place, not recreated
    r = new_layout.note_by_id[moving.id].rect
    assert _scene_rect_of(item) == QRectF(r.x, r.y, r.w, r.h)
    assert scene.last_changes["added"] == scene.last_changes["removed"] == 0


def test_apply_layout_adds_and_removes_items(demo_scene):
    library, session, layout, scene = demo_scene
    gone = layout.notes[0]
    gone_item = scene.note_item(gone.id)
    library.run(ops.delete_note, gone.id)
    scene.apply_layout(_layout(library, session))
    assert scene.note_item(gone.id) is None
    assert gone_item not in scene.items()
    assert len(_note_items(scene)) == 43

    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    new = library.run(ops.add_note, data.stages[2].id, data.lanes[2].id, "Compare café prices")
    new_layout = _layout(library, session)
    scene.apply_layout(new_layout)
    item = scene.note_item(new.id)
    assert item is not None and item in scene.items()
    r = new_layout.note_by_id[new.id].rect
    assert _scene_rect_of(item) == QRectF(r.x, r.y, r.w, r.h)
    assert len(_note_items(scene)) == 44


def test_rendered_note_has_its_colour(demo_scene):
    _, _, layout, scene = demo_scene
    img = QImage(int(layout.width), int(layout.height), QImage.Format.Format_ARGB32)
    img.fill(QColor("#000000"))
    painter = QPainter(img)
    scene.render(painter, QRectF(img.rect()), scene.sceneRect())
    painter.end()
    note = next(n for n in layout.notes if not n.dots)
    expected = QColor(note.colour)
    # Below the text, away from the border: pure note colour.
    pixel = img.pixelColor(int(note.rect.x + note.rect.w / 2), int(note.rect.bottom - 8))
    assert max(abs(pixel.red() - expected.red()), abs(pixel.green() - expected.green()),
               abs(pixel.blue() - expected.blue())) <= 2
    # Some dark text pixels inside the note's first line.
    line = note.lines[0]
    dark = 0
    for x in range(int(line.x), int(line.x + line.width)):
        for y in range(int(line.baseline - line.size * 0.7), int(line.baseline)):
            if img.pixelColor(x, y).lightness() < 100:
                dark += 1
    assert dark > 20


def test_cjk_text_uses_the_fallback_face(qapp):
    runs = qt_text.text_runs("咖啡 subscription", False, 10)
    families = {r.font.family() for r in runs}
    assert qt_text.ensure_fonts()["cjk"] in families
    assert qt_text.ensure_fonts()["sans"] in families


def test_far_zoom_draws_plain_notes(demo_scene):
    _, _, layout, scene = demo_scene
    img = QImage(int(layout.width * 0.1), int(layout.height * 0.1),
                 QImage.Format.Format_ARGB32)
    img.fill(QColor("#000000"))
    painter = QPainter(img)
    scene.render(painter, QRectF(img.rect()), scene.sceneRect())
    painter.end()
    note = layout.notes[0]
    pixel = img.pixelColor(int((note.rect.x + note.rect.w / 2) * 0.1),
                           int((note.rect.y + note.rect.h / 2) * 0.1))
    assert pixel == QColor(note.colour)


def test_fit_all_shows_the_whole_scene(qapp, demo_view):
    view, layout = demo_view
    view.set_zoom(3.0)
    view.fit_all()
    qapp.processEvents()  # the scroll bars go away in the next layout pass
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.sceneRect())
    assert view.zoom < 1.0


def _wheel(view: MapView, pos: QPointF, delta: int, modifiers: Qt.KeyboardModifier) -> None:
    event = QWheelEvent(pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, delta), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def test_ctrl_wheel_zooms_around_the_pointer(demo_view):
    view, _ = demo_view
    view.set_zoom(1.0)
    anchor = QPointF(300, 200)
    scene_point = view.mapToScene(anchor.toPoint())
    _wheel(view, anchor, 120, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom > 1.1
    back = view.mapFromScene(scene_point)
    assert abs(back.x() - anchor.x()) <= 2 and abs(back.y() - anchor.y()) <= 2
    _wheel(view, anchor, -240, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom < 1.0
    back = view.mapFromScene(scene_point)
    assert abs(back.x() - anchor.x()) <= 2 and abs(back.y() - anchor.y()) <= 2


def test_plain_wheel_scrolls(demo_view):
    view, _ = demo_view
    view.set_zoom(1.0)
    bar = view.verticalScrollBar()
    bar.setValue(0)
    _wheel(view, QPointF(300, 200), -120, Qt.KeyboardModifier.NoModifier)
    assert bar.value() > 0
    assert view.zoom == pytest.approx(1.0)


def test_zoom_actions_are_clamped(demo_view):
    view, _ = demo_view
    view.set_zoom(1.0)
    view.zoom_in_action.trigger()
    assert view.zoom == pytest.approx(1.25)
    view.zoom_out_action.trigger()
    assert view.zoom == pytest.approx(1.0)
    for _ in range(40):
        view.zoom_in_action.trigger()
    assert view.zoom == pytest.approx(MAX_ZOOM)
    for _ in range(80):
        view.zoom_out_action.trigger()
    assert view.zoom == pytest.approx(min(0.05, view.fit_zoom()))
    view.fit_action.trigger()
    assert view.zoom == pytest.approx(view.fit_zoom())


def _mouse(view: MapView, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton,
           buttons: Qt.MouseButton) -> None:
    event = QMouseEvent(kind, pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())),
                        button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def test_middle_drag_and_space_drag_pan(qtbot, demo_view):
    view, _ = demo_view
    view.set_zoom(2.0)
    h, v = view.horizontalScrollBar(), view.verticalScrollBar()
    h.setValue(h.maximum() // 2)
    v.setValue(v.maximum() // 2)
    start = (h.value(), v.value())
    mid = Qt.MouseButton.MiddleButton
    _mouse(view, QEvent.Type.MouseButtonPress, QPointF(400, 300), mid, mid)
    _mouse(view, QEvent.Type.MouseMove, QPointF(360, 270), Qt.MouseButton.NoButton, mid)
    _mouse(view, QEvent.Type.MouseButtonRelease, QPointF(360, 270), mid,
           Qt.MouseButton.NoButton)
    assert (h.value(), v.value()) == (start[0] + 40, start[1] + 30)

    view.setFocus()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    left = Qt.MouseButton.LeftButton
    _mouse(view, QEvent.Type.MouseButtonPress, QPointF(400, 300), left, left)
    _mouse(view, QEvent.Type.MouseMove, QPointF(420, 310), Qt.MouseButton.NoButton, left)
    _mouse(view, QEvent.Type.MouseButtonRelease, QPointF(420, 310), left,
           Qt.MouseButton.NoButton)
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert (h.value(), v.value()) == (start[0] + 20, start[1] + 20)
    assert not view.scene().selectedItems()  # the drag panned, it did not select


def test_paint_layout_matches_the_canvas(demo_scene):
    """The exporters' one-call painter draws what the scene's items draw."""
    _, _, layout, scene = demo_scene
    w, h = int(layout.width), int(layout.height)
    images = []
    for paint in ("scene", "layout"):
        img = QImage(w, h, QImage.Format.Format_ARGB32)
        img.fill(QColor("#FFFFFF"))
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if paint == "scene":
            scene.render(painter, QRectF(img.rect()), scene.sceneRect())
        else:
            qt_paint.paint_layout(painter, layout)
        painter.end()
        images.append(img)
    a, b = images
    differ = 0
    for y in range(0, h, 3):
        for x in range(0, w, 3):
            ca, cb = a.pixelColor(x, y), b.pixelColor(x, y)
            if max(abs(ca.red() - cb.red()), abs(ca.green() - cb.green()),
                   abs(ca.blue() - cb.blue())) > 24:
                differ += 1
    assert differ / ((w // 3) * (h // 3)) < 0.005
