"""Find and filter emphasis: which notes are highlighted and which are dimmed.

The state is a view concern only: it lives here, keyed by note id, and is
pushed onto the note items (`NoteItem.set_emphasis`), never into storage or
the layout. Because the scene's binder keeps items keyed by id and creates
new ones after edits, the state is re-applied on every `layoutApplied`, so
dimming survives edits, undo and redo; ids that no longer exist are simply
ignored.

Two independent sources combine:
- find: a set of matching ids (highlighted) — every other note is dimmed;
- filter: a set of passing ids — every other note is dimmed.
A note is dimmed if either active source leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGraphicsScene

#: How much of a dimmed note shows through (opacity on the canvas; a blend
#: toward the paper in the far-out overview and the minimap).
DIM_OPACITY = 0.22
#: The ring around find matches (Okabe–Ito vermillion: apart from every note fill).
HIGHLIGHT_COLOUR = "#D55E00"
HIGHLIGHT_WIDTH = 3.0

_ATTR = "_waymark_highlighter"


class Highlighter(QObject):
    """Emphasis state of one scene's notes; `changed` when some item's emphasis changed."""

    changed = Signal()

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self._scene = scene
        self._find: frozenset[str] | None = None
        self._filter: frozenset[str] | None = None
        self._marked: set[str] = set()  # ids of the items dimmed or ringed now
        layout_applied = getattr(scene, "layoutApplied", None)
        if layout_applied is not None:
            layout_applied.connect(self.apply)

    # -- state ----------------------------------------------------------------
    @property
    def find_ids(self) -> frozenset[str] | None:
        return self._find

    @property
    def filter_ids(self) -> frozenset[str] | None:
        return self._filter

    @property
    def active(self) -> bool:
        return self._find is not None or self._filter is not None

    def set_find(self, ids: Iterable[str] | None) -> None:
        """Highlight `ids` and dim the rest; None ends finding."""
        self._find = None if ids is None else frozenset(ids)
        self.apply()

    def set_filter(self, ids: Iterable[str] | None) -> None:
        """Dim every note not in `ids`; None shows all."""
        self._filter = None if ids is None else frozenset(ids)
        self.apply()

    def clear(self) -> None:
        self._find = self._filter = None
        self.apply()

    def emphasis(self, note_id: str) -> tuple[bool, bool]:
        """(dimmed, highlighted) of one note."""
        found = self._find is None or note_id in self._find
        passes = self._filter is None or note_id in self._filter
        return (not found or not passes), (self._find is not None and note_id in self._find)

    # -- onto the items -----------------------------------------------------------
    def apply(self) -> int:
        """Push the state onto every note item; returns how many items changed."""
        notes = getattr(self._scene, "notes", {})
        changed = 0
        if not self.active:  # only the items still marked (an edit without find: none)
            for note_id in self._marked:
                item = notes.get(note_id)
                if item is not None and (item.dimmed or item.highlighted):
                    item.set_emphasis(False, False)
                    changed += 1
            self._marked = set()
        else:
            emphasis = self.emphasis
            marked = set()
            for note_id, item in notes.items():
                dimmed, highlighted = emphasis(note_id)
                if dimmed or highlighted:
                    marked.add(note_id)
                if (dimmed, highlighted) != (item.dimmed, item.highlighted):
                    item.set_emphasis(dimmed, highlighted)
                    changed += 1
            self._marked = marked
        if changed:
            self.changed.emit()
        return changed


def highlighter(scene: QGraphicsScene) -> Highlighter:
    """The scene's one Highlighter, made on first use (find, filter and overview share it)."""
    existing = getattr(scene, _ATTR, None)
    if existing is None:
        existing = Highlighter(scene)
        setattr(scene, _ATTR, existing)
    return existing


__all__ = ["DIM_OPACITY", "HIGHLIGHT_COLOUR", "HIGHLIGHT_WIDTH", "Highlighter", "highlighter"]
