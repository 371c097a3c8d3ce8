"""Far-out notes: one item paints every note as a coloured rectangle.

Zoomed out below `LOD_OVERVIEW` a note is a plain filled rectangle anyway
(`qt_paint.LOD_PLAIN`), but Qt would still visit every note item and call its
Python `paint()` — 5,000 calls are most of a fit-all frame. So the view
switches the scene into overview mode (`set_active(True)`): every note item
gets `ItemHasNoContents` (Qt skips its paint but it stays selectable and
hit-testable, so clicking and rubber-band selection still work) and this one
item paints all notes with one `drawRects` per colour from cached batches.

The batches are rebuilt lazily after `layoutApplied` or an emphasis change
(find / filter dimming: dimmed notes are blended toward the paper, matches
get a ring). Selected notes are never in the cache: their items keep
painting themselves (so a drag far out moves live) and the overview draws a
selection outline around them. The minimap reuses `build_batches`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from paint.qt_paint import LOD_PLAIN, THEME, qcolor

from .highlight import DIM_OPACITY, HIGHLIGHT_COLOUR, highlighter
from .note_item import Z_NOTE, NoteItem

#: Below this level of detail notes are painted by the overview item.
LOD_OVERVIEW = LOD_PLAIN
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_AA = QPainter.RenderHint.Antialiasing
_ATTR = "_waymark_notes_overview"


def dimmed_colour(colour: QColor, paper: QColor | None = None) -> QColor:
    """What a note at DIM_OPACITY looks like over the paper, as one opaque colour."""
    p = paper or qcolor(THEME.paper)
    a = DIM_OPACITY
    return QColor.fromRgbF(colour.redF() * a + p.redF() * (1 - a),
                           colour.greenF() * a + p.greenF() * (1 - a),
                           colour.blueF() * a + p.blueF() * (1 - a))


class Batches:
    """Notes grouped for drawing: (colour, rects) runs, match rings, live (selected) items."""

    def __init__(self, fills: list[tuple[QColor, list[QRectF]]], rings: list[QRectF],
                 live: list[NoteItem]) -> None:
        self.fills = fills
        self.rings = rings
        self.live = live


def build_batches(notes: dict[str, NoteItem], with_live: bool = True) -> Batches:
    """Group the scene's note items by their drawn colour (emphasis included)."""
    groups: dict[int, tuple[QColor, list[QRectF]]] = {}
    rings: list[QRectF] = []
    live: list[NoteItem] = []
    dim_cache: dict[str, QColor] = {}
    for item in notes.values():
        if with_live and item.isSelected():
            live.append(item)
            continue
        n = item.note
        r = n.rect
        rect = QRectF(r.x, r.y, r.w, r.h)
        if item.dimmed:
            colour = dim_cache.get(n.colour)
            if colour is None:
                colour = dim_cache[n.colour] = dimmed_colour(qcolor(n.colour))
        else:
            colour = qcolor(n.colour)
        key = colour.rgba()
        group = groups.get(key)
        if group is None:
            group = groups[key] = (colour, [])
        group[1].append(rect)
        if item.highlighted:
            rings.append(rect)
    return Batches(list(groups.values()), rings, live)


def paint_batches(painter: QPainter, batches: Batches, ring_px: float = 2.0) -> None:
    """Draw grouped notes: fills without antialiasing (crisp and ~4x cheaper), rings on top.

    `ring_px` is the ring's width in device pixels (cosmetic pen), so matches
    stay visible however far out the map is."""
    aa = painter.testRenderHint(_AA)
    painter.setRenderHint(_AA, False)
    painter.setPen(Qt.PenStyle.NoPen)
    for colour, rects in batches.fills:
        painter.setBrush(colour)
        painter.drawRects(rects)
    if batches.rings:
        pen = QPen(qcolor(HIGHLIGHT_COLOUR), ring_px)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects(batches.rings)
    painter.setRenderHint(_AA, aa)


class NotesOverview(QGraphicsItem):
    """Paints all notes of a MapScene while the scene is in overview mode."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__()
        self.setZValue(Z_NOTE)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(_NO_CONTENTS, True)
        self._scene = scene
        self.active = False
        self._batches: Batches | None = None
        self._live: set[NoteItem] = set()  # selected: they paint themselves
        self._bounds = QRectF(scene.sceneRect())
        scene.addItem(self)
        layout_applied = getattr(scene, "layoutApplied", None)
        if layout_applied is not None:
            layout_applied.connect(self._layout_applied)
        scene.selectionChanged.connect(self._selection_changed)
        highlighter(scene).changed.connect(self.invalidate)

    @staticmethod
    def of(scene: QGraphicsScene) -> NotesOverview:
        """The scene's one overview item, made on first use."""
        existing = getattr(scene, _ATTR, None)
        if existing is None:
            existing = NotesOverview(scene)
            setattr(scene, _ATTR, existing)
        return existing

    def _notes(self) -> dict[str, NoteItem]:
        return getattr(self._scene, "notes", {})

    @staticmethod
    def _hand_over(item: NoteItem, to_overview: bool) -> None:
        # The flag is the state: only the overview sets it on a note item.
        if bool(item.flags() & _NO_CONTENTS) != to_overview:
            item.setFlag(_NO_CONTENTS, to_overview)

    # -- mode ---------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """Take over (or give back) the painting of every note item.

        Selected notes keep painting themselves, so a note dragged far out
        moves live (Qt repaints only items with contents when they move)."""
        if active == self.active:
            return
        self.active = active
        self._live = {i for i in self._scene.selectedItems() if isinstance(i, NoteItem)} \
            if active else set()
        for item in self._notes().values():
            self._hand_over(item, active and item not in self._live)
        self.setFlag(_NO_CONTENTS, not active)
        self.invalidate()

    def _selection_changed(self) -> None:
        if self.active:
            live = {i for i in self._scene.selectedItems() if isinstance(i, NoteItem)}
            for item in self._live - live:
                if item.scene() is self._scene:
                    self._hand_over(item, True)
            for item in live - self._live:
                self._hand_over(item, False)
            self._live = live
        self.invalidate()

    def _layout_applied(self) -> None:
        rect = self._scene.sceneRect()
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(rect)
        added = getattr(self._scene, "last_changes", {}).get("added", 1)
        if self.active and added:  # items made by this apply_layout start with contents
            for item in self._notes().values():
                if item not in self._live:
                    self._hand_over(item, True)
        self.invalidate()

    def invalidate(self, *_: Any) -> None:
        self._batches = None
        if self.active:
            self.update()

    def batches(self) -> Batches:
        """The cached grouping of the notes (rebuilt after any change)."""
        if self._batches is None:
            self._batches = build_batches(self._notes())
        return self._batches

    # -- QGraphicsItem ------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never hit: clicks and rubber bands reach the notes

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if not self.active:
            return
        batches = self.batches()
        paint_batches(painter, batches)
        if batches.live:  # selected notes paint their fill; an outline shows them far out
            painter.setRenderHint(_AA, False)
            pen = QPen(qcolor(THEME.selection), 2.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
            grow = 2.0 / max(lod, 1e-6)  # two device pixels outside the note
            for item in batches.live:
                rect = item.mapRectToScene(item.note_rect())
                painter.drawRect(rect.adjusted(-grow, -grow, grow, grow))


__all__ = ["LOD_OVERVIEW", "Batches", "NotesOverview", "build_batches", "dimmed_colour",
           "paint_batches"]
