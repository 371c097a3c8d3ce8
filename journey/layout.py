"""The layout: the geometry of a map in points (1/72 in), y growing downwards.

One layout, many renderers: the canvas, the PDF poster, the PNG poster and the
report's overview all draw exactly these rectangles and text lines, so what
prints is what the room saw. `layout_map` is pure and deterministic: the same
`MapData` and `Style` always give the same `MapLayout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .fonts import ASCENT, metrics
from .models import LaneKind, lane_kind_label
from .palette import curve_colours, note_fill
from .queries import MapData
from .shaping import paragraph_rtl
from .text import fit_text, line_height, wrap


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, other: Rect, eps: float = 1e-6) -> bool:
        return (other.x >= self.x - eps and other.y >= self.y - eps
                and other.right <= self.right + eps and other.bottom <= self.bottom + eps)

    def intersects(self, other: Rect, eps: float = 1e-6) -> bool:
        return (self.x < other.right - eps and other.x < self.right - eps
                and self.y < other.bottom - eps and other.y < self.bottom - eps)


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float  # left end of the line
    baseline: float
    size: float
    bold: bool = False
    width: float = 0.0
    #: The direction of the paragraph the line belongs to (a note's, a header's): every
    #: line of it is laid out in that direction (bidi). None: the line's own.
    rtl: bool | None = None


@dataclass(frozen=True)
class Style:
    """Every size of the map in points; `scaled` gives the presentation variant."""

    margin: float = 24
    title_h: float = 60
    title_size: float = 22
    subtitle_size: float = 11
    lane_header_w: float = 150
    stage_header_h: float = 44
    stage_w: float = 260
    header_size: float = 13
    lane_header_size: float = 11
    kind_size: float = 8
    header_pad: float = 8
    cell_pad: float = 10
    note_w: float = 110
    note_h: float = 80
    note_gap: float = 8
    note_pad: float = 6
    note_size: float = 12
    #: Note text never shrinks below this (9 pt is 9 px at 100 % — the smallest a
    #: projector keeps legible); a long note grows taller instead (`note_floor`).
    note_min_size: float = 9
    note_max_h: float = 640  # a note grows up to 8 standard heights, then is cut
    tag_size: float = 9
    min_lane_h: float = 100
    emotion_lane_h: float = 180
    collapsed_lane_h: float = 28
    vote_r: float = 3.2
    curve_label_size: float = 8
    scale_size: float = 8

    @property
    def note_floor(self) -> float:
        """The smallest note text before the note grows: one small step (1/8) below
        the note size, so a long note keeps the look of its neighbours, never
        under `note_min_size` (and never above the note size itself)."""
        return min(self.note_size, max(self.note_min_size, self.note_size * 0.875))

    def scaled(self, text_factor: float) -> Style:
        """Same geometry with larger text (presentation mode, base text size)."""
        return replace(self, note_size=self.note_size * text_factor,
                       header_size=self.header_size * text_factor,
                       lane_header_size=self.lane_header_size * text_factor,
                       tag_size=self.tag_size * text_factor)


@dataclass(frozen=True)
class VoteDot:
    cx: float
    cy: float
    r: float
    colour: str


@dataclass(frozen=True)
class TagChip:
    """One "#tag" chip at the bottom of a note: a rounded box and its label."""

    rect: Rect
    label: TextLine


@dataclass(frozen=True)
class NoteBox:
    id: str
    stage_id: str
    lane_id: str
    rect: Rect
    colour: str
    text: str
    lines: tuple[TextLine, ...]
    font_size: float
    truncated: bool
    votes: int = 0
    dots: tuple[VoteDot, ...] = ()
    more_votes: TextLine | None = None
    tags: str = ""
    author: str = ""
    chips: tuple[TagChip, ...] = ()
    dot_r: float = 0.0  # the radius of a vote dot (0 without votes), drawn or not
    voter: str = ""  # the one colour of all its votes ("" when several people voted)


@dataclass(frozen=True)
class HeaderBox:
    id: str
    rect: Rect
    lines: tuple[TextLine, ...]
    kind: str = ""
    collapsed: bool = False  # a lane folded to one line (its notes are counted, not drawn)


@dataclass(frozen=True)
class CellBox:
    stage_id: str
    lane_id: str
    rect: Rect
    kind: str
    hidden_notes: int = 0  # notes not drawn because the lane is collapsed
    #: (top, height) of each row of notes: rows grow with their tallest note.
    rows: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class CurvePointBox:
    id: str
    stage_id: str
    x: float
    y: float
    score: float
    label: TextLine | None


@dataclass(frozen=True)
class CurveShape:
    id: str
    name: str
    colour: str
    points: tuple[CurvePointBox, ...]
    #: Cubic Bézier segments (p0, c1, c2, p1), each point an (x, y) pair.
    segments: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class LegendEntry:
    """One curve in the legend drawn in the emotion lane's header (2+ curves)."""

    curve_id: str
    colour: str
    swatch: tuple[tuple[float, float], tuple[float, float]]  # a short stroke, (x, y) ends
    lines: tuple[TextLine, ...]  # the curve's name, wrapped to the header


