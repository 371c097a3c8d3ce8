"""Mermaid journey diagrams: messy real-world input, clamping, and the round trip."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from formats.mermaid import (
    export_mermaid,
    export_mermaid_file,
    import_mermaid,
    parse_mermaid,
    read_mermaid_file,
)
from journey import ops
from journey.errors import WaymarkError
from journey.queries import load_map, maps_of

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "mermaid").glob("*.mmd"))


def read(path: Path) -> str:
    return read_mermaid_file(path)


def snapshot(library, map_id: str) -> dict:
    """What a map holds, by name: stages with their tasks (text, actors, score) and
    the session's participants."""
    data = library.read(load_map, map_id)
    points = {s.id: [p.score for p in data.curves[0].points if p.stage_id == s.id]
              for s in data.stages}
    actions = [lane for lane in data.lanes if lane.kind == "actions"]
    stages = []
    for s in data.stages:
        notes = [(n.text, n.author) for lane in actions for n in data.notes.get((s.id, lane.id), [])]
        stages.append((s.name, notes, points[s.id]))
    with sqlite3.connect(library.path) as conn:
        people = [r[0] for r in conn.execute(
            "SELECT name FROM participant WHERE session_id = ? ORDER BY position",
            (data.session.id,))]
    return {"title": data.session.title, "stages": stages, "participants": people,
            "lanes": [(lane.name, lane.kind) for lane in data.lanes],
            "scale": (data.map.scale_min, data.map.scale_max)}


def test_there_are_enough_realistic_fixtures() -> None:
    assert len(FIXTURES) >= 10
    text = "".join(read(p) for p in FIXTURES)
    for sample in ("网购", "旅館", "Открытие", "%%", "\t", "accDescr", "```mermaid", ": 7:",
                   "10: Shopper", "\uff1a", ":4:Prospect"):
        assert sample in text, sample


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_imports_and_round_trips(library, path: Path) -> None:
    first = library.run(import_mermaid, read(path))
    assert first.stages >= 2 and first.notes >= 5
    text = library.read(export_mermaid, first.map_id)
    second = library.run(import_mermaid, text)
    assert second.warnings == []  # what we write is clean Mermaid
    assert snapshot(library, second.map_id) == snapshot(library, first.map_id)
    assert library.read(export_mermaid, second.map_id) == text


def test_the_mermaid_docs_example(library) -> None:
    result = library.run(import_mermaid, read(FIXTURES[0]))
    snap = snapshot(library, result.map_id)
    assert snap["title"] == "My working day"
    assert snap["lanes"] == [("Actions", "actions"), ("Emotion", "emotion")]
    assert snap["stages"] == [
        ("Go to work", [("Make tea", "Me"), ("Go upstairs", "Me"), ("Do work", "Me, Cat")],
         [3.0, 0.0, -3.0]),
        ("Go home", [("Go downstairs", "Me"), ("Sit down", "Me")], [3.0, 3.0]),
    ]
    assert snap["participants"] == ["Me", "Cat"]
    assert result.warnings == []


def test_messy_lines() -> None:
    # Every line is one Mermaid 12.3.0 accepts; see tests/formats/test_mermaid_grammar.py.
    journey = parse_mermaid(
        "%% comment before\n"
        "   journey   %% trailing\n"
        "\taccTitle: A11y title\n"
        "\taccDescr {\n  first line\n  second line }\n"
        "Early task:4:Me\n"
        "  section  Go\t to work  %% a comment\n"
        "\t\tMake tea:5:Me,  Cat ,me\n"
        "    Meeting at 10 : 7 : Me\n"
        "    No score here: \n"
        "    Bad score: great: Me\n"
        "    Half: 2.5\n"
        "    Comma decimal: 3,5: Me\n"
        "    Call at 10:30: 4: Me\n"
        "  section 下单\n"
        "    支付失败：重试: 0: 用户, 客服、店长\n")
    assert journey.title == "A11y title"  # no `title` line: the accessible title
    assert journey.description == "first line\nsecond line"
    assert [s.name for s in journey.sections] == ["Journey", "Go to work", "下单"]
    tasks = [(t.text, t.score, t.actors) for t in journey.tasks]
    assert tasks == [
        ("Early task", 4.0, ["Me"]),
        ("Make tea", 5.0, ["Me", "Cat"]),
        ("Meeting at 10", 5.0, ["Me"]),
        ("No score here", 3.0, []),
        ("Bad score", 3.0, ["Me"]),
        ("Half", 2.5, []),
        ("Comma decimal", 3.0, ["Me"]),  # Mermaid's Number("3,5") is NaN
        ("Call at 10", 5.0, ["4"]),  # as Mermaid reads it: the name ends at the first ':'
        ("支付失败：重试", 1.0, ["用户", "客服、店长"]),
    ]
    assert journey.warnings == [
        "line 7: tasks before the first section were put in a stage called 'Journey'",
        "line 8: text after '%%' dropped (Mermaid shows it as part of the section name)",
        "line 10: score 7 clamped to 5",
        "line 11: no score; used 3 (neutral)",
        "line 12: score 'great' is not a number; used 3 (neutral)",
        "line 14: score '3,5' is not a number; used 3 (neutral)",
        "line 15: Mermaid ignores ': Me' after the actors",
        "line 15: score 30 clamped to 5",
        "line 17: score 0 clamped to 1",
    ]
    assert journey.actors == ["Me", "Cat", "4", "用户", "客服、店长"]


