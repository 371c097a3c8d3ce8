"""The sticky-note item: draws one `NoteBox` of the layout, owns nothing else.

The item sits at the note rect's top-left and paints the note's `NoteFace`
(relative to that corner) through `paint.qt_paint.paint_face`, shared with the
PNG poster. A note that only moved keeps its face, so the binder just calls
`setPos` and the item keeps its cached pixmap. Text glyphs are cached per line
by `qt_paint`, so a frame only blits them; far out it draws a plain rectangle.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from journey.layout import NoteBox
from paint.qt_paint import LOD_PLAIN, note_bounds, paint_face, qcolor

from .highlight import DIM_OPACITY, HIGHLIGHT_COLOUR, HIGHLIGHT_WIDTH

Z_NOTE = 2.0
#: The smallest vote dot drawn, in screen pixels: 12 px on a 1080p projector is
#: ~1/90 of the picture's height, about 2.5 cm on a 2 m-high screen, which the
#: back of a 10 m room still sees (a 1 arc-minute eye resolves ~3 mm there; a
#: dot wants several times that to read as a coloured dot). Smaller dots turn
#: into one count badge (`paint.qt_paint.paint_vote_badge`).
MIN_DOT_PX = 12.0
HALO = 4.0  # width of the selection halo around a selected note
_HALO_COLOUR = QColor(0, 114, 178, 90)  # THEME.selection, translucent


class NoteItem(QGraphicsRectItem):
    """One note on the canvas, keyed by the note id.

    A QGraphicsRectItem whose rect is the painted area (shadow included) so
    bounding-rect and hit tests stay in C++; only `paint` runs Python."""

    def __init__(self, note: NoteBox) -> None:
        super().__init__()
        self.setPen(Qt.PenStyle.NoPen)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        # No hover outline: a pointer parked on a note (the facilitator's hand off
        # the mouse, the selection moved on by keys) left a dashed ring the room
        # read as a second selection. Only the selected note is outlined.
        self.setZValue(Z_NOTE)
        # Repaints that only move or blit (scroll, selection elsewhere, sticky
        # headers) reuse the note's pixmap; see docs/PERFORMANCE.md.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._note = note
        self._plain_rect = QRectF(0, 0, note.rect.w, note.rect.h)
        self._plain_colour = qcolor(note.colour)
        self.setRect(self._local(note_bounds(note)).adjusted(-HALO, -HALO, HALO, HALO))
        self.setPos(note.rect.x, note.rect.y)
        self.setToolTip(self._tooltip())

    # -- model binding ------------------------------------------------------
    @property
    def note(self) -> NoteBox:
        return self._note

    @property
    def note_id(self) -> str:
        return self._note.id

    def set_note(self, note: NoteBox) -> bool:
        """Take a new layout box; touches Qt only for what changed. True if changed.

        A box with the same face that only moved is a `setPos`: the cached pixmap
        stays (no `update`), so a lane shifting under an edit repaints nothing."""
        old = self._note
        if note is old:
            return False
        self._note = note
        moved = (note.rect.x, note.rect.y) != (old.rect.x, old.rect.y)
        if note.face is old.face or note.face == old.face:
            if moved:
                self.setPos(note.rect.x, note.rect.y)
            return moved or note != old
        self._plain_rect = QRectF(0, 0, note.rect.w, note.rect.h)
        self._plain_colour = qcolor(note.colour)
        if (note.rect.w, note.rect.h) != (old.rect.w, old.rect.h):
            # setRect prepares the geometry change itself.
            self.setRect(self._local(note_bounds(note)).adjusted(-HALO, -HALO, HALO, HALO))
        if moved:
            self.setPos(note.rect.x, note.rect.y)
        if (note.text, note.tags, note.author, note.votes) != (old.text, old.tags,
                                                               old.author, old.votes):
            self.setToolTip(self._tooltip())
        self.update()
        return True

    def shift(self, note: NoteBox) -> None:
        """Take `note`, the current box moved with the same face: a move only, the
        cached pixmap kept (the binder's path for a cell that only moved)."""
        self._note = note
        self.setPos(note.rect.x, note.rect.y)

    def note_rect(self) -> QRectF:
        """The note's rectangle in item coordinates (the layout rect at pos)."""
        return QRectF(0, 0, self._note.rect.w, self._note.rect.h)

    # -- find / filter emphasis (set by canvas.highlight, never stored) ------
    dimmed = False  #: faded: left out by find or filter
    highlighted = False  #: ringed: a find match

    def set_emphasis(self, dimmed: bool, highlighted: bool) -> None:
        if dimmed != self.dimmed:
            self.dimmed = dimmed
            self.setOpacity(DIM_OPACITY if dimmed else 1.0)  # applied by Qt, cache kept
        if highlighted != self.highlighted:
            self.highlighted = highlighted
            self.update()

    # -- QGraphicsItem ------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_PLAIN:  # far out: the cheapest possible frame, no translation
            painter.fillRect(self._plain_rect, self._plain_colour)
            return
        selected = self.isSelected()
        paint_face(painter, self._note.face, lod, selected, MIN_DOT_PX)
        if selected:  # a soft halo so a selection reads from the back of the room
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(_HALO_COLOUR, HALO))
            painter.drawRect(self._plain_rect.adjusted(-HALO / 2 - 1, -HALO / 2 - 1,
                                                       HALO / 2 + 1, HALO / 2 + 1))
        if self.highlighted:  # a find match: a ring on the note's edge
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(qcolor(HIGHLIGHT_COLOUR), HIGHLIGHT_WIDTH))
            painter.drawRect(self._plain_rect)

    # -- helpers ------------------------------------------------------------
    def _local(self, scene_rect: QRectF) -> QRectF:
        return scene_rect.translated(-self._note.rect.x, -self._note.rect.y)

    def _tooltip(self) -> str:
        n = self._note
        parts = []
        if n.truncated:
            parts.append(n.text)
        if n.author:
            parts.append(f"by {n.author}")
        if n.tags:
            parts.append(f"tags: {n.tags}")
        if n.votes:
            parts.append(f"{n.votes} vote" + ("" if n.votes == 1 else "s"))
        return "\n".join(parts)


__all__ = ["NoteItem", "Z_NOTE"]
