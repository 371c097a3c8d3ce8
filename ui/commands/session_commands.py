"""Undo commands for session-level edits: details, participants, personas, maps.

Like the map commands in `ui.commands.map_commands`, each direction is one operation from
`journey.ops`, committed through the library (`Library.run`); the window
follows through its library listener. Rows created by an edit are captured
when undo deletes them, so redo restores the very same rows (same ids), and
deletes keep their snapshot for undo. Builders read the old values from the
library and return None when nothing would change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from journey import ops
from journey.models import JourneyMap, Participant, Persona, Session
from journey.queries import get
from storage import Library

from .map_commands import Call, Command, LibraryCommand, call

Snapshot = list[tuple[str, dict[str, Any]]]


class CreateCommand(Command):
    """Create rows with `create` (returns the new row); undo deletes it with `remove`
    (which returns a snapshot, or (snapshot, …) like DeleteCommand's op), redo
    restores that snapshot, plus the `after(removed)` calls."""

    def __init__(self, library: Library, text: str, create: Call,
                 remove: Callable[[Any, str], Any],
                 after: Callable[[Any], list[Call]] | None = None) -> None:
        super().__init__(text)
        self.library, self.create, self.remove, self.after = library, create, remove, after
        self.row_id: str | None = None
        self.removed: Any = None

    @property
    def snapshot(self) -> Snapshot:
        r = self.removed
        return (r[0] if isinstance(r, tuple) else r) or []

    def do(self) -> None:
        if self.removed is not None:
            extra = self.after(self.removed) if self.after else []
            self.library.run(ops.batch, [call(ops.restore, self.snapshot), *extra])
            return
        op, args, kwargs = self.create
        self.row_id = self.library.run(op, *args, **kwargs).id

    def undo_it(self) -> None:
        self.removed = self.library.run(self.remove, self.row_id)


class DeleteCommand(Command):
    """Delete with an op that returns a snapshot; undo restores it, plus `after` calls."""

    def __init__(self, library: Library, text: str, op: Callable[..., Any], row_id: str,
                 after: Callable[[Any], list[Call]] | None = None) -> None:
        super().__init__(text)
        self.library, self.op, self.row_id, self.after = library, op, row_id, after
        self.result: Any = None

    def do(self) -> None:
        self.result = self.library.run(self.op, self.row_id)

    def undo_it(self) -> None:
        snapshot = self.result[0] if isinstance(self.result, tuple) else self.result
        extra = self.after(self.result) if self.after else []
        self.library.run(ops.batch, [call(ops.restore, snapshot), *extra])


def _changes(row: Any, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    new = {k: v for k, v in fields.items() if getattr(row, k) != v}
    return new, {k: getattr(row, k) for k in new}


# -- the session ------------------------------------------------------------------------

SESSION_FIELD_NAMES = {"title": "title", "date": "date", "facilitator": "facilitator",
                       "goal": "goal", "notes": "notes"}


def update_session(library: Library, session_id: str, **fields: Any) -> LibraryCommand | None:
    session = library.read(get, Session, session_id)
    new, old = _changes(session, fields)
    if not new:
        return None
    what = "session details" if len(new) > 1 else f"session {SESSION_FIELD_NAMES[next(iter(new))]}"
    return LibraryCommand(library, f"Change {what}", [call(ops.update_session, session_id, **new)],
                          [call(ops.update_session, session_id, **old)])


# -- participants -----------------------------------------------------------------------

def _delete_many(op: Callable[[Any, str], Snapshot]) -> Callable[[Any, list[str]], Snapshot]:
    def remove(db: Any, ids: list[str]) -> Snapshot:
        return [row for row_id in reversed(ids) for row in op(db, row_id)]
    return remove


class AddParticipants(Command):
    """Several people at once (a pasted list of names) as one step."""

    def __init__(self, library: Library, session_id: str, people: list[tuple[str, str, int]]):
        names = [name for name, _, _ in people]
        super().__init__(f"Add {names[0]}" if len(names) == 1 else f"Add {len(names)} participants")
        self.library, self.session_id, self.people = library, session_id, people
        self.ids: list[str] = []
        self.snapshot: Snapshot = []

    def do(self) -> None:
        if self.snapshot:
            self.library.run(ops.restore, self.snapshot)
            return
        rows = self.library.run(ops.batch, [
            call(ops.add_participant, self.session_id, name, colour, budget)
            for name, colour, budget in self.people])
        self.ids = [r.id for r in rows]

    def undo_it(self) -> None:
        self.snapshot = self.library.run(_delete_many(ops.delete_participant), self.ids)


def edit_participant(library: Library, participant_id: str, **fields: Any
                     ) -> LibraryCommand | None:
    person = library.read(get, Participant, participant_id)
    new, old = _changes(person, fields)
    if not new:
        return None
    return LibraryCommand(library, f"Edit participant {person.name}",
                          [call(ops.edit_participant, participant_id, **new)],
                          [call(ops.edit_participant, participant_id, **old)])


def delete_participant(library: Library, participant_id: str) -> DeleteCommand:
    """Their dots stay on the map (unnamed); undo gives them back."""
    person = library.read(get, Participant, participant_id)
    votes = library.read(ops.participant_votes, participant_id)
    return DeleteCommand(library, f"Remove {person.name}", ops.delete_participant, participant_id,
                         after=lambda _r: [call(ops.reassign_votes, votes, participant_id)])


# -- personas ---------------------------------------------------------------------------

def add_persona(library: Library, session_id: str, name: str, **fields: Any) -> CreateCommand:
    """Add a persona; undo also hands back to nobody the maps that became theirs
    (`link_maps`: the session's first persona), redo makes them theirs again."""
    command = CreateCommand(library, f"Add persona {name.strip()}",
                            call(ops.add_persona, session_id, name, **fields),
                            ops.delete_persona)
    command.after = lambda removed: [call(ops.set_map_persona, m, command.row_id)
                                     for m in removed[1]]
    return command


def edit_persona(library: Library, persona_id: str, **fields: Any) -> LibraryCommand | None:
    persona = library.read(get, Persona, persona_id)
    new, old = _changes(persona, fields)
    if not new:
        return None
    text = (("Remove photo of " if new.get("photo") is None else "Set photo of ")
            if set(new) == {"photo"} else "Edit persona ") + persona.name
    return LibraryCommand(library, text, [call(ops.edit_persona, persona_id, **new)],
                          [call(ops.edit_persona, persona_id, **old)])


def delete_persona(library: Library, persona_id: str) -> DeleteCommand:
    persona = library.read(get, Persona, persona_id)
    return DeleteCommand(
        library, f"Delete persona {persona.name}", ops.delete_persona, persona_id,
        after=lambda result: [call(ops.set_map_persona, m, persona_id) for m in result[1]])


# -- maps ---------------------------------------------------------------------------------

def add_map(library: Library, session_id: str, name: str, template: str | None,
            scale: tuple[int, int]) -> CreateCommand:
    return CreateCommand(library, f"Add map {name.strip()}",
                         call(ops.add_map_from_template, session_id, name, template, scale),
                         ops.delete_map)


def duplicate_map(library: Library, map_id: str, name: str) -> CreateCommand:
    return CreateCommand(library, f"Duplicate map as {name.strip()}",
                         call(ops.duplicate_map, map_id, name), ops.delete_map)


def rename_map(library: Library, map_id: str, name: str) -> LibraryCommand | None:
    jmap = library.read(get, JourneyMap, map_id)
    if name.strip() == jmap.name:
        return None
    return LibraryCommand(library, f"Rename map to {name.strip()}",
                          [call(ops.rename_map, map_id, name)],
                          [call(ops.rename_map, map_id, jmap.name)])


def move_map(library: Library, map_id: str, index: int) -> LibraryCommand | None:
    jmap = library.read(get, JourneyMap, map_id)
    if index == jmap.position or index < 0:
        return None
    return LibraryCommand(library, f"Move map {jmap.name}", [call(ops.move_map, map_id, index)],
                          [call(ops.move_map, map_id, jmap.position)])


def set_map_persona(library: Library, map_id: str, persona_id: str | None
                    ) -> LibraryCommand | None:
    jmap = library.read(get, JourneyMap, map_id)
    if jmap.persona_id == persona_id:
        return None
    return LibraryCommand(library, f"Set the persona of {jmap.name}",
                          [call(ops.set_map_persona, map_id, persona_id)],
                          [call(ops.set_map_persona, map_id, jmap.persona_id)])


def delete_map(library: Library, map_id: str) -> DeleteCommand:
    jmap = library.read(get, JourneyMap, map_id)
    return DeleteCommand(library, f"Delete map {jmap.name}", ops.delete_map, map_id)
