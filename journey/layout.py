"""The layout: the geometry of a map in points (1/72 in), y growing downwards.

One layout, many renderers: the canvas, the PDF poster, the PNG poster and the
report's overview all draw exactly these rectangles and text lines, so what
prints is what the room saw. `layout_map` is pure and deterministic: the same
`MapData` and `Style` always give the same `MapLayout`.

The map grid lives here: stage columns, lane rows, cells and where each note
sits in them. Its parts: `layout_shapes` (the dataclasses), `layout_notes`
(text lines and note boxes), `layout_curves` (scales, curves, the legend);
everything a renderer needs is imported from this module.
"""

from __future__ import annotations

from .layout_curves import curve_legend, curve_segments, label_rect, scales_and_curves
from .layout_notes import boxed_lines, clear_caches, note_box, note_need, paragraph_lines
from .layout_shapes import (
    CellBox,
    CurvePointBox,
    CurveShape,
    HeaderBox,
    LegendEntry,
    MapLayout,
    NoteBox,
    NoteFace,
    Rect,
    ScaleShape,
    ScaleTick,
    Style,
    TagChip,
    TextLine,
    VoteDot,
)
from .models import LaneKind, lane_kind_label
from .queries import MapData
from .text import line_height

__all__ = [
    "CellBox", "CurvePointBox", "CurveShape", "HeaderBox", "LegendEntry", "MapLayout",
    "NoteBox", "NoteFace", "Rect", "ScaleShape", "ScaleTick", "Style", "TagChip", "TextLine", "VoteDot",
    "Layouter", "clear_caches", "curve_segments", "label_rect", "layout_map",
]


def _cell_rows(notes: list, votes: dict[str, list[str]], cols: int, width: float,
               st: Style) -> list[float]:
    """The height of each row of a cell's note grid: its tallest note's need."""
    rows: list[float] = []
    for i, note in enumerate(notes):
        need = note_need(note.text, note.tags, len(votes.get(note.id, ())), width, st)
        if i % cols == 0:
            rows.append(need)
        else:
            rows[-1] = max(rows[-1], need)
    return rows


def _lane_height(lane, cells_rows: list[list[float]], st: Style) -> float:
    """A lane is as tall as its fullest cell (`cells_rows`: each cell's row heights)."""
    if lane.collapsed:
        return st.collapsed_lane_h
    tallest = max((sum(r) + max(0, len(r) - 1) * st.note_gap
                   for r in cells_rows if r), default=0.0)
    notes_h = 2 * st.cell_pad + tallest if tallest else 0
    if lane.kind == LaneKind.EMOTION:
        return st.emotion_lane_h + (notes_h - st.cell_pad if tallest else 0)
    return max(st.min_lane_h, notes_h)


def _lane_header(lane, rect: Rect, st: Style) -> HeaderBox:
    """A lane's header: its name, and its kind under it when that says more."""
    h = rect.h
    kind_label = lane_kind_label(lane.kind, "")
    name_rect = Rect(rect.x, rect.y, rect.w, min(h, 3 * line_height(st.lane_header_size)
                                                   + 2 * st.header_pad))
    lines = boxed_lines(lane.name, name_rect, st.lane_header_size, 7, st.header_pad, True)
    if kind_label and kind_label.casefold() != lane.name.casefold() and not lane.collapsed:
        top = (lines[-1].baseline + st.kind_size * 0.6) if lines else rect.y + st.header_pad
        if top + line_height(st.kind_size) <= rect.bottom - 2:
            side = "right" if lines and lines[0].rtl else "left"  # under the name
            lines += paragraph_lines((kind_label,), rect.x + st.header_pad, top,
                                     rect.w - 2 * st.header_pad, st.kind_size, align=side)
    return HeaderBox(lane.id, rect, lines, lane.kind, bool(lane.collapsed))


def layout_map(data: MapData, style: Style | None = None) -> MapLayout:
    """The whole layout of `data`, from nothing (exports, tests, a first open)."""
    return Layouter().layout(data, style or Style())


