"""Notes as CSV for spreadsheets: one row per note, out and back in.

Export writes UTF-8 with a byte-order mark (so Excel reads accents and CJK
correctly), `\\r\\n` row ends and csv-module quoting, so notes with commas,
quotes and line breaks survive a trip through a spreadsheet. A cell that would
start a formula (`=`, `+`, `-`, `@`, tab, CR: OWASP's CSV injection list) gets
a `'` in front, which import takes off again (docs/FORMAT.md says how to open
the file so `007` and `1/2` stay text too).
Rows come in map order: map position, stage, lane, note position.

Import is all or nothing: every row is checked first and the first problem is
reported as ``line N: <problem>`` with N the physical line in the file (the
header is line 1; a quoted note spanning three lines counts three), and then
nothing is imported. Run it through `Library.run` so it is one transaction.
Files may be UTF-8 or UTF-16 (with its byte-order mark) and end lines with
CR LF, LF or a lone CR (old Mac exports); messages quote at most 60 characters
of a value.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session as Db
from sqlmodel import select

from journey import ops
from journey.errors import NotFound, WaymarkError
from journey.limits import MAX_NAME, MAX_TEXT
from journey.models import (
    JourneyMap,
    Lane,
    LaneKind,
    Session,
    Stage,
    Vote,
    lane_kind_label,
    new_id,
    now_iso,
)
from journey.ops.notes import PRIORITIES, STATUSES, normalise_tags
from journey.palette import PALETTE
from journey.queries import find_map, load_map, maps_of
from storage.atomic import write_bytes_atomic

CSV_COLUMNS: tuple[str, ...] = (
    "session", "map", "stage", "lane", "lane kind", "text", "colour", "tags", "author",
    "votes", "owner", "priority", "impact", "effort", "status", "created", "updated",
)
#: What the header row says (the same names, capitalised for spreadsheet readers).
CSV_HEADER: tuple[str, ...] = tuple(c.capitalize() for c in CSV_COLUMNS)
REQUIRED = ("stage", "lane", "text")
MAX_VOTES = 999

#: Other spellings people use in hand-made sheets -> our column.
_ALIASES = {
    "color": "colour", "lane type": "lane kind", "kind": "lane kind", "note": "text",
    "created at": "created", "updated at": "updated", "modified": "updated",
    "step": "stage", "phase": "stage", "row": "lane", "tag": "tags", "dots": "votes",
}
_KIND_ALIASES = {
    "pain points": "pain_points", "pain point": "pain_points", "pains": "pain_points",
    "barriers": "pain_points", "opportunity": "opportunities", "touchpoint": "touchpoints",
    "action": "actions", "thought": "thoughts", "feeling": "feelings", "channel": "channels",
    "metric": "metrics", "metrics (kpis)": "metrics", "kpis": "metrics", "kpi": "metrics",
    "quote": "quotes", "voice of customer": "quotes", "emotions": "emotion",
}
_COLOUR_NAMES = {name.casefold(): fill for name, fill, _ in PALETTE}


@dataclass
class CsvImportResult:
    notes_added: int = 0
    votes_added: int = 0
    stages_created: list[str] = field(default_factory=list)
    lanes_created: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # unknown headers, as written
    # The rows created, so an undo can delete exactly them.
    note_ids: list[str] = field(default_factory=list)
    stage_ids: list[str] = field(default_factory=list)
    lane_ids: list[str] = field(default_factory=list)


class CsvError(WaymarkError):
    """A CSV file that cannot be imported; the message names the line."""


#: Starts a spreadsheet reads as a formula; after any `'` we added before.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _shown(value: str, limit: int = 60, quote: bool = True) -> str:
    """`value` for an error message: quoted (repr) and cut to `limit` characters
    with "…", so a pasted page in one cell does not become a page of message.
    With `quote=False` (a list already quoted) whitespace runs become one space."""
    if not quote:
        text = " ".join(value.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"
    text = repr(value)
    if len(text) <= limit + 2:
        return text
    return text[: limit + 1] + "…" + text[0]


def spreadsheet_safe(value: str) -> str:
    """The cell as written: `'` before a formula start, so a spreadsheet shows text
    instead of running it; text that already starts with `'` and a formula start
    gets one more `'`, so `strip_safe` gives back exactly the note."""
    return "'" + value if _FORMULA.match(value) else value


def strip_safe(value: str) -> str:
    """Undo `spreadsheet_safe`: one `'` off a cell that starts `'` and a formula."""
    return value[1:] if value[:1] == "'" and _FORMULA.match(value) else value


def _key(name: str) -> str:
    key = re.sub(r"[\s_\-]+", " ", name.replace("\ufeff", "")).strip().casefold()
    return _ALIASES.get(key, key)


# -- export -----------------------------------------------------------------------

def csv_rows(db: Db, session_id: str, map_id: str | None = None) -> list[list[str]]:
    """The export's data rows (no header), in map, stage, lane, note order."""
    session = db.get(Session, session_id)
    if session is None:
        raise NotFound(f"session {session_id} not found")
    maps = maps_of(db, session_id)
    if map_id is not None:
        maps = [find_map(db, session_id, map_id)]
    rows: list[list[str]] = []
    for jmap in maps:
        data = load_map(db, jmap.id)
        for stage in data.stages:
            for lane in data.lanes:
                kind = lane_kind_label(lane.kind)
                for note in data.notes.get((stage.id, lane.id), []):
                    rows.append([
                        session.title, jmap.name, stage.name, lane.name, kind, note.text,
                        note.colour, note.tags, note.author,
                        str(len(data.votes.get(note.id, []))), note.owner, note.priority,
                        "" if note.impact is None else str(note.impact),
                        "" if note.effort is None else str(note.effort),
                        note.status, note.created_at, note.updated_at,
                    ])
    return rows