@dataclass(frozen=True)
class ScaleTick:
    value: int
    y: float
    label: TextLine


@dataclass(frozen=True)
class ScaleShape:
    lane_id: str
    area: Rect  # where scores map to y: top = scale max, bottom = scale min
    scale_min: int
    scale_max: int
    ticks: tuple[ScaleTick, ...]
    neutral_y: float | None  # the 0 line for signed scales


@dataclass
class MapLayout:
    width: float
    height: float
    style: Style
    title: HeaderBox
    stages: list[HeaderBox]
    lanes: list[HeaderBox]
    cells: list[CellBox]
    notes: list[NoteBox]
    curves: list[CurveShape]
    scales: list[ScaleShape]
    note_by_id: dict[str, NoteBox] = field(default_factory=dict)
    legend: list[LegendEntry] = field(default_factory=list)

    @property
    def bounds(self) -> Rect:
        return Rect(0, 0, self.width, self.height)

    def cell(self, stage_id: str, lane_id: str) -> CellBox | None:
        for c in self.cells:
            if c.stage_id == stage_id and c.lane_id == lane_id:
                return c
        return None

    def text_lines(self) -> list[TextLine]:
        """Every line of text the layout draws (for legibility figures and tests)."""
        out = list(self.title.lines)
        for h in self.stages + self.lanes:
            out.extend(h.lines)
        for n in self.notes:
            out.extend(n.lines)
            out.extend(c.label for c in n.chips)
        for c in self.curves:
            out.extend(p.label for p in c.points if p.label)
        for s in self.scales:
            out.extend(t.label for t in s.ticks)
        for e in self.legend:
            out.extend(e.lines)
        return out


# -- text helpers -----------------------------------------------------------

def _lines(texts: tuple[str, ...], x: float, top: float, width: float, size: float,
           bold: bool = False, align: str = "start",
           widths: tuple[float, ...] | None = None) -> tuple[TextLine, ...]:
    """The wrapped lines of one paragraph, all in its direction (its first strong
    letter). "start" is the paragraph's own side: right for right-to-left text, as
    every editor sets it; "left", "center" and "right" are fixed."""
    m = metrics("sans-bold" if bold else "sans")
    rtl = paragraph_rtl(" ".join(texts))
    if align == "start":
        align = "right" if rtl else "left"
    out = []
    for i, t in enumerate(texts):
        w = widths[i] if widths else m.width(t, size)
        lx = x + (width - w) / 2 if align == "center" else (x + width - w if align == "right" else x)
        out.append(TextLine(t, lx, top + i * line_height(size) + size * ASCENT, size, bold, w,
                            rtl))
    return tuple(out)


def _boxed(text: str, rect: Rect, size: float, min_size: float, pad: float,
           bold: bool = False, align: str = "start", valign: str = "top"
           ) -> tuple[TextLine, ...]:
    style = "sans-bold" if bold else "sans"
    inner_w, inner_h = max(1.0, rect.w - 2 * pad), max(1.0, rect.h - 2 * pad)
    fitted = fit_text(text, inner_w, inner_h, size, min_size, style)
    top = rect.y + pad
    if valign == "middle":
        top += (inner_h - len(fitted.lines) * line_height(fitted.size)) / 2
    return _lines(fitted.lines, rect.x + pad, top, inner_w, fitted.size, bold, align,
                  fitted.widths)


