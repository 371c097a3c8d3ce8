"""What a layout is made of: rectangles and text lines in points, the boxes of
notes, headers and cells, the curves and scales, and the `Style` of every size.

Plain frozen dataclasses, so every renderer (canvas, posters, report) reads the
same values and a relayout can keep an unchanged box by identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


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
class NoteFace:
    """What a note shows, in coordinates relative to its top-left corner: the same
    face wherever the note sits, so a note that only moved keeps it (and the canvas
    its cached pixmap), and the layout's memo of faces survives any move."""

    w: float
    h: float
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


def _moved_line(line: TextLine, dx: float, dy: float) -> TextLine:
    return TextLine(line.text, line.x + dx, line.baseline + dy, line.size, line.bold,
                    line.width, line.rtl)


class NoteBox:
    """One note of the layout: its id, cell and absolute rect, and its `NoteFace`.

    Cheap to make (five slots), so shifting a lane re-makes boxes without laying
    out any text. `lines`, `dots`, `chips` and `more_votes` are the face's, moved
    to the note's place on first use (renderers of absolute coordinates: the PDF
    poster, thumbnails); the canvas paints the face itself, relative."""

    __slots__ = ("id", "stage_id", "lane_id", "rect", "face", "_placed")

    def __init__(self, id: str, stage_id: str, lane_id: str, rect: Rect,  # noqa: A002
                 face: NoteFace) -> None:
        self.id, self.stage_id, self.lane_id, self.rect, self.face = (
            id, stage_id, lane_id, rect, face)
        self._placed: tuple | None = None

    def moved_to(self, rect: Rect, stage_id: str | None = None,
                 lane_id: str | None = None) -> NoteBox:
        return NoteBox(self.id, stage_id or self.stage_id, lane_id or self.lane_id, rect,
                       self.face)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, NoteBox):
            return NotImplemented
        return (self.id == other.id and self.rect == other.rect
                and self.stage_id == other.stage_id and self.lane_id == other.lane_id
                and (self.face is other.face or self.face == other.face))

    def __hash__(self) -> int:
        return hash((self.id, self.rect))

    def __repr__(self) -> str:
        return f"NoteBox({self.id!r}, {self.stage_id!r}, {self.lane_id!r}, {self.rect!r})"

    # -- the face, as most readers want it ------------------------------------------
    colour = property(lambda self: self.face.colour)
    text = property(lambda self: self.face.text)
    font_size = property(lambda self: self.face.font_size)
    truncated = property(lambda self: self.face.truncated)
    votes = property(lambda self: self.face.votes)
    tags = property(lambda self: self.face.tags)
    author = property(lambda self: self.face.author)
    dot_r = property(lambda self: self.face.dot_r)
    voter = property(lambda self: self.face.voter)

    def _place(self) -> tuple:
        if self._placed is None:
            f, dx, dy = self.face, self.rect.x, self.rect.y
            self._placed = (
                tuple(_moved_line(ln, dx, dy) for ln in f.lines),
                tuple(VoteDot(d.cx + dx, d.cy + dy, d.r, d.colour) for d in f.dots),
                _moved_line(f.more_votes, dx, dy) if f.more_votes else None,
                tuple(TagChip(Rect(c.rect.x + dx, c.rect.y + dy, c.rect.w, c.rect.h),
                              _moved_line(c.label, dx, dy)) for c in f.chips))
        return self._placed

    @property
    def lines(self) -> tuple[TextLine, ...]:
        return self._place()[0]

    @property
    def dots(self) -> tuple[VoteDot, ...]:
        return self._place()[1]

    @property
    def more_votes(self) -> TextLine | None:
        return self._place()[2]

    @property
    def chips(self) -> tuple[TagChip, ...]:
        return self._place()[3]


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
    legend: list[LegendEntry] = field(default_factory=list)
    #: The notes of each cell in their order, the same tuple while a cell is unchanged
    #: (the canvas's binder skips a cell whose tuple it already shows).
    by_cell: dict[tuple[str, str], tuple[NoteBox, ...]] = field(default_factory=dict)
    #: Cells whose boxes are the previous layout's moved by (dx, dy), faces kept:
    #: cell -> (the previous tuple, dx, dy). The binder just moves their items.
    shifted: dict[tuple[str, str], tuple[tuple[NoteBox, ...], float, float]] = field(
        default_factory=dict, repr=False, compare=False)
    _note_by_id: dict[str, NoteBox] | None = field(default=None, init=False, repr=False,
                                                   compare=False)

    @property
    def note_by_id(self) -> dict[str, NoteBox]:
        """Notes by id, made on first use (most edits never ask)."""
        if self._note_by_id is None:
            self._note_by_id = {n.id: n for n in self.notes}
        return self._note_by_id

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
