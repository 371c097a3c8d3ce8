"""Session and map operations: create from a template, rename, delete, copy."""

from __future__ import annotations

import json
from datetime import date as _date
from typing import Any

from sqlmodel import Session as Db
from sqlmodel import col, select

from ..errors import InvalidEdit, NotFound
from ..models import (
    Curve,
    CurvePoint,
    JourneyMap,
    Lane,
    LaneKind,
    Note,
    Persona,
    Session,
    Stage,
    Template,
    Vote,
    VoteRound,
    new_id,
    now_iso,
)
from ..templates import DEFAULT_TEMPLATE, TemplateSpec, builtin_template
from ._common import clean_field, clean_fields, clean_name, get, ordered, place, renumber, snapshot
from .curves import add_curve
from .structure import add_lane, add_stage


def find_template(db: Db, name: str) -> TemplateSpec:
    spec = builtin_template(name)
    if spec:
        return spec
    row = db.exec(select(Template).where(Template.name == name.strip())).first()
    if row is None:
        raise NotFound(f"no template named {name!r}")
    return TemplateSpec(row.name, tuple(json.loads(row.stages)),
                        tuple(tuple(x) for x in json.loads(row.lanes)), builtin=False)


def create_session(db: Db, title: str, template: str | None = DEFAULT_TEMPLATE,
                   date: str | None = None, facilitator: str = "", goal: str = "",
                   map_name: str | None = "Current state") -> Session:
    """A new session with one map built from `template` (None = an empty map).

    `map_name=None` creates the session without any map."""
    session = Session(title=clean_name(title, "session"),
                      date=date if date is not None else _date.today().isoformat(),
                      facilitator=clean_field("session", "facilitator", facilitator),
                      goal=clean_field("session", "goal", goal))
    db.add(session)
    db.flush()
    if map_name is not None:
        add_map(db, session.id, map_name, template)
    return session


def update_session(db: Db, session_id: str, **fields: Any) -> dict[str, Any]:
    allowed = {"title", "date", "facilitator", "goal", "notes"}
    if set(fields) - allowed:
        raise InvalidEdit(f"sessions have no field {sorted(set(fields) - allowed)[0]!r}")
    session = get(db, Session, session_id)
    fields = clean_fields("session", fields)
    if "title" in fields:
        fields["title"] = clean_name(fields["title"], "session")
    if "date" in fields and fields["date"]:
        try:
            _date.fromisoformat(fields["date"])
        except ValueError:
            raise InvalidEdit(f"date {fields['date']!r} is not YYYY-MM-DD") from None
    old = {k: getattr(session, k) for k in fields}
    for k, v in fields.items():
        setattr(session, k, v)
    session.updated_at = now_iso()
    db.add(session)
    return old


def add_map(db: Db, session_id: str, name: str, template: str | None = DEFAULT_TEMPLATE,
            persona_id: str | None = None, index: int | None = None) -> JourneyMap:
    get(db, Session, session_id)
    jmap = JourneyMap(session_id=session_id, name=clean_name(name, "map"), persona_id=persona_id)
    place(ordered(db, JourneyMap, session_id=session_id), jmap, index)
    db.add(jmap)
    db.flush()
    if template:
        spec = find_template(db, template)
        for stage_name in spec.stages:
            add_stage(db, jmap.id, stage_name)
        for lane_name, kind in spec.lanes:
            add_lane(db, jmap.id, lane_name, kind)
        if any(kind == LaneKind.EMOTION for _, kind in spec.lanes):
            add_curve(db, jmap.id, persona_id)
    return jmap


def rename_map(db: Db, map_id: str, name: str) -> str:
    jmap = get(db, JourneyMap, map_id)
    old, jmap.name = jmap.name, clean_name(name, "map")
    db.add(jmap)
    return old


def map_snapshot(db: Db, map_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of a map (stages, lanes, notes, curves, rounds, votes) for `ops.restore`."""
    jmap = get(db, JourneyMap, map_id)
    snap = [snapshot(jmap)]
    for model in (Stage, Lane, Note, Curve, VoteRound):
        snap.extend(snapshot(r) for r in db.exec(select(model).where(model.map_id == map_id)))
    curve_ids = [data["id"] for table, data in snap if table == "curve"]
    if curve_ids:
        snap.extend(snapshot(p) for p in db.exec(
            select(CurvePoint).where(col(CurvePoint.curve_id).in_(curve_ids))))
    snap.extend(snapshot(v) for v in db.exec(
        select(Vote).join(Note, col(Note.id) == col(Vote.note_id)).where(Note.map_id == map_id)))
    return snap


def delete_map(db: Db, map_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Delete a map with everything on it; returns the snapshot undo restores."""
    jmap = get(db, JourneyMap, map_id)
    snap = map_snapshot(db, map_id)
    db.delete(jmap)  # stages, lanes, notes, curves cascade in SQLite
    db.flush()
    renumber(ordered(db, JourneyMap, session_id=jmap.session_id))
    return snap


def move_map(db: Db, map_id: str, index: int) -> int:
    """Put a map at `index` among its session's maps; returns its old index."""
    jmap = get(db, JourneyMap, map_id)
    old = jmap.position
    place(ordered(db, JourneyMap, session_id=jmap.session_id), jmap, index)
    return old


def set_map_persona(db: Db, map_id: str, persona_id: str | None) -> str | None:
    """Say whose journey a map is (None: nobody in particular); returns the old persona."""
    jmap = get(db, JourneyMap, map_id)
    if persona_id is not None and get(db, Persona, persona_id).session_id != jmap.session_id:
        raise InvalidEdit("that persona belongs to another session")
    old, jmap.persona_id = jmap.persona_id, persona_id
    db.add(jmap)
    return old


def trash_session(db: Db, session_id: str) -> None:
    session = get(db, Session, session_id)
    session.deleted_at = now_iso()
    db.add(session)


def restore_session(db: Db, session_id: str) -> None:
    session = get(db, Session, session_id)
    session.deleted_at = None
    db.add(session)


def purge_session(db: Db, session_id: str) -> None:
    db.delete(get(db, Session, session_id))


def duplicate_map(db: Db, map_id: str, name: str) -> JourneyMap:
    """Copy a map (stages, lanes, notes, curves) within its session, e.g. as future state."""
    src = get(db, JourneyMap, map_id)
    copy = JourneyMap(session_id=src.session_id, name=clean_name(name, "map"),
                      persona_id=src.persona_id, scale_min=src.scale_min,
                      scale_max=src.scale_max)
    place(ordered(db, JourneyMap, session_id=src.session_id), copy, src.position + 1)
    db.add(copy)
    db.flush()
    ids: dict[str, str] = {}
    for model in (Stage, Lane, Curve):
        for row in ordered(db, model, map_id=map_id):
            data = snapshot(row)[1]
            new = model(**{**data, "id": new_id(), "map_id": copy.id})
            ids[row.id] = new.id
            db.add(new)
    db.flush()
    for note in db.exec(select(Note).where(Note.map_id == map_id)).all():
        data = snapshot(note)[1]
        db.add(Note(**{**data, "id": new_id(), "map_id": copy.id,
                       "stage_id": ids[note.stage_id], "lane_id": ids[note.lane_id],
                       "created_at": now_iso(), "updated_at": now_iso()}))
    for curve_id in [i for i in ids if db.get(Curve, i)]:
        for point in db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve_id)).all():
            data = snapshot(point)[1]
            db.add(CurvePoint(**{**data, "id": new_id(), "curve_id": ids[curve_id],
                                 "stage_id": ids[point.stage_id]}))
    db.flush()
    return copy
