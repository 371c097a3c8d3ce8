"""The fast paths of the canvas show the same map: the far-out notes overview,
the notes' pixmap cache and emphasis in both. Functional checks only — the
timings are in `python -m benchmarks.canvas` and docs/PERFORMANCE.md."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QApplication, QGraphicsItem

from benchmarks.generate import generate_session
from canvas.highlight import HIGHLIGHT_COLOUR, highlighter
from canvas.note_item import NoteItem
from canvas.overview import LOD_OVERVIEW, NotesOverview, dimmed_colour
from canvas.scene import MapScene
from canvas.view import MapView
from journey import ops
from journey.layout import MapLayout, layout_map
from journey.queries import load_map, maps_of
from paint.qt_paint import THEME

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def _layout(library, session) -> MapLayout:
    jmap = library.read(maps_of, session.id)[0]
    return layout_map(library.read(load_map, jmap.id))


@pytest.fixture
def big(qtbot, library):
    """A generated 1,200-note map on a real scene and view (fit zoom well below 0.2)."""
    session = library.run(generate_session, 1200, 6, 6)
    layout = _layout(library, session)
    scene = MapScene()
    scene.apply_layout(layout)
    view = MapView(scene)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    yield library, session, scene, view
    scene.clear_map()


def _render(view: MapView) -> QImage:
    QApplication.processEvents()
    img = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#000000"))
    painter = QPainter(img)
    painter.setRenderHints(view.renderHints())
    view.render(painter)
    painter.end()
    return img


def _close(a: QColor, b: QColor, tol: int = 3) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
               abs(a.blue() - b.blue())) <= tol


def _centre_px(view: MapView, item: NoteItem) -> tuple[int, int]:
    p = view.mapFromScene(item.mapRectToScene(item.note_rect()).center())
    return p.x(), p.y()


def _visible_items(view: MapView, scene: MapScene) -> list[NoteItem]:
    """Notes wholly in view and clear of the sticky header bands."""
    area = view.mapToScene(view.viewport().rect()).boundingRect()
    bands = view.sticky_headers.bands()
    covered = [b for b in (bands.stage_band, bands.lane_band) if not b.isEmpty()] \
        if bands else []
    out = []
    for item in scene.notes.values():
        rect = item.mapRectToScene(item.note_rect())
        if area.contains(rect) and not any(b.intersects(rect) for b in covered):
            out.append(item)
    return out


def test_fit_all_paints_notes_from_the_overview(big):
    _, _, scene, view = big
    view.fit_all()
    assert view.zoom < LOD_OVERVIEW
    overview = NotesOverview.of(scene)
    assert overview.active
    assert all(i.flags() & NO_CONTENTS for i in scene.notes.values())
    img = _render(view)
    items = list(scene.notes.values())
    checked = 0
    for item in items[:: max(1, len(items) // 60)]:
        x, y = _centre_px(view, item)
        if item.note.rect.w * view.zoom < 3:  # too small to have a pure centre pixel
            continue
        assert _close(img.pixelColor(x, y), QColor(item.note.colour)), item.note_id
        checked += 1
    assert checked >= 30


def test_overview_matches_the_items_far_out(big):
    _, _, scene, view = big
    view.set_zoom(0.15)
    view.centerOn(scene.sceneRect().center())
    assert NotesOverview.of(scene).active
    fast = _render(view)
    NotesOverview.of(scene).set_active(False)  # the items paint themselves again
    assert not any(i.flags() & NO_CONTENTS for i in scene.notes.values())
    slow = _render(view)
    items = _visible_items(view, scene)
    assert len(items) > 50
    for item in items:
        x, y = _centre_px(view, item)
        assert _close(fast.pixelColor(x, y), slow.pixelColor(x, y), 2)


def test_zooming_back_in_returns_the_notes_to_their_items(big):
    _, _, scene, view = big
    view.fit_all()
    assert NotesOverview.of(scene).active
    view.set_zoom(1.0)
    assert not NotesOverview.of(scene).active
    assert not any(i.flags() & NO_CONTENTS for i in scene.notes.values())
    img = _render(view)
    item = next(i for i in _visible_items(view, scene) if not i.note.dots)
    x, _ = _centre_px(view, item)
    y = view.mapFromScene(QPointF(0, item.note.rect.bottom - 6)).y()
    assert _close(img.pixelColor(x, y), QColor(item.note.colour))


def test_notes_stay_clickable_and_selectable_far_out(big):
    _, _, scene, view = big
    view.fit_all()
    item = next(iter(scene.notes.values()))
    centre = item.mapRectToScene(item.note_rect()).center()
    hits = scene.items(centre)
    assert item in hits
    assert not any(isinstance(h, NotesOverview) for h in hits)
    path = QPainterPath()
    path.addRect(QRectF(scene.sceneRect()))
    scene.setSelectionArea(path)
    assert len(scene.selected_note_ids()) == len(scene.notes)


def test_emphasis_in_the_overview(big):
    _, _, scene, view = big
    view.set_zoom(0.15)
    view.centerOn(scene.sceneRect().center())
    items = _visible_items(view, scene)
    keep = {items[0].note_id, items[1].note_id}
    highlighter(scene).set_filter(keep)
    img = _render(view)
    for item in items[:20]:
        x, y = _centre_px(view, item)
        colour = QColor(item.note.colour)
        want = colour if item.note_id in keep else dimmed_colour(colour)
        assert _close(img.pixelColor(x, y), want), item.note_id
    highlighter(scene).set_filter(None)
    highlighter(scene).set_find([items[0].note_id])
    img = _render(view)
    r = items[0].mapRectToScene(items[0].note_rect())
    edge = view.mapFromScene(QPointF(r.center().x(), r.top()))
    ring = QColor(HIGHLIGHT_COLOUR)
    near = [img.pixelColor(edge.x(), edge.y() + dy) for dy in (-1, 0, 1)]
    assert any(_close(c, ring, 40) for c in near)
    highlighter(scene).set_find(None)


def test_new_items_join_the_overview(big):
    library, session, scene, view = big
    view.fit_all()
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    note = library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, "Brand new",
                       colour="#E5B4C6")
    scene.apply_layout(_layout(library, session))
    item = scene.note_item(note.id)
    assert item.flags() & NO_CONTENTS  # painted by the overview, not by itself
    batches = NotesOverview.of(scene).batches()
    rect = item.mapRectToScene(item.note_rect())
    assert any(rect in rects for colour, rects in batches.fills
               if colour == QColor("#E5B4C6"))


def test_selected_notes_paint_themselves_far_out(big):
    """A selected note keeps its contents, so dragging it far out moves it live."""
    _, _, scene, view = big
    view.fit_all()
    item = next(iter(scene.notes.values()))
    item.setSelected(True)
    assert not item.flags() & NO_CONTENTS
    batches = NotesOverview.of(scene).batches()
    assert item in batches.live
    assert all(item.note.rect.x != r.x() or item.note.rect.y != r.y()
               for _, rects in batches.fills for r in rects)
    # A live move (what a drag does) shows at the new place.
    view.set_zoom(0.15)
    view.centerOn(item.mapRectToScene(item.note_rect()).center())
    assert NotesOverview.of(scene).active
    item.setPos(item.pos() + QPointF(0, 40))
    img = _render(view)
    x, y = _centre_px(view, item)
    assert _close(img.pixelColor(x, y), QColor(item.note.colour))
    scene.clearSelection()
    assert item.flags() & NO_CONTENTS


def test_cached_note_pixmaps_follow_edits(qtbot, demo):
    """Notes cache their pixmaps (DeviceCoordinateCache); an edit must still show."""
    library, session = demo
    scene = MapScene()
    scene.apply_layout(_layout(library, session))
    view = MapView(scene)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    item = next(i for i in scene.notes.values() if not i.note.dots)
    assert item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    view.centerOn(item.mapRectToScene(item.note_rect()).center())
    x, _ = _centre_px(view, item)
    y = view.mapFromScene(QPointF(0, item.note.rect.bottom - 6)).y()
    assert _close(_render(view).pixelColor(x, y), QColor(item.note.colour))
    library.run(ops.edit_note, item.note_id, colour="#82C595")
    scene.apply_layout(_layout(library, session))
    assert _close(_render(view).pixelColor(x, y), QColor("#82C595"))
    highlighter(scene).set_filter([])  # every note dimmed: item opacity, same cache
    dimmed = _render(view).pixelColor(x, y)
    green = QColor("#82C595")
    assert any(_close(dimmed, dimmed_colour(green, QColor(bg)), 4)
               for bg in (THEME.paper, THEME.lane_alt))
    scene.clear_map()
