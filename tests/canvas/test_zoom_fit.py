"""A map opens readable: fitted to the width, scrolled to the top, refitted on
resize and dock changes until the user zooms by hand (real window, real library)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from canvas.view import FIT_WIDTH_MAX, FIT_WIDTH_MIN
from journey import ops
from journey.queries import maps_of
from ui.main_window import MainWindow


def settle(qtbot, window: MainWindow) -> None:
    qtbot.wait(30)
    QApplication.processEvents()


def expected_width_zoom(window: MainWindow) -> float:
    """What "fit to the width" means, measured independently of the view's own maths:
    the viewport's width (minus the vertical scroll bar if the map is taller than the
    view at that zoom) over the map's width, within the cap and floor."""
    view = window.view
    size = view.maximumViewportSize()
    rect = window.scene.sceneRect()
    z = size.width() / rect.width()
    if rect.height() * z > size.height():
        z = (size.width() - view.verticalScrollBar().sizeHint().width()) / rect.width()
    return max(FIT_WIDTH_MIN, min(FIT_WIDTH_MAX, z))


def empty_map(library, title: str):
    session = library.run(ops.create_session, title, template=None, map_name="Map")
    return library.read(maps_of, session.id)[0]


def visible(window: MainWindow):
    view = window.view
    return view.mapToScene(view.viewport().rect()).boundingRect()


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    w = open_window(demo[0], size=(1300, 800))
    qtbot_wait_fit(w)
    return w


def qtbot_wait_fit(w: MainWindow) -> None:
    for _ in range(20):
        QApplication.processEvents()
        if w.view.zoom != 1.0:
            break


def test_a_map_opens_fitted_to_the_width_at_the_top(qtbot, window):
    settle(qtbot, window)
    view = window.view
    assert view.zoom == pytest.approx(expected_width_zoom(window), rel=0.01)
    seen = visible(window)
    rect = window.scene.sceneRect()
    # The whole width is in view …
    assert seen.left() <= rect.left() + 1 and seen.right() >= rect.right() - 1
    # … and the top: the title and the stage headers.
    assert view.verticalScrollBar().value() == view.verticalScrollBar().minimum()
    assert seen.top() <= window.layout.title.rect.y
    assert all(seen.contains(h.rect.x + 1, h.rect.bottom - 1) for h in window.layout.stages)
    assert window.zoom_label.text() == f"{view.zoom * 100:.0f} %"


def test_the_fit_follows_resizes_and_docks_until_a_hand_zoom(qtbot, window):
    view = window.view
    settle(qtbot, window)
    before = view.zoom
    window.resize(1600, 900)  # e.g. maximized
    settle(qtbot, window)
    assert view.zoom > before * 1.1
    assert view.zoom == pytest.approx(expected_width_zoom(window), rel=0.01)
    wide = view.zoom
    window.history_dock.show()  # a dock takes part of the width
    settle(qtbot, window)
    assert view.zoom < wide * 0.95
    assert view.zoom == pytest.approx(expected_width_zoom(window), rel=0.01)
    window.history_dock.hide()
    settle(qtbot, window)
    assert view.zoom == pytest.approx(wide, rel=0.01)

    # Ctrl+wheel is a zoom by hand: from now on the window keeps it.
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())),
                        QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(view.viewport(), wheel)
    mine = view.zoom
    assert mine == pytest.approx(wide * 1.25, rel=0.01)
    window.resize(1200, 800)
    settle(qtbot, window)
    window.history_dock.show()
    settle(qtbot, window)
    assert view.zoom == pytest.approx(mine)

    # Fit Width brings the automatic fit back.
    window.view.fit_width_action.trigger()
    settle(qtbot, window)
    assert view.zoom == pytest.approx(expected_width_zoom(window), rel=0.01)
    window.history_dock.hide()
    settle(qtbot, window)
    assert view.zoom == pytest.approx(expected_width_zoom(window), rel=0.01)


@pytest.mark.parametrize("how", ["zoom_in", "zoom_out", "actual_size"])
def test_every_hand_zoom_stops_the_auto_fit(qtbot, window, how):
    view = window.view
    getattr(view, f"{how}_action").trigger()
    mine = view.zoom
    window.resize(1700, 1000)
    settle(qtbot, window)
    assert view.zoom == pytest.approx(mine)
    assert view.auto_fit is None


def test_a_refit_keeps_the_line_at_the_top(qtbot, window):
    view = window.view
    settle(qtbot, window)
    v = view.verticalScrollBar()
    v.setValue(v.maximum() // 2)  # scrolled down a little
    top = view.mapToScene(0, 0).y()
    assert top > 50
    window.resize(1400, 700)  # a different width and a smaller height
    settle(qtbot, window)
    assert view.auto_fit == "width"
    assert view.mapToScene(0, 0).y() == pytest.approx(top, abs=2)
    window.resize(1300, 800)
    settle(qtbot, window)
    assert view.mapToScene(0, 0).y() == pytest.approx(top, abs=2)


def test_fit_all_also_follows_the_window(qtbot, window):
    view = window.view
    view.zoom_in_action.trigger()
    view.fit_action.trigger()  # Ctrl+0: the whole map, and keep it whole
    assert view.zoom == pytest.approx(view.fit_zoom())
    window.resize(1700, 1000)
    settle(qtbot, window)
    assert view.zoom == pytest.approx(view.fit_zoom())
    seen = visible(window)
    assert seen.contains(window.scene.sceneRect().adjusted(1, 1, -1, -1))


def test_fit_width_is_in_the_view_menu_with_its_own_key(window):
    view = window.view
    menu = window.view_menu.actions()
    assert view.fit_width_action in menu and view.fit_action in menu
    assert menu.index(view.fit_width_action) == menu.index(view.fit_action) + 1
    assert view.fit_action.shortcut().toString() == "Ctrl+0"
    key = view.fit_width_action.shortcut()
    assert not key.isEmpty()
    clashes = [a.text() for a in window.findChildren(type(view.fit_action))
               if a is not view.fit_width_action and a.isEnabled() and key in a.shortcuts()]
    assert clashes == []


def test_a_tiny_map_is_not_blown_up(qtbot, library, open_window):
    m = empty_map(library, "Tiny")
    library.run(ops.add_stage, m.id, "Only")
    library.run(ops.add_lane, m.id, "Actions")
    w = open_window(library, size=(1600, 1000))
    qtbot_wait_fit(w)
    settle(qtbot, w)
    assert w.scene.sceneRect().width() * 2 < w.view.viewport().width()
    assert w.view.zoom == pytest.approx(FIT_WIDTH_MAX)
    assert visible(w).top() <= 0  # at the top, not floating in the middle


def test_a_very_wide_map_keeps_a_readable_floor_and_scrolls_sideways(qtbot, library,
                                                                      open_window):
    m = empty_map(library, "Wide")
    for i in range(24):
        library.run(ops.add_stage, m.id, f"Stage {i + 1}")
    library.run(ops.add_lane, m.id, "Actions")
    w = open_window(library, size=(1200, 800))
    qtbot_wait_fit(w)
    settle(qtbot, w)
    view = w.view
    assert view.zoom == pytest.approx(FIT_WIDTH_MIN)
    h = view.horizontalScrollBar()
    assert h.maximum() > 0 and h.value() == h.minimum()  # from the left edge
    assert visible(w).left() <= w.layout.title.rect.x