# -- the layout ---------------------------------------------------------------

CHIP_PAD = 3.0  # a tag chip's text inset, in points
CHIP_GAP = 3.0  # between chips and between chip rows
CHIP_ROWS = 2  # more tags than fit in two rows end with a "+n" chip


def _tag_labels(tags: str) -> list[str]:
    return [f"#{t.strip()}" for t in tags.split(",") if t.strip()]


@lru_cache(maxsize=20_000)
def _chip_rows(tags: str, width: float, size: float) -> tuple[tuple[tuple[str, float], ...], ...]:
    """The note's tags as rows of (label, chip width), at most CHIP_ROWS rows wide
    `width`; a label too wide for a row is cut with an ellipsis, tags left over
    end the last row as a "+n" chip."""
    labels = _tag_labels(tags)
    if not labels:
        return ()
    m = metrics("sans")
    inner = max(1.0, width - 2 * CHIP_PAD)
    rows: list[list[tuple[str, float]]] = [[]]
    used = 0.0
    for i, label in enumerate(labels):
        if m.width(label, size) > inner:
            label = (fit_text(label, inner, line_height(size), size, size).lines or ("…",))[0]
        w = m.width(label, size) + 2 * CHIP_PAD
        if rows[-1] and used + CHIP_GAP + w > width:
            if len(rows) == CHIP_ROWS:
                more = f"+{len(labels) - i}"
                mw = m.width(more, size) + 2 * CHIP_PAD
                while rows[-1] and used + CHIP_GAP + mw > width:
                    used -= rows[-1].pop()[1] + CHIP_GAP
                rows[-1].append((more, mw))
                break
            rows.append([])
            used = 0.0
        used += (CHIP_GAP if rows[-1] else 0.0) + w
        rows[-1].append((label, w))
    return tuple(tuple(r) for r in rows)


def _chip_h(size: float) -> float:
    return line_height(size) + 2


def _reserved(tags: str, votes: int, width: float, st: Style) -> float:
    """Height at the bottom of a note taken by its tag chips and vote dots."""
    n = len(_chip_rows(tags, width, st.tag_size))
    chips = n * (_chip_h(st.tag_size) + CHIP_GAP) if n else 0.0
    return chips + (2 * st.vote_r + 3 if votes else 0.0)


@lru_cache(maxsize=100_000)
def _note_need(text: str, tags: str, votes: int, width: float, st: Style) -> float:
    """The height a note needs: the standard height while its text fits there at
    no less than `note_floor`, else tall enough for every line at the floor size
    (up to `note_max_h`, beyond which the text is cut)."""
    pad = st.note_pad
    inner_w = max(1.0, width - 2 * pad)
    reserved = _reserved(tags, votes, inner_w, st)
    floor = st.note_floor
    fitted = fit_text(text, inner_w, max(1.0, st.note_h - reserved - 2 * pad),
                      st.note_size, floor)
    if not fitted.truncated:
        return st.note_h
    lines = len(wrap(text, inner_w, floor))
    need = 2 * pad + reserved + lines * line_height(floor) + 1e-3
    return min(st.note_max_h, max(st.note_h, math.ceil(need)))


def _cell_rows(notes: list, votes: dict[str, list[str]], cols: int, width: float,
               st: Style) -> list[float]:
    """The height of each row of a cell's note grid: its tallest note's need."""
    rows: list[float] = []
    for i, note in enumerate(notes):
        need = _note_need(note.text, note.tags, len(votes.get(note.id, ())), width, st)
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


def _note_box(note, rect: Rect, votes: list[str], st: Style) -> NoteBox:
    return _note_box_cached(note.id, note.stage_id, note.lane_id, note.text,
                            note_fill(note.colour), note.tags, note.author, rect,
                            tuple(votes), st)


