"""The checked-in JSON Schema and `import` agree, both ways.

Documents are generated from docs/waymark-session.schema.json itself
(hypothesis-jsonschema) and checked by a real validator (jsonschema's
Draft202012Validator with its format checker) and by a real import into a
library. What a schema cannot say — ids unique, references that resolve, a
scale's ends in order, a photo that decodes — is made to hold by `consistent`
first, so every remaining difference is a disagreement. Near-valid documents
are valid ones with one value changed, one key dropped or one added."""

from __future__ import annotations

import base64
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from PIL import Image

from formats.session_json import SCHEMA_PATH, FormatError, import_session, validate
from storage import Library

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
Doc = dict[str, Any]


def _png() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (0, 114, 178)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


PNG = _png()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    lib = Library(tmp_path_factory.mktemp("agreement") / "library.sqlite")
    yield lib
    lib.close()


def schema_ok(doc: Any) -> bool:
    return VALIDATOR.is_valid(doc)


def imports(lib: Library, doc: Any) -> bool:
    try:
        lib.run(import_session, copy.deepcopy(doc))
    except FormatError:
        return False
    return True


def consistent(doc: Doc) -> Doc:
    """`doc` with fresh unique ids and every cross-reference and cross-field rule made
    to hold, changing nothing a schema can check (types, lengths, patterns)."""
    doc = copy.deepcopy(doc)
    counter = iter(range(10**9))

    def fresh(obj: dict[str, Any]) -> str:
        obj["id"] = f"id{next(counter)}"
        return obj["id"]

    fresh(doc["session"])
    people = [fresh(p) for p in doc.get("participants", [])]
    personas = [fresh(p) for p in doc.get("personas", [])]
    for i, p in enumerate(doc.get("personas", [])):
        if p.get("photo") is not None:
            p["photo"] = PNG if i % 2 else None
    for m in doc.get("maps", []):
        fresh(m)
        if m.get("persona_id") is not None:
            m["persona_id"] = personas[0] if personas else None
        lo, hi = m.get("scale_min", -3), m.get("scale_max", 3)
        if lo >= hi:
            if lo < 100:
                m["scale_max"] = hi = lo + 1
            else:
                m["scale_min"] = lo = hi - 1
        stages = [fresh(s) for s in m.get("stages", [])]
        lanes = [fresh(ln) for ln in m.get("lanes", [])]
        if not (stages and lanes):
            m["notes"], m["votes"] = [], []
        notes = []
        for k, n in enumerate(m.get("notes", [])):
            notes.append(fresh(n))
            n["stage_id"], n["lane_id"] = stages[k % len(stages)], lanes[k % len(lanes)]
        free = list(personas)
        for c in m.get("curves", []):
            fresh(c)
            if c.get("persona_id") is not None:
                c["persona_id"] = free.pop(0) if free else None
            if not stages:
                c["points"] = []
            for k, p in enumerate(c.get("points", [])):
                fresh(p)
                p["stage_id"] = stages[k % len(stages)]
                p["score"] = min(max(p["score"], lo), hi)
        rounds = []
        for r in m.get("rounds", []):
            rounds.append(fresh(r))
            cap, most = r.get("cap_per_note"), r.get("votes_per_participant", 3)
            if cap is not None and cap > most:
                r["cap_per_note"] = most
            r["lane_ids"] = [lanes[k % len(lanes)] for k in range(len(r.get("lane_ids", [])))
                             ] if lanes else []
        if not notes:
            m["votes"] = []
        for k, v in enumerate(m.get("votes", [])):
            fresh(v)
            v["note_id"] = notes[k % len(notes)]
            if v.get("participant_id") is not None:
                v["participant_id"] = people[k % len(people)] if people else None
            if v.get("round_id") is not None:
                v["round_id"] = rounds[k % len(rounds)] if rounds else None
    for p in doc.get("parking_lot", []):
        fresh(p)
    return doc


documents = from_schema(SCHEMA).map(consistent)
#: No shrinking phase: it can take minutes on documents this nested, and the
#: failing document is printed whole anyway. Bounded well under 90 s.
AGREEMENT = settings(max_examples=40, deadline=None, derandomize=True,
                     phases=[Phase.explicit, Phase.reuse, Phase.generate],
                     suppress_health_check=list(HealthCheck))


@pytest.mark.slow
@AGREEMENT
@given(doc=documents)
def test_every_schema_valid_document_imports(library: Library, doc: Doc) -> None:
    assert schema_ok(doc), "consistent() must keep a document valid"
    assert imports(library, doc)


