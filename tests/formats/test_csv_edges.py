"""CSV import/export at its edges, and the bulk `add_notes` op importers share."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import event
from sqlmodel import select

from formats.csv_notes import CSV_COLUMNS, CSV_HEADER, export_csv, import_csv
from journey import ops
from journey.errors import InvalidEdit, NotFound, WaymarkError
from journey.models import Note
from journey.queries import find_map, load_map, maps_of

# -- ops.add_notes ------------------------------------------------------------------


def _cells(library, session):
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    return data


def _texts(library, stage_id, lane_id):
    with library.session() as db:
        rows = db.exec(select(Note).where(Note.stage_id == stage_id, Note.lane_id == lane_id))
        rows = sorted(rows, key=lambda n: n.position)
        return [n.text for n in rows], [n.position for n in rows]


def test_add_notes_appends_in_order_after_existing_notes_with_dense_positions(demo):
    library, session = demo
    data = _cells(library, session)
    a, b = data.stages[0].id, data.stages[1].id
    lane = data.lanes[1].id
    before_a, _ = _texts(library, a, lane)
    before_b, _ = _texts(library, b, lane)
    items = [ops.NewNote(a, lane, "one"), ops.NewNote(b, lane, "two", {"author": "Ann"}),
             ops.NewNote(a, lane, "three", {"tags": "x, x ,y", "impact": 3})]
    notes = library.run(ops.add_notes, items)
    assert [n.text for n in notes] == ["one", "two", "three"]
    texts_a, pos_a = _texts(library, a, lane)
    texts_b, pos_b = _texts(library, b, lane)
    assert texts_a == before_a + ["one", "three"] and pos_a == list(range(len(texts_a)))
    assert texts_b == before_b + ["two"] and pos_b == list(range(len(texts_b)))
    with library.session() as db:
        three = db.get(Note, notes[2].id)
        assert (three.tags, three.impact) == ("x, y", 3)
        assert db.get(Note, notes[1].id).author == "Ann"


def test_add_notes_gives_the_same_note_as_add_note(demo):
    library, session = demo
    data = _cells(library, session)
    stage, lane = data.stages[2].id, data.lanes[3].id
    fields = {"tags": "b, a", "priority": "high", "status": "open", "effort": 2}
    single = library.run(ops.add_note, stage, lane, "same", **fields)
    (bulk,) = library.run(ops.add_notes, [ops.NewNote(stage, lane, "same", fields)])
    skip = {"id", "position", "created_at", "updated_at"}
    assert {k: v for k, v in bulk.model_dump().items() if k not in skip} == \
        {k: v for k, v in single.model_dump().items() if k not in skip}
    assert bulk.position == single.position + 1


def test_add_notes_keeps_given_times_and_ids(demo):
    library, session = demo
    data = _cells(library, session)
    item = ops.NewNote(data.stages[0].id, data.lanes[0].id, "old", created_at="2020-01-02T03:04:05.000Z",
                       updated_at="2021-01-02T03:04:05.000Z", note_id="fixed-id")
    (note,) = library.run(ops.add_notes, [item])
    with library.session() as db:
        row = db.get(Note, "fixed-id")
    assert (note.id, row.created_at, row.updated_at) == \
        ("fixed-id", "2020-01-02T03:04:05.000Z", "2021-01-02T03:04:05.000Z")


@pytest.mark.parametrize("fields, error", [
    ({"colour": "red"}, "colour 'red' is not #RRGGBB"),
    ({"impact": 6}, "impact must be 1 to 5"),
    ({"priority": "urgent"}, "priority must be one of"),
    ({"nope": 1}, "notes have no field 'nope'"),
    ({"text": "x" * 10_001}, "longer than 10,000"),
])
def test_add_notes_validates_like_add_note_and_writes_nothing_on_error(demo, fields, error):
    library, session = demo
    data = _cells(library, session)
    stage, lane = data.stages[0].id, data.lanes[0].id
    before = library.read(lambda db: len(list(db.exec(select(Note)))))
    text = fields.pop("text", "bad")
    items = [ops.NewNote(stage, lane, "fine"), ops.NewNote(stage, lane, text, fields)]
    with pytest.raises(InvalidEdit, match=error):
        library.run(ops.add_notes, items)
    with pytest.raises(InvalidEdit, match=error):
        library.run(ops.add_note, stage, lane, text, **fields)
    assert library.read(lambda db: len(list(db.exec(select(Note))))) == before


def test_add_notes_checks_cells(demo):
    library, session = demo
    data = _cells(library, session)
    other = library.run(ops.add_map, session.id, "Other")
    other_data = library.read(load_map, other.id)
    with pytest.raises(InvalidEdit, match="different maps"):
        library.run(ops.add_notes, [ops.NewNote(data.stages[0].id, other_data.lanes[0].id)])
    with pytest.raises(NotFound, match="stage nope not found"):
        library.run(ops.add_notes, [ops.NewNote("nope", data.lanes[0].id)])
    assert library.run(ops.add_notes, []) == []


def _statements(library, fn):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement.split()[0].upper())

    event.listen(library.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(library.engine, "before_cursor_execute", count)
    return seen


def test_add_notes_costs_the_same_statements_for_ten_or_five_hundred_notes(demo):
    """Linear time: no per-note read of the cell, no per-note flush."""
    library, session = demo
    data = _cells(library, session)
    cells = [(s.id, ln.id) for s in data.stages[:2] for ln in data.lanes[:2]]

    def run(n):
        items = [ops.NewNote(*cells[i % len(cells)], f"n{i}") for i in range(n)]
        return _statements(library, lambda: library.run(ops.add_notes, items))

    small, large = run(10), run(500)
    assert small.count("SELECT") == large.count("SELECT")
    assert len(large) <= len(small) + 2  # the inserts may be batched in a few statements


# -- reading awkward files ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def dump(library) -> str:
    conn = sqlite3.connect(library.path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def waymark(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WAYMARK_DB", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def first_map(library, session):
    return library.read(maps_of, session.id)[0]


def refused(library, session, tmp_path: Path, raw: bytes) -> str:
    """Import `raw`; it must fail with one WaymarkError line and leave the library as it was."""
    path = tmp_path / "in.csv"
    path.write_bytes(raw)
    before = dump(library)
    with pytest.raises(WaymarkError) as info:
        library.run(import_csv, path, session.id, first_map(library, session).id)
    assert dump(library) == before
    message = str(info.value)
    assert len(message.splitlines()) == 1 and len(message) <= 300, message
    return message


UTF16_CUT = [("little-endian", b"\xff\xfeS\x00,"), ("big-endian", b"\xfe\xff\x00S\x00,\x00")]


@pytest.mark.parametrize("raw", [r for _, r in UTF16_CUT], ids=[n for n, _ in UTF16_CUT])
def test_odd_length_utf16_is_one_line(demo, tmp_path: Path, raw: bytes):
    library, session = demo
    message = refused(library, session, tmp_path, raw)
    assert message.startswith("line 1: the file is not valid UTF-16 text")


@pytest.mark.slow
def test_odd_length_utf16_through_the_cli(tmp_path: Path):
    db = tmp_path / "lib.sqlite"
    assert waymark("--db", str(db), "demo").returncode == 0
    session = json.loads(waymark("--db", str(db), "list", "--json").stdout)[0]["id"]
    for name, raw in UTF16_CUT:
        path = tmp_path / f"{name}.csv"
        path.write_bytes(raw)
        result = waymark("--db", str(db), "import", "csv", str(path), "--session", session,
                         "--map", "Current state")
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
        assert "UTF-16" in result.stderr


def test_utf16_with_the_big_endian_bom_imports(demo, tmp_path: Path):
    library, session = demo
    path = tmp_path / "be.csv"
    path.write_bytes("Stage,Lane,Text\r\nAwareness,Touchpoints,Größe\r\n".encode("utf-16"))
    path.write_bytes(b"\xfe\xff" + "Stage,Lane,Text\r\nAwareness,Touchpoints,Größe\r\n"
                     .encode("utf-16-be"))
    result = library.run(import_csv, path, session.id, first_map(library, session).id)
    assert result.notes_added == 1


def _texts_of(library, note_ids: list[str]) -> list[str]:
    with library.session() as db:
        return [db.get(Note, i).text for i in note_ids]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_old_mac_and_other_line_ends_keep_quoted_line_breaks(demo, tmp_path: Path, newline):
    library, session = demo
    nl = newline
    path = tmp_path / "mac.csv"
    path.write_bytes((f"Stage,Lane,Text,Author{nl}Awareness,Touchpoints,plain,Ann{nl}"
                      f"Awareness,Touchpoints,\"two{nl}lines, one cell\",Ben{nl}"
                      f"Purchase,Pain points,\"mixed\rends\r\nin\nhere\",Cy{nl}").encode())
    result = library.run(import_csv, path, session.id, first_map(library, session).id)
    assert _texts_of(library, result.note_ids) == \
        ["plain", "two\nlines, one cell", "mixed\nends\nin\nhere"]


def test_cr_only_file_names_the_physical_line(demo, tmp_path: Path):
    library, session = demo
    raw = b"Stage,Lane,Text,Priority\r" \
          b"Awareness,Touchpoints,\"one\rtwo\",high\rAwareness,Touchpoints,x,urgent\r"
    assert refused(library, session, tmp_path, raw).startswith("line 4: priority 'urgent'")


@pytest.mark.parametrize("raw, expected", [
    (b"\"" + b"x" * 200_000 + b"\",Lane,Text\n", "line 1: a field is longer than"),
    (b"Stage,Lane,Text\nAwareness,Touchpoints,\"" + b"x" * 200_000 + b"\"\n",
     "line 2: a field is longer than"),
    (b"Stage,Lane,Text\r\"" + b"x" * 200_000 + b"\rAwareness,Touchpoints,x\r",
     "line 2: a field is longer than"),
], ids=["huge header field", "huge field", "huge field, CR"])
def test_other_csv_errors_are_one_line_with_the_line_number(demo, tmp_path, raw, expected):
    library, session = demo
    assert refused(library, session, tmp_path, raw).startswith(expected)


# -- messages quote values cut short --------------------------------------------------

LONG = "Q" * 30 + "z" * 9_970  # 10,000 characters: a paste accident in one cell
HEAD = "Map,Stage,Lane,Text,Priority,Status,Colour,Impact,Votes,Created,Lane kind\n"
GOOD = ["Current state", "Awareness", "Touchpoints", "fine", "high", "open", "", "3", "1",
        "", ""]


def _sheet(column: int, value: str, second: bool = False) -> bytes:
    bad = list(GOOD)
    bad[column] = value
    rows = [GOOD, bad] if second else [bad]
    return (HEAD + "".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows)).encode()


@pytest.mark.parametrize("raw", [
    _sheet(4, LONG), _sheet(5, LONG), _sheet(6, LONG), _sheet(7, LONG), _sheet(8, LONG),
    _sheet(9, LONG), _sheet(10, LONG), _sheet(1, LONG[:150]), _sheet(2, LONG[:150]),
    _sheet(0, LONG, second=True),
    ("Stage,Lane," + LONG + "\n").encode(),
    ("Stage,Lane," + ",".join([LONG] * 50) + "\n").encode(),
], ids=["priority", "status", "colour", "impact", "votes", "created", "lane kind", "stage",
        "lane", "map", "header without text", "many long headers"])
def test_messages_cut_long_values(demo, tmp_path: Path, raw: bytes):
    library, session = demo
    message = refused(library, session, tmp_path, raw)
    assert "…" in message and "z" * 80 not in message, message


# -- formulas stay text --------------------------------------------------------------

FORMULAS = ["=1+1", "+33 6 12 34 56 78", "-5 stars", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\tindented", "'=already quoted", "''+twice", "'plain apostrophe",
            "007", "1e5", "1/2", "a = b"]


def _export_notes(library, session, tmp_path: Path, texts: list[str], name: str) -> Path:
    data = library.read(load_map, first_map(library, session).id)
    stage, lane = data.stages[0].id, data.lanes[0].id
    for text in texts:
        library.run(ops.add_note, stage, lane, text, author="@ann")
    path = tmp_path / name
    library.read(export_csv, session.id, path)
    return path


def test_formula_starts_are_neutralised_and_round_trip(demo, tmp_path: Path):
    library, session = demo
    path = _export_notes(library, session, tmp_path, FORMULAS, "out.csv")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    cells = {r[5]: r for r in rows[1:]}
    for text in ["=1+1", "+33 6 12 34 56 78", "-5 stars", "@SUM(1+1)*cmd|' /C calc'!A0",
                 "\tindented"]:
        assert "'" + text in cells and text not in cells
    assert {"''=already quoted", "'''+twice", "'plain apostrophe", "007", "a = b"} <= set(cells)
    assert all(r[8] == "'@ann" for r in rows[1:] if r[5] in FORMULAS)
    assert not [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # export -> import -> export is exact, and the notes are the notes typed
    copy = library.run(ops.create_session, session.title, template=None, map_name=None)
    jmap = library.run(ops.add_map, copy.id, "Current state", template=None)
    result = library.run(import_csv, path, copy.id, jmap.id, create_missing=True)
    with library.session() as db:
        notes = [db.get(Note, i) for i in result.note_ids]
    typed = [n for n in notes if n.text in FORMULAS]
    assert sorted(n.text for n in typed) == sorted(FORMULAS)
    assert {n.author for n in typed} == {"@ann"}
    again = tmp_path / "again.csv"
    library.read(export_csv, copy.id, again)
    assert again.read_bytes() == path.read_bytes()


def test_a_note_starting_with_a_carriage_return_is_neutralised(demo, tmp_path: Path):
    library, session = demo
    path = _export_notes(library, session, tmp_path, ["\rcarriage"], "cr.csv")
    assert b"\"'\rcarriage\"" in path.read_bytes()
    copy = library.run(ops.create_session, session.title, template=None, map_name=None)
    jmap = library.run(ops.add_map, copy.id, "Current state", template=None)
    result = library.run(import_csv, path, copy.id, jmap.id, create_missing=True)
    assert "\ncarriage" in _texts_of(library, result.note_ids)  # line ends become \n


def test_hand_made_formula_cells_import_as_written(demo, tmp_path: Path):
    library, session = demo
    path = tmp_path / "hand.csv"
    path.write_text("Stage,Lane,Text\nAwareness,Touchpoints,=A1\nAwareness,Touchpoints,'=A2\n"
                    "Awareness,Touchpoints,'hello\n", encoding="utf-8")
    result = library.run(import_csv, path, session.id, first_map(library, session).id)
    assert _texts_of(library, result.note_ids) == ["=A1", "=A2", "'hello"]


# -- the real LibreOffice opens the export ---------------------------------------------

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: `make` installs "
    "libreoffice-calc-nogui")
#: LibreOffice's CSV filter tokens: comma, ", UTF-8 (76), from line 1, column formats.
OPEN_PLAIN = "Text - txt - csv (StarCalc):44,34,76,1"
OPEN_AS_TEXT = OPEN_PLAIN + "," + "/".join(f"{c}/2" for c in range(1, len(CSV_HEADER) + 1))
SAVE_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def soffice(src: Path, infilter: str, target: str, tmp_path: Path) -> Path:
    """Open `src` in LibreOffice Calc as a user would (fresh profile) and save it as `target`."""
    out = tmp_path / "office-out"
    profile = (tmp_path / "office-profile").as_uri()
    run = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                          f"--infilter={infilter}", "--convert-to", target, "--outdir", str(out),
                          str(src)], capture_output=True, text=True, timeout=180)
    converted = out / f"{src.stem}.{target.split(':', 1)[0]}"
    assert converted.exists(), run.stdout + run.stderr
    return converted


def calc_cells(fods: Path) -> list[list[tuple[str, str, bool]]]:
    """(value type, text, is a formula) per cell of the first sheet of a flat ODS file."""
    rows = []
    for row in ElementTree.parse(fods).getroot().iter(f"{TABLE}table-row"):
        cells = []
        for cell in row.iter(f"{TABLE}table-cell"):
            repeat = int(cell.get(f"{TABLE}number-columns-repeated", "1"))
            text = "\n".join("".join(p.itertext()) for p in cell
                             if p.tag.endswith("}p"))
            kind = cell.get(f"{OFFICE}value-type", "")
            cells += [(kind, text, cell.get(f"{TABLE}formula") is not None)] * min(repeat, 50)
        rows.append(cells)
    return rows


@pytest.mark.slow
@needs_soffice
def test_libreoffice_opening_the_export_runs_no_formula(demo, tmp_path: Path):
    """Opened with LibreOffice's defaults (which evaluate formulas), no cell is one."""
    library, session = demo
    path = _export_notes(library, session, tmp_path, FORMULAS, "notes.csv")
    cells = calc_cells(soffice(path, OPEN_PLAIN, "fods", tmp_path))
    text_col = CSV_COLUMNS.index("text")
    formulas = [c[1] for row in cells for c in row if c[2]]
    assert formulas == []
    by_text = {row[text_col][1]: row[text_col][0] for row in cells[1:] if len(row) > text_col}
    for typed in ["=1+1", "@SUM(1+1)*cmd|' /C calc'!A0", "-5 stars", "+33 6 12 34 56 78"]:
        assert by_text.get("'" + typed) == "string", (typed, by_text)
    assert "2" not in by_text


