"""Mouse glue for stages, lanes and curve points: the header, column and point gestures.

`StructureInput` sits first in `MapScene.input_handlers` and takes only presses on
its own targets (a stage's right edge, a header, a curve point, the legend, the
emotion lane's scale area); notes, empty cells and the inline editor go on.

- drag a header → `HeaderDrag`, one move on release; drag a stage's right
  edge → `ColumnResize`, one width change on release;
- drag a curve point → `CurveDrag` (snapped), one score change on release;
- double-click a header renames it, a point edits its label, a column's
  edge resets its width, the emotion lane adds a point;
- the chevron on a lane header folds the lane; right-click opens a menu.

It is canvas behaviour, so it lives here; the live part of each gesture is its
own canvas module and writes nothing. What a finished gesture means (a command,
a menu) is asked of `StructureGestures`, which the window's
`ui.structure.structure_actions.StructureEditor` satisfies by duck typing
(canvas/ never imports ui/).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QApplication, QMenu

from journey.layout import ScaleShape

from .column_resize import ColumnResize, edge_tolerance, stage_edge_at
from .curve_drag import CurveDrag
from .curve_item import CurveItem, CurvePointItem
from .header_drag import HeaderDrag
from .header_edit import InlineEditor
from .header_items import LaneHeaderItem, StageHeaderItem, chevron_rect
from .legend_item import LegendItem
from .note_item import NoteItem
from .scene import MapScene
from .view import MapView


class StructureMenuSource(Protocol):
    """The context menus a structure gesture opens (`StructureMenus` in ui/)."""

    def stage_menu(self, stage_id: str) -> QMenu: ...
    def lane_menu(self, lane_id: str) -> QMenu: ...
    def point_menu(self, point_id: str) -> QMenu: ...
    def curve_area_menu(self, pos: QPointF) -> QMenu: ...


class StructureGestures(Protocol):
    """What `StructureInput` asks of the window's structure editing (`StructureEditor`)."""

    scene: MapScene
    view: MapView
    editor: InlineEditor  # the header/label editor: a press elsewhere commits it
    menus: StructureMenuSource

    @property
    def doc(self) -> Any: ...  # None while no map is open
    def scale(self) -> ScaleShape | None: ...
    def select(self, item: Any, toggle: bool = False) -> None: ...
    def set_current_curve(self, curve_id: str | None) -> None: ...
    def toggle_collapsed(self, lane_id: str | None = None) -> None: ...
    def rename(self, row_id: str) -> None: ...
    def edit_label(self, point_id: str) -> None: ...
    def add_point_at(self, pos: QPointF) -> str | None: ...
    def move_header(self, kind: str, item_id: str, index: int) -> None: ...
    def set_stage_width(self, stage_id: str, width: float | None) -> None: ...
    def set_point_score(self, point_id: str, score: float) -> None: ...


class _Pending:
    """A press on a header that becomes a drag once the pointer has moved far enough."""

    def __init__(self, item: Any, kind: str, item_id: str, press: QPointF, screen: QPointF):
        self.item, self.kind, self.item_id = item, kind, item_id
        self.press, self.screen = press, screen