#: Values that sit on an edge of some rule: whole floats, numeric strings, blanks,
#: commas, overlong text, timestamps without an offset, trailing newlines, huge numbers.
ODD_VALUES = [3.0, 2.0, 1.0, -3.0, 3.5, "3", True, False, None, [], {}, "", " ", "\x1c", "a,b",
              ",", "x" * 201, "x" * 10_001, "2026-11-20T09:30:00", "2026-11-20T09:30:00Z",
              "2026-02-30T09:30:00Z", "2026-11-20T09:30:00Z\n", "2026-11-20", "2026-02-30",
              "#0072B2", "#0072B2\n", "id\n", "custom", "open", 10**30, 1e300, -1, 0, 99, 100,
              ["a,b"], ["a", "a"], [" "], ["t"] * 51]


def _places(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _places(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _places(value, path + (i,))
    return out


@st.composite
def near_valid(draw: st.DrawFn) -> Doc:
    doc = draw(documents)
    places = _places(doc)
    where = draw(st.sampled_from(places)) if places else ()
    *head, last = where or ("session",)
    parent: Any = doc
    for part in head:
        parent = parent[part]
    how = draw(st.sampled_from(["value", "value", "value", "drop", "extra"]))
    if how == "value":
        old = parent[last]
        parent[last] = draw(st.sampled_from(
            ODD_VALUES + ([float(old)] if type(old) is int else [])))
    elif how == "drop" and isinstance(parent, dict):
        del parent[last]
    elif isinstance(parent, dict):
        parent["unexpected"] = 1
    return doc


@pytest.mark.slow
@AGREEMENT
@given(doc=near_valid())
def test_schema_and_import_agree_on_near_valid_documents(library: Library, doc: Doc) -> None:
    if schema_ok(doc):  # then only what a schema cannot say may stand in the way
        doc = consistent(doc)
        assert schema_ok(doc)
        assert imports(library, doc), doc
    else:
        assert not imports(library, doc), list(VALIDATOR.iter_errors(doc))[0].message


def minimal() -> Doc:
    return {"format": "waymark", "version": 2,
            "session": {"id": "s", "title": "T", "created_at": "2026-11-20T09:30:00.000Z"},
            "participants": [{"id": "p", "name": "Amira", "vote_budget": 3}],
            "maps": [{"id": "m", "name": "M", "scale_min": -3, "scale_max": 3,
                      "stages": [{"id": "st", "name": "S"}], "lanes": [{"id": "l", "name": "L"}],
                      "notes": [{"id": "n", "stage_id": "st", "lane_id": "l", "impact": 4,
                                 "tags": ["a"]}]}]}


@pytest.mark.parametrize(("path", "value", "accepted"), [
    (("version",), 2.0, True),
    (("participants", 0, "vote_budget"), 3.0, True),
    (("maps", 0, "notes", 0, "impact"), 4.0, True),
    (("maps", 0, "scale_min"), -3.0, True),
    (("maps", 0, "scale_min"), -2.5, False),
    (("participants", 0, "vote_budget"), "3", False),
    (("session", "created_at"), "2026-11-20T09:30:00", False),
    (("session", "created_at"), "2026-11-20T09:30:00+01:00", True),
    (("session", "created_at"), "2026-02-30T09:30:00Z", False),
    (("maps", 0, "notes", 0, "tags"), ["a,b"], False),
    (("maps", 0, "notes", 0, "tags"), [","], False),
    (("maps", 0, "notes", 0, "tags"), [" b "], True),
    (("session", "title"), "\x1c", False),
    (("maps", 0, "id"), "m\n", False),
], ids=lambda v: repr(v)[:30])
def test_the_known_disagreements_are_gone(library: Library, path: tuple, value: Any,
                                          accepted: bool) -> None:
    doc = minimal()
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    assert schema_ok(doc) is accepted
    assert imports(library, doc) is accepted


def test_a_whole_float_is_stored_as_an_integer(library: Library) -> None:
    doc = minimal()
    doc["participants"][0]["vote_budget"] = 5.0
    doc["session"]["id"] = doc["participants"][0]["id"] = "fresh-ids"
    doc["session"]["id"] = "s-float"
    vdoc = validate(doc)
    assert type(vdoc.participants[0].vote_budget) is int and vdoc.participants[0].vote_budget == 5


def test_the_format_checker_checks_dates() -> None:
    """Without rfc3339-validator jsonschema skips date-time silently; make sure it is there."""
    assert not Draft202012Validator.FORMAT_CHECKER.conforms("2026-02-30T09:30:00Z", "date-time")
    assert Path(SCHEMA_PATH).name == "waymark-session.schema.json"
