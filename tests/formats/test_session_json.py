"""The JSON interchange: exact round trips, copies on id clashes, and bad files
rejected with one line that names the field, leaving the library untouched."""

from __future__ import annotations

import copy
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from formats.session_json import (
    COPY_SUFFIX,
    SCHEMA_PATH,
    FormatError,
    dumps,
    export_session,
    import_json_file,
    import_session,
    read_json_file,
    schema_text,
    validate,
    write_session_json,
)
from formats.session_json_models import WaymarkDoc
from journey import ops
from journey.demo import add_demo_session
from journey.errors import WaymarkError
from journey.models import LaneKind, new_id
from journey.templates import DEFAULT_TEMPLATE
from storage import Library

ROOT = Path(__file__).resolve().parents[2]
Doc = dict[str, Any]


def sql_dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 64), (213, 94, 0)).save(buf, format="PNG")
    return buf.getvalue()


def build_rich_session(db):
    """Everything the format must carry, including the awkward cases."""
    s = ops.create_session(db, "Ελληνικά, 中文 & ☕ workshop", template=None, map_name=None,
                           date="2026-11-21", facilitator="Zoë Ξενάκη",
                           goal="Find the drop-off\nand fix it")
    s.notes = "多行\nnotes 🚀"
    maya = ops.add_persona(db, s.id, "Maya 真由美", role="PM", quote="«Καφές»",
                           goals="one\ntwo", frustrations="three", photo=png_bytes())
    ops.add_persona(db, s.id, "Ravi", colour="#0072B2")
    amira = ops.add_participant(db, s.id, "Amira", "#D55E00", 5)
    ben = ops.add_participant(db, s.id, "Ben 🧑🏽‍💻", "#0072b2", 2)
    m = ops.add_map(db, s.id, "Current state", template=None, persona_id=maya.id)
    st = [ops.add_stage(db, m.id, n, description=d)
          for n, d in [("Awareness", ""), ("購入", "Kaufen"), ("Χρήση", "")]]
    ops.set_stage_width(db, st[1].id, 320.5)
    lanes = [ops.add_lane(db, m.id, n, k) for n, k in [
        ("Touchpoints", LaneKind.TOUCHPOINTS), ("Emotion", LaneKind.EMOTION),
        ("Pain points", LaneKind.PAIN_POINTS), ("Backstage", LaneKind.BACKSTAGE)]]
    ops.set_lane_collapsed(db, lanes[3].id, True)
    ops.set_lane_description(db, lanes[0].id, "Where they meet us")
    a = ops.add_note(db, st[0].id, lanes[0].id, "Instagram ad ☕\nsecond line\n\nfourth",
                     tags="ads, 広告")
    b = ops.add_note(db, st[0].id, lanes[0].id, "顧客は配送料に驚いた")
    c = ops.add_note(db, st[0].id, lanes[0].id, "Ο πελάτης δεν βρίσκει την παύση", index=0)
    d = ops.add_note(db, st[1].id, lanes[2].id, "Surprise fee 😡", owner="Ben", priority="high",
                     impact=5, effort=1, status="in progress", author="Amira",
                     colour="#a3e4c9")
    ops.add_note(db, st[2].id, lanes[3].id, "")
    ops.move_note(db, b.id, st[0].id, lanes[0].id, 0)
    own = ops.add_curve(db, m.id, None, name="Team view", colour="#009E73")
    mine = ops.add_curve(db, m.id, maya.id)
    for curve, scores in ((own, [1, -1.5, 2]), (mine, [0, -3, 3])):
        for stage, score in zip(st, scores, strict=True):
            ops.add_curve_point(db, curve.id, stage.id, score, label=f"{score:g} ✓")
    ops.add_curve_point(db, mine.id, st[1].id, 2.25, "rebound", index=0)
    for note, who in ((d, amira.id), (d, None), (a, None), (c, ben.id), (d, amira.id)):
        ops.vote(db, note.id, who)
    r1 = ops.start_round(db, m.id, "Biggest pain", votes_per_participant=2, cap_per_note=1,
                         lane_ids=[lanes[2].id, lanes[0].id])
    ops.cast_vote(db, r1.id, d.id, ben.id)
    ops.cast_vote(db, r1.id, a.id, ben.id)
    ops.set_round_status(db, r1.id, "revealed")
    r2 = ops.start_round(db, m.id, votes_per_participant=5, hide_totals=False)
    ops.cast_vote(db, r2.id, c.id, amira.id)
    ops.park_note(db, s.id, "Ask finance ☕\nabout fees", tags="follow-up, 財務",
                  author="Zoë", colour="#AED6F1")
    ops.park_note(db, s.id, "")
    m2 = ops.add_map(db, s.id, "Future state", template=DEFAULT_TEMPLATE)
    ops.set_map_scale(db, m2.id, 1, 5)
    return s