def csv_text(rows: list[list[str]]) -> str:
    """The file's text: the header, then the rows with formula starts made safe."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buf.getvalue()


def export_csv(db: Db, session_id: str, path: str | os.PathLike[str],
               map_id: str | None = None) -> int:
    """Write the session's notes (or one map's) to `path`; returns the rows written."""
    rows = csv_rows(db, session_id, map_id)
    write_bytes_atomic(path, csv_text(rows).encode("utf-8-sig"))
    return len(rows)


# -- reading ----------------------------------------------------------------------

def _decode(raw: bytes) -> str:
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text"
    encoding = "utf-16" if utf16 else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = exc.start
    # Raised here, not in the except block, so no decode error rides along as the
    # context (a caller looking for a damaged library's decode errors must not find one).
    line = len(_NEWLINE.split(raw[:bad].decode(encoding, "replace")))
    if utf16:  # cut short (an odd number of bytes) or half a surrogate pair
        raise CsvError(f"line {line}: the file is not valid UTF-16 text (it is cut off "
                       f"or damaged); save it from the spreadsheet again, ideally as "
                       f"\"CSV UTF-8\"")
    raise CsvError(f"line {line}: the file is not UTF-8 text; save it from the "
                   f"spreadsheet as \"CSV UTF-8\"")


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon/tab a European Excel writes, whichever names more columns."""
    known = set(CSV_COLUMNS)
    best, best_hits = ",", -1
    for delim in (",", ";", "\t"):
        try:
            fields = next(csv.reader([first_line], delimiter=delim), [])
        except csv.Error:  # e.g. a huge field; reading the file reports it with its line
            continue
        hits = sum(1 for f in fields if _key(f) in known)
        if hits > best_hits:
            best, best_hits = delim, hits
    return best


