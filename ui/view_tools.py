"""View tools of the main window: find, filter, zoom to stage, minimap, sticky headers.

`install(window)` adds to the View menu (and to the window, so the keys work
wherever the focus is):

- Find… (Ctrl+F), Find Next (F3 / Ctrl+G), Find Previous (Shift+F3) → `FindBar`
- Filter Notes… (Ctrl+Shift+L) → `FilterBar` (tag, colour, author)
- Zoom to Selected Stage (Ctrl+2): the stage of the selected note, the
  current cell or the selected stage header (else the first stage) fills
  the viewport's width
- Overview (Ctrl+Shift+M): the minimap dock, remembered with the window state
- Keep Headers in View: the sticky stage and lane headers (on by default,
  remembered in the settings)

Zoom around the pointer, pinch, pan, Fit All (Ctrl+0), Fit Width (Ctrl+9) and
Actual Size live in
`canvas.view.MapView`; the find/filter emphasis in `canvas.highlight`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget

from canvas.header_items import StageHeaderItem
from canvas.highlight import highlighter
from canvas.minimap import Minimap
from canvas.note_item import NoteItem
from canvas.stage_spotlight import stage_column

from .filter_bar import FilterBar
from .find_bar import FindBar

if TYPE_CHECKING:  # types only: the window imports this module
    from .main_window import MainWindow

Key = QKeySequence.StandardKey
STAGE_MARGIN = 12.0  # scene units left and right of a zoomed-to stage column


def install(window: MainWindow) -> None:
    """Add the view tools to the main window (as `window.view_tools`)."""
    window.view_tools = ViewTools(window)


class ViewTools(QObject):
    """Owns the find and filter bars, the minimap dock and their actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.view
        self.scene = window.scene
        self.highlighter = highlighter(window.scene)
        self.find_bar = FindBar(window)
        self.filter_bar = FilterBar(window)
        central = window.centralWidget()
        box = central.layout() if central is not None else None
        if box is not None:
            box.addWidget(self.filter_bar)
            box.addWidget(self.find_bar)
        self._make_minimap()
        self._make_actions()
        self._make_menu()
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter_bar)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.filter_bar.close_bar)

    # -- parts ------------------------------------------------------------------------
    def _make_minimap(self) -> None:
        self.minimap = Minimap(self.view)
        dock = QDockWidget("Overview", self.window)
        dock.setObjectName("overview_dock")  # saveState/restoreState remember it
        dock.setWidget(self.minimap)
        dock.toggleViewAction().setText("&Overview Map")
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        self.minimap_dock = dock

    def _action(self, text: str, slot: Any, keys: list, tip: str) -> QAction:
        action = QAction(text, self.window)
        shortcuts: list[QKeySequence] = []
        for k in keys:
            for seq in (QKeySequence.keyBindings(k) if isinstance(k, Key) else [QKeySequence(k)]):
                if seq not in shortcuts:
                    shortcuts.append(seq)
        action.setShortcuts(shortcuts)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def _make_actions(self) -> None:
        A = self._action
        self.find_action = A("&Find…", self.find_bar.open_bar, [Key.Find],
                             "Find notes by text, tag or author")
        self.find_next_action = A("Find &Next", lambda: self.find_bar.step(1),
                                  [Key.FindNext], "Go to the next match")
        self.find_previous_action = A("Find Pre&vious", lambda: self.find_bar.step(-1),
                                      [Key.FindPrevious], "Go to the previous match")
        self.filter_action = A("F&ilter Notes…", self.toggle_filter, ["Ctrl+Shift+L"],
                               "Show only the notes with a tag, colour or author")
        self.filter_action.setCheckable(True)
        self.zoom_stage_action = A("Zoom to Selected &Stage", self.zoom_to_stage, ["Ctrl+2"],
                                   "Fill the window with the selected stage's column")
        self.overview_action = self.minimap_dock.toggleViewAction()
        self.overview_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.overview_action.setStatusTip("Show the whole map in miniature")
        self.window.addAction(self.overview_action)
        self.sticky_action = QAction("Keep &Headers in View", self.window)
        self.sticky_action.setCheckable(True)
        self.sticky_action.setStatusTip("Show stage and lane headers at the edges when "
                                        "scrolled away")
        sticky = self.window.settings.value("view/sticky_headers", True)
        self.sticky_action.setChecked(sticky not in (False, "false", "0", 0))
        self.view.sticky_headers.set_enabled(self.sticky_action.isChecked())
        self.sticky_action.toggled.connect(self._sticky_toggled)
        self.filter_bar.shownChanged.connect(self.filter_action.setChecked)

    def _make_menu(self) -> None:
        menu = self.window.view_menu
        actions = menu.actions()
        fit = self.view.fit_width_action
        after_fit = next((actions[i + 1] for i, a in enumerate(actions[:-1]) if a is fit), None)
        if after_fit is not None:
            menu.insertAction(after_fit, self.zoom_stage_action)
        else:
            menu.addAction(self.zoom_stage_action)
        menu.addSeparator()
        for a in (self.find_action, self.find_next_action, self.find_previous_action,
                  self.filter_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.overview_action)
        menu.addAction(self.sticky_action)

    # -- filter ---------------------------------------------------------------------
    def toggle_filter(self) -> None:
        if self.filter_bar.isVisible():
            self.filter_bar.close_bar()
        else:
            self.filter_bar.open_bar()
        self.filter_action.setChecked(self.filter_bar.isVisible())

    def _sticky_toggled(self, on: bool) -> None:
        self.view.sticky_headers.set_enabled(on)
        self.window.settings.setValue("view/sticky_headers", on)

    # -- zoom to stage ----------------------------------------------------------------
    def selected_stage_id(self) -> str | None:
        """The stage of the selected note, the current cell or the selected header."""
        layout = self.window.layout
        if layout is None or not layout.stages:
            return None
        for item in self.scene.selectedItems():
            if isinstance(item, NoteItem):
                return item.note.stage_id
            if isinstance(item, StageHeaderItem):
                return item.header.id
        notes = getattr(self.window, "note_actions", None)
        cell = getattr(notes, "current_cell", None)
        if cell:
            return cell[0]
        return layout.stages[0].id

    def stage_column(self, stage_id: str) -> QRectF | None:
        """The stage's column: its header down to the bottom of the last lane."""
        layout = self.window.layout
        return stage_column(layout, stage_id) if layout is not None else None

    def zoom_to_stage(self, stage_id: str | None = None) -> bool:
        """Fill the viewport's width with a stage column, its header at the top."""
        stage_id = stage_id or self.selected_stage_id()
        column = self.stage_column(stage_id) if stage_id else None
        if column is None:
            return False
        view = self.view
        vp = view.viewport().rect()
        view.set_zoom(vp.width() / (column.width() + 2 * STAGE_MARGIN))
        z = view.zoom
        half_h = vp.height() / z / 2
        focus_y = column.top() - STAGE_MARGIN + half_h  # the header at the top …
        selected = [i for i in self.scene.selectedItems() if isinstance(i, NoteItem)
                    and i.note.stage_id == stage_id]
        if selected:  # … unless that would hide the selected note
            note = selected[0].note.rect
            if note.bottom + STAGE_MARGIN > focus_y + half_h:
                focus_y = note.y + note.h / 2
        view.centerOn(column.center().x(), focus_y)
        return True


__all__ = ["ViewTools", "install"]
