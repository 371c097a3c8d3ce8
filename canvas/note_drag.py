"""Dragging notes: the items follow the pointer, the drop target is shown, and the
result is where the notes go. Nothing here writes to storage.

A drag moves the selected `NoteItem`s live with `setPos` (cheap: no layout,
no commit) and shows a `DropIndicator` — the cell under the pointer and an
insertion bar between its notes. On release `finish` puts every item back at
its layout position and returns the `DropTarget`; the UI turns it into ONE
`move_notes` command (one block move, `journey.ops.move_notes`), whose new
layout then moves the items for real. Esc or a release outside every cell is
`cancel`: the notes snap back.

The slot geometry (`grid`, `slot_rect`, `slot_index`) mirrors how
`journey.layout` flows notes through a cell, so the bar sits exactly where
the dropped notes will land.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from journey.layout import CellBox, MapLayout, Rect
from journey.models import LaneKind

from .drop_indicator import DropIndicator
from .note_item import Z_NOTE, NoteItem

Cell = tuple[str, str]
Z_DRAGGED = 20.0
BAR_W = 5.0


# -- slot geometry (pure) --------------------------------------------------------

def cell_at(layout: MapLayout, x: float, y: float) -> CellBox | None:
    """The cell containing the scene point (x, y), or None."""
    for c in layout.cells:
        r = c.rect
        if r.x <= x < r.right and r.y <= y < r.bottom:
            return c
    return None


def grid(layout: MapLayout, cell: CellBox) -> tuple[float, float, int, float]:
    """(left, top, columns, note width) of the note flow in a cell, as the layout does it."""
    st = layout.style
    inner = cell.rect.w - 2 * st.cell_pad
    nw = min(st.note_w, inner)
    cols = max(1, int((inner + st.note_gap) // (nw + st.note_gap)))
    offset = st.emotion_lane_h - st.cell_pad if cell.kind == LaneKind.EMOTION else 0.0
    return cell.rect.x + st.cell_pad, cell.rect.y + offset + st.cell_pad, cols, nw


def _row(layout: MapLayout, cell: CellBox, top: float, row: int) -> tuple[float, float]:
    """(top, height) of a row of the cell's grid: the layout's rows (each as tall as
    its tallest note), then standard rows below the last one."""
    st = layout.style
    if row < len(cell.rows):
        return cell.rows[row]
    if cell.rows:
        y, h = cell.rows[-1]
        top, row = y + h + st.note_gap, row - len(cell.rows)
    return top + row * (st.note_h + st.note_gap), st.note_h


def slot_rect(layout: MapLayout, cell: CellBox, index: int) -> Rect:
    """Where the note at `index` of the cell is (or would be) drawn."""
    st = layout.style
    left, top, cols, nw = grid(layout, cell)
    row, col = divmod(max(0, index), cols)
    y, h = _row(layout, cell, top, row)
    return Rect(left + col * (nw + st.note_gap), y, nw, h)


def slot_index(layout: MapLayout, cell: CellBox, x: float, y: float, count: int) -> int:
    """The insertion index (0..count) nearest to the point: left half of a slot
    inserts before that note, right half after it."""
    st = layout.style
    left, top, cols, nw = grid(layout, cell)
    row = 0
    while True:  # the row whose band (half the gap above and below included) holds y
        ry, rh = _row(layout, cell, top, row)
        if y < ry + rh + st.note_gap / 2 or row > count:
            break
        row += 1
    col = math.floor((x - left + st.note_gap / 2) / (nw + st.note_gap) + 0.5)
    col = min(cols, max(0, col))
    return min(count, row * cols + col)


def bar_rect(layout: MapLayout, cell: CellBox, index: int, count: int) -> QRectF:
    """The insertion bar before note `index` (after the last one when index == count)."""
    gap = layout.style.note_gap
    if index < count or count == 0:
        r = slot_rect(layout, cell, index)
        x = r.x - gap / 2
    else:
        r = slot_rect(layout, cell, count - 1)
        x = r.right + gap / 2
    return QRectF(x - BAR_W / 2, r.y - 3, BAR_W, r.h + 6)


def reading_order(layout: MapLayout, ids: list[str]) -> list[str]:
    """`ids` sorted the way the journey reads: stage by stage, lane by lane, in cell order."""
    stage_rank = {h.id: i for i, h in enumerate(layout.stages)}
    lane_rank = {h.id: i for i, h in enumerate(layout.lanes)}
    index = {n.id: i for i, n in enumerate(layout.notes)}

    def key(note_id: str) -> tuple[int, int, int]:
        n = layout.note_by_id.get(note_id)
        if n is None:
            return (1 << 30, 0, 0)
        return stage_rank.get(n.stage_id, 0), lane_rank.get(n.lane_id, 0), index[note_id]

    return sorted(ids, key=key)


# -- the drag ------------------------------------------------------------------

@dataclass(frozen=True)
class DropTarget:
    cell: Cell
    #: Insertion index among the cell's notes that are not dragged (None = at the end).
    index: int | None


class NoteDrag:
    """One drag of some notes; `update` while moving, then `finish` or `cancel`."""

    def __init__(self, layout: MapLayout, items: list[NoteItem], start: QPointF,
                 indicator: DropIndicator) -> None:
        self.layout = layout
        self.items = items
        self.ids = [i.note_id for i in items]
        self.start = QPointF(start)
        self.indicator = indicator
        self.origins = [QPointF(i.pos()) for i in items]
        self.target: DropTarget | None = None
        self._cell_notes: dict[Cell, list[str]] = {}
        for n in layout.notes:
            self._cell_notes.setdefault((n.stage_id, n.lane_id), []).append(n.id)
        for item in items:
            item.setZValue(Z_DRAGGED)
            item.setOpacity(0.75)

    def update(self, pos: QPointF) -> DropTarget | None:
        """Move the notes with the pointer and show where they would land."""
        delta = pos - self.start
        for item, origin in zip(self.items, self.origins, strict=True):
            item.setPos(origin + delta)
        self.target = self.target_at(pos)
        return self.target

    def target_at(self, pos: QPointF) -> DropTarget | None:
        cell = cell_at(self.layout, pos.x(), pos.y())
        if cell is None:
            self.indicator.hide()
            return None
        key = (cell.stage_id, cell.lane_id)
        rect = QRectF(cell.rect.x, cell.rect.y, cell.rect.w, cell.rect.h)
        if cell.hidden_notes:  # a collapsed lane: to the end, no bar to show
            self.indicator.show_target(rect, None)
            return DropTarget(key, None)
        notes = self._cell_notes.get(key, [])
        at = slot_index(self.layout, cell, pos.x(), pos.y(), len(notes))
        moving = set(self.ids)
        self.indicator.show_target(rect, bar_rect(self.layout, cell, at, len(notes)))
        return DropTarget(key, sum(1 for i in notes[:at] if i not in moving))

    def finish(self, pos: QPointF) -> DropTarget | None:
        """End the drag: the items go back to their layout places; the target or None."""
        target = self.target_at(pos)
        self.cancel()
        return target

    def cancel(self) -> None:
        for item in self.items:  # back to the layout's place, the only truth
            if item.scene() is not None:
                item.setPos(item.note.rect.x, item.note.rect.y)
                item.setZValue(Z_NOTE)
                item.setOpacity(1.0)
        self.indicator.hide()
        self.target = None


__all__ = ["DropTarget", "NoteDrag", "bar_rect", "cell_at", "grid",
           "reading_order", "slot_index", "slot_rect"]