def round_trip(lib: Library, session_id: str, tmp_path: Path, name: str) -> tuple[str, str]:
    first = dumps(lib.read(export_session, session_id))
    empty = Library(tmp_path / f"{name}.sqlite")
    try:
        imported = empty.run(import_session, json.loads(first))
        assert imported.id == session_id
        second = dumps(empty.read(export_session, imported.id))
    finally:
        empty.close()
    return first, second


# -- round trips ---------------------------------------------------------------------

def test_demo_round_trip_is_byte_identical(demo, tmp_path: Path) -> None:
    lib, session = demo
    first, second = round_trip(lib, session.id, tmp_path, "empty")
    assert first == second
    doc = json.loads(first)
    assert sum(len(m["notes"]) for m in doc["maps"]) >= 40
    assert doc["maps"][0]["votes"] and doc["maps"][0]["curves"][0]["points"]


def test_rich_session_round_trip_is_byte_identical(library: Library, tmp_path: Path) -> None:
    session = library.run(build_rich_session)
    first, second = round_trip(library, session.id, tmp_path, "empty")
    assert first == second
    doc = json.loads(first)
    assert "Ελληνικά, 中文 & ☕ workshop" in first  # characters as they are, not \u escapes
    jmap = doc["maps"][0]
    assert [n["text"] for n in jmap["notes"][:3]] == [
        "顧客は配送料に驚いた", "Ο πελάτης δεν βρίσκει την παύση",
        "Instagram ad ☕\nsecond line\n\nfourth"]
    assert jmap["notes"][2]["tags"] == ["ads", "広告"]
    assert jmap["stages"][1]["width"] == 320.5 and jmap["stages"][0]["width"] is None
    assert jmap["lanes"][3]["collapsed"] is True
    assert [len(c["points"]) for c in jmap["curves"]] == [3, 4]
    assert jmap["curves"][1]["points"][1] == {
        "id": jmap["curves"][1]["points"][1]["id"], "stage_id": jmap["stages"][1]["id"],
        "score": 2.25, "label": "rebound"}
    assert sum(v["participant_id"] is None for v in jmap["votes"]) == 2
    assert doc["participants"][1]["colour"] == "#0072b2"  # kept as written
    assert doc["personas"][0]["photo"] and doc["personas"][1]["photo"] is None
    assert doc["maps"][1]["scale_min"] == 1
    rounds = jmap["rounds"]
    assert [(r["name"], r["votes_per_participant"], r["cap_per_note"], r["status"],
             r["hide_totals"]) for r in rounds] == [
        ("Biggest pain", 2, 1, "revealed", True), ("Round 2", 5, None, "open", False)]
    assert rounds[0]["lane_ids"] == [jmap["lanes"][2]["id"], jmap["lanes"][0]["id"]]
    in_rounds = [v["round_id"] for v in jmap["votes"] if v["round_id"]]
    assert sorted(in_rounds) == sorted([rounds[0]["id"]] * 2 + [rounds[1]["id"]])
    assert len(jmap["votes"]) == 8
    assert [(p["text"], p["tags"], p["author"], p["colour"]) for p in doc["parking_lot"]] == [
        ("Ask finance ☕\nabout fees", ["follow-up", "財務"], "Zoë", "#AED6F1"),
        ("", [], "", "#F9E79F")]


