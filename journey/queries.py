"""Read-side queries: every SELECT the app runs outside `journey.ops` lives here.

`load_map` returns a detached `MapData` snapshot, the one input of the layout,
so every renderer works from the same plain data and never touches the database.
The UI calls these through `library.read(fn, ...)`; exporters call them with
the `db` they were given. Sections: sessions and maps, people, voting, the
parking lot, thumbnails.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session as Db
from sqlmodel import SQLModel, col, func, select

from .errors import NotFound, WaymarkError
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

T = TypeVar("T", bound=SQLModel)


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


def get(db: Db, model: type[T], id_: str) -> T:
    """The row `id_` of `model`, or NotFound naming what is missing."""
    row = db.get(model, id_)
    if row is None:
        raise NotFound(f"{model.__tablename__.replace('_', ' ')} {id_} not found")
    return row


def ordered(db: Db, model: type[T], **where: Any) -> list[T]:
    """Rows of `model` matching `where` (column=value), in position order."""
    stmt = select(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    rows = list(db.exec(stmt))
    rows.sort(key=lambda r: (r.position, r.id))
    return rows


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


def notes_in_cells(db: Db, cells: set[tuple[str, str]], map_id: str | None = None
                   ) -> dict[tuple[str, str], list[Note]]:
    """The ordered notes of some cells of one map."""
    stage_ids = {s for s, _ in cells}
    lane_ids = {lane for _, lane in cells}
    out: dict[tuple[str, str], list[Note]] = defaultdict(list)
    if map_id is not None and len(cells) > 16:  # many cells: one scan of the map
        rows = _fast_rows(db, Note, lambda c: c.map_id == map_id)
    else:
        rows = _fast_rows(db, Note, lambda c: c.stage_id.in_(stage_ids)
                          & c.lane_id.in_(lane_ids))
    for note in sorted(rows, key=lambda n: (n.position, n.id)):
        if (note.stage_id, note.lane_id) in cells:
            out[(note.stage_id, note.lane_id)].append(note)
    return dict(out)


def notes_by_id(db: Db, note_ids: set[str] | list[str]) -> list[Note]:
    """Some notes by id (those that no longer exist are absent)."""
    ids = list(note_ids)
    out: list[Note] = []
    for i in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = ids[i:i + 500]
        out += _fast_rows(db, Note, lambda c, chunk=chunk: c.id.in_(chunk))
    return out


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


def map_head(db: Db, map_id: str) -> tuple[Session, JourneyMap, Persona | None,
                                           dict[str, Persona]]:
    """The map's row, its session, its persona and the session's personas."""
    jmap = db.get(JourneyMap, map_id)
    if jmap is None:
        raise NotFound(f"map {map_id} not found")
    session = db.get(Session, jmap.session_id)
    assert session is not None
    personas = {p.id: p for p in db.exec(select(Persona).where(Persona.session_id == session.id))}
    persona = personas.get(jmap.persona_id) if jmap.persona_id else None
    return session, jmap, persona, personas


def curves_of_map(db: Db, map_id: str, stages: list[Stage]) -> list[CurveData]:
    """The map's curves in order, each with its points in stage order."""
    stage_order = {s.id: s.position for s in stages}
    curves = []
    for curve in sorted(db.exec(select(Curve).where(Curve.map_id == map_id)),
                        key=lambda c: c.position):
        pts = list(db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve.id)))
        pts.sort(key=lambda p: (stage_order.get(p.stage_id, 0), p.position))
        curves.append(CurveData(curve, pts))
    return curves


VoteView = tuple[str | None, str | None]  # (round id shown, participant id voting)


