"""The open map: its data, its layout, and the one door through which edits go.

`MapDocument.run(op, ...)` commits the operation to the library (durable before
it returns), refreshes the in-memory `MapData` — only the touched cells when
the edit names them, the whole map otherwise — recomputes the layout and emits
`changed`, to which the scene's binder reacts. Undo commands call `run` and
nothing else, so the CLI, the tests and the UI share one edit path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

from journey.layout import MapLayout, Style, layout_map
from journey.models import Note
from journey.queries import MapData, load_map, notes_in_cells, vote_colours
from storage import Library

Cell = tuple[str, str]  # (stage_id, lane_id)


class MapDocument(QObject):
    """One map of a session, open for viewing and editing."""

    changed = Signal()
    #: Emitted after an edit with the name of the operation (for status messages).
    edited = Signal(str)

    def __init__(self, library: Library, map_id: str, style: Style | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.map_id = map_id
        self.style = style or Style()
        self._index: dict[str, tuple[Cell, int, Note]] = {}
        self.data: MapData = library.read(load_map, map_id)
        self.layout: MapLayout
        self._relayout()

    # -- the edit path -------------------------------------------------------------
    def run(self, op: Callable[..., Any], *args: Any, cells: Iterable[Cell] | None = None,
            **kwargs: Any) -> Any:
        """Commit `op` to the library, then bring the data and layout up to date.

        `cells` names the only cells the edit can touch (notes, votes); None
        means anything may have changed (stages, lanes, curves, the scale).
        """
        result = self.library.run(op, *args, initiator=self, **kwargs)
        if cells is None:
            self.reload()
        else:
            self._refresh_cells(set(cells))
        self.edited.emit(getattr(op, "__name__", "edit"))
        return result

    def reload(self) -> None:
        self.data = self.library.read(load_map, self.map_id)
        self._relayout()

    def set_style(self, style: Style) -> None:
        self.style = style
        self._relayout()

    def _relayout(self) -> None:
        self.layout = layout_map(self.data, self.style)
        self._index = {n.id: (cell, i, n) for cell, notes in self.data.notes.items()
                       for i, n in enumerate(notes)}
        self.changed.emit()

    def _refresh_cells(self, cells: set[Cell]) -> None:
        if not cells:
            self._relayout()
            return
        with self.library.session() as db:
            fresh = notes_in_cells(db, cells)
            ids = [n.id for notes in fresh.values() for n in notes]
            votes = vote_colours(db, self.data.session.id, note_ids=ids)
        old_ids = {n.id for cell in cells for n in self.data.notes.get(cell, [])}
        for note_id in old_ids:
            self.data.votes.pop(note_id, None)
        for cell in cells:
            if fresh.get(cell):
                self.data.notes[cell] = fresh[cell]
            else:
                self.data.notes.pop(cell, None)
        for note_id, dots in votes.items():
            self.data.votes[note_id] = dots
        self._relayout()

    # -- lookups the UI needs ------------------------------------------------------
    def note(self, note_id: str) -> Note | None:
        hit = self._index.get(note_id)
        return hit[2] if hit else None

    def cell_of(self, note_id: str) -> tuple[Cell, int] | None:
        """The note's cell and its index within the cell."""
        hit = self._index.get(note_id)
        return (hit[0], hit[1]) if hit else None