def test_rounds_and_parking_lot_survive_in_the_database(library: Library, tmp_path: Path) -> None:
    """The imported rows are the real thing: results and the parking lot work on them."""
    session = library.run(build_rich_session)
    doc = library.read(export_session, session.id)
    other = Library(tmp_path / "other.sqlite")
    try:
        other.run(import_session, doc)
        rounds = doc["maps"][0]["rounds"]
        results = other.read(ops.round_results, rounds[0]["id"])
        assert [(text, n) for _, text, n in results["ranked"]] == [
            ("Instagram ad ☕\nsecond line\n\nfourth", 1), ("Surprise fee 😡", 1)]
        conn = sqlite3.connect(other.path)
        parked = conn.execute("SELECT text, tags, position FROM parked_note "
                              "ORDER BY position").fetchall()
        lanes = conn.execute("SELECT lane_ids FROM vote_round ORDER BY position").fetchall()
        conn.close()
        assert parked == [("Ask finance ☕\nabout fees", "follow-up, 財務", 0), ("", "", 1)]
        assert lanes == [(",".join(rounds[0]["lane_ids"]),), ("",)]
    finally:
        other.close()


def test_version_1_file_still_imports(library: Library) -> None:
    """A file written before rounds and the parking lot: upgraded, not refused."""
    v1 = json.loads((ROOT / "tests" / "fixtures" / "session-v1.json").read_text("utf-8"))
    assert v1["version"] == 1 and "parking_lot" not in v1
    before = copy.deepcopy(v1)
    validate(v1)
    assert v1 == before  # upgrading never touches the caller's document
    session = library.run(import_session, v1)
    out = library.read(export_session, session.id)
    assert out["version"] == 2 and out["parking_lot"] == []
    assert all(m["rounds"] == [] for m in out["maps"])
    assert [v["round_id"] for v in out["maps"][0]["votes"]] == [None] * len(v1["maps"][0]["votes"])
    assert len(out["maps"][0]["votes"]) == 2
    for key in ("session", "participants", "personas"):
        assert out[key] == v1[key]
    for mine, theirs in zip(out["maps"], v1["maps"], strict=True):
        assert {k: v for k, v in mine.items() if k != "rounds"} == {
            **theirs, "votes": [{**v, "round_id": None} for v in theirs["votes"]]}


def test_duplicate_session_is_a_full_copy_with_fresh_ids(library: Library) -> None:
    from formats.session_copy import duplicate_session

    session = library.run(build_rich_session)
    library.run(ops.trash_session, session.id)
    copy_ = library.run(duplicate_session, session.id)
    assert copy_.title == session.title + " (copy)" and copy_.deleted_at is None
    named = library.run(duplicate_session, session.id, "  Second run  ")
    assert named.title == "Second run"
    a = library.read(export_session, session.id)
    b = library.read(export_session, copy_.id)
    assert not set(_ids(a)) & set(_ids(b))
    assert b["session"]["created_at"] > a["session"]["created_at"]
    strip = lambda d: _normalised_ids(dumps(_without_votes({**d, "session": {}})))  # noqa: E731
    assert strip(a) == strip(b)  # the same content, ids apart
    assert _votes(a) == _votes(b)
    with pytest.raises(WaymarkError, match="session name cannot be empty"):
        library.run(duplicate_session, session.id, "  ")