class StructureInput:
    """The mouse side of structure editing (one per window)."""

    def __init__(self, actions: StructureGestures) -> None:
        self.actions = actions
        self.scene = actions.scene
        self.view = actions.view
        self.gesture: Any = None  # _Pending | HeaderDrag | ColumnResize | CurveDrag
        self.scene.input_handlers.insert(0, self)

    # -- what is under the pointer ------------------------------------------------
    def _target(self, pos: QPointF) -> Any:
        """The topmost item of this editor's kinds under `pos`, or None (a note, nothing)."""
        for item in self.scene.items(pos):
            if isinstance(item, (CurvePointItem, StageHeaderItem, LaneHeaderItem, LegendItem)):
                return item
            if isinstance(item, NoteItem) or item is self.actions.editor.proxy:
                return None
        return None

    def _in_scale(self, pos: QPointF) -> bool:
        scale = self.actions.scale()
        if scale is None:
            return False
        a = scale.area
        return QRectF(a.x, a.y - 12, a.w, a.h + 24).contains(pos) and not any(
            isinstance(i, NoteItem) for i in self.scene.items(pos))

    # -- scene hooks (MapScene.input_handlers) -----------------------------------------
    def mouse_press(self, event: Any) -> bool:
        actions = self.actions
        if actions.doc is None or self.scene.layout is None:
            return False
        pos = event.scenePos()
        editor = actions.editor
        if editor.is_open and not (editor.proxy and
                                   editor.proxy.sceneBoundingRect().contains(pos)):
            editor.commit()
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self.cancel_gesture()
        layout = self.scene.layout
        tol = edge_tolerance(self.view.zoom)
        edge = stage_edge_at(layout, pos, tol)
        if edge is not None:
            header = next(h for h in layout.stages if h.id == edge)
            self.gesture = ColumnResize(self.scene, layout, header, pos.x())
            return self._took(event)
        item = self._target(pos)
        toggle = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if isinstance(item, CurvePointItem):
            actions.select(item, toggle)
            curve = item.parentItem()
            if not toggle and isinstance(curve, CurveItem) and actions.scale() is not None:
                self.gesture = CurveDrag(curve, item.point.id, actions.scale(), pos.y())
            return self._took(event)
        if isinstance(item, LegendItem):
            actions.set_current_curve(item.curve_id)
            scale = actions.scale()
            item = self.scene.lanes.get(scale.lane_id) if scale else None
        if isinstance(item, LaneHeaderItem):
            if chevron_rect(item.header).adjusted(-3, -3, 3, 3).contains(pos):
                actions.toggle_collapsed(item.header.id)
                return self._took(event)
            actions.select(item, toggle)
            self.gesture = _Pending(item, "lane", item.header.id, pos, event.screenPos())
            return self._took(event)
        if isinstance(item, StageHeaderItem):
            actions.select(item, toggle)
            self.gesture = _Pending(item, "stage", item.header.id, pos, event.screenPos())
            return self._took(event)
        return False

    @staticmethod
    def _took(event: Any) -> bool:
        event.accept()
        return True

    def mouse_move(self, event: Any) -> bool:
        g = self.gesture
        if g is None:
            return False
        if not event.buttons() & Qt.MouseButton.LeftButton:
            self.cancel_gesture()
            return False
        pos = event.scenePos()
        if isinstance(g, _Pending):
            moved = event.screenPos() - g.screen
            if moved.manhattanLength() < QApplication.startDragDistance():
                return self._took(event)
            g = self.gesture = HeaderDrag(self.scene, self.scene.layout, g.item, g.kind,
                                          g.item_id, g.press)
        if isinstance(g, HeaderDrag):
            g.move(pos)
        elif isinstance(g, ColumnResize):
            g.move(pos.x())
        elif isinstance(g, CurveDrag):
            score = g.move(pos.y())
            self.view.viewport().setToolTip(f"{score:+g}")
        return self._took(event)

    def mouse_release(self, event: Any) -> bool:
        g, self.gesture = self.gesture, None
        if g is None:
            return False
        if isinstance(g, HeaderDrag):
            index = g.finish()
            if index is not None:
                self.actions.move_header(g.kind, g.item_id, index)
        elif isinstance(g, ColumnResize):
            width = g.finish()
            if width is not None:
                self.actions.set_stage_width(g.stage_id, width)
        elif isinstance(g, CurveDrag):
            score = g.finish()
            if score is not None:
                self.actions.set_point_score(g.point_id, score)
        return self._took(event)

    def mouse_double_click(self, event: Any) -> bool:
        actions = self.actions
        if actions.doc is None or event.button() != Qt.MouseButton.LeftButton:
            return False
        self.cancel_gesture()
        pos = event.scenePos()
        item = self._target(pos)
        if isinstance(item, CurvePointItem):
            actions.select(item)
            actions.edit_label(item.point.id)
            return self._took(event)
        edge = stage_edge_at(self.scene.layout, pos, edge_tolerance(self.view.zoom))
        if edge is not None:  # double-click a column's edge: back to the default width
            actions.set_stage_width(edge, None)
            return self._took(event)
        if isinstance(item, (StageHeaderItem, LaneHeaderItem)):
            actions.select(item)
            actions.rename(item.header.id)
            return self._took(event)
        if item is None and self._in_scale(pos):
            actions.add_point_at(pos)
            return self._took(event)
        return False

    def context_menu(self, event: Any) -> bool:
        actions = self.actions
        if actions.doc is None:
            return False
        pos = event.scenePos()
        item = self._target(pos)
        menu = None
        if isinstance(item, CurvePointItem):
            actions.select(item)
            menu = actions.menus.point_menu(item.point.id)
        elif isinstance(item, StageHeaderItem):
            actions.select(item)
            menu = actions.menus.stage_menu(item.header.id)
        elif isinstance(item, (LaneHeaderItem, LegendItem)):
            lane = item if isinstance(item, LaneHeaderItem) else \
                self.scene.lanes.get(actions.scale().lane_id)  # type: ignore[union-attr]
            actions.select(lane)
            menu = actions.menus.lane_menu(lane.header.id)
        elif item is None and self._in_scale(pos):
            menu = actions.menus.curve_area_menu(pos)
        if menu is None:
            return False
        menu.popup(event.screenPos())
        return self._took(event)

    def cancel_gesture(self) -> None:
        """Drop the live gesture (Esc, a stale layout): its preview goes, no command."""
        g, self.gesture = self.gesture, None
        if g is not None and not isinstance(g, _Pending):
            g.cancel()


__all__ = ["StructureGestures", "StructureInput", "StructureMenuSource"]
