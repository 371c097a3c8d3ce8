"""Presentation mode in the real window (F5, PageDown, Esc) and the projector theme."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from journey.layout import Style
from paint.qt_paint import painting_theme
from paint.theme import PROJECTOR_THEME, THEME, Theme
from ui.main_window import MainWindow


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    w = open_window(demo[0])
    return w


def notes_per_cell(window: MainWindow) -> list[tuple]:
    with sqlite3.connect(window.library.path) as con:
        return con.execute("select id, stage_id, lane_id, position from note order by id"
                           ).fetchall()


def test_step_through_the_stages_and_leave(qtbot, window):
    p = window.workshop.presentation
    window.history_dock.show()
    window.workshop.parking.dock.show()
    zoom_before = window.view.zoom
    assert window.toolbar.isVisible() and window.menuBar().isVisible()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    assert p.active
    assert window.isFullScreen()
    assert not window.toolbar.isVisible()
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    assert not window.history_dock.isVisible() and not window.workshop.parking.dock.isVisible()
    assert not window.workshop.capture.isVisible()
    assert not window.view.horizontalScrollBar().isVisible()
    assert window.doc.style == Style()  # not laid out again: the zoom makes it big
    assert window.view.zoom >= p.min_zoom()
    assert p.index == 0 and p.stage_id == window.layout.stages[0].id

    # PageDown twice (the keys a presenter remote sends) lights the third stage.
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    assert p.index == 2
    third = window.layout.stages[2]
    assert p.spotlight.stage_id == third.id
    assert p.spotlight.isVisible() and p.spotlight.scene() is window.scene
    assert len(p.spotlight.shaded) == len(window.layout.stages) - 1
    # The view is zoomed onto the lit stage (tests/ui/test_presentation_fit.py: how).
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert seen.left() <= third.rect.x and third.rect.right <= seen.right()
    assert p.caption.text().startswith("3 / 5")
    # Arrow keys step too; the ends hold.
    qtbot.keyClick(window.view, Qt.Key.Key_Left)
    assert p.index == 1
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert p.index == 4
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    assert p.index == 0

    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not p.active
    assert not window.isFullScreen()
    assert window.toolbar.isVisible() and window.menuBar().isVisible()
    assert window.statusBar().isVisible()
    assert window.history_dock.isVisible() and window.workshop.parking.dock.isVisible()
    assert window.workshop.capture.isVisible()
    assert window.doc.style == Style()
    assert p.spotlight is None
    assert not any(type(i).__name__ == "StageSpotlight" for i in window.scene.items())
    assert window.view.zoom == pytest.approx(zoom_before)


def test_presentation_keys_do_not_move_notes_and_f11_toggles(qtbot, window):
    p = window.workshop.presentation
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)
    assert p.active
    before = notes_per_cell(window)
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert p.index == 3
    assert window.undo_stack.count() == 0  # stepping changes nothing in the library
    assert notes_per_cell(window) == before
    qtbot.keyClick(window.view, Qt.Key.Key_F11)
    assert not p.active and window.toolbar.isVisible()


def test_projector_theme_paints_the_canvas_only(qtbot, window):
    p = window.workshop.presentation
    standard = Theme()
    window.view.fit_all()  # the desk shows beside the map
    p.projector_action.trigger()
    assert window.view.paint_theme is PROJECTOR_THEME
    assert window.settings.value("view/projector_theme") in (True, "true")
    image = window.view.viewport().grab().toImage()
    # The desk around the paper is painted in the projector's darker grey …
    corner = image.pixelColor(3, image.height() - 3).name().upper()
    assert corner == PROJECTOR_THEME.desk
    # … yet outside the view's paint THEME is the standard one (posters, PDFs).
    assert THEME == standard
    p.projector_action.trigger()
    assert window.view.paint_theme is None
    image = window.view.viewport().grab().toImage()
    assert image.pixelColor(3, image.height() - 3).name().upper() == standard.desk
    # While the canvas paints with it, another thread (an export worker) still reads
    # the standard colours; afterwards THEME is exactly the standard one again.
    seen = {}
    with painting_theme(PROJECTOR_THEME):
        worker = threading.Thread(target=lambda: seen.update(desk=THEME.desk))
        worker.start()
        worker.join()
        assert THEME.desk == PROJECTOR_THEME.desk
    assert seen == {"desk": standard.desk}
    assert THEME == standard and type(THEME) is Theme
    # An image painted from the layout outside the view keeps the standard colours.
    from paint.qt_paint import paint_paper

    img = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(img)
    paint_paper(painter, window.layout)
    painter.end()
    assert img.pixelColor(5, 5).name().upper() == standard.paper
