"""Text length limits: every free-text field has the same limit in the operations
and in the JSON format, so a 50 MB goal is one line refused, not a report that
never finishes; and a persona photo is decoded in full on import."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from formats.session_json import FormatError, import_session, validate
from journey import ops
from journey.errors import InvalidEdit, WaymarkError
from journey.limits import MAX_NAME, MAX_TAGS, MAX_TEXT, TEXT_FIELDS
from storage import Library

ROOT = Path(__file__).resolve().parents[2]


def sql_dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def full_doc() -> dict[str, Any]:
    """A small document with every free-text field present."""
    return {
        "format": "waymark", "version": 2,
        "session": {"id": "s", "title": "T", "facilitator": "", "goal": "", "notes": ""},
        "personas": [{"id": "pe", "name": "P", "role": "", "quote": "", "goals": "",
                      "frustrations": ""}],
        "maps": [{"id": "m", "name": "M",
                  "stages": [{"id": "st", "name": "S", "description": ""}],
                  "lanes": [{"id": "l", "name": "L", "description": ""}],
                  "notes": [{"id": "n", "stage_id": "st", "lane_id": "l", "text": "",
                             "author": "", "owner": "", "tags": []}],
                  "curves": [{"id": "c", "name": "C",
                              "points": [{"id": "pt", "stage_id": "st", "score": 0,
                                          "label": ""}]}]}],
        "parking_lot": [{"id": "pk", "text": "", "author": ""}],
    }


#: (path in full_doc, TEXT_FIELDS table, field) for every free-text field of the format.
FIELDS = [
    ("session.facilitator", "session", "facilitator"),
    ("session.goal", "session", "goal"),
    ("session.notes", "session", "notes"),
    ("personas.0.role", "persona", "role"),
    ("personas.0.quote", "persona", "quote"),
    ("personas.0.goals", "persona", "goals"),
    ("personas.0.frustrations", "persona", "frustrations"),
    ("maps.0.stages.0.description", "stage", "description"),
    ("maps.0.lanes.0.description", "lane", "description"),
    ("maps.0.notes.0.text", "note", "text"),
    ("maps.0.notes.0.author", "note", "author"),
    ("maps.0.notes.0.owner", "note", "owner"),
    ("maps.0.curves.0.name", "curve", "name"),
    ("maps.0.curves.0.points.0.label", "curve point", "label"),
    ("parking_lot.0.text", "parked note", "text"),
    ("parking_lot.0.author", "parked note", "author"),
]


def put(doc: dict[str, Any], path: str, value: Any) -> None:
    *head, last = path.split(".")
    node: Any = doc
    for part in head:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value


def test_every_limited_field_is_covered() -> None:
    assert {(t, f) for _, t, f in FIELDS} == {
        (t, f) for t, fields in TEXT_FIELDS.items() for f in fields}


@pytest.mark.parametrize(("path", "table", "field"), FIELDS, ids=[f[0] for f in FIELDS])
def test_each_text_field_has_its_limit_on_import(path: str, table: str, field: str) -> None:
    limit = MAX_TEXT if TEXT_FIELDS[table][field] == "long" else MAX_NAME
    doc = full_doc()
    put(doc, path, "x" * limit)
    validate(doc)  # exactly the limit is fine
    put(doc, path, "x" * (limit + 1))
    with pytest.raises(FormatError) as err:
        validate(doc)
    message = str(err.value)
    assert "\n" not in message and f"{limit:,}" in message
    assert message.startswith(path.replace(".0.", "[0].").replace(".0", "[0]") + ":"), message


def test_names_tags_and_tag_count_are_limited() -> None:
    doc = full_doc()
    put(doc, "maps.0.notes.0.tags", ["t" * (MAX_NAME + 1)])
    with pytest.raises(FormatError, match=r"maps\[0\]\.notes\[0\]\.tags\[0\]"):
        validate(doc)
    put(doc, "maps.0.notes.0.tags", [f"t{i}" for i in range(MAX_TAGS + 1)])
    with pytest.raises(FormatError, match=r"maps\[0\]\.notes\[0\]\.tags: .*50"):
        validate(doc)
    put(doc, "maps.0.notes.0.tags", [f"t{i}" for i in range(MAX_TAGS)])
    validate(doc)
    put(doc, "session.title", "T" * (MAX_NAME + 1))
    with pytest.raises(FormatError, match=r"^session\.title: "):
        validate(doc)


def test_ops_have_the_same_limits(library: Library) -> None:
    s = library.run(ops.create_session, "Limits", template=None, map_name=None)
    m = library.run(ops.add_map, s.id, "M", template=None)
    long_text, long_name = "x" * (MAX_TEXT + 1), "x" * (MAX_NAME + 1)
    refused = [
        (ops.create_session, ("T",), {"template": None, "goal": long_text}),
        (ops.create_session, ("T",), {"template": None, "facilitator": long_name}),
        (ops.update_session, (s.id,), {"goal": long_text}),
        (ops.update_session, (s.id,), {"notes": long_text}),
        (ops.update_session, (s.id,), {"facilitator": long_name}),
        (ops.add_persona, (s.id, "P"), {"role": long_name}),
        (ops.add_persona, (s.id, "P"), {"quote": long_text}),
        (ops.add_stage, (m.id, "S"), {"description": long_text}),
        (ops.add_lane, (m.id, "L"), {"description": long_text}),
    ]
    before = sql_dump(library.path)
    for op, args, kwargs in refused:
        with pytest.raises(InvalidEdit, match=r"longer than"):
            library.run(op, *args, **kwargs)
    assert sql_dump(library.path) == before
    persona = library.run(ops.add_persona, s.id, "P", goals="x" * MAX_TEXT)
    stage = library.run(ops.add_stage, m.id, "S", description="x" * MAX_TEXT)
    lane = library.run(ops.add_lane, m.id, "L")
    for op, args in [(ops.edit_persona, (persona.id,)), ]:
        with pytest.raises(InvalidEdit, match=r"longer than"):
            library.run(op, *args, frustrations=long_text)
    with pytest.raises(InvalidEdit, match=r"longer than"):
        library.run(ops.set_stage_description, stage.id, long_text)
    with pytest.raises(InvalidEdit, match=r"longer than"):
        library.run(ops.set_lane_description, lane.id, long_text)
    with pytest.raises(InvalidEdit, match=r"photo"):
        library.run(ops.edit_persona, persona.id, photo=b"\0" * (8 * 2**20 + 1))


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_a_50_mb_goal_is_one_line_refused_and_the_library_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    assert run_cli(db, "demo").returncode == 0
    before = sql_dump(db)
    doc = full_doc()
    put(doc, "session.goal", "g" * (50 * 2**20))
    path = tmp_path / "huge-goal.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = run_cli(db, "import", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "session.goal" in lines[0] and f"{MAX_TEXT:,}" in lines[0]
    assert sql_dump(db) == before


@pytest.mark.slow
def test_a_truncated_png_photo_is_one_line_refused(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    assert run_cli(db, "demo").returncode == 0
    before = sql_dump(db)
    data = png((300, 200))
    doc = full_doc()
    put(doc, "personas.0.photo", base64.b64encode(data[: len(data) // 2]).decode())
    path = tmp_path / "truncated-photo.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = run_cli(db, "import", str(path))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("error: ") and "personas[0].photo" in lines[0], lines
    assert sql_dump(db) == before


@pytest.mark.slow
def test_photo_import_keeps_a_small_png_and_shrinks_a_big_one(library: Library) -> None:
    small, big = png((40, 30)), png((1500, 900))
    doc = full_doc()
    doc["personas"][0]["photo"] = base64.b64encode(small).decode()
    doc["personas"].append({"id": "pe2", "name": "Q", "photo": base64.b64encode(big).decode()})
    library.run(import_session, doc)
    with library.session() as db:
        from journey.models import Persona

        photos = {p.id: p.photo for p in db.exec(__import__("sqlmodel").select(Persona))}
    assert photos["pe"] == small  # kept byte for byte: round trips stay exact
    with Image.open(io.BytesIO(photos["pe2"])) as img:
        assert img.format == "PNG" and max(img.size) == 512


@pytest.mark.slow
def test_a_decompression_bomb_photo_is_refused() -> None:
    buf = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buf, format="PNG")  # 400 Mpx, a few kB
    doc = full_doc()
    doc["personas"][0]["photo"] = base64.b64encode(buf.getvalue()).decode()
    with pytest.raises(WaymarkError, match=r"personas\[0\]\.photo: .*megapixels"):
        validate(doc)


@pytest.mark.slow
def test_a_session_with_every_text_at_its_limit_exports_its_report(library: Library,
                                                                   tmp_path: Path) -> None:
    """A goal or a persona's goals as long as the limits allow are taller than a page:
    the report's tables split them across pages instead of failing (LayoutError)."""
    from pypdf import PdfReader

    from export.report_pdf import export_report_pdf

    words = ("the price page hides shipping costs until checkout " * 300)[:MAX_TEXT]
    s = library.run(ops.create_session, "Limits", template="Purchase and use", goal=words,
                    facilitator="F" * MAX_NAME)
    library.run(ops.update_session, s.id, notes=words)
    library.run(ops.add_persona, s.id, "P" * MAX_NAME, role="R" * MAX_NAME, quote=words,
                goals=words, frustrations=words, photo=png((64, 64)))
    out = tmp_path / "report.pdf"
    result = library.read(export_report_pdf, s.id, out)
    reader = PdfReader(out)
    assert result.pages == len(reader.pages) > 3
    assert "shipping costs" in "".join(p.extract_text() for p in reader.pages)
