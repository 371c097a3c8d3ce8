"""Presentation mode frames the lit stage for a projector: its column and the lane
headers readable, clear of the timer and the caption, the title uncut, no cell
cursor — on the demo map and on a big generated one (real window, real library)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_session
from canvas.stage_spotlight import stage_column
from ui.main_window import MainWindow


def on_view(window: MainWindow, scene_rect: QRectF) -> QRect:
    """A scene rect in the view widget's coordinates (where the overlays live)."""
    view = window.view
    r = view.mapFromScene(scene_rect).boundingRect()
    return r.translated(view.viewport().pos())


def viewport_on_view(window: MainWindow) -> QRect:
    return window.view.viewport().geometry()


def title_ink(window: MainWindow) -> QRect:
    """Where the map's title and subtitle are written (the title box spans the map)."""
    ink = QRectF()
    for ln in window.layout.title.lines:
        ink = ink.united(QRectF(ln.x, ln.baseline - ln.size, ln.width, ln.size * 1.3))
    assert not ink.isEmpty()
    return on_view(window, ink)


def lit_column(window: MainWindow) -> QRectF:
    p = window.workshop.presentation
    return stage_column(window.layout, p.stage_id)


def check_frame(window: MainWindow) -> None:
    """The lit stage is inside the screen, clear of the overlays, after the lane band."""
    p = window.workshop.presentation
    view = window.view
    column = on_view(window, lit_column(window))
    screen = viewport_on_view(window)
    # The column's width and its top (the stage header) always show; all of it
    # when it fits at a readable zoom.
    assert screen.left() <= column.left() and column.right() <= screen.right()
    assert screen.top() <= column.top()
    if column.height() <= screen.height():
        assert column.bottom() <= screen.bottom()
    assert view.zoom >= p.min_zoom() - 1e-9 or column.bottom() <= screen.bottom()
    timer = window.workshop.timer.overlay
    assert timer.isVisible()
    assert not timer.geometry().intersects(column), (timer.geometry(), column)
    assert not p.caption.geometry().intersects(column), (p.caption.geometry(), column)
    # The lane headers: the real ones on the left of the first stage, else the
    # sticky band at the viewport's left edge — never over the lit column.
    layout = window.layout
    lane_w = max(h.rect.right for h in layout.lanes) - min(h.rect.x for h in layout.lanes)
    assert column.left() - screen.left() >= lane_w * view.zoom - 1
    bands = view.sticky_headers.bands()
    if bands is not None and not bands.lane_band.isEmpty():  # scrolled sideways
        heads = on_view(window, bands.lane_band)
        assert abs(heads.left() - screen.left()) <= 1
    else:  # the real lane headers are in view
        heads = QRect()
        for lane in layout.lanes:
            heads = heads.united(on_view(window, QRectF(*_xywh(lane.rect))))
        assert screen.left() <= heads.left()
    assert heads.right() <= column.left() + 1
    heads = heads.intersected(screen)
    assert not timer.geometry().intersects(heads)
    assert not p.caption.geometry().intersects(heads)
    title = title_ink(window)  # wherever the title shows, nothing covers it
    assert not timer.geometry().intersects(title)
    assert not p.caption.geometry().intersects(title)


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    return open_window(demo[0])


def present(qtbot, window: MainWindow) -> None:
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    QApplication.processEvents()
    assert window.workshop.presentation.active


def test_stepping_keeps_the_lit_stage_clear_of_the_timer(qtbot, window):
    timer = window.workshop.timer
    timer.start(5 * 60)  # a 5-minute timer, in its default corner (top right)
    present(qtbot, window)
    p = window.workshop.presentation
    check_frame(window)
    # At stage 1 the map's title is on the screen, uncut.
    assert viewport_on_view(window).contains(title_ink(window))
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
        check_frame(window)
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert p.index == p.stage_count - 1
    check_frame(window)
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)
    check_frame(window)
    # The timer dragged to another corner: stepping keeps it clear all the same …
    timer.overlay.set_corner("bottom-left")
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)
    check_frame(window)
    timer.overlay.set_compact(True)  # … and a smaller timer leaves more room
    check_frame(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    check_frame(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not p.active
    assert timer.overlay.corner == "bottom-left"  # where the user put it


def test_the_caption_names_the_map_and_keeps_clear(qtbot, window):
    present(qtbot, window)
    p = window.workshop.presentation
    assert window.data.session.title in p.caption.text()
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert window.data.session.title in p.caption.text()
    assert window.data.stages[-1].name in p.caption.text()
    check_caption = on_view(window, lit_column(window))
    assert not p.caption.geometry().intersects(check_caption)


def test_the_cell_cursor_hides_while_presenting(qtbot, window):
    notes = window.note_actions
    cell = (window.layout.stages[1].id, window.layout.lanes[1].id)
    notes.set_current_cell(cell)
    cursor = notes.cell_cursor
    assert cursor.isVisible()
    present(qtbot, window)
    assert not cursor.isVisible()
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    notes.set_current_cell(cell)  # e.g. a click on the map while presenting
    window.reload()  # or a relayout from another window
    assert not cursor.isVisible()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert cursor.isVisible()
    assert notes.current_cell == cell


def test_presenting_does_not_lay_the_map_out_again(qtbot, window):
    layout = window.layout
    present(qtbot, window)
    assert window.layout is layout  # the projector's size comes from the zoom
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.layout is layout


def test_a_big_map_presents_a_readable_stage_from_the_top(qtbot, library, open_window):
    library.run(generate_session, 1200, 6, 6)
    window = open_window(library)
    present(qtbot, window)
    view = window.view
    assert view.zoom >= window.workshop.presentation.min_zoom() - 1e-9  # not a thin strip
    column = on_view(window, lit_column(window))
    screen = viewport_on_view(window)
    assert column.height() > screen.height()
    header = window.layout.stages[0].rect
    assert screen.contains(on_view(window, QRectF(*_xywh(header))))
    assert screen.contains(title_ink(window))
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    check_frame_without_timer = on_view(window, lit_column(window))
    assert screen.left() <= check_frame_without_timer.left()
    assert check_frame_without_timer.right() <= screen.right()
    assert screen.top() <= check_frame_without_timer.top()


def _xywh(r) -> tuple[float, float, float, float]:
    return r.x, r.y, r.w, r.h
