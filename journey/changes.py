"""What one committed operation changed, gathered from the session so no op can forget.

`Library.run` attaches a `ChangeGatherer` to the session it runs an operation in.
Before every flush it reads `session.new/dirty/deleted` (a Note's cell before
and after through attribute history, a Vote's note, a CurvePoint's curve …);
for bulk statements through the session (`db.execute(insert(Note), rows)`) it
takes ids and cells from the parameters, else marks that kind wholesale; a
statement it cannot attribute sets `everything`. Listeners get one `Committed`
(the op's name, its result, these `Changes`, who initiated it) — the model is
Anki's OpChanges plus initiator. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session as Db

from .models import (
    Curve,
    CurvePoint,
    JourneyMap,
    Lane,
    Note,
    ParkedNote,
    Participant,
    Persona,
    Session,
    Stage,
    Vote,
    VoteRound,
)

Cell = tuple[str, str]  # (stage_id, lane_id)


@dataclass
class Changes:
    """Id sets of what changed; `everything` when that cannot be told (another program)."""

    notes: set[str] = field(default_factory=set)
    cells: set[Cell] = field(default_factory=set)  # old and new cell of every touched note
    stages: set[str] = field(default_factory=set)
    lanes: set[str] = field(default_factory=set)
    curves: set[str] = field(default_factory=set)  # a curve or one of its points
    votes: set[str] = field(default_factory=set)  # note ids whose dots changed
    rounds: set[str] = field(default_factory=set)  # rounds whose own row changed
    parking: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)
    maps: set[str] = field(default_factory=set)
    personas: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    everything: bool = False
    #: Kinds changed by a statement whose ids are unknown (e.g. "notes"): read them all.
    wholesale: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.everything or any(getattr(self, f.name) for f in fields(self))

    def touches(self, *kinds: str) -> bool:
        """Whether any of `kinds` (field names) changed, wholesale or by id."""
        return self.everything or any(k in self.wholesale or getattr(self, k) for k in kinds)



@dataclass(frozen=True)
class Committed:
    """What a listener is told after a commit: which op, its result, what changed, by whom."""

    op: str
    result: Any
    changes: Changes
    initiator: object | None = None


#: table name → the Changes field its row ids go to
KINDS: dict[str, str] = {
    Note.__tablename__: "notes", Stage.__tablename__: "stages", Lane.__tablename__: "lanes",
    Curve.__tablename__: "curves", CurvePoint.__tablename__: "curves",
    Vote.__tablename__: "votes", VoteRound.__tablename__: "rounds",
    ParkedNote.__tablename__: "parking", Session.__tablename__: "sessions",
    JourneyMap.__tablename__: "maps", Persona.__tablename__: "personas",
    Participant.__tablename__: "participants", "template": "templates",
}


def _old(row: Any, name: str) -> Any:
    """The value `name` had when loaded (attribute history), else its value now."""
    hist = inspect(row).attrs[name].history
    return hist.deleted[0] if hist.deleted else getattr(row, name)


class ChangeGatherer:
    """Listens on one Session and fills `changes` with what its flushes and statements do."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.changes = Changes()
        event.listen(db, "before_flush", self._before_flush)
        event.listen(db, "do_orm_execute", self._execute)

    def close(self) -> None:
        event.remove(self.db, "before_flush", self._before_flush)
        event.remove(self.db, "do_orm_execute", self._execute)

    # -- rows through the unit of work ------------------------------------------------
    def _row(self, row: Any, state: str) -> None:
        c = self.changes
        table = getattr(row, "__tablename__", None)
        if isinstance(row, Note):
            c.notes.add(row.id)
            c.votes.add(row.id)  # its dots go with it
            c.cells.add((row.stage_id, row.lane_id))
            if state != "new":
                c.cells.add((_old(row, "stage_id"), _old(row, "lane_id")))
        elif isinstance(row, CurvePoint):
            c.curves.add(row.curve_id)
            if state != "new":
                c.curves.add(_old(row, "curve_id"))
        elif isinstance(row, Vote):
            c.votes.add(row.note_id)
            if state != "new":
                c.votes.add(_old(row, "note_id"))
        elif table in KINDS:
            getattr(c, KINDS[table]).add(row.id)
        else:
            c.everything = True
        if state == "deleted" and isinstance(row, (Session, JourneyMap)):
            c.everything = True  # SQLite's cascades remove rows the session never saw

    def _before_flush(self, db: Any, _ctx: Any, _instances: Any) -> None:
        for row in db.new:
            self._row(row, "new")
        for row in db.dirty:
            if db.is_modified(row):
                self._row(row, "dirty")
        for row in db.deleted:
            self._row(row, "deleted")

    # -- statements through the session -----------------------------------------------
    def _execute(self, state: ORMExecuteState) -> None:
        if state.is_select:
            return
        stmt = state.statement
        table = getattr(getattr(stmt, "table", None), "name", None)
        kind = KINDS.get(table or "")
        if not (state.is_insert or state.is_update or state.is_delete) or kind is None:
            self.changes.everything = True  # text() or a table we do not know
            return
        params = state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        ids = [r.get("id") for r in rows if isinstance(r, dict)]
        if state.is_insert and rows and all(ids):
            getattr(self.changes, kind).update(ids)
            if kind == "notes":
                self.changes.votes.update(ids)
                for r in rows:
                    if r.get("stage_id") and r.get("lane_id"):
                        self.changes.cells.add((r["stage_id"], r["lane_id"]))
                    else:
                        self.changes.wholesale.add("cells")
            return
        self.changes.wholesale.add(kind)
        if kind == "notes":
            self.changes.wholesale.update({"cells", "votes"})
