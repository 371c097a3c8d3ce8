"""The map scene and its binder: items made, updated and removed from a MapLayout.

Items never hold the truth. After every committed operation the document
refreshes what changed and lays out again the cells it touched, and the window
calls `apply_layout`. Notes go cell by cell: a cell whose tuple of boxes is the
one already shown is skipped whole; in the others the binder, keyed by model id,

- updates existing items in place (each compares its element and touches Qt
  only when something changed: `setPos` for a move, `prepareGeometryChange`
  for a new size),
- creates items for new ids,
- removes items whose ids are gone, explicitly: PySide keeps an item alive in
  the scene after its last Python reference is dropped.

The scene rect is set from the layout's bounds (never `itemsBoundingRect`,
which is slow on big maps). The paper and the desk around it are drawn in
`drawBackground`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from journey.layout import MapLayout
from paint.qt_paint import THEME, qcolor, qrect
from paint.qt_text import ensure_fonts

from .cell_item import CellItem
from .curve_item import CurveItem, ScaleItem, ScaleLabelsItem
from .header_items import LaneHeaderItem, StageHeaderItem, TitleItem
from .legend_item import LegendItem
from .note_item import NoteItem

K = TypeVar("K", bound=Hashable)
I = TypeVar("I", bound=QGraphicsItem)  # noqa: E741


class MapScene(QGraphicsScene):
    """A map on a QGraphicsScene. `layoutApplied` fires after each `apply_layout`."""

    layoutApplied = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        ensure_fonts()
        self.layout: MapLayout | None = None
        self.notes: dict[str, NoteItem] = {}
        self.stages: dict[str, StageHeaderItem] = {}
        self.lanes: dict[str, LaneHeaderItem] = {}
        self.cells: dict[tuple[str, str], CellItem] = {}
        self.curves: dict[str, CurveItem] = {}
        self.scales: dict[str, ScaleItem] = {}
        self.scale_labels: dict[str, ScaleLabelsItem] = {}
        self.legend: dict[str, LegendItem] = {}
        self.title: TitleItem | None = None
        #: What the last apply_layout did: {"added": n, "changed": n, "removed": n}.
        self.last_changes: dict[str, int] = {"added": 0, "changed": 0, "removed": 0}
        #: Editing layers (canvas/note_input.py …) that see mouse events before the items;
        #: each method (mouse_press, …) returns True when it took the event.
        self.input_handlers: list[Any] = []

    # -- the binder ---------------------------------------------------------
    def apply_layout(self, layout: MapLayout) -> dict[str, int]:
        """Make the items show `layout`, touching only what differs."""
        counts = {"added": 0, "changed": 0, "removed": 0}
        self._sync_notes(layout, counts)
        n_stages = len(layout.stages)
        self._sync(self.stages, {h.id: (h, i, n_stages) for i, h in enumerate(layout.stages)},
                   lambda el: StageHeaderItem(*el), StageHeaderItem.set_element, counts)
        self._sync(self.lanes, {h.id: h for h in layout.lanes}, LaneHeaderItem,
                   LaneHeaderItem.set_element, counts)
        lane_index = {h.id: i for i, h in enumerate(layout.lanes)}
        self._sync(self.cells,
                   {(c.stage_id, c.lane_id): (c, lane_index.get(c.lane_id, 0) % 2 == 1)
                    for c in layout.cells},
                   lambda el: CellItem(*el), CellItem.set_element, counts)
        scales = {s.lane_id: s for s in layout.scales}
        self._sync(self.scales, scales, ScaleItem, ScaleItem.set_element, counts)
        self._sync(self.scale_labels, scales, ScaleLabelsItem, ScaleLabelsItem.set_element,
                   counts)
        self._sync(self.curves, {c.id: c for c in layout.curves}, CurveItem,
                   CurveItem.set_curve, counts)
        self._sync(self.legend, {e.curve_id: e for e in layout.legend}, LegendItem,
                   LegendItem.set_element, counts)
        if self.title is None:
            self.title = TitleItem(layout.title)
            self.addItem(self.title)
            counts["added"] += 1
        elif self.title.set_element(layout.title):
            counts["changed"] += 1
        rect = qrect(layout.bounds)
        if rect != self.sceneRect():
            self.setSceneRect(rect)
        self.layout = layout
        self.last_changes = counts
        self.layoutApplied.emit()
        return counts

    def _sync_notes(self, layout: MapLayout, counts: dict[str, int]) -> None:
        """Notes, cell by cell: a cell whose tuple of boxes is the one shown is
        skipped whole, so an edit costs the cells it touched, not the map."""
        before = self.layout.by_cell if self.layout is not None else {}
        gone: set[str] = set()
        for key, old in before.items():
            now = layout.by_cell.get(key)
            if now is not old and not (key in layout.shifted and layout.shifted[key][0] is old):
                gone.update(b.id for b in old)
        for key, boxes in layout.by_cell.items():
            shown = before.get(key)
            if shown is boxes:
                continue
            shift = layout.shifted.get(key)
            if shift is not None and shift[0] is shown:  # the cell only moved
                notes = self.notes
                for box in boxes:
                    notes[box.id].shift(box)
                counts["changed"] += len(boxes)
                continue
            for box in boxes:
                gone.discard(box.id)
                item = self.notes.get(box.id)
                if item is None:
                    item = NoteItem(box)
                    self.addItem(item)
                    self.notes[box.id] = item
                    counts["added"] += 1
                elif item.set_note(box):
                    counts["changed"] += 1
        if self.layout is None and self.notes:  # items left from before a clear_map
            gone = set(self.notes) - set(layout.note_by_id)
        for note_id in gone:
            item = self.notes.pop(note_id, None)
            if item is not None:
                self.removeItem(item)
                counts["removed"] += 1

    def _sync(self, items: dict[K, I], elements: dict[K, Any], make: Callable[[Any], I],
              update: Callable[[I, Any], bool], counts: dict[str, int]) -> None:
        for key in [k for k in items if k not in elements]:
            self.removeItem(items.pop(key))
            counts["removed"] += 1
        for key, element in elements.items():
            item = items.get(key)
            if item is None:
                item = make(element)
                self.addItem(item)
                items[key] = item
                counts["added"] += 1
            elif update(item, element):
                counts["changed"] += 1

    def clear_map(self) -> None:
        """Remove every item (another session or an empty one is shown)."""
        for table in (self.notes, self.stages, self.lanes, self.cells, self.scales,
                      self.scale_labels, self.curves, self.legend):
            for item in table.values():
                self.removeItem(item)
            table.clear()
        if self.title is not None:
            self.removeItem(self.title)
            self.title = None
        self.layout = None
        self.setSceneRect(QRectF(0, 0, 1, 1))

    # -- lookups for views, tests and the editing layer -----------------------
    def note_item(self, note_id: str) -> NoteItem | None:
        return self.notes.get(note_id)

    def note_items(self) -> list[NoteItem]:
        return list(self.notes.values())

    def map_rect(self) -> QRectF:
        """The paper: the whole map as laid out."""
        return self.sceneRect()

    def selected_note_ids(self) -> list[str]:
        return [i.note_id for i in self.selectedItems() if isinstance(i, NoteItem)]

    # -- input: editing layers first, then the items ---------------------------
    def _offer(self, name: str, event: Any) -> bool:
        return any(getattr(h, name)(event) for h in list(self.input_handlers)
                   if hasattr(h, name))

    def mousePressEvent(self, event: Any) -> None:
        if not self._offer("mouse_press", event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        if not self._offer("mouse_move", event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:
        if not self._offer("mouse_release", event):
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: Any) -> None:
        if not self._offer("mouse_double_click", event):
            super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: Any) -> None:
        if not self._offer("context_menu", event):
            super().contextMenuEvent(event)

    # -- drawing --------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, qcolor(THEME.desk))
        if self.layout is None:
            return
        paper = qrect(self.layout.bounds)
        painter.fillRect(paper.translated(2, 3), qcolor("#1A0F172A"))
        painter.fillRect(paper, qcolor(THEME.paper))
