"""Mouse glue for notes: click and Ctrl/Shift-click selection, double-click to
create or edit, drag to move, right-click menus.

`NoteInput` sits in `MapScene.input_handlers`, so it sees each mouse event
before the items do and takes only what concerns notes and empty cells;
presses on headers, curve points or the inline editor go on to their items,
and presses on empty canvas go on to the view's rubber band. A drag moves
the items live through `canvas.note_drag.NoteDrag` and ends in one command.

It is canvas behaviour, so it lives here; what a finished gesture means (a
selection, a command, a menu) is asked of `NoteGestures`, which the window's
`ui.notes.note_actions.NoteActions` satisfies by duck typing (canvas/ never
imports ui/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsSceneMouseEvent, QMenu

from journey.layout import MapLayout

from .cell_cursor import CellCursor
from .cell_item import CellItem
from .drop_indicator import DropIndicator
from .note_drag import DropTarget, NoteDrag, reading_order
from .note_editor import NoteEditor
from .note_item import NoteItem
from .scene import MapScene
from .view import MapView

EDGE = 24  # px from the viewport's edge where a drag scrolls the view
EDGE_STEP = 18


class NoteGestures(Protocol):
    """What `NoteInput` asks of the window's note editing (`NoteActions` in ui/)."""

    window: QObject  # watched for Close: an open editor is committed first
    scene: MapScene
    view: MapView
    editor: NoteEditor | None
    anchor: str | None
    current_cell: tuple[str, str] | None
    cell_cursor: CellCursor
    indicator: DropIndicator

    @property
    def layout(self) -> MapLayout | None: ...
    def commit_editor(self) -> None: ...
    def set_current_cell(self, cell: tuple[str, str] | None, scroll: bool = False) -> None: ...
    def select(self, ids: list[str], anchor: str | None = None,
               scroll: bool = False) -> None: ...
    def selection_changed(self) -> None: ...
    def drop(self, ids: list[str], target: DropTarget) -> bool: ...
    def edit_note(self, note_id: str | None = None) -> bool: ...
    def new_note(self, cell: tuple[str, str] | None = None) -> bool: ...
    def context_menu(self, on_note: bool) -> QMenu: ...
    def status(self, message: str) -> None: ...


@dataclass
class _Press:
    scene_pos: QPointF
    screen_pos: QPoint
    item: NoteItem
    reselect: bool  # a plain click on a note of a multi-selection selects just it on release