def vote_dots(db: Db, session_id: str, map_id: str, note_ids: list[str] | None = None,
              view: VoteView = (None, None)) -> dict[str, list[str]]:
    """Dot colours per note as the canvas shows them, in the order cast; of the map's
    notes, or only of `note_ids`.

    `view` = (round, participant): with a round, only its dots show; while a round
    is open with its totals hidden, only `participant`'s dots of it show (and with
    no round given, none of it) — the room never sees the others' until it closes."""
    round_id, participant_id = view
    rt = VoteRound.__table__  # type: ignore[attr-defined]
    hidden = {r for (r,) in db.connection().execute(
        select(rt.c.id).where((rt.c.map_id == map_id) & (rt.c.status == "open")
                              & rt.c.hide_totals))}
    colours = {p.id: p.colour for p in _fast_rows(
        db, Participant, lambda c: c.session_id == session_id)}
    vt, nt = Vote.__table__, Note.__table__  # type: ignore[attr-defined]
    stmt = select(vt.c.note_id, vt.c.participant_id, vt.c.round_id).order_by(
        vt.c.created_at, vt.c.id)
    if note_ids is None:
        stmt = stmt.join(nt, nt.c.id == vt.c.note_id).where(nt.c.map_id == map_id)
    else:
        stmt = stmt.where(vt.c.note_id.in_(note_ids))
    votes: dict[str, list[str]] = defaultdict(list)
    for note_id, pid, rid in db.connection().execute(stmt):
        if round_id is not None:
            show = rid == round_id and (rid not in hidden or pid == participant_id)
        else:
            show = rid not in hidden
        if show:
            votes[note_id].append(colours.get(pid or "", "#333333"))
    return dict(votes)


def load_map(db: Db, map_id: str) -> MapData:
    """The whole map, every vote shown (exports; the canvas asks `vote_dots` after)."""
    session, jmap, persona, personas = map_head(db, map_id)
    stages = ordered(db, Stage, map_id=map_id)
    lanes = ordered(db, Lane, map_id=map_id)
    notes: dict[tuple[str, str], list[Note]] = defaultdict(list)
    all_notes = _fast_rows(db, Note, lambda c: c.map_id == map_id)
    for note in sorted(all_notes, key=lambda n: (n.position, n.id)):
        notes[(note.stage_id, note.lane_id)].append(note)
    votes = vote_colours(db, session.id, map_id=map_id)
    return MapData(session=session, map=jmap, persona=persona, stages=stages, lanes=lanes,
                   notes=dict(notes), votes=votes, curves=curves_of_map(db, map_id, stages),
                   personas=personas)


def map_note_counts(db: Db, session_id: str) -> dict[str, int]:
    """Notes per map of a session (maps without notes are absent)."""
    return dict(db.exec(select(Note.map_id, func.count(col(Note.id)))
                        .join(JourneyMap, col(JourneyMap.id) == col(Note.map_id))
                        .where(JourneyMap.session_id == session_id)
                        .group_by(Note.map_id)).all())


def first_map_id(db: Db, session_id: str) -> str | None:
    """The id of the session's first map (lowest position, then id); None without maps."""
    rows = db.exec(select(JourneyMap.id, JourneyMap.position)
                   .where(JourneyMap.session_id == session_id)).all()
    return min(rows, key=lambda r: (r[1], r[0]))[0] if rows else None


def map_session_id(db: Db, map_id: str) -> str:
    """The id of the session a map belongs to; NotFound if the map is gone."""
    jmap = db.get(JourneyMap, map_id)
    if jmap is None:
        raise NotFound("the round's map is gone")
    return jmap.session_id


# -- people -------------------------------------------------------------------------

def participants_of(db: Db, session_id: str) -> list[Participant]:
    """The session's participants in their order (chips, report, votes legend)."""
    return sorted(db.exec(select(Participant).where(Participant.session_id == session_id)),
                  key=lambda p: p.position)


def personas_of(db: Db, session_id: str) -> list[Persona]:
    """The session's personas in their order."""
    return sorted(db.exec(select(Persona).where(Persona.session_id == session_id)),
                  key=lambda p: p.position)


def voter_names(db: Db, session_id: str) -> dict[str, str]:
    """Dot colour -> participant name, for the votes legend of posters and prints."""
    return {p.colour: p.name for p in participants_of(db, session_id)}


# -- voting -------------------------------------------------------------------------

def latest_round(db: Db, map_id: str) -> str | None:
    """The map's last round (the one a results panel shows when nothing was picked)."""
    return db.exec(select(VoteRound.id).where(VoteRound.map_id == map_id).order_by(
        col(VoteRound.position).desc(), col(VoteRound.created_at).desc()).limit(1)).first()