@lru_cache(maxsize=100_000)
def _note_box_cached(note_id: str, stage_id: str, lane_id: str, text: str, colour: str,
                     tags: str, author: str, rect: Rect, votes: tuple[str, ...],
                     st: Style) -> NoteBox:
    """A note's box; cached so relaying out a big map after one edit costs little,
    and unchanged notes keep the identical NoteBox (the scene skips them).

    From the top: the text (shrunk at most to `note_floor`, the box having grown
    for it), then the tag chips, then the vote dots along the bottom edge."""
    pad = st.note_pad
    inner_w = max(1.0, rect.w - 2 * pad)
    dot_row = 2 * st.vote_r + 3 if votes else 0.0
    reserved = _reserved(tags, len(votes), inner_w, st)
    fitted = fit_text(text, inner_w, max(1.0, rect.h - reserved - 2 * pad),
                      st.note_size, st.note_floor)
    lines = _lines(fitted.lines, rect.x + pad, rect.y + pad, rect.w - 2 * pad, fitted.size,
                   widths=fitted.widths)
    chips: list[TagChip] = []
    size = st.tag_size
    chip_h = _chip_h(size)
    chip_rows = _chip_rows(tags, inner_w, size)
    y = rect.bottom - pad - dot_row - len(chip_rows) * (chip_h + CHIP_GAP) + CHIP_GAP
    for row in chip_rows:
        x = rect.x + pad
        for label, w in row:
            tw = w - 2 * CHIP_PAD
            chips.append(TagChip(Rect(x, y, w, chip_h), TextLine(
                label, x + CHIP_PAD, y + 1 + size * ASCENT, size, False, tw)))
            x += w + CHIP_GAP
        y += chip_h + CHIP_GAP
    dots: list[VoteDot] = []
    more = None
    if votes:
        step = 2 * st.vote_r + 2
        fit = max(1, int((rect.w - 2 * pad + 2) // step))
        shown = votes if len(votes) <= fit else votes[: max(0, fit - 3)]
        cy = rect.bottom - pad - st.vote_r
        for i, dot_colour in enumerate(shown):
            dots.append(VoteDot(rect.x + pad + st.vote_r + i * step, cy, st.vote_r, dot_colour))
        if len(shown) < len(votes):
            label = f"+{len(votes) - len(shown)}"
            x = rect.x + pad + len(shown) * step
            more = TextLine(label, x, cy + st.vote_r, 2.6 * st.vote_r, True,
                            metrics("sans-bold").width(label, 2.6 * st.vote_r))
    voters = {v.upper() for v in votes}
    return NoteBox(note_id, stage_id, lane_id, rect, colour, text, lines,
                   fitted.size, fitted.truncated, len(votes), tuple(dots), more, tags, author,
                   tuple(chips), st.vote_r if votes else 0.0,
                   votes[0] if len(voters) == 1 else "")


def _smooth(points: list[tuple[float, float]], top: float, bottom: float):
    """Catmull–Rom through the points as Béziers, control points kept inside the lane."""
    segs = []
    n = len(points)
    for i in range(n - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        c1 = (c1[0], min(bottom, max(top, c1[1])))
        c2 = (c2[0], min(bottom, max(top, c2[1])))
        segs.append((p1, c1, c2, p2))
    return tuple(segs)


def curve_segments(points: list[tuple[float, float]], top: float, bottom: float
                   ) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The smooth path through points inside [top, bottom] (for live drag previews)."""
    return _smooth(points, top, bottom)


def _label_rect(line: TextLine) -> Rect:
    return Rect(line.x - 1, line.baseline - line.size * ASCENT - 1, line.width + 2,
                line.size * 1.2 + 2)


def _free_label_baseline(placed: list[Rect], x: float, w: float, py: float, area: Rect,
                         st: Style) -> float:
    """Above the point if free, else below, else further out: never on another label."""
    size = st.curve_label_size
    candidates = [py - 8, py + 8 + size, py - 8 - 1.3 * size, py + 8 + 2.3 * size,
                  py - 8 - 2.6 * size, py + 8 + 3.6 * size]
    top, bottom = area.y - 14, area.bottom + 18
    for baseline in candidates:
        probe = _label_rect(TextLine("", x, baseline, size, False, w))
        if probe.y < top or probe.bottom > bottom:
            continue
        if not any(probe.intersects(r) for r in placed):
            return baseline
    return candidates[0] if py - 9 >= top else candidates[1]


def layout_map(data: MapData, style: Style | None = None) -> MapLayout:
    st = style or Style()
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
        stages.append(HeaderBox(stage.id, rect, _boxed(
            stage.name, rect, st.header_size, 8, st.header_pad, True, "center", "middle")))
        x += w
    right = max(x, x0 + 200)

    # Row heights of every cell's note grid (a row is as tall as its tallest note).
    cell_rows: dict[tuple[str, str], list[float]] = {}
    for lane in data.lanes:
        if lane.collapsed:
            continue
        for stage in data.stages:
            cell_rows[(stage.id, lane.id)] = _cell_rows(
                data.notes.get((stage.id, lane.id), []), data.votes, cols[stage.id],
                note_w[stage.id], st)

    # Lane rows.
    lanes: list[HeaderBox] = []
    lane_rects: dict[str, Rect] = {}
    y = y0
    for lane in data.lanes:
        h = _lane_height(lane, [cell_rows.get((s.id, lane.id), []) for s in data.stages], st)
        rect = Rect(st.margin, y, st.lane_header_w, h)
        lane_rects[lane.id] = rect
        kind_label = lane_kind_label(lane.kind, "")
        name_rect = Rect(rect.x, rect.y, rect.w, min(h, 3 * line_height(st.lane_header_size)
                                                       + 2 * st.header_pad))
        lines = _boxed(lane.name, name_rect, st.lane_header_size, 7, st.header_pad, True)
        if kind_label and kind_label.casefold() != lane.name.casefold() and not lane.collapsed:
            top = (lines[-1].baseline + st.kind_size * 0.6) if lines else rect.y + st.header_pad
            if top + line_height(st.kind_size) <= rect.bottom - 2:
                side = "right" if lines and lines[0].rtl else "left"  # under the name
                lines += _lines((kind_label,), rect.x + st.header_pad, top,
                                rect.w - 2 * st.header_pad, st.kind_size, align=side)
        lanes.append(HeaderBox(lane.id, rect, lines, lane.kind, bool(lane.collapsed)))
        y += h
    bottom = max(y, y0 + 60)

    # Cells and notes.
    cells: list[CellBox] = []
    notes: list[NoteBox] = []
    for lane in data.lanes:
        lrect = lane_rects[lane.id]
        top_offset = st.emotion_lane_h - st.cell_pad if lane.kind == LaneKind.EMOTION else 0
        for stage in data.stages:
            srect = stage_rects[stage.id]
            cell = Rect(srect.x, lrect.y, srect.w, lrect.h)
            cell_notes = data.notes.get((stage.id, lane.id), [])
            row_hs = cell_rows.get((stage.id, lane.id), [])
            row_geo = []
            top = cell.y + top_offset + st.cell_pad
            for rh in row_hs:
                row_geo.append((top, rh))
                top += rh + st.note_gap
            cells.append(CellBox(stage.id, lane.id, cell, lane.kind,
                                 len(cell_notes) if lane.collapsed else 0, tuple(row_geo)))
            if lane.collapsed:
                continue
            nw, c = note_w[stage.id], cols[stage.id]
            for i, note in enumerate(cell_notes):
                r, k = divmod(i, c)
                ry, rh = row_geo[r]
                rect = Rect(cell.x + st.cell_pad + k * (nw + st.note_gap), ry, nw, rh)
                notes.append(_note_box(note, rect, data.votes.get(note.id, []), st))

    # Scales and curves in the emotion lanes.
    scales: list[ScaleShape] = []
    curves: list[CurveShape] = []
    lo, hi = data.map.scale_min, data.map.scale_max
    emotion = [lane for lane in data.lanes if lane.kind == LaneKind.EMOTION and not lane.collapsed]
    for lane in emotion:
        lrect = lane_rects[lane.id]
        area = Rect(x0, lrect.y + 22, right - x0, st.emotion_lane_h - 44)
        ticks = []
        for v in range(lo, hi + 1):
            ty = area.y + (hi - v) / (hi - lo) * area.h
            label = (f"{v:+d}" if lo < 0 and v else str(v)).replace("-", "\u2212")
            w = metrics("sans").width(label, st.scale_size)
            ticks.append(ScaleTick(v, ty, TextLine(label, x0 - 6 - w, ty + st.scale_size * 0.35,
                                                   st.scale_size, False, w)))
        neutral = area.y + hi / (hi - lo) * area.h if lo < 0 < hi else None
        scales.append(ScaleShape(lane.id, area, lo, hi, tuple(ticks), neutral))
    if emotion:
        area = scales[0].area
        placed: list[Rect] = []  # labels already set, so curves' labels don't collide
        colours = curve_colours([cd.curve.colour for cd in data.curves])
        for cd, colour in zip(data.curves, colours, strict=True):
            per_stage: dict[str, list] = {}
            for p in cd.points:
                per_stage.setdefault(p.stage_id, []).append(p)
            boxes = []
            for stage in data.stages:
                pts = per_stage.get(stage.id, [])
                srect = stage_rects[stage.id]
                for k, p in enumerate(pts):
                    px = srect.x + (k + 1) / (len(pts) + 1) * srect.w
                    score = min(hi, max(lo, p.score))
                    py = area.y + (hi - score) / (hi - lo) * area.h
                    label = None
                    if p.label:
                        lw = srect.w / len(pts) - 8
                        fitted = fit_text(p.label, lw, line_height(st.curve_label_size),
                                          st.curve_label_size, st.curve_label_size)
                        if fitted.lines:
                            t = fitted.lines[0]
                            tw = metrics("sans").width(t, st.curve_label_size)
                            by = _free_label_baseline(placed, px - tw / 2, tw, py, area, st)
                            label = TextLine(t, px - tw / 2, by, st.curve_label_size, False, tw)
                            placed.append(_label_rect(label))
                    boxes.append(CurvePointBox(p.id, stage.id, px, py, p.score, label))
            segs = _smooth([(b.x, b.y) for b in boxes], area.y, area.bottom)
            curves.append(CurveShape(cd.curve.id, cd.curve.name, colour, tuple(boxes), segs))

    # Title block.
    width = right + st.margin
    title_rect = Rect(st.margin, st.margin, width - 2 * st.margin, st.title_h - 8)
    subtitle = " · ".join(x for x in (
        data.map.name,
        f"Persona: {data.persona.name}" if data.persona else "",
        data.session.date,
        f"Facilitator: {data.session.facilitator}" if data.session.facilitator else "",
    ) if x)
    t_lines = _boxed(data.session.title, Rect(title_rect.x, title_rect.y, title_rect.w,
                                              st.title_size * 1.3), st.title_size, 12, 0, True,
                     "left")
    t_lines += _boxed(subtitle, Rect(title_rect.x, title_rect.y + st.title_size * 1.35,
                                     title_rect.w, st.subtitle_size * 1.4),
                      st.subtitle_size, 7, 0, align="left")
    title = HeaderBox(data.map.id, title_rect, t_lines)

    result = MapLayout(width, bottom + st.margin, st, title, stages, lanes, cells, notes,
                       curves, scales)
    result.note_by_id = {n.id: n for n in notes}
    if len(curves) >= 2 and scales:
        header = next(h for h in lanes if h.id == scales[0].lane_id)
        result.legend = _legend(curves, header, scales[0], st)
    return result


def _legend(curves: list[CurveShape], header: HeaderBox, scale: ScaleShape,
            st: Style) -> list[LegendEntry]:
    """Curve names with their colours, stacked under the emotion lane's name.

    They keep left of the score labels (which sit at the header's right) and
    stop where the header ends, so nothing overlaps."""
    r = header.rect
    size = st.curve_label_size
    left = r.x + st.header_pad
    text_x = left + 16
    label_left = min((t.label.x for t in scale.ticks), default=r.right)
    width = label_left - 6 - text_x
    y = (header.lines[-1].baseline + size * 1.2) if header.lines else r.y + st.header_pad
    out: list[LegendEntry] = []
    for curve in curves:
        fitted = fit_text(curve.name or "Curve", max(20.0, width), 2 * line_height(size),
                          size, 6.5)
        lines = _lines(fitted.lines, text_x, y, width, fitted.size, align="left",
                       widths=fitted.widths)  # beside its swatch
        height = len(lines) * line_height(fitted.size)
        if not lines or y + height > r.bottom - 4:
            break
        mid = lines[0].baseline - fitted.size * 0.32
        out.append(LegendEntry(curve.id, curve.colour, ((left, mid), (left + 12, mid)), lines))
        y += height + 3
    return out
