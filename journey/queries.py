"""Read-side queries: list sessions, resolve a session by id or title, load a map.

`load_map` returns a detached `MapData` snapshot, the one input of the layout,
so every renderer works from the same plain data and never touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session as Db
from sqlmodel import col, func, select

from .errors import NotFound, WaymarkError
from .models import (
    Curve,
    CurvePoint,
    JourneyMap,
    Lane,
    Note,
    Participant,
    Persona,
    Session,
    Stage,
    Vote,
)


@dataclass
class CurveData:
    curve: Curve
    points: list[CurvePoint]  # ordered by stage order, then position


@dataclass
class MapData:
    session: Session
    map: JourneyMap
    persona: Persona | None
    stages: list[Stage]
    lanes: list[Lane]
    notes: dict[tuple[str, str], list[Note]]  # (stage_id, lane_id) -> ordered notes
    votes: dict[str, list[str]] = field(default_factory=dict)  # note_id -> dot colours
    curves: list[CurveData] = field(default_factory=list)
    personas: dict[str, Persona] = field(default_factory=dict)

    def all_notes(self) -> list[Note]:
        out: list[Note] = []
        for stage in self.stages:
            for lane in self.lanes:
                out.extend(self.notes.get((stage.id, lane.id), []))
        return out


def list_sessions(db: Db, include_trashed: bool = False) -> list[dict]:
    """One dict per session with counts, newest first."""
    stmt = select(Session)
    if not include_trashed:
        stmt = stmt.where(col(Session.deleted_at).is_(None))
    sessions = list(db.exec(stmt))
    map_counts = dict(db.exec(select(JourneyMap.session_id, func.count())
                              .group_by(JourneyMap.session_id)).all())
    note_counts = dict(db.exec(
        select(JourneyMap.session_id, func.count(col(Note.id)))
        .join(Note, col(Note.map_id) == col(JourneyMap.id))
        .group_by(JourneyMap.session_id)).all())
    rows = [
        {
            "id": s.id, "title": s.title, "date": s.date, "facilitator": s.facilitator,
            "maps": map_counts.get(s.id, 0), "notes": note_counts.get(s.id, 0),
            "updated_at": s.updated_at, "deleted": s.deleted_at is not None,
        }
        for s in sessions
    ]
    rows.sort(key=lambda r: (r["date"], r["updated_at"]), reverse=True)
    return rows


def find_session(db: Db, ref: str) -> Session:
    """A session by id (or unique id prefix) or by its unique title (case-insensitive)."""
    ref = (ref or "").strip()
    if not ref:
        raise NotFound("no session given")
    row = db.get(Session, ref)
    if row is not None:
        return row
    by_title = [s for s in db.exec(select(Session)) if s.title.casefold() == ref.casefold()]
    if len(by_title) == 1:
        return by_title[0]
    if len(by_title) > 1:
        raise WaymarkError(f"{len(by_title)} sessions are titled {ref!r}; use the session id")
    if len(ref) >= 6:
        by_prefix = list(db.exec(select(Session).where(col(Session.id).startswith(ref))))
        if len(by_prefix) == 1:
            return by_prefix[0]
    raise NotFound(f"no session {ref!r} (see `list` for ids and titles)")


def maps_of(db: Db, session_id: str) -> list[JourneyMap]:
    rows = list(db.exec(select(JourneyMap).where(JourneyMap.session_id == session_id)))
    rows.sort(key=lambda m: m.position)
    return rows


def find_map(db: Db, session_id: str, ref: str | None) -> JourneyMap:
    """A session's map by name or id; None means the first map."""
    maps = maps_of(db, session_id)
    if not maps:
        raise NotFound("the session has no maps")
    if ref is None:
        return maps[0]
    for m in maps:
        if m.id == ref or m.name.casefold() == ref.strip().casefold():
            return m
    names = ", ".join(repr(m.name) for m in maps)
    raise NotFound(f"no map {ref!r} in this session (maps: {names})")


def _fast_rows(db: Db, model, where) -> list:
    """Rows as detached model instances without the ORM's per-row bookkeeping.

    `model_construct` from a Core select is ~6x faster than ORM loading, which
    matters when a 5,000-note map is opened or a cell is refreshed after an edit.
    """
    table = model.__table__
    result = db.connection().execute(select(table).where(where(table.c)))
    return [model.model_construct(**row._mapping) for row in result]