def read_records(text: str) -> list[tuple[int, list[str]]]:
    """(physical start line, fields) for every record, the header first."""
    # newline="": lines end at CR LF, LF or a lone CR, and a line break inside
    # quotes stays in its cell (as written; `_check_row` makes it \n).
    lines = io.StringIO(text, newline="")
    first = _NEWLINE.split(text, 1)[0]
    reader = csv.reader(lines, delimiter=_delimiter(first), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            msg = str(exc)
            if "unexpected end of data" in msg or "EOF" in msg:
                msg = "a quoted field is never closed (a missing \")"
            elif "expected" in msg and "after" in msg:
                msg = "a quote inside a field must be doubled (\"\")"
            elif "NUL" in msg:
                msg = "the line contains a NUL byte (is this a CSV file?)"
            elif "field limit" in msg:
                msg = (f"a field is longer than {csv.field_size_limit():,} characters "
                       f"(a quote that is never closed?)")
            else:
                msg = _shown(msg, 120, quote=False)
            raise CsvError(f"line {start}: {msg}") from None
        out.append((start, fields))
        start = reader.line_num + 1
    return out


# -- validation ---------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    stage: str
    lane: str
    kind: str | None
    fields: dict[str, object]
    votes: int
    created: str
    updated: str


def _int_1_5(value: str, what: str, line: int) -> int | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not (1 <= number <= 5 and number == int(number)):  # also NaN and inf, unconverted
        raise CsvError(f"line {line}: {what} must be a whole number from 1 to 5 (got {_shown(value)})")
    return int(number)


def _choice(value: str, allowed: tuple[str, ...], what: str, line: int) -> str:
    norm = re.sub(r"[\s_\-]+", " ", value).strip().casefold()
    if norm in allowed:
        return norm
    raise CsvError(f"line {line}: {what} {_shown(value)} is not one of "
                   f"{', '.join(a for a in allowed if a)} (or empty)")


def _colour(value: str, line: int) -> str | None:
    if not value:
        return None
    named = _COLOUR_NAMES.get(value.casefold())
    if named:
        return named
    v = value if value.startswith("#") else "#" + value
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", v):
        return v.upper()
    raise CsvError(f"line {line}: colour {_shown(value)} is not #RRGGBB or a palette name "
                   f"({', '.join(n for n, _, _ in PALETTE)})")


def _timestamp(value: str, what: str, line: int) -> str:
    if not value:
        return now_iso()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CsvError(f"line {line}: {what} {_shown(value)} is not an ISO date-time like "
                       f"2026-11-20T09:30:00Z (clear the cell to use the import time)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-12:00 is past the calendar's end in UTC
        raise CsvError(f"line {line}: {what} {_shown(value)} is outside the years 1 to 9999 "
                       f"in UTC") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _kind(value: str, line: int) -> str | None:
    if not value:
        return None
    key = re.sub(r"[\s_\-]+", " ", value).strip().casefold()
    key = _KIND_ALIASES.get(key, key).replace(" ", "_")
    if LaneKind.parse(key) is not None:
        return key
    raise CsvError(f"line {line}: unknown lane kind {_shown(value)} (one of "
                   f"{', '.join(k.label for k in LaneKind)})")


def _check_row(line: int, get: dict[str, str]) -> _Row:
    stage, lane, text = get["stage"].strip(), get["lane"].strip(), get["text"]
    if not stage:
        raise CsvError(f"line {line}: the stage is empty")
    if not lane:
        raise CsvError(f"line {line}: the lane is empty")
    for what, name in (("stage", stage), ("lane", lane)):
        if len(name) > MAX_NAME:
            raise CsvError(f"line {line}: the {what} name is longer than {MAX_NAME} characters")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT:
        raise CsvError(f"line {line}: the text is longer than {MAX_TEXT:,} characters")
    votes_raw = get.get("votes", "").strip()
    if votes_raw and not (votes_raw.isdigit() and int(votes_raw) <= MAX_VOTES):
        raise CsvError(f"line {line}: votes must be a whole number from 0 to {MAX_VOTES} "
                       f"(got {_shown(votes_raw)})")
    fields: dict[str, object] = {
        "text": text,
        "tags": normalise_tags(get.get("tags", "")),
        "author": get.get("author", "").strip(),
        "owner": get.get("owner", "").strip(),
        "priority": _choice(get.get("priority", "").strip(), PRIORITIES, "priority", line),
        "status": _choice(get.get("status", "").strip(), STATUSES, "status", line),
        "impact": _int_1_5(get.get("impact", "").strip(), "impact", line),
        "effort": _int_1_5(get.get("effort", "").strip(), "effort", line),
    }
    colour = _colour(get.get("colour", "").strip(), line)
    if colour:
        fields["colour"] = colour
    return _Row(line, stage, lane, _kind(get.get("lane kind", "").strip(), line), fields,
                int(votes_raw or 0), _timestamp(get.get("created", "").strip(), "created", line),
                _timestamp(get.get("updated", "").strip(), "updated", line))


def parse_csv(text: str) -> tuple[list[_Row], list[str]]:
    """Check every record; returns the rows and the ignored (unknown) column names."""
    records = read_records(text)
    if not records or not any(f.strip() for f in records[0][1]):
        raise CsvError("line 1: the file is empty; the first line must name the columns "
                       f"({', '.join(CSV_HEADER)})")
    header = records[0][1]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        key = _key(name)
        if key in columns:
            raise CsvError(f"line 1: the column {_shown(name.strip())} appears twice")
        if key in CSV_COLUMNS:
            columns[key] = i
        elif key:
            ignored.append(name.strip())
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        has = ", ".join(_shown(h.strip(), 30) for h in header if h.strip())
        raise CsvError(f"line 1: no {' or '.join(repr(m) for m in missing)} column (the header "
                       f"has {_shown(has, 150, quote=False) or 'none'})")
    rows: list[_Row] = []
    first_map: tuple[int, str] | None = None
    for line, fields in records[1:]:
        if not any(f.strip() for f in fields):
            continue  # blank lines and rows of empty cells
        if len(fields) != len(header):
            raise CsvError(f"line {line}: {len(fields)} fields, but the header has "
                           f"{len(header)} columns (a stray comma or quote?)")
        get = {key: strip_safe(fields[i]) for key, i in columns.items()}
        if "map" in columns and get["map"].strip():
            name = get["map"].strip()
            if first_map is None:
                first_map = (line, name)
            elif name.casefold() != first_map[1].casefold():
                raise CsvError(f"line {line}: the file mixes maps ({_shown(first_map[1])} and "
                               f"{_shown(name)}); import one map at a time")
        rows.append(_check_row(line, get))
    return rows, ignored


def read_csv_file(path: str | os.PathLike[str]) -> str:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WaymarkError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _decode(raw)


# -- import ---------------------------------------------------------------------

def _target_map(db: Db, session_id: str, map_id: str) -> JourneyMap:
    jmap = db.get(JourneyMap, map_id)
    if jmap is None:
        return find_map(db, session_id, map_id)  # also accepts a map name
    if jmap.session_id != session_id:
        raise NotFound(f"map {_shown(jmap.name)} is not in this session")
    return jmap


def import_csv(db: Db, path: str | os.PathLike[str], session_id: str, map_id: str,
               create_missing: bool = False) -> CsvImportResult:
    """Add the notes of a CSV file to a map; all rows or none.

    Columns are matched by header name, ignoring case, spaces, ``_`` and ``-``
    (``Lane kind`` = ``lane_kind``; ``color`` = ``colour``); `stage`, `lane`
    and `text` are required, every other column is optional. Columns Waymark
    does not know (a consultant's own "Comments" column) are ignored and listed
    in the result, so a sheet with helper columns still imports. The `session`
    column is informational; the `map` column may hold only one map's name.

    Stages and lanes are matched by name (case-insensitive); an unknown one is
    an error unless `create_missing`, which appends it (a new lane takes its
    kind from the `lane kind` column). `votes` become that many facilitator
    dots (participant unknown), so counts survive a round trip; `created` and
    `updated` are kept (empty cells get the import time).
    """
    rows, ignored = parse_csv(read_csv_file(path))
    jmap = _target_map(db, session_id, map_id)
    stages = {s.name.casefold(): s for s in reversed(sorted(
        db.exec(select(Stage).where(Stage.map_id == jmap.id)), key=lambda s: s.position))}
    lanes_list = sorted(db.exec(select(Lane).where(Lane.map_id == jmap.id)),
                        key=lambda r: r.position)
    lanes: dict[str, list[Lane]] = {}
    for lane in lanes_list:
        lanes.setdefault(lane.name.casefold(), []).append(lane)
    result = CsvImportResult(ignored_columns=ignored)
    new_stages: dict[str, str] = {}
    new_lanes: dict[str, tuple[str, str]] = {}
    for row in rows:  # validate every reference before writing anything
        skey, lkey = row.stage.casefold(), row.lane.casefold()
        if skey not in stages and skey not in new_stages:
            if not create_missing:
                names = ", ".join(s.name for s in sorted(stages.values(),
                                                          key=lambda s: s.position))
                raise CsvError(f"line {row.line}: no stage {_shown(row.stage)} in map "
                               f"{_shown(jmap.name)} (stages: {_shown(names, 80, False) or 'none'}"
                               f"); allow creating missing stages "
                               f"and lanes to add it")
            new_stages[skey] = row.stage
        if lkey not in lanes and lkey not in new_lanes:
            if not create_missing:
                names = ", ".join(lane.name for lane in lanes_list)
                raise CsvError(f"line {row.line}: no lane {_shown(row.lane)} in map "
                               f"{_shown(jmap.name)} (lanes: {_shown(names, 80, False) or 'none'}"
                               f"); allow creating missing stages "
                               f"and lanes to add it")
            new_lanes[lkey] = (row.lane, row.kind or _guess_kind(row.lane))
    for skey, name in new_stages.items():
        stages[skey] = ops.add_stage(db, jmap.id, name)
        result.stages_created.append(name)
        result.stage_ids.append(stages[skey].id)
    for lkey, (name, kind) in new_lanes.items():
        lanes[lkey] = [ops.add_lane(db, jmap.id, name, kind)]
        result.lanes_created.append(name)
        result.lane_ids.append(lanes[lkey][0].id)
    items: list[ops.NewNote] = []
    for row in rows:
        candidates = lanes[row.lane.casefold()]
        lane = next((c for c in candidates if row.kind and c.kind == row.kind), candidates[0])
        fields = dict(row.fields)
        text = str(fields.pop("text"))
        items.append(ops.NewNote(stages[row.stage.casefold()].id, lane.id, text, fields,
                                 created_at=row.created, updated_at=row.updated))
    notes = ops.add_notes(db, items)  # one read per cell and one flush, not one per row
    stamp = now_iso()
    dots = [{"id": new_id(), "note_id": note.id, "participant_id": None, "round_id": None,
             "created_at": stamp}
            for note, row in zip(notes, rows, strict=True) for _ in range(row.votes)]
    if dots:  # rows, not Vote objects: building 10,000 SQLModel objects takes seconds
        db.execute(insert(Vote), dots)
    result.notes_added = len(notes)
    result.note_ids = [note.id for note in notes]
    result.votes_added = sum(row.votes for row in rows)
    return result


def _guess_kind(lane_name: str) -> str:
    """A new lane's kind from its name ("Pain points" -> pain_points), else custom."""
    try:
        return _kind(lane_name, 0) or LaneKind.CUSTOM.value
    except CsvError:
        return LaneKind.CUSTOM.value