def test_scores_map_onto_the_scale(library) -> None:
    text = "journey\n  section A\n    Low: 1: X\n    Mid: 3: X\n    High: 5: X\n    Q: 2: X\n"
    for scale, expected in (((-3, 3), [-3, 0, 3, -1.5]), ((1, 5), [1, 3, 5, 2]),
                            ((1, 10), [1, 5.5, 10, 3.25]), ((-2, 2), [-2, 0, 2, -1])):
        result = library.run(import_mermaid, text, title="Scaled", scale=scale)
        snap = snapshot(library, result.map_id)
        assert snap["scale"] == scale
        assert snap["stages"][0][2] == expected
        assert "Q: 2: X" in library.read(export_mermaid, result.map_id)


def test_export_of_a_map_made_in_the_app(demo) -> None:
    library, session = demo
    jmap = library.read(maps_of, session.id)[0]
    text = library.read(export_mermaid, jmap.id)
    lines = text.splitlines()
    assert lines[0] == "journey" and "    title Coffee subscription" in lines
    assert [x.strip() for x in lines if x.strip().startswith("section")] == [
        "section Awareness", "section Consideration", "section Purchase", "section Service",
        "section Loyalty"]
    # One point per stage on −3…+3: every action in the stage gets that score on 1…5.
    assert "      Follows the roaster's account: 3.6667: Chloé" in lines  # +1
    assert "      Compares three roasters: 2.3333: Emma" in lines  # −1
    assert "      Pauses a delivery while on holiday: 1.6667: Chloé" in lines  # −2
    again = library.run(import_mermaid, text)
    snap = snapshot(library, again.map_id)
    assert [len(s[1]) for s in snap["stages"]] == [1, 2, 2, 2, 1]
    assert snap["stages"][3][2] == [-2.0, -2.0]


def test_characters_mermaid_cannot_carry_are_swapped_and_restored(library, tmp_path) -> None:
    session = library.run(ops.create_session, "Odd; #1: names", template=None, map_name=None)
    jmap = library.run(ops.add_map, session.id, "Current state", template=None)
    stage = library.run(ops.add_stage, jmap.id, "Step: one #1")
    lane = library.run(ops.add_lane, jmap.id, "Actions", "actions")
    library.run(ops.add_note, stage.id, lane.id, "Call at 10:30; ask for #42 %% now",
                author="Ana, Bo")
    path = tmp_path / "out.mmd"
    text = library.read(export_mermaid_file, jmap.id, path)
    assert path.read_text(encoding="utf-8") == text
    body = [line for line in text.splitlines() if line.startswith("      ")]
    assert len(body) == 1 and body[0].count(":") == 2 and "#" not in body[0]
    assert ";" not in body[0] and "%%" not in body[0]
    again = library.run(import_mermaid, text)
    snap = snapshot(library, again.map_id)
    assert snap["stages"] == [("Step: one #1", [("Call at 10:30; ask for #42 %% now",
                                                 "Ana, Bo")], [0.0])]
    assert snap["participants"] == ["Ana", "Bo"]


@pytest.mark.parametrize("text, message", [
    ("", "no 'journey' line: this is not a Mermaid journey diagram"),
    ("flowchart TD\n  A --> B\n", "line 1: this is a Mermaid 'flowchart' diagram, not a journey"),
    ("%% notes\nsequenceDiagram\n  A->>B: hi\n",
     "line 2: this is a Mermaid 'sequenceDiagram' diagram, not a journey"),
    ("Hello there\njourney\n", "line 1: expected 'journey' to start the diagram, found 'Hello"),
    ("journey\n  Nothing yet\n", "line 2: 'Nothing yet' is not a task: Mermaid needs 'name: score'"),
    ("---\ntitle: x\njourney\n", "line 1: front matter (---) is never closed"),
])
def test_not_a_journey(library, text: str, message: str) -> None:
    with sqlite3.connect(library.path) as conn:
        before = "\n".join(conn.iterdump())
    with pytest.raises(WaymarkError) as info:
        library.run(import_mermaid, text)
    assert str(info.value).startswith(message)
    with sqlite3.connect(library.path) as conn:
        assert "\n".join(conn.iterdump()) == before


def test_bad_scale(library) -> None:
    with pytest.raises(WaymarkError, match="scale must be one of"):
        library.run(import_mermaid, "journey\n section A\n  T: 3: X\n", scale=(0, 7))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(WaymarkError, match=r"^cannot read .*none\.mmd: No such file"):
        read_mermaid_file(tmp_path / "none.mmd")
    bad = tmp_path / "latin1.mmd"
    bad.write_bytes("journey\n section Café\n".encode("latin-1"))
    with pytest.raises(WaymarkError, match=r"^line 2: latin1\.mmd is not UTF-8 text$"):
        read_mermaid_file(bad)
