"""View tools on the real window: find (Ctrl+F, Enter, Esc), filter, minimap,
sticky headers and zoom to stage, driven with pytest-qt keys and clicks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QApplication

from canvas.note_item import NoteItem
from journey import ops
from journey.queries import load_map, maps_of
from journey.search import filter_notes, find_notes
from paint.qt_paint import THEME, stage_colour
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo, settings) -> Iterator[MainWindow]:
    library, _ = demo
    win = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(win)
    win.resize(1200, 800)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    qtbot.waitUntil(lambda: win.view.zoom < 1.0)  # the first fit has happened
    yield win
    # A selection alive while the scene is destroyed makes it emit selectionChanged
    # into other parts' slots after their widgets are gone; leave none behind.
    win.scene.clearSelection()


def _items(window: MainWindow) -> dict[str, NoteItem]:
    return dict(window.scene.notes)


def _visible(window: MainWindow) -> QRectF:
    view = window.view
    return view.mapToScene(view.viewport().rect()).boundingRect()


def _close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
               abs(a.blue() - b.blue())) <= tol


def _grab(window: MainWindow) -> QImage:
    view = window.view
    QApplication.processEvents()
    img = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(img)
    painter.setRenderHints(view.renderHints())
    view.render(painter)
    painter.end()
    return img


# -- find ---------------------------------------------------------------------------

def test_ctrl_f_highlights_matches_and_dims_the_rest(qtbot, window):
    bar = window.view_tools.find_bar
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "delivery")
    matches = find_notes(window.data, "delivery")
    assert len(matches) >= 2
    items = _items(window)
    for note_id, item in items.items():
        if note_id in matches:
            assert item.highlighted and not item.dimmed
        else:
            assert item.dimmed and not item.highlighted
    assert bar.count.text() == f"{len(matches)} matches"


def test_enter_steps_through_matches_and_esc_clears(qtbot, window):
    bar = window.view_tools.find_bar
    window.view.set_zoom(2.0)  # matches lie outside the viewport: stepping must scroll
    window.view_tools.find_action.trigger()
    qtbot.keyClicks(bar.edit, "delivery")
    matches = list(bar.matches)
    n = len(matches)
    seen = []
    for i in range(n):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
        selected = window.scene.selected_note_ids()
        assert selected == [matches[i]]
        item = window.scene.note_item(matches[i])
        assert _visible(window).contains(item.mapRectToScene(item.note_rect()))
        assert bar.count.text() == f"{i + 1} of {n}"
        seen.append(selected[0])
    assert seen == matches
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # wraps around
    assert window.scene.selected_note_ids() == [matches[0]]
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.scene.selected_note_ids() == [matches[-1]]
    assert bar.count.text() == f"{n} of {n}"
    qtbot.keyClick(bar.edit, Qt.Key.Key_F3)  # FindNext from anywhere in the window
    assert window.scene.selected_note_ids() == [matches[0]]

    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert not any(i.dimmed or i.highlighted for i in _items(window).values())
    assert all(i.opacity() == 1.0 for i in _items(window).values())


def test_find_survives_edits_and_writes_nothing(qtbot, window, demo):
    library, _ = demo
    before = {n.id: (n.text, n.colour, n.tags) for n in window.data.all_notes()}
    bar = window.view_tools.find_bar
    window.view_tools.find_action.trigger()
    qtbot.keyClicks(bar.edit, "delivery")
    other = next(i for i in _items(window).values() if i.dimmed)
    library.run(ops.edit_note, other.note_id, text="Late delivery again")
    assert window.scene.note_item(other.note_id).highlighted  # matched after the edit
    stage, lane = window.data.stages[0], window.data.lanes[0]
    new = library.run(ops.add_note, stage.id, lane.id, "Podcast sponsorship")
    assert window.scene.note_item(new.id).dimmed  # a new item gets the state too
    assert bar.count.text() == f"{len(bar.matches)} matches"
    # Nothing of the emphasis reached the library.
    fresh = library.read(load_map, window.map_id)
    after = {n.id: (n.text, n.colour, n.tags) for n in fresh.all_notes()}
    before[other.note_id] = ("Late delivery again",) + before[other.note_id][1:]
    assert {k: v for k, v in after.items() if k != new.id} == before


def test_no_match_message(qtbot, window):
    bar = window.view_tools.find_bar
    window.view_tools.find_action.trigger()
    qtbot.keyClicks(bar.edit, "zzzz-nothing")
    assert bar.count.text() == "No matches"
    assert all(i.dimmed for i in _items(window).values())
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert window.scene.selected_note_ids() == []


# -- filter ------------------------------------------------------------------------

def test_filter_by_tag_colour_and_author_dims_the_rest(qtbot, window):
    tools = window.view_tools
    tools.filter_action.trigger()
    bar = tools.filter_bar
    assert bar.isVisible() and tools.filter_action.isChecked()
    tags = [bar.tag_box.itemData(i) for i in range(1, bar.tag_box.count())]
    assert "quick win" in tags
    bar.tag_box.setCurrentIndex(bar.tag_box.findData("quick win"))
    passing = set(filter_notes(window.data, tag="quick win"))
    assert 0 < len(passing) < len(_items(window))
    for note_id, item in _items(window).items():
        assert item.dimmed == (note_id not in passing)
        assert not item.highlighted

    bar.clear()
    assert not any(i.dimmed for i in _items(window).values())
    author = bar.author_box.itemData(1)
    bar.author_box.setCurrentIndex(1)
    colour = bar.colour_box.itemData(1)
    bar.colour_box.setCurrentIndex(1)
    passing = set(filter_notes(window.data, colour=colour, author=author))
    for note_id, item in _items(window).items():
        assert item.dimmed == (note_id not in passing)
    assert bar.count.text().endswith(f"of {len(_items(window))} notes")

    tools.filter_action.trigger()  # closing the bar shows every note again
    assert not bar.isVisible() and not tools.filter_action.isChecked()
    assert not any(i.dimmed for i in _items(window).values())


def test_find_and_filter_combine(qtbot, window):
    tools = window.view_tools
    tools.filter_bar.open_bar()
    tools.filter_bar.set_criteria(tag="quick win")
    tools.find_action.trigger()
    qtbot.keyClicks(tools.find_bar.edit, "delivery")
    found = set(tools.find_bar.matches)
    passing = set(filter_notes(window.data, tag="quick win"))
    for note_id, item in _items(window).items():
        assert item.dimmed == (note_id not in found or note_id not in passing)
        assert item.highlighted == (note_id in found)


# -- minimap -----------------------------------------------------------------------

def test_minimap_click_pans_the_view(qtbot, window):
    tools = window.view_tools
    tools.overview_action.trigger()
    assert tools.minimap_dock.isVisible()
    minimap = tools.minimap
    window.view.set_zoom(2.0)
    minimap.refresh()
    before = _visible(window).center()
    layout = window.layout
    target = QPointF(layout.width * 0.8, layout.height * 0.7)
    click = minimap.to_widget(QRectF(target, target)).topLeft().toPoint()
    qtbot.mouseClick(minimap, Qt.MouseButton.LeftButton, pos=click)
    after = _visible(window).center()
    assert (after - before).manhattanLength() > 100
    assert abs(after.x() - target.x()) < 30 and abs(after.y() - target.y()) < 30
    # The miniature shows the notes in their colours (one away from the view frame).
    note = max(layout.notes, key=lambda n: abs(n.rect.x - target.x()) + abs(n.rect.y - target.y()))
    box = minimap.to_widget(QRectF(note.rect.x, note.rect.y, note.rect.w, note.rect.h))
    assert not minimap.to_widget(_visible(window)).intersects(box)
    pixel = minimap.grab().toImage().pixelColor(box.center().toPoint())
    assert _close(pixel, QColor(note.colour), 16)


def test_minimap_dock_is_remembered(qtbot, demo, settings):
    library, _ = demo
    win = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(win)
    win.show()
    win.view_tools.overview_action.trigger()
    assert win.view_tools.minimap_dock.isVisible()
    win.close()
    again = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(again)
    again.show()
    assert again.view_tools.minimap_dock.isVisible()
    assert again.view_tools.overview_action.isChecked()


# -- sticky headers ---------------------------------------------------------------

def _scroll_below_headers(window: MainWindow) -> None:
    view = window.view
    view.set_zoom(1.5)
    header = window.layout.stages[0].rect
    view.verticalScrollBar().setValue(view.verticalScrollBar().minimum())
    top = view.mapFromScene(QPointF(0, header.bottom)).y()
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + top + 150)
    assert _visible(window).top() > header.bottom + 50


def _stage_pixels(window: MainWindow, img: QImage, index: int, y: int) -> int:
    layout = window.layout
    header = layout.stages[index].rect
    want = stage_colour(index, len(layout.stages))
    x0 = window.view.mapFromScene(QPointF(header.x + 10, 0)).x()
    x1 = window.view.mapFromScene(QPointF(header.right - 12, 0)).x()
    return sum(1 for x in range(max(0, x0), min(img.width(), x1))
               if _close(img.pixelColor(x, y), want, 6))


def test_stage_headers_stick_to_the_top(qtbot, window):
    _scroll_below_headers(window)
    img = _grab(window)
    layout = window.layout
    stage_px = window.layout.style.stage_header_h * window.view.zoom
    y = int(stage_px * 0.15)  # above the header's text line
    for i, header in enumerate(layout.stages):
        x = window.view.mapFromScene(QPointF(header.rect.x + header.rect.w / 2, 0)).x()
        if 0 <= x < img.width():
            assert _stage_pixels(window, img, i, y) > 20, f"stage {i} not at the top"
    window.view_tools.sticky_action.trigger()  # off: the headers scroll away
    img = _grab(window)
    assert _stage_pixels(window, img, 1, y) == 0
    assert window.settings.value("view/sticky_headers") in (False, "false")


def test_lane_headers_stick_to_the_left(qtbot, window):
    view = window.view
    view.set_zoom(1.5)
    lane = window.layout.lanes[0]
    h = view.horizontalScrollBar()
    h.setValue(h.minimum())
    left = view.mapFromScene(QPointF(lane.rect.right, 0)).x()
    h.setValue(h.value() + left + 200)
    assert _visible(window).left() > lane.rect.right
    view.centerOn(_visible(window).center().x(), lane.rect.y + lane.rect.h / 2)
    img = _grab(window)
    y = view.mapFromScene(QPointF(0, lane.rect.y + lane.rect.h / 2)).y()
    fill = QColor(THEME.lane_fill)
    x = int(lane.rect.w * view.zoom * 0.6)
    assert _close(img.pixelColor(x, y), fill, 4)


def test_click_on_sticky_band_does_not_reach_hidden_notes(qtbot, window):
    _scroll_below_headers(window)
    view = window.view
    header = window.layout.stages[1].rect
    x = view.mapFromScene(QPointF(header.x + header.w / 2, 0)).x()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.scene.selected_note_ids() == []


# -- zoom to stage -----------------------------------------------------------------

def test_zoom_to_selected_stage_fills_the_width(qtbot, window):
    tools = window.view_tools
    layout = window.layout
    note = next(n for n in layout.notes if n.stage_id == layout.stages[2].id)
    window.scene.note_item(note.id).setSelected(True)
    qtbot.keyClick(window.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    column = tools.stage_column(layout.stages[2].id)
    visible = _visible(window)
    assert visible.width() == pytest.approx(column.width(), rel=0.2)
    assert abs(visible.center().x() - column.center().x()) < column.width() * 0.1
    assert visible.contains(QRectF(note.rect.x, note.rect.y, note.rect.w, note.rect.h))

    window.scene.clearSelection()
    tools.zoom_stage_action.trigger()  # nothing selected: the first stage (or current cell)
    first = tools.stage_column(tools.selected_stage_id())
    assert abs(_visible(window).center().x() - first.center().x()) < first.width() * 0.1


def test_view_menu_has_the_tools(window):
    texts = [a.text() for a in window.view_menu.actions()]
    for text in ("&Find…", "Find &Next", "Find Pre&vious", "F&ilter Notes…",
                 "Zoom to Selected &Stage", "&Overview Map", "Keep &Headers in View",
                 "&Fit All", "Fit &Width"):
        assert text in texts
    assert texts.index("Fit &Width") == texts.index("&Fit All") + 1
    assert texts.index("Zoom to Selected &Stage") == texts.index("Fit &Width") + 1
    tools = window.view_tools
    find_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Find)
    assert find_keys and all(k in tools.find_action.shortcuts() for k in find_keys)
    next_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.FindNext)
    assert all(k in tools.find_next_action.shortcuts() for k in next_keys)


def test_sessions_other_map(qtbot, window, demo):
    """Another map of the session: find works on it (the bars follow window.data)."""
    library, session = demo
    jmap = library.run(ops.add_map, session.id, "Future state")
    maps = library.read(maps_of, session.id)
    assert any(m.id == jmap.id for m in maps)
    window.show_map(jmap.id)
    window.view_tools.find_action.trigger()
    qtbot.keyClicks(window.view_tools.find_bar.edit, "delivery")
    assert window.view_tools.find_bar.count.text() == "No matches"


def test_a_match_in_a_collapsed_lane_shows_its_cell(qtbot, window, demo):
    library, _ = demo
    lane = next(ln for ln in window.data.lanes if any(
        n.lane_id == ln.id for n in window.data.all_notes()))
    note = next(n for n in window.data.all_notes() if n.lane_id == lane.id)
    library.run(ops.set_lane_collapsed, lane.id, True)
    assert window.scene.note_item(note.id) is None  # collapsed: no item
    bar = window.view_tools.find_bar
    window.view_tools.find_action.trigger()
    qtbot.keyClicks(bar.edit, note.text)
    assert note.id in bar.matches
    while bar.current_id != note.id:
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert window.scene.selected_note_ids() == []
    assert "collapsed lane" in window.statusBar().currentMessage()