class _CellPart:
    """One cell's notes as last laid out: the data list they came from, the cell's
    column count and note width, row heights, the cell's note origin and the boxes."""

    __slots__ = ("source", "shape", "rows", "origin", "boxes", "cellbox", "memo")

    def __init__(self, source: list | None, shape: tuple, rows: list[float],
                 memo: dict | None = None) -> None:
        self.source, self.shape, self.rows = source, shape, rows
        self.origin: tuple[float, float] | None = None
        self.boxes: tuple[NoteBox, ...] = ()
        self.cellbox: CellBox | None = None
        #: note id -> (the Note, its dots list, its box) as last made in this cell
        self.memo: dict = memo or {}


class Layouter:
    """Lays a map out again after an edit, re-fitting only what the edit touched.

    It keeps each cell's part (row heights, note boxes) between calls. A cell is
    laid out afresh when `dirty` names it, when its note list in `data` is another
    object than last time, or when its column width changed; a cell that only
    moved (a lane above grew, a stage on its left widened) gets its boxes shifted,
    keeping every `NoteFace`; an untouched cell keeps its very tuple of boxes.
    Stages, lanes, cells, curves and the title are recomputed (a few dozen, their
    text memoised). The result always equals `layout_map` of the same data — the
    model-based test checks that after every random edit."""

    def __init__(self) -> None:
        self._style: Style | None = None
        self._parts: dict[tuple[str, str], _CellPart] = {}

    def layout(self, data: MapData, style: Style,
               dirty: set[tuple[str, str]] | None = None) -> MapLayout:
        """`dirty`: the cells whose notes or votes changed; None = any may have."""
        st = style
        if st != self._style or dirty is None:
            self._parts = {} if st != self._style else self._parts
            self._style = st
            dirty = None
        return self._layout(data, st, dirty)

    def _layout(self, data: MapData, st: Style, dirty: set | None) -> MapLayout:
        x0 = st.margin + st.lane_header_w
        y_headers = st.margin + st.title_h
        y0 = y_headers + st.stage_header_h

        # Stage columns.
        stage_rects: dict[str, Rect] = {}
        cols: dict[str, int] = {}
        note_w: dict[str, float] = {}
        x = x0
        stages: list[HeaderBox] = []
        for stage in data.stages:
            w = stage.width or st.stage_w
            inner = w - 2 * st.cell_pad
            nw = min(st.note_w, inner)
            cols[stage.id] = max(1, int((inner + st.note_gap) // (nw + st.note_gap)))
            note_w[stage.id] = nw
            rect = Rect(x, y_headers, w, st.stage_header_h)
            stage_rects[stage.id] = rect
            stages.append(HeaderBox(stage.id, rect, boxed_lines(
                stage.name, rect, st.header_size, 8, st.header_pad, True, "center", "middle")))
            x += w
        right = max(x, x0 + 200)

        # Each cell's part: row heights of its note grid (a row is as tall as its
        # tallest note), re-fitted only where something changed.
        old_parts, parts = self._parts, {}
        for lane in data.lanes:
            for stage in data.stages:
                key = (stage.id, lane.id)
                source = data.notes.get(key)
                shape = (cols[stage.id], note_w[stage.id], bool(lane.collapsed))
                part = old_parts.get(key)
                if (part is None or dirty is None or key in dirty or part.source is not source
                        or part.shape != shape):
                    rows = [] if lane.collapsed else _cell_rows(
                        source or [], data.votes, shape[0], shape[1], st)
                    part = _CellPart(source, shape, rows, part.memo if part else None)
                parts[key] = part
        self._parts = parts

        # Lane rows.
        lanes: list[HeaderBox] = []
        lane_rects: dict[str, Rect] = {}
        y = y0
        for lane in data.lanes:
            h = _lane_height(lane, [parts[(s.id, lane.id)].rows for s in data.stages], st)
            rect = Rect(st.margin, y, st.lane_header_w, h)
            lane_rects[lane.id] = rect
            lanes.append(_lane_header(lane, rect, st))
            y += h
        bottom = max(y, y0 + 60)

        # Cells and notes: boxes made afresh for re-fitted cells, shifted for moved ones.
        cells: list[CellBox] = []
        notes: list[NoteBox] = []
        by_cell: dict[tuple[str, str], tuple[NoteBox, ...]] = {}
        shifted: dict[tuple[str, str], tuple[tuple[NoteBox, ...], float, float]] = {}
        for lane in data.lanes:
            lrect = lane_rects[lane.id]
            top_offset = st.emotion_lane_h - st.cell_pad if lane.kind == LaneKind.EMOTION else 0
            for stage in data.stages:
                srect = stage_rects[stage.id]
                key = (stage.id, lane.id)
                part = parts[key]
                cell = Rect(srect.x, lrect.y, srect.w, lrect.h)
                cell_notes = part.source or []
                box = part.cellbox
                if box is None or box.rect != cell or box.kind != lane.kind:
                    row_geo = []
                    top = cell.y + top_offset + st.cell_pad
                    for rh in part.rows:
                        row_geo.append((top, rh))
                        top += rh + st.note_gap
                    box = part.cellbox = CellBox(
                        stage.id, lane.id, cell, lane.kind,
                        len(cell_notes) if lane.collapsed else 0, tuple(row_geo))
                cells.append(box)
                if lane.collapsed or not cell_notes:
                    part.boxes, part.origin, part.memo = (), None, {}
                    continue
                origin = (cell.x + st.cell_pad, cell.y + top_offset + st.cell_pad)
                if part.origin is None:  # re-fitted: a note whose row, box and dots
                    c, nw = part.shape[0], part.shape[1]  # are as before keeps its box
                    row_geo, memo, made = box.rows, part.memo, {}
                    boxes = []
                    votes = data.votes
                    for i, note in enumerate(cell_notes):
                        r, k = divmod(i, c)
                        ry, rh = row_geo[r]
                        rect = Rect(origin[0] + k * (nw + st.note_gap), ry, nw, rh)
                        dots = votes.get(note.id, ())
                        was = memo.get(note.id)
                        if was is not None and was[0] is note and was[1] is dots and \
                                was[2].rect == rect:
                            nb = was[2]
                        else:
                            nb = note_box(note, rect, dots, st)
                        made[note.id] = (note, dots, nb)
                        boxes.append(nb)
                    part.boxes, part.memo = tuple(boxes), made
                elif part.origin != origin:
                    dx, dy = origin[0] - part.origin[0], origin[1] - part.origin[1]
                    was = part.boxes
                    part.boxes = tuple(
                        b.moved_to(Rect(b.rect.x + dx, b.rect.y + dy, b.rect.w, b.rect.h))
                        for b in was)
                    shifted[key] = (was, dx, dy)
                    part.memo = {}
                part.origin = origin
                by_cell[key] = part.boxes
                notes.extend(part.boxes)

        # Scales and curves in the emotion lanes.
        scales, curves = scales_and_curves(data, stage_rects, lane_rects, x0, right, st)

        # Title block.
        width = right + st.margin
        title_rect = Rect(st.margin, st.margin, width - 2 * st.margin, st.title_h - 8)
        subtitle = " · ".join(x for x in (
            data.map.name,
            f"Persona: {data.persona.name}" if data.persona else "",
            data.session.date,
            f"Facilitator: {data.session.facilitator}" if data.session.facilitator else "",
        ) if x)
        t_lines = boxed_lines(data.session.title, Rect(title_rect.x, title_rect.y, title_rect.w,
                                                  st.title_size * 1.3), st.title_size, 12, 0, True,
                         "left")
        t_lines += boxed_lines(subtitle, Rect(title_rect.x, title_rect.y + st.title_size * 1.35,
                                         title_rect.w, st.subtitle_size * 1.4),
                          st.subtitle_size, 7, 0, align="left")
        title = HeaderBox(data.map.id, title_rect, t_lines)

        result = MapLayout(width, bottom + st.margin, st, title, stages, lanes, cells, notes,
                           curves, scales, by_cell=by_cell, shifted=shifted)
        if len(curves) >= 2 and scales:
            header = next(h for h in lanes if h.id == scales[0].lane_id)
            result.legend = curve_legend(curves, header, scales[0], st)
        return result
