"""Waymark's JSON interchange: one whole session in a versioned, documented file.

`export_session` reads a session into a plain dict whose fields follow the
models in `session_json_models` (the format, documented in docs/FORMAT.md);
`dumps` serialises it deterministically, so exporting the same session twice,
or exporting it again after a round trip through another library, gives the
same bytes. `import_session` validates the whole document first and only then
inserts rows, inside the caller's transaction (`Library.run`), so a bad file
leaves the library exactly as it was and a killed import leaves none of it.

Run `python -m formats.session_json --write-schema` after changing the models
to regenerate docs/waymark-session.schema.json (a test compares the two).
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert
from sqlmodel import Session as Db
from sqlmodel import SQLModel, col, select

from journey.errors import WaymarkError
from journey.limits import MAX_NAME
from journey.models import (
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
    new_id,
)
from journey.ops.notes import normalise_tags
from journey.palette import note_colour_for_kind
from journey.queries import get, ordered
from storage.atomic import write_text_atomic

from .session_json_models import (
    FORMAT,
    FORMAT_VERSION,
    CurveDoc,
    CurvePointDoc,
    FormatError,
    LaneDoc,
    MapDoc,
    NoteDoc,
    ParkedNoteDoc,
    ParticipantDoc,
    PersonaDoc,
    SessionDoc,
    StageDoc,
    ValidatedDoc,
    VoteDoc,
    VoteRoundDoc,
    WaymarkDoc,
    check_references,
    error_message,
    json_schema,
    loc_path,
    short,
)

__all__ = [
    "FORMAT", "FORMAT_VERSION", "FormatError", "ValidatedDoc", "check_header", "dumps",
    "export_session", "import_json_file", "import_session", "json_schema", "read_json_file",
    "validate", "write_session_json",
]

MAX_FILE_BYTES = 200 * 1024 * 1024
COPY_WORD = "imported copy"
COPY_SUFFIX = f" ({COPY_WORD})"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "waymark-session.schema.json"



def _upgrade_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added voting rounds (`maps[].rounds`, `votes[].round_id`) and the
    session's `parking_lot`. A version-1 file has neither: its votes belong to no
    round and its parking lot is empty. Returns a new dict; the input is untouched."""
    doc = dict(doc)
    maps = doc.get("maps")
    if isinstance(maps, list):
        doc["maps"] = [{**m, "rounds": []} if isinstance(m, dict) and "rounds" not in m else m
                       for m in maps]
    doc.setdefault("parking_lot", [])
    return doc


#: Converters from an older format version to the next: UPGRADES[1] turns a
#: version-1 document into version 2, and so on.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}


# -- reading and validating ---------------------------------------------------------

def _json_kind(value: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "true/false", type(None): "null"}.get(type(value), type(value).__name__)


def check_header(doc: Any, where: str = "the document") -> int:
    """Check the envelope (`format`, `version`) and return the file's version.

    `where` names the document in the message (the file's path when reading one)."""
    not_ours = f"{where} is not a Waymark session file"
    if not isinstance(doc, dict):
        raise FormatError(f"{not_ours} (the top level is {_json_kind(doc)}, expected an object)")
    if "format" not in doc:
        raise FormatError(f'{not_ours} (no "format": "waymark")', field="format")
    if doc["format"] != FORMAT:
        raise FormatError(f'{not_ours} ("format" is {short(doc["format"])}, expected "waymark")',
                          field="format")
    version = doc.get("version")
    if type(version) is float and version.is_integer():
        version = int(version)  # 2.0 is 2, in JSON and in JSON Schema
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problem = "field required" if "version" not in doc else (
            f"must be a positive integer (got {short(version)})")
        raise FormatError(f"{where}: version: {problem}", field="version")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"{where} was written by a newer Waymark (format version {version}; this Waymark "
            f"reads versions up to {FORMAT_VERSION}): update Waymark to import it",
            field="version")
    return version