@pytest.mark.slow
@needs_soffice
def test_libreoffice_with_text_columns_keeps_every_note_and_saves_it_back(demo, tmp_path):
    """The way docs/FORMAT.md says to open the file: every column typed Text. Then 007,
    1e5 and 1/2 stay as typed, and the sheet saved again as CSV imports to the same notes."""
    library, session = demo
    path = _export_notes(library, session, tmp_path, FORMULAS, "notes.csv")
    cells = calc_cells(soffice(path, OPEN_AS_TEXT, "fods", tmp_path))
    text_col = CSV_COLUMNS.index("text")
    by_text = {row[text_col][1]: row[text_col][0] for row in cells[1:] if len(row) > text_col}
    for typed in ["007", "1e5", "1/2", "'=1+1", "''=already quoted"]:
        assert by_text.get(typed) == "string", (typed, by_text)
    assert all(not c[2] and c[0] in ("string", "") for row in cells for c in row)
    saved = soffice(path, OPEN_AS_TEXT, SAVE_CSV, tmp_path / "again")
    copy = library.run(ops.create_session, session.title, template=None, map_name=None)
    jmap = library.run(ops.add_map, copy.id, "Current state", template=None)
    result = library.run(import_csv, saved, copy.id, jmap.id, create_missing=True)
    original = library.read(load_map, first_map(library, session).id)
    imported = library.read(load_map, jmap.id)
    assert result.notes_added == len(original.all_notes())
    assert sorted(n.text for n in imported.all_notes()) == \
        sorted(n.text for n in original.all_notes())
    assert {n.author for n in imported.all_notes() if n.text in FORMULAS} == {"@ann"}


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "nan", "1e400"])
def test_impact_infinity_is_a_message_not_an_overflow(demo, tmp_path: Path, value: str):
    library, session = demo
    raw = f"Stage,Lane,Text,Impact\nAwareness,Touchpoints,x,{value}\n".encode()
    assert refused(library, session, tmp_path, raw).startswith(
        f"line 2: impact must be a whole number from 1 to 5 (got '{value}')")


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00"])
def test_a_date_beyond_the_calendar_in_utc_is_a_message(demo, tmp_path: Path, value: str):
    library, session = demo
    raw = f"Stage,Lane,Text,Created\nAwareness,Touchpoints,x,{value}\n".encode()
    assert refused(library, session, tmp_path, raw).startswith(f"line 2: created '{value}' is")


@pytest.mark.slow
def test_the_ignored_columns_line_is_cut_too(tmp_path: Path):
    """A header of pasted text is reported as one short line, not repeated in full."""
    db = tmp_path / "lib.sqlite"
    assert waymark("--db", str(db), "demo").returncode == 0
    session = json.loads(waymark("--db", str(db), "list", "--json").stdout)[0]["id"]
    extra = [f"column {i} " + "x" * 10_000 for i in range(30)]
    path = tmp_path / "wide.csv"
    path.write_text("stage,lane,text," + ",".join(extra) + "\n"
                    "Awareness,Actions,hello," + ",".join("" for _ in extra) + "\n")
    out = waymark("--db", str(db), "import", "csv", str(path), "--session", session,
                  "--map", "Current state")
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ignored columns:"), out.stderr[:500]
    assert len(lines[0]) <= 300 and "30 columns" in lines[0]