def test_photo_bytes_survive(library: Library, tmp_path: Path) -> None:
    session = library.run(build_rich_session)
    doc = library.read(export_session, session.id)
    other = Library(tmp_path / "other.sqlite")
    try:
        other.run(import_session, doc)
        conn = sqlite3.connect(other.path)
        photo = conn.execute("SELECT photo FROM persona WHERE name LIKE 'Maya%'").fetchone()[0]
        conn.close()
    finally:
        other.close()
    assert photo == png_bytes()


def test_export_is_deterministic_and_valid(library: Library) -> None:
    session = library.run(build_rich_session)
    a = dumps(library.read(export_session, session.id))
    b = dumps(library.read(export_session, session.id))
    assert a == b and a.endswith("}\n")
    doc = json.loads(a)
    validate(doc)
    assert list(doc) == list(WaymarkDoc.model_fields)
    assert list(doc["maps"][0]["notes"][0]) == [
        "id", "stage_id", "lane_id", "text", "colour", "tags", "author", "owner", "priority",
        "impact", "effort", "status", "created_at", "updated_at"]


def test_positions_are_dense_after_import(tmp_path: Path) -> None:
    """Gaps in the source's positions disappear; the order stays."""
    lib = Library(tmp_path / "gaps.sqlite")
    session = lib.run(add_demo_session)
    conn = sqlite3.connect(lib.path)
    conn.execute("UPDATE note SET position = position * 10 + 3")
    conn.commit()
    conn.close()
    first, second = round_trip(lib, session.id, tmp_path, "dense")
    lib.close()
    assert first == second
    conn = sqlite3.connect(tmp_path / "dense.sqlite")
    rows = conn.execute("SELECT stage_id, lane_id, group_concat(position) FROM "
                        "(SELECT * FROM note ORDER BY position) GROUP BY stage_id, lane_id")
    for _, _, positions in rows:
        assert positions == ",".join(str(i) for i in range(len(positions.split(","))))
    conn.close()


# -- id clashes ----------------------------------------------------------------------

def _normalised_ids(text: str) -> str:
    """Replace every 32-hex id by its order of first appearance."""
    import re

    seen: dict[str, str] = {}
    return re.sub(r"\b[0-9a-f]{32}\b", lambda m: seen.setdefault(m[0], f"ID{len(seen)}"), text)


def test_importing_the_same_session_twice_makes_a_copy(demo) -> None:
    lib, session = demo
    doc = lib.read(export_session, session.id)
    copied = lib.run(import_session, doc)
    assert copied.id != session.id and copied.title == session.title + COPY_SUFFIX
    again = lib.read(export_session, copied.id)
    old_ids = set(_ids(doc))
    assert not old_ids & set(_ids(again))
    assert _votes(again) == _votes(doc)  # same dots (ties in time are ordered by id)
    expected = _normalised_ids(dumps(_without_votes(doc))).replace(
        '"title": "Coffee subscription"', '"title": "Coffee subscription (imported copy)"')
    assert _normalised_ids(dumps(_without_votes(again))) == expected
    assert lib.integrity_check() == "ok"


def _votes(doc: Doc) -> list[tuple[str, str, str]]:
    texts = {n["id"]: n["text"] for m in doc["maps"] for n in m["notes"]}
    names = {p["id"]: p["name"] for p in doc["participants"]}
    return sorted((texts[v["note_id"]], names.get(v["participant_id"], ""), v["created_at"])
                  for m in doc["maps"] for v in m["votes"])


def _without_votes(doc: Doc) -> Doc:
    doc = copy.deepcopy(doc)
    for m in doc["maps"]:
        m["votes"] = []
    return doc


def test_any_clashing_id_makes_a_copy(demo) -> None:
    lib, session = demo
    doc = lib.read(export_session, session.id)
    doc["session"]["id"] = new_id()  # a new session that reuses one note id
    note_id = doc["maps"][0]["notes"][0]["id"]
    copied = lib.run(import_session, doc)
    exported = lib.read(export_session, copied.id)
    assert copied.title.endswith(COPY_SUFFIX)
    assert note_id not in _ids(exported)