def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring an older document up to the current version, one step at a time
    (the caller's dict is never modified)."""
    version = check_header(doc)
    if type(doc["version"]) is not int:
        doc = {**doc, "version": version}
    while version < FORMAT_VERSION:
        doc = {**UPGRADES[version](doc), "version": version + 1}
        version += 1
    return doc


def validate(doc: Any) -> ValidatedDoc:
    """The whole document checked: envelope, types, references, invariants.

    Raises FormatError with one line, `path: problem`, for the first problem."""
    doc = upgrade(doc)
    try:  # a lone surrogate (from a \ud800 escape) is pydantic's "string_unicode" error
        result = WaymarkDoc.model_validate(doc)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise FormatError(error_message(error), field=loc_path(error.get("loc", ()))) from None
    check_references(result)
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


#: Values many notes repeat (their cell, their colour), kept as one string object
#: each rather than one per note: 40+ MB less for a 200,000-note file.
_SHARED_KEYS = ("stage_id", "lane_id", "colour")


def _object_hook() -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """json's object_pairs_hook for one read: refuses duplicate keys, shares repeats."""
    shared: dict[str, str] = {}

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):  # rare: only then look for the key, in Python
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise ValueError(f"the key {short(key)} appears twice in one object")
                seen.add(key)
        if "stage_id" in out:  # a note or a curve point
            for key in _SHARED_KEYS:
                value = out.get(key)
                if type(value) is str:
                    out[key] = shared.setdefault(value, value)
        return out

    return hook


def read_json_file(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> dict:
    """Read a session file: UTF-8 JSON with a Waymark envelope, or one line saying why not.

    Only the envelope is checked here; `validate`/`import_session` check the rest."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WaymarkError(f"cannot read {path}: it is a folder, not a file")
        if size > max_bytes:
            raise WaymarkError(f"{path} is too big to import ({size / 2**20:,.0f} MB; "
                               f"the limit is {max_bytes / 2**20:,.0f} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WaymarkError(f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise WaymarkError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                          f"{exc.start})") from None
    del raw  # the bytes and the text of a big file need not both stay for the parse
    try:
        doc = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_object_hook())
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" starting at")
        what = what[:1].lower() + what[1:]
        if exc.pos >= len(text.rstrip()):
            what += " (the file ends too early: is it complete?)"
        raise FormatError(f"{path} is not valid JSON at line {exc.lineno}, column {exc.colno}: "
                          f"{what}") from None
    except ValueError as exc:
        raise FormatError(f"{path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise FormatError(f"{path} is not valid JSON: nested too deeply") from None
    check_header(doc, where=str(path))
    return doc


# -- export -------------------------------------------------------------------------

def _fields(model: type[BaseModel], **values: Any) -> dict[str, Any]:
    """`values` in the model's field order: the one place the file's key order comes from."""
    assert set(values) == set(model.model_fields), set(values) ^ set(model.model_fields)
    return {name: values[name] for name in model.model_fields}


def _split_tags(tags: str) -> list[str]:
    return [t.strip() for t in tags.split(",") if t.strip()]


def export_session(db: Db, session_id: str) -> dict[str, Any]:
    """The whole session as a current-version document, in a stable, deterministic order.

    Ordered children follow their positions (ties by id); a cell's notes and a
    stage's curve points keep their order in the lists; votes are by time."""
    s = get(db, Session, session_id)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "session": _fields(SessionDoc, id=s.id, title=s.title, date=s.date,
                           facilitator=s.facilitator, goal=s.goal, notes=s.notes,
                           created_at=s.created_at, updated_at=s.updated_at),
        "participants": [
            _fields(ParticipantDoc, id=p.id, name=p.name, colour=p.colour,
                    vote_budget=p.vote_budget)
            for p in ordered(db, Participant, session_id=s.id)
        ],
        "personas": [
            _fields(PersonaDoc, id=p.id, name=p.name, role=p.role, quote=p.quote,
                    goals=p.goals, frustrations=p.frustrations, colour=p.colour,
                    photo=base64.b64encode(p.photo).decode("ascii") if p.photo else None)
            for p in ordered(db, Persona, session_id=s.id)
        ],
        "maps": [_export_map(db, m) for m in ordered(db, JourneyMap, session_id=s.id)],
        "parking_lot": [
            _fields(ParkedNoteDoc, id=p.id, text=p.text, colour=p.colour,
                    tags=_split_tags(p.tags), author=p.author, created_at=p.created_at)
            for p in ordered(db, ParkedNote, session_id=s.id)
        ],
    }
    return _fields(WaymarkDoc, **doc)