def notes_in_cells(db: Db, cells: set[tuple[str, str]]) -> dict[tuple[str, str], list[Note]]:
    """The ordered notes of some cells of one map."""
    stage_ids = {s for s, _ in cells}
    lane_ids = {lane for _, lane in cells}
    out: dict[tuple[str, str], list[Note]] = defaultdict(list)
    rows = _fast_rows(db, Note, lambda c: c.stage_id.in_(stage_ids) & c.lane_id.in_(lane_ids))
    for note in sorted(rows, key=lambda n: (n.position, n.id)):
        if (note.stage_id, note.lane_id) in cells:
            out[(note.stage_id, note.lane_id)].append(note)
    return dict(out)


def vote_colours(db: Db, session_id: str, note_ids: list[str] | None = None,
                 map_id: str | None = None) -> dict[str, list[str]]:
    """Dot colours per note, in the order the votes were cast."""
    colours = {p.id: p.colour for p in _fast_rows(
        db, Participant, lambda c: c.session_id == session_id)}
    vt, nt = Vote.__table__, Note.__table__
    stmt = select(vt.c.note_id, vt.c.participant_id).order_by(vt.c.created_at, vt.c.id)
    if map_id is not None:
        stmt = stmt.join(nt, nt.c.id == vt.c.note_id).where(nt.c.map_id == map_id)
    else:
        stmt = stmt.where(vt.c.note_id.in_(note_ids or []))
    votes: dict[str, list[str]] = defaultdict(list)
    for note_id, participant_id in db.connection().execute(stmt):
        votes[note_id].append(colours.get(participant_id or "", "#333333"))
    return dict(votes)


def note_places(db: Db, note_ids: list[str]) -> dict[str, str]:
    """"Stage · Lane" of each note, read from its rows (whatever map is on screen)."""
    if not note_ids:
        return {}
    rows = db.exec(select(Note.id, Stage.name, Lane.name)
                   .join(Stage, col(Stage.id) == col(Note.stage_id))
                   .join(Lane, col(Lane.id) == col(Note.lane_id))
                   .where(col(Note.id).in_(note_ids))).all()
    return {nid: f"{stage} · {lane}" for nid, stage, lane in rows}


def load_map(db: Db, map_id: str) -> MapData:
    jmap = db.get(JourneyMap, map_id)
    if jmap is None:
        raise NotFound(f"map {map_id} not found")
    session = db.get(Session, jmap.session_id)
    assert session is not None
    stages = sorted(db.exec(select(Stage).where(Stage.map_id == map_id)), key=lambda s: s.position)
    lanes = sorted(db.exec(select(Lane).where(Lane.map_id == map_id)), key=lambda r: r.position)
    notes: dict[tuple[str, str], list[Note]] = defaultdict(list)
    all_notes = _fast_rows(db, Note, lambda c: c.map_id == map_id)
    for note in sorted(all_notes, key=lambda n: (n.position, n.id)):
        notes[(note.stage_id, note.lane_id)].append(note)
    votes = vote_colours(db, session.id, map_id=map_id)
    stage_order = {s.id: s.position for s in stages}
    curves = []
    for curve in sorted(db.exec(select(Curve).where(Curve.map_id == map_id)),
                        key=lambda c: c.position):
        pts = list(db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve.id)))
        pts.sort(key=lambda p: (stage_order.get(p.stage_id, 0), p.position))
        curves.append(CurveData(curve, pts))
    personas = {p.id: p for p in db.exec(select(Persona).where(Persona.session_id == session.id))}
    persona = personas.get(jmap.persona_id) if jmap.persona_id else None
    return MapData(session=session, map=jmap, persona=persona, stages=stages, lanes=lanes,
                   notes=dict(notes), votes=votes, curves=curves, personas=personas)


def map_note_counts(db: Db, session_id: str) -> dict[str, int]:
    """Notes per map of a session (maps without notes are absent)."""
    return dict(db.exec(select(Note.map_id, func.count(col(Note.id)))
                        .join(JourneyMap, col(JourneyMap.id) == col(Note.map_id))
                        .where(JourneyMap.session_id == session_id)
                        .group_by(Note.map_id)).all())