def _ids(doc: Any) -> list[str]:
    if isinstance(doc, dict):
        return [v for k, v in doc.items() if k == "id"] + [
            i for v in doc.values() for i in _ids(v)]
    if isinstance(doc, list):
        return [i for v in doc for i in _ids(v)]
    return []


# -- hand-written files --------------------------------------------------------------

def test_minimal_hand_written_file_imports(library: Library, tmp_path: Path) -> None:
    doc = {
        "format": "waymark", "version": 1,
        "session": {"id": "s1", "title": "Sketch"},
        "maps": [{
            "id": "m1", "name": "Now",
            "stages": [{"id": "aw", "name": "Awareness"}, {"id": "bu", "name": "Buy"}],
            "lanes": [{"id": "pain", "name": "Pain points", "kind": "pain_points"}],
            "notes": [{"id": "n1", "stage_id": "bu", "lane_id": "pain", "text": "Fees",
                       "tags": [" money ", "Money", "fees"], "impact": 4}],
            "curves": [{"id": "c1", "points": [{"id": "p1", "stage_id": "aw", "score": 2}]}],
        }],
    }
    path = tmp_path / "sketch.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    session = library.run(import_json_file, path)
    out = library.read(export_session, session.id)
    note = out["maps"][0]["notes"][0]
    assert note["colour"] == "#E8A152"  # the pain-point colour of the palette
    assert note["tags"] == ["money", "fees"]
    assert out["maps"][0]["curves"][0]["points"][0]["score"] == 2.0
    assert out["maps"][0]["curves"][0]["name"] == "Emotion"
    validate(out)