def _export_map(db: Db, m: JourneyMap) -> dict[str, Any]:
    stages = ordered(db, Stage, map_id=m.id)
    lanes = ordered(db, Lane, map_id=m.id)
    stage_at = {st.id: i for i, st in enumerate(stages)}
    lane_at = {ln.id: i for i, ln in enumerate(lanes)}
    notes = [n for n in db.exec(select(Note).where(Note.map_id == m.id))
             if n.stage_id in stage_at and n.lane_id in lane_at]
    notes.sort(key=lambda n: (stage_at[n.stage_id], lane_at[n.lane_id], n.position, n.id))
    curves = []
    for c in ordered(db, Curve, map_id=m.id):
        points = [p for p in db.exec(select(CurvePoint).where(CurvePoint.curve_id == c.id))
                  if p.stage_id in stage_at]
        points.sort(key=lambda p: (stage_at[p.stage_id], p.position, p.id))
        curves.append(_fields(
            CurveDoc, id=c.id, name=c.name, colour=c.colour, persona_id=c.persona_id,
            points=[_fields(CurvePointDoc, id=p.id, stage_id=p.stage_id, score=float(p.score),
                            label=p.label) for p in points]))
    note_ids = {n.id for n in notes}
    votes = [v for v in db.exec(select(Vote).join(Note, col(Note.id) == col(Vote.note_id))
                                .where(Note.map_id == m.id)) if v.note_id in note_ids]
    votes.sort(key=lambda v: (v.created_at, v.id))
    lane_ids = {ln.id for ln in lanes}
    rounds = [_fields(VoteRoundDoc, id=r.id, name=r.name,
                      votes_per_participant=r.votes_per_participant,
                      cap_per_note=r.cap_per_note,
                      lane_ids=[x for x in r.lane_ids.split(",") if x in lane_ids],
                      hide_totals=bool(r.hide_totals), status=r.status, created_at=r.created_at)
              for r in ordered(db, VoteRound, map_id=m.id)]
    return _fields(
        MapDoc, id=m.id, name=m.name, persona_id=m.persona_id, scale_min=m.scale_min,
        scale_max=m.scale_max,
        stages=[_fields(StageDoc, id=st.id, name=st.name, description=st.description,
                        width=None if st.width is None else float(st.width))
                for st in stages],
        lanes=[_fields(LaneDoc, id=ln.id, name=ln.name, kind=ln.kind,
                       description=ln.description, collapsed=bool(ln.collapsed))
               for ln in lanes],
        notes=[_fields(NoteDoc, id=n.id, stage_id=n.stage_id, lane_id=n.lane_id, text=n.text,
                       colour=n.colour, tags=_split_tags(n.tags), author=n.author,
                       owner=n.owner, priority=n.priority, impact=n.impact, effort=n.effort,
                       status=n.status, created_at=n.created_at, updated_at=n.updated_at)
               for n in notes],
        curves=curves,
        rounds=rounds,
        votes=[_fields(VoteDoc, id=v.id, note_id=v.note_id, participant_id=v.participant_id,
                       round_id=v.round_id, created_at=v.created_at) for v in votes],
    )


