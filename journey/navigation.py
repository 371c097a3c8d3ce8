"""Keyboard navigation over a laid-out map: arrows between notes and cells,
Tab through cells in reading order. Pure geometry on the layout."""

from __future__ import annotations

from .layout import CellBox, MapLayout, NoteBox

Cell = tuple[str, str]
DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def cells_in_order(layout: MapLayout) -> list[CellBox]:
    """Row by row (lane), left to right (stage)."""
    lane_rank = {h.id: i for i, h in enumerate(layout.lanes)}
    stage_rank = {h.id: i for i, h in enumerate(layout.stages)}
    return sorted(layout.cells, key=lambda c: (lane_rank[c.lane_id], stage_rank[c.stage_id]))


def step_cell(layout: MapLayout, cell: Cell | None, forward: bool = True) -> Cell | None:
    order = [(c.stage_id, c.lane_id) for c in cells_in_order(layout)]
    if not order:
        return None
    if cell not in order:
        return order[0] if forward else order[-1]
    i = order.index(cell) + (1 if forward else -1)
    return order[i % len(order)]


def neighbour_cell(layout: MapLayout, cell: Cell, direction: str) -> Cell | None:
    stages = [h.id for h in layout.stages]
    lanes = [h.id for h in layout.lanes]
    dx, dy = DIRECTIONS[direction]
    si, li = stages.index(cell[0]) + dx, lanes.index(cell[1]) + dy
    if 0 <= si < len(stages) and 0 <= li < len(lanes):
        return stages[si], lanes[li]
    return None


def _centre(n: NoteBox) -> tuple[float, float]:
    return n.rect.x + n.rect.w / 2, n.rect.y + n.rect.h / 2


def neighbour_note(layout: MapLayout, note_id: str, direction: str) -> str | None:
    """The nearest note in that direction (within a 45° cone), or None."""
    here = layout.note_by_id.get(note_id)
    if here is None:
        return None
    hx, hy = _centre(here)
    dx, dy = DIRECTIONS[direction]
    best, best_score = None, float("inf")
    for n in layout.notes:
        if n.id == note_id:
            continue
        x, y = _centre(n)
        along = (x - hx) * dx + (y - hy) * dy
        across = abs((x - hx) * dy) + abs((y - hy) * dx)
        if along <= 0 or across > along:
            continue
        score = along + 2 * across
        if score < best_score:
            best, best_score = n.id, score
    return best


def first_note_in(layout: MapLayout, cell: Cell) -> str | None:
    for n in layout.notes:
        if (n.stage_id, n.lane_id) == cell:
            return n.id
    return None