def rounds_of(db: Db, map_id: str) -> list[tuple[VoteRound, int]]:
    """The map's rounds in order, each with the number of dots cast."""
    rounds = sorted(db.exec(select(VoteRound).where(VoteRound.map_id == map_id)),
                    key=lambda r: (r.position, r.created_at))
    counts = dict(db.exec(select(Vote.round_id, func.count()).where(
        col(Vote.round_id).in_([r.id for r in rounds])).group_by(Vote.round_id)).all())
    return [(r, counts.get(r.id, 0)) for r in rounds]


def visible_votes(db: Db, map_id: str, round_id: str | None, participant_id: str | None
                  ) -> dict[str, list[str]] | None:
    """Dot colours per note as the canvas should show them; None = all of them.

    While a round's totals are hidden only the active participant's dots of it
    show (see `ui.voting.voting`). None is the cheap common case (no active round, no
    round with hidden totals)."""
    rounds = {r.id: r for r in db.exec(select(VoteRound).where(VoteRound.map_id == map_id))}
    hidden = {rid for rid, r in rounds.items() if r.status == "open" and r.hide_totals}
    if round_id is None and not hidden:
        return None
    colours = {p.id: p.colour for p in db.exec(select(Participant).where(
        Participant.session_id == map_session_id(db, map_id)))}
    rows = db.exec(select(Vote.note_id, Vote.participant_id, Vote.round_id)
                   .join(Note, col(Note.id) == col(Vote.note_id))
                   .where(Note.map_id == map_id)
                   .order_by(col(Vote.created_at), col(Vote.id))).all()
    out: dict[str, list[str]] = {}
    for note_id, pid, rid in rows:
        if round_id is not None:
            show = rid == round_id and (rid not in hidden or pid == participant_id)
        else:
            show = rid not in hidden
        if show:
            out.setdefault(note_id, []).append(colours.get(pid or "", "#333333"))
    return out


# -- the parking lot ----------------------------------------------------------------

def parked_notes(db: Db, session_id: str) -> list[ParkedNote]:
    """The session's parked notes in their order."""
    rows = list(db.exec(select(ParkedNote).where(ParkedNote.session_id == session_id)))
    return sorted(rows, key=lambda p: (p.position, p.id))


# -- thumbnails ---------------------------------------------------------------------

def thumbnail_rows(db: Db, map_id: str) -> list[list[tuple]]:
    """The narrow rows of a map that change what its thumbnail shows, one group at a
    time: the map and session title, stages, lanes, notes, curve points, votes.

    `export.thumbnail.map_fingerprint` hashes them; far cheaper than laying the
    map out, which matters since the library does it for every session it lists."""
    conn = db.connection()
    jm, st, ln, nt = (JourneyMap.__table__, Stage.__table__, Lane.__table__,  # type: ignore
                      Note.__table__)  # type: ignore[attr-defined]
    cv, cp, vt, se = (Curve.__table__, CurvePoint.__table__, Vote.__table__,  # type: ignore
                      Session.__table__)  # type: ignore[attr-defined]
    return [[tuple(row) for row in conn.execute(stmt)] for stmt in (
        select(jm.c.name, jm.c.scale_min, jm.c.scale_max, jm.c.persona_id, se.c.title)
        .join(se, se.c.id == jm.c.session_id).where(jm.c.id == map_id),
        select(st.c.id, st.c.name, st.c.position, st.c.width).where(st.c.map_id == map_id)
        .order_by(st.c.id),
        select(ln.c.id, ln.c.name, ln.c.kind, ln.c.position, ln.c.collapsed)
        .where(ln.c.map_id == map_id).order_by(ln.c.id),
        select(nt.c.id, nt.c.stage_id, nt.c.lane_id, nt.c.position, nt.c.colour,
               nt.c.updated_at).where(nt.c.map_id == map_id).order_by(nt.c.id),
        select(cv.c.id, cv.c.colour, cv.c.position, cp.c.stage_id, cp.c.position, cp.c.score)
        .join(cp, cp.c.curve_id == cv.c.id).where(cv.c.map_id == map_id)
        .order_by(cv.c.id, cp.c.id),
        select(vt.c.id, vt.c.participant_id).join(nt, nt.c.id == vt.c.note_id)
        .where(nt.c.map_id == map_id).order_by(vt.c.id),
    )]
