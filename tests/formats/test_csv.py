"""CSV of notes: spreadsheet-friendly export, all-or-nothing import, exact round trip."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from formats.csv_notes import CSV_COLUMNS, CSV_HEADER, export_csv, import_csv
from journey import ops
from journey.errors import WaymarkError
from journey.models import Note, Vote
from journey.queries import load_map, maps_of


def dump(library) -> str:
    conn = sqlite3.connect(library.path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def first_map(library, session_id: str):
    return library.read(maps_of, session_id)[0]


def empty_copy(library, session, with_structure: bool = True):
    """A new session with the demo's title and an empty "Current state" map, with the
    same stages and lanes (or none)."""
    data = library.read(load_map, first_map(library, session.id).id)
    copy = library.run(ops.create_session, session.title, template=None, map_name=None)
    jmap = library.run(ops.add_map, copy.id, data.map.name, template=None)
    if with_structure:
        for s in data.stages:
            library.run(ops.add_stage, jmap.id, s.name)
        for lane in data.lanes:
            library.run(ops.add_lane, jmap.id, lane.name, lane.kind)
    return copy, jmap


def test_export_opens_in_spreadsheets(demo, tmp_path: Path) -> None:
    library, session = demo
    path = tmp_path / "notes.csv"
    assert library.read(export_csv, session.id, path) == 44
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfSession,Map,Stage,Lane,Lane kind,Text,")
    assert raw.count(b"\r\n") == 45  # one per row, header included
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(CSV_HEADER) and [h.lower() for h in rows[0]] == list(CSV_COLUMNS)
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["stage"] == "Awareness" and first["lane"] == "Touchpoints"
    assert first["text"] == "Instagram ad with latte art" and first["author"] == "Amira"
    fee = next(dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows
               if r[5] == "Surprise shipping fee at the last step")
    assert (fee["lane kind"], fee["votes"], fee["owner"], fee["priority"], fee["impact"],
            fee["effort"], fee["status"]) == ("Pain points", "4", "Ben", "high", "5", "2", "open")
    # Stable order: stage, then lane, then position in the cell.
    stages = [r[2] for r in rows[1:]]
    assert stages == sorted(stages, key=["Awareness", "Consideration", "Purchase", "Service",
                                         "Loyalty"].index)


def test_export_one_map_and_unwritable_path(demo, tmp_path: Path) -> None:
    library, session = demo
    jmap = first_map(library, session.id)
    library.run(ops.duplicate_map, jmap.id, "Future state")
    assert library.read(export_csv, session.id, tmp_path / "all.csv") == 88
    assert library.read(export_csv, session.id, tmp_path / "f.csv", map_id="Future state") == 44
    text = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert ",Current state," not in text and ",Future state," in text
    with pytest.raises(WaymarkError, match=r"^cannot write .*nope.*: No such file"):
        library.read(export_csv, session.id, tmp_path / "nope" / "x.csv")


def test_round_trip_into_an_empty_map_is_exact(demo, tmp_path: Path) -> None:
    library, session = demo
    first = tmp_path / "first.csv"
    library.read(export_csv, session.id, first)
    copy, jmap = empty_copy(library, session)
    result = library.run(import_csv, first, copy.id, jmap.id)
    assert (result.notes_added, result.votes_added) == (44, 15)
    assert result.stages_created == [] and result.lanes_created == []
    second = tmp_path / "second.csv"
    library.read(export_csv, copy.id, second)
    assert second.read_bytes() == first.read_bytes()


def test_round_trip_creating_stages_and_lanes(demo, tmp_path: Path) -> None:
    library, session = demo
    first = tmp_path / "first.csv"
    library.read(export_csv, session.id, first)
    copy, jmap = empty_copy(library, session, with_structure=False)
    result = library.run(import_csv, first, copy.id, jmap.id, create_missing=True)
    assert result.stages_created == ["Awareness", "Consideration", "Purchase", "Service",
                                     "Loyalty"]
    assert "Pain points" in result.lanes_created and "Emotion" not in result.lanes_created
    data = library.read(load_map, jmap.id)
    assert {lane.name: lane.kind for lane in data.lanes}["Pain points"] == "pain_points"
    second = tmp_path / "second.csv"
    library.read(export_csv, copy.id, second)
    assert second.read_bytes() == first.read_bytes()


def test_tricky_text_survives(demo, tmp_path: Path) -> None:
    library, session = demo
    data = library.read(load_map, first_map(library, session.id).id)
    texts = ['Line one\nline two, with "quotes"', "=SUM(A1:A3) is not a formula here",
             "退货流程太复杂，需要打印标签", "Очередь; долго", " leading and trailing spaces ",
             "tab\there"]
    for t in texts:
        library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, t, tags="a, b")
    path = tmp_path / "t.csv"
    library.read(export_csv, session.id, path)
    copy, jmap = empty_copy(library, session)
    library.run(import_csv, path, copy.id, jmap.id)
    imported = [n.text for n in library.read(load_map, jmap.id).all_notes()]
    for t in texts:
        assert t in imported
    again = tmp_path / "again.csv"
    library.read(export_csv, copy.id, again)
    assert again.read_bytes() == path.read_bytes()


def test_hand_made_sheet_from_european_excel(demo, tmp_path: Path) -> None:
    """Semicolons, other header spellings, a helper column, palette names, votes."""
    library, session = demo
    jmap = first_map(library, session.id)
    path = tmp_path / "sheet.csv"
    path.write_text(
        "STAGE; lane ;Note;Color;Priority;Status;Impact;Effort;Votes;Comments;LANE_KIND\n"
        "Purchase;Pain points;Card declined twice;Orange;High;In-Progress;4;2;3;ask Ben;\n"
        "purchase;OPPORTUNITIES;Retry with PayPal;;;;;;;;opportunities\n"
        "\n"
        ";;;;;;;;;;\n", encoding="utf-8")
    before = library.read(lambda db: len(db.exec(select(Note)).all()))
    result = library.run(import_csv, path, session.id, jmap.id)
    assert (result.notes_added, result.votes_added) == (2, 3)
    assert result.ignored_columns == ["Comments"]
    notes = library.read(lambda db: db.exec(select(Note)).all())
    assert len(notes) == before + 2
    card = next(n for n in notes if n.text == "Card declined twice")
    assert (card.colour, card.priority, card.status, card.impact, card.effort) == \
        ("#E8A152", "high", "in progress", 4, 2)
    votes = library.read(lambda db: db.exec(select(Vote).where(Vote.note_id == card.id)).all())
    assert len(votes) == 3 and all(v.participant_id is None for v in votes)  # facilitator dots
    retry = next(n for n in notes if n.text == "Retry with PayPal")
    assert retry.colour == "#82C595"  # the lane kind's colour when the cell is empty


HEADER = "Stage,Lane,Text,Votes,Impact,Effort,Priority,Status,Colour,Created\n"
OK = "Awareness,Touchpoints,Fine row,1,3,2,high,open,#F9E79F,2026-11-20T09:30:00Z\n"

MALFORMED = [
    ("empty", b"", r"line 1: the file is empty"),
    ("no text column", b"Stage,Lane,Body\nAwareness,Touchpoints,x\n",
     r"line 1: no 'text' column \(the header has 'Stage', 'Lane', 'Body'\)"),
    ("duplicate column", b"Stage,Lane,Text,text\n", r"line 1: the column 'text' appears twice"),
    ("too many fields", (HEADER + OK + OK.replace("\n", ",extra\n")).encode(),
     r"line 3: 11 fields, but the header has 10 columns"),
    ("too few fields", (HEADER + OK + "Awareness,Touchpoints,short\n").encode(),
     r"line 3: 3 fields, but the header has 10 columns"),
    ("unknown stage", (HEADER + OK + OK.replace("Awareness", "Nowhere")).encode(),
     r"line 3: no stage 'Nowhere' in map 'Current state' \(stages: Awareness, "),
    ("unknown lane", (HEADER + OK.replace("Touchpoints", "Mood")).encode(),
     r"line 2: no lane 'Mood' in map 'Current state'"),
    ("impact out of range", (HEADER + OK + OK.replace(",3,2,", ",7,2,")).encode(),
     r"line 3: impact must be a whole number from 1 to 5 \(got '7'\)"),
    ("effort not a number", (HEADER + OK.replace(",3,2,", ",3,big,")).encode(),
     r"line 2: effort must be a whole number from 1 to 5 \(got 'big'\)"),
    ("bad priority", (HEADER + OK.replace("high", "urgent")).encode(),
     r"line 2: priority 'urgent' is not one of low, medium, high \(or empty\)"),
    ("bad status", (HEADER + OK.replace("open", "blocked")).encode(),
     r"line 2: status 'blocked' is not one of open, in progress, done"),
    ("bad colour", (HEADER + OK.replace("#F9E79F", "#12345")).encode(),
     r"line 2: colour '#12345' is not #RRGGBB or a palette name"),
    ("negative votes", (HEADER + OK.replace(",1,3,", ",-1,3,")).encode(),
     r"line 2: votes must be a whole number from 0 to 999 \(got '-1'\)"),
    ("locale date", (HEADER + OK.replace("2026-11-20T09:30:00Z", "20/11/2026 09:30")).encode(),
     r"line 2: created '20/11/2026 09:30' is not an ISO date-time"),
    ("unclosed quote", (HEADER + OK + 'Awareness,Touchpoints,"never closed\n').encode(),
     r"line 3: a quoted field is never closed"),
    ("text after a closing quote", (HEADER + 'Awareness,Touchpoints,"hi" there\n').encode(),
     r"line 2: a quote inside a field must be doubled"),
    ("not UTF-8", (HEADER + OK).encode() + "Awareness,Touchpoints,café\n".encode("cp1252"),
     r"line 3: the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\""),
    ("empty stage", (HEADER + OK.replace("Awareness", "")).encode(),
     r"line 2: the stage is empty"),
    ("lines counted through quoted newlines",
     (HEADER + 'Awareness,Touchpoints,"one\ntwo\nthree",,,,,,,\n' + OK.replace("high", "?")
      ).encode(), r"line 5: priority '\?' is not one of"),
    ("two maps in one file",
     b"Map,Stage,Lane,Text\nCurrent state,Awareness,Touchpoints,a\n"
     b"Future state,Awareness,Touchpoints,b\n",
     r"line 3: the file mixes maps \('Current state' and 'Future state'\)"),
    ("text too long", (HEADER + OK.replace("Fine row", "x" * 10_001)).encode(),
     r"line 2: the text is longer than 10,000 characters"),
]


@pytest.mark.parametrize("content, expected", [(c, e) for _, c, e in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_malformed_csv_changes_nothing(demo, tmp_path: Path, content: bytes,
                                       expected: str) -> None:
    library, session = demo
    jmap = first_map(library, session.id)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = dump(library)
    with pytest.raises(WaymarkError, match="^" + expected) as info:
        library.run(import_csv, path, session.id, jmap.id)
    assert "\n" not in str(info.value)
    assert dump(library) == before


def test_unknown_lane_kind_when_creating(demo, tmp_path: Path) -> None:
    library, session = demo
    jmap = first_map(library, session.id)
    path = tmp_path / "bad.csv"
    path.write_text("Stage,Lane,Lane kind,Text\nNew stage,New lane,journal,x\n"
                    "Awareness,Touchpoints,,y\n", encoding="utf-8")
    before = dump(library)
    with pytest.raises(WaymarkError, match=r"^line 2: unknown lane kind 'journal' \(one of "):
        library.run(import_csv, path, session.id, jmap.id, create_missing=True)
    assert dump(library) == before
    with pytest.raises(WaymarkError, match=r"^cannot read .*missing\.csv: No such file"):
        library.run(import_csv, tmp_path / "missing.csv", session.id, jmap.id)