def dumps(doc: dict[str, Any]) -> str:
    """Deterministic text: keys in the format's documented order (not sorted),
    two-space indent, UTF-8 characters as they are, and a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_session_json(db: Db, session_id: str, path: str | os.PathLike[str]) -> Path:
    """Export a session to `path` atomically; an unwritable path is one WaymarkError line."""
    return write_text_atomic(path, dumps(export_session(db, session_id)))


# -- import -------------------------------------------------------------------------

def _all_ids(doc: WaymarkDoc) -> dict[type[SQLModel], list[str]]:
    ids: dict[type[SQLModel], list[str]] = defaultdict(list)
    ids[Session].append(doc.session.id)
    ids[Participant].extend(p.id for p in doc.participants)
    ids[Persona].extend(p.id for p in doc.personas)
    for m in doc.maps:
        ids[JourneyMap].append(m.id)
        ids[Stage].extend(s.id for s in m.stages)
        ids[Lane].extend(ln.id for ln in m.lanes)
        ids[Note].extend(n.id for n in m.notes)
        ids[Curve].extend(c.id for c in m.curves)
        ids[CurvePoint].extend(p.id for c in m.curves for p in c.points)
        ids[VoteRound].extend(r.id for r in m.rounds)
        ids[Vote].extend(v.id for v in m.votes)
    ids[ParkedNote].extend(p.id for p in doc.parking_lot)
    return ids


def _any_exists(db: Db, ids: dict[type[SQLModel], list[str]]) -> bool:
    for model, values in ids.items():
        column = col(model.id)  # type: ignore[attr-defined]
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            if db.exec(select(column).where(column.in_(chunk)).limit(1)).first() is not None:
                return True
    return False


def _positions(keys: Iterable[Any]) -> list[int]:
    """Dense positions within each container, in list order (0, 1, 2 … per key)."""
    counters: dict[Any, int] = defaultdict(int)
    out = []
    for key in keys:
        out.append(counters[key])
        counters[key] += 1
    return out


def marked_title(db: Db, title: str, word: str) -> str:
    """`title` with `word` in brackets ("Workshop (copy)"), numbered ("Workshop (copy
    2)") until no session of the library has it, so an original and each of its
    copies can be told apart; kept within the title length limit."""
    taken = {t.casefold() for t in db.exec(select(Session.title))}
    n = 1
    while True:
        tail = f" ({word})" if n == 1 else f" ({word} {n})"
        candidate = title[: MAX_NAME - len(tail)].rstrip() + tail
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def import_session(db: Db, doc: dict[str, Any] | ValidatedDoc, *, as_copy: bool = False,
                   title: str | None = None) -> Session:
    """Validate everything, then insert the session's rows in the caller's transaction.

    Ids are kept, so a session moved between laptops stays the same session.
    If any of its ids is already in this library (typically: the same session
    imported twice), it comes in as a copy with fresh ids for every row and
    " (imported copy)" after its title (" (imported copy 2)" for a second copy),
    rather than overwriting or failing.
    `as_copy` asks for fresh ids regardless and `title` names the new session
    (then without the suffix): that is how a session is duplicated."""
    vdoc = doc if isinstance(doc, WaymarkDoc) else validate(doc)
    ids = _all_ids(vdoc)
    copy = as_copy or _any_exists(db, ids)
    fresh: dict[str, str] = {}

    def rid(id_: str | None) -> str | None:
        if id_ is None or not copy:
            return id_
        if id_ not in fresh:
            fresh[id_] = new_id()
        return fresh[id_]

    s = vdoc.session
    if title is not None:
        title = title.strip()
        if not title or len(title) > MAX_NAME:
            raise WaymarkError(f"a session title must be 1 to {MAX_NAME} characters")
    elif copy:
        title = marked_title(db, s.title, COPY_WORD)
    else:
        title = s.title
    session_id = rid(s.id)
    rows: dict[type[SQLModel], list[dict[str, Any]]] = defaultdict(list)
    rows[Session].append(dict(
        id=session_id, title=title, date=s.date, facilitator=s.facilitator, goal=s.goal,
        notes=s.notes, created_at=s.created_at, updated_at=s.updated_at, deleted_at=None))
    for i, p in enumerate(vdoc.participants):
        rows[Participant].append(dict(id=rid(p.id), session_id=session_id, name=p.name,
                                      colour=p.colour, vote_budget=p.vote_budget, position=i))
    for i, pe in enumerate(vdoc.personas):
        rows[Persona].append(dict(
            id=rid(pe.id), session_id=session_id, name=pe.name, role=pe.role, quote=pe.quote,
            goals=pe.goals, frustrations=pe.frustrations, colour=pe.colour, position=i,
            photo=base64.b64decode(pe.photo, validate=True) if pe.photo else None))
    for i, m in enumerate(vdoc.maps):
        _map_rows(m, i, session_id, rid, rows)
    for i, pn in enumerate(vdoc.parking_lot):
        rows[ParkedNote].append(dict(id=rid(pn.id), session_id=session_id, text=pn.text,
                                     colour=pn.colour, tags=normalise_tags(pn.tags),
                                     author=pn.author, position=i, created_at=pn.created_at))
    conn = db.connection()
    for model in (Session, Participant, Persona, JourneyMap, Stage, Lane, Note, Curve,
                  CurvePoint, VoteRound, Vote, ParkedNote):
        if model is Note:  # the bulk of a big file: straight to sqlite3, a chunk at a time
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                for chunk in _chunks(_note_rows(m, rid) for m in vdoc.maps):
                    cursor.executemany(NOTE_INSERT, chunk)
            finally:
                cursor.close()
        elif rows[model]:
            conn.execute(insert(model.__table__), rows[model])  # type: ignore[attr-defined]
    session = db.get(Session, session_id)
    assert session is not None
    return session


def _map_rows(m: MapDoc, index: int, session_id: str | None,
              rid: Callable[[str | None], str | None],
              rows: dict[type[SQLModel], list[dict[str, Any]]]) -> None:
    map_id = rid(m.id)
    rows[JourneyMap].append(dict(id=map_id, session_id=session_id, name=m.name,
                                 persona_id=rid(m.persona_id), scale_min=m.scale_min,
                                 scale_max=m.scale_max, position=index))
    for i, st in enumerate(m.stages):
        rows[Stage].append(dict(id=rid(st.id), map_id=map_id, name=st.name,
                                description=st.description, position=i, width=st.width))
    for i, ln in enumerate(m.lanes):
        rows[Lane].append(dict(id=rid(ln.id), map_id=map_id, name=ln.name, kind=ln.kind.value,
                               description=ln.description, position=i, collapsed=ln.collapsed))
    for i, c in enumerate(m.curves):
        curve_id = rid(c.id)
        rows[Curve].append(dict(id=curve_id, map_id=map_id, persona_id=rid(c.persona_id),
                                name=c.name, colour=c.colour, position=i))
        positions = _positions(p.stage_id for p in c.points)
        for p, pos in zip(c.points, positions, strict=True):
            rows[CurvePoint].append(dict(id=rid(p.id), curve_id=curve_id,
                                         stage_id=rid(p.stage_id), position=pos,
                                         score=float(p.score), label=p.label))
    for i, r in enumerate(m.rounds):
        rows[VoteRound].append(dict(
            id=rid(r.id), map_id=map_id, name=r.name,
            votes_per_participant=r.votes_per_participant, cap_per_note=r.cap_per_note,
            lane_ids=",".join(str(rid(x)) for x in r.lane_ids), hide_totals=r.hide_totals,
            status=r.status, created_at=r.created_at, position=i))
    for v in m.votes:
        rows[Vote].append(dict(id=rid(v.id), note_id=rid(v.note_id),
                               participant_id=rid(v.participant_id), round_id=rid(v.round_id),
                               created_at=v.created_at))


#: The note columns a row below fills, in its order. Notes are a big file's bulk, so
#: their rows go to sqlite3 as plain tuples, in the caller's transaction: SQLAlchemy's
#: per-row parameter handling was a third of a 200,000-note import, and no note column
#: has a type conversion for it to do (each is text or an integer).
NOTE_COLUMNS = ("id", "map_id", "stage_id", "lane_id", "position", "text", "colour", "tags",
                "author", "owner", "priority", "impact", "effort", "status", "created_at",
                "updated_at")
NOTE_INSERT = (f"INSERT INTO note ({', '.join(NOTE_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(NOTE_COLUMNS))})")


def _note_rows(m: MapDoc, rid: Callable[[str | None], str | None]) -> Iterator[tuple[Any, ...]]:
    """The rows of a map's notes in NOTE_COLUMNS order, one at a time (dense positions)."""
    map_id = rid(m.id)
    kinds = {ln.id: ln.kind.value for ln in m.lanes}
    positions = _positions((n.stage_id, n.lane_id) for n in m.notes)
    for n, pos in zip(m.notes, positions, strict=True):
        colour = n.colour if n.colour is not None else note_colour_for_kind(kinds[n.lane_id])
        yield (rid(n.id), map_id, rid(n.stage_id), rid(n.lane_id), pos, n.text, colour,
               normalise_tags(n.tags), n.author, n.owner, n.priority, n.impact, n.effort,
               n.status, n.created_at, n.updated_at)


def _chunks(parts: Iterable[Iterable[tuple[Any, ...]]], size: int = 5000
            ) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for rows in parts:
        for row in rows:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def import_json_file(db: Db, path: str | os.PathLike[str]) -> Session:
    """Read, validate and import a file as one operation: `library.run(import_json_file, p)`."""
    return import_session(db, read_json_file(path))


# -- the schema file ----------------------------------------------------------------

def schema_text() -> str:
    return dumps(json_schema())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["--write-schema"]:
        print("usage: python -m formats.session_json --write-schema", file=sys.stderr)
        return 2
    write_text_atomic(SCHEMA_PATH, schema_text())
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
