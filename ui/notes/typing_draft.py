"""Typing is never lost: the text of an open note editor reaches the library
within about a second, while the whole editing session stays one undo step.

While the inline editor is open, `TypingDraft` saves what has been typed so far
at most `SAVE_MS` after a keystroke (a throttle, not a debounce, so a steady
typist is saved too): the first save of a new note adds it with the id chosen
when the editor opened, later saves edit its text. These saves go through
`MapDocument.run` like any edit — committed before they return — but not onto
the undo stack. When editing ends, `finish` returns the one command that says
what the session did (add the note with its final text, or change the text
from what it was before), whose first redo only brings the row to the final
text, since the row is already there. A kill while typing leaves the note in
the library with what was typed up to the last save.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from journey import ops
from journey.errors import WaymarkError
from journey.models import new_id

from ..commands import map_commands as cmd
from ..document import Cell, MapDocument

SAVE_MS = 600


class TypingDraft(QObject):
    """The durable draft of one editing session (a new note in `cell`, or `note_id`)."""

    def __init__(self, doc: MapDocument, text_of: Any, *, note_id: str | None = None,
                 cell: Cell | None = None, original: str = "", parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self.doc = doc
        self.text_of = text_of  # () -> the editor's current text
        self.cell = cell
        self.is_new = note_id is None
        self.note_id = note_id or new_id()
        self.original = original
        self.saved: str | None = None  # the text the library holds for this draft (None: no row)
        if not self.is_new:
            self.saved = original
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_MS)
        self.timer.timeout.connect(self.save)

    def changed(self) -> None:
        """A keystroke: save within SAVE_MS (the pending save is kept, not restarted)."""
        if not self.timer.isActive():
            self.timer.start()

    def save(self) -> None:
        """Write what has been typed so far (outside the undo stack)."""
        self.timer.stop()
        text = self.text_of().strip()
        if text == (self.saved or "") or (self.saved is None and not text):
            return
        try:
            if self.saved is None:
                assert self.cell is not None
                self.doc.run(ops.add_note, self.cell[0], self.cell[1], text=text,
                             note_id=self.note_id, cells=[self.cell])
            else:
                self.doc.run(ops.edit_note, self.note_id, text=text,
                             cells=self._cells())
            self.saved = text
        except WaymarkError:
            # The cell or note went away meanwhile (an undo from a menu): the editor's
            # own end reports it; nothing half-written remains.
            pass

    def _cells(self) -> list[Cell] | None:
        hit = self.doc.cell_of(self.note_id)
        return [hit[0]] if hit else ([self.cell] if self.cell else None)

    def finish(self, text: str) -> tuple[cmd.Command | None, str | None]:
        """The editing session's one command for the final `text`, and the id of the
        note it leaves (None when no note remains). Drops any draft row that must go."""
        self.timer.stop()
        text = text.strip()
        if self.is_new:
            if not text:  # an empty new note vanishes: no row, no undo step
                if self.saved is not None:
                    self.doc.run(ops.delete_note, self.note_id, cells=self._cells())
                    self.saved = None
                return None, None
            assert self.cell is not None
            return cmd.TypedNote(self.doc, self.cell, self.note_id, text,
                                 drafted=self.saved is not None), self.note_id
        if text in (self.original, self.original.strip()):
            if self.saved != self.original:  # typed, then put back as it was
                self.doc.run(ops.edit_note, self.note_id, text=self.original,
                             cells=self._cells())
            return None, self.note_id
        return cmd.TypedEdit(self.doc, self.note_id, self.original, text,
                             self._cells()), self.note_id

    def abandon(self) -> None:
        """The note or cell went away under the editor: stop saving."""
        self.timer.stop()
