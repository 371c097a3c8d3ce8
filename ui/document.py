"""The open map: its data, its layout, and the one door through which edits go.

`MapDocument.run(op, ...)` commits the operation to the library (durable before
it returns) and `refresh`es from the `Changes` the library gathered: only the
parts that changed are read back (the notes of touched cells, the stages, the
lanes, the curves, the dots of touched notes, the session's head), and the
`Layouter` re-fits only the cells that changed. Then `changed` is emitted and
the scene's binder applies the new layout. Undo commands call `run` and nothing
else, so the CLI, the tests and the UI share one edit path.

What the room may see of the votes is an input of the document too
(`set_vote_view`): while a round hides its totals only the voter's own dots of it
are read, so hidden dots never reach the layout or an item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from journey.changes import Changes
from journey.layout import Layouter, MapLayout, Style
from journey.models import Lane, Note, Stage
from journey.queries import (
    MapData,
    curves_of_map,
    load_map,
    map_head,
    notes_by_id,
    notes_in_cells,
    ordered,
    vote_dots,
)
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
        #: The preferences' style; `style` is it with the named layers laid over.
        self.base_style = style or Style()
        self.style_layers: dict[str, dict[str, Any]] = {}
        self.style = self.base_style
        #: (round id, participant id) the canvas shows the dots of; see set_vote_view.
        self.vote_view: tuple[str | None, str | None] = (None, None)
        self._index: dict[str, tuple[Cell, int, Note]] = {}
        self._layouter = Layouter()
        self.data: MapData = library.read(load_map, map_id)
        self.data.votes = self.library.read(vote_dots, self.data.session.id, self.map_id,
                                            None, self.vote_view)
        self.layout: MapLayout
        self._relayout(None)

    # -- the edit path -------------------------------------------------------------
    def run(self, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Commit `op` to the library, then bring the data and layout up to date
        from what the library says it changed."""
        kwargs.pop("cells", None)  # callers of the old signature named the cells
        done = self.library.commit(op, *args, initiator=self, **kwargs)
        self.refresh(done.changes)
        self.edited.emit(getattr(op, "__name__", "edit"))
        return done.result

    def reload(self) -> None:
        self.refresh(Changes(everything=True))

    def set_style(self, style: Style) -> None:
        """A new base style (the preferences'); the named layers stay on top of it."""
        self.base_style = style
        self._restyle()

    def set_style_layer(self, name: str, **fields: Any) -> None:
        """Lay `fields` (Style field values) over the base style under `name`, e.g.
        "voting" → vote_r; later layers win. No fields: drop the layer. Layers never
        save and restore each other, so leaving one mode keeps another's sizes."""
        if fields:
            self.style_layers.pop(name, None)
            self.style_layers[name] = fields
        elif self.style_layers.pop(name, None) is None:
            return
        self._restyle()

    def _restyle(self) -> None:
        style = self.base_style
        for fields in self.style_layers.values():
            style = replace(style, **fields)
        if style != self.style:
            self.style = style
            self._relayout(None)

    def set_vote_view(self, round_id: str | None, participant_id: str | None) -> None:
        """Show the dots of `round_id` (None: of every round whose totals are not
        hidden), of a hidden round only `participant_id`'s."""
        view = (round_id, participant_id)
        if view == self.vote_view:
            return
        self.vote_view = view
        self.refresh(Changes(wholesale={"votes"}))

    # -- applying what changed -------------------------------------------------------
    def refresh(self, changes: Changes) -> None:
        """Read back what `changes` names and lay out again only what it touches."""
        data = self.data
        if changes.everything:
            self.data = self.library.read(load_map, self.map_id)
            self.data.votes = self.library.read(vote_dots, self.data.session.id,
                                                self.map_id, None, self.vote_view)
            self._relayout(None)
            return
        if not changes.touches("notes", "cells", "stages", "lanes", "curves", "votes",
                               "rounds", "sessions", "maps", "personas", "participants"):
            return
        dirty: set[Cell] | None = set()
        with self.library.session() as db:
            if changes.touches("sessions", "maps", "personas"):
                data.session, data.map, data.persona, data.personas = map_head(db, self.map_id)
            if changes.touches("stages"):
                data.stages = ordered(db, Stage, map_id=self.map_id)
            if changes.touches("lanes"):
                data.lanes = ordered(db, Lane, map_id=self.map_id)
            dropped = False
            if changes.touches("stages", "lanes"):
                stage_ids, lane_ids = {s.id for s in data.stages}, {ln.id for ln in data.lanes}
                for cell in [c for c in data.notes if c[0] not in stage_ids
                             or c[1] not in lane_ids]:
                    del data.notes[cell]
                    dropped = True
            if changes.touches("curves", "stages"):
                data.curves = curves_of_map(db, self.map_id, data.stages)
            if "notes" in changes.wholesale or "cells" in changes.wholesale or \
                    changes.everything:
                cells = {(s.id, ln.id) for s in data.stages for ln in data.lanes}
                dirty = None
            else:
                own_stages, own_lanes = {s.id for s in data.stages}, {ln.id for ln in data.lanes}
                cells = {c for c in changes.cells if c[0] in own_stages and c[1] in own_lanes}
            if cells and dirty is not None and changes.notes and "notes" not in \
                    changes.wholesale:
                fresh = self._patched_cells(db, cells, changes.notes)
            elif cells:
                fresh = notes_in_cells(db, cells, self.map_id)
            if cells:
                for cell in cells:
                    for note in data.notes.get(cell, ()):
                        hit = self._index.get(note.id)
                        if hit is not None and hit[0] == cell:
                            del self._index[note.id]
                    if fresh.get(cell):
                        data.notes[cell] = fresh[cell]
                        self._index.update((n.id, (cell, i, n))
                                           for i, n in enumerate(fresh[cell]))
                    else:
                        data.notes.pop(cell, None)
            if changes.touches("participants", "rounds") or "votes" in changes.wholesale:
                data.votes = vote_dots(db, data.session.id, self.map_id, None, self.vote_view)
                dirty = None
            else:
                ids = set(changes.votes)
                if ids:
                    for note_id in ids:
                        data.votes.pop(note_id, None)
                    data.votes.update(vote_dots(db, data.session.id, self.map_id,
                                                sorted(ids), self.vote_view))
        if dirty is not None:
            dirty |= changes.cells
            for note_id in changes.votes:
                hit = self._index.get(note_id)
                if hit:
                    dirty.add(hit[0])
        self._relayout(dirty, reindex=dropped or dirty is None)

    def _patched_cells(self, db: Any, cells: set[Cell], note_ids: set[str]
                       ) -> dict[Cell, list[Note]]:
        """The touched cells' notes: the rows of the changed notes read back, the
        rest kept (an edit of one note reads one row, not its cell)."""
        rows = notes_by_id(db, note_ids)
        out: dict[Cell, list[Note]] = {}
        for cell in cells:
            kept = [n for n in self.data.notes.get(cell, ()) if n.id not in note_ids]
            kept += [n for n in rows if (n.stage_id, n.lane_id) == cell]
            kept.sort(key=lambda n: (n.position, n.id))
            out[cell] = kept
        return out

    def _relayout(self, dirty: set[Cell] | None, reindex: bool = True) -> None:
        """Lay out again (`dirty`: the cells whose notes or dots changed; None: all);
        `reindex`: rebuild the note index (the refresh kept it up to date otherwise)."""
        self.layout = self._layouter.layout(self.data, self.style, dirty)
        if reindex:
            self._index = {n.id: (cell, i, n) for cell, notes in self.data.notes.items()
                           for i, n in enumerate(notes)}
        self.changed.emit()

    # -- lookups the UI needs ------------------------------------------------------
    def note(self, note_id: str) -> Note | None:
        hit = self._index.get(note_id)
        return hit[2] if hit else None

    def cell_of(self, note_id: str) -> tuple[Cell, int] | None:
        """The note's cell and its index within the cell."""
        hit = self._index.get(note_id)
        return (hit[0], hit[1]) if hit else None