class NoteInput(QObject):
    """The mouse side of note editing (one per window)."""

    def __init__(self, actions: NoteGestures, parent: QObject) -> None:
        super().__init__(parent)
        self.actions = actions
        self.scene = actions.scene
        self.view = actions.view
        self.press: _Press | None = None
        self.drag: NoteDrag | None = None
        self.scene.input_handlers.append(self)
        actions.window.installEventFilter(self)

    # -- what is under the pointer ------------------------------------------------
    def top_item(self, pos: QPointF) -> QGraphicsItem | None:
        """The topmost item at `pos` that takes the mouse (overlays do not)."""
        for item in self.scene.items(pos):
            if item.isVisible() and item.acceptedMouseButtons() != Qt.MouseButton.NoButton:
                return item
        return None

    def _in_editor(self, pos: QPointF) -> bool:
        editor = self.actions.editor
        return editor is not None and editor.contains_scene_point(pos.x(), pos.y())

    # -- scene hooks (MapScene.input_handlers) -----------------------------------------
    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> bool:
        pos = event.scenePos()
        if self._in_editor(pos):
            return False
        self.actions.commit_editor()  # a click elsewhere ends editing first
        if self.drag is not None:
            return True
        top = self.top_item(pos)
        button = event.button()
        if isinstance(top, CellItem) and button in (Qt.MouseButton.LeftButton,
                                                    Qt.MouseButton.RightButton):
            cell = top.cell
            self.actions.set_current_cell((cell.stage_id, cell.lane_id))
            return False  # the scene clears the selection, the view starts a rubber band
        if not isinstance(top, NoteItem):
            return False
        self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        note_id = top.note_id
        if button == Qt.MouseButton.RightButton:
            if not top.isSelected():
                self.actions.select([note_id], note_id)
            event.accept()
            return True
        if button != Qt.MouseButton.LeftButton:
            return False
        mods = event.modifiers()
        was_selected = top.isSelected()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            top.setSelected(not was_selected)
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            top.setSelected(True)
        elif not was_selected:
            self.actions.select([note_id], note_id)
        if top.isSelected():
            self.actions.anchor = note_id
            self.actions.selection_changed()
            self.press = _Press(QPointF(pos), event.screenPos(), top,
                                was_selected and not mods)
        event.accept()
        return True

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        if self.press is None:
            return False
        if self.drag is None:
            moved = (event.screenPos() - self.press.screen_pos).manhattanLength()
            if moved < QApplication.startDragDistance():
                return True
            if not self._start_drag():
                return False
        self.drag.update(event.scenePos())
        self._autoscroll(event.scenePos())
        return True

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        if self.press is None:
            return False
        press, self.press = self.press, None
        if self.drag is not None:
            drag, self.drag = self.drag, None
            self.view.viewport().unsetCursor()
            target = drag.finish(event.scenePos())
            if target is not None:
                self.actions.drop(drag.ids, target)
            else:
                self.actions.set_current_cell(self.actions.current_cell)
            event.accept()
            return True
        if press.reselect and press.item.scene() is self.scene:
            self.actions.select([press.item.note_id], press.item.note_id)
        event.accept()
        return True

    def mouse_double_click(self, event: QGraphicsSceneMouseEvent) -> bool:
        pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton or self._in_editor(pos):
            return False
        top = self.top_item(pos)
        if isinstance(top, NoteItem):
            self.press = None
            self.actions.edit_note(top.note_id)
            event.accept()
            return True
        if isinstance(top, CellItem):
            cell = top.cell
            self.actions.new_note((cell.stage_id, cell.lane_id))
            event.accept()
            return True
        return False

    def context_menu(self, event: Any) -> bool:
        pos = event.scenePos()
        if self._in_editor(pos):
            return False
        top = self.top_item(pos)
        if not isinstance(top, (NoteItem, CellItem)):
            return False
        if isinstance(top, NoteItem) and not top.isSelected():
            self.actions.select([top.note_id], top.note_id)
        menu = self.actions.context_menu(isinstance(top, NoteItem))
        menu.exec(event.screenPos())
        event.accept()
        return True

    # -- the drag ---------------------------------------------------------------------
    def _start_drag(self) -> bool:
        layout = self.actions.layout
        ids = reading_order(layout, self.scene.selected_note_ids()) if layout else []
        items = [self.scene.note_item(i) for i in ids]
        if not items or any(i is None for i in items):
            self.press = None
            return False
        self.drag = NoteDrag(layout, items, self.press.scene_pos, self.actions.indicator)
        self.actions.cell_cursor.setVisible(False)  # one blue frame at a time: the target's
        self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        return True

    def cancel_drag(self, quiet: bool = False) -> bool:
        """Esc during a drag: the notes snap back, no command. True if there was one."""
        if self.drag is None:
            return False
        self.drag.cancel()
        self.drag = None
        self.press = None
        self.actions.set_current_cell(self.actions.current_cell)
        self.view.viewport().unsetCursor()
        if not quiet:
            self.actions.status("Move cancelled")
        return True

    def _autoscroll(self, pos: QPointF) -> None:
        p = self.view.mapFromScene(pos)
        r = self.view.viewport().rect()
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        if p.x() < r.left() + EDGE:
            h.setValue(h.value() - EDGE_STEP)
        elif p.x() > r.right() - EDGE:
            h.setValue(h.value() + EDGE_STEP)
        if p.y() < r.top() + EDGE:
            v.setValue(v.value() - EDGE_STEP)
        elif p.y() > r.bottom() - EDGE:
            v.setValue(v.value() + EDGE_STEP)

    # -- the window: never lose what is being typed --------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.actions.commit_editor()
        return False


__all__ = ["NoteGestures", "NoteInput"]
