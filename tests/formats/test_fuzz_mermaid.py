"""Malformed Mermaid, generated: an import either succeeds (and what it wrote exports
back to a diagram that reads again to the same tasks) or is refused with one
WaymarkError of one line, leaving the library's SQL dump as it was. And the
same through the real command line: exit status 2, one line on stderr.

The generator mixes the journey keywords, colons, scores, comments, directives,
front-matter fences and YAML, entities, semicolons, braces, unicode (CJK, RTL,
combining marks, line and paragraph separators), NULs and other control
characters, CR/CRLF line ends and a few very long lines. The examples are
derandomized so a failure is the same on every run; the parser is linear, so
the long lines cost milliseconds, not minutes.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formats.mermaid import export_mermaid, import_mermaid, parse_mermaid
from journey import ops
from journey.errors import WaymarkError
from journey.queries import load_map
from storage.library import Library

ROOT = Path(__file__).resolve().parents[2]

_WORDS = ["journey", "JOURNEY", "title", "Title", "section", "SECTION", "accTitle", "accDescr",
          "acctitle:", "accDescr {", "{", "}", ":", "::", "：", ";", "#", "#35;", "#quot;", "%",
          "%%", "%%{", "}%%", "%%{init: {'theme': 'base'}}%%", "%%{init:", "---", "  ---", "```",
          "```mermaid", "~~~", "title: x", "title: [a", "- a", "config:", "style a:#b;",
          "classDef x:#1;", "3", "5", "0", "-1", "7", "2.5", "2,5", "1e400", "0x5", "NaN",
          "Infinity", ".5", "Me", "Me, Cat", ",", "、", "网购", "旅館", "Открытие", "שלום",
          "e\u0301", "\u2028", "\u2029", "\u00a0", "\u3000", "\ufeff", "\u200b", "\x00", "\x1c",
          "\x7f", "\t", "\r", "\\", "'", '"', "<b class=\"x\">", "&amp;", "🙂"]
_TOKEN = st.one_of(st.sampled_from(_WORDS),
                   st.text(max_size=12),
                   st.text(alphabet=st.sampled_from("ab: ;#%{}-\t"), max_size=20))
_NAME = st.one_of(st.text(max_size=15), st.lists(_TOKEN, max_size=3).map(" ".join))
_TASK = st.builds(lambda name, score, who: f"  {name}: {score}: {who}", _NAME,
                  st.sampled_from(["3", "1", "5", "9", "", "x", "0x2", "2.5"]),
                  st.sampled_from(["Me", "Me, Cat", "", "a: b", "网购, שלום"]))
_LINE = st.one_of(
    _TASK, _TASK, _TASK,
    st.builds(lambda name: f"  section {name}", _NAME),
    st.lists(_TOKEN, max_size=8).map(" ".join),
    st.lists(_TOKEN, max_size=6).map("".join),
    st.builds(lambda n, c: c * n, st.integers(5_000, 60_000), st.sampled_from("x:#%;\n ")),
)
# Mostly no front matter (else most texts stop there), sometimes a broken one.
_FRONT = st.sampled_from(["", "", "", "", "", "---\ntitle: FM\n---\n", "---\ntitle: [a\n---\n",
                          "  ---\n  title: i\n  ---\n", "---\ntitle: x\n", "%%{init: {}}%%\n",
                          "\n---\n---\n", "```mermaid\n", "%% c\n"])
_TEXT = st.builds(lambda front, head, lines, end: front + head + end.join(lines),
                  _FRONT, st.sampled_from(["journey\n"] * 6 + ["", "journey ", "Journey\n",
                                                              "  journey\n  title T\n"]),
                  st.lists(_LINE, max_size=12), st.sampled_from(["\n", "\n", "\r\n", "\r"]))

# Texts that are nearly journeys, so that the import path is fuzzed as much as the refusals:
# names of any characters but Mermaid's separators, with keywords, '%', entities and NULs.
_SAFE = st.text(alphabet=st.characters(blacklist_characters="#:;\n\r\u2028\u2029",
                                       blacklist_categories=("Cs",)), min_size=1, max_size=20)
_SAFE_NAME = st.one_of(_SAFE, st.sampled_from(["title x", "section", "%", "50% off", "#35;",
                                               "a\x00b", "journey", "accTitle", "e\u0301",
                                               "x" * 20_000, "—", "}", "{"]))
_NEAR_TASK = st.builds(lambda name, score, who: f"    {name}:{score}:{who}", _SAFE_NAME,
                       st.sampled_from([" 3", "5", " -2 ", " 9", " ", " x", " 1e9", " 2.5"]),
                       st.lists(_SAFE, max_size=3).map(", ".join))
_NEAR = st.builds(lambda head, lines: "journey\n" + head + "\n".join(lines) + "\n",
                  st.sampled_from(["", "  title T\n", "  accTitle: a\n", "  accDescr {\n d\n}\n"]),
                  st.lists(st.one_of(_NEAR_TASK, _NEAR_TASK, _NEAR_TASK,
                                     st.builds(lambda n: f"  section {n}", _SAFE_NAME),
                                     st.sampled_from(["  %% c", "", "  # c", "%%{init: {}}%%"])),
                           max_size=15))
_ANY = st.one_of(_TEXT, _NEAR)

_FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much])


def _dump(library: Library) -> str:
    with sqlite3.connect(library.path) as conn:
        return "\n".join(conn.iterdump())


def _one_line(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message, repr(message)
    assert len(message) <= 300, message


@pytest.mark.slow
def test_parsing_malformed_text_reads_or_refuses_with_one_line() -> None:
    @settings(_FUZZ, max_examples=300)
    @given(_ANY)
    def check(text: str) -> None:
        try:
            journey = parse_mermaid(text)
        except WaymarkError as exc:
            _one_line(str(exc))
            return
        for warning in journey.warnings:
            _one_line(warning)

    check()


@pytest.mark.slow
def test_importing_malformed_text_imports_or_leaves_the_library_unchanged(tmp_path) -> None:
    library = Library(tmp_path / "library.sqlite")

    @_FUZZ
    @given(_ANY)
    def check(text: str) -> None:
        before = _dump(library)
        try:
            result = library.run(import_mermaid, text)
        except WaymarkError as exc:
            _one_line(str(exc))
            assert _dump(library) == before
            return
        data = library.read(load_map, result.map_id)
        notes = [n.text for s in data.stages for n in data.notes.get((s.id, data.lanes[0].id), [])]
        again = parse_mermaid(library.read(export_mermaid, result.map_id))  # Mermaid-valid
        assert [t.text for t in again.tasks] == [n or "(empty note)" for n in notes]
        library.run(ops.purge_session, result.session_id)  # keep the dump small

    try:
        check()
    finally:
        library.close()


def _cli(db: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "import",
                           "mermaid", str(path)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


@pytest.mark.slow
def test_the_command_line_refuses_malformed_files_with_one_line(tmp_path) -> None:
    db = tmp_path / "library.sqlite"
    seeded = _cli(db, ROOT / "tests" / "fixtures" / "mermaid" / "01-working-day.mmd")
    assert seeded.returncode == 0, seeded.stderr
    before = _dump_file(db)
    cases = {
        "nul-and-no-score.mmd": ("journey\n  section A\n    ok: 3: me\n    bro\x00ken\n", "line 4: "),
        "huge-line.mmd": ("journey\n  section A\n" + "x" * 200_000 + ";\n", "line 3: "),
        "bad-front-matter.mmd": ("---\ntitle: [never closed\n---\njourney\n", "line 2: "),
    }
    for name, (text, start) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run = _cli(db, path)
        assert run.returncode == 2, (name, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr and run.stdout == ""
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: " + start), (name, run.stderr)
        assert len(lines[0]) <= len("error: ") + 300
        assert _dump_file(db) == before


def _dump_file(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())
