"""Stages, lanes and emotion curves: the Map menu, context menus, the commands and keys.

`StructureEditor` turns finished gestures on headers and curve points into commands
(`ui.commands.map_commands`, always through `window.push`). The mouse gestures
themselves are canvas behaviour, in `canvas.structure_input.StructureInput` (first in
`MapScene.input_handlers`), which calls back into this editor through its
`StructureGestures` protocol: `move_header`, `set_stage_width`, `set_point_score`,
`rename`, `edit_label`, `add_point_at`, the menus. Double-click a header (or F2/Enter
on a selected one) opens the `InlineEditor`; Enter commits one rename.

Adding a stage or lane (Map ▸ Add Stage, Ctrl+Shift+T; Add Lane, Ctrl+Shift+R; a
header's Add Stage Before/After, Add Lane Below) writes nothing at first: a ghost header
(`canvas.provisional_header`) marks where it will appear and the editor opens on it with
the default name ("New stage", or the lane kind's label) selected, so typing replaces
it. Enter (or clicking elsewhere) pushes one `cmd.add_stage` / `cmd.add_lane` with the
typed name — one `Library.run`, one undo step — and selects the new header. Esc, or an
empty name, adds nothing and writes nothing.

Keys arrive through an event filter on the view, which claims a key
(ShortcutOverride) only while a header or a curve point is selected (or Esc during a
gesture), so the same keys serve the notes otherwise. The Map menu and the context
menus are built by `ui.structure.structure_menus`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from canvas.curve_item import CurvePointItem
from canvas.header_edit import InlineEditor
from canvas.header_items import LaneHeaderItem, StageHeaderItem
from canvas.provisional_header import ProvisionalHeader
from canvas.structure_input import StructureInput
from journey.layout import ScaleShape
from journey.models import LaneKind
from journey.ops.structure import MAX_STAGE_WIDTH, MIN_STAGE_WIDTH

from ..commands import map_commands as cmd
from ..curves.curve_actions import CurveEditing
from .structure_menus import StructureMenus

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

Mods = Qt.KeyboardModifier
CTRL_SHIFT = Mods.ControlModifier | Mods.ShiftModifier
NEW_STAGE, NEW_LANE = "new stage", "new lane"  # the editor's kinds while adding


class StructureEditor(CurveEditing, QObject):
    """Edits a map's stages, lanes and curves on the window's canvas."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scene = window.scene
        self.view = window.view
        self.editor = InlineEditor(self.scene)
        self.editor.committed.connect(self._named)
        self.editor.cancelled.connect(self._not_named)
        self.editor.closed.connect(self._editor_closed)
        self.ghost: ProvisionalHeader | None = None  # where a stage or lane being added goes
        self._adding: Any = None  # the document a stage or lane is being added to
        self._curve_id: str | None = None  # the curve new points go to
        self.confirm_box: QMessageBox | None = None
        self.menus = StructureMenus(self)
        self.input = StructureInput(self)  # first in MapScene.input_handlers
        self.scene.layoutApplied.connect(self._layout_applied)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)

    # -- the document ------------------------------------------------------------
    @property
    def doc(self) -> Any:
        return self.window.doc

    def push(self, command: Any) -> bool:
        return bool(command) and self.window.push(command)

    def status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def scale(self) -> ScaleShape | None:
        layout = self.scene.layout
        return layout.scales[0] if layout is not None and layout.scales else None

    # -- what is selected, what is current ------------------------------------------
    def _selected(self, cls: type) -> list[Any]:
        return [i for i in self.scene.selectedItems() if isinstance(i, cls)]

    def selected_stage(self) -> str | None:
        items = self._selected(StageHeaderItem)
        return items[0].header.id if items else None

    def selected_lane(self) -> str | None:
        items = self._selected(LaneHeaderItem)
        return items[0].header.id if items else None

    def selected_points(self) -> list[str]:
        return [i.point.id for i in self._selected(CurvePointItem)]

    def _note_cell(self) -> tuple[str, str] | None:
        layout = self.scene.layout
        for note_id in self.scene.selected_note_ids():
            box = layout.note_by_id.get(note_id) if layout else None
            if box:
                return box.stage_id, box.lane_id
        cell = getattr(getattr(self.window, "note_actions", None), "current_cell", None)
        return tuple(cell) if cell else None  # type: ignore[return-value]

    def current_stage(self) -> str | None:
        """The selected stage header, else the stage of the selected point or note."""
        if self.selected_stage():
            return self.selected_stage()
        points = self._selected(CurvePointItem)
        if points:
            return points[0].point.stage_id
        cell = self._note_cell()
        return cell[0] if cell else None

    def current_lane(self) -> str | None:
        if self.selected_lane():
            return self.selected_lane()
        scale = self.scale()
        if self._selected(CurvePointItem) and scale:
            return scale.lane_id
        cell = self._note_cell()
        return cell[1] if cell else None

    def select(self, item: Any, toggle: bool = False) -> None:
        if toggle:
            item.setSelected(not item.isSelected())
        else:
            self.scene.clearSelection()
            item.setSelected(True)
        self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        self.view.ensureVisible(item.sceneBoundingRect(), 20, 20)

    def _selection_changed(self) -> None:
        # A header or point is selected on its own: notes win a mixed selection.
        if not isValid(self.scene):  # the window is closing
            return
        if self.scene.selected_note_ids():
            for item in self.scene.selectedItems():
                if isinstance(item, (StageHeaderItem, LaneHeaderItem, CurvePointItem)):
                    item.setSelected(False)
        points = self._selected(CurvePointItem)
        if points and points[0].curve_id:
            self._curve_id = points[0].curve_id

    # -- what the mouse gestures (canvas.structure_input) finish with ------------------
    @property
    def gesture(self) -> Any:
        """The live mouse gesture, if any (`StructureInput` holds it)."""
        return self.input.gesture

    def _cancel_gesture(self) -> None:
        self.input.cancel_gesture()

    def move_header(self, kind: str, item_id: str, index: int) -> None:
        build = cmd.move_stage if kind == "stage" else cmd.move_lane
        self.push(build(self.doc, item_id, index))

    def set_stage_width(self, stage_id: str, width: float | None) -> None:
        self.push(cmd.set_stage_width(self.doc, stage_id, width))

    def set_point_score(self, point_id: str, score: float) -> None:
        self.push(cmd.set_curve_point(self.doc, point_id, score=score))

    def _layout_applied(self) -> None:
        # Something was committed while a gesture was live (another map, an undo):
        # the gesture's geometry is stale, drop it.
        if self.gesture is not None:
            self._cancel_gesture()
        if self.editor.is_open and self.editor.kind in (NEW_STAGE, NEW_LANE):
            self._follow_layout()
        elif self.editor.is_open:
            kind, target = self.editor.kind, self.editor.target
            alive = (target in self.scene.stages if kind == "stage" else
                     target in self.scene.lanes if kind == "lane" else
                     any(target in c.points for c in self.scene.curves.values()))
            if not alive:  # undone or deleted elsewhere while being named
                self.editor.cancel()

    # -- keys (event filter on the view) -----------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
                isinstance(event, QKeyEvent):
            action = self._key_action(event)
            if action is None:
                return False
            event.accept()
            if kind == QEvent.Type.KeyPress:
                action()
            return True
        return False

    def _key_action(self, event: QKeyEvent) -> Any:
        """What a key does in the current selection, or None when it is not ours."""
        if self.editor.is_open or self.doc is None:
            return None
        key = event.key()
        mods = event.modifiers() & (CTRL_SHIFT | Mods.AltModifier | Mods.MetaModifier)
        plain = mods == Mods.NoModifier
        if key == Qt.Key.Key_Escape and self.gesture is not None:
            return self._cancel_gesture
        if self.scene.selected_note_ids() or not (
                self.selected_stage() or self.selected_lane() or self.selected_points()):
            if mods == CTRL_SHIFT and key == Qt.Key.Key_Up:
                return self.select_stage_header
            if mods == CTRL_SHIFT and key == Qt.Key.Key_Left:
                return self.select_lane_header
            return None
        if plain and key == Qt.Key.Key_Escape:
            return self.scene.clearSelection
        rename = plain and key in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        delete = plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        points = self.selected_points()
        if points:
            if rename:
                return lambda: self.edit_label(points[0])
            if delete:
                return self.delete_selected
            if plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                return lambda: self.nudge_point(points[0], 1 if key == Qt.Key.Key_Up else -1)
            if plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                return lambda: self.step_point(points[0], -1 if key == Qt.Key.Key_Left else 1)
            return None
        stage, lane = self.selected_stage(), self.selected_lane()
        if rename:
            return self.rename_selected
        if delete:
            return self.delete_selected
        axis = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1} if stage else \
            {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        if key in axis and plain:
            return lambda: self.step_header(axis[key])
        if key in axis and mods == CTRL_SHIFT:
            return lambda: self.move_selected(axis[key])
        if stage and mods == CTRL_SHIFT and key == Qt.Key.Key_Up:
            return lambda: None  # already on the stage header
        if lane and mods == CTRL_SHIFT and key == Qt.Key.Key_Left:
            return lambda: None
        return None

    # -- operations on stages and lanes -------------------------------------------------
    def stage_row(self, stage_id: str) -> Any:
        return next((s for s in self.doc.data.stages if s.id == stage_id), None)

    def lane_row(self, lane_id: str) -> Any:
        return next((ln for ln in self.doc.data.lanes if ln.id == lane_id), None)

    def notes_in(self, stage_id: str | None = None, lane_id: str | None = None) -> int:
        return sum(len(notes) for (s, ln), notes in self.doc.data.notes.items()
                   if (stage_id is None or s == stage_id) and (lane_id is None or ln == lane_id))

    def add_stage(self, index: int | None = None) -> None:
        """Name a new stage after the current one (or at the end, or at `index`):
        nothing is written until the name is committed."""
        if self.doc is None or self.scene.layout is None:
            return
        self._finish_editing()
        if index is None:
            current = self.stage_row(self.current_stage() or "")
            index = current.position + 1 if current else None
        self._propose(NEW_STAGE, index, "New stage")

    def add_lane(self, kind: str = LaneKind.CUSTOM, index: int | None = None) -> None:
        """Name a new lane of `kind` below the current one (or at the end, or at `index`)."""
        if self.doc is None or self.scene.layout is None:
            return
        self._finish_editing()
        if index is None:
            current = self.lane_row(self.current_lane() or "")
            index = current.position + 1 if current else None
        self._propose(NEW_LANE, index, LaneKind(kind).label, LaneKind(kind).value)

    def _finish_editing(self) -> None:
        """A name being typed is committed first (as a click elsewhere does), so the new
        stage or lane is placed in the layout that follows."""
        if self.gesture is not None:
            self._cancel_gesture()
        if self.editor.is_open:
            self.editor.commit()

    def _ghost(self) -> ProvisionalHeader:
        if self.ghost is None or not isValid(self.ghost) or self.ghost.scene() is not self.scene:
            self.ghost = ProvisionalHeader()
            self.scene.addItem(self.ghost)
        return self.ghost

    def _propose(self, kind: str, index: int | None, name: str, lane_kind: str = "") -> None:
        """Show where the new stage or lane goes and open its name there."""
        ghost = self._ghost()
        ghost.show_at(self.scene.layout, "stage" if kind == NEW_STAGE else "lane", index,
                      lane_kind)
        self._adding = self.doc
        self.view.ensureVisible(ghost.header, 40, 40)
        style = self.doc.style
        if kind == NEW_STAGE:
            self.editor.open(kind, "", self._stage_name_rect(ghost.header), name,
                             style.header_size, bold=True, align=Qt.AlignmentFlag.AlignHCenter,
                             placeholder="Name of the new stage")
        else:
            self.editor.open(kind, "", self._lane_name_rect(ghost.header), name,
                             style.lane_header_size, bold=True,
                             placeholder="Name of the new lane")
        self.status("Type the name, Enter adds it, Esc adds nothing")

    @staticmethod
    def _stage_name_rect(r: QRectF) -> QRectF:
        return QRectF(r.x() + 9, r.y() + 6, r.width() - 18, r.height() - 12)

    @staticmethod
    def _lane_name_rect(r: QRectF) -> QRectF:
        return QRectF(r.x() + 8, r.y() + 4, r.width() - 12, r.height() - 8)

    def _follow_layout(self) -> None:
        """Something else was committed while a new stage or lane was being named: the
        ghost and the editor move to the same place in the new layout (another map
        shown: nothing is added)."""
        ghost = self.ghost
        if ghost is None or self.doc is not self._adding or self.scene.layout is None:
            self.editor.cancel()
            return
        ghost.show_at(self.scene.layout, ghost.kind, ghost.index, ghost.lane_kind)
        rect = (self._stage_name_rect if ghost.kind == "stage" else self._lane_name_rect)
        self.editor.move_to(rect(ghost.header))

    def _editor_closed(self) -> None:
        if self.ghost is not None and isValid(self.ghost):
            self.ghost.hide()

    def _not_named(self) -> None:
        if self._adding is not None and self.editor.kind in (NEW_STAGE, NEW_LANE):
            self.status("Nothing added")
        self._adding = None

    def _add_named(self, kind: str, name: str) -> None:
        """The new stage or lane's name was committed: one add command, if named."""
        doc, self._adding = self._adding, None
        ghost = self.ghost
        if doc is None or doc is not self.doc or ghost is None:
            return
        what = "stage" if kind == NEW_STAGE else "lane"
        if not name:
            self.status(f"No name: no {what} added")
            return
        if kind == NEW_STAGE:
            command, row_id = cmd.add_stage(doc, name, ghost.index)
        else:
            command, row_id = cmd.add_lane(doc, name, ghost.lane_kind, ghost.index)
        if not self.push(command):
            return
        self.status(f"Added {what} “{name}”")
        item = (self.scene.stages if kind == NEW_STAGE else self.scene.lanes).get(row_id)
        if item is not None:
            self.select(item)

    def rename(self, row_id: str) -> None:
        """Open the in-place editor on a stage or lane header."""
        layout, style = self.scene.layout, self.doc.style
        if row_id in self.scene.stages:
            r = next(h for h in layout.stages if h.id == row_id).rect
            self.view.ensureVisible(QRectF(r.x, r.y, r.w, r.h), 20, 20)
            self.editor.open("stage", row_id, QRectF(r.x + 9, r.y + 6, r.w - 18, r.h - 12),
                             self.stage_row(row_id).name, style.header_size, bold=True,
                             align=Qt.AlignmentFlag.AlignHCenter)
        elif row_id in self.scene.lanes:
            r = next(h for h in layout.lanes if h.id == row_id).rect
            self.view.ensureVisible(QRectF(r.x, r.y, r.w, r.h), 20, 20)
            self.editor.open("lane", row_id, QRectF(r.x + 6, r.y + 3, r.w - 12, 24),
                             self.lane_row(row_id).name, style.lane_header_size, bold=True)

    def rename_selected(self) -> None:
        row = self.selected_stage() or self.selected_lane()
        if row:
            self.rename(row)
        elif self.selected_points():
            self.edit_label(self.selected_points()[0])

    def _named(self, kind: str, target: str, text: str) -> None:
        """The in-place editor committed: one rename (or label) command, if anything changed."""
        if self.doc is None:
            return
        text = text.strip()
        if kind == "point":
            if any(p.id == target for cd in self.doc.data.curves for p in cd.points):
                self.push(cmd.set_curve_point(self.doc, target, label=text))
            return
        if kind in (NEW_STAGE, NEW_LANE):
            self._add_named(kind, text)
            return
        if not text:
            return
        if kind == "stage" and self.stage_row(target):
            self.push(cmd.rename_stage(self.doc, target, text))
        elif kind == "lane" and self.lane_row(target):
            self.push(cmd.rename_lane(self.doc, target, text))

    def delete_selected(self) -> None:
        points = self.selected_points()
        if points:
            for point_id in points:
                self.push(cmd.delete_curve_point(self.doc, point_id))
        elif self.selected_stage():
            self.delete_stage(self.selected_stage())  # type: ignore[arg-type]
        elif self.selected_lane():
            self.delete_lane(self.selected_lane())  # type: ignore[arg-type]

    def delete_stage(self, stage_id: str) -> None:
        stage = self.stage_row(stage_id)
        if stage is not None:
            self._confirm_delete(f"stage “{stage.name}”", self.notes_in(stage_id=stage_id),
                                 lambda: self.push(cmd.delete_stage(self.doc, stage_id)))

    def delete_lane(self, lane_id: str) -> None:
        lane = self.lane_row(lane_id)
        if lane is not None:
            self._confirm_delete(f"lane “{lane.name}”", self.notes_in(lane_id=lane_id),
                                 lambda: self.push(cmd.delete_lane(self.doc, lane_id)))

    def _confirm_delete(self, what: str, n_notes: int, do: Any) -> None:
        """Deleting notes asks first (window-modal, not blocking); undo brings all back."""
        if n_notes == 0:
            do()
            return
        notes = f"{n_notes} note" + ("" if n_notes == 1 else "s")
        box = QMessageBox(QMessageBox.Icon.Question, "Delete",
                          f"Delete the {what} and its {notes}?",
                          QMessageBox.StandardButton.Cancel, self.window)
        box.setInformativeText("Edit ▸ Undo brings them back.")
        ok = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(lambda b: do() if b is ok else None)
        self.confirm_box = box
        box.open()

    def move_selected(self, step: int) -> None:
        stage, lane = self.selected_stage(), self.selected_lane()
        if stage:
            self.push(cmd.move_stage(self.doc, stage, self.stage_row(stage).position + step))
        elif lane:
            self.push(cmd.move_lane(self.doc, lane, self.lane_row(lane).position + step))

    def step_header(self, step: int) -> None:
        """Select the neighbouring stage (or lane) header."""
        stage, lane = self.selected_stage(), self.selected_lane()
        rows = self.doc.data.stages if stage else self.doc.data.lanes
        table = self.scene.stages if stage else self.scene.lanes
        ids = [r.id for r in rows]
        index = ids.index(stage or lane) + step
        if 0 <= index < len(ids):
            self.select(table[ids[index]])

    def select_stage_header(self) -> None:
        stage = self.current_stage() or (self.doc.data.stages[0].id
                                         if self.doc and self.doc.data.stages else None)
        if stage in self.scene.stages:
            self.select(self.scene.stages[stage])

    def select_lane_header(self) -> None:
        lane = self.current_lane() or (self.doc.data.lanes[0].id
                                       if self.doc and self.doc.data.lanes else None)
        if lane in self.scene.lanes:
            self.select(self.scene.lanes[lane])

    def set_lane_kind(self, lane_id: str, kind: str) -> None:
        self.push(cmd.set_lane_kind(self.doc, lane_id, kind))

    def toggle_collapsed(self, lane_id: str | None = None) -> None:
        lane = self.lane_row(lane_id or self.current_lane() or "") if self.doc else None
        if lane is not None:
            self.push(cmd.set_lane_collapsed(self.doc, lane.id, not lane.collapsed))

    def resize_stage(self, delta: float, stage_id: str | None = None) -> None:
        stage = self.stage_row(stage_id or self.current_stage() or "") if self.doc else None
        if stage is None:
            return
        width = (stage.width or self.doc.style.stage_w) + delta
        width = min(MAX_STAGE_WIDTH, max(MIN_STAGE_WIDTH, width))
        self.push(cmd.set_stage_width(self.doc, stage.id, width))


def install(window: MainWindow) -> StructureEditor:
    """Add the Map menu, the header and curve gestures and their keys to the window."""
    editor = StructureEditor(window)
    window.structure = editor
    return editor