def test_format_doc_example_is_valid_and_canonical(library: Library) -> None:
    """The example in docs/FORMAT.md imports, and is exactly what Waymark writes."""
    text = (ROOT / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    doc = json.loads(example)
    session = library.run(import_session, doc)
    assert dumps(library.read(export_session, session.id)) == example


def test_schema_file_matches_the_models() -> None:
    assert SCHEMA_PATH == ROOT / "docs" / "waymark-session.schema.json"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: python -m formats.session_json --write-schema")


# -- malformed files -----------------------------------------------------------------

def _mutate(fn: Callable[[Doc], Any]) -> Callable[[Doc], str]:
    def make(doc: Doc) -> str:
        doc = copy.deepcopy(doc)
        fn(doc)
        return json.dumps(doc, ensure_ascii=False)
    return make


def _set(path: str, value: Any) -> Callable[[Doc], str]:
    """_set("maps.0.notes.3.text", 42) sets that field."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]

    def fn(doc: Doc) -> None:
        target = doc
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    return _mutate(fn)


def _del(path: str) -> Callable[[Doc], str]:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]

    def fn(doc: Doc) -> None:
        target = doc
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]
    return _mutate(fn)


def _dup_id(doc: Doc) -> None:
    doc["maps"][0]["notes"][3]["id"] = doc["maps"][0]["notes"][1]["id"]


# (kind, content maker (or bytes), expected text: "=..." exact, otherwise a substring)
MALFORMED: list[tuple[str, Any, str]] = [
    ("not_json", lambda d: "this is not JSON",
     "is not valid JSON at line 1, column 1: expecting value"),
    ("truncated", lambda d: dumps(d)[: len(dumps(d)) // 2], "is not valid JSON at line "),
    ("cut_at_the_end", lambda d: dumps(d)[:-20], "the file ends too early"),
    ("not_utf8", lambda d: dumps(d).encode("utf-8").replace("Chloé".encode(), b"Chlo\xe9"),
     "is not UTF-8 text (byte 0xe9"),
    ("top_level_array", lambda d: json.dumps([d]),
     "is not a Waymark session file (the top level is an array"),
    ("missing_format", _del("format"), 'no "format": "waymark"'),
    ("wrong_format", _set("format", "trello"), '"format" is \'trello\', expected "waymark"'),
    ("newer_version", _set("version", 3), "written by a newer Waymark (format version 3"),
    ("bad_version", _set("version", "1"), "version: must be a positive integer"),
    ("missing_stage_name", _del("maps.0.stages.2.name"),
     "=maps[0].stages[2].name: field required"),
    ("missing_session", _del("session"), "=session: field required"),
    ("wrong_type", _set("maps.0.notes.0.text", 42), "=maps[0].notes[0].text: must be a string"),
    ("string_for_number", _set("participants.0.vote_budget", "3"),
     "=participants[0].vote_budget: must be an integer"),
    ("unknown_stage", _set("maps.0.notes.3.stage_id", "nowhere"),
     "=maps[0].notes[3].stage_id: no stage 'nowhere' in this map"),
    ("unknown_vote_participant", _set("maps.0.votes.0.participant_id", "ghost"),
     "=maps[0].votes[0].participant_id: no participant 'ghost' in this file"),
    ("duplicate_id", _mutate(_dup_id), "maps[0].notes[3].id: duplicate id"),
    ("bad_colour", _set("participants.1.colour", "red"),
     "=participants[1].colour: must be a colour like #0072B2 (got 'red')"),
    ("unknown_lane_kind", _set("maps.0.lanes.0.kind", "vibes"),
     "maps[0].lanes[0].kind: unknown lane kind; one of touchpoints, actions"),
    ("score_outside_scale", _set("maps.0.curves.0.points.1.score", 7),
     "=maps[0].curves[0].points[1].score: 7 is outside the map's scale -3…3"),
    ("impact_9", _set("maps.0.notes.0.impact", 9),
     "=maps[0].notes[0].impact: must be an integer 1–5 (got 9)"),
    ("unknown_field", _set("maps.0.notes.0.colour_x", "#FFFFFF"),
     "=maps[0].notes[0].colour_x: unknown field"),
    ("bad_photo", _set("personas.0.photo", "not base64!"),
     "personas[0].photo: must be a base64-encoded PNG image"),
    ("photo_not_png", _set("personas.0.photo", "R0lGODlhAQABAAAAACw="),
     "personas[0].photo: must be a base64-encoded PNG image"),
    ("huge_text", _set("maps.0.notes.0.text", "x" * 10_001),
     "=maps[0].notes[0].text: must be at most 10,000 characters"),
    ("empty_name", _set("maps.0.lanes.1.name", "   "),
     "=maps[0].lanes[1].name: must be a non-empty name of at most 200 characters"),
    ("bad_priority", _set("maps.0.notes.0.priority", "urgent"),
     "maps[0].notes[0].priority: must be one of"),
    ("bad_timestamp", _set("maps.0.notes.0.created_at", "yesterday"),
     "=maps[0].notes[0].created_at: must be an ISO 8601 timestamp like "
     "2026-11-20T09:30:00.000Z (got 'yesterday')"),
    ("nan_score", lambda d: dumps(d).replace('"score": 1.0', '"score": NaN', 1),
     "is not valid JSON: NaN is not allowed"),
    ("duplicate_key", lambda d: dumps(d).replace('"name": "Awareness"',
                                                 '"name": "Awareness", "name": "X"', 1),
     "the key 'name' appears twice"),
    ("scale_reversed", _set("maps.0.scale_min", 5),
     "=maps[0].scale_max: must be greater than scale_min (5), got 3"),
    ("lone_surrogate", lambda d: dumps(d).replace("Chloé", "Chlo\\ud800", 1),
     "=participants[2].name: contains an invalid character (a lone UTF-16 surrogate)"),
    ("huge_scale", _set("maps.0.scale_max", 10**30),
     "=maps[0].scale_max: must be an integer from -100 to 100 (got 1000000000000000000000000000000)"),
    ("null_list", _set("maps.0.stages", None), "=maps[0].stages: must be a list"),
    ("unknown_round", _set("maps.0.votes.0.round_id", "ghost"),
     "=maps[0].votes[0].round_id: no round 'ghost' in this map"),
    ("round_bad_lane", _set("maps.0.rounds", [{"id": "r1", "name": "R", "lane_ids": ["nowhere"]}]),
     "=maps[0].rounds[0].lane_ids[0]: no lane 'nowhere' in this map"),
    ("round_cap_above_votes", _set("maps.0.rounds", [
        {"id": "r1", "name": "R", "votes_per_participant": 2, "cap_per_note": 3}]),
     "=maps[0].rounds[0].cap_per_note: must not be more than votes_per_participant (2), got 3"),
    ("round_status", _set("maps.0.rounds", [{"id": "r1", "name": "R", "status": "paused"}]),
     "maps[0].rounds[0].status: must be one of"),
    ("round_zero_votes", _set("maps.0.rounds", [
        {"id": "r1", "name": "R", "votes_per_participant": 0}]),
     "=maps[0].rounds[0].votes_per_participant: must be an integer 1–99 (got 0)"),
    ("parked_colour", _set("parking_lot", [{"id": "p1", "colour": "yellow"}]),
     "=parking_lot[0].colour: must be a colour like #0072B2 (got 'yellow')"),
    ("parked_duplicate_id", lambda d: _set("parking_lot", [{"id": d["session"]["id"]}])(d),
     "parking_lot[0].id: duplicate id"),
]


@pytest.fixture
def demo_doc(demo) -> tuple[Library, Doc]:
    lib, session = demo
    return lib, lib.read(export_session, session.id)


@pytest.mark.parametrize(("kind", "make", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_is_rejected_and_library_unchanged(
    demo_doc: tuple[Library, Doc], tmp_path: Path, kind: str, make: Callable, expected: str,
) -> None:
    lib, doc = demo_doc
    content = make(doc)
    path = tmp_path / f"{kind}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = sql_dump(lib.path)
    with pytest.raises(WaymarkError) as info:
        lib.run(import_json_file, path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300, message
    if expected.startswith("="):
        assert message == expected[1:]
    else:
        assert expected in message, message
    assert sql_dump(lib.path) == before


def test_missing_file(library: Library, tmp_path: Path) -> None:
    with pytest.raises(WaymarkError, match=r"^cannot read .*nope\.json: no such file$"):
        library.run(import_json_file, tmp_path / "nope.json")


def test_too_big_file(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with open(path, "wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(201 * 1024 * 1024)
    before = sql_dump(library.path)
    with pytest.raises(WaymarkError, match=r"too big to import \(201 MB; the limit is 200 MB\)"):
        library.run(import_json_file, path)
    assert sql_dump(library.path) == before


def test_validation_error_names_field(demo_doc) -> None:
    _, doc = demo_doc
    del doc["maps"][0]["stages"][2]["name"]
    with pytest.raises(FormatError) as info:
        validate(doc)
    assert info.value.field == "maps[0].stages[2].name"


def test_read_json_file_returns_the_document(demo_doc, tmp_path: Path) -> None:
    _, doc = demo_doc
    path = tmp_path / "ok.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(doc).encode())  # a BOM is tolerated
    assert read_json_file(path) == doc


# -- writing -------------------------------------------------------------------------

def test_write_session_json_is_atomic_and_exact(demo, tmp_path: Path) -> None:
    lib, session = demo
    path = tmp_path / "out.json"
    path.write_text("old", encoding="utf-8")
    lib.read(write_session_json, session.id, path)
    assert path.read_text(encoding="utf-8") == dumps(lib.read(export_session, session.id))
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []
    umask = os.umask(0o22)
    os.umask(umask)
    fresh = tmp_path / "fresh.json"
    lib.read(write_session_json, session.id, fresh)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


@pytest.mark.parametrize("target", ["missing/dir/out.json", "."])
def test_write_session_json_unwritable(demo, tmp_path: Path, target: str) -> None:
    lib, session = demo
    path = tmp_path / target
    with pytest.raises(WaymarkError) as info:
        lib.read(write_session_json, session.id, path)
    assert str(info.value).startswith(f"cannot write {path}: ")
    assert "\n" not in str(info.value)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# -- the command line ----------------------------------------------------------------

@pytest.mark.slow
def test_cli_export_then_import_into_a_new_library(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    a, b = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    assert cli("--db", a, "demo").returncode == 0
    out = tmp_path / "demo.json"
    r = cli("--db", a, "export", "json", "Coffee subscription", "-o", str(out))
    assert r.returncode == 0, r.stderr
    r = cli("--db", b, "import", str(out))
    assert r.returncode == 0, r.stderr
    again = tmp_path / "again.json"
    assert cli("--db", b, "export", "json", "Coffee subscription", "-o", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()
    bad = tmp_path / "bad.json"
    doc = json.loads(out.read_text(encoding="utf-8"))
    del doc["maps"][0]["stages"][2]["name"]
    bad.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("--db", b, "import", str(bad))
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "maps[0].stages[2].name: field required" in r.stderr


# -- a big document ------------------------------------------------------------------

def big_doc(notes: int = 5000, stages: int = 10, lanes: int = 8) -> Doc:
    stage_ids = [new_id() for _ in range(stages)]
    lane_ids = [new_id() for _ in range(lanes)]
    kinds = list(LaneKind)
    note_docs = [{"id": new_id(), "stage_id": stage_ids[i % stages],
                  "lane_id": lane_ids[(i // stages) % lanes],
                  "text": f"Note {i}: something the room said about step {i % 17}",
                  "tags": ["t" + str(i % 5)], "created_at": "2026-11-20T09:00:00.000Z",
                  "updated_at": "2026-11-20T09:00:00.000Z"} for i in range(notes)]
    people = [{"id": new_id(), "name": f"P{i}"} for i in range(20)]
    return {
        "format": "waymark", "version": 1,
        "session": {"id": new_id(), "title": "Big", "created_at": "2026-11-20T09:00:00.000Z",
                    "updated_at": "2026-11-20T09:00:00.000Z"},
        "participants": people,
        "maps": [{
            "id": new_id(), "name": "Big map",
            "stages": [{"id": s, "name": f"Stage {i}"} for i, s in enumerate(stage_ids)],
            "lanes": [{"id": ln, "name": f"Lane {i}", "kind": kinds[i % len(kinds)].value}
                      for i, ln in enumerate(lane_ids)],
            "notes": note_docs,
            "curves": [{"id": new_id(), "points": [
                {"id": new_id(), "stage_id": s, "score": (i % 7) - 3}
                for i, s in enumerate(stage_ids)]}],
            "votes": [{"id": new_id(), "note_id": note_docs[i * 7]["id"],
                       "participant_id": people[i % 20]["id"],
                       "created_at": f"2026-11-20T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z"}
                      for i in range(600)],
        }],
    }


@pytest.mark.slow
def test_big_import(library: Library, tmp_path: Path) -> None:
    doc = big_doc()
    path = tmp_path / "big.json"
    path.write_text(dumps(doc), encoding="utf-8")
    t0 = time.perf_counter()
    session = library.run(import_json_file, path)
    t1 = time.perf_counter()
    text = dumps(library.read(export_session, session.id))
    t2 = time.perf_counter()
    print(json.dumps({"notes": 5000, "file_mb": round(path.stat().st_size / 2**20, 2),
                      "import_s": round(t1 - t0, 3), "export_s": round(t2 - t1, 3)}))
    exported = json.loads(text)
    assert len(exported["maps"][0]["notes"]) == 5000
    assert len(exported["maps"][0]["votes"]) == 600
    other = Library(tmp_path / "other.sqlite")
    try:
        other.run(import_session, exported)
        assert dumps(other.read(export_session, session.id)) == text
    finally:
        other.close()
